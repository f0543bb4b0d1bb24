package org.vmapstress.model;

import java.util.concurrent.atomic.AtomicLong;
import org.jctools.counters.Counter;
import org.jctools.counters.CountersFactory;

/**
 * Instrumentation for the ALIASES-FLUSHED and FLUSH-ONCE checks, not kernel state; never read
 * by the model itself.
 *
 * <p>One logical clock orders unmaps, block releases and the start of every vm_unmap_aliases.
 * Only the rare events advance it (a vm_unmap_aliases beginning, a block's release and its
 * lazy link: {@link #now()}, {@link #blockReleaseStarted}, {@link #blockLazyLinked}); maps and
 * unmaps, which every CPU does all the time, only read it, so its line stays shared between the
 * cores instead of moving at every unmap (SharedModelScalingBenchmark). Because every advance is
 * one atomic read-modify-write and every stamp one atomic read, an unmap whose stamp is at or
 * before the time a vm_unmap_aliases began at read the clock before that call advanced it, and
 * every unmap that returned before the call began did. Per VA page one immutable
 * {@link PageHistory} holds what happened to the page's last mapping: which vm_map_ram made it
 * (an identity of its own, since two mappings may read the same time), when, when its unmap
 * returned, when the block holding it began its release and when that block's area reached the
 * lazy list. A page's history is replaced as a whole (compare-and-set), so a checker that reads
 * it once sees one consistent state, never the stamps of two mappings mixed (the free-running
 * false alarm of docs/model.md was exactly such a mix). An unmap stamps a page only while the
 * page still holds the mapping it unmaps, so an unmap that returns after its VA was already
 * purged and mapped again (possible: the lazy purge may run before vm_unmap_ram returns) leaves
 * no stamp. It also counts the operations that free VA (unmaps, sync purges) that have started
 * and finished.
 *
 * <p>Blocks in transit: a vb_free that makes a block fully dirty releases it in two steps (out
 * of the index, then onto the lazy list) without any lock that vm_unmap_aliases takes. The
 * kernel's walk skips a fully dirty block, and its purge misses the area while it is not yet
 * listed, so a concurrent vm_unmap_aliases can return without flushing that block's older dirty
 * range (see docs/model.md). Such a VA is flushed by the next purge, before it can be handed
 * out again (TLB-REUSE still guards it).
 */
final class UnmapHistory {
    /**
     * Stripes of the free counters: more than the threads that usually run, so that two threads
     * rarely share one (a JCTools striped counter picks a thread's stripe by its random probe).
     */
    private static final int FREE_COUNTER_STRIPES = 16;

    /** Starts at 1: a stamp of 0 means "not yet". */
    @Guarded(Guard.ATOMIC)
    private final AtomicLong clock = new AtomicLong(1);
    /**
     * Every unmap counts itself in and out: one shared word would be written by every CPU at
     * every unmap (SharedModelScalingBenchmark), so each counter is striped.
     */
    @Guarded(Guard.ATOMIC)
    private final Counter freesEntered = CountersFactory.createFixedSizeStripedCounter(FREE_COUNTER_STRIPES);
    @Guarded(Guard.ATOMIC)
    private final Counter freesExited = CountersFactory.createFixedSizeStripedCounter(FREE_COUNTER_STRIPES);
    private final SparseAtomicReferenceArray<PageHistory> pages;
    private final ScheduleHook hook;

    /** One vm_map_ram call: the identity of the mapping a page holds, compared by reference. */
    static final class MapCall {
    }

    /**
     * What happened to one VA page's last mapping, in clock ticks (0: not yet).
     *
     * @param mapping  the vm_map_ram that made the mapping (null: never mapped)
     * @param mappedAt when the mapping was made (vm_map_ram)
     * @param unmappedAt when its vm_unmap_ram returned
     * @param releasedAt when a vb_free last made the block holding the page fully dirty
     * @param lazyLinkedAt when that block's area last reached the lazy list
     */
    record PageHistory(MapCall mapping, long mappedAt, long unmappedAt, long releasedAt, long lazyLinkedAt) {
        static final PageHistory NEVER_MAPPED = new PageHistory(null, 0, 0, 0, 0);

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

