// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Linux AIO reads (io_submit with IOCB_CMD_PREAD or PREADV, buffered or O_DIRECT): the kernel
 * runs them from io_submit straight into the file's read_iter, past vfs_read, and has no
 * tracepoint for their completion. The syscall tracepoints see both ends: io_submit's entry
 * takes each read iocb's file and start (keyed by the process and the iocb's user address,
 * which the kernel hands back as io_event.obj), and io_getevents/io_pgetevents's return sends
 * one read record per reaped completion, with its bytes or -errno. A read is timed from its
 * submission to its completion: a buffered read completes inside io_submit (its return is the
 * completion), a direct one when reaped (an upper bound; the device's completion is not seen).
 * Completions reaped from the ring in user space without a syscall (fio's userspace_reap) are
 * not seen. While io_submit runs, the thread is inside a read of the batch's (last) file, so
 * its page-cache misses and direct-IO block requests count for that file as for read(2). */
#include <linux/aio_abi.h>
#include "lib/emit.bpf.h"
#include "lib/filter.bpf.h"
#include "lib/read_calls.bpf.h"
#include "lib/thread_state.bpf.h"

/* iocbs followed per io_submit and completions per io_getevents; more are counted lost. */
#define AIO_MAX_BATCH 256
#define O_DIRECT_FLAG 040000 /* O_DIRECT on x86 (arm64: 0200000) */

struct aio_key {
	__u64 iocb; /* the iocb's user address */
	__u32 tgid;
	__u32 padding;
};

struct aio_read {
	struct file_key file;
	__u64 submit_ns;
	__u64 complete_ns; /* 0 until known before the reap */
	__u32 tid;
	__u32 direct;
};

/* Traced AIO reads in flight. LRU: one never reaped (the process exits, io_destroy) cannot fill it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct aio_key);
	__type(value, struct aio_read);
} aio_reads SEC(".maps");

/* A traced thread inside io_submit or io_getevents: the user array the call's return reads
 * (iocb pointers, or io_events) and how many it may hold. */
struct aio_call {
	__u64 array;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct aio_call);
} aio_calls SEC(".maps");

#ifdef __TARGET_ARCH_arm64
#undef O_DIRECT_FLAG
#define O_DIRECT_FLAG 0200000
#endif

static __always_inline void count_lost(__u64 events)
{
	__u32 zero = 0;
	struct rt_counters *counter = bpf_map_lookup_elem(&counters, &zero);

	if (counter)
		counter->events_lost += events;
}

/* Remembers the call's user array for its return; only for traced threads. */
static __always_inline void enter_aio_call(__u64 array, __u64 count)
{
	struct aio_call *call;

	if (empty_read_hooks || !is_traced(bpf_get_current_task_btf()))
		return;
	call = bpf_task_storage_get(&aio_calls, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!call) {
		count_event(false);
		return;
	}
	call->array = array;
	call->count = count;
}

/* The array of the call the current thread returns from, NULL if it was not traced. */
static __always_inline struct aio_call *exit_aio_call(void)
{
	struct aio_call *call = bpf_task_storage_get(&aio_calls, bpf_get_current_task_btf(), 0, 0);

	return call && call->array ? call : NULL;
}

/* The user address of the call's iocb number `index`; 0 if unreadable. */
static __always_inline __u64 iocb_address(struct aio_call *call, __u32 index)
{
	__u64 address = 0;

	bpf_probe_read_user(&address, sizeof(address), (void *)(call->array + index * sizeof(__u64)));
	return address;
}

/* One iocb of a traced io_submit: a read of a regular file starts here. A global function,
 * so the verifier checks it (and the file naming in it) once, not once per iocb. */
__noinline int aio_submit_iocb(__u64 address)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct aio_key key = { .iocb = address, .tgid = pid_tgid >> 32 };
	struct aio_read read = {};
	struct iocb iocb;
	struct file *file;
	struct inode *inode;

	if (!address || bpf_probe_read_user(&iocb, sizeof(iocb), (void *)address))
		return 0;
	if (iocb.aio_lio_opcode != IOCB_CMD_PREAD && iocb.aio_lio_opcode != IOCB_CMD_PREADV)
		return 0;
	file = file_of_fd(iocb.aio_fildes);
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode || (!all_files && !is_regular(inode)))
		return 0;
	begin_read(file);
	read.file = file_key_of(inode);
	read.submit_ns = bpf_ktime_get_ns();
	read.tid = (__u32)pid_tgid;
	read.direct = (BPF_CORE_READ(file, f_flags) & O_DIRECT_FLAG) != 0;
	if (bpf_map_update_elem(&aio_reads, &key, &read, BPF_ANY))
		count_event(false);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_io_submit")
