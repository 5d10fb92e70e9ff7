// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint probes. The syscall tracepoints are not exported on Debian kernels, so they are
 * found by name. The hot path is sys_enter/sys_exit for every syscall on the machine: its first
 * act is one bit test on the syscall number, against a bitmap derived from the event interest
 * set whenever that set changes.
 */
#include <linux/module.h>
#include <linux/tracepoint.h>
#include <linux/sched.h>
#include <linux/ptrace.h>
#include <linux/compat.h>
#include <linux/binfmts.h>
#include <linux/mutex.h>
#include <asm/syscall.h>
#include "vigil.h"

/* syscall number -> Vigil event, from the generated map. */
static const u8 sys_to_evt[NR_syscalls] = {
#define VIGIL_SYS(name, evt) [__NR_##name] = evt,
	VIGIL_SYSCALL_MAP(VIGIL_SYS)
#undef VIGIL_SYS
};

static DECLARE_BITMAP(sys_wanted, NR_syscalls);
static DECLARE_BITMAP(evt_wanted, VIGIL_INTEREST_WORDS * 64);

/*
 * A successful execveat was seen to reach sys_exit with the syscall number of execve, so the
 * event chosen at entry is remembered per task (slot by tid; a collision only costs the
 * fallback to the exit-time number).
 */
struct exec_slot {
	pid_t tid;
	u16 evt;
};
static struct exec_slot exec_slots[64];

static bool is_enter_event(unsigned int evt)
{
	switch (evt) {
#define VIGIL_ENT(e) case e:
	VIGIL_ENTER_EVENTS(VIGIL_ENT)
#undef VIGIL_ENT
		return true;
	default:
		return false;
	}
}

bool vigil_event_wanted(unsigned int evt)
{
	return evt < VIGIL_EVT_MAX && test_bit(evt, evt_wanted);
}

static int syscall_hooks(bool on);
static DEFINE_MUTEX(interest_lock);

/*
 * Bits beyond VIGIL_EVT_MAX are ignored; unknown ids cannot select anything. The syscall
 * tracepoints are attached only while some syscall is wanted: attached, they send every syscall
 * on the machine through the kernel's slow syscall path, even when the probe's first bit test
 * then returns at once.
 */
int vigil_set_interest(const u64 *events)
{
	unsigned int evt, nr;
	int err;

	mutex_lock(&interest_lock);
	for (evt = 0; evt < VIGIL_INTEREST_WORDS * 64; evt++) {
		bool on = evt > 0 && evt < VIGIL_EVT_MAX && (events[evt / 64] >> (evt % 64)) & 1;

		if (on)
			set_bit(evt, evt_wanted);
		else
			clear_bit(evt, evt_wanted);
	}
	/* An exec may leave under the other exec's number: either event needs both hooks. */
	if (test_bit(VIGIL_EVT_EXECVE, evt_wanted) || test_bit(VIGIL_EVT_EXECVEAT, evt_wanted)) {
		set_bit(__NR_execve, sys_wanted);
		set_bit(__NR_execveat, sys_wanted);
	} else {
		clear_bit(__NR_execve, sys_wanted);
		clear_bit(__NR_execveat, sys_wanted);
	}
	for (nr = 0; nr < NR_syscalls; nr++) {
		if (nr == __NR_execve || nr == __NR_execveat)
			continue;
		if (sys_to_evt[nr] && test_bit(sys_to_evt[nr], evt_wanted))
			set_bit(nr, sys_wanted);
		else
			clear_bit(nr, sys_wanted);
	}
	err = syscall_hooks(!bitmap_empty(sys_wanted, NR_syscalls));
	mutex_unlock(&interest_lock);
	return err;
}

static void probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	unsigned long args[6];
	unsigned int evt;

	if ((unsigned long)id >= NR_syscalls || !test_bit(id, sys_wanted))
		return;
	evt = sys_to_evt[id];
	if (!is_enter_event(evt) || in_compat_syscall())
		return;
	syscall_get_arguments(current, regs, args);
	WRITE_ONCE(exec_slots[current->pid & 63].evt, evt);
	WRITE_ONCE(exec_slots[current->pid & 63].tid, current->pid);
	if (vigil_event_wanted(evt))
		vigil_execve_enter(evt, args);
}

static void probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	long id = syscall_get_nr(current, regs);
	unsigned long args[6];
	unsigned int evt;

	if ((unsigned long)id >= NR_syscalls || !test_bit(id, sys_wanted))
		return;
	if (in_compat_syscall())
		return;
	evt = sys_to_evt[id];
	/* On x86-64 the argument registers survive the syscall; only ax holds the result. */
	syscall_get_arguments(current, regs, args);
	if (evt == VIGIL_EVT_EXECVE || evt == VIGIL_EVT_EXECVEAT) {
		struct exec_slot *slot = &exec_slots[current->pid & 63];

		if (READ_ONCE(slot->tid) == current->pid) {
			evt = READ_ONCE(slot->evt);
			WRITE_ONCE(slot->tid, 0);
		}
		if (!vigil_event_wanted(evt))
			return;
	}
	switch (evt) {
	case VIGIL_EVT_EXECVE:
	case VIGIL_EVT_EXECVEAT:
	case VIGIL_EVT_CLONE:
	case VIGIL_EVT_CLONE3:
	case VIGIL_EVT_FORK:
	case VIGIL_EVT_VFORK:
		vigil_proc_exit_syscall(evt, id, args, ret);
		break;
	default:
		vigil_fill_syscall(evt, id, args, ret);
	}
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
	bool on_demand;	/* attached by syscall_hooks(), not at load */
	struct tracepoint *tp;
	bool registered;
};

static struct vigil_tp tps[] = {
	{ "sys_enter", probe_sys_enter, true },
	{ "sys_exit", probe_sys_exit, true },
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
		if (tps[i].on_demand)
			continue;
		err = tracepoint_probe_register(tps[i].tp, tps[i].probe, NULL);
		if (err) {
			pr_err("vigil: cannot register %s: %d\n", tps[i].name, err);
			goto fail;
		}
		tps[i].registered = true;
	}
	return 0;
fail:
	vigil_probes_unregister();
	return err;
}

/* Caller holds interest_lock. The probes only use memory freed after module-exit sync. */
static int syscall_hooks(bool on)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(tps); i++) {
		if (!tps[i].on_demand || tps[i].registered == on)
			continue;
		if (on) {
			err = tracepoint_probe_register(tps[i].tp, tps[i].probe, NULL);
			if (err) {
				pr_err("vigil: cannot register %s: %d\n", tps[i].name, err);
				syscall_hooks(false);
				return err;
			}
		} else {
			tracepoint_probe_unregister(tps[i].tp, tps[i].probe, NULL);
		}
		tps[i].registered = on;
	}
	return 0;
}

void vigil_probes_unregister(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tps); i++) {
		if (tps[i].registered)
			tracepoint_probe_unregister(tps[i].tp, tps[i].probe, NULL);
		tps[i].registered = false;
	}
	/* No probe may still be running when the rings and scratch areas are freed. */
	tracepoint_synchronize_unregister();
}
