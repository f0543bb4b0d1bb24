package org.vmapstress.reports.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vmapstress.reports.record.RunRecord;

/** A migration the scheduler chose inside an operation is drawn as a box of its own, and the thread's later boxes take the new CPU's tint. */
class TimelineTest {
    @Test
    void aMigrationIsABoxSayingWhereTheThreadWent() {
        List<RunRecord.TraceStep> trace = List.of(
                new RunRecord.TraceStep(0, 0, 0, "map 1p", "raw_smp_processor_id", 0, ""),
                new RunRecord.TraceStep(1, 0, 2, "map 1p", Timeline.MIGRATION, 2, ""),
                new RunRecord.TraceStep(2, 0, 2, "map 1p", "raw_smp_processor_id", 2, ""));
        List<Timeline.Box> boxes = new Timeline(trace, 2, Set.of()).boxes();
        assertEquals("cpu2 \u21c4 migrated to cpu2 (scheduler)", boxes.get(1).label());
        assertEquals("cpu2 raw_smp_processor_id 2", boxes.get(2).label());
        assertNotEquals(boxes.get(0).fill(), boxes.get(1).fill(), "the migration box has the new CPU's tint");
    }
}
