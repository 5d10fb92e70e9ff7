// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-side actor for the kmod tests and benchmark: performs the exact syscalls a scenario
 * needs (things Node cannot do: ptrace, memfd exec, namespaces, module loading) and prints
 * what the checker must know (pids, ports) as key=value lines. Built static on the host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <poll.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "../../../kmod/vigil_ioctl.h"

static void pin(const char *cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(atoi(cpu), &s);
	if (sched_setaffinity(0, sizeof(s), &s))
		perror("sched_setaffinity");
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int do_connect(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c, s;

	if (bind(l, (void *)&a, sizeof(a)) || listen(l, 4) || getsockname(l, (void *)&a, &al))
		return perror("listen"), 1;
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (void *)&a, sizeof(a)))
		return perror("connect"), 1;
	s = accept(l, NULL, NULL);
	printf("port=%d\nconnfd=%d\nacceptfd=%d\n", ntohs(a.sin_port), c, s);
	return 0;
}

static int do_ptrace(void)
{
	pid_t child = fork();
	int st;

	if (child == 0) {
		pause();
		_exit(0);
	}
	if (ptrace(PTRACE_ATTACH, child, NULL, NULL))
		return perror("ptrace"), 1;
	waitpid(child, &st, 0);
	ptrace(PTRACE_DETACH, child, NULL, NULL);
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	printf("target=%d\n", child);
	return 0;
}

static int do_ns(void)
{
	int fd;

	if (unshare(CLONE_NEWUTS))
		return perror("unshare"), 1;
	fd = open("/proc/1/ns/uts", O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWUTS))
		return perror("setns"), 1;
	printf("nsfd=%d\n", fd);
	return 0;
}

/* Copies this very binary into a memfd and executes it from there. */
static int do_memfd(void)
{
	char buf[65536];
	int in = open("/proc/self/exe", O_RDONLY), fd = memfd_create("vigil-memfd", MFD_CLOEXEC);
	ssize_t n;
	char *argv[] = { "vigil-from-memfd", "noop", NULL }, *envp[] = { NULL };

	if (in < 0 || fd < 0)
		return perror("memfd"), 1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			return perror("write"), 1;
	fflush(stdout);
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return perror("execveat"), 1;
}

static int do_module(void)
{
	static const char junk[64] = "not an ELF module";
	int fd = open("/proc/self/exe", O_RDONLY);
	long a = syscall(SYS_init_module, junk, sizeof(junk), "vigil_test=1");
	long b = syscall(SYS_finit_module, fd, "vigil_test=2", 0);

	printf("init=%ld errno_init=%d\nfinit=%ld fd=%d\n", a, errno, b, fd);
	return 0;
}

static int do_write(const char *path)
{
	int fd = openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	printf("fd=%d errno=%d\n", fd, fd < 0 ? errno : 0);
	if (fd >= 0 && write(fd, "vigil\n", 6) != 6)
		return 1;
	return 0;
}

/* A producer of exactly n fchdir events (each fails with EBADF). */
static int do_fchdir(long n)
{
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_fchdir, -1);
	printf("produced=%ld\n", n);
	return 0;
}

/* Opens the device blocking and reads until killed: the unload tests kill it mid-read. */
static int do_reader(void)
{
	struct vigil_interest in;
	static char buf[1 << 16];
	int fd = open("/dev/vigil", O_RDONLY);

	if (fd < 0)
		return perror("open /dev/vigil"), 1;
	memset(&in, 0xff, sizeof(in));
	if (ioctl(fd, VIGIL_IOC_SET_INTEREST, &in))
		return perror("ioctl"), 1;
	printf("reading\n");
	fflush(stdout);
	for (;;)
		if (read(fd, buf, sizeof(buf)) < 0 && errno != EAGAIN)
			return perror("read"), 1;
}

/*
 * Two event types alternating (fchdir and dup, both failing with EBADF), for the interest-change
 * tests; with pace > 0 it sleeps 1 ms after every pace pairs, so a decoding reader keeps up.
 */
static int do_mix(long n, long pace)
{
	long i;

	for (i = 0; i < n; i++) {
		syscall(SYS_fchdir, -1);
		syscall(SYS_dup, -1);
		if (pace > 0 && i % pace == pace - 1)
			usleep(1000);
	}
	printf("produced=%ld\n", n);
	return 0;
}

/* Opens the device and blocks in poll() with no timeout; the interest set stays empty. */
static int do_poller(void)
{
	static char buf[1 << 16];
	struct pollfd p = { .events = POLLIN };

	p.fd = open("/dev/vigil", O_RDONLY | O_NONBLOCK);
	if (p.fd < 0)
		return perror("open /dev/vigil"), 1;
	printf("polling\n");
	fflush(stdout);
	for (;;) {
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return perror("poll"), 1;
		if ((p.revents & POLLIN) && read(p.fd, buf, sizeof(buf)) < 0 && errno != EAGAIN)
			return perror("read"), 1;
	}
}

static void bench_loop(const char *what, long n)
{
	long i;

	if (!strcmp(what, "getpid")) {
		for (i = 0; i < n; i++)
			syscall(SYS_getpid);
		return;
	}
	for (i = 0; i < n; i++) {
		int fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/stat", O_RDONLY);

		syscall(SYS_close, fd);
	}
}

static long drain_dev(int fd)
{
	static char buf[1 << 22];
	long total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	return total;
}

