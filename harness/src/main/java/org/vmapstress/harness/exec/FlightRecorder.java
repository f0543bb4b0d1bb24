package org.vmapstress.harness.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.jctools.queues.SpscArrayQueue;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.harness.workload.Op;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.ModelLock;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.SchedulePoint;

/**
 * Free-running's flight recorder: the model's hook while its workers run in parallel. Each
 * worker appends its events (an operation's start and end, every schedule point with its
 * subject, every lock it goes to take and releases, its CPU and the locks it holds) to its own
 * JCTools single-producer single-consumer queue. The queue is the worker's flight recording: it
 * holds the last {@code keep} events, since a worker that finds it full takes the oldest event
 * out itself before it adds the new one, so a worker never waits and never loses its newest
 * events. When an execution fails, {@link #trace} drains every queue and merges them by stamp:
 * the failure's interleaving as it happened, to the order of the stamps (two events of
 * different workers with close stamps may have overlapped in time; the events of one worker
 * stay in its program order). Each worker also logs the stamp of every schedule step since the
 * execution started (a growing array of longs), so that the controlled re-search can follow
 * the order of the whole execution ({@link Recording#order}), which the last events alone do not give.
 *
 * <p>Stamps: every schedule point, lock release and operation start reads
 * {@link System#nanoTime()}; a lock's acquire and an operation's end carry the stamp of the
 * worker's event before them (the clock is most of the recorder's cost, and these need no time
 * of their own: an acquire is where the worker goes to take the lock, before it may wait). A
 * release needs its own: its holder may have had no stamped event since it went to take the
 * lock, and the release must still sort after the previous holder's.
 *
 * <p>Why no drainer runs while the workers do: on two cores a thread that woke every 100-500 us
 * to move events into rings took the CPU from the workers it recorded (10 % of free-running's
 * executions/s, FlightRecorderBenchmark); the queue keeps the last events without one.
 *
 * <p>Why a clock and not a global counter: one {@code AtomicLong} incremented by every worker
 * at every event is a line of memory all cores write, the kind of shared hot spot free-running
 * should not add; measured, the two cost about the same here (FlightRecorderBenchmark,
 * docs/recorder.md), and the monotonic clock shares nothing.
 *
 * <p>Threads: a lane is written by its worker only (its queue's producer and, while the worker
 * runs, its only consumer; its operation, its held locks); the thread that asks for the trace
 * after the workers stopped (a join orders the workers' writes before it) is then the queue's
 * consumer, never at the same time as the worker: after a deadlock, only the lanes of workers
 * that ended or are deadlocked are read ({@link #recording(IntPredicate)}). A worker finds its lane
 * in its own thread object ({@link #worker}); events of other threads (the harness's checks
 * after the workers ended) are not recorded.
 */
public final class FlightRecorder implements ScheduleHook {
    /** How many events of each worker a failure keeps, by default (run's {@code --record}). */
    public static final int DEFAULT_EVENTS = 256;
    /** The most events per worker a failure may keep (run's {@code --record}). */
    public static final int MAX_EVENTS = 100_000;
    static final String OPERATION_START = "operation start";
    static final String OPERATION_END = "operation end";
    private static final String ACQUIRE = "acquire";
    private static final String RELEASE = "release";
    private static final int STEP_LOG_START = 1024;

    /**
     * One recorded event: a schedule point's label, or acquire / release of {@code lock}; the
     * locks the worker held then. Labels and lock names are put together only when a trace is
     * asked for. Mutable, so that recording allocates nothing once a queue is full: the worker
     * reuses the oldest event it takes out for its next one (an event in a queue is never written).
     */
    static final class Event {
        long stamp;
        int worker;
        int cpu;
        /** The operation running, null before the first: its label is made when a trace is asked for. */
        Op operation;
        String point;
        ModelLock lock;
        long subject;
        Held held;

        String label() {
            return lock == null ? point : point + " " + lock.name();
        }
    }

