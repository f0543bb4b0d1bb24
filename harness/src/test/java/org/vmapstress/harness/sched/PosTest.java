package org.vmapstress.harness.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** POS keeps the priorities of pending events that do not race with the event that ran, and redraws those that do. */
class PosTest {
    /** Three workers waiting at their first points: T0 and T1 at block 384, T2 at page 5. */
    private static Pos threeWaiting(long seed) {
        Pos pos = new Pos(3, seed);
        pos.reached(0, "vb_free:mark-dirty", 384);
        pos.reached(1, "vb_alloc:take-slots", 384);
        pos.reached(2, "page:alloc", 5);
        return pos;
    }

    @Test
    void anEventThatRanRedrawsOnlyThePendingEventsThatRaceWithIt() {
        Pos pos = threeWaiting(7);
        double[] was = {pos.priorityOf(0), pos.priorityOf(1), pos.priorityOf(2)};
        pos.reached(0, "pte:clear", 900);
        assertNotEquals(was[0], pos.priorityOf(0), "the worker that ran draws a priority for its next event");
        assertNotEquals(was[1], pos.priorityOf(1), "T1's pending event touches block 384, as T0's event that ran did: redrawn");
        assertEquals(was[2], pos.priorityOf(2), "T2's pending event touches page 5 only: its priority is kept");
    }

    @Test
    void lockStepsRaceOnTheirLockAndStepsWithoutASubjectRaceWithNothing() {
        assertEquals("vbq[0].lock", Pos.conflictKey("acquire vbq[0].lock", 0));
        assertEquals("vbq[0].lock", Pos.conflictKey("release vbq[0].lock", 0));
        assertEquals("vbq[0].lock", Pos.conflictKey("wait vbq[0].lock", 0));
        assertEquals(384L, Pos.conflictKey("vb_free:mark-dirty", 384));
        assertNull(Pos.conflictKey("purge:take-lazy-list", 0));
    }

    @Test
    void theHighestPriorityRunnableWorkerRuns() {
        Pos pos = threeWaiting(11);
        int best = 0;
        for (int t = 1; t < 3; t++) {
            best = pos.priorityOf(t) > pos.priorityOf(best) ? t : best;
        }
        assertEquals(best, pos.pick(List.of(0, 1, 2), 2, 3));
        int other = best == 0 ? 1 : 0;
        assertEquals(other, pos.pick(List.of(other), 2, 3), "a worker that is not runnable never runs");
    }

    @Test
    void theSameSeedPicksTheSameAndAnotherSeedNot() {
        assertEquals(picks(11), picks(11));
        assertNotEquals(picks(11), picks(12));
    }

    private static List<Integer> picks(long seed) {
        Pos pos = threeWaiting(seed);
        List<Integer> picks = new ArrayList<>();
        for (int step = 0; step < 50; step++) {
            int next = pos.pick(List.of(0, 1, 2), step % 3, step);
            picks.add(next);
            pos.reached(next, "vb_free:mark-dirty", step % 4);
        }
        return picks;
    }
}
