package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sequential contract of each operation on the fixed model (small configuration: 128-page blocks). */
class VmapAllocatorContractTest {
    private final ModelFixture f = ModelFixture.fixed();
    private static final int BITS = 128;

    @Test
    void slotsAreHandedOutSequentiallyInPowerOfTwoSteps() {
        Mapping one = f.map(1);
        Mapping three = f.map(3);
        Mapping five = f.map(5);
        assertEquals(one.va() + 1, three.va(), "a 1-page map takes one slot");
        assertEquals(three.va() + 4, five.va(), "a 3-page map takes 2^2 slots");
        VmapBlock vb = f.blockAt(one.va());
        assertEquals(BITS - 1 - 4 - 8, vb.free);
        assertEquals(1 + 4 + 8, vb.usedMap.cardinality());
        assertEquals(0, vb.cpu);
    }

    @Test
    void mapWritesThePtesOfEveryPageItWasGiven() {
        Mapping m = f.map(5);
        for (int i = 0; i < 5; i++) {
            assertEquals(m.pfnAt(i), f.model.pageTable().pfnAt(m.va() + i));
        }
        assertFalse(f.model.pageTable().isMapped(m.va() + 5), "the rounded-up slots stay unmapped");
        assertTrue(f.checks().freshMapping(m).isEmpty());
    }

    @Test
    void aBlockLeavesTheFreeListWhenItsLastSlotIsTaken() {
        Mapping a = f.map(64);
        assertEquals(1, f.freeList(0).size());
        f.map(64);
        assertTrue(f.freeList(0).isEmpty(), "a full block has no never-allocated space");
        assertEquals(1, f.blocks().size(), "but it stays in the index");
        assertEquals(0, f.blockAt(a.va()).free);
    }

    @Test
    void eachCpuAllocatesFromItsOwnBlocks() {
        CpuContext cpu1 = new CpuContext(1);
        Mapping onCpu0 = f.map(1);
        Mapping onCpu1 = f.map(cpu1, 1);
        assertNotEquals(f.blockAt(onCpu0.va()), f.blockAt(onCpu1.va()));
        assertEquals(1, f.blockAt(onCpu1.va()).cpu);
        assertEquals(List.of(f.blockAt(onCpu1.va())), f.freeList(1));
    }

    @Test
    void unmapClearsPtesBeforeReturningButLeavesTheTlbToTheLazyFlush() {
        Mapping m = f.map(2);
        f.touchAll(f.cpu0, m);
        f.unmap(m);
        assertTrue(f.checks().unmapCleared(m).isEmpty());
        assertEquals(m.pfnAt(0), f.model.tlbs().cached(0, m.va()), "the TLB entry stays until a flush");
        VmapBlock vb = f.blockAt(m.va());
        assertEquals(2, vb.dirty);
        assertEquals(0, vb.dirtyMin);
        assertEquals(2, vb.dirtyMax);
    }

    @Test
    void theFreeThatMakesABlockFullyDirtyFreesItOntoTheLazyList() {
        Mapping a = f.map(64);
        Mapping b = f.map(64);
        f.unmap(a);
        assertEquals(1, f.blocks().size());
        assertEquals(0, f.model.vmapLazyNr());
        f.unmap(b);
        assertTrue(f.blocks().isEmpty(), "a fully dirty block leaves the index");
        assertEquals(BITS, f.model.vmapLazyNr(), "its whole area waits for a flush");
        assertTrue(f.quiescent().isEmpty());
    }

    @Test
    void vmUnmapAliasesFlushesAndResetsTheDirtyRangeOfAUsableBlock() {
        Mapping live = f.map(1);
        Mapping gone = f.map(2);
        f.touchAll(f.cpu0, gone);
        f.unmap(gone);
        AliasesReport first = f.model.vmUnmapAliases(f.cpu0);
        assertEquals(2, first.pagesFlushed(), "only the dirty range [1,3) is flushed");
        assertTrue(first.purged().isEmpty(), "a block with a live slot is not purged");
        assertNull(f.model.tlbs().cached(0, gone.va()));
        VmapBlock vb = f.blockAt(live.va());
        assertFalse(vb.hasDirtyRange());
        assertEquals(0, f.model.vmUnmapAliases(f.cpu0).pagesFlushed(), "nothing is flushed twice");
    }

