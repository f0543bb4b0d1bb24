package org.vmapstress.harness.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vmapstress bugs}: the bug zoo, one line per bug: name, kernel commit, year, invariant, fix title. */
@Command(name = "bugs", mixinStandardHelpOptions = true,
        description = "List the historical kernel bugs the model can re-introduce with --bug NAME, then the canaries (exit 0).")
final class BugsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--verbose", description = "Also say what re-introducing each bug does to the model (default: off).")
    private boolean verbose;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.printf("%-20s %-22s %-5s %-23s %s%n", "NAME", "KERNEL COMMIT", "YEAR", "INVARIANTS", "FIX");
        Bug.zoo().forEach(bug -> print(out, bug));
        out.printf("%nCanaries (changes no kernel had, kept to prove that their kind of failure is found end to end):%n");
        Arrays.stream(Bug.values()).filter(Bug::isCanary).forEach(bug -> print(out, bug));
        return VmapstressCommand.EXIT_CLEAN;
    }

    /** One switch's line; a canary has no kernel commit ("-") and no year. */
    private void print(PrintWriter out, Bug bug) {
        String year = bug.isCanary() ? "-" : Integer.toString(bug.year());
        out.printf("%-20s %-22s %-5s %-23s %s%n", bug.cliName(), bug.commit(), year, String.join(",", BugSet.of(bug).breaks()), bug.title());
        if (verbose) {
            out.printf("%-20s %s%n", "", bug.effect());
        }
    }
}
