package org.vmapstress.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fray where it cannot run: stress/fray-check says so in one line (exit 4) when no JDK 25 is
 * found, and the zoo and bench print that line and go on without Fray.
 */
class FrayPeerTest {
    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void frayCheckWithoutAJdk25SaysFrayIsUnavailableInOneLine(@TempDir Path tmp) throws Exception {
        ProcessBuilder check = new ProcessBuilder("bash", PROJECT.resolve("stress/fray-check").toString(), "prepare")
                .redirectErrorStream(true);
        Map<String, String> env = check.environment();
        env.put("JDK25_HOME", "");
        env.put("VMAPSTRESS_JVM_DIR", tmp.toString());
        Process process = check.start();
        String printed = new String(process.getInputStream().readAllBytes());

        assertEquals(4, process.waitFor(), printed);
        assertEquals("fray: unavailable (no JDK 25 (set JDK25_HOME, or install one under /usr/lib/jvm))", printed.strip());
    }

    @Test
    void prepareReportsTheUnavailableLineAndGivesNoPeer(@TempDir Path home) throws Exception {
        assertEquals("fray: unavailable (no JDK 25 here)", prepareWith(home, "echo 'fray: unavailable (no JDK 25 here)'; exit 4").strip());
    }

    @Test
    void aFailedPrepareWithoutItsLineStillSaysUnavailableAndWhereTheLogIs(@TempDir Path home) throws Exception {
        String printed = prepareWith(home, "echo 'something else went wrong'; exit 1");
        assertTrue(printed.startsWith("fray: unavailable (stress/fray-check prepare exited with code 1; see "), printed);
    }

    /** What FrayPeer.prepare prints with {@code script} as the project's stress/fray-check; it must give no peer. */
    private static String prepareWith(Path home, String script) throws Exception {
        Path check = Files.createDirectories(home.resolve("stress")).resolve("fray-check");
        Files.writeString(check, script + "\n");
        StringWriter out = new StringWriter();
        assertTrue(FrayPeer.prepare(home, home.resolve("logs"), new PrintWriter(out)).isEmpty());
        return out.toString();
    }
}
