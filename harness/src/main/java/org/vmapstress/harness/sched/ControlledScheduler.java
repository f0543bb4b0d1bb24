package org.vmapstress.harness.sched;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.vmapstress.model.Access;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.ModelLock;
import org.vmapstress.model.Resource;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.SchedulePoint;
import org.vmapstress.model.SharedField;

/**
 * Runs real worker threads ({@link WorkerThreads}: virtual on one carrier where the JVM has them)
 * one at a time over the model's schedule points: at every point the
 * running worker records a {@link Step}, asks the {@link SchedulePolicy} who runs next, and if
 * that is another worker hands the turn over (park/unpark) and waits for it to come back.
 * A worker that finds a model lock held is parked as blocked until the lock is released; when
 * every live worker is blocked, that is a deadlock, reported with who holds and who waits for
 * which lock. Each execution has a step limit and a wall-clock watchdog. With {@link Migrations},
 * the scheduler may also move the running worker to another CPU at a point where it holds no
 * spinlock, as the kernel may migrate a preemptible task.
 *
 * <p>Scheduler state is written only by the worker holding the turn; the turn passes through
 * the volatile {@link #current}, which orders every write before the next worker's reads.
 * Threads that are not workers (the harness after the workers finished) pass through.
 */
public final class ControlledScheduler implements ScheduleHook {
    private enum Status { RUNNABLE, BLOCKED, DONE }

    /**
     * How long a waiting worker yields before it parks: on an idle machine a yield is about a
     * microsecond and the turn usually comes back within this window.
     */
    private static final long YIELD_NANOS = 50_000;
    /**
     * A yield that took longer than this gave the core away for a time slice: the machine is
     * loaded, and from then on this execution's workers park at once (unpark wakes a parked
     * worker far sooner there than a run of yields gets back to it: the random walk ran 48
     * executions/s beside four busy loops, against 1 with a fixed run of 50 yields, docs/suite.md).
     */
    private static final long EXPENSIVE_YIELD_NANOS = 500_000;
    /** The label of a migration step, chosen by {@link Migrations}. */
    public static final String MIGRATE = "migrate";
    /** A lock step's label is one of these, then the lock's name: going to take it, released, or waiting for it. */
    public static final String ACQUIRE = "acquire ";
    public static final String RELEASE = "release ";
    /** A wait is not a step of a recorded order: the worker tries the lock again when its next step comes. */
    public static final String WAIT = "wait ";

    private final SchedulePolicy policy;
    /** Whether the policy hears the footprint reports ({@link SchedulePolicy#listensToTouches}): the others pay nothing for them. */
    private final boolean footprints;
    /** Set while the worker running now reads the model for a report ({@link #unrecorded}); only that worker reads it. */
    private boolean unrecorded;
    private final Migrations migrations;
    /** False once a yield was expensive (see {@link #EXPENSIVE_YIELD_NANOS}); a hint for speed only, racy on purpose. */
    private volatile boolean yieldsAreCheap = true;
    private final long stepLimit;
    private final int threads;
    private final Thread[] workers;
    private final CpuContext[] cpus;
    private final Status[] status;
    private final ModelLock[] blockedOn;
    private final String[] operation;
    private final ModelLock[] acquiring;
    private final HeldLocks[] held;
    /** Each worker's last recorded step: the one it is executing (-1 before its first). */
    private final int[] lastStep;
    private final ThreadLocal<Integer> workerId = new ThreadLocal<>();
    private final List<Step> trace = new ArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile int current = -1;
    private volatile ExecutionEnd end;
    private long fingerprint = 1125899906842597L;
    private final List<Integer> checkpoints = new ArrayList<>();

    public ControlledScheduler(SchedulePolicy policy, int threads, long stepLimit) {
        this(policy, Migrations.NONE, threads, stepLimit);
    }

