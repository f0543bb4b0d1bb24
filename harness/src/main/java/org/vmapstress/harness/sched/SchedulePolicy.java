package org.vmapstress.harness.sched;

import java.util.List;

/** Picks which runnable worker runs the next step. Seeded: the same seed gives the same picks. */
public interface SchedulePolicy {
    /**
     * @param runnable the runnable workers' ids, ascending, never empty
     * @param current the worker that just reached a schedule point (may not be runnable)
     * @param step the index of the step about to run
     */
    int pick(List<Integer> runnable, int current, int step);

    /**
     * Told at every step, before the pick: {@code worker} ran up to its next schedule point
     * {@code point} (touching {@code subject}). Policies that weigh what the steps touch (POS)
     * listen; the others need not.
     */
    default void reached(int worker, String point, long subject) {
    }

    /**
     * Told while a worker runs its step: it touched {@code resource} (a
     * {@link org.vmapstress.model.SharedField} or a {@link org.vmapstress.model.Resource})
     * number {@code id}, writing it or only reading it. The footprints of the steps, for a
     * partial-order reduction; the other policies need not listen.
     */
    default void touched(Object resource, long id, boolean write) {
    }

    /** Whether {@link #touched} listens: the scheduler skips the footprint reports of the policies that do not. */
    default boolean listensToTouches() {
        return false;
    }

    /** The policy's name in tokens: {@code random}, {@code pct:D} or {@code pos}. */
    String name();
}
