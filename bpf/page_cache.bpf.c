// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Page-cache misses and page faults on mapped files: pages a traced thread brings into the
 * page cache, counted on the read in progress or on the file it last faulted on. */
#include "lib/announce.bpf.h"
#include "lib/async_misses.bpf.h"
#include "lib/emit.bpf.h"
#include "lib/filter.bpf.h"
#include "lib/thread_state.bpf.h"

/* Page-cache misses: folios a traced thread adds to the page cache while inside a read,
 * for the read itself or for the readahead it triggers, were read from the device for
 * that read. They count on the read's (process, file) entry, also when the folio belongs
 * to the file under an overlay (on a filesystem with a real device number). Outside a
 * read, folios of the file the thread last faulted on were brought in by that fault (or
 * its fault-around and readahead); a thread writing into a file it has mapped would be
 * counted the same way. */
SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int count_cache_miss(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct thread_read *state = thread_state_of(task);
	struct file_key added = { .inode = ctx->i_ino, .dev = ctx->s_dev };
	__u64 bytes = page_size;

	if (bpf_core_field_exists(ctx->order))
		bytes <<= ctx->order & 31;
	/* With the light hook a thread's first read adds pages before it is seen. An io_uring
	 * read's pages are added by threads that may never have read (io-wq workers, SQPOLL). */
	if (!state && light_reads && is_traced(task))
		state = new_thread_state();
	if (!state) {
		note_async_miss(task->tgid, &added, bytes);
		return 0;
	}
	if (state->start_ns) {
		/* Metadata the filesystem reads during the call goes to its block device's own page
		 * cache, on a pseudo filesystem with an anonymous device number (major 0): not the
		 * file's pages. A file's own pages, and an overlay's lower file's, are elsewhere. */
		if (added.dev != state->file.dev && (added.dev >> 20) == 0)
			return 0;
		state->cache_miss_bytes += bytes;
		return 0;
	}
	if (same_file(&state->faulting, &added)) {
		send_fill(&added, bytes, RT_FILL_FAULT);
		return 0;
	}
	if (!light_reads) {
		note_async_miss(task->tgid, &added, bytes);
		return 0;
	}
	/* Light hook: additions of the file the thread is reading are its misses. A read's first
	 * pages are added before the read is seen, so another file's wait until the thread reads
	 * it; they are dropped when yet another file's come first (most likely a write).
	 * Block-device metadata (major 0) must not push them out. */
	if (same_file(&state->file, &added)) {
		send_fill(&added, bytes, RT_FILL_READ);
		return 0;
	}
	if (!same_file(&state->unclaimed, &added)) {
		if ((added.dev >> 20) == 0)
			return 0;
		state->unclaimed = added;
		state->unclaimed_bytes = 0;
	}
	state->unclaimed_bytes += bytes;
	return 0;
}

/* A traced thread faulting on a mapped file: its page-cache additions until the next
 * fault belong to that file, and so does the page-table change the fault makes (mapped
 * bytes). One handler for every hook that sees the fault; a fault still carrying mapped
 * bytes no file claimed (a fault handler without its own tracepoint) drops them. */
static __always_inline void note_faulting_file(struct inode *inode)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct thread_read *state;
	struct file_key key;

	if (!inode || !is_traced(bpf_get_current_task_btf()))
		return;
	key = file_key_of(inode);
	state = new_thread_state();
	if (!state)
		return;
	state->mapping_fault = true;
	state->mapped_pending_bytes = 0;
	if (same_file(&state->faulting, &key))
		return;
	announce_process(pid_tgid >> 32);
	announce_inode(inode, &key, true); /* traced before the fault looks up its page */
	state->faulting = key;
}

/* The fault's file, through the tracepoint of 6.10+. */
SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(note_fault, struct address_space *mapping)
{
	note_faulting_file(BPF_CORE_READ(mapping, host));
	return 0;
}

/* Before 6.10: the page-cache fault handler itself, by fentry or kprobe. */
static __always_inline struct inode *inode_of_fault(struct vm_fault *vmf)
{
	return BPF_CORE_READ(vmf, vma, vm_file, f_inode);
}

