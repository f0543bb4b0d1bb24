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
 * merges several folders of them (shards) into one site, with its junit.xml. The exit code is
 * the report's verdict: 0 clean, 1 violation (for zoo records: a bug missed or a false alarm),
 * 3 incomplete (some run could not judge, or a suite was stopped before its end), 2 when a
 * folder or record is unusable.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = {
        "Build (or merge shards into) the HTML report and junit.xml from run records; exit with their verdict.", "",
        VmapstressCommand.VERDICTS})
final class ReportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--in", paramLabel = "DIR", required = true, arity = "1..*",
            description = "Folders holding run records (searched recursively; repeatable; required, no default).")
    private List<Path> in;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/vmapstress-report",
            description = "Folder for the site (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public Integer call() throws IOException {
        ReportSite.Result result = ReportSite.write(in, out);
        PrintWriter printer = spec.commandLine().getOut();
        printer.println("report: " + result.grading().headline() + " -> " + result.index().toAbsolutePath().normalize());
        return result.grading().verdict().exitCode();
    }
}
