package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.exec.Recording;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.Violation;
import org.vmapstress.reports.record.RunRecord.Sentence;

/**
 * The story of a free-running failure told from its flight recording: the event the failing
 * worker raised it at (not the releases it made dying), the other worker's last event on the
 * same block before it and its events around it, each sentence naming a recorded event, and no
 * ordering claimed.
 */
class RecordedStoryTest {
    private static final int BLOCK_PAGES = 128;
    private static final Violation PUBLISHED_INIT = new Violation(InvariantId.PUBLISHED_INIT,
            "vmap_block_queue indexed by the vb->cpu of a block reached before new_vmap_block initialised it");

    /**
     * publish-before-init as the flight recorder kept it (from a real recording, shortened; worker|operation|point|subject|locks): T1
     * publishes block 128 before setting its vb->cpu; T0's vm_unmap_aliases() reaches the block in
     * between and raises the violation, then releases its locks dying.
     */
    private static List<Step> publishBeforeInit() {
        String[] events = {
            "1|map 1p|new_vmap_block:init|128|",
            "0|aliases|operation start|0|",
            "0|aliases|acquire vmap_purge_lock|0|",
            "1|map 1p|new_vmap_block:xa_insert|128|",
            "0|aliases|vm_unmap_aliases:visit-block|0|vmap_purge_lock",
            "0|aliases|acquire vb@0.lock|0|vmap_purge_lock",
            "0|aliases|release vb@0.lock|0|vmap_purge_lock",
            "0|aliases|vm_unmap_aliases:visit-block|128|vmap_purge_lock",
            "1|map 1p|raw_smp_processor_id|1|",
            "0|aliases|acquire vb@128.lock|0|vmap_purge_lock",
            "1|map 1p|new_vmap_block:set-cpu|1|",
            "2|purge|acquire vmap_purge_lock|0|",
            "0|aliases|release vb@128.lock|0|vmap_purge_lock",
            "0|aliases|release vmap_purge_lock|0|",
            "0|aliases|operation end|0|",
        };
        List<Step> steps = new ArrayList<>();
        for (String event : events) {
            String[] f = event.split("\\|", -1);
            steps.add(new Step(steps.size(), Integer.parseInt(f[0]), Integer.parseInt(f[0]), f[1], f[2], Long.parseLong(f[3]), f[4]));
        }
        return steps;
    }

    private static RecordedStory.Told told(int failingWorker) {
        return RecordedStory.of(new Recording(publishBeforeInit(), List.of(), failingWorker), PUBLISHED_INIT, BLOCK_PAGES,
                RecordedStory.FREE_RUNNING);
    }

    private static Set<Integer> sliceSteps(RecordedStory.Told told) {
        return told.slice().stream().map(e -> e.step().index()).collect(Collectors.toSet());
    }

    @Test
    void theViolatingEventIsTheFailingWorkersLastBeforeItsDyingReleases() {
        RecordedStory.Told told = told(0);
        Sentence headline = told.story().get(0);
        assertEquals(9, headline.step(), headline::text);
        assertTrue(headline.text().startsWith("PUBLISHED-INIT was raised by T0 (in aliases on CPU 0) at recorded event 9 "), headline::text);
        assertTrue(headline.text().contains("did not find again"), headline::text);
        String check = told.story().stream().filter(s -> s.text().contains("the check found")).findFirst().orElseThrow().text();
        assertTrue(check.startsWith("Event 9: T0 (aliases, CPU 0) took vb@128.lock, and the check found PUBLISHED-INIT ("), check);
        assertEquals(RecordedStory.FREE_RUNNING.why(), told.why());
    }

    @Test
    void theSliceLinksTheOtherWorkersEventsOnTheSameBlock() {
        RecordedStory.Told told = told(0);
        assertTrue(sliceSteps(told).containsAll(Set.of(3, 7, 8, 9, 10)), told.slice()::toString);
        assertEquals("T1's last recorded event on block 128 before the violation",
                told.slice().stream().filter(e -> e.step().index() == 3).findFirst().orElseThrow().why());
        assertTrue(told.slice().stream().noneMatch(e -> e.step().thread() == 2), "T2 touched nothing T0 did: " + told.slice());
        assertTrue(!sliceSteps(told).contains(4) && !sliceSteps(told).contains(5), "block 0, which no other worker touched: " + told.slice());
        assertTrue(told.slice().stream().noneMatch(e -> e.step().point().startsWith("release ")), "no dying release: " + told.slice());
        String story = told.story().stream().map(Sentence::text).collect(Collectors.joining("\n"));
        assertTrue(story.contains("Event 3: T1 (map 1p, CPU 1) published block 128 in the block index (xa_insert)"), story);
        assertTrue(story.contains("Event 10: T1 (map 1p, CPU 1) set the new block's vb->cpu to 1; T1's first recorded event after"), story);
    }

    @Test
    void everySentenceNamesARecordedEventInTheRecordersOrder() {
        RecordedStory.Told told = told(0);
        assertTrue(told.story().size() >= 3 && told.story().size() <= FailureStory.MOST, told.story()::toString);
        List<Integer> steps = told.story().stream().skip(1).map(Sentence::step).toList();
        assertEquals(steps.stream().sorted().toList(), steps, "told in the recorder's order");
        steps.forEach(step -> assertTrue(step >= 0 && step < publishBeforeInit().size(), "event " + step));
    }

    @Test
    void aCheckBetweenOperationsIsToldAfterTheLastEvent() {
        RecordedStory.Told told = told(-1);
        int last = publishBeforeInit().size() - 1;
        assertTrue(told.story().get(0).text().contains("was found after recorded event " + last + ", in no worker's operation"), told.story().get(0)::text);
        assertTrue(told.story().get(told.story().size() - 1).text().startsWith("After event " + last + ", the last recorded, the check"
                + " found PUBLISHED-INIT"), told.story()::toString);
    }

    @Test
    void nothingRecordedTellsNothing() {
        RecordedStory.Told told = RecordedStory.of(Recording.NONE, PUBLISHED_INIT, BLOCK_PAGES, RecordedStory.FREE_RUNNING);
        assertTrue(told.story().isEmpty() && told.slice().isEmpty());
    }
}
