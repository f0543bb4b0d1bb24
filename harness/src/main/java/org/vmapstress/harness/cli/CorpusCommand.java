package org.vmapstress.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vmapstress.harness.BadInput;
import org.vmapstress.harness.CorpusLine;
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.sched.Choices;
import org.vmapstress.harness.Shard;
import org.vmapstress.harness.Shrinker;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.record.Published;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vmapstress corpus}: commands on the checked-in corpus of replay tokens. */
@Command(name = "corpus", mixinStandardHelpOptions = true, description = "Work on the checked-in corpus of replay tokens.",
        subcommands = {CorpusCommand.Refresh.class, CommandLine.HelpCommand.class})
final class CorpusCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'vmapstress corpus refresh'");
    }

    /**
     * {@code vmapstress corpus refresh}: re-records the stale lines of a corpus file (their
     * schedule points changed with the model or the harness). A line expected to fail is
     * re-found: its configuration is explored from execution 0 until a violation of the same
     * invariant, which is then shrunk; a line expected clean is re-recorded from its seed. Lines
     * that replay as recorded, comments and order are kept; the file is rewritten whole. A line
     * that replays without being stale but with another outcome is a real change of behaviour:
     * it is left as it is and the command exits 1.
     */
    @Command(name = "refresh", mixinStandardHelpOptions = true, description = {
        "Re-record the corpus's stale lines: re-find (and shrink) a token for each failing line's bug and invariant,"
            + " re-record each clean line from its seed; rewrite the file.", "",
        "Exit codes: 0 every line replays as recorded now, 1 a line replays with another outcome (left as it is),"
            + " 2 bad input, 3 a line's failure was not re-found within its budget (left as it is)."})
    static final class Refresh implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--file", paramLabel = "FILE", description = "The corpus file (default: corpus/known.tokens of the project).")
        private Path file;

        @Option(names = "--budget-per-line", defaultValue = "30s", converter = DurationConverter.class,
                description = "Time to re-find and shrink one stale failing line (default: ${DEFAULT-VALUE}).")
        private Duration budget;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Path corpus = file != null ? file : SuiteCommand.projectHome().resolve("corpus").resolve("known.tokens");
            if (!Files.isRegularFile(corpus)) {
                throw new BadInput("corpus file " + corpus + " not found (give one with --file)");
            }
            Published.requireWritable("--file's folder", corpus.toAbsolutePath().getParent());
            PrintWriter out = spec.commandLine().getOut();
            Execution execution = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);
            List<String> lines = Files.readAllLines(corpus, StandardCharsets.UTF_8);
            List<String> rewritten = new ArrayList<>();
            Verdict verdict = Verdict.CLEAN;
            int refreshed = 0;
            for (String text : lines) {
                if (!text.strip().startsWith(Token.VERSION + ":")) {
                    rewritten.add(text);
                    continue;
                }
                CorpusLine line = CorpusLine.parse(text.strip());
                Refreshed result = refresh(execution, line);
                out.println("corpus: " + result.said());
                rewritten.add(result.line() == null ? text : result.line().toString());
                refreshed += result.line() == null || result.line().equals(line) ? 0 : 1;
                verdict = verdict.and(result.verdict());
            }
            Published.writeAtomically(corpus.toAbsolutePath().getParent(), corpus.getFileName().toString(),
                    target -> Files.write(target, rewritten, StandardCharsets.UTF_8));
            out.println("corpus: " + refreshed + " line(s) re-recorded in " + corpus + "; " + verdict.word());
            return verdict.exitCode();
        }

        /** What became of one line: the line to write (null: keep the text), what to say, and its verdict. */
        private record Refreshed(CorpusLine line, String said, Verdict verdict) {
        }

        private Refreshed refresh(Execution execution, CorpusLine line) throws InterruptedException {
            Token token = Token.parse(line.token());
            ExecutionResult result = execution.run(token.spec());
            String outcome = result.failed() ? result.failureId() : "clean";
            if (result.verdict() == Verdict.INCOMPLETE) {
                return new Refreshed(null, "NOT JUDGED: the execution ended without a verdict (" + result.failureMessage()
                        + "); left as it is: " + line.token(), Verdict.INCOMPLETE);
            }
            if (token.staleness(result) == null) {
                return outcome.equals(line.expected())
                        ? new Refreshed(line, "as recorded: " + line.expected(), Verdict.CLEAN)
                        : new Refreshed(null, "CHANGED: expected " + line.expected() + ", now " + outcome
                                + " (left as it is): " + line.token(), Verdict.VIOLATION);
            }
            if (line.expected().equals("clean")) {
                return result.failed()
                        ? new Refreshed(null, "CHANGED: expected clean, now " + outcome + " (left as it is): " + line.token(),
                                Verdict.VIOLATION)
                        : new Refreshed(new CorpusLine(Token.of(result).format(), "clean"), "re-recorded clean from its seed",
                                Verdict.CLEAN);
            }
            ExecutionResult found = refind(execution, token.spec(), line.expected());
            if (found == null) {
                return new Refreshed(null, "NOT RE-FOUND: no " + line.expected() + " within " + SuitePlan.seconds(budget)
                        + " (left as it is; try a larger --budget-per-line): " + line.token(), Verdict.INCOMPLETE);
            }
            ExecutionResult smallest = new Shrinker(execution).shrink(found, budget.dividedBy(2));
            return new Refreshed(new CorpusLine(Token.of(smallest).format(), line.expected()),
                    "re-found " + line.expected() + " (" + smallest.spec().threads() + " x " + smallest.spec().ops() + " ops)",
                    Verdict.CLEAN);
        }

        /**
         * The first execution of {@code spec}'s configuration, from execution 0, that violates
         * {@code invariant}; null if none within half the budget. A line whose schedule is its
         * choices (a free-running failure re-found by its recording) has no seed to explore
         * with: its configuration is explored under the random walk.
         */
        private ExecutionResult refind(Execution execution, ExecutionSpec lineSpec, String invariant) throws InterruptedException {
            ExecutionSpec spec = lineSpec.policyName().startsWith(Choices.PREFIX) ? lineSpec.withSched("random") : lineSpec;
            long deadline = System.nanoTime() + budget.dividedBy(2).toNanos();
            Explorer explorer = new Explorer(execution);
            long next = 0;
            while (System.nanoTime() < deadline) {
                Explorer.Summary summary = explorer.explore(spec.withExec(next), Shard.ALL, Long.MAX_VALUE,
                        Duration.ofNanos(deadline - System.nanoTime()), progress -> { });
                ExecutionResult failure = summary.failure();
                if (failure == null) {
                    return null;
                }
                if (failure.failureId().equals(invariant)) {
                    return failure;
                }
                next = failure.spec().exec() + 1;
            }
            return null;
        }
    }
}
