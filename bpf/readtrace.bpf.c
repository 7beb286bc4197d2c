// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* readtrace's kernel side: times every read-family call on a regular file by
 * a traced process and sends one record per call through a ring buffer; ties
 * page-cache misses, page faults on mapped files and block read requests to the
 * process and file that caused them.
 *
 * Accounting lives in begin_read/end_read; each hook variant (fentry/fexit or
 * kprobe/kretprobe on the VFS read functions, or the syscall tracepoints) is a
 * thin wrapper that only finds the struct file or the return value. Filtering
 * by process, comm and cgroup happens before any map work. */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "readtrace.h"

/* GPL-compatible, as the probe-read helpers require. */
char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Options, set by the loader before load so the verifier prunes what they rule out. */
const volatile __u32 self_tgid;
const volatile bool filter_by_tgid;          /* only tgids in traced_tgids */
const volatile bool follow_forks;            /* children of readtrace and of traced processes are traced */
const volatile __u32 comm_filter_count;
const volatile char comm_filters[RT_MAX_COMM_FILTERS][RT_COMM_LEN];
const volatile __u32 cgroup_filter_levels;   /* 0: no cgroup filter; else deepest filtered level + 1 */
const volatile bool all_files;               /* also pipes, sockets, ttys, ... */
const volatile __u32 page_size = 4096;
/* Kernels before 6.5 have no block_io_start: block requests are decided at block_getrq. */
const volatile bool decide_at_bio;
/* Reads come from the page cache's own tracepoint (the light hook): no per-call timing. */
const volatile bool light_reads;
/* For benchmarks: the read hooks attach but return at once (the verifier drops the rest),
 * which measures what merely attaching to those hooks costs. */
const volatile bool empty_read_hooks;
/* Records wake the reader only once this much is waiting; it also drains on a timer.
 * A wake-up per record would cost more than the record. */
const volatile __u64 wakeup_threshold_bytes = 1 << 20;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_counters);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} traced_tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} traced_cgroups SEC(".maps");

struct file_key {
	__u64 inode;
	__u32 dev;
	__u32 padding;
};

/* Per traced thread: the file of its latest read, and when that read started
 * (0 once it returned). Kept between reads, so a thread reading one file again
 * skips naming it; task-local, so the kernel frees it with the thread and a thread
 * that is not traced costs one pointer test to look up. */
struct thread_read {
	struct file_key file;
	struct file_key faulting; /* the mapped file of this thread's latest page fault */
	__u64 inode_address;     /* the struct inode of `file`: a repeat read checks it first */
	__u64 start_ns;
	__u64 cache_miss_bytes;  /* page-cache additions during the read in progress */
	__u32 file_flags_sent;   /* RT_FILE_* flags user space has for this file */
	__u32 padding;
	/* Light hook: the page range of the read in progress (it asks again for what remains
	 * after each batch of pages), and page-cache additions of a file this thread has not
	 * read yet, held until it does. */
	__u64 light_index;
	__u64 light_last_index;
	__u64 light_read_pages;
	struct file_key unclaimed;
	__u64 unclaimed_bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct thread_read);
} thread_reads SEC(".maps");

/* Files and processes already named to user space (files with the flags sent);
 * evicted ones are named again. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct file_key);
	__type(value, __u32);
} announced_files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} announced_processes SEC(".maps");

/* A block read request from its creation to its last completion: who caused it,
 * decided in the submitter's context, since completions run anywhere. LRU, so a
 * request whose completion is never seen cannot fill the map. */
struct block_request {
	struct file_key file;
	struct file_key lower;
	__u64 start_ns;
	__u64 issue_ns;
	__u32 tgid;
	__u32 device;
	__u32 cause;
	__u32 padding;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct block_request);
} block_requests SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct rt_device_reads);
} device_reads SEC(".maps");

