/* FUSE daemons: a traced process reading a FUSE file waits on the process that serves the
 * filesystem, whose own reads (of the files behind it) are the IO. The daemon is traced
 * whatever the filters, once a traced process reads its filesystem. */
#ifndef READTRACE_LIB_FUSE_H
#define READTRACE_LIB_FUSE_H

#include "lib/options.bpf.h"

#define FUSE_SUPER_MAGIC 0x65735546

/* The last FUSE filesystem each process answered a request for (any process: the daemon
 * answers the open before the first read, so it is known before it reads for that read). */
struct fuse_daemon {
	__u32 dev;
	__u32 announced_dev; /* the filesystem user space was told this process serves */
};

RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct fuse_daemon);
} fuse_daemons SEC(".maps");

/* FUSE filesystems (by device number) a traced process has read a file of. */
RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} traced_fuse_filesystems SEC(".maps");

/* Whether traced_fuse_filesystems has any: one load keeps the filtered-out path cheap on
 * nodes whose traced processes read no FUSE file. */
RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} fuse_read_seen SEC(".maps");

/* Notes that a traced process reads a file of the filesystem `sb`, if it is FUSE. */
static __always_inline void note_fuse_read(struct super_block *sb, __u32 dev)
{
	__u32 zero = 0, *seen;

	if (!follow_fuse_daemons || BPF_CORE_READ(sb, s_magic) != FUSE_SUPER_MAGIC)
		return;
	bpf_map_update_elem(&traced_fuse_filesystems, &dev, &present, BPF_ANY);
	seen = bpf_map_lookup_elem(&fuse_read_seen, &zero);
	if (seen)
		*seen = 1;
}

/* Whether the process serves a FUSE filesystem a traced process reads. */
static __always_inline bool serves_traced_fuse(__u32 tgid)
{
	__u32 zero = 0, *seen;
	struct fuse_daemon *daemon;

	if (!follow_fuse_daemons)
		return false;
	seen = bpf_map_lookup_elem(&fuse_read_seen, &zero);
	if (!seen || !*seen)
		return false;
	daemon = bpf_map_lookup_elem(&fuse_daemons, &tgid);
	return daemon && bpf_map_lookup_elem(&traced_fuse_filesystems, &daemon->dev);
}

#endif
