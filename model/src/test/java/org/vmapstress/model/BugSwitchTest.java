package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vmapstress.model.ModelFixture.idOf;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * For every bug switch, the smallest scenario that shows its invariant: holding on the fixed
 * model, broken with the switch on. Detection always comes from the model's state (a check,
 * or an assertion the kernel would hit), never from the switch itself.
 */
class BugSwitchTest {

    /** The seed: map a page, unmap it, free it, pin it as a page table (Xen's pin). */
    private static Optional<Violation> unmapFreeAndPin(ModelFixture f) {
        Mapping m = f.map(1);
        f.touchAll(f.cpu0, m);
        f.unmap(m);
        f.freePages(m);
        int pfn = f.model.pages().allocPage(f.cpu0);
        assertEquals(m.pfnAt(0), pfn, "the page allocator hands the hot page straight back");
        return f.checks().pinAccepted(pfn, f.model.pages().pinAsPageTable(pfn));
    }

    @Test
    void lazyPteClear_pinOfAnUnmappedPageIsRefusedOnlyWithTheBug() {
        assertEquals(Optional.empty(), unmapFreeAndPin(ModelFixture.fixed()));
        assertEquals(Optional.of(InvariantId.PTE_ALIAS), idOf(unmapFreeAndPin(ModelFixture.with(Bug.LAZY_PTE_CLEAR))));
    }

    @Test
    void lazyPteClear_theStalePtesGoOnlyWithTheFlush() {
        ModelFixture f = ModelFixture.with(Bug.LAZY_PTE_CLEAR);
        Mapping m = f.map(3);
        f.unmap(m);
        assertEquals(Optional.of(InvariantId.UNMAP_CLEARS), idOf(f.checks().unmapCleared(m)));
        assertEquals(Optional.of(InvariantId.PTE_ALIAS), idOf(f.checks().noWritableAlias(m.pfnAt(0))));
        f.model.vmUnmapAliases(f.cpu0);
        assertTrue(f.checks().unmapCleared(m).isEmpty(), "vm_unmap_aliases cleared the dirty range's PTEs");
        Mapping large = f.map(70);
        f.unmap(large);
        assertFalse(f.checks().unmapCleared(large).isEmpty());
        f.model.purgeVmapAreaLazy();
        assertTrue(f.checks().unmapCleared(large).isEmpty(), "the lazy purge cleared the large area's PTEs");
    }

    /** Fill a block with two 64-page maps, unmap both: the second unmap makes the block fully dirty. */
    private static Optional<Violation> unmapTheLastRegionOfABlock(ModelFixture f) {
        Mapping first = f.map(64);
        Mapping last = f.map(64);
        f.unmap(first);
        assertTrue(f.checks().unmapCleared(first).isEmpty(), "a free that leaves the block alive clears");
        f.unmap(last);
        return f.checks().unmapCleared(last);
    }

    @Test
    void lastRegionMapped_theFreeThatEmptiesABlockLeavesItsPtes() {
        assertEquals(Optional.empty(), unmapTheLastRegionOfABlock(ModelFixture.fixed()));
        assertEquals(Optional.of(InvariantId.UNMAP_CLEARS),
                idOf(unmapTheLastRegionOfABlock(ModelFixture.with(Bug.LAST_REGION_MAPPED))));
    }

    private static Optional<Violation> syncPurgeWithNothingLive(ModelFixture f) {
        Mapping m = f.map(1);
        f.unmap(m);
        f.model.purgeVmapAreaLazy();
        return f.checks().noBlocksLeft();
    }

    @Test
    void noFragmentPurge_aFragmentedBlockSurvivesTheSyncPurge() {
        assertEquals(Optional.empty(), syncPurgeWithNothingLive(ModelFixture.fixed()));
        assertEquals(Optional.of(InvariantId.BOUNDED_BLOCKS),
                idOf(syncPurgeWithNothingLive(ModelFixture.with(Bug.NO_FRAGMENT_PURGE))));
    }