/* A file record is built here (too large for the stack), then copied out
 * only as far as its path reaches. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_file_event);
} file_event_scratch SEC(".maps");

static const __u8 present = 1;

static __always_inline void count_event(bool sent)
{
	__u32 zero = 0;
	struct rt_counters *counter = bpf_map_lookup_elem(&counters, &zero);

	if (!counter)
		return;
	if (sent)
		counter->events_emitted++;
	else
		counter->events_lost++;
}

static __always_inline __u64 wakeup_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_threshold_bytes ? BPF_RB_FORCE_WAKEUP
										    : BPF_RB_NO_WAKEUP;
}

/* Reserves a ring-buffer record, counting it as emitted or lost on this CPU. */
static __always_inline void *reserve_event(__u64 size)
{
	void *event = bpf_ringbuf_reserve(&events, size, 0);

	count_event(event != NULL);
	return event;
}

/* Matches the process name (the thread group leader's comm, as ps shows it). The kernel
 * pads comm with zeros (strscpy_pad), and so does the loader for the filters, so a name
 * compares as two words, read straight from the task (no probe-read helper calls). */
static __always_inline bool comm_matches(struct task_struct *task)
{
	const __u64 *comm = (const __u64 *)task->group_leader->comm;
	__u64 first = comm[0], second = comm[1];

	for (__u32 i = 0; i < RT_MAX_COMM_FILTERS && i < comm_filter_count; i++) {
		const volatile __u64 *wanted = (const volatile __u64 *)comm_filters[i];

		if (first == wanted[0] && second == wanted[1])
			return true;
	}
	return false;
}

/* True when the current task's cgroup or one of its ancestors is filtered in. */
static __always_inline bool cgroup_matches(void)
{
	for (int level = 0; level < RT_MAX_CGROUP_DEPTH && level < cgroup_filter_levels; level++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(level);

		if (!id)
			break;
		if (bpf_map_lookup_elem(&traced_cgroups, &id))
			return true;
	}
	return false;
}

/* The name first: when it is filtered, most tasks fail there, before any other field is read. */
static __always_inline bool is_traced(struct task_struct *task)
{
	__u32 tgid;

	if (comm_filter_count && !comm_matches(task))
		return false;
	tgid = task->tgid;
	if (tgid == self_tgid)
		return false;
	if (filter_by_tgid && !bpf_map_lookup_elem(&traced_tgids, &tgid))
		return false;
	if (cgroup_filter_levels && !cgroup_matches())
		return false;
	return true;
}

/* Whether the read the current thread is entering is traced (never with empty_read_hooks). */
static __always_inline bool reads_are_traced(void)
{
	return !empty_read_hooks && is_traced(bpf_get_current_task_btf());
}

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

/* A walk up from a dentry, one component per step of bpf_loop (which the verifier checks
 * once, however far the walk goes). */
struct path_walk {
	struct rt_file_event *event;
	struct dentry *dentry;
	struct mount *mnt;
	__u32 used;     /* bytes of event->path written */
	bool complete;  /* reached the root */
};

static long path_walk_step(__u32 step, struct path_walk *walk)
{
	/* Locals, not walk's fields, go into BPF_CORE_READ: it relocates the whole expression. */
	struct dentry *dentry = walk->dentry;
	struct mount *mnt = walk->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	/* At most RT_MAX_PATH_DEPTH steps of at most RT_NAME_MAX bytes: the mask changes nothing
	 * but tells the verifier so. */
	char *component = &walk->event->path[walk->used & (RT_PATH_MAX - 1)];
	long copied;

	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

		if (dentry != mnt_root || mnt_parent == mnt) {
			walk->complete = true;
			return 1;
		}
		component[0] = '\0';
		walk->used++;
		walk->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		walk->mnt = mnt_parent;
		return 0;
	}
	/* A failed copy leaves an empty component. */
	copied = bpf_probe_read_kernel_str(component, RT_NAME_MAX, BPF_CORE_READ(dentry, d_name.name));
	walk->used += copied > 0 ? copied : 1;
	walk->dentry = parent;
	return 0;
}

/* Writes the path components from dentry up, leaf first, packed, crossing mount points up
 * to the root of the reader's mount namespace; without a mount (NULL), up to the root of the
 * dentry's filesystem. Returns the bytes written. */
