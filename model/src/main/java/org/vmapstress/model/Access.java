package org.vmapstress.model;

/**
 * How one step of the model touches a shared field ({@link SharedField}), as the race detector
 * ({@link RaceDetector}) sees it.
 */
public enum Access {
    /** A plain read: must be ordered after the last write by a happens-before edge. */
    READ,
    /** A plain write: must be ordered after the last write and every read since. */
    WRITE,
    /**
     * A marked lockless read the field's {@link Guarded#lockless} declares (the kernel's
     * {@code READ_ONCE} or {@code rcu_dereference}, re-checked under the lock where it matters):
     * it may race by design, so the detector neither checks nor records it, as KCSAN does not
     * report a marked read racing with a marked write (the kernel pairs READ_ONCE with
     * WRITE_ONCE; the model's writes of such fields are made under their lock).
     */
    READ_ONCE
}
