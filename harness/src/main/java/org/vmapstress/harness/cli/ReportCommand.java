package org.vmapstress.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.vmapstress.reports.html.ReportSite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmapstress report --in DIR... --out DIR}: builds the HTML report from run records, or
 * merges several folders of them (shards) into one site. Exit 0 when the report's verdict is
 * clean (no failure; for zoo records, every bug found and the fixed model clean), 1 when it
 * is not, 2 when a folder or record is unusable.
 */
@Command(name = "report", description = "Build (or merge shards into) the HTML report from run records.")
final class ReportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--in", paramLabel = "DIR", required = true, arity = "1..*",
            description = "Folders holding run records (searched recursively; repeatable).")
    private List<Path> in;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/vmapstress-report",
            description = "Folder for the site (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public Integer call() throws IOException {
        ReportSite.Result result = ReportSite.write(in, out);
        PrintWriter printer = spec.commandLine().getOut();
        printer.println("report: " + result.grading().headline() + " -> " + result.index().toAbsolutePath().normalize());
        return result.grading().verdict().equals("clean") ? VmapstressCommand.EXIT_CLEAN : VmapstressCommand.EXIT_VIOLATION;
    }
}
