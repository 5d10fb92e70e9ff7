// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks: one kernel return probe per syscall of the event table (on its __x64_sys_* entry
 * point), one on schedule_tail() for the new task's side of a clone, and the scheduler's exec
 * and exit tracepoints (found by name: they are not exported to modules). All are attached at
 * load and detached at unload; the interest set only flips bits in two bitmaps that the hooks
 * test first. No raw syscall tracepoint: attached, it sends every syscall on the machine
 * through the kernel's slow syscall path.
 */
#include <linux/module.h>
#include <linux/tracepoint.h>
#include <linux/sched.h>
#include <linux/ptrace.h>
#include <linux/compat.h>
#include <linux/binfmts.h>
#include <linux/mutex.h>
#include <linux/kprobes.h>
#include <linux/fdtable.h>
#include <asm/syscall.h>
#include "vigil.h"

/* syscall number -> Vigil event: filled from the hook table (the generated map) at load. */
static u8 sys_to_evt[NR_syscalls] __ro_after_init;

static DECLARE_BITMAP(sys_wanted, NR_syscalls);
static DECLARE_BITMAP(evt_wanted, VIGIL_INTEREST_WORDS * 64);

bool vigil_event_wanted(unsigned int evt)
{
	return evt < VIGIL_EVT_MAX && test_bit(evt, evt_wanted);
}

/* Events that also write an entry record (execve family: the old image is gone at return). */
#define VIGIL_ENT(e) { .evt = (e) },
static const struct { u16 evt; } enter_events[] = {
	VIGIL_ENTER_EVENTS(VIGIL_ENT)
};
#undef VIGIL_ENT

static bool is_enter_event(unsigned int evt)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(enter_events); i++)
		if (enter_events[i].evt == evt)
			return true;
	return false;
}

static bool clone_event(unsigned int evt)
{
	return evt == VIGIL_EVT_CLONE || evt == VIGIL_EVT_CLONE3 ||
	       evt == VIGIL_EVT_FORK || evt == VIGIL_EVT_VFORK;
}

static DEFINE_MUTEX(interest_lock);

/*
 * The process holding /dev/vigil: its reads and writes of the device itself are not captured.
 * Once 'read' is wanted, each read() of the device would otherwise be a record, which the next
 * read() returns: the reader would never see the rings empty (the guest reader ran out of
 * memory). Its other syscalls are captured like anyone's; other processes pay one compare.
 */
static pid_t reader_tgid;

void vigil_set_reader(pid_t tgid)
{
	WRITE_ONCE(reader_tgid, tgid);
}

static bool reader_io_on_device(unsigned int evt)
{
	struct file *f;
	bool dev;

	if (current->tgid != READ_ONCE(reader_tgid) || (evt != VIGIL_EVT_READ && evt != VIGIL_EVT_WRITE))
		return false;
	rcu_read_lock();
	f = files_lookup_fd_rcu(current->files, (unsigned int)task_pt_regs(current)->di);
	dev = f && vigil_is_device(f);
	rcu_read_unlock();
	return dev;
}

/*
 * Bits beyond VIGIL_EVT_MAX are ignored; unknown ids cannot select anything. Only the bitmaps
 * change here: the hooks stay attached from load to unload, because attaching or detaching one
 * live-patches kernel text that other CPUs may be executing (see kmod/README.md, "CI hang").
 */
int vigil_set_interest(const u64 *events)
{
	unsigned int evt, nr;

	mutex_lock(&interest_lock);
	for (evt = 0; evt < VIGIL_INTEREST_WORDS * 64; evt++) {
		bool on = evt > 0 && evt < VIGIL_EVT_MAX && (events[evt / 64] >> (evt % 64)) & 1;

		if (on)
			set_bit(evt, evt_wanted);
		else
			clear_bit(evt, evt_wanted);
	}
	for (nr = 0; nr < NR_syscalls; nr++) {
		if (sys_to_evt[nr] && test_bit(sys_to_evt[nr], evt_wanted))
			set_bit(nr, sys_wanted);
		else
			clear_bit(nr, sys_wanted);
	}
	mutex_unlock(&interest_lock);
	return 0;
}

