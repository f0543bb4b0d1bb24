package org.vmapstress.harness.sched;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * A policy that makes another's picks and keeps them: a seeded schedule turned into the
 * {@link Choices} that replay it, so that it can be changed pick by pick.
 */
public final class PickRecorder implements SchedulePolicy {
    private final SchedulePolicy inner;
    private final ByteArrayOutputStream picks = new ByteArrayOutputStream();

    public PickRecorder(SchedulePolicy inner) {
        this.inner = inner;
    }

    @Override
    public int pick(List<Integer> runnable, int current, int step) {
        int chosen = inner.pick(runnable, current, step);
        picks.write(chosen);
        return chosen;
    }

    @Override
    public void reached(int worker, String point, long subject) {
        inner.reached(worker, point, subject);
    }

    @Override
    public void touched(Object resource, long id, boolean write) {
        inner.touched(resource, id, write);
    }

    @Override
    public boolean listensToTouches() {
        return inner.listensToTouches();
    }

    /** The picks made so far, in order. */
    public byte[] picks() {
        return picks.toByteArray();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
