// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Prefetch calls: readahead(2), posix_fadvise(POSIX_FADV_WILLNEED), madvise(MADV_WILLNEED or
 * MADV_POPULATE_READ) and mmap with MAP_POPULATE bring a file's pages into the page cache
 * without reading them. Each is a call begun on its file as a read is (begin_read), so the
 * pages the thread adds meanwhile are counted, and sent at its return as prefetched bytes:
 * the pages the call actually brought in (0 when they were cached), not the range it asked
 * for. Their block requests are the file's, as any. madvise names the file of the mapping
 * at the range's start (bpf_find_vma, 5.17); a range over several files counts the first. */
#include "lib/filter.bpf.h"
#include "lib/read_calls.bpf.h"

#define POSIX_FADV_WILLNEED 3
#define MADV_WILLNEED 3
#define MADV_POPULATE_READ 22
#define MAP_POPULATE 0x8000

static __always_inline void begin_prefetch(struct file *file)
{
	if (reads_are_traced())
		begin_read(file);
}

SEC("tracepoint/syscalls/sys_enter_readahead")
int enter_readahead(struct trace_event_raw_sys_enter *ctx)
{
	begin_prefetch(file_of_fd(ctx->args[0]));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_fadvise64")
int enter_fadvise64(struct trace_event_raw_sys_enter *ctx)
{
	if (ctx->args[3] == POSIX_FADV_WILLNEED)
		begin_prefetch(file_of_fd(ctx->args[0]));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_mmap")
int enter_mmap(struct trace_event_raw_sys_enter *ctx)
{
	if (ctx->args[3] & MAP_POPULATE)
		begin_prefetch(file_of_fd(ctx->args[4]));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_madvise")
int enter_madvise(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task;
	struct file *file = NULL;

	if (ctx->args[2] != MADV_WILLNEED && ctx->args[2] != MADV_POPULATE_READ)
		return 0;
	if (empty_read_hooks || !is_traced(task = bpf_get_current_task_btf()))
		return 0;
	bpf_find_vma(task, ctx->args[0], file_of_vma, &file, 0);
	if (file)
		begin_read(file);
	return 0;
}

/* One return for them all: nothing unless the entry began a prefetch. */
#define PREFETCH_SYSCALLS(X) X(readahead) X(fadvise64) X(mmap) X(madvise)

#define PREFETCH_RETURN(name)                                                                                          \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                                                     \
	int exit_##name(struct trace_event_raw_sys_exit *ctx)                                                          \
	{                                                                                                              \
		end_call_with_fill(RT_FILL_PREFETCH, true);                                                            \
		return 0;                                                                                              \
	}

PREFETCH_SYSCALLS(PREFETCH_RETURN)
