#include "CBPF.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool libbpf_verbose;

static int print_libbpf(enum libbpf_print_level level, const char *format, va_list args)
{
	(void)level;
	if (!libbpf_verbose)
		return 0; /* readtrace reports failures itself, in one line */
	return vfprintf(stderr, format, args);
}

void CBPF_set_libbpf_verbose(bool verbose)
{
	libbpf_verbose = verbose;
	libbpf_set_print(print_libbpf);
}

void CBPF_set_comm_filter(struct readtrace *skeleton, unsigned index, const char *comm)
{
	if (index >= RT_MAX_COMM_FILTERS)
		return;
	char *slot = (char *)skeleton->rodata->comm_filters[index];
	memset(slot, 0, RT_COMM_LEN);
	strncpy(slot, comm, RT_COMM_LEN - 1);
}

bool CBPF_btf_has_struct(const struct btf *btf, const char *name)
{
	return btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT) > 0;
}

bool CBPF_btf_has_enum_value(const struct btf *btf, const char *enum_name, const char *value)
{
	int id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
	if (id < 0)
		return false;
	const struct btf_type *type = btf__type_by_id(btf, id);
	const struct btf_enum *values = btf_enum(type);
	for (int i = 0; i < btf_vlen(type); i++)
		if (strcmp(btf__name_by_offset(btf, values[i].name_off), value) == 0)
			return true;
	return false;
}

int CBPF_probe_fentry(unsigned btf_id)
{
	/* r0 = 0; exit */
	struct bpf_insn instructions[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, options, .expected_attach_type = BPF_TRACE_FENTRY, .attach_btf_id = btf_id);
	int program = bpf_prog_load(BPF_PROG_TYPE_TRACING, "rt_probe_fentry", "GPL", instructions,
				    sizeof(instructions) / sizeof(instructions[0]), &options);
	if (program < 0)
		return program;
	int link = bpf_raw_tracepoint_open(NULL, program);
	if (link >= 0)
		close(link);
	close(program);
	return link < 0 ? link : 0;
}

int CBPF_raise_permitted_capabilities(void)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &header, data) != 0)
		return errno;
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		data[i].effective = data[i].permitted;
	return syscall(SYS_capset, &header, data) == 0 ? 0 : errno;
}
