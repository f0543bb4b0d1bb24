// SPDX-License-Identifier: GPL-2.0
/*
 * vmap_window: the vm_unmap_aliases() retirement window on a real kernel
 * (docs/findings/vm-unmap-aliases-window.md).
 *
 * Three kernel threads, each bound to its own CPU, per attempt:
 *
 *   toucher  (CPU toucher_cpu)  maps one whole fresh vmap block with vm_map_ram() in 64-page
 *                               chunks, reads every page through its new alias (so this CPU's
 *                               TLB caches the translations), vm_unmap_ram()s all chunks but
 *                               the last (PTEs cleared, TLB flush left lazy: 64141da5), then
 *                               waits, spinning, for the other two;
 *   retirer  (CPU retirer_cpu)  vm_unmap_ram()s the last chunk: its vb_free() makes the block
 *                               fully dirty and retires it (free_vmap_block(): xa_erase(), then
 *                               free_vmap_area_noflush() puts the area on the lazy list);
 *   aliaser  (CPU aliaser_cpu)  calls vm_unmap_aliases().
 *
 * Then the toucher probes the older chunks' addresses with copy_from_kernel_nofault(). Their
 * vm_unmap_ram() calls all returned before vm_unmap_aliases() began, so when it has returned no
 * CPU may still translate them: a readable page is a stale alias (the finding).
 *
 * With widen=1, a kretprobe on xa_erase() holds the retirer, and only the retirer, just after
 * its xa_erase() of the block (the window: the block is out of the xarray and its area not yet
 * on the lazy list) until the aliaser's vm_unmap_aliases() has returned and the toucher has
 * probed, or hold_ms passed.
 * With widen=0 the retirer and the aliaser are released at the same moment and race freely.
 *
 * Every attempt first probes the older chunks once before the race (calibration): readable
 * there shows the probe can see a stale TLB entry at all on this machine (under QEMU's TCG the
 * per-vCPU software TLB keeps a translation until the guest flushes it).
 *
 * The result is printed as one line: "vmap_window: result widen=W attempts=N stale=K ...".
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/vmalloc.h>
#include <linux/kprobes.h>
#include <linux/uaccess.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/delay.h>
#include <linux/timekeeping.h>
#include <linux/completion.h>

static int attempts = 100;
module_param(attempts, int, 0444);
MODULE_PARM_DESC(attempts, "number of attempts");
static bool widen = true;
module_param(widen, bool, 0444);
MODULE_PARM_DESC(widen, "hold the retiring vb_free() just after its xa_erase()");
/*
 * VMAP_BBMAP_BITS: VMALLOC_SPACE (128 GiB on 64-bit) / PAGE_SIZE / roundup_pow_of_two(NR_CPUS)
 * / 16, clamped to [128, 1024]; 256 (a 1 MiB block) with Debian's NR_CPUS=8192. kernel/run
 * computes it from the kernel's config. A wrong value makes the toucher retire blocks itself
 * (its own flush then hides the window): the result line's "flushed" count shows it.
 */
static int block_pages = 256;
module_param(block_pages, int, 0444);
MODULE_PARM_DESC(block_pages, "VMAP_BBMAP_BITS of this kernel");
static int hold_ms = 200;
module_param(hold_ms, int, 0444);
MODULE_PARM_DESC(hold_ms, "longest hold of the retirer in the window");
static int toucher_cpu;
module_param(toucher_cpu, int, 0444);
static int retirer_cpu = 1;
module_param(retirer_cpu, int, 0444);
static int aliaser_cpu = 2;
module_param(aliaser_cpu, int, 0444);

#define CHUNK_PAGES 64		/* VMAP_MAX_ALLOC on 64-bit: the largest vb_alloc() */
#define MAX_CHUNKS 64
#define MAX_STRAYS 256
#define WAIT_NS (2ULL * NSEC_PER_SEC)

enum phase { IDLE, GO };

struct attempt {
	void *chunk[MAX_CHUNKS];
	int chunks;
	atomic_t phase;
	atomic_t retired;	/* the retirer's vm_unmap_ram() returned */
	atomic_t in_window;	/* the retirer is held after its xa_erase() */
	atomic_t aliases_done;	/* the aliaser's vm_unmap_aliases() returned */
	atomic_t probed;	/* the toucher probed after vm_unmap_aliases() returned */
	atomic_t flushes;	/* flush_tlb_kernel_range() calls during the race, by anyone */
	atomic_t generation;	/* bumped per attempt, read by the helpers */
	bool hold_timed_out;
	bool window_missed;
};

static struct attempt cur;
static struct task_struct *retirer_task;
static struct page *pages[CHUNK_PAGES];
static void *strays[MAX_STRAYS];
static int nstrays;

