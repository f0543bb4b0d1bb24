package org.vmapstress.model;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The page allocator: a fixed pool of page frames with their {@link PageState}s, handed out
 * through per-CPU hot page lists as {@code rmqueue_pcplist()} and {@code free_unref_page()}
 * do. A CPU allocates from its own list, most recently freed first, which is what makes
 * "unmap, free, reuse as page table" a short race; an empty list is refilled with a batch of
 * pages from the zone's free list ({@code rmqueue_bulk()}), and a list that reaches four
 * batches gives its coldest batch back ({@code free_pcppages_bulk()}). The batch scales with
 * the zone as {@code zone_batchsize()} does: a quarter of each CPU's share of the frames, at
 * most {@value #MAX_BATCH}. So two CPUs' allocations and frees touch different lists and
 * commute, except when one of them goes to the zone.
 *
 * <p>Pinning a page as a page table is checked like Xen's pin hypercall: refused while any PTE
 * maps the page writable (stale TLB entries are allowed: the hypervisor flushes them itself).
 *
 * <p>Invariant: every pfn is in exactly one state; FREE pages are exactly those on the zone's
 * list and the per-CPU lists, each on one. A page's state is its own (an atomic, like the
 * kernel's page flags and count): only the holder of a FREE page's list or of an OWNED page
 * changes it. Locks: {@code pcp.lock[cpu]} guards one CPU's list; {@code zone.lock} the zone's
 * list, nested inside a pcp lock on a refill or a drain ({@link LockClass}).
 */
public final class PageFramePool {
    /** The largest pcp->batch: the pages a refill or a drain moves at once. */
    static final int MAX_BATCH = 32;
    private static final SharedField ZONE_FREE = SharedField.of(PageFramePool.class, "zoneFree");

    @Guarded(Guard.ATOMIC)
    private final AtomicReferenceArray<PageState> states;
    @Guarded(value = Guard.LOCK, lock = "lock")
    private final Deque<Integer> zoneFree = new ArrayDeque<>();
    private final ModelLock lock;
    @Guarded(Guard.IMMUTABLE)
    private final PerCpuPages[] perCpu;
    /** pcp->batch; pcp->high is four of them. */
    private final int batch;
    private final ScheduleHook hook;
    private final KernelPageTable pageTable;

    PageFramePool(int frames, int[] possibleCpus, KernelPageTable pageTable, ScheduleHook hook) {
        this.states = new AtomicReferenceArray<>(frames);
        for (int pfn = frames - 1; pfn >= 0; pfn--) {
            states.set(pfn, PageState.FREE);
            zoneFree.push(pfn);
        }
        this.lock = new ModelLock(LockClass.PAGE_ALLOC, "zone.lock", hook);
        this.batch = Math.max(1, Math.min(MAX_BATCH, frames / (4 * possibleCpus.length)));
        this.perCpu = new PerCpuPages[possibleCpus[possibleCpus.length - 1] + 1];
        for (int cpu : possibleCpus) {
            perCpu[cpu] = new PerCpuPages(cpu, hook);
        }
        this.pageTable = pageTable;
        this.hook = hook;
    }

    /**
     * alloc_page() on the caller's CPU: the most recently freed page of that CPU's list
     * (refilled from the zone when empty), now OWNED by the caller. When the list and the zone
     * are both empty, every CPU's list goes back to the zone first ({@code drain_all_pages()}, as
     * the allocator's slow path does before it fails); -1 when no page is free anywhere.
     */
    public int allocPage(CpuContext ctx) {
        hook.point(SchedulePoint.PAGE_ALLOC, 0);
        PerCpuPages pcp = perCpu[ctx.cpu()];
        int pfn = takeFrom(pcp);
        if (pfn < 0) {
            drainAllPages();
            pfn = takeFrom(pcp);
        }
        return pfn;
    }

    private int takeFrom(PerCpuPages pcp) {
        pcp.lock.lock();
        try {
            if (pcp.isEmpty()) {
                refill(pcp);
            }
            int pfn = pcp.take();
            if (pfn >= 0) {
                transition(pfn, PageState.FREE, PageState.OWNED, "allocate");
            }
            return pfn;
        } finally {
            pcp.lock.unlock();
        }
    }

    /** drain_all_pages(): every CPU's list back to the zone, one list at a time under its own lock. */
    private void drainAllPages() {
        for (PerCpuPages pcp : perCpu) {
            if (pcp == null) {
                continue;
            }
            pcp.lock.lock();
            try {
                drain(pcp, pcp.count());
            } finally {
                pcp.lock.unlock();
            }
        }
    }

    /** __free_page() on the caller's CPU: an OWNED page goes to the head of that CPU's list. */
    public void freePage(CpuContext ctx, int pfn) {
        hook.point(SchedulePoint.PAGE_FREE, pfn);
        PerCpuPages pcp = perCpu[ctx.cpu()];
        pcp.lock.lock();
        try {
            transition(pfn, PageState.OWNED, PageState.FREE, "free");
            pcp.put(pfn);
            if (pcp.count() >= 4 * batch) {
                drain(pcp, batch);
            }
        } finally {
            pcp.lock.unlock();
        }
    }

    /** rmqueue_bulk(): up to a batch from the zone, in the zone's order. */
    private void refill(PerCpuPages pcp) {
        lock.lock();
        try {
            hook.access(this, ZONE_FREE, Access.WRITE);
            for (int i = 0; i < batch && !zoneFree.isEmpty(); i++) {
                pcp.putCold(zoneFree.pop());
            }
        } finally {
            lock.unlock();
        }
    }

    /** free_pcppages_bulk(): the list's {@code count} coldest pages back to the zone (the list holds that many). */
    private void drain(PerCpuPages pcp, int count) {
        lock.lock();
        try {
            hook.access(this, ZONE_FREE, Access.WRITE);
            for (int i = 0; i < count; i++) {
                zoneFree.push(pcp.takeCold());
            }
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
        requireState(pfn, PageState.OWNED, "pin");
        int aliases = pageTable.writableMappings(pfn);
        if (aliases > 0) {
            return PinResult.refused(aliases);
        }
        transition(pfn, PageState.OWNED, PageState.PAGETABLE, "pin");
        return PinResult.PINNED;
    }

    /** Unpins a page-table page: it is OWNED by its caller again. */
    public void unpin(int pfn) {
        transition(pfn, PageState.PAGETABLE, PageState.OWNED, "unpin");
    }

    /** The page's state now (a lockless read for checks and snapshots). */
    public PageState state(int pfn) {
        return states.get(pfn);
    }

    /** The page goes from {@code from} to {@code to} atomically: two CPUs freeing one page cannot both succeed. */
    private void transition(int pfn, PageState from, PageState to, String what) {
        checkRange(pfn, what);
        hook.touch(Resource.FRAME_STATE, pfn, true);
        if (!states.compareAndSet(pfn, from, to)) {
            throw wrongState(pfn, from, what);
        }
    }

    private void requireState(int pfn, PageState expected, String what) {
        checkRange(pfn, what);
        hook.touch(Resource.FRAME_STATE, pfn, false);
        if (states.get(pfn) != expected) {
            throw wrongState(pfn, expected, what);
        }
    }

    private void checkRange(int pfn, String what) {
        if (pfn < 0 || pfn >= states.length()) {
            throw new IllegalArgumentException("cannot " + what + " pfn " + pfn + ": outside the pool of " + states.length());
        }
    }

    private IllegalStateException wrongState(int pfn, PageState expected, String what) {
        return new IllegalStateException("cannot " + what + " pfn " + pfn + ": it is " + states.get(pfn) + ", not " + expected
                + " (a caller error, not a model state)");
    }

    /** The outcome of a pin: pinned, or refused with the number of writable PTEs found. */
    public record PinResult(boolean pinned, int writableAliases) {
        public static final PinResult PINNED = new PinResult(true, 0);

        static PinResult refused(int aliases) {
            return new PinResult(false, aliases);
        }
    }
}
