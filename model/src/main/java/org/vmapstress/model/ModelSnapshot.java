package org.vmapstress.model;

import java.util.List;
import java.util.Map;

/**
 * The model's state at one moment, for a failure report: every indexed block with its
 * accounting and which of its pages are still mapped, the lazy list and its counter, every
 * CPU's TLB entries with the PTE each VA has now, and the states of the pages those involve
 * (cached in a TLB, or mapped by a PTE left on a freed slot). Read without locks or schedule points (take
 * it while the other workers are stopped).
 */
public record ModelSnapshot(@Guarded(Guard.IMMUTABLE) List<BlockState> blocks, @Guarded(Guard.IMMUTABLE) List<VmapArea> lazyAreas,
                            long vmapLazyNr, long freeVaPages, long tlbFlushes, long pagesFlushed,
                            @Guarded(Guard.IMMUTABLE) List<TlbEntry> tlbEntries, @Guarded(Guard.IMMUTABLE) Map<Integer, PageState> pages) {

    /**
     * One vmap_block: slots used (live), dirty (freed), never handed out (free), its unflushed
     * range, and for each slot's page whether the kernel page table still maps it ({@code ptes}:
     * {@code P} mapped, {@code .} not).
     */
    public record BlockState(long start, int cpu, int bits, int free, int dirty, int live, int dirtyMin, int dirtyMax,
                             String slots, String ptes) {
    }

    /** A TLB entry of one CPU, with what the page table maps at that VA now (-1: no PTE). */
    public record TlbEntry(int cpu, long va, int pfn, int ptePfn) {
    }

    static ModelSnapshot of(VmapAllocator model) {
        List<BlockState> blocks = model.blocks().allIndexedBlocks().stream().map(vb -> blockState(vb, model.pageTable())).toList();
        Tlbs tlbs = model.tlbs();
        java.util.List<TlbEntry> entries = new java.util.ArrayList<>();
        java.util.Map<Integer, PageState> pages = new java.util.TreeMap<>();
        for (int cpu = 0; cpu < tlbs.cpuCount(); cpu++) {
            for (Map.Entry<Long, Integer> e : tlbs.entries(cpu).entrySet()) {
                int pte = model.pageTable().pfnAt(e.getKey());
                entries.add(new TlbEntry(cpu, e.getKey(), e.getValue(), pte));
                pages.put(e.getValue(), model.pages().state(e.getValue()));
                if (pte >= 0) {
                    pages.put(pte, model.pages().state(pte));
                }
            }
        }
        blocks.forEach(b -> addStalePtePages(b, model, pages));
        return new ModelSnapshot(blocks, model.lazyList().snapshot(), model.vmapLazyNr(), model.freeVaPages(),
                tlbs.flushes(), tlbs.pagesFlushed(), entries, pages);
    }

    /** The pages that PTEs left on a block's freed slots still map: what a stale alias can write. */
    private static void addStalePtePages(BlockState block, VmapAllocator model, Map<Integer, PageState> pages) {
        for (int slot = 0; slot < block.bits(); slot++) {
            if (block.ptes().charAt(slot) == 'P' && block.slots().charAt(slot) != 'L') {
                int pfn = model.pageTable().pfnAt(block.start() + slot);
                pages.put(pfn, model.pages().state(pfn));
            }
        }
    }

    /** One character per slot: {@code L} live, {@code d} freed inside the dirty range, {@code f} freed and flushed, {@code .} never handed out. */
    private static BlockState blockState(VmapBlock vb, KernelPageTable pageTable) {
        StringBuilder slots = new StringBuilder(vb.bits);
        StringBuilder ptes = new StringBuilder(vb.bits);
        int allocated = vb.allocatedSlots();
        for (int slot = 0; slot < vb.bits; slot++) {
            ptes.append(pageTable.isMapped(vb.start() + slot) ? 'P' : '.');
            if (vb.usedMap.get(slot)) {
                slots.append('L');
            } else if (slot >= allocated) {
                slots.append('.');
            } else {
                slots.append(slot >= vb.dirtyMin && slot < vb.dirtyMax ? 'd' : 'f');
            }
        }
        return new BlockState(vb.start(), vb.cpu, vb.bits, vb.free, vb.dirty, vb.usedMap.cardinality(), vb.dirtyMin,
                vb.dirtyMax, slots.toString(), ptes.toString());
    }
}
