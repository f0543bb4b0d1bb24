package org.vmapstress.harness.exec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.vmapstress.harness.sched.ExecutionEnd;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.harness.workload.Op;
import org.vmapstress.harness.workload.Workload;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.Mapping;
import org.vmapstress.model.ModelAssertion;
import org.vmapstress.model.RaisedViolation;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.Violation;
import org.vmapstress.model.VmapAllocator;

/**
 * Free-running stress: the spec's workload on real threads in parallel, with the production
 * hook (no scheduler), so only the seeds of the workload are fixed. Every {@value #OPS_PER_ROUND}
 * operations all workers meet at a phaser, where the quiescent checks run; operation checks run
 * after every operation, and the end checks at the end. Not replayable by itself: a failure is
 * re-searched under the controlled scheduler by the caller.
 *
 * <p>With a {@link FlightRecorder} ({@code recordEvents} above 0: the last so many events of each
 * worker), the model's hook records every worker's events, and a violation's outcome carries
 * them as its interleaving, to the order of the recorder's stamps.
 *
 * <p>Nothing ends silently: workers still running at the watchdog are a deadlock (a violation
 * of LOCK-ORDER, the id a controlled deadlock has too) when the JVM finds them waiting for each
 * other's locks, else an execution that could not judge; so is a worker that waited too long at
 * the barrier, or one that threw. Both say every worker's state. Workers are daemon threads: a
 * deadlocked pair is left behind, never kept waited for.
 */
public final class FreeRun {
    static final int OPS_PER_ROUND = 16;

    private final Duration watchdog;
    private final int recordEvents;
    /**
     * The flight recorder, reused by one execution after another (runs of one FreeRun are
     * sequential); dropped after an execution whose workers did not all end, which may still write to it.
     */
    private FlightRecorder reusable;

    /** Free-running executions ended by {@code watchdog}, recording the last {@code recordEvents} events of each worker (0: none). */
    public FreeRun(Duration watchdog, int recordEvents) {
        this.watchdog = watchdog;
        this.recordEvents = recordEvents;
    }

    /**
     * How a free-running execution ended: completed, a violation (with what broke), or an end
     * that could not judge (the watchdog, a crash).
     */
    public record Outcome(ExecutionEnd end, Violation violation, Recording recording) {
        Outcome(ExecutionEnd end, Violation violation) {
            this(end, violation, Recording.NONE);
        }

        /** How the end checks ended: completed, or their violation with the recording (read only then). */
        static Outcome of(Optional<Violation> found, Supplier<Recording> recording) {
            return found.map(v -> new Outcome(ExecutionEnd.violation(v.toString()), v, recording.get()))
                    .orElseGet(() -> new Outcome(ExecutionEnd.completed(), null));
        }

        /** The recorded events, merged by stamp (none without a recorder). */
        public List<Step> recorded() {
            return recording.steps();
        }

        public boolean completed() {
            return end.kind() == ExecutionEnd.Kind.COMPLETED;
        }
    }

