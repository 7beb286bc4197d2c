/* Umbrella header of the C boundary: libbpf, the generated skeleton, the records
 * shared with the BPF programs, and CBPF_ shims for what Swift imports badly. */
#ifndef CBPF_H
#define CBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "../../../bpf/readtrace.h"
#include "readtrace.skel.h"

/* Swift does not import char arrays this large: where they start in their records. */
static inline size_t CBPF_file_event_path_offset(void) { return offsetof(struct rt_file_event, path); }
static inline size_t CBPF_process_event_cmdline_offset(void) { return offsetof(struct rt_process_event, cmdline); }
static inline size_t CBPF_cgroup_event_path_offset(void) { return offsetof(struct rt_cgroup_event, path); }

/* libbpf logs through a variadic callback: keep warnings only when verbose. */
void CBPF_set_libbpf_verbose(bool verbose);

/* Sets filter slot `index` of the skeleton's comm_filters (a char[16][16] in rodata). */
void CBPF_set_comm_filter(struct readtrace *skeleton, unsigned index, const char *comm);

#endif
