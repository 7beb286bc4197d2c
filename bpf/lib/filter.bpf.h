/* Which tasks are traced: by process name, tgid and cgroup, decided in the kernel before
 * any other map work, so untraced tasks cost as little as possible. */
#ifndef READTRACE_LIB_FILTER_H
#define READTRACE_LIB_FILTER_H

#include "lib/options.bpf.h"
#include "lib/fuse.bpf.h"

RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} traced_tgids SEC(".maps");

RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} traced_cgroups SEC(".maps");

/* Matches the process name (the thread group leader's comm, as ps shows it). The kernel
 * pads comm with zeros (strscpy_pad), and so does the loader for the filters, so a name
 * compares as two words, read straight from the task (no probe-read helper calls). */
static __always_inline bool comm_matches(struct task_struct *task)
{
	const __u64 *comm = (const __u64 *)task->group_leader->comm;
	__u64 first = comm[0], second = comm[1];

	for (__u32 i = 0; i < RT_MAX_COMM_FILTERS && i < comm_filter_count; i++) {
		const volatile __u64 *wanted = (const volatile __u64 *)comm_filters[i];

		if (first == wanted[0] && second == wanted[1])
			return true;
	}
	return false;
}

/* True when the current task's cgroup or one of its ancestors is filtered in. */
static __always_inline bool cgroup_matches(void)
{
	for (int level = 0; level < RT_MAX_CGROUP_DEPTH && level < cgroup_filter_levels; level++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(level);

		if (!id)
			break;
		if (bpf_map_lookup_elem(&traced_cgroups, &id))
			return true;
	}
	return false;
}

/* The name first: when it is filtered, most tasks fail there, before any other field is read.
 * A process the filters leave out is still traced while it serves a FUSE filesystem that a
 * traced process reads. */
static __always_inline bool is_traced(struct task_struct *task)
{
	__u32 tgid;

	if (comm_filter_count && !comm_matches(task))
		return serves_traced_fuse(task->tgid);
	tgid = task->tgid;
	if (tgid == self_tgid)
		return false;
	if (filter_by_tgid && !bpf_map_lookup_elem(&traced_tgids, &tgid))
		return serves_traced_fuse(tgid);
	if (cgroup_filter_levels && !cgroup_matches())
		return serves_traced_fuse(tgid);
	return true;
}

/* Whether the read the current thread is entering is traced (never with empty_read_hooks). */
static __always_inline bool reads_are_traced(void)
{
	return !empty_read_hooks && is_traced(bpf_get_current_task_btf());
}

#endif
