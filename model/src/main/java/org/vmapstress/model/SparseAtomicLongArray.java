package org.vmapstress.model;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A long array over a huge index space (a whole vmalloc space of VA pages), stored in chunks
 * allocated on first write, so the kernel's 2^25-page space costs only what is mapped. Each
 * element is atomic; an element never written reads 0.
 */
final class SparseAtomicLongArray {
    @Guarded(Guard.ATOMIC)
    private final AtomicReferenceArray<AtomicLongArray> chunks;
    private final long length;

    SparseAtomicLongArray(long length) {
        this.length = length;
        this.chunks = new AtomicReferenceArray<>(SparseChunks.count(length));
    }

    long get(long index) {
        AtomicLongArray chunk = chunks.get(SparseChunks.chunkOf(index, length));
        return chunk == null ? 0 : chunk.get(SparseChunks.offsetOf(index));
    }

    long getAndSet(long index, long value) {
        return chunkFor(index).getAndSet(SparseChunks.offsetOf(index), value);
    }

    boolean compareAndSet(long index, long expected, long value) {
        return chunkFor(index).compareAndSet(SparseChunks.offsetOf(index), expected, value);
    }

    void set(long index, long value) {
        chunkFor(index).set(SparseChunks.offsetOf(index), value);
    }

    /** Calls {@code visitor} for every non-zero element, in index order. */
    void forEachNonZero(ElementVisitor visitor) {
        for (int c = 0; c < chunks.length(); c++) {
            AtomicLongArray chunk = chunks.get(c);
            if (chunk == null) {
                continue;
            }
            for (int i = 0; i < chunk.length(); i++) {
                long value = chunk.get(i);
                if (value != 0) {
                    visitor.visit(SparseChunks.firstIndexOf(c) + i, value);
                }
            }
        }
    }

    @FunctionalInterface
    interface ElementVisitor {
        void visit(long index, long value);
    }

    private AtomicLongArray chunkFor(long index) {
        int c = SparseChunks.chunkOf(index, length);
        AtomicLongArray chunk = chunks.get(c);
        if (chunk == null) {
            chunks.compareAndSet(c, null, new AtomicLongArray(SparseChunks.sizeFor(length)));
            chunk = chunks.get(c);
        }
        return chunk;
    }
}