static bool spin_until(atomic_t *flag, int value)
{
	u64 deadline = ktime_get_mono_fast_ns() + WAIT_NS;

	while (atomic_read_acquire(flag) != value) {
		if (ktime_get_mono_fast_ns() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

/* kretprobe on xa_erase(): in the retirer's free_vmap_block(), between A6 and A8. */
static int xa_erase_returned(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	u64 deadline;

	if (!widen || current != READ_ONCE(retirer_task) || atomic_read(&cur.phase) != GO)
		return 0;
	atomic_set_release(&cur.in_window, 1);
	deadline = ktime_get_mono_fast_ns() + (u64)hold_ms * NSEC_PER_MSEC;
	while (!atomic_read_acquire(&cur.probed)) {
		if (ktime_get_mono_fast_ns() > deadline) {
			cur.hold_timed_out = true;
			break;
		}
		cpu_relax();
	}
	return 0;
}

static struct kretprobe window_probe = {
	.kp.symbol_name = "xa_erase",
	.handler = xa_erase_returned,
	.maxactive = 8,
};

static int flush_called(struct kprobe *p, struct pt_regs *regs)
{
	if (atomic_read(&cur.phase) == GO)
		atomic_inc(&cur.flushes);
	return 0;
}

/* Counts kernel TLB flushes during the race: a stale alias needs none to have happened. */
static struct kprobe flush_probe = {
	.symbol_name = "flush_tlb_kernel_range",
	.pre_handler = flush_called,
};

static int wait_for_go(int seen)
{
	while (atomic_read_acquire(&cur.generation) == seen) {
		if (kthread_should_stop())
			return -1;
		cond_resched();
	}
	return atomic_read(&cur.generation);
}

static int retirer_fn(void *unused)
{
	int seen = 0;

	while ((seen = wait_for_go(seen)) > 0) {
		vm_unmap_ram(cur.chunk[cur.chunks - 1], CHUNK_PAGES);
		atomic_set_release(&cur.retired, 1);
	}
	return 0;	/* wait_for_go() saw kthread_should_stop() */
}

static int aliaser_fn(void *unused)
{
	int seen = 0;

	while ((seen = wait_for_go(seen)) > 0) {
		if (widen && !spin_until(&cur.in_window, 1))
			cur.window_missed = true;
		vm_unmap_aliases();
		atomic_set_release(&cur.aliases_done, 1);
	}
	return 0;	/* wait_for_go() saw kthread_should_stop() */
}

static unsigned long block_bytes(void)
{
	return (unsigned long)block_pages << PAGE_SHIFT;
}

/*
 * Maps 64-page chunks until a run of them fills one whole block from its start; the chunks
 * outside that run (they went to older blocks with room) are strays, unmapped at the end.
 */
static bool map_fresh_block(void)
{
	int needed = block_pages / CHUNK_PAGES, run = 0, i;
	void *c;

	while (run < needed) {
		c = vm_map_ram(pages, CHUNK_PAGES, NUMA_NO_NODE);
		if (!c || nstrays + run + 1 > MAX_STRAYS) {
			if (c)
				strays[nstrays++] = c;
			for (i = 0; i < run; i++)
				strays[nstrays++] = cur.chunk[i];
			return false;
		}
		if (run > 0 && c == cur.chunk[0] + (unsigned long)run * CHUNK_PAGES * PAGE_SIZE) {
			cur.chunk[run++] = c;
			continue;
		}
		for (i = 0; i < run; i++)
			strays[nstrays++] = cur.chunk[i];
		run = 0;
		if (IS_ALIGNED((unsigned long)c, block_bytes()))
			cur.chunk[run++] = c;
		else
			strays[nstrays++] = c;
	}
	cur.chunks = needed;
	return true;
}

static void touch_chunk(void *chunk)
{
	int p;

	for (p = 0; p < CHUNK_PAGES; p++)
		(void)READ_ONCE(*(volatile u8 *)(chunk + p * PAGE_SIZE));
}

/* How many pages of the older chunks this CPU can still read through their old addresses. */
static int readable_older_pages(void)
{
	int c, p, readable = 0;
	u8 byte;

	for (c = 0; c < cur.chunks - 1; c++)
		for (p = 0; p < CHUNK_PAGES; p++)
			if (!copy_from_kernel_nofault(&byte, cur.chunk[c] + p * PAGE_SIZE, 1))
				readable++;
	return readable;
}

struct tally {
	int stale, calibrated, timed_out, missed, setup_failed, stuck, flushed, strays;
	long stale_pages;
};

static void run_attempt(struct tally *t)
{
	int c, readable;

	vm_unmap_aliases();	/* nothing pending from earlier attempts or anyone else */
	memset(cur.chunk, 0, sizeof(cur.chunk));
	cur.chunks = 0;
	nstrays = 0;
	if (!map_fresh_block()) {
		t->setup_failed++;
		goto release;
	}
	/* Strays out, and everything pending flushed, before this block's pages are touched. */
	for (c = 0; c < nstrays; c++)
		vm_unmap_ram(strays[c], CHUNK_PAGES);
	t->strays += nstrays;
	nstrays = 0;
	vm_unmap_aliases();
	for (c = 0; c < cur.chunks; c++)
		touch_chunk(cur.chunk[c]);
	for (c = 0; c < cur.chunks - 1; c++)
		vm_unmap_ram(cur.chunk[c], CHUNK_PAGES);
	if (readable_older_pages() > 0)
		t->calibrated++;

	atomic_set(&cur.retired, 0);
	atomic_set(&cur.in_window, 0);
	atomic_set(&cur.aliases_done, 0);
	atomic_set(&cur.probed, 0);
	atomic_set(&cur.flushes, 0);
	cur.hold_timed_out = false;
	cur.window_missed = false;
	atomic_set(&cur.phase, GO);
	atomic_inc_return_release(&cur.generation);
	if (!spin_until(&cur.aliases_done, 1)) {
		t->stuck++;	/* the aliaser did not return: the chunks are left mapped */
		atomic_set(&cur.phase, IDLE);
		return;
	}
	readable = readable_older_pages();
	atomic_set_release(&cur.probed, 1);
	if (!spin_until(&cur.retired, 1)) {
		t->stuck++;
		atomic_set(&cur.phase, IDLE);
		return;
	}
	atomic_set(&cur.phase, IDLE);
	t->flushed += atomic_read(&cur.flushes) > 0;
	if (readable > 0) {
		t->stale++;
		t->stale_pages += readable;
	}
	t->timed_out += cur.hold_timed_out;
	t->missed += cur.window_missed;
release:	/* only a failed map_fresh_block() leaves strays here: it moved its run among them */
	for (c = 0; c < nstrays; c++)
		vm_unmap_ram(strays[c], CHUNK_PAGES);
	vm_unmap_aliases();
}

struct toucher_args {
	struct tally tally;
	struct completion done;
};

static int toucher_fn(void *data)
{
	struct toucher_args *args = data;
	int i;

	for (i = 0; i < attempts; i++)
		run_attempt(&args->tally);
	complete(&args->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static struct task_struct *start_on(int (*fn)(void *), void *data, int cpu, const char *name)
{
	struct task_struct *t = kthread_create(fn, data, "%s/%d", name, cpu);

	if (IS_ERR(t))
		return t;
	kthread_bind(t, cpu);
	wake_up_process(t);
	return t;
}

static int __init vmap_window_init(void)
{
	struct toucher_args *args;
	struct task_struct *toucher, *aliaser;
	int i, err;

	if (num_online_cpus() < 3 || block_pages % CHUNK_PAGES || block_pages / CHUNK_PAGES > MAX_CHUNKS) {
		pr_err("vmap_window: needs 3 online CPUs and block_pages a multiple of %d\n", CHUNK_PAGES);
		return -EINVAL;
	}
	args = kzalloc(sizeof(*args), GFP_KERNEL);
	if (!args)
		return -ENOMEM;
	init_completion(&args->done);
	for (i = 0; i < CHUNK_PAGES; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i]) {
			err = -ENOMEM;
			goto free_pages;
		}
	}
	err = register_kretprobe(&window_probe);
	if (err) {
		pr_err("vmap_window: register_kretprobe(xa_erase) failed: %d\n", err);
		goto free_pages;
	}
	err = register_kprobe(&flush_probe);
	if (err) {
		pr_err("vmap_window: register_kprobe(flush_tlb_kernel_range) failed: %d\n", err);
		unregister_kretprobe(&window_probe);
		goto free_pages;
	}
	retirer_task = start_on(retirer_fn, NULL, retirer_cpu, "vmap_retirer");
	aliaser = start_on(aliaser_fn, NULL, aliaser_cpu, "vmap_aliaser");
	toucher = start_on(toucher_fn, args, toucher_cpu, "vmap_toucher");
	wait_for_completion(&args->done);
	kthread_stop(toucher);
	kthread_stop(aliaser);
	kthread_stop(retirer_task);
	unregister_kprobe(&flush_probe);
	unregister_kretprobe(&window_probe);
	pr_info("vmap_window: result widen=%d attempts=%d stale=%d calibrated=%d stale_pages=%ld flushed=%d hold_timed_out=%d window_missed=%d setup_failed=%d stuck=%d strays=%d block_pages=%d\n",
		widen, attempts, args->tally.stale, args->tally.calibrated, args->tally.stale_pages,
		args->tally.flushed, args->tally.timed_out, args->tally.missed,
		args->tally.setup_failed, args->tally.stuck, args->tally.strays, block_pages);
	err = 0;
free_pages:
	for (i = 0; i < CHUNK_PAGES; i++)
		if (pages[i])
			__free_page(pages[i]);
	kfree(args);
	return err;
}

static void __exit vmap_window_exit(void)
{
}

module_init(vmap_window_init);
module_exit(vmap_window_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Shows the vm_unmap_aliases() retirement window on a real kernel");
