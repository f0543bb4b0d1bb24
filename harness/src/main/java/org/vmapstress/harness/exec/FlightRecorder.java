package org.vmapstress.harness.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.jctools.queues.SpscArrayQueue;
import org.vmapstress.harness.sched.ControlledScheduler;
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
 * JCTools single-producer single-consumer queue, in chunks of 32 events: the worker fills a
 * chunk's columns in place (primitive slots; a lock only for acquires and releases) and hands the
 * chunk to its queue once full. The queue is the worker's flight recording: it holds chunks
 * enough for the last {@code keep} events, since a worker that finds it full takes the oldest
 * chunk out itself, to fill next, before it adds the new one, so a worker never waits and never
 * loses its newest events. (One queue slot and one event object per event, the first design,
 * cost an object's reference stores, each with the garbage collector's card-marking barrier, and
 * three queue operations per event. Side by side, that design cost 25 % of free-running's
 * executions/s at 4 workers x 100 operations and 17 % at run's default 3 x 20; the chunks 12-17 %
 * and 0-7 %: docs/recorder.md.) When an execution fails, {@link #trace} drains every queue and merges them by stamp:
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
 * runs, its only consumer; its operations, its held locks, its step log); the thread that asks for the trace
 * after the workers stopped (a join orders the workers' writes before it) is then the queue's
 * consumer, never at the same time as the worker: after a deadlock, only the lanes of workers
 * that ended or are deadlocked are read ({@link #recording(IntPredicate, int)}). A worker finds its lane
 * in its own thread object ({@link #worker}); events of other threads (the harness's checks
 * after the workers ended) are not recorded.
 */
public final class FlightRecorder implements ScheduleHook {
    /** How many events of each worker a failure keeps, by default (run's {@code --record}). */
    public static final int DEFAULT_EVENTS = 256;
    /** The most events per worker a failure may keep (run's {@code --record}). */
    public static final int MAX_EVENTS = 100_000;
    /** How many events a chunk holds: a worker's queue takes one chunk per so many events. */
    static final int CHUNK_EVENTS = 32;
    /** The point a recording names an operation's start by (no schedule point: the recorder marks it). */
    public static final String OPERATION_START = "operation start";
    /** The point a recording names an operation's end by. */
    public static final String OPERATION_END = "operation end";
    private static final int KIND_OPERATION_START = -1;
    private static final int KIND_OPERATION_END = -2;
    private static final int KIND_ACQUIRE = -3;
    private static final int KIND_RELEASE = -4;
    private static final SchedulePoint[] POINTS = SchedulePoint.values();
    private static final int STEP_LOG_START = 1024;

    /**
     * Up to {@link #CHUNK_EVENTS} consecutive events of one worker, one array slot of each column per
     * event: the worker fills its chunk in place and hands it to its queue once full, so that an
     * event costs a few primitive stores (a lock only for acquires and releases), no object and
     * no queue operation. A chunk in the queue is never written; the oldest one taken out of a
     * full queue is filled again.
     */
    private static final class Chunk {
        final long[] stamps = new long[CHUNK_EVENTS];
        final long[] subjects = new long[CHUNK_EVENTS];
        /** A schedule point's ordinal, or one of the recorder's own kinds (negative). */
        final int[] kinds = new int[CHUNK_EVENTS];
        final int[] cpus = new int[CHUNK_EVENTS];
        /** The index of the operation running in its lane's operations of this execution; -1 before the first. */
        final int[] operations = new int[CHUNK_EVENTS];
        /** The lock of an acquire or release; null for the other events. */
        final ModelLock[] locks = new ModelLock[CHUNK_EVENTS];
        /** The locks the worker held at the chunk's first event; those at the others follow from its acquires and releases. */
        Held heldAtStart;
        int size;
    }

    /** The locks a worker holds, innermost first, as an immutable chain (its lane's now, a chunk's at its first event). */
    record Held(ModelLock lock, Held outer) {
        static String names(Held innermost) {
            ArrayDeque<String> names = new ArrayDeque<>();
            for (Held h = innermost; h != null; h = h.outer()) {
                names.addFirst(nameOf(h.lock()));
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
        /** The worker's full chunks, oldest first: enough of them to hold its last {@code keep} events. */
        final SpscArrayQueue<Chunk> queue;
        /** The chunk the worker fills now (its newest events). */
        Chunk chunk = new Chunk();
        /** Chunks to fill before allocating more: those drained from the queue by a trace or a reset. */
        final ArrayDeque<Chunk> spares = new ArrayDeque<>();
        /** This execution's operations of the worker, in order: an event names its operation by index. */
        final List<Op> operations = new ArrayList<>();
        Held held;
        CpuContext cpu;
        long lastStamp;
        /**
         * The stamp of every schedule step (every event but an operation's start and end) since
         * the execution started, in program order: the order of the whole execution, which the
         * queue, keeping the last events only, does not have.
         */
        long[] stepStamps = new long[STEP_LOG_START];
        int steps;

        Lane(int worker, int keep) {
            this.worker = worker;
            // JCTools rounds the capacity up to a power of two, at least 4
            this.queue = new SpscArrayQueue<>((keep + CHUNK_EVENTS - 1) / CHUNK_EVENTS);
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
            lane.queue.drain(lane.spares::push);
            lane.chunk.size = 0;
            lane.lastStamp = 0;
            lane.held = null;
            lane.operations.clear();
            lane.steps = 0;
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
        lane.operations.add(operation);
        append(lane, KIND_OPERATION_START, null, 0, true);
    }

    /** The calling worker's operation returned. */
    void operationEnds() {
        append(lane(), KIND_OPERATION_END, null, 0, false);
    }

    @Override
    public void point(SchedulePoint point, long subject) {
        Lane lane = lane();
        if (lane != null) {
            append(lane, point.ordinal(), null, subject, true);
            logStep(lane);
        }
    }

    @Override
    public void beforeLock(ModelLock lock) {
        Lane lane = lane();
        if (lane != null) {
            append(lane, KIND_ACQUIRE, lock, 0, false);
            logStep(lane);
            lane.held = new Held(lock, lane.held);
        }
    }

    /**
     * Recorded as any release, with its step: it did happen, and another worker may take the lock
     * next. A controlled execution following the recording has no step there (the dying worker
     * gives no one the turn), and its failure comes before it.
     */
    @Override
    public void releasedWhileDying(ModelLock lock) {
        afterUnlock(lock);
    }

    @Override
    public void afterUnlock(ModelLock lock) {
        Lane lane = lane();
        if (lane != null) {
            lane.held = Held.without(lane.held, lock);
            append(lane, KIND_RELEASE, lock, 0, true);
            logStep(lane);
        }
    }

    private static void append(Lane lane, int kind, ModelLock lock, long subject, boolean stamped) {
        Chunk chunk = lane.chunk;
        int i = chunk.size;
        if (i == 0) {
            chunk.heldAtStart = lane.held;
        }
        chunk.stamps[i] = stamped ? (lane.lastStamp = System.nanoTime()) : lane.lastStamp;
        chunk.kinds[i] = kind;
        chunk.cpus[i] = lane.cpu.cpu();
        chunk.operations[i] = lane.operations.size() - 1;
        chunk.subjects[i] = subject;
        chunk.locks[i] = lock;
        chunk.size = i + 1;
        if (chunk.size == CHUNK_EVENTS) {
            handOver(lane);
        }
    }

    /** The worker's chunk is full: into its queue (the oldest chunk out, if the queue is full, to be filled next). */
    private static void handOver(Lane lane) {
        Chunk next = null;
        while (!lane.queue.offer(lane.chunk)) {
            next = lane.queue.poll();
        }
        if (next == null) {
            next = lane.spares.isEmpty() ? new Chunk() : lane.spares.pop();
        }
        next.size = 0;
        lane.chunk = next;
    }

    /**
     * The event just appended was a step of a controlled execution too (a schedule point, a
     * lock's acquire or release; a dying worker's release is not, but it is logged, after its
     * fatal step, as {@link #releasedWhileDying} says): its stamp into the step log.
     */
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
        return recording(worker -> true, -1).steps();
    }

    /**
     * The recording of the workers {@code stopped} accepts: only of workers that no longer
     * record (ended, or deadlocked), since a queue has one consumer at a time and a worker that
     * still runs takes its own oldest events out. Its steps are their last events merged by
     * stamp; its order is the worker of every schedule step since the execution started, merged
     * by stamp from the step logs. {@code failingWorker} is the worker that raised the execution's
     * violation (the one raised first), -1 for none.
     */
    Recording recording(IntPredicate stopped, int failingWorker) {
        List<Lane> read = lanes.stream().filter(lane -> stopped.test(lane.worker)).toList();
        List<Stamped> merged = new ArrayList<>();
        for (Lane lane : read) {
            merged.addAll(events(lane, keep));
        }
        // a stable sort: events of one worker with equal stamps stay in program order
        merged.sort(Comparator.comparingLong(Stamped::stamp));
        List<Step> steps = new ArrayList<>(merged.size());
        for (Stamped e : merged) {
            steps.add(e.step().numbered(steps.size()));
        }
        return new Recording(steps, mergedStepOrder(read), failingWorker);
    }

    /** A recorded event as a trace step (numbered once merged), with its stamp. */
    private record Stamped(long stamp, Step step) {
    }

    /**
     * The last {@code keep} events of {@code lane} (its queue's chunks and its current one),
     * oldest first, as steps: the queue is drained (its chunks go to the spares, so a second read
     * before the next reset has the current chunk only). After a deadlock a lane is read with no
     * join before it, so nothing orders its worker's last plain writes (the current chunk, its
     * operations) before this read: a chunk's size is taken as at most its columns' length, and
     * an operation or lock not seen yet is named "?".
     */
    private static List<Stamped> events(Lane lane, int keep) {
        List<Chunk> chunks = new ArrayList<>();
        lane.queue.drain(chunks::add);
        lane.spares.addAll(chunks);
        chunks.add(lane.chunk);
        int total = chunks.stream().mapToInt(FlightRecorder::size).sum();
        int skip = Math.max(0, total - keep);
        List<Stamped> events = new ArrayList<>(total - skip);
        for (Chunk chunk : chunks) {
            int size = size(chunk);
            if (skip >= size) {
                skip -= size;
                continue;
            }
            Held held = chunk.heldAtStart;
            for (int i = 0; i < size; i++) {
                int kind = chunk.kinds[i];
                ModelLock lock = chunk.locks[i];
                Held heldAtEvent = kind == KIND_RELEASE ? Held.without(held, lock) : held;
                held = kind == KIND_ACQUIRE ? new Held(lock, held) : heldAtEvent;
                if (i >= skip) {
                    events.add(new Stamped(chunk.stamps[i], new Step(0, lane.worker, chunk.cpus[i],
                            operationLabel(lane, chunk.operations[i]), label(kind, lock), chunk.subjects[i], Held.names(heldAtEvent))));
                }
            }
            skip = 0;
        }
        return events;
    }

    private static int size(Chunk chunk) {
        return Math.min(chunk.size, CHUNK_EVENTS);
    }

    private static String operationLabel(Lane lane, int operation) {
        if (operation < 0) {
            return "start";
        }
        Op op = operation < lane.operations.size() ? lane.operations.get(operation) : null;
        return op == null ? "?" : op.label();
    }

    private static String label(int kind, ModelLock lock) {
        return switch (kind) {
            case KIND_OPERATION_START -> OPERATION_START;
            case KIND_OPERATION_END -> OPERATION_END;
            case KIND_ACQUIRE -> ControlledScheduler.ACQUIRE + nameOf(lock);
            case KIND_RELEASE -> ControlledScheduler.RELEASE + nameOf(lock);
            default -> POINTS[kind].label();
        };
    }

    /** A recorded lock's name; "?" for one a lane read after a deadlock has not shown yet. */
    private static String nameOf(ModelLock lock) {
        return lock == null ? "?" : lock.name();
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
