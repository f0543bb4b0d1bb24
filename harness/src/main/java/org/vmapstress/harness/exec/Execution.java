package org.vmapstress.harness.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.vmapstress.harness.sched.ControlledScheduler;
import org.vmapstress.harness.sched.ExecutionAborted;
import org.vmapstress.harness.sched.ExecutionEnd;
import org.vmapstress.harness.sched.SchedulePolicy;
import org.vmapstress.harness.workload.Op;
import org.vmapstress.harness.workload.Workload;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.Mapping;
import org.vmapstress.model.ModelAssertion;
import org.vmapstress.model.ModelSnapshot;
import org.vmapstress.model.RaisedViolation;
import org.vmapstress.model.Violation;
import org.vmapstress.model.VmapAllocator;

/**
 * Runs one {@link ExecutionSpec} under the {@link ControlledScheduler}: a fresh model, one
 * thread per worker, operation checks after every operation; then, if nothing broke, the
 * quiescent checks, a tear-down of everything live, a synchronous purge and the bounded-blocks
 * check.
 */
public final class Execution {
    /** Steps per operation the PCT change points are spread over (measured: 15 to 40 on random workloads). */
    private static final int STEPS_PER_OP_ESTIMATE = 30;

    private final Duration watchdog;
    private final long stepLimit;

    public Execution(Duration watchdog, long stepLimit) {
        this.watchdog = watchdog;
        this.stepLimit = stepLimit;
    }

    /** These executions with the watchdog cut to {@code left} when that is shorter: none outlives the run that starts it. */
    public Execution cutTo(Duration left) {
        return left.compareTo(watchdog) < 0 ? new Execution(left.isNegative() ? Duration.ZERO : left, stepLimit) : this;
    }

    public ExecutionResult run(ExecutionSpec spec) throws InterruptedException {
        return run(spec, policyOf(spec));
    }

    /** The fresh policy that {@link #run(ExecutionSpec)} runs {@code spec} with. */
    public static SchedulePolicy policyOf(ExecutionSpec spec) {
        Workload workload = spec.workload();
        long expectedSteps = (long) STEPS_PER_OP_ESTIMATE * workload.threadCount() * Math.max(1, workload.opsOf(0));
        return spec.policy(expectedSteps);
    }

    /**
     * Runs {@code spec} with {@code policy} making its picks instead of the spec's own policy
     * (one that has no name a spec can carry, such as {@link org.vmapstress.harness.sched.RecordedOrder}).
     */
    public ExecutionResult run(ExecutionSpec spec, SchedulePolicy policy) throws InterruptedException {
        Workload workload = spec.workload();
        int threads = workload.threadCount();
        ControlledScheduler scheduler = new ControlledScheduler(policy, spec.migrations(), threads, stepLimit);
        VmapAllocator model = new VmapAllocator(spec.modelConfig(), spec.bugs(), scheduler);
        int[] possible = model.config().possibleCpus();
        List<CpuContext> cpus = new ArrayList<>();
        List<WorkerRun> runs = new ArrayList<>();
        List<Runnable> bodies = new ArrayList<>();
        AtomicReference<Found> found = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            CpuContext cpu = new CpuContext(possible[t % possible.length]);
            WorkerRun run = new WorkerRun(model, t, cpu);
            List<Op> ops = workload.threads().get(t);
            cpus.add(cpu);
            runs.add(run);
            bodies.add(() -> runOps(scheduler, model, run, ops, found));
        }
        ExecutionEnd end = scheduler.run(bodies, cpus, watchdog);
        Found violation = found.get();
        ModelSnapshot finished = violation == null ? model.snapshot() : null;
        if (violation == null && end.kind() == ExecutionEnd.Kind.COMPLETED) {
            try {
                violation = atTheEnd(model, runs).map(v -> new Found(v, scheduler.steps(), model.snapshot(), false)).orElse(null);
            } catch (RuntimeException e) {
                end = ExecutionEnd.crashedAtTheEnd(e);
            }
        }
        if (violation != null) {
            end = ExecutionEnd.violation(violation.violation().toString());
        }
        return new ExecutionResult(spec, end, violation == null ? null : violation.violation(),
                violation == null ? -1 : violation.step(), scheduler.trace(), scheduler.fingerprint(),
                scheduler.checkpoints(),
                violation == null ? finished : violation.snapshot(), violation != null && violation.raisedInside());
    }

    private static void runOps(ControlledScheduler scheduler, VmapAllocator model, WorkerRun run, List<Op> ops,
                               AtomicReference<Found> found) {
        for (Op op : ops) {
            scheduler.setOperation(op.label());
            Optional<Violation> violation = run.run(op).map(RaisedViolation::violation);
            if (violation.isPresent()) {
                found.compareAndSet(null, new Found(violation.get(), scheduler.steps(), scheduler.unrecorded(model::snapshot),
                        run.raisedInside()));
                scheduler.abort(ExecutionEnd.violation(violation.get().toString()));
                throw new ExecutionAborted();
            }
        }
    }

    /** Quiescent checks, then tear everything down and check that a sync purge leaves no block. */
    static Optional<Violation> atTheEnd(VmapAllocator model, List<WorkerRun> runs) {
        try {
            return checkAndTearDown(model, runs);
        } catch (ModelAssertion assertion) {
            return Optional.of(assertion.violation());
        }
    }

    private static Optional<Violation> checkAndTearDown(VmapAllocator model, List<WorkerRun> runs) {
        List<Mapping> live = new ArrayList<>();
        runs.forEach(r -> live.addAll(r.live()));
        Optional<Violation> found = model.invariants().quiescent().stream().findFirst()
                .or(() -> model.invariants().noOverlap(live));
        if (found.isPresent()) {
            return found;
        }
        runs.forEach(WorkerRun::tearDown);
        model.purgeVmapAreaLazy();
        return model.invariants().noBlocksLeft().or(() -> model.invariants().quiescent().stream().findFirst());
    }

    /** A violation, the step it was found at, the model then, and whether it was raised inside an operation (not by a check). */
    private record Found(Violation violation, int step, ModelSnapshot snapshot, boolean raisedInside) {
    }
}
