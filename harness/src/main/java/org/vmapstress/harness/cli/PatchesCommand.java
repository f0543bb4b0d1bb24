package org.vmapstress.harness.cli;

import java.io.PrintWriter;
import org.vmapstress.model.Bug;
import picocli.CommandLine.Command;

/** {@code vmapstress patches}: the proposed kernel fixes, one line each, then the check {@code --strict} adds. */
@Command(name = "patches", mixinStandardHelpOptions = true,
        description = "List the proposed kernel fixes the model can apply with --patch NAME, then the check --strict adds (exit 0).")
final class PatchesCommand extends SwitchListCommand {
    private static final String COLUMNS = "%-20s %s";

    @Override
    void list(PrintWriter out) {
        out.printf(COLUMNS + "%n", "NAME", "PROPOSED FIX (docs/findings/vm-unmap-aliases-window.md)");
        Bug.ofKind(Bug.Kind.PATCH).forEach(patch -> print(out, patch, COLUMNS, patch.cliName(), patch.title()));
        out.printf("%n--strict adds (a stricter judge; the model is unchanged):%n");
        Bug.ofKind(Bug.Kind.CHECK).forEach(check -> print(out, check, COLUMNS, check.cliName(), check.title()));
    }
}
