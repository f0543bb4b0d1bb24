package org.vmapstress.harness.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.vmapstress.reports.Verdict;

/**
 * What a command does when it is stopped before it finished: by SIGINT or SIGTERM (a shutdown
 * hook), or by its own watchdog when it overruns its time. Either way no new child process is
 * started, the running ones are ended, the command's {@code onStop} runs with the reason (say
 * so, keep what was found, write the records and the report it has, marked incomplete) and
 * returns the verdict of what it wrote, and the JVM halts with that verdict's exit code, at
 * least incomplete: an interrupted or overrunning run is never clean, and a violation already
 * found stays a violation (exit 1). A stop that takes longer than {@value #STOP_SECONDS} s is cut
 * short the same way. {@link #close} at the normal end disarms both; if a stop has begun, the
 * command's own thread waits there for the halt instead of finishing as if nothing happened.
 */
final class Interruption implements AutoCloseable {
    private static final long STOP_SECONDS = 5;

    private final Thread hook;
    private final Thread watchdog;
    private final AtomicBoolean claimed = new AtomicBoolean();

    private Interruption(PrintWriter err, String command, Duration limit, Function<String, Verdict> onStop) {
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
     * none). {@code onStop} should be quick: it is cut short after {@value #STOP_SECONDS} s.
     */
    static Interruption arm(PrintWriter err, String command, Duration limit, Function<String, Verdict> onStop) {
        Interruption interruption = new Interruption(err, command, limit, onStop);
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        if (interruption.watchdog != null) {
            interruption.watchdog.setDaemon(true);
            interruption.watchdog.start();
        }
        return interruption;
    }

    private void stop(PrintWriter err, String command, String why, Function<String, Verdict> onStop) {
        if (!claimed.compareAndSet(false, true)) {
            return;
        }
        Thread deadline = new Thread(() -> {
            try {
                Thread.sleep(STOP_SECONDS * 1000);
            } catch (InterruptedException e) {
                return;
            }
            err.println("vmapstress: " + command + ": stopping took over " + STOP_SECONDS + "s; incomplete (exit 3)");
            err.flush();
            Runtime.getRuntime().halt(Verdict.INCOMPLETE.exitCode());
        }, "vmapstress-stop-deadline");
        deadline.setDaemon(true);
        deadline.start();
        Subprocess.endAll();
        Verdict verdict = Verdict.INCOMPLETE;
        try {
            verdict = verdict.and(onStop.apply(why));
        } catch (RuntimeException | Error e) {
            err.println("vmapstress: while stopping: " + e);
        }
        err.println("vmapstress: " + command + " " + why + ": " + verdict.word() + " (exit " + verdict.exitCode() + ")");
        err.flush();
        Runtime.getRuntime().halt(verdict.exitCode());
    }

    @Override
    public void close() throws InterruptedException {
        if (!claimed.compareAndSet(false, true)) {
            Thread.currentThread().join();
        }
        if (watchdog != null) {
            watchdog.interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook finds the stop claimed and does nothing
        }
    }
}
