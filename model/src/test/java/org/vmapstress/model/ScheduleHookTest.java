package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seam: every interleaving-relevant step reaches the hook, with its name, in program order. */
class ScheduleHookTest {

    /** Records point labels; locks appear as "acquire NAME" / "release NAME". */
    static final class RecordingHook implements ScheduleHook {
        final List<String> steps = new ArrayList<>();

        @Override
        public void point(SchedulePoint point, long subject) {
            steps.add(point.label());
        }

        @Override
        public void beforeLock(ModelLock lock) {
            steps.add("acquire " + lock.name());
        }

        @Override
        public void afterUnlock(ModelLock lock) {
            steps.add("release " + lock.name());
        }
    }

    private static List<String> stepsOfFirstMap(BugSet bugs) {
        RecordingHook hook = new RecordingHook();
        VmapAllocator model = new VmapAllocator(ModelConfig.small(), bugs, hook);
        int pfn = model.pages().allocPage(new CpuContext(1));
        hook.steps.clear();
        model.vmMapRam(new CpuContext(1), new int[] {pfn});
        return hook.steps;
    }

    @Test
    void theFirstMapCreatesABlockStepByStep() {
        assertEquals(List.of(
                "raw_smp_processor_id", "vb_alloc:read-free-list",
                "alloc_vmap_area", "acquire vmap_area_lock", "release vmap_area_lock",
                "new_vmap_block:init", "raw_smp_processor_id", "new_vmap_block:set-cpu", "new_vmap_block:xa_insert",
                "acquire vbq[1].lock", "new_vmap_block:list_add", "free-list:publish", "release vbq[1].lock",
                "pte:set"), stepsOfFirstMap(BugSet.NONE));
    }

    @Test
    void publishBeforeInitMovesTheCpuWriteAfterTheInsert() {
        List<String> steps = stepsOfFirstMap(BugSet.of(Bug.PUBLISH_BEFORE_INIT));
        assertTrue(steps.indexOf("new_vmap_block:xa_insert") < steps.indexOf("new_vmap_block:set-cpu"), steps::toString);
    }

    @Test
    void anUnmapClearsPtesBetweenItsTwoBlockLockSections() {
        RecordingHook hook = new RecordingHook();
        VmapAllocator model = new VmapAllocator(ModelConfig.small(), BugSet.NONE, hook);
        CpuContext cpu = new CpuContext(0);
        long va = model.vmMapRam(cpu, new int[] {model.pages().allocPage(cpu)});
        model.vmMapRam(cpu, new int[] {model.pages().allocPage(cpu)});
        hook.steps.clear();
        model.vmUnmapRam(cpu, va, 1);
        assertEquals(List.of("vb_free:xa_load",
                "acquire vb@0.lock", "vb_free:clear-used-map", "release vb@0.lock",
                "pte:clear",
                "acquire vb@0.lock", "vb_free:mark-dirty", "release vb@0.lock"), hook.steps);
    }

    @Test
    void everyPointHasADistinctLabel() {
        long distinct = java.util.Arrays.stream(SchedulePoint.values()).map(SchedulePoint::label).distinct().count();
        assertEquals(SchedulePoint.values().length, distinct);
    }
}
