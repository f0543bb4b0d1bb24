package org.vmapstress.harness.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs another program (jcstress, Lincheck) for the suite with a time limit: its output goes
 * to a log file, and when the limit passes the whole process tree is killed, so nothing
 * outlives the suite and no step can hang it.
 */
final class Subprocess {
    private Subprocess() {
    }

    /** How a program ended: its exit code (-1 when killed) and whether the time limit killed it. */
    record Ending(int exitCode, boolean timedOut, double seconds) {
    }

    static Ending run(List<String> command, Path workingDir, Path log, Duration limit) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Ending(process.exitValue(), false, (System.nanoTime() - start) / 1e9);
            }
            kill(process);
            return new Ending(-1, true, (System.nanoTime() - start) / 1e9);
        } finally {
            if (process.isAlive()) {
                kill(process);
            }
        }
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The java launcher of the running JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