static __always_inline __u32 write_path(struct rt_file_event *event, struct dentry *dentry, struct mount *mnt)
{
	struct path_walk walk = { .event = event, .dentry = dentry, .mnt = mnt };

	bpf_loop(RT_MAX_PATH_DEPTH, path_walk_step, &walk, 0);
	if (!walk.complete)
		event->flags |= RT_FILE_PATH_TRUNCATED;
	return walk.used;
}

/* Names the file to user space unless it already has it with the same deleted
 * state; returns the flags user space now has for it, 0 if the record was lost.
 * The path is walked from dentry, through mnt's mount tree when given. */
static __always_inline __u32 announce_file(struct inode *inode, struct file_key *key, bool deleted,
					   struct dentry *dentry, struct mount *mnt)
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
	event->reserved = 0;
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

/* Names a file known only by its inode (mapped, or read from disk outside a read call)
 * through one of its dentries. */
static __always_inline void announce_inode(struct inode *inode, struct file_key *key)
{
	struct hlist_node *alias = BPF_CORE_READ(inode, i_dentry.first);

	if (!alias || bpf_map_lookup_elem(&announced_files, key))
		return;
	announce_file(inode, key, BPF_CORE_READ(inode, i_nlink) == 0,
		      (void *)alias - bpf_core_field_offset(struct dentry, d_u.d_alias), NULL);
}

static __always_inline struct file_key file_key_of(struct inode *inode)
{
	struct file_key key = {
		.inode = BPF_CORE_READ(inode, i_ino),
		.dev = BPF_CORE_READ(inode, i_sb, s_dev),
	};
	return key;
}

static __always_inline bool is_regular(struct inode *inode)
{
	return (BPF_CORE_READ(inode, i_mode) & S_IFMT) == S_IFREG;
}

static __always_inline struct thread_read *thread_state_of(struct task_struct *task)
{
	return bpf_task_storage_get(&thread_reads, task, 0, 0);
}

static __always_inline struct thread_read *current_thread_state(void)
{
	return thread_state_of(bpf_get_current_task_btf());
}

/* The current thread's state, created empty if it has none; NULL (counted as a lost
 * event) when there is no memory for it. */
static __always_inline struct thread_read *new_thread_state(void)
{
	struct thread_read *state = bpf_task_storage_get(&thread_reads, bpf_get_current_task_btf(), 0,
							 BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!state)
		count_event(false);
	return state;
}

static __always_inline bool same_file(const struct file_key *a, const struct file_key *b)
{
	return a->inode == b->inode && a->dev == b->dev;
}

/* Entry of a read-family call by a traced process: remember which file and when.
 * A repeat read of the thread's previous file is recognised by its inode object and
 * number (three loads); otherwise the process and the file are named to user space,
 * as they are again when the file has been deleted since it was named. */
