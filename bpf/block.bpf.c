// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Block read requests: who caused each one, decided where it is created (the submitter's
 * context), and what each device completed, counted where it completes (any context). */
#include "lib/announce.bpf.h"
#include "lib/emit.bpf.h"
#include "lib/filter.bpf.h"
#include "lib/thread_state.bpf.h"

/* A block read request from its creation to its last completion: who caused it,
 * decided in the submitter's context, since completions run anywhere. LRU, so a
 * request whose completion is never seen cannot fill the map. */
struct block_request {
	struct file_key file;
	struct file_key lower;
	__u64 start_ns;
	__u64 issue_ns;
	__u32 tgid;
	__u32 device;
	__u32 cause;
	__u32 padding;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct block_request);
} block_requests SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct rt_device_reads);
} device_reads SEC(".maps");

static __always_inline bool is_read_request(struct request *rq)
{
	return (BPF_CORE_READ(rq, cmd_flags) & REQ_OP_MASK) == REQ_OP_READ;
}

/* The inode whose page the bio reads into: the page at its current vector index (split
 * bios share their parent's vector), or its compound head. NULL with *anonymous set for
 * pages of no file: the process's own memory (direct IO) or swap. */
static __always_inline struct inode *bio_page_inode(struct bio *bio, bool *anonymous)
{
	struct address_space *mapping;
	struct bio_vec *vectors;
	struct page *page = NULL;
	unsigned int index;
	unsigned long head;

	if (!bio)
		return NULL;
	vectors = BPF_CORE_READ(bio, bi_io_vec);
	index = BPF_CORE_READ(bio, bi_iter.bi_idx);
	bpf_probe_read_kernel(&page, sizeof(page), &vectors[index].bv_page);
	head = BPF_CORE_READ(page, compound_head);
	if (head & 1)
		page = (struct page *)(head - 1);
	mapping = BPF_CORE_READ(page, mapping);
	if (!mapping || ((unsigned long)mapping & 3)) {
		*anonymous = true;
		return NULL;
	}
	return BPF_CORE_READ(mapping, host);
}

/* A traced process's request: for the file its page belongs to, or for the file of the
 * read in progress when the pages are the reader's own buffer (direct IO) or belong to
 * another file below it (an overlay's lower file). Metadata (pages of the block
 * device itself) stays unattributed. */
static __always_inline void attribute_request(struct bio *bio, __u32 tgid, struct block_request *request)
{
	struct thread_read *state = current_thread_state();
	bool in_read = state && state->start_ns;
	bool anonymous = false;
	struct inode *inode = bio_page_inode(bio, &anonymous);
	struct file_key page_file;

	if (inode && is_regular(inode)) {
		page_file = file_key_of(inode);
		request->cause = RT_BLOCK_ATTRIBUTED;
		if (in_read && !same_file(&state->file, &page_file)) {
			request->file = state->file;
			request->lower = page_file;
			return;
		}
		request->file = page_file;
		if (!in_read) {
			announce_process(tgid);
			announce_inode(inode, &page_file, false);
		}
	} else if (anonymous && in_read) {
		request->cause = RT_BLOCK_ATTRIBUTED;
		request->file = state->file;
	}
}

/* A read request is created from its first bio, in the context of the task that submitted
 * that bio: who caused it is decided here and kept under `key` until it completes. */
static __always_inline void note_block_request(__u64 key, struct bio *bio)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct block_request request = {
		.start_ns = bpf_ktime_get_ns(),
		.tgid = tgid,
		.device = BPF_CORE_READ(bio, bi_bdev, bd_dev),
		.cause = RT_BLOCK_UNATTRIBUTED,
	};

	if (is_traced(bpf_get_current_task_btf()))
		attribute_request(bio, tgid, &request);
	else
		request.cause = RT_BLOCK_FILTERED;
	bpf_map_update_elem(&block_requests, &key, &request, BPF_ANY);
}

/* Every request passes block_io_start (6.5+) as it is created. */
SEC("tp_btf/block_io_start")
int BPF_PROG(block_io_start, struct request *rq)
{
	if (is_read_request(rq))
		note_block_request((__u64)rq, BPF_CORE_READ(rq, bio));
	return 0;
}

/* Older kernels trace the bio a new request is made for (it becomes the request's first
 * bio) just before the request takes it: the decision waits under the bio until the
 * request is seen at issue or completion. A later front merge hides it (unattributed). */