    UnmapHistory(long vmallocPages, ScheduleHook hook) {
        this.pages = new SparseAtomicReferenceArray<>(vmallocPages, PageHistory.NEVER_MAPPED);
        this.hook = hook;
    }

    void mapped(long va, int pages) {
        MapCall mapping = new MapCall();
        long now = readClock();
        for (long p = va; p < va + pages; p++) {
            hook.touch(Resource.HISTORY_PAGE, p, true);
            this.pages.update(p, h -> new PageHistory(mapping, now, 0, h.releasedAt(), h.lazyLinkedAt()));
        }
    }

    /** Which vm_map_ram made the mapping at {@code va}, read when its unmap starts. */
    MapCall mappingAt(long va) {
        hook.touch(Resource.HISTORY_PAGE, va, false);
        return pages.get(va).mapping();
    }

    /** The unmap of {@code mapping} returned: stamps the pages that still hold it. */
    void unmapped(long va, int pages, MapCall mapping) {
        long now = readClock();
        for (long p = va; p < va + pages; p++) {
            hook.touch(Resource.HISTORY_PAGE, p, true);
            this.pages.update(p, h -> h.mapping() == mapping && h.unmappedAt() == 0
                    ? new PageHistory(mapping, h.mappedAt(), now, h.releasedAt(), h.lazyLinkedAt()) : h);
        }
    }

    /** The page's history now: one consistent state. */
    PageHistory page(long va) {
        hook.touch(Resource.HISTORY_PAGE, va, false);
        return pages.get(va);
    }

    /** A vb_free made the block of {@code area} fully dirty (stamped under the block lock): its release begins. */
    void blockReleaseStarted(VmapArea area) {
        long now = tick();
        for (long p = area.start(); p < area.end(); p++) {
            hook.touch(Resource.HISTORY_PAGE, p, true);
            pages.update(p, h -> new PageHistory(h.mapping(), h.mappedAt(), h.unmappedAt(), now, h.lazyLinkedAt()));
        }
    }

    /** The released block's area is on the lazy list now. */
    void blockLazyLinked(VmapArea area) {
        long now = tick();
        for (long p = area.start(); p < area.end(); p++) {
            hook.touch(Resource.HISTORY_PAGE, p, true);
            pages.update(p, h -> new PageHistory(h.mapping(), h.mappedAt(), h.unmappedAt(), h.releasedAt(), now));
        }
    }

    /**
     * The time a vm_unmap_aliases begins at, advancing the clock: every unmap that returned
     * before this call is stamped at or before it, every unmap that reads the clock after it later.
     */
    long now() {
        hook.touch(Resource.HISTORY_CLOCK, 0, true);
        return clock.getAndIncrement();
    }

    private long tick() {
        hook.touch(Resource.HISTORY_CLOCK, 0, true);
        return clock.incrementAndGet();
    }

    private long readClock() {
        hook.touch(Resource.HISTORY_CLOCK, 0, false);
        return clock.get();
    }

    void freeEntered() {
        hook.touch(Resource.FREE_COUNTS, 0, true);
        freesEntered.inc();
    }

    void freeExited() {
        hook.touch(Resource.FREE_COUNTS, 0, true);
        freesExited.inc();
    }

    /**
     * Exits are read before entries. A striped counter's sum is read stripe by stripe, so it
     * lies between the count when the read began and the count when it ended; read in this
     * order, equal sums still prove that nothing was in flight when the entries were read
     * (entries then >= exits then >= the exits read = the entries read >= entries then).
     */
    FreeActivity freeActivity() {
        hook.touch(Resource.FREE_COUNTS, 0, false);
        long exited = freesExited.get();
        return new FreeActivity(freesEntered.get(), exited);
    }
}
