// SPDX-License-Identifier: GPL-2.0
/*
 * Process events: execve/execveat (an entry record carrying the path, because a successful
 * exec destroys the old image before sys_exit; then the exit record describing the new image),
 * the clone family (one record in the parent, one in the child) and task exit.
 */
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/binfmts.h>
#include <linux/magic.h>
#include <linux/pid_namespace.h>
#include <linux/audit.h>
#include <linux/tty.h>
#include <linux/sched/task.h>
#include <linux/uaccess.h>
#include <uapi/linux/sched.h>
#include "vigil.h"

#define EXE_WRITABLE 1
#define EXE_UPPER_LAYER 2
#define EXE_FROM_MEMFD 4
#define EXE_LOWER_LAYER 8

/*
 * sched_process_exec sees the binprm, whose file is what the kernel really executed (for
 * fexecve that is the memfd). It leaves the facts here for the sys_exit record of the same
 * task; if the task migrated in between, sys_exit falls back to mm->exe_file.
 */
struct exec_note {
	pid_t tid;
	u32 flags;
};
static DEFINE_PER_CPU(struct exec_note, exec_note);

/*
 * Which overlay layer an executable comes from. overlayfs keeps its inode private, so this
 * relies on its Linux 6.1 layout (fs/overlayfs/ovl_entry.h): struct ovl_inode has the upper
 * dentry (NULL while the file exists only below) right after the embedded VFS inode. An open
 * overlay regular file holds the file opened on the real layer in private_data (whose f_path
 * is the overlay's, hence the inode comparison). The guest test execs one binary from each
 * layer of a real overlay mount, so a layout change shows there.
 */
static u32 overlay_layer(struct file *f)
{
	struct dentry *upper = READ_ONCE(*(struct dentry **)(file_inode(f) + 1));
	struct file *real = f->private_data;

	if (!real)
		return 0;
	return upper && d_inode(upper) == file_inode(real) ? EXE_UPPER_LAYER : EXE_LOWER_LAYER;
}

static u32 exe_flags(struct file *f)
{
	struct inode *ino = file_inode(f);
	u32 fl = 0;

	if (ino->i_sb->s_magic == TMPFS_MAGIC || ino->i_sb->s_magic == HUGETLBFS_MAGIC) {
		const unsigned char *name = f->f_path.dentry->d_name.name;

		if (!strncmp(name, "memfd:", 6))
			fl |= EXE_FROM_MEMFD;
	}
	if (ino->i_mode & 0222)
		fl |= EXE_WRITABLE;
	if (ino->i_sb->s_magic == OVERLAYFS_SUPER_MAGIC)
		fl |= overlay_layer(f);
	return fl;
}

void vigil_proc_exec(struct task_struct *p, struct linux_binprm *bprm)
{
	struct exec_note *n = this_cpu_ptr(&exec_note);

	if (!vigil_event_wanted(VIGIL_EVT_EXECVE) && !vigil_event_wanted(VIGIL_EVT_EXECVEAT))
		return;
	n->tid = p->pid;
	n->flags = bprm->file ? exe_flags(bprm->file) : 0;
}

void vigil_execve_enter(unsigned int evt, const unsigned long *args)
{
	struct vigil_rec r;

	if (evt == VIGIL_EVT_EXECVE) {
		rec_begin(&r, evt, VIGIL_DIR_ENTER, VIGIL_EXECVE_ENTER_NPARAMS);
		rec_ustr(&r, args[0], VIGIL_PATH_MAX);
	} else {
		rec_begin(&r, evt, VIGIL_DIR_ENTER, VIGIL_EXECVEAT_ENTER_NPARAMS);
		rec_u64(&r, (u64)(s64)(int)args[0]);
		rec_ustr(&r, args[1], VIGIL_PATH_MAX);
	}
	rec_commit(&r);
}

/* d_path into the record; the path is built at the end of the reservation, then moved. */
static void rec_dpath(struct vigil_rec *r, const struct path *path)
{
	u8 *p = rec_reserve(r, VIGIL_PATH_MAX);
	char *s;

	if (!p)
		return;
	s = d_path(path, (char *)p, VIGIL_PATH_MAX);
	if (IS_ERR(s)) {
		rec_shrink(r, 0);
		return;
	}
	memmove(p, s, (char *)p + VIGIL_PATH_MAX - 1 - s);
	rec_shrink(r, (char *)p + VIGIL_PATH_MAX - 1 - s);
}

static void rec_cwd(struct vigil_rec *r)
{
	struct fs_struct *fs = current->fs;
	struct path pwd;

	if (!fs) {
		rec_empty(r);
		return;
	}
	/* Under fs->lock the pwd cannot change; d_path itself never sleeps. */
	spin_lock(&fs->lock);
	pwd = fs->pwd;
	rec_dpath(r, &pwd);
	spin_unlock(&fs->lock);
}

static void rec_exepath(struct vigil_rec *r, struct mm_struct *mm, u32 *flags)
{
	struct file *exe;

	rcu_read_lock();
	exe = mm ? rcu_dereference(mm->exe_file) : NULL;
	if (exe && get_file_rcu(exe)) {
		rcu_read_unlock();
		if (flags)
			*flags = exe_flags(exe);
		rec_dpath(r, &exe->f_path);
		fput(exe);
		return;
	}
	rcu_read_unlock();
	rec_empty(r);
}

