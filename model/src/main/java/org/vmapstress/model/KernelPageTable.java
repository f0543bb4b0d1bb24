package org.vmapstress.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The kernel page table over the vmalloc space (init_mm's PTEs for VMALLOC_START..END):
 * VA page -> (pfn, writable). Written by {@code vmap_pages_range} (map) and
 * {@code vunmap_range_noflush} (clear).
 *
 * <p>Invariant: {@code writableMappings[pfn]} equals the number of VA pages whose PTE maps
 * {@code pfn} writable; the Xen-style pin check reads it.
 *
 * <p>Concurrency: lock-free. Each PTE is one atomic word (0 = none; else pfn + 1, with
 * {@link #WRITABLE} set for writable); the kernel takes no vmap lock either, since the VA's
 * owner alone writes its PTEs. Each range write is one schedule point.
 */
public final class KernelPageTable {
    static final long WRITABLE = 1L << 62;
    /**
     * Ints per page frame in {@link #writableMappings}: one 64-byte line each, as the kernel's
     * count lives in each frame's own struct page. Packed, the counters of neighbouring frames
     * share a line that CPUs mapping different pages would fight over (SharedModelScalingBenchmark);
     * frame 0's count starts a line too, not the one that holds the array's header and whatever
     * object lies before it.
     */
    private static final int FRAME_STRIDE = 16;

    private final SparseAtomicLongArray ptes;
    @Guarded(Guard.ATOMIC)
    private final AtomicIntegerArray writableMappings;
    private final ScheduleHook hook;

    KernelPageTable(long vmallocPages, int pageFrames, ScheduleHook hook) {
        this.ptes = new SparseAtomicLongArray(vmallocPages);
        this.writableMappings = new AtomicIntegerArray((pageFrames + 1) * FRAME_STRIDE);
        this.hook = hook;
    }

    /** vmap_pages_range(): maps {@code pfns[i]} writable at {@code va + i}. */
    void mapRange(long va, int[] pfns) {
        hook.point(SchedulePoint.PTE_SET, va);
        for (int i = 0; i < pfns.length; i++) {
            replace(va + i, (pfns[i] + 1L) | WRITABLE);
        }
    }

    /** vunmap_range_noflush(): clears the PTEs of {@code [va, va + pages)}. */
    void clearRange(long va, long pages) {
        hook.point(SchedulePoint.PTE_CLEAR, va);
        for (long p = va; p < va + pages; p++) {
            replace(p, 0);
        }
    }

    /** The pfn {@code va} maps, or -1 when it has no PTE. */
    public int pfnAt(long va) {
        hook.touch(Resource.PTE, va, false);
        long pte = ptes.get(va);
        return pte == 0 ? -1 : pfnOf(pte);
    }

    public boolean isMapped(long va) {
        hook.touch(Resource.PTE, va, false);
        return ptes.get(va) != 0;
    }

    /** How many VA pages map {@code pfn} writable now. */
    public int writableMappings(int pfn) {
        hook.touch(Resource.FRAME_MAPPINGS, pfn, false);
        return writableMappings.get((pfn + 1) * FRAME_STRIDE);
    }

    /** The VA pages that map {@code pfn} writable (a scan: for messages, not hot paths). */
    public List<Long> writableAliasesOf(int pfn) {
        hook.touch(Resource.FRAME_MAPPINGS, pfn, false);
        List<Long> vas = new ArrayList<>();
        ptes.forEachNonZero((va, pte) -> {
            if ((pte & WRITABLE) != 0 && pfnOf(pte) == pfn) {
                vas.add(va);
            }
        });
        return vas;
    }

    /** The slot of {@link #writableMappings} that counts the frame a writable PTE maps (the PTE holds pfn + 1). */
    /** The pfn a non-zero PTE maps. */
    private static int pfnOf(long pte) {
        return (int) ((pte & ~WRITABLE) - 1);
    }

    private static int frameSlot(long writablePte) {
        return (int) (writablePte & ~WRITABLE) * FRAME_STRIDE;
    }

    private void replace(long va, long pte) {
        hook.touch(Resource.PTE, va, true);
        long old = ptes.getAndSet(va, pte);
        if ((old & WRITABLE) != 0) {
            hook.touch(Resource.FRAME_MAPPINGS, pfnOf(old), true);
            writableMappings.decrementAndGet(frameSlot(old));
        }
        if ((pte & WRITABLE) != 0) {
            hook.touch(Resource.FRAME_MAPPINGS, pfnOf(pte), true);
            writableMappings.incrementAndGet(frameSlot(pte));
        }
    }
}
