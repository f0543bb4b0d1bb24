package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Boundaries the mutation run (docs/mutation.md) found no test for: each pins one edge of the model or a check. */
class BoundaryTest {
    private final ModelFixture f = ModelFixture.fixed();

    @Test
    void aTouchOnACpuThatIsNotPossibleIsRefused() {
        ModelFixture gap = new ModelFixture(ModelConfig.small().withPossibleCpus(0, 2), BugSet.NONE, ScheduleHook.NONE);
        Mapping m = gap.map(1);
        assertThrows(IllegalArgumentException.class, () -> gap.model.touch(new CpuContext(1), m.va()));
        assertEquals(m.pfnAt(0), gap.model.touch(new CpuContext(2), m.va()));
    }

    @Test
    void anUnmapOfTheSpacesLastPageIsInsideTheSpace() {
        long last = f.model.config().vmallocPages() - 1;
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> f.model.vmUnmapRam(f.cpu0, last, 1));
        assertTrue(refused.getMessage().contains("no vmap_block holds it"), refused.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> f.model.vmUnmapRam(f.cpu0, last, 2));
        assertTrue(outside.getMessage().contains("outside the vmalloc space"), outside.getMessage());
    }

    /** Mappings that touch without sharing a page do not overlap, in either order. */
    @Test
    void adjacentMappingsDoNotOverlap() {
        Mapping m = f.map(3);
        Mapping next = new Mapping(m.end(), new int[] {1});
        assertEquals(Optional.empty(), f.checks().noOverlap(List.of(m, next)));
        assertEquals(Optional.empty(), f.checks().noOverlap(List.of(next, m)));
    }

    @Test
    void usableKeptFlagsABlockPurgedWithExactlyTheThresholdFree() {
        int threshold = f.model.config().vmapPurgeThreshold();
        assertTrue(f.checks().usableKept(report(new PurgedBlock(0, threshold, false))).isPresent());
        assertEquals(Optional.empty(), f.checks().usableKept(report(new PurgedBlock(0, threshold - 1, false))));
        assertEquals(Optional.empty(), f.checks().usableKept(report(new PurgedBlock(0, threshold, true))), "forced");
    }

    private static AliasesReport report(PurgedBlock purged) {
        return new AliasesReport(0, List.of(purged));
    }

    /** With racy-lazy-count on, a purge taking exactly what vmap_lazy_nr counts is no BUG_ON: only more is. */
    @Test
    void aPurgeTakingExactlyTheCountedPagesIsNoBugOn() {
        ModelFixture racy = ModelFixture.with(Bug.RACY_LAZY_COUNT);
        Mapping large = racy.map(100);
        racy.unmap(large);
        assertEquals(100, racy.model.vmapLazyNr());
        racy.model.purgeVmapAreaLazy();
        assertEquals(0, racy.model.vmapLazyNr());
    }

    @Test
    void aSyncPurgeReportsTheFragmentedBlocksItPurged() {
        Mapping one = f.map(1);
        f.unmap(one);
        List<PurgedBlock> purged = f.model.purgeVmapAreaLazy();
        assertEquals(1, purged.size(), "the block with its one slot freed is fragmented");
        assertTrue(purged.get(0).forced());
    }

    /** vm_unmap_aliases reports how many pages its one flush covered: the lazy area's. */
    @Test
    void theFlushCoversTheLazyAreasPages() {
        f.map(1);
        Mapping large = f.map(100);
        assertTrue(large.va() > 0, "an area away from VA 0, where end - start and end + start differ");
        f.unmap(large);
        assertEquals(100, f.model.vmUnmapAliases(f.cpu0).pagesFlushed());
    }

    /** The free that crosses lazy_max_pages() drains the lazy list and lets go of vmap_purge_lock. */
    @Test
    void aDrainLeavesThePurgeLockFreeForOtherThreads() throws InterruptedException {
        long freed = 0;
        while (freed <= f.model.config().lazyMaxPages()) {
            Mapping large = f.map(200);
            f.unmap(large);
            f.freePages(large);
            freed += 200;
        }
        assertEquals(0, f.model.vmapLazyNr(), "the crossing free drained the list");
        Thread other = new Thread(() -> f.model.vmUnmapAliases(new CpuContext(1)));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            other.start();
            other.join();
        });
        assertFalse(other.isAlive());
    }
}
