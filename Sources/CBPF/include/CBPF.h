/* Umbrella header of the C boundary: libbpf, the generated skeleton, the records
 * shared with the BPF programs, and CBPF_ shims for what Swift imports badly. */
#ifndef CBPF_H
#define CBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "../../../bpf/readtrace.h"
#include "readtrace.skel.h"

/* Swift does not import char arrays this large: where they start in their records. */
static inline size_t CBPF_file_event_path_offset(void)
{
	return offsetof(struct rt_file_event, path);
}
static inline size_t CBPF_process_event_cmdline_offset(void)
{
	return offsetof(struct rt_process_event, cmdline);
}
static inline size_t CBPF_cgroup_event_path_offset(void)
{
	return offsetof(struct rt_cgroup_event, path);
}

/* libbpf logs through a variadic callback: keep warnings only when verbose. */
void CBPF_set_libbpf_verbose(bool verbose);

/* Sets filter slot `index` of the skeleton's comm_filters (a char[16][16] in rodata). */
void CBPF_set_comm_filter(struct readtrace *skeleton, unsigned index, const char *comm);

/* BTF ids of a function or typedef, or a negative errno: BTF_KIND_* is ambiguous in Swift here. */
static inline int CBPF_btf_find_function(const struct btf *btf, const char *name)
{
	return btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
}
static inline int CBPF_btf_find_typedef(const struct btf *btf, const char *name)
{
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
}

/* Whether BTF's enum `enum_name` has the constant `value` (e.g. bpf_map_type, BPF_MAP_TYPE_RINGBUF):
 * what the running kernel was built with, readable without privileges. */
bool CBPF_btf_has_enum_value(const struct btf *btf, const char *enum_name, const char *value);
/* Whether the kernel's BTF has a struct of this name. */
bool CBPF_btf_has_struct(const struct btf *btf, const char *name);

/* Loads and attaches an empty fentry program on the function with vmlinux BTF id `btf_id`,
 * then detaches and closes it. 0 if the kernel allows both, else the negated errno. */
int CBPF_probe_fentry(unsigned btf_id);

/* Makes the effective capability set equal to the permitted one. A binary with file
 * capabilities that are permitted but not effective (`setcap cap_bpf,...=p`) is started even
 * where a container grants fewer of them, and readtrace then names what is missing instead of
 * the exec failing. 0, or the errno of capget/capset. */
int CBPF_raise_permitted_capabilities(void);

#endif
