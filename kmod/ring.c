// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU single-producer/single-consumer byte rings. The producer is a probe running with
 * preemption disabled on its own CPU; the consumer is the one reader allowed by the device.
 * head and tail are free-running byte counters: the producer publishes head with release
 * semantics after the bytes are in place, the reader publishes tail after copying them out.
 */
#include <linux/percpu.h>
#include <linux/topology.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>
#include <linux/log2.h>
#include <linux/cpumask.h>
#include <asm/unaligned.h>
#include <linux/wait.h>
#include "vigil.h"

struct vigil_ring {
	u8 *data;
	u32 mask;
	unsigned long head ____cacheline_aligned;	/* producer */
	u32 pending_drops;	/* lost since the last delivered record */
	u64 events, drops, bytes;
	unsigned long tail ____cacheline_aligned;	/* consumer */
};

static DEFINE_PER_CPU(struct vigil_ring, rings);
static u32 ring_size;
DECLARE_WAIT_QUEUE_HEAD(vigil_wq);

int vigil_rings_init(unsigned int kb_per_cpu)
{
	int cpu;

	if (kb_per_cpu < 64)
		kb_per_cpu = 64;
	if (kb_per_cpu > 262144)
		kb_per_cpu = 262144;
	ring_size = roundup_pow_of_two(kb_per_cpu * 1024U);
	for_each_possible_cpu(cpu) {
		struct vigil_ring *r = per_cpu_ptr(&rings, cpu);

		memset(r, 0, sizeof(*r));
		r->data = vmalloc_node(ring_size, cpu_to_node(cpu));
		if (!r->data) {
			vigil_rings_free();
			return -ENOMEM;
		}
		r->mask = ring_size - 1;
	}
	return 0;
}

void vigil_rings_free(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vigil_ring *r = per_cpu_ptr(&rings, cpu);

		vfree(r->data);
		r->data = NULL;
	}
}

/* Called from probe context (preemption off): never sleeps, never faults. */
void vigil_ring_commit(void *rec, u32 len)
{
	struct vigil_ring *r = this_cpu_ptr(&rings);
	unsigned long head = r->head, tail;
	u32 off, first;

	/* Acquire: the reader has finished copying out the bytes below tail before we reuse them. */
	tail = smp_load_acquire(&r->tail);

	if (unlikely(!r->data))
		return;
	if (len > ring_size - (head - tail)) {
		r->drops++;
		r->pending_drops++;
		return;
	}
	((struct vigil_hdr *)rec)->drops = r->pending_drops;
	r->pending_drops = 0;
	off = head & r->mask;
	first = min(len, ring_size - off);
	memcpy(r->data + off, rec, first);
	if (first < len)
		memcpy(r->data, (u8 *)rec + first, len - first);
	/* Release: the record's bytes are in place before the reader can see the new head. */
	smp_store_release(&r->head, head + len);
	r->events++;
	r->bytes += len;
	if (wq_has_sleeper(&vigil_wq))
		wake_up_interruptible(&vigil_wq);
}

bool vigil_rings_have_data(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vigil_ring *r = per_cpu_ptr(&rings, cpu);

		/* Acquire pairs with the producer's release of head. */
		if (smp_load_acquire(&r->head) != r->tail)
			return true;
	}
	return false;
}

static u32 ring_peek_len(struct vigil_ring *r, unsigned long tail)
{
	u32 off = tail & r->mask, i;
	u8 tmp[8];

	if (likely(off + 8 <= ring_size))
		return get_unaligned_le32(r->data + off + 4);
	/* The header's len field sits at bytes 4..7 and may straddle the wrap. */
	for (i = 0; i < 8; i++)
		tmp[i] = r->data[(off + i) & r->mask];
	return get_unaligned_le32(tmp + 4);
}

/* The ts of the record at ring offset off (header bytes 8..15), wrap-safe. */
static u64 ring_peek_ts(struct vigil_ring *r, unsigned long off)
{
	u8 tmp[8];
	int i;

	for (i = 0; i < 8; i++)
		tmp[i] = r->data[(off + 8 + i) & r->mask];
	return get_unaligned_le64(tmp);
}

static int ring_copy_out(struct vigil_ring *r, unsigned long tail, char __user *dst, u32 len)
{
	u32 off = tail & r->mask, first = min(len, ring_size - off);

	if (copy_to_user(dst, r->data + off, first))
		return -EFAULT;
	if (first < len && copy_to_user(dst + first, r->data, len - first))
		return -EFAULT;
	return 0;
}

/*
 * Copies whole records in ts order across the CPUs' rings until the buffer is full or the rings
 * are empty. Each ring is already in order, so this is a merge: take the ring whose next record
 * is oldest and copy its run up to the next record of any other ring at once (one or two
 * copy_to_user() calls; one per record made the copy-out the limit of the drain rate). A
 * process that moved to another CPU between two syscalls (an exec, then an open) is read in the
 * order it ran.
 */
ssize_t vigil_rings_drain(char __user *ubuf, size_t count)
{
	size_t done = 0;

	while (done < count) {
		struct vigil_ring *best = NULL;
		u64 best_ts = U64_MAX, next_ts = U64_MAX;
		unsigned long tail, head, end;
		int cpu;

		for_each_possible_cpu(cpu) {
			struct vigil_ring *r = per_cpu_ptr(&rings, cpu);
			u64 ts;

			/* Acquire: every byte below head was written before head was published. */
			if (!r->data || r->tail == smp_load_acquire(&r->head))
				continue;
			ts = ring_peek_ts(r, r->tail);
			if (ts < best_ts) {
				next_ts = best_ts;
				best_ts = ts;
				best = r;
			} else if (ts < next_ts) {
				next_ts = ts;
			}
		}
		if (!best)
			break;
		tail = best->tail;
		/* Acquire again: the run may now reach records published since the scan. */
		head = smp_load_acquire(&best->head);
		for (end = tail; end != head;) {
			u32 len = ring_peek_len(best, end);

			if (WARN_ON_ONCE(len < VIGIL_HDR_SIZE || len > head - end))
				return -EIO;
			if (end != tail && ring_peek_ts(best, end) > next_ts)
				break;
			if (len > count - done - (end - tail))
				break;
			end += len;
		}
		/* The oldest record does not fit: a short read, or EINVAL for a buffer too small. */
		if (end == tail)
			return done ? done : -EINVAL;
		if (ring_copy_out(best, tail, ubuf + done, end - tail))
			return done ? done : -EFAULT;
		done += end - tail;
		/* Release: our copy-out is done before the producer may overwrite these bytes. */
		smp_store_release(&best->tail, end);
	}
	return done;
}

void vigil_ring_stats(int cpu, struct vigil_cpu_stats *st)
{
	struct vigil_ring *r = per_cpu_ptr(&rings, cpu);

	st->online = r->data ? 1 : 0;
	st->events = READ_ONCE(r->events);
	st->drops = READ_ONCE(r->drops);
	st->bytes = READ_ONCE(r->bytes);
}

/* Only meaningful while no probe is producing (interest set empty); used by tests and benches. */
void vigil_rings_reset_stats(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vigil_ring *r = per_cpu_ptr(&rings, cpu);

		WRITE_ONCE(r->events, 0);
		WRITE_ONCE(r->drops, 0);
		WRITE_ONCE(r->bytes, 0);
		WRITE_ONCE(r->pending_drops, 0);
	}
}
