// SPDX-License-Identifier: GPL-2.0
/*
 * Builds one record in a per-CPU scratch area: header, parameter table of {u16 off, u16 len},
 * then the values, padded to VIGIL_RECORD_ALIGN. Every put is bounded by the space left, and a
 * value that does not fit (or cannot be read from user memory) is written with length 0, which
 * the decoder reads as null. User memory is only touched through non-faulting copies.
 */
#include <linux/percpu.h>
#include <linux/topology.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>
#include <linux/sched.h>
#include <linux/cred.h>
#include <linux/audit.h>
#include <linux/tty.h>
#include <linux/timekeeping.h>
#include "vigil.h"

unsigned int vigil_snaplen = 80;
static DEFINE_PER_CPU(u8 *, scratch);

int vigil_scratch_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		u8 *p = vmalloc_node(VIGIL_MAX_REC, cpu_to_node(cpu));

		if (!p) {
			vigil_scratch_free();
			return -ENOMEM;
		}
		per_cpu(scratch, cpu) = p;
	}
	return 0;
}

void vigil_scratch_free(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		vfree(per_cpu(scratch, cpu));
		per_cpu(scratch, cpu) = NULL;
	}
}

u8 *vigil_scratch(void)
{
	return this_cpu_read(scratch);
}

static void fill_header(struct vigil_hdr *h, u16 type, u8 dir, u8 nparams)
{
	struct task_struct *t = current;
	const struct cred *cred = current_cred();
	struct tty_struct *tty;

	h->version = VIGIL_RECORD_VERSION;
	h->type = type;
	h->ts = ktime_get_boottime_ns();
	h->tid = t->pid;
	h->pid = t->tgid;
	rcu_read_lock();
	h->ppid = task_tgid_nr(rcu_dereference(t->real_parent));
	rcu_read_unlock();
	h->uid = __kuid_val(cred->uid);
	h->gid = __kgid_val(cred->gid);
	h->euid = __kuid_val(cred->euid);
	h->loginuid = __kuid_val(audit_get_loginuid(t));
	tty = READ_ONCE(t->signal->tty);
	h->tty = tty ? new_encode_dev(tty_devnum(tty)) : 0;
	h->drops = 0;
	h->cpu = smp_processor_id();
	h->dir = dir;
	h->nparams = nparams;
	memcpy(h->comm, t->comm, sizeof(h->comm));
	h->comm[sizeof(h->comm) - 1] = 0;
	vigil_container_id(t, &h->cgroup_id, h->container_id);
}

void rec_begin(struct vigil_rec *r, u16 type, u8 dir, u8 nparams)
{
	r->buf = vigil_scratch();
	r->nparams = nparams;
	r->idx = 0;
	r->pos = VIGIL_HDR_SIZE + nparams * VIGIL_PARAM_ENTRY_SIZE;
	fill_header((struct vigil_hdr *)r->buf, type, dir, nparams);
}

static void set_entry(struct vigil_rec *r, u32 off, u32 len)
{
	struct vigil_param *e;

	if (WARN_ON_ONCE(r->idx >= r->nparams))
		return;
	e = (struct vigil_param *)(r->buf + VIGIL_HDR_SIZE) + r->idx++;
	e->off = off;
	e->len = len;
}

u8 *rec_reserve(struct vigil_rec *r, u32 len)
{
	u8 *p;

	if (len > VIGIL_MAX_REC - RECORD_PAD_ROOM - r->pos) {
		set_entry(r, r->pos, 0);
		return NULL;
	}
	p = r->buf + r->pos;
	set_entry(r, r->pos, len);
	r->pos += len;
	return p;
}

/* Gives back the unused tail of the last reservation. */
void rec_shrink(struct vigil_rec *r, u32 used)
{
	struct vigil_param *e = (struct vigil_param *)(r->buf + VIGIL_HDR_SIZE) + (r->idx - 1);

	if (used < e->len) {
		r->pos -= e->len - used;
		e->len = used;
	}
}

void rec_clear(struct vigil_rec *r, u8 idx)
{
	if (idx < r->idx)
		((struct vigil_param *)(r->buf + VIGIL_HDR_SIZE))[idx].len = 0;
}

void rec_empty(struct vigil_rec *r)
{
	set_entry(r, r->pos, 0);
}

void rec_kbytes(struct vigil_rec *r, const void *src, u32 len)
{
	u8 *p = rec_reserve(r, len);

	if (p)
		memcpy(p, src, len);
}

void rec_u8(struct vigil_rec *r, u8 v)
{
	rec_kbytes(r, &v, 1);
}

void rec_u32(struct vigil_rec *r, u32 v)
{
	rec_kbytes(r, &v, 4);
}

void rec_u64(struct vigil_rec *r, u64 v)
{
	rec_kbytes(r, &v, 8);
}

/* A NUL-terminated user string, without its NUL, cut at max bytes. */
void rec_ustr(struct vigil_rec *r, unsigned long uptr, u32 max)
{
	u32 room = VIGIL_MAX_REC - RECORD_PAD_ROOM - r->pos;
	long n;
	u8 *p;

	if (!uptr) {
		rec_empty(r);
		return;
	}
	max = min(max, room);
	p = rec_reserve(r, max);
	if (!p)
		return;
	pagefault_disable();
	n = strncpy_from_user((char *)p, (const char __user *)uptr, max);
	pagefault_enable();
	rec_shrink(r, n < 0 ? 0 : n);
}

void rec_ubytes(struct vigil_rec *r, unsigned long uptr, u32 len)
{
	u8 *p;

	if (!uptr || !len) {
		rec_empty(r);
		return;
	}
	p = rec_reserve(r, len);
	if (p && copy_from_user_nofault(p, (const void __user *)uptr, len))
		rec_shrink(r, 0);
}

/* A NUL-separated user area such as argv or envp, without its trailing NULs. */
void rec_ulist(struct vigil_rec *r, unsigned long start, unsigned long end, u32 max)
{
	u32 len = end > start ? min_t(unsigned long, end - start, max) : 0;
	u8 *p;

	if (!len) {
		rec_empty(r);
		return;
	}
	p = rec_reserve(r, len);
	if (!p)
		return;
	if (copy_from_user_nofault(p, (const void __user *)start, len)) {
		rec_shrink(r, 0);
		return;
	}
	while (len && p[len - 1] == 0)
		len--;
	rec_shrink(r, len);
}

void rec_commit(struct vigil_rec *r)
{
	struct vigil_hdr *h = (struct vigil_hdr *)r->buf;
	u32 len = ALIGN(r->pos, VIGIL_RECORD_ALIGN);

	/* Slots the filler did not reach are empty, never stale bytes. */
	while (r->idx < r->nparams)
		rec_empty(r);
	memset(r->buf + r->pos, 0, len - r->pos);
	h->len = len;
	vigil_ring_commit(r->buf, len);
}
