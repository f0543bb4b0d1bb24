package org.vmapstress.model;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lazy half of vunmap: {@code free_vmap_area_noflush}, {@code __purge_vmap_area_lazy} and
 * the deferred {@code drain_vmap_area_work}.
 *
 * <p>A freed area goes on the {@link LazyList}; when {@code vmap_lazy_nr} passes
 * {@code lazy_max_pages()} a drain is requested. The kernel queues drain_vmap_work on a
 * workqueue; the model runs it at the end of the public operation that requested it, once that
 * operation holds no lock ({@link #drainIfRequested}), which is one legal schedule of the worker.
 *
 * <p>A purge, under {@code vmap_purge_lock}, takes the whole lazy list, flushes the TLB once
 * over the union of the areas (and any range its caller adds), returns the areas to the VA
 * space and only then subtracts their pages from {@code vmap_lazy_nr}.
 *
 * <p>With the racy-lazy-count bug (before 88f50044) an area is linked before it is counted,
 * the purge subtracts before flushing, and it keeps the old {@code BUG_ON(nr > vmap_lazy_nr)}.
 * With the lazy-pte-clear bug (before 64141da5) the purge clears the areas' PTEs itself.
 */
final class LazyPurge {
    private final ModelConfig config;
    private final BugSet bugs;
    private final LazyList lazyList;
    private final VaSpace vaSpace;
    private final KernelPageTable pageTable;
    private final Tlbs tlbs;
    private final ModelLock purgeLock;
    private final ScheduleHook hook;
    @Guarded(Guard.ATOMIC)
    private final AtomicBoolean drainRequested = new AtomicBoolean();

    LazyPurge(ModelConfig config, BugSet bugs, LazyList lazyList, VaSpace vaSpace, KernelPageTable pageTable,
              Tlbs tlbs, ModelLock purgeLock, ScheduleHook hook) {
        this.config = config;
        this.bugs = bugs;
        this.lazyList = lazyList;
        this.vaSpace = vaSpace;
        this.pageTable = pageTable;
        this.tlbs = tlbs;
        this.purgeLock = purgeLock;
        this.hook = hook;
    }

    /** free_vmap_area_noflush(): the area waits on the lazy list for a flush. */
    void freeVmapAreaNoflush(VmapArea area) {
        long nrLazy;
        if (bugs.has(Bug.RACY_LAZY_COUNT)) {
            lazyList.link(area);
            nrLazy = lazyList.count(area);
        } else {
            nrLazy = lazyList.count(area);
            lazyList.link(area);
        }
        if (nrLazy > config.lazyMaxPages()) {
            hook.touch(Resource.DRAIN_REQUEST, 0, true);
            drainRequested.set(true);
        }
    }

    /** flush_tlb_kernel_range(start, end) with no lock of its own (the flush-on-retire patch, under vb->lock). */
    void flushKernelRange(long start, long end) {
        tlbs.flushKernelRange(start, end);
    }

    /**
     * The canary flush-under-block-lock: flushes {@code [start, end)} under {@code vmap_purge_lock},
     * taken while the caller holds a block's lock (lockdep reports the inversion).
     */
    void flushUnderPurgeLock(long start, long end) {
        purgeLock.lock();
        try {
            tlbs.flushKernelRange(start, end);
        } finally {
            purgeLock.unlock();
        }
    }

    /**
     * __purge_vmap_area_lazy(start, end): with {@code vmap_purge_lock} held, purges every lazy
     * area, flushing {@code [start, end)} with them. Returns the pages flushed, 0 when the lazy
     * list was empty (then nothing is flushed).
     */
    long purgeLocked(long start, long end) {
        if (!purgeLock.isHeldByCurrentThread()) {
            throw new ModelAssertion(InvariantId.LOCK_ORDER, "__purge_vmap_area_lazy without vmap_purge_lock");
        }
        List<VmapArea> areas = lazyList.takeAll();
        if (areas.isEmpty()) {
            return 0;
        }
        long nr = 0;
        for (VmapArea area : areas) {
            start = Math.min(start, area.start());
            end = Math.max(end, area.end());
            nr += area.pages();
        }
        if (bugs.has(Bug.LAZY_PTE_CLEAR)) {
            areas.forEach(area -> pageTable.clearRange(area.start(), area.pages()));
        }
        if (bugs.has(Bug.RACY_LAZY_COUNT)) {
            uncountChecked(nr);
        }
        tlbs.flushKernelRange(start, end);
        areas.forEach(vaSpace::release);
        if (!bugs.has(Bug.RACY_LAZY_COUNT)) {
            lazyList.uncount(nr);
        }
        return end - start;
    }

    /** drain_vmap_area_work(), when a free crossed lazy_max_pages() since the last drain. */
    void drainIfRequested() {
        hook.touch(Resource.DRAIN_REQUEST, 0, false);
        // read before the compare-and-set: a CAS that fails still takes the line from every other core
        if (!drainRequested.get()) {
            return;
        }
        hook.touch(Resource.DRAIN_REQUEST, 0, true);
        if (!drainRequested.compareAndSet(true, false)) {
            return;
        }
        purgeLock.lock();
        try {
            purgeLocked(Long.MAX_VALUE, 0);
        } finally {
            purgeLock.unlock();
        }
    }

    /** The 2010 purge: BUG_ON(nr > atomic_read(&vmap_lazy_nr)); atomic_sub(nr, &vmap_lazy_nr). */
    private void uncountChecked(long nr) {
        long counted = lazyList.vmapLazyNr();
        if (nr > counted) {
            throw new ModelAssertion(InvariantId.LAZY_COUNT, "BUG_ON(nr > vmap_lazy_nr): the purge took " + nr
                    + " lazy pages but vmap_lazy_nr counts only " + counted);
        }
        lazyList.uncount(nr);
    }
}
