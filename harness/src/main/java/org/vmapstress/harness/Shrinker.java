package org.vmapstress.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.harness.sched.ControlledScheduler;
import org.vmapstress.harness.sched.Step;

/**
 * Shrinks a failing execution: looks for one with fewer workers, fewer operations per worker
 * and fewer preemptions that still fails with the same invariant. Random workloads keep each
 * worker's own operation stream (see {@code Workload.random}), so a smaller workload is a
 * prefix of the larger one; for each smaller size it tries a few executions under the random
 * walk and under PCT of depth 1 to 3, and keeps the smallest failure found, greedily, until
 * nothing smaller fails or the budget is spent.
 */
public final class Shrinker {
    private static final int EXECUTIONS_PER_CANDIDATE = 60;
    private static final List<String> POLICIES = List.of("pct:1", "pct:2", "random", "pct:3");

    private final Execution execution;

    public Shrinker(Execution execution) {
        this.execution = execution;
    }

    /**
     * The smallest failure found within the budget, or the original when nothing smaller fails.
     * Each round tries the next {@value #EXECUTIONS_PER_CANDIDATE} executions of every candidate,
     * smallest candidate first; a smaller failure restarts the search from it.
     */
    public ExecutionResult shrink(ExecutionResult original, Duration budget) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        ExecutionResult best = original;
        long firstExec = 0;
        while (System.nanoTime() < deadline && !minimal(best)) {
            List<ExecutionSpec> candidates = smallerThan(best.spec());
            if (candidates.isEmpty()) {
                break;
            }
            ExecutionResult found = null;
            for (int i = 0; i < candidates.size() && found == null; i++) {
                found = firstFailureLike(candidates.get(i), best, firstExec, deadline);
            }
            if (found != null) {
                best = found;
                firstExec = 0;
            } else {
                firstExec += EXECUTIONS_PER_CANDIDATE;
            }
        }
        return best;
    }

    private static boolean minimal(ExecutionResult result) {
        return result.spec().threads() == 1 && result.spec().ops() == 1 && preemptions(result.trace()) == 0;
    }

    private ExecutionResult firstFailureLike(ExecutionSpec candidate, ExecutionResult best, long firstExec, long deadline)
            throws InterruptedException {
        for (String policy : POLICIES) {
            for (long exec = firstExec; exec < firstExec + EXECUTIONS_PER_CANDIDATE && System.nanoTime() < deadline; exec++) {
                ExecutionResult result = execution.run(withPolicy(candidate, policy, exec));
                if (result.failed() && result.failureId().equals(best.failureId()) && size(result) < size(best)) {
                    return result;
                }
            }
        }
        return null;
    }

    /** Workloads no larger than the spec's, smallest first (the same size too: fewer preemptions count). */
    private static List<ExecutionSpec> smallerThan(ExecutionSpec spec) {
        List<ExecutionSpec> candidates = new ArrayList<>();
        if (!spec.scenario().equals(ExecutionSpec.RANDOM_SCENARIO)) {
            return candidates;
        }
        for (int threads = 1; threads <= spec.threads(); threads++) {
            for (int ops = 1; ops < spec.ops() * 3 / 2; ops = ops < 4 ? ops + 1 : ops * 3 / 2) {
                if (ops <= spec.ops()) {
                    candidates.add(new ExecutionSpec(spec.bugs(), spec.model(), spec.scenario(), threads, Math.min(ops, spec.ops()),
                            spec.seed(), spec.sched(), 0));
                }
            }
        }
        candidates.sort(Comparator.comparingLong(c -> (long) c.threads() * c.ops()));
        return candidates;
    }

    private static ExecutionSpec withPolicy(ExecutionSpec spec, String policy, long exec) {
        return new ExecutionSpec(spec.bugs(), spec.model(), spec.scenario(), spec.threads(), spec.ops(), spec.seed(), policy, exec);
    }

    /** Threads x ops first, then preemptions, then steps: what a reader has to follow. */
    static long size(ExecutionResult result) {
        ExecutionSpec spec = result.spec();
        return ((long) spec.threads() * spec.ops() * 1_000_000L) + preemptions(result.trace()) * 10_000L
                + Math.min(9_999, result.steps());
    }

    /** Steps where the running worker changed while the previous one could have gone on. */
    public static int preemptions(List<Step> trace) {
        int switches = 0;
        for (int i = 1; i < trace.size(); i++) {
            if (trace.get(i).thread() != trace.get(i - 1).thread() && !trace.get(i - 1).point().startsWith(ControlledScheduler.WAIT)) {
                switches++;
            }
        }
        return switches;
    }
}
