package org.vmapstress.harness.exec;

import java.util.List;
import org.vmapstress.harness.sched.ExecutionEnd;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.ModelSnapshot;
import org.vmapstress.model.Violation;
import org.vmapstress.reports.Verdict;

/**
 * What one controlled execution did: how it ended, the violation if one was found (with the
 * step at which it was found), the full trace and its fingerprint, and the model's state when
 * the violation was found (when none was: when the workers finished, before the end's checks and
 * tear-down, so that two schedules that leave different states are told apart), and whether the
 * violation was raised inside an operation ({@code raisedInside}: a model assertion cut its step
 * short) rather than by the checks after an operation returned or at the end.
 */
public record ExecutionResult(ExecutionSpec spec, ExecutionEnd end, Violation violation, int violationStep,
                              List<Step> trace, long fingerprint, List<Integer> checkpoints, ModelSnapshot snapshot,
                              boolean raisedInside) {
    /** True when the execution did not complete cleanly: a violation, or an end that could not judge (see {@link #verdict}). */
    public boolean failed() {
        return end.kind() != ExecutionEnd.Kind.COMPLETED;
    }

    public Verdict verdict() {
        return end.kind().verdict();
    }

    /** The same result, named by {@code replayable} (a spec that runs the same steps, e.g. its picks as {@code choices}). */
    public ExecutionResult as(ExecutionSpec replayable) {
        return new ExecutionResult(replayable, end, violation, violationStep, trace, fingerprint, checkpoints, snapshot, raisedInside);
    }

    public int steps() {
        return trace.size();
    }

    /**
     * The invariant id the failure reports: the violation's, or LOCK-ORDER for a deadlock and
     * HANG for a lock never released (the ids free-running reports for them too, so such a
     * stall seen free-running is re-found under control), or the end kind.
     */
    public String failureId() {
        if (violation != null) {
            return violation.invariant().id();
        }
        return switch (end.kind()) {
            case DEADLOCK -> InvariantId.LOCK_ORDER.id();
            case HANG -> InvariantId.HANG.id();
            default -> end.kind().name();
        };
    }

    /** One sentence: what broke. */
    public String failureMessage() {
        return violation != null ? violation.toString() : end.kind() + ": " + end.detail();
    }
}
