package org.vmapstress.harness;

import java.time.Duration;
import java.util.function.Consumer;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.sched.SchedulePolicy;
import org.vmapstress.reports.Verdict;

/**
 * What an exhaustive search ({@link BoundedSearch}, {@link PartialOrderSearch}) has run so far:
 * the schedules, their schedule points, the violating ones, and the first failure (the first
 * violation, or the execution that could not be judged, which ends the search).
 */
final class SearchTally {
    long schedules;
    long steps;
    long violating;
    /** How many schedules had run when the first violation came (0: none yet): executions to the first detection. */
    long firstViolationAt;
    ExecutionResult failure;

    /**
     * Runs one schedule of {@code spec} with {@code policy}, its watchdog cut to the search's
     * {@code deadline}, and hands it to {@code eachSchedule} named by its picks (replayable);
     * false when it could not be judged.
     */
    boolean run(Execution execution, ExecutionSpec spec, SchedulePolicy policy, long deadline, Consumer<ExecutionResult> eachSchedule)
            throws InterruptedException {
        Duration left = Duration.ofNanos(deadline - System.nanoTime()).plus(Explorer.OVERRUN);
        ExecutionResult result = execution.cutTo(left).run(spec, policy);
        schedules++;
        steps += result.steps();
        ExecutionResult replayable = result.as(spec.withSched(policy.name()));
        eachSchedule.accept(replayable);
        if (!result.failed()) {
            return true;
        }
        if (result.verdict() != Verdict.VIOLATION) {
            failure = replayable;
            return false;
        }
        violating++;
        if (failure == null) {
            failure = replayable;
            firstViolationAt = schedules;
        }
        return true;
    }

    /** Why the search must stop before its next schedule: "budget" past {@code deadline}, "iterations" at the limit; null to go on. */
    String cap(long deadline, long iterations) {
        if (System.nanoTime() > deadline) {
            return "budget";
        }
        return schedules >= iterations ? "iterations" : null;
    }

    /** Whether every schedule run was judged (a violation is a judgement). */
    boolean judged() {
        return failure == null || failure.verdict() == Verdict.VIOLATION;
    }
}
