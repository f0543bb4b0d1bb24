package org.vmapstress.model;

/**
 * The one seam between the model and a scheduler. The model calls {@link #point} before every
 * interleaving-relevant step and routes every lock through {@link #beforeLock},
 * {@link #blocked} and {@link #afterUnlock}.
 *
 * <p>{@link #NONE}, the production hook, does nothing: every method is empty and
 * {@link #controlsBlocking()} is false, so model locks block for real and the JIT inlines the
 * calls away. A controlled scheduler returns true from {@link #controlsBlocking()}: a model
 * lock then never blocks its thread, it calls {@link #blocked} and retries, and the scheduler
 * runs another thread until the lock is released (a deadlock is then every live thread in
 * {@code blocked}).
 *
 * <p>Implementations must not call back into the model.
 */
public interface ScheduleHook {

    ScheduleHook NONE = new ScheduleHook() {
        @Override
        public void point(SchedulePoint point, long subject) {
        }

        @Override
        public void beforeLock(ModelLock lock) {
        }

        @Override
        public void afterUnlock(ModelLock lock) {
        }

        @Override
        public boolean controlsBlocking() {
            return false;
        }

        @Override
        public void blocked(ModelLock lock) {
            throw new IllegalStateException("the production hook never controls blocking");
        }
    };

    /**
     * Called before a step. {@code subject} says what the step touches: a VA page, a block's
     * start, a pfn, a CPU, or a count, as the point's documentation in the model says.
     */
    void point(SchedulePoint point, long subject);

    /** Called before the calling thread tries to take {@code lock} (a schedule point). */
    void beforeLock(ModelLock lock);

    /** Called after the calling thread released {@code lock} (a schedule point). */
    void afterUnlock(ModelLock lock);

    /** True when threads run one at a time: locks then spin through {@link #blocked}. */
    boolean controlsBlocking();

    /** Controlled mode: {@code lock} is held by another thread; return when the caller may retry. */
    void blocked(ModelLock lock);
}
