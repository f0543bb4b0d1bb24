package org.vmapstress.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vmapstress.harness.exec.FlightRecorder;
import org.vmapstress.harness.exec.Recording;
import org.vmapstress.harness.sched.ControlledScheduler;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.SchedulePoint;
import org.vmapstress.model.Violation;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecord.Sentence;

/**
 * The story of a failure told from a recording of the schedule points its workers reached: a
 * free-running failure the controlled scheduler did not find again, from its flight recording
 * ({@link FlightRecorder}), or a Lincheck failure, from the points its invocation reached. Such
 * a failure has no footprints (a recording keeps each event's point, subject and locks, not what
 * the step read and wrote) and no replay here, so nothing is confirmed and no ordering is
 * isolated: the slice links recorded events by what their subjects name
 * ({@link SchedulePoint.Subject}: the same block-aligned window of VA space, or the same page
 * frame), and the story says where its order comes from ({@link Source}).
 *
 * <p>The slice: the event the failing worker raised the violation at (its last recorded event
 * that is not a release or an operation's end: a dying worker still releases its locks); for
 * each thing it and up to {@value #OWN} of the worker's events before it in the same operation
 * name, every other worker's last event on it before the violation, with those earlier events
 * of the failing worker when another worker's event links them (or they name what the
 * violating event names); and for each worker so linked, its last event before the violation
 * and its first after it (free-running, those may have overlapped the violating step). At most
 * {@value CausalSlice#MAX_STEPS} events, in the recorder's order.
 */
public final class RecordedStory {
    /** The most events of the failing worker's operation before the violating one the slice starts from. */
    static final int OWN = 3;
    private static final Pattern BLOCK_LOCK = Pattern.compile("vb@(\\d+)\\.lock");

    /** A recorded event of the slice and why it is in it. */
    public record Entry(Step step, String why) {
    }

    /**
     * Why an event is in the slice, the most telling first: the violating event, another worker's
     * last event on something the failing worker's events name, one of those earlier events, and a
     * linked worker's events around the violation. A slice over its cap and a story over its
     * length leave out the last kinds first, the farthest from the violation first.
     */
    private enum Kind { VIOLATION, LINK, OWN, BEFORE, AFTER }

    /** A slice entry with its kind. */
    private record Chosen(Entry entry, Kind kind) {
    }

    /** The slice, the story (each sentence naming an event of the recording), and why no ordering was isolated. */
    public record Told(List<Entry> slice, List<Sentence> story, String why) {
        /**
         * As a run record's isolation of the recorded failure whose trace is {@code trace} (its
         * recording, as the record writes it): no pair, why, the slice and the story, told in
         * {@code seconds}.
         */
        public RunRecord.Isolation isolation(List<RunRecord.TraceStep> trace, double seconds) {
            return new RunRecord.Isolation(null, trace, null, null, null, null, why, 0, seconds,
                    slice.stream().map(e -> new RunRecord.SliceStep(e.step().toRecord(), e.why())).toList(), story, null);
        }
    }

    /** What a recorded event is about, linked across workers: a block's VA window, or a page frame. */
    private record Thing(SchedulePoint.Subject kind, long id) {
        String describe() {
            return kind == SchedulePoint.Subject.PFN ? "pfn " + id : "block " + id;
        }
    }

    private final List<Step> steps;
    private final int blockPages;

    private RecordedStory(List<Step> steps, int blockPages) {
        this.steps = steps;
        this.blockPages = blockPages;
    }

    /**
     * Where a recording comes from: what the headline says it is ({@code execution}, after "of"),
     * and {@code why} no ordering was isolated.
     */
    public record Source(String execution, String why) {
    }

    /** A free-running failure that the controlled re-search did not find again: its flight recording. */
    public static final Source FREE_RUNNING = new Source("a free-running execution that the controlled scheduler did not find"
            + " again, so no ordering could be replayed: what follows is the flight recorder's order, in which events of two"
            + " workers next to each other may have overlapped in time", "not tried: the failure was seen free-running and not"
            + " found again under the controlled scheduler, so no reordering of it can be replayed to confirm anything");