    /**
     * 88f50044: thread A frees a large area and stops between linking it on the lazy list and
     * counting it; thread B runs a purge, which takes A's uncounted pages.
     */
    private static Optional<Violation> purgeBetweenLinkAndCount(BugSet bugs) throws InterruptedException {
        PausingHook hook = new PausingHook(SchedulePoint.LAZY_COUNT_ADD);
        ModelFixture f = new ModelFixture(ModelConfig.small(), bugs, hook);
        Mapping m = f.map(100);
        AtomicReference<Throwable> actorFailure = new AtomicReference<>();
        Thread a = hook.startPaused(() -> {
            try {
                f.unmap(m);
            } catch (Throwable t) {
                actorFailure.set(t);
            }
        });
        Optional<Violation> found = Optional.empty();
        try {
            f.model.purgeVmapAreaLazy();
        } catch (ModelAssertion assertion) {
            found = Optional.of(assertion.violation());
        }
        hook.resume();
        a.join(10_000);
        assertEquals(null, actorFailure.get());
        return found.isPresent() ? found : f.checks().lazyCount();
    }

    @Test
    void racyLazyCount_aPurgeBetweenLinkAndCountHitsTheOldBugOn() throws InterruptedException {
        assertEquals(Optional.empty(), purgeBetweenLinkAndCount(BugSet.NONE));
        Optional<Violation> buggy = purgeBetweenLinkAndCount(BugSet.of(Bug.RACY_LAZY_COUNT));
        assertEquals(Optional.of(InvariantId.LAZY_COUNT), idOf(buggy));
        assertTrue(buggy.orElseThrow().message().contains("BUG_ON(nr > vmap_lazy_nr)"));
    }

    /**
     * Roman Pen's example: block A keeps one free slot, a 2-page map opens block B, and the next
     * 1-page map should go to A (oldest first), not B.
     */
    private static ModelFixture leaveOneSlotThenOpenANewBlock(ModelFixture f) {
        for (int pages = 64; pages >= 1; pages /= 2) {
            f.map(pages);
        }
        f.map(2);
        return f;
    }

    @Test
    void headInsert_aNewerBlockOvertakesAnOlderOneOnTheFreeList() {
        ModelFixture fixed = leaveOneSlotThenOpenANewBlock(ModelFixture.fixed());
        assertEquals(List.of(), fixed.quiescent());
        ModelFixture buggy = leaveOneSlotThenOpenANewBlock(ModelFixture.with(Bug.HEAD_INSERT));
        assertEquals(List.of(InvariantId.BOUNDED_BLOCKS), buggy.quiescent().stream().map(Violation::invariant).toList());

        Mapping one = fixed.map(1);
        assertEquals(0, fixed.blockAt(one.va()).free, "fixed: the 1-page map fills the old block");
        Mapping other = buggy.map(1);
        assertEquals(fixed.freeList(0).size() + 1, buggy.freeList(0).size(), "buggy: the old block stays half-used");
        assertEquals(1, buggy.blockAt(0).free);
        assertTrue(other.va() >= 128);
    }

    @Test
    void freeListWalk_aFullBlocksDirtyRangeIsNeverFlushed() {
        assertEquals(Optional.empty(), ModelFixture.fixed().aliasesAfterUnmapInAFullBlock());
        assertEquals(Optional.of(InvariantId.ALIASES_FLUSHED),
                idOf(ModelFixture.with(Bug.FREE_LIST_WALK).aliasesAfterUnmapInAFullBlock()));
    }

    private static Optional<Violation> twoAliasesCallsInARow(ModelFixture f) {
        f.map(4);
        Mapping gone = f.map(2);
        f.unmap(gone);
        FreeActivity before = f.model.freeActivity();
        f.model.vmUnmapAliases(f.cpu0);
        AliasesReport second = f.model.vmUnmapAliases(f.cpu0);
        return f.checks().flushOnce(before, second, f.model.freeActivity());
    }

    @Test
    void flushOverAndOver_theSecondAliasesCallFlushesTheSameRangeAgain() {
        assertEquals(Optional.empty(), twoAliasesCallsInARow(ModelFixture.fixed()));
        assertEquals(Optional.of(InvariantId.FLUSH_ONCE),
                idOf(twoAliasesCallsInARow(ModelFixture.with(Bug.FLUSH_OVER_AND_OVER))));
    }

    private static Optional<Violation> aliasesOverAUsableFragmentedBlock(ModelFixture f) {
        Mapping m = f.map(1);
        f.unmap(m);
        return f.checks().usableKept(f.model.vmUnmapAliases(f.cpu0));
    }

    @Test
    void purgeUsableBlocks_aNonForcedPurgeThrowsAwayAUsableBlock() {
        assertEquals(Optional.empty(), aliasesOverAUsableFragmentedBlock(ModelFixture.fixed()));
        assertEquals(Optional.of(InvariantId.USABLE_KEPT),
                idOf(aliasesOverAUsableFragmentedBlock(ModelFixture.with(Bug.PURGE_USABLE_BLOCKS))));
    }

