/* A file's path, walked up from its dentry one component per step of bpf_loop (which the
 * verifier checks once, however far the walk goes): bpf_d_path is refused in tracepoints,
 * and /proc would be too late for a process that is gone before user space looks. Before
 * bpf_loop (5.17) a bounded loop calls a global function for each step: the verifier checks
 * that function once too, and sees the walk's state only as numbers, so the loop's states
 * do not multiply. */
#ifndef READTRACE_LIB_PATH_H
#define READTRACE_LIB_PATH_H

#include "lib/options.bpf.h"

/* A file record is built here (too large for the stack), then copied out
 * only as far as its path reaches. */
RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_file_event);
} file_event_scratch SEC(".maps");

/* Where the walk is: numbers only (kernel addresses among them), as a global function's
 * argument must be. The record it writes is this CPU's file_event_scratch. */
struct path_walk {
	__u64 dentry;	/* struct dentry * */
	__u64 mnt;	/* struct mount *, 0 without one */
	__u32 used;	/* bytes of the record's path written */
	__u32 complete; /* reached the root */
};

/* One component: returns 1 once the walk is over. */
static __always_inline long walk_one_component(struct path_walk *walk)
{
	/* Locals, not walk's fields, go into BPF_CORE_READ: it relocates the whole expression. */
	struct dentry *dentry = (struct dentry *)walk->dentry;
	struct mount *mnt = (struct mount *)walk->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	__u32 zero = 0;
	struct rt_file_event *event = bpf_map_lookup_elem(&file_event_scratch, &zero);
	char *component;
	long copied;

	if (!event)
		return 1;
	/* At most RT_MAX_PATH_DEPTH steps of at most RT_NAME_MAX bytes: the mask changes nothing
	 * but tells the verifier so. */
	component = &event->path[walk->used & (RT_PATH_MAX - 1)];
	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

		if (dentry != mnt_root || mnt_parent == mnt) {
			walk->complete = 1;
			return 1;
		}
		component[0] = '\0';
		walk->used++;
		walk->dentry = (__u64)BPF_CORE_READ(mnt, mnt_mountpoint);
		walk->mnt = (__u64)mnt_parent;
		return 0;
	}
	/* A failed copy leaves an empty component. */
	copied = bpf_probe_read_kernel_str(component, RT_NAME_MAX, BPF_CORE_READ(dentry, d_name.name));
	walk->used += copied > 0 ? copied : 1;
	walk->dentry = (__u64)parent;
	return 0;
}

static long path_walk_step(__u32 step, struct path_walk *walk)
{
	return walk_one_component(walk);
}

/* The same step for the bounded loop, defined once (shared.bpf.c) for every program file. */
#ifdef RT_DEFINE_SHARED
__noinline int path_walk_global_step(struct path_walk *walk)
{
	return walk ? walk_one_component(walk) : 1;
}
#else
extern int path_walk_global_step(struct path_walk *walk);
#endif

/* Writes the path components from dentry up into this CPU's file_event_scratch record, leaf
 * first, packed, crossing mount points up to the root of the reader's mount namespace;
 * without a mount (NULL), up to the root of the dentry's filesystem. Returns the bytes written. */
static __always_inline __u32 write_path(struct rt_file_event *event, struct dentry *dentry, struct mount *mnt)
{
	struct path_walk walk = { .dentry = (__u64)dentry, .mnt = (__u64)mnt };

	if (have_bpf_loop) {
		bpf_loop(RT_MAX_PATH_DEPTH, path_walk_step, &walk, 0);
	} else {
		for (__u32 step = 0; step < RT_MAX_PATH_DEPTH; step++)
			if (path_walk_global_step(&walk))
				break;
	}
	if (!walk.complete)
		event->flags |= RT_FILE_PATH_TRUNCATED;
	return walk.used;
}

#endif
