package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

/** A model plus the caller's side of it: page allocation, mapping and unmapping as a kernel user does. */
final class ModelFixture {
    final VmapAllocator model;
    final CpuContext cpu0 = new CpuContext(0);

    ModelFixture(ModelConfig config, BugSet bugs, ScheduleHook hook) {
        this.model = new VmapAllocator(config, bugs, hook);
    }

    ModelFixture(BugSet bugs) {
        this(ModelConfig.small(), bugs, ScheduleHook.NONE);
    }

    static ModelFixture fixed() {
        return new ModelFixture(BugSet.NONE);
    }

    static ModelFixture with(Bug bug) {
        return new ModelFixture(BugSet.of(bug));
    }

    /** A block being retired: the older mapping's TLB entries are cached, and {@code retiring} is paused inside the last unmap. */
    record Retirement(Mapping older, Thread retiring) {
    }

    /**
     * The in-transit window's set-up: two half-block mappings fill a block, the older is touched
     * on CPU 0 and unmapped, then the last is unmapped on a thread that {@code hook} pauses (at
     * its pause point inside that vb_free, which retires the block).
     */
    Retirement retireABlockPaused(PausingHook hook) throws InterruptedException {
        Mapping older = map(64);
        Mapping last = map(64);
        touchAll(cpu0, older);
        unmap(older);
        return new Retirement(older, hook.startPaused(() -> unmap(last)));
    }

    /** Allocates {@code pages} fresh pages and maps them on {@code cpu}. */
    Mapping map(CpuContext cpu, int pages) {
        int[] pfns = new int[pages];
        for (int i = 0; i < pages; i++) {
            pfns[i] = model.pages().allocPage(cpu);
            assertTrue(pfns[i] >= 0, "the page pool ran dry");
        }
        long va = model.vmMapRam(cpu, pfns);
        assertTrue(va >= 0, "vm_map_ram failed: VA space exhausted");
        return new Mapping(va, pfns);
    }

    Mapping map(int pages) {
        return map(cpu0, pages);
    }

    void unmap(CpuContext cpu, Mapping mapping) {
        model.vmUnmapRam(cpu, mapping.va(), mapping.pages());
    }

    void unmap(Mapping mapping) {
        unmap(cpu0, mapping);
    }

    /** Maps two 64-page halves of a new block and unmaps both: the block is released to the lazy list. Its VA. */
    long releaseAFullBlock() {
        Mapping first = map(64);
        unmap(first);
        unmap(map(64));
        return first.va();
    }

    /**
     * fc1e0d98's scenario: a fully used block, one region unmapped after a touch, then
     * vm_unmap_aliases; what ALIASES-FLUSHED says after it.
     */
    Optional<Violation> aliasesAfterUnmapInAFullBlock() {
        Mapping first = map(64);
        map(64);
        touchAll(cpu0, first);
        unmap(first);
        long before = model.unmapTime();
        model.vmUnmapAliases(cpu0);
        return checks().aliasesFlushed(before);
    }

    /** Touches every page of the mapping on {@code cpu}, filling its TLB. */
    void touchAll(CpuContext cpu, Mapping mapping) {
        for (int i = 0; i < mapping.pages(); i++) {
            model.touch(cpu, mapping.va() + i);
        }
    }

    void freePages(Mapping mapping) {
        for (int pfn : mapping.pfns()) {
            model.pages().freePage(cpu0, pfn);
        }
    }

    Invariants checks() {
        return model.invariants();
    }

    List<Violation> quiescent() {
        return model.invariants().quiescent();
    }

    List<VmapBlock> blocks() {
        return model.blocks().allIndexedBlocks();
    }

    VmapBlock blockAt(long va) {
        return blocks().stream().filter(b -> b.start() <= va && va < b.start() + b.bits).findFirst().orElseThrow();
    }

    List<VmapBlock> freeList(int cpu) {
        return model.queues().of(cpu).freeList.peek();
    }

    static Optional<InvariantId> idOf(Optional<Violation> violation) {
        return violation.map(Violation::invariant);
    }
}
