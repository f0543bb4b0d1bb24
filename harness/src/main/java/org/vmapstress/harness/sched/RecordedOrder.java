package org.vmapstress.harness.sched;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Follows a flight recording: the workers run their steps in the order a free-running execution
 * recorded them ({@code order}: the worker of each step). The worker whose next step comes first
 * in the order and is runnable runs; each step a worker reaches uses up its first entry still
 * in the order (a wait for a lock is not a step of the recording: the worker retries). Where
 * the controlled execution leaves the recording (a worker blocked where it was not, or steps
 * the recording does not have), the rest of the order still leads, and past its end the
 * running worker goes on.
 *
 * <p>A recorded order is close to what ran, not exact: two workers' events with close stamps
 * may have run in either order, and what a worker did between two stamped events (read a field
 * another was about to write) has no stamp at all. So the re-search also follows
 * {@link #variants} of the order.
 *
 * <p>It has no seed that replays it: its picks are kept, and a failure it finds is replayed by
 * {@link Choices} ({@link #choices}).
 */
public final class RecordedOrder implements SchedulePolicy {
    /** How many run-ahead variants the re-search follows at most ({@link #variants}). */
    static final int RUN_AHEAD_VARIANTS = 256;
    /** How many of the failing worker's run-ahead entries nearest its last are each paired with another worker's ({@link #variants}). */
    static final int FAILING_ENTRIES_PAIRED = 3;
    /** Swapped variants: neighbouring entries of two workers among the last so many ... */
    static final int SWAPPED_TAIL = 256;
    /** ... each pair swapped with probability 1 in so many. */
    static final int SWAP_ONE_IN = 4;

    /** Each worker's positions in the order, ascending. */
    private final int[][] entriesOf;
    /** How many of its entries each worker has run. */
    private final int[] ran;
    private final ByteArrayOutputStream picks = new ByteArrayOutputStream();

    /** A policy that follows {@code order} (the worker of each step) with {@code threads} workers; entries of other workers are passed over. */
    public RecordedOrder(int[] order, int threads) {
        int[] counts = new int[threads];
        for (int worker : order) {
            if (worker < threads) {
                counts[worker]++;
            }
        }
        this.entriesOf = new int[threads][];
        for (int t = 0; t < threads; t++) {
            entriesOf[t] = new int[counts[t]];
        }
        this.ran = new int[threads];
        int[] filled = new int[threads];
        for (int i = 0; i < order.length; i++) {
            if (order[i] < threads) {
                entriesOf[order[i]][filled[order[i]]++] = i;
            }
        }
    }

    /**
     * The orders the re-search follows, most likely first. A step's entry is stamped when the
     * worker reached its schedule point; what the worker did to get there (a write, a lookup)
     * happened at some time since its entry before, and following the order does it as late as
     * that allows. The variants do some of it early: an entry "run ahead" is moved up to just
     * after the same worker's entry before it. In turn: the order as recorded; each entry run
     * ahead alone, nearest the failing worker's last entry first ({@code failingWorker}; the
     * end of the order when it is -1); each of the failing worker's last {@value #FAILING_ENTRIES_PAIRED}
     * entries that can run ahead together with another worker's (a race between two such
     * steps, as a lookup done early against a write done late), nearest first; up to {@value #RUN_AHEAD_VARIANTS} run-ahead variants, half
     * of them alone and half in pairs; then
     * {@code swapped} variants whose neighbouring entries of two workers near the end are
     * swapped at random (seeded 1, 2, ...: stamps close together). Each is made when it is
     * asked for: a long execution's order is large, and the re-search may stop early.
     */
    public static List<Supplier<int[]>> variants(List<Integer> order, int failingWorker, int swapped) {
        int[] recorded = order.stream().mapToInt(Integer::intValue).toArray();
        List<Integer> aheads = runAheadEntries(recorded, lastEntryOf(recorded, failingWorker));
        List<Supplier<int[]>> variants = new ArrayList<>();
        variants.add(() -> recorded);
        aheads.stream().limit(RUN_AHEAD_VARIANTS / 2).forEach(j -> variants.add(() -> runAhead(recorded, j)));
        List<Integer> failingAheads = aheads.stream().filter(j -> recorded[j] == failingWorker).limit(FAILING_ENTRIES_PAIRED).toList();
        aheads.stream().filter(j -> recorded[j] != failingWorker)
                .flatMap(j -> failingAheads.stream().map(failing -> new int[] {Math.min(j, failing), Math.max(j, failing)}))
                .limit(RUN_AHEAD_VARIANTS / 2).forEach(pair -> variants.add(() -> runAhead(recorded, pair)));
        for (long seed = 1; seed <= swapped; seed++) {
            long swapSeed = seed;
            variants.add(() -> swappedNearTheEnd(recorded, swapSeed));
        }
        return variants;
    }

    /** The entries that can run ahead (another worker's entry lies between them and their worker's entry before), nearest {@code anchor} first. */
    private static List<Integer> runAheadEntries(int[] order, int anchor) {
        List<Integer> entries = new ArrayList<>();
        for (int distance = 0; distance < order.length && entries.size() < RUN_AHEAD_VARIANTS / 2 + 1; distance++) {
            for (int j : new int[] {anchor - distance, anchor + distance + 1}) {
                if (j > 0 && j < order.length && previousEntryOf(order, j) < j - 1) {
                    entries.add(j);
                }
            }
        }
        return entries;
    }

    /** {@code order} with the entries at {@code ascending} positions each run ahead: moved up to just after its worker's entry before it. */
    private static int[] runAhead(int[] order, int... ascending) {
        int[] moved = order.clone();
        for (int j : ascending) {
            // a move shifts only the entries before j, so a later position still names its entry
            int to = previousEntryOf(moved, j) + 1;
            int worker = moved[j];
            System.arraycopy(moved, to, moved, to + 1, j - to);
            moved[to] = worker;
        }
        return moved;
    }

    /** The position of {@code worker}'s last entry; the last position when it has none (or is -1). */
    private static int lastEntryOf(int[] order, int worker) {
        for (int i = order.length - 1; i >= 0; i--) {
            if (order[i] == worker) {
                return i;
            }
        }
        return order.length - 1;
    }

    /** The position of the entry before {@code j} of the same worker, or -1. */
    private static int previousEntryOf(int[] order, int j) {
        int previous = j - 1;
        while (previous >= 0 && order[previous] != order[j]) {
            previous--;
        }
        return previous;
    }

    private static int[] swappedNearTheEnd(int[] recorded, long seed) {
        int[] order = recorded.clone();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = Math.max(0, order.length - SWAPPED_TAIL); i + 1 < order.length; i++) {
            if (order[i] != order[i + 1] && random.nextInt(SWAP_ONE_IN) == 0) {
                int swapped = order[i];
                order[i] = order[i + 1];
                order[i + 1] = swapped;
                i++;
            }
        }
        return order;
    }

    @Override
    public void reached(int worker, String point, long subject) {
        if (!point.startsWith(ControlledScheduler.WAIT) && !point.equals(ControlledScheduler.MIGRATE) && ran[worker] < entriesOf[worker].length) {
            ran[worker]++;
        }
    }

    /** The runnable worker whose next unrun entry comes first in the order; past the order, the current worker if runnable. */
    @Override
    public int pick(List<Integer> runnable, int current, int step) {
        int chosen = runnable.contains(current) ? current : runnable.get(0);
        int earliest = Integer.MAX_VALUE;
        for (int worker : runnable) {
            if (ran[worker] < entriesOf[worker].length && entriesOf[worker][ran[worker]] < earliest) {
                earliest = entriesOf[worker][ran[worker]];
                chosen = worker;
            }
        }
        picks.write(chosen);
        return chosen;
    }

    /** The picks made so far, as a {@link Choices} schedule ({@code choices:<packed>}) that replays them. */
    public String choices() {
        return Choices.PREFIX + Choices.pack(picks.toByteArray());
    }

    @Override
    public String name() {
        return "recorded";
    }
}
