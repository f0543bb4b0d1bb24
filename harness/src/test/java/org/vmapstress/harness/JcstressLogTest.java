package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.record.JcstressLog;
import org.vmapstress.harness.record.JcstressRecord;

/** jcstress logs (captured from real runs) become records with histograms and the project's grading. */
class JcstressLogTest {

    private static List<String> log(String name) throws IOException {
        try (InputStream in = JcstressLogTest.class.getResourceAsStream("/jcstress/" + name)) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }

    @Test
    void passingFixedVariantsAreCleanWithTheirHistograms() throws IOException {
        JcstressRecord record = JcstressLog.parse(log("two-fixed-ok.log"), "sanity");
        assertEquals("clean", record.verdict());
        assertEquals(2, record.tests().size());
        JcstressRecord.Test blockAlloc = record.tests().get(0);
        assertEquals("BlockAlloc_02_TwoMapsOneBlock", blockAlloc.family());
        assertEquals("Fixed", blockAlloc.variant());
        assertEquals("clean", blockAlloc.verdict());
        assertEquals(List.of("1, 1", "1, 2", "2, 1", "2, 2"), blockAlloc.outcomes().stream().map(JcstressRecord.Outcome::result).toList());
        assertEquals(45, blockAlloc.outcomes().get(1).samples());
        assertEquals("FORBIDDEN", blockAlloc.outcomes().get(0).expect());
    }

    @Test
    void aFailedBugOnVariantIsCaughtAndAFailedFixedOneIsWrong() throws IOException {
        List<String> caught = log("one-bug-caught.log");
        JcstressRecord record = JcstressLog.parse(caught, "quick");
        JcstressRecord.Test racy = record.tests().get(0);
        assertEquals("caught", racy.verdict());
        assertEquals(4, racy.outcomes().get(1).samples());
        assertEquals("clean", record.verdict());

        List<String> fixedFailing = new ArrayList<>(caught);
        fixedFailing.replaceAll(line -> line.replace(".RacyLazyCount", ".Fixed"));
        JcstressRecord broken = JcstressLog.parse(fixedFailing, "quick");
        assertEquals("wrong", broken.tests().get(0).verdict());
        assertEquals("failed", broken.verdict());
        assertTrue(JcstressLog.parse(List.of("FATAL: No matching tests."), "quick").verdict().equals("failed"),
                "no test at all is not clean");
    }
}
