package org.vmapstress.harness.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A JVM for {@link SubprocessTest} to kill: runs {@code SCRIPT} (a bash script that starts
 * processes and writes their pids) through {@link Subprocess}, with a limit far beyond the test.
 */
public final class OrphanProbe {
    private OrphanProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Subprocess.run(List.of("bash", "-c", args[1]), dir, dir.resolve("child.log"), Duration.ofMinutes(10));
    }
}
