package org.vmapstress.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Instrumentation for the ALIASES-FLUSHED and FLUSH-ONCE checks, not kernel state; never read
 * by the model itself.
 *
 * <p>One logical clock orders maps and unmaps. Per VA page one atomic word records the last
 * event: mapped at t, or unmapped at t. An unmap stamps a page only by compare-and-set from the
 * word its own map wrote, so an unmap that returns after its VA was already purged and mapped
 * again (possible: the lazy purge may run before vm_unmap_ram returns) leaves no stamp. It also counts the
 * operations that free VA (unmaps, sync purges) that have started and finished.
 *
 * <p>And it marks blocks in transit: a vb_free that makes a block fully dirty releases it in
 * two steps (out of the index, then onto the lazy list) without any lock that
 * vm_unmap_aliases takes. The kernel's walk skips a fully dirty block, and its purge misses the
 * area while it is not yet listed, so a concurrent vm_unmap_aliases can return without
 * flushing that block's older dirty range (see docs/model.md). Such a VA is flushed by the
 * next purge, before it can be handed out again (TLB-REUSE still guards it).
 */
final class UnmapHistory {
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong freesEntered = new AtomicLong();
    private final AtomicLong freesExited = new AtomicLong();
    /** Per VA page: time << 1, with {@link #UNMAPPED} set once the mapping made then was unmapped. */
    private final SparseAtomicLongArray lastEvent;
    /** Per VA page: when it was last mapped (for the in-transit test). */
    private final SparseAtomicLongArray mappedAt;
    private static final long UNMAPPED = 1;
    private final SparseAtomicLongArray releaseStartedAt;
    private final SparseAtomicLongArray lazyLinkedAt;

    UnmapHistory(long vmallocPages) {
        this.lastEvent = new SparseAtomicLongArray(vmallocPages);
        this.mappedAt = new SparseAtomicLongArray(vmallocPages);
        this.releaseStartedAt = new SparseAtomicLongArray(vmallocPages);
        this.lazyLinkedAt = new SparseAtomicLongArray(vmallocPages);
    }

    void mapped(long va, int pages) {
        long now = clock.incrementAndGet();
        for (long p = va; p < va + pages; p++) {
            mappedAt.set(p, now);
            lastEvent.set(p, now << 1);
        }
    }

    /** The event word of the mapping at {@code va}, read when its unmap starts. */
    long mapEvent(long va) {
        return lastEvent.get(va);
    }

    /** The unmap of the mapping whose map wrote {@code mapEvent} returned. */
    void unmapped(long va, int pages, long mapEvent) {
        long unmapEvent = clock.incrementAndGet() << 1 | UNMAPPED;
        for (long p = va; p < va + pages; p++) {
            lastEvent.compareAndSet(p, mapEvent, unmapEvent);
        }
    }

    /** True when {@code va}'s last mapping was unmapped, and that unmap returned at or before {@code time}. */
    boolean unmappedBy(long va, long time) {
        long event = lastEvent.get(va);
        return (event & UNMAPPED) != 0 && event >>> 1 <= time;
    }

    /** A vb_free made the block of {@code area} fully dirty (stamped under the block lock): its release begins. */
    void blockReleaseStarted(VmapArea area) {
        stamp(releaseStartedAt, area);
    }

    /** The released block's area is on the lazy list now. */
    void blockLazyLinked(VmapArea area) {
        stamp(lazyLinkedAt, area);
    }

    /**
     * True when the block holding {@code va} was, at some time after {@code time}, released but
     * not yet on the lazy list: a vm_unmap_aliases that began at {@code time} may have missed it.
     */
    boolean inTransitSince(long va, long time) {
        long released = releaseStartedAt.get(va);
        long linked = lazyLinkedAt.get(va);
        return released > mappedAt.get(va) && (linked < released || linked > time);
    }

    /** The page's stamps, for violation messages. */
    String describe(long va) {
        long event = lastEvent.get(va);
        return ((event & UNMAPPED) != 0 ? "unmapped@" : "mapped@") + (event >>> 1) + " released@" + releaseStartedAt.get(va)
                + " lazy-linked@" + lazyLinkedAt.get(va) + " now@" + clock.get();
    }

    private void stamp(SparseAtomicLongArray stamps, VmapArea area) {
        long now = clock.incrementAndGet();
        for (long p = area.start(); p < area.end(); p++) {
            stamps.set(p, now);
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
