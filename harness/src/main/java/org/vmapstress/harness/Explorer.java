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
 *
 * <p>An exploration ends within {@link #OVERRUN} of its budget: no execution starts after the
 * budget, the one in flight has its watchdog cut to what is left of the budget plus the overrun
 * (free-running and controlled alike), and a free-running failure's re-search stops there too (the
 * failure is then reported as seen, with its recording, not lost).
 */
public final class Explorer {
    /**
     * How far past its budget an exploration may run: the execution in flight when the budget
     * ends may finish (executions take milliseconds), and a free-running failure seen late is
     * re-searched this long at least.
     */
    public static final Duration OVERRUN = Duration.ofSeconds(3);
    /** The watchdog of one free-running execution, when the budget leaves it that long. */
    public static final Duration FREE_WATCHDOG = Duration.ofSeconds(60);
    /** The controlled policies a free-running failure is re-searched with, on the same workload. */
    private static final List<String> RESEARCH_POLICIES = List.of("random", "pct:1", "pct:2", "pct:3");
    /** How many randomly swapped variants of a free-running failure's recorded order the re-search follows ({@link RecordedOrder#variants}). */
    private static final int SWAPPED_ORDERS = 16;
    /**
     * How long a re-search runs at most, when the budget leaves it that long (else until the
     * budget's end plus {@link #OVERRUN}): it starts no execution after this (recorded orders are
     * followed in its first two thirds, the policies after them in the rest). The default
     * workload's re-search takes seconds; a long execution's may not.
     */
    private static final Duration RESEARCH_BUDGET = Duration.ofSeconds(30);

    private final Execution execution;
    private final FreeRun freeRun;

    public Explorer(Execution execution) {
        this(execution, FlightRecorder.DEFAULT_EVENTS);
    }

    /** An explorer whose free-running executions record the last {@code recordEvents} events of each worker (0: none). */
    public Explorer(Execution execution, int recordEvents) {
        this(execution, new FreeRun(FREE_WATCHDOG, recordEvents));
    }

    /** An explorer running controlled executions with {@code execution}, free-running ones with {@code freeRun}. */
    public Explorer(Execution execution, FreeRun freeRun) {
        this.execution = execution;
        this.freeRun = freeRun;
    }

    /**
     * Progress and outcome of an exploration. {@code failure} is a replayable failure (a
     * free-running one found again under control among them); {@code free} how the last
     * free-running execution ended when it did not complete: a violation (see
     * {@link #unreproduced}), or an end that could not judge ({@link #freeUnjudged}).
     */
    public record Summary(long executions, long steps, Duration elapsed, ExecutionResult failure, boolean budgetSpent,
                          FreeRun.Outcome free, ExecutionResult last) {
        Summary(long executions, long steps, Duration elapsed, ExecutionResult failure, boolean budgetSpent) {
            this(executions, steps, elapsed, failure, budgetSpent, null, failure);
        }

        /** A free-running violation the controlled re-search did not find again (with its recording, when the recorder was on), or null. */
        public FreeRun.Outcome unreproduced() {
            return failure == null && free != null && free.violation() != null ? free : null;
        }

        /** How the last free-running execution ended when it could not judge (its watchdog, a crash), or null. */
        public ExecutionEnd freeUnjudged() {
            return free != null && free.violation() == null ? free.end() : null;
        }

        public boolean failed() {
            return failure != null || free != null;
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

    /**
     * Explores only {@code shard}'s executions: {@code iterations} of them at most. A free-running
     * failure is given to {@code progress} before its re-search, so that a run stopped meanwhile keeps it.
     */
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
            Duration left = Duration.ofNanos(deadline - System.nanoTime()).plus(OVERRUN);
            if (template.freeRunning()) {
                FreeRun.Outcome outcome = freeRun.run(template.withExec(exec), left);
                if (outcome.violation() != null) {
                    progress.accept(new Summary(done, steps, Duration.ofNanos(System.nanoTime() - start), null, false, outcome, null));
                    ExecutionResult again = research(template.withExec(exec), outcome, deadline + OVERRUN.toNanos());
                    return new Summary(done, steps, Duration.ofNanos(System.nanoTime() - start), again, false, outcome, again);
                }
                if (!outcome.completed()) {
                    return new Summary(done, steps, Duration.ofNanos(System.nanoTime() - start), null, false, outcome, null);
                }
            } else {
                ExecutionResult result = execution.cutTo(left).run(template.withExec(exec));
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
    private ExecutionResult research(ExecutionSpec freeSpec, FreeRun.Outcome seen, long latest) throws InterruptedException {
        String id = seen.violation().invariant().id();
        Recording recording = seen.recording();
        List<Supplier<int[]>> orders = recording.order().isEmpty() ? List.of()
                : RecordedOrder.variants(recording.order(), recording.failingWorker(), SWAPPED_ORDERS);
        int threads = freeSpec.workload().threadCount();
        long start = System.nanoTime();
        long span = Math.min(RESEARCH_BUDGET.toNanos(), latest - start);
        long deadline = start + span;
        long ordersDeadline = start + span * 2 / 3;
        for (int i = 0; i < orders.size() && System.nanoTime() < ordersDeadline; i++) {
            RecordedOrder follow = new RecordedOrder(orders.get(i).get(), threads);
            ExecutionResult result = until(latest).run(freeSpec, follow);
            if (sameFailure(result, id)) {
                return result.as(freeSpec.withSched(follow.choices()));
            }
        }
        for (int p = 0; p < RESEARCH_POLICIES.size() && System.nanoTime() < deadline; p++) {
            ExecutionResult result = until(latest).run(freeSpec.withSched(RESEARCH_POLICIES.get(p)));
            if (sameFailure(result, id)) {
                return result;
            }
        }
        return null;
    }

    /** The controlled executions, with the watchdog cut to end by {@code latest} (a {@link System#nanoTime} instant). */
    private Execution until(long latest) {
        return execution.cutTo(Duration.ofNanos(latest - System.nanoTime()));
    }

    /** Whether {@code result} failed with the invariant {@code id} the free-running execution broke. */
    private static boolean sameFailure(ExecutionResult result, String id) {
        return result.failed() && result.failureId().equals(id);
    }
}
