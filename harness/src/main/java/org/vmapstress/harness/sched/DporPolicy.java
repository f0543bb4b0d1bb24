package org.vmapstress.harness.sched;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * One execution of a partial-order-reduced search
 * ({@link org.vmapstress.harness.PartialOrderSearch}): it follows a prefix of picks, then runs
 * the worker that reached the point while it can and is not asleep, else the lowest-numbered
 * runnable worker that is not. It gathers each step's {@link Footprint} from what the model
 * reports while the step runs, and keeps the sleep set (Godefroid 1996): the workers whose next
 * step was already explored from an equivalent state, with that step's footprint, each woken
 * by the first step that conflicts with it. When every runnable worker sleeps, the rest of the
 * execution is equivalent to one explored already: it is <em>sleep-blocked</em> from there on
 * (it still runs to its end; the search ignores it from that point).
 *
 * <p>A step whose point does not declare a footprint (see {@code declared}) gets
 * {@link Footprint#EVERYTHING}.
 */
public final class DporPolicy implements SchedulePolicy {
    /** No worker reached a point before the first pick. */
    public static final int NONE = -1;
    /** The point of a worker that has not reached one yet: the step from its start to its first point. */
    public static final String START = "start";

    /**
     * One step: the worker that ran it, what it touched, and the index in the execution's trace
     * of the schedule point it started from (the point that names what it did; -1 for the step
     * from the worker's start to its first point).
     */
    public record Event(int worker, Footprint footprint, int from) {
    }

    /**
     * A state after the prefix: who could run, the worker that reached the point ({@value #NONE}
     * before the first pick), and who sleeps there with the footprint of its next step.
     */
    public record State(List<Integer> runnable, int reached, Map<Integer, Footprint> sleep) {
        /** Whether running {@code worker} here is a preemption: the worker at the point could run on. */
        public boolean preempts(int worker) {
            return runnable.contains(reached) && worker != reached;
        }
    }

    private final byte[] prefix;
    /** Whether a pick of the prefix that cannot be made falls back ({@link #following}) instead of failing. */
    private final boolean lenient;
    private final Map<Integer, Footprint> branchSleep;
    private final Predicate<String> declared;
    private final BiPredicate<String, Object> dropped;
    private final List<Event> events = new ArrayList<>();
    private final List<State> states = new ArrayList<>();
    private final Map<Integer, String> pointOf = new HashMap<>();
    private final Map<Integer, Integer> pointIndexOf = new HashMap<>();
    private int pointsReached;
    private Map<Integer, Footprint> sleep;
    private Footprint.Builder open;
    private int openWorker = NONE;
    private String openPoint;
    private int openFrom;
    private boolean openUndeclared;
    private int sleepBlockedAt = -1;

    /**
     * A policy that makes the picks {@code prefix} first; at the last of them (the branch) the
     * workers of {@code branchSleep} sleep. {@code declared} says which point labels declare their
     * step's footprint; touches {@code dropped} accepts (given the step's point and the resource)
     * are not recorded (a deliberately wrong footprint, for the test that shows a wrong one is caught).
     */
    public DporPolicy(byte[] prefix, Map<Integer, Footprint> branchSleep, Predicate<String> declared,
                      BiPredicate<String, Object> dropped) {
        this(prefix, false, branchSleep, declared, dropped);
    }

    private DporPolicy(byte[] prefix, boolean lenient, Map<Integer, Footprint> branchSleep, Predicate<String> declared,
                       BiPredicate<String, Object> dropped) {
        this.prefix = prefix.clone();
        this.lenient = lenient;
        this.branchSleep = Map.copyOf(branchSleep);
        this.declared = declared;
        this.dropped = dropped;
        this.sleep = prefix.length == 0 ? new HashMap<>() : null;
    }

    /**
     * A policy that follows {@code picks} as far as each can be made and records every step's
     * footprint: a reordered schedule whose picks may not all be feasible. A pick of a worker that
     * cannot run takes the worker at the point instead, else the lowest-numbered runnable one;
     * after the picks it runs on as {@link #pickAwake} does, with no one asleep.
     */
    public static DporPolicy following(byte[] picks, Predicate<String> declared) {
        return new DporPolicy(picks, true, Map.of(), declared, (point, resource) -> false);
    }

    @Override
    public int pick(List<Integer> runnable, int current, int step) {
        close();
        int index = events.size();
        int reached = step == 0 ? NONE : current;
        int chosen;
        if (index < prefix.length) {
            chosen = !lenient ? DfsPolicy.prefixPick(prefix, index, runnable)
                    : runnable.contains((int) prefix[index]) ? prefix[index] : runnable.contains(reached) ? reached : runnable.get(0);
            if (index == prefix.length - 1) {
                sleep = new HashMap<>(branchSleep);
                sleep.remove(chosen);
            }
        } else {
            chosen = pickAwake(runnable, reached, index);
        }
        open = new Footprint.Builder();
        openWorker = chosen;
        openPoint = pointOf.getOrDefault(chosen, START);
        openFrom = pointIndexOf.getOrDefault(chosen, -1);
        openUndeclared = !declared.test(openPoint);
        return chosen;
    }

    private int pickAwake(List<Integer> runnable, int reached, int index) {
        if (sleepBlockedAt >= 0) {
            return runnable.contains(reached) ? reached : runnable.get(0);
        }
        states.add(new State(List.copyOf(runnable), reached, Map.copyOf(sleep)));
        List<Integer> awake = runnable.stream().filter(w -> !sleep.containsKey(w)).toList();
        if (awake.isEmpty()) {
            sleepBlockedAt = index;
            return runnable.contains(reached) ? reached : runnable.get(0);
        }
        return awake.contains(reached) ? reached : awake.get(0);
    }

    /** Ends the step being run: its footprint is complete, and the sleepers it conflicts with wake. */
    private void close() {
        if (open == null) {
            return;
        }
        Event event = new Event(openWorker, openUndeclared ? Footprint.EVERYTHING : open.build(), openFrom);
        events.add(event);
        open = null;
        if (sleep != null && sleepBlockedAt < 0) {
            sleep.entrySet().removeIf(e -> e.getKey() == event.worker() || e.getValue().conflicts(event.footprint()));
        }
    }

    @Override
    public void reached(int worker, String point, long subject) {
        pointOf.put(worker, point);
        pointIndexOf.put(worker, pointsReached++);
    }

    @Override
    public void touched(Object resource, long id, boolean write) {
        if (open != null && !dropped.test(openPoint, resource)) {
            open.add(resource, id, write);
        }
    }

    @Override
    public boolean listensToTouches() {
        return true;
    }

    /** Ends the last step (call once the execution ended): after it, {@link #events} is complete. */
    public void finish() {
        close();
    }

    /** Every step, in order. */
    public List<Event> events() {
        return events;
    }

    /** The states after the prefix, from the state at index {@code prefix.length} on, up to the sleep-blocked one (excluded). */
    public List<State> states() {
        return states;
    }

    /** The index of the state at which every runnable worker slept, or -1. */
    public int sleepBlockedAt() {
        return sleepBlockedAt;
    }

    @Override
    public String name() {
        byte[] picks = new byte[events.size() + (open == null ? 0 : 1)];
        for (int i = 0; i < events.size(); i++) {
            picks[i] = (byte) events.get(i).worker();
        }
        if (open != null) {
            picks[events.size()] = (byte) openWorker;
        }
        return Choices.PREFIX + Choices.pack(picks);
    }
}