    /** A scheduler that may also migrate the running worker at its preemptible points ({@link Migrations}). */
    public ControlledScheduler(SchedulePolicy policy, Migrations migrations, int threads, long stepLimit) {
        this.policy = policy;
        this.footprints = policy.listensToTouches();
        this.migrations = migrations;
        this.stepLimit = stepLimit;
        this.threads = threads;
        this.workers = new Thread[threads];
        this.cpus = new CpuContext[threads];
        this.status = new Status[threads];
        this.blockedOn = new ModelLock[threads];
        this.operation = new String[threads];
        this.acquiring = new ModelLock[threads];
        this.held = new HeldLocks[threads];
        this.lastStep = new int[threads];
        Arrays.fill(lastStep, -1);
    }

    /**
     * Runs {@code bodies[i]} as worker i on {@code cpus[i]}, one step at a time, and returns how
     * the execution ended. A body that throws {@link ExecutionAborted} ends quietly.
     */
    public ExecutionEnd run(List<Runnable> bodies, List<CpuContext> cpuOf, Duration watchdog) throws InterruptedException {
        for (int t = 0; t < threads; t++) {
            int id = t;
            cpus[t] = cpuOf.get(t);
            status[t] = Status.RUNNABLE;
            operation[t] = "start";
            held[t] = new HeldLocks();
            workers[t] = WorkerThreads.unstarted(() -> body(id, bodies.get(id)), "controlled-worker-" + t);
        }
        for (Thread worker : workers) {
            worker.start();
        }
        int first = policy.pick(runnable(), 0, 0);
        current = first;
        LockSupport.unpark(workers[first]);
        if (!finished.await(watchdog.toMillis(), TimeUnit.MILLISECONDS)) {
            abort(ExecutionEnd.watchdog(watchdog, describeThreads()));
            WorkerThreads.carrierMayBeHeld();
        }
        for (Thread worker : workers) {
            worker.join(1000);
        }
        return end;
    }

    private void body(int id, Runnable work) {
        workerId.set(id);
        try {
            awaitTurn(id);
            work.run();
        } catch (ExecutionAborted aborted) {
            return;
        } catch (RuntimeException | Error e) {
            abort(ExecutionEnd.crashed(id, e));
            return;
        }
        retire(id);
    }

    /** The operation the calling worker is in, for the trace. */
    public void setOperation(String op) {
        Integer id = workerId.get();
        if (id != null) {
            operation[id] = op;
        }
    }

    /**
     * Stops the execution: every worker unwinds at its next schedule point. The first reason
     * wins (a worker's violation and the watchdog may race here).
     */
    public synchronized void abort(ExecutionEnd why) {
        if (end == null) {
            end = why;
        }
        current = -1;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        finished.countDown();
    }

    /** The steps so far, as a copy (taken under the monitor that guards their appending). */
    public synchronized List<Step> trace() {
        return List.copyOf(trace);
    }

    /** A hash of every step's worker, point and subject: equal traces have equal fingerprints. */
    public synchronized long fingerprint() {
        return fingerprint;
    }

    public synchronized int steps() {
        return trace.size();
    }

    /** 16 bits of the fingerprint after steps 1, 2, 4, 8, ...: where two traces first differ, to a power of two. */
    public synchronized List<Integer> checkpoints() {
        return List.copyOf(checkpoints);
    }

    @Override
    public void point(SchedulePoint point, long subject) {
        schedule(point.label(), subject);
    }

    @Override
    public void beforeLock(ModelLock lock) {
        Integer me = workerId.get();
        if (me != null) {
            acquiring[me] = lock;
        }
        schedule(ACQUIRE + lock.name(), 0);
    }

    @Override
    public void afterUnlock(ModelLock lock) {
        if (released(lock)) {
            schedule(RELEASE + lock.name(), 0);
        }
    }

    /** A dying worker keeps the turn: the release is booked (its waiters may run later), not a step. */
    @Override
    public void releasedWhileDying(ModelLock lock) {
        released(lock);
    }

    /** Books the calling worker's release of {@code lock}: its waiters become runnable. False outside a running execution's worker. */
    private boolean released(ModelLock lock) {
        Integer me = workerId.get();
        if (me == null || end != null) {
            return false;
        }
        held[me].remove(lock);
        if (acquiring[me] == lock) {
            acquiring[me] = null;
        }
        for (int t = 0; t < threads; t++) {
            if (status[t] == Status.BLOCKED && blockedOn[t] == lock) {
                status[t] = Status.RUNNABLE;
                blockedOn[t] = null;
            }
        }
        return true;
    }