/*
 * One return probe per syscall of the event table, on its x86-64 entry point (__x64_sys_*):
 * a syscall nobody hooks (getpid) runs exactly as without the module, and a hooked one that no
 * rule wants costs one bit test at entry (returning non-zero there sets up no return hook).
 * The syscall's own registers are task_pt_regs(); on x86-64 the argument registers survive the
 * call, so the return handler reads the arguments from there and the result from ax.
 */
struct vigil_hook {
	struct kretprobe rp;
	u16 nr;
	u8 evt;
	bool enter;	/* writes an entry record too */
	bool registered;
};

#define VIGIL_HOOK(name, e) { .rp.kp.symbol_name = "__x64_sys_" #name, .nr = __NR_##name, .evt = e },
static struct vigil_hook hooks[] = {
	VIGIL_SYSCALL_MAP(VIGIL_HOOK)
};
#undef VIGIL_HOOK

static struct vigil_hook *hook_of(struct kretprobe_instance *ri)
{
	return container_of(get_kretprobe(ri), struct vigil_hook, rp);
}

static int hook_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vigil_hook *h = hook_of(ri);
	unsigned long args[6];

	if (!test_bit(h->nr, sys_wanted) || in_compat_syscall() || reader_io_on_device(h->evt))
		return 1;
	if (h->enter) {
		syscall_get_arguments(current, task_pt_regs(current), args);
		vigil_execve_enter(h->evt, args);
	}
	return 0;
}

static void syscall_exit(unsigned int evt, long nr, long ret)
{
	unsigned long args[6];

	syscall_get_arguments(current, task_pt_regs(current), args);
	if (evt == VIGIL_EVT_EXECVE || evt == VIGIL_EVT_EXECVEAT || clone_event(evt))
		vigil_proc_exit_syscall(evt, nr, args, ret);
	else
		vigil_fill_syscall(evt, nr, args, ret);
}

static int hook_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vigil_hook *h = hook_of(ri);

	syscall_exit(h->evt, h->nr, regs_return_value(regs));
	return 0;
}

/*
 * A new task's side of a clone: it never returns through __x64_sys_clone but through
 * ret_from_fork, right after schedule_tail(). Its registers are a copy of the parent's (the
 * syscall number in orig_ax), with ax = 0. schedule_tail() is entered with the runqueue locked,
 * so the record is written on its return, once the lock is dropped.
 */
static int child_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	long nr;

	if (current->flags & (PF_KTHREAD | PF_IO_WORKER) || in_compat_syscall())
		return 1;
	nr = task_pt_regs(current)->orig_ax;
	if ((unsigned long)nr >= NR_syscalls || !test_bit(nr, sys_wanted) || !clone_event(sys_to_evt[nr]))
		return 1;
	return 0;
}

static int child_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	long nr = task_pt_regs(current)->orig_ax;

	syscall_exit(sys_to_evt[nr], nr, 0);
	return 0;
}

static struct vigil_hook child_hook = { .rp.kp.symbol_name = "schedule_tail" };

/*
 * Concurrent calls one hook can follow to their return: every wanted call holds an instance
 * until it returns, so a syscall that sleeps (a read on a pipe or socket, an accept, a connect)
 * holds one for as long as it sleeps. A node has hundreds of threads parked in read() or
 * recvmsg(); with the old 64 + 8 per CPU for every hook, a wanted read beyond that was counted
 * in 'missed' and its record lost. Unwanted calls take an instance only for the entry handler's
 * bit test, so the pool size costs memory (about 64 bytes an instance), not time.
 */
static bool may_sleep_long(unsigned int evt)
{
	switch (evt) {
	case VIGIL_EVT_READ:
	case VIGIL_EVT_WRITE:
	case VIGIL_EVT_RECVFROM:
	case VIGIL_EVT_RECVMSG:
	case VIGIL_EVT_SENDTO:
	case VIGIL_EVT_SENDMSG:
	case VIGIL_EVT_ACCEPT:
	case VIGIL_EVT_ACCEPT4:
	case VIGIL_EVT_CONNECT:
	case VIGIL_EVT_OPEN:	/* a FIFO open waits for the other end */
	case VIGIL_EVT_OPENAT:
		return true;
	default:
		return false;
	}
}

