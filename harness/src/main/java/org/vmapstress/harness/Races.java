package org.vmapstress.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.vmapstress.harness.sched.DporPolicy.Event;
import org.vmapstress.harness.sched.Footprint;
import org.vmapstress.harness.sched.Footprint.Touch;

/**
 * The races of one execution, for {@link PartialOrderSearch}: its happens-before order (program
 * order within a worker, and the order in which two conflicting steps of different workers ran,
 * closed transitively; vector clocks), and each pair of conflicting steps of two workers that
 * nothing orders in between, with the workers that could start the reversal (the initials of
 * the steps after the first that do not happen after it, then the second).
 *
 * <p>Only the last write of each resource and the reads of it since (the latest of each
 * worker) can race with a later step: an earlier access is ordered before that one already.
 */
final class Races {
    /** Steps {@code first} and {@code second} race; running one of {@code initials} before {@code first} starts their reversal. */
    record Race(int first, int second, int secondWorker, Set<Integer> initials) {
    }

    private final List<Event> events;
    private final int workers;
    /** clock[j][w]: how many steps of worker w happen before or are step j. */
    private final int[][] clock;
    /** position[j]: step j is its worker's position[j]-th step (from 1). */
    private final int[] position;
    /** The steps before j that j depends on directly: its worker's previous step and the conflicting accesses of others that can race with it. */
    private final List<Set<Integer>> before = new ArrayList<>();

    Races(List<Event> events) {
        this.events = events;
        this.workers = events.stream().mapToInt(Event::worker).max().orElse(-1) + 1;
        clock = new int[events.size()][];
        position = new int[events.size()];
        Accesses accesses = new Accesses(workers);
        int[] last = new int[workers];
        Arrays.fill(last, -1);
        for (int j = 0; j < events.size(); j++) {
            Event event = events.get(j);
            int previous = last[event.worker()];
            Set<Integer> direct = new TreeSet<>();
            clock[j] = previous < 0 ? new int[workers] : clock[previous].clone();
            if (previous >= 0) {
                direct.add(previous);
            }
            for (int i : accesses.conflicting(event.footprint(), last)) {
                if (events.get(i).worker() != event.worker()) {
                    direct.add(i);
                    join(clock[j], clock[i]);
                }
            }
            position[j] = (previous < 0 ? 0 : position[previous]) + 1;
            clock[j][event.worker()] = position[j];
            last[event.worker()] = j;
            accesses.record(j, event);
            before.add(direct);
        }
    }

    /**
     * The last write of each resource and the latest read and addition of each worker since; the
     * last step that conflicts with everything.
     */
    private static final class Accesses {
        final Map<Touch, Integer> lastWrite = new HashMap<>();
        final Map<Touch, int[]> readsSince = new HashMap<>();
        final Map<Touch, int[]> addsSince = new HashMap<>();
        final int workers;
        int lastEverything = -1;

        Accesses(int workers) {
            this.workers = workers;
        }

        /** The earlier steps that {@code footprint} conflicts with and that can race with it. */
        Set<Integer> conflicting(Footprint footprint, int[] lastOfWorker) {
            Set<Integer> found = new TreeSet<>();
            if (footprint.everything()) {
                Arrays.stream(lastOfWorker).filter(i -> i >= 0).forEach(found::add);
                return found;
            }
            if (lastEverything >= 0) {
                found.add(lastEverything);
            }
            for (Touch touch : footprint.reads()) {
                addIfPresent(found, lastWrite.get(touch));
                addEach(found, addsSince.get(touch));
            }
            for (Touch touch : footprint.adds()) {
                addIfPresent(found, lastWrite.get(touch));
                addEach(found, readsSince.get(touch));
            }
            for (Touch touch : footprint.writes()) {
                addIfPresent(found, lastWrite.get(touch));
                addEach(found, readsSince.get(touch));
                addEach(found, addsSince.get(touch));
            }
            return found;
        }

        private static void addIfPresent(Set<Integer> found, Integer step) {
            if (step != null) {
                found.add(step);
            }
        }

        private static void addEach(Set<Integer> found, int[] steps) {
            if (steps != null) {
                Arrays.stream(steps).filter(i -> i >= 0).forEach(found::add);
            }
        }

        void record(int step, Event event) {
            Footprint footprint = event.footprint();
            if (footprint.everything()) {
                lastEverything = step;
                lastWrite.clear();
                readsSince.clear();
                addsSince.clear();
                return;
            }
            footprint.reads().forEach(touch -> latestOf(readsSince, touch)[event.worker()] = step);
            footprint.adds().forEach(touch -> latestOf(addsSince, touch)[event.worker()] = step);
            for (Touch touch : footprint.writes()) {
                lastWrite.put(touch, step);
                readsSince.remove(touch);
                addsSince.remove(touch);
            }
        }

        private int[] latestOf(Map<Touch, int[]> since, Touch touch) {
            return since.computeIfAbsent(touch, t -> {
                int[] none = new int[workers];
                Arrays.fill(none, -1);
                return none;
            });
        }
    }

    private static void join(int[] into, int[] from) {
        for (int w = 0; w < into.length; w++) {
            into[w] = Math.max(into[w], from[w]);
        }
    }

    /** Whether step i happens before step j (i < j). */
    boolean happensBefore(int i, int j) {
        return clock[j][events.get(i).worker()] >= position[i];
    }

    /** Each race, in the order of its second step. */
    void forEach(Consumer<Race> action) {
        for (int j = 0; j < events.size(); j++) {
            for (int i : before.get(j)) {
                if (events.get(i).worker() != events.get(j).worker() && nothingBetween(i, j)) {
                    action.accept(new Race(i, j, events.get(j).worker(), initials(i, j)));
                }
            }
        }
    }

    /** No step that j depends on directly happens after i: i and j are ordered by nothing but each other. */
    private boolean nothingBetween(int i, int j) {
        for (int k : before.get(j)) {
            if (k > i && happensBefore(i, k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The workers whose first step in v (the steps after i that do not happen after it, then j)
     * happens after no other step of v: each can go first in a reordering of v before i. A step
     * happens after some step of v of worker u exactly when it happens after u's first step in v.
     */
    private Set<Integer> initials(int i, int j) {
        int[] firstIn = new int[workers];
        Arrays.fill(firstIn, -1);
        Set<Integer> initials = new LinkedHashSet<>();
        for (int k = i + 1; k <= j; k++) {
            if (k < j && happensBefore(i, k)) {
                continue;
            }
            int worker = events.get(k).worker();
            if (firstIn[worker] >= 0) {
                continue;
            }
            firstIn[worker] = k;
            if (afterNoFirst(firstIn, k)) {
                initials.add(worker);
            }
        }
        return initials;
    }

    private boolean afterNoFirst(int[] firstIn, int step) {
        for (int first : firstIn) {
            if (first >= 0 && first != step && happensBefore(first, step)) {
                return false;
            }
        }
        return true;
    }
}
