package org.vmapstress.model;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The vmalloc space allocator ({@code alloc_vmap_area}, {@code find_unlink_vmap_area},
 * {@code merge_or_add_vmap_area}): hands out aligned page ranges first-fit from the lowest
 * address, and keeps the busy large areas so {@code vm_unmap_ram} can find them by address.
 *
 * <p>Invariant: the free extents are disjoint, non-adjacent (merged), and together with the
 * areas handed out and not yet returned cover {@code [0, vmallocPages)} exactly once.
 * A VA comes back here only from the lazy purge, after a TLB flush covering it.
 *
 * <p>Lock: {@code vmap_area_lock} (a leaf) guards the extents and the busy map.
 */
final class VaSpace {
    private static final SharedField FREE = SharedField.of(VaSpace.class, "free");
    private static final SharedField BUSY_LARGE = SharedField.of(VaSpace.class, "busyLarge");
    private static final SharedField FREE_PAGES = SharedField.of(VaSpace.class, "freePages");
    /** Free extents: start -> end (exclusive). */
    @Guarded(value = Guard.LOCK, lock = "lock")
    private final TreeMap<Long, Long> free = new TreeMap<>();
    @Guarded(value = Guard.LOCK, lock = "lock")
    private final Map<Long, VmapArea> busyLarge = new HashMap<>();
    private final ModelLock lock;
    private final ScheduleHook hook;
    /** Written under the lock, read lock-free by checks. */
    @Guarded(value = Guard.LOCK, lock = "lock", lockless = "read by the checks")
    private volatile long freePages;

    VaSpace(long vmallocPages, ScheduleHook hook) {
        free.put(0L, vmallocPages);
        freePages = vmallocPages;
        this.lock = new ModelLock(LockClass.VMAP_AREA, "vmap_area_lock", hook);
        this.hook = hook;
    }

    /** A new area of {@code pages} aligned to {@code align} pages, or null when none fits. */
    VmapArea alloc(long pages, long align, VmapArea.Kind kind) {
        hook.point(SchedulePoint.VA_ALLOC, pages);
        lock.lock();
        try {
            hook.access(this, FREE, Access.READ);
            for (Map.Entry<Long, Long> extent : free.entrySet()) {
                long start = (extent.getKey() + align - 1) / align * align;
                if (start + pages <= extent.getValue()) {
                    carve(extent.getKey(), extent.getValue(), start, start + pages);
                    VmapArea area = new VmapArea(start, pages, kind);
                    if (kind == VmapArea.Kind.LARGE) {
                        hook.access(this, BUSY_LARGE, Access.WRITE);
                        busyLarge.put(start, area);
                    }
                    return area;
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** find_unlink_vmap_area(): the busy large area starting at {@code va}, unlinked; or null. */
    VmapArea unlinkLarge(long va) {
        lock.lock();
        try {
            hook.access(this, BUSY_LARGE, Access.WRITE);
            return busyLarge.remove(va);
        } finally {
            lock.unlock();
        }
    }

    /** merge_or_add_vmap_area(): a purged area's range is free again. */
    void release(VmapArea area) {
        hook.point(SchedulePoint.VA_RELEASE, area.start());
        lock.lock();
        try {
            long start = area.start();
            long end = area.end();
            hook.access(this, FREE, Access.WRITE);
            Map.Entry<Long, Long> before = free.floorEntry(start);
            if (before != null && before.getValue() > start) {
                throw new ModelAssertion(InvariantId.NO_OVERLAP, "area " + area + " returned twice to the VA space");
            }
            if (before != null && before.getValue() == start) {
                start = before.getKey();
                free.remove(before.getKey());
            }
            Long after = free.get(end);
            if (after != null) {
                free.remove(end);
                end = after;
            }
            free.put(start, end);
            hook.access(this, FREE_PAGES, Access.WRITE);
            freePages += area.pages();
        } finally {
            lock.unlock();
        }
    }

    long freePages() {
        hook.access(this, FREE_PAGES, Access.READ_ONCE);
        return freePages;
    }

    private void carve(long extentStart, long extentEnd, long start, long end) {
        hook.access(this, FREE, Access.WRITE);
        free.remove(extentStart);
        if (extentStart < start) {
            free.put(extentStart, start);
        }
        if (end < extentEnd) {
            free.put(end, extentEnd);
        }
        hook.access(this, FREE_PAGES, Access.WRITE);
        freePages -= end - start;
    }
}
