package org.vmapstress.harness.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.vmapstress.harness.FailureIsolation;
import org.vmapstress.harness.FailureStory;
import org.vmapstress.harness.RecordedStory;
import org.vmapstress.harness.Shard;
import org.vmapstress.harness.Shrinker;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.FreeRun;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.html.FailurePage;
import org.vmapstress.reports.record.RunRecord;

/** What {@code run} and {@code suite} print and record about an exploration. */
final class RunReporting {
    private static final int TRACE_TAIL = 30;
    /** Maps model snapshots and shapes onto the record format's types (same field names). */
    private static final ObjectMapper FORMAT = new ObjectMapper();

    private RunReporting() {
    }

    /**
     * The record of an exploration; {@code shrunk} is the failure's shrunk form, or null. A
     * violation is a failure; an execution that ended without a judgement (crashed, watchdog,
     * step limit) and an exploration that ran no execution at all are steps that could not judge.
     */
    static RunRecord record(ExecutionSpec template, Explorer.Summary summary, Shard shard, long iterations, Duration budget,
                            Token shrunk) {
        return record(template, summary, shard, iterations, budget, shrunk, null);
    }

    /** The record of an exploration whose violation was explained ({@code isolation}, or null: not tried). */
    static RunRecord record(ExecutionSpec template, Explorer.Summary summary, Shard shard, long iterations, Duration budget,
                            Token shrunk, RunRecord.Isolation isolation) {
        RunRecord.Configuration configuration = new RunRecord.Configuration(template.bugs().toString(), template.scenario(),
                template.threads(), template.ops(), FORMAT.convertValue(template.model(), RunRecord.Shape.class),
                "0x" + Long.toHexString(template.seed()), template.sched().replace(":", ""), shard.toString(), iterations,
                budget.toMillis() / 1000.0);
        RunRecord.Counts counts = new RunRecord.Counts(summary.executions(), summary.steps(), summary.elapsed().toMillis() / 1000.0);
        List<RunRecord.Failure> failures = new ArrayList<>();
        List<RunRecord.Unfinished> unfinished = new ArrayList<>();
        ExecutionResult found = summary.failure();
        if (found != null && found.verdict() == Verdict.VIOLATION) {
            failures.add(failure(found, shrunk).withIsolation(isolation));
        } else if (found != null) {
            unfinished.add(unjudged(found));
        } else if (summary.freeUnjudged() != null) {
            unfinished.add(new RunRecord.Unfinished("execution " + (summary.executions() - 1) + " (free-running)",
                    summary.freeUnjudged().kind() + ": " + summary.freeUnjudged().detail(),
                    "run it again (a free-running execution cannot be replayed)"));
        } else if (summary.unreproduced() != null) {
            failures.add(unreproduced(summary.unreproduced(), summary.executions() - 1, template.modelConfig().vmapBbmapBits()));
        } else if (summary.executions() == 0) {
            unfinished.add(new RunRecord.Unfinished(engine(template), "ran no execution in its " + budget.toSeconds()
                    + "s (the machine is busy, or the budget too small)", "give it a larger --budget"));
        }
        return RunRecord.of(engine(template), configuration, counts, failures, null).withIncomplete(unfinished);
    }

    /** An execution that ended before it could be judged: what stopped it, and how to see it again. */
    static RunRecord.Unfinished unjudged(ExecutionResult result) {
        return new RunRecord.Unfinished("execution " + result.spec().exec(), result.failureId() + ": " + result.failureMessage(),
                Token.of(result).replayLine());
    }

    /**
     * The shrunk token of an exploration's violation (null when there is none, no time to
     * shrink, or shrinking itself failed). Best effort: whatever goes wrong while shrinking is
     * said on {@code err} and the original failure stands.
     */
    static Token shrink(Execution execution, Explorer.Summary summary, Duration budget, PrintWriter err) throws InterruptedException {
        ExecutionResult failure = summary.failure();
        if (failure == null || failure.verdict() != Verdict.VIOLATION || budget.isNegative() || budget.isZero()) {
            return null;
        }
        try {
            return Token.of(new Shrinker(execution).shrink(failure, budget));
        } catch (RuntimeException | AssertionError e) {
            err.println("vmapstress: shrinking failed (" + e + "); the failure is kept as found");
            return null;
        }
    }