    /** With possible CPUs {0, 2}, the second block (index 1) hashes to CPU 1, which is not possible. */
    private static Optional<Violation> openTheSecondBlock(BugSet bugs) {
        ModelFixture f = new ModelFixture(ModelConfig.small().withPossibleCpus(0, 2), bugs, ScheduleHook.NONE);
        f.map(64);
        f.map(64);
        try {
            Mapping second = f.map(1);
            assertEquals(2, f.model.queues().indexFor(second.va()).cpu, "fixed: hashed on to the next possible CPU");
            f.unmap(second);
            return f.quiescent().stream().findFirst();
        } catch (ModelAssertion assertion) {
            return Optional.of(assertion.violation());
        }
    }

    @Test
    void impossibleCpuHash_aBlockIsIndexedInAnImpossibleCpusQueue() {
        assertEquals(Optional.empty(), openTheSecondBlock(BugSet.NONE));
        assertEquals(Optional.of(InvariantId.POSSIBLE_CPU), idOf(openTheSecondBlock(BugSet.of(Bug.IMPOSSIBLE_CPU_HASH))));
    }

    /**
     * A block made on CPU 1 at VA 0 is indexed in CPU 0's queue; once fragmented below the
     * threshold, vm_unmap_aliases purges it while walking CPU 0's index.
     */
    private static Optional<Violation> purgeABlockIndexedElsewhere(ModelFixture f) {
        CpuContext cpu1 = new CpuContext(1);
        Mapping a = f.map(cpu1, 64);
        Mapping b = f.map(cpu1, 32);
        Mapping c = f.map(cpu1, 1);
        assertEquals(0, f.model.queues().indexFor(a.va()).cpu);
        List.of(a, b, c).forEach(m -> f.unmap(cpu1, m));
        try {
            AliasesReport report = f.model.vmUnmapAliases(f.cpu0);
            assertEquals(1, report.purged().size());
            return f.quiescent().stream().findFirst();
        } catch (ModelAssertion assertion) {
            return Optional.of(assertion.violation());
        }
    }

    @Test
    void wrongVbqLock_theBlockIsUnlinkedUnderTheIndexingQueuesLock() {
        assertEquals(Optional.empty(), purgeABlockIndexedElsewhere(ModelFixture.fixed()));
        Optional<Violation> buggy = purgeABlockIndexedElsewhere(ModelFixture.with(Bug.WRONG_VBQ_LOCK));
        assertEquals(Optional.of(InvariantId.QUEUE_OWNER), idOf(buggy));
        assertTrue(buggy.orElseThrow().message().contains("without holding vbq[1].lock"), buggy.toString());
    }

    /**
     * 3e3de794: thread A is inside new_vmap_block, between publishing the block in the index
     * and writing vb->cpu; thread B runs vm_unmap_aliases, which walks the index.
     */
    private static Optional<Violation> aliasesWhileABlockIsBeingCreated(BugSet bugs) throws InterruptedException {
        PausingHook hook = new PausingHook(SchedulePoint.NEW_BLOCK_SET_CPU);
        ModelFixture f = new ModelFixture(ModelConfig.small(), bugs, hook);
        int[] pfns = {f.model.pages().allocPage(f.cpu0)};
        AtomicReference<Throwable> actorFailure = new AtomicReference<>();
        Thread a = hook.startPaused(() -> {
            try {
                f.model.vmMapRam(new CpuContext(2), pfns);
            } catch (Throwable t) {
                actorFailure.set(t);
            }
        });
        Optional<Violation> found = f.quiescent().stream().filter(v -> v.invariant() == InvariantId.PUBLISHED_INIT).findFirst();
        try {
            f.model.vmUnmapAliases(f.cpu0);
        } catch (ModelAssertion assertion) {
            found = Optional.of(assertion.violation());
        }
        hook.resume();
        a.join(10_000);
        assertEquals(null, actorFailure.get());
        return found;
    }

    @Test
    void publishBeforeInit_aConcurrentWalkReadsAnUnsetCpu() throws InterruptedException {
        assertEquals(Optional.empty(), aliasesWhileABlockIsBeingCreated(BugSet.NONE));
        assertEquals(Optional.of(InvariantId.PUBLISHED_INIT),
                idOf(aliasesWhileABlockIsBeingCreated(BugSet.of(Bug.PUBLISH_BEFORE_INIT))));
    }

