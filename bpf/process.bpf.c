// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Process lifecycle: which processes are traced as they fork, exec and exit, and the
 * cgroups new ones are started in (for --pod and --container). */
#include "lib/announce.bpf.h"
#include "lib/emit.bpf.h"
#include "lib/filter.bpf.h"
#include "lib/thread_state.bpf.h"

/* New cgroups, for --pod and --container: pods start after readtrace, so their cgroups
 * are matched by name in user space as they appear, before their processes read much.
 * Loaded only with those filters. */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(watch_cgroup_mkdir, struct cgroup *cgroup, const char *path)
{
	struct rt_cgroup_event *event;

	if (BPF_CORE_READ(cgroup, root, hierarchy_id) != 0)
		return 0; /* a cgroup v1 hierarchy */
	event = reserve_event(sizeof(*event));
	if (!event)
		return 0;
	event->kind = RT_EVENT_CGROUP;
	event->level = BPF_CORE_READ(cgroup, level);
	event->id = BPF_CORE_READ(cgroup, kn, id);
	bpf_probe_read_kernel_str(event->path, sizeof(event->path), path);
	bpf_ringbuf_submit(event, BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* The command readtrace runs, between its fork and its exec: until the exec it is a copy of
 * readtrace (its faults are readtrace's pages), so it is traced from the exec on. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u8);
} children_before_exec SEC(".maps");

/* With --, a new process inherits tracing from its parent; readtrace's own
 * children wait for their exec. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(follow_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = BPF_CORE_READ(parent, tgid);
	__u32 child_tgid = BPF_CORE_READ(child, tgid);

	if (child_tgid == parent_tgid)
		return 0;
	if (parent_tgid == self_tgid)
		bpf_map_update_elem(&children_before_exec, &child_tgid, &present, BPF_ANY);
	else if (bpf_map_lookup_elem(&traced_tgids, &parent_tgid))
		bpf_map_update_elem(&traced_tgids, &child_tgid, &present, BPF_ANY);
	return 0;
}

/* exec changes the name: describe the process again on its next read. readtrace's own
 * child becomes the command here. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(forget_exec_name)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	bpf_map_delete_elem(&announced_processes, &tgid);
	bpf_task_storage_delete(&thread_reads, bpf_get_current_task_btf());
	if (bpf_map_delete_elem(&children_before_exec, &tgid) == 0)
		bpf_map_update_elem(&traced_tgids, &tgid, &present, BPF_ANY);
	return 0;
}

/* A dead thread group's tgid may be reused, so it stops being traced (a thread's own
 * state goes with its task). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(forget_exited, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	bpf_map_delete_elem(&announced_processes, &tgid);
	bpf_map_delete_elem(&children_before_exec, &tgid);
	if (filter_by_tgid)
		bpf_map_delete_elem(&traced_tgids, &tgid);
	return 0;
}
