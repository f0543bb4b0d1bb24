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
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.vmapstress.harness.sched.ExecutionEnd;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.harness.sched.WaitsFor;
import org.vmapstress.harness.workload.Op;
import org.vmapstress.harness.workload.Workload;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.LockWait;
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
 * <p>Nothing ends silently, and no execution outlives its watchdog, or the run's remaining budget
 * when that is shorter ({@link #run(ExecutionSpec, Duration)}). While the workers run, the
 * waits-for graph of the model's locks ({@link WaitsFor}: every worker's {@link LockWait} and
 * each lock's holder) is read every {@value #POLL_MILLIS} ms: workers that wait forever, in a
 * cycle (LOCK-ORDER) or for a lock its holder will never release (HANG: it ended holding it, as
 * the task an oops kills between {@code lock()} and the {@code try} does), end the execution at
 * once as a violation with the holder chain; a violation a worker raised first stays the
 * execution's, with the chain after it. Workers still running at the watchdog, none of them
 * provably waiting forever (spinning, or blocked outside the model's locks), could not be judged,
 * unless a worker raised a violation, which stands; so could a worker that waited too long at the
 * barrier, or one that threw. Each says every worker's state. Workers are daemon threads: stuck
 * ones are left behind, never waited for.
 */
public final class FreeRun {
    static final int OPS_PER_ROUND = 16;
    /** How often the waits-for graph is read while workers run: a stall ends its execution within about twice this. */
    static final long POLL_MILLIS = 100;
    private static final String MODEL_PACKAGE = "org.vmapstress.model.";

    private final Duration watchdog;
    private final int recordEvents;
    private final UnaryOperator<ScheduleHook> observer;
    /**
     * The flight recorder, reused by one execution after another (runs of one FreeRun are
     * sequential); dropped after an execution whose workers did not all end, which may still write to it.
     */
    private FlightRecorder reusable;

    /** Free-running executions ended by {@code watchdog}, recording the last {@code recordEvents} events of each worker (0: none). */
    public FreeRun(Duration watchdog, int recordEvents) {
        this(watchdog, recordEvents, UnaryOperator.identity());
    }

    /**
     * The same, with the model's hook (the recorder, or the production hook) handed to
     * {@code observer}, which returns the hook the model gets: one that watches, or one that
     * misbehaves on purpose (a worker that never ends, for a test of the watchdog).
     */
    public FreeRun(Duration watchdog, int recordEvents, UnaryOperator<ScheduleHook> observer) {
        this.watchdog = watchdog;
        this.recordEvents = recordEvents;
        this.observer = observer;
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

    /** The limit an execution met: {@code limit}, the run's budget left when that was shorter than the {@code watchdog} (else null). */
    record Limit(Duration limit, Duration watchdog) {
        /** What the limit was, for the execution's end. */
        String what() {
            return watchdog == null ? "the watchdog" : "what was left of the run's budget (the watchdog is " + watchdog.toSeconds() + " s)";
        }
    }

    /** Runs the execution to its end, workers waiting forever, or the watchdog. */
    public Outcome run(ExecutionSpec spec) throws InterruptedException {
        return run(spec, watchdog);
    }

    /**
     * Runs the execution to its end, workers waiting forever, or the watchdog, cut to
     * {@code budgetLeft} when the run's budget ends first: an execution never outlives its run,
     * and its end says which limit it met.
     */
    public Outcome run(ExecutionSpec spec, Duration budgetLeft) throws InterruptedException {
        Workload workload = spec.workload();
        FlightRecorder recorder = recorderFor(workload.threadCount());
        VmapAllocator model = new VmapAllocator(spec.modelConfig(), spec.bugs(),
                observer.apply(recorder != null ? recorder : ScheduleHook.NONE));
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
            WorkerRun run = new WorkerRun(model, t, cpu);
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
        Limit limit = budgetLeft.compareTo(watchdog) < 0 ? new Limit(budgetLeft, watchdog) : new Limit(watchdog, null);
        Optional<WaitsFor.Stall> stall = awaitWorkers(threads, limit.limit());
        if (threads.stream().anyMatch(Thread::isAlive)) {
            // the workers' states as the watchdog found them: once told to stop, they may end before they are read
            Outcome stuck = stuck(threads, stall, found.get(), limit, recorder);
            quiescence.forceTermination();
            reusable = null;
            return stuck;
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

    /** Until every worker ended, some wait forever (the stall), or {@code limit}. */
    private static Optional<WaitsFor.Stall> awaitWorkers(List<Thread> threads, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedJoin(thread, Math.min(left, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
                Optional<WaitsFor.Stall> stall = thread.isAlive() ? stall(threads) : Optional.empty();
                if (stall.isPresent()) {
                    return stall;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The workers that wait forever for model locks, if any: the waits-for graph read between two
     * reads of every worker's {@link LockWait}. A stuck worker's wait must be the same object in
     * both, so the holders were read while it waited without a break: a holder that waits so
     * releases nothing meanwhile, and one that ended never will.
     */
    static Optional<WaitsFor.Stall> stall(List<Thread> workers) {
        List<LockWait> before = workers.stream().map(LockWait::of).toList();
        List<WaitsFor.Wait> waits = before.stream()
                .map(wait -> wait == null ? null : new WaitsFor.Wait(wait.lock().name(), wait.lock().holder())).toList();
        Optional<WaitsFor.Stall> stall = new WaitsFor(workers, waits, worker -> where(workers.get(worker), worker))
                .stall(holder -> holder.isAlive() ? null : "ended holding it");
        List<LockWait> after = workers.stream().map(LockWait::of).toList();
        return stall.filter(s -> s.stuck().stream().allMatch(worker -> before.get(worker) == after.get(worker)));
    }

    /** "T0 (in VmapBlocks.takeSlots:81)": the worker, and the innermost model frame it waits in. */
    private static String where(Thread thread, int worker) {
        return Arrays.stream(thread.getStackTrace())
                .filter(frame -> frame.getClassName().startsWith(MODEL_PACKAGE) && !frame.getClassName().endsWith(".ModelLock"))
                .findFirst().map(frame -> "T" + worker + " (in " + frame.getClassName().substring(MODEL_PACKAGE.length())
                        + "." + frame.getMethodName() + ":" + frame.getLineNumber() + ")")
                .orElse("T" + worker);
    }

    /**
     * Workers still running at the end of the wait. Workers waiting forever ({@code stall}) are a
     * violation: the one a worker raised first ({@code first}) when there is one, the stall's
     * (LOCK-ORDER or HANG) otherwise. A raised violation stands whatever the others do. Otherwise
     * no progress for another reason (spinning, blocked outside the model's locks, a starved
     * machine), which cannot be judged. A violation's recording is read from the lanes of the
     * workers that record no more, those that ended or wait forever (a running worker consumes its own lane).
     */
    static Outcome stuck(List<Thread> threads, Optional<WaitsFor.Stall> stall, Seen first, Limit limit, FlightRecorder recorder) {
        IntPredicate stopped = worker -> !threads.get(worker).isAlive() || stall.map(s -> s.stuck().contains(worker)).orElse(false);
        Supplier<Recording> recording = () -> recorder == null ? Recording.NONE
                : recorder.recording(stopped, first == null ? -1 : first.worker());
        if (first == null && stall.isPresent()) {
            return new Outcome(ExecutionEnd.stalled(stall.get()), stall.get().violation(), recording.get());
        }
        if (first != null) {
            Violation violation = first.raised().violation();
            String after = stall.map(s -> "; then " + s.chain()).orElseGet(() -> "; workers still running after "
                    + limit.limit().toMillis() + " ms, " + limit.what() + ": " + states(threads));
            return new Outcome(ExecutionEnd.violation(violation + after), violation, recording.get());
        }
        return new Outcome(ExecutionEnd.watchdog(limit.limit(), limit.what() + "; free-running workers still running, none waiting"
                + " forever for a model lock: " + states(threads)), null);
    }

    /** Every worker's state (an ended worker has none). */
    private static String states(List<Thread> threads) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        return threads.stream().map(t -> mx.getThreadInfo(t.getId(), 4)).filter(Objects::nonNull)
                .map(FreeRun::state).collect(Collectors.joining("; "));
    }

    /** A worker's name, state, the lock it waits for and who holds it, and its top frames. */
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
                // a worker that raised a violation goes no further, not even to the barrier: its task may have died holding a
                // lock the others wait for, and it is the ending of that task that tells them they wait forever
                if ((i + 1) % OPS_PER_ROUND == 0 && found.get() == null) {
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