    /** One vm_map_ram whose task migrates from CPU 0 to CPU 1 after vb->cpu is written, before the block is linked. */
    private static List<Violation> mapMigratedInsideNewVmapBlock(BugSet bugs) {
        CpuContext task = new CpuContext(0);
        ScheduleHook migrate = (point, subject) -> {
            if (point == SchedulePoint.NEW_BLOCK_INDEX_INSERT) {
                task.migrateTo(1);
            }
        };
        ModelFixture f = new ModelFixture(ModelConfig.small(), bugs, migrate);
        f.model.vmMapRam(task, new int[] {f.model.pages().allocPage(task)});
        return f.model.invariants().quiescent();
    }

    @Test
    void listAddThisCpu_aMigrationInsideNewVmapBlockLeavesTheBlockOnAnotherCpusList() {
        assertEquals(List.of(), mapMigratedInsideNewVmapBlock(BugSet.NONE));
        List<Violation> buggy = mapMigratedInsideNewVmapBlock(BugSet.of(Bug.LIST_ADD_THIS_CPU));
        assertEquals(InvariantId.QUEUE_OWNER, buggy.get(0).invariant(), buggy.toString());
        assertTrue(Bug.LIST_ADD_THIS_CPU.isCanary());
    }

    /** Release a full block: its last unmap makes it fully dirty; what lockdep says of that unmap. */
    private static Optional<Violation> emptyABlock(ModelFixture f) {
        try {
            f.releaseAFullBlock();
            return Optional.empty();
        } catch (ModelAssertion lockdep) {
            return Optional.of(lockdep.violation());
        }
    }

    @Test
    void flushUnderBlockLock_theFreeThatEmptiesABlockTakesThePurgeLockUnderTheBlockLock() {
        assertEquals(Optional.empty(), emptyABlock(ModelFixture.fixed()));
        Optional<Violation> lockdep = emptyABlock(ModelFixture.with(Bug.FLUSH_UNDER_BLOCK_LOCK));
        assertEquals(Optional.of(InvariantId.LOCK_ORDER), idOf(lockdep));
        assertTrue(lockdep.get().message().startsWith("took vmap_purge_lock while holding vb@"), lockdep.get().message());
        assertTrue(Bug.FLUSH_UNDER_BLOCK_LOCK.isCanary());
        assertFalse(Bug.zoo().contains(Bug.FLUSH_UNDER_BLOCK_LOCK), "a canary is not a kernel bug of the zoo");
        assertTrue(Bug.zoo().stream().allMatch(bug -> bug.kind() == Bug.Kind.ZOO), "the zoo is the historical bugs alone");
    }

    /**
     * Two one-page maps on one CPU, on a task of their own (a task an oops kills keeps its locks
     * in lockdep): how the second, which finds the first one's block with room, ends, and the
     * locks the task holds then.
     */
    private static String secondMapIntoABlock(ModelFixture f) throws InterruptedException {
        AtomicReference<String> seen = new AtomicReference<>();
        Thread task = new Thread(() -> {
            try {
                f.map(1);
                f.map(1);
                seen.set("mapped; held " + ModelLock.heldByCurrentThread());
            } catch (ModelAssertion lockdep) {
                seen.set(lockdep.violation() + "; held " + ModelLock.heldByCurrentThread());
            }
        });
        task.start();
        task.join();
        return seen.get();
    }

    @Test
    void queueLockFirst_lockdepKillsTheSecondMapIntoABlockAndItsTaskDiesHoldingTheQueueLock() throws InterruptedException {
        assertEquals("mapped; held []", secondMapIntoABlock(ModelFixture.fixed()));
        String buggy = secondMapIntoABlock(ModelFixture.with(Bug.QUEUE_LOCK_FIRST));
        assertTrue(buggy.matches("LOCK-ORDER: took vb@\\d+\\.lock while holding vbq\\[0\\]\\.lock.*; held \\[vbq\\[0\\]\\.lock\\]"),
                buggy);
        assertTrue(Bug.QUEUE_LOCK_FIRST.isCanary());
    }

