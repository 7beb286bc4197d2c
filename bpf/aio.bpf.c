// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Linux AIO reads (io_submit with IOCB_CMD_PREAD or PREADV, buffered or O_DIRECT): the kernel
 * runs them from io_submit straight into the file's read_iter, past vfs_read, and has no
 * tracepoint for their completion. The syscall tracepoints see both ends: io_submit's entry
 * takes each read iocb's file and start (keyed by the process and the iocb's user address,
 * which the kernel hands back as io_event.obj), and io_getevents/io_pgetevents's return sends
 * one read record per reaped completion, with its bytes or -errno. So do fentry and kprobes on
 * the syscalls' wrappers (lib/syscall_hooks.bpf.h), for the hooks of those names. A read is timed from its
 * submission to its completion: a buffered read completes inside io_submit (its return is the
 * completion), a direct one when reaped (an upper bound; the device's completion is not seen).
 * Completions reaped from the ring in user space without a syscall (fio's userspace_reap) are
 * not seen. While io_submit runs, the thread is inside a read of the batch's (last) file, so
 * its page-cache misses and direct-IO block requests count for that file as for read(2). */
#include <linux/aio_abi.h>
#include "lib/emit.bpf.h"
#include "lib/filter.bpf.h"
#include "lib/read_calls.bpf.h"
#include "lib/syscall_hooks.bpf.h"
#include "lib/thread_state.bpf.h"

/* iocbs followed per io_submit and completions per io_getevents; more are counted lost. Each
 * is one step of bpf_loop (5.17), verified once; before it, of a bounded loop verified step by
 * step, which must stay short. */
#define AIO_MAX_BATCH 256
#define AIO_MAX_BATCH_BOUNDED 16
#define O_DIRECT_FLAG 040000 /* O_DIRECT on x86 (arm64: 0200000) */

#ifdef __TARGET_ARCH_arm64
#undef O_DIRECT_FLAG
#define O_DIRECT_FLAG 0200000
#endif

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

/* One pass over a call's array: numbers only, as a bpf_loop callback's context. */
struct aio_pass {
	__u64 array;
	__u64 now;
	__s64 result; /* io_submit's return */
	__u32 tgid;
	__u32 padding;
};

static __always_inline void count_lost(__u64 events)
{
	__u32 zero = 0;
	struct rt_counters *counter = bpf_map_lookup_elem(&counters, &zero);

	if (counter)
		counter->events_lost += events;
}

/* Runs `step` over the first `count` entries of the call's array, counting the rest lost. */
static __always_inline void each_entry(__u64 count, void *step, struct aio_pass *pass)
{
	long (*visit)(__u32, struct aio_pass *) = step;
	__u64 limit = have_bpf_loop ? AIO_MAX_BATCH : AIO_MAX_BATCH_BOUNDED;

	if (count > limit)
		count_lost(count - limit);
	if (have_bpf_loop) {
		bpf_loop(count < AIO_MAX_BATCH ? count : AIO_MAX_BATCH, step, pass, 0);
		return;
	}
	for (__u32 index = 0; index < AIO_MAX_BATCH_BOUNDED && index < count; index++)
		if (visit(index, pass))
			break;
}

/* Remembers the call's user array for its return; only for traced threads (returns whether). */
static __always_inline bool enter_aio_call(__u64 array, __u64 count)
{
	struct aio_call *call;

	if (empty_read_hooks || !is_traced(bpf_get_current_task_btf()))
		return false;
	call = bpf_task_storage_get(&aio_calls, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!call) {
		count_event(false);
		return false;
	}
	call->array = array;
	call->count = count;
	return true;
}

/* The array of the call the current thread returns from (then forgotten), into `pass`; its
 * length, 0 if the call was not traced. */
static __always_inline __u64 exit_aio_call(struct aio_pass *pass)
{
	struct aio_call *call = bpf_task_storage_get(&aio_calls, bpf_get_current_task_btf(), 0, 0);
	__u64 count;

	if (!call || !call->array)
		return 0;
	pass->array = call->array;
	pass->now = bpf_ktime_get_ns();
	pass->tgid = bpf_get_current_pid_tgid() >> 32;
	count = call->count;
	call->array = 0;
	return count;
}

/* The user address of the call's iocb number `index`; 0 if unreadable. */
static __always_inline __u64 iocb_address(struct aio_pass *pass, __u32 index)
{
	__u64 address = 0;

	bpf_probe_read_user(&address, sizeof(address), (void *)(pass->array + (__u64)index * sizeof(__u64)));
	return address;
}

/* One iocb of a traced io_submit: a read of a regular file starts here. */
static long submit_iocb(__u32 index, struct aio_pass *pass)
{
	__u64 address = iocb_address(pass, index);
	struct aio_key key = { .iocb = address, .tgid = pass->tgid };
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
	read.tid = (__u32)bpf_get_current_pid_tgid();
	read.direct = (BPF_CORE_READ(file, f_flags) & O_DIRECT_FLAG) != 0;
	if (bpf_map_update_elem(&aio_reads, &key, &read, BPF_ANY))
		count_event(false);
	return 0;
}

/* io_submit(ctx, nr, iocbpp) */
static __always_inline void enter_submit(unsigned long *args)
{
	struct aio_pass pass = { .array = args[2], .tgid = bpf_get_current_pid_tgid() >> 32 };

	if (enter_aio_call(pass.array, args[1]))
		each_entry(args[1], submit_iocb, &pass);
}

/* io_submit's return for one iocb: past the count it returns, not submitted (the caller submits
 * it again); when it fails, its first iocb is a read that failed. Buffered reads completed inside it. */
static long settle_iocb(__u32 index, struct aio_pass *pass)
{
	struct aio_key key = { .iocb = iocb_address(pass, index), .tgid = pass->tgid };
	struct aio_read *read = bpf_map_lookup_elem(&aio_reads, &key);

	if (!read)
		return 0;
	if (index < pass->result) {
		if (!read->direct)
			read->complete_ns = pass->now;
		return 0;
	}
	if (pass->result < 0 && index == 0)
		emit_read(pass->tgid, read->tid, &read->file, pass->now, pass->now - read->submit_ns, pass->result, 0);
	bpf_map_delete_elem(&aio_reads, &key);
	return 0;
}

/* Page-cache misses of the call count for its file, as a read's. */
static __always_inline void leave_submit(long result)
{
	struct aio_pass pass = { .result = result };
	__u64 count = exit_aio_call(&pass);

	if (!count)
		return;
	each_entry(count, settle_iocb, &pass);
	end_call_with_fill(RT_FILL_READ, false);
}

SYSCALL_HOOKS(io_submit, enter_submit, leave_submit)

/* io_getevents and io_pgetevents(ctx, min_nr, nr, events, ...) */
static __always_inline void enter_getevents(unsigned long *args)
{
	enter_aio_call(args[3], args[2]);
}

/* One completion io_getevents returns: a read record if it is a traced read's. */
static long reap_event(__u32 index, struct aio_pass *pass)
{
	struct io_event event;
	struct aio_key key = { .tgid = pass->tgid };
	struct aio_read *read;
	__u64 end;

	if (bpf_probe_read_user(&event, sizeof(event), (void *)(pass->array + (__u64)index * sizeof(event))))
		return 1;
	key.iocb = event.obj;
	read = bpf_map_lookup_elem(&aio_reads, &key);
	if (!read)
		return 0;
	end = read->complete_ns ? read->complete_ns : pass->now;
	emit_read(pass->tgid, read->tid, &read->file, end, end - read->submit_ns, event.res, 0);
	bpf_map_delete_elem(&aio_reads, &key);
	return 0;
}

static __always_inline void reap_aio_reads(long reaped)
{
	struct aio_pass pass = {};

	if (exit_aio_call(&pass) && reaped > 0)
		each_entry(reaped, reap_event, &pass);
}

SYSCALL_HOOKS(io_getevents, enter_getevents, reap_aio_reads)
SYSCALL_HOOKS(io_pgetevents, enter_getevents, reap_aio_reads)
