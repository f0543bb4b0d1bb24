package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    /**
     * The kernel's VMAP_BBMAP_BITS for 64-bit builds, where VMALLOC_PAGES is the fixed 128 GiB
     * guess (2^25 pages): 1024 up to NR_CPUS = 2048, then 2^25 / NR_CPUS / 16.
     */
    @ParameterizedTest(name = "NR_CPUS={0} -> {1} pages per block")
    @CsvSource({"1, 1024", "64, 1024", "512, 1024", "2048, 1024", "4096, 512", "8192, 256", "6000, 256"})
    void vmapBbmapBitsMatchesTheKernelOn64Bit(int nrCpus, int expectedBits) {
        assertEquals(expectedBits, ModelConfig.vmapBbmapBits(ModelConfig.KERNEL_VMALLOC_PAGES_64, nrCpus, ModelConfig.BITS_PER_LONG_64));
    }

    /** 32-bit x86: VMALLOC_SPACE 128 MiB = 32768 pages, VMAP_MAX_ALLOC = BITS_PER_LONG = 32, so the floor is 64. */
    @ParameterizedTest(name = "32-bit NR_CPUS={0} -> {1}")
    @CsvSource({"1, 1024", "8, 256", "16, 128", "32, 64", "64, 64"})
    void vmapBbmapBitsFormulaOnA32BitKernel(int nrCpus, int expectedBits) {
        assertEquals(expectedBits, ModelConfig.vmapBbmapBits(32768, nrCpus, 32));
    }

    /** An 8-bit word scales the blocks down with the same formulas: 16 pages, VMAP_MAX_ALLOC 8, threshold 4. */
    @Test
    void aSmallWordSizeGivesSixteenPageBlocks() {
        ModelConfig tiny = new ModelConfig(256, 2, new int[] {0, 1}, 64).withBitsPerLong(8);
        assertEquals(16, tiny.vmapBbmapBits());
        assertEquals(8, tiny.vmapMaxAlloc());
        assertEquals(4, tiny.vmapPurgeThreshold());
        assertEquals(64, ModelConfig.small().vmapMaxAlloc());
    }

    @ParameterizedTest(name = "BITS_PER_LONG={0} is refused")
    @CsvSource({"4", "12", "128"})
    void aWordSizeThatNoFormulaFitsIsRefused(int bits) {
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.small().withBitsPerLong(bits));
    }

    @Test
    void smallConfigurationHas128PageBlocksAndAQuarterThreshold() {
        ModelConfig small = ModelConfig.small();
        assertEquals(128, small.vmapBbmapBits());
        assertEquals(32, small.vmapPurgeThreshold());
        assertEquals(4, small.nrCpuIds());
    }

    /** lazy_max_pages() = fls(online CPUs) * 32 MiB / PAGE_SIZE: 8192 for 1 CPU, 24576 for 4, 32768 for 8. */
    @ParameterizedTest(name = "{0} CPUs -> {1} lazy pages")
    @CsvSource({"1, 8192", "2, 16384", "3, 16384", "4, 24576", "8, 32768", "64, 57344"})
    void lazyMaxPagesMatchesTheKernel(int cpus, long expected) {
        assertEquals(expected, ModelConfig.kernel64(cpus).lazyMaxPages());
    }

    @Test
    void lazyMaxPagesScalesDownWithASmallVaSpace() {
        ModelConfig small = ModelConfig.small();
        assertEquals(8192 / 32, small.lazyUnitPages());
        assertEquals(3 * 256, small.lazyMaxPages());
    }

    @Test
    void possibleCpusWithAGapHashToTheNextPossibleCpu() {
        ModelConfig gappy = ModelConfig.small().withPossibleCpus(0, 2);
        assertEquals(3, gappy.nrCpuIds());
        assertFalse(gappy.isPossible(1));
        assertTrue(gappy.isPossible(2));
        assertEquals(2, gappy.nextPossibleCpu(1));
    }

    @Test
    void rejectsConfigurationsTheKernelCouldNotHave() {
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(8192, 4, new int[0], 16));
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(8192, 4, new int[] {1, 0}, 16));
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(100, 4, new int[] {0}, 16));
    }

    @Test
    void flsAndRoundupFollowTheKernelHelpers() {
        assertEquals(0, ModelConfig.fls(0));
        assertEquals(1, ModelConfig.fls(1));
        assertEquals(3, ModelConfig.fls(4));
        assertEquals(1, ModelConfig.roundupPowOfTwo(1));
        assertEquals(4, ModelConfig.roundupPowOfTwo(3));
        assertEquals(64, ModelConfig.roundupPowOfTwo(64));
    }
}
