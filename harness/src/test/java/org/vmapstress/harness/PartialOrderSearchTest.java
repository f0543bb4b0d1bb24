package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.Resource;
import org.vmapstress.model.SchedulePoint;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/**
 * The partial-order reduction is sound where it matters: run with and without it, each scenario
 * reaches the same outcomes (the violations found, and for the clean schedules the model's
 * state at the end) within the same preemption bound, while the reduced search runs fewer
 * schedules.
 */
class PartialOrderSearchTest {
    private static final Execution EXECUTION = new Execution(Duration.ofSeconds(20), 200_000);

    private static ExecutionSpec scenario(String bugs, String name) {
        return scenario(bugs, name, 20);
    }

    /** The scenario with its first {@code ops} operations per worker. */
    private static ExecutionSpec scenario(String bugs, String name, int ops) {
        return new ExecutionSpec(BugSet.parse(bugs.isEmpty() ? "none" : bugs).orElseThrow(), ModelShape.firstCpus(4), name, 2, ops, 0x5eed,
                BoundedSearch.SCHED, 0);
    }

    /** What a schedule reached: the invariant it broke, or clean and the model's state at its end. */
    private static String outcome(ExecutionResult result) {
        return result.failed() ? "violation " + result.failureId() : "clean " + result.snapshot();
    }

    private record Reached(Set<String> outcomes, long schedules) {
    }

    private static Reached plain(ExecutionSpec spec, int bound) throws InterruptedException {
        Set<String> outcomes = new TreeSet<>();
        BoundedSearch.Summary summary = new BoundedSearch(EXECUTION, r -> outcomes.add(outcome(r)))
                .explore(spec, bound, 1_000_000, Duration.ofMinutes(5), progress -> { });
        assertTrue(summary.complete(), summary::toString);
        return new Reached(outcomes, summary.schedules());
    }

    private static Reached reduced(ExecutionSpec spec, int bound, PartialOrderSearch.Footprints footprints) throws InterruptedException {
        Set<String> outcomes = new TreeSet<>();
        BoundedSearch.Summary summary = new PartialOrderSearch(EXECUTION, r -> outcomes.add(outcome(r)), footprints)
                .explore(spec, bound, 1_000_000, Duration.ofMinutes(5), progress -> { });
        assertTrue(summary.complete(), summary::toString);
        return new Reached(outcomes, summary.schedules());
    }

    @ParameterizedTest(name = "{0} with [{1}] at bound {2}")
    @CsvSource({
            "unmap-reuse-pagetable, '', 2",
            "fill-block-aliases, '', 1",
            "purge-while-alloc, '', 2",
            "fragment-purge-free, '', 1",
            "retire-while-aliases, '', 1",
            "unmap-reuse-pagetable, lazy-pte-clear, 0",
            "unmap-reuse-pagetable, publish-before-init, 1",
            "retire-while-aliases, racy-lazy-count, 1",
            "retire-while-aliases, strict-aliases-flushed, 1",
    })
    void reachesWhatThePlainSearchReaches(String name, String bugs, int bound) throws InterruptedException {
        ExecutionSpec spec = scenario(bugs, name);
        Reached plain = plain(spec, bound);
        Reached reduced = reduced(spec, bound, PartialOrderSearch.Footprints.DECLARED);

        assertEquals(plain.outcomes(), reduced.outcomes());
        assertTrue(reduced.schedules() < plain.schedules(), reduced.schedules() + " schedules reduced, " + plain.schedules() + " plain");
        System.out.printf("%s [%s] bound %d: %d outcomes; %d schedules plain, %d reduced%n", name, bugs, bound,
                plain.outcomes().size(), plain.schedules(), reduced.schedules());
    }

    /**
     * Without a bound (source sets and sleep sets), the reduced search covers the whole space:
     * every outcome the plain search reaches within two preemptions, it reaches too (the plain
     * search cannot finish the whole space of any scenario: unmap-reuse-pagetable has more than
     * 14 million schedules, docs/exhaustive.md).
     */
    @ParameterizedTest(name = "{0}, {1} ops per worker")
    @CsvSource({
            "unmap-reuse-pagetable, 20",
            "fragment-purge-free, 3",
            "purge-while-alloc, 3",
    })
    void withoutABoundReachesEveryOutcomeOfTheBoundedPlainSearch(String name, int ops) throws InterruptedException {
        ExecutionSpec spec = scenario("", name, ops);
        Reached plain = plain(spec, 2);
        Reached whole = reduced(spec, BoundedSearch.UNBOUNDED, PartialOrderSearch.Footprints.DECLARED);

        assertTrue(whole.outcomes().containsAll(plain.outcomes()), "missed " + difference(plain.outcomes(), whole.outcomes()));
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> left = new TreeSet<>(a);
        left.removeAll(b);
        return left;
    }

