package org.vmapstress.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/**
 * Detection records (the zoo) are graded by what they found: every bug found by some engine
 * and nothing on the fixed model is green; a missed bug or a false alarm is red. Checking
 * records beside them still fail on any failure.
 */
class DetectionGradingTest {
    /** The seed bug's record: it shows UNMAP-CLEARS, an invariant lazy-pte-clear breaks. */
    private static final RunRecord BUG_FOUND = Fixtures.seedBug().forDetection(List.of("PTE-ALIAS", "UNMAP-CLEARS"));
    private static final RunRecord FIXED_CLEAN = Fixtures.cleanPct().forDetection(List.of());

    private static Grading grade(RunRecord... records) {
        return Grading.of(java.util.Arrays.stream(records).map(r -> new RunRecords.Located(Path.of("run.json"), r)).toList());
    }

    /** A run on {@code bugs} that found nothing: head-insert's runs expect USABLE-KEPT. */
    private static RunRecord foundNothingOn(String bugs) {
        return withBugs(FIXED_CLEAN, bugs).forDetection(List.of("USABLE-KEPT"));
    }

    private static RunRecord withBugs(RunRecord record, String bugs) {
        RunRecord.Configuration c = record.configuration();
        RunRecord changed = RunRecord.of(record.engine(), new RunRecord.Configuration(bugs, c.scenario(), c.threads(), c.ops(),
                c.model(), c.seed(), c.sched(), c.shard(), c.iterations(), c.budgetSeconds()), record.counts(), record.failures(), null);
        return record.detection() ? changed.forDetection(record.expected()) : changed;
    }

    @Test
    void everyBugFoundAndTheFixedModelCleanIsGreen() {
        Grading grading = grade(FIXED_CLEAN, BUG_FOUND);
        assertEquals(Verdict.CLEAN, grading.verdict());
        assertEquals("clean: 1 of 1 bugs found; fixed model clean (2 run records)", grading.headline());
        assertEquals("found", grading.failures().get(0).graded());
    }

    @Test
    void aMissedBugIsRed() {
        Grading grading = grade(FIXED_CLEAN, BUG_FOUND, foundNothingOn("head-insert"));
        assertEquals(Verdict.VIOLATION, grading.verdict());
        assertEquals(List.of("head-insert"), grading.missedBugs());
        assertEquals("violation: 1 of 2 bugs found (missed: head-insert); fixed model clean (3 run records)", grading.headline());
    }

    @Test
    void aMissedBugIsAFailingTestCaseInJunitXml(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        JunitXml.write(grade(FIXED_CLEAN, BUG_FOUND, foundNothingOn("head-insert")), tmp);
        String xml = java.nio.file.Files.readString(tmp.resolve("junit.xml"));
        assertEquals(true, xml.contains("tests=\"4\"") && xml.contains("failures=\"1\""), xml);
        assertEquals(true, xml.contains("<failure type=\"MISSED\" message=\"no engine found head-insert\">"), xml);
    }

    @Test
    void anythingFoundOnTheFixedModelIsAFalseAlarm() {
        Grading grading = grade(withBugs(BUG_FOUND, "none").forDetection(List.of()), BUG_FOUND);
        assertEquals(Verdict.VIOLATION, grading.verdict());
        assertEquals("false alarm", grading.failures().get(0).graded());
        assertEquals("violation: 1 of 1 bugs found; FALSE ALARM on the fixed model (2 run records)", grading.headline());
    }

    @Test
    void aCheckingRecordBesideThemStillFailsOnItsFailure() {
        Grading grading = grade(FIXED_CLEAN, BUG_FOUND, Fixtures.seedBug());
        assertEquals(Verdict.VIOLATION, grading.verdict());
        assertEquals("failure", grading.failures().get(1).graded());
    }

    @Test
    void aBugNoEngineFoundButSomeRunCouldNotJudgeIsUndecidedNotMissed() {
        RunRecord unjudged = foundNothingOn("head-insert").withIncomplete(List.of(
                new RunRecord.Unfinished("lincheck", "stopped at the end of its share", "give it more time")));
        Grading grading = grade(FIXED_CLEAN, BUG_FOUND, unjudged);
        assertEquals(Verdict.INCOMPLETE, grading.verdict());
        assertEquals(List.of(), grading.missedBugs());
        assertEquals(List.of("head-insert"), grading.undecidedBugs());
        assertEquals("incomplete: 1 of 2 bugs found (undecided: head-insert); fixed model clean; 1 step could not judge"
                + " (3 run records)", grading.headline());
        assertEquals(1, grading.matrix().cell("head-insert", FIXED_CLEAN.engine()).unfinished());
    }

    /** A detection counts only when the expected invariant broke: anything else is shown for what it is, never "found". */
    @Test
    void aFailureOfAnotherInvariantIsShownButNotCountedAsTheBugFound() {
        RunRecord otherInvariant = Fixtures.seedBug().forDetection(List.of("PTE-ALIAS"));
        Grading grading = grade(FIXED_CLEAN, otherInvariant);
        assertEquals(Verdict.VIOLATION, grading.verdict());
        assertEquals(List.of("lazy-pte-clear"), grading.missedBugs());
        assertEquals("other invariant (expected PTE-ALIAS)", grading.failures().get(0).graded());
        Grading.Cell cell = grading.matrix().cell("lazy-pte-clear", otherInvariant.engine());
        assertEquals(0, cell.found());
        assertEquals("UNMAP-CLEARS", cell.other());
    }

    /** A bug switch that only crashes the model: its runs could not judge, so the bug is undecided, never found. */
    @Test
    void aBugThatOnlyCrashesTheModelIsNotFound() {
        RunRecord crashed = foundNothingOn("head-insert").withIncomplete(List.of(
                new RunRecord.Unfinished("execution 0", "CRASHED: T1 threw java.lang.IllegalStateException", "replay it")));
        Grading grading = grade(FIXED_CLEAN, BUG_FOUND, crashed);
        assertEquals(List.of("head-insert"), grading.undecidedBugs());
        assertEquals(0, grading.matrix().cell("head-insert", FIXED_CLEAN.engine()).found());
    }

    /**
     * A zoo run with a patch names it in every configuration: the configuration of the patch
     * alone (its runs expect nothing) is the fixed model, graded as such, and listed first.
     */
    @Test
    void theFixedModelWithAPatchIsGradedAsTheFixedModel() {
        RunRecord patchedFixed = withBugs(FIXED_CLEAN, "retire-list");
        RunRecord patchedBug = withBugs(BUG_FOUND, "lazy-pte-clear,retire-list");
        Grading clean = grade(patchedBug, patchedFixed);
        assertEquals("clean: 1 of 1 bugs found; fixed model clean (2 run records)", clean.headline());
        assertEquals(List.of("retire-list", "lazy-pte-clear,retire-list"), List.copyOf(clean.matrix().rows().keySet()));
        assertEquals(true, clean.matrix().fixed("retire-list"));
        assertEquals(false, clean.matrix().fixed("lazy-pte-clear,retire-list"));

        Grading alarm = grade(withBugs(BUG_FOUND, "retire-list").forDetection(List.of()), patchedBug);
        assertEquals(Verdict.VIOLATION, alarm.verdict());
        assertEquals("false alarm", alarm.failures().get(0).graded());
    }
}
