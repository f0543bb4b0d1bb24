package org.vmapstress.model;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The page allocator: a fixed pool of page frames with their {@link PageState}s. Freed pages
 * are handed out again last-in first-out, as the kernel's per-CPU hot page lists do, which is
 * what makes "unmap, free, reuse as page table" a short race.
 *
 * <p>Pinning a page as a page table is checked like Xen's pin hypercall: refused while any PTE
 * maps the page writable (stale TLB entries are allowed: the hypervisor flushes them itself).
 *
 * <p>Invariant: every pfn is in exactly one state; FREE pages are exactly those on the stack.
 * Lock: {@code zone.lock} (a leaf) guards the states and the stack.
 */
public final class PageFramePool {
    private static final SharedField STATES = SharedField.of(PageFramePool.class, "states");
    private static final SharedField FREE_STACK = SharedField.of(PageFramePool.class, "freeStack");
    @Guarded(value = Guard.LOCK, lock = "lock")
    private final PageState[] states;
    @Guarded(value = Guard.LOCK, lock = "lock")
    private final Deque<Integer> freeStack = new ArrayDeque<>();
    private final ModelLock lock;
    private final ScheduleHook hook;
    private final KernelPageTable pageTable;

    PageFramePool(int frames, KernelPageTable pageTable, ScheduleHook hook) {
        this.states = new PageState[frames];
        for (int pfn = frames - 1; pfn >= 0; pfn--) {
            states[pfn] = PageState.FREE;
            freeStack.push(pfn);
        }
        this.lock = new ModelLock(LockClass.PAGE_ALLOC, "zone.lock", hook);
        this.pageTable = pageTable;
        this.hook = hook;
    }

    /** alloc_page(): the most recently freed page, now OWNED by the caller; -1 when none is free. */
    public int allocPage() {
        hook.point(SchedulePoint.PAGE_ALLOC, 0);
        lock.lock();
        try {
            hook.access(this, FREE_STACK, Access.WRITE);
            Integer pfn = freeStack.poll();
            if (pfn == null) {
                return -1;
            }
            hook.access(this, STATES, Access.WRITE);
            states[pfn] = PageState.OWNED;
            return pfn;
        } finally {
            lock.unlock();
        }
    }

    /** __free_page(): an OWNED page goes back to the allocator. */
    public void freePage(int pfn) {
        hook.point(SchedulePoint.PAGE_FREE, pfn);
        lock.lock();
        try {
            requireState(pfn, PageState.OWNED, "free");
            hook.access(this, STATES, Access.WRITE);
            states[pfn] = PageState.FREE;
            hook.access(this, FREE_STACK, Access.WRITE);
            freeStack.push(pfn);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Pins an OWNED page as a page table. Refused (the page stays OWNED) when any PTE maps it
     * writable: that is the Xen failure the seed bug caused.
     */
    public PinResult pinAsPageTable(int pfn) {
        hook.point(SchedulePoint.PAGE_PIN, pfn);
        lock.lock();
        try {
            requireState(pfn, PageState.OWNED, "pin");
            int aliases = pageTable.writableMappings(pfn);
            if (aliases > 0) {
                return PinResult.refused(aliases);
            }
            hook.access(this, STATES, Access.WRITE);
            states[pfn] = PageState.PAGETABLE;
            return PinResult.PINNED;
        } finally {
            lock.unlock();
        }
    }

    /** Unpins a page-table page: it is OWNED by its caller again. */
    public void unpin(int pfn) {
        lock.lock();
        try {
            requireState(pfn, PageState.PAGETABLE, "unpin");
            hook.access(this, STATES, Access.WRITE);
            states[pfn] = PageState.OWNED;
        } finally {
            lock.unlock();
        }
    }

    /** The page's state now (a lockless read for checks and snapshots). */
    public PageState state(int pfn) {
        return states[pfn];
    }

    private void requireState(int pfn, PageState expected, String what) {
        if (pfn < 0 || pfn >= states.length) {
            throw new IllegalArgumentException("cannot " + what + " pfn " + pfn + ": outside the pool of " + states.length);
        }
        hook.access(this, STATES, Access.READ);
        if (states[pfn] != expected) {
            throw new IllegalStateException("cannot " + what + " pfn " + pfn + ": it is " + states[pfn]
                    + ", not " + expected + " (a caller error, not a model state)");
        }
    }

    /** The outcome of a pin: pinned, or refused with the number of writable PTEs found. */
    public record PinResult(boolean pinned, int writableAliases) {
        public static final PinResult PINNED = new PinResult(true, 0);

        static PinResult refused(int aliases) {
            return new PinResult(false, aliases);
        }
    }
}
