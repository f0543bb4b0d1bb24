package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.InvariantId;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.record.RunRecord;

/**
 * Isolation finds the pair of steps whose order decides a race's failure, and both of its
 * replay tokens replay as it says; a failure that needs no other worker has no pair, and says so.
 */
class FailureIsolationTest {
    private static final Execution EXECUTION = new Execution(Duration.ofSeconds(20), 200_000);

    /** The first violating schedule of {@code scenario} with {@code bug}, found by the reduced exhaustive search. */
    private static ExecutionResult firstFailure(String bug, String scenario, int bound) throws InterruptedException {
        ExecutionSpec spec = new ExecutionSpec(BugSet.parse(bug).orElseThrow(), ModelShape.firstCpus(4), scenario, 2, 20, 0x5eed,
                BoundedSearch.SCHED, 0);
        ExecutionResult failure = new PartialOrderSearch(EXECUTION, r -> { }, PartialOrderSearch.Footprints.DECLARED)
                .explore(spec, bound, 100_000, Duration.ofMinutes(2), progress -> { }).failure();
        assertNotNull(failure, bug + " in " + scenario);
        return failure;
    }

    /**
     * The pair isolated in the first failure of {@code scenario} with {@code bug}: of two workers,
     * its failing token replays the failure and its passing token replays clean.
     */
    private static FailureIsolation.Pair isolatedPair(String bug, String scenario, int bound) throws InterruptedException {
        ExecutionResult failure = firstFailure(bug, scenario, bound);
        FailureIsolation.Outcome outcome = new FailureIsolation(EXECUTION).isolate(failure.spec(), Duration.ofSeconds(30));
        FailureIsolation.Pair pair = outcome.pair();
        assertNotNull(pair, outcome::why);
        assertNotEquals(pair.first().thread(), pair.second().thread(), "a pair of two workers' steps");
        ExecutionResult failing = EXECUTION.run(Token.parse(pair.failing().format()).spec());
        assertEquals(failure.failureId(), failing.failureId(), "the failing token replays the failure");
        ExecutionResult passing = EXECUTION.run(Token.parse(pair.passing().format()).spec());
        assertEquals(Verdict.CLEAN, passing.verdict(), "the other order replays clean: " + passing.failureMessage());
        assertSliceOf(outcome);
        assertTrue(outcome.slice().stream().anyMatch(e -> e.why().startsWith("the isolated pair")), outcome.slice()::toString);
        List<RunRecord.Sentence> story = storyOf(outcome);
        assertTrue(story.get(0).text().contains(" because T" + pair.first().thread() + "'s ")
                && story.get(0).text().contains(" ran before T" + pair.second().thread() + "'s "), story.get(0)::text);
        return pair;
    }

    /**
     * The story of an isolation: three to eight sentences, each naming a step of the explained
     * trace; the first says which invariant broke and where, the last is the check, with the
     * invariant's rule and what it saw.
     */
    private static List<RunRecord.Sentence> storyOf(FailureIsolation.Outcome outcome) {
        List<RunRecord.Sentence> story = FailureStory.of(outcome.explained(), outcome.slice(), outcome.pair(), outcome.why(),
                outcome.divergence());
        String text = String.join("\n", story.stream().map(RunRecord.Sentence::text).toList());
        assertTrue(story.size() >= 3 && story.size() <= FailureStory.MOST, story.size() + " sentences:\n" + text);
        Set<Integer> steps = outcome.explained().trace().stream().map(Step::index).collect(Collectors.toSet());
        story.forEach(sentence -> assertTrue(steps.contains(sentence.step()), "names a step of the trace: " + sentence));
        String invariant = outcome.explained().failureId();
        assertTrue(story.get(0).text().startsWith(invariant + " broke at step " + story.get(0).step() + " "), text);
        String rule = InvariantId.byId(invariant).orElseThrow().rule();
        assertTrue(story.get(story.size() - 1).text().contains("the check found " + invariant + " (" + rule + ") broken"), text);
        return story;
    }

    /** A slice of at most 25 steps of the explained execution, ending with the step the violation was found in. */
    private static void assertSliceOf(FailureIsolation.Outcome outcome) {
        var slice = outcome.slice();
        assertTrue(!slice.isEmpty() && slice.size() <= CausalSlice.MAX_STEPS, slice::toString);
        for (CausalSlice.Entry entry : slice) {
            if (entry.step().index() >= 0) {
                assertEquals(outcome.explained().trace().get(entry.step().index()), entry.step(), "a step of the trace");
            }
        }
        assertTrue(slice.stream().anyMatch(e -> e.why().equals("the step the violation was found in")), slice::toString);
    }

