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
import org.vmapstress.model.VmapAllocator;

/*
 * vb_free against the fragmented-block purge of vm_unmap_aliases (Linux 8c61291f, "mm: fix
 * incorrect vbq reference in purge_fragmented_block").
 *
 * CPU 1 made the block at VA 0, so it sits on CPU 1's free list but in CPU 0's part of the
 * address-hashed index. 97 slots were handed out and 96 freed; actor 1 frees the last live
 * slot, which leaves the block fragmented below the purge threshold; actor 2 runs
 * vm_unmap_aliases, which purges it while walking CPU 0's index. The fix takes vb->cpu's queue
 * lock to unlink it; before it, the walker's queue lock was taken (a lockdep-style check
 * reports the unlink under the wrong lock).
 *
 * Run: stress/jcstress-check quick FragmentPurge_06
 *
 * Result (quick mode, 2 cores, Java 17, one run):
 *   Fixed:        [1, 0] only                                ACCEPTABLE
 *   WrongVbqLock: [1, 0] 64,748 (11 %)   purge came first     ACCEPTABLE
 *                 [1, 1] 541,588 (89 %)  unlinked, wrong lock FORBIDDEN
 */
public class FragmentPurge_06_LastFreeVsAliases {

    abstract static class Fragmented {
        final VmapAllocator model;
        final CpuContext cpu1 = new CpuContext(1);
        final long last;

        Fragmented(Bug bug) {
            model = Fixture.model(bug);
            long big = model.vmMapRam(cpu1, new int[64]);
            long mid = model.vmMapRam(cpu1, new int[32]);
            last = model.vmMapRam(cpu1, new int[1]);
            model.vmUnmapRam(cpu1, big, 64);
            model.vmUnmapRam(cpu1, mid, 32);
        }

        void freeLast(II_Result r) {
            model.vmUnmapRam(cpu1, last, 1);
            r.r1 = 1;
        }

        void aliases(II_Result r) {
            try {
                model.vmUnmapAliases(Fixture.CPU0);
            } catch (ModelAssertion assertion) {
                r.r2 = 1;
            }
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "freed; the purge (if it came after) unlinked under the right lock")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the purge unlinked the block under another queue's lock")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class Fixed extends Fragmented {
        public Fixed() {
            super(null);
        }

        @Actor
        public void freer(II_Result r) {
            freeLast(r);
        }

        @Actor
        public void flusher(II_Result r) {
            aliases(r);
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "freed; the purge (if it came after) unlinked under the right lock")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the purge unlinked the block under another queue's lock")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class WrongVbqLock extends Fragmented {
        public WrongVbqLock() {
            super(Bug.WRONG_VBQ_LOCK);
        }

        @Actor
        public void freer(II_Result r) {
            freeLast(r);
        }

        @Actor
        public void flusher(II_Result r) {
            aliases(r);
        }
    }
}