    /**
     * The test can fail: a footprint that leaves out what steps touch lets the reduction call
     * two conflicting steps independent, and the reduced search misses outcomes the plain one
     * reaches. {@code locks}: footprints of the locks alone ("the locks order everything");
     * {@code fields}: the locks and the fields the race detector watches, without the page
     * table, TLBs, index and counters ({@link Resource}).
     */
    @ParameterizedTest(name = "{0} with [{1}] at bound {2}, footprints of {3} only")
    @CsvSource({
            "unmap-reuse-pagetable, '', 1, locks",
            "unmap-reuse-pagetable, '', 1, fields",
            "retire-while-aliases, strict-aliases-flushed, 1, locks",
    })
    void aWrongFootprintMissesOutcomes(String name, String bugs, int bound, String only) throws InterruptedException {
        ExecutionSpec spec = scenario(bugs, name);
        PartialOrderSearch.Footprints wrong = new PartialOrderSearch.Footprints(PartialOrderSearch.Footprints.DECLARED.declared(),
                (point, resource) -> only.equals("locks") ? resource != Resource.LOCK : resource instanceof Resource && resource != Resource.LOCK);

        assertFalse(difference(plain(spec, bound).outcomes(), reduced(spec, bound, wrong).outcomes()).isEmpty(),
                "footprints of " + only + " only reached every outcome");
    }

    /** A point that declares no footprint conflicts with everything: still sound, with more schedules. */
    @Test
    void anUndeclaredPointConflictsWithEverything() throws InterruptedException {
        ExecutionSpec spec = scenario("", "purge-while-alloc");
        PartialOrderSearch.Footprints pteUndeclared = new PartialOrderSearch.Footprints(
                point -> PartialOrderSearch.Footprints.DECLARED.declared().test(point) && !point.equals(SchedulePoint.PTE_SET.label()),
                (point, resource) -> false);

        Reached declared = reduced(spec, 1, PartialOrderSearch.Footprints.DECLARED);
        Reached undeclared = reduced(spec, 1, pteUndeclared);
        assertEquals(plain(spec, 1).outcomes(), undeclared.outcomes());
        assertTrue(undeclared.schedules() > declared.schedules(), undeclared.schedules() + " with pte:set undeclared, "
                + declared.schedules() + " declared");
    }

    @Test
    void theCommandLineReducesByDefaultAndSaysSo() {
        int[] exit = new int[1];
        String complete = CliRunner.run(exit, "run", "--sched", "dfs", "--preemptions", "1", "--scenario", "unmap-reuse-pagetable",
                "--corpus", "target/partial-order-corpus")[0];
        assertEquals(0, exit[0], complete);
        assertTrue(complete.matches("(?s).*\\ncomplete: \\d+ schedules, bound 1 \\(dpor\\), 0 violations\\n.*"), complete);

        String capped = CliRunner.run(exit, "run", "--sched", "dfs", "--scenario", "retire-while-aliases", "--iterations", "20",
                "--corpus", "target/partial-order-corpus")[0];
        assertEquals(3, exit[0], capped);
        assertTrue(capped.contains("capped: 20 schedules (dpor), at least"), capped);

        String found = CliRunner.run(exit, "run", "--sched", "dfs", "--preemptions", "1", "--scenario", "unmap-reuse-pagetable",
                "--bug", "publish-before-init", "--corpus", "target/partial-order-corpus")[0];
        assertEquals(1, exit[0], found);
        assertTrue(found.contains("REPLAY"), found);
        assertTrue(found.matches("(?s).*violating schedules: \\d+ of \\d+ \\(one of each class of equivalent schedules\\).*"), found);

        String unknown = CliRunner.run(exit, "run", "--sched", "dfs", "--reduction", "por")[1];
        assertEquals(2, exit[0], unknown);
        assertTrue(unknown.contains("--reduction 'por' is not one of: dpor, none"), unknown);
        String notDfs = CliRunner.run(exit, "run", "--reduction", "dpor")[1];
        assertEquals(2, exit[0], notDfs);
        assertTrue(notDfs.contains("--reduction applies to --sched dfs only"), notDfs);
    }

    @Test
    void theSuiteSearchesTheNamedScenariosToCompletion(@TempDir Path out) {
        int[] exit = new int[1];
        String printed = CliRunner.run(exit, "suite", "--engines", "exhaustive", "--budget", "2m", "--out", out.toString())[0];

        assertEquals(0, exit[0], printed);
        for (String scenario : List.of("unmap-reuse-pagetable", "fragment-purge-free", "purge-while-alloc", "fill-block-aliases",
                "retire-while-aliases")) {
            RunRecord record = RunRecords.read(out.resolve("exhaustive").resolve(scenario).resolve("run.json"));
            assertTrue(record.exhaustive().complete(), scenario + ": " + record.exhaustive().summary());
            assertEquals("dpor", record.exhaustive().reduction());
            assertTrue(printed.contains(scenario + ": complete: "), printed);
        }
    }
}