SEC("tp_btf/block_getrq")
int BPF_PROG(block_getrq, struct bio *bio)
{
	if ((BPF_CORE_READ(bio, bi_opf) & REQ_OP_MASK) == REQ_OP_READ)
		note_block_request((__u64)bio, bio);
	return 0;
}

/* The request's entry, moved from under its first bio where block_getrq left it. */
static __always_inline struct block_request *find_block_request(struct request *rq)
{
	__u64 request_key = (__u64)rq, bio_key;
	struct block_request *request = bpf_map_lookup_elem(&block_requests, &request_key);

	if (request || !decide_at_bio)
		return request;
	bio_key = (__u64)BPF_CORE_READ(rq, bio);
	request = bpf_map_lookup_elem(&block_requests, &bio_key);
	if (!request || bpf_map_update_elem(&block_requests, &request_key, request, BPF_NOEXIST))
		return request;
	bpf_map_delete_elem(&block_requests, &bio_key);
	return bpf_map_lookup_elem(&block_requests, &request_key);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	struct block_request *request;

	if (!is_read_request(rq))
		return 0;
	request = find_block_request(rq);
	if (request && !request->issue_ns)
		request->issue_ns = bpf_ktime_get_ns();
	return 0;
}

/* A request merged into another ends without a completion of its own: its bytes complete
 * with the other. Its entry goes now, rather than waiting for the LRU to push it out. */
SEC("tp_btf/block_rq_merge")
int BPF_PROG(block_rq_merge, struct request *rq)
{
	__u64 request_key = (__u64)rq;

	if (is_read_request(rq) && find_block_request(rq))
		bpf_map_delete_elem(&block_requests, &request_key);
	return 0;
}

static __always_inline void count_device_read(__u32 device, __u64 bytes, bool completed, __u32 cause)
{
	struct rt_device_reads *reads = bpf_map_lookup_elem(&device_reads, &device);

	if (!reads) {
		struct rt_device_reads fresh = {};

		bpf_map_update_elem(&device_reads, &device, &fresh, BPF_NOEXIST);
		reads = bpf_map_lookup_elem(&device_reads, &device);
		if (!reads)
			return;
	}
	__sync_fetch_and_add(&reads->read_bytes, bytes);
	if (completed)
		__sync_fetch_and_add(&reads->read_ios, 1);
	if (cause < RT_BLOCK_CAUSES)
		__sync_fetch_and_add(&reads->bytes_by_cause[cause], bytes);
}

static __always_inline void send_block_event(struct block_request *request, __u64 bytes, bool completed, __u64 now)
{
	struct rt_block_event *event = reserve_event(sizeof(*event));

	if (!event)
		return;
	event->kind = RT_EVENT_BLOCK;
	event->tgid = request->tgid;
	event->device = request->device;
	event->file_dev = request->file.dev;
	event->file_inode = request->file.inode;
	event->lower_dev = request->lower.dev;
	event->lower_inode = request->lower.inode;
	event->completed = completed;
	event->bytes = bytes;
	event->end_ns = now;
	event->queued_ns = now - request->start_ns;
	event->service_ns = request->issue_ns ? now - request->issue_ns : 0;
	bpf_ringbuf_submit(event, wakeup_flags());
}

/* A device completed bytes of a request, in whatever context: counted per device like
 * /proc/diskstats counts sectors, and sent for the process and file that caused it. */
SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	__u64 request_key = (__u64)rq;
	struct block_request *request;
	bool completed;
	__u32 device;

	if (!is_read_request(rq))
		return 0;
	/* __data_len still holds what was outstanding before this completion. */
	completed = nr_bytes >= BPF_CORE_READ(rq, __data_len);
	request = find_block_request(rq);
	if (!request) {
		device = BPF_CORE_READ(rq, part, bd_dev);
		count_device_read(device ? device : BPF_CORE_READ(rq, bio, bi_bdev, bd_dev), nr_bytes, completed,
				  RT_BLOCK_UNATTRIBUTED);
		return 0;
	}
	count_device_read(request->device, nr_bytes, completed, request->cause);
	if (request->cause == RT_BLOCK_ATTRIBUTED)
		send_block_event(request, nr_bytes, completed, bpf_ktime_get_ns());
	if (completed)
		bpf_map_delete_elem(&block_requests, &request_key);
	return 0;
}
