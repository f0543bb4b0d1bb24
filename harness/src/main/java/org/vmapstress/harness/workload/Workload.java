package org.vmapstress.harness.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.vmapstress.harness.workload.Op.Kind;

/**
 * What each worker thread does: one list of operations per worker, either generated from a
 * seed or one of the named, hand-shaped scenarios.
 */
public record Workload(String name, List<List<Op>> threads) {
    public Workload {
        threads = threads.stream().map(List::copyOf).toList();
    }

    /** The named scenarios, small and focused. */
    public static final Map<String, Supplier<Workload>> SCENARIOS = Map.of(
            "unmap-reuse-pagetable", () -> new Workload("unmap-reuse-pagetable", List.of(
                    List.of(Op.of(Kind.MAP, 1), Op.of(Kind.TOUCH), Op.of(Kind.UNMAP), Op.of(Kind.REUSE_PAGETABLE)),
                    List.of(Op.of(Kind.MAP, 2), Op.of(Kind.UNMAP), Op.of(Kind.ALIASES)))),
            "fill-block-aliases", () -> new Workload("fill-block-aliases", List.of(
                    List.of(Op.of(Kind.MAP, 64), Op.of(Kind.MAP, 64), Op.of(Kind.TOUCH), Op.of(Kind.UNMAP),
                            Op.of(Kind.ALIASES), Op.of(Kind.ALIASES)),
                    List.of(Op.of(Kind.MAP, 1), Op.of(Kind.TOUCH), Op.of(Kind.UNMAP), Op.of(Kind.REUSE_DATA)))),
            "purge-while-alloc", () -> new Workload("purge-while-alloc", List.of(
                    List.of(Op.of(Kind.MAP, 8), Op.of(Kind.MAP, 16), Op.of(Kind.UNMAP), Op.of(Kind.MAP, 32),
                            Op.of(Kind.UNMAP), Op.of(Kind.UNMAP)),
                    List.of(Op.of(Kind.PURGE), Op.of(Kind.ALIASES), Op.of(Kind.PURGE)))),
            // a fragment purge against an allocation and a free: worker 0 fills its first block
            // with two half-block maps, so its next map opens a second block (whose address
            // hashes to another CPU's index), frees that map (the block is then all free or
            // dirty: purge_fragmented_block may take it), maps from it again and frees a map of
            // the first block, while worker 1's vm_unmap_aliases calls purge the fragmented
            // blocks of every CPU
            "fragment-purge-free", () -> new Workload("fragment-purge-free", List.of(
                    List.of(Op.of(Kind.MAP, 64), Op.of(Kind.MAP, 64), Op.of(Kind.MAP, 32), Op.of(Kind.UNMAP, 2),
                            Op.of(Kind.MAP, 32), Op.of(Kind.UNMAP, 0)),
                    List.of(Op.of(Kind.ALIASES), Op.of(Kind.ALIASES)))),
            // the in-transit window (docs/findings): each worker fills a 128-page block with two
            // half-block maps, touches and unmaps the older, unmaps the last (retiring the block),
            // then calls vm_unmap_aliases; in lockstep, one's call meets the other's retirement
            "retire-while-aliases", () -> new Workload("retire-while-aliases",
                    Collections.nCopies(2, List.of(Op.of(Kind.MAP, 64), Op.of(Kind.MAP, 64), Op.of(Kind.TOUCH, 0),
                            Op.of(Kind.UNMAP, 0), Op.of(Kind.UNMAP, 0), Op.of(Kind.ALIASES)))));

    /**
     * Seeded random operations for {@code threads} workers, {@code ops} each. Each worker draws
     * from its own stream, so fewer threads keep the first workers' operations and fewer ops
     * keep a prefix of each: what shrinking relies on.
     */
    public static Workload random(long seed, int threads, int ops) {
        List<List<Op>> lists = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * (t + 1));
            List<Op> list = new ArrayList<>();
            while (list.size() < ops) {
                addRandomOp(random, list);
            }
            lists.add(list.subList(0, ops));
        }
        return new Workload("random", lists);
    }

    private static void addRandomOp(SplittableRandom random, List<Op> list) {
        int dice = random.nextInt(100);
        if (dice < 30) {
            list.add(Op.of(Kind.MAP, mapSize(random)));
        } else if (dice < 45) {
            list.add(Op.of(Kind.TOUCH, random.nextInt(1 << 20)));
        } else if (dice < 68) {
            list.add(Op.of(Kind.UNMAP, random.nextInt(1 << 20)));
        } else if (dice < 76) {
            list.add(Op.of(Kind.REUSE_PAGETABLE));
        } else if (dice < 82) {
            list.add(Op.of(Kind.REUSE_DATA));
        } else if (dice < 87) {
            list.add(Op.of(Kind.MIGRATE, random.nextInt(64)));
        } else if (dice < 97) {
            list.add(Op.of(Kind.ALIASES));
            if (random.nextInt(3) == 0) {
                list.add(Op.of(Kind.ALIASES));
            }
        } else {
            list.add(Op.of(Kind.PURGE));
        }
    }

    private static int mapSize(SplittableRandom random) {
        int dice = random.nextInt(100);
        if (dice < 65) {
            return 1 + random.nextInt(4);
        }
        return dice < 95 ? 5 + random.nextInt(60) : 65 + random.nextInt(16);
    }

    /** The same workload with each worker's first {@code ops} operations only (all of them when it has no more). */
    public Workload firstOps(int ops) {
        return new Workload(name, threads.stream().map(list -> list.subList(0, Math.min(ops, list.size()))).toList());
    }

    public int threadCount() {
        return threads.size();
    }

    public int opsOf(int thread) {
        return threads.get(thread).size();
    }
}