    /**
     * The failure-inducing ordering of an exploration's violation ({@link FailureIsolation}), in
     * its shrunk form when there is one; null when there is no controlled violation or no time.
     * Best effort, like shrinking: what goes wrong is said on {@code err}.
     */
    static RunRecord.Isolation isolate(Execution execution, Explorer.Summary summary, Token shrunk, Duration budget, PrintWriter err)
            throws InterruptedException {
        ExecutionResult failure = summary.failure();
        if (failure == null || failure.verdict() != Verdict.VIOLATION || budget.isNegative() || budget.isZero()) {
            return null;
        }
        ExecutionSpec explained = shrunk != null ? shrunk.spec() : failure.spec();
        try {
            FailureIsolation.Outcome outcome = new FailureIsolation(execution).isolate(explained, budget);
            if (outcome.explained() == null) {
                return null;
            }
            FailureIsolation.Pair pair = outcome.pair();
            return new RunRecord.Isolation(Token.of(outcome.explained()).format(), traceSteps(outcome.explained().trace()),
                    pair == null ? null : pair.first().toRecord(), pair == null ? null : pair.second().toRecord(),
                    pair == null ? null : pair.failing().replayLine(), pair == null ? null : pair.passing().replayLine(),
                    outcome.why(), outcome.tried(), outcome.took().toMillis() / 1000.0,
                    outcome.slice().stream().map(e -> new RunRecord.SliceStep(e.step().toRecord(), e.why())).toList(),
                    FailureStory.of(outcome.explained(), outcome.slice(), pair, outcome.why(), outcome.divergence()),
                    outcome.divergence() == null ? null : outcome.divergence().toRecord());
        } catch (RuntimeException | AssertionError e) {
            err.println("vmapstress: isolating the failure's ordering failed (" + e + "); the failure is kept as found");
            return null;
        }
    }

    /**
     * The console's short form of an isolation: the pair (or why there is none), the step where
     * the bug's code ran, then the story's first sentence.
     */
    static List<String> isolationLines(RunRecord.Isolation isolation) {
        List<String> lines = new ArrayList<>();
        if (!isolation.hasPair()) {
            lines.add("ordering: " + isolation.why());
        } else {
            lines.add("ordering: step " + isolation.first().index() + " (T" + isolation.first().thread() + " "
                    + isolation.first().point() + ") before step " + isolation.second().index() + " (T" + isolation.second().thread()
                    + " " + isolation.second().point() + ") fails; the other way round runs clean: " + isolation.passingReplay());
        }
        RunRecord.Divergence divergence = isolation.divergence();
        if (divergence != null && divergence.found()) {
            lines.add("bug: " + FailurePage.describe(divergence.step()) + ": it " + divergence.withBug() + "; without the bug it "
                    + divergence.withoutBug() + " and runs clean: " + divergence.passingReplay());
        } else if (divergence != null) {
            lines.add("bug: no step where the bug's code ran: " + divergence.why());
        }
        if (!isolation.story().isEmpty()) {
            lines.add("story: " + isolation.story().get(0).text());
        }
        return lines;
    }

    /** "free-running", or "controlled-" and the policy ("controlled-random", "controlled-pct3"). */
    static String engine(ExecutionSpec template) {
        return template.freeRunning() ? "free-running" : "controlled-" + template.sched().replace(":", "");
    }

