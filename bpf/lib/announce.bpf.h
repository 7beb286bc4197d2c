/* Naming processes and files to user space once, the first time a traced process touches
 * them: user space keys everything else by (tgid) and (dev, inode). */
#ifndef READTRACE_LIB_ANNOUNCE_H
#define READTRACE_LIB_ANNOUNCE_H

#include "lib/emit.bpf.h"
#include "lib/files.bpf.h"
#include "lib/fuse.bpf.h"
#include "lib/path.bpf.h"
#include "lib/selection.bpf.h"

/* Files and processes already named to user space (files with the flags sent);
 * evicted ones are named again. */
RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct file_key);
	__type(value, __u32);
} announced_files SEC(".maps");

RT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} announced_processes SEC(".maps");

static __always_inline void announce_process(__u32 tgid)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct rt_process_event *event;
	unsigned long arg_start, arg_end;
	__u64 copied;

	if (bpf_map_lookup_elem(&announced_processes, &tgid))
		return;
	event = reserve_event(sizeof(*event));
	if (!event)
		return;
	event->kind = RT_EVENT_PROCESS;
	event->tgid = tgid;
	event->parent_tgid = BPF_CORE_READ(task, real_parent, tgid);
	event->cgroup_id = bpf_get_current_cgroup_id();
	BPF_CORE_READ_STR_INTO(&event->comm, task, group_leader, comm);
	arg_start = BPF_CORE_READ(task, mm, arg_start);
	arg_end = BPF_CORE_READ(task, mm, arg_end);
	event->cmdline_full_bytes = arg_end > arg_start ? arg_end - arg_start : 0;
	copied = event->cmdline_full_bytes;
	if (copied > RT_CMDLINE_MAX)
		copied = RT_CMDLINE_MAX;
	if (copied && bpf_probe_read_user(event->cmdline, copied, (void *)arg_start))
		copied = 0;
	event->cmdline_bytes = copied;
	bpf_ringbuf_submit(event, wakeup_flags());
	bpf_map_update_elem(&announced_processes, &tgid, &present, BPF_ANY);
}

/* The file's filesystem type as the kernel names it, with a FUSE subtype; and, when the
 * caller is at the start of the first traced read or fault (`before_read`), how much of the
 * file the page cache held then: the read cannot have brought any of it in yet. */
static __always_inline void describe_storage(struct rt_file_event *event, struct inode *inode, bool before_read)
{
	struct super_block *sb = BPF_CORE_READ(inode, i_sb);
	const char *subtype = BPF_CORE_READ(sb, s_subtype);
	__u64 cached;

	bpf_probe_read_kernel_str(event->fs_type, RT_FS_TYPE_LEN, BPF_CORE_READ(sb, s_type, name));
	event->fs_subtype[0] = '\0';
	if (subtype)
		bpf_probe_read_kernel_str(event->fs_subtype, RT_FS_TYPE_LEN, subtype);
	/* Pages, any of them: the last one counts whole; clipped at the file's end. */
	cached = (__u64)BPF_CORE_READ(inode, i_mapping, nrpages) * page_size;
	if (cached > event->size_bytes)
		cached = event->size_bytes;
	event->cached_bytes = before_read ? cached : 0;
	if (before_read)
		event->flags |= RT_FILE_CACHE_MEASURED;
	note_fuse_read(sb, event->dev);
}

/* Names the file to user space unless it already has it with the same deleted
 * state; returns the flags user space now has for it, 0 if the record was lost.
 * The path is walked from dentry, through mnt's mount tree when given. */
static __always_inline __u32 announce_file(struct inode *inode, struct file_key *key, bool deleted,
					   struct dentry *dentry, struct mount *mnt, bool before_read)
{
	__u32 *sent = bpf_map_lookup_elem(&announced_files, key);
	__u32 zero = 0;
	struct rt_file_event *event;
	__u32 used;

	if (sent && (!deleted || (*sent & RT_FILE_DELETED)))
		return *sent;
	event = bpf_map_lookup_elem(&file_event_scratch, &zero);
	if (!event)
		return 0;
	event->kind = RT_EVENT_FILE;
	event->dev = key->dev;
	event->inode = key->inode;
	event->size_bytes = BPF_CORE_READ(inode, i_size);
	event->mode = BPF_CORE_READ(inode, i_mode);
	event->flags = (deleted ? RT_FILE_DELETED : 0) | (mnt ? 0 : RT_FILE_PATH_FROM_FS_ROOT);
	if (select_files && !file_is_selected(dentry))
		event->flags |= RT_FILE_UNSELECTED;
	event->reserved = 0;
	describe_storage(event, inode, before_read);
	used = write_path(event, dentry, mnt);
	if (used > RT_PATH_MAX)
		used = RT_PATH_MAX;
	event->path_bytes = used;
	if (bpf_ringbuf_output(&events, event, offsetof(struct rt_file_event, path) + used, wakeup_flags())) {
		count_event(false);
		return 0;
	}
	count_event(true);
	bpf_map_update_elem(&announced_files, key, &event->flags, BPF_ANY);
	return event->flags;
}

/* Names an open file through its own path (dentry and mount); returns the flags user space has. */
static __always_inline __u32 announce_open_file(struct file *file, struct inode *inode, struct file_key *key,
						bool deleted, bool before_read)
{
	struct vfsmount *vfsmnt = BPF_CORE_READ(file, f_path.mnt);

	return announce_file(inode, key, deleted, BPF_CORE_READ(file, f_path.dentry),
			     (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt), before_read);
}

/* Names a file known only by its inode (mapped, or read from disk outside a read call)
 * through one of its dentries. */
static __always_inline void announce_inode(struct inode *inode, struct file_key *key, bool before_read)
{
	struct hlist_node *alias = BPF_CORE_READ(inode, i_dentry.first);

	if (!alias || bpf_map_lookup_elem(&announced_files, key))
		return;
	announce_file(inode, key, BPF_CORE_READ(inode, i_nlink) == 0,
		      (void *)alias - bpf_core_field_offset(struct dentry, d_u.d_alias), NULL, before_read);
}

#endif