    /** The locks a worker holds, innermost first, as an immutable chain shared by the events it stamps. */
    record Held(ModelLock lock, Held outer) {
        static String names(Held innermost) {
            ArrayDeque<String> names = new ArrayDeque<>();
            for (Held h = innermost; h != null; h = h.outer()) {
                names.addFirst(h.lock().name());
            }
            return String.join(",", names);
        }

        /** This chain without {@code released}: the outer chain when it is the innermost lock (the common case). */
        static Held without(Held innermost, ModelLock released) {
            if (innermost == null) {
                return null;
            }
            if (innermost.lock() == released) {
                return innermost.outer();
            }
            return new Held(innermost.lock(), without(innermost.outer(), released));
        }
    }

    /** One worker's side: written by that worker only; once it stopped, the thread that asks for the trace consumes its queue. */
    private static final class Lane {
        final int worker;
        final SpscArrayQueue<Event> queue;
        /** The event the worker last took out of its full queue: its next event reuses it. */
        Event spare;
        Held held;
        CpuContext cpu;
        Op operation;
        long lastStamp;
        /**
         * The stamp of every schedule step (every event but an operation's start and end) since
         * the execution started, in program order: the order of the whole execution, which the
         * queue, keeping the last events only, does not have.
         */
        long[] stepStamps = new long[STEP_LOG_START];
        int steps;
        /** Whether the worker's operation saw the execution's violation. */
        boolean sawViolation;

        Lane(int worker, int keep) {
            this.worker = worker;
            this.queue = new SpscArrayQueue<>(keep);
        }
    }

    /** A worker thread of this recorder: it carries its lane. */
    private static final class Worker extends Thread {
        final FlightRecorder recorder;
        final Lane lane;

        Worker(FlightRecorder recorder, Lane lane, Runnable body, String name) {
            super(body, name);
            this.recorder = recorder;
            this.lane = lane;
        }
    }

    private final int keep;
    private final List<Lane> lanes;

