package org.vmapstress.model;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.UnaryOperator;

/**
 * An array of references over a huge index space (a whole vmalloc space of VA pages), stored in
 * chunks allocated on first write like {@link SparseAtomicLongArray}. Each element is atomic;
 * an element never written reads {@code absent}.
 */
final class SparseAtomicReferenceArray<T> {
    @Guarded(Guard.ATOMIC)
    private final AtomicReferenceArray<AtomicReferenceArray<T>> chunks;
    private final long length;
    @Guarded(Guard.IMMUTABLE)
    private final T absent;

    SparseAtomicReferenceArray(long length, T absent) {
        this.length = length;
        this.absent = absent;
        this.chunks = new AtomicReferenceArray<>(SparseChunks.count(length));
    }

    T get(long index) {
        AtomicReferenceArray<T> chunk = chunks.get(SparseChunks.chunkOf(index, length));
        T value = chunk == null ? null : chunk.get(SparseChunks.offsetOf(index));
        return value == null ? absent : value;
    }

    /** Atomically replaces the element by {@code update} of it (retried on contention, so {@code update} must be pure). */
    void update(long index, UnaryOperator<T> update) {
        AtomicReferenceArray<T> chunk = chunkFor(index);
        int offset = SparseChunks.offsetOf(index);
        T current;
        T next;
        do {
            current = chunk.get(offset);
            next = update.apply(current == null ? absent : current);
        } while (!chunk.compareAndSet(offset, current, next));
    }

    private AtomicReferenceArray<T> chunkFor(long index) {
        int c = SparseChunks.chunkOf(index, length);
        AtomicReferenceArray<T> chunk = chunks.get(c);
        if (chunk == null) {
            chunks.compareAndSet(c, null, new AtomicReferenceArray<>(SparseChunks.sizeFor(length)));
            chunk = chunks.get(c);
        }
        return chunk;
    }
}
