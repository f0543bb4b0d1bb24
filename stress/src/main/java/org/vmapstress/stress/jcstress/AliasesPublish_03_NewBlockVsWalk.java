package org.vmapstress.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.vmapstress.model.Bug;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.ModelAssertion;
import org.vmapstress.model.SchedulePoint;
import org.vmapstress.model.VmapAllocator;

/*
 * New-block publication against a concurrent vm_unmap_aliases walk (Linux 3e3de794, "mm:
 * vmalloc: ensure vmap_block is initialised before adding to queue").
 *
 * Actor 1's vm_map_ram creates CPU 1's first block; actor 2's vm_unmap_aliases walks every
 * CPU's block index and, for each block, computes the queue of vb->cpu. Before the fix the
 * block was inserted into the index before vb->cpu was written, so the walk could index the
 * per-CPU queues with garbage (UBSAN array-index-out-of-bounds on Android).
 *
 * Widened (Fixture.model): the creator pauses 500 us as it writes vb->cpu (inside the
 * window with the bug, before the publication without it), so a walk that reads CPU 1's
 * index during the pause meets the unset cpu; without the pause the window is a few
 * instructions wide (60 forbidden in 709,608 samples in quick mode).
 *
 * Run: stress/jcstress-check sanity AliasesPublish_03
 *
 * Result (sanity mode, 2 cores, Java 17, one run, 2026-12-02):
 *   Fixed:             [1, 0] only                                  ACCEPTABLE
 *   PublishBeforeInit: [1, 0] 124 of 144                            ACCEPTABLE
 *                      [1, 1] 20 of 144 (13.9 %)  walk met an unset cpu  FORBIDDEN
 */
public class AliasesPublish_03_NewBlockVsWalk {

    abstract static class Walk {
        final VmapAllocator model;
        final int pfn;

        Walk(Bug bug) {
            model = Fixture.model(bug, SchedulePoint.NEW_BLOCK_SET_CPU);
            pfn = model.pages().allocPage(Fixture.CPU0);
        }

        void mapOnCpu1(II_Result r) {
            r.r1 = model.vmMapRam(new CpuContext(1), new int[] {pfn}) >= 0 ? 1 : 0;
        }

        void walk(II_Result r) {
            try {
                model.vmUnmapAliases(new CpuContext(0));
            } catch (ModelAssertion assertion) {
                r.r2 = 1;
            }
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the block was mapped; the walk met only initialised blocks")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the walk met a published block whose cpu was not written yet")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class Fixed extends Walk {
        public Fixed() {
            super(null);
        }

        @Actor
        public void creator(II_Result r) {
            mapOnCpu1(r);
        }

        @Actor
        public void walker(II_Result r) {
            walk(r);
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the block was mapped; the walk met only initialised blocks")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the walk met a published block whose cpu was not written yet")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class PublishBeforeInit extends Walk {
        public PublishBeforeInit() {
            super(Bug.PUBLISH_BEFORE_INIT);
        }

        @Actor
        public void creator(II_Result r) {
            mapOnCpu1(r);
        }

        @Actor
        public void walker(II_Result r) {
            walk(r);
        }
    }
}
