package org.vmapstress.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A happens-before data-race detector over the model's shared fields (FastTrack: Flanagan and
 * Freund, PLDI 2009), with a lockset check beside it (Eraser's "which lock guards what", as
 * the kernel's {@code lockdep_assert_held}). On with {@link Bug#DATA_RACES}: the model then
 * wraps its hook in one, which passes every schedule point and lock wait through unchanged.
 *
 * <p>Happens-before comes from what the model reports: a release of a {@link ModelLock} orders
 * what its thread did before it with what the lock's next holder does after its acquire
 * ({@link #releasing}, {@link #acquired}); a publication (xa_insert, list_add_rcu) orders what
 * the publisher did before it with what a thread does after it reached the object through it
 * ({@link #published}, {@link #consumed}). Each thread carries a vector clock; each watched
 * location (a {@link SharedField} of one object) keeps its last write and its reads since, as
 * an epoch (thread, clock) while they are ordered and as a vector once reads are concurrent.
 *
 * <p>At each plain access ({@link Access#READ}, {@link Access#WRITE}): a write unordered with
 * the last write or with a read since, or a read unordered with the last write, is a
 * {@link InvariantId#DATA_RACE} naming both accesses (where, locks held), raised as a
 * {@link ModelAssertion} at the second one, whatever values they saw. Otherwise, an access to a
 * lock-guarded field made without that lock held (for RCU, a write) is a DATA-RACE on its own
 * (lockset): another thread's access to the field under the lock would race with it.
 * {@link Access#READ_ONCE} reads are declared lockless and race by design: neither checked nor recorded.
 *
 * <p>Threads get a clock when they first touch the model; the harness's thread reaching the
 * model after its workers finished is ordered after them by the locks and publications the
 * model uses, as a joined kernel task would be. Thread-safe: every notification is one
 * critical section on this detector (it serialises free-running threads at their accesses,
 * which orders nothing the detector relies on: its clocks come only from the model's reports).
 */
final class RaceDetector implements ScheduleHook {
    private final ScheduleHook inner;
    @Guarded(Guard.OWNER)
    private final ThreadLocal<ThreadClock> clocks = new ThreadLocal<>();
    @Guarded(Guard.MONITOR)
    private final Map<ModelLock, int[]> lockClocks = new IdentityHashMap<>();
    @Guarded(Guard.MONITOR)
    private final Map<Pair, int[]> publications = new HashMap<>();
    @Guarded(Guard.MONITOR)
    private final Map<Pair, Shadow> shadows = new HashMap<>();
    @Guarded(Guard.MONITOR)
    private int threads;

    RaceDetector(ScheduleHook inner) {
        this.inner = inner;
    }

    /**
     * Two objects compared by identity: a location (an object and one of its {@link SharedField}s),
     * or an object published through one structure (a block in an index and on a free list is
     * published twice, and a reader is ordered only by the one it went through).
     */
    private record Pair(@Guarded(Guard.IMMUTABLE) Object first, @Guarded(Guard.IMMUTABLE) Object second) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Pair p && p.first == first && p.second == second;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(first) * 31 + System.identityHashCode(second);
        }
    }

    /** An access as a report names it. */
    private record Site(Access kind, String where, @Guarded(Guard.IMMUTABLE) List<ModelLock> held) {
        String what() {
            return kind == Access.WRITE ? "write" : "read";
        }

        String by() {
            return "by " + where + ", holding " + (held.isEmpty() ? "no lock" : held.toString());
        }
    }

    /** A thread's id in the vector clocks and its clock (grown as threads join the model). */
    private static final class ThreadClock {
        final int id;
        @Guarded(Guard.MONITOR)
        int[] clock;

        ThreadClock(int id) {
            this.id = id;
            this.clock = new int[id + 1];
            this.clock[id] = 1;
        }

        int now() {
            return clock[id];
        }

        /** The clock as it is now, and a new epoch for what comes after (a release). */
        int[] release() {
            int[] released = clock.clone();
            clock[id]++;
            return released;
        }

        void join(int[] other) {
            clock = joined(clock, other);
        }

        /** Whether the access of thread {@code t} at {@code time} happens before this thread's present. */
        boolean sees(int t, int time) {
            return t < clock.length && time <= clock[t];
        }
    }

    /** A location's last write, and its reads since: one epoch while they are ordered, one per thread once they are not. */
    private static final class Shadow {
        @Guarded(Guard.MONITOR)
        int writer = -1;
        @Guarded(Guard.MONITOR)
        int written;
        @Guarded(Guard.MONITOR)
        Site write;
        @Guarded(Guard.MONITOR)
        int reader = -1;
        @Guarded(Guard.MONITOR)
        int read;
        @Guarded(Guard.MONITOR)
        Site readSite;
        @Guarded(Guard.MONITOR)
        Map<Integer, Integer> sharedReads;
        @Guarded(Guard.MONITOR)
        Map<Integer, Site> sharedSites;
    }

    @Override
    public void point(SchedulePoint point, long subject) {
        inner.point(point, subject);
    }

    @Override
    public void beforeLock(ModelLock lock) {
        inner.beforeLock(lock);
    }

    @Override
    public void afterUnlock(ModelLock lock) {
        inner.afterUnlock(lock);
    }

    @Override
    public void releasedWhileDying(ModelLock lock) {
        inner.releasedWhileDying(lock);
    }

    @Override
    public boolean controlsBlocking() {
        return inner.controlsBlocking();
    }

    @Override
    public void blocked(ModelLock lock) {
        inner.blocked(lock);
    }

    @Override
    public String position() {
        return inner.position();
    }

    @Override
    public void acquired(ModelLock lock) {
        inner.acquired(lock);
        synchronized (this) {
            joinReleased(lockClocks.get(lock));
        }
    }

    @Override
    public void releasing(ModelLock lock) {
        inner.releasing(lock);
        synchronized (this) {
            lockClocks.put(lock, me().release());
        }
    }

    @Override
    public void touch(Resource resource, long id, boolean write) {
        inner.touch(resource, id, write);
    }

    @Override
    public synchronized void published(Object structure, Object object) {
        int[] released = me().release();
        publications.merge(new Pair(structure, object), released, RaceDetector::joined);
    }

    @Override
    public synchronized void consumed(Object structure, Object object) {
        joinReleased(publications.get(new Pair(structure, object)));
    }

    /** The calling thread now happens after {@code released} (a lock's last release, a publication), if there was one. */
    private void joinReleased(int[] released) {
        if (released != null) {
            me().join(released);
        }
    }

    @Override
    public void access(Object owner, SharedField field, Access kind) {
        inner.access(owner, field, kind);
        if (kind == Access.READ_ONCE) {
            return;
        }
        Site site = new Site(kind, inner.position(), ModelLock.heldByCurrentThread());
        synchronized (this) {
            Shadow shadow = shadows.computeIfAbsent(new Pair(owner, field), l -> new Shadow());
            ThreadClock me = me();
            if (kind == Access.WRITE) {
                write(shadow, me, site, owner, field);
            } else {
                read(shadow, me, site, owner, field);
            }
        }
        ModelLock guard = field.lockOf(owner);
        if (field.needsLock(kind) && !guard.isHeldByCurrentThread()) {
            throw new ModelAssertion(InvariantId.DATA_RACE, site.what() + " of " + located(owner, field) + " ("
                    + field.declared(owner) + ") " + site.by() + ", without " + guard.name() + ": any access under the lock"
                    + " by another thread races with it (lockset; no unordered access seen yet)");
        }
    }

    private void write(Shadow shadow, ThreadClock me, Site site, Object owner, SharedField field) {
        if (shadow.writer >= 0 && !me.sees(shadow.writer, shadow.written)) {
            throw race(owner, field, shadow.write, site);
        }
        if (shadow.sharedReads != null) {
            for (Map.Entry<Integer, Integer> read : shadow.sharedReads.entrySet()) {
                if (!me.sees(read.getKey(), read.getValue())) {
                    throw race(owner, field, shadow.sharedSites.get(read.getKey()), site);
                }
            }
        } else if (shadow.reader >= 0 && !me.sees(shadow.reader, shadow.read)) {
            throw race(owner, field, shadow.readSite, site);
        }
        shadow.writer = me.id;
        shadow.written = me.now();
        shadow.write = site;
        shadow.reader = -1;
        shadow.readSite = null;
        shadow.sharedReads = null;
        shadow.sharedSites = null;
    }

    private void read(Shadow shadow, ThreadClock me, Site site, Object owner, SharedField field) {
        if (shadow.writer >= 0 && !me.sees(shadow.writer, shadow.written)) {
            throw race(owner, field, shadow.write, site);
        }
        if (shadow.sharedReads != null) {
            shadow.sharedReads.put(me.id, me.now());
            shadow.sharedSites.put(me.id, site);
        } else if (shadow.reader < 0 || shadow.reader == me.id || me.sees(shadow.reader, shadow.read)) {
            shadow.reader = me.id;
            shadow.read = me.now();
            shadow.readSite = site;
        } else {
            shadow.sharedReads = new HashMap<>();
            shadow.sharedSites = new HashMap<>();
            shadow.sharedReads.put(shadow.reader, shadow.read);
            shadow.sharedSites.put(shadow.reader, shadow.readSite);
            shadow.sharedReads.put(me.id, me.now());
            shadow.sharedSites.put(me.id, site);
        }
    }

    private static ModelAssertion race(Object owner, SharedField field, Site first, Site second) {
        return new ModelAssertion(InvariantId.DATA_RACE, "the " + second.what() + " of " + located(owner, field)
                + " (" + field.declared(owner) + ") " + second.by() + ", races with the " + first.what() + " " + first.by()
                + ": no happens-before edge orders them (no release of a lock the second took, no publication it reached, in between)");
    }

    /** The location in words, e.g. {@code VmapBlock.dirtyMin of vb@384}. */
    private static String located(Object owner, SharedField field) {
        String object = owner instanceof VmapBlock vb ? "vb@" + vb.start() : owner.getClass().getSimpleName();
        return field.name() + " of " + object;
    }

    private ThreadClock me() {
        ThreadClock mine = clocks.get();
        if (mine == null) {
            mine = new ThreadClock(threads++);
            clocks.set(mine);
        }
        return mine;
    }

    /** The pointwise maximum of two vector clocks (a new array). */
    private static int[] joined(int[] a, int[] b) {
        int[] joined = Arrays.copyOf(a, Math.max(a.length, b.length));
        for (int t = 0; t < b.length; t++) {
            joined[t] = Math.max(joined[t], b[t]);
        }
        return joined;
    }
}
