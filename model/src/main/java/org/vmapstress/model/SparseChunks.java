package org.vmapstress.model;

/**
 * How the sparse arrays ({@link SparseAtomicLongArray}, {@link SparseAtomicReferenceArray}) cut
 * a huge index space (a whole vmalloc space of VA pages) into chunks allocated on first write.
 */
final class SparseChunks {
    private static final int CHUNK_BITS = 12;
    static final int CHUNK_SIZE = 1 << CHUNK_BITS;

    private SparseChunks() {
    }

    /** How long a chunk is: a space shorter than one chunk gets one chunk of its own length. */
    static int sizeFor(long length) {
        return (int) Math.min(CHUNK_SIZE, length);
    }

    /** How many chunks cover {@code length} elements. */
    static int count(long length) {
        return (int) ((length + CHUNK_SIZE - 1) >>> CHUNK_BITS);
    }

    /** The chunk holding {@code index}; an index outside {@code [0, length)} is refused. */
    static int chunkOf(long index, long length) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("VA page " + index + " outside the vmalloc space of " + length + " pages");
        }
        return (int) (index >>> CHUNK_BITS);
    }

    static int offsetOf(long index) {
        return (int) (index & (CHUNK_SIZE - 1));
    }

    /** The first index of chunk {@code chunk}. */
    static long firstIndexOf(int chunk) {
        return (long) chunk << CHUNK_BITS;
    }
}
