package org.vmapstress.model;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A long array over a huge index space (a whole vmalloc space of VA pages), stored in chunks
 * allocated on first write, so the kernel's 2^25-page space costs only what is mapped. Each
 * element is atomic; an element never written reads 0.
 */
final class SparseAtomicLongArray {
    private static final int CHUNK_BITS = 12;
    private static final int CHUNK_SIZE = 1 << CHUNK_BITS;

    private final AtomicReferenceArray<AtomicLongArray> chunks;
    private final long length;

    SparseAtomicLongArray(long length) {
        this.length = length;
        this.chunks = new AtomicReferenceArray<>((int) ((length + CHUNK_SIZE - 1) >>> CHUNK_BITS));
    }

    long get(long index) {
        AtomicLongArray chunk = chunks.get(chunkOf(index));
        return chunk == null ? 0 : chunk.get(offsetOf(index));
    }

    long getAndSet(long index, long value) {
        return chunkFor(index).getAndSet(offsetOf(index), value);
    }

    boolean compareAndSet(long index, long expected, long value) {
        return chunkFor(index).compareAndSet(offsetOf(index), expected, value);
    }

    void set(long index, long value) {
        chunkFor(index).set(offsetOf(index), value);
    }

    /** Calls {@code visitor} for every non-zero element, in index order. */
    void forEachNonZero(ElementVisitor visitor) {
        for (int c = 0; c < chunks.length(); c++) {
            AtomicLongArray chunk = chunks.get(c);
            if (chunk == null) {
                continue;
            }
            for (int i = 0; i < CHUNK_SIZE; i++) {
                long value = chunk.get(i);
                if (value != 0) {
                    visitor.visit(((long) c << CHUNK_BITS) + i, value);
                }
            }
        }
    }

    @FunctionalInterface
    interface ElementVisitor {
        void visit(long index, long value);
    }

    private AtomicLongArray chunkFor(long index) {
        int c = chunkOf(index);
        AtomicLongArray chunk = chunks.get(c);
        if (chunk == null) {
            chunks.compareAndSet(c, null, new AtomicLongArray(CHUNK_SIZE));
            chunk = chunks.get(c);
        }
        return chunk;
    }

    private int chunkOf(long index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("VA page " + index + " outside the vmalloc space of " + length + " pages");
        }
        return (int) (index >>> CHUNK_BITS);
    }

    private static int offsetOf(long index) {
        return (int) (index & (CHUNK_SIZE - 1));
    }
}
