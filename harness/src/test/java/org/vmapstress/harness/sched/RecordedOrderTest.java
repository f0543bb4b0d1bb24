package org.vmapstress.harness.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/** Following a recorded order, its variants, and the choices that replay what it picked. */
class RecordedOrderTest {
    private static final Execution EXECUTION = new Execution(Duration.ofSeconds(20), 200_000);

    /**
     * A controlled failure's own order of steps, followed, runs into the same failure at the
     * same step; the picks the follower made, as a {@code choices} schedule, replay its trace
     * step for step. (A trace does not say who ran after its last step, into the failure: each
     * worker is tried there. A wait for a lock is not in the order: the follower lets a worker
     * try a lock when its next step comes, so the waits may differ.)
     */
    @Test
    void followingAFailuresOwnOrderFindsItAtTheSameStepAndItsChoicesReplayIt() throws InterruptedException {
        ExecutionResult original = firstControlledFailure(BugSet.of(Bug.PUBLISH_BEFORE_INIT));
        int[] steps = original.trace().stream().filter(s -> !s.point().startsWith("wait ")).mapToInt(Step::thread).toArray();
        int threads = original.spec().threads();

        for (int last = 0; last < threads; last++) {
            int[] order = java.util.Arrays.copyOf(steps, steps.length + 1);
            order[steps.length] = last;
            RecordedOrder follower = new RecordedOrder(order, threads);
            ExecutionResult followed = EXECUTION.run(original.spec(), follower);
            if (followed.failed() && withoutWaits(followed).equals(withoutWaits(original))) {
                assertEquals(original.failureMessage(), followed.failureMessage());
                ExecutionResult replayed = EXECUTION.run(original.spec().withSched(follower.choices()));
                assertEquals(followed.trace(), replayed.trace(), "the choices replay the follower's trace");
                assertEquals(followed.fingerprint(), replayed.fingerprint());
                return;
            }
        }
        throw new AssertionError("following the order of " + original.failureId() + "'s trace did not fail after the same "
                + withoutWaits(original).size() + " steps, whoever ran last");
    }

    /** The steps that are not waits for a lock, as worker, point and subject. */
    private static List<String> withoutWaits(ExecutionResult result) {
        return result.trace().stream().filter(s -> !s.point().startsWith("wait ")).map(s -> s.thread() + " " + s.point() + " " + s.subject())
                .toList();
    }

    @Test
    void variantsRunOneEntryAheadThenTheFailingWorkersLastTogetherWithEachOther() {
        // entries that can run ahead, nearest worker 1's last first: 4 (to 2), 2 (worker 0's, to 1), 1 (worker 1's first, to 0);
        // entry 3 cannot: worker 0's entry before it is right before it
        List<int[]> variants = made(RecordedOrder.variants(List.of(0, 1, 0, 0, 1), 1, 0));

        assertArrayEquals(new int[] {0, 1, 0, 0, 1}, variants.get(0), "as recorded first");
        assertArrayEquals(new int[] {0, 1, 1, 0, 0}, variants.get(1), "the failing worker's last entry ahead first");
        assertArrayEquals(new int[] {0, 0, 1, 0, 1}, variants.get(2), "worker 0's entry 2 ahead, to just after its entry 0");
        assertArrayEquals(new int[] {1, 0, 0, 0, 1}, variants.get(3), "a worker's first entry ahead of everything");
        assertArrayEquals(new int[] {0, 0, 1, 1, 0}, variants.get(4), "worker 0's entry 2 ahead together with the failing worker's last");
        assertArrayEquals(new int[] {1, 0, 0, 0, 1}, variants.get(5), "... and with the failing worker's first (entry 2 then has nothing to pass)");
        assertEquals(6, variants.size());
    }

    @Test
    void swappedVariantsAreSeededSwapNeighboursOfTwoWorkersAndKeepEveryEntry() {
        List<Integer> order = List.of(0, 1, 0, 1, 0, 1, 0, 1, 2, 0, 2, 1);
        int runAheads = RecordedOrder.variants(order, -1, 0).size();
        int[] swapped = RecordedOrder.variants(order, -1, 1).get(runAheads).get();

        assertArrayEquals(swapped, RecordedOrder.variants(order, -1, 1).get(runAheads).get(), "seeded");
        assertArrayEquals(order.stream().mapToInt(Integer::intValue).sorted().toArray(), java.util.Arrays.stream(swapped).sorted().toArray());
        int changed = 0;
        for (int i = 0; i < swapped.length; i++) {
            if (swapped[i] != order.get(i)) {
                changed++;
                assertTrue(i + 1 < swapped.length && swapped[i] == order.get(i + 1) && swapped[i + 1] == order.get(i),
                        "position " + i + " changed only as half of a swap with its neighbour: " + java.util.Arrays.toString(swapped));
                i++;
            }
        }
        assertTrue(changed > 0, "seed 1 swaps something in twelve entries: " + java.util.Arrays.toString(swapped));
    }

    @Test
    void aLongOrderKeepsRoomForThePairsWithTheFailingWorker() {
        List<Integer> order = java.util.stream.IntStream.range(0, 1000).map(i -> i % 2).boxed().toList();
        List<int[]> variants = made(RecordedOrder.variants(order, 1, 0));

        assertEquals(1 + RecordedOrder.RUN_AHEAD_VARIANTS, variants.size(), "as recorded, then half alone and half in pairs");
        int[] lastPair = variants.get(variants.size() - 1);
        int moved = 0;
        for (int i = 0; i < lastPair.length; i++) {
            moved += lastPair[i] != order.get(i) ? 1 : 0;
        }
        assertTrue(moved > 2, "the last variant moves two entries, not one: " + moved + " positions differ");
    }

    @Test
    void choicesPackAndUnpackAndRefuseWhatIsNotPacked() {
        byte[] picks = {0, 1, 1, 1, 2, 63, 0, 0, 0, 0};
        String packed = Choices.pack(picks);

        assertArrayEquals(picks, Choices.unpack(packed));
        assertTrue(packed.matches("[A-Za-z0-9_-]+"), "no ':' in a token field: " + packed);
        assertThrows(IllegalArgumentException.class, () -> Choices.unpack("not-deflated"));
        assertThrows(IllegalArgumentException.class, () -> Choices.unpack("a:b"));
        assertThrows(IllegalArgumentException.class, () -> Choices.unpack(packed.substring(0, packed.length() / 2)));
        assertThrows(IllegalArgumentException.class, () -> Choices.unpack(Choices.pack(new byte[] {64})));
        assertThrows(IllegalArgumentException.class, () -> Choices.unpack(Choices.pack(new byte[Choices.MAX_PICKS + 1])),
                "a zip bomb of zeros is refused, not inflated");
    }

    private static List<int[]> made(List<java.util.function.Supplier<int[]>> variants) {
        return variants.stream().map(java.util.function.Supplier::get).toList();
    }

    private static ExecutionResult firstControlledFailure(BugSet bugs) throws InterruptedException {
        ExecutionSpec spec = new ExecutionSpec(bugs, ModelShape.firstCpus(4), "random", 4, 20, 1001, "random", 0);
        for (long exec = 0; exec < 2000; exec++) {
            ExecutionResult result = EXECUTION.run(spec.withExec(exec));
            if (result.failed()) {
                return result;
            }
        }
        throw new AssertionError(bugs + " not found under control in 2000 executions");
    }
}
