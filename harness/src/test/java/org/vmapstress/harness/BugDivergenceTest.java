package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.record.RunRecord;

/**
 * What the bug changed: the failing execution run on the fixed model, on the same picks, first
 * differs at the step where the bug's code ran, and that run replays clean; a bug that changes a
 * value and no step, and a model with no fault, say so. On the zoo's minimal failures (the
 * checked-in tokens), every bug is explained by an ordering or by the step where its code ran,
 * but two.
 */
class BugDivergenceTest {
    private static final Execution EXECUTION = new Execution(Duration.ofSeconds(20), 200_000);
    private static final String MINIMAL_SECTION = "# The minimal token of every zoo bug";

    /** The checked-in minimal failure of every zoo bug ({@code corpus/known.tokens}' section of them), by bug. */
    private static Map<String, CorpusLine> minimalFailures() throws IOException {
        List<String> lines = Files.readAllLines(CorpusReplayTest.CORPUS);
        Map<String, CorpusLine> minimal = new LinkedHashMap<>();
        int k = lines.indexOf(lines.stream().filter(l -> l.startsWith(MINIMAL_SECTION)).findFirst().orElseThrow());
        while (lines.get(k).startsWith("#")) {
            k++;
        }
        for (; k < lines.size() && !lines.get(k).startsWith("#"); k++) {
            CorpusLine line = CorpusLine.parse(lines.get(k));
            minimal.put(Token.parse(line.token()).spec().bugs().toString(), line);
        }
        assertEquals(Bug.zoo().stream().map(Bug::cliName).collect(java.util.stream.Collectors.toSet()), minimal.keySet(),
                "one minimal token per zoo bug");
        return minimal;
    }

    private static FailureIsolation.Outcome isolated(String token) throws InterruptedException {
        return new FailureIsolation(EXECUTION).isolate(Token.parse(token).spec(), Duration.ofSeconds(30));
    }

    private static ExecutionResult replayed(Token token) throws InterruptedException {
        return EXECUTION.run(Token.parse(token.format()).spec());
    }

    /** The seed bug: with it, vb_free goes on to its block lock; without it, to clearing the PTE. Both replays say so. */
    @Test
    void lazyPteClearsStepIsThePteClearItSkips() throws Exception {
        FailureIsolation.Outcome outcome = isolated(minimalFailures().get("lazy-pte-clear").token());
        BugDivergence.Divergence divergence = outcome.divergence();
        assertTrue(divergence.found(), divergence::why);
        assertTrue(divergence.withoutBug().startsWith("went on to pte:clear "), divergence.withoutBug());
        assertTrue(divergence.withBug().matches("went on to acquire vb@\\d+\\.lock"), divergence.withBug());
        assertEquals("UNMAP-CLEARS", replayed(divergence.failing()).failureId(), "the failing replay fails");
        ExecutionResult fixed = replayed(divergence.passing());
        assertEquals(Verdict.CLEAN, fixed.verdict(), "the fixed model's replay is clean");
        assertEquals(BugSet.NONE, fixed.spec().bugs(), "and has no bug");
        assertTrue(outcome.slice().stream().anyMatch(e -> e.role() == CausalSlice.Role.DIVERGENCE && e.step().equals(divergence.step())),
                outcome.slice()::toString);
        List<RunRecord.Sentence> story = FailureStory.of(outcome.explained(), outcome.slice(), outcome.pair(), outcome.why(),
                divergence);
        assertTrue(story.get(0).text().contains("the bug's code ran in T0's step " + divergence.step().index()), story.get(0)::text);
        assertTrue(story.stream().anyMatch(s -> s.step() == divergence.step().index() && s.text().endsWith("here the bug's code ran.")),
                story::toString);
    }

    /** flush-over-and-over runs the same points as the fixed model: what tells them apart is what a step wrote. */
    @Test
    void flushOverAndOversStepIsWhatItDidNotWrite() throws Exception {
        BugDivergence.Divergence divergence = isolated(minimalFailures().get("flush-over-and-over").token()).divergence();
        assertTrue(divergence.found(), divergence::why);
        assertTrue(divergence.withBug().matches("did not write VmapBlock\\.dirty.* of block \\d+.*"), divergence.withBug());
        assertTrue(divergence.withoutBug().matches("wrote VmapBlock\\.dirty.* of block \\d+.*"), divergence.withoutBug());
    }

