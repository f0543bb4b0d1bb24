package org.vmapstress.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.sched.ControlledScheduler;
import org.vmapstress.harness.sched.DporPolicy;
import org.vmapstress.harness.sched.DporPolicy.Event;
import org.vmapstress.harness.sched.Footprint;
import org.vmapstress.model.SchedulePoint;

/**
 * Exhaustive exploration with partial-order reduction ({@code --sched dfs --reduction dpor}):
 * one execution of every class of schedules that differ only in the order of independent steps
 * (Mazurkiewicz traces), found by source-set DPOR with sleep sets (Abdulla, Aronis, Jonsson and
 * Sagonas, POPL 2014, Algorithm 1). Stateless, as {@link BoundedSearch}: each execution replays a
 * prefix of picks from a fresh model ({@link DporPolicy}), gathers each step's footprint, and
 * then every pair of steps of two workers that conflict with nothing ordering them in between
 * (a race) adds a branch where the execution before the first could have let the second's
 * worker (or another that starts the same reordering) go first, unless one already does.
 *
 * <p>Sound as long as the footprints are: a step that touches something it does not report
 * could be called independent of a step it conflicts with, and the search would miss the
 * schedules that order them the other way. The outcome-equality test runs each scenario with
 * and without the reduction and compares what they reach; a point that declares nothing
 * conflicts with everything. No preemption bound: the reduction is sound for the whole space
 * only (with a bound, the one explored member of a class may need more preemptions than the
 * bound allows; Coons, Musuvathi and McKinley, OOPSLA 2013).
 */
public final class PartialOrderSearch {
    /** The reduction's name in {@code run --reduction}. */
    public static final String DPOR = "dpor";

    /**
     * Which points declare their step's footprint, and which touches a footprint leaves out:
     * {@code dropped} is given the point of the step and the resource touched (tests only: a
     * deliberately wrong footprint).
     */
    public record Footprints(Predicate<String> declared, BiPredicate<String, Object> dropped) {
        /** Every schedule point of the model and every lock step declares its footprint; nothing is dropped. */
        public static final Footprints DECLARED = new Footprints(PartialOrderSearch::declaredByTheModel, (point, resource) -> false);
    }

    private final Execution execution;
    private final Consumer<ExecutionResult> eachSchedule;
    private final Footprints footprints;

    public PartialOrderSearch(Execution execution, Consumer<ExecutionResult> eachSchedule, Footprints footprints) {
        this.execution = execution;
        this.eachSchedule = eachSchedule;
        this.footprints = footprints;
    }

