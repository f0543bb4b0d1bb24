package org.vmapstress.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The invariant checks the harness calls, over one model's state. Each returns the violation
 * with its {@link InvariantId} and a precise message, or nothing. None of them takes a model
 * lock or passes a schedule point, so calling one never changes an interleaving.
 *
 * <p>Two kinds: <em>operation checks</em>, valid right after the named operation returned in
 * the calling thread ({@link #freshMapping}, {@link #unmapCleared}, {@link #noWritableAlias},
 * {@link #aliasesFlushed}, {@link #flushOnce}, {@link #usableKept}), and <em>quiescent
 * checks</em> ({@link #quiescent}, {@link #noBlocksLeft}), valid only while no operation is in
 * flight, since the kernel lets the accounting lag inside an operation.
 */
public final class Invariants {
    /** How often {@link #aliasesFlushed} reads a page's history again before it calls the model broken. */
    private static final int SETTLE_ATTEMPTS = 10_000;
    /**
     * The classes that only judge the model (these checks, the unmap history they read, lockdep,
     * the free counters, when a violation was raised): no kernel state, and nothing the operations decide by. A model checker
     * may leave them out of its analysis (Lincheck's {@code ignore} guarantee): no interleaving
     * inside them changes what the model does, and skipping them makes an invocation cheaper.
     */
    public static final List<String> CHECKER_CLASSES = List.of(Invariants.class.getName(), UnmapHistory.class.getName(),
            LockDep.class.getName(), FreeActivity.class.getName(), RaisedViolation.class.getName());

    private final VmapAllocator model;
    private final int bits;
    /** Whether blocks in transit are judged too ({@link Bug#STRICT_ALIASES_FLUSHED}). */
    private final boolean strict;

    Invariants(VmapAllocator model) {
        this.model = model;
        this.bits = model.config().vmapBbmapBits();
        this.strict = model.bugs().has(Bug.STRICT_ALIASES_FLUSHED);
    }

    /** NO-OVERLAP: every page of a live mapping maps the pfn its caller gave. */
    public Optional<Violation> mappingIntact(Mapping mapping) {
        KernelPageTable pageTable = model.pageTable();
        for (int i = 0; i < mapping.pages(); i++) {
            int pfn = pageTable.pfnAt(mapping.va() + i);
            if (pfn != mapping.pfnAt(i)) {
                return violation(InvariantId.NO_OVERLAP, "live mapping " + mapping + ": VA page " + (mapping.va() + i)
                        + (pfn < 0 ? " has no PTE" : " maps pfn " + pfn) + ", its caller gave pfn " + mapping.pfnAt(i));
            }
        }
        return Optional.empty();
    }

    /**
     * NO-OVERLAP: no two live mappings share a VA page. The mappings seen so far are disjoint,
     * so the one starting last at or before {@code m}'s last page overlaps {@code m} whenever
     * any of them does.
     */
    public Optional<Violation> noOverlap(Collection<Mapping> live) {
        TreeMap<Long, Mapping> byStart = new TreeMap<>();
        for (Mapping m : live) {
            Map.Entry<Long, Mapping> before = byStart.floorEntry(m.end() - 1);
            if (before != null && before.getValue().end() > m.va()) {
                return violation(InvariantId.NO_OVERLAP, "live mappings " + before.getValue() + " and " + m + " overlap");
            }
            byStart.put(m.va(), m);
        }
        return Optional.empty();
    }

    /** TLB-REUSE, then NO-OVERLAP: a VA range just handed out has no TLB entry on any CPU and maps its pfns. */
    public Optional<Violation> freshMapping(Mapping mapping) {
        Tlbs tlbs = model.tlbs();
        for (int cpu = 0; cpu < tlbs.cpuCount(); cpu++) {
            Map<Long, Integer> stale = tlbs.entries(cpu, mapping.va(), mapping.end());
            if (!stale.isEmpty()) {
                return violation(InvariantId.TLB_REUSE, "VA range " + mapping + " was handed out again while CPU "
                        + cpu + "'s TLB still caches " + stale + " (VA page -> pfn)");
            }
        }
        return mappingIntact(mapping);
    }

    /**
     * UNMAP-CLEARS: right after vm_unmap_ram of {@code mapping} returned, no page of its range
     * still maps the pfn it was given (a PTE mapping someone else's page means the VA was
     * already purged and handed out again, which is fine).
     */
    public Optional<Violation> unmapCleared(Mapping mapping) {
        KernelPageTable pageTable = model.pageTable();
        List<Long> stale = new ArrayList<>();
        for (int i = 0; i < mapping.pages(); i++) {
            if (pageTable.pfnAt(mapping.va() + i) == mapping.pfnAt(i)) {
                stale.add(mapping.va() + i);
            }
        }
        return stale.isEmpty() ? Optional.empty() : violation(InvariantId.UNMAP_CLEARS,
                "vm_unmap_ram of " + mapping + " returned with PTEs still mapping its pages at VA pages " + stale);
    }

    /** PTE-ALIAS: a page about to be reused or pinned has no writable PTE anywhere. */
    public Optional<Violation> noWritableAlias(int pfn) {
        if (model.pageTable().writableMappings(pfn) == 0) {
            return Optional.empty();
        }
        return violation(InvariantId.PTE_ALIAS, "pfn " + pfn + " is being reused while VA pages "
                + model.pageTable().writableAliasesOf(pfn) + " still map it writable");
    }

    /** PTE-ALIAS: the outcome of pinning {@code pfn} as a page table (a refusal is Xen's failure). */
    public Optional<Violation> pinAccepted(int pfn, PageFramePool.PinResult result) {
        if (result.pinned()) {
            return Optional.empty();
        }
        return violation(InvariantId.PTE_ALIAS, "pinning pfn " + pfn + " as a page table was refused: "
                + result.writableAliases() + " writable PTE(s) still map it, at VA pages "
                + model.pageTable().writableAliasesOf(pfn));
    }

    /**
     * ALIASES-FLUSHED: right after vm_unmap_aliases returned, no TLB caches a VA whose unmap
     * returned at or before {@code unmapTimeBefore} ({@link VmapAllocator#unmapTime()} read
     * before the call). Exempt: VAs of a block that a concurrent vb_free was releasing during
     * the call, which the kernel's walk skips by design (see docs/model.md); with
     * {@link Bug#STRICT_ALIASES_FLUSHED} on, such a VA is reported as ALIASES-FLUSHED-STRICT.
     *
     * <p>Other threads may run on while this checks (free-running): each entry is judged on one
     * consistent view, the page's history read before and after seeing the entry still cached
     * and unchanged in between (else read again), so the entry belongs to that history's mapping.
     */
    public Optional<Violation> aliasesFlushed(long unmapTimeBefore) {
        Tlbs tlbs = model.tlbs();
        for (int cpu = 0; cpu < tlbs.cpuCount(); cpu++) {
            for (Map.Entry<Long, Integer> entry : tlbs.entries(cpu).entrySet()) {
                long va = entry.getKey();
                Optional<UnmapHistory.PageHistory> cached = historyWhileCached(cpu, va, entry.getValue());
                if (cached.isEmpty() || !cached.get().unmappedBy(unmapTimeBefore)) {
                    continue;
                }
                boolean inTransit = cached.get().inTransitSince(unmapTimeBefore);
                if (!inTransit || strict) {
                    return violation(inTransit ? InvariantId.ALIASES_FLUSHED_STRICT : InvariantId.ALIASES_FLUSHED,
                            "after vm_unmap_aliases (begun at t=" + unmapTimeBefore + ") returned, CPU " + cpu
                                    + "'s TLB still caches VA page " + va + " -> pfn " + entry.getValue()
                                    + ", whose unmap returned before the call (" + cached.get()
                                    + (inTransit ? "; its block was being retired by a concurrent vb_free during the call" : "")
                                    + "; at report time: " + whereIs(va) + ")");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The history of {@code va} at a moment when {@code cpu} still cached {@code va -> pfn}, or
     * empty when the entry has been flushed since it was copied. Read again while the page's
     * history changes under it (each change is another thread's map, unmap or release of that
     * very page, so this settles at once in practice); a page that never settles is a model defect.
     */
    private Optional<UnmapHistory.PageHistory> historyWhileCached(int cpu, long va, int pfn) {
        UnmapHistory history = model.unmapHistory();
        for (int attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++) {
            UnmapHistory.PageHistory before = history.page(va);
            boolean cached = Integer.valueOf(pfn).equals(model.tlbs().cached(cpu, va));
            if (history.page(va) == before) {
                return cached ? Optional.of(before) : Optional.empty();
            }
        }
        throw new IllegalStateException("the history of VA page " + va + " changed " + SETTLE_ATTEMPTS
                + " times while ALIASES-FLUSHED read it");
    }

    /** Where a VA page is now: in which indexed block, on the lazy list, or neither. */
    private String whereIs(long va) {
        int pte = model.pageTable().pfnAt(va);
        String mapped = pte < 0 ? "no PTE, " : "PTE -> pfn " + pte + ", ";
        for (VmapBlock vb : model.blocks().allIndexedBlocks()) {
            if (vb.start() <= va && va < vb.start() + bits) {
                return mapped + "in " + vb;
            }
        }
        for (VmapArea area : model.lazyList().snapshot()) {
            if (area.start() <= va && va < area.end()) {
                return mapped + "on the lazy list in " + area;
            }
        }
        return mapped + "in no block and not on the lazy list";
    }

    /**
     * FLUSH-ONCE: a vm_unmap_aliases that follows another with no free in between flushes no
     * page. {@code beforeFirst} is read before the first call, {@code afterSecond} after the
     * second; when a free ran in between, the check does not apply and passes.
     */
    public Optional<Violation> flushOnce(FreeActivity beforeFirst, AliasesReport second, FreeActivity afterSecond) {
        if (!beforeFirst.quietUntil(afterSecond) || second.pagesFlushed() == 0) {
            return Optional.empty();
        }
        return violation(InvariantId.FLUSH_ONCE, "a second vm_unmap_aliases with no free since the first flushed "
                + second.pagesFlushed() + " pages again");
    }

    /** USABLE-KEPT: a vm_unmap_aliases purged no block that still had VMAP_PURGE_THRESHOLD free slots. */
    public Optional<Violation> usableKept(AliasesReport report) {
        int threshold = model.config().vmapPurgeThreshold();
        for (PurgedBlock purged : report.purged()) {
            if (!purged.forced() && purged.freeAtPurge() >= threshold) {
                return violation(InvariantId.USABLE_KEPT, "vm_unmap_aliases purged the block at VA page "
                        + purged.start() + " with " + purged.freeAtPurge() + " free slots, at or above VMAP_PURGE_THRESHOLD "
                        + threshold + ": a usable block thrown away");
            }
        }
        return Optional.empty();
    }

    /**
     * BOUNDED-BLOCKS: with nothing live and right after a synchronous purge
     * ({@link VmapAllocator#purgeVmapAreaLazy()}), no block is left.
     */
    public Optional<Violation> noBlocksLeft() {
        List<VmapBlock> left = model.blocks().allIndexedBlocks();
        return left.isEmpty() ? Optional.empty() : violation(InvariantId.BOUNDED_BLOCKS, left.size()
                + " block(s) survived a synchronous purge with nothing live, e.g. " + left.get(0));
    }

    /** Every quiescent check: BLOCK-ACCOUNTING, LAZY-COUNT, QUEUE-OWNER, PUBLISHED-INIT, BOUNDED-BLOCKS. */
    public List<Violation> quiescent() {
        List<Violation> found = new ArrayList<>();
        List<VmapBlock> indexed = model.blocks().allIndexedBlocks();
        indexed.forEach(vb -> blockAccounting(vb).ifPresent(found::add));
        lazyCount().ifPresent(found::add);
        publishedInit(indexed).ifPresent(found::add);
        queueOwner(indexed).ifPresent(found::add);
        oldestFirst().ifPresent(found::add);
        return found;
    }

    /** BLOCK-ACCOUNTING for one block: free + dirty + live == BITS, and the dirty range covers cached freed slots. */
    Optional<Violation> blockAccounting(VmapBlock vb) {
        int live = vb.usedMap.cardinality();
        if (vb.free + vb.dirty + live != bits) {
            return violation(InvariantId.BLOCK_ACCOUNTING, vb + ": free " + vb.free + " + dirty " + vb.dirty
                    + " + live " + live + " != " + bits);
        }
        int firstUnused = vb.usedMap.nextSetBit(vb.allocatedSlots());
        if (firstUnused >= 0) {
            return violation(InvariantId.BLOCK_ACCOUNTING, vb + ": slot " + firstUnused
                    + " is used but was never handed out");
        }
        return uncoveredCachedSlot(vb);
    }

    /** A freed slot some TLB still caches must lie inside the block's dirty range, or it will never be flushed. */
    private Optional<Violation> uncoveredCachedSlot(VmapBlock vb) {
        Tlbs tlbs = model.tlbs();
        for (int cpu = 0; cpu < tlbs.cpuCount(); cpu++) {
            for (long va : tlbs.entries(cpu, vb.start(), vb.start() + vb.allocatedSlots()).keySet()) {
                int slot = (int) (va - vb.start());
                boolean freed = !vb.usedMap.get(slot);
                if (freed && (slot < vb.dirtyMin || slot >= vb.dirtyMax)) {
                    return violation(InvariantId.BLOCK_ACCOUNTING, vb + ": freed slot " + slot + " is cached by CPU "
                            + cpu + "'s TLB but lies outside the dirty range, so no flush will reach it");
                }
            }
        }
        return Optional.empty();
    }

    /** LAZY-COUNT: vmap_lazy_nr equals the pages on the lazy list. */
    Optional<Violation> lazyCount() {
        long listed = model.lazyList().snapshot().stream().mapToLong(VmapArea::pages).sum();
        long counted = model.vmapLazyNr();
        return listed == counted ? Optional.empty() : violation(InvariantId.LAZY_COUNT,
                "vmap_lazy_nr is " + counted + " but the lazy list holds " + listed + " pages");
    }

    /** PUBLISHED-INIT: every indexed or listed block has its cpu set to a possible CPU. */
    private Optional<Violation> publishedInit(List<VmapBlock> indexed) {
        List<VmapBlock> reachable = new ArrayList<>(indexed);
        model.queues().possible().forEach(q -> reachable.addAll(q.freeList.peek()));
        for (VmapBlock vb : reachable) {
            if (vb.cpu == VmapBlock.CPU_UNSET || !model.config().isPossible(vb.cpu)) {
                return violation(InvariantId.PUBLISHED_INIT, vb + " is reachable but its cpu field is not initialised");
            }
        }
        return Optional.empty();
    }

    /** QUEUE-OWNER: each listed block is on one free list only, that of vb->cpu, and still indexed. */
    private Optional<Violation> queueOwner(List<VmapBlock> indexed) {
        Set<VmapBlock> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        live.addAll(indexed);
        Map<VmapBlock, Integer> listedOn = new IdentityHashMap<>();
        for (VmapBlockQueue q : model.queues().possible()) {
            for (VmapBlock vb : q.freeList.peek()) {
                Integer other = listedOn.put(vb, q.cpu);
                if (other != null) {
                    return violation(InvariantId.QUEUE_OWNER, vb + " is on the free lists of CPU " + other + " and CPU " + q.cpu);
                }
                if (vb.cpu != q.cpu) {
                    return violation(InvariantId.QUEUE_OWNER, vb + " is on CPU " + q.cpu + "'s free list, not its own");
                }
                if (!live.contains(vb)) {
                    return violation(InvariantId.QUEUE_OWNER, vb + " is still on CPU " + q.cpu
                            + "'s free list after it was freed (a lost list update)");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * BOUNDED-BLOCKS, the oldest-first half: a block created after another block was linked on
     * a free list never comes before it on that list. So vb_alloc fills older blocks first and
     * leaves at most the newest partly used, which is what keeps the number of blocks bounded
     * (Roman Pen's fix). Blocks created concurrently may be linked in either order.
     */
    private Optional<Violation> oldestFirst() {
        for (VmapBlockQueue q : model.queues().possible()) {
            List<VmapBlock> list = q.freeList.peek();
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    if (list.get(i).createdAt > list.get(j).linkedAt) {
                        return violation(InvariantId.BOUNDED_BLOCKS, "on CPU " + q.cpu + "'s free list " + list.get(i)
                                + ", created after " + list.get(j) + " was linked, comes before it: older blocks"
                                + " are passed over and never filled");
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Violation> violation(InvariantId id, String message) {
        return Optional.of(new Violation(id, message));
    }
}
