package org.vmapstress.harness.record;

import java.util.List;

/**
 * A jcstress run in the project's record format ({@code jcstress.json} beside the harness's
 * run records): per test its outcome histogram and the project's verdict. A variant named
 * {@code Fixed} must pass; any other variant re-introduces a kernel bug and must be caught.
 */
public record JcstressRecord(String format, String engine, String mode, String verdict, List<Test> tests) {
    public static final String FORMAT = "vmapstress-jcstress/1";

    /** One jcstress test: jcstress's own status (OK, FAILED, ERROR), the project's verdict, the histogram. */
    public record Test(String name, String family, String variant, String status, boolean expectCaught, String verdict,
                       List<Outcome> outcomes) {
    }

    /** One row of "Results across all configurations". */
    public record Outcome(String result, long samples, String expect, String description) {
    }
}
