package org.vmapstress.model;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A kernel spinlock or mutex of the model. Every acquire and release is a schedule point;
 * every acquire is checked against the lock order by {@link LockDep}. Under the production
 * hook a contended acquire blocks for real; under a controlled hook it never blocks, it hands
 * the turn back through {@link ScheduleHook#blocked} until the lock is free.
 *
 * <p>A thread unwinding from a {@link ModelAssertion} releases its locks without a schedule
 * point ({@link ScheduleHook#releasedWhileDying}): under a controlled scheduler no other thread
 * runs before the assertion is reported (see {@link LockDep}).
 *
 * <p>Not reentrant in effect: LockDep rejects a second acquire by the holder before the
 * underlying (reentrant) lock could allow it.
 *
 * <p>A thread that blocks for real (the production hook, the lock held by another thread) says
 * so in {@link LockWait} while it waits: with {@link #holder}, that is the waits-for graph a
 * free-running watchdog reads to tell a deadlock or a lock that is never released from slow
 * progress. An uncontended acquire costs one {@code tryLock}, as before.
 */
public final class ModelLock {
    private final LockClass lockClass;
    private final String name;
    private final ScheduleHook hook;
    @Guarded(Guard.ATOMIC)
    private final ReentrantLock lock = new ReentrantLock();
    /** The holding thread, for deadlock reports and lock-ownership checks; written only by the holder. */
    @Guarded(Guard.ATOMIC)
    private volatile Thread holder;

    public ModelLock(LockClass lockClass, String name, ScheduleHook hook) {
        this.lockClass = lockClass;
        this.name = name;
        this.hook = hook;
    }

    public void lock() {
        LockDep.checkAcquire(this);
        hook.beforeLock(this);
        if (hook.controlsBlocking()) {
            while (!lock.tryLock()) {
                hook.blocked(this);
            }
        } else if (!lock.tryLock()) {
            LockWait wait = LockWait.begin(this);
            lock.lock();
            wait.end();
        }
        holder = Thread.currentThread();
        LockDep.acquired(this);
        hook.acquired(this);
    }

    /** Releases the lock; a schedule point, except for a thread dying of a model assertion ({@link LockDep}), which only tells the hook. */
    public void unlock() {
        boolean dying = LockDep.released(this);
        hook.releasing(this);
        holder = null;
        lock.unlock();
        if (dying) {
            hook.releasedWhileDying(this);
        } else {
            hook.afterUnlock(this);
        }
    }

    public boolean isHeldByCurrentThread() {
        return holder == Thread.currentThread();
    }

    /**
     * The model locks the calling thread holds, outermost first: after a {@link ModelAssertion}
     * has left the model, the locks its task died holding (taken before a {@code try} whose
     * {@code finally} would release them), which no one can take again.
     */
    public static List<ModelLock> heldByCurrentThread() {
        return LockDep.heldByCurrentThread();
    }

    /** The thread holding the lock now, or null. */
    public Thread holder() {
        return holder;
    }

    public LockClass lockClass() {
        return lockClass;
    }

    /** The lock's name in traces, e.g. {@code vbq[2].lock}. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