static __always_inline void begin_read(struct file *file)
{
	struct thread_read *state;
	struct inode *inode;
	bool deleted;
	__u64 ino;

	if (!file)
		return;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode)
		return;
	ino = BPF_CORE_READ(inode, i_ino);
	deleted = BPF_CORE_READ(inode, i_nlink) == 0;
	state = current_thread_state();
	if (!state || state->inode_address != (__u64)inode || state->file.inode != ino ||
	    (deleted && !(state->file_flags_sent & RT_FILE_DELETED))) {
		struct vfsmount *vfsmnt = BPF_CORE_READ(file, f_path.mnt);
		struct file_key key;

		if (!all_files && !is_regular(inode))
			return;
		if (!state && !(state = new_thread_state()))
			return; /* no room to follow this thread: its read is lost */
		key = file_key_of(inode);
		announce_process(bpf_get_current_pid_tgid() >> 32);
		state->file_flags_sent = announce_file(inode, &key, deleted, BPF_CORE_READ(file, f_path.dentry),
						       (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
		state->file = key;
		state->inode_address = (__u64)inode;
	}
	state->cache_miss_bytes = 0;
	state->start_ns = bpf_ktime_get_ns();
}

/* One read record for the thread's file; latency 0 where it was not measured (light hook). */
static __always_inline void send_read(struct task_struct *task, struct thread_read *state, __u64 now, __u64 latency_ns,
				      long result)
{
	struct rt_read_event *event = reserve_event(sizeof(*event));

	if (!event)
		return;
	event->kind = RT_EVENT_READ;
	event->tgid = task->tgid;
	event->tid = task->pid;
	event->dev = state->file.dev;
	event->inode = state->file.inode;
	event->end_ns = now;
	event->latency_ns = latency_ns;
	event->result = result;
	event->cache_miss_bytes = state->cache_miss_bytes;
	bpf_ringbuf_submit(event, wakeup_flags());
}

/* Pages the current process brought into the page cache for a file outside a timed read. */
static __always_inline void send_fill(const struct file_key *file, __u64 bytes, enum rt_fill_cause cause)
{
	struct rt_fault_event *event = reserve_event(sizeof(*event));

	if (!event)
		return;
	event->kind = RT_EVENT_FAULT_FILL;
	event->tgid = bpf_get_current_pid_tgid() >> 32;
	event->dev = file->dev;
	event->cause = cause;
	event->inode = file->inode;
	event->bytes = bytes;
	event->end_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(event, wakeup_flags());
}

/* Return of a read-family call: one record with the bytes returned or the error. */
static __always_inline void end_read(long result)
{
	struct task_struct *task;
	struct thread_read *state;
	__u64 now;

	if (empty_read_hooks)
		return;
	task = bpf_get_current_task_btf();
	/* Most reads on a node are not traced: a process name that does not match answers
	 * them without the state lookup. */
	if (comm_filter_count && !comm_matches(task))
		return;
	state = thread_state_of(task);
	if (!state || !state->start_ns)
		return;
	now = bpf_ktime_get_ns();
	send_read(task, state, now, now - state->start_ns, result);
	state->start_ns = 0;
}

static __always_inline struct file *file_of_fd(unsigned long fd)
{
	struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;
	struct file *file = NULL;

	if (!fdt || fd >= fdt->max_fds)
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]);
	return file;
}

/* Hook variant "tracepoint": the five read syscalls; the fd names the file. */
#define TRACE_READ_SYSCALL(name)                                                      \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                   \
	int enter_##name(struct trace_event_raw_sys_enter *ctx)                       \
	{                                                                             \
		if (reads_are_traced())                                               \
			begin_read(file_of_fd(ctx->args[0]));                         \
		return 0;                                                             \
	}                                                                             \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                    \
	int exit_##name(struct trace_event_raw_sys_exit *ctx)                         \
	{                                                                             \
		end_read(ctx->ret);                                                   \
		return 0;                                                             \
	}

TRACE_READ_SYSCALL(read)
TRACE_READ_SYSCALL(pread64)
TRACE_READ_SYSCALL(readv)
TRACE_READ_SYSCALL(preadv)
TRACE_READ_SYSCALL(preadv2)

/* Hook variant "fentry": the VFS functions those syscalls end in. */
SEC("fentry/vfs_read")
int BPF_PROG(fentry_vfs_read, struct file *file)
{
	if (reads_are_traced())
		begin_read(file);
	return 0;
}

SEC("fexit/vfs_read")
int BPF_PROG(fexit_vfs_read, struct file *file, char *buf, __u64 count, loff_t *pos, long ret)
{
	end_read(ret);
	return 0;
}

SEC("fentry/vfs_readv")
int BPF_PROG(fentry_vfs_readv, struct file *file)
{
	if (reads_are_traced())
		begin_read(file);
	return 0;
}

SEC("fexit/vfs_readv")
int BPF_PROG(fexit_vfs_readv, struct file *file, const struct iovec *vec, unsigned long vlen,
	     loff_t *pos, int flags, long ret)
{
	end_read(ret);
	return 0;
}