    /** A recorder for {@code workers} workers that keeps the last {@code keep} (at least 1) events of each. */
    public FlightRecorder(int workers, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("a flight recorder keeps at least one event per worker, not " + keep);
        }
        this.keep = keep;
        this.lanes = IntStream.range(0, workers).mapToObj(w -> new Lane(w, keep)).toList();
    }

    /** How many workers this recorder has lanes for. */
    int workers() {
        return lanes.size();
    }

    /**
     * Empties every lane for the next execution (its queue is reused: a new recorder per
     * execution would allocate the queues again each time); only while no worker of it runs.
     */
    void reset() {
        for (Lane lane : lanes) {
            lane.queue.clear();
            lane.spare = null;
            lane.lastStamp = 0;
            lane.held = null;
            lane.operation = null;
            lane.steps = 0;
            lane.sawViolation = false;
        }
    }

    /** The thread of worker {@code worker} on {@code cpu}, running {@code body}; not started. */
    Thread worker(int worker, CpuContext cpu, Runnable body, String name) {
        Lane lane = lanes.get(worker);
        lane.cpu = cpu;
        return new Worker(this, lane, body, name);
    }

    /** The calling thread's lane, if it is a worker of this recorder. */
    private Lane lane() {
        return Thread.currentThread() instanceof Worker w && w.recorder == this ? w.lane : null;
    }

    /** The calling worker starts {@code operation}. */
    void operationStarts(Op operation) {
        Lane lane = lane();
        lane.operation = operation;
        append(lane, OPERATION_START, null, 0, true);
    }

    /** The calling worker's operation returned. */
    void operationEnds() {
        append(lane(), OPERATION_END, null, 0, false);
    }

    /** The calling worker's operation saw the execution's violation (the first one found). */
    void sawViolation() {
        lane().sawViolation = true;
    }

    @Override
    public void point(SchedulePoint point, long subject) {
        Lane lane = lane();
        if (lane != null) {
            append(lane, point.label(), null, subject, true);
            logStep(lane);
        }
    }

    @Override
    public void beforeLock(ModelLock lock) {
        Lane lane = lane();
        if (lane != null) {
            append(lane, ACQUIRE, lock, 0, false);
            logStep(lane);
            lane.held = new Held(lock, lane.held);
        }
    }

    @Override
    public void afterUnlock(ModelLock lock) {
        Lane lane = lane();
        if (lane != null) {
            lane.held = Held.without(lane.held, lock);
            append(lane, RELEASE, lock, 0, true);
            logStep(lane);
        }
    }

    private void append(Lane lane, String point, ModelLock lock, long subject, boolean stamped) {
        Event event = lane.spare != null ? lane.spare : new Event();
        lane.spare = null;
        event.stamp = stamped ? (lane.lastStamp = System.nanoTime()) : lane.lastStamp;
        event.worker = lane.worker;
        event.cpu = lane.cpu.cpu();
        event.operation = lane.operation;
        event.point = point;
        event.lock = lock;
        event.subject = subject;
        event.held = lane.held;
        while (!lane.queue.offer(event)) {
            lane.spare = lane.queue.poll();
        }
    }

    /** The event just appended was a step of a controlled execution too (a schedule point, a lock's acquire or release): its stamp into the step log. */
    private static void logStep(Lane lane) {
        if (lane.steps == lane.stepStamps.length) {
            lane.stepStamps = Arrays.copyOf(lane.stepStamps, lane.steps * 2);
        }
        lane.stepStamps[lane.steps++] = lane.lastStamp;
    }

    /**
     * The last events of every worker, merged by stamp, as trace steps numbered in that order:
     * after the workers stopped (a join orders their writes before this read).
     */
    List<Step> trace() {
        return recording(worker -> true).steps();
    }

    /**
     * The recording of the workers {@code stopped} accepts: only of workers that no longer
     * record (ended, or deadlocked), since a queue has one consumer at a time and a worker that
     * still runs takes its own oldest events out. Its steps are their last events merged by
     * stamp; its order is the worker of every schedule step since the execution started, merged
     * by stamp from the step logs.
     */
    Recording recording(IntPredicate stopped) {
        List<Lane> read = lanes.stream().filter(lane -> stopped.test(lane.worker)).toList();
        List<Event> merged = new ArrayList<>();
        int failingWorker = -1;
        for (Lane lane : read) {
            failingWorker = lane.sawViolation ? lane.worker : failingWorker;
            List<Event> events = new ArrayList<>(lane.queue.size());
            lane.queue.drain(events::add);
            merged.addAll(events.subList(Math.max(0, events.size() - keep), events.size()));
        }
        // a stable sort: events of one worker with equal stamps stay in program order
        merged.sort(Comparator.comparingLong(e -> e.stamp));
        List<Step> steps = new ArrayList<>(merged.size());
        for (Event e : merged) {
            String operation = e.operation == null ? "start" : e.operation.label();
            steps.add(new Step(steps.size(), e.worker, e.cpu, operation, e.label(), e.subject, Held.names(e.held)));
        }
        return new Recording(steps, mergedStepOrder(read), failingWorker);
    }

    /**
     * The worker of every logged step of the lanes {@code read}, merged by stamp (each lane's
     * log is in stamp order already; on equal stamps the lower worker first). After a deadlock
     * a lane is read with no join before it: its step count is taken as at most its log's length.
     */
    private static List<Integer> mergedStepOrder(List<Lane> read) {
        int[] next = new int[read.size()];
        int[] ends = read.stream().mapToInt(lane -> Math.min(lane.steps, lane.stepStamps.length)).toArray();
        List<Integer> order = new ArrayList<>(Arrays.stream(ends).sum());
        while (true) {
            int earliest = -1;
            for (int l = 0; l < read.size(); l++) {
                if (next[l] < ends[l] && (earliest < 0 || read.get(l).stepStamps[next[l]] < read.get(earliest).stepStamps[next[earliest]])) {
                    earliest = l;
                }
            }
            if (earliest < 0) {
                return order;
            }
            order.add(read.get(earliest).worker);
            next[earliest]++;
        }
    }

}
