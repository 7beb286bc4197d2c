// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Prefetch calls: readahead(2), posix_fadvise(POSIX_FADV_WILLNEED), madvise(MADV_WILLNEED or
 * MADV_POPULATE_READ) and mmap with MAP_POPULATE bring a file's pages into the page cache
 * without reading them. Each is a call begun on its file as a read is (begin_read), so the
 * pages the thread adds meanwhile are counted, and sent at its return as prefetched bytes:
 * the pages the call actually brought in (0 when they were cached), not the range it asked
 * for. Their block requests are the file's, as any. madvise names the file of the mapping
 * at the range's start (bpf_find_vma, 5.17); a range over several files counts the first.
 * Each syscall is hooked in the variant of the read hook (lib/syscall_hooks.bpf.h). */
#include "lib/filter.bpf.h"
#include "lib/read_calls.bpf.h"
#include "lib/syscall_hooks.bpf.h"

#define POSIX_FADV_WILLNEED 3
#define MADV_WILLNEED 3
#define MADV_POPULATE_READ 22
#define MAP_POPULATE 0x8000

static __always_inline void begin_prefetch(struct file *file)
{
	if (reads_are_traced())
		begin_read(file);
}

/* One return for them all: nothing unless the entry began a prefetch. */
static __always_inline void end_prefetch(long result)
{
	end_call_with_fill(RT_FILL_PREFETCH, true);
}

/* readahead(fd, offset, count) */
static __always_inline void enter_readahead_call(unsigned long *args)
{
	begin_prefetch(file_of_fd(args[0]));
}

/* fadvise64(fd, offset, len, advice) */
static __always_inline void enter_fadvise64_call(unsigned long *args)
{
	if (args[3] == POSIX_FADV_WILLNEED)
		begin_prefetch(file_of_fd(args[0]));
}

/* mmap(addr, len, prot, flags, fd, offset) */
static __always_inline void enter_mmap_call(unsigned long *args)
{
	if (args[3] & MAP_POPULATE)
		begin_prefetch(file_of_fd(args[4]));
}

/* madvise(start, len, advice) */
static __always_inline void enter_madvise_call(unsigned long *args)
{
	struct task_struct *task;
	struct file *file = NULL;

	if (args[2] != MADV_WILLNEED && args[2] != MADV_POPULATE_READ)
		return;
	if (empty_read_hooks || !is_traced(task = bpf_get_current_task_btf()))
		return;
	bpf_find_vma(task, args[0], file_of_vma, &file, 0);
	if (file)
		begin_read(file);
}

SYSCALL_HOOKS(readahead, enter_readahead_call, end_prefetch)
SYSCALL_HOOKS(fadvise64, enter_fadvise64_call, end_prefetch)
SYSCALL_HOOKS(mmap, enter_mmap_call, end_prefetch)
SYSCALL_HOOKS(madvise, enter_madvise_call, end_prefetch)