    /**
     * wrong-vbq-lock's code runs in every walk (it never reads vb->cpu), harmlessly where this
     * CPU's queue is the block's: those steps differ only in what they read, the two runs go on
     * alike, and the step named is the purge check that takes this CPU's queue lock where the
     * fixed model takes the block's CPU's.
     */
    @Test
    void wrongVbqLocksStepIsTheQueueLockTakenNotAHarmlessRead() throws Exception {
        BugDivergence.Divergence divergence = isolated(minimalFailures().get("wrong-vbq-lock").token()).divergence();
        assertTrue(divergence.found(), divergence::why);
        assertEquals("purge_fragmented_block:check", divergence.step().point(), divergence::toString);
        assertTrue(divergence.withBug().matches("went on to acquire vbq\\[\\d+]\\.lock"), divergence.withBug());
        assertTrue(divergence.withoutBug().matches("went on to acquire vbq\\[\\d+]\\.lock"), divergence.withoutBug());
        assertTrue(!divergence.withBug().equals(divergence.withoutBug()), "another queue's lock");
        assertTrue(!divergence.alsoRan().isEmpty() && divergence.alsoRan().stream().allMatch(s -> s.index() < divergence.step().index()),
                divergence.alsoRan()::toString);
    }

    /**
     * head-insert links its block at the head of the same list the fixed model links it at the
     * tail of: a value, no step; the check that sees it runs at the end, after the workers' last
     * step (the buggy run was not cut short).
     */
    @Test
    void headInsertChangesAValueNotAStep() throws Exception {
        BugDivergence.Divergence divergence = isolated(minimalFailures().get("head-insert").token()).divergence();
        assertTrue(!divergence.found() && divergence.why().contains("ran the same steps, touching the same things, to its workers' end:"
                + " the bug changed a value"), divergence::why);
        assertEquals(Verdict.CLEAN, replayed(divergence.passing()).verdict(), "the fixed model's run replays clean");
    }

    /** The vm_unmap_aliases window is the fixed model's own: there is no fault to switch off. */
    @Test
    void aModelWithNoFaultHasNothingToCompare() throws Exception {
        String window = CorpusLine.read(CorpusReplayTest.CORPUS).stream().map(CorpusLine::token)
                .filter(t -> t.startsWith("vms1:bugs=strict-aliases-flushed:")).findFirst().orElseThrow();
        FailureIsolation.Outcome outcome = new FailureIsolation(EXECUTION).isolate(Token.parse(window).spec(), Duration.ofSeconds(2));
        assertNotNull(outcome.explained(), outcome::why);
        assertNull(outcome.divergence(), "no divergence without a fault");
    }

    /**
     * Every zoo bug's minimal failure is explained by an ordering pair or by the step where its
     * code ran, each confirmed by replays, except the two that change a value and no step.
     */
    @Test
    void everyZooBugButTwoIsExplainedByAPairOrItsStep() throws Exception {
        Set<String> unexplained = new TreeSet<>();
        List<String> seen = new ArrayList<>();
        for (Map.Entry<String, CorpusLine> bug : minimalFailures().entrySet()) {
            FailureIsolation.Outcome outcome = isolated(bug.getValue().token());
            assertEquals(bug.getValue().expected(), outcome.explained().failureId(), bug.getKey());
            BugDivergence.Divergence divergence = outcome.divergence();
            assertNotNull(divergence, bug.getKey());
            seen.add(bug.getKey() + ": pair " + (outcome.pair() != null) + ", " + (divergence.found() ? "step " + divergence.step().index()
                    + " " + divergence.withBug() + " / " + divergence.withoutBug() : divergence.why()));
            if (divergence.found()) {
                int step = divergence.step().index();
                assertTrue(step >= 0 && outcome.explained().trace().get(step).equals(divergence.step()), bug.getKey() + ": a step of the trace");
                assertEquals(bug.getValue().expected(), replayed(divergence.failing()).failureId(), bug.getKey() + ": the failing replay fails");
                assertEquals(Verdict.CLEAN, replayed(divergence.passing()).verdict(), bug.getKey() + ": the fixed run replays clean");
            } else if (outcome.pair() == null) {
                unexplained.add(bug.getKey());
            }
        }
        assertEquals(Set.of("head-insert", "no-fragment-purge"), unexplained, String.join("\n", seen));
    }
}
