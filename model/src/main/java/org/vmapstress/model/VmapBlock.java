package org.vmapstress.model;

import java.util.BitSet;

/**
 * A {@code struct vmap_block}: one block-sized, block-aligned VA area carved into page slots
 * for small {@code vm_map_ram} requests. Slots are handed out sequentially from offset
 * {@code BITS - free}; a freed slot is never reused inside the block: the VA comes back only
 * when the whole block is freed and lazily purged.
 *
 * <p>Invariants (BLOCK-ACCOUNTING, checked at quiescence): {@code free + dirty + live == BITS}
 * where live is the number of set bits of {@code usedMap}; used slots lie below
 * {@code BITS - free}; the dirty range {@code [dirtyMin, dirtyMax)} (empty as
 * {@code BITS, 0}) covers every freed slot a TLB may still cache.
 *
 * <p>Locking: {@link #lock} guards every field below it. {@code free} and {@code dirty} are
 * also read without the lock (vb_alloc's and purge_fragmented_blocks' pre-checks, the
 * kernel's READ_ONCE), so they are volatile; every such read is re-checked under the lock.
 * {@code cpu} is written once, before publication in the fixed kernel (after it with the
 * publish-before-init bug), and read locklessly: volatile.
 *
 * <p>The model's steps touch these fields only through the methods below, which report each
 * access to the hook ({@link ScheduleHook#access}: the race detector, when it is on); the
 * checks and snapshots read the fields directly, as a debugger would.
 */
final class VmapBlock {
    /** vb->cpu before new_vmap_block wrote it: what a reader sees when the block was published early. */
    static final int CPU_UNSET = -1;

    private static final SharedField FREE = SharedField.of(VmapBlock.class, "free");
    private static final SharedField DIRTY = SharedField.of(VmapBlock.class, "dirty");
    private static final SharedField DIRTY_MIN = SharedField.of(VmapBlock.class, "dirtyMin");
    private static final SharedField DIRTY_MAX = SharedField.of(VmapBlock.class, "dirtyMax");
    private static final SharedField USED_MAP = SharedField.of(VmapBlock.class, "usedMap");
    private static final SharedField CPU = SharedField.of(VmapBlock.class, "cpu");

    final ModelLock lock;
    private final ScheduleHook hook;
    final VmapArea area;
    final int bits;
    /** Instrumentation, not kernel state: when new_vmap_block started, in the allocator's event order. */
    final long createdAt;
    /** Instrumentation: when the block was linked on its free list (0 until then). */
    @Guarded(Guard.INSTRUMENTATION)
    volatile long linkedAt;

    @Guarded(value = Guard.LOCK, lock = "lock",
            lockless = "READ_ONCE pre-checks of vb_alloc and purge_fragmented_blocks, re-checked under the lock")
    volatile int free;
    @Guarded(value = Guard.LOCK, lock = "lock",
            lockless = "READ_ONCE pre-check of purge_fragmented_blocks, re-checked under the lock")
    volatile int dirty;
    @Guarded(value = Guard.LOCK, lock = "lock")
    int dirtyMin;
    @Guarded(value = Guard.LOCK, lock = "lock")
    int dirtyMax;
    @Guarded(value = Guard.LOCK, lock = "lock")
    final BitSet usedMap;
    @Guarded(value = Guard.PUBLISHED,
            lockless = "read without a lock once the block is found through the index or a free list")
    volatile int cpu = CPU_UNSET;

    /** new_vmap_block's initialisation of every field but {@code cpu}: the first {@code firstSlots} are used. */
    VmapBlock(VmapArea area, int firstSlots, long createdAt, ScheduleHook hook) {
        this.area = area;
        this.bits = (int) area.pages();
        this.createdAt = createdAt;
        this.lock = new ModelLock(LockClass.BLOCK, "vb@" + area.start() + ".lock", hook);
        this.hook = hook;
        this.usedMap = new BitSet(bits);
        this.usedMap.set(0, firstSlots);
        this.free = bits - firstSlots;
        this.dirty = 0;
        this.dirtyMin = bits;
        this.dirtyMax = 0;
    }

    long start() {
        return area.start();
    }

    /** vb->free, read plainly ({@link Access#READ}, under the lock) or as a READ_ONCE pre-check. */
    int free(Access kind) {
        hook.access(this, FREE, kind);
        return free;
    }

    void setFree(int value) {
        hook.access(this, FREE, Access.WRITE);
        free = value;
    }

    /** vb->dirty, read plainly (under the lock) or as a READ_ONCE pre-check. */
    int dirty(Access kind) {
        hook.access(this, DIRTY, kind);
        return dirty;
    }

    void setDirty(int value) {
        hook.access(this, DIRTY, Access.WRITE);
        dirty = value;
    }

    /** vb->cpu, read without a lock by whoever reached the block through a publication. */
    int cpu() {
        hook.access(this, CPU, Access.READ);
        return cpu;
    }

    void setCpu(int value) {
        hook.access(this, CPU, Access.WRITE);
        cpu = value;
    }

    /** Marks {@code [offset, offset + slots)} used (bitmap_set of used_map); lock held. */
    void markUsed(int offset, int slots) {
        hook.access(this, USED_MAP, Access.WRITE);
        usedMap.set(offset, offset + slots);
    }

    /** Marks {@code [offset, offset + slots)} no longer used (bitmap_clear); lock held. */
    void clearUsed(int offset, int slots) {
        hook.access(this, USED_MAP, Access.WRITE);
        usedMap.clear(offset, offset + slots);
    }

    /** Whether {@code slot} is used; lock held. */
    boolean isUsed(int slot) {
        hook.access(this, USED_MAP, Access.READ);
        return usedMap.get(slot);
    }

    /** Widens the not-yet-flushed range by {@code [offset, offset + slots)}; lock held. */
    void widenDirtyRange(int offset, int slots) {
        setDirtyRange(Math.min(dirtyMin(), offset), Math.max(dirtyMax(), offset + slots));
    }

    /** Marks the dirty range flushed ("prevent that this is flushed again"); lock held. */
    void resetDirtyRange() {
        setDirtyRange(bits, 0);
    }

    /** Sets the dirty range to {@code [min, max)}; lock held. */
    void setDirtyRange(int min, int max) {
        hook.access(this, DIRTY_MIN, Access.WRITE);
        dirtyMin = min;
        hook.access(this, DIRTY_MAX, Access.WRITE);
        dirtyMax = max;
    }

    int dirtyMin() {
        hook.access(this, DIRTY_MIN, Access.READ);
        return dirtyMin;
    }

    int dirtyMax() {
        hook.access(this, DIRTY_MAX, Access.READ);
        return dirtyMax;
    }

    boolean hasDirtyRange() {
        return dirtyMax() > 0;
    }

    /** The first VA page of the dirty range; lock held. */
    long dirtyStart() {
        return start() + dirtyMin();
    }

    /** The VA page after the dirty range; lock held. */
    long dirtyEnd() {
        return start() + dirtyMax();
    }

    /** Slots handed out since the block was created (live or freed), for the checks: not reported as an access. */
    int allocatedSlots() {
        return bits - free;
    }

    @Override
    public String toString() {
        return "vmap_block@" + area.start() + "{cpu=" + cpu + " free=" + free + " dirty=" + dirty + " dirty_range=["
                + dirtyMin + "," + dirtyMax + ") live=" + usedMap.cardinality() + "}";
    }
}
