package org.vmapstress.harness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.sched.DporPolicy;
import org.vmapstress.harness.sched.DporPolicy.Event;
import org.vmapstress.harness.sched.Footprint;
import org.vmapstress.harness.sched.Footprint.Touch;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.Resource;
import org.vmapstress.model.SharedField;

/**
 * The causal slice of a failing execution: the steps it starts from (the step the violation was
 * found in, the isolated pair, and the last step before the violating one in its worker's program
 * order that touched something), the step that last wrote each thing they touched, and so on
 * backwards, the latest first, at most {@value #MAX_STEPS} steps, in the order they ran. Each
 * thing is traced to its last writer once: a list head that every operation writes links one
 * step, not the history of the list. What a step touched is its
 * footprint (docs/exhaustive.md). Two kinds of touch make no edge: locks, which order steps but
 * carry no data, and the counters every operation bumps (the model's event counter, the unmap
 * history's clock, the free and flush counts), which would pull in every step before.
 */
public final class CausalSlice {
    /** The most steps a slice keeps. */
    static final int MAX_STEPS = 25;
    private static final String BLOCK_FIELD = "VmapBlock.";
    private static final Set<Resource> NO_EDGE = Set.of(Resource.LOCK, Resource.BLOCK_EVENTS, Resource.HISTORY_CLOCK,
            Resource.FREE_COUNTS, Resource.TLB_FLUSHES);

    /** Why a step is in the slice: a step it starts from, or the last writer of something a later slice step touched. */
    public enum Role {
        VIOLATION("the step the violation was found in"),
        BEFORE_VIOLATION("the last step before it in its worker's program order that touched something"),
        PAIR_FIRST("the isolated pair's first step"),
        PAIR_SECOND("the isolated pair's second step"),
        DIVERGENCE("the step where the bug's code ran: the fixed model, on the same schedule, runs otherwise here"),
        WRITER(null);

        private final String why;

        Role(String why) {
            this.why = why;
        }
    }

    /**
     * A step of the slice and why it is in it: its {@code role}, and when it is the last writer of
     * something a later slice step touched (always for a {@link Role#WRITER}, maybe for a pair's
     * step) what it {@code wrote} ("the PTE of VA page 384") and that later step ({@code reader}). {@code unwritten}: for the violating step, what it read
     * that no step before it wrote ("VmapBlock.cpu of 384": a field read before it was set).
     */
    public record Entry(Step step, Role role, String wrote, Step reader, List<String> unwritten) {
        public Entry {
            unwritten = List.copyOf(unwritten);
        }

        /** Why the step is here, in words: "wrote the PTE of VA page 384, which step 812 (T0) touched". */
        public String why() {
            return role == Role.WRITER ? "wrote " + wrote + ", which " + readBy() + " touched" : role.why;
        }

        /** This seed, also the last writer of {@code thing}, which {@code touchedBy} touched. */
        Entry writing(String thing, Step touchedBy) {
            return new Entry(step, role, thing, touchedBy, unwritten);
        }

        /** The step that touched what this one wrote, named: "step 812 (T0)", or "T2's first step". */
        public String readBy() {
            return reader.index() < 0 ? "T" + reader.thread() + "'s first step" : "step " + reader.index() + " (T" + reader.thread() + ")";
        }
    }

    /** A step the slice starts from, with its role. */
    record Seed(int event, Role role) {
    }

    private CausalSlice() {
    }

    /** The slice of {@code explained}, whose steps are {@code events}, from {@code seeds} (the first seed of an event wins). */
    static List<Entry> of(ExecutionResult explained, List<Event> events, List<Seed> seeds) {
        TreeMap<Integer, Entry> chosen = new TreeMap<>();
        Set<Touch> traced = new HashSet<>();
        PriorityQueue<Integer> frontier = new PriorityQueue<>(Comparator.reverseOrder());
        for (Seed seed : withProgramOrder(events, seeds)) {
            int event = seed.event();
            if (event >= 0 && event < events.size() && !chosen.containsKey(event)) {
                List<String> unwritten = seed.role() == Role.VIOLATION ? unwritten(events, event) : List.of();
                chosen.put(event, new Entry(stepOf(explained, events.get(event)), seed.role(), null, null, unwritten));
                frontier.add(event);
            }
        }
        while (!frontier.isEmpty() && chosen.size() < MAX_STEPS) {
            int event = frontier.poll();
            for (Touch touch : edges(events.get(event).footprint())) {
                if (!traced.add(touch)) {
                    continue;
                }
                int writer = lastWriter(events, event, touch);
                Entry known = writer < 0 ? null : chosen.get(writer);
                if (known != null && known.wrote() == null && known.role() != Role.VIOLATION) {
                    chosen.put(writer, known.writing(describe(touch), stepOf(explained, events.get(event))));
                } else if (writer >= 0 && known == null && chosen.size() < MAX_STEPS) {
                    chosen.put(writer, new Entry(stepOf(explained, events.get(writer)), Role.WRITER, describe(touch),
                            stepOf(explained, events.get(event)), List.of()));
                    frontier.add(writer);
                }
            }
        }
        return new ArrayList<>(chosen.values());
    }

