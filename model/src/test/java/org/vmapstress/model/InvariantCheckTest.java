package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vmapstress.model.ModelFixture.idOf;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each check fails on a state that breaks its invariant. Where no bug of the zoo reaches such a
 * state, the test corrupts the model directly, as a future model bug would.
 */
class InvariantCheckTest {
    private final ModelFixture f = ModelFixture.fixed();

    private List<InvariantId> quiescentIds() {
        return f.quiescent().stream().map(Violation::invariant).toList();
    }

    @Test
    void tlbReuseFlagsAVaHandedOutWhileAStaleEntryRemains() {
        Mapping old = f.map(2);
        f.touchAll(f.cpu0, old);
        f.unmap(old);
        Mapping handedOutAgain = new Mapping(old.va(), new int[] {7, 8});
        assertEquals(Optional.of(InvariantId.TLB_REUSE), idOf(f.checks().freshMapping(handedOutAgain)));
        f.model.vmUnmapAliases(f.cpu0);
        assertEquals(Optional.of(InvariantId.NO_OVERLAP), idOf(f.checks().freshMapping(handedOutAgain)),
                "once flushed, only the missing PTEs remain wrong");
    }

    @Test
    void noOverlapFlagsAWrongPfnAndOverlappingMappings() {
        Mapping m = f.map(3);
        assertTrue(f.checks().mappingIntact(m).isEmpty());
        Mapping wrongPfn = new Mapping(m.va(), new int[] {m.pfnAt(0), m.pfnAt(2), m.pfnAt(1)});
        assertEquals(Optional.of(InvariantId.NO_OVERLAP), idOf(f.checks().mappingIntact(wrongPfn)));
        assertTrue(f.checks().mappingIntact(wrongPfn).get().message().contains(
                "VA page " + (m.va() + 1) + " maps pfn " + m.pfnAt(1) + ", its caller gave pfn " + m.pfnAt(2)));
        Mapping overlapping = new Mapping(m.va() + 2, new int[] {1, 2});
        Mapping disjoint = new Mapping(m.end(), new int[] {1});
        assertEquals(Optional.empty(), f.checks().noOverlap(List.of(m, disjoint)));
        assertEquals(Optional.of(InvariantId.NO_OVERLAP), idOf(f.checks().noOverlap(List.of(m, overlapping))));
        assertEquals(Optional.of(InvariantId.NO_OVERLAP), idOf(f.checks().noOverlap(List.of(overlapping, m))));
    }

    /** The report names the page that is wrong and what it holds: no PTE, or another pfn (0 is a pfn like any other). */
    @Test
    void noOverlapNamesTheWrongPageAndWhatItHolds() {
        Mapping m = f.map(2);
        Mapping longer = new Mapping(m.va(), new int[] {m.pfnAt(0), m.pfnAt(1), 5});
        assertTrue(f.checks().mappingIntact(longer).get().message().contains("VA page " + (m.va() + 2) + " has no PTE"));
        f.model.pageTable().mapRange(m.va() + 1, new int[] {0});
        assertTrue(f.checks().mappingIntact(m).get().message().contains("VA page " + (m.va() + 1) + " maps pfn 0"));
    }

    @Test
    void unmapClearedNamesEveryPageStillMapped() {
        ModelFixture lazy = ModelFixture.with(Bug.LAZY_PTE_CLEAR);
        lazy.map(1);
        Mapping m = lazy.map(2);
        lazy.unmap(m);
        String message = lazy.checks().unmapCleared(m).orElseThrow().message();
        assertTrue(message.endsWith("at VA pages " + List.of(m.va(), m.va() + 1)), message);
    }

    @Test
    void blockAccountingFlagsCountsThatDoNotAddUp() {
        Mapping m = f.map(4);
        assertEquals(List.of(), quiescentIds());
        f.blockAt(m.va()).dirty += 1;
        assertEquals(List.of(InvariantId.BLOCK_ACCOUNTING), quiescentIds());
    }

    @Test
    void blockAccountingFlagsAUsedSlotBeyondTheAllocatedOnes() {
        Mapping m = f.map(4);
        VmapBlock vb = f.blockAt(m.va());
        vb.usedMap.clear(0);
        vb.usedMap.set(100);
        assertEquals(List.of(InvariantId.BLOCK_ACCOUNTING), quiescentIds());
    }

    @Test
    void blockAccountingFlagsACachedFreedSlotOutsideTheDirtyRange() {
        f.map(1);
        Mapping gone = f.map(2);
        f.touchAll(f.cpu0, gone);
        f.unmap(gone);
        assertEquals(List.of(), quiescentIds());
        f.blockAt(gone.va()).resetDirtyRange();
        assertEquals(List.of(InvariantId.BLOCK_ACCOUNTING), quiescentIds());
    }

