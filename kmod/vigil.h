/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the module's parts (device, rings, probes, record builder). */
#ifndef VIGIL_H
#define VIGIL_H

#include <linux/types.h>
#include <linux/wait.h>
#include <linux/bitmap.h>
#include <asm/unistd.h>
#include <linux/capability.h>

struct task_struct;
struct linux_binprm;
#include "vigil_schema.h"
#include "vigil_ioctl.h"

/* Largest record the builder produces; parameter offsets are u16 so this must stay < 64 KiB. */
#define VIGIL_MAX_REC 32768
#define VIGIL_PATH_MAX 4096
#define VIGIL_LIST_MAX 4096
/* Kept free at the end of the scratch area for the final alignment padding. */
#define RECORD_PAD_ROOM VIGIL_RECORD_ALIGN

/* ring.c */
int vigil_rings_init(unsigned int kb_per_cpu);
void vigil_rings_free(void);
void vigil_ring_commit(void *rec, u32 len);
bool vigil_rings_have_data(void);
ssize_t vigil_rings_drain(char __user *ubuf, size_t count);
void vigil_ring_stats(int cpu, struct vigil_cpu_stats *st);
void vigil_rings_reset_stats(void);
extern wait_queue_head_t vigil_wq;

/* device.c */
struct file;
int vigil_device_register(void);
bool vigil_is_device(const struct file *f);
void vigil_device_unregister(void);

/* probes.c */
int vigil_probes_register(void);
void vigil_probes_unregister(void);
int vigil_set_interest(const u64 *events);
void vigil_set_reader(pid_t tgid);
bool vigil_event_wanted(unsigned int evt);
unsigned long vigil_hooks_missed(void);

/* record.c: a record is built in a per-CPU scratch area, then committed whole. */
struct vigil_rec {
	u8 *buf;
	u32 pos;	/* next free byte for values */
	u8 nparams;
	u8 idx;		/* next parameter table slot */
};
extern unsigned int vigil_snaplen;
int vigil_scratch_init(void);
void vigil_scratch_free(void);
u8 *vigil_scratch(void);
void rec_begin(struct vigil_rec *r, u16 type, u8 dir, u8 nparams);
void rec_u8(struct vigil_rec *r, u8 v);
void rec_u32(struct vigil_rec *r, u32 v);
void rec_u64(struct vigil_rec *r, u64 v);
void rec_empty(struct vigil_rec *r);
void rec_kbytes(struct vigil_rec *r, const void *p, u32 len);
void rec_ustr(struct vigil_rec *r, unsigned long uptr, u32 max);
void rec_ubytes(struct vigil_rec *r, unsigned long uptr, u32 len);
void rec_ulist(struct vigil_rec *r, unsigned long start, unsigned long end, u32 max);
/* Reserves room for a value written by the caller; returns NULL (and writes empty) when full. */
u8 *rec_reserve(struct vigil_rec *r, u32 len);
void rec_shrink(struct vigil_rec *r, u32 used);
void rec_commit(struct vigil_rec *r);
/* Marks an earlier parameter as unfilled (length 0); its bytes stay as dead space. */
void rec_clear(struct vigil_rec *r, u8 idx);

/* container.c */
void vigil_container_id(struct task_struct *t, u64 *cgid, char id[16]);
int vigil_container_parse(const char *path, char id[16]);

/* fill.c */
void vigil_fill_syscall(unsigned int evt, long nr, const unsigned long *args, long ret);

u64 vigil_caps(kernel_cap_t c);

/* proc.c */
void vigil_execve_enter(unsigned int evt, const unsigned long *args);
void vigil_proc_exit_syscall(unsigned int evt, long nr, const unsigned long *args, long ret);
void vigil_proc_exec(struct task_struct *p, struct linux_binprm *bprm);
void vigil_proc_exit(struct task_struct *p);

#endif /* VIGIL_H */