    /**
     * Whether the step after {@code point} reports its footprint: a schedule point of the model,
     * a lock step, or a worker's start (the model code each runs reports what it touches). A
     * migration does not: it conflicts with everything.
     */
    static boolean declaredByTheModel(String point) {
        if (point.equals(DporPolicy.START) || point.startsWith(ControlledScheduler.ACQUIRE) || point.startsWith(ControlledScheduler.RELEASE)
                || point.startsWith(ControlledScheduler.WAIT)) {
            return true;
        }
        for (SchedulePoint known : SchedulePoint.values()) {
            if (known.label().equals(point)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One state of the current execution: who could run, who reached the point, who slept, the
     * workers still to try there and those tried (with their step), and the preemptions of the
     * picks before it.
     */
    private static final class Node {
        final DporPolicy.State state;
        final int preemptionsBefore;
        final Set<Integer> backtrack = new TreeSet<>();
        final Map<Integer, Footprint> done = new HashMap<>();
        int chosen;

        Node(DporPolicy.State state, int preemptionsBefore, Event event) {
            this.state = state;
            this.preemptionsBefore = preemptionsBefore;
            take(event);
        }

        void take(Event event) {
            chosen = event.worker();
            backtrack.add(chosen);
            done.put(chosen, event.footprint());
        }

        /** The preemptions of the picks up to and including this state's pick of {@code worker}. */
        int preemptionsWith(int worker) {
            return preemptionsBefore + (state.preempts(worker) ? 1 : 0);
        }

        /** The lowest worker still to try here within {@code bound} preemptions, or -1. */
        int next(int bound) {
            return backtrack.stream().filter(w -> !done.containsKey(w) && !state.sleep().containsKey(w) && preemptionsWith(w) <= bound)
                    .findFirst().orElse(-1);
        }

        /** Whether some worker to try here needs more than {@code bound} preemptions. */
        boolean beyond(int bound) {
            return backtrack.stream().anyMatch(w -> !done.containsKey(w) && preemptionsWith(w) > bound);
        }
    }

    /**
     * Searches every class of schedules of {@code template}'s workload with at most {@code bound}
     * preemptions ({@link BoundedSearch#UNBOUNDED}: all), at most {@code iterations} executions,
     * for at most {@code budget}; {@code progress} hears about once a second. Ends complete
     * (every class explored), capped, or at an execution that could not be judged; violations
     * are counted, and the first is kept.
     *
     * <p>With a bound this is bounded partial-order reduction (Coons, Musuvathi and McKinley,
     * OOPSLA 2013): pruning DPOR by the bound alone is unsound, as the one explored schedule of
     * a class may need more preemptions than another of its members. So each branch a race
     * adds is also added at the latest context switch before it (a conservative branch: there
     * the reordering costs no more preemptions than the switch it replaces), and no sleep sets
     * are kept (a sleeping worker's class may have no member within the bound but the one slept
     * on). What each bounded search must reach, the outcome-equality test checks against plain
     * bounded DFS.
     */
    public BoundedSearch.Summary explore(ExecutionSpec template, int bound, long iterations, Duration budget,
                                         Consumer<BoundedSearch.Summary> progress) throws InterruptedException {
        Search search = new Search(template, bound, System.nanoTime(), budget);
        long lastReport = search.start;
        byte[] prefix = new byte[0];
        Map<Integer, Footprint> branchSleep = Map.of();
        while (prefix != null) {
            String cap = search.tally.cap(search.deadline, iterations);
            if (cap != null) {
                return search.summary(cap);
            }
            if (!search.run(prefix, branchSleep)) {
                return search.summary(null);
            }
            if (System.nanoTime() - lastReport > 1_000_000_000L) {
                lastReport = System.nanoTime();
                progress.accept(search.summary(null));
            }
            int at = search.deepestBranch();
            if (at < 0) {
                prefix = null;
            } else {
                Node node = search.stack.get(at);
                int worker = node.next(bound);
                prefix = search.prefix(at, worker);
                branchSleep = new HashMap<>(node.state.sleep());
                if (bound == BoundedSearch.UNBOUNDED) {
                    branchSleep.putAll(node.done);
                }
                search.truncate(at + 1);
            }
        }
        search.complete = true;
        return search.summary(null);
    }

    private final class Search {
        final ExecutionSpec spec;
        final int bound;
        final long start;
        final long deadline;
        final List<Node> stack = new ArrayList<>();
        final SearchTally tally = new SearchTally();
        boolean complete;
        /** Whether a branch was left out for needing more preemptions than the bound. */
        boolean beyondBound;

        Search(ExecutionSpec spec, int bound, long start, Duration budget) {
            this.spec = spec;
            this.bound = bound;
            this.start = start;
            this.deadline = start + budget.toNanos();
        }

        /** Runs one execution from {@code prefix}; false when it could not be judged (the search ends). */
        boolean run(byte[] prefix, Map<Integer, Footprint> branchSleep) throws InterruptedException {
            DporPolicy policy = new DporPolicy(prefix, branchSleep, footprints.declared(), footprints.dropped());
            if (!tally.run(execution, spec, policy, deadline, eachSchedule)) {
                return false;
            }
            policy.finish();
            integrate(policy, prefix.length);
            return true;
        }

        /** Adds this execution's states after its prefix to the stack, then a branch for each race it ran. */
        private void integrate(DporPolicy policy, int prefixLength) {
            List<Event> events = policy.events();
            int end = policy.sleepBlockedAt() >= 0 ? policy.sleepBlockedAt() : events.size();
            if (prefixLength > 0) {
                stack.get(prefixLength - 1).take(events.get(prefixLength - 1));
            }
            for (int i = prefixLength; i < end; i++) {
                Node before = i == 0 ? null : stack.get(i - 1);
                int preemptions = before == null ? 0 : before.preemptionsWith(before.chosen);
                stack.add(new Node(policy.states().get(i - prefixLength), preemptions, events.get(i)));
            }
            new Races(events.subList(0, end)).forEach(race -> branch(race, events));
        }

        /**
         * Makes sure the state before {@code race.first} tries a worker that starts the reordering
         * (or every runnable one); with a bound, the latest context switch before it too.
         */
        private void branch(Races.Race race, List<Event> events) {
            Node node = stack.get(race.first());
            if (race.initials().stream().anyMatch(node.backtrack::contains)) {
                return;
            }
            int worker = race.initials().contains(race.secondWorker()) ? race.secondWorker() : race.initials().iterator().next();
            addBranch(node, worker);
            if (bound != BoundedSearch.UNBOUNDED) {
                for (int k = race.first() - 1; k >= 0 && events.get(k).worker() != worker; k--) {
                    if (k == 0 || events.get(k).worker() != events.get(k - 1).worker()) {
                        addBranch(stack.get(k), worker);
                        break;
                    }
                }
            }
        }

        private void addBranch(Node node, int worker) {
            if (node.state.runnable().contains(worker)) {
                node.backtrack.add(worker);
            } else {
                node.backtrack.addAll(node.state.runnable());
            }
            beyondBound |= node.beyond(bound);
        }

        int deepestBranch() {
            for (int i = stack.size() - 1; i >= 0; i--) {
                if (stack.get(i).next(bound) >= 0) {
                    return i;
                }
            }
            return -1;
        }

        byte[] prefix(int at, int worker) {
            byte[] prefix = new byte[at + 1];
            for (int i = 0; i < at; i++) {
                prefix[i] = (byte) stack.get(i).chosen;
            }
            prefix[at] = (byte) worker;
            return prefix;
        }

        void truncate(int size) {
            stack.subList(size, stack.size()).clear();
        }

        BoundedSearch.Summary summary(String cap) {
            long left = cap == null ? 0 : stack.stream().filter(n -> n.next(bound) >= 0).count();
            return new BoundedSearch.Summary(bound, complete ? bound : -1, complete && tally.judged() && !beyondBound, tally.schedules,
                    tally.steps, Duration.ofNanos(System.nanoTime() - start), tally.violating, tally.failure, tally.firstViolationAt, left, cap);
        }
    }
}
