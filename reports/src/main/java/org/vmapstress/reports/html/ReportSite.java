package org.vmapstress.reports.html;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.vmapstress.reports.Grading;
import org.vmapstress.reports.JunitXml;
import org.vmapstress.reports.record.BadRecord;
import org.vmapstress.reports.record.Published;
import org.vmapstress.reports.record.RunRecords;

/**
 * Renders run records as a static site: {@code index.html}, one {@code failure-N.html} per
 * failure, {@code jcstress.html} when jcstress ran, a copy of jcstress's own report, and
 * {@code junit.xml} ({@link JunitXml}) for CI. Pages
 * are rendered by precompiled JTE templates (HTML-escaped by default); nothing is loaded from
 * the network, so the site works from {@code file://}. Pages are written whole (temporary
 * file, then move); nothing already in the output folder is deleted.
 */
public final class ReportSite {
    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);

    private ReportSite() {
    }

    /** Reads every record under {@code inputs}, grades them together and writes the site into {@code out}. */
    public static Result write(List<Path> inputs, Path out) throws IOException {
        RunRecords.requireUsable(out);
        List<RunRecords.Located> records = RunRecords.readAll(inputs);
        if (records.isEmpty()) {
            throw new BadRecord("no run record under " + inputs + " (expected run.json, jcstress.json or lincheck.json files)");
        }
        return writeRecords(records, out);
    }

    /** Grades the given records together and writes the site into {@code out}. */
    public static Result writeRecords(List<RunRecords.Located> records, Path out) throws IOException {
        RunRecords.requireUsable(out);
        Grading grading = Grading.of(records);
        IndexPage index = IndexPage.of(grading, copyJcstressReports(records, out));
        page(out, "index.html", "index.jte", index);
        if (!index.jcstress().isEmpty()) {
            page(out, "jcstress.html", "jcstress.jte", index);
        }
        for (Grading.NumberedFailure failure : grading.failures()) {
            page(out, failure.page(), "failure.jte", FailurePage.of(failure));
        }
        JunitXml.write(grading, out);
        return new Result(out.resolve("index.html"), grading);
    }

    /** Renders one page to a string (for tests and for {@link #write}). */
    public static String render(String template, Object model) {
        StringOutput output = new StringOutput();
        TEMPLATES.render(template, model, output);
        return output.toString();
    }

    private static void page(Path out, String name, String template, Object model) throws IOException {
        String html = render(template, model);
        Published.writeAtomically(out, name, file -> Files.writeString(file, html, StandardCharsets.UTF_8));
    }

    /** The most files a copied jcstress report may hold (one for eight tests holds about a hundred). */
    static final int MAX_COPY_FILES = 10_000;
    /** The most bytes a copied jcstress report may hold. */
    static final long MAX_COPY_BYTES = 256L << 20;

    /** jcstress's own HTML beside a jcstress record ({@code html/index.html}) is copied in; returns the links. */
    private static List<String> copyJcstressReports(List<RunRecords.Located> records, Path out) throws IOException {
        List<String> links = new ArrayList<>();
        for (RunRecords.Located located : records) {
            Path html = located.file().resolveSibling("html");
            if (!located.record().jcstress().isEmpty() && Files.isRegularFile(html.resolve("index.html"))) {
                String name = "jcstress-html-" + (links.size() + 1);
                copyTree(html, out.resolve(name));
                links.add(name + "/index.html");
            }
        }
        return links;
    }

    /**
     * Copies jcstress's report folder: regular files and folders only. A symbolic link in it (or
     * the folder itself one) is refused, never followed out of it, and so is a folder over
     * {@value #MAX_COPY_FILES} files or {@value #MAX_COPY_BYTES} bytes: each a one-line
     * {@link BadRecord}, before anything is copied.
     */
    private static void copyTree(Path from, Path to) throws IOException {
        if (from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.limit(MAX_COPY_FILES + 1L).toList();
        }
        long bytes = 0;
        for (Path file : files) {
            if (Files.isSymbolicLink(file)) {
                throw new BadRecord(from + ": jcstress's report holds a symbolic link, " + file + "; not copied (it could lead out of it)");
            }
            bytes += Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.size(file) : 0;
        }
        if (files.size() > MAX_COPY_FILES || bytes > MAX_COPY_BYTES) {
            throw new BadRecord(from + ": jcstress's report is over " + MAX_COPY_FILES + " files or " + MAX_COPY_BYTES
                    + " bytes; not copied");
        }
        for (Path file : files) {
            Path target = to.resolve(from.relativize(file).toString());
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                Published.createFolders(target);
            } else {
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                Published.readableByAll(target);
            }
        }
    }

    /** Where the index was written, and the grading it shows. */
    public record Result(Path index, Grading grading) {
    }
}
