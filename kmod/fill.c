// SPDX-License-Identifier: GPL-2.0
/*
 * Parameters of the plain syscall events, filled at sys_exit from the preserved argument
 * registers. Each event's parameter list (schema/events.ts order) is written as a short recipe:
 * one token per parameter, a letter for the source and, where needed, the argument index.
 *
 *   r  result (i64)            dN  arg N as int, sign-extended (i64: fds, pids)
 *   uN arg N (u32)             qN  arg N (u64)            bN  arg N (u8)
 *   pN user string at arg N    X   user data at arg 1, length min(result, snaplen)
 *   F  dev of result fd (u32)  I   inode of result fd (u64)
 *   T  socket tuple of fd arg0 t   socket tuple of result fd    A  sockaddr at arg 1 (len arg 2)
 *   Q  backlog fill % of fd arg0 (u8)        CN capability set N of the new creds (u64)
 *   HN field N of struct open_how at arg 2   n   prctl name (PR_SET_NAME)    z  unfillable
 *
 * A recipe that disagrees with the schema would produce a record the decoder rejects; the
 * guest tests decode every record with the TypeScript decoder, so drift shows up there.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/un.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/cred.h>
#include <linux/prctl.h>
#include <linux/openat2.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/af_unix.h>
#include "vigil.h"

static const char *const recipes[VIGIL_EVT_MAX] = {
	[VIGIL_EVT_OPEN] = "r p0 u1 u2 F I",
	[VIGIL_EVT_OPENAT] = "r d0 p1 u2 u3 F I",
	[VIGIL_EVT_OPENAT2] = "r d0 p1 H0 H1 H2 F I",
	[VIGIL_EVT_CREAT] = "r p0 u1 F I",
	[VIGIL_EVT_CLOSE] = "r d0",
	[VIGIL_EVT_READ] = "r X d0 u2",
	[VIGIL_EVT_WRITE] = "r X d0 u2",
	[VIGIL_EVT_DUP] = "r d0",
	[VIGIL_EVT_DUP2] = "r d0 d1",
	[VIGIL_EVT_DUP3] = "r d0 d1 u2",
	[VIGIL_EVT_UNLINK] = "r p0",
	[VIGIL_EVT_UNLINKAT] = "r d0 p1 u2",
	[VIGIL_EVT_RENAME] = "r p0 p1",
	[VIGIL_EVT_RENAMEAT] = "r d0 p1 d2 p3",
	[VIGIL_EVT_RENAMEAT2] = "r d0 p1 d2 p3 u4",
	[VIGIL_EVT_MKDIR] = "r p0 u1",
	[VIGIL_EVT_MKDIRAT] = "r d0 p1 u2",
	[VIGIL_EVT_RMDIR] = "r p0",
	[VIGIL_EVT_SYMLINK] = "r p0 p1",
	[VIGIL_EVT_SYMLINKAT] = "r p0 d1 p2",
	[VIGIL_EVT_LINK] = "r p0 p1",
	[VIGIL_EVT_LINKAT] = "r d0 p1 d2 p3 u4",
	[VIGIL_EVT_CHMOD] = "r p0 u1",
	[VIGIL_EVT_FCHMOD] = "r d0 u1",
	[VIGIL_EVT_FCHMODAT] = "r d0 p1 u2",
	[VIGIL_EVT_CHOWN] = "r p0 u1 u2",
	[VIGIL_EVT_LCHOWN] = "r p0 u1 u2",
	[VIGIL_EVT_FCHOWN] = "r d0 u1 u2",
	[VIGIL_EVT_FCHOWNAT] = "r d0 p1 u2 u3 u4",
	[VIGIL_EVT_CHDIR] = "r p0",
	[VIGIL_EVT_FCHDIR] = "r d0",
	[VIGIL_EVT_CHROOT] = "r p0",
	[VIGIL_EVT_MOUNT] = "r p0 p1 p2 u3",
	[VIGIL_EVT_UMOUNT2] = "r p0 u1",
	[VIGIL_EVT_MEMFD_CREATE] = "r p0 u1",
	[VIGIL_EVT_SOCKET] = "r u0 u1 u2",
	[VIGIL_EVT_CONNECT] = "r T d0",
	[VIGIL_EVT_ACCEPT] = "r t Q",
	[VIGIL_EVT_ACCEPT4] = "r t Q u3",
	[VIGIL_EVT_BIND] = "r A d0",
	[VIGIL_EVT_LISTEN] = "r d0 u1",
	[VIGIL_EVT_SENDTO] = "r X d0 u2 T",
	[VIGIL_EVT_SENDMSG] = "r z d0 z T",
	[VIGIL_EVT_RECVFROM] = "r X d0 u2 T",
	[VIGIL_EVT_RECVMSG] = "r z d0 z T",
	[VIGIL_EVT_KILL] = "r d0 b1",
	[VIGIL_EVT_TKILL] = "r d0 b1",
	[VIGIL_EVT_TGKILL] = "r d0 d1 b2",
	[VIGIL_EVT_PRCTL] = "r u0 n q1",
	[VIGIL_EVT_SETUID] = "r u0",
	[VIGIL_EVT_SETGID] = "r u0",
	[VIGIL_EVT_SETREUID] = "r u0 u1",
	[VIGIL_EVT_SETREGID] = "r u0 u1",
	[VIGIL_EVT_SETRESUID] = "r u0 u1 u2",
	[VIGIL_EVT_SETRESGID] = "r u0 u1 u2",
	[VIGIL_EVT_CAPSET] = "r C0 C1 C2",
	[VIGIL_EVT_PTRACE] = "r u0 d1 q2 q3",
	[VIGIL_EVT_SETNS] = "r d0 u1",
	[VIGIL_EVT_UNSHARE] = "r u0",
	[VIGIL_EVT_INIT_MODULE] = "r q1 p2",
	[VIGIL_EVT_FINIT_MODULE] = "r d0 p1 u2",
	[VIGIL_EVT_DELETE_MODULE] = "r p0 u1",
	[VIGIL_EVT_BPF] = "r u0",
	[VIGIL_EVT_USERFAULTFD] = "r u0",
};

static u8 count_tokens(const char *s)
{
	u8 n = 0;

	for (; *s; s++)
		if (*s != ' ' && (s[1] == ' ' || !s[1]))
			n++;
	return n;
}

u64 vigil_caps(kernel_cap_t c)
{
	return ((u64)c.cap[1] << 32) | c.cap[0];
}

/* Socket behind an fd; the caller must fput(*filp) when it is non-NULL. */
static struct socket *fd_socket(long fd, struct file **filp)
{
	struct socket *sock;

