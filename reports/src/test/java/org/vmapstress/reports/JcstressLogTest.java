package org.vmapstress.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmapstress.reports.record.JcstressLog;
import org.vmapstress.reports.record.RunRecord;

/** jcstress logs (captured from real runs) become run records with histograms, failures and the project's grading. */
class JcstressLogTest {

    static List<String> log(String name) throws IOException {
        try (InputStream in = JcstressLogTest.class.getResourceAsStream("/jcstress/" + name)) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }

    /**
     * With the race detector on, an actor raises DATA-RACE at the racing access: jcstress calls the
     * test an error, but the run judged and the model broke. It is caught, with a FORBIDDEN outcome
     * "raised DATA-RACE" counted once per actor that raised it, and nothing is left unjudged.
     */
    @Test
    void anActorThatRaisedAModelViolationCatchesTheBug() throws IOException {
        RunRecord record = JcstressLog.parse(log("actor-raised-data-race.log"), "sanity", 14, List.of(), List.of("data-races"));
        RunRecord.JcstressTest test = record.jcstress().get(0);
        assertEquals("caught", test.verdict());
        RunRecord.Outcome raised = test.outcomes().get(test.outcomes().size() - 1);
        assertEquals("raised DATA-RACE", raised.result());
        assertEquals(2, raised.samples());
        assertTrue(raised.description().startsWith("an actor raised the model violation DATA-RACE: the write of VmapBlock.cpu"),
                raised.description());
        assertEquals(List.of(), record.incomplete());
        assertEquals("publish-before-init,data-races", record.configuration().bugs());
        assertTrue(JcstressLog.asExpected(record));
    }

    @Test
    void passingFixedVariantsAreCleanWithTheirHistograms() throws IOException {
        RunRecord record = JcstressLog.parse(log("two-fixed-ok.log"), "sanity", 12.5);
        assertEquals("clean", record.verdict());
        assertEquals("none", record.configuration().bugs());
        assertEquals(2, record.jcstress().size());
        RunRecord.JcstressTest blockAlloc = record.jcstress().get(0);
        assertEquals("BlockAlloc_02_TwoMapsOneBlock", blockAlloc.family());
        assertEquals("Fixed", blockAlloc.variant());
        assertEquals("clean", blockAlloc.verdict());
        assertEquals(List.of("1, 1", "1, 2", "2, 1", "2, 2"), blockAlloc.outcomes().stream().map(RunRecord.Outcome::result).toList());
        assertEquals(45, blockAlloc.outcomes().get(1).samples());
        assertEquals("FORBIDDEN", blockAlloc.outcomes().get(0).expect());
        assertTrue(JcstressLog.asExpected(record));
    }

    @Test
    void aFailedBugOnVariantIsAFailureThatWasCaughtAsExpected() throws IOException {
        RunRecord record = JcstressLog.parse(log("one-bug-caught.log"), "quick", 50);
        RunRecord.JcstressTest racy = record.jcstress().get(0);
        assertEquals("caught", racy.verdict());
        assertEquals(4, racy.outcomes().get(1).samples());
        assertEquals("racy-lazy-count", record.configuration().bugs());
        assertEquals("violation", record.verdict());
        RunRecord.Failure failure = record.failures().get(0);
        assertEquals("FORBIDDEN", failure.invariant());
        assertTrue(failure.message().startsWith("LazyCount_04_PurgeBetweenLinkAndCount.RacyLazyCount: ("), failure.message());
        assertTrue(failure.replay().contains("-t 'org.vmapstress.stress.jcstress.LazyCount_04_PurgeBetweenLinkAndCount.RacyLazyCount$'"),
                failure.replay());
        assertTrue(JcstressLog.asExpected(record));
    }

    /** Patches every scenario ran with (jcstress-check's SWITCHES) are part of what was run: they follow the variant's bug. */
    @Test
    void switchesEveryScenarioRanWithAreInTheRecordsBugs() throws IOException {
        assertEquals("racy-lazy-count,retire-list", JcstressLog.parse(log("one-bug-caught.log"), "quick", 50, List.of(),
                List.of("retire-list")).configuration().bugs());
        assertEquals("retire-list", JcstressLog.parse(log("two-fixed-ok.log"), "quick", 50, List.of(),
                List.of("retire-list")).configuration().bugs());
    }

    @Test
    void aFailedFixedVariantIsWrongAndNoTestAtAllIsNotAsExpected() throws IOException {
        List<String> fixedFailing = new ArrayList<>(log("one-bug-caught.log"));
        fixedFailing.replaceAll(line -> line.replace(".RacyLazyCount", ".Fixed"));
        RunRecord broken = JcstressLog.parse(fixedFailing, "quick", 50);
        assertEquals("wrong", broken.jcstress().get(0).verdict());
        assertFalse(JcstressLog.asExpected(broken));
        assertFalse(JcstressLog.asExpected(JcstressLog.parse(List.of("FATAL: No matching tests."), "quick", 0)));
    }
}
