package org.vmapstress.harness.sched;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The threads the controlled scheduler runs its workers on. Only one worker runs at a time, so
 * on Java 21 and later they are virtual threads on one carrier: handing the turn over is then
 * a continuation switch inside one OS thread instead of an OS context switch (measured with
 * {@code stress/handoff-bench}: 2.6x the schedule points/s under random and 3.9x under PCT on an
 * idle machine, 16x beside two busy loops, docs/bench.md). On
 * Java 17, or with {@code -Dvmapstress.handoff=platform}, they are platform daemon threads.
 * The schedule is the policy's either way: the same token gives the same trace on both.
 *
 * <p>A worker that never comes back (a livelock in the model that the watchdog ended) would
 * hold the one carrier for good; after a watchdog abort the scheduler calls {@link #carrierMayBeHeld}
 * and every later worker of this JVM is a platform thread.
 */
public final class WorkerThreads {
    /** The system property that chooses platform threads even where virtual ones are available. */
    static final String HANDOFF = "vmapstress.handoff";
    private static final MethodHandle UNSTARTED_VIRTUAL = unstartedVirtual();
    private static volatile boolean platformOnly = UNSTARTED_VIRTUAL == null;

    private WorkerThreads() {
    }

    /** "virtual" or "platform": what {@link #unstarted} gives now. */
    public static String kind() {
        return platformOnly ? "platform" : "virtual";
    }

    /** A worker thread, not started: virtual where available (see the class comment), else a platform daemon. */
    static Thread unstarted(Runnable body, String name) {
        if (!platformOnly) {
            try {
                Thread thread = (Thread) UNSTARTED_VIRTUAL.invokeExact(body);
                thread.setName(name);
                return thread;
            } catch (Throwable unexpected) {
                throw new IllegalStateException("could not create a virtual worker thread", unexpected);
            }
        }
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /** A worker may still be running after its execution ended: from now on, platform threads only. */
    static void carrierMayBeHeld() {
        platformOnly = true;
    }

    /**
     * {@code Thread.ofVirtual()::unstarted} on Java 21+ (looked up, since the project compiles
     * for 17), with the virtual-thread scheduler set to one carrier unless already set; null on
     * older Java or when platform threads were asked for.
     */
    private static MethodHandle unstartedVirtual() {
        if ("platform".equals(System.getProperty(HANDOFF)) || Runtime.version().feature() < 21) {
            return null;
        }
        if (System.getProperty("jdk.virtualThreadScheduler.parallelism") == null) {
            System.setProperty("jdk.virtualThreadScheduler.parallelism", "1");
        }
        try {
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            Object virtual = Thread.class.getMethod("ofVirtual").invoke(null);
            return MethodHandles.publicLookup().findVirtual(builder, "unstarted", MethodType.methodType(Thread.class, Runnable.class))
                    .bindTo(virtual);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
