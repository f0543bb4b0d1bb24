package org.vmapstress.harness.sched;

import java.util.SplittableRandom;

/**
 * Migration as a scheduler choice: at a schedule point where the running worker could be
 * preempted (it holds no spinlock, {@link HeldLocks#preemptible}), the scheduler moves it to
 * another possible CPU with probability 1/{@value #ONE_IN}, as the kernel may migrate a
 * preemptible task between any two of its instructions: between two reads of
 * {@code raw_smp_processor_id()} inside one operation, say. Seeded, so an execution with
 * migrations replays like any other; each migration is a step of the trace.
 */
public final class Migrations {
    /** No migration inside operations (the workload's MIGRATE operation still moves a worker between operations). */
    public static final Migrations NONE = new Migrations(null, new int[0]);
    /**
     * One chance in this many at each preemptible point: a random operation passes 10 to 40
     * points, so a worker migrates inside about one operation in three.
     */
    static final int ONE_IN = 64;

    private final SplittableRandom random;
    private final int[] possibleCpus;

    private Migrations(SplittableRandom random, int[] possibleCpus) {
        this.random = random;
        this.possibleCpus = possibleCpus.clone();
    }

    /** Migrations among {@code possibleCpus}, decided by {@code seed}. */
    public static Migrations seeded(long seed, int[] possibleCpus) {
        return new Migrations(new SplittableRandom(seed), possibleCpus);
    }

    /** Whether any worker can ever be moved: not {@link #NONE}, and more than one possible CPU. */
    boolean any() {
        return random != null && possibleCpus.length > 1;
    }

    /** The CPU a worker on {@code cpu} moves to at this point, or -1 when it stays. */
    int next(int cpu) {
        if (!any() || random.nextInt(ONE_IN) != 0) {
            return -1;
        }
        int other = possibleCpus[random.nextInt(possibleCpus.length - 1)];
        return other == cpu ? possibleCpus[possibleCpus.length - 1] : other;
    }
}
