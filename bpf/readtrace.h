/* Records and constants shared by the BPF programs and the Swift loader.
 * Fixed-width fields only, so both sides agree on layout by construction. */
#ifndef READTRACE_SHARED_H
#define READTRACE_SHARED_H

#include <linux/types.h>

#define RT_COMM_LEN 16
#define RT_MAX_COMM_FILTERS 16
/* A path is sent as one fixed-size slot per component, leaf first. */
#define RT_NAME_MAX 256
#define RT_MAX_PATH_DEPTH 32
#define RT_MAX_CGROUP_DEPTH 32
#define RT_CMDLINE_MAX 256

enum rt_event_kind {
	RT_EVENT_READ = 1,
	RT_EVENT_FILE = 2,
	RT_EVENT_PROCESS = 3,
};

/* One finished read-family call on a traced file. */
struct rt_read_event {
	__u32 kind;
	__u32 tgid;
	__u32 tid;
	__u32 dev;          /* kernel dev_t of the file's superblock: major << 20 | minor */
	__u64 inode;
	__u64 end_ns;       /* CLOCK_MONOTONIC at return */
	__u64 latency_ns;   /* entry to return */
	__s64 result;       /* bytes returned, or -errno */
	__u64 cache_miss_bytes; /* added to the page cache while the call ran: read from the device */
};

enum rt_file_flags {
	RT_FILE_DELETED = 1 << 0,       /* no links left: deleted while open */
	RT_FILE_PATH_TRUNCATED = 1 << 1,
};

/* Names a file the first time a traced process reads it, and again if a read finds
 * it deleted since. Only the first
 * path_slots slots are sent, so a record is as long as the path is deep. */
struct rt_file_event {
	__u32 kind;
	__u32 dev;
	__u64 inode;
	__u64 size_bytes;
	__u32 mode;
	__u32 flags;
	__u32 path_slots;
	__u32 reserved;
	/* Slot i holds the i-th component up from the file, NUL-terminated, or is
	 * empty where the walk crossed a mount point: {"a.engine", "models"} is
	 * /models/a.engine. A slot per step keeps the walk cheap to verify. */
	char path[RT_MAX_PATH_DEPTH][RT_NAME_MAX];
};

/* Describes a process the first time it is seen, and again after exec. The
 * command line is copied then, in the process's own context, so it survives
 * processes that exit before user space could read /proc. */
struct rt_process_event {
	__u32 kind;
	__u32 tgid;
	__u32 parent_tgid;
	__u32 cmdline_bytes;     /* copied into cmdline: NUL-separated arguments */
	__u64 cgroup_id;         /* cgroup v2 id: the inode number of its directory */
	__u64 cmdline_full_bytes; /* the whole command line's length */
	char comm[RT_COMM_LEN];
	char cmdline[RT_CMDLINE_MAX];
};

/* Per-CPU counters, summed by user space. */
struct rt_counters {
	__u64 events_emitted;
	__u64 events_lost;   /* ring-buffer reservations that failed */
};

#endif
