package org.vmapstress.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.vmapstress.model.Bug;
import org.vmapstress.model.Mapping;
import org.vmapstress.model.VmapAllocator;

/*
 * The last free of a block against a concurrent allocation on the same CPU ("vmalloc: always
 * unmap in vb_free()", the pre-merge fix of 64141da5).
 *
 * A block is full (two 64-page maps) and its first half is already unmapped. Actor 1 unmaps
 * the second half: that free makes the block fully dirty and frees it. Actor 2 maps a page on
 * the same CPU meanwhile. The unmap must leave no PTE of its pages behind (before the fix the
 * free that emptied a block skipped the PTE clear), and the new page must be mapped at its VA.
 *
 * Run: stress/jcstress-check quick LastFree_08
 *
 * Result (quick mode, 2 cores, Java 17, one run):
 *   Fixed:            [1, 1] only                                 ACCEPTABLE
 *   LastRegionMapped: [2, 1] 391,534 (100 %)  PTEs left mapped     FORBIDDEN
 */
public class LastFree_08_LastRegionVsAlloc {

    abstract static class FullBlock {
        final VmapAllocator model;
        final Mapping last;
        final int pfn;

        FullBlock(Bug bug) {
            model = Fixture.model(bug);
            long first = model.vmMapRam(Fixture.CPU0, new int[64]);
            int[] pfns = new int[64];
            pfns[0] = model.pages().allocPage(Fixture.CPU0);
            last = new Mapping(model.vmMapRam(Fixture.CPU0, pfns), pfns);
            model.vmUnmapRam(Fixture.CPU0, first, 64);
            pfn = model.pages().allocPage(Fixture.CPU0);
        }

        /** r1: 1 the unmap left no PTE of its pages, 2 it left some. */
        void unmapLast(II_Result r) {
            model.vmUnmapRam(Fixture.CPU0, last.va(), 64);
            r.r1 = model.invariants().unmapCleared(last).isEmpty() ? 1 : 2;
        }

        /**
         * r2: 1 the new page is mapped where its VA says, 2 not. Its VA may be the dying block's:
         * a free of 128 pages crosses this small model's lazy_max_pages, so the unmapper's drain
         * may flush and return the block's VA before this map runs.
         */
        void mapAnother(II_Result r) {
            long va = model.vmMapRam(Fixture.CPU0, new int[] {pfn});
            r.r2 = model.invariants().mappingIntact(new Mapping(va, new int[] {pfn})).isEmpty() ? 1 : 2;
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the last unmap cleared its PTEs; the new page is mapped at its VA")
    @Outcome(id = "2, 1", expect = FORBIDDEN, desc = "the free that emptied the block left its PTEs mapped")
    @Outcome(expect = FORBIDDEN, desc = "anything else (the new page not mapped where its VA says)")
    public static class Fixed extends FullBlock {
        public Fixed() {
            super(null);
        }

        @Actor
        public void unmapper(II_Result r) {
            unmapLast(r);
        }

        @Actor
        public void allocator(II_Result r) {
            mapAnother(r);
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the last unmap cleared its PTEs; the new page is mapped at its VA")
    @Outcome(id = "2, 1", expect = FORBIDDEN, desc = "the free that emptied the block left its PTEs mapped")
    @Outcome(expect = FORBIDDEN, desc = "anything else (the new page not mapped where its VA says)")
    public static class LastRegionMapped extends FullBlock {
        public LastRegionMapped() {
            super(Bug.LAST_REGION_MAPPED);
        }

        @Actor
        public void unmapper(II_Result r) {
            unmapLast(r);
        }

        @Actor
        public void allocator(II_Result r) {
            mapAnother(r);
        }
    }
}
