package org.vmapstress.harness;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.vmapstress.harness.cli.VmapstressCommand;

/** Runs the command line in-process and captures what it prints. */
final class CliRunner {
    private CliRunner() {
    }

    /** Returns {stdout, stderr}; the exit code goes into {@code exit[0]}. */
    static String[] run(int[] exit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        exit[0] = VmapstressCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {out.toString(), err.toString()};
    }
}
