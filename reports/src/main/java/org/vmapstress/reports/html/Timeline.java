package org.vmapstress.reports.html;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vmapstress.reports.record.RunRecord;

/**
 * The interleaving as a picture: one column per thread, one row per step down the page. Each
 * step is a box in its thread's column, tinted by the CPU it ran on; the locks a thread holds
 * are bars along the left of its column for as long as it holds them; the violating step is
 * drawn in red. A box names its thread's operation when a new one starts; a migration the
 * scheduler chose inside an operation is a box of its own, in the new CPU's tint. Long traces keep their last {@link #MAX_ROWS} steps (the record has them all).
 */
public final class Timeline {
    static final int MAX_ROWS = 300;
    /** A timeline this short numbers every row. */
    static final int SHORT = 30;
    static final int COLUMN = 300;
    static final int ROW = 18;
    static final int TOP = 28;
    static final int GUTTER = 60;
    static final int LOCK_BAR = 5;
    /** The point of a step in which the scheduler migrated its thread (the harness's ControlledScheduler.MIGRATE); its subject is the new CPU. */
    static final String MIGRATION = "migrate";
    private static final String[] CPU_TINTS = {"#dbeafe", "#dcfce7", "#fef9c3", "#f3e8ff", "#ffedd5", "#e0f2fe", "#fce7f3", "#ecfccb"};
    private static final String[] LOCK_COLOURS = {"#1d4ed8", "#15803d", "#a16207", "#7e22ce", "#c2410c", "#0e7490", "#be185d"};

    private final List<RunRecord.TraceStep> steps;
    private final int threads;
    private final int omitted;
    private final int violation;
    private final List<LockBar> lockBars;
    private final Marks marks;

    /**
     * What a timeline marks besides the violation: the accesses a DATA-RACE names ({@code racing},
     * outlined in amber and joined), the isolated pair ({@code paired}, outlined in amber), the
     * causal slice ({@code sliced}, outlined in blue); {@code ids}: the prefix of its boxes' ids
     * ("step-" gives "step-12", the violating box is "violation"), or null for a timeline whose
     * boxes have none (a second one on the page).
     */
    public record Marks(Set<Integer> racing, Set<Integer> paired, Set<Integer> sliced, String ids) {
        public Marks {
            racing = Set.copyOf(racing);
            paired = Set.copyOf(paired);
            sliced = Set.copyOf(sliced);
        }

        /** Only the racing accesses, with ids. */
        public static Marks racing(Set<Integer> racing) {
            return new Marks(racing, Set.of(), Set.of(), "step-");
        }
    }

    /** The timeline, with the steps of {@code racingSteps} (the accesses a DATA-RACE names) outlined and joined. */
    public Timeline(List<RunRecord.TraceStep> trace, int violationStep, Set<Integer> racingSteps) {
        this(trace, violationStep, Marks.racing(racingSteps));
    }

    /** The timeline with {@code marks}. */
    public Timeline(List<RunRecord.TraceStep> trace, int violationStep, Marks marks) {
        this.marks = marks;
        this.omitted = Math.max(0, trace.size() - MAX_ROWS);
        this.steps = trace.subList(omitted, trace.size());
        this.threads = trace.stream().mapToInt(RunRecord.TraceStep::thread).max().orElse(-1) + 1;
        this.violation = violationStep;
        this.lockBars = drawLockBars();
    }

    public boolean empty() {
        return steps.isEmpty();
    }

    /** Steps left out at the top (the oldest). */
    public int omitted() {
        return omitted;
    }

    public int width() {
        return GUTTER + threads * COLUMN + 10;
    }

    public int height() {
        return TOP + (steps.size() + (violationAfterTrace() ? 1 : 0)) * ROW + 10;
    }

    /** True when the violation was found after the last step drawn (at the end of an operation, or after the run). */
    public boolean violationAfterTrace() {
        return !steps.isEmpty() && violation > steps.get(steps.size() - 1).index();
    }

    /** The row under the last step that says the violation was found there, across every column. */
    public Box violationRow() {
        int y = TOP + steps.size() * ROW;
        return new Box(violation, GUTTER, y, threads * COLUMN - 8, ROW - 2, "#fca5a5", true,
                "violation found at step " + violation + ", after the last step of the trace", "", y + ROW - 6);
    }

