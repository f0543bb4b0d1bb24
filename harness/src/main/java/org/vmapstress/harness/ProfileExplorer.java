package org.vmapstress.harness;

import java.time.Duration;
import java.util.List;
import org.vmapstress.harness.exec.ExecutionSpec;

/**
 * Explores several workload profiles of one configuration in turn, one execution each, until
 * one fails or the budget is spent: a bug that only one profile can show (a gap in the
 * possible CPUs, say) is then found in about (profiles x its executions alone), without knowing
 * beforehand which profile it needs. Each profile continues where it stopped, so no execution
 * runs twice. (Slices of a second each cost a bug that needs the second profile a whole
 * second of the first one's executions: 781 executions for impossible-cpu-hash in bench, where
 * Fray, alternating per execution, needed 2.)
 */
public final class ProfileExplorer {
    private final Explorer explorer;

    public ProfileExplorer(Explorer explorer) {
        this.explorer = explorer;
    }

    /** What was explored in all, the failure (if any) and the profile that found it (else the first). */
    public record Outcome(Explorer.Summary summary, ExecutionSpec profile) {
    }

    public Outcome explore(List<ExecutionSpec> profiles, Duration budget) throws InterruptedException {
        long start = System.nanoTime();
        long[] next = profiles.stream().mapToLong(ExecutionSpec::exec).toArray();
        long executions = 0;
        long steps = 0;
        while (true) {
            for (int p = 0; p < profiles.size(); p++) {
                Duration left = budget.minusNanos(System.nanoTime() - start);
                if (left.isNegative() || left.isZero()) {
                    return new Outcome(new Explorer.Summary(executions, steps, Duration.ofNanos(System.nanoTime() - start), null,
                            true, null, null), profiles.get(0));
                }
                Explorer.Summary slice = explorer.explore(profiles.get(p).withExec(next[p]), Shard.ALL, 1, left, progress -> { });
                executions += slice.executions();
                steps += slice.steps();
                next[p] += slice.executions();
                if (slice.failed()) {
                    return new Outcome(new Explorer.Summary(executions, steps, Duration.ofNanos(System.nanoTime() - start),
                            slice.failure(), false, slice.free(), slice.last()), profiles.get(p));
                }
            }
        }
    }
}
