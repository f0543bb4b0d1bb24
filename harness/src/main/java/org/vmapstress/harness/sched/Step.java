package org.vmapstress.harness.sched;

/**
 * One step of a controlled execution: which worker ran, on which CPU, inside which operation,
 * at which schedule point, touching what. A trace is the list of steps, in the order they ran.
 */
public record Step(int index, int thread, int cpu, String operation, String point, long subject) {
    @Override
    public String toString() {
        return String.format("%5d  T%d cpu%d  %-22s %s %d", index, thread, cpu, operation, point, subject);
    }
}
