package org.vmapstress.model;

/**
 * The one seam between the model and a scheduler. The model calls {@link #point} before every
 * interleaving-relevant step and routes every lock through {@link #beforeLock},
 * {@link #blocked} and {@link #afterUnlock} (or {@link #releasedWhileDying}).
 *
 * <p>{@link #NONE}, the production hook, does nothing: every method is empty and
 * {@link #controlsBlocking()} is false, so model locks block for real and the JIT inlines the
 * calls away. A hook that only observes overrides {@link #point} and, if it cares, the lock
 * notifications. A controlled scheduler returns true from {@link #controlsBlocking()}: a model
 * lock then never blocks its thread, it calls {@link #blocked} and retries, and the scheduler
 * runs another thread until the lock is released (a deadlock is then every live thread in
 * {@code blocked}).
 *
 * <p>The synchronisation and shared-field notifications ({@link #acquired}, {@link #releasing},
 * {@link #published}, {@link #consumed}, {@link #access}, {@link #touch}) are no schedule points:
 * they feed the race detector ({@link RaceDetector}, on with {@link Bug#DATA_RACES}), which wraps
 * the hook it is given and passes them on, and the footprints of an exhaustive search's partial-order
 * reduction; every other hook ignores them.
 *
 * <p>Implementations must not call back into the model.
 */
public interface ScheduleHook {

    /** The production hook: no schedule point does anything, and locks block for real. */
    ScheduleHook NONE = (point, subject) -> { };

    /**
     * Called before a step. {@code subject} says what the step touches: a VA page, a block's
     * start, a pfn, a CPU, or a count, as the point's documentation in the model says.
     */
    void point(SchedulePoint point, long subject);

    /** Called before the calling thread tries to take {@code lock} (a schedule point). */
    default void beforeLock(ModelLock lock) {
    }

    /** Called after the calling thread released {@code lock} (a schedule point). */
    default void afterUnlock(ModelLock lock) {
    }

    /**
     * Called after the calling thread, dying of a {@link ModelAssertion}, released {@code lock} on
     * its way out: not a schedule point (a task killed by an oops gives no other task the turn;
     * see {@link LockDep}). An observer may record it: the release did happen, and a thread
     * running in parallel may take the lock next.
     */
    default void releasedWhileDying(ModelLock lock) {
    }

    /** True when threads run one at a time: locks then spin through {@link #blocked}. */
    default boolean controlsBlocking() {
        return false;
    }

    /** Controlled mode: {@code lock} is held by another thread; return when the caller may retry. */
    default void blocked(ModelLock lock) {
        throw new IllegalStateException("this hook does not control blocking, so no lock waits through it");
    }

    /** Called after the calling thread took {@code lock} (not a schedule point). */
    default void acquired(ModelLock lock) {
    }

    /** Called before the calling thread releases {@code lock}, dying or not (not a schedule point). */
    default void releasing(ModelLock lock) {
    }

    /** Called before the calling thread makes {@code object} reachable to others through {@code structure} (xa_insert, list_add_rcu). */
    default void published(Object structure, Object object) {
    }

    /** Called when the calling thread reached {@code object} through {@code structure} (xa_load, an RCU list walk). */
    default void consumed(Object structure, Object object) {
    }

    /** Called before the calling thread's step touches {@code field} of {@code owner}. */
    default void access(Object owner, SharedField field, Access kind) {
    }

    /**
     * Called when the calling thread's step touches {@code resource} number {@code id} (a VA
     * page, a pfn, a CPU...; see {@link Resource}), writing it or only reading it: with
     * {@link #access} and the locks, the step's footprint, which a partial-order reduction reads.
     */
    default void touch(Resource resource, long id, boolean write) {
    }

    /**
     * Where the calling thread is, for a report naming an access: the worker, its step and its
     * operation under a controlled scheduler; the thread's name by default.
     */
    default String position() {
        return Thread.currentThread().getName();
    }
}