/* Hook variant "kprobe": the same functions, for kernels that refuse fentry but have kprobes. */
SEC("kprobe/vfs_read")
int BPF_KPROBE(kprobe_vfs_read, struct file *file)
{
	if (reads_are_traced())
		begin_read(file);
	return 0;
}

SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(kretprobe_vfs_read, long ret)
{
	end_read(ret);
	return 0;
}

SEC("kprobe/vfs_readv")
int BPF_KPROBE(kprobe_vfs_readv, struct file *file)
{
	if (reads_are_traced())
		begin_read(file);
	return 0;
}

SEC("kretprobe/vfs_readv")
int BPF_KRETPROBE(kretprobe_vfs_readv, long ret)
{
	end_read(ret);
	return 0;
}

/* Hook variant "light", for kernels without fentry or kprobes: no syscall tracepoints,
 * whose slow path every syscall of every process on the node pays once any is enabled. A
 * buffered read asks the page cache for the page range it still needs, in the reader's
 * context, after any readahead it started, once per batch of pages: one record per read,
 * in whole pages clipped at the end of the file, with no latency. The kernel does not
 * trace a batch that had to wait for a page under IO (or was created on the spot), so a
 * read's first sighting may start past its first page: a gap after the thread's previous
 * read of the file no longer than that read, or than the rest of this one, is taken as
 * part of it (a read that skips ahead by less than a read's length counts the skipped pages). Direct IO and
 * files without a page cache are not seen. Loaded only for this variant. */
SEC("tp_btf/mm_filemap_get_pages")
int BPF_PROG(light_read, struct address_space *mapping, unsigned long index, unsigned long last_index)
{
	struct task_struct *task;
	struct inode *inode;
	struct thread_read *state;
	__u64 ino, first, start, end;

	if (empty_read_hooks)
		return 0;
	task = bpf_get_current_task_btf();
	inode = mapping->host;
	if (!inode || !is_traced(task))
		return 0;
	ino = inode->i_ino;
	state = thread_state_of(task);
	if (state && state->inode_address == (__u64)inode && state->file.inode == ino) {
		if (last_index == state->light_last_index && index > state->light_index) {
			state->light_index = index; /* the rest of the read in progress */
			return 0;
		}
	} else {
		struct file_key key;

		if (!all_files && !is_regular(inode))
			return 0;
		if (!state && !(state = new_thread_state()))
			return 0;
		key = file_key_of(inode);
		announce_process(task->tgid);
		announce_inode(inode, &key);
		state->file = key;
		state->inode_address = (__u64)inode;
		state->light_last_index = -1; /* as if the previous read ended before the first page */
	}
	first = state->light_last_index + 1;
	if (index < first || (index - first > last_index - index && index - first > state->light_read_pages))
		first = index;
	state->light_index = index;
	state->light_last_index = last_index;
	state->light_read_pages = last_index - first + 1;
	if (state->unclaimed_bytes && same_file(&state->unclaimed, &state->file)) {
		send_fill(&state->file, state->unclaimed_bytes, RT_FILL_READ);
		state->unclaimed_bytes = 0;
	}
	start = first * page_size;
	end = (last_index + 1) * page_size;
	if (end > inode->i_size)
		end = inode->i_size;
	send_read(task, state, bpf_ktime_get_ns(), 0, end > start ? end - start : 0);
	return 0;
}

/* Page-cache misses: folios a traced thread adds to the page cache while inside a read,
 * for the read itself or for the readahead it triggers, were read from the device for
 * that read. They count on the read's (process, file) entry, also when the folio belongs
 * to the file under an overlay (on a filesystem with a real device number). Outside a read, folios of the file the thread last
 * faulted on were brought in by that fault (or its fault-around and readahead); a
 * thread writing into a file it has mapped would be counted the same way. */
SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int count_cache_miss(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct thread_read *state = thread_state_of(task);
	struct file_key added = { .inode = ctx->i_ino, .dev = ctx->s_dev };
	__u64 bytes = page_size;

	/* With the light hook a thread's first read adds pages before it is seen. */
	if (!state && (!light_reads || !is_traced(task) || !(state = new_thread_state())))
		return 0;
	if (bpf_core_field_exists(ctx->order))
		bytes <<= ctx->order & 31;
	if (state->start_ns) {
		/* Metadata the filesystem reads during the call goes to its block device's own page
		 * cache, on a pseudo filesystem with an anonymous device number (major 0): not the
		 * file's pages. A file's own pages, and an overlay's lower file's, are elsewhere. */
		if (added.dev != state->file.dev && (added.dev >> 20) == 0)
			return 0;
		state->cache_miss_bytes += bytes;
		return 0;
	}
	if (same_file(&state->faulting, &added)) {
		send_fill(&added, bytes, RT_FILL_FAULT);
		return 0;
	}
	if (!light_reads)
		return 0;
	/* Light hook: additions of the file the thread is reading are its misses. A read's first
	 * pages are added before the read is seen, so another file's wait until the thread reads
	 * it; they are dropped when yet another file's come first (most likely a write).
	 * Block-device metadata (major 0) must not push them out. */
	if (same_file(&state->file, &added)) {
		send_fill(&added, bytes, RT_FILL_READ);
		return 0;
	}
	if (!same_file(&state->unclaimed, &added)) {
		if ((added.dev >> 20) == 0)
			return 0;
		state->unclaimed = added;
		state->unclaimed_bytes = 0;
	}
	state->unclaimed_bytes += bytes;
	return 0;
}

/* A traced thread faulting on a mapped file: its page-cache additions until the next
 * fault belong to that file. Loaded where the kernel has this tracepoint (6.10+). */
SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(note_fault, struct address_space *mapping)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct inode *inode = BPF_CORE_READ(mapping, host);
	struct thread_read *state;
	struct file_key key;

	if (!inode || !is_traced(bpf_get_current_task_btf()))
		return 0;
	key = file_key_of(inode);
	state = new_thread_state();
	if (!state || same_file(&state->faulting, &key))
		return 0;
	announce_process(pid_tgid >> 32);
	announce_inode(inode, &key);
	state->faulting = key;
	return 0;
}

static __always_inline bool is_read_request(struct request *rq)
{
	return (BPF_CORE_READ(rq, cmd_flags) & REQ_OP_MASK) == REQ_OP_READ;
}

/* The inode whose page the bio reads into: the page at its current vector index (split
 * bios share their parent's vector), or its compound head. NULL with *anonymous set for
 * pages of no file: the process's own memory (direct IO) or swap. */
static __always_inline struct inode *bio_page_inode(struct bio *bio, bool *anonymous)
{
	struct address_space *mapping;
	struct bio_vec *vectors;
	struct page *page = NULL;
	unsigned int index;
	unsigned long head;

	if (!bio)
		return NULL;
	vectors = BPF_CORE_READ(bio, bi_io_vec);
	index = BPF_CORE_READ(bio, bi_iter.bi_idx);
	bpf_probe_read_kernel(&page, sizeof(page), &vectors[index].bv_page);
	head = BPF_CORE_READ(page, compound_head);
	if (head & 1)
		page = (struct page *)(head - 1);
	mapping = BPF_CORE_READ(page, mapping);
	if (!mapping || ((unsigned long)mapping & 3)) {
		*anonymous = true;
		return NULL;
	}
	return BPF_CORE_READ(mapping, host);
}

/* A traced process's request: for the file its page belongs to, or for the file of the
 * read in progress when the pages are the reader's own buffer (direct IO) or belong to
 * another file below it (an overlay's lower file). Metadata (pages of the block
 * device itself) stays unattributed. */
