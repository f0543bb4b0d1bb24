package org.vmapstress.harness.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.vmapstress.model.Bug;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that lists model switches ({@code bugs}, {@code patches}), one line each, with {@code --verbose} adding what each does. */
abstract class SwitchListCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--verbose", description = "Also say what each switch changes in the model (default: off).")
    private boolean verbose;

    @Override
    public final Integer call() {
        list(spec.commandLine().getOut());
        return VmapstressCommand.EXIT_CLEAN;
    }

    /** Prints the listing. */
    abstract void list(PrintWriter out);

    /** A switch's line (its columns laid out by {@code format}), then, with --verbose, its effect. */
    final void print(PrintWriter out, Bug bug, String format, Object... columns) {
        out.printf(format + "%n", columns);
        if (verbose) {
            out.printf("%-20s %s%n", "", bug.effect());
        }
    }
}
