// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vigil: one reader at a time (a second open gets -EBUSY). read() returns whole records;
 * a blocking read waits at most VIGIL_READ_WAIT for data and then returns -EAGAIN, so a reader
 * parked in read() (Node's libuv worker) can always get out. Control is by ioctl() or by
 * writing one struct vigil_cmd; counters are also in /sys/class/misc/vigil/stats.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/mutex.h>
#include <linux/cpumask.h>
#include <linux/sched/signal.h>
#include "vigil.h"

#define VIGIL_READ_WAIT (HZ / 10)

static atomic_t open_count = ATOMIC_INIT(0);
static DEFINE_MUTEX(read_lock);	/* threads sharing the fd must not both consume */

static int vigil_open(struct inode *inode, struct file *f)
{
	if (atomic_cmpxchg(&open_count, 0, 1))
		return -EBUSY;
	vigil_set_reader(current->tgid);
	return 0;
}

static int vigil_release(struct inode *inode, struct file *f)
{
	static const u64 none[VIGIL_INTEREST_WORDS];

	/* Nobody reads any more: stop producing. */
	vigil_set_interest(none);
	vigil_set_reader(0);
	atomic_set(&open_count, 0);
	return 0;
}

static ssize_t vigil_read(struct file *f, char __user *buf, size_t count, loff_t *ppos)
{
	ssize_t n;

	if (!count)
		return 0;
	if (!(f->f_flags & O_NONBLOCK) && !vigil_rings_have_data()) {
		long w = wait_event_interruptible_timeout(vigil_wq, vigil_rings_have_data(),
							  VIGIL_READ_WAIT);
		if (w < 0)
			return w;
	}
	if (mutex_lock_interruptible(&read_lock))
		return -ERESTARTSYS;
	n = vigil_rings_drain(buf, count);
	mutex_unlock(&read_lock);
	return n == 0 ? -EAGAIN : n;
}

static __poll_t vigil_poll(struct file *f, struct poll_table_struct *pt)
{
	poll_wait(f, &vigil_wq, pt);
	return vigil_rings_have_data() ? EPOLLIN | EPOLLRDNORM : 0;
}

static int set_snaplen(u32 v)
{
	if (v > VIGIL_SNAPLEN_MAX)
		return -EINVAL;
	WRITE_ONCE(vigil_snaplen, v);
	return 0;
}

static ssize_t vigil_write(struct file *f, const char __user *buf, size_t count, loff_t *ppos)
{
	struct vigil_cmd cmd;
	int err = 0;

	if (count != sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(&cmd, buf, sizeof(cmd)))
		return -EFAULT;
	switch (cmd.op) {
	case VIGIL_CMD_SET_INTEREST:
		err = vigil_set_interest(cmd.events);
		break;
	case VIGIL_CMD_SET_SNAPLEN:
		err = set_snaplen(cmd.arg);
		break;
	case VIGIL_CMD_RESET_STATS:
		vigil_rings_reset_stats();
		break;
	default:
		err = -EINVAL;
	}
	return err ? err : count;
}

static long vigil_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	void __user *up = (void __user *)arg;

	switch (cmd) {
	case VIGIL_IOC_SET_INTEREST: {
		struct vigil_interest in;

		if (copy_from_user(&in, up, sizeof(in)))
			return -EFAULT;
		return vigil_set_interest(in.events);
	}
	case VIGIL_IOC_SET_SNAPLEN: {
		u32 v;

		if (get_user(v, (u32 __user *)up))
			return -EFAULT;
		return set_snaplen(v);
	}
	case VIGIL_IOC_GET_STATS: {
		struct vigil_cpu_stats st;

		if (copy_from_user(&st, up, sizeof(st)))
			return -EFAULT;
		if (st.cpu >= nr_cpu_ids || !cpu_possible(st.cpu))
			return -EINVAL;
		vigil_ring_stats(st.cpu, &st);
		return copy_to_user(up, &st, sizeof(st)) ? -EFAULT : 0;
	}
	case VIGIL_IOC_RESET_STATS:
		vigil_rings_reset_stats();
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vigil_fops = {
	.owner = THIS_MODULE,
	.open = vigil_open,
	.release = vigil_release,
	.read = vigil_read,
	.write = vigil_write,
	.poll = vigil_poll,
	.unlocked_ioctl = vigil_ioctl,
	.llseek = noop_llseek,
};

bool vigil_is_device(const struct file *f)
{
	return f->f_op == &vigil_fops;
}

/* One line per possible CPU: "cpu events drops bytes". */
static ssize_t stats_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct vigil_cpu_stats st;
	int cpu, len = 0;

	for_each_possible_cpu(cpu) {
		vigil_ring_stats(cpu, &st);
		len += sysfs_emit_at(buf, len, "%d %llu %llu %llu\n", cpu, st.events, st.drops, st.bytes);
	}
	return len;
}
static DEVICE_ATTR_RO(stats);

/* Syscalls a hook could not follow to their return (all instances busy): exit records lost. */
static ssize_t missed_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", vigil_hooks_missed());
}
static DEVICE_ATTR_RO(missed);

static struct attribute *vigil_attrs[] = { &dev_attr_stats.attr, &dev_attr_missed.attr, NULL };
ATTRIBUTE_GROUPS(vigil);

static struct miscdevice vigil_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vigil",
	.fops = &vigil_fops,
	.mode = 0600,
	.groups = vigil_groups,
};

int vigil_device_register(void)
{
	return misc_register(&vigil_misc);
}

void vigil_device_unregister(void)
{
	misc_deregister(&vigil_misc);
}
