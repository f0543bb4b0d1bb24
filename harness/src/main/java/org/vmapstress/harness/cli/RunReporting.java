package org.vmapstress.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.Shrinker;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.record.RunRecord;
import org.vmapstress.harness.sched.Step;

/** What {@code run} and {@code suite} print and record about an exploration. */
final class RunReporting {
    private static final int TRACE_TAIL = 30;

    private RunReporting() {
    }

    static RunRecord record(ExecutionSpec template, Explorer.Summary summary, long iterations, Duration budget) {
        RunRecord.Configuration configuration = new RunRecord.Configuration(template.bugs().toString(), template.scenario(),
                template.threads(), template.ops(), template.model(), "0x" + Long.toHexString(template.seed()), template.sched(),
                iterations, budget.toMillis() / 1000.0);
        RunRecord.Counts counts = new RunRecord.Counts(summary.executions(), summary.steps(), summary.elapsed().toMillis() / 1000.0);
        List<RunRecord.Failure> failures = new ArrayList<>();
        ExecutionResult failure = summary.failure();
        if (failure != null) {
            Token token = Token.of(failure);
            failures.add(new RunRecord.Failure(failure.failureId(), failure.failureMessage(), failure.spec().exec(),
                    failure.violationStep(), token.format(), token.replayLine(), Shrinker.preemptions(failure.trace()),
                    failure.trace(), failure.snapshot()));
        } else if (summary.unreproduced() != null) {
            failures.add(new RunRecord.Failure(summary.unreproduced().invariant().id(), summary.unreproduced().message(),
                    summary.executions() - 1, -1, null, null, 0, List.of(), null));
        }
        return new RunRecord(RunRecord.FORMAT, template.freeRunning() ? "free-running" : "controlled", configuration, counts,
                failures.isEmpty() ? "clean" : "failed", failures);
    }

    /** Prints a failure (free-running and not found again, or replayable: trace tail and REPLAY line). */
    static void report(PrintWriter out, Explorer.Summary summary, Path corpus) {
        if (summary.failure() == null) {
            out.println("FAILED (" + summary.unreproduced().invariant() + ") free-running in execution "
                    + (summary.executions() - 1) + ", not found again under the controlled scheduler: " + summary.unreproduced());
            return;
        }
        report(out, summary.failure(), corpus);
    }

    static void report(PrintWriter out, ExecutionResult failure, Path corpus) {
        Token token = Token.of(failure);
        out.println();
        out.println("FAILED (" + failure.failureId() + ") in execution " + failure.spec().exec() + " at step "
                + failure.violationStep() + ": " + failure.failureMessage());
        List<Step> trace = failure.trace();
        out.println("last " + Math.min(TRACE_TAIL, trace.size()) + " of " + trace.size() + " steps:");
        trace.subList(Math.max(0, trace.size() - TRACE_TAIL), trace.size()).forEach(step -> out.println("  " + step));
        appendToCorpus(out, token, corpus);
        out.println(token.replayLine());
    }

    /** Appends the token to the corpus (never overwrites); a corpus that cannot be written is said, not fatal. */
    private static void appendToCorpus(PrintWriter out, Token token, Path corpus) {
        Path file = corpus.resolve("found.tokens");
        try {
            Files.createDirectories(corpus);
            Files.writeString(file, token.format() + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            out.println("token appended to " + file);
        } catch (IOException e) {
            out.println("could not append the token to " + file + ": " + e.getMessage());
        }
    }
}
