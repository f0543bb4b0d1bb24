package org.vmapstress.stress.jcstress;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.ModelConfig;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.SchedulePoint;
import org.vmapstress.model.VmapAllocator;

/** A small model per jcstress state (cheap to build millions of times), fixed or with one bug. */
final class Fixture {
    static final CpuContext CPU0 = new CpuContext(0);
    static final CpuContext CPU1 = new CpuContext(1);

    private Fixture() {
    }

    /**
     * How long a thread pauses at a widened schedule point ({@link #model(Bug, SchedulePoint...)}):
     * longer than the skew between two jcstress actors' starts and the steps before the window
     * (even interpreted: 50 us caught the races in 1-7 % of sanity mode's samples, 500 us in 12-14 %).
     */
    static final long WINDOW_NANOS = 500_000;

    /**
     * Switches every model of this JVM gets on top of its variant's own: the patches and checks
     * {@code stress/jcstress-check} is given (its SWITCHES argument, passed on as the system
     * property {@code vmapstress.switches}), so a zoo or suite run with {@code --patch} runs the
     * scenarios on the patched model. A name no switch has is a test that cannot run: it throws.
     */
    private static final BugSet EXTRA_SWITCHES = BugSet.parse(System.getProperty("vmapstress.switches", "none"))
            .orElseThrow(() -> new IllegalArgumentException("vmapstress.switches names an unknown switch: "
                    + System.getProperty("vmapstress.switches")));

    static VmapAllocator model(Bug bug) {
        return model(switches(bug), ScheduleHook.NONE);
    }

    /**
     * A model whose threads pause for {@link #WINDOW_NANOS} at each of the {@code widened}
     * points, in the fixed and the bug-on variant alike: only the order of the steps around the
     * pauses differs. A race whose window is a few instructions between two steps (the bug puts
     * a pause inside it, the fix before it) then spans most of the test, as a kernel tester
     * widens one with an injected delay; a pause in the other actor, just before the step that
     * must land in the window, lines the two up.
     */
    static VmapAllocator model(Bug bug, SchedulePoint... widened) {
        return model(switches(bug), widened);
    }

    /** As {@link #model(Bug, SchedulePoint...)}, with any switches (a patch, the strict check). */
    static VmapAllocator model(BugSet switches, SchedulePoint... widened) {
        Set<SchedulePoint> pausing = EnumSet.copyOf(List.of(widened));
        return model(switches, (point, subject) -> {
            if (pausing.contains(point)) {
                pause();
            }
        });
    }

    private static VmapAllocator model(BugSet switches, ScheduleHook hook) {
        return new VmapAllocator(ModelConfig.small().withVmallocPages(1024).withPageFrames(16), switches.plus(EXTRA_SWITCHES), hook);
    }

    private static BugSet switches(Bug bug) {
        return bug == null ? BugSet.NONE : BugSet.of(bug);
    }

    /** A busy wait: a sleep's granularity is coarser than the window, and an actor owns its core. */
    private static void pause() {
        long end = System.nanoTime() + WINDOW_NANOS;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** Maps one fresh page; returns its VA. */
    static long mapOnePage(VmapAllocator model, CpuContext cpu, int pfn) {
        return model.vmMapRam(cpu, new int[] {pfn});
    }
}
