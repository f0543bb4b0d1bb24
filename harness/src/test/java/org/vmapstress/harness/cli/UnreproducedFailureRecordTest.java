package org.vmapstress.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.RecordedStory;
import org.vmapstress.harness.Shard;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.FreeRun;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.harness.exec.Recording;
import org.vmapstress.harness.sched.ExecutionEnd;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.Violation;
import org.vmapstress.reports.record.RecordValidation;
import org.vmapstress.reports.record.RunRecord;

/**
 * A free-running failure the controlled re-search did not find again reaches its record and the
 * console told from its recording: the record is valid (every sentence names a recorded event),
 * carries the slice and the story with no pair, and the console prints the story's first sentence.
 */
class UnreproducedFailureRecordTest {
    private static final Violation PUBLISHED_INIT = new Violation(InvariantId.PUBLISHED_INIT,
            "vmap_block_queue indexed by the vb->cpu of a block reached before new_vmap_block initialised it");

    /** T1 publishes block 128 (on the default 4-CPU model its blocks have 128 pages), T0 reaches it and dies, T1 sets its vb->cpu. */
    private static Explorer.Summary unreproduced() {
        List<Step> recorded = List.of(
                new Step(0, 1, 1, "map 1p", "new_vmap_block:xa_insert", 128, ""),
                new Step(1, 0, 0, "aliases", "vm_unmap_aliases:visit-block", 128, "vmap_purge_lock"),
                new Step(2, 0, 0, "aliases", "acquire vb@128.lock", 0, "vmap_purge_lock"),
                new Step(3, 1, 1, "map 1p", "new_vmap_block:set-cpu", 1, ""),
                new Step(4, 0, 0, "aliases", "release vb@128.lock", 0, "vmap_purge_lock"));
        FreeRun.Outcome outcome = new FreeRun.Outcome(ExecutionEnd.violation(PUBLISHED_INIT.toString()), PUBLISHED_INIT,
                new Recording(recorded, List.of(1, 0, 0, 1, 0), 0));
        return new Explorer.Summary(8, 0, Duration.ofSeconds(2), null, false, outcome, null);
    }

    @Test
    void theRecordAndTheConsoleTellTheRecordedStory(@TempDir Path corpus) {
        ExecutionSpec template = new ExecutionSpec(BugSet.parse("publish-before-init").orElseThrow(), ModelShape.firstCpus(4),
                ExecutionSpec.RANDOM_SCENARIO, 2, 20, 0x5eed, ExecutionSpec.FREE_RUNNING, 0);
        assertEquals(128, template.modelConfig().vmapBbmapBits(), "the recording's blocks");
        RunRecord record = RunReporting.record(template, unreproduced(), Shard.ALL, 100, Duration.ofSeconds(30), null);
        assertEquals(Optional.empty(), RecordValidation.problem(record));
        RunRecord.Failure failure = record.failures().get(0);
        assertTrue(failure.recorded());
        RunRecord.Isolation isolation = failure.isolation();
        assertNotNull(isolation, "told from the recording");
        assertTrue(!isolation.hasPair() && isolation.why().equals(RecordedStory.FREE_RUNNING.why()), isolation::why);
        assertEquals(List.of(0, 1, 2, 3), isolation.slice().stream().map(s -> s.step().index()).toList(), isolation.slice()::toString);
        assertEquals(2, isolation.story().get(0).step(), "the violating event, before T0's dying release");

        StringWriter console = new StringWriter();
        RunReporting.report(new PrintWriter(console, true), unreproduced(), corpus, isolation);
        String printed = console.toString();
        assertTrue(printed.contains("ordering: " + RecordedStory.FREE_RUNNING.why()), printed);
        assertTrue(printed.contains("story: PUBLISHED-INIT was raised by T0 (in aliases on CPU 0) at recorded event 2"), printed);
    }
}
