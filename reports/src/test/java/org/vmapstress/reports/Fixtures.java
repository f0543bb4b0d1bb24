package org.vmapstress.reports;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.vmapstress.reports.record.JcstressLog;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/**
 * Run records the report tests render: {@code records/seed-bug} (a real controlled run with
 * lazy-pte-clear, seed 0x5eed), {@code records/clean-pct3} (a clean PCT run), and a jcstress
 * record made from a captured jcstress log.
 */
final class Fixtures {
    private Fixtures() {
    }

    static Path records(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/records/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static RunRecord seedBug() {
        return RunRecords.read(records("seed-bug").resolve("run.json"));
    }

    static RunRecord cleanPct() {
        return RunRecords.read(records("clean-pct3").resolve("run.json"));
    }

    /** A folder holding the jcstress record of {@code one-bug-caught.log}. */
    static Path jcstressFolder(Path parent) throws IOException {
        Path dir = parent.resolve("jcstress");
        RunRecords.write(dir, "jcstress.json", JcstressLog.parse(JcstressLogTest.log("one-bug-caught.log"), "quick", 50));
        return dir;
    }

    static Path write(Path dir, RunRecord record) throws IOException {
        Files.createDirectories(dir);
        RunRecords.write(dir, record);
        return dir;
    }

    static List<Path> inputs(Path... dirs) {
        return List.of(dirs);
    }
}
