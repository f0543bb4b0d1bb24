package org.vmapstress.model;

/**
 * The CPU a worker thread runs on: what {@code raw_smp_processor_id()} returns to it. The
 * model reads it at the kernel's read sites (each one a schedule point), so a worker can be
 * migrated between any two steps, as a preemptible kernel task can, with
 * {@link #migrateTo}. One context per worker; it is written by the scheduler or by the
 * worker, read by the worker.
 */
public final class CpuContext {
    @Guarded(Guard.OWNER)
    private volatile int cpu;

    public CpuContext(int cpu) {
        this.cpu = cpu;
    }

    public int cpu() {
        return cpu;
    }

    public void migrateTo(int newCpu) {
        this.cpu = newCpu;
    }

    @Override
    public String toString() {
        return "cpu" + cpu;
    }
}
