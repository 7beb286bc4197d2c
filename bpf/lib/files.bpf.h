/* Files as the programs key them: (inode number, device of its superblock). */
#ifndef READTRACE_LIB_FILES_H
#define READTRACE_LIB_FILES_H

#include "lib/shared.bpf.h"

struct file_key {
	__u64 inode;
	__u32 dev;
	__u32 padding;
};

static __always_inline struct file_key file_key_of(struct inode *inode)
{
	struct file_key key = {
		.inode = BPF_CORE_READ(inode, i_ino),
		.dev = BPF_CORE_READ(inode, i_sb, s_dev),
	};
	return key;
}

static __always_inline bool same_file(const struct file_key *a, const struct file_key *b)
{
	return a->inode == b->inode && a->dev == b->dev;
}

static __always_inline bool is_regular(struct inode *inode)
{
	return (BPF_CORE_READ(inode, i_mode) & S_IFMT) == S_IFREG;
}

/* bpf_find_vma's callback (5.17): the file a mapping maps, NULL for anonymous memory. */
static __attribute__((unused)) long file_of_vma(struct task_struct *task, struct vm_area_struct *vma,
						struct file **file)
{
	*file = BPF_CORE_READ(vma, vm_file);
	return 0;
}

#endif
