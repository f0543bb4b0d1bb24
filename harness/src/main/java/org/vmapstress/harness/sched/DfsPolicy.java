package org.vmapstress.harness.sched;

import java.util.ArrayList;
import java.util.List;

/**
 * One execution of a depth-first search over the controlled scheduler's picks
 * ({@link org.vmapstress.harness.BoundedSearch}): it follows a prefix of picks, then never
 * preempts. The worker that reached a schedule point runs on while it can; when it cannot
 * (it waits for a lock, or it finished), the lowest-numbered runnable worker runs. Every pick
 * is kept as a {@link Decision}, from which the search takes the branches this execution did
 * not take.
 *
 * <p>A preemption, counted as CHESS counts it (Musuvathi and Qadeer, PLDI 2007), is a pick of
 * another worker while the one that reached the point could run on. The first pick of an
 * execution and a switch away from a blocked or finished worker are free.
 */
public final class DfsPolicy implements SchedulePolicy {
    /** No worker reached a point before the first pick. */
    private static final int NONE = -1;

    /**
     * One pick: the workers that could run, the one that reached the point ({@value #NONE} at
     * the first pick), and the one chosen.
     */
    public record Decision(List<Integer> runnable, int current, int chosen) {
        /** Whether choosing {@code worker} here is a preemption. */
        public boolean preempts(int worker) {
            return runnable.contains(current) && worker != current;
        }
    }

    private final byte[] prefix;
    private final List<Decision> decisions = new ArrayList<>();

    /** A policy that makes the picks {@code prefix} (worker ids) first. */
    public DfsPolicy(byte[] prefix) {
        this.prefix = prefix.clone();
    }

    /**
     * Follows the prefix, then runs on without preempting. A prefix pick that names a worker not
     * runnable means this execution went another way than the one the prefix was taken from:
     * the model is not deterministic given its picks, and the search would be unsound, so the
     * execution ends as crashed (could not judge) with that said.
     */
    @Override
    public int pick(List<Integer> runnable, int current, int step) {
        int reached = step == 0 ? NONE : current;
        int index = decisions.size();
        int chosen;
        if (index < prefix.length) {
            chosen = prefixPick(prefix, index, runnable);
        } else {
            chosen = runnable.contains(reached) ? reached : runnable.get(0);
        }
        decisions.add(new Decision(List.copyOf(runnable), reached, chosen));
        return chosen;
    }

    /**
     * Pick {@code index} of {@code prefix}, which must name a runnable worker: one that cannot
     * run means the same picks gave another execution (the model is not deterministic given its
     * picks), and the execution ends as crashed rather than the search going on unsound.
     */
    static int prefixPick(byte[] prefix, int index, List<Integer> runnable) {
        int chosen = prefix[index];
        if (!runnable.contains(chosen)) {
            throw new IllegalStateException("the same picks gave another execution: pick " + index + " is worker " + chosen
                    + ", which cannot run now (runnable: " + runnable + "); the model is not deterministic given its picks");
        }
        return chosen;
    }

    /** The picks made so far, in order. */
    public List<Decision> decisions() {
        return List.copyOf(decisions);
    }

    /** The workers picked so far: the prefix of any schedule that branches after them. */
    public byte[] picks(int count) {
        byte[] picks = new byte[count];
        for (int i = 0; i < count; i++) {
            picks[i] = (byte) decisions.get(i).chosen();
        }
        return picks;
    }

    /** The schedule this execution followed, as replayable {@link Choices}. */
    @Override
    public String name() {
        return Choices.PREFIX + Choices.pack(picks(decisions.size()));
    }
}
