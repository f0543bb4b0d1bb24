package org.vmapstress.harness.cli;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.vmapstress.harness.BoundedSearch;
import org.vmapstress.harness.PartialOrderSearch;
import org.vmapstress.harness.Shard;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.record.RunRecord;

/**
 * An exhaustive search and its run record: what {@code run --sched dfs} and the suite's
 * exhaustive step share. The record carries the coverage ({@link RunRecord.Exhaustive}); a
 * capped search is also a step that could not judge, with what to give it.
 */
final class ExhaustiveRuns {
    /** One search of the suite's exhaustive step: a named scenario, to completion up to a preemption bound. */
    record Planned(String scenario, int bound) {
    }

    /** The suite's exhaustive step, with partial-order reduction: every named scenario at bound 2 (docs/exhaustive.md). */
    static final List<Planned> SUITE = List.of(new Planned("unmap-reuse-pagetable", 2), new Planned("fragment-purge-free", 2),
            new Planned("purge-while-alloc", 2), new Planned("fill-block-aliases", 2), new Planned("retire-while-aliases", 2));
    /** What the step needs on a two-core machine: 12.9 s measured beside another job (docs/exhaustive.md), rounded up. */
    static final long SUITE_SECONDS = 20;
    /** How many times its idle need the step may take on a loaded machine before it ends capped. */
    static final int SLOWER = 4;

    private ExhaustiveRuns() {
    }

    /** A named scenario to search exhaustively, as run's defaults give it: CPUs 0-3, its first 20 operations per worker, seed 0x5eed. */
    static ExecutionSpec template(BugSet bugs, String scenario) {
        return new ExecutionSpec(bugs, ModelShape.firstCpus(4), scenario, 2, 20, 0x5eed, BoundedSearch.SCHED, 0);
    }

    /** The search: reduced ({@link PartialOrderSearch}) or plain ({@link BoundedSearch}), up to {@code bound} preemptions. */
    static BoundedSearch.Summary search(Execution execution, ExecutionSpec template, int bound, boolean reduced, long iterations,
                                        Duration budget, Consumer<BoundedSearch.Summary> progress) throws InterruptedException {
        return reduced
                ? new PartialOrderSearch(execution, result -> { }, PartialOrderSearch.Footprints.DECLARED)
                        .explore(template, bound, iterations, budget, progress)
                : new BoundedSearch(execution).explore(template, bound, iterations, budget, progress);
    }

    /** The search's run record, with its coverage, and a capped search as unfinished. */
    static RunRecord record(ExecutionSpec template, BoundedSearch.Summary summary, boolean reduced, long iterations, Duration budget,
                            RunRecord.Isolation isolation) {
        Integer preemptions = summary.bound() == BoundedSearch.UNBOUNDED ? null : summary.bound();
        RunRecord.Exhaustive coverage = new RunRecord.Exhaustive(preemptions, summary.explored(), summary.schedules(),
                summary.complete(), summary.exhausted(), summary.violating(), summary.branchesLeft(),
                reduced ? PartialOrderSearch.DPOR : null);
        RunRecord record = RunReporting.record(template, summary.asExploration(), Shard.ALL, iterations, budget, null, isolation)
                .withExhaustive(coverage);
        if (summary.cap() == null) {
            return record;
        }
        return record.withIncomplete(List.of(new RunRecord.Unfinished(RunReporting.engine(template),
                coverage.summary() + " (its " + summary.cap() + " ran out)",
                summary.cap().equals("budget") ? "give it a larger --budget" : "give it a larger --iterations")));
    }

    /** The line that counts the violating schedules, or null when none violated. */
    static String violatingLine(BoundedSearch.Summary summary, boolean reduced) {
        if (summary.violating() == 0) {
            return null;
        }
        return (reduced
                ? String.format("violating schedules: %d of %d (one of each class of equivalent schedules)", summary.violating(), summary.schedules())
                : String.format("violating schedules: %d of %d with at most %d preemptions", summary.violating(), summary.schedules(),
                        Math.max(0, summary.explored())))
                + "; the first was schedule " + summary.firstViolationAt();
    }
}
