package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.harness.sched.Choices;
import org.vmapstress.harness.sched.DfsPolicy;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.Verdict;

/**
 * The exhaustive search ({@code --sched dfs}): it runs each schedule once, never one with more
 * preemptions than its bound, smaller bounds first, and exactly the schedules a plain
 * recursive enumeration finds; it says complete only when it is, capped otherwise; a zoo bug
 * is found with a token that replays.
 */
class BoundedSearchTest {
    private static final Execution EXECUTION = new Execution(Duration.ofSeconds(20), 200_000);
    private static final String SEED_RACE = "unmap-reuse-pagetable";

    private static ExecutionSpec scenario(BugSet bugs, String name) {
        return new ExecutionSpec(bugs, ModelShape.firstCpus(4), name, 3, 20, 0x5eed, BoundedSearch.SCHED, 0);
    }

    /**
     * Replays a schedule the search ran, from its choices alone, and counts its preemptions: a
     * pick of another worker while the one at the point could run on. The replay must give
     * the same trace (the model is deterministic given its picks).
     */
    private static int preemptionsOnReplay(ExecutionResult run) throws InterruptedException {
        String packed = run.spec().sched().substring(Choices.PREFIX.length());
        DfsPolicy replay = new DfsPolicy(Choices.unpack(packed));
        assertEquals(run.fingerprint(), EXECUTION.run(run.spec(), replay).fingerprint(), "the replay went another way");
        return (int) replay.decisions().stream().filter(d -> d.preempts(d.chosen())).count();
    }

    @Test
    void runsEachScheduleOnceWithinItsBoundSmallerBoundsFirst() throws InterruptedException {
        List<ExecutionResult> runs = new ArrayList<>();
        BoundedSearch.Summary summary = new BoundedSearch(EXECUTION, runs::add)
                .explore(scenario(BugSet.NONE, SEED_RACE), 2, 100_000, Duration.ofMinutes(2), progress -> { });

        assertTrue(summary.complete(), summary::toString);
        assertFalse(summary.exhausted(), "schedules with three preemptions exist");
        assertEquals(2, summary.explored());
        assertEquals(runs.size(), summary.schedules());
        Set<String> schedules = new HashSet<>();
        int previous = 0;
        for (ExecutionResult run : runs) {
            assertFalse(run.failed(), run::failureMessage);
            assertTrue(schedules.add(run.spec().sched()), "a schedule ran twice: " + run.spec().sched());
            int preemptions = preemptionsOnReplay(run);
            assertTrue(preemptions <= 2, "a schedule with " + preemptions + " preemptions under bound 2");
            assertTrue(preemptions >= previous, "bound " + preemptions + " after bound " + previous);
            previous = preemptions;
        }
        assertEquals(2, previous, "no schedule used the bound");
    }

    @Test
    void findsExactlyTheSchedulesAPlainRecursiveEnumerationFinds() throws InterruptedException {
        Set<String> searched = new HashSet<>();
        BoundedSearch.Summary summary = new BoundedSearch(EXECUTION, run -> searched.add(run.spec().sched()))
                .explore(scenario(BugSet.NONE, SEED_RACE), 1, 100_000, Duration.ofMinutes(1), progress -> { });

        assertTrue(summary.complete());
        assertEquals(plainEnumeration(scenario(BugSet.NONE, SEED_RACE), 1), searched);
    }

    /**
     * Every schedule with at most {@code bound} preemptions, by the definition: from each
     * schedule, every other worker that could run at each of its picks, kept when the
     * preemptions so far stay within the bound. No levels, no deferred branches.
     */
    private static Set<String> plainEnumeration(ExecutionSpec spec, int bound) throws InterruptedException {
        record Prefix(byte[] picks, int preemptions) {
        }
        Set<String> found = new HashSet<>();
        Deque<Prefix> todo = new ArrayDeque<>(List.of(new Prefix(new byte[0], 0)));
        while (!todo.isEmpty()) {
            Prefix prefix = todo.pop();
            DfsPolicy policy = new DfsPolicy(prefix.picks());
            EXECUTION.run(spec, policy);
            found.add(policy.name());
            List<DfsPolicy.Decision> decisions = policy.decisions();
            for (int i = prefix.picks().length; i < decisions.size(); i++) {
                for (int worker : decisions.get(i).runnable()) {
                    int preemptions = prefix.preemptions() + (decisions.get(i).preempts(worker) ? 1 : 0);
                    if (worker != decisions.get(i).chosen() && preemptions <= bound) {
                        byte[] picks = Arrays.copyOf(policy.picks(i), i + 1);
                        picks[i] = (byte) worker;
                        todo.push(new Prefix(picks, preemptions));
                    }
                }
            }
        }
        return found;
    }

