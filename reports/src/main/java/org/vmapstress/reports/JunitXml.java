package org.vmapstress.reports;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.vmapstress.reports.record.Published;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/**
 * The graded records as JUnit XML ({@code junit.xml}), the form CI systems show as test
 * results: one {@code <testsuite name="vmapstress">}, one {@code <testcase>} per run record
 * (an engine step on one bug configuration and shard: its classname is the engine, its name
 * the bugs, mode and shard). The four verdicts map onto JUnit's: clean is a passed test case, a
 * violation a {@code <failure>} (each failure's invariant, message and replay line), a step
 * that could not judge an {@code <error>} (its reason and what to do). For detection records
 * (the zoo) a finding on a re-introduced bug is what was wanted: it passes, and a bug no engine
 * found is a failing test case of its own. An exhaustive run's coverage ("complete: ..." or
 * "capped: ...") is its test case's {@code <system-out>}.
 */
public final class JunitXml {
    private JunitXml() {
    }

    /** Writes {@code dir/junit.xml} for {@code grading}; returns its path. */
    public static Path write(Grading grading, Path dir) throws IOException {
        return Published.writeAtomically(dir, "junit.xml", file -> {
            try (OutputStream stream = Files.newOutputStream(file)) {
                XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(stream, "UTF-8");
                write(grading, xml);
                xml.close();
            } catch (XMLStreamException e) {
                throw new IOException("junit.xml: " + e.getMessage(), e);
            }
        });
    }

    private static void write(Grading grading, XMLStreamWriter xml) throws XMLStreamException {
        List<RunRecords.Located> records = grading.records();
        List<String> missed = grading.missedBugs();
        long failures = records.stream().filter(l -> failed(l.record())).count() + missed.size();
        long errors = records.stream().filter(l -> !failed(l.record()) && !l.record().incomplete().isEmpty()).count();
        double seconds = records.stream().mapToDouble(l -> l.record().counts().seconds()).sum();
        xml.writeStartDocument("UTF-8", "1.0");
        xml.writeCharacters("\n");
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", "vmapstress");
        xml.writeAttribute("tests", Integer.toString(records.size() + missed.size()));
        xml.writeAttribute("failures", Long.toString(failures));
        xml.writeAttribute("errors", Long.toString(errors));
        xml.writeAttribute("skipped", "0");
        xml.writeAttribute("time", seconds(seconds));
        xml.writeCharacters("\n");
        for (RunRecords.Located located : records) {
            testCase(located.record(), xml);
        }
        for (String bugs : missed) {
            missedBug(bugs, xml);
        }
        xml.writeEndElement();
        xml.writeCharacters("\n");
        xml.writeEndDocument();
    }

    /** A checking record with a failure, or a detection record that found something on the fixed model. */
    private static boolean failed(RunRecord record) {
        return !record.failures().isEmpty() && (!record.detection() || record.onFixedModel());
    }

    private static void testCase(RunRecord record, XMLStreamWriter xml) throws XMLStreamException {
        RunRecord.Configuration c = record.configuration();
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", "vmapstress." + record.engine());
        xml.writeAttribute("name", "bugs=" + c.bugs() + " " + c.sched() + " shard " + c.shard());
        xml.writeAttribute("time", seconds(record.counts().seconds()));
        if (failed(record)) {
            RunRecord.Failure first = record.failures().get(0);
            xml.writeStartElement("failure");
            xml.writeAttribute("type", first.invariant());
            xml.writeAttribute("message", first.message());
            xml.writeCharacters(record.failures().stream().map(f -> f.invariant() + ": " + f.message()
                    + (f.replay() == null ? "" : "\n" + f.replay())).collect(Collectors.joining("\n\n")));
            xml.writeEndElement();
        } else if (!record.incomplete().isEmpty()) {
            RunRecord.Unfinished first = record.incomplete().get(0);
            xml.writeStartElement("error");
            xml.writeAttribute("type", "incomplete");
            xml.writeAttribute("message", first.step() + ": " + first.reason());
            xml.writeCharacters(record.incomplete().stream().map(u -> u.step() + ": " + u.reason() + "\nwhat to do: " + u.remedy())
                    .collect(Collectors.joining("\n\n")));
            xml.writeEndElement();
        }
        if (record.exhaustive() != null) {
            xml.writeStartElement("system-out");
            xml.writeCharacters(record.exhaustive().summary());
            xml.writeEndElement();
        }
        xml.writeEndElement();
        xml.writeCharacters("\n");
    }

    /** A bug configuration the zoo's engines all finished without finding: a failure of the zoo. */
    private static void missedBug(String bugs, XMLStreamWriter xml) throws XMLStreamException {
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", "vmapstress.zoo");
        xml.writeAttribute("name", "bugs=" + bugs + " found by some engine");
        xml.writeAttribute("time", seconds(0));
        xml.writeStartElement("failure");
        xml.writeAttribute("type", "MISSED");
        xml.writeAttribute("message", "no engine found " + bugs);
        xml.writeCharacters("every engine ran its budget on " + bugs + " and none saw an invariant it breaks broken");
        xml.writeEndElement();
        xml.writeEndElement();
        xml.writeCharacters("\n");
    }

    private static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }
}
