package org.vmapstress.harness.sched;

import java.util.List;
import java.util.SplittableRandom;

/**
 * POS, partial order sampling (Yuan, Yang and Gu, CAV 2018): every worker's next event (the
 * step after the schedule point it waits at) carries a random priority, and the runnable
 * worker whose event has the highest priority runs. When an event has run, every other
 * pending event that races with it (the same lock, or the same subject: block, area, page,
 * VA) gets a fresh random priority; the others keep theirs. So the order of events that do
 * not race is left as it was drawn, and each partial order is sampled with a probability that
 * does not shrink with the number of independent events around it, as it does for the random
 * walk. Seeded, so replayable.
 */
public final class Pos implements SchedulePolicy {
    /** The label prefixes of lock steps: such a step touches the lock named after the prefix. */
    private static final List<String> LOCK_STEPS = List.of(ControlledScheduler.ACQUIRE, ControlledScheduler.RELEASE, ControlledScheduler.WAIT);

    private final SplittableRandom random;
    private final double[] priority;
    /** What each worker's pending event touches ({@link #conflictKey}); null before its first point. */
    private final Object[] pending;

    public Pos(int threads, long seed) {
        this.random = new SplittableRandom(seed);
        this.priority = new double[threads];
        this.pending = new Object[threads];
        for (int t = 0; t < threads; t++) {
            priority[t] = random.nextDouble();
        }
    }

    @Override
    public void reached(int worker, String point, long subject) {
        Object ran = pending[worker];
        if (ran != null) {
            for (int other = 0; other < pending.length; other++) {
                if (other != worker && ran.equals(pending[other])) {
                    priority[other] = random.nextDouble();
                }
            }
        }
        pending[worker] = conflictKey(point, subject);
        priority[worker] = random.nextDouble();
    }

    /**
     * What an event touches, for the race test: a lock step (acquire, release, wait) touches its
     * lock; another step its subject; a step without a subject touches nothing another can race with.
     */
    static Object conflictKey(String point, long subject) {
        for (String lockStep : LOCK_STEPS) {
            if (point.startsWith(lockStep)) {
                return point.substring(lockStep.length());
            }
        }
        return subject == 0 ? null : subject;
    }

    @Override
    public int pick(List<Integer> runnable, int current, int step) {
        int best = runnable.get(0);
        for (int t : runnable) {
            if (priority[t] > priority[best]) {
                best = t;
            }
        }
        return best;
    }

    /** The priority of {@code worker}'s pending event. */
    double priorityOf(int worker) {
        return priority[worker];
    }

    @Override
    public String name() {
        return "pos";
    }

    @Override
    public String toString() {
        return name() + " pending=" + java.util.Arrays.toString(pending) + " priorities=" + java.util.Arrays.toString(priority);
    }
}
