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
#define RT_PATH_MAX (RT_MAX_PATH_DEPTH * RT_NAME_MAX) /* a power of two */
#define RT_MAX_CGROUP_DEPTH 32
#define RT_CMDLINE_MAX 256
#define RT_CGROUP_PATH_MAX 512
#define RT_FS_TYPE_LEN 16
/* The agent's file selection: name suffixes of at most RT_FILE_SUFFIX_LEN bytes. */
#define RT_MAX_FILE_SUFFIXES 16
#define RT_FILE_SUFFIX_LEN 16

enum rt_event_kind {
	RT_EVENT_READ = 1,
	RT_EVENT_FILE = 2,
	RT_EVENT_PROCESS = 3,
	RT_EVENT_BLOCK = 4,
	RT_EVENT_FAULT_FILL = 5,
	RT_EVENT_CGROUP = 6,
	RT_EVENT_FUSE_DAEMON = 7,
	RT_EVENT_MARK = 8,
	RT_EVENT_EXEC = 9,
};

/* One finished read-family call on a traced file; with the light hook, one buffered read
 * as the page cache saw it: whole pages, clipped at the end of the file, and no latency. */
struct rt_read_event {
	__u32 kind;
	__u32 tgid;
	__u32 tid;
	__u32 dev; /* kernel dev_t of the file's superblock: major << 20 | minor */
	__u64 inode;
	__u64 end_ns;		/* CLOCK_MONOTONIC at return */
	__u64 latency_ns;	/* entry to return; 0 with the light hook (not measured) */
	__s64 result;		/* bytes returned, or -errno */
	__u64 cache_miss_bytes; /* added to the page cache while the call ran: read from the device */
};

enum rt_file_flags {
	RT_FILE_DELETED = 1 << 0, /* no links left: deleted while open */
	RT_FILE_PATH_TRUNCATED = 1 << 1,
	/* Named from its inode (an mmap or disk read outside read calls): the path starts
	 * at its filesystem's root, not at the reader's root; user space adds the mount point. */
	RT_FILE_PATH_FROM_FS_ROOT = 1 << 2,
	/* cached_bytes was counted as the first traced read (or fault) began, before it could
	 * bring pages in; without it the file was first seen after its pages came in. */
	RT_FILE_CACHE_MEASURED = 1 << 3,
	/* Outside the agent's selection (select_files): its reads are counted per process in the
	 * kernel (rt_process_reads), not sent. */
	RT_FILE_UNSELECTED = 1 << 4,
};

/* Names a file the first time a traced process reads it, and again if a read finds
 * it deleted since. The record is sent only as far as its path reaches. */
struct rt_file_event {
	__u32 kind;
	__u32 dev;
	__u64 inode;
	__u64 size_bytes;
	__u32 mode;
	__u32 flags;
	__u32 path_bytes; /* bytes of `path` in use */
	__u32 reserved;
	__u64 cached_bytes; /* of the file in the page cache when named (RT_FILE_CACHE_MEASURED) */
	/* The kernel's name of the file's filesystem type ("ext4", "fuse"), and a FUSE
	 * filesystem's subtype ("bindfs"); NUL-terminated, cut at RT_FS_TYPE_LEN - 1. */
	char fs_type[RT_FS_TYPE_LEN];
	char fs_subtype[RT_FS_TYPE_LEN];
	/* The components from the file up, each NUL-terminated, packed one after another; an
	 * empty one marks a crossed mount point: "a.engine\0models\0" is /models/a.engine.
	 * The room past RT_PATH_MAX lets every component be copied with one bounded write. */
	char path[RT_PATH_MAX + RT_NAME_MAX];
};

/* A process answered a request of a FUSE filesystem that a traced process reads: it serves
 * that filesystem, and its own reads (of the files behind it) are traced from then on,
 * whatever the filters. Sent once per process and filesystem. */
struct rt_fuse_daemon_event {
	__u32 kind;
	__u32 tgid;
	__u32 dev; /* the FUSE filesystem's device number (its superblock's s_dev) */
	__u32 reserved;
};

/* Describes a process the first time it is seen, and again after exec. The
 * command line is copied then, in the process's own context, so it survives
 * processes that exit before user space could read /proc. */
