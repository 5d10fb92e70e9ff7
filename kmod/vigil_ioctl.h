/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Vigil device control ABI, shared by the module and its readers (mirrored by hand in
 * runtime/sources/device/ioctl.ts). Two equivalent ways in: ioctl() for C clients, and a
 * fixed-size command written with write() for runtimes without an ioctl binding (Node.js).
 * Counters are also readable as text from /sys/class/misc/vigil/stats.
 */
#ifndef VIGIL_IOCTL_H
#define VIGIL_IOCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* The interest set is a bitmap of Vigil event ids; 256 bits leaves room for new events. */
#define VIGIL_INTEREST_WORDS 4

struct vigil_interest {
	__u64 events[VIGIL_INTEREST_WORDS];
};

struct vigil_cpu_stats {
	__u32 cpu;	/* in: which CPU */
	__u32 online;	/* out: 1 when the CPU has a ring */
	__u64 events;	/* records written to the ring */
	__u64 drops;	/* records lost because the ring was full */
	__u64 bytes;	/* bytes written to the ring */
};

#define VIGIL_IOC_MAGIC 'V'
#define VIGIL_IOC_SET_INTEREST _IOW(VIGIL_IOC_MAGIC, 1, struct vigil_interest)
#define VIGIL_IOC_SET_SNAPLEN _IOW(VIGIL_IOC_MAGIC, 2, __u32)
#define VIGIL_IOC_GET_STATS _IOWR(VIGIL_IOC_MAGIC, 3, struct vigil_cpu_stats)
#define VIGIL_IOC_RESET_STATS _IO(VIGIL_IOC_MAGIC, 4)

/* write() protocol: exactly one struct vigil_cmd per write, little-endian. */
#define VIGIL_CMD_SET_INTEREST 1	/* events = bitmap */
#define VIGIL_CMD_SET_SNAPLEN 2		/* arg = snaplen in bytes */
#define VIGIL_CMD_RESET_STATS 3		/* clears counters and pending drops */

struct vigil_cmd {
	__u32 op;
	__u32 arg;
	__u64 events[VIGIL_INTEREST_WORDS];
};

/* Bounds enforced on SET_SNAPLEN. */
#define VIGIL_SNAPLEN_MAX 4096

#endif /* VIGIL_IOCTL_H */
