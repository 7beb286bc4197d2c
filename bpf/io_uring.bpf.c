// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* io_uring reads: IORING_OP_READ, READV and READ_FIXED never pass the read syscalls or
 * vfs_read, on any hook variant, so they have their own pair: the submission tracepoint
 * (in the submitter, or the ring's SQPOLL thread) decides whether the request is traced
 * and when it started; the completion tracepoint (in the submitter, an io-wq worker or the
 * SQPOLL thread) finds its file (also a registered one: the request holds it by then) and
 * its result, and sends one read record timed from submission to completion. The SQPOLL
 * thread and the io-wq workers are threads of the process that owns the ring, so the
 * request counts as that process's, and so do the pages they add to the page cache: kept per
 * file (lib/async_misses.bpf.h), they go on the next completed read's record. A read submitted with
 * IOSQE_CQE_SKIP_SUCCESS that succeeds posts no completion and is not counted. */
#include "lib/announce.bpf.h"
#include "lib/async_misses.bpf.h"
#include "lib/emit.bpf.h"
#include "lib/filter.bpf.h"

#define IORING_OP_READV 1
#define IORING_OP_READ_FIXED 4
#define IORING_OP_READ 22

struct async_read {
	__u64 submit_ns;
	__u32 tgid;
	__u32 tid;
};

/* Traced read requests in flight, by request address. A full map loses the request, counted. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct async_read);
} async_reads SEC(".maps");

static __always_inline bool is_read(__u8 opcode)
{
	return opcode == IORING_OP_READ || opcode == IORING_OP_READV || opcode == IORING_OP_READ_FIXED;
}

static __always_inline void submit_async_read(void *request, __u8 opcode)
{
	struct task_struct *task;
	struct async_read read;
	__u64 key = (__u64)request;

	if (empty_read_hooks || !is_read(opcode))
		return;
	task = bpf_get_current_task_btf();
	if (!is_traced(task))
		return;
	read.submit_ns = bpf_ktime_get_ns();
	read.tgid = task->tgid;
	read.tid = task->pid;
	announce_process(read.tgid);
	bpf_map_update_elem(&async_readers, &read.tgid, &present, BPF_ANY);
	if (bpf_map_update_elem(&async_reads, &key, &read, BPF_ANY))
		count_event(false);
}

/* Submission: io_uring_submit_req, called io_uring_submit_sqe before 6.3 (5.18+ layout). */
SEC("tracepoint/io_uring/io_uring_submit_req")
int submit_io_uring_read(struct trace_event_raw_io_uring_submit_req *ctx)
{
	submit_async_read(ctx->req, ctx->opcode);
	return 0;
}

SEC("tracepoint/io_uring/io_uring_submit_sqe")
int submit_io_uring_read_sqe(struct trace_event_raw_io_uring_submit_sqe *ctx)
{
	submit_async_read(ctx->req, ctx->opcode);
	return 0;
}

SEC("tracepoint/io_uring/io_uring_complete")
int complete_io_uring_read(struct trace_event_raw_io_uring_complete *ctx)
{
	__u64 key = (__u64)ctx->req;
	struct async_read *found, read;
	struct file *file;
	struct inode *inode;
	struct file_key file_key;
	__u64 now;

	if (empty_read_hooks || !key)
		return 0;
	found = bpf_map_lookup_elem(&async_reads, &key);
	if (!found)
		return 0;
	read = *found;
	bpf_map_delete_elem(&async_reads, &key);
	/* A request left over (one whose success posted nothing) whose memory now serves another
	 * operation is not a read. */
	if (!is_read(BPF_CORE_READ((struct io_kiocb *)ctx->req, opcode)))
		return 0;
	now = bpf_ktime_get_ns();
	file = BPF_CORE_READ((struct io_kiocb *)ctx->req, file);
	inode = BPF_CORE_READ(file, f_inode);
	if (!file || !inode || (!all_files && !is_regular(inode)))
		return 0;
	file_key = file_key_of(inode);
	announce_open_file(file, inode, &file_key, BPF_CORE_READ(inode, i_nlink) == 0, false); /* completed */
	emit_read(read.tgid, read.tid, &file_key, now, now - read.submit_ns, ctx->res,
		  take_async_misses(read.tgid, &file_key));
	return 0;
}
