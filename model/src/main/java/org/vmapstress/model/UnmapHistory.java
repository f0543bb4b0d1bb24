package org.vmapstress.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Instrumentation for the ALIASES-FLUSHED and FLUSH-ONCE checks, not kernel state: for each
 * VA page, the logical time at which a {@code vm_unmap_ram} covering it returned (0 while it
 * is mapped or was never unmapped); and how many operations that free VA (unmaps, sync
 * purges) have started and finished. Never read by the model itself.
 */
final class UnmapHistory {
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong freesEntered = new AtomicLong();
    private final AtomicLong freesExited = new AtomicLong();
    private final SparseAtomicLongArray unmappedAt;

    UnmapHistory(long vmallocPages) {
        this.unmappedAt = new SparseAtomicLongArray(vmallocPages);
    }

    void mapped(long va, int pages) {
        for (long p = va; p < va + pages; p++) {
            unmappedAt.set(p, 0);
        }
    }

    void unmapped(long va, int pages) {
        long now = clock.incrementAndGet();
        for (long p = va; p < va + pages; p++) {
            unmappedAt.set(p, now);
        }
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

    /** The current logical time: every unmap that returned so far is at or before it. */
    long now() {
        return clock.get();
    }

    /** When the last unmap of {@code va} returned, or 0 when it is mapped or never was unmapped. */
    long unmappedAt(long va) {
        return unmappedAt.get(va);
    }
}
