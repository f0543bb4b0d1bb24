package org.vmapstress.model;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** An immutable set of model switches ({@link Bug}: bugs, canaries, patches, checks); {@link #NONE} is the fixed, modern kernel. */
public final class BugSet {
    public static final BugSet NONE = new BugSet(EnumSet.noneOf(Bug.class));

    @Guarded(Guard.IMMUTABLE)
    private final EnumSet<Bug> bugs;

    private BugSet(EnumSet<Bug> bugs) {
        this.bugs = bugs;
    }

    public static BugSet of(Bug... bugs) {
        EnumSet<Bug> set = EnumSet.noneOf(Bug.class);
        set.addAll(List.of(bugs));
        return new BugSet(set);
    }

    public static BugSet of(Collection<Bug> bugs) {
        return bugs.isEmpty() ? NONE : new BugSet(EnumSet.copyOf(bugs));
    }

    /** This set and {@code other}'s switches. */
    public BugSet plus(BugSet other) {
        EnumSet<Bug> union = EnumSet.copyOf(bugs);
        union.addAll(other.bugs);
        return union.isEmpty() ? NONE : new BugSet(union);
    }

    /**
     * The set {@code text} names: {@code none}, or comma-separated switch names as
     * {@link #toString} writes them; empty when a name is unknown.
     */
    public static java.util.Optional<BugSet> parse(String text) {
        if (text.equals("none")) {
            return java.util.Optional.of(NONE);
        }
        EnumSet<Bug> set = EnumSet.noneOf(Bug.class);
        for (String name : text.split(",")) {
            java.util.Optional<Bug> bug = Bug.byName(name);
            if (bug.isEmpty()) {
                return java.util.Optional.empty();
            }
            set.add(bug.get());
        }
        return java.util.Optional.of(new BugSet(set));
    }

    /** The faults among these switches: historical bugs and canaries (none: the fixed model, patched or not). */
    public BugSet faults() {
        return ofKinds(Bug.Kind.ZOO, Bug.Kind.CANARY);
    }

    /** The proposed patches and stricter checks among these switches. */
    public BugSet patchesAndChecks() {
        return ofKinds(Bug.Kind.PATCH, Bug.Kind.CHECK);
    }

    private BugSet ofKinds(Bug.Kind... kinds) {
        return of(bugs.stream().filter(b -> List.of(kinds).contains(b.kind())).toList());
    }

    public boolean has(Bug bug) {
        return bugs.contains(bug);
    }

    public Set<Bug> asSet() {
        return EnumSet.copyOf(bugs);
    }

    /** The invariant ids these bugs may break (see {@link Bug#breaks}), in bug order; none for the fixed model. */
    public java.util.List<String> breaks() {
        return asSet().stream().flatMap(b -> b.breaks().stream()).map(InvariantId::id).distinct().toList();
    }

    public boolean isEmpty() {
        return bugs.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BugSet that && bugs.equals(that.bugs);
    }

    @Override
    public int hashCode() {
        return bugs.hashCode();
    }

    /** Comma-separated command-line names, or {@code none}. */
    @Override
    public String toString() {
        return bugs.isEmpty() ? "none" : bugs.stream().map(Bug::cliName).collect(Collectors.joining(","));
    }
}
