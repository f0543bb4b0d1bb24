package org.vmapstress.harness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * found in, the isolated pair), the step that last wrote each thing they touched, and so on
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
    private static final Set<Resource> NO_EDGE = Set.of(Resource.LOCK, Resource.BLOCK_EVENTS, Resource.HISTORY_CLOCK,
            Resource.FREE_COUNTS, Resource.TLB_FLUSHES);

    /** A step of the slice and why it is in it. */
    public record Entry(Step step, String why) {
    }

    private CausalSlice() {
    }

    /** The slice of {@code explained}, whose steps are {@code events}, from {@code seeds} (event index to why). */
    static List<Entry> of(ExecutionResult explained, List<Event> events, Map<Integer, String> seeds) {
        TreeMap<Integer, String> chosen = new TreeMap<>();
        Set<Touch> traced = new HashSet<>();
        PriorityQueue<Integer> frontier = new PriorityQueue<>(Comparator.reverseOrder());
        seeds.forEach((event, why) -> {
            if (event >= 0 && event < events.size() && chosen.putIfAbsent(event, why) == null) {
                frontier.add(event);
            }
        });
        while (!frontier.isEmpty() && chosen.size() < MAX_STEPS) {
            int event = frontier.poll();
            for (Touch touch : edges(events.get(event).footprint())) {
                if (!traced.add(touch)) {
                    continue;
                }
                int writer = lastWriter(events, event, touch);
                if (writer >= 0 && chosen.size() < MAX_STEPS && chosen.putIfAbsent(writer, "wrote " + describe(touch)
                        + ", which " + name(events.get(event)) + " touched") == null) {
                    frontier.add(writer);
                }
            }
        }
        List<Entry> slice = new ArrayList<>();
        chosen.forEach((event, why) -> slice.add(new Entry(stepOf(explained, events.get(event)), why)));
        return slice;
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

    /** A touch in words: "the PTE of VA page 384", "VmapBlock.dirty of 256". */
    static String describe(Touch touch) {
        long id = touch.id();
        if (touch.resource() instanceof SharedField field) {
            return field.name() + (id == 0 ? "" : " of " + id);
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

    /** "step 812 (T0)", or "T2's first step" for the step from a worker's start. */
    static String name(Event event) {
        return event.from() < 0 ? "T" + event.worker() + "'s first step" : "step " + event.from() + " (T" + event.worker() + ")";
    }

    /** The trace step a step started from; a worker's first step starts from its start, which has none. */
    static Step stepOf(ExecutionResult explained, Event event) {
        if (event.from() >= 0) {
            return explained.trace().get(event.from());
        }
        return new Step(-1, event.worker(), -1, "start", DporPolicy.START, 0, "");
    }
}
