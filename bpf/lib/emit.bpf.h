/* Records to user space: the ring buffer, and per-CPU counts of records sent and lost. */
#ifndef READTRACE_LIB_EMIT_H
#define READTRACE_LIB_EMIT_H

#include "lib/options.bpf.h"
#include "lib/files.bpf.h"

RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_counters);
} counters SEC(".maps");

static __always_inline void count_event(bool sent)
{
	__u32 zero = 0;
	struct rt_counters *counter = bpf_map_lookup_elem(&counters, &zero);

	if (!counter)
		return;
	if (sent)
		counter->events_emitted++;
	else
		counter->events_lost++;
}

static __always_inline __u64 wakeup_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_threshold_bytes ? BPF_RB_FORCE_WAKEUP
										       : BPF_RB_NO_WAKEUP;
}

/* Reserves a ring-buffer record, counting it as emitted or lost on this CPU. */
static __always_inline void *reserve_event(__u64 size)
{
	void *event = bpf_ringbuf_reserve(&events, size, 0);

	count_event(event != NULL);
	return event;
}

/* One read record: a call (or an asynchronous request) on a file, with its bytes or -errno. */
static __always_inline void emit_read(__u32 tgid, __u32 tid, const struct file_key *file, __u64 now, __u64 latency_ns,
				      long result, __u64 cache_miss_bytes)
{
	struct rt_read_event *event = reserve_event(sizeof(*event));

	if (!event)
		return;
	event->kind = RT_EVENT_READ;
	event->tgid = tgid;
	event->tid = tid;
	event->dev = file->dev;
	event->inode = file->inode;
	event->end_ns = now;
	event->latency_ns = latency_ns;
	event->result = result;
	event->cache_miss_bytes = cache_miss_bytes;
	bpf_ringbuf_submit(event, wakeup_flags());
}

/* Pages the current process brought into the page cache for a file outside a timed read. */
static __always_inline void send_fill(const struct file_key *file, __u64 bytes, enum rt_fill_cause cause)
{
	struct rt_fault_event *event = reserve_event(sizeof(*event));

	if (!event)
		return;
	event->kind = RT_EVENT_FAULT_FILL;
	event->tgid = bpf_get_current_pid_tgid() >> 32;
	event->dev = file->dev;
	event->cause = cause;
	event->inode = file->inode;
	event->bytes = bytes;
	event->end_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(event, wakeup_flags());
}

#endif
