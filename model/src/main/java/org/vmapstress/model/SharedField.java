package org.vmapstress.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A shared field of the model the race detector watches: its class, its name and the guard
 * its {@link Guarded} declaration names, read once from the declaration. Declared as a
 * constant next to the field ({@code private static final SharedField FREE = SharedField.of(VmapBlock.class, "free")})
 * and passed with every access the model reports ({@link ScheduleHook#access}); a unit test
 * checks that every field guarded by a lock, RCU or publication has one.
 */
public final class SharedField {
    private final String name;
    @Guarded(Guard.IMMUTABLE)
    private final Guarded guarded;
    /** The guarding {@link ModelLock} field of the owner ({@link Guard#LOCK}, {@link Guard#RCU}); null for the other guards. */
    @Guarded(Guard.IMMUTABLE)
    private final VarHandle lock;

    private SharedField(String name, Guarded guarded, VarHandle lock) {
        this.name = name;
        this.guarded = guarded;
        this.lock = lock;
    }

    /** The field {@code name} of {@code owner}, with its {@link Guarded} declaration (which it must have). */
    static SharedField of(Class<?> owner, String name) {
        try {
            Guarded guarded = owner.getDeclaredField(name).getAnnotation(Guarded.class);
            if (guarded == null) {
                throw new IllegalStateException(owner.getSimpleName() + "." + name + " declares no guard");
            }
            VarHandle lock = guarded.lock().isEmpty() ? null
                    : MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, guarded.lock(), ModelLock.class);
            return new SharedField(owner.getSimpleName() + "." + name, guarded, lock);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no field " + owner.getSimpleName() + "." + name + " or its guarding lock", e);
        }
    }

    /** {@code Class.field}, e.g. {@code VmapBlock.dirtyMin}. */
    public String name() {
        return name;
    }

    /**
     * Which instance of the field's class {@code owner} is, as a number that is the same in every
     * execution of one workload: a block's start, a free list's, hot page list's or queue's retiring
     * list's CPU; 0 for the model's singletons (the global retire list among them).
     */
    public static long instanceOf(Object owner) {
        if (owner instanceof VmapBlock block) {
            return block.start();
        }
        if (owner instanceof PerCpuPages pcp) {
            return pcp.cpu;
        }
        if (owner instanceof RetireList list) {
            return list.cpu() == RetireList.GLOBAL ? 0 : list.cpu();
        }
        return owner instanceof FreeList list ? list.cpu() : 0;
    }

    /** The model lock that guards this field of {@code owner}, or null when no lock does. */
    ModelLock lockOf(Object owner) {
        return lock == null ? null : (ModelLock) lock.get(owner);
    }

    /** Whether a plain access of {@code kind} must hold the declared lock: every access for a lock guard, writes for RCU. */
    boolean needsLock(Access kind) {
        return lock != null && kind != Access.READ_ONCE && (guarded.value() == Guard.LOCK || kind == Access.WRITE);
    }

    /** The declaration in words, e.g. "guarded by vb@384.lock" or "published once". */
    String declared(Object owner) {
        ModelLock guard = lockOf(owner);
        return switch (guarded.value()) {
            case LOCK -> "guarded by " + guard.name();
            case RCU -> "RCU, written under " + guard.name();
            case PUBLISHED -> "written before publication, read after it";
            default -> guarded.value().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
