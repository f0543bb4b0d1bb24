package org.vmapstress.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The per-CPU {@code vmap_block_queue}s. Only possible CPUs have one: the kernel initialises
 * per-CPU data with {@code for_each_possible_cpu}, so an impossible CPU's queue is garbage.
 * Using it is reported the way UBSAN or a wild pointer would: a {@link ModelAssertion}.
 */
final class VmapBlockQueues {
    @Guarded(Guard.IMMUTABLE)
    private final VmapBlockQueue[] byCpu;
    @Guarded(Guard.IMMUTABLE)
    private final List<VmapBlockQueue> possible;
    private final ModelConfig config;
    private final BugSet bugs;

    VmapBlockQueues(ModelConfig config, BugSet bugs, ScheduleHook hook) {
        this.config = config;
        this.bugs = bugs;
        this.byCpu = new VmapBlockQueue[config.nrCpuIds()];
        for (int cpu : config.possibleCpus()) {
            byCpu[cpu] = new VmapBlockQueue(cpu, hook);
        }
        this.possible = Arrays.stream(byCpu).filter(Objects::nonNull).toList();
    }

    /** per_cpu(vmap_block_queue, cpu). */
    VmapBlockQueue of(int cpu) {
        if (cpu == VmapBlock.CPU_UNSET) {
            throw new ModelAssertion(InvariantId.PUBLISHED_INIT, "vmap_block_queue indexed by the vb->cpu of a block"
                    + " reached before new_vmap_block initialised it (UBSAN array-index-out-of-bounds)");
        }
        if (cpu < 0 || cpu >= byCpu.length || byCpu[cpu] == null) {
            throw new ModelAssertion(InvariantId.POSSIBLE_CPU, "vmap_block_queue of CPU " + cpu
                    + " used, but CPU " + cpu + " is not possible: its per-CPU data was never initialised");
        }
        return byCpu[cpu];
    }

    /** addr_to_vb_xa(): the queue whose index holds the block at {@code va}. */
    VmapBlockQueue indexFor(long va) {
        int index = (int) ((va / config.vmapBbmapBits()) % config.nrCpuIds());
        if (!bugs.has(Bug.IMPOSSIBLE_CPU_HASH) && !config.isPossible(index)) {
            index = config.nextPossibleCpu(index);
        }
        return of(index);
    }

    /** addr_to_vb_idx(). */
    long blockIndex(long va) {
        return va / config.vmapBbmapBits();
    }

    /** The queues of the possible CPUs, ascending (for_each_possible_cpu). */
    List<VmapBlockQueue> possible() {
        return possible;
    }
}
