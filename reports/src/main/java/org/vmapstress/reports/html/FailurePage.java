package org.vmapstress.reports.html;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.vmapstress.reports.Grading;
import org.vmapstress.reports.record.RunRecord;

/**
 * What {@code failure.jte} shows of one failure: headline, story, timelines, state at the
 * failure, replay line. {@code timeline}: the execution the page explains (the shrunk one an
 * isolation explained, with its pair and slice outlined, else the failure's own);
 * {@code sliceTimeline}: the slice's steps alone (null without one); {@code foundTimeline}: the
 * failure's own execution when the page explains another (null otherwise).
 */
public record FailurePage(Grading.NumberedFailure numbered, Timeline timeline, Timeline sliceTimeline, Timeline foundTimeline,
                          List<BlockBar> blocks, List<TlbRow> tlb, List<Map.Entry<Integer, String>> pages, List<RacingAccess> race) {
    static final int BAR_WIDTH = 640;

    public static FailurePage of(Grading.NumberedFailure numbered) {
        RunRecord.Failure failure = numbered.failure();
        RunRecord.State state = failure.state();
        Set<Long> touched = failure.trace().stream().map(RunRecord.TraceStep::subject).collect(Collectors.toSet());
        List<BlockBar> blocks = state == null ? List.of()
                : state.blocks().stream().map(b -> BlockBar.of(b, touched)).sorted((a, b) -> Boolean.compare(b.involved(), a.involved()))
                        .toList();
        List<TlbRow> tlb = state == null ? List.of() : state.tlbEntries().stream().map(TlbRow::of).toList();
        List<Map.Entry<Integer, String>> pages = state == null ? List.of() : new ArrayList<>(state.pages().entrySet());
        List<RacingAccess> race = RacingAccess.named(failure.invariant(), failure.message());
        Set<Integer> racingSteps = race.stream().map(RacingAccess::step).collect(Collectors.toSet());
        RunRecord.Isolation isolation = failure.isolation();
        if (isolation == null || isolation.trace().isEmpty()) {
            return new FailurePage(numbered, new Timeline(failure.trace(), failure.step(), racingSteps), null, null, blocks, tlb, pages,
                    race);
        }
        int violation = isolation.story().isEmpty() ? isolation.trace().size() : isolation.story().get(0).step();
        Set<Integer> paired = isolation.hasPair() ? Set.of(isolation.first().index(), isolation.second().index()) : Set.of();
        Set<Integer> sliced = isolation.slice().stream().map(s -> s.step().index()).collect(Collectors.toSet());
        Timeline explained = new Timeline(isolation.trace(), violation, new Timeline.Marks(racingSteps, paired, sliced, "step-"));
        List<RunRecord.TraceStep> sliceSteps = isolation.slice().stream().map(RunRecord.SliceStep::step).filter(s -> s.index() >= 0)
                .toList();
        Timeline slice = sliceSteps.isEmpty() ? null : new Timeline(sliceSteps, violation, new Timeline.Marks(Set.of(), paired, Set.of(), null));
        Timeline found = isolation.trace().equals(failure.trace()) ? null
                : new Timeline(failure.trace(), failure.step(), new Timeline.Marks(Set.of(), Set.of(), Set.of(), null));
        return new FailurePage(numbered, explained, slice, found, blocks, tlb, pages, race);
    }

    /** The failure's story (empty without one): each sentence with the step it is about. */
    public List<RunRecord.Sentence> story() {
        return failure().isolation() == null ? List.of() : failure().isolation().story();
    }

    /**
     * Where a link to {@code step} goes: its box in the timeline when it is drawn there, else its
     * row of the slice table, else nowhere (null).
     */
    public String anchor(int step) {
        if (timeline.draws(step)) {
            return timeline.idOf(timeline.boxes().stream().filter(b -> b.step() == step).findFirst().orElseThrow());
        }
        boolean inSlice = failure().isolation() != null && failure().isolation().slice().stream().anyMatch(s -> s.step().index() == step);
        return inSlice ? "slice-" + step : null;
    }

    /** What the race section says under the accesses: the edge that is missing (two accesses), or the lock that is (one). */
    public String raceExplained() {
        if (race.size() >= 2) {
            RacingAccess second = race.get(0);
            RacingAccess first = race.get(1);
            return "Nothing orders these two accesses: T" + first.thread() + " released no lock after step " + first.step()
                    + " that T" + second.thread() + " took before step " + second.step() + ", and T" + second.thread()
                    + " reached the object through no publication made after it. The dashed amber line in the interleaving"
                    + " joins them: it stands for the happens-before edge that is missing.";
        }
        return "T" + race.get(0).thread() + " touched a field without the lock its declaration says guards it (the lockset"
                + " check): an access under that lock by any other thread would be unordered with it. The amber box in the"
                + " interleaving is the access.";
    }

    /** A step in words: "step 62 (T1 on CPU 1, in map 4p, at new_vmap_block:xa_insert, subject 128, holding vbq[1].lock)". */
    public static String describe(RunRecord.TraceStep step) {
        if (step.index() < 0) {
            return "the start of T" + step.thread() + "'s first operation";
        }
        return "step " + step.index() + " (T" + step.thread() + " on CPU " + step.cpu() + ", in " + step.operation() + ", at "
                + step.point() + ", subject " + step.subject() + (step.locks().isEmpty() ? "" : ", holding " + step.locks()) + ")";
    }

    /** Step numbers in words: "step 143", "steps 143 and 200", "steps 12, 143 and 200". */
    public static String steps(List<Integer> indexes) {
        List<String> named = indexes.stream().map(String::valueOf).toList();
        return named.size() <= 1 ? "step " + String.join("", named)
                : "steps " + String.join(", ", named.subList(0, named.size() - 1)) + " and " + named.get(named.size() - 1);
    }

    public RunRecord.Failure failure() {
        return numbered.failure();
    }

    public RunRecord record() {
        return numbered.record();
    }

    /** Whether Lincheck found the failure (its trace, when it has one, is the model's steps of Lincheck's failing invocation). */
    public boolean lincheck() {
        return record().engine().equals("lincheck");
    }

    /** Why a failure has no replay line, in the words of the engine that found it. */
    public String noReplayReason() {
        return record().engine().equals("free-running")
                ? "No replay line: this failure was seen free-running and not found again under the controlled scheduler;"
                        + " its record still names the workload (seed and execution)."
                : "No replay line: " + record().engine() + " does not record replayable schedules; rerun its command to see it again.";
    }

    /** The most steps of one thread in the trace: for a flight recording, how many events of each worker it kept. */
    public long recordedPerThread() {
        return failure().trace().stream().collect(Collectors.groupingBy(RunRecord.TraceStep::thread, Collectors.counting()))
                .values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    public RunRecord.State state() {
        return failure().state();
    }

    /**
     * A block drawn as a bar of slots (live, dirty, flushed, never used) with its dirty range
     * outlined, and under it the slots whose pages the page table still maps: grey under a live
     * slot, red under a freed one (a stale alias).
     */
    public record BlockBar(RunRecord.Block block, boolean involved, List<Slot> slots, List<Slot> ptes, int dirtyX,
                           int dirtyWidth) {
        static BlockBar of(RunRecord.Block b, Set<Long> touched) {
            double w = (double) BAR_WIDTH / b.bits();
            List<Slot> slots = new ArrayList<>();
            List<Slot> ptes = new ArrayList<>();
            for (int i = 0; i < b.slots().length(); i++) {
                int x = (int) Math.round(i * w);
                int width = Math.max(1, (int) Math.round((i + 1) * w) - x);
                char slot = b.slots().charAt(i);
                slots.add(new Slot(x, width, switch (slot) {
                    case 'L' -> "live";
                    case 'd' -> "dirty";
                    case 'f' -> "flushed";
                    default -> "unused";
                }));
                if (b.ptes() != null && i < b.ptes().length() && b.ptes().charAt(i) == 'P') {
                    ptes.add(new Slot(x, width, slot == 'L' ? "mapped" : "stale"));
                }
            }
            boolean involved = touched.stream().anyMatch(s -> s >= b.start() && s < b.start() + b.bits());
            boolean hasDirty = b.dirtyMax() > b.dirtyMin();
            return new BlockBar(b, involved, slots, ptes, hasDirty ? (int) Math.round(b.dirtyMin() * w) : 0,
                    hasDirty ? (int) Math.round((b.dirtyMax() - b.dirtyMin()) * w) : 0);
        }

        /** PTEs left on slots that are no longer live. */
        public long stalePtes() {
            return ptes.stream().filter(p -> p.kind().equals("stale")).count();
        }

        public String dirtyRange() {
            return block.dirtyMax() > block.dirtyMin() ? "[" + block.dirtyMin() + ", " + block.dirtyMax() + ")" : "empty";
        }
    }

    public record Slot(int x, int width, String kind) {
    }

    /** A TLB entry against the page table now: current, or stale (no PTE, or a PTE to another page). */
    public record TlbRow(int cpu, long va, int pfn, int ptePfn, String status, boolean stale) {
        static TlbRow of(RunRecord.TlbEntry e) {
            String status = e.ptePfn() == e.pfn() ? "current" : e.ptePfn() < 0 ? "stale: no PTE" : "stale: PTE maps pfn " + e.ptePfn();
            return new TlbRow(e.cpu(), e.va(), e.pfn(), e.ptePfn(), status, e.ptePfn() != e.pfn());
        }
    }
}