    @Test
    void vmUnmapAliasesPurgesAFragmentedBlockOnlyBelowTheThreshold() {
        Mapping big = f.map(64);
        Mapping mid = f.map(32);
        f.unmap(big);
        f.unmap(mid);
        VmapBlock vb = f.blockAt(big.va());
        assertEquals(32, vb.free, "free == VMAP_PURGE_THRESHOLD: still usable");
        assertTrue(f.model.vmUnmapAliases(f.cpu0).purged().isEmpty());
        Mapping more = f.map(1);
        f.unmap(more);
        assertEquals(31, vb.free);
        AliasesReport report = f.model.vmUnmapAliases(f.cpu0);
        assertEquals(List.of(new PurgedBlock(vb.start(), 31, false)), report.purged());
        assertTrue(f.blocks().isEmpty());
        assertEquals(BITS, report.pagesFlushed(), "the purged block's whole area is flushed");
        assertEquals(0, f.model.vmapLazyNr(), "and the lazy list was purged with it");
    }

    @Test
    void purgeNeedsNoLiveSlotAndNotAlreadyFullyDirty() {
        Mapping live = f.map(64);
        Mapping gone = f.map(1);
        f.unmap(gone);
        assertTrue(f.model.purgeVmapAreaLazy().isEmpty(), "a live slot keeps the block, even forced");
        f.unmap(live);
        assertEquals(1, f.model.purgeVmapAreaLazy().size(), "no live slot: the forced purge takes it");
    }

    @Test
    void crossingLazyMaxPagesDrainsTheLazyList() {
        long lazyMax = f.model.config().lazyMaxPages();
        List<Mapping> large = new ArrayList<>();
        long mapped = 0;
        while (mapped <= lazyMax) {
            Mapping m = f.map(100);
            large.add(m);
            mapped += 100;
        }
        for (int i = 0; i < large.size() - 1; i++) {
            f.unmap(large.get(i));
        }
        long lazyBefore = f.model.vmapLazyNr();
        assertTrue(lazyBefore <= lazyMax, "not yet over the threshold: nothing purged");
        long flushesBefore = f.model.tlbs().flushes();
        f.unmap(large.get(large.size() - 1));
        assertEquals(0, f.model.vmapLazyNr(), "the free that crossed lazy_max_pages() drained the list");
        assertEquals(flushesBefore + 1, f.model.tlbs().flushes(), "with one flush over all the areas");
        assertEquals(f.model.config().vmallocPages(), f.model.freeVaPages(), "and every VA came back");
    }

    @Test
    void largeMappingsBypassTheBlocks() {
        Mapping big = f.map(65);
        assertTrue(f.blocks().isEmpty());
        assertTrue(f.checks().freshMapping(big).isEmpty());
        f.unmap(big);
        assertTrue(f.checks().unmapCleared(big).isEmpty());
        assertEquals(65, f.model.vmapLazyNr());
        assertThrows(IllegalArgumentException.class, () -> f.unmap(big), "a second unmap finds no area");
    }

    @Test
    void exhaustingTheVaSpacePurgesLazilyFreedAreasAndRetries() {
        ModelFixture oneCpu = new ModelFixture(ModelConfig.small().withPossibleCpus(0), BugSet.NONE, ScheduleHook.NONE);
        long vaPages = oneCpu.model.config().vmallocPages();
        assertEquals(256, oneCpu.model.config().lazyMaxPages());
        Mapping a = oneCpu.map(200);
        long filler = oneCpu.model.vmMapRam(oneCpu.cpu0, new int[(int) (vaPages - 200)]);
        assertEquals(200, filler, "the rest of the space, every page aliasing pfn 0");
        oneCpu.unmap(a);
        assertEquals(200, oneCpu.model.vmapLazyNr(), "below lazy_max_pages: still lazy");
        Mapping b = oneCpu.map(200);
        assertEquals(a.va(), b.va(), "the retry after the purge reused the VA");
        assertEquals(0, oneCpu.model.vmapLazyNr());
        assertEquals(-1, oneCpu.model.vmMapRam(oneCpu.cpu0, new int[1]), "no block fits: -1, not an exception");
    }

