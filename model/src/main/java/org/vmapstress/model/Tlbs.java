package org.vmapstress.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TLB per CPU id, caching VA page -> pfn. An entry is filled when a thread touches a
 * mapped VA on that CPU and leaves only through {@code flush_tlb_kernel_range}, which clears a
 * range on every CPU. A TLB hit wins over the page table: a stale entry is exactly how a
 * lazily unflushed VA still reaches its old page.
 *
 * <p>Counters: flushes and pages flushed (the expensive IPIs the lazy design saves).
 *
 * <p>Concurrency: each CPU's TLB is guarded by its own monitor, so a fill (the page walk and
 * the insert) and the flush of that CPU are atomic with respect to each other, as a hardware
 * fill and the flush IPI handled on that CPU are. Each fill and each flush is one schedule
 * point. The monitors are below the model's lock order and never held across a schedule point.
 */
public final class Tlbs {
    @Guarded(Guard.MONITOR)
    private final List<TreeMap<Long, Integer>> perCpu = new ArrayList<>();
    @Guarded(Guard.ATOMIC)
    private final AtomicLong flushes = new AtomicLong();
    @Guarded(Guard.ATOMIC)
    private final AtomicLong pagesFlushed = new AtomicLong();
    private final ScheduleHook hook;

    Tlbs(int nrCpuIds, ScheduleHook hook) {
        for (int cpu = 0; cpu < nrCpuIds; cpu++) {
            perCpu.add(new TreeMap<>());
        }
        this.hook = hook;
    }

    /**
     * A load or store by {@code cpu} at {@code va}: the TLB's translation if it has one, else the
     * page table's (filling the TLB), else -1 (a fault).
     */
    int access(int cpu, long va, KernelPageTable pageTable) {
        hook.point(SchedulePoint.TLB_FILL, va);
        hook.touch(Resource.TLB, cpu, true);
        TreeMap<Long, Integer> tlb = perCpu.get(cpu);
        synchronized (tlb) {
            Integer cached = tlb.get(va);
            if (cached != null) {
                return cached;
            }
            int pfn = pageTable.pfnAt(va);
            if (pfn >= 0) {
                tlb.put(va, pfn);
            }
            return pfn;
        }
    }

    /** flush_tlb_kernel_range(start, end) over VA pages {@code [start, end)}, on every CPU. */
    void flushKernelRange(long start, long end) {
        hook.point(SchedulePoint.TLB_FLUSH, start);
        for (int cpu = 0; cpu < perCpu.size(); cpu++) {
            hook.touch(Resource.TLB, cpu, true);
        }
        hook.touch(Resource.TLB_FLUSHES, 0, true);
        for (TreeMap<Long, Integer> tlb : perCpu) {
            synchronized (tlb) {
                for (Long va = tlb.ceilingKey(start); va != null && va < end; va = tlb.ceilingKey(va)) {
                    tlb.remove(va);
                }
            }
        }
        flushes.incrementAndGet();
        pagesFlushed.addAndGet(end - start);
    }

    /** The pfn {@code cpu}'s TLB caches for {@code va}, or null. */
    public Integer cached(int cpu, long va) {
        hook.touch(Resource.TLB, cpu, false);
        TreeMap<Long, Integer> tlb = perCpu.get(cpu);
        synchronized (tlb) {
            return tlb.get(va);
        }
    }

    /** {@code cpu}'s entries in {@code [start, end)}, VA page -> pfn, in VA order. */
    public Map<Long, Integer> entries(int cpu, long start, long end) {
        hook.touch(Resource.TLB, cpu, false);
        TreeMap<Long, Integer> tlb = perCpu.get(cpu);
        synchronized (tlb) {
            return new TreeMap<>(tlb.subMap(start, end));
        }
    }

    /** Every entry of {@code cpu}'s TLB, in VA order. */
    public Map<Long, Integer> entries(int cpu) {
        hook.touch(Resource.TLB, cpu, false);
        TreeMap<Long, Integer> tlb = perCpu.get(cpu);
        synchronized (tlb) {
            return new TreeMap<>(tlb);
        }
    }

    public int cpuCount() {
        return perCpu.size();
    }

    public long flushes() {
        hook.touch(Resource.TLB_FLUSHES, 0, false);
        return flushes.get();
    }

    public long pagesFlushed() {
        hook.touch(Resource.TLB_FLUSHES, 0, false);
        return pagesFlushed.get();
    }
}