struct rt_process_event {
	__u32 kind;
	__u32 tgid;
	__u32 parent_tgid;
	__u32 cmdline_bytes;	  /* copied into cmdline: NUL-separated arguments */
	__u64 cgroup_id;	  /* cgroup v2 id: the inode number of its directory */
	__u64 cmdline_full_bytes; /* the whole command line's length */
	char comm[RT_COMM_LEN];
	char cmdline[RT_CMDLINE_MAX];
};

/* Bytes a block device completed for one read request of a traced process, and how
 * long the request took. Sent for every completion; `completed` marks the one that
 * finished the request (devices may complete a request in parts). */
struct rt_block_event {
	__u32 kind;
	__u32 tgid;
	__u32 device;	/* the block device (or partition) that served it, kernel dev_t */
	__u32 file_dev; /* the file the process was reading */
	__u64 file_inode;
	__u64 lower_inode; /* the file the data really belongs to, when a stacked filesystem */
	__u32 lower_dev;   /* (overlayfs) sits between: else 0 */
	__u32 completed;
	__u64 bytes;
	__u64 end_ns;
	__u64 queued_ns;  /* request created to completed */
	__u64 service_ns; /* issued to the driver to completed; 0 if the issue was not seen */
};

/* Why pages came into the page cache outside a timed read call. */
enum rt_fill_cause {
	RT_FILL_FAULT = 0, /* a page fault on a mapped file */
	RT_FILL_READ = 1,  /* a read seen by the light hook (no call to count them in) */
	/* Not a fill: pages a fault mapped into the process's page tables, cached or not. */
	RT_FILL_MAPPED = 2,
	/* Pages a prefetch call (readahead, fadvise or madvise WILLNEED, MADV_POPULATE_READ,
	 * mmap with MAP_POPULATE) brought in; sent also when it brought none (0 bytes). */
	RT_FILL_PREFETCH = 3,
};

/* Page-cache pages a traced process brought in for a file outside a timed read call. */
struct rt_fault_event {
	__u32 kind;
	__u32 tgid;
	__u32 dev;
	__u32 cause; /* enum rt_fill_cause */
	__u64 inode;
	__u64 bytes;
	__u64 end_ns;
};

/* A cgroup v2 directory was made: user space decides whether --pod or --container
 * selects it and, if so, adds it to the traced cgroups. */
struct rt_cgroup_event {
	__u32 kind;
	__u32 level;
	__u64 id;
	char path[RT_CGROUP_PATH_MAX]; /* from the hierarchy's root, NUL-terminated */
};

/* A marker's attach cookie: which --mark (its index), which argument (1-5, 0 for none) is
 * the span's byte count, and whether the probe is a point in time rather than an entry. */
#define RT_MARK_INDEX_MASK 0xffff
#define RT_MARK_BYTES_ARG_SHIFT 16
#define RT_MARK_BYTES_ARG_MASK 0xf
#define RT_MARK_POINT (1 << 20)
#define RT_MARK_MAX_BYTES_ARG 5

enum rt_mark_flags {
	RT_MARK_HAS_BYTES = 1 << 0,
};

/* One call of a marked function (entry to return, outermost call when it recurses) or one
 * hit of a marked USDT probe (start_ns == end_ns) by a traced thread. */
struct rt_mark_event {
	__u32 kind;
	__u32 tgid;
	__u32 tid;
	__u32 mark; /* the --mark's index */
	__u64 start_ns;
	__u64 end_ns;
	__u64 bytes; /* the argument named by :bytes=argN, when flags has RT_MARK_HAS_BYTES */
	__u32 flags;
	__u32 reserved;
};

/* A traced process exec'd while markers wait for a library not yet found: user space looks
 * for it again through the process's root (/proc/PID/root), its mount namespace's view. */
struct rt_exec_event {
	__u32 kind;
	__u32 tgid;
};

