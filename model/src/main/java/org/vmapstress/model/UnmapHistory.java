package org.vmapstress.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Instrumentation for the ALIASES-FLUSHED and FLUSH-ONCE checks, not kernel state; never read
 * by the model itself.
 *
 * <p>One logical clock orders maps, unmaps and block releases. Per VA page one immutable
 * {@link PageHistory} holds what happened to the page's last mapping: when it was mapped, when
 * its unmap returned, when the block holding it began its release and when that block's area
 * reached the lazy list. A page's history is replaced as a whole (compare-and-set), so a
 * checker that reads it once sees one consistent state, never the stamps of two mappings mixed
 * (the free-running false alarm of docs/model.md was exactly such a mix). An unmap stamps a page
 * only while the page still holds the mapping it unmaps, so an unmap that returns after its VA
 * was already purged and mapped again (possible: the lazy purge may run before vm_unmap_ram
 * returns) leaves no stamp. It also counts the operations that free VA (unmaps, sync purges)
 * that have started and finished.
 *
 * <p>Blocks in transit: a vb_free that makes a block fully dirty releases it in two steps (out
 * of the index, then onto the lazy list) without any lock that vm_unmap_aliases takes. The
 * kernel's walk skips a fully dirty block, and its purge misses the area while it is not yet
 * listed, so a concurrent vm_unmap_aliases can return without flushing that block's older dirty
 * range (see docs/model.md). Such a VA is flushed by the next purge, before it can be handed
 * out again (TLB-REUSE still guards it).
 */
final class UnmapHistory {
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong freesEntered = new AtomicLong();
    private final AtomicLong freesExited = new AtomicLong();
    private final SparseAtomicReferenceArray<PageHistory> pages;

    /**
     * What happened to one VA page's last mapping, in clock ticks (0: not yet).
     *
     * @param mappedAt when the mapping was made (vm_map_ram)
     * @param unmappedAt when its vm_unmap_ram returned
     * @param releasedAt when a vb_free last made the block holding the page fully dirty
     * @param lazyLinkedAt when that block's area last reached the lazy list
     */
    record PageHistory(long mappedAt, long unmappedAt, long releasedAt, long lazyLinkedAt) {
        static final PageHistory NEVER_MAPPED = new PageHistory(0, 0, 0, 0);

        /** True when the mapping was unmapped and that unmap returned at or before {@code time}. */
        boolean unmappedBy(long time) {
            return unmappedAt != 0 && unmappedAt <= time;
        }

        /**
         * True when the block holding the page was, at some time after {@code time}, released but
         * not yet on the lazy list: a vm_unmap_aliases that began at {@code time} may have missed it.
         */
        boolean inTransitSince(long time) {
            return releasedAt > mappedAt && (lazyLinkedAt < releasedAt || lazyLinkedAt > time);
        }

        @Override
        public String toString() {
            return "mapped@" + mappedAt + (unmappedAt == 0 ? "" : " unmapped@" + unmappedAt) + " released@" + releasedAt
                    + " lazy-linked@" + lazyLinkedAt;
        }
    }

    UnmapHistory(long vmallocPages) {
        this.pages = new SparseAtomicReferenceArray<>(vmallocPages, PageHistory.NEVER_MAPPED);
    }

    void mapped(long va, int pages) {
        long now = clock.incrementAndGet();
        for (long p = va; p < va + pages; p++) {
            this.pages.update(p, h -> new PageHistory(now, 0, h.releasedAt(), h.lazyLinkedAt()));
        }
    }

    /** When the mapping at {@code va} was made, read when its unmap starts. */
    long mappedAt(long va) {
        return pages.get(va).mappedAt();
    }

    /** The unmap of the mapping made at {@code mappedAt} returned: stamps the pages that still hold it. */
    void unmapped(long va, int pages, long mappedAt) {
        long now = clock.incrementAndGet();
        for (long p = va; p < va + pages; p++) {
            this.pages.update(p, h -> h.mappedAt() == mappedAt && h.unmappedAt() == 0
                    ? new PageHistory(mappedAt, now, h.releasedAt(), h.lazyLinkedAt()) : h);
        }
    }

    /** The page's history now: one consistent state. */
    PageHistory page(long va) {
        return pages.get(va);
    }

    /** A vb_free made the block of {@code area} fully dirty (stamped under the block lock): its release begins. */
    void blockReleaseStarted(VmapArea area) {
        long now = clock.incrementAndGet();
        for (long p = area.start(); p < area.end(); p++) {
            pages.update(p, h -> new PageHistory(h.mappedAt(), h.unmappedAt(), now, h.lazyLinkedAt()));
        }
    }

    /** The released block's area is on the lazy list now. */
    void blockLazyLinked(VmapArea area) {
        long now = clock.incrementAndGet();
        for (long p = area.start(); p < area.end(); p++) {
            pages.update(p, h -> new PageHistory(h.mappedAt(), h.unmappedAt(), h.releasedAt(), now));
        }
    }

    /** The current logical time. */
    long now() {
        return clock.get();
    }

    void freeEntered() {
        freesEntered.incrementAndGet();
    }

    void freeExited() {
        freesExited.incrementAndGet();
    }

    FreeActivity freeActivity() {
        long exited = freesExited.get();
        return new FreeActivity(freesEntered.get(), exited);
    }
}
