/* The few kernel types readtrace's BPF programs touch, declared with
 * preserve_access_index so libbpf relocates every field access against the
 * running kernel's BTF (CO-RE). Only the fields used are listed; their
 * order and the absent fields do not matter. */
#ifndef READTRACE_KERNEL_TYPES_H
#define READTRACE_KERNEL_TYPES_H

#include <linux/types.h>
#include <linux/bpf.h> /* uapi: map types and flags */

#define CORE __attribute__((preserve_access_index))

typedef __u32 dev_t;
typedef __s64 loff_t;
typedef _Bool bool;
#define true 1
#define false 0

#define S_IFMT 00170000
#define S_IFREG 0100000

typedef struct {
	int counter;
} CORE atomic_t;

struct qstr {
	union {
		struct {
			__u32 hash;
			__u32 len;
		};
		__u64 hash_len;
	};
	const unsigned char *name;
} CORE;

struct hlist_node {
	struct hlist_node *next;
} CORE;
struct hlist_head {
	struct hlist_node *first;
} CORE;

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
	union {
		struct hlist_node d_alias; /* in the inode's i_dentry list */
	} d_u;
} CORE;

struct file_system_type {
	const char *name;
} CORE;

struct super_block {
	dev_t s_dev;
	unsigned long s_magic;
	struct file_system_type *s_type;
	const char *s_subtype; /* FUSE: the daemon's name for its filesystem ("bindfs") */
} CORE;

struct address_space;

struct inode {
	unsigned short i_mode;
	unsigned long i_ino;
	unsigned int i_nlink;
	loff_t i_size;
	struct super_block *i_sb;
	struct hlist_head i_dentry; /* the inode's names (dentries) */
	struct address_space *i_mapping;
} CORE;

struct address_space {
	struct inode *host;
	unsigned long nrpages; /* pages of the file in the page cache */
} CORE;

/* Both fields sit in anonymous unions in the kernel; CO-RE finds them by name. */
struct page {
	unsigned long compound_head;   /* bit 0 set: a tail page, the rest points at the head */
	struct address_space *mapping; /* low bits set: anonymous or movable, not a file */
} CORE;

struct block_device {
	dev_t bd_dev;
} CORE;

struct bio_vec {
	struct page *bv_page;
	unsigned int bv_len;
	unsigned int bv_offset;
};

struct bvec_iter {
	unsigned int bi_idx;
} CORE;

struct bio {
	struct block_device *bi_bdev;
	unsigned int bi_opf;
	struct bvec_iter bi_iter;
	struct bio_vec *bi_io_vec;
} CORE;

struct kernfs_node {
	__u64 id;
} CORE;
struct cgroup_root {
	int hierarchy_id;
} CORE;

struct cgroup {
	int level;
	struct kernfs_node *kn;	  /* its directory: kn->id is the cgroup id */
	struct cgroup_root *root; /* hierarchy_id 0: the cgroup v2 hierarchy */
} CORE;

#define REQ_OP_MASK 0xff
#define REQ_OP_READ 0

struct request {
	unsigned int cmd_flags;
	unsigned int __data_len; /* bytes not yet completed */
	struct bio *bio;
	struct block_device *part; /* set once the request is counted in /proc/diskstats */
} CORE;

struct vfsmount {
	struct dentry *mnt_root;
} CORE;

struct mount {
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
} CORE;

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
} CORE;

struct file {
	struct path f_path;
	struct inode *f_inode;
	unsigned int f_flags;
} CORE;

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} CORE;

struct files_struct {
	struct fdtable *fdt;
} CORE;

struct signal_struct {
	atomic_t live;
} CORE;

struct mm_struct {
	unsigned long arg_start;
	unsigned long arg_end;
} CORE;

struct task_struct {
	int pid;
	int tgid;
	char comm[16];
	struct task_struct *group_leader;
	struct task_struct *real_parent;
	struct files_struct *files;
	struct signal_struct *signal;
	struct mm_struct *mm;
} CORE;

struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

struct trace_event_raw_sys_enter {
	struct trace_entry ent;
	long id;
	unsigned long args[6];
} CORE;

struct trace_event_raw_mm_filemap_op_page_cache {
	struct trace_entry ent;
	unsigned long i_ino;
	dev_t s_dev;
	unsigned char order; /* folio order; older kernels lack it (one page) */
} CORE;

struct trace_event_raw_sys_exit {
	struct trace_entry ent;
	long id;
	long ret;
} CORE;

/* io_uring (5.18+ tracepoint layouts): a request, and what its submission and completion
 * tracepoints record. Submission was io_uring_submit_sqe until io_uring_submit_req replaced it. */
struct io_kiocb {
	struct file *file;
	__u8 opcode;
} CORE;

struct trace_event_raw_io_uring_submit_req {
	struct trace_entry ent;
	void *req;
	__u8 opcode;
} CORE;

struct trace_event_raw_io_uring_submit_sqe {
	struct trace_entry ent;
	void *req;
	__u8 opcode;
} CORE;

struct trace_event_raw_io_uring_complete {
	struct trace_entry ent;
	void *req;
	int res;
} CORE;

struct vm_area_struct {
	struct file *vm_file;
} CORE;

struct vm_fault {
	struct vm_area_struct *vma;
} CORE;

/* kmem:rss_stat: a process's page counter of kind `member`, in bytes, after a change. */
struct trace_event_raw_rss_stat {
	struct trace_entry ent;
	unsigned int curr; /* the current task's own address space */
	int member;
	long size;
} CORE;

struct iovec;

/* FUSE (6.15+ request tracepoints): the filesystem a request is for. */
struct fuse_mount {
	struct super_block *sb;
} CORE;

struct fuse_req {
	struct fuse_mount *fm;
} CORE;

/* What BPF_KPROBE reads arguments from: the x86-64 layout, under the user-space
 * register names bpf_tracing.h expects. Not relocated (the kernel names differ):
 * the BPF object is built per architecture. */
struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
	unsigned long orig_rax, rip, cs, eflags, rsp, ss;
};

#endif