    @Override
    public void acquired(ModelLock lock) {
        touchLock(lock);
    }

    @Override
    public void releasing(ModelLock lock) {
        touchLock(lock);
    }

    @Override
    public void access(Object owner, SharedField field, Access kind) {
        if (holdsTurn()) {
            policy.touched(field, SharedField.instanceOf(owner), kind == Access.WRITE);
        }
    }

    @Override
    public void touch(Resource resource, long id, boolean write) {
        if (holdsTurn()) {
            policy.touched(resource, id, write);
        }
    }

    /** Taking a lock, releasing it or finding it held: each a write of the lock, in the step's footprint. */
    private void touchLock(ModelLock lock) {
        if (holdsTurn()) {
            policy.touched(Resource.LOCK, Resource.idOf(lock), true);
        }
    }

    /**
     * Whether the policy listens to footprint reports and the calling thread is the worker running
     * now, in an execution not ended: only its touches belong to the step being run (a worker
     * unwinding from an aborted execution touches the model on its way out, in parallel with the
     * others).
     */
    private boolean holdsTurn() {
        if (!footprints || unrecorded) {
            return false;
        }
        Integer me = workerId.get();
        return me != null && end == null && current == me;
    }

    /**
     * Runs {@code reading} (by the worker running now) without reporting what it touches: a read
     * of the whole model for a report, such as the snapshot at a violation, is no part of the
     * step's footprint.
     */
    public <T> T unrecorded(Supplier<T> reading) {
        unrecorded = true;
        try {
            return reading.get();
        } finally {
            unrecorded = false;
        }
    }

    @Override
    public boolean controlsBlocking() {
        return true;
    }

    @Override
    public void blocked(ModelLock lock) {
        Integer me = workerId.get();
        if (me == null) {
            Thread.onSpinWait();
            return;
        }
        checkNotAborted();
        touchLock(lock);
        status[me] = Status.BLOCKED;
        blockedOn[me] = lock;
        record(me, WAIT + lock.name(), 0);
        List<Integer> runnable = runnable();
        if (runnable.isEmpty()) {
            abort(stalled());
            throw new ExecutionAborted();
        }
        switchTo(me, policy.pick(runnable, me, trace.size()));
    }

    /** For a report naming an access: the calling worker, the step it is in and its operation ("T1 at step 42 in unmap"). */
    @Override
    public String position() {
        Integer me = workerId.get();
        return me == null ? Thread.currentThread().getName() : "T" + me + " at step " + lastStep[me] + " in " + operation[me];
    }

    private void schedule(String label, long subject) {
        Integer me = workerId.get();
        if (me == null) {
            return;
        }
        checkNotAborted();
        if (trace.size() >= stepLimit) {
            abort(ExecutionEnd.stepLimit(stepLimit, describeThreads()));
            throw new ExecutionAborted();
        }
        record(me, label, subject);
        migrateMaybe(me);
        switchTo(me, policy.pick(runnable(), me, trace.size()));
    }

    /**
     * Where the worker could be preempted, the scheduler may move it to another CPU
     * ({@link Migrations}): a step of its own, "migrate" with the new CPU as its subject.
     */
    private void migrateMaybe(int me) {
        if (!migrations.any() || !held[me].preemptible()) {
            return;
        }
        int to = migrations.next(cpus[me].cpu());
        if (to >= 0) {
            cpus[me].migrateTo(to);
            record(me, MIGRATE, to);
        }
    }

