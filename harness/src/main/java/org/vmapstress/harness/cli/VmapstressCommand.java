package org.vmapstress.harness.cli;

import java.io.PrintWriter;
import org.vmapstress.harness.BadInput;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.record.BadRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./vmapstress}: the command line. Every command answers with one of four verdicts
 * ({@link Verdict}; {@link #VERDICTS} says them in the help): 0 clean, 1 violation, 2 bad input
 * (one line on stderr: what and where, before any work), 3 incomplete (a step could not judge:
 * over its time, interrupted, crashed, stale; an internal error too).
 */
@Command(name = "vmapstress",
        mixinStandardHelpOptions = true,
        versionProvider = VmapstressCommand.Version.class,
        description = {"Stress harness for a model of the Linux vmap block allocator.", "", VmapstressCommand.VERDICTS},
        subcommands = {SuiteCommand.class, RunCommand.class, ReportCommand.class, ZooCommand.class, BenchCommand.class, ReplayCommand.class,
            ShrinkCommand.class, CorpusCommand.class, BugsCommand.class, PatchesCommand.class, CommandLine.HelpCommand.class})
public final class VmapstressCommand implements Runnable {
    public static final int EXIT_CLEAN = Verdict.CLEAN.exitCode();
    public static final int EXIT_VIOLATION = Verdict.VIOLATION.exitCode();
    public static final int EXIT_BAD_INPUT = Verdict.EXIT_BAD_INPUT;
    public static final int EXIT_INCOMPLETE = Verdict.INCOMPLETE.exitCode();
    /** The verdicts as the help states them. */
    static final String VERDICTS = "Exit codes (the verdict): 0 clean (every planned step finished and found nothing),"
            + " 1 violation (an invariant broke; it wins over the rest), 2 bad input (one line saying what, before any work),"
            + " 3 incomplete (some step could not judge: over its time, interrupted, crashed, a watchdog, stale corpus tokens;"
            + " each with its reason and what to do).";

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
            err.println("vmapstress: incomplete: internal error: " + ex);
            return EXIT_INCOMPLETE;
        });
        try {
            return cli.execute(args);
        } catch (Error e) {
            err.println("vmapstress: incomplete: internal error: " + e);
            return EXIT_INCOMPLETE;
        }
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
