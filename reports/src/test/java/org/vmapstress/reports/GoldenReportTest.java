package org.vmapstress.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmapstress.reports.html.ReportSite;

/**
 * Fixed-seed run records render to stable pages: the structure of index, failure and jcstress
 * pages (see {@link Structure}) equals the checked-in golden text. After a deliberate change
 * to the pages, regenerate with {@code ./mvnw -pl reports test -Dgolden.update=true} and
 * review the diff.
 */
class GoldenReportTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Test
    void theSiteOfASeedBugRunACleanRunAndJcstressMatchesItsGoldenStructure(@TempDir Path tmp) throws IOException {
        Path site = tmp.resolve("site");
        ReportSite.write(Fixtures.inputs(Fixtures.records("seed-bug"), Fixtures.records("clean-pct3"),
                Fixtures.jcstressFolder(tmp)), site);
        for (String page : new String[] {"index.html", "failure-1.html", "failure-2.html", "jcstress.html"}) {
            String actual = Structure.of(Jsoup.parse(site.resolve(page).toFile(), "UTF-8"));
            Path golden = GOLDEN.resolve(page.replace(".html", ".txt"));
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(GOLDEN);
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
            }
            assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual, page + " differs from " + golden);
        }
    }
}
