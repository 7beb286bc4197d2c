/* Options, set by the loader in the skeleton's rodata before load, so the verifier prunes
 * what they rule out. */
#ifndef READTRACE_LIB_OPTIONS_H
#define READTRACE_LIB_OPTIONS_H

#include "lib/shared.bpf.h"

RT_SHARED const volatile __u32 self_tgid;
RT_SHARED const volatile bool filter_by_tgid; /* only tgids in traced_tgids */
RT_SHARED const volatile __u32 comm_filter_count;
/* Compared as two words per name (comm_matches): aligned for those loads. */
RT_SHARED const volatile char comm_filters[RT_MAX_COMM_FILTERS][RT_COMM_LEN] __attribute__((aligned(8)));
RT_SHARED const volatile __u32 cgroup_filter_levels; /* 0: no cgroup filter; else deepest filtered level + 1 */
RT_SHARED const volatile bool all_files;	     /* also pipes, sockets, ttys, ... */
RT_SHARED const volatile __u32 page_size RT_DEFAULT(4096);
/* Kernels before 6.5 have no block_io_start: block requests are decided at block_getrq. */
RT_SHARED const volatile bool decide_at_bio;
/* bpf_loop (5.17) walks paths; without it a bounded loop does. */
RT_SHARED const volatile bool have_bpf_loop RT_DEFAULT(true);
/* Reads come from the page cache's own tracepoint (the light hook): no per-call timing. */
RT_SHARED const volatile bool light_reads;
/* For benchmarks: the read hooks attach but return at once (the verifier drops the rest),
 * which measures what merely attaching to those hooks costs. */
RT_SHARED const volatile bool empty_read_hooks;
/* FUSE daemons serving what traced processes read are traced too (fuse_request_end, 6.15+). */
RT_SHARED const volatile bool follow_fuse_daemons;
/* Records wake the reader only once this much is waiting; it also drains on a timer.
 * A wake-up per record would cost more than the record. */
RT_SHARED const volatile __u64 wakeup_threshold_bytes RT_DEFAULT(1 << 20);
/* The agent's selection (--path suffixes, or the model-file suffixes): a file whose name ends
 * in none of them is decided unselected once, when it is named (lib/selection.bpf.h). Each
 * suffix is right-aligned in two words with the mask of its bytes, lower case when
 * `file_suffixes_casefold`. */
RT_SHARED const volatile bool select_files;
RT_SHARED const volatile bool file_suffixes_casefold;
RT_SHARED const volatile __u32 file_suffix_count;
RT_SHARED const volatile __u32 file_suffix_lengths[RT_MAX_FILE_SUFFIXES];
RT_SHARED const volatile __u64 file_suffixes[RT_MAX_FILE_SUFFIXES][2];
RT_SHARED const volatile __u64 file_suffix_masks[RT_MAX_FILE_SUFFIXES][2];

#endif