	*filp = NULL;
	if (fd < 0 || fd > INT_MAX)
		return NULL;
	*filp = fget((unsigned int)fd);
	if (!*filp)
		return NULL;
	sock = sock_from_file(*filp);
	if (!sock || !sock->sk) {
		fput(*filp);
		*filp = NULL;
		return NULL;
	}
	return sock;
}

static void put_be16(u8 *p, __be16 v)
{
	memcpy(p, &v, 2);
}

/* local_first: connect/send (the caller is the source); accept (the peer is the source). */
static void rec_tuple(struct vigil_rec *r, long fd, bool local_first)
{
	struct file *f;
	struct socket *sock = fd_socket(fd, &f);
	struct sock *sk;
	u8 *p;

	if (!sock) {
		rec_empty(r);
		return;
	}
	sk = sock->sk;
	if (sk->sk_family == AF_INET) {
		struct inet_sock *in = inet_sk(sk);
		__be32 la = in->inet_saddr, ra = sk->sk_daddr;
		__be16 lp = in->inet_sport, rp = sk->sk_dport;

		p = rec_reserve(r, 13);
		if (!p)
			goto out;
		p[0] = AF_INET;
		memcpy(p + 1, local_first ? &la : &ra, 4);
		put_be16(p + 5, local_first ? lp : rp);
		memcpy(p + 7, local_first ? &ra : &la, 4);
		put_be16(p + 11, local_first ? rp : lp);
	} else if (sk->sk_family == AF_INET6) {
		struct inet_sock *in = inet_sk(sk);
		__be16 lp = in->inet_sport, rp = sk->sk_dport;

		p = rec_reserve(r, 37);
		if (!p)
			goto out;
		p[0] = AF_INET6;
		memcpy(p + 1, local_first ? &sk->sk_v6_rcv_saddr : &sk->sk_v6_daddr, 16);
		put_be16(p + 17, local_first ? lp : rp);
		memcpy(p + 19, local_first ? &sk->sk_v6_daddr : &sk->sk_v6_rcv_saddr, 16);
		put_be16(p + 35, local_first ? rp : lp);
	} else if (sk->sk_family == AF_UNIX) {
		/* Pairs with the release in unix_bind()/unix_autobind() publishing the address. */
		struct unix_address *ua = smp_load_acquire(&unix_sk(sk)->addr);
		u32 n = ua ? ua->len - offsetof(struct sockaddr_un, sun_path) : 0;

		p = rec_reserve(r, 1 + n);
		if (p) {
			p[0] = AF_UNIX;
			if (n)
				memcpy(p + 1, ua->name->sun_path, n);
			while (n && p[n] == 0)
				n--;
			rec_shrink(r, 1 + n);
		}
	} else {
		rec_u8(r, sk->sk_family);
	}
out:
	fput(f);
}

