package org.vmapstress.reports.html;

import java.util.ArrayList;
import java.util.List;
import org.vmapstress.reports.Grading;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/** What {@code index.html} and {@code jcstress.html} show: verdict, per-engine counts, matrix, failures, jcstress tests. */
public record IndexPage(Grading grading, List<JcstressEntry> jcstress, List<String> jcstressHtml) {

    public static IndexPage of(Grading grading, List<String> jcstressHtml) {
        List<JcstressEntry> tests = new ArrayList<>();
        for (RunRecords.Located located : grading.records()) {
            for (RunRecord.JcstressTest test : located.record().jcstress()) {
                tests.add(new JcstressEntry(tests.size() + 1, located.record().configuration().sched(), test));
            }
        }
        return new IndexPage(grading, tests, jcstressHtml);
    }

    public String headline() {
        return grading.headline();
    }

    /** Distinct configurations the records ran, one line each (bugs, workload, model, schedule). */
    public List<String> configurations() {
        return grading.records().stream().map(l -> describe(l.record())).distinct().toList();
    }

    private static String describe(RunRecord r) {
        RunRecord.Configuration c = r.configuration();
        String model = c.model() == null ? "" : " cpus=" + c.model().cpus() + " va=" + c.model().vaPages() + " frames=" + c.model().frames();
        String workload = c.threads() == 0 ? c.scenario() : c.scenario() + " threads=" + c.threads() + " ops=" + c.ops();
        return r.engine() + ": bugs=" + c.bugs() + ", " + workload + model + (c.seed() == null ? "" : " seed=" + c.seed())
                + " sched=" + c.sched() + (c.budgetSeconds() > 0 ? ", budget " + Math.round(c.budgetSeconds()) + "s" : "");
    }

    /** One jcstress test with its number on jcstress.html ({@code #t-N}) and the mode it ran in. */
    public record JcstressEntry(int number, String mode, RunRecord.JcstressTest test) {
        public String anchor() {
            return "t-" + number;
        }

        public long total() {
            return test.outcomes().stream().mapToLong(RunRecord.Outcome::samples).sum();
        }

        /** Width in pixels of an outcome's bar (of 300), at least 1 when it was seen at all. */
        public int barWidth(RunRecord.Outcome outcome) {
            return outcome.samples() == 0 ? 0 : (int) Math.max(1, Math.round(300.0 * outcome.samples() / Math.max(1, total())));
        }
    }
}
