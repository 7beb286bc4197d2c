/* Per traced thread: the file of its latest read, and when that read started (0 once it
 * returned). Kept between reads, so a thread reading one file again skips naming it;
 * task-local, so the kernel frees it with the thread and a thread that is not traced costs
 * one pointer test to look up. */
#ifndef READTRACE_LIB_THREAD_STATE_H
#define READTRACE_LIB_THREAD_STATE_H

#include "lib/emit.bpf.h"
#include "lib/files.bpf.h"

struct thread_read {
	struct file_key file;
	struct file_key faulting; /* the mapped file of this thread's latest page fault */
	__u64 inode_address;	  /* the struct inode of `file`: a repeat read checks it first */
	__u64 start_ns;
	__u64 cache_miss_bytes; /* page-cache additions during the read in progress */
	__u32 file_flags_sent;	/* RT_FILE_* flags user space has for this file */
	__u32 padding;
	/* Light hook: the page range of the read in progress (it asks again for what remains
	 * after each batch of pages), and page-cache additions of a file this thread has not
	 * read yet, held until it does. */
	__u64 light_index;
	__u64 light_last_index;
	__u64 light_read_pages;
	struct file_key unclaimed;
	__u64 unclaimed_bytes;
	/* Mapped bytes: pages mapped by fault-around, until mm_filemap_map_pages names their
	 * file; and whether the fault in progress named its file (`faulting`) for the page its
	 * handler maps. */
	__u64 mapped_pending_bytes;
	bool mapping_fault;
};

RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct thread_read);
} thread_reads SEC(".maps");

static __always_inline struct thread_read *thread_state_of(struct task_struct *task)
{
	return bpf_task_storage_get(&thread_reads, task, 0, 0);
}

static __always_inline struct thread_read *current_thread_state(void)
{
	return thread_state_of(bpf_get_current_task_btf());
}

/* The current thread's state, created empty if it has none; NULL (counted as a lost
 * event) when there is no memory for it. */
static __always_inline struct thread_read *new_thread_state(void)
{
	struct thread_read *state =
		bpf_task_storage_get(&thread_reads, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!state)
		count_event(false);
	return state;
}

#endif
