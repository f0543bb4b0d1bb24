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
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.harness.Shard;
import org.vmapstress.reports.record.RunRecords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vmapstress suite}: the main job. Replays the checked-in corpus, then explores under
 * the controlled scheduler (random walk, then PCT depth 3) and free-running, sharing the
 * budget, and writes one run record per engine into the output folder. With {@code --bug} the
 * explorations run against a re-introduced bug. (The jcstress and Lincheck suites and the HTML
 * report join it in later issues.)
 */
@Command(name = "suite", description = "The main job: corpus replay, controlled and free-running exploration, run records.")
final class SuiteCommand implements Callable<Integer> {
    private static final List<String> ENGINES = List.of("random", "pct:3", ExecutionSpec.FREE_RUNNING);
    private static final double[] BUDGET_SHARE = {0.4, 0.3, 0.3};

    @Spec
    private CommandSpec spec;

    @Option(names = "--budget", defaultValue = "2m", converter = DurationConverter.class,
            description = "Time for the explorations together (default: ${DEFAULT-VALUE}).")
    private Duration budget;

    @Option(names = "--out", defaultValue = "target/vmapstress-report", description = "Output folder (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--bug", paramLabel = "NAME", description = "Explore with a re-introduced bug (repeatable).")
    private List<String> bugs = new ArrayList<>();

    @Option(names = "--corpus-file", description = "The checked-in corpus (default: corpus/known.tokens of the project).")
    private Path corpusFile;

    @Override
    public Integer call() throws InterruptedException, IOException {
        RunRecords.requireUsable(out);
        PrintWriter printer = spec.commandLine().getOut();
        int failures = replayCorpus(printer, corpusLines());
        for (int i = 0; i < ENGINES.size(); i++) {
            failures += explore(printer, ENGINES.get(i), Duration.ofMillis((long) (budget.toMillis() * BUDGET_SHARE[i])));
        }
        printer.println();
        printer.println((failures == 0 ? "suite: clean" : "suite: " + failures + " failure(s)") + "; run records in " + out);
        return failures == 0 ? VmapstressCommand.EXIT_CLEAN : VmapstressCommand.EXIT_VIOLATION;
    }

    private List<String> corpusLines() throws IOException {
        Path file = corpusFile != null ? corpusFile : projectCorpus();
        if (!Files.isRegularFile(file)) {
            throw new BadInput("corpus file " + file + " not found (give one with --corpus-file)");
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(Token.VERSION + ":")).toList();
    }

    /** {@code corpus/known.tokens} under the project root the launcher names, else under the working folder. */
    private static Path projectCorpus() {
        String home = System.getenv("VMAPSTRESS_HOME");
        return Path.of(home == null ? "." : home, "corpus", "known.tokens");
    }

    /** Every corpus line must replay as recorded: not stale, same outcome. Returns the number that did not. */
    private static int replayCorpus(PrintWriter printer, List<String> lines) throws InterruptedException {
        Execution execution = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);
        int mismatches = 0;
        for (String line : lines) {
            String[] fields = line.split("\\s+");
            Token token = Token.parse(fields[0]);
            ExecutionResult result = execution.run(token.spec());
            String stale = token.staleness(result);
            String outcome = result.failed() ? result.failureId() : "clean";
            if (stale != null || fields.length < 2 || !outcome.equals(fields[1])) {
                mismatches++;
                printer.println("corpus: MISMATCH " + (stale != null ? stale : "expected " + (fields.length < 2 ? "?" : fields[1])
                        + ", got " + outcome) + ": " + fields[0]);
            }
        }
        printer.printf("corpus: %d of %d known executions replayed as recorded%n", lines.size() - mismatches, lines.size());
        return mismatches;
    }

    private int explore(PrintWriter printer, String sched, Duration share) throws InterruptedException, IOException {
        boolean free = sched.equals(ExecutionSpec.FREE_RUNNING);
        ExecutionSpec template = new ExecutionSpec(Token.bugs(String.join(",", bugs)), ModelShape.firstCpus(4), "random",
                free ? 4 : 3, free ? 100 : 20, 0x5eed, sched, 0);
        Explorer.Summary summary = new Explorer(new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT))
                .explore(template, Long.MAX_VALUE, share, progress -> { });
        Path record = RunRecords.write(out.resolve(sched.replace(":", "")),
                RunReporting.record(template, summary, Shard.ALL, Long.MAX_VALUE, share));
        printer.printf("%-7s %s: %d executions in %.1fs -> %s%n", sched, summary.failed() ? "FAILED" : "clean",
                summary.executions(), summary.elapsed().toMillis() / 1000.0, record);
        if (summary.failed()) {
            RunReporting.report(printer, summary, out.resolve("corpus"));
            return 1;
        }
        return 0;
    }
}
