// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Load phases: --mark puts a uprobe at a function's entry and a uretprobe at its return (or
 * a program on a USDT probe), and each call by a traced thread becomes one span. The
 * programs are attached by user space, one link per marker, the marker's index and options
 * in the link's cookie; the same handlers serve uprobes and USDT probes. */
#include "lib/announce.bpf.h"
#include "lib/emit.bpf.h"
#include "lib/filter.bpf.h"
#include <bpf/usdt.bpf.h>

struct mark_key {
	__u32 tid;
	__u32 mark;
};

/* A marked call in progress on a thread; depth counts recursive calls of the same function,
 * whose outermost call is the span. */
struct mark_call {
	__u64 start_ns;
	__u64 bytes;
	__u32 depth;
	__u32 flags;
};

/* LRU: a thread that never returns (killed, or a longjmp past the uretprobe) cannot fill it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct mark_key);
	__type(value, struct mark_call);
} marks_in_progress SEC(".maps");

static __always_inline void send_mark(__u64 pid_tgid, __u32 mark, __u64 start_ns, __u64 end_ns, __u64 bytes,
				      __u32 flags)
{
	struct rt_mark_event *event = reserve_event(sizeof(*event));

	if (!event)
		return;
	event->kind = RT_EVENT_MARK;
	event->tgid = pid_tgid >> 32;
	event->tid = (__u32)pid_tgid;
	event->mark = mark;
	event->start_ns = start_ns;
	event->end_ns = end_ns;
	event->bytes = bytes;
	event->flags = flags;
	event->reserved = 0;
	bpf_ringbuf_submit(event, wakeup_flags());
}

/* Entry of a marked function, or a marked probe point: `bytes` is the argument the cookie
 * names (valid when has_bytes). A point is sent at once; an entry waits for its return. */
static __always_inline void begin_mark(__u64 cookie, __u64 bytes, bool has_bytes)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct mark_key key = { .tid = (__u32)pid_tgid, .mark = cookie & RT_MARK_INDEX_MASK };
	struct mark_call call = {}, *running;
	__u64 now;

	if (!is_traced(bpf_get_current_task_btf()))
		return;
	now = bpf_ktime_get_ns();
	announce_process(pid_tgid >> 32);
	if (cookie & RT_MARK_POINT) {
		send_mark(pid_tgid, key.mark, now, now, bytes, has_bytes ? RT_MARK_HAS_BYTES : 0);
		return;
	}
	running = bpf_map_lookup_elem(&marks_in_progress, &key);
	if (running) {
		running->depth++;
		return;
	}
	call.start_ns = now;
	call.bytes = bytes;
	call.depth = 1;
	call.flags = has_bytes ? RT_MARK_HAS_BYTES : 0;
	bpf_map_update_elem(&marks_in_progress, &key, &call, BPF_ANY);
}

/* Return of a marked function: the outermost call's span. */
static __always_inline void end_mark(__u64 cookie)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct mark_key key = { .tid = (__u32)pid_tgid, .mark = cookie & RT_MARK_INDEX_MASK };
	struct mark_call *running = bpf_map_lookup_elem(&marks_in_progress, &key);

	if (!running)
		return;
	if (--running->depth > 0)
		return;
	send_mark(pid_tgid, key.mark, running->start_ns, bpf_ktime_get_ns(), running->bytes, running->flags);
	bpf_map_delete_elem(&marks_in_progress, &key);
}

static __always_inline __u32 bytes_argument(__u64 cookie)
{
	return (cookie >> RT_MARK_BYTES_ARG_SHIFT) & RT_MARK_BYTES_ARG_MASK;
}

/* The function's argument `number` (1-5: libbpf 1.1 names no sixth) by the platform's calling
 * convention. Each register is loaded at a fixed offset (the verifier refuses a context read
 * at a computed one, which a switch would compile to), then one is picked from the stack. */
static __always_inline __u64 function_argument(struct pt_regs *ctx, __u32 number)
{
	__u64 arguments[RT_MARK_MAX_BYTES_ARG] = { PT_REGS_PARM1(ctx), PT_REGS_PARM2(ctx), PT_REGS_PARM3(ctx),
						   PT_REGS_PARM4(ctx), PT_REGS_PARM5(ctx) };
	__u32 index = number - 1;

	barrier_var(index);
	return index < RT_MARK_MAX_BYTES_ARG ? arguments[index] : 0;
}

/* BPF_KPROBE: uprobes take the same context (libbpf 1.1 has no BPF_UPROBE). */
SEC("uprobe")
int BPF_KPROBE(mark_function_entry)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	__u32 argument = bytes_argument(cookie);

	begin_mark(cookie, argument ? function_argument(ctx, argument) : 0, argument != 0);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(mark_function_return)
{
	end_mark(bpf_get_attach_cookie(ctx));
	return 0;
}

SEC("usdt")
int BPF_USDT(mark_probe_begin)
{
	__u64 cookie = bpf_usdt_cookie(ctx);
	__u32 argument = bytes_argument(cookie);
	long value = 0;
	bool has_bytes = argument && bpf_usdt_arg(ctx, argument - 1, &value) == 0;

	begin_mark(cookie, value, has_bytes);
	return 0;
}

SEC("usdt")
int BPF_USDT(mark_probe_end)
{
	end_mark(bpf_usdt_cookie(ctx));
	return 0;
}

/* While a marker's library is still missing: each exec of a traced process, so user space
 * can look for the library through that process's root. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(mark_watch_exec)
{
	struct rt_exec_event *event;

	if (!is_traced(bpf_get_current_task_btf()))
		return 0;
	event = reserve_event(sizeof(*event));
	if (!event)
		return 0;
	event->kind = RT_EVENT_EXEC;
	event->tgid = bpf_get_current_pid_tgid() >> 32;
	bpf_ringbuf_submit(event, BPF_RB_FORCE_WAKEUP);
	return 0;
}
