package org.vmapstress.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.VmapAllocator;

/*
 * A migration between picking a queue and using it. Actor 1's vm_map_ram reads its CPU
 * (raw_smp_processor_id) once in vb_alloc and again in new_vmap_block; actor 2 migrates that
 * task from CPU 0 to CPU 1 meanwhile. Since 6.x new_vmap_block links the block on vb->cpu's
 * own queue ("list_add_tail_rcu could happen in another core rather than vb->cpu due to task
 * migration"), so whichever CPU it ends on, the block must be on exactly the free list of
 * vb->cpu, under that queue's lock. The arbiter runs the quiescent checks.
 *
 * Run: stress/jcstress-check quick Migration_07
 *
 * Result (quick mode, 2 cores, Java 17, one run): [1, 0] only, ACCEPTABLE. No zoo bug breaks
 * it; the fixed variant guards the rule.
 */
public class Migration_07_QueuePickedThenMigrated {

    @JCStressTest
    @State
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "mapped, and every block sits on its own CPU's free list")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "a block on another CPU's free list, or accounting broken")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class Fixed {
        private final VmapAllocator model = Fixture.model(null);
        private final CpuContext task = new CpuContext(0);
        private final int pfn = model.pages().allocPage(task);

        @Actor
        public void mapper(II_Result r) {
            r.r1 = model.vmMapRam(task, new int[] {pfn}) >= 0 ? 1 : 0;
        }

        @Actor
        public void scheduler() {
            task.migrateTo(1);
        }

        @Arbiter
        public void check(II_Result r) {
            r.r2 = model.invariants().quiescent().isEmpty() ? 0 : 1;
        }
    }
}