    @Test
    void lazyCountFlagsACounterThatDisagreesWithTheList() {
        Mapping large = f.map(70);
        f.unmap(large);
        assertEquals(List.of(), quiescentIds());
        f.model.lazyList().count(new VmapArea(5000, 3, VmapArea.Kind.LARGE));
        assertEquals(List.of(InvariantId.LAZY_COUNT), quiescentIds());
    }

    @Test
    void queueOwnerFlagsABlockOnAnotherCpusList() {
        Mapping m = f.map(1);
        VmapBlock vb = f.blockAt(m.va());
        VmapBlockQueue other = f.model.queues().of(3);
        other.lock.lock();
        try {
            other.freeList.add(vb, false);
        } finally {
            other.lock.unlock();
        }
        assertEquals(List.of(InvariantId.QUEUE_OWNER), quiescentIds());
    }

    @Test
    void queueOwnerFlagsAFreedBlockStillListed() {
        Mapping a = f.map(64);
        Mapping b = f.map(32);
        VmapBlock vb = f.blockAt(a.va());
        f.unmap(a);
        f.unmap(b);
        f.model.purgeVmapAreaLazy();
        VmapBlockQueue q = f.model.queues().of(0);
        q.lock.lock();
        try {
            q.freeList.add(vb, false);
        } finally {
            q.lock.unlock();
        }
        assertEquals(List.of(InvariantId.QUEUE_OWNER), quiescentIds());
    }

    @Test
    void aFreeListWriterMustHoldItsQueueLock() {
        Mapping m = f.map(1);
        VmapBlock vb = f.blockAt(m.va());
        ModelAssertion thrown = org.junit.jupiter.api.Assertions.assertThrows(ModelAssertion.class,
                () -> f.model.queues().of(0).freeList.remove(vb));
        assertEquals(InvariantId.QUEUE_OWNER, thrown.violation().invariant());
    }

    @Test
    void publishedInitFlagsAReachableBlockWithoutItsCpu() {
        Mapping m = f.map(1);
        f.blockAt(m.va()).cpu = VmapBlock.CPU_UNSET;
        assertTrue(quiescentIds().contains(InvariantId.PUBLISHED_INIT));
    }

    @Test
    void aliasesFlushedIgnoresUnmapsThatCameAfterTheCall() {
        Mapping m = f.map(1);
        f.touchAll(f.cpu0, m);
        long before = f.model.unmapTime();
        f.unmap(m);
        assertEquals(Optional.empty(), f.checks().aliasesFlushed(before), "unmapped after 'before': may stay cached");
        assertEquals(Optional.of(InvariantId.ALIASES_FLUSHED), idOf(f.checks().aliasesFlushed(f.model.unmapTime())));
    }

    /**
     * The kernel's own window (6.11 _vm_unmap_aliases): thread Z's vb_free has made the block
     * fully dirty and stopped before putting it on the lazy list; the walk skips a fully dirty
     * block and the purge does not see it yet, so an older unmap's TLB entries in that block
     * survive the call. ALIASES-FLUSHED exempts exactly that block, and only while it is in
     * transit: TLB-REUSE still guards its VA.
     */
    @Test
    void aliasesFlushedExemptsABlockAConcurrentFreeIsReleasing() throws InterruptedException {
        PausingHook hook = new PausingHook(SchedulePoint.FREE_BLOCK_INDEX_ERASE);
        ModelFixture racy = new ModelFixture(ModelConfig.small(), BugSet.NONE, hook);
        ModelFixture.Retirement retirement = racy.retireABlockPaused(hook);
        Mapping x = retirement.older();
        Thread releasing = retirement.retiring();
        long before = racy.model.unmapTime();
        racy.model.vmUnmapAliases(racy.cpu0);
        assertEquals(x.pfnAt(0), racy.model.tlbs().cached(0, x.va()), "the kernel's walk skipped the block");
        assertEquals(Optional.empty(), racy.checks().aliasesFlushed(before));
        hook.resume();
        releasing.join(10_000);
        assertEquals(Optional.empty(), racy.checks().aliasesFlushed(before), "linked after the call began: still exempt");
        long later = racy.model.unmapTime();
        racy.model.vmUnmapAliases(racy.cpu0);
        assertEquals(Optional.empty(), racy.checks().aliasesFlushed(later));
        assertEquals(null, racy.model.tlbs().cached(0, x.va()), "the next call flushed it with the lazy list");
    }

    @Test
    void flushOnceDoesNotApplyWhenAFreeRanInBetween() {
        Mapping m = f.map(1);
        FreeActivity before = f.model.freeActivity();
        f.unmap(m);
        AliasesReport flushedSomething = new AliasesReport(1, List.of());
        assertEquals(Optional.empty(), f.checks().flushOnce(before, flushedSomething, f.model.freeActivity()));
        FreeActivity quiet = f.model.freeActivity();
        assertEquals(Optional.of(InvariantId.FLUSH_ONCE), idOf(f.checks().flushOnce(quiet, flushedSomething, quiet)));
    }

