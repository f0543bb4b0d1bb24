package org.vmapstress.harness.sched;

import java.util.HashSet;
import java.util.Set;
import org.vmapstress.model.Resource;

/**
 * What one step of a controlled execution touched, as the model reported it while the step ran
 * ({@link SchedulePolicy#touched}): the resources it read and those it wrote, each a resource
 * (a {@link org.vmapstress.model.SharedField} or a {@link org.vmapstress.model.Resource}) and
 * the number of its instance. Two steps of different workers are <em>independent</em> when
 * neither writes what the other reads or writes: run in either order from one state, they
 * reach the same state and each sees the same values (docs/exhaustive.md). Additions to an
 * {@linkplain org.vmapstress.model.Resource#additive additive} counter commute with each other,
 * not with a read of it. A step that declared no footprint ({@link #EVERYTHING}) conflicts with
 * every step.
 */
public final class Footprint {
    /** One instance of a resource. */
    public record Touch(Object resource, long id) {
    }

    /** The footprint of a step whose point declares none: it conflicts with every step. */
    public static final Footprint EVERYTHING = new Footprint(Set.of(), Set.of(), Set.of(), true);
    /** A step that touched nothing shared. */
    public static final Footprint NOTHING = new Footprint(Set.of(), Set.of(), Set.of(), false);

    private final Set<Touch> reads;
    private final Set<Touch> writes;
    private final Set<Touch> adds;
    private final boolean everything;

    private Footprint(Set<Touch> reads, Set<Touch> writes, Set<Touch> adds, boolean everything) {
        this.reads = reads;
        this.writes = writes;
        this.adds = adds;
        this.everything = everything;
    }

    /** Whether the two steps do not commute: one writes what the other touches, adds to what it reads, or either declared nothing. */
    public boolean conflicts(Footprint other) {
        if (everything || other.everything) {
            return true;
        }
        return overlaps(writes, other.writes) || overlaps(writes, other.reads) || overlaps(reads, other.writes)
                || overlaps(writes, other.adds) || overlaps(adds, other.writes) || overlaps(adds, other.reads) || overlaps(reads, other.adds);
    }

    private static boolean overlaps(Set<Touch> a, Set<Touch> b) {
        Set<Touch> small = a.size() <= b.size() ? a : b;
        Set<Touch> large = small == a ? b : a;
        for (Touch touch : small) {
            if (large.contains(touch)) {
                return true;
            }
        }
        return false;
    }

    /** What the step only read. */
    public Set<Touch> reads() {
        return reads;
    }

    /** What the step wrote (and maybe read). */
    public Set<Touch> writes() {
        return writes;
    }

    /** What the step added to (an additive counter), and did not otherwise write. */
    public Set<Touch> adds() {
        return adds;
    }

    /** What the step wrote or added to. */
    public Set<Touch> written() {
        Set<Touch> all = new HashSet<>(writes);
        all.addAll(adds);
        return all;
    }

    /** Everything the step touched: read, wrote or added to. */
    public Set<Touch> touched() {
        Set<Touch> all = written();
        all.addAll(reads);
        return all;
    }

    /** Whether the step declared no footprint: it conflicts with everything. */
    public boolean everything() {
        return everything;
    }

    @Override
    public String toString() {
        return everything ? "everything" : "reads " + reads + ", writes " + writes + ", adds " + adds;
    }

    /** A footprint being gathered while its step runs. */
    public static final class Builder {
        private final Set<Touch> reads = new HashSet<>();
        private final Set<Touch> writes = new HashSet<>();
        private final Set<Touch> adds = new HashSet<>();

        public void add(Object resource, long id, boolean write) {
            Touch touch = new Touch(resource, id);
            if (write && resource instanceof Resource r && r.additive()) {
                adds.add(touch);
            } else if (write) {
                writes.add(touch);
            } else {
                reads.add(touch);
            }
        }

        /** The footprint: a touch both read and written (or added to) is a write. */
        public Footprint build() {
            Set<Touch> added = new HashSet<>(adds);
            added.removeAll(writes);
            Set<Touch> plainWrites = new HashSet<>(writes);
            for (Touch touch : adds) {
                if (reads.contains(touch)) {
                    plainWrites.add(touch);
                    added.remove(touch);
                }
            }
            Set<Touch> onlyRead = new HashSet<>(reads);
            onlyRead.removeAll(plainWrites);
            if (onlyRead.isEmpty() && plainWrites.isEmpty() && added.isEmpty()) {
                return NOTHING;
            }
            return new Footprint(Set.copyOf(onlyRead), Set.copyOf(plainWrites), Set.copyOf(added), false);
        }
    }
}