static __always_inline void attribute_request(struct bio *bio, __u32 tgid, struct block_request *request)
{
	struct thread_read *state = current_thread_state();
	bool in_read = state && state->start_ns;
	bool anonymous = false;
	struct inode *inode = bio_page_inode(bio, &anonymous);
	struct file_key page_file;

	if (inode && is_regular(inode)) {
		page_file = file_key_of(inode);
		request->cause = RT_BLOCK_ATTRIBUTED;
		if (in_read && !same_file(&state->file, &page_file)) {
			request->file = state->file;
			request->lower = page_file;
			return;
		}
		request->file = page_file;
		if (!in_read) {
			announce_process(tgid);
			announce_inode(inode, &page_file);
		}
	} else if (anonymous && in_read) {
		request->cause = RT_BLOCK_ATTRIBUTED;
		request->file = state->file;
	}
}

/* A read request is created from its first bio, in the context of the task that submitted
 * that bio: who caused it is decided here and kept under `key` until it completes. */
static __always_inline void note_block_request(__u64 key, struct bio *bio)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct block_request request = {
		.start_ns = bpf_ktime_get_ns(),
		.tgid = tgid,
		.device = BPF_CORE_READ(bio, bi_bdev, bd_dev),
		.cause = RT_BLOCK_UNATTRIBUTED,
	};

	if (is_traced(bpf_get_current_task_btf()))
		attribute_request(bio, tgid, &request);
	else
		request.cause = RT_BLOCK_FILTERED;
	bpf_map_update_elem(&block_requests, &key, &request, BPF_ANY);
}

/* Every request passes block_io_start (6.5+) as it is created. */
SEC("tp_btf/block_io_start")
int BPF_PROG(block_io_start, struct request *rq)
{
	if (is_read_request(rq))
		note_block_request((__u64)rq, BPF_CORE_READ(rq, bio));
	return 0;
}

/* Older kernels trace the bio a new request is made for (it becomes the request's first
 * bio) just before the request takes it: the decision waits under the bio until the
 * request is seen at issue or completion. A later front merge hides it (unattributed). */
SEC("tp_btf/block_getrq")
int BPF_PROG(block_getrq, struct bio *bio)
{
	if ((BPF_CORE_READ(bio, bi_opf) & REQ_OP_MASK) == REQ_OP_READ)
		note_block_request((__u64)bio, bio);
	return 0;
}

/* The request's entry, moved from under its first bio where block_getrq left it. */
static __always_inline struct block_request *find_block_request(struct request *rq)
{
	__u64 request_key = (__u64)rq, bio_key;
	struct block_request *request = bpf_map_lookup_elem(&block_requests, &request_key);

	if (request || !decide_at_bio)
		return request;
	bio_key = (__u64)BPF_CORE_READ(rq, bio);
	request = bpf_map_lookup_elem(&block_requests, &bio_key);
	if (!request || bpf_map_update_elem(&block_requests, &request_key, request, BPF_NOEXIST))
		return request;
	bpf_map_delete_elem(&block_requests, &bio_key);
	return bpf_map_lookup_elem(&block_requests, &request_key);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	struct block_request *request;

	if (!is_read_request(rq))
		return 0;
	request = find_block_request(rq);
	if (request && !request->issue_ns)
		request->issue_ns = bpf_ktime_get_ns();
	return 0;
}

/* A request merged into another ends without a completion of its own: its bytes complete
 * with the other. Its entry goes now, rather than waiting for the LRU to push it out. */
SEC("tp_btf/block_rq_merge")
int BPF_PROG(block_rq_merge, struct request *rq)
{
	__u64 request_key = (__u64)rq;

	if (is_read_request(rq) && find_block_request(rq))
		bpf_map_delete_elem(&block_requests, &request_key);
	return 0;
}

static __always_inline void count_device_read(__u32 device, __u64 bytes, bool completed, __u32 cause)
{
	struct rt_device_reads *reads = bpf_map_lookup_elem(&device_reads, &device);

	if (!reads) {
		struct rt_device_reads fresh = {};

		bpf_map_update_elem(&device_reads, &device, &fresh, BPF_NOEXIST);
		reads = bpf_map_lookup_elem(&device_reads, &device);
		if (!reads)
			return;
	}
	__sync_fetch_and_add(&reads->read_bytes, bytes);
	if (completed)
		__sync_fetch_and_add(&reads->read_ios, 1);
	if (cause < RT_BLOCK_CAUSES)
		__sync_fetch_and_add(&reads->bytes_by_cause[cause], bytes);
}

