package org.vmapstress.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmapstress.reports.record.BadRecord;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/**
 * A failure's story is read with its record, and a sentence, or the step where the bug's code
 * ran, that names a step its trace does not hold is refused.
 */
class StoryRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aStoryIsReadWithItsRecord() throws IOException {
        RunRecord record = RunRecords.read(Fixtures.records("seed-bug-explained").resolve("run.json"));
        RunRecord.Isolation isolation = record.failures().get(0).isolation();
        assertFalse(isolation.story().isEmpty());
        assertEquals(isolation.trace().size() - 1, isolation.story().get(0).step(), "the first sentence is about the violating step");
    }

    @Test
    void aSentenceNamingAStepOutsideItsTraceIsRefused(@TempDir Path tmp) throws IOException {
        String refused = refusedWith(tmp, "/failures/0/isolation/story/1", "step");
        assertEquals(true, refused.contains("record.failures[0].isolation.story[1] names step 99999, which is not in the trace it tells"),
                refused);
    }

    @Test
    void theBugsStepOutsideItsTraceIsRefused(@TempDir Path tmp) throws IOException {
        RunRecord.Divergence read = RunRecords.read(Fixtures.records("seed-bug-explained").resolve("run.json")).failures().get(0)
                .isolation().divergence();
        assertEquals(true, read.found(), "the fixture has the bug's step");
        String refused = refusedWith(tmp, "/failures/0/isolation/divergence/step", "index");
        assertEquals(true, refused.contains("record.failures[0].isolation.divergence.step is step 99999, which is not in the trace"),
                refused);
    }

    /** The seed bug's explained record with {@code field} of the object at {@code pointer} set to step 99999: why it is refused. */
    private static String refusedWith(Path tmp, String pointer, String field) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(Fixtures.records("seed-bug-explained").resolve("run.json").toFile());
        ((ObjectNode) root.at(pointer)).put(field, 99_999);
        Path broken = tmp.resolve("run.json");
        JSON.writeValue(broken.toFile(), root);
        return assertThrows(BadRecord.class, () -> RunRecords.read(broken)).getMessage();
    }
}
