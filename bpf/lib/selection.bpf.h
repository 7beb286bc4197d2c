/* The agent's file selection, decided in the kernel once per file, when the file is named:
 * reads of unselected files are counted per process here and never reach the ring buffer. */
#ifndef READTRACE_LIB_SELECTION_H
#define READTRACE_LIB_SELECTION_H

#include "lib/emit.bpf.h"

/* Preallocated (tracing programs on older kernels refuse others); one entry when nothing is
 * selected (the loader shrinks it). User space deletes the entries of processes gone. */
RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct rt_process_reads);
} unselected_reads SEC(".maps");

/* ASCII upper case to lower case in each byte of a word, other bytes unchanged. */
static __always_inline __u64 lower_case_word(__u64 word)
{
	const __u64 high_bits = 0x8080808080808080ULL;
	__u64 low7 = word & ~high_bits;
	__u64 above_z = low7 + 0x2525252525252525ULL; /* 0x7f - 'Z': high bit set above 'Z' */
	__u64 from_a = low7 + 0x3f3f3f3f3f3f3f3fULL;  /* 0x80 - 'A': high bit set from 'A' */
	__u64 upper = (from_a ^ above_z) & ~word & high_bits;

	return word | (upper >> 2); /* 'A' + 0x20 is 'a' */
}

/* Whether the name of `dentry` ends in one of the selected suffixes. Its last 16 bytes are
 * compared under each suffix's mask; bytes before a shorter name are never compared, as a
 * suffix longer than the name does not match. A name that cannot be read is selected: its
 * reads are then sent, as every read was before the selection. */
static __always_inline bool file_is_selected(struct dentry *dentry)
{
	const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
	__u32 length = BPF_CORE_READ(dentry, d_name.len);
	__u64 tail[2];

	if (!name || bpf_probe_read_kernel(tail, sizeof(tail), name + length - RT_FILE_SUFFIX_LEN))
		return true;
	if (file_suffixes_casefold) {
		tail[0] = lower_case_word(tail[0]);
		tail[1] = lower_case_word(tail[1]);
	}
	for (__u32 i = 0; i < RT_MAX_FILE_SUFFIXES && i < file_suffix_count; i++) {
		if (length >= file_suffix_lengths[i] && (tail[0] & file_suffix_masks[i][0]) == file_suffixes[i][0] &&
		    (tail[1] & file_suffix_masks[i][1]) == file_suffixes[i][1])
			return true;
	}
	return false;
}

/* Adds a finished read of an unselected file to its process's counts; a process with no room
 * left in the map is counted as a lost event. */
static __always_inline void count_unselected_read(__u32 tgid, long result, __u64 cache_miss_bytes)
{
	struct rt_process_reads *reads = bpf_map_lookup_elem(&unselected_reads, &tgid);

	if (!reads) {
		struct rt_process_reads zero = {};

		bpf_map_update_elem(&unselected_reads, &tgid, &zero, BPF_NOEXIST);
		reads = bpf_map_lookup_elem(&unselected_reads, &tgid);
		if (!reads) {
			count_event(false);
			return;
		}
	}
	if (result >= 0) {
		__sync_fetch_and_add(&reads->read_bytes, result);
		__sync_fetch_and_add(&reads->read_calls, 1);
	} else {
		__sync_fetch_and_add(&reads->read_errors, 1);
	}
	if (cache_miss_bytes)
		__sync_fetch_and_add(&reads->cache_miss_bytes, cache_miss_bytes);
}

#endif