    @Test
    void pteAliasFlagsAReusedPageStillMappedWritable() {
        Mapping m = f.map(1);
        assertEquals(Optional.of(InvariantId.PTE_ALIAS), idOf(f.checks().noWritableAlias(m.pfnAt(0))));
        f.unmap(m);
        assertEquals(Optional.empty(), f.checks().noWritableAlias(m.pfnAt(0)));
    }

    /** Two blocks on CPU 0's free list: 64 + 16 slots used in the first, then 64 (more than its rest) open the second. */
    private List<VmapBlock> twoListedBlocks() {
        f.map(64);
        f.map(16);
        f.map(64);
        List<VmapBlock> listed = f.freeList(0);
        assertEquals(2, listed.size(), "both blocks still have free slots");
        return listed;
    }

    @Test
    void oldestFirstFlagsABlockCreatedAfterAnotherWasLinkedOnlyWhenStrictlyAfter() {
        List<VmapBlock> listed = twoListedBlocks();
        assertEquals(List.of(), quiescentIds());
        VmapBlock older = listed.get(0);
        VmapBlock newer = listed.get(1);
        newer.linkedAt = older.createdAt;
        assertEquals(List.of(), quiescentIds(), "created at the moment the other was linked is not after it");
        newer.linkedAt = older.createdAt - 1;
        assertEquals(List.of(InvariantId.BOUNDED_BLOCKS), quiescentIds());
    }

    @Test
    void blockAccountingFlagsACachedFreedSlotJustPastTheDirtyRange() {
        f.map(64);
        f.map(64);
        f.map(1);
        Mapping gone = f.map(2);
        VmapBlock vb = f.blockAt(gone.va());
        assertTrue(vb.start() != 0, "the second block: slots are counted from the block's start, not from VA 0");
        f.touchAll(f.cpu0, gone);
        f.unmap(gone);
        assertEquals(List.of(), quiescentIds());
        vb.dirtyMax = (int) (gone.end() - 1 - vb.start());
        assertEquals(List.of(InvariantId.BLOCK_ACCOUNTING), quiescentIds(), "the slot at dirty_max is outside the range");
    }

    @Test
    void publishedInitLooksAtTheFreeListsToo() {
        Mapping m = f.map(1);
        VmapBlock vb = f.blockAt(m.va());
        f.model.queues().possible().forEach(q -> q.index.values().remove(vb));
        vb.cpu = VmapBlock.CPU_UNSET;
        assertTrue(quiescentIds().contains(InvariantId.PUBLISHED_INIT), "listed but no longer indexed: " + f.quiescent());
    }

    @Test
    void queueOwnerFlagsABlockOnlyOnAnotherCpusList() {
        Mapping m = f.map(1);
        VmapBlock vb = f.blockAt(m.va());
        moveOnList(f.model.queues().of(0), vb, false);
        moveOnList(f.model.queues().of(3), vb, true);
        List<Violation> found = f.quiescent();
        assertEquals(List.of(InvariantId.QUEUE_OWNER), found.stream().map(Violation::invariant).toList());
        assertTrue(found.get(0).message().contains("not its own"), found.get(0).message());
    }

    private static void moveOnList(VmapBlockQueue q, VmapBlock vb, boolean link) {
        q.lock.lock();
        try {
            if (link) {
                q.freeList.add(vb, false);
            } else {
                q.freeList.remove(vb);
            }
        } finally {
            q.lock.unlock();
        }
    }

    /**
     * ALIASES-FLUSHED judges a cached entry by the history of the mapping it belongs to: a VA that
     * was unmapped, released and purged, then mapped again and touched, is live; its TLB entry
     * after vm_unmap_aliases is no alias (the mapped stamp starts the page's new history).
     */
    @Test
    void aliasesFlushedLeavesALiveMappingOfAVaThatWasUnmappedBefore() {
        long released = f.releaseAFullBlock();
        f.model.purgeVmapAreaLazy();
        Mapping again = f.map(64);
        assertEquals(released, again.va(), "the purged VA is handed out again");
        f.touchAll(f.cpu0, again);
        long before = f.model.unmapTime();
        f.model.vmUnmapAliases(f.cpu0);
        assertEquals(Optional.empty(), f.checks().aliasesFlushed(before));
        f.unmap(again);
        assertEquals(Optional.of(InvariantId.ALIASES_FLUSHED), idOf(f.checks().aliasesFlushed(f.model.unmapTime())),
                "unmapped and not flushed since: the entry is an alias now");
    }

    /**
     * An ALIASES-FLUSHED report says where the page is at report time: its PTE and its block
     * (free-list-walk leaves the entry cached). The page's other places, the lazy list or
     * nowhere, are reached only by a concurrent free or purge during the check.
     */
    @Test
    void aliasesFlushedSaysWhereThePageIsAtReportTime() {
        String message = ModelFixture.with(Bug.FREE_LIST_WALK).aliasesAfterUnmapInAFullBlock().orElseThrow().message();
        assertTrue(message.contains("VA page 0 ") && message.contains("no PTE, in vmap_block@0{"), message);
    }
}