static __always_inline void send_block_event(struct block_request *request, __u64 bytes, bool completed, __u64 now)
{
	struct rt_block_event *event = reserve_event(sizeof(*event));

	if (!event)
		return;
	event->kind = RT_EVENT_BLOCK;
	event->tgid = request->tgid;
	event->device = request->device;
	event->file_dev = request->file.dev;
	event->file_inode = request->file.inode;
	event->lower_dev = request->lower.dev;
	event->lower_inode = request->lower.inode;
	event->completed = completed;
	event->bytes = bytes;
	event->end_ns = now;
	event->queued_ns = now - request->start_ns;
	event->service_ns = request->issue_ns ? now - request->issue_ns : 0;
	bpf_ringbuf_submit(event, wakeup_flags());
}

/* A device completed bytes of a request, in whatever context: counted per device like
 * /proc/diskstats counts sectors, and sent for the process and file that caused it. */
SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	__u64 request_key = (__u64)rq;
	struct block_request *request;
	bool completed;
	__u32 device;

	if (!is_read_request(rq))
		return 0;
	/* __data_len still holds what was outstanding before this completion. */
	completed = nr_bytes >= BPF_CORE_READ(rq, __data_len);
	request = find_block_request(rq);
	if (!request) {
		device = BPF_CORE_READ(rq, part, bd_dev);
		count_device_read(device ? device : BPF_CORE_READ(rq, bio, bi_bdev, bd_dev), nr_bytes, completed,
				  RT_BLOCK_UNATTRIBUTED);
		return 0;
	}
	count_device_read(request->device, nr_bytes, completed, request->cause);
	if (request->cause == RT_BLOCK_ATTRIBUTED)
		send_block_event(request, nr_bytes, completed, bpf_ktime_get_ns());
	if (completed)
		bpf_map_delete_elem(&block_requests, &request_key);
	return 0;
}

/* New cgroups, for --pod and --container: pods start after readtrace, so their cgroups
 * are matched by name in user space as they appear, before their processes read much.
 * Loaded only with those filters. */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(watch_cgroup_mkdir, struct cgroup *cgroup, const char *path)
{
	struct rt_cgroup_event *event;

	if (BPF_CORE_READ(cgroup, root, hierarchy_id) != 0)
		return 0; /* a cgroup v1 hierarchy */
	event = reserve_event(sizeof(*event));
	if (!event)
		return 0;
	event->kind = RT_EVENT_CGROUP;
	event->level = BPF_CORE_READ(cgroup, level);
	event->id = BPF_CORE_READ(cgroup, kn, id);
	bpf_probe_read_kernel_str(event->path, sizeof(event->path), path);
	bpf_ringbuf_submit(event, BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* With follow_forks, a new process inherits tracing from its parent; readtrace's
 * own children (the command it runs) are traced from their first instruction. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(follow_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = BPF_CORE_READ(parent, tgid);
	__u32 child_tgid = BPF_CORE_READ(child, tgid);

	if (child_tgid == parent_tgid)
		return 0;
	if (parent_tgid == self_tgid || bpf_map_lookup_elem(&traced_tgids, &parent_tgid))
		bpf_map_update_elem(&traced_tgids, &child_tgid, &present, BPF_ANY);
	return 0;
}

/* exec changes the name: describe the process again on its next read. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(forget_exec_name)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	bpf_map_delete_elem(&announced_processes, &tgid);
	bpf_task_storage_delete(&thread_reads, bpf_get_current_task_btf());
	return 0;
}

/* A dead thread group's tgid may be reused, so it stops being traced (a thread's own
 * state goes with its task). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(forget_exited, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	bpf_map_delete_elem(&announced_processes, &tgid);
	if (filter_by_tgid)
		bpf_map_delete_elem(&traced_tgids, &tgid);
	return 0;
}