    /** A race reversed: the walk of vm_unmap_aliases after the insert that published the block before its CPU was set. */
    @Test
    void publishBeforeInitIsTheIndexInsertAgainstTheWalk() throws InterruptedException {
        FailureIsolation.Pair pair = isolatedPair("publish-before-init", "unmap-reuse-pagetable", 1);
        assertEquals("new_vmap_block:xa_insert", pair.first().point(), pair::toString);
        assertTrue(pair.first().index() < pair.second().index(), "in the failing order");
    }

    /** The story says the walk read the block's vb->cpu, which no step had written: the field read before it was set. */
    @Test
    void publishBeforeInitsStorySaysTheCpuWasReadUnwritten() throws InterruptedException {
        ExecutionResult failure = firstFailure("publish-before-init", "unmap-reuse-pagetable", 1);
        FailureIsolation.Outcome outcome = new FailureIsolation(EXECUTION).isolate(failure.spec(), Duration.ofSeconds(30));
        List<RunRecord.Sentence> story = storyOf(outcome);
        String check = story.get(story.size() - 1).text();
        assertTrue(check.matches(".*reading VmapBlock\\.cpu of block \\d+, which no step before it had written.*"), check);
        assertTrue(story.stream().anyMatch(s -> s.text().contains("published block")), "the insert that published it is told");
    }

    /** A lost window: the failing order never ran the count's step before the purge; undoing the switch away from it passes. */
    @Test
    void racyLazyCountIsThePurgeBeforeTheCountAdd() throws InterruptedException {
        FailureIsolation.Pair pair = isolatedPair("racy-lazy-count", "retire-while-aliases", 1);
        assertEquals("free_vmap_area_noflush:vmap_lazy_nr-add", pair.second().point(), pair::toString);
    }

    /** The count's step never ran before the failure: the story says its worker was switched away there. */
    @Test
    void racyLazyCountsStorySaysTheCountAddNeverRan() throws InterruptedException {
        ExecutionResult failure = firstFailure("racy-lazy-count", "retire-while-aliases", 1);
        FailureIsolation.Outcome outcome = new FailureIsolation(EXECUTION).isolate(failure.spec(), Duration.ofSeconds(30));
        List<RunRecord.Sentence> story = storyOf(outcome);
        assertTrue(story.stream().anyMatch(s -> s.text().matches(".*reached free_vmap_area_noflush:vmap_lazy_nr-add and was switched"
                + " away: it had not added \\d+ pages to vmap_lazy_nr when the violation was found.*")), story::toString);
    }

    @Test
    void aFailureOfOneWorkerAloneHasNoPair() throws InterruptedException {
        ExecutionResult failure = firstFailure("lazy-pte-clear", "unmap-reuse-pagetable", 0);
        FailureIsolation.Outcome outcome = new FailureIsolation(EXECUTION).isolate(failure.spec(), Duration.ofSeconds(30));
        assertNull(outcome.pair());
        assertTrue(outcome.why().contains("program order"), outcome.why());
        assertSliceOf(outcome);
        assertTrue(outcome.slice().stream().anyMatch(e -> e.why().startsWith("wrote the PTE of VA page")),
                "the unmap check read the PTEs the map wrote: " + outcome.slice());
        List<RunRecord.Sentence> story = storyOf(outcome);
        assertTrue(story.get(0).text().contains("own operations, in program order"), story.get(0)::text);
        assertTrue(story.stream().anyMatch(s -> s.text().contains("set the PTE of VA page")), story::toString);
    }

    /**
     * impossible-cpu-hash as the zoo shrinks it (CPUs 0 and 2, two workers of one operation each,
     * PCT depth 1, execution 26: a fixed execution, not one a time-bounded shrink finds) hashes to
     * an impossible CPU whatever the order of the workers' steps: every reordering fails the same
     * way, and the isolation says so.
     */
    @Test
    void aFailureThatNeedsNoOrderSaysEveryReorderingFailsTheSameWay() throws InterruptedException {
        ExecutionSpec shrunk = new ExecutionSpec(BugSet.parse("impossible-cpu-hash").orElseThrow(), ModelShape.ZOO_PROFILES.get(1),
                "random", 2, 1, 0x5eed, "pct:1", 26);
        FailureIsolation.Outcome outcome = new FailureIsolation(EXECUTION).isolate(shrunk, Duration.ofSeconds(30));
        assertNull(outcome.pair(), outcome::why);
        assertTrue(outcome.tried() > 0 && outcome.why().equals("each of its " + outcome.tried() + " reorderings of one pair of steps"
                + " fails the same way (POSSIBLE-CPU): the failure needs these workers' operations, not one order of them"), outcome.why());
        storyOf(outcome);
    }

    @Test
    void noBudgetSaysSo() throws InterruptedException {
        ExecutionResult failure = firstFailure("publish-before-init", "unmap-reuse-pagetable", 1);
        FailureIsolation.Outcome outcome = new FailureIsolation(EXECUTION).isolate(failure.spec(), Duration.ZERO);
        assertNull(outcome.pair());
        assertEquals("not tried: no time left", outcome.why());
    }
}
