package org.vmapstress.harness.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.Violation;

/**
 * The waits-for graph of the model's locks, as read at one moment: which worker waits for which
 * lock, and which thread holds it (the model's own bookkeeping, {@link org.vmapstress.model.ModelLock#holder},
 * which also knows a holder that has ended or is no worker). Following the holders from a
 * waiting worker leads either to a thread that may still release what it holds (no verdict), or
 * to a stall: a cycle of waiting workers (a deadlock, LOCK-ORDER), or a holder that will never
 * release the lock, such as one that ended holding it (HANG). Both engines judge a stop with it:
 * the controlled scheduler when no worker can run, free-running at its polls.
 *
 * <p>With lockdep on, a cycle needs a lock taken against the order, which lockdep reports
 * before the thread can block: the model's stalls are lost releases (a task an oops killed
 * between {@code lock()} and the {@code try}). A cycle is judged all the same.
 */
public final class WaitsFor {
    /** What one worker waits for: the lock's name, and the thread that held it when read (null: nobody). */
    public record Wait(String lock, Thread holder) {
    }

    /**
     * Workers that wait forever: LOCK-ORDER when their holders close a cycle, else HANG; which
     * workers; and the holder chain in words ("T0 waits for vbq[2].lock held by T2, which ended holding it").
     */
    public record Stall(InvariantId invariant, List<Integer> stuck, String chain) {
        public Violation violation() {
            return new Violation(invariant, chain);
        }
    }

    private final List<Thread> workers;
    private final List<Wait> waits;
    private final IntFunction<String> who;

    /**
     * The graph of {@code workers}, where worker i waits as {@code waits.get(i)} says (null: it
     * does not wait for a model lock); {@code who} names a worker at the start of its own edge
     * (its id, and where it waits when that is known).
     */
    public WaitsFor(List<Thread> workers, List<Wait> waits, IntFunction<String> who) {
        this.workers = workers;
        this.waits = waits;
        this.who = who;
    }

    /**
     * The workers that wait forever, if any. {@code neverReleases} says why a holder that waits
     * for no model lock will never release what it holds ("ended holding it"), or null when it may.
     */
    public Optional<Stall> stall(Function<Thread, String> neverReleases) {
        List<Integer> stuck = new ArrayList<>();
        List<String> edges = new ArrayList<>();
        boolean cycle = false;
        for (int worker = 0; worker < workers.size(); worker++) {
            if (waits.get(worker) == null || stuck.contains(worker)) {
                continue;
            }
            Chain chain = follow(worker, neverReleases);
            if (chain.end() == null) {
                continue;
            }
            cycle |= chain.cycle();
            for (int i = 0; i < chain.path().size(); i++) {
                int waiter = chain.path().get(i);
                if (!stuck.contains(waiter)) {
                    stuck.add(waiter);
                    edges.add(edge(waiter) + (i == chain.path().size() - 1 ? chain.end() : ""));
                }
            }
        }
        return stuck.isEmpty() ? Optional.empty()
                : Optional.of(new Stall(cycle ? InvariantId.LOCK_ORDER : InvariantId.HANG, List.copyOf(stuck), String.join("; ", edges)));
    }

    /** The waiting workers from {@code start} on, and how the chain ends (null: a holder may still release). */
    private record Chain(List<Integer> path, String end, boolean cycle) {
    }

    private Chain follow(int start, Function<Thread, String> neverReleases) {
        List<Integer> path = new ArrayList<>();
        int current = start;
        while (true) {
            path.add(current);
            Thread holder = waits.get(current).holder();
            if (holder == null) {
                return new Chain(path, null, false);
            }
            int next = workers.indexOf(holder);
            if (next >= 0 && waits.get(next) != null) {
                if (path.contains(next)) {
                    return new Chain(path, ": a cycle", true);
                }
                current = next;
                continue;
            }
            String why = neverReleases.apply(holder);
            return new Chain(path, why == null ? null : ", which " + why, false);
        }
    }

    /** "T0 waits for vb@0.lock held by T1", naming a holder that is not a worker by its thread. */
    private String edge(int waiter) {
        Wait wait = waits.get(waiter);
        int holder = workers.indexOf(wait.holder());
        return who.apply(waiter) + " waits for " + wait.lock() + " held by "
                + (holder >= 0 ? "T" + holder : wait.holder().getName() + " (not a worker)");
    }
}
