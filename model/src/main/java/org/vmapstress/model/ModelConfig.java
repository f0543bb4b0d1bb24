package org.vmapstress.model;

import java.util.Arrays;

/**
 * The model's size: the vmalloc space, the CPUs, the page-frame pool. Derives the kernel's
 * constants from them with the kernel's own formulas (mm/vmalloc.c), so that small
 * configurations (128-page blocks, a few thousand VA pages) are the default for stress runs
 * and the kernel's real values are one factory away ({@link #kernel64}).
 *
 * <p>Units: everything is counted in pages; a VA is a page number inside the vmalloc space.
 *
 * @param vmallocPages   VMALLOC_PAGES: the vmalloc space the model hands out, in pages
 * @param nrCpusConfig   NR_CPUS, the compile-time CPU limit used by the VMAP_BBMAP_BITS formula
 * @param possibleCpus   the ids of the possible CPUs, ascending; may have gaps (e.g. {0, 2})
 * @param pageFrames     the size of the page-frame pool
 * @param bitsPerLong    BITS_PER_LONG, the word size VMAP_MAX_ALLOC is defined by: 64 as on a
 *                       64-bit kernel, or smaller (a power of two, at least 8) to scale the
 *                       blocks down with the kernel's own formulas: 8 gives 16-page blocks,
 *                       which a few operations fill, fragment and purge (Lincheck's model)
 */
public record ModelConfig(long vmallocPages, int nrCpusConfig, @Guarded(Guard.IMMUTABLE) int[] possibleCpus, int pageFrames, int bitsPerLong) {

    /** BITS_PER_LONG of a 64-bit kernel, the default word size. */
    public static final int BITS_PER_LONG_64 = 64;
    /** VMAP_BBMAP_BITS_MAX. */
    public static final int VMAP_BBMAP_BITS_MAX = 1024;
    /** The smallest word size the model accepts: 16-page blocks. */
    public static final int MIN_BITS_PER_LONG = 8;
    /** The kernel's VMALLOC_SPACE guess for 64-bit (128 GiB), in 4 KiB pages. */
    public static final long KERNEL_VMALLOC_PAGES_64 = (128L << 30) / 4096;
    /** 32 MiB / PAGE_SIZE: lazy_max_pages() per fls(online CPUs) in the kernel. */
    public static final long KERNEL_LAZY_UNIT_PAGES = (32L << 20) / 4096;
    /**
     * The model scales the lazy unit with the VA space: vmallocPages / 32, capped at the
     * kernel's 8192. Every VA space of 1 GiB or more gets the kernel's value; small stress
     * configurations still cross the threshold and purge.
     */
    public static final long LAZY_UNIT_DIVISOR = 32;

    public ModelConfig {
        if (possibleCpus.length == 0) {
            throw new IllegalArgumentException("at least one CPU must be possible");
        }
        possibleCpus = possibleCpus.clone();
        for (int i = 0; i < possibleCpus.length; i++) {
            if (possibleCpus[i] < 0 || (i > 0 && possibleCpus[i] <= possibleCpus[i - 1])) {
                throw new IllegalArgumentException("possible CPU ids must be ascending and non-negative: "
                        + Arrays.toString(possibleCpus));
            }
        }
        if (nrCpusConfig < possibleCpus[possibleCpus.length - 1] + 1) {
            throw new IllegalArgumentException("NR_CPUS " + nrCpusConfig + " is below the highest possible CPU id");
        }
        if (pageFrames < 1) {
            throw new IllegalArgumentException("the page-frame pool needs at least one page");
        }
        if (Integer.bitCount(bitsPerLong) != 1 || bitsPerLong < MIN_BITS_PER_LONG || bitsPerLong > BITS_PER_LONG_64) {
            throw new IllegalArgumentException("BITS_PER_LONG must be a power of two from " + MIN_BITS_PER_LONG + " to "
                    + BITS_PER_LONG_64 + ", not " + bitsPerLong);
        }
        long bits = vmapBbmapBits(vmallocPages, nrCpusConfig, bitsPerLong);
        if (vmallocPages < 2 * bits || vmallocPages % bits != 0) {
            throw new IllegalArgumentException("the vmalloc space (" + vmallocPages
                    + " pages) must hold at least two blocks of " + bits + " pages and be a multiple of it");
        }
    }

    /** A 64-bit kernel's word size. */
    public ModelConfig(long vmallocPages, int nrCpusConfig, int[] possibleCpus, int pageFrames) {
        this(vmallocPages, nrCpusConfig, possibleCpus, pageFrames, BITS_PER_LONG_64);
    }

    /** The stress default: 4 CPUs, 8192 VA pages (64 blocks of 128 pages), 1024 page frames. */
    public static ModelConfig small() {
        return new ModelConfig(8192, 4, new int[] {0, 1, 2, 3}, 1024);
    }

