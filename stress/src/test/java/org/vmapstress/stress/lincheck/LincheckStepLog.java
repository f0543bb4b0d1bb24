package org.vmapstress.stress.lincheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.vmapstress.harness.exec.FlightRecorder;
import org.vmapstress.harness.sched.ControlledScheduler;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.ModelLock;
import org.vmapstress.model.RaisedViolation;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.SchedulePoint;

/**
 * The model's schedule points as one Lincheck invocation reaches them: Lincheck's interleaving
 * mapped onto the model's steps. Each invocation has its own test instance and so its own log;
 * a thread is a worker from the first point it reaches (T0 is the thread that ran the first
 * operation), each event carries the operation its thread is in, as Lincheck prints it
 * ({@code map(0, 2, 0)}), and the model locks it holds. The log of the last invocation that
 * failed is kept for the run record ({@link #takeLastFailing}): under model checking that is
 * Lincheck's replay of the failing interleaving, whose threads ran one at a time, so the order
 * is the one Lincheck printed; under stress the threads ran in parallel and the order is the
 * order of the appends.
 *
 * <p>Left out of Lincheck's analysis ({@link AllocatorLincheckTest#modelChecking}): the log adds
 * no switch point, and the interleavings explored are those of the model alone.
 */
final class LincheckStepLog implements ScheduleHook {
    private static final AtomicReference<Failing> LAST_FAILING = new AtomicReference<>();

    /** What a thread is doing: its worker number, its operation and CPU, the locks it holds. */
    private static final class Worker {
        final int number;
        volatile String operation;
        volatile int cpu;
        final List<String> held = new ArrayList<>();

        Worker(int number) {
            this.number = number;
        }
    }

    private final List<Step> steps = new ArrayList<>();
    private final Map<Thread, Worker> workers = new ConcurrentHashMap<>();
    private final AtomicInteger numbered = new AtomicInteger();
    /** The invocation's first violation (raised earliest) so far, the worker that raised it (or -1), and the steps logged then. */
    private RaisedViolation earliest;
    private int raisedBy = -1;
    private int loggedWhenRaised;

    /**
     * The calling thread begins {@code operation} on {@code cpu}, logged as an operation's start
     * (as a flight recording marks it); points reached outside an operation (set-up) are not logged.
     */
    void begin(String operation, int cpu) {
        Worker worker = workers.computeIfAbsent(Thread.currentThread(), t -> new Worker(numbered.getAndIncrement()));
        worker.operation = operation;
        worker.cpu = cpu;
        log(FlightRecorder.OPERATION_START, 0);
    }

    /**
     * The steps of a failing invocation, the worker that raised its first violation ({@code -1}
     * when a check after the operations found it) and how many steps were logged then (a Lincheck
     * operation reports a violation as its result and runs on): the violation was raised at that
     * worker's last event among them by a flight recording's rule ({@link RecordedStory#violating}).
     */
    record Failing(List<Step> steps, int raisedBy, int loggedWhenRaised) {
    }

    /** The calling thread raised {@code violation}; kept when it is the invocation's first (raised earliest). */
    synchronized void raised(RaisedViolation violation) {
        if (earliest != null && RaisedViolation.first(earliest, violation) != violation) {
            return;
        }
        earliest = violation;
        Worker worker = workers.get(Thread.currentThread());
        raisedBy = worker == null ? -1 : worker.number;
        loggedWhenRaised = steps.size();
    }

    /** The invocation failed: its log is the one a run record maps Lincheck's interleaving with. */
    void failed() {
        synchronized (this) {
            LAST_FAILING.set(new Failing(List.copyOf(steps), raisedBy, raisedBy < 0 ? steps.size() : loggedWhenRaised));
        }
    }

    /** The log of the last invocation that failed since the last call, or null. */
    static Failing takeLastFailing() {
        return LAST_FAILING.getAndSet(null);
    }

    @Override
    public void point(SchedulePoint point, long subject) {
        log(point.label(), subject);
    }

    @Override
    public void beforeLock(ModelLock lock) {
        log(ControlledScheduler.ACQUIRE + lock.name(), 0);
        Worker worker = workers.get(Thread.currentThread());
        if (worker != null) {
            worker.held.add(lock.name());
        }
    }

    @Override
    public void afterUnlock(ModelLock lock) {
        released(lock);
        log(ControlledScheduler.RELEASE + lock.name(), 0);
    }

    @Override
    public void releasedWhileDying(ModelLock lock) {
        released(lock);
        log(ControlledScheduler.RELEASE + lock.name(), 0);
    }

    private void released(ModelLock lock) {
        Worker worker = workers.get(Thread.currentThread());
        if (worker != null) {
            worker.held.remove(lock.name());
        }
    }

    private void log(String point, long subject) {
        Worker worker = workers.get(Thread.currentThread());
        if (worker == null) {
            return;
        }
        synchronized (this) {
            steps.add(new Step(steps.size(), worker.number, worker.cpu, worker.operation, point, subject, String.join(",", worker.held)));
        }
    }
}
