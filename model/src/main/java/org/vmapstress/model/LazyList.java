package org.vmapstress.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lazily freed areas ({@code vn->lazy}) and {@code vmap_lazy_nr}, the count of their pages.
 * An area here is unmapped (its PTEs cleared, unless the seed bug is on) but its VA may still
 * sit in some CPU's TLB; it goes back to the VA space only after a flush.
 *
 * <p>Invariant (LAZY-COUNT): at quiescence {@code vmap_lazy_nr} equals the pages on the list.
 * In between it may run ahead of the list (counted, not yet linked) and, during a purge, lag
 * behind what has been unlinked; the fixed kernel never lets a purge take pages it has not
 * counted.
 *
 * <p>Lock: {@code lazy.lock} (a leaf) guards the list; the counter is atomic.
 */
final class LazyList {
    private static final SharedField AREAS = SharedField.of(LazyList.class, "areas");
    /** Copy-on-write so that checks can read it without taking the model lock. */
    @Guarded(value = Guard.LOCK, lock = "lock", lockless = "the checks read a copy-on-write snapshot")
    private final List<VmapArea> areas = new CopyOnWriteArrayList<>();
    @Guarded(Guard.ATOMIC)
    private final AtomicLong vmapLazyNr = new AtomicLong();
    private final ModelLock lock;
    private final ScheduleHook hook;

    private final boolean linksUnlocked;

    /** The list; with the canary lazy-link-unlocked, {@link #link} does not take {@code lazy.lock}. */
    LazyList(ScheduleHook hook, BugSet bugs) {
        this.lock = new ModelLock(LockClass.LAZY, "lazy.lock", hook);
        this.hook = hook;
        this.linksUnlocked = bugs.has(Bug.LAZY_LINK_UNLOCKED);
    }

    /** Adds the area's pages to vmap_lazy_nr and returns the new count. */
    long count(VmapArea area) {
        hook.point(SchedulePoint.LAZY_COUNT_ADD, area.pages());
        hook.touch(Resource.LAZY_NR, 0, true);
        return vmapLazyNr.addAndGet(area.pages());
    }

    void link(VmapArea area) {
        hook.point(SchedulePoint.LAZY_LIST_ADD, area.start());
        if (linksUnlocked) {
            hook.access(this, AREAS, Access.WRITE);
            areas.add(area);
            return;
        }
        lock.lock();
        try {
            hook.access(this, AREAS, Access.WRITE);
            areas.add(area);
        } finally {
            lock.unlock();
        }
    }

    /** Unlinks and returns every area on the list (the purge's list_replace_init). */
    List<VmapArea> takeAll() {
        hook.point(SchedulePoint.LAZY_TAKE_LIST, 0);
        lock.lock();
        try {
            hook.access(this, AREAS, Access.WRITE);
            List<VmapArea> taken = new ArrayList<>(areas);
            areas.clear();
            return taken;
        } finally {
            lock.unlock();
        }
    }

    void uncount(long pages) {
        hook.point(SchedulePoint.LAZY_COUNT_SUB, pages);
        hook.touch(Resource.LAZY_NR, 0, true);
        vmapLazyNr.addAndGet(-pages);
    }

    long vmapLazyNr() {
        hook.touch(Resource.LAZY_NR, 0, false);
        return vmapLazyNr.get();
    }

    /** The areas on the list now, read without the model lock (checks must not be schedule points). */
    List<VmapArea> snapshot() {
        hook.access(this, AREAS, Access.READ_ONCE);
        return List.copyOf(areas);
    }
}
