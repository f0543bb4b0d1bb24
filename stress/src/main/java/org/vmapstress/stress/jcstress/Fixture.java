package org.vmapstress.stress.jcstress;

import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.ModelConfig;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.VmapAllocator;

/** A small model per jcstress state (cheap to build millions of times), fixed or with one bug. */
final class Fixture {
    static final CpuContext CPU0 = new CpuContext(0);
    static final CpuContext CPU1 = new CpuContext(1);

    private Fixture() {
    }

    static VmapAllocator model(Bug bug) {
        return new VmapAllocator(ModelConfig.small().withVmallocPages(1024).withPageFrames(16),
                bug == null ? BugSet.NONE : BugSet.of(bug), ScheduleHook.NONE);
    }

    /** Maps one fresh page; returns its VA. */
    static long mapOnePage(VmapAllocator model, CpuContext cpu, int pfn) {
        return model.vmMapRam(cpu, new int[] {pfn});
    }
}
