package org.vmapstress.harness.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.vmapstress.harness.CorpusLine;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.record.RunRecord;

/**
 * Replays the checked-in corpus as a run record of engine "corpus". A line that replays with
 * another outcome than it names is a failure (CORPUS-MISMATCH: a bug no longer found, or a
 * violation on the fixed model). A stale line (the model or harness changed, so its schedule
 * points differ) cannot be judged: it is listed as incomplete with the command that
 * re-records it ({@value #REFRESH}); so is a line whose execution ended without a verdict
 * (crashed, the step limit, the watchdog).
 */
final class CorpusReplay {
    static final String REFRESH = "./vmapstress corpus refresh";

    private CorpusReplay() {
    }

    static RunRecord run(PrintWriter printer, List<CorpusLine> lines) throws InterruptedException {
        Execution execution = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);
        List<RunRecord.Failure> mismatches = new ArrayList<>();
        List<RunRecord.Unfinished> stale = new ArrayList<>();  // and not judged
        long start = System.nanoTime();
        long steps = 0;
        for (int i = 0; i < lines.size(); i++) {
            CorpusLine line = lines.get(i);
            Token token = Token.parse(line.token());
            ExecutionResult result = execution.run(token.spec());
            steps += result.steps();
            String staleness = token.staleness(result);
            String outcome = result.failed() ? result.failureId() : "clean";
            if (staleness == null && result.verdict() == Verdict.INCOMPLETE) {
                printer.println("corpus: NOT JUDGED line " + (i + 1) + ": " + result.failureMessage());
                stale.add(new RunRecord.Unfinished("corpus token " + (i + 1) + " (" + line.expected() + ")",
                        "the execution ended without a verdict: " + result.failureMessage(), token.replayLine()));
            } else if (staleness != null) {
                printer.println("corpus: STALE line " + (i + 1) + " (" + line.expected() + "): " + staleness);
                stale.add(new RunRecord.Unfinished("corpus token " + (i + 1) + " (" + line.expected() + ")", staleness, REFRESH));
            } else if (!outcome.equals(line.expected())) {
                String message = "expected " + line.expected() + ", got " + outcome;
                printer.println("corpus: MISMATCH " + message + ": " + line.token());
                mismatches.add(new RunRecord.Failure("CORPUS-MISMATCH", message, token.spec().exec(), -1, line.token(),
                        token.replayLine(), null, 0, null, null, null));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int asRecorded = lines.size() - mismatches.size() - stale.size();
        printer.printf("corpus: %d of %d known executions replayed as recorded%s%n", asRecorded, lines.size(),
                stale.isEmpty() ? "" : "; " + stale.size() + " stale: re-record them with " + REFRESH);
        RunRecord.Configuration configuration = new RunRecord.Configuration("none", "corpus/known.tokens", 0, 0, null, null,
                "replay", "1/1", lines.size(), 0);
        return RunRecord.of("corpus", configuration, new RunRecord.Counts(lines.size(), steps, seconds), mismatches, null)
                .withIncomplete(stale);
    }
}