static int hook_maxactive(unsigned int evt)
{
	int cpus = num_possible_cpus();

	return may_sleep_long(evt) ? max(1024, 64 * cpus) : 64 + 8 * cpus;
}

static int hook_register(struct vigil_hook *h, kretprobe_handler_t entry, kretprobe_handler_t ret)
{
	int err;

	h->rp.entry_handler = entry;
	h->rp.handler = ret;
	h->rp.maxactive = hook_maxactive(h->evt);
	err = register_kretprobe(&h->rp);
	h->registered = !err;
	return err;
}

static int hooks_register(void)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		sys_to_evt[hooks[i].nr] = hooks[i].evt;
		hooks[i].enter = is_enter_event(hooks[i].evt);
	}
	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		/* The one syscall whose entry point is named differently from its number. */
		if (hooks[i].nr == __NR_umount2)
			hooks[i].rp.kp.symbol_name = "__x64_sys_umount";
		err = hook_register(&hooks[i], hook_entry, hook_return);
		if (err) {
			pr_err("vigil: cannot hook %s: %d\n", hooks[i].rp.kp.symbol_name, err);
			return err;
		}
	}
	err = hook_register(&child_hook, child_entry, child_return);
	if (err)
		pr_err("vigil: cannot hook schedule_tail: %d\n", err);
	return err;
}

static void hooks_unregister(void)
{
	struct kretprobe *rps[ARRAY_SIZE(hooks) + 1];
	int n = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (hooks[i].registered)
			rps[n++] = &hooks[i].rp;
	if (child_hook.registered)
		rps[n++] = &child_hook.rp;
	/* One grace period for all of them; calls still in flight return through no handler. */
	if (n)
		unregister_kretprobes(rps, n);
	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		hooks[i].registered = false;
	child_hook.registered = false;
}

/* Calls the hooks could not follow to their return (no free instance): lost exit records. */
unsigned long vigil_hooks_missed(void)
{
	unsigned long n = READ_ONCE(child_hook.rp.nmissed);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		n += READ_ONCE(hooks[i].rp.nmissed);
	return n;
}

static void probe_exec(void *data, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	vigil_proc_exec(p, bprm);
}

static void probe_exit(void *data, struct task_struct *p)
{
	if (test_bit(VIGIL_EVT_PROCEXIT, evt_wanted))
		vigil_proc_exit(p);
}

struct vigil_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
};

static struct vigil_tp tps[] = {
	{ "sched_process_exec", probe_exec },
	{ "sched_process_exit", probe_exit },
};

static void find_tp(struct tracepoint *tp, void *priv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tps); i++)
		if (!strcmp(tp->name, tps[i].name))
			tps[i].tp = tp;
}

int vigil_probes_register(void)
{
	size_t i;
	int err;

	for_each_kernel_tracepoint(find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(tps); i++) {
		if (!tps[i].tp) {
			pr_err("vigil: tracepoint %s not found\n", tps[i].name);
			err = -ENOENT;
			goto fail;
		}
		err = tracepoint_probe_register(tps[i].tp, tps[i].probe, NULL);
		if (err) {
			pr_err("vigil: cannot register %s: %d\n", tps[i].name, err);
			goto fail;
		}
		tps[i].registered = true;
	}
	err = hooks_register();
	if (err)
		goto fail;
	return 0;
fail:
	vigil_probes_unregister();
	return err;
}

void vigil_probes_unregister(void)
{
	size_t i;

	hooks_unregister();
	for (i = 0; i < ARRAY_SIZE(tps); i++) {
		if (tps[i].registered)
			tracepoint_probe_unregister(tps[i].tp, tps[i].probe, NULL);
		tps[i].registered = false;
	}
	/* No probe may still be running when the rings and scratch areas are freed. */
	tracepoint_synchronize_unregister();
}
