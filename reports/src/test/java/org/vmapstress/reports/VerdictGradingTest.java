package org.vmapstress.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmapstress.reports.html.ReportSite;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The four verdicts of checking records: a record that lists a step that could not judge is
 * incomplete, never clean; a violation wins over an incomplete step; the banner, the headline,
 * the "Incomplete" table and junit.xml all say the same; published files are readable by all.
 */
class VerdictGradingTest {
    private static final RunRecord.Unfinished CUT_OFF = new RunRecord.Unfinished("jcstress", "stopped after 60s, at the end"
            + " of its share of the budget", "give the suite a larger --budget");

    private static Grading grade(RunRecord... records) {
        return Grading.of(java.util.Arrays.stream(records).map(r -> new RunRecords.Located(Path.of("run.json"), r)).toList());
    }

    @Test
    void aRecordWithAStepThatCouldNotJudgeIsIncompleteNeverClean() {
        RunRecord cut = Fixtures.cleanPct().withIncomplete(List.of(CUT_OFF));
        assertEquals("incomplete", cut.verdict());
        Grading grading = grade(Fixtures.cleanPct(), cut);
        assertEquals(Verdict.INCOMPLETE, grading.verdict());
        assertEquals(3, grading.verdict().exitCode());
        assertEquals("incomplete: no failure; 1 step could not judge (2 run records)", grading.headline());
    }

    @Test
    void aViolationWinsOverAStepThatCouldNotJudge() {
        Grading grading = grade(Fixtures.cleanPct().withIncomplete(List.of(CUT_OFF)), Fixtures.seedBug());
        assertEquals(Verdict.VIOLATION, grading.verdict());
        assertEquals(1, grading.verdict().exitCode());
        RunRecord both = Fixtures.seedBug().withIncomplete(List.of(CUT_OFF));
        assertEquals("violation", both.verdict());
    }

    @Test
    void theVerdictIsDerivedNotTrustedWhenARecordIsRead(@TempDir Path tmp) throws IOException {
        Path dir = Fixtures.write(tmp.resolve("cut"), Fixtures.cleanPct().withIncomplete(List.of(CUT_OFF)));
        Path file = dir.resolve("run.json");
        Files.writeString(file, Files.readString(file).replace("\"verdict\" : \"incomplete\"", "\"verdict\" : \"clean\""));
        assertEquals("incomplete", RunRecords.read(file).verdict());
    }

    @Test
    void theReportShowsTheIncompleteStepsAmberAndJunitXmlSaysTheSame(@TempDir Path tmp) throws Exception {
        Path cut = Fixtures.write(tmp.resolve("cut"), Fixtures.cleanPct().withIncomplete(List.of(CUT_OFF)));
        Path bug = Fixtures.write(tmp.resolve("bug"), Fixtures.seedBug());
        Path clean = Fixtures.write(tmp.resolve("clean"), Fixtures.cleanPct());
        Path site = tmp.resolve("site");
        ReportSite.Result result = ReportSite.write(List.of(cut, clean), site);
        org.jsoup.nodes.Document index = Jsoup.parse(result.index().toFile());
        assertTrue(index.getElementById("verdict").hasClass("incomplete"), index.getElementById("verdict").outerHtml());
        assertTrue(index.getElementById("incomplete").text().contains("give the suite a larger --budget"));

        Document junit = readJunit(site.resolve("junit.xml"));
        Element suite = junit.getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        assertEquals("2", suite.getAttribute("tests"));
        assertEquals("0", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals(1, junit.getElementsByTagName("error").getLength());
        assertTrue(junit.getElementsByTagName("error").item(0).getTextContent().contains("give the suite a larger --budget"));

        ReportSite.write(List.of(cut, bug, clean), site);
        junit = readJunit(site.resolve("junit.xml"));
        NodeList failures = junit.getElementsByTagName("failure");
        assertEquals(1, failures.getLength());
        assertEquals("1", junit.getDocumentElement().getAttribute("failures"));
        assertTrue(failures.item(0).getTextContent().contains("REPLAY: ./vmapstress replay 'vms1:"), failures.item(0).getTextContent());
        NodeList cases = junit.getElementsByTagName("testcase");
        assertEquals(3, cases.getLength());
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            assertTrue(c.getAttribute("classname").startsWith("vmapstress.") && !c.getAttribute("name").isEmpty());
            Double.parseDouble(c.getAttribute("time"));
        }
    }

    @Test
    void anExhaustiveRunSaysCompleteOrCappedInTheRecordTheReportAndJunitXml(@TempDir Path tmp) throws Exception {
        RunRecord complete = Fixtures.cleanPct().withExhaustive(new RunRecord.Exhaustive(2, 2, 2746, true, false, 0, 0));
        RunRecord.Exhaustive stopped = new RunRecord.Exhaustive(2, 1, 50, false, false, 0, 2696);
        RunRecord capped = Fixtures.cleanPct().withExhaustive(stopped)
                .withIncomplete(List.of(new RunRecord.Unfinished("controlled-dfs", stopped.summary(), "give it a larger --budget")));
        assertEquals("complete: 2746 schedules, bound 2, 0 violations", complete.exhaustive().summary());
        assertEquals("capped: 50 schedules, bound 1 complete, bound 2 partly done, at least 2696 left", stopped.summary());
        assertEquals("clean", complete.verdict());
        assertEquals("incomplete", capped.verdict());

        Path completeDir = Fixtures.write(tmp.resolve("complete"), complete);
        Path cappedDir = Fixtures.write(tmp.resolve("capped"), capped);
        assertEquals(complete.exhaustive(), RunRecords.read(completeDir.resolve("run.json")).exhaustive());
        Path site = tmp.resolve("site");
        ReportSite.Result result = ReportSite.write(List.of(completeDir, cappedDir), site);
        String coverage = Jsoup.parse(result.index().toFile()).getElementById("coverage").text();
        assertTrue(coverage.contains("complete: 2746 schedules, bound 2, 0 violations"), coverage);
        assertTrue(coverage.contains("capped: 50 schedules"), coverage);

        NodeList outs = readJunit(site.resolve("junit.xml")).getElementsByTagName("system-out");
        assertEquals(2, outs.getLength());
        assertEquals("complete: 2746 schedules, bound 2, 0 violations", outs.item(0).getTextContent());
        assertTrue(outs.item(1).getTextContent().startsWith("capped: 50 schedules"));
    }

    @Test
    void publishedFilesAreReadableByAll(@TempDir Path tmp) throws IOException {
        Path site = tmp.resolve("new").resolve("site");
        ReportSite.write(List.of(Fixtures.write(tmp.resolve("clean"), Fixtures.cleanPct())), site);
        for (String name : new String[] {"index.html", "junit.xml"}) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(site.resolve(name))), name);
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("clean/run.json"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(site)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(site.getParent())));
    }

    private static Document readJunit(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }
}
