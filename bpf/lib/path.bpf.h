/* A file's path, walked up from its dentry one component per step of bpf_loop (which the
 * verifier checks once, however far the walk goes): bpf_d_path is refused in tracepoints,
 * and /proc would be too late for a process that is gone before user space looks. */
#ifndef READTRACE_LIB_PATH_H
#define READTRACE_LIB_PATH_H

#include "lib/options.bpf.h"

struct path_walk {
	struct rt_file_event *event;
	struct dentry *dentry;
	struct mount *mnt;
	__u32 used;    /* bytes of event->path written */
	bool complete; /* reached the root */
};

static __noinline long path_walk_step(__u32 step, struct path_walk *walk)
{
	/* Locals, not walk's fields, go into BPF_CORE_READ: it relocates the whole expression. */
	struct dentry *dentry = walk->dentry;
	struct mount *mnt = walk->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	/* At most RT_MAX_PATH_DEPTH steps of at most RT_NAME_MAX bytes: the mask changes nothing
	 * but tells the verifier so. */
	char *component = &walk->event->path[walk->used & (RT_PATH_MAX - 1)];
	long copied;

	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

		if (dentry != mnt_root || mnt_parent == mnt) {
			walk->complete = true;
			return 1;
		}
		component[0] = '\0';
		walk->used++;
		walk->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		walk->mnt = mnt_parent;
		return 0;
	}
	/* A failed copy leaves an empty component. */
	copied = bpf_probe_read_kernel_str(component, RT_NAME_MAX, BPF_CORE_READ(dentry, d_name.name));
	walk->used += copied > 0 ? copied : 1;
	walk->dentry = parent;
	return 0;
}

/* Writes the path components from dentry up, leaf first, packed, crossing mount points up
 * to the root of the reader's mount namespace; without a mount (NULL), up to the root of the
 * dentry's filesystem. Returns the bytes written. */
static __always_inline __u32 write_path(struct rt_file_event *event, struct dentry *dentry, struct mount *mnt)
{
	struct path_walk walk = { .event = event, .dentry = dentry, .mnt = mnt };

	if (have_bpf_loop) {
		bpf_loop(RT_MAX_PATH_DEPTH, path_walk_step, &walk, 0);
	} else {
		/* Before 5.17: a bounded loop, which the verifier walks step by step. */
		for (__u32 step = 0; step < RT_MAX_PATH_DEPTH; step++)
			if (path_walk_step(step, &walk))
				break;
	}
	if (!walk.complete)
		event->flags |= RT_FILE_PATH_TRUNCATED;
	return walk.used;
}

#endif