/* argv[0] as exe, the rest as args, both from the process's own argument area. */
static void rec_argv(struct vigil_rec *r, struct mm_struct *mm)
{
	unsigned long start = mm ? mm->arg_start : 0, end = mm ? mm->arg_end : 0;
	u8 *p;
	long n;

	if (!mm || end <= start) {
		rec_empty(r);
		rec_empty(r);
		return;
	}
	p = rec_reserve(r, VIGIL_PATH_MAX);
	if (!p) {
		rec_empty(r);
		return;
	}
	pagefault_disable();
	n = strncpy_from_user((char *)p, (const char __user *)start, min_t(unsigned long, VIGIL_PATH_MAX, end - start));
	pagefault_enable();
	if (n < 0) {
		rec_shrink(r, 0);
		rec_empty(r);
		return;
	}
	rec_shrink(r, n);
	rec_ulist(r, start + n + 1, end, VIGIL_LIST_MAX);
}

/* The 20 parameters every exec and clone record shares (exe .. vtid). */
static void rec_proc_info(struct vigil_rec *r, bool with_env)
{
	struct task_struct *t = current;
	struct mm_struct *mm = t->mm;
	const struct cred *c = current_cred();
	struct tty_struct *tty = READ_ONCE(t->signal->tty);

	rec_argv(r, mm);
	rec_u64(r, t->pid);
	rec_u64(r, t->tgid);
	rcu_read_lock();
	rec_u64(r, task_pid_nr(rcu_dereference(t->real_parent)));
	rcu_read_unlock();
	rec_cwd(r);
	rec_kbytes(r, t->comm, strnlen(t->comm, TASK_COMM_LEN));
	if (with_env && mm)
		rec_ulist(r, mm->env_start, mm->env_end, min_t(u32, VIGIL_LIST_MAX, READ_ONCE(vigil_snaplen) * 16));
	else
		rec_empty(r);
	rec_u32(r, tty ? new_encode_dev(tty_devnum(tty)) : 0);
	rec_u32(r, __kuid_val(audit_get_loginuid(t)));
	rec_u32(r, __kuid_val(c->uid));
	rec_u32(r, __kgid_val(c->gid));
	rec_u64(r, vigil_caps(c->cap_inheritable));
	rec_u64(r, vigil_caps(c->cap_permitted));
	rec_u64(r, vigil_caps(c->cap_effective));
	rec_u64(r, task_pgrp_nr(t));
	rec_u64(r, task_session_nr_ns(t, &init_pid_ns));
	rec_u64(r, task_tgid_vnr(t));
	rec_u64(r, task_pid_vnr(t));
}

static u32 clone_flags(unsigned int evt, const unsigned long *args)
{
	struct clone_args ca;

	switch (evt) {
	case VIGIL_EVT_CLONE:
		return (u32)args[0];
	case VIGIL_EVT_CLONE3:
		if (args[1] >= sizeof(u64) &&
		    !copy_from_user_nofault(&ca.flags, (void __user *)args[0], sizeof(u64)))
			return (u32)ca.flags;
		return 0;
	case VIGIL_EVT_VFORK:
		return CLONE_VM | CLONE_VFORK;
	default:
		return 0;
	}
}

void vigil_proc_exit_syscall(unsigned int evt, long nr, const unsigned long *args, long ret)
{
	bool exec = evt == VIGIL_EVT_EXECVE || evt == VIGIL_EVT_EXECVEAT;
	struct exec_note *note = this_cpu_ptr(&exec_note);
	struct vigil_rec r;
	u32 flags = 0;
	u8 *flags_slot, flags_idx;

	rec_begin(&r, evt, VIGIL_DIR_EXIT,
		  evt == VIGIL_EVT_EXECVE ? VIGIL_EXECVE_NPARAMS :
		  evt == VIGIL_EVT_EXECVEAT ? VIGIL_EXECVEAT_NPARAMS : VIGIL_CLONE_NPARAMS);
	rec_u64(&r, (u64)ret);
	rec_proc_info(&r, exec);
	if (!exec) {
		rec_u32(&r, clone_flags(evt, args));
		rec_commit(&r);
		return;
	}
	/* flags precede exepath in the schema but are learned while resolving it. */
	flags_idx = r.idx;
	flags_slot = rec_reserve(&r, 4);
	rec_exepath(&r, ret == 0 ? current->mm : NULL, &flags);
	if (ret == 0 && note->tid == current->pid)
		flags = note->flags;
	note->tid = 0;
	if (flags_slot) {
		if (ret == 0)
			memcpy(flags_slot, &flags, 4);
		else
			rec_clear(&r, flags_idx);
	}
	/* On failure the old image and its arguments are intact: take the path again. */
	if (evt == VIGIL_EVT_EXECVE) {
		if (ret < 0)
			rec_ustr(&r, args[0], VIGIL_PATH_MAX);
		else
			rec_empty(&r);
	} else if (ret < 0) {
		rec_u64(&r, (u64)(s64)(int)args[0]);
		rec_ustr(&r, args[1], VIGIL_PATH_MAX);
	} else {
		rec_empty(&r);
		rec_empty(&r);
	}
	rec_commit(&r);
}

void vigil_proc_exit(struct task_struct *p)
{
	struct vigil_rec r;
	int code = p->exit_code;

	rec_begin(&r, VIGIL_EVT_PROCEXIT, VIGIL_DIR_EVENT, VIGIL_PROCEXIT_NPARAMS);
	rec_u64(&r, (u64)(s64)code);
	rec_u64(&r, (u64)(s64)((code >> 8) & 0xff));
	rec_u8(&r, code & 0x7f);
	rec_u8(&r, (code & 0x80) ? 1 : 0);
	/* The reaper is chosen later, in exit_notify; not known at this tracepoint. */
	rec_empty(&r);
	rec_commit(&r);
}