    /**
     * The story of {@code violation}, raised in an execution (from {@code source}) whose recording
     * is {@code recording}, on a model whose blocks have {@code blockPages} pages; empty when
     * nothing was recorded.
     */
    public static Told of(Recording recording, Violation violation, int blockPages, Source source) {
        int violating = violating(recording.steps(), recording.failingWorker());
        return of(recording.steps(), violating, recording.failingWorker() >= 0, violation, blockPages, source);
    }

    /**
     * The story of {@code violation}, raised at event {@code violating} of {@code steps} (or, not
     * {@code raised} by a worker, found by a check after it), on a model whose blocks have
     * {@code blockPages} pages; empty when {@code violating} is no event.
     */
    public static Told of(List<Step> steps, int violating, boolean raised, Violation violation, int blockPages, Source source) {
        if (violating < 0 || violating >= steps.size()) {
            return new Told(List.of(), List.of(), source.why());
        }
        RecordedStory story = new RecordedStory(steps, blockPages);
        TreeMap<Integer, Chosen> slice = story.slice(violating);
        List<Sentence> sentences = new ArrayList<>();
        sentences.add(story.headline(violating, violation, raised, source));
        List<Integer> told = new ArrayList<>(story.mostTellingFirst(slice, violating));
        told = new ArrayList<>(told.subList(0, Math.min(told.size(), FailureStory.MOST - 1)));
        told.sort(Comparator.naturalOrder());
        for (int event : told) {
            sentences.add(event == violating ? story.found(violating, violation, raised) : story.event(slice.get(event).entry()));
        }
        return new Told(slice.values().stream().map(Chosen::entry).toList(), sentences, source.why());
    }

    /** The slice's events, the most telling first (by kind, then nearest the violation). */
    private List<Integer> mostTellingFirst(Map<Integer, Chosen> slice, int violating) {
        return slice.keySet().stream().sorted(Comparator.comparing((Integer k) -> slice.get(k).kind())
                .thenComparingInt(k -> Math.abs(k - violating))).toList();
    }

    /**
     * The event the violation was raised at: the failing worker's last recorded event that is not
     * a release or an operation's end; with no failing worker (a check between operations), the
     * last recorded event. -1 when there is none.
     */
    public static int violating(List<Step> steps, int failingWorker) {
        for (int k = steps.size() - 1; k >= 0; k--) {
            Step step = steps.get(k);
            if (failingWorker < 0 || step.thread() == failingWorker && !afterTheFact(step)) {
                return k;
            }
        }
        return -1;
    }

    /** A release or an operation's end: what a dying worker still records after its fatal step. */
    private static boolean afterTheFact(Step step) {
        return step.point().startsWith(ControlledScheduler.RELEASE) || step.point().equals(FlightRecorder.OPERATION_END);
    }

    private TreeMap<Integer, Chosen> slice(int violating) {
        TreeMap<Integer, Chosen> slice = new TreeMap<>();
        Step at = steps.get(violating);
        slice.put(violating, new Chosen(new Entry(at, "the event the violation was raised at"), Kind.VIOLATION));
        Map<Thing, List<Integer>> things = new LinkedHashMap<>();
        int own = 0;
        Optional<Thing> violated = thingOf(at);
        violated.ifPresent(t -> things.put(t, new ArrayList<>()));
        for (int k = violating - 1; k >= 0 && own < OWN; k--) {
            Step step = steps.get(k);
            if (step.thread() != at.thread()) {
                continue;
            }
            if (!step.operation().equals(at.operation()) || step.point().equals(FlightRecorder.OPERATION_START)) {
                break;
            }
            Optional<Thing> thing = step.point().startsWith(ControlledScheduler.RELEASE) ? Optional.empty() : thingOf(step);
            if (thing.isPresent()) {
                own++;
                slice.put(k, new Chosen(new Entry(step, "an earlier event of T" + at.thread() + "'s " + at.operation() + ", on "
                        + thing.get().describe()), Kind.OWN));
                things.computeIfAbsent(thing.get(), t -> new ArrayList<>()).add(k);
            }
        }
        List<Integer> linked = new ArrayList<>();
        for (Map.Entry<Thing, List<Integer>> thing : things.entrySet()) {
            if (!lastOtherOn(thing.getKey(), violating, at.thread(), slice, linked) && !violated.equals(Optional.of(thing.getKey()))) {
                thing.getValue().forEach(slice::remove);
            }
        }
        for (int worker : linked) {
            neighbour(worker, violating, -1).ifPresent(k -> slice.putIfAbsent(k, new Chosen(new Entry(steps.get(k),
                    "T" + worker + "'s last recorded event before the violation"), Kind.BEFORE)));
            neighbour(worker, violating, +1).ifPresent(k -> slice.putIfAbsent(k, new Chosen(new Entry(steps.get(k),
                    "T" + worker + "'s first recorded event after the violation's (run in parallel, they may have overlapped)"),
                    Kind.AFTER)));
        }
        List<Integer> ranked = mostTellingFirst(slice, violating);
        ranked.subList(Math.min(ranked.size(), CausalSlice.MAX_STEPS), ranked.size()).forEach(slice::remove);
        return slice;
    }

