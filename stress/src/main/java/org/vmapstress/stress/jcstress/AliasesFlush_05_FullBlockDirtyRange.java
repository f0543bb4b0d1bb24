package org.vmapstress.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.vmapstress.model.Bug;
import org.vmapstress.model.VmapAllocator;

/*
 * vm_unmap_aliases against an unmap in a fully used block (Linux fc1e0d98, "mm/vmalloc:
 * prevent stale TLBs in fully utilized blocks").
 *
 * A block is filled by two 64-page maps, so it has left CPU 0's free list. Actor 1 touches the
 * first map (its TLB caches it), unmaps it and says so. Actor 2, once it sees that, calls
 * vm_unmap_aliases, after which no TLB may cache a VA unmapped before the call. Before the fix
 * the call walked only the free lists and never saw the full block's dirty range.
 *
 * Run: stress/jcstress-check quick AliasesFlush_05
 *
 * Result (quick mode, 2 cores, Java 17, one run):
 *   Fixed:        [0, 0] and [1, 1] only                    ACCEPTABLE
 *   FreeListWalk: [0, 0] 324,385 (51 %)                     ACCEPTABLE
 *                 [1, 2] 312,059 (49 %)  stale TLB survives  FORBIDDEN (every time the unmap was seen)
 */
public class AliasesFlush_05_FullBlockDirtyRange {

    abstract static class FullBlock {
        final VmapAllocator model;
        final long first;
        volatile long unmappedBy;

        FullBlock(Bug bug) {
            model = Fixture.model(bug);
            first = model.vmMapRam(Fixture.CPU0, new int[64]);
            model.vmMapRam(Fixture.CPU0, new int[64]);
        }

        void touchThenUnmap() {
            model.touch(Fixture.CPU0, first);
            model.vmUnmapRam(Fixture.CPU0, first, 64);
            unmappedBy = model.unmapTime();
        }

        /** r1: 1 when the unmap was seen; r2: 1 nothing stale after the call, 2 a stale TLB entry survived. */
        void aliasesAfterUnmap(II_Result r) {
            long before = unmappedBy;
            if (before == 0) {
                return;
            }
            r.r1 = 1;
            model.vmUnmapAliases(Fixture.CPU1);
            r.r2 = model.invariants().aliasesFlushed(before).isEmpty() ? 1 : 2;
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the unmap was not seen yet: no call")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "vm_unmap_aliases flushed the full block's dirty range")
    @Outcome(id = "1, 2", expect = FORBIDDEN, desc = "a TLB still caches a VA unmapped before vm_unmap_aliases")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class Fixed extends FullBlock {
        public Fixed() {
            super(null);
        }

        @Actor
        public void unmapper() {
            touchThenUnmap();
        }

        @Actor
        public void flusher(II_Result r) {
            aliasesAfterUnmap(r);
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the unmap was not seen yet: no call")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "vm_unmap_aliases flushed the full block's dirty range")
    @Outcome(id = "1, 2", expect = FORBIDDEN, desc = "a TLB still caches a VA unmapped before vm_unmap_aliases")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class FreeListWalk extends FullBlock {
        public FreeListWalk() {
            super(Bug.FREE_LIST_WALK);
        }

        @Actor
        public void unmapper() {
            touchThenUnmap();
        }

        @Actor
        public void flusher(II_Result r) {
            aliasesAfterUnmap(r);
        }
    }
}