/*
 * bench OP N BATCHES [MASK...]: times BATCHES batches of N calls and prints "s<k>=" with the
 * ns per call of every batch. With no MASK the module is not touched (the unloaded baseline);
 * with MASKs ("w0,w1,w2,w3": interest bitmaps) the helper holds /dev/vigil itself and switches
 * the interest set before each batch, rotating through the states, so that the loaded states
 * are interleaved batch by batch and host noise falls on all of them alike. Records produced
 * by a batch are read (and thrown away) outside the timing.
 */
/*
 * N children each blocked in read() on one pipe at the same time (each waits until the pipe
 * is confirmed in every child's wchan), then the write end closes and all of them return 0.
 */
static int do_blockers(int n)
{
	static pid_t kids[4096];
	int p[2], i, st, blocked = 0, tries;

	if (n > 4096 || pipe(p))
		return perror("blockers"), 1;
	for (i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			char c;

			close(p[1]);
			_exit(read(p[0], &c, 1) == 0 ? 0 : 1);
		}
	}
	for (tries = 0; tries < 600 && blocked < n; tries++) {
		char path[64], w[64];
		FILE *f;

		usleep(50000);
		for (blocked = 0, i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "/proc/%d/wchan", kids[i]);
			f = fopen(path, "r");
			w[0] = 0;
			if (f) {
				if (!fgets(w, sizeof(w), f))
					w[0] = 0;
				fclose(f);
			}
			blocked += !strcmp(w, "pipe_read");
		}
	}
	close(p[1]);
	for (i = 0; i < n; i++)
		if (waitpid(kids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			return fprintf(stderr, "blockers: child %d failed\n", kids[i]), 1;
	printf("readers=%d blocked_together=%d\n", n, blocked);
	return 0;
}

static int do_bench(const char *what, long n, long batches, int nmask, char **masks)
{
	static struct vigil_interest sets[8], none;
	static double ns[8][4096];
	long b, bytes = 0;
	int k, fd = -1, states = nmask ? nmask : 1;

	if (nmask > 8 || batches > 4096)
		return fprintf(stderr, "bench: at most 8 states and 4096 batches\n"), 2;
	for (k = 0; k < nmask; k++) {
		char *p = masks[k];
		int w;

		for (w = 0; w < VIGIL_INTEREST_WORDS; w++) {
			sets[k].events[w] = strtoull(p, &p, 0);
			if (*p == ',')
				p++;
		}
	}
	if (nmask) {
		fd = open("/dev/vigil", O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			return perror("open /dev/vigil"), 1;
	}
	for (b = 0; b < batches; b++) {
		for (k = 0; k < states; k++) {
			int s = (k + b) % states;
			double t0;

			if (nmask && ioctl(fd, VIGIL_IOC_SET_INTEREST, &sets[s]))
				return perror("ioctl"), 1;
			t0 = now_ns();
			bench_loop(what, n);
			ns[s][b] = (now_ns() - t0) / n;
			if (nmask) {
				ioctl(fd, VIGIL_IOC_SET_INTEREST, &none);
				bytes += drain_dev(fd);
			}
		}
	}
	for (k = 0; k < states; k++) {
		printf("s%d=", k);
		for (b = 0; b < batches; b++)
			printf(b ? ",%.1f" : "%.1f", ns[k][b]);
		printf("\n");
	}
	if (nmask) {
		struct vigil_cpu_stats st;
		unsigned long long events = 0, drops = 0;
		int cpu;

		for (cpu = 0; cpu < 64; cpu++) {
			st.cpu = cpu;
			if (ioctl(fd, VIGIL_IOC_GET_STATS, &st))
				break;
			events += st.events;
			drops += st.drops;
		}
		printf("records=%llu drops=%llu bytes=%ld\n", events, drops, bytes);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (argc > 3 && !strcmp(argv[argc - 2], "--cpu"))
		pin(argv[argc - 1]);
	if (!strcmp(cmd, "noop"))
		return 0;
	if (!strcmp(cmd, "connect"))
		return do_connect();
	if (!strcmp(cmd, "ptrace"))
		return do_ptrace();
	if (!strcmp(cmd, "ns"))
		return do_ns();
	if (!strcmp(cmd, "memfd"))
		return do_memfd();
	if (!strcmp(cmd, "module"))
		return do_module();
	if (!strcmp(cmd, "write") && argc > 2)
		return do_write(argv[2]);
	if (!strcmp(cmd, "symlink") && argc > 3)
		return symlink(argv[2], argv[3]) ? perror("symlink"), 1 : 0;
	if (!strcmp(cmd, "fchdir") && argc > 2)
		return do_fchdir(atol(argv[2]));
	if (!strcmp(cmd, "reader"))
		return do_reader();
	if (!strcmp(cmd, "blockers") && argc > 2)
		return do_blockers(atoi(argv[2]));
	if (!strcmp(cmd, "poller"))
		return do_poller();
	if (!strcmp(cmd, "mix") && argc > 2)
		return do_mix(atol(argv[2]), argc > 3 && strcmp(argv[3], "--cpu") ? atol(argv[3]) : 0);
	if (!strcmp(cmd, "bench") && argc > 4) {
		int nmask = argc - 5;

		if (argc > 5 && !strcmp(argv[argc - 2], "--cpu"))
			nmask -= 2;
		return do_bench(argv[2], atol(argv[3]), atol(argv[4]), nmask, argv + 5);
	}
	fprintf(stderr, "usage: helper noop|connect|ptrace|ns|memfd|module|write P|symlink T L|fchdir N|mix N [PACE]|blockers N|reader|poller|bench getpid|openat N BATCHES [MASK...] [--cpu C]\n");
	return 2;
}
