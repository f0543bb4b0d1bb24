package org.vmapstress.harness.cli;

import java.io.PrintWriter;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import picocli.CommandLine.Command;

/** {@code vmapstress bugs}: the bug zoo, one line per bug: name, kernel commit, year, invariant, fix title. */
@Command(name = "bugs", mixinStandardHelpOptions = true,
        description = "List the historical kernel bugs the model can re-introduce with --bug NAME, then the canaries (exit 0).")
final class BugsCommand extends SwitchListCommand {
    private static final String COLUMNS = "%-20s %-22s %-5s %-23s %s";

    @Override
    void list(PrintWriter out) {
        out.printf(COLUMNS + "%n", "NAME", "KERNEL COMMIT", "YEAR", "INVARIANTS", "FIX");
        Bug.zoo().forEach(bug -> print(out, bug));
        out.printf("%nCanaries (changes no kernel had, kept to prove that their kind of failure is found end to end):%n");
        Bug.ofKind(Bug.Kind.CANARY).forEach(bug -> print(out, bug));
    }

    /** One switch's line; a canary has no kernel commit ("-") and no year. */
    private void print(PrintWriter out, Bug bug) {
        String year = bug.isCanary() ? "-" : Integer.toString(bug.year());
        print(out, bug, COLUMNS, bug.cliName(), bug.commit(), year, String.join(",", BugSet.of(bug).breaks()), bug.title());
    }
}
