package org.vmapstress.harness.sched;

import org.vmapstress.reports.record.RunRecord;

/**
 * One step of a controlled execution: which worker ran, on which CPU, inside which operation,
 * at which schedule point, touching what, holding which model locks (comma-separated names,
 * "" for none). A trace is the list of steps, in the order they ran. The locks are not part of
 * a trace's fingerprint: they follow from the steps before.
 */
public record Step(int index, int thread, int cpu, String operation, String point, long subject, String locks) {
    /** This step as a run record writes it (the same fields). */
    public RunRecord.TraceStep toRecord() {
        return new RunRecord.TraceStep(index, thread, cpu, operation, point, subject, locks);
    }

    /** This step as step {@code newIndex} of a trace (a recorded step is numbered once the workers' events are merged). */
    public Step numbered(int newIndex) {
        return new Step(newIndex, thread, cpu, operation, point, subject, locks);
    }

    @Override
    public String toString() {
        return String.format("%5d  T%d cpu%d  %-22s %s %d%s", index, thread, cpu, operation, point, subject,
                locks.isEmpty() ? "" : "  [holds " + locks + "]");
    }
}
