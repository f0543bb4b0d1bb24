package org.vmapstress.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The model's switches, all off by default, one change each ({@link Kind}). The bug zoo:
 * historical kernel bugs the model can re-introduce; with such a switch on, the model behaves as
 * the kernel did before that fix, nothing more: detection has to come from checking the model's
 * state, never from the switch. Canaries are changes no kernel had, kept to prove that a kind of
 * failure (a deadlock) is found end to end. Patches are the inverse of bugs: proposed kernel
 * fixes, not yet in any kernel, checked against every engine before they are sent. Checks make
 * the judge stricter without changing the model. Switches travel together in a {@link BugSet}
 * (and in a replay token's {@code bugs=} field), so every engine and every replay sees them.
 */
public enum Bug {
    /** vb_free and lazy area frees leave the PTEs in place until the range is purged or flushed. */
    LAZY_PTE_CLEAR("lazy-pte-clear", "64141da5", "vmalloc: eagerly clear ptes on vunmap", 2010,
            List.of(InvariantId.PTE_ALIAS, InvariantId.UNMAP_CLEARS),
            "vb_free and large-area frees leave PTEs in place; they are cleared only when the range is flushed or purged"),
    /** The free that makes a block fully dirty skips the PTE clear. */
    LAST_REGION_MAPPED("last-region-mapped", "64141da5 (pre-merge)", "vmalloc: always unmap in vb_free()", 2010,
            List.of(InvariantId.UNMAP_CLEARS, InvariantId.PTE_ALIAS),
            "the vb_free that makes a block fully dirty skips the PTE clear, leaving the last region mapped"),
    /** Fragmented blocks are never purged, so their VA space leaks. */
    NO_FRAGMENT_PURGE("no-fragment-purge", "02b709df", "mm: purge fragmented percpu vmap blocks", 2010,
            List.of(InvariantId.BOUNDED_BLOCKS),
            "fragmented blocks (no live slot, not fully dirty) are never purged: their VA space leaks"),
    /** The area is visible to the purge before its pages are counted; the purge asserts nr <= vmap_lazy_nr. */
    RACY_LAZY_COUNT("racy-lazy-count", "88f50044", "vmalloc: remove BUG_ON due to racy counting of VM_LAZY_FREE", 2010,
            List.of(InvariantId.LAZY_COUNT),
            "a lazily freed area is made visible to the purge before vmap_lazy_nr counts it, and the purge keeps its BUG_ON(nr > vmap_lazy_nr)"),
    /** New blocks go to the head of the free list, so older blocks are never filled or freed. */
    HEAD_INSERT("head-insert", "Roman Pen, 4.1", "mm/vmalloc: fix possible exhaustion of vmalloc space caused by vm_map_ram allocator", 2015,
            List.of(InvariantId.BOUNDED_BLOCKS),
            "new blocks are added at the head of the free list, so older blocks are never filled up or freed"),
    /** vm_unmap_aliases walks only the free lists and misses full blocks' dirty ranges. */
    FREE_LIST_WALK("free-list-walk", "fc1e0d98", "mm/vmalloc: prevent stale TLBs in fully utilized blocks", 2023,
            List.of(InvariantId.ALIASES_FLUSHED),
            "vm_unmap_aliases walks only the per-CPU free lists and misses the dirty ranges of fully used blocks"),
    /** Dirty ranges are not reset after vm_unmap_aliases flushed them. */
    FLUSH_OVER_AND_OVER("flush-over-and-over", "a09fad96", "mm/vmalloc: prevent flushing dirty space over and over", 2023,
            List.of(InvariantId.FLUSH_ONCE),
            "vm_unmap_aliases does not reset a block's dirty range after flushing it"),
    /** Non-forced purges ignore the VMAP_PURGE_THRESHOLD and throw usable blocks away. */
    PURGE_USABLE_BLOCKS("purge-usable-blocks", "77e50af0", "mm/vmalloc: dont purge usable blocks unnecessarily", 2023,
            List.of(InvariantId.USABLE_KEPT),
            "non-forced fragmented-block purges ignore VMAP_PURGE_THRESHOLD and free blocks that could still serve allocations"),
    /** The address hash may pick a CPU id that is not possible. */
    IMPOSSIBLE_CPU_HASH("impossible-cpu-hash", "a34acf30", "mm: vmalloc: check if a hash-index is in cpu_possible_mask (CVE-2024-41032)", 2024,
            List.of(InvariantId.POSSIBLE_CPU),
            "addr_to_vb_xa may hash an address to a CPU id that is not possible, whose per-CPU queue was never initialised"),
    /** purge_fragmented_block unlinks under the lock of the queue that indexes the block, not of vb->cpu. */
    WRONG_VBQ_LOCK("wrong-vbq-lock", "8c61291f", "mm: fix incorrect vbq reference in purge_fragmented_block", 2024,
            List.of(InvariantId.QUEUE_OWNER),
            "purge_fragmented_block unlinks a block from vb->cpu's free list holding the lock of the queue that indexes it"),
    /**
     * vb->cpu is written after the block is inserted into the index: a data race, which the race
     * detector ({@link #DATA_RACES}) reports as DATA-RACE where the reader came after the write.
     */
    PUBLISH_BEFORE_INIT("publish-before-init", "3e3de794", "mm: vmalloc: ensure vmap_block is initialised before adding to queue", 2024,
            List.of(InvariantId.PUBLISHED_INIT, InvariantId.DATA_RACE),
            "new_vmap_block inserts the block into the address index before writing vb->cpu"),
    /**
     * A canary, not a kernel bug: a naive fix for the in-transit window of vm_unmap_aliases that
     * flushes a block's dirty range from the vb_free that makes it fully dirty, taking
     * vmap_purge_lock under vb->lock, against the purge -> block order of _vm_unmap_aliases (an
     * ABBA deadlock). It proves that a deadlocking change is found and replayed.
     */
    FLUSH_UNDER_BLOCK_LOCK("flush-under-block-lock",
            "a naive fix for the window vm_unmap_aliases leaves open: vb_free flushes a fully dirty block itself",
            List.of(InvariantId.LOCK_ORDER),
            "the vb_free that makes a block fully dirty takes vmap_purge_lock under vb->lock to flush it, "
                    + "the reverse of vm_unmap_aliases' order: two such threads deadlock"),
    /**
     * A canary, not a kernel bug: new_vmap_block writes vb->cpu early (as since 3e3de794) but
     * links the block on the queue of the CPU it runs on at list_add ({@code raw_cpu_ptr}, as
     * before 8c61291f), reading raw_smp_processor_id() twice. Only a migration between the two
     * reads, inside one vm_map_ram, breaks it: the race that proves the scheduler's migrations
     * ({@code --sched random+migrate}) reach inside operations.
     */
    LIST_ADD_THIS_CPU("list-add-this-cpu",
            "new_vmap_block links the block on the queue of the CPU it runs on at list_add, not on vb->cpu's",
            List.of(InvariantId.QUEUE_OWNER),
            "new_vmap_block sets vb->cpu, then links the block on raw_cpu_ptr(&vmap_block_queue): a task migrated between "
                    + "the two reads leaves the block on another CPU's free list"),
    /**
     * A canary, not a kernel bug: vb_alloc takes the queue's lock before the block's, against the
     * block -> queue order, and takes it before its {@code try}. Lockdep reports the inverted
     * acquire of vb->lock, and the task it kills leaves vbq->lock held: every later vb_alloc or
     * list_add on that CPU waits for it forever. It proves that a lock an oops leaves held ends a
     * free-running execution red and on time, naming the dead holder, not at a watchdog.
     */
    QUEUE_LOCK_FIRST("queue-lock-first",
            "vb_alloc takes vbq->lock before vb->lock, outside its try block",
            List.of(InvariantId.LOCK_ORDER),
            "vb_alloc takes vbq->lock, then vb->lock: lockdep reports the inversion, and the task it kills leaves vbq->lock "
                    + "held, so the other tasks on that CPU's queue wait for it forever"),
    /**
     * A canary, not a kernel bug: vb_free widens the block's dirty range just before it takes
     * vb->lock, not under it. The update is one step between two schedule points, so no
     * controlled schedule can interleave inside it: only the race detector ({@link #DATA_RACES})
     * sees the lock it lacks, at the first free. Threads running at once can lose the widening
     * against vm_unmap_aliases' reset of the range, and ALIASES-FLUSHED breaks (free-running
     * saw it in its 38th execution of a 10-second zoo share). One of three "lock dropped around
     * one update" canaries.
     */
    DIRTY_RANGE_UNLOCKED("dirty-range-unlocked",
            "vb_free widens vb->dirty_min/dirty_max before taking vb->lock",
            List.of(InvariantId.DATA_RACE, InvariantId.ALIASES_FLUSHED),
            "vb_free widens the block's dirty range without vb->lock held, just before taking it to count the slots dirty"),
    /**
     * A canary, not a kernel bug: vb_free adds its slots to vb->dirty just before it takes
     * vb->lock, and judges "fully dirty" under the lock on the count it wrote. Only threads
     * running at once can lose an update; a controlled schedule cannot, but one can run
     * vm_unmap_aliases between the unlocked count and the lock: it sees the block fully dirty,
     * skips its range, and ALIASES-FLUSHED breaks (a schedule none of 100 executions per policy
     * of run's defaults took; POS took it after about 24,000). Threads running at once lose an
     * update and BLOCK-ACCOUNTING breaks. Found by the race detector at the first free.
     */
    DIRTY_COUNT_UNLOCKED("dirty-count-unlocked",
            "vb_free adds to vb->dirty before taking vb->lock",
            List.of(InvariantId.DATA_RACE, InvariantId.ALIASES_FLUSHED, InvariantId.BLOCK_ACCOUNTING),
            "vb_free adds its slots to vb->dirty without vb->lock held (a plain read-modify-write), then takes the lock"),
    /**
     * A canary, not a kernel bug: a lazily freed area is linked on the lazy list without
     * lazy.lock. The link is one step; a purge's take of the list is one step under the lock:
     * under control they never overlap. Found by the race detector at the first lazy free.
     * Threads running at once lose a link: the area's pages stay counted (LAZY-COUNT) and its
     * TLB entries are never flushed (ALIASES-FLUSHED).
     */
    LAZY_LINK_UNLOCKED("lazy-link-unlocked",
            "free_vmap_area_noflush links the area on the lazy list without its lock",
            List.of(InvariantId.DATA_RACE, InvariantId.LAZY_COUNT, InvariantId.ALIASES_FLUSHED),
            "a lazily freed area is added to the lazy list without lazy.lock held"),
    /**
     * A check, not a model change: ALIASES-FLUSHED without its in-transit exemption
     * ({@link InvariantId#ALIASES_FLUSHED_STRICT}). On the 6.11 model it finds the window that
     * vm_unmap_aliases leaves open while a vb_free retires a block (docs/findings).
     */
    STRICT_ALIASES_FLUSHED("strict-aliases-flushed", Kind.CHECK,
            "vm_unmap_aliases leaves no alias of any page unmapped before it began, blocks in transit included",
            List.of(InvariantId.ALIASES_FLUSHED_STRICT),
            "ALIASES-FLUSHED judges a block a concurrent vb_free is retiring like any other: its older dirty range must be flushed"),
    /**
     * A check, not a model change: the race detector ({@link RaceDetector}) watches every
     * shared field the model declares ({@link Guarded}, {@link SharedField}) and reports
     * {@link InvariantId#DATA_RACE} at the first access unordered with another, or made without
     * its declared lock.
     */
    DATA_RACES("data-races", Kind.CHECK,
            "every two accesses to a shared field, one a write, are ordered by a lock or a publication; every plain access holds its declared lock",
            List.of(InvariantId.DATA_RACE),
            "a happens-before race detector (vector clocks, as FastTrack) and a lockset check watch the model's shared fields"),
    /**
     * Patch candidate (a): _vm_unmap_aliases also takes the dirty range of a fully dirty block it
     * still finds in the index. Closes the window only up to the block's xa_erase.
     */
    WALK_FULLY_DIRTY("walk-fully-dirty", Kind.PATCH,
            "mm/vmalloc: flush fully dirty vmap blocks found by _vm_unmap_aliases()", List.of(),
            "_vm_unmap_aliases takes the dirty range of fully dirty blocks too (drops the vb->dirty != VMAP_BBMAP_BITS test)"),
    /**
     * Patch candidate (b): the vb_free that makes a block fully dirty flushes the block's pending
     * dirty range itself, under vb->lock, before the block leaves the index.
     */
    FLUSH_ON_RETIRE("flush-on-retire", Kind.PATCH,
            "mm/vmalloc: flush a vmap block's pending range before retiring it", List.of(),
            "the last vb_free of a block flushes the block's dirty range under vb->lock before free_vmap_block"),
    /**
     * Patch candidate (c): a block made fully dirty is put on a retire list (under vb->lock) and
     * taken off only after its area is on the lazy list; _vm_unmap_aliases flushes the dirty
     * ranges of the blocks on that list.
     */
    RETIRE_LIST("retire-list", Kind.PATCH,
            "mm/vmalloc: let _vm_unmap_aliases() see vmap blocks being retired", List.of(),
            "retiring blocks stay on a list until their area is on the lazy list; _vm_unmap_aliases flushes their dirty ranges"),
    /**
     * Patch candidate (d): retire-list without a new lock. Each vmap_block_queue gets a list of
     * retiring blocks guarded by its vbq->lock, which already nests inside vb->lock; a block made
     * fully dirty is listed on vb->cpu's queue and taken off after its area is on the lazy list;
     * _vm_unmap_aliases flushes the dirty ranges listed on every queue.
     */
    VBQ_RETIRE_LIST("vbq-retire-list", Kind.PATCH,
            "mm/vmalloc: let _vm_unmap_aliases() see vmap blocks being retired, per vmap_block_queue", List.of(),
            "retiring blocks stay on their vbq's list (under vbq->lock) until their area is on the lazy list; "
                    + "_vm_unmap_aliases flushes their dirty ranges");

    /** What a switch is. */
    public enum Kind {
        /** A historical kernel bug, re-introduced: the zoo. */
        ZOO("a historical bug"),
        /** A change no kernel had, kept to show that its kind of failure is found. */
        CANARY("a canary"),
        /** A proposed kernel fix, not in any kernel yet. */
        PATCH("a patch"),
        /** A stricter judge; the model is unchanged. */
        CHECK("a check");

        private final String noun;

        Kind(String noun) {
            this.noun = noun;
        }

        /** What a switch of this kind is called in messages, e.g. "a patch". */
        public String noun() {
            return noun;
        }
    }

    private final String cliName;
    private final String commit;
    private final String title;
    private final int year;
    private final List<InvariantId> breaks;
    private final String effect;
    private final Kind kind;

    /** A historical bug of the zoo, fixed by {@code commit} in {@code year}. */
    Bug(String cliName, String commit, String title, int year, List<InvariantId> breaks, String effect) {
        this(cliName, Kind.ZOO, commit, title, year, breaks, effect);
    }

    /** A canary: a change no kernel had, kept to show that the harness finds its kind of failure. */
    Bug(String cliName, String title, List<InvariantId> breaks, String effect) {
        this(cliName, Kind.CANARY, "-", title, 0, breaks, effect);
    }

    /** A patch or a check: no kernel commit, no year. */
    Bug(String cliName, Kind kind, String title, List<InvariantId> breaks, String effect) {
        this(cliName, kind, "-", title, 0, breaks, effect);
    }

    private Bug(String cliName, Kind kind, String commit, String title, int year, List<InvariantId> breaks, String effect) {
        this.cliName = cliName;
        this.kind = kind;
        this.commit = commit;
        this.title = title;
        this.year = year;
        this.breaks = breaks;
        this.effect = effect;
    }

    /** The historical kernel bugs, the zoo. */
    public static List<Bug> zoo() {
        return ofKind(Kind.ZOO);
    }

    /** The switches of one kind, in declaration order. */
    public static List<Bug> ofKind(Kind kind) {
        return Arrays.stream(values()).filter(b -> b.kind == kind).toList();
    }

    public Kind kind() {
        return kind;
    }

    /** Whether this switch is a canary (a change no kernel had) rather than a historical bug. */
    public boolean isCanary() {
        return kind == Kind.CANARY;
    }

    /** The name used on the command line and in tokens, e.g. {@code lazy-pte-clear}. */
    public String cliName() {
        return cliName;
    }

    /** The kernel commit that fixed the bug ("-" for the other kinds). */
    public String commit() {
        return commit;
    }

    /** The fixing commit's title. */
    public String title() {
        return title;
    }

    public int year() {
        return year;
    }

    /**
     * The invariants the harness may see broken when this bug is re-introduced, the one its
     * fix names first; a detection counts only when one of these broke (a crash, a watchdog or
     * another invariant is shown for what it is).
     */
    public List<InvariantId> breaks() {
        return breaks;
    }

    /** What re-introducing the bug does to the model, in one sentence. */
    public String effect() {
        return effect;
    }

    /** The bug with this command-line name, if any (case-insensitive). */
    public static Optional<Bug> byName(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(b -> b.cliName.equals(wanted)).findFirst();
    }

    @Override
    public String toString() {
        return cliName;
    }
}