    /**
     * The seeds and, after the violating step's, the last step before it in its worker's program
     * order that touched something that makes an edge (the walk that reached the object the
     * violating step failed on, when that step itself only read a field never written).
     */
    private static List<Seed> withProgramOrder(List<Event> events, List<Seed> seeds) {
        List<Seed> all = new ArrayList<>(seeds);
        seeds.stream().filter(s -> s.role() == Role.VIOLATION && s.event() >= 0 && s.event() < events.size()).findFirst()
                .ifPresent(violation -> {
                    int worker = events.get(violation.event()).worker();
                    for (int k = violation.event() - 1; k >= 0; k--) {
                        if (events.get(k).worker() == worker && !edges(events.get(k).footprint()).isEmpty()) {
                            all.add(new Seed(k, Role.BEFORE_VIOLATION));
                            return;
                        }
                    }
                });
        return all;
    }

    /**
     * What step {@code event} read that no step before it wrote, in words: a field of a model
     * object (set when the object is initialised) or {@code vmap_lazy_nr}, whose unwritten value
     * is a finding (a block's vb->cpu read before it was set). Other things start in a state an
     * execution normally reads unwritten (an empty index, no drain request).
     */
    private static List<String> unwritten(List<Event> events, int event) {
        Footprint footprint = events.get(event).footprint();
        return edges(footprint).stream()
                .filter(t -> t.resource() instanceof SharedField || t.resource() == Resource.LAZY_NR)
                .filter(t -> footprint.reads().contains(t) && lastWriter(events, event, t) < 0)
                .map(CausalSlice::describe).toList();
    }

    /** What a step touched that makes an edge, in a fixed order. */
    private static Collection<Touch> edges(Footprint footprint) {
        Set<Touch> touched = new HashSet<>(footprint.reads());
        touched.addAll(footprint.writes());
        touched.addAll(footprint.adds());
        touched.removeIf(t -> t.resource() instanceof Resource r && NO_EDGE.contains(r));
        return touched.stream().sorted(Comparator.comparing(CausalSlice::describe)).toList();
    }

    private static int lastWriter(List<Event> events, int before, Touch touch) {
        for (int k = before - 1; k >= 0; k--) {
            Footprint footprint = events.get(k).footprint();
            if (footprint.writes().contains(touch) || footprint.adds().contains(touch)) {
                return k;
            }
        }
        return -1;
    }

    /** A touch in words: "the PTE of VA page 384", "VmapBlock.dirty of block 256" (block 0 too), "LazyList.areas". */
    static String describe(Touch touch) {
        long id = touch.id();
        if (touch.resource() instanceof SharedField field) {
            return field.name() + (field.name().startsWith(BLOCK_FIELD) ? " of block " + id : id == 0 ? "" : " of " + id);
        }
        return switch ((Resource) touch.resource()) {
            case PTE -> "the PTE of VA page " + id;
            case FRAME_MAPPINGS -> "the writable mappings of pfn " + id;
            case FRAME_STATE -> "the state of pfn " + id;
            case TLB -> "CPU " + id + "'s TLB";
            case INDEX_SLOT -> "slot " + (id & 0xffffffffL) + " of CPU " + (id >>> 32) + "'s block index";
            case INDEX -> "CPU " + id + "'s block index";
            case LAZY_NR -> "vmap_lazy_nr";
            case DRAIN_REQUEST -> "the drain request";
            case HISTORY_PAGE -> "the unmap history of VA page " + id;
            default -> touch.resource() + " " + id;
        };
    }

    /** The trace step a step started from; a worker's first step starts from its start, which has none. */
    static Step stepOf(ExecutionResult explained, Event event) {
        if (event.from() >= 0) {
            return explained.trace().get(event.from());
        }
        return new Step(-1, event.worker(), -1, "start", DporPolicy.START, 0, "");
    }
}