static void rec_sockaddr(struct vigil_rec *r, unsigned long uaddr, unsigned long ulen)
{
	struct sockaddr_storage ss;
	u32 len = min_t(unsigned long, ulen, sizeof(ss));
	u8 *p;

	if (!uaddr || len < 2 || copy_from_user_nofault(&ss, (void __user *)uaddr, len)) {
		rec_empty(r);
		return;
	}
	if (ss.ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		p = rec_reserve(r, 7);	/* NULL: full, and already written as empty */
		if (!p)
			return;
		p[0] = AF_INET;
		memcpy(p + 1, &in->sin_addr, 4);
		put_be16(p + 5, in->sin_port);
	} else if (ss.ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		p = rec_reserve(r, 19);
		if (!p)
			return;
		p[0] = AF_INET6;
		memcpy(p + 1, &in6->sin6_addr, 16);
		put_be16(p + 17, in6->sin6_port);
	} else if (ss.ss_family == AF_UNIX) {
		u32 n = strnlen(((struct sockaddr_un *)&ss)->sun_path, len - 2);

		p = rec_reserve(r, 1 + n);
		if (p) {
			p[0] = AF_UNIX;
			memcpy(p + 1, ((struct sockaddr_un *)&ss)->sun_path, n);
		}
	} else if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) {
		rec_u8(r, ss.ss_family);
	} else {
		rec_empty(r);
	}
}

static void rec_fd_inode(struct vigil_rec *r, long fd, bool want_ino)
{
	struct file *f = fd >= 0 && fd <= INT_MAX ? fget((unsigned int)fd) : NULL;

	if (!f) {
		rec_empty(r);
		return;
	}
	if (want_ino)
		rec_u64(r, file_inode(f)->i_ino);
	else
		rec_u32(r, new_encode_dev(file_inode(f)->i_sb->s_dev));
	fput(f);
}

static void rec_queuepct(struct vigil_rec *r, long fd)
{
	struct file *f;
	struct socket *sock = fd_socket(fd, &f);
	u32 max;

	if (!sock) {
		rec_empty(r);
		return;
	}
	max = READ_ONCE(sock->sk->sk_max_ack_backlog);
	rec_u8(r, max ? min_t(u32, 100, READ_ONCE(sock->sk->sk_ack_backlog) * 100 / max) : 0);
	fput(f);
}

static void rec_open_how(struct vigil_rec *r, unsigned long uhow, unsigned long size, int field)
{
	struct open_how how;

	if (size < sizeof(how) || copy_from_user_nofault(&how, (void __user *)uhow, sizeof(how))) {
		rec_empty(r);
		return;
	}
	rec_u32(r, field == 0 ? how.flags : field == 1 ? how.mode : how.resolve);
}

static bool vector_io(long nr)
{
	return nr == __NR_readv || nr == __NR_preadv || nr == __NR_writev || nr == __NR_pwritev;
}

void vigil_fill_syscall(unsigned int evt, long nr, const unsigned long *args, long ret)
{
	const char *s = evt < VIGIL_EVT_MAX ? recipes[evt] : NULL;
	struct vigil_rec r;

	if (!s)
		return;
	rec_begin(&r, evt, VIGIL_DIR_EXIT, count_tokens(s));
	for (; *s; s++) {
		char k = *s;
		int n = s[1] >= '0' && s[1] <= '9' ? s[1] - '0' : 0;

		if (k == ' ' || (k >= '0' && k <= '9'))
			continue;
		switch (k) {
		case 'r':
			rec_u64(&r, (u64)ret);
			break;
		case 'd':
			rec_u64(&r, (u64)(s64)(int)args[n]);
			break;
		case 'u':
			rec_u32(&r, (u32)args[n]);
			break;
		case 'q':
			rec_u64(&r, args[n]);
			break;
		case 'b':
			rec_u8(&r, (u8)args[n]);
			break;
		case 'p':
			rec_ustr(&r, args[n], VIGIL_PATH_MAX);
			break;
		case 'X':
			if (ret > 0 && !vector_io(nr))
				rec_ubytes(&r, args[1], min_t(unsigned long, ret, READ_ONCE(vigil_snaplen)));
			else
				rec_empty(&r);
			break;
		case 'F':
		case 'I':
			rec_fd_inode(&r, ret, k == 'I');
			break;
		case 'T':
			rec_tuple(&r, (int)args[0], true);
			break;
		case 't':
			rec_tuple(&r, ret, false);
			break;
		case 'A':
			rec_sockaddr(&r, args[1], args[2]);
			break;
		case 'Q':
			rec_queuepct(&r, (int)args[0]);
			break;
		case 'C': {
			const struct cred *c = current_cred();

			rec_u64(&r, vigil_caps(n == 0 ? c->cap_inheritable :
					       n == 1 ? c->cap_permitted : c->cap_effective));
			break;
		}
		case 'H':
			rec_open_how(&r, args[2], args[3], n);
			break;
		case 'n':
			if (args[0] == PR_SET_NAME)
				rec_ustr(&r, args[1], TASK_COMM_LEN);
			else
				rec_empty(&r);
			break;
		default:
			rec_empty(&r);
		}
	}
	rec_commit(&r);
}
