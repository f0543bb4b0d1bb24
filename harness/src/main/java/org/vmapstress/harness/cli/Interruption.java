package org.vmapstress.harness.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.vmapstress.reports.Verdict;

/**
 * What a command does when it is stopped before it finished: by SIGINT or SIGTERM (a shutdown
 * hook), or by its own watchdog when it overruns its time. Either way the child processes are
 * ended, the command's {@code onStop} runs with the reason (say so, keep what was found, write
 * the records and the report it has, marked incomplete), and the JVM halts with exit code 3
 * ({@link Verdict#INCOMPLETE}): an interrupted or overrunning run is never clean. {@link #close}
 * at the normal end disarms both.
 */
final class Interruption implements AutoCloseable {
    private final Thread hook;
    private final Thread watchdog;
    private final AtomicBoolean done = new AtomicBoolean();

    private Interruption(PrintWriter err, String command, Duration limit, Consumer<String> onStop) {
        this.hook = new Thread(() -> stop(err, command, "interrupted by a signal before its end", onStop),
                "vmapstress-interrupted");
        this.watchdog = limit == null ? null : new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            stop(err, command, "still running " + SuitePlan.seconds(limit) + " after its start: stopped by its watchdog", onStop);
        }, "vmapstress-watchdog");
    }

    /**
     * Arms the signal hook, and a watchdog that stops the command {@code limit} after now (null:
     * none). {@code onStop} must be quick (a few seconds at most).
     */
    static Interruption arm(PrintWriter err, String command, Duration limit, Consumer<String> onStop) {
        Interruption interruption = new Interruption(err, command, limit, onStop);
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        if (interruption.watchdog != null) {
            interruption.watchdog.setDaemon(true);
            interruption.watchdog.start();
        }
        return interruption;
    }

    private void stop(PrintWriter err, String command, String why, Consumer<String> onStop) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        Subprocess.endAll();
        err.println("vmapstress: " + command + " " + why + ": incomplete (exit 3)");
        try {
            onStop.accept(why);
        } catch (RuntimeException | Error e) {
            err.println("vmapstress: while stopping: " + e);
        }
        err.flush();
        Runtime.getRuntime().halt(Verdict.INCOMPLETE.exitCode());
    }

    @Override
    public void close() {
        done.set(true);
        if (watchdog != null) {
            watchdog.interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook finds the command done and does nothing
        }
    }
}
