package org.vmapstress.model;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One thread's wait, for real, in {@link ModelLock#lock} for a lock another thread holds: the
 * model's record of who waits for which lock, readable by any thread (a controlled scheduler
 * never lets a model lock block, so only threads running in parallel have one). With the
 * lock's {@link ModelLock#holder} it makes the waits-for graph that tells a deadlock, or a lock
 * its holder will never release, from a slow execution.
 *
 * <p>Each wait is a new object: two reads of {@link #of} that return the same object saw one
 * uninterrupted wait, so whatever was read between them (the holders) was read while that
 * thread still waited. A wait is registered only when {@code tryLock} failed, so an uncontended
 * acquire never touches the map, and removed once the lock is taken: the map holds only the
 * threads waiting now (a thread that waits forever keeps its entry, as it keeps its stack).
 */
public final class LockWait {
    private static final ConcurrentHashMap<Thread, LockWait> WAITING = new ConcurrentHashMap<>();

    private final ModelLock lock;

    private LockWait(ModelLock lock) {
        this.lock = lock;
    }

    /** The calling thread is about to block on {@code lock}. */
    static LockWait begin(ModelLock lock) {
        LockWait wait = new LockWait(lock);
        WAITING.put(Thread.currentThread(), wait);
        return wait;
    }

    /** The calling thread took the lock it waited for. */
    void end() {
        WAITING.remove(Thread.currentThread(), this);
    }

    /** The wait {@code thread} is in now, or null when it is not blocked on a model lock. */
    public static LockWait of(Thread thread) {
        return WAITING.get(thread);
    }

    /** The lock waited for. */
    public ModelLock lock() {
        return lock;
    }
}
