package org.vmapstress.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vmapstress.harness.BadInput;
import org.vmapstress.harness.CorpusLine;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.reports.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vmapstress replay TOKEN|FILE}: re-runs one execution and prints its trace. Strict: when
 * the schedule points differ from the recorded ones the token is stale (exit 2), never a verdict.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = {
        "Re-run one execution from its replay token (or a file holding one) and print its trace.", "",
        "Exit codes: 0 clean, 1 it fails with a violation as recorded, 2 bad input (a malformed or stale token),"
        + " 3 it ended without a verdict (crashed, the step limit, the watchdog)."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "TOKEN|FILE", description = "A replay token, or a file whose first token line is used"
            + " (a corpus line: the token, then what it is expected to show).")
    private String tokenOrFile;

    @Override
    public Integer call() throws InterruptedException {
        Token token = Token.parse(tokenText());
        ExecutionResult result = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT).run(token.spec());
        String stale = token.staleness(result);
        if (stale != null) {
            throw new BadInput(stale);
        }
        PrintWriter out = spec.commandLine().getOut();
        result.trace().forEach(step -> out.println(step));
        if (!result.failed()) {
            out.println("clean: replayed " + result.steps() + " steps, no violation");
            return VmapstressCommand.EXIT_CLEAN;
        }
        out.println((result.verdict() == Verdict.VIOLATION ? "FAILED (" : "INCOMPLETE (") + result.failureId() + ") at step "
                + result.violationStep() + ": " + result.failureMessage());
        return result.verdict().exitCode();
    }

    private String tokenText() {
        if (tokenOrFile.startsWith(Token.VERSION + ":")) {
            return tokenOrFile;
        }
        Path file = Path.of(tokenOrFile);
        if (!Files.isRegularFile(file)) {
            throw new BadInput("'" + tokenOrFile + "' is neither a replay token nor a readable file");
        }
        try {
            return CorpusLine.read(file).stream().map(CorpusLine::token).findFirst()
                    .orElseThrow(() -> new BadInput(file + " holds no replay token line"));
        } catch (IOException e) {
            throw new BadInput("cannot read " + file + ": " + e.getMessage());
        }
    }
}
