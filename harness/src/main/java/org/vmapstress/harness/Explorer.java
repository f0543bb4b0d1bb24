package org.vmapstress.harness;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.FreeRun;
import org.vmapstress.harness.sched.ExecutionEnd;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.FlightRecorder;
import org.vmapstress.harness.exec.Recording;
import org.vmapstress.harness.sched.RecordedOrder;

/**
 * Exploration: executions 0, 1, 2, ... of one spec (each with its own workload and schedule
 * seeds) until one fails, the iteration count is reached, or the time budget runs out. Under
 * the controlled scheduler every failure is replayable. Free-running ({@code sched=free}) runs
 * the same workloads on parallel threads; a failure there is re-searched under the controlled
 * scheduler with the same workload, so that it ends as a token when it can.
 */
public final class Explorer {
    /** The controlled policies a free-running failure is re-searched with, on the same workload. */
    private static final List<String> RESEARCH_POLICIES = List.of("random", "pct:1", "pct:2", "pct:3");
    /** How many randomly swapped variants of a free-running failure's recorded order the re-search follows ({@link RecordedOrder#variants}). */
    private static final int SWAPPED_ORDERS = 16;
    /**
     * How long a re-search runs at most: it starts no execution after this (recorded orders are
     * followed in its first two thirds, the policies after them in the rest). The default
     * workload's re-search takes seconds; a long execution's may not, and a free-running
     * execution (60 s watchdog) plus this plus one execution in flight (20 s) stays inside
     * the 2 minutes a run may overrun its budget: a failure seen is never lost to that watchdog.
     */
    private static final Duration RESEARCH_BUDGET = Duration.ofSeconds(30);

    private final Execution execution;
    private final FreeRun freeRun;

    public Explorer(Execution execution) {
        this(execution, FlightRecorder.DEFAULT_EVENTS);
    }

    /** An explorer whose free-running executions record the last {@code recordEvents} events of each worker (0: none). */
    public Explorer(Execution execution, int recordEvents) {
        this.execution = execution;
        this.freeRun = new FreeRun(Duration.ofSeconds(60), recordEvents);
    }

    /**
     * Progress and outcome of an exploration. {@code failure} is a replayable failure;
     * {@code unreproduced} a free-running violation the controlled re-search did not find again
     * (with its recorded interleaving, when the flight recorder was on);
     * {@code freeUnjudged} how the last free-running execution ended when it could not judge
     * (its watchdog, a crash).
     */
    public record Summary(long executions, long steps, Duration elapsed, ExecutionResult failure, boolean budgetSpent,
                          FreeRun.Outcome unreproduced, ExecutionResult last, ExecutionEnd freeUnjudged) {
        public Summary(long executions, long steps, Duration elapsed, ExecutionResult failure, boolean budgetSpent,
                       FreeRun.Outcome unreproduced, ExecutionResult last) {
            this(executions, steps, elapsed, failure, budgetSpent, unreproduced, last, null);
        }

        Summary(long executions, long steps, Duration elapsed, ExecutionResult failure, boolean budgetSpent) {
            this(executions, steps, elapsed, failure, budgetSpent, null, failure);
        }

        public boolean failed() {
            return failure != null || unreproduced != null || freeUnjudged != null;
        }

        public double executionsPerSecond() {
            return executions / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }

        public double stepsPerSecond() {
            return steps / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    public Summary explore(ExecutionSpec template, long iterations, Duration budget, Consumer<Summary> progress)
            throws InterruptedException {
        return explore(template, Shard.ALL, iterations, budget, progress);
    }

    /** Explores only {@code shard}'s executions: {@code iterations} of them at most. */
    public Summary explore(ExecutionSpec template, Shard shard, long iterations, Duration budget, Consumer<Summary> progress)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        long steps = 0;
        long lastReport = start;
        ExecutionResult last = null;
        for (long i = 0; i < iterations; i++) {
            if (System.nanoTime() > deadline) {
                return new Summary(i, steps, Duration.ofNanos(System.nanoTime() - start), null, true, null, last);
            }
            long exec = shard.exec(template.exec(), i);
            long done = i + 1;
            if (template.freeRunning()) {
                FreeRun.Outcome outcome = freeRun.run(template.withExec(exec));
                if (outcome.violation() != null) {
                    ExecutionResult again = research(template.withExec(exec), outcome);
                    return new Summary(done, steps, Duration.ofNanos(System.nanoTime() - start), again, false,
                            again == null ? outcome : null, again);
                }
                if (!outcome.completed()) {
                    return new Summary(done, steps, Duration.ofNanos(System.nanoTime() - start), null, false, null, null,
                            outcome.end());
                }
            } else {
                ExecutionResult result = execution.run(template.withExec(exec));
                last = result;
                steps += result.steps();
                if (result.failed()) {
                    return new Summary(done, steps, Duration.ofNanos(System.nanoTime() - start), result, false);
                }
            }
            if (System.nanoTime() - lastReport > 1_000_000_000L) {
                lastReport = System.nanoTime();
                progress.accept(new Summary(done, steps, Duration.ofNanos(lastReport - start), null, false, null, last));
            }
        }
        return new Summary(iterations, steps, Duration.ofNanos(System.nanoTime() - start), null, false, null, last);
    }

    /**
     * The same workload under control: first following the failure's flight recording (as
     * recorded, then perturbed), then under each controlled policy; the first failure with the
     * same invariant, replayable (a recorded order's picks become its {@code choices}), or null.
     */
    private ExecutionResult research(ExecutionSpec freeSpec, FreeRun.Outcome seen) throws InterruptedException {
        String id = seen.violation().invariant().id();
        Recording recording = seen.recording();
        List<Supplier<int[]>> orders = recording.order().isEmpty() ? List.of()
                : RecordedOrder.variants(recording.order(), recording.failingWorker(), SWAPPED_ORDERS);
        int threads = freeSpec.workload().threadCount();
        long start = System.nanoTime();
        long deadline = start + RESEARCH_BUDGET.toNanos();
        long ordersDeadline = start + RESEARCH_BUDGET.toNanos() * 2 / 3;
        for (int i = 0; i < orders.size() && System.nanoTime() < ordersDeadline; i++) {
            RecordedOrder follow = new RecordedOrder(orders.get(i).get(), threads);
            ExecutionResult result = execution.run(freeSpec, follow);
            if (sameFailure(result, id)) {
                return result.as(freeSpec.withSched(follow.choices()));
            }
        }
        for (int p = 0; p < RESEARCH_POLICIES.size() && System.nanoTime() < deadline; p++) {
            ExecutionResult result = execution.run(freeSpec.withSched(RESEARCH_POLICIES.get(p)));
            if (sameFailure(result, id)) {
                return result;
            }
        }
        return null;
    }

    /** Whether {@code result} failed with the invariant {@code id} the free-running execution broke. */
    private static boolean sameFailure(ExecutionResult result, String id) {
        return result.failed() && result.failureId().equals(id);
    }
}