    public List<Header> headers() {
        List<Header> headers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            headers.add(new Header(GUTTER + t * COLUMN + COLUMN / 2, "T" + t));
        }
        return headers;
    }

    public List<Box> boxes() {
        List<Box> boxes = new ArrayList<>();
        Map<Integer, String> lastOperation = new LinkedHashMap<>();
        for (int row = 0; row < steps.size(); row++) {
            RunRecord.TraceStep s = steps.get(row);
            boolean violating = s.index() == violation;
            boolean newOperation = !s.operation().equals(lastOperation.put(s.thread(), s.operation()));
            String label = "cpu" + s.cpu() + " " + (newOperation ? "[" + s.operation() + "] " : "") + what(s);
            String detail = "step " + s.index() + ": T" + s.thread() + " on cpu" + s.cpu() + ", " + s.operation() + ", "
                    + s.point() + " " + s.subject() + (s.locks().isEmpty() ? "" : ", holds " + s.locks());
            boxes.add(new Box(s.index(), GUTTER + s.thread() * COLUMN + LOCK_BAR * 3 + 2, TOP + row * ROW,
                    COLUMN - LOCK_BAR * 3 - 8, ROW - 2, violating ? "#fca5a5" : CPU_TINTS[Math.floorMod(s.cpu(), CPU_TINTS.length)],
                    violating, label, detail, TOP + row * ROW + ROW - 6));
        }
        return boxes;
    }

    /** Whether the step is one of the accesses a DATA-RACE names. */
    public boolean racing(Box box) {
        return marks.racing().contains(box.step());
    }

    /** Whether a box with this step is drawn (the oldest steps of a long trace are left out). */
    public boolean draws(int step) {
        return steps.stream().anyMatch(s -> s.index() == step);
    }

    /** The box's id: "violation" for the violating step, the prefix and the step for the others, none without a prefix. */
    public String idOf(Box box) {
        if (marks.ids() == null) {
            return null;
        }
        return box.violating() ? "violation" : marks.ids() + box.step();
    }

    /** The box's classes: "step", and "violation", "racing", "paired" or "sliced". */
    public String classOf(Box box) {
        return "step" + (box.violating() ? " violation" : "") + (racing(box) ? " racing" : "")
                + (marks.paired().contains(box.step()) ? " paired" : "") + (marks.sliced().contains(box.step()) ? " sliced" : "");
    }

    /** The outline: amber for a racing access or a step of the pair, blue for a step of the slice, red for the violation. */
    public String strokeOf(Box box) {
        if (racing(box) || marks.paired().contains(box.step())) {
            return "#d97706";
        }
        if (box.violating()) {
            return "#b91c1c";
        }
        return marks.sliced().contains(box.step()) ? "#1d4ed8" : "none";
    }

    public double strokeWidthOf(Box box) {
        return strokeOf(box).equals("none") || strokeOf(box).equals("#b91c1c") ? 1 : 2.5;
    }

    /** The dashed line joining the two racing accesses (from the centre of each box), when both are drawn; else none. */
    public List<Link> raceLinks() {
        List<Box> ends = boxes().stream().filter(this::racing).toList();
        if (ends.size() != 2) {
            return List.of();
        }
        Box a = ends.get(0);
        Box b = ends.get(1);
        return List.of(new Link(a.x() + a.width() / 2, a.y() + a.height(), b.x() + b.width() / 2, b.y(),
                "steps " + a.step() + " and " + b.step() + ": no happens-before edge orders these accesses"));
    }

    /** What a step did: its point and subject, or for a migration by the scheduler the CPU it moved to. */
    private static String what(RunRecord.TraceStep s) {
        if (s.point().equals(MIGRATION)) {
            return "\u21c4 migrated to cpu" + s.subject() + " (scheduler)";
        }
        return s.point() + (s.subject() != 0 ? " " + s.subject() : "");
    }

    /**
     * The step number down the left edge: every fifth row, at the violation, where a step does
     * not follow the one above, and on every row of a short timeline (a slice).
     */
    public List<Box> rowLabels() {
        List<Box> labels = new ArrayList<>();
        for (int row = 0; row < steps.size(); row++) {
            RunRecord.TraceStep s = steps.get(row);
            if (row % 5 == 0 || steps.size() <= SHORT || s.index() == violation || s.index() != steps.get(row - 1).index() + 1) {
                labels.add(new Box(s.index(), 4, TOP + row * ROW, GUTTER - 8, ROW - 2, "none", s.index() == violation,
                        String.valueOf(s.index()), "", TOP + row * ROW + ROW - 6));
            }
        }
        return labels;
    }

    /**
     * One bar per stretch in which a thread holds a lock: from the first step of that thread
     * that holds it to the next step of that thread that no longer does (other threads' steps
     * in between included: the lock is held across them).
     */
    public List<LockBar> lockBars() {
        return lockBars;
    }

    private List<LockBar> drawLockBars() {
        List<LockBar> bars = new ArrayList<>();
        Map<String, Integer> colours = new LinkedHashMap<>();
        Map<Held, Integer> openedAt = new LinkedHashMap<>();
        for (int row = 0; row < steps.size(); row++) {
            RunRecord.TraceStep s = steps.get(row);
            List<String> locks = s.locks().isEmpty() ? List.of() : List.of(s.locks().split(","));
            int closeAt = row;
            openedAt.entrySet().removeIf(e -> e.getKey().thread() == s.thread() && !locks.contains(e.getKey().lock())
                    && bars.add(bar(e.getKey(), e.getValue(), closeAt, colours)));
            for (String lock : locks) {
                colours.putIfAbsent(lock, colours.size());
                openedAt.putIfAbsent(new Held(s.thread(), lock), row);
            }
        }
        openedAt.forEach((held, from) -> bars.add(bar(held, from, steps.size(), colours)));
        return bars;
    }

    private LockBar bar(Held held, int fromRow, int toRow, Map<String, Integer> colours) {
        int colour = colours.get(held.lock());
        return new LockBar(GUTTER + held.thread() * COLUMN + (colour % 3) * LOCK_BAR, TOP + fromRow * ROW, LOCK_BAR - 1,
                (toRow - fromRow) * ROW - 2, LOCK_COLOURS[colour % LOCK_COLOURS.length], held.lock(),
                "T" + held.thread() + " holds " + held.lock());
    }

    /** Each lock drawn, with its colour, for the legend. */
    public List<LockBar> lockLegend() {
        Map<String, LockBar> legend = new LinkedHashMap<>();
        lockBars.forEach(b -> legend.putIfAbsent(b.lock(), b));
        return List.copyOf(legend.values());
    }

    private record Held(int thread, String lock) {
    }

    public record Header(int x, String text) {
    }

    public record Box(int step, int x, int y, int width, int height, String fill, boolean violating, String label,
                      String detail, int textY) {
    }

    public record LockBar(int x, int y, int width, int height, String colour, String lock, String title) {
    }

    public record Link(int x1, int y1, int x2, int y2, String title) {
    }
}
