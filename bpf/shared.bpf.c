// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The one definition of the options and maps the program files share (their headers
 * declare them extern elsewhere): bpftool gen object resolves every file's externs here. */
#define RT_DEFINE_SHARED
#include "lib/options.bpf.h"
#include "lib/emit.bpf.h"
#include "lib/filter.bpf.h"
#include "lib/thread_state.bpf.h"
#include "lib/announce.bpf.h"
#include "lib/fuse.bpf.h"
#include "lib/selection.bpf.h"
#include "lib/async_misses.bpf.h"

/* GPL-compatible, as the probe-read helpers require. */
char LICENSE[] SEC("license") = "Dual BSD/GPL";