    /** The kernel's 64-bit constants for a given NR_CPUS, all of them possible (bigger than any stress run wants). */
    public static ModelConfig kernel64(int nrCpus) {
        int[] cpus = new int[nrCpus];
        Arrays.setAll(cpus, i -> i);
        return new ModelConfig(KERNEL_VMALLOC_PAGES_64, nrCpus, cpus, 1024);
    }

    /** This configuration with another set of possible CPUs (NR_CPUS grows to fit). */
    public ModelConfig withPossibleCpus(int... cpus) {
        int highest = Arrays.stream(cpus).max().orElse(0);
        return new ModelConfig(vmallocPages, Math.max(nrCpusConfig, highest + 1), cpus, pageFrames, bitsPerLong);
    }

    public ModelConfig withVmallocPages(long pages) {
        return new ModelConfig(pages, nrCpusConfig, possibleCpus, pageFrames, bitsPerLong);
    }

    public ModelConfig withPageFrames(int frames) {
        return new ModelConfig(vmallocPages, nrCpusConfig, possibleCpus, frames, bitsPerLong);
    }

    /** This configuration with another word size (and so smaller blocks; see {@code bitsPerLong}). */
    public ModelConfig withBitsPerLong(int bits) {
        return new ModelConfig(vmallocPages, nrCpusConfig, possibleCpus, pageFrames, bits);
    }

    /** VMAP_MAX_ALLOC = BITS_PER_LONG: the largest request served from a block; larger ones get an area of their own. */
    public int vmapMaxAlloc() {
        return bitsPerLong;
    }

    @Override
    public int[] possibleCpus() {
        return possibleCpus.clone();
    }

    /** VMAP_BBMAP_BITS: pages per block. */
    public int vmapBbmapBits() {
        return vmapBbmapBits(vmallocPages, nrCpusConfig, bitsPerLong);
    }

    /**
     * {@code min(VMAP_BBMAP_BITS_MAX, max(VMAP_BBMAP_BITS_MIN,
     * VMALLOC_PAGES / roundup_pow_of_two(NR_CPUS) / 16))}, with VMAP_BBMAP_BITS_MIN =
     * 2 * VMAP_MAX_ALLOC = 2 * BITS_PER_LONG.
     */
    public static int vmapBbmapBits(long vmallocPages, int nrCpus, int bitsPerLong) {
        long perCpu = vmallocPages / roundupPowOfTwo(nrCpus) / 16;
        return (int) Math.min(VMAP_BBMAP_BITS_MAX, Math.max(2L * bitsPerLong, perCpu));
    }

    /** VMAP_PURGE_THRESHOLD = VMAP_BBMAP_BITS / 4: below it a fragmented block is not worth keeping. */
    public int vmapPurgeThreshold() {
        return vmapBbmapBits() / 4;
    }

    /** nr_cpu_ids: one more than the highest possible CPU id. */
    public int nrCpuIds() {
        return possibleCpus[possibleCpus.length - 1] + 1;
    }

    public boolean isPossible(int cpu) {
        return Arrays.binarySearch(possibleCpus, cpu) >= 0;
    }

    /** The next possible CPU after {@code cpu}, as cpumask_next() on cpu_possible_mask (or nr_cpu_ids). */
    public int nextPossibleCpu(int cpu) {
        for (int candidate : possibleCpus) {
            if (candidate > cpu) {
                return candidate;
            }
        }
        return nrCpuIds();
    }

    /** lazy_max_pages() = fls(num_online_cpus()) * unit; every possible CPU is online in the model. */
    public long lazyMaxPages() {
        return fls(possibleCpus.length) * lazyUnitPages();
    }

    /** 32 MiB worth of pages, scaled down for VA spaces under 1 GiB (see {@link #LAZY_UNIT_DIVISOR}). */
    public long lazyUnitPages() {
        return Math.max(1, Math.min(KERNEL_LAZY_UNIT_PAGES, vmallocPages / LAZY_UNIT_DIVISOR));
    }

    /** fls(): the 1-based index of the highest set bit, 0 for 0. */
    public static int fls(long x) {
        return 64 - Long.numberOfLeadingZeros(x);
    }

    public static long roundupPowOfTwo(long x) {
        return x <= 1 ? 1 : Long.highestOneBit(x - 1) << 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && vmallocPages == c.vmallocPages && nrCpusConfig == c.nrCpusConfig
                && Arrays.equals(possibleCpus, c.possibleCpus) && pageFrames == c.pageFrames && bitsPerLong == c.bitsPerLong;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(vmallocPages) * 31 + Arrays.hashCode(possibleCpus) * 17 + nrCpusConfig + pageFrames * 7 + bitsPerLong;
    }

    @Override
    public String toString() {
        return "vmalloc=" + vmallocPages + "p nr_cpus=" + nrCpusConfig + " possible=" + Arrays.toString(possibleCpus)
                + " frames=" + pageFrames + (bitsPerLong == BITS_PER_LONG_64 ? "" : " BITS_PER_LONG=" + bitsPerLong)
                + " block=" + vmapBbmapBits() + "p lazy_max=" + lazyMaxPages() + "p";
    }
}
