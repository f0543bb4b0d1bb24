package org.vmapstress.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No orphans: a child step's whole process tree (the program and everything it started) ends
 * when its limit passes, and by itself when vmapstress dies by kill -9 (its watcher sees the
 * parent gone). The waits are upper bounds on what must happen, not timings.
 */
class SubprocessTest {
    /** Starts two sleeping grandchildren, writes their pids, and waits for them. */
    private static final String SPAWN = "sleep 300 & echo $! > pids.tmp; sleep 300 & echo $! >> pids.tmp; mv pids.tmp pids; wait";

    @Test
    void theLimitEndsTheWholeProcessGroup(@TempDir Path dir) throws Exception {
        Subprocess.Ending ending = Subprocess.run(List.of("bash", "-c", SPAWN), dir, dir.resolve("child.log"), Duration.ofSeconds(2));
        assertTrue(ending.timedOut(), ending.toString());
        assertAllEndWithin(pids(dir, Duration.ofSeconds(1)), Duration.ofSeconds(10));
    }

    @Test
    void aChildThatEndsByItselfGivesItsExitCode(@TempDir Path dir) throws Exception {
        Subprocess.Ending ending = Subprocess.run(List.of("bash", "-c", "exit 3"), dir, dir.resolve("child.log"), Duration.ofMinutes(1));
        assertEquals(new Subprocess.Ending(3, false, ending.seconds()), ending);
    }

    @Test
    void childrenEndByThemselvesWhenTheParentIsKilledWithSigkill(@TempDir Path dir) throws Exception {
        Process parent = new ProcessBuilder(Subprocess.java(), "-cp", System.getProperty("java.class.path"),
                OrphanProbe.class.getName(), dir.toString(), SPAWN).redirectErrorStream(true)
                .redirectOutput(dir.resolve("parent.log").toFile()).start();
        List<Long> pids = pids(dir, Duration.ofSeconds(60));
        parent.destroyForcibly().waitFor();
        assertAllEndWithin(pids, Duration.ofSeconds(10));
    }

    /** The pids SPAWN wrote, waiting up to {@code patience} for them. */
    private static List<Long> pids(Path dir, Duration patience) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        Path file = dir.resolve("pids");
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(file), "the child wrote no pids: " + Files.readString(dir.resolve("child.log")));
        return Files.readAllLines(file).stream().map(String::strip).map(Long::valueOf).toList();
    }

    private static void assertAllEndWithin(List<Long> pids, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (pids.stream().anyMatch(SubprocessTest::alive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(pids.stream().noneMatch(SubprocessTest::alive), "still running: " + pids);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
