package org.vmapstress.fray;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.pastalab.fray.core.observers.TimelineCoverageType;
import org.pastalab.fray.core.randomness.ControlledRandom;
import org.pastalab.fray.core.randomness.Randomness;
import org.pastalab.fray.core.randomness.RandomnessProvider;
import org.pastalab.fray.core.scheduler.PCTScheduler;
import org.pastalab.fray.core.scheduler.POSScheduler;
import org.pastalab.fray.core.scheduler.RandomScheduler;
import org.pastalab.fray.core.scheduler.Scheduler;
import org.pastalab.fray.junit.plain.FrayInTestLauncher;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.FreeRun;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.Violation;
import org.vmapstress.reports.record.RunRecord;

/**
 * One Fray search of a {@link FrayWorkload}: Fray runs the workload again and again under its
 * scheduler (POS, its default; PCT with 3 change points; or random), until the model reports a
 * violation or the time is spent. Fray's own randomness is seeded from the workload's seed, so
 * the scheduler's choices are the same run to run as far as Fray allows (the search is not
 * replayable the way a token is: Fray replays from its own recording folder).
 *
 * <p>What counts: a violation the model reports (thrown into Fray as an assertion, so Fray
 * stops); a deadlock Fray reports (LOCK-ORDER, as a deadlocked controlled execution is); an
 * execution that ended without a verdict (the watchdog, a crash) or anything else Fray throws
 * cannot be judged and ends the search as incomplete.
 */
final class FraySearch {
    static final List<String> SCHEDULERS = List.of("pos", "pct3", "random");

    private final FrayWorkload workload;
    private final String scheduler;
    private final int seconds;
    private final AtomicLong executions = new AtomicLong();
    private final AtomicReference<Violation> found = new AtomicReference<>();
    private final AtomicReference<String> unjudged = new AtomicReference<>();

    FraySearch(FrayWorkload workload, String scheduler, int seconds) {
        this.workload = workload;
        this.scheduler = scheduler;
        this.seconds = seconds;
    }

    RunRecord run() {
        Random random = new Random(workload.workloadSeed());
        RandomnessProvider provider = () -> new ControlledRandom(new ArrayList<>(), new ArrayList<>(), random);
        long start = System.nanoTime();
        try {
            FrayInTestLauncher.INSTANCE.launchFray(this::execution, scheduler(provider.getRandomness()), provider,
                    Integer.MAX_VALUE, seconds, false, TimelineCoverageType.NONE, configuration -> kotlin.Unit.INSTANCE);
        } catch (Throwable stopped) {
            if (found.get() == null && unjudged.get() == null) {
                classify(stopped);
            }
        }
        return record((System.nanoTime() - start) / 1e9);
    }

    private Scheduler scheduler(Randomness randomness) {
        return switch (scheduler) {
            case "pct3" -> new PCTScheduler(randomness, 3, 0);
            case "random" -> new RandomScheduler(randomness);
            default -> new POSScheduler(randomness);
        };
    }

    /** One execution, under Fray: a violation is thrown so that Fray stops and says so. */
    private void execution() {
        long index = executions.getAndIncrement();
        FreeRun.Outcome outcome;
        try {
            outcome = workload.run(index);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (outcome.violation() != null) {
            found.compareAndSet(null, outcome.violation());
            throw new AssertionError(outcome.violation().toString());
        }
        if (!outcome.completed()) {
            unjudged.compareAndSet(null, "execution " + index + ": " + outcome.end().kind() + ": " + outcome.end().detail());
            throw new IllegalStateException(unjudged.get());
        }
    }

    /** What Fray stopped with, when the model did not say: a deadlock it found, or something that cannot be judged. */
    private void classify(Throwable stopped) {
        String name = stopped.getClass().getSimpleName();
        if (name.contains("Deadlock")) {
            found.compareAndSet(null, new Violation(InvariantId.LOCK_ORDER, "Fray found a deadlock: " + stopped.getMessage()));
        } else {
            unjudged.compareAndSet(null, "Fray stopped with " + stopped);
        }
    }

    private RunRecord record(double elapsed) {
        ExecutionSpec first = workload.execution(0);
        RunRecord.Configuration configuration = new RunRecord.Configuration(workload.bugs().toString(), first.scenario(),
                first.threads(), first.ops(), new RunRecord.Shape(first.model().cpus(), first.model().vaPages(), first.model().frames()),
                "0x" + Long.toHexString(workload.workloadSeed()), "fray-" + scheduler, "1/1", 0, seconds);
        long ran = executions.get();
        RunRecord.Counts counts = new RunRecord.Counts(ran, 0, elapsed);
        Violation violation = found.get();
        List<RunRecord.Failure> failures = violation == null ? List.of()
                : List.of(new RunRecord.Failure(violation.invariant().id(), violation.message(), ran - 1, -1, null, null, null, 0,
                        null, null, null));
        RunRecord record = RunRecord.of("fray", configuration, counts, failures, null);
        if (violation == null && unjudged.get() != null) {
            return record.withIncomplete(List.of(new RunRecord.Unfinished("fray", unjudged.get(), "run it again, or read the log")));
        }
        if (violation == null && ran == 0) {
            return record.withIncomplete(List.of(new RunRecord.Unfinished("fray", "ran no execution in " + seconds + " s",
                    "give it more time")));
        }
        return record;
    }
}
