package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shared mutable field of the model declares its guard ({@link Guarded}), next to the field:
 * every field that is not final, and every final field of a JDK type that can change (a
 * collection, an array, an atomic, a BitSet). Final fields of immutable types (primitives,
 * strings, enums) and references to the model's own objects (whose fields are checked in
 * turn) need none; nor do enums, whose state is fixed when their class is loaded.
 */
class GuardDeclarationTest {
    @Test
    void everySharedMutableFieldOfTheModelDeclaresItsGuard() throws Exception {
        List<String> undeclared = modelClasses().flatMap(c -> Stream.of(c.getDeclaredFields()))
                .filter(GuardDeclarationTest::needsADeclaredGuard)
                .filter(f -> !f.isAnnotationPresent(Guarded.class))
                .map(f -> f.getDeclaringClass().getSimpleName() + "." + f.getName() + " (" + f.getType().getSimpleName() + ")")
                .sorted().toList();
        assertEquals(List.of(), undeclared, "fields with no declared guard");
    }

    @Test
    void aLockGuardNamesAFieldOfItsClassHoldingAModelLock() throws Exception {
        List<Field> locked = modelClasses().flatMap(c -> Stream.of(c.getDeclaredFields()))
                .filter(f -> f.isAnnotationPresent(Guarded.class))
                .filter(f -> f.getAnnotation(Guarded.class).value() == Guard.LOCK || f.getAnnotation(Guarded.class).value() == Guard.RCU)
                .toList();
        assertTrue(locked.size() > 5, "the model has lock-guarded fields: " + locked);
        for (Field field : locked) {
            String lock = field.getAnnotation(Guarded.class).lock();
            Field guard = field.getDeclaringClass().getDeclaredField(lock);
            assertEquals(ModelLock.class, guard.getType(), field + " names " + lock);
        }
    }

    /** The race detector watches every field guarded by a lock, RCU or a publication: each has its {@link SharedField} constant. */
    @Test
    void everyLockRcuOrPublishedFieldIsDeclaredToTheRaceDetector() throws Exception {
        List<Field> watched = modelClasses().flatMap(c -> Stream.of(c.getDeclaredFields()))
                .filter(f -> f.isAnnotationPresent(Guarded.class))
                .filter(f -> WATCHED.contains(f.getAnnotation(Guarded.class).value()))
                .toList();
        List<String> missing = new java.util.ArrayList<>();
        for (Field field : watched) {
            String name = field.getDeclaringClass().getSimpleName() + "." + field.getName();
            if (!sharedFieldsOf(field.getDeclaringClass()).contains(name)) {
                missing.add(name);
            }
        }
        assertTrue(watched.size() >= 14, "the watched fields: " + watched);
        assertEquals(List.of(), missing, "fields the race detector is not told about");
    }

    private static final java.util.Set<Guard> WATCHED = java.util.EnumSet.of(Guard.LOCK, Guard.RCU, Guard.PUBLISHED);

    private static List<String> sharedFieldsOf(Class<?> owner) throws IllegalAccessException {
        List<String> names = new java.util.ArrayList<>();
        for (Field constant : owner.getDeclaredFields()) {
            if (constant.getType() == SharedField.class && Modifier.isStatic(constant.getModifiers())) {
                constant.setAccessible(true);
                names.add(((SharedField) constant.get(null)).name());
            }
        }
        return names;
    }

    @Test
    void theCheckFindsAFieldWithNoGuard() {
        class Undeclared {
            int counter;
            final java.util.BitSet map = new java.util.BitSet();
            final int size = 1;
            final ModelConfig config = null;
        }
        assertEquals(List.of("counter", "map"), Stream.of(Undeclared.class.getDeclaredFields())
                .filter(GuardDeclarationTest::needsADeclaredGuard).map(Field::getName).sorted().toList());
    }

    private static boolean needsADeclaredGuard(Field field) {
        int modifiers = field.getModifiers();
        if (Modifier.isStatic(modifiers) || field.isSynthetic() || field.getDeclaringClass().isEnum()) {
            return false;
        }
        if (!Modifier.isFinal(modifiers)) {
            return true;
        }
        Class<?> type = field.getType();
        boolean immutable = type.isPrimitive() || type == String.class || type.isEnum() || type == Long.class || type == Integer.class;
        boolean modelObject = !type.isArray() && type.getPackageName().equals(Guarded.class.getPackageName());
        return !immutable && !modelObject;
    }

    /** Every class compiled into the model's package (nested ones too), from its classes folder. */
    private static Stream<Class<?>> modelClasses() throws IOException, URISyntaxException {
        Path folder = Path.of(Guarded.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(Guarded.class.getPackageName().replace('.', '/'));
        try (Stream<Path> files = Files.list(folder)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class")).toList();
            return names.stream().map(n -> load(Guarded.class.getPackageName() + "." + n.substring(0, n.length() - ".class".length())));
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, Guarded.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