    /**
     * Each other worker's last event before {@code violating} on {@code thing}, into the slice;
     * the workers found, into {@code linked}. Whether there was one.
     */
    private boolean lastOtherOn(Thing thing, int violating, int failing, Map<Integer, Chosen> slice, List<Integer> linked) {
        List<Integer> seen = new ArrayList<>();
        for (int k = violating - 1; k >= 0; k--) {
            Step step = steps.get(k);
            if (step.thread() == failing || seen.contains(step.thread()) || !thingOf(step).equals(Optional.of(thing))) {
                continue;
            }
            seen.add(step.thread());
            slice.putIfAbsent(k, new Chosen(new Entry(step, "T" + step.thread() + "'s last recorded event on " + thing.describe()
                    + " before the violation"), Kind.LINK));
            if (!linked.contains(step.thread())) {
                linked.add(step.thread());
            }
        }
        return !seen.isEmpty();
    }

    /** {@code worker}'s nearest event before ({@code direction} -1) or after (+1) {@code violating} that is not an operation's start or end. */
    private Optional<Integer> neighbour(int worker, int violating, int direction) {
        for (int k = violating + direction; k >= 0 && k < steps.size(); k += direction) {
            Step step = steps.get(k);
            if (step.thread() == worker && !step.point().equals(FlightRecorder.OPERATION_START)
                    && !step.point().equals(FlightRecorder.OPERATION_END)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** What an event is about: the block whose VA window its subject (or its lock, vb@N.lock) lies in, or its page frame. */
    private Optional<Thing> thingOf(Step step) {
        Matcher lock = BLOCK_LOCK.matcher(step.point());
        if (lock.find()) {
            return Optional.of(new Thing(SchedulePoint.Subject.BLOCK, Long.parseLong(lock.group(1))));
        }
        return SchedulePoint.byLabel(step.point()).map(SchedulePoint::subject).flatMap(kind -> switch (kind) {
            case BLOCK, VA_PAGE -> Optional.of(new Thing(SchedulePoint.Subject.BLOCK, step.subject() / blockPages * blockPages));
            case PFN -> Optional.of(new Thing(SchedulePoint.Subject.PFN, step.subject()));
            default -> Optional.empty();
        });
    }

    private Sentence headline(int violating, Violation violation, boolean raised, Source source) {
        Step at = steps.get(violating);
        String where = raised ? " was raised by T" + at.thread() + " (in " + at.operation() + " on CPU " + at.cpu() + ") at recorded event "
                + at.index() : " was found after recorded event " + at.index() + ", in no worker's operation (by a check between"
                + " operations, or in workers waiting for each other)";
        return new Sentence(violation.invariant().id() + where + " of " + source.execution() + ".", at.index());
    }

    private Sentence event(Entry entry) {
        Step step = entry.step();
        return new Sentence("Event " + step.index() + ": T" + step.thread() + " (" + step.operation() + ", CPU " + step.cpu() + ") "
                + FailureStory.doing(step, null) + "; " + entry.why() + ".", step.index());
    }

    /** The violating event and the check, or (with no worker that raised it) the check after the last event. */
    private Sentence found(int violating, Violation violation, boolean raised) {
        Step step = steps.get(violating);
        InvariantId invariant = violation.invariant();
        String check = "the check found " + invariant.id() + " (" + invariant.rule() + ") broken: " + violation.message() + ".";
        return new Sentence(raised ? "Event " + step.index() + ": T" + step.thread() + " (" + step.operation() + ", CPU " + step.cpu()
                + ") " + FailureStory.doing(step, null) + ", and " + check : "After event " + step.index() + ", the last recorded, " + check,
                step.index());
    }
}