    /** Runs the execution to its end, or until the watchdog. */
    public Outcome run(ExecutionSpec spec) throws InterruptedException {
        Workload workload = spec.workload();
        FlightRecorder recorder = recorderFor(workload.threadCount());
        VmapAllocator model = new VmapAllocator(spec.modelConfig(), spec.bugs(), recorder != null ? recorder : ScheduleHook.NONE);
        int[] possible = model.config().possibleCpus();
        List<WorkerRun> runs = new ArrayList<>();
        AtomicReference<Seen> found = new AtomicReference<>();
        AtomicReference<ExecutionEnd> unjudged = new AtomicReference<>();
        Phaser quiescence = new Phaser(workload.threadCount()) {
            @Override
            protected boolean onAdvance(int phase, int parties) {
                quiescentCheck(model, runs).ifPresent(v -> found.accumulateAndGet(new Seen(-1, v), Seen::first));
                return parties == 0 || found.get() != null;
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < workload.threadCount(); t++) {
            CpuContext cpu = new CpuContext(possible[t % possible.length]);
            WorkerRun run = new WorkerRun(model, cpu);
            List<Op> ops = workload.threads().get(t);
            runs.add(run);
            int worker = t;
            Runnable body = () -> runRounds(worker, run, ops, quiescence, found, unjudged, recorder);
            Thread thread = recorder != null ? recorder.worker(worker, cpu, body, "free-worker-" + t) : new Thread(body, "free-worker-" + t);
            thread.setUncaughtExceptionHandler((th, e) -> unjudged.compareAndSet(null, ExecutionEnd.crashed(worker, e)));
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        awaitWorkers(threads);
        if (threads.stream().anyMatch(Thread::isAlive)) {
            // the workers' states as the watchdog found them: once told to stop, they may end before they are read
            Set<Long> deadlocked = deadlockedThreadIds();
            Outcome stuck = stuck(threads, watchdog, deadlocked);
            quiescence.forceTermination();
            reusable = null;
            return recorder == null || stuck.violation() == null ? stuck
                    : new Outcome(stuck.end(), stuck.violation(), recorder.recording(stoppedWorkers(threads, deadlocked), -1));
        }
        if (found.get() != null) {
            Seen first = found.get();
            Violation violation = first.raised().violation();
            return new Outcome(ExecutionEnd.violation(violation.toString()), violation, everyLane(recorder, first.worker()));
        }
        if (unjudged.get() != null) {
            return new Outcome(unjudged.get(), null);
        }
        try {
            return Outcome.of(Execution.atTheEnd(model, runs), () -> everyLane(recorder, -1));
        } catch (RuntimeException e) {
            return new Outcome(ExecutionEnd.crashedAtTheEnd(e), null);
        }
    }

    /** The recorder for an execution of {@code workers} workers, emptied; null when recording is off. */
    private FlightRecorder recorderFor(int workers) {
        if (recordEvents == 0) {
            return null;
        }
        if (reusable == null || reusable.workers() != workers) {
            reusable = new FlightRecorder(workers, recordEvents);
        }
        reusable.reset();
        return reusable;
    }

    /** The recording of every worker, once all of them ended (none without a recorder); {@code failingWorker} -1 for none. */
    private static Recording everyLane(FlightRecorder recorder, int failingWorker) {
        return recorder == null ? Recording.NONE : recorder.recording(worker -> true, failingWorker);
    }

    /**
     * A violation a worker ({@code -1}: the quiescent checks, which run with every worker at the
     * barrier) raised. Workers run in parallel, so two may raise one each; the execution's is the
     * one raised first ({@link RaisedViolation#first}), whichever was reported first: a worker
     * dying of a model assertion releases its locks before it reports, and another worker may
     * meanwhile see what its half-done operation left (publish-before-init's PUBLISHED-INIT, then
     * an ALIASES-FLUSHED its unfinished vm_unmap_aliases caused).
     */
    record Seen(int worker, RaisedViolation raised) {
        Seen(int worker, Violation violation) {
            this(worker, RaisedViolation.now(violation));
        }

        static Seen first(Seen current, Seen other) {
            return current == null || other.raised.raisedBefore(current.raised) ? other : current;
        }
    }

    /**
     * The workers that record no more after a deadlock: ended, or in the JVM's deadlock (a worker
     * that still runs would take its own oldest events out while its recording is read).
     */
    private static IntPredicate stoppedWorkers(List<Thread> threads, Set<Long> deadlocked) {
        return worker -> !threads.get(worker).isAlive() || deadlocked.contains(threads.get(worker).getId());
    }

    /** The ids of the threads the JVM finds deadlocked on monitors or locks (ReentrantLocks included). */
    static Set<Long> deadlockedThreadIds() {
        long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        return deadlocked == null ? Set.of() : Arrays.stream(deadlocked).boxed().collect(Collectors.toSet());
    }

    /** Until every worker ended, or the watchdog. */
    private void awaitWorkers(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + watchdog.toNanos();
        for (Thread thread : threads) {
            TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
        }
    }

    /**
     * Workers still running at the watchdog: a deadlock when some of them are among the threads
     * the JVM found {@code deadlocked} ({@link #deadlockedThreadIds}: the model's locks are
     * ReentrantLocks, which it tracks), else no
     * progress for another reason (a livelock, a starved machine), which cannot be judged.
     */
    static Outcome stuck(List<Thread> threads, Duration watchdog, Set<Long> deadlocked) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String states = threads.stream().map(t -> mx.getThreadInfo(t.getId(), 4)).filter(Objects::nonNull)
                .map(FreeRun::state).collect(Collectors.joining("; "));
        if (threads.stream().anyMatch(t -> deadlocked.contains(t.getId()))) {
            String graph = "free-running workers deadlocked after " + watchdog.toSeconds() + " s: " + states;
            return new Outcome(ExecutionEnd.deadlock(graph), new Violation(InvariantId.LOCK_ORDER, graph));
        }
        return new Outcome(ExecutionEnd.watchdog(watchdog, "free-running workers still running, none deadlocked: " + states), null);
    }

    /** A worker's name, state, the lock it waits for and who holds it, and its top frames (an ended worker has no info). */
    private static String state(ThreadInfo info) {
        String waits = info.getLockName() == null ? "" : " on " + info.getLockName()
                + (info.getLockOwnerName() == null ? "" : " held by " + info.getLockOwnerName());
        String frames = Arrays.stream(info.getStackTrace()).map(StackTraceElement::toString).collect(Collectors.joining(" < "));
        return info.getThreadName() + " " + info.getThreadState() + waits + " at " + frames;
    }

    private static void runRounds(int worker, WorkerRun run, List<Op> ops, Phaser quiescence, AtomicReference<Seen> found,
                                  AtomicReference<ExecutionEnd> unjudged, FlightRecorder recorder) {
        try {
            for (int i = 0; i < ops.size() && found.get() == null && unjudged.get() == null; i++) {
                if (recorder != null) {
                    recorder.operationStarts(ops.get(i));
                }
                run.run(ops.get(i)).ifPresent(raised -> found.accumulateAndGet(new Seen(worker, raised), Seen::first));
                if (recorder != null) {
                    recorder.operationEnds();
                }
                if ((i + 1) % OPS_PER_ROUND == 0) {
                    quiescence.awaitAdvanceInterruptibly(quiescence.arrive(), 60, TimeUnit.SECONDS);
                }
            }
        } catch (TimeoutException e) {
            unjudged.compareAndSet(null, ExecutionEnd.watchdog(Duration.ofSeconds(60),
                    Thread.currentThread().getName() + " waited at the quiescence barrier for the other workers"));
        } catch (InterruptedException e) {
            unjudged.compareAndSet(null, ExecutionEnd.crashed(worker, e));
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
