package org.vmapstress.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmapstress.reports.html.ReportSite;
import org.vmapstress.reports.record.RunRecord;

/** A run record with hostile text in every text field renders inert: the text shows as text, no markup gets in. */
class EscapingTest {
    private static final String HOSTILE = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";

    private static RunRecord hostileRecord() {
        RunRecord.Configuration configuration = new RunRecord.Configuration(HOSTILE, HOSTILE, 2, 3,
                new RunRecord.Shape(List.of(0, 1), 8192, 1024), HOSTILE, HOSTILE, HOSTILE, 10, 5);
        RunRecord.TraceStep step = new RunRecord.TraceStep(0, 0, 1, HOSTILE, HOSTILE, 7, HOSTILE);
        RunRecord.State state = new RunRecord.State(
                List.of(new RunRecord.Block(0, 1, 4, 1, 1, 1, 0, 2, "Ld.<", "PP<.")), List.of(new RunRecord.Area(0, 4, HOSTILE)),
                1, 2, 3, 4, List.of(new RunRecord.TlbEntry(1, 7, 9, -1)), Map.of(9, HOSTILE));
        RunRecord.Failure failure = new RunRecord.Failure(HOSTILE, HOSTILE, 0, 0, HOSTILE, HOSTILE, HOSTILE, 0,
                List.of(step), state, HOSTILE);
        RunRecord.JcstressTest test = new RunRecord.JcstressTest(HOSTILE, HOSTILE, HOSTILE, HOSTILE, true, HOSTILE,
                List.of(new RunRecord.Outcome(HOSTILE, 5, "FORBIDDEN", HOSTILE)));
        return RunRecord.of(HOSTILE, configuration, new RunRecord.Counts(1, 2, 3), List.of(failure), List.of(test));
    }

    @Test
    void hostileTextInEveryFieldIsShownAsTextAndRunsNothing(@TempDir Path tmp) throws IOException {
        Path in = Fixtures.write(tmp.resolve(HOSTILE.replaceAll("[^a-z]", "") + "-in"), hostileRecord());
        Path site = tmp.resolve("site");
        ReportSite.write(List.of(in), site);
        for (String page : List.of("index.html", "failure-1.html", "jcstress.html")) {
            String html = Files.readString(site.resolve(page));
            Document document = Jsoup.parse(html);
            assertFalse(html.contains(HOSTILE), page + " holds the hostile text unescaped");
            assertEquals(1, document.select("script").size(), page + ": only the page's own copy-button script");
            assertTrue(document.select("img").isEmpty(), page + ": an injected element");
            for (Element element : document.getAllElements()) {
                element.attributes().forEach(a -> assertFalse(a.getKey().startsWith("on"), page + ": event handler " + a));
            }
            assertTrue(document.text().contains(HOSTILE) || page.equals("jcstress.html") && document.text().contains("alert(1)"),
                    page + " does not show the text");
        }
        Document failure = Jsoup.parse(site.resolve("failure-1.html").toFile());
        assertEquals(HOSTILE, failure.getElementById("replay-line").text());
        assertEquals(HOSTILE, failure.getElementById("lincheck-interleaving").text());
    }
}
