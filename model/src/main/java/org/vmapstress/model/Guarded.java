package org.vmapstress.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The guard of a shared field of the model, declared on the field: one place per field, next
 * to it. The race detector names it when it reports a race on the field, and checks it
 * (the declared lock held at every access that is not a declared lockless read).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Guarded {
    Guard value();

    /** {@link Guard#LOCK} and {@link Guard#RCU}: the field of the same object that holds the guarding {@link ModelLock}. */
    String lock() default "";

    /** Accesses made without the guard on purpose, and why they are safe (e.g. "READ_ONCE pre-check, re-checked under the lock"). */
    String lockless() default "";
}
