package org.vmapstress.harness.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.vmapstress.harness.BadInput;
import org.vmapstress.harness.Shrinker;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vmapstress shrink TOKEN}: a smaller execution that fails with the same invariant. */
@Command(name = "shrink", mixinStandardHelpOptions = true, description = {
        "Find a smaller execution (fewer threads, ops, preemptions) failing with the same invariant.", "",
        "Exit codes: 0 a smaller failing execution was found (its replay line is printed), 1 nothing smaller fails the same way,"
        + " 2 bad input (a malformed or stale token, or one whose execution does not fail)."})
final class ShrinkCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "TOKEN", description = "The replay token of a failing execution.")
    private String tokenText;

    @Option(names = "--budget", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to search (default: ${DEFAULT-VALUE}).")
    private Duration budget;

    @Override
    public Integer call() throws InterruptedException {
        Token token = Token.parse(tokenText);
        Execution execution = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);
        ExecutionResult original = execution.run(token.spec());
        String stale = token.staleness(original);
        if (stale != null) {
            throw new BadInput(stale);
        }
        if (!original.failed()) {
            throw new BadInput("the token's execution does not fail: nothing to shrink");
        }
        ExecutionResult smallest = new Shrinker(execution).shrink(original, budget);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("original: %d threads x %d ops, %d preemptions, %d steps (%s)%n", original.spec().threads(),
                original.spec().ops(), Shrinker.preemptions(original.trace()), original.steps(), original.failureId());
        out.printf("shrunk:   %d threads x %d ops, %d preemptions, %d steps (%s): %s%n", smallest.spec().threads(),
                smallest.spec().ops(), Shrinker.preemptions(smallest.trace()), smallest.steps(), smallest.failureId(),
                smallest == original ? "nothing smaller fails the same way" : String.format("%.0f%% of the steps",
                        100.0 * smallest.steps() / original.steps()));
        out.println(Token.of(smallest).replayLine());
        return smallest == original ? VmapstressCommand.EXIT_VIOLATION : VmapstressCommand.EXIT_CLEAN;
    }
}