    /**
     * A "lock dropped around one update" canary, on one thread: the model's outcome is the fixed
     * one (releasing two blocks, flushing, purging), so no invariant can see it; with the race
     * detector on, the first access made without the lock is a DATA-RACE naming the field and its lock.
     */
    private static void assertOnlyTheDetectorSeesIt(Bug canary, String field) {
        ModelFixture quiet = ModelFixture.with(canary);
        quiet.releaseAFullBlock();
        quiet.releaseAFullBlock();
        quiet.model.vmUnmapAliases(quiet.cpu0);
        quiet.model.purgeVmapAreaLazy();
        assertEquals(List.of(), quiet.model.invariants().quiescent(), canary + " alone breaks no invariant");
        ModelFixture watched = new ModelFixture(BugSet.of(canary, Bug.DATA_RACES));
        ModelAssertion race = assertThrows(ModelAssertion.class, watched::releaseAFullBlock);
        assertEquals(InvariantId.DATA_RACE, race.violation().invariant());
        assertTrue(race.violation().message().contains(field), race.violation().message());
        assertTrue(race.violation().message().contains("(lockset; no unordered access seen yet)"), race.violation().message());
        assertTrue(canary.isCanary());
        assertEquals(InvariantId.DATA_RACE, canary.breaks().get(0));
    }

    @Test
    void dirtyRangeUnlocked_vbFreeWidensTheDirtyRangeWithoutTheBlockLock() {
        assertOnlyTheDetectorSeesIt(Bug.DIRTY_RANGE_UNLOCKED, "of VmapBlock.dirtyMin of vb@0 (guarded by vb@0.lock) by main, holding no lock, without vb@0.lock");
    }

    @Test
    void dirtyCountUnlocked_vbFreeAddsToTheDirtyCountWithoutTheBlockLock() {
        assertOnlyTheDetectorSeesIt(Bug.DIRTY_COUNT_UNLOCKED, "of VmapBlock.dirty of vb@0 (guarded by vb@0.lock) by main, holding no lock, without vb@0.lock");
    }

    @Test
    void lazyLinkUnlocked_aFreedAreaIsLinkedOnTheLazyListWithoutItsLock() {
        assertOnlyTheDetectorSeesIt(Bug.LAZY_LINK_UNLOCKED, "write of LazyList.areas of LazyList (guarded by lazy.lock) by main, holding no lock, without lazy.lock");
    }

    /**
     * Each bug's and canary's scenario test is named after it: {@code lazy-pte-clear} ->
     * {@code lazyPteClear_...}. (Patches and the strict check are judged in {@link InTransitWindowTest}.)
     */
    @Test
    void everyBugHasAScenarioHere() {
        Set<String> tests = Arrays.stream(BugSwitchTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class)).map(Method::getName).collect(Collectors.toSet());
        for (Bug bug : Bug.values()) {
            if (bug.kind() == Bug.Kind.PATCH || bug.kind() == Bug.Kind.CHECK) {
                continue;
            }
            String prefix = camelCase(bug.cliName()) + "_";
            assertTrue(tests.stream().anyMatch(t -> t.startsWith(prefix)), "no scenario test for " + bug + " (" + prefix + "...)");
        }
    }

    @Test
    void bugsAreFoundByTheirCommandLineNames() {
        for (Bug bug : Bug.values()) {
            assertEquals(Optional.of(bug), Bug.byName(bug.cliName().toUpperCase(Locale.ROOT)));
        }
        assertEquals(Optional.empty(), Bug.byName("no-such-bug"));
        assertEquals("lazy-pte-clear,wrong-vbq-lock", BugSet.of(Bug.WRONG_VBQ_LOCK, Bug.LAZY_PTE_CLEAR).toString());
        assertEquals("none", BugSet.NONE.toString());
    }

    @Test
    void aSetIsParsedFromWhatItPrintsAndSplitsIntoFaultsAndPatches() {
        BugSet mixed = BugSet.of(Bug.RETIRE_LIST, Bug.LAZY_PTE_CLEAR, Bug.STRICT_ALIASES_FLUSHED);
        assertEquals(Optional.of(mixed), BugSet.parse(mixed.toString()));
        assertEquals(Optional.of(BugSet.NONE), BugSet.parse("none"));
        assertEquals(Optional.empty(), BugSet.parse("lazy-pte-clear,no-such-patch"));
        assertEquals(BugSet.of(Bug.LAZY_PTE_CLEAR), mixed.faults());
        assertEquals(BugSet.of(Bug.RETIRE_LIST, Bug.STRICT_ALIASES_FLUSHED), mixed.patchesAndChecks());
        assertTrue(BugSet.of(Bug.RETIRE_LIST).faults().isEmpty(), "a patch alone is the fixed model");
    }

    private static String camelCase(String dashed) {
        StringBuilder out = new StringBuilder();
        for (String part : dashed.split("-")) {
            out.append(out.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return out.toString();
    }
}
