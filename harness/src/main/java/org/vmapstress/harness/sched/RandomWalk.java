package org.vmapstress.harness.sched;

import java.util.List;
import java.util.SplittableRandom;

/** Uniform random walk: every runnable worker is equally likely to run the next step. */
public final class RandomWalk implements SchedulePolicy {
    private final SplittableRandom random;

    public RandomWalk(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int pick(List<Integer> runnable, int current, int step) {
        return runnable.get(random.nextInt(runnable.size()));
    }

    @Override
    public String name() {
        return "random";
    }
}
