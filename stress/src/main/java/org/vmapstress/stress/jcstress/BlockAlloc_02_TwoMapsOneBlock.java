package org.vmapstress.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.vmapstress.model.VmapAllocator;

/*
 * Two vb_alloc calls race on one block: both threads run on CPU 0, whose free list holds one
 * block with slot 0 used. Each must get its own slot (1 and 2, in either order): vb_alloc
 * reads vb->free without the lock, then re-checks it under vb->lock before taking
 * BITS - free. Getting the same slot would be a double allocation.
 *
 * Run: java -jar stress/target/jcstress.jar -t BlockAlloc_02 -m quick
 *      (or stress/jcstress-check quick BlockAlloc_02)
 *
 * Result (quick mode, 2 cores, Java 17, one run): [1, 2] and [2, 1] only, ACCEPTABLE. No zoo
 * bug breaks this; the fixed variant alone guards the lock re-check.
 */
public class BlockAlloc_02_TwoMapsOneBlock {

    @JCStressTest
    @State
    @Outcome(id = {"1, 2", "2, 1"}, expect = ACCEPTABLE, desc = "each map got its own slot of the shared block")
    @Outcome(id = {"1, 1", "2, 2"}, expect = FORBIDDEN, desc = "both maps got the same slot: double allocation")
    @Outcome(expect = FORBIDDEN, desc = "a slot outside the block, or a new block while the shared one had room")
    public static class Fixed {
        private final VmapAllocator model = Fixture.model(null);
        private final long blockStart = Fixture.mapOnePage(model, Fixture.CPU0, model.pages().allocPage(Fixture.CPU0));
        private final int pfnA = model.pages().allocPage(Fixture.CPU0);
        private final int pfnB = model.pages().allocPage(Fixture.CPU0);

        @Actor
        public void first(II_Result r) {
            r.r1 = (int) (Fixture.mapOnePage(model, Fixture.CPU0, pfnA) - blockStart);
        }

        @Actor
        public void second(II_Result r) {
            r.r2 = (int) (Fixture.mapOnePage(model, Fixture.CPU0, pfnB) - blockStart);
        }
    }
}
