package org.vmapstress.harness.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.vmapstress.reports.record.Published;

/**
 * Runs another program (jcstress, Lincheck) for the suite and the zoo with a time limit, so
 * that nothing outlives vmapstress and no step can hang it:
 * <ul>
 * <li>each child is the leader of a process group of its own ({@code setsid}), and everything
 * it starts (jcstress's forked JVMs) stays in that group, so the group is ended as a whole;
 * <li>when the limit passes, the group gets SIGTERM, then SIGKILL {@value #TERM_GRACE_SECONDS} s later;
 * <li>every live group is ended when this JVM exits, normally or by SIGINT or SIGTERM (a shutdown hook);
 * <li>when this JVM dies without running its hooks (kill -9), the child's watcher, a small shell
 * loop that starts the program and checks every second that its parent is still alive,
 * ends the group by itself.
 * </ul>
 * Output goes to a log file.
 */
final class Subprocess {
    private static final int TERM_GRACE_SECONDS = 3;
    /**
     * The watcher: {@code bash -c WATCHER vmapstress-child PARENT_PID PROGRAM ARGS...}. It runs the program,
     * and ends its own process group when the parent is gone; otherwise it exits with the
     * program's exit code.
     */
    private static final String WATCHER = """
            parent=$1; shift
            "$@" &
            child=$!
            while kill -0 "$child" 2>/dev/null; do
              if ! kill -0 "$parent" 2>/dev/null; then
                trap '' TERM
                kill -TERM -- -$$ 2>/dev/null; sleep %d; kill -KILL -- -$$ 2>/dev/null
              fi
              sleep 1
            done
            wait "$child"
            """.formatted(TERM_GRACE_SECONDS);
    /** Process groups (by leader pid) still running. */
    private static final Set<Long> LIVE_GROUPS = ConcurrentHashMap.newKeySet();
    /** Set when vmapstress is stopping: no new child is started. */
    private static volatile boolean stopping;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(Subprocess::endAll, "vmapstress-end-children"));
        } catch (IllegalStateException e) {
            // first used while the JVM shuts down: no child was started, so none is left to end
        }
    }

    private Subprocess() {
    }

    /** How a program ended: its exit code (-1 when killed) and whether the time limit killed it. */
    record Ending(int exitCode, boolean timedOut, double seconds) {
    }

    static Ending run(List<String> command, Path workingDir, Path log, Duration limit) throws IOException, InterruptedException {
        if (stopping) {
            return new Ending(-1, true, 0);
        }
        Published.createFolders(log.getParent());
        List<String> watched = new ArrayList<>(List.of("setsid", "bash", "-c", WATCHER, "vmapstress-child",
                Long.toString(ProcessHandle.current().pid())));
        watched.addAll(command);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(watched).directory(workingDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        LIVE_GROUPS.add(process.pid());
        try {
            if (process.waitFor(Math.max(0, limit.toMillis()), TimeUnit.MILLISECONDS)) {
                return new Ending(process.exitValue(), false, (System.nanoTime() - start) / 1e9);
            }
            endGroup(process.pid());
            return new Ending(-1, true, (System.nanoTime() - start) / 1e9);
        } finally {
            endGroup(process.pid());
            Published.readableByAll(log);
        }
    }

    /** Ends every child process group still running, and starts no more (a stopping command calls it first). */
    static void endAll() {
        stopping = true;
        LIVE_GROUPS.forEach(Subprocess::endGroup);
    }

    /** SIGTERM to the group, SIGKILL to what is left of it a few seconds later; forgets it. */
    private static void endGroup(long leader) {
        if (!LIVE_GROUPS.remove(leader)) {
            return;
        }
        signal("TERM", leader);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TERM_GRACE_SECONDS);
        while (System.nanoTime() < deadline && groupAlive(leader)) {
            sleep(100);
        }
        if (groupAlive(leader)) {
            signal("KILL", leader);
        }
    }

    private static boolean groupAlive(long leader) {
        return signal("0", leader);
    }

    /** {@code kill -SIGNAL -- -GROUP}; true when some process of the group received it. */
    private static boolean signal(String signal, long group) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + group).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The java launcher of the running JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
