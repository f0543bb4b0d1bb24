package org.vmapstress.harness.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.vmapstress.harness.workload.Op;
import org.vmapstress.harness.workload.Workload;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.Mapping;
import org.vmapstress.model.ModelAssertion;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.Violation;
import org.vmapstress.model.VmapAllocator;

/**
 * Free-running stress: the spec's workload on real threads in parallel, with the production
 * hook (no scheduler), so only the seeds of the workload are fixed. Every {@value #OPS_PER_ROUND}
 * operations all workers meet at a phaser, where the quiescent checks run; operation checks run
 * after every operation, and the end checks at the end. Not replayable by itself: a failure is
 * re-searched under the controlled scheduler by the caller.
 */
public final class FreeRun {
    static final int OPS_PER_ROUND = 16;

    private final Duration watchdog;

    public FreeRun(Duration watchdog) {
        this.watchdog = watchdog;
    }

    /** The first violation of the free-running execution, if any. */
    public Optional<Violation> run(ExecutionSpec spec) throws InterruptedException {
        Workload workload = spec.workload();
        VmapAllocator model = new VmapAllocator(spec.modelConfig(), spec.bugs(), ScheduleHook.NONE);
        int[] possible = model.config().possibleCpus();
        List<WorkerRun> runs = new ArrayList<>();
        AtomicReference<Violation> found = new AtomicReference<>();
        AtomicReference<RuntimeException> crash = new AtomicReference<>();
        Phaser quiescence = new Phaser(workload.threadCount()) {
            @Override
            protected boolean onAdvance(int phase, int parties) {
                quiescentCheck(model, runs).ifPresent(v -> found.compareAndSet(null, v));
                return parties == 0 || found.get() != null;
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < workload.threadCount(); t++) {
            WorkerRun run = new WorkerRun(model, new CpuContext(possible[t % possible.length]));
            List<Op> ops = workload.threads().get(t);
            runs.add(run);
            Thread thread = new Thread(() -> runRounds(run, ops, quiescence, found), "free-worker-" + t);
            thread.setUncaughtExceptionHandler((th, e) -> crash.compareAndSet(null,
                    new IllegalStateException(th.getName() + " crashed: " + e, e)));
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(watchdog.toMillis());
            if (thread.isAlive()) {
                quiescence.forceTermination();
                return Optional.of(new Violation(org.vmapstress.model.InvariantId.LOCK_ORDER,
                        "free-running workers made no progress within " + watchdog.toMillis() + " ms (deadlock?): "
                                + thread.getName() + " is " + thread.getState()));
            }
        }
        if (crash.get() != null) {
            throw crash.get();
        }
        if (found.get() != null) {
            return Optional.of(found.get());
        }
        return Execution.atTheEnd(model, runs);
    }

    private static void runRounds(WorkerRun run, List<Op> ops, Phaser quiescence, AtomicReference<Violation> found) {
        try {
            for (int i = 0; i < ops.size() && found.get() == null; i++) {
                run.run(ops.get(i)).ifPresent(v -> found.compareAndSet(null, v));
                if ((i + 1) % OPS_PER_ROUND == 0) {
                    quiescence.awaitAdvanceInterruptibly(quiescence.arrive(), 60, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException | TimeoutException e) {
            Thread.currentThread().interrupt();
        } finally {
            quiescence.arriveAndDeregister();
        }
    }

    private static Optional<Violation> quiescentCheck(VmapAllocator model, List<WorkerRun> runs) {
        try {
            List<Mapping> live = new ArrayList<>();
            runs.forEach(r -> live.addAll(r.live()));
            return model.invariants().quiescent().stream().findFirst().or(() -> model.invariants().noOverlap(live));
        } catch (ModelAssertion assertion) {
            return Optional.of(assertion.violation());
        }
    }
}
