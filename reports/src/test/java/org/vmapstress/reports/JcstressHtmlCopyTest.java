package org.vmapstress.reports;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmapstress.reports.html.ReportSite;
import org.vmapstress.reports.record.BadRecord;

/** jcstress's own report is copied into the site as it is, and never followed out of its folder. */
class JcstressHtmlCopyTest {
    @Test
    void jcstressOwnReportIsCopied(@TempDir Path tmp) throws IOException {
        Path dir = Fixtures.jcstressFolder(tmp);
        Files.createDirectories(dir.resolve("html/results"));
        Files.writeString(dir.resolve("html/index.html"), "<html>jcstress</html>");
        Files.writeString(dir.resolve("html/results/t.html"), "<html>one test</html>");
        ReportSite.write(List.of(dir), tmp.resolve("site"));
        assertTrue(Files.isRegularFile(tmp.resolve("site/jcstress-html-1/results/t.html")));
    }

    @Test
    void aSymbolicLinkInItIsRefusedNotFollowed(@TempDir Path tmp) throws IOException {
        Path dir = Fixtures.jcstressFolder(tmp);
        Files.createDirectories(dir.resolve("html"));
        Files.writeString(dir.resolve("html/index.html"), "<html>jcstress</html>");
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "outside the report");
        Files.createSymbolicLink(dir.resolve("html/leak.txt"), secret);
        BadRecord refused = assertThrows(BadRecord.class, () -> ReportSite.write(List.of(dir), tmp.resolve("site")));
        assertTrue(refused.getMessage().contains("symbolic link"), refused.getMessage());
        assertFalse(Files.exists(tmp.resolve("site/jcstress-html-1/leak.txt")), "nothing from outside was copied");
    }
}
