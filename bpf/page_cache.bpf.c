// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Page-cache misses and page faults on mapped files: pages a traced thread brings into the
 * page cache, counted on the read in progress or on the file it last faulted on. */
#include "lib/announce.bpf.h"
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

	/* With the light hook a thread's first read adds pages before it is seen. */
	if (!state && (!light_reads || !is_traced(task) || !(state = new_thread_state())))
		return 0;
	if (bpf_core_field_exists(ctx->order))
		bytes <<= ctx->order & 31;
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
	if (!light_reads)
		return 0;
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
 * fault belong to that file. Loaded where the kernel has this tracepoint (6.10+). */
SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(note_fault, struct address_space *mapping)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct inode *inode = BPF_CORE_READ(mapping, host);
	struct thread_read *state;
	struct file_key key;

	if (!inode || !is_traced(bpf_get_current_task_btf()))
		return 0;
	key = file_key_of(inode);
	state = new_thread_state();
	if (!state || same_file(&state->faulting, &key))
		return 0;
	announce_process(pid_tgid >> 32);
	announce_inode(inode, &key, true); /* traced before the fault looks up its page */
	state->faulting = key;
	return 0;
}
