package org.vmapstress.model;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A schedule hook for hand-ordered two-thread scenarios: the first time the chosen thread
 * reaches {@code pausePoint}, it stops there until {@link #resume()}; every other thread and
 * point passes straight through. Locks block for real.
 */
final class PausingHook implements ScheduleHook {
    private final SchedulePoint pausePoint;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);
    private volatile Thread pausing;

    PausingHook(SchedulePoint pausePoint) {
        this.pausePoint = pausePoint;
    }

    /** Runs {@code action} on a new thread that will pause at the point; returns once it is paused there. */
    Thread startPaused(Runnable action) throws InterruptedException {
        Thread thread = new Thread(action, "paused-actor");
        pausing = thread;
        thread.start();
        if (!reached.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the actor never reached " + pausePoint);
        }
        return thread;
    }

    void resume() {
        resumed.countDown();
    }

    @Override
    public void point(SchedulePoint point, long subject) {
        if (point == pausePoint && Thread.currentThread() == pausing && reached.getCount() > 0) {
            reached.countDown();
            try {
                if (!resumed.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("never resumed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
