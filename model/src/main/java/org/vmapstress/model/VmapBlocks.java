package org.vmapstress.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-CPU block allocator for small mappings: {@code vb_alloc}, {@code new_vmap_block},
 * {@code vb_free}, {@code free_vmap_block}, {@code purge_fragmented_block(s)} and the block
 * walk of {@code _vm_unmap_aliases}, following Linux 6.11 mm/vmalloc.c step by step.
 *
 * <p>Locks, in the order of {@link LockClass}: {@code vmap_purge_lock} (held by the caller of
 * the purges and the aliases walk) -> {@code vb->lock} -> {@code vbq->lock}. Lockless reads
 * ({@code vb->free}, {@code vb->dirty}, the free lists, the index) are each a schedule point
 * and are re-checked under the block lock where the kernel re-checks them.
 *
 * <p>The proposed patches for the window {@code vm_unmap_aliases} leaves open while a block is
 * retired ({@link Bug.Kind#PATCH}) change this class only: {@code walk-fully-dirty} in the
 * aliases walk, {@code flush-on-retire} in the last {@code vb_free}, {@code retire-list} and
 * {@code vbq-retire-list} in both ({@link RetireList}: one global list under a new lock, or one
 * list per queue under {@code vbq->lock}; either lock nests inside {@code vb->lock}).
 */
final class VmapBlocks {
    /** Allocates a VA area, purging lazily freed areas once when the space is full (alloc_vmap_area). */
    @FunctionalInterface
    interface AreaAllocator {
        VmapArea alloc(long pages, long align, VmapArea.Kind kind);
    }

    private final ModelConfig config;
    private final BugSet bugs;
    private final ScheduleHook hook;
    private final VmapBlockQueues queues;
    private final KernelPageTable pageTable;
    private final LazyPurge lazyPurge;
    private final AreaAllocator areas;
    private final UnmapHistory history;
    private final RetireList retiring;
    private final int bits;
    @Guarded(Guard.INSTRUMENTATION)
    private final AtomicLong events = new AtomicLong();

    VmapBlocks(ModelConfig config, BugSet bugs, ScheduleHook hook, VmapBlockQueues queues,
               KernelPageTable pageTable, LazyPurge lazyPurge, AreaAllocator areas, UnmapHistory history) {
        this.config = config;
        this.bugs = bugs;
        this.hook = hook;
        this.queues = queues;
        this.pageTable = pageTable;
        this.lazyPurge = lazyPurge;
        this.areas = areas;
        this.history = history;
        this.retiring = RetireList.global(hook);
        this.bits = config.vmapBbmapBits();
    }

    /** vb_alloc(): {@code 2^order >= pages} slots from this CPU's blocks; the VA, or -1 when out of VA space. */
    long vbAlloc(CpuContext ctx, int pages) {
        int slots = slotsFor(pages);
        VmapBlockQueue vbq = queues.of(readCpu(ctx));
        for (VmapBlock vb : vbq.freeList.readRcu()) {
            hook.point(SchedulePoint.VB_ALLOC_LOCKLESS_FREE, vb.start());
            if (vb.free(Access.READ_ONCE) < slots) {
                continue;
            }
            long va = takeSlots(vb, vbq, slots);
            if (va >= 0) {
                return va;
            }
        }
        return newVmapBlock(ctx, slots);
    }

    /**
     * vb_alloc's locked part: re-check, take the next slots, unlink the block when it is full.
     * With the canary queue-lock-first, vbq->lock first, outside the {@code try}: lockdep's
     * report at vb->lock leaves it held.
     */
    private long takeSlots(VmapBlock vb, VmapBlockQueue vbq, int slots) {
        boolean queueFirst = bugs.has(Bug.QUEUE_LOCK_FIRST);
        if (queueFirst) {
            vbq.lock.lock();
        }
        vb.lock.lock();
        try {
            int free = vb.free(Access.READ);
            if (free < slots) {
                return -1;
            }
            hook.point(SchedulePoint.VB_ALLOC_TAKE_SLOTS, vb.start());
            int offset = bits - free;
            vb.setFree(free - slots);
            vb.markUsed(offset, slots);
            if (free == slots) {
                unlinkFromFreeList(vb, vbq);
            }
            return vb.start() + offset;
        } finally {
            vb.lock.unlock();
            if (queueFirst) {
                vbq.lock.unlock();
            }
        }
    }

    /**
     * new_vmap_block(): a fresh block with its first slots used, initialised, then inserted
     * into the hashed index, then linked on vb->cpu's free list (at the tail; at the head with
     * the head-insert bug; with the canary list-add-this-cpu, on the queue of the CPU read again
     * here). With publish-before-init, vb->cpu is written after the insert.
     */
    private long newVmapBlock(CpuContext ctx, int slots) {
        hook.touch(Resource.BLOCK_EVENTS, 0, true);
        long createdAt = events.incrementAndGet();
        VmapArea area = areas.alloc(bits, bits, VmapArea.Kind.BLOCK);
        if (area == null) {
            return -1;
        }
        hook.point(SchedulePoint.NEW_BLOCK_INIT, area.start());
        VmapBlock vb = new VmapBlock(area, slots, createdAt, hook);
        if (!bugs.has(Bug.PUBLISH_BEFORE_INIT)) {
            setCpu(vb, ctx);
        }
        insertIntoIndex(vb);
        if (bugs.has(Bug.PUBLISH_BEFORE_INIT)) {
            setCpu(vb, ctx);
        }
        VmapBlockQueue vbq = queues.of(bugs.has(Bug.LIST_ADD_THIS_CPU) ? readCpu(ctx) : vb.cpu());
        vbq.lock.lock();
        try {
            hook.point(SchedulePoint.NEW_BLOCK_LIST_ADD, area.start());
            hook.touch(Resource.BLOCK_EVENTS, 0, true);
            vb.linkedAt = events.incrementAndGet();
            vbq.freeList.add(vb, bugs.has(Bug.HEAD_INSERT));
        } finally {
            vbq.lock.unlock();
        }
        return area.start();
    }

    private void setCpu(VmapBlock vb, CpuContext ctx) {
        int cpu = readCpu(ctx);
        hook.point(SchedulePoint.NEW_BLOCK_SET_CPU, cpu);
        vb.setCpu(cpu);
    }

    private void insertIntoIndex(VmapBlock vb) {
        VmapBlockQueue xa = queues.indexFor(vb.start());
        hook.point(SchedulePoint.NEW_BLOCK_INDEX_INSERT, vb.start());
        hook.published(xa.index, vb);
        touchIndex(xa, vb.start(), true);
        VmapBlock previous = xa.index.putIfAbsent(queues.blockIndex(vb.start()), vb);
        if (previous != null) {
            throw new ModelAssertion(InvariantId.NO_OVERLAP, "xa_insert of " + vb + " found " + previous
                    + " at the same index: one VA area handed out twice");
        }
    }

    /**
     * vb_free(): clears the used slots, clears the PTEs (the seed fix), widens the dirty range;
     * the free that makes the block fully dirty frees the block.
     */
    void vbFree(long va, int pages) {
        int slots = slotsFor(pages);
        VmapBlock vb = lookup(va);
        int offset = (int) (va - vb.start());
        clearUsedSlots(vb, offset, slots);
        boolean clearsPtesFirst = !bugs.has(Bug.LAZY_PTE_CLEAR) && !bugs.has(Bug.LAST_REGION_MAPPED);
        if (clearsPtesFirst) {
            pageTable.clearRange(va, pages);
        }
        boolean fullyDirty = markDirty(vb, offset, slots);
        if (bugs.has(Bug.LAST_REGION_MAPPED) && !bugs.has(Bug.LAZY_PTE_CLEAR) && !fullyDirty) {
            pageTable.clearRange(va, pages);
        }
        if (fullyDirty) {
            freeVmapBlock(vb);
            history.blockLazyLinked(vb.area);
            if (listsRetiring()) {
                // the end of the patch's free_vmap_block(), on the one path whose block was listed
                // (its list_empty() test skips the lock for blocks a purge frees)
                retiringListOf(vb).remove(vb);
            }
        }
    }

    private VmapBlock lookup(long va) {
        VmapBlockQueue xa = queues.indexFor(va);
        hook.point(SchedulePoint.VB_FREE_INDEX_LOAD, va);
        touchIndex(xa, va, false);
        VmapBlock vb = xa.index.get(queues.blockIndex(va));
        if (vb == null) {
            throw new IllegalArgumentException("vm_unmap_ram of VA page " + va + ": no vmap_block holds it"
                    + " (unmapped twice, or never mapped)");
        }
        hook.consumed(xa.index, vb);
        return vb;
    }

    private void clearUsedSlots(VmapBlock vb, int offset, int slots) {
        vb.lock.lock();
        try {
            hook.point(SchedulePoint.VB_FREE_CLEAR_USED, vb.start() + offset);
            vb.clearUsed(offset, slots);
        } finally {
            vb.lock.unlock();
        }
    }

    /**
     * Widens the dirty range and counts the slots dirty; true when the block became fully dirty.
     * The canaries dirty-range-unlocked and dirty-count-unlocked each make one of the two updates
     * just before vb->lock is taken (the count then judged on the value this free wrote).
     */
    private boolean markDirty(VmapBlock vb, int offset, int slots) {
        boolean rangeUnlocked = bugs.has(Bug.DIRTY_RANGE_UNLOCKED);
        boolean countUnlocked = bugs.has(Bug.DIRTY_COUNT_UNLOCKED);
        if (rangeUnlocked) {
            vb.widenDirtyRange(offset, slots);
        }
        int dirty = countUnlocked ? countDirty(vb, slots) : 0;
        vb.lock.lock();
        try {
            hook.point(SchedulePoint.VB_FREE_MARK_DIRTY, vb.start() + offset);
            if (!rangeUnlocked) {
                vb.widenDirtyRange(offset, slots);
            }
            if (!countUnlocked) {
                dirty = countDirty(vb, slots);
            }
            if (dirty != bits) {
                return false;
            }
            if (vb.free(Access.READ) != 0) {
                throw new ModelAssertion(InvariantId.BLOCK_ACCOUNTING, "BUG_ON(vb->free): " + vb
                        + " is fully dirty with never-allocated slots");
            }
            history.blockReleaseStarted(vb.area);
            retireLocked(vb);
            return true;
        } finally {
            vb.lock.unlock();
        }
    }

    /** {@code vb->dirty += slots}; returns the new count. */
    private static int countDirty(VmapBlock vb, int slots) {
        int dirty = vb.dirty(Access.READ) + slots;
        vb.setDirty(dirty);
        return dirty;
    }

    /**
     * What the switches do when a vb_free has made {@code vb} fully dirty ({@code vb->lock}
     * held): the canary flush-under-block-lock flushes under vmap_purge_lock; the patch
     * flush-on-retire flushes the dirty range itself; the patches retire-list and vbq-retire-list
     * list the block.
     */
    private void retireLocked(VmapBlock vb) {
        if (bugs.has(Bug.FLUSH_UNDER_BLOCK_LOCK)) {
            lazyPurge.flushUnderPurgeLock(vb.dirtyStart(), vb.dirtyEnd());
        }
        if (bugs.has(Bug.FLUSH_ON_RETIRE)) {
            lazyPurge.flushKernelRange(vb.dirtyStart(), vb.dirtyEnd());
            vb.resetDirtyRange();
        }
        if (listsRetiring()) {
            retiringListOf(vb).add(vb);
        }
    }

    /** Whether a retire-list patch is on: the global list's or the per-queue lists'. */
    private boolean listsRetiring() {
        return bugs.has(Bug.RETIRE_LIST) || bugs.has(Bug.VBQ_RETIRE_LIST);
    }

    /** The list a retiring block goes on: the global one (retire-list), or vb->cpu's queue's (vbq-retire-list). */
    private RetireList retiringListOf(VmapBlock vb) {
        return bugs.has(Bug.RETIRE_LIST) ? retiring : queues.of(vb.cpu()).retiring;
    }

    /** free_vmap_block(): out of the index, its area onto the lazy list. */
    private void freeVmapBlock(VmapBlock vb) {
        VmapBlockQueue xa = queues.indexFor(vb.start());
        hook.point(SchedulePoint.FREE_BLOCK_INDEX_ERASE, vb.start());
        touchIndex(xa, vb.start(), true);
        VmapBlock erased = xa.index.remove(queues.blockIndex(vb.start()));
        if (erased != vb) {
            throw new ModelAssertion(InvariantId.BLOCK_ACCOUNTING, "BUG_ON(tmp != vb): freeing " + vb
                    + " erased " + erased + " from the index");
        }
        lazyPurge.freeVmapAreaNoflush(vb.area);
    }

    /**
     * purge_fragmented_block(), {@code vb->lock} held: a block with no live slot that is not
     * already fully dirty, and (unless forced) with less than VMAP_PURGE_THRESHOLD free slots,
     * is made fully dirty, unlinked from its free list under {@code vb->cpu}'s queue lock (the
     * walker's queue lock with wrong-vbq-lock) and queued on {@code purgeList} for freeing.
     */
    /**
     * Reports a touch of the index slot of {@code va}: a write (insert, erase) changes the index
     * a walk reads as a whole, too.
     */
    private void touchIndex(VmapBlockQueue xa, long va, boolean write) {
        hook.touch(Resource.INDEX_SLOT, ((long) xa.cpu << 32) | queues.blockIndex(va), write);
        if (write) {
            hook.touch(Resource.INDEX, xa.cpu, true);
        }
    }

    private boolean purgeFragmentedBlock(VmapBlock vb, VmapBlockQueue walked, List<VmapBlock> purgeList,
                                         boolean force, List<PurgedBlock> report) {
        VmapBlockQueue vbq = bugs.has(Bug.WRONG_VBQ_LOCK) ? walked : queues.of(vb.cpu());
        hook.point(SchedulePoint.FRAGMENT_PURGE_CHECK, vb.start());
        if (bugs.has(Bug.NO_FRAGMENT_PURGE)) {
            return false;
        }
        int free = vb.free(Access.READ);
        int dirty = vb.dirty(Access.READ);
        if (free + dirty != bits || dirty == bits) {
            return false;
        }
        boolean usable = free >= config.vmapPurgeThreshold();
        if (usable && !force && !bugs.has(Bug.PURGE_USABLE_BLOCKS)) {
            return false;
        }
        report.add(new PurgedBlock(vb.start(), free, force));
        vb.setFree(0);
        vb.setDirty(bits);
        vb.setDirtyRange(0, bits);
        unlinkFromFreeList(vb, vbq);
        purgeList.add(vb);
        return true;
    }

    /** list_del_rcu(&vb->free_list) under {@code lockedQueue}'s lock; the list is always vb->cpu's. */
    private void unlinkFromFreeList(VmapBlock vb, VmapBlockQueue lockedQueue) {
        lockedQueue.lock.lock();
        try {
            queues.of(vb.cpu()).freeList.remove(vb);
        } finally {
            lockedQueue.lock.unlock();
        }
    }

    /** free_purged_blocks(). */
    private void freePurgedBlocks(List<VmapBlock> purgeList) {
        purgeList.forEach(this::freeVmapBlock);
    }

    /** purge_fragmented_blocks_allcpus(): forced purge of every free list's fragmented blocks. */
    List<PurgedBlock> purgeFragmentedBlocksAllCpus() {
        List<PurgedBlock> report = new ArrayList<>();
        if (bugs.has(Bug.NO_FRAGMENT_PURGE)) {
            return report;
        }
        for (VmapBlockQueue vbq : queues.possible()) {
            List<VmapBlock> purgeList = new ArrayList<>();
            for (VmapBlock vb : vbq.freeList.readRcu()) {
                if (looksFragmented(vb)) {
                    vb.lock.lock();
                    try {
                        purgeFragmentedBlock(vb, vbq, purgeList, true, report);
                    } finally {
                        vb.lock.unlock();
                    }
                }
            }
            freePurgedBlocks(purgeList);
        }
        return report;
    }

    /** purge_fragmented_blocks()' lockless pre-check (READ_ONCE of free and dirty). */
    private boolean looksFragmented(VmapBlock vb) {
        hook.point(SchedulePoint.FRAGMENT_PURGE_LOCKLESS_READ, vb.start());
        int free = vb.free(Access.READ_ONCE);
        int dirty = vb.dirty(Access.READ_ONCE);
        return free + dirty == bits && dirty != bits;
    }

    /**
     * The block walk of _vm_unmap_aliases(), {@code vmap_purge_lock} held: every block of every
     * possible CPU's index (only the free lists with free-list-walk) is purged if fragmented,
     * else its dirty range joins the flush range and is reset (kept with flush-over-and-over).
     * Returns the range to flush as {@code [start, end)}, or null when nothing is dirty.
     */
    long[] collectDirtyRanges(List<PurgedBlock> report) {
        long[] range = {Long.MAX_VALUE, 0};
        List<VmapBlock> purgeList = new ArrayList<>();
        for (VmapBlockQueue vbq : queues.possible()) {
            boolean freeListWalk = bugs.has(Bug.FREE_LIST_WALK);
            Iterable<VmapBlock> blocks = freeListWalk ? List.of(vbq.freeList.readRcu()) : vbq.index.values();
            touchWalked(vbq, freeListWalk);
            for (VmapBlock vb : blocks) {
                touchWalked(vbq, freeListWalk);
                if (!freeListWalk) {
                    hook.consumed(vbq.index, vb);
                }
                hook.point(SchedulePoint.ALIASES_VISIT_BLOCK, vb.start());
                vb.lock.lock();
                try {
                    if (!purgeFragmentedBlock(vb, vbq, purgeList, false, report)) {
                        takeDirtyRange(vb, range);
                    }
                } finally {
                    vb.lock.unlock();
                }
            }
            touchWalked(vbq, freeListWalk);
        }
        freePurgedBlocks(purgeList);
        if (bugs.has(Bug.RETIRE_LIST)) {
            retiring.widenByPending(range);
        }
        if (bugs.has(Bug.VBQ_RETIRE_LIST)) {
            // after the whole index walk, not in its per-CPU loop: a block is listed on vb->cpu's
            // queue but indexed in the queue its address hashes to, often a later one
            queues.possible().forEach(vbq -> vbq.retiring.widenByPending(range));
        }
        return range[1] == 0 ? null : range;
    }

    /** Widens {@code range} by the block's dirty range and resets it; {@code vb->lock} held. */
    /**
     * An index walk reads the index lazily, one entry per step of the walk (the map's weakly
     * consistent iterator, as xa_for_each): each of those steps reads the whole index.
     */
    private void touchWalked(VmapBlockQueue vbq, boolean freeListWalk) {
        if (!freeListWalk) {
            hook.touch(Resource.INDEX, vbq.cpu, false);
        }
    }

    private void takeDirtyRange(VmapBlock vb, long[] range) {
        boolean skipsFullyDirty = vb.dirty(Access.READ) == bits && !bugs.has(Bug.WALK_FULLY_DIRTY);
        if (!vb.hasDirtyRange() || skipsFullyDirty) {
            return;
        }
        long start = vb.dirtyStart();
        long end = vb.dirtyEnd();
        if (bugs.has(Bug.LAZY_PTE_CLEAR)) {
            clearFreedPtes(vb);
        }
        range[0] = Math.min(range[0], start);
        range[1] = Math.max(range[1], end);
        if (!bugs.has(Bug.FLUSH_OVER_AND_OVER)) {
            vb.resetDirtyRange();
        }
    }

    /** Before 64141da5 the aliases walk unmapped the dirty (freed, not live) slots itself. */
    private void clearFreedPtes(VmapBlock vb) {
        for (int slot = vb.dirtyMin(), end = vb.dirtyMax(); slot < end; slot++) {
            if (!vb.isUsed(slot) && pageTable.isMapped(vb.start() + slot)) {
                pageTable.clearRange(vb.start() + slot, 1);
            }
        }
    }

    /** Every block in every possible CPU's index, in index order (for checks; no schedule points). */
    List<VmapBlock> allIndexedBlocks() {
        List<VmapBlock> blocks = new ArrayList<>();
        queues.possible().forEach(q -> {
            hook.touch(Resource.INDEX, q.cpu, false);
            blocks.addAll(q.index.values());
        });
        return blocks;
    }

    private int readCpu(CpuContext ctx) {
        hook.point(SchedulePoint.READ_CPU, ctx.cpu());
        return ctx.cpu();
    }

    /** 2^get_order(pages * PAGE_SIZE): the slots a request of {@code pages} takes. */
    static int slotsFor(int pages) {
        return (int) ModelConfig.roundupPowOfTwo(pages);
    }
}
