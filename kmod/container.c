// SPDX-License-Identifier: GPL-2.0
/*
 * Container identity from the task's cgroup v2 path. Runtimes name the cgroup after the
 * container's 64-hex id: docker (/docker/<id>, docker-<id>.scope), containerd
 * (cri-containerd-<id>.scope, or a bare <id> under kubepods), cri-o (crio-<id>.scope) and
 * podman (libpod-<id>.scope). The short id is the first 12 hex digits; anything else is "host".
 * Paths are resolved at most once per cgroup per CPU thanks to a tiny cache keyed by cgroup id
 * (cgroup ids are 64-bit and never reused).
 */
#include <linux/cgroup.h>
#include <linux/kernfs.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include "vigil.h"

#define CACHE_SLOTS 8
#define CGPATH_MAX 512

struct cid_cache {
	u64 cgid[CACHE_SLOTS];
	char id[CACHE_SLOTS][16];
	u32 next;
	char path[CGPATH_MAX];
};

static DEFINE_PER_CPU(struct cid_cache, cid_cache);

static const char *const prefixes[] = { "docker-", "cri-containerd-", "crio-", "libpod-", "" };

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit(s[i]) || isupper(s[i]))
			return false;
	return true;
}

/* Returns 1 and fills id when one component of path is a container cgroup. */
int vigil_container_parse(const char *path, char id[16])
{
	const char *c = path, *end;
	int found = 0;

	while (*c) {
		size_t n, i;

		while (*c == '/')
			c++;
		end = strchrnul(c, '/');
		n = end - c;
		if (n > 6 && !memcmp(end - 6, ".scope", 6))
			n -= 6;
		for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
			size_t pl = strlen(prefixes[i]);

			if (n == pl + 64 && !memcmp(c, prefixes[i], pl) && all_hex(c + pl, 64)) {
				/* The innermost match wins (a container inside a pod cgroup). */
				memset(id, 0, 16);
				memcpy(id, c + pl, 12);
				found = 1;
				break;
			}
		}
		c = end;
	}
	return found;
}

void vigil_container_id(struct task_struct *t, u64 *cgid_out, char id[16])
{
	struct cid_cache *cc = this_cpu_ptr(&cid_cache);
	struct cgroup *cg;
	u64 cgid;
	u32 i;

	rcu_read_lock();
	cg = task_dfl_cgroup(t);
	cgid = cgroup_id(cg);
	*cgid_out = cgid;
	for (i = 0; i < CACHE_SLOTS; i++) {
		if (cc->cgid[i] == cgid && cgid) {
			memcpy(id, cc->id[i], 16);
			rcu_read_unlock();
			return;
		}
	}
	memset(id, 0, 16);
	/* kernfs_path takes only a spinlock: safe in probe context. */
	if (kernfs_path(cg->kn, cc->path, sizeof(cc->path)) < 0 ||
	    !vigil_container_parse(cc->path, id))
		memcpy(id, "host", 5);
	rcu_read_unlock();
	i = cc->next++ % CACHE_SLOTS;
	cc->cgid[i] = cgid;
	memcpy(cc->id[i], id, 16);
}