SEC("fentry/filemap_fault")
int BPF_PROG(fentry_filemap_fault, struct vm_fault *vmf)
{
	note_faulting_file(inode_of_fault(vmf));
	return 0;
}

SEC("kprobe/filemap_fault")
int BPF_KPROBE(kprobe_filemap_fault, struct vm_fault *vmf)
{
	note_faulting_file(inode_of_fault(vmf));
	return 0;
}

/* Tracepoints only, before 6.10: every user page fault (x86's exception tracepoint, as it
 * starts), its file looked up by address with bpf_find_vma (5.17). The lookup needs the
 * address-space lock without waiting: a fault while a thread of the process maps or unmaps
 * goes unnamed, and what it brings in uncounted. */
SEC("tp_btf/page_fault_user")
int BPF_PROG(note_user_fault, unsigned long address)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct file *file = NULL;

	if (!is_traced(task))
		return 0;
	bpf_find_vma(task, address, file_of_vma, &file, 0);
	note_faulting_file(file ? BPF_CORE_READ(file, f_inode) : NULL);
	return 0;
}

/* Mapped bytes (6.10+, tracepoints): pages a traced process maps from a file, counted as its
 * page tables' file-page counter grows. Since 6.2 the kernel reports that counter exactly
 * (summed over CPUs) on every change; the change is the growth since the process's previous
 * report. A fault maps pages in two places: fault-around maps the cached pages near the
 * address, reported before mm_filemap_map_pages names their file; the fault handler maps the
 * faulting page after mm_filemap_fault named it. A process's first change after tracing
 * starts only sets the baseline. Threads of one process faulting on different files at once
 * may swap their bytes. Pages a fault handler without a tracepoint maps itself (tmpfs's
 * shmem_fault, unlike its fault-around) are not counted: nothing names their file. */
#define RT_MM_FILEPAGES 0
#define RT_MM_SHMEMPAGES 3

struct rss_key {
	__u64 mm;
	__u32 tgid;
	__u32 member;
};

/* The last reported size of each traced process's file-page counters. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct rss_key);
	__type(value, __s64);
} reported_rss SEC(".maps");

SEC("tracepoint/kmem/rss_stat")
int count_mapped(struct trace_event_raw_rss_stat *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct thread_read *state;
	struct rss_key key = {};
	__s64 size = ctx->size, *reported, grown = 0;

	if (!ctx->curr || !is_traced(task))
		return 0;
	state = thread_state_of(task);
	if (ctx->member != RT_MM_FILEPAGES && ctx->member != RT_MM_SHMEMPAGES) {
		/* A private page copied on write: the fault mapped no file page. */
		if (state)
			state->mapping_fault = false;
		return 0;
	}
	key.mm = (__u64)task->mm;
	key.tgid = task->tgid;
	key.member = ctx->member;
	reported = bpf_map_lookup_elem(&reported_rss, &key);
	if (!reported) {
		bpf_map_update_elem(&reported_rss, &key, &size, BPF_ANY);
		return 0;
	}
	if (size > *reported)
		grown = size - *reported;
	*reported = size;
	if (!grown || (!state && !(state = new_thread_state())))
		return 0;
	if (state->mapping_fault) {
		state->mapping_fault = false;
		send_fill(&state->faulting, grown, RT_FILL_MAPPED);
		return 0;
	}
	/* Fault-around reports its file right after its change: an earlier change still waiting
	 * came from a fault handler without a tracepoint (tmpfs's): its file is unknown, dropped. */
	state->mapped_pending_bytes = grown;
	return 0;
}

SEC("tp_btf/mm_filemap_map_pages")
int BPF_PROG(count_mapped_around, struct address_space *mapping)
{
	struct thread_read *state = current_thread_state();
	struct inode *inode = mapping->host;
	struct file_key key;

	if (!state)
		return 0;
	state->mapping_fault = false;
	if (!state->mapped_pending_bytes || !inode)
		return 0;
	key = file_key_of(inode);
	announce_process(bpf_get_current_pid_tgid() >> 32);
	announce_inode(inode, &key, false);
	send_fill(&key, state->mapped_pending_bytes, RT_FILL_MAPPED);
	state->mapped_pending_bytes = 0;
	return 0;
}
