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

    /** The policy's name in tokens: {@code random}, {@code pct:D} or {@code pos}. */
    String name();
}
