package org.vmapstress.harness.record;

import java.util.List;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.ModelSnapshot;

/**
 * The run record: what one exploration ran and found, as JSON ({@code run.json}) for the
 * report module, which reads nothing else. {@link #FORMAT} versions the layout.
 */
public record RunRecord(String format, String engine, Configuration configuration, Counts counts, String verdict,
                        List<Failure> failures) {
    public static final String FORMAT = "vmapstress-run/1";

    /** What was run. */
    public record Configuration(String bugs, String scenario, int threads, int ops, ModelShape model, String seed,
                                String sched, long iterations, double budgetSeconds) {
    }

    /** How much was run. */
    public record Counts(long executions, long schedulePoints, double seconds) {
    }

    /**
     * One failure: the invariant and message, where it was found, the replay token and line
     * (null for a free-running failure not found again under control), its trace, and the
     * model's state when it was found.
     */
    public record Failure(String invariant, String message, long execution, int step, String token, String replay,
                          int preemptions, List<Step> trace, ModelSnapshot state) {
    }
}
