/**
 * A thread-safe model of the Linux vmap block allocator (mm/vmalloc.c, as of Linux 6.11), with
 * its historical bugs switchable one by one ({@link org.vmapstress.model.Bug}).
 *
 * <h2>What is modelled</h2>
 * <ul>
 *   <li>{@link org.vmapstress.model.VmapAllocator}: vm_map_ram, vm_unmap_ram, vm_unmap_aliases,
 *       purge_vmap_area_lazy, a touch of a VA through a CPU's TLB.</li>
 *   <li>VmapBlocks: vb_alloc, new_vmap_block, vb_free, free_vmap_block, purge_fragmented_block(s),
 *       the block walk of _vm_unmap_aliases.</li>
 *   <li>LazyPurge and LazyList: free_vmap_area_noflush, __purge_vmap_area_lazy, vmap_lazy_nr,
 *       lazy_max_pages(), drain_vmap_area_work.</li>
 *   <li>VaSpace: alloc_vmap_area, find_unlink_vmap_area, merge_or_add_vmap_area.</li>
 *   <li>{@link org.vmapstress.model.PageFramePool}, {@link org.vmapstress.model.KernelPageTable},
 *       {@link org.vmapstress.model.Tlbs}: page frames with reuse and a Xen-style pin check,
 *       the kernel page table, one TLB per CPU with flush counters.</li>
 * </ul>
 *
 * <h2>Lock order</h2>
 * Written once, in {@link org.vmapstress.model.LockClass}, and checked at every acquire by
 * LockDep:
 * <pre>
 *   vmap_purge_lock  ->  vmap_block.lock  ->  vmap_block_queue.lock  ->  leaves
 *   leaves: vmap_area_lock, lazy.lock, zone.lock, and with the retire-list patch
 *           vmap_block_retire_lock (never nested in each other)
 * </pre>
 * The vbq-retire-list patch adds no lock: its per-queue retiring lists are guarded by
 * vmap_block_queue.lock, in the order above.
 * The xarray index and the per-CPU TLBs stand on Java concurrent maps, whose internal
 * locking is a leaf the model does not name.
 *
 * <h2>The seam</h2>
 * Every step where another thread's interleaving matters (lock acquire and release, lockless
 * reads of {@code vb->free}, {@code vb->dirty}, {@code vb->cpu}, the RCU free lists, the index,
 * PTE writes, TLB fills and flushes, the lazy counter and list) calls
 * {@link org.vmapstress.model.ScheduleHook#point} with a named
 * {@link org.vmapstress.model.SchedulePoint}. The production hook does nothing.
 *
 * <h2>Memory access conventions</h2>
 * A field read without its lock is volatile and says so in its class comment; each such read
 * is a schedule point, and where the kernel re-checks it under the lock, so does the model.
 * Checks ({@link org.vmapstress.model.Invariants}) read state without locks or schedule points.
 *
 * <h2>What guards what</h2>
 * Every shared mutable field declares its guard next to it ({@link org.vmapstress.model.Guarded}:
 * a model lock, atomic, RCU, published once, its own monitor, its owner thread, a value, or
 * instrumentation for the checks), with the accesses it allows without that guard and why
 * ({@code GuardDeclarationTest} fails on a field without one). The race detector of issue 27
 * reads these declarations.
 *
 * <h2>Units</h2>
 * Everything is in pages: a VA is a page number inside the vmalloc space, starting at 0.
 */
package org.vmapstress.model;
