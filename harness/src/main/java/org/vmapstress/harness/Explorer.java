package org.vmapstress.harness;

import java.time.Duration;
import java.util.function.Consumer;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;

/**
 * Controlled exploration: executions 0, 1, 2, ... of one spec (each with its own workload and
 * schedule seeds) until one fails, the iteration count is reached, or the time budget runs out.
 */
public final class Explorer {
    private final Execution execution;

    public Explorer(Execution execution) {
        this.execution = execution;
    }

    /** Progress and outcome of an exploration. */
    public record Summary(long executions, long steps, Duration elapsed, ExecutionResult failure, boolean budgetSpent) {
        public double executionsPerSecond() {
            return executions / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }

        public double stepsPerSecond() {
            return steps / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    public Summary explore(ExecutionSpec template, long iterations, Duration budget, Consumer<Summary> progress)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        long steps = 0;
        long lastReport = start;
        for (long exec = template.exec(); exec < template.exec() + iterations; exec++) {
            if (System.nanoTime() > deadline) {
                return new Summary(exec - template.exec(), steps, Duration.ofNanos(System.nanoTime() - start), null, true);
            }
            ExecutionResult result = execution.run(template.withExec(exec));
            steps += result.steps();
            long done = exec - template.exec() + 1;
            if (result.failed()) {
                return new Summary(done, steps, Duration.ofNanos(System.nanoTime() - start), result, false);
            }
            if (System.nanoTime() - lastReport > 1_000_000_000L) {
                lastReport = System.nanoTime();
                progress.accept(new Summary(done, steps, Duration.ofNanos(lastReport - start), null, false));
            }
        }
        return new Summary(iterations, steps, Duration.ofNanos(System.nanoTime() - start), null, false);
    }
}