    @Test
    void withoutABoundASmallWorkloadIsExhausted() throws InterruptedException {
        ExecutionSpec tiny = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), ExecutionSpec.RANDOM_SCENARIO, 2, 1, 0x5eed,
                BoundedSearch.SCHED, 0);
        BoundedSearch.Summary summary = new BoundedSearch(EXECUTION)
                .explore(tiny, BoundedSearch.UNBOUNDED, 100_000, Duration.ofMinutes(1), progress -> { });

        assertTrue(summary.complete());
        assertTrue(summary.exhausted());
        assertEquals(plainEnumeration(tiny, Integer.MAX_VALUE).size(), summary.schedules());
    }

    @Test
    void aCappedSearchIsNotCompleteAndSaysWhatIsLeft() throws InterruptedException {
        BoundedSearch.Summary capped = new BoundedSearch(EXECUTION)
                .explore(scenario(BugSet.NONE, SEED_RACE), 2, 10, Duration.ofMinutes(1), progress -> { });

        assertFalse(capped.complete());
        assertEquals("iterations", capped.cap());
        assertEquals(10, capped.schedules());
        assertTrue(capped.branchesLeft() > 0);
        assertFalse(capped.exhausted());
    }

    @Test
    void theSeedBugIsFoundAndItsTokenReplays() throws InterruptedException {
        BoundedSearch.Summary summary = new BoundedSearch(EXECUTION)
                .explore(scenario(BugSet.of(Bug.LAZY_PTE_CLEAR), SEED_RACE), 2, 100_000, Duration.ofMinutes(1), progress -> { });

        ExecutionResult failure = summary.failure();
        assertNotNull(failure);
        assertEquals(Verdict.VIOLATION, failure.verdict());
        assertTrue(summary.violating() > 0);
        assertEquals(0, summary.explored(), "found at bound 0, the search ends with that bound");
        Token token = Token.parse(Token.of(failure).format());
        ExecutionResult replayed = EXECUTION.run(token.spec());
        assertEquals(failure.failureId(), replayed.failureId());
        assertEquals(failure.fingerprint(), replayed.fingerprint());
        assertNull(token.staleness(replayed));
    }

    @Test
    void aPrefixThatNoLongerFitsEndsTheExecutionAsNotJudged() {
        DfsPolicy policy = new DfsPolicy(new byte[] {1});
        assertThrows(IllegalStateException.class, () -> policy.pick(List.of(0), 0, 0));
    }

    @Test
    void theCommandLineSaysCompleteOrCappedAndExitsAccordingly() {
        int[] exit = new int[1];
        String complete = CliRunner.run(exit, "run", "--sched", "dfs", "--preemptions", "1", "--reduction", "none", "--scenario", SEED_RACE,
                "--corpus", "target/bounded-search-corpus")[0];
        assertEquals(0, exit[0], complete);
        assertTrue(complete.matches("(?s).*\\ncomplete: \\d+ schedules, bound 1, 0 violations\\n.*"), complete);

        String capped = CliRunner.run(exit, "run", "--sched", "dfs", "--preemptions", "2", "--reduction", "none", "--scenario", SEED_RACE,
                "--iterations", "50", "--corpus", "target/bounded-search-corpus")[0];
        assertEquals(3, exit[0], capped);
        assertTrue(capped.contains("capped: 50 schedules, bound 0 complete, bound 1 partly done, at least"), capped);

        String refused = CliRunner.run(exit, "run", "--sched", "random", "--preemptions", "2")[1];
        assertEquals(2, exit[0], refused);
        assertTrue(refused.contains("--preemptions bounds --sched dfs only"), refused);
    }
}
