package org.vmapstress.harness.cli;

import java.io.PrintWriter;
import org.vmapstress.harness.BadInput;
import org.vmapstress.reports.record.BadRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./vmapstress}: the command line. Exit codes: 0 clean, 1 a violation was found,
 * 2 bad input (one line on stderr: what and where), 3 an internal error or a blown budget.
 */
@Command(name = "vmapstress",
        mixinStandardHelpOptions = true,
        versionProvider = VmapstressCommand.Version.class,
        description = "Stress harness for a model of the Linux vmap block allocator.",
        subcommands = {SuiteCommand.class, RunCommand.class, ReportCommand.class, ZooCommand.class, ReplayCommand.class, ShrinkCommand.class, BugsCommand.class})
public final class VmapstressCommand implements Runnable {
    public static final int EXIT_CLEAN = 0;
    public static final int EXIT_VIOLATION = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_INTERNAL = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'vmapstress --help'");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new VmapstressCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, arguments) -> {
            err.println("vmapstress: " + ex.getMessage());
            return EXIT_BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof BadInput || ex instanceof BadRecord) {
                err.println("vmapstress: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("vmapstress: internal error: " + ex);
            return EXIT_INTERNAL;
        });
        return cli.execute(args);
    }

    /** The version from the jar's manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = VmapstressCommand.class.getPackage().getImplementationVersion();
            return new String[] {"vmapstress " + (version == null ? "dev" : version)};
        }
    }
}