    @Test
    void aSyncPurgeWithNothingLiveLeavesNoBlock() {
        List<Mapping> mappings = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            mappings.add(f.map(1 + i * 5));
        }
        mappings.forEach(f::unmap);
        f.model.purgeVmapAreaLazy();
        assertTrue(f.checks().noBlocksLeft().isEmpty());
        assertEquals(f.model.config().vmallocPages(), f.model.freeVaPages());
    }

    @Test
    void touchReadsThroughTheTlbFirst() {
        Mapping m = f.map(1);
        assertEquals(m.pfnAt(0), f.model.touch(f.cpu0, m.va()));
        assertEquals(m.pfnAt(0), f.model.tlbs().cached(0, m.va()));
        assertNull(f.model.tlbs().cached(1, m.va()), "another CPU's TLB is untouched");
        f.unmap(m);
        assertEquals(m.pfnAt(0), f.model.touch(f.cpu0, m.va()), "a stale entry still reaches the old page");
        assertEquals(-1, f.model.touch(new CpuContext(1), m.va()), "with no TLB entry and no PTE: a fault");
    }

    @Test
    void pagesAreReusedLastInFirstOutOnTheCpuThatFreedThem() {
        PageFramePool pages = f.model.pages();
        CpuContext cpu1 = new CpuContext(1);
        int a = pages.allocPage(f.cpu0);
        int b = pages.allocPage(f.cpu0);
        pages.freePage(f.cpu0, a);
        assertNotEquals(a, pages.allocPage(cpu1), "another CPU allocates from its own list");
        assertEquals(a, pages.allocPage(f.cpu0), "the freeing CPU gets its hot page back");
        assertEquals(PageState.OWNED, pages.state(b));
        assertTrue(pages.pinAsPageTable(b).pinned());
        assertEquals(PageState.PAGETABLE, pages.state(b));
        assertThrows(IllegalStateException.class, () -> pages.freePage(f.cpu0, b), "a pinned page cannot be freed");
    }

    /**
     * Every frame can be allocated from one CPU (refills empty the zone), frees past four batches
     * go back to it, and another CPU can then take every frame.
     */
    @Test
    void theZoneRefillsAndDrainsTheHotLists() {
        PageFramePool pages = f.model.pages();
        int frames = f.model.config().pageFrames();
        int[] all = new int[frames];
        for (int i = 0; i < frames; i++) {
            all[i] = pages.allocPage(f.cpu0);
            assertTrue(all[i] >= 0, "frame " + i + " of " + frames);
        }
        assertEquals(-1, pages.allocPage(f.cpu0), "the pool is dry");
        for (int pfn : all) {
            pages.freePage(f.cpu0, pfn);
        }
        CpuContext cpu1 = new CpuContext(1);
        for (int i = 0; i < frames; i++) {
            assertTrue(pages.allocPage(cpu1) >= 0, "CPU 1 gets every frame: from the zone, then from CPU 0's list drained"
                    + " (drain_all_pages) once the zone is empty: frame " + i);
        }
        assertEquals(-1, pages.allocPage(cpu1));
        assertEquals(PageState.OWNED, pages.state(all[0]));
    }

    /** Two CPUs freeing one page: the second free is refused, the page is on one list only. */
    @Test
    void aPageFreedTwiceOnTwoCpusIsRefused() {
        PageFramePool pages = f.model.pages();
        int pfn = pages.allocPage(f.cpu0);
        pages.freePage(f.cpu0, pfn);
        assertThrows(IllegalStateException.class, () -> pages.freePage(new CpuContext(1), pfn));
        assertEquals(PageState.FREE, pages.state(pfn));
    }

    @Test
    void aPageMappedWritableCannotBePinned() {
        Mapping m = f.map(1);
        assertFalse(f.model.pages().pinAsPageTable(m.pfnAt(0)).pinned());
        f.unmap(m);
        assertTrue(f.model.pages().pinAsPageTable(m.pfnAt(0)).pinned());
    }

    @Test
    void rejectsCallerErrorsWithoutTouchingState() {
        assertThrows(IllegalArgumentException.class, () -> f.model.vmMapRam(f.cpu0, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> f.model.vmMapRam(new CpuContext(7), new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> f.model.vmUnmapRam(f.cpu0, 5, 1));
        assertTrue(f.blocks().isEmpty());
    }
}