int enter_io_submit(struct trace_event_raw_sys_enter *ctx)
{
	struct aio_call *call;
	__u64 count = ctx->args[1];

	enter_aio_call(ctx->args[2], count);
	call = exit_aio_call();
	if (!call)
		return 0;
	if (count > AIO_MAX_BATCH)
		count_lost(count - AIO_MAX_BATCH);
	for (__u32 index = 0; index < AIO_MAX_BATCH && index < count; index++)
		aio_submit_iocb(iocb_address(call, index));
	return 0;
}

/* io_submit's return: iocbs past the count it returns were not submitted (the caller submits
 * them again); when it fails, its first iocb is a read that failed. Buffered reads completed
 * inside it. Page-cache misses of the call count for its file, as a read's. */
SEC("tracepoint/syscalls/sys_exit_io_submit")
int exit_io_submit(struct trace_event_raw_sys_exit *ctx)
{
	struct aio_call *call = exit_aio_call();
	long submitted = ctx->ret;
	__u64 now, pid_tgid;

	if (!call)
		return 0;
	now = bpf_ktime_get_ns();
	pid_tgid = bpf_get_current_pid_tgid();
	for (__u32 index = 0; index < AIO_MAX_BATCH && index < call->count; index++) {
		struct aio_key key = { .iocb = iocb_address(call, index), .tgid = pid_tgid >> 32 };
		struct aio_read *read = bpf_map_lookup_elem(&aio_reads, &key);

		if (!read)
			continue;
		if (index < submitted) {
			if (!read->direct)
				read->complete_ns = now;
			continue;
		}
		if (submitted < 0 && index == 0)
			emit_read(key.tgid, read->tid, &read->file, now, now - read->submit_ns, submitted, 0);
		bpf_map_delete_elem(&aio_reads, &key);
	}
	call->array = 0;
	end_call_with_fill(RT_FILL_READ, false);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_io_getevents")
int enter_io_getevents(struct trace_event_raw_sys_enter *ctx)
{
	enter_aio_call(ctx->args[3], ctx->args[2]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_io_pgetevents")
int enter_io_pgetevents(struct trace_event_raw_sys_enter *ctx)
{
	enter_aio_call(ctx->args[3], ctx->args[2]);
	return 0;
}

/* The completions io_getevents returns: one read record each for the traced reads among them. */
static __always_inline void reap_aio_reads(long reaped)
{
	struct aio_call *call = exit_aio_call();
	__u64 now, pid_tgid;

	if (!call)
		return;
	call->array = 0;
	if (reaped > AIO_MAX_BATCH)
		count_lost(reaped - AIO_MAX_BATCH);
	now = bpf_ktime_get_ns();
	pid_tgid = bpf_get_current_pid_tgid();
	for (__u32 index = 0; index < AIO_MAX_BATCH && index < reaped; index++) {
		struct io_event event;
		struct aio_key key = { .tgid = pid_tgid >> 32 };
		struct aio_read *read;
		__u64 end;

		if (bpf_probe_read_user(&event, sizeof(event), (void *)(call->array + index * sizeof(event))))
			break;
		key.iocb = event.obj;
		read = bpf_map_lookup_elem(&aio_reads, &key);
		if (!read)
			continue;
		end = read->complete_ns ? read->complete_ns : now;
		emit_read(key.tgid, read->tid, &read->file, end, end - read->submit_ns, event.res, 0);
		bpf_map_delete_elem(&aio_reads, &key);
	}
}

SEC("tracepoint/syscalls/sys_exit_io_getevents")
int exit_io_getevents(struct trace_event_raw_sys_exit *ctx)
{
	reap_aio_reads(ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_io_pgetevents")
int exit_io_pgetevents(struct trace_event_raw_sys_exit *ctx)
{
	reap_aio_reads(ctx->ret);
	return 0;
}