/* Who caused a block read request, decided where it was created, in the submitter's context. */
enum rt_block_cause {
	RT_BLOCK_ATTRIBUTED = 0,   /* a traced process, for a file (sent as rt_block_event) */
	RT_BLOCK_FILTERED = 1,	   /* a process the filters leave out */
	RT_BLOCK_UNATTRIBUTED = 2, /* no file: metadata, swap, raw device; or created before tracing began */
	RT_BLOCK_CAUSES = 3,
};

/* Everything one block device completed for reads while readtrace ran, whoever caused it. */
struct rt_device_reads {
	__u64 read_bytes;
	__u64 read_ios;
	__u64 bytes_by_cause[RT_BLOCK_CAUSES];
};

/* One process's reads of files outside the agent's selection, counted in the kernel
 * (unselected_reads, keyed by tgid) and read by user space once a second. */
struct rt_process_reads {
	__u64 read_bytes;
	__u64 read_calls; /* calls that returned bytes (or 0) */
	__u64 read_errors;
	__u64 cache_miss_bytes;
};

/* Per-CPU counters, summed by user space. */
struct rt_counters {
	__u64 events_emitted;
	__u64 events_lost; /* ring-buffer reservations that failed */
};

/* The record format, pinned: the sizes of the records and the offsets of the variable
 * parts user space decodes. Asserted here for every compiler that includes this header
 * (the BPF object's and the loader's) and in Swift by RecordLayoutTests against its import.
 * Changing one changes the format: recorded streams (the golden test's) no longer decode. */
#define RT_READ_EVENT_SIZE 56
#define RT_FILE_EVENT_SIZE 8528
#define RT_FILE_EVENT_PATH_OFFSET 80
#define RT_FUSE_DAEMON_EVENT_SIZE 16
#define RT_PROCESS_EVENT_SIZE 304
#define RT_PROCESS_EVENT_CMDLINE_OFFSET 48
#define RT_BLOCK_EVENT_SIZE 72
#define RT_FAULT_EVENT_SIZE 40
#define RT_CGROUP_EVENT_SIZE 528
#define RT_CGROUP_EVENT_PATH_OFFSET 16
#define RT_MARK_EVENT_SIZE 48
#define RT_EXEC_EVENT_SIZE 8
#define RT_DEVICE_READS_SIZE 40
#define RT_COUNTERS_SIZE 16
#define RT_PROCESS_READS_SIZE 32

#define RT_ASSERT_SIZE(type, size) _Static_assert(sizeof(struct type) == (size), #type " changed size")
#define RT_ASSERT_OFFSET(type, field, offset)                                                                          \
	_Static_assert(__builtin_offsetof(struct type, field) == (offset), #type "." #field " moved")

RT_ASSERT_SIZE(rt_read_event, RT_READ_EVENT_SIZE);
RT_ASSERT_SIZE(rt_file_event, RT_FILE_EVENT_SIZE);
RT_ASSERT_OFFSET(rt_file_event, path, RT_FILE_EVENT_PATH_OFFSET);
RT_ASSERT_SIZE(rt_fuse_daemon_event, RT_FUSE_DAEMON_EVENT_SIZE);
RT_ASSERT_SIZE(rt_process_event, RT_PROCESS_EVENT_SIZE);
RT_ASSERT_OFFSET(rt_process_event, cmdline, RT_PROCESS_EVENT_CMDLINE_OFFSET);
RT_ASSERT_SIZE(rt_block_event, RT_BLOCK_EVENT_SIZE);
RT_ASSERT_SIZE(rt_fault_event, RT_FAULT_EVENT_SIZE);
RT_ASSERT_SIZE(rt_cgroup_event, RT_CGROUP_EVENT_SIZE);
RT_ASSERT_OFFSET(rt_cgroup_event, path, RT_CGROUP_EVENT_PATH_OFFSET);
RT_ASSERT_SIZE(rt_mark_event, RT_MARK_EVENT_SIZE);
RT_ASSERT_SIZE(rt_exec_event, RT_EXEC_EVENT_SIZE);
RT_ASSERT_SIZE(rt_device_reads, RT_DEVICE_READS_SIZE);
RT_ASSERT_SIZE(rt_counters, RT_COUNTERS_SIZE);
RT_ASSERT_SIZE(rt_process_reads, RT_PROCESS_READS_SIZE);

#endif