    /**
     * A free-running failure not found again under control: its flight recording, if it has one,
     * as its trace, told as a story from the recording ({@link RecordedStory}) on a model whose
     * blocks have {@code blockPages} pages.
     */
    static RunRecord.Failure unreproduced(FreeRun.Outcome outcome, long execution, int blockPages) {
        RunRecord.Failure failure = RunRecord.Failure.recordedFreeRunning(outcome.violation().invariant().id(),
                outcome.violation().message(), execution, traceSteps(outcome.recorded()));
        long start = System.nanoTime();
        RecordedStory.Told told;
        try {
            told = RecordedStory.of(outcome.recording(), outcome.violation(), blockPages, RecordedStory.FREE_RUNNING);
        } catch (RuntimeException e) {
            return failure; // the story is best effort, like isolation: the failure is never lost to it
        }
        if (told.story().isEmpty()) {
            return failure;
        }
        return failure.withIsolation(told.isolation(failure.trace(), (System.nanoTime() - start) / 1e9));
    }

    private static List<RunRecord.TraceStep> traceSteps(List<Step> trace) {
        return trace.stream().map(Step::toRecord).toList();
    }

    /** The last {@value #TRACE_TAIL} steps of {@code trace}, after a line "{@code intro}last N of M {@code unit}:". */
    private static void printTail(PrintWriter out, String intro, List<Step> trace, String unit) {
        List<Step> tail = trace.subList(Math.max(0, trace.size() - TRACE_TAIL), trace.size());
        out.println(intro + "last " + tail.size() + " of " + trace.size() + " " + unit + ":");
        tail.forEach(step -> out.println("  " + step));
    }

    /** A replayable failure in the record format: token, replay line, shrunk token if known, trace and state. */
    static RunRecord.Failure failure(ExecutionResult failure, Token shrunk) {
        Token token = Token.of(failure);
        List<RunRecord.TraceStep> trace = traceSteps(failure.trace());
        return new RunRecord.Failure(failure.failureId(), failure.failureMessage(), failure.spec().exec(),
                failure.violationStep(), token.format(), token.replayLine(), shrunk == null ? null : shrunk.format(),
                Shrinker.preemptions(failure.trace()), trace, FORMAT.convertValue(failure.snapshot(), RunRecord.State.class), null);
    }

    /**
     * Prints a failure (free-running and not found again: its recording's tail; or replayable:
     * trace tail and REPLAY line), with the short form of its {@code isolation} (may be null).
     */
    static void report(PrintWriter out, Explorer.Summary summary, Path corpus, RunRecord.Isolation isolation) {
        if (summary.freeUnjudged() != null) {
            out.println("INCOMPLETE (" + summary.freeUnjudged().kind() + ") free-running in execution " + (summary.executions() - 1)
                    + ": " + summary.freeUnjudged().detail());
            return;
        }
        if (summary.failure() == null) {
            FreeRun.Outcome free = summary.unreproduced();
            out.println("FAILED (" + free.violation().invariant() + ") free-running in execution "
                    + (summary.executions() - 1) + ", not found again under the controlled scheduler: " + free.violation());
            if (!free.recorded().isEmpty()) {
                printTail(out, "recorded interleaving (flight recorder, order of its stamps), ", free.recorded(), "events");
            }
            if (isolation != null) {
                isolationLines(isolation).forEach(out::println);
            }
            return;
        }
        if (summary.free() != null) {
            out.println("seen free-running in execution " + (summary.executions() - 1) + ": " + summary.free().end().detail());
            out.println("found again under the controlled scheduler:");
        }
        report(out, summary.failure(), corpus, isolation);
    }

    /** Prints a replayable failure: trace tail, its isolated ordering if any ({@code isolation}, may be null), REPLAY line. */
    static void report(PrintWriter out, ExecutionResult failure, Path corpus, RunRecord.Isolation isolation) {
        Token token = Token.of(failure);
        out.println();
        out.println((failure.verdict() == Verdict.VIOLATION ? "FAILED (" : "INCOMPLETE (") + failure.failureId()
                + ") in execution " + failure.spec().exec() + " at step " + failure.violationStep() + ": " + failure.failureMessage());
        printTail(out, "", failure.trace(), "steps");
        appendToCorpus(out, token, corpus);
        if (isolation != null) {
            isolationLines(isolation).forEach(out::println);
        }
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
