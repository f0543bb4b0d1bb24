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
        Mapping overlapping = new Mapping(m.va() + 2, new int[] {1, 2});
        Mapping disjoint = new Mapping(m.end(), new int[] {1});
        assertEquals(Optional.empty(), f.checks().noOverlap(List.of(m, disjoint)));
        assertEquals(Optional.of(InvariantId.NO_OVERLAP), idOf(f.checks().noOverlap(List.of(m, overlapping))));
        assertEquals(Optional.of(InvariantId.NO_OVERLAP), idOf(f.checks().noOverlap(List.of(overlapping, m))));
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
        Mapping x = racy.map(64);
        Mapping z = racy.map(64);
        racy.touchAll(racy.cpu0, x);
        racy.unmap(x);
        Thread releasing = hook.startPaused(() -> racy.unmap(z));
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
}