    /**
     * Appends a step, unless the execution was aborted meanwhile: under the monitor that
     * {@link #abort} takes, so once an execution has ended (the watchdog may end it while a
     * worker is between its abort check and here) its trace never grows.
     */
    private synchronized void record(int me, String label, long subject) {
        checkNotAborted();
        if (acquiring[me] != null && acquiring[me].holder() == workers[me]) {
            held[me].add(acquiring[me]);
            acquiring[me] = null;
        }
        Step step = new Step(trace.size(), me, cpus[me].cpu(), operation[me], label, subject, held[me].names());
        trace.add(step);
        lastStep[me] = step.index();
        policy.reached(me, label, subject);
        fingerprint = fingerprint * 31 + ((long) me * 1_000_003 + label.hashCode()) * 31 + subject;
        if (Integer.bitCount(trace.size()) == 1) {
            checkpoints.add((int) (fingerprint ^ (fingerprint >>> 32)) & 0xffff);
        }
    }

    private void retire(int me) {
        status[me] = Status.DONE;
        List<Integer> runnable = runnable();
        if (runnable.isEmpty()) {
            if (allDone()) {
                synchronized (this) {
                    end = end == null ? ExecutionEnd.completed() : end;
                }
                current = -1;
                finished.countDown();
            } else {
                abort(stalled());
            }
            return;
        }
        int next = policy.pick(runnable, me, trace.size());
        current = next;
        LockSupport.unpark(workers[next]);
    }

    private void switchTo(int me, int next) {
        if (next == me) {
            return;
        }
        current = next;
        LockSupport.unpark(workers[next]);
        awaitTurn(me);
    }

    /**
     * Waits for the turn: {@link Thread#yield()} for at most {@link #YIELD_NANOS} first, while
     * yields are cheap (a hand-off between a few threads on two cores is then about a
     * microsecond, build-notes.md), then park, so that no worker keeps a core busy while it
     * waits longer.
     */
    private void awaitTurn(int me) {
        long yieldUntil = System.nanoTime() + YIELD_NANOS;
        while (yieldsAreCheap && current != me && System.nanoTime() - yieldUntil < 0) {
            long before = System.nanoTime();
            Thread.yield();
            if (System.nanoTime() - before > EXPENSIVE_YIELD_NANOS) {
                yieldsAreCheap = false;
            }
        }
        while (current != me) {
            checkNotAborted();
            LockSupport.park(this);
        }
        checkNotAborted();
    }

    private void checkNotAborted() {
        if (end != null) {
            throw new ExecutionAborted();
        }
    }

    private List<Integer> runnable() {
        List<Integer> ids = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            if (status[t] == Status.RUNNABLE) {
                ids.add(t);
            }
        }
        return ids;
    }

    private boolean allDone() {
        for (Status s : status) {
            if (s != Status.DONE) {
                return false;
            }
        }
        return true;
    }

    /**
     * No worker can run and some wait for locks: who waits for which, held by whom ({@link WaitsFor}),
     * a deadlock when the holders close a cycle, a hang when the chain ends at a worker that ended holding its lock.
     */
    private ExecutionEnd stalled() {
        List<WaitsFor.Wait> waits = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            waits.add(status[t] == Status.BLOCKED ? new WaitsFor.Wait(blockedOn[t].name(), blockedOn[t].holder()) : null);
        }
        WaitsFor graph = new WaitsFor(Arrays.asList(workers), waits, t -> "T" + t + " (in " + operation[t] + ")");
        return graph.stall(this::neverReleases).map(ExecutionEnd::stalled)
                .orElseThrow(() -> new IllegalStateException("no worker can run, yet none waits forever: " + describeThreads()));
    }

    /** Why {@code holder}, a thread that waits for no model lock, never releases what it holds: only runnable workers run on. */
    private String neverReleases(Thread holder) {
        for (int t = 0; t < threads; t++) {
            if (workers[t] == holder) {
                return status[t] == Status.DONE ? "ended holding it" : null;
            }
        }
        return "is not a worker, and the scheduler runs nothing but its workers";
    }

    private String describeThreads() {
        StringBuilder states = new StringBuilder();
        for (int t = 0; t < threads; t++) {
            states.append("T").append(t).append(' ').append(status[t]).append(" in ").append(operation[t])
                    .append(" (").append(workers[t].getState()).append("); ");
        }
        return states.toString();
    }
}
