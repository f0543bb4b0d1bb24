package org.vmapstress.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The model's public face: Linux's {@code vm_map_ram}, {@code vm_unmap_ram},
 * {@code vm_unmap_aliases} and {@code purge_vmap_area_lazy} over a vmalloc space, with the
 * page allocator, the kernel page table and the per-CPU TLBs that the invariants look at.
 *
 * <p>Thread-safe for any number of threads at once; each thread passes the
 * {@link CpuContext} it runs on. Every interleaving-relevant step calls the
 * {@link ScheduleHook} given at construction ({@link ScheduleHook#NONE} in production),
 * wrapped in a {@link RaceDetector} when {@link Bug#DATA_RACES} is on.
 *
 * <p>Lock order (checked at run time by {@link LockDep}): {@code vmap_purge_lock ->
 * vmap_block.lock -> vmap_block_queue.lock -> leaves (vmap_area_lock, lazy.lock, zone.lock)}.
 * No public method may be called with a model lock held.
 *
 * <p>Deferred work: a free that pushes {@code vmap_lazy_nr} over {@code lazy_max_pages()}
 * requests a drain; the public operation that made the request runs it before returning,
 * with no lock held (see {@link LazyPurge}).
 */
public final class VmapAllocator {
    private final ModelConfig config;
    private final BugSet bugs;
    private final KernelPageTable pageTable;
    private final Tlbs tlbs;
    private final PageFramePool pages;
    private final VaSpace vaSpace;
    private final LazyList lazyList;
    private final VmapBlockQueues queues;
    private final ModelLock purgeLock;
    private final LazyPurge lazyPurge;
    private final VmapBlocks blocks;
    private final UnmapHistory unmapHistory;

    public VmapAllocator(ModelConfig config, BugSet bugs, ScheduleHook scheduler) {
        ScheduleHook hook = bugs.has(Bug.DATA_RACES) ? new RaceDetector(scheduler) : scheduler;
        this.config = config;
        this.bugs = bugs;
        this.pageTable = new KernelPageTable(config.vmallocPages(), config.pageFrames(), hook);
        this.tlbs = new Tlbs(config.nrCpuIds(), hook);
        this.pages = new PageFramePool(config.pageFrames(), config.possibleCpus(), pageTable, hook);
        this.vaSpace = new VaSpace(config.vmallocPages(), hook);
        this.lazyList = new LazyList(hook, bugs);
        this.queues = new VmapBlockQueues(config, bugs, hook);
        this.purgeLock = new ModelLock(LockClass.PURGE, "vmap_purge_lock", hook);
        this.lazyPurge = new LazyPurge(config, bugs, lazyList, vaSpace, pageTable, tlbs, purgeLock, hook);
        this.unmapHistory = new UnmapHistory(config.vmallocPages(), hook);
        this.blocks = new VmapBlocks(config, bugs, hook, queues, pageTable, lazyPurge, this::allocVmapArea, unmapHistory);
    }

    /** The fixed model with the production hook. */
    public VmapAllocator(ModelConfig config) {
        this(config, BugSet.NONE, ScheduleHook.NONE);
    }

    /**
     * vm_map_ram(): maps {@code pfns} at a fresh VA, through the block allocator for up to
     * VMAP_MAX_ALLOC pages, else through a private area. Returns the VA page, or -1 when the
     * vmalloc space is exhausted even after a purge.
     */
    public long vmMapRam(CpuContext ctx, int[] pfns) {
        requireCount(pfns.length);
        requirePossible(ctx);
        long va = pfns.length <= config.vmapMaxAlloc() ? blocks.vbAlloc(ctx, pfns.length) : allocLarge(pfns.length);
        if (va >= 0) {
            unmapHistory.mapped(va, pfns.length);
            pageTable.mapRange(va, pfns);
        }
        lazyPurge.drainIfRequested();
        return va;
    }

    /**
     * vm_unmap_ram(): unmaps {@code count} pages at {@code va}. The PTEs are cleared before it
     * returns (since 64141da5); the TLB flush stays lazy.
     */
    public void vmUnmapRam(CpuContext ctx, long va, int count) {
        requireCount(count);
        requirePossible(ctx);
        requireInVmallocSpace(va, count);
        unmapHistory.freeEntered();
        UnmapHistory.MapCall mapping = unmapHistory.mappingAt(va);
        try {
            if (count <= config.vmapMaxAlloc()) {
                blocks.vbFree(va, count);
            } else {
                freeLarge(va, count);
            }
            unmapHistory.unmapped(va, count, mapping);
        } finally {
            unmapHistory.freeExited();
        }
        lazyPurge.drainIfRequested();
    }

    /**
     * A load or store by the calling thread at VA page {@code va}: the pfn it reaches (through
     * this CPU's TLB first), or -1 on a fault.
     */
    public int touch(CpuContext ctx, long va) {
        requirePossible(ctx);
        return tlbs.access(ctx.cpu(), va, pageTable);
    }

    /**
     * vm_unmap_aliases(): afterwards no CPU's TLB holds a translation for a VA unmapped before
     * the call. Purges fragmented blocks under the threshold, flushes every block's dirty range
     * and every lazy area in one flush.
     */
    public AliasesReport vmUnmapAliases(CpuContext ctx) {
        requirePossible(ctx);
        List<PurgedBlock> purged = new ArrayList<>();
        long flushed;
        purgeLock.lock();
        try {
            long[] range = blocks.collectDirtyRanges(purged);
            long start = range == null ? Long.MAX_VALUE : range[0];
            long end = range == null ? 0 : range[1];
            flushed = lazyPurge.purgeLocked(start, end);
            if (flushed == 0 && range != null) {
                tlbs.flushKernelRange(start, end);
                flushed = end - start;
            }
        } finally {
            purgeLock.unlock();
        }
        lazyPurge.drainIfRequested();
        return new AliasesReport(flushed, purged);
    }

    /**
     * purge_vmap_area_lazy(): the synchronous purge (as on VA exhaustion): every fragmented
     * block is purged, forced, then every lazy area is flushed and returned to the VA space.
     */
    public List<PurgedBlock> purgeVmapAreaLazy() {
        List<PurgedBlock> purged;
        unmapHistory.freeEntered();
        purgeLock.lock();
        try {
            purged = blocks.purgeFragmentedBlocksAllCpus();
            lazyPurge.purgeLocked(Long.MAX_VALUE, 0);
        } finally {
            purgeLock.unlock();
            unmapHistory.freeExited();
        }
        lazyPurge.drainIfRequested();
        return purged;
    }

    /** alloc_vmap_area(): first fit; on exhaustion one synchronous purge, then one more try. */
    private VmapArea allocVmapArea(long size, long align, VmapArea.Kind kind) {
        VmapArea area = vaSpace.alloc(size, align, kind);
        if (area == null) {
            purgeVmapAreaLazy();
            area = vaSpace.alloc(size, align, kind);
        }
        return area;
    }

    private long allocLarge(int count) {
        VmapArea area = allocVmapArea(count, 1, VmapArea.Kind.LARGE);
        return area == null ? -1 : area.start();
    }

    /** find_unlink_vmap_area() + free_unmap_vmap_area(). */
    private void freeLarge(long va, int count) {
        VmapArea area = vaSpace.unlinkLarge(va);
        if (area == null || area.pages() != count) {
            throw new IllegalArgumentException("vm_unmap_ram(" + va + ", " + count + "): no large area of "
                    + count + " pages starts there");
        }
        if (!bugs.has(Bug.LAZY_PTE_CLEAR)) {
            pageTable.clearRange(area.start(), area.pages());
        }
        lazyPurge.freeVmapAreaNoflush(area);
    }

    private static void requireCount(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a mapping needs at least one page, not " + count);
        }
    }

    private void requireInVmallocSpace(long va, int count) {
        if (va < 0 || va + count > config.vmallocPages()) {
            throw new IllegalArgumentException("vm_unmap_ram(" + va + ", " + count + ") is outside the vmalloc space of "
                    + config.vmallocPages() + " pages");
        }
    }

    private void requirePossible(CpuContext ctx) {
        if (!config.isPossible(ctx.cpu())) {
            throw new IllegalArgumentException("a worker cannot run on CPU " + ctx.cpu() + ": it is not possible");
        }
    }

    public ModelConfig config() {
        return config;
    }

    public BugSet bugs() {
        return bugs;
    }

    public PageFramePool pages() {
        return pages;
    }

    public KernelPageTable pageTable() {
        return pageTable;
    }

    public Tlbs tlbs() {
        return tlbs;
    }

    /** The model's state now, for a failure report (take it while no other thread runs). */
    public ModelSnapshot snapshot() {
        return ModelSnapshot.of(this);
    }

    /** The invariant checks over this model's state. */
    public Invariants invariants() {
        return new Invariants(this);
    }

    /** Unmaps and sync purges started and finished so far (for the FLUSH-ONCE check). */
    public FreeActivity freeActivity() {
        return unmapHistory.freeActivity();
    }

    /**
     * The logical time now, as a vm_unmap_aliases about to begin reads it: every unmap that
     * returned so far did so at or before it, and every unmap that returns from now on after it
     * (for ALIASES-FLUSHED). Each call advances the model's judging clock.
     */
    public long unmapTime() {
        return unmapHistory.now();
    }

    /** vmap_lazy_nr now. */
    public long vmapLazyNr() {
        return lazyList.vmapLazyNr();
    }

    /** The vmalloc pages neither handed out nor waiting on the lazy list. */
    public long freeVaPages() {
        return vaSpace.freePages();
    }

    LazyList lazyList() {
        return lazyList;
    }

    VmapBlockQueues queues() {
        return queues;
    }

    VmapBlocks blocks() {
        return blocks;
    }

    UnmapHistory unmapHistory() {
        return unmapHistory;
    }
}
