package org.vmapstress.model;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One CPU's hot page list (the kernel's {@code struct per_cpu_pages}): free pages, the most
 * recently freed at the head, where allocation takes them; refills and drains use the tail.
 *
 * <p>Invariant: every page on the list is FREE and on no other list. Lock:
 * {@code pcp.lock[cpu]} guards the list; the zone's lock nests inside it ({@link PageFramePool}).
 */
final class PerCpuPages {
    private static final SharedField PAGES = SharedField.of(PerCpuPages.class, "pages");

    final int cpu;
    final ModelLock lock;
    @Guarded(value = Guard.LOCK, lock = "lock")
    private final Deque<Integer> pages = new ArrayDeque<>();
    private final ScheduleHook hook;

    PerCpuPages(int cpu, ScheduleHook hook) {
        this.cpu = cpu;
        this.lock = new ModelLock(LockClass.PER_CPU_PAGES, "pcp.lock[" + cpu + "]", hook);
        this.hook = hook;
    }

    boolean isEmpty() {
        hook.access(this, PAGES, Access.READ);
        return pages.isEmpty();
    }

    int count() {
        hook.access(this, PAGES, Access.READ);
        return pages.size();
    }

    /** The hottest page, or -1 when the list is empty. */
    int take() {
        hook.access(this, PAGES, Access.WRITE);
        Integer pfn = pages.poll();
        return pfn == null ? -1 : pfn;
    }

    /** A freed page, at the head. */
    void put(int pfn) {
        hook.access(this, PAGES, Access.WRITE);
        pages.push(pfn);
    }

    /** A page from the zone, at the tail. */
    void putCold(int pfn) {
        hook.access(this, PAGES, Access.WRITE);
        pages.addLast(pfn);
    }

    /** The coldest page, for a drain (the list is not empty). */
    int takeCold() {
        hook.access(this, PAGES, Access.WRITE);
        return pages.removeLast();
    }
}
