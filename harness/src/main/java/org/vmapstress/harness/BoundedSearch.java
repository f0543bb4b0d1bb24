package org.vmapstress.harness;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.sched.DfsPolicy;
import org.vmapstress.reports.Verdict;

/**
 * Exhaustive exploration ({@code --sched dfs}): every schedule of one workload with at most
 * {@code bound} preemptions, each run once, smaller bounds first (iterative context bounding,
 * Musuvathi and Qadeer, PLDI 2007). Stateless: a schedule is the prefix of picks that leads to
 * it, replayed from a fresh model, then run on without preempting ({@link DfsPolicy}); each
 * execution's picks after its prefix are new branch points, and each worker it could have
 * picked there instead is a branch still to run: now if it keeps within the bound being
 * explored, at the next bound if it is one preemption more.
 *
 * <p>The answer is a verdict on coverage: <em>complete</em> when every schedule up to the bound
 * ran (or the whole space, when it has none with more preemptions), <em>capped</em> when the
 * budget or the iteration limit came first, with the branches not taken (each at least one
 * schedule). A violation ends the search at the end of the bound it was found in, with how
 * many schedules up to that bound violate. An execution that could not be judged (its
 * watchdog, the step limit, a crash) ends it: a schedule not judged is no coverage.
 */
public final class BoundedSearch {
    /** The schedule "policy" of an exhaustive run in {@code run --sched}. */
    public static final String SCHED = "dfs";
    /** No preemption bound: run until the space is exhausted. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    private final Execution execution;
    private final Consumer<ExecutionResult> eachSchedule;

    public BoundedSearch(Execution execution) {
        this(execution, result -> { });
    }

    /**
     * A search that hands {@code eachSchedule} every execution it runs, in order, with its
     * schedule as replayable choices (its identity: two schedules can have equal traces, when
     * they differ only in where a worker ran the tail of its last operation, after its last
     * schedule point).
     */
    public BoundedSearch(Execution execution, Consumer<ExecutionResult> eachSchedule) {
        this.execution = execution;
        this.eachSchedule = eachSchedule;
    }

    /**
     * A branch not yet taken: the first {@code at} picks of {@code path} (an execution's picks,
     * shared by the branches taken from it), then {@code worker}; and the preemptions they make.
     */
    private record Branch(byte[] path, int at, int worker, int preemptions) {
        static final Branch ROOT = new Branch(new byte[0], -1, 0, 0);

        byte[] prefix() {
            if (at < 0) {
                return path;
            }
            byte[] prefix = Arrays.copyOf(path, at + 1);
            prefix[at] = (byte) worker;
            return prefix;
        }
    }

    /**
     * How far a search got. {@code bound} is the bound asked for ({@link #UNBOUNDED}: none),
     * {@code explored} the largest bound every schedule of which ran (-1 before bound 0 was
     * done), {@code exhausted} whether no schedule with more preemptions is left (the whole
     * space ran); {@code failure} the
     * first violating schedule (smallest bound first) or the execution that could not judge,
     * {@code firstViolationAt} how many schedules had run when the first violation came (0: none);
     * {@code branchesLeft} the branches not taken up to the bound; {@code cap} why the search
     * stopped early ("budget", "iterations"), or null.
     */
    public record Summary(int bound, int explored, boolean exhausted, long schedules, long steps, Duration elapsed, long violating,
                          ExecutionResult failure, long firstViolationAt, long branchesLeft, String cap) {
        /** Every schedule up to the bound ran (or the whole space did), and each was judged. */
        public boolean complete() {
            return cap == null && (failure == null || failure.verdict() == Verdict.VIOLATION);
        }

        /** The run in {@link Explorer}'s terms, for the run record. */
        public Explorer.Summary asExploration() {
            return new Explorer.Summary(schedules, steps, elapsed, failure, "budget".equals(cap));
        }
    }

    /**
     * Searches the schedules of {@code template}'s workload (execution index fixed: one
     * workload) up to {@code bound} preemptions, at most {@code iterations} of them, for at
     * most {@code budget}; {@code progress} hears about once a second.
     */
    public Summary explore(ExecutionSpec template, int bound, long iterations, Duration budget, Consumer<Summary> progress)
            throws InterruptedException {
        Search search = new Search(template, bound, System.nanoTime(), budget);
        long lastReport = search.start;
        while (true) {
            while (!search.now.isEmpty()) {
                String cap = search.tally.cap(search.deadline, iterations);
                if (cap != null) {
                    return search.summary(cap);
                }
                if (!search.runNext()) {
                    return search.summary(null);
                }
                if (System.nanoTime() - lastReport > 1_000_000_000L) {
                    lastReport = System.nanoTime();
                    progress.accept(search.summary(null));
                }
            }
            search.explored = search.level;
            if (search.tally.failure != null || search.later.isEmpty() || search.level >= bound) {
                return search.summary(null);
            }
            search.nextLevel();
        }
    }

    /** The state of one search: the branches to run at this bound and at the next. */
    private final class Search {
        final ExecutionSpec spec;
        final int bound;
        final long start;
        final long deadline;
        final Deque<Branch> now = new ArrayDeque<>();
        List<Branch> later = new ArrayList<>();
        /** Whether some schedule needs more preemptions than the bound (it is not kept: it will not run). */
        boolean beyondBound;
        int level;
        int explored = -1;
        final SearchTally tally = new SearchTally();

        Search(ExecutionSpec template, int bound, long start, Duration budget) {
            this.spec = template;
            this.bound = bound;
            this.start = start;
            this.deadline = start + budget.toNanos();
            now.push(Branch.ROOT);
        }

        /** Runs the next branch; false when its execution could not be judged (the search ends). */
        boolean runNext() throws InterruptedException {
            Branch branch = now.pop();
            byte[] prefix = branch.prefix();
            DfsPolicy policy = new DfsPolicy(prefix);
            if (!tally.run(execution, spec, policy, deadline, eachSchedule)) {
                return false;
            }
            branchFrom(policy, prefix.length, branch.preemptions());
            return true;
        }

        /** The workers this execution could have picked after its prefix: each a branch, now or at the next bound. */
        private void branchFrom(DfsPolicy policy, int prefixLength, int preemptionsBefore) {
            List<DfsPolicy.Decision> decisions = policy.decisions();
            byte[] path = policy.picks(decisions.size());
            for (int i = prefixLength; i < decisions.size(); i++) {
                DfsPolicy.Decision decision = decisions.get(i);
                for (int worker : decision.runnable()) {
                    if (worker != decision.chosen()) {
                        int preemptions = preemptionsBefore + (decision.preempts(worker) ? 1 : 0);
                        Branch branch = new Branch(path, i, worker, preemptions);
                        if (preemptions <= level) {
                            now.push(branch);
                        } else if (preemptions <= bound) {
                            later.add(branch);
                        } else {
                            beyondBound = true;
                        }
                    }
                }
            }
        }

        void nextLevel() {
            level++;
            later.forEach(now::push);
            later = new ArrayList<>();
        }

        Summary summary(String cap) {
            long left = cap == null ? 0 : now.size() + later.size();
            boolean exhausted = cap == null && now.isEmpty() && later.isEmpty() && !beyondBound && tally.judged();
            return new Summary(bound, explored, exhausted, tally.schedules, tally.steps, Duration.ofNanos(System.nanoTime() - start),
                    tally.violating, tally.failure, tally.firstViolationAt, left, cap);
        }
    }
}
