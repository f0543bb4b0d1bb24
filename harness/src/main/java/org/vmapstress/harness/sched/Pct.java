package org.vmapstress.harness.sched;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * PCT, probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010), depth {@code d}:
 * workers get distinct random priorities above {@code d}; {@code d - 1} change points are drawn
 * uniformly from the first {@code k} steps; the highest-priority runnable worker always runs,
 * and at the i-th change point the running worker drops to priority {@code i}. A bug of depth
 * d among n threads and k steps is hit with probability at least 1 / (n k^(d-1)).
 */
public final class Pct implements SchedulePolicy {
    private final int depth;
    private final int[] priority;
    private final long[] changePoints;

    public Pct(int depth, int threads, long expectedSteps, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        this.depth = depth;
        this.priority = new int[threads];
        int[] order = random.ints(0, Integer.MAX_VALUE).distinct().limit(threads).toArray();
        for (int t = 0; t < threads; t++) {
            priority[t] = depth + rank(order, t);
        }
        this.changePoints = new long[Math.max(0, depth - 1)];
        for (int i = 0; i < changePoints.length; i++) {
            changePoints[i] = 1 + random.nextLong(Math.max(1, expectedSteps));
        }
    }

    private static int rank(int[] keys, int t) {
        int rank = 0;
        for (int key : keys) {
            if (key < keys[t]) {
                rank++;
            }
        }
        return rank;
    }

    @Override
    public int pick(List<Integer> runnable, int current, int step) {
        for (int i = 0; i < changePoints.length; i++) {
            if (changePoints[i] == step) {
                priority[current] = i + 1;
            }
        }
        int best = runnable.get(0);
        for (int t : runnable) {
            if (priority[t] > priority[best]) {
                best = t;
            }
        }
        return best;
    }

    @Override
    public String name() {
        return "pct:" + depth;
    }

    @Override
    public String toString() {
        return name() + " priorities=" + Arrays.toString(priority) + " change-points=" + Arrays.toString(changePoints);
    }
}
