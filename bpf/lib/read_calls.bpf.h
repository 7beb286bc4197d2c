/* The start of a read-family call, shared by the read hooks and the asynchronous submissions
 * (Linux AIO) that account their page-cache misses and direct-IO block requests the same way. */
#ifndef READTRACE_LIB_READ_CALLS_H
#define READTRACE_LIB_READ_CALLS_H

#include "lib/announce.bpf.h"
#include "lib/selection.bpf.h"
#include "lib/thread_state.bpf.h"

/* Whether the thread's file was decided outside the agent's selection when it was named. */
static __always_inline bool is_unselected(struct thread_read *state)
{
	return select_files && (state->file_flags_sent & RT_FILE_UNSELECTED);
}

/* The syscall tracepoints carry an fd, not a file: found through the task's fd table,
 * which another thread may change meanwhile (the memory stays valid under RCU). */
static __always_inline struct file *file_of_fd(unsigned long fd)
{
	struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;
	struct file *file = NULL;

	if (!fdt || fd >= fdt->max_fds)
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]);
	return file;
}

/* Entry of a read-family call by a traced process: remember which file and when.
 * A repeat read of the thread's previous file is recognised by its inode object and
 * number (three loads); otherwise the process and the file are named to user space,
 * as they are again when the file has been deleted since it was named. */
static __always_inline void begin_read(struct file *file)
{
	struct thread_read *state;
	struct inode *inode;
	bool deleted;
	__u64 ino;

	if (!file)
		return;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode)
		return;
	ino = BPF_CORE_READ(inode, i_ino);
	deleted = BPF_CORE_READ(inode, i_nlink) == 0;
	state = current_thread_state();
	if (!state || state->inode_address != (__u64)inode || state->file.inode != ino ||
	    (deleted && !(state->file_flags_sent & RT_FILE_DELETED))) {
		struct file_key key;

		if (!all_files && !is_regular(inode))
			return;
		if (!state && !(state = new_thread_state()))
			return; /* no room to follow this thread: its read is lost */
		key = file_key_of(inode);
		announce_process(bpf_get_current_pid_tgid() >> 32);
		state->file_flags_sent = announce_open_file(file, inode, &key, deleted, true);
		state->file = key;
		state->inode_address = (__u64)inode;
	}
	state->cache_miss_bytes = 0;
	/* An unselected file's read is counted, not timed: start_ns only marks it in progress. */
	state->start_ns = is_unselected(state) ? 1 : bpf_ktime_get_ns();
}

/* The return of a call begun with begin_read that sends no read record of its own (an AIO
 * submission, a prefetch): the pages it brought into the page cache, as `cause`; none sent
 * when it brought none, unless `always`. Nothing when the thread is not in such a call. */
static __always_inline void end_call_with_fill(enum rt_fill_cause cause, bool always)
{
	struct thread_read *state = current_thread_state();

	if (!state || !state->start_ns)
		return;
	if (state->cache_miss_bytes || always)
		send_fill(&state->file, state->cache_miss_bytes, cause);
	state->start_ns = 0;
}

#endif
