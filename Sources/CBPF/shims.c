#include "CBPF.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
