/* What every readtrace BPF file includes. The program files are compiled one by one and
 * linked into one object (bpftool gen object): a map or option shared between them is
 * declared once, in a lib header, as an extern everywhere but in shared.bpf.c, which
 * defines RT_DEFINE_SHARED and so holds the one definition the linker resolves them to. */
#ifndef READTRACE_LIB_SHARED_H
#define READTRACE_LIB_SHARED_H

#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "readtrace.h"

#ifdef RT_DEFINE_SHARED
#define RT_SHARED
#define RT_DEFAULT(value) = value
#else
#define RT_SHARED extern
#define RT_DEFAULT(value)
#endif

/* The value of the set-membership maps (traced_tgids, announced_processes, ...). */
static const __u8 present = 1;

#endif
