package org.vmapstress.harness.exec;

import java.util.List;
import java.util.stream.IntStream;
import org.vmapstress.model.ModelConfig;

/**
 * The model's size knobs in a spec: the possible CPUs (gaps allowed), the vmalloc space and the
 * page-frame pool. The defaults are the small stress configuration (8192 VA pages in 128-page
 * blocks, 1024 frames).
 */
public record ModelShape(List<Integer> cpus, long vaPages, int frames) {
    public static final long DEFAULT_VA_PAGES = 8192;
    public static final int DEFAULT_FRAMES = 1024;

    /**
     * The shapes of the zoo's workload profiles (zoo, bench, and the peers measured against
     * them): CPUs 0-3, and CPUs {0, 2} (a gap in the possible CPUs).
     */
    public static final List<ModelShape> ZOO_PROFILES = List.of(firstCpus(4),
            new ModelShape(List.of(0, 2), DEFAULT_VA_PAGES, DEFAULT_FRAMES));

    public ModelShape {
        cpus = List.copyOf(cpus);
    }

    /** CPUs 0 to {@code count - 1}, default sizes. */
    public static ModelShape firstCpus(int count) {
        return new ModelShape(IntStream.range(0, count).boxed().toList(), DEFAULT_VA_PAGES, DEFAULT_FRAMES);
    }

    /** The model configuration; throws IllegalArgumentException for a shape the model cannot have. */
    public ModelConfig config() {
        return ModelConfig.small().withVmallocPages(vaPages).withPageFrames(frames)
                .withPossibleCpus(cpus.stream().mapToInt(Integer::intValue).toArray());
    }
}
