/* Page-cache misses of io_uring reads: their pages are added by the submitter, an io-wq worker
 * or the SQPOLL thread, none of them inside a read call, so they are kept per (process, file)
 * until the process's next completed io_uring read of that file takes them. */
#ifndef READTRACE_LIB_ASYNC_MISSES_H
#define READTRACE_LIB_ASYNC_MISSES_H

#include "lib/files.bpf.h"

struct async_miss_key {
	__u32 tgid;
	__u32 dev;
	__u64 inode;
};

/* Processes that have submitted a traced io_uring read (LRU: no cleanup at exit; a reused
 * tgid only keeps counts nobody takes). */
RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} async_readers SEC(".maps");

RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct async_miss_key);
	__type(value, __u64);
} async_misses SEC(".maps");

/* A page added outside a read by a thread of a process with io_uring reads: kept for the
 * file, unless it is a block device's metadata (anonymous device number, major 0). */
static __always_inline void note_async_miss(__u32 tgid, const struct file_key *added, __u64 bytes)
{
	struct async_miss_key key = { .tgid = tgid, .dev = added->dev, .inode = added->inode };
	__u64 *misses;

	if ((added->dev >> 20) == 0 || !bpf_map_lookup_elem(&async_readers, &tgid))
		return;
	misses = bpf_map_lookup_elem(&async_misses, &key);
	if (misses)
		__sync_fetch_and_add(misses, bytes);
	else
		bpf_map_update_elem(&async_misses, &key, &bytes, BPF_NOEXIST);
}

/* The misses kept for the process's file since its last completed io_uring read of it. Taken
 * by subtracting them, not by deleting the entry: pages another thread adds meanwhile stay. */
static __always_inline __u64 take_async_misses(__u32 tgid, const struct file_key *file)
{
	struct async_miss_key key = { .tgid = tgid, .dev = file->dev, .inode = file->inode };
	__u64 *misses = bpf_map_lookup_elem(&async_misses, &key);
	__u64 bytes = misses ? *misses : 0;

	if (bytes)
		__sync_fetch_and_add(misses, -bytes);
	return bytes;
}

#endif
