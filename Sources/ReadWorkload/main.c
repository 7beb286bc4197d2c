/* readtrace-workload: reads a file in a known pattern, so tests and the benchmark
 * can compare what readtrace reports with what was really read. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: readtrace-workload (--file PATH | --directory DIR)\n"
	"                          [--syscall read|pread64|readv|preadv|preadv2|sendfile|splice|copy_file_range]\n"
	"                          [--chunk BYTES] [--repeat N] [--failing-reads N] [--name COMM] [--wait-stdin]\n"
	"                          [--unlink | --unlink-midway] [--threads N] [--drop-cache] [--direct | --mmap]\n"
	"                          [--prefetch readahead|fadvise|madvise|populate-read|map-populate]\n"
	"Reads PATH from start to end of file in chunks of BYTES with one syscall, N times (the\n"
	"last call of each pass returns 0), then makes the given number of reads with the same\n"
	"syscall that fail (EBADF, on a write-only descriptor). --wait-stdin waits for a line on\n"
	"stdin first; --unlink deletes PATH after opening it, --unlink-midway after the first\n"
	"pass (single thread); --drop-cache evicts the file's pages first (fsync, then\n"
	"POSIX_FADV_DONTNEED), so the reads come from the device; --threads makes N threads each do\n"
	"the passes (one descriptor each); --direct opens PATH with O_DIRECT (BYTES a multiple of\n"
	"the block size); --mmap maps PATH instead and reads one byte of every page, no read calls;\n"
	"--directory reads every regular file in DIR once, start to end, each through its own descriptor.\n"
	"--prefetch asks for the whole file first with readahead(2), posix_fadvise(WILLNEED),\n"
	"madvise(MADV_WILLNEED) or madvise(MADV_POPULATE_READ) on a mapping, or mmap(MAP_POPULATE), and\n"
	"prints prefetched=BYTES: how much more of the file the page cache held after it (mincore).\n"
	"The copying calls read without a user buffer: sendfile to /dev/null, splice into a pipe\n"
	"(then drained to /dev/null), copy_file_range into an unnamed file beside PATH.\n"
	"Prints what it did, summed over threads.\n";

enum syscall_kind { READ, PREAD64, READV, PREADV, PREADV2, SENDFILE, SPLICE, COPY_FILE_RANGE };
static const char *const syscall_names[] = { "read",	"pread64",  "readv",  "preadv",
					     "preadv2", "sendfile", "splice", "copy_file_range" };
static const char *file_path;

enum prefetch_kind { NO_PREFETCH, READAHEAD, FADVISE, MADVISE, POPULATE_READ, MAP_POPULATE_MMAP };
static const char *const prefetch_names[] = { "", "readahead", "fadvise", "madvise", "populate-read", "map-populate" };

static enum syscall_kind kind = READ;
static enum prefetch_kind prefetch = NO_PREFETCH;
static size_t chunk = 4096;
static int map_pages;

static void fail(const char *what)
{
	fprintf(stderr, "readtrace-workload: %s%s%s\n%s", what, errno ? ": " : "", errno ? strerror(errno) : "", usage);
	exit(2);
}

/* Where the copying calls copy to, per thread: /dev/null, a pipe of `chunk` bytes, an
 * unnamed file in PATH's directory (copy_file_range wants the same filesystem). */
static __thread int null_fd = -1, pipe_fds[2] = { -1, -1 }, copy_fd = -1;

static void open_copy_targets(void)
{
	if (kind == SENDFILE || kind == SPLICE) {
		if (null_fd < 0 && (null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
			fail("cannot open /dev/null");
	}
	if (kind == SPLICE && pipe_fds[0] < 0) {
		if (pipe2(pipe_fds, O_CLOEXEC) != 0 || fcntl(pipe_fds[1], F_SETPIPE_SZ, (int)chunk) < (int)chunk)
			fail("cannot make a pipe of --chunk bytes");
	}
	if (kind == COPY_FILE_RANGE && copy_fd < 0) {
		char directory[4096];
		const char *slash = strrchr(file_path, '/');
		size_t length = slash ? (size_t)(slash - file_path) : 1;

		snprintf(directory, sizeof(directory), "%.*s", (int)(length ? length : 1), slash ? file_path : ".");
		if ((copy_fd = open(directory, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)) < 0)
			fail("cannot make an unnamed file beside --file");
	}
}

/* splice: the file into the pipe, then the pipe to /dev/null (not a read of a file). */
static ssize_t splice_once(int fd, off_t *offset)
{
	ssize_t got = splice(fd, offset, pipe_fds[1], NULL, chunk, 0);

	for (ssize_t left = got; left > 0;) {
		ssize_t drained = splice(pipe_fds[0], NULL, null_fd, NULL, left, 0);
		if (drained <= 0)
			fail("cannot drain the pipe");
		left -= drained;
	}
	return got;
}

/* Reads up to `chunk` bytes at `offset`; the vector variants split the chunk in two. The
 * copying calls use the descriptor's position (like read). */
static ssize_t read_once(int fd, char *buffer, off_t offset)
{
	size_t half = chunk / 2;
	struct iovec vectors[2] = { { buffer, half }, { buffer + half, chunk - half } };

	open_copy_targets();
	switch (kind) {
	case SENDFILE:
		return sendfile(null_fd, fd, NULL, chunk);
	case SPLICE:
		return splice_once(fd, NULL);
	case COPY_FILE_RANGE:
		return copy_file_range(fd, NULL, copy_fd, NULL, chunk, 0);
	case READ:
		return read(fd, buffer, chunk);
	case PREAD64:
		return pread(fd, buffer, chunk, offset);
	case READV:
		return readv(fd, vectors, 2);
	case PREADV:
		return preadv(fd, vectors, 2, offset);
	case PREADV2:
		return preadv2(fd, vectors, 2, offset, 0);
	}
	return -1;
}

/* One reader: its own descriptor and buffer, `repeat` passes over the whole file. */
struct reader {
	int fd;
	long repeat;
	const char *unlink_after_first_pass;
	long long bytes, calls;
};

/* Reads from the descriptor's start (or offset 0, for the positioned calls) to end of file;
 * the last call returns 0. */
static void read_to_end(int fd, char *buffer, long long *bytes, long long *calls)
{
	for (off_t offset = 0;;) {
		ssize_t got = read_once(fd, buffer, offset);
		++*calls;
		if (got < 0)
			fail("read failed");
		if (got == 0)
			return;
		*bytes += got;
		offset += got;
	}
}

/* Bytes of the file the page cache holds, in whole pages (mincore on a mapping, which faults nothing). */
static long long resident_bytes(int fd, off_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pages = (size + page - 1) / page;
	unsigned char *vector = malloc(pages ? pages : 1);
	void *mapped = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	long long resident = 0;

	if (!vector || mapped == MAP_FAILED || mincore(mapped, size, vector) != 0)
		fail("cannot see which pages are cached");
	for (size_t i = 0; i < pages; i++)
		resident += (vector[i] & 1) * page;
	munmap(mapped, size);
	free(vector);
	return resident;
}

/* --prefetch: one call for the whole file; returns the bytes the page cache gained. */
static long long prefetch_file(int fd)
{
	struct stat status;
	void *mapped;
	int failed = 0;

	if (fstat(fd, &status) != 0 || status.st_size == 0)
		fail("cannot stat file, or it is empty");
	long long before = resident_bytes(fd, status.st_size);
	switch (prefetch) {
	case READAHEAD:
		failed = readahead(fd, 0, status.st_size) != 0;
		break;
	case FADVISE:
		failed = posix_fadvise(fd, 0, status.st_size, POSIX_FADV_WILLNEED) != 0;
		break;
	case MADVISE:
	case POPULATE_READ:
		mapped = mmap(NULL, status.st_size, PROT_READ, MAP_SHARED, fd, 0);
		failed = mapped == MAP_FAILED ||
			 madvise(mapped, status.st_size, prefetch == MADVISE ? MADV_WILLNEED : MADV_POPULATE_READ) != 0;
		if (mapped != MAP_FAILED)
			munmap(mapped, status.st_size);
		break;
	case MAP_POPULATE_MMAP:
		mapped = mmap(NULL, status.st_size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
		failed = mapped == MAP_FAILED;
		if (!failed)
			munmap(mapped, status.st_size);
		break;
	case NO_PREFETCH:
		return 0;
	}
	if (failed)
		fail("prefetch call failed");
	/* mincore counts a page once its read completed: wait until the count stops growing. */
	long long after = resident_bytes(fd, status.st_size), previous = -1;
	for (int wait = 0; after != previous && wait < 100; wait++) {
		struct timespec pause = { 0, 20000000 };

		nanosleep(&pause, NULL);
		previous = after;
		after = resident_bytes(fd, status.st_size);
	}
	return after - before;
}

/* One pass through a mapping: a page fault (or fault-around) per untouched page. */
static void touch_mapped_pages(struct reader *reader)
{
	struct stat status;
	long page = sysconf(_SC_PAGESIZE);

	if (fstat(reader->fd, &status) != 0)
		fail("cannot stat file");
	if (status.st_size == 0)
		return;
	const volatile char *mapped = mmap(NULL, status.st_size, PROT_READ, MAP_SHARED, reader->fd, 0);
	if (mapped == MAP_FAILED)
		fail("cannot map file");
	for (off_t offset = 0; offset < status.st_size; offset += page)
		(void)mapped[offset];
	munmap((void *)mapped, status.st_size);
	reader->bytes += status.st_size;
}

static void *read_passes(void *argument)
{
	struct reader *reader = argument;

	if (map_pages) {
		for (long pass = 0; pass < reader->repeat; pass++)
			touch_mapped_pages(reader);
		return NULL;
	}
	char *buffer = aligned_alloc(4096, (chunk + 4095) / 4096 * 4096);

	if (!buffer)
		fail("out of memory");
	for (long pass = 0; pass < reader->repeat; pass++) {
		read_to_end(reader->fd, buffer, &reader->bytes, &reader->calls);
		lseek(reader->fd, 0, SEEK_SET);
		if (pass == 0 && reader->unlink_after_first_pass && unlink(reader->unlink_after_first_pass) != 0)
			fail("cannot unlink file");
	}
	free(buffer);
	return NULL;
}

/* Every regular file in a directory, read once each: many distinct files for few bytes. */
static void read_directory(const char *path, long long *bytes, long long *calls)
{
	DIR *directory = opendir(path);
	char *buffer = aligned_alloc(4096, (chunk + 4095) / 4096 * 4096);
	struct dirent *entry;

	if (!directory || !buffer)
		fail("cannot open directory");
	while ((entry = readdir(directory))) {
		if (entry->d_type != DT_REG)
			continue;
		int fd = openat(dirfd(directory), entry->d_name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fail("cannot open file in directory");
		read_to_end(fd, buffer, bytes, calls);
		close(fd);
	}
	closedir(directory);
	free(buffer);
}

struct options {
	const char *path, *name, *directory;
	long repeat, failing_reads, threads;
	int wait_stdin, unlink_after_open, drop_cache, unlink_midway, direct;
};

static long long nanoseconds_between(const struct timespec *start, const struct timespec *end)
{
	return (end->tv_sec - start->tv_sec) * 1000000000LL + (end->tv_nsec - start->tv_nsec);
}

/* Fills `options` (and the read globals) from the command line; exits on anything else. */
static void parse_options(int argc, char **argv, struct options *options)
{
	const struct {
		const char *name;
		int *set;
	} switches[] = {
		{ "--wait-stdin", &options->wait_stdin },
		{ "--drop-cache", &options->drop_cache },
		{ "--unlink", &options->unlink_after_open },
		{ "--unlink-midway", &options->unlink_midway },
		{ "--direct", &options->direct },
		{ "--mmap", &map_pages },
	};

	for (int i = 1; i < argc; i++) {
		const char *flag = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		int switched = 0;
		for (size_t k = 0; k < sizeof(switches) / sizeof(switches[0]); k++)
			if (strcmp(flag, switches[k].name) == 0)
				switched = *switches[k].set = 1;
		if (switched)
			continue;
		if (!value)
			fail("missing value");
		i++;
		if (strcmp(flag, "--file") == 0)
			options->path = value;
		else if (strcmp(flag, "--directory") == 0)
			options->directory = value;
		else if (strcmp(flag, "--chunk") == 0)
			chunk = strtoul(value, NULL, 10);
		else if (strcmp(flag, "--repeat") == 0)
			options->repeat = strtol(value, NULL, 10);
		else if (strcmp(flag, "--failing-reads") == 0)
			options->failing_reads = strtol(value, NULL, 10);
		else if (strcmp(flag, "--threads") == 0)
			options->threads = strtol(value, NULL, 10);
		else if (strcmp(flag, "--name") == 0)
			options->name = value;
		else if (strcmp(flag, "--prefetch") == 0) {
			prefetch = NO_PREFETCH;
			for (int k = READAHEAD; k <= MAP_POPULATE_MMAP; k++)
				if (strcmp(value, prefetch_names[k]) == 0)
					prefetch = k;
			if (prefetch == NO_PREFETCH)
				fail("unknown prefetch call");
		} else if (strcmp(flag, "--syscall") == 0) {
			int found = 0;
			for (int k = 0; k <= COPY_FILE_RANGE; k++)
				if (strcmp(value, syscall_names[k]) == 0) {
					kind = k;
					found = 1;
				}
			if (!found)
				fail("unknown syscall");
		} else
			fail("unknown argument");
	}
}

/* --directory: every regular file once, through its own descriptor. */
static void run_directory(const struct options *options)
{
	long long bytes = 0, calls = 0;
	struct timespec start, end;

	clock_gettime(CLOCK_MONOTONIC, &start);
	read_directory(options->directory, &bytes, &calls);
	clock_gettime(CLOCK_MONOTONIC, &end);
	printf("bytes=%lld calls=%lld failed_calls=0 elapsed_ns=%lld\n", bytes, calls,
	       nanoseconds_between(&start, &end));
}

/* The passes over --file, on one thread or several (one descriptor each), after any --prefetch
 * (its gain in *prefetched); returns the time taken. */
static long long run_readers(const struct options *options, struct reader *readers, long long *prefetched)
{
	pthread_t ids[64];
	struct timespec start, end;

	for (long i = 0; i < options->threads; i++) {
		readers[i].fd = open(options->path, O_RDONLY | O_CLOEXEC | (options->direct ? O_DIRECT : 0));
		readers[i].repeat = options->repeat;
		readers[i].unlink_after_first_pass = options->unlink_midway ? options->path : NULL;
		if (readers[i].fd < 0)
			fail("cannot open file");
	}
	if (options->unlink_after_open && unlink(options->path) != 0)
		fail("cannot unlink file");
	if (options->drop_cache &&
	    (fsync(readers[0].fd) != 0 || posix_fadvise(readers[0].fd, 0, 0, POSIX_FADV_DONTNEED) != 0))
		fail("cannot drop the file's pages");
	*prefetched = prefetch_file(readers[0].fd);
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (options->threads == 1)
		read_passes(&readers[0]);
	for (long i = 0; options->threads > 1 && i < options->threads; i++)
		if (pthread_create(&ids[i], NULL, read_passes, &readers[i]) != 0)
			fail("cannot start thread");
	for (long i = 0; options->threads > 1 && i < options->threads; i++)
		pthread_join(ids[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	for (long i = 0; i < options->threads; i++)
		close(readers[i].fd);
	return nanoseconds_between(&start, &end);
}

/* Reads that fail with EBADF, on a write-only descriptor; returns how many failed. */
static long long make_failing_reads(const struct options *options)
{
	long long failed = 0;
	char *buffer = aligned_alloc(4096, (chunk + 4095) / 4096 * 4096);
	int write_only = open(options->path, O_WRONLY | O_CLOEXEC);

	if (!buffer)
		fail("out of memory");
	if (write_only < 0)
		fail("cannot open file for writing");
	for (long i = 0; i < options->failing_reads; i++)
		failed += read_once(write_only, buffer, 0) < 0;
	close(write_only);
	free(buffer);
	return failed;
}

int main(int argc, char **argv)
{
	struct options options = { .repeat = 1, .threads = 1 };
	struct reader readers[64] = { 0 };
	long long bytes = 0, calls = 0, failed = 0, prefetched = 0;

	errno = 0; /* fail() names errno only when a call set it */
	parse_options(argc, argv, &options);
	file_path = options.path;
	int unlinks = options.unlink_after_open || options.unlink_midway;
	int reads_directory = options.directory && !options.path && chunk > 0;
	if (!reads_directory &&
	    (!options.path || chunk == 0 || options.repeat < 1 || options.failing_reads < 0 ||
	     (options.failing_reads && unlinks) || (options.unlink_after_open && options.unlink_midway) ||
	     options.threads < 1 || options.threads > 64 || (options.unlink_midway && options.threads > 1) ||
	     (options.direct && map_pages)))
		fail("bad arguments");
	if (options.name && prctl(PR_SET_NAME, options.name) != 0)
		fail("cannot set name");
	if (reads_directory) {
		run_directory(&options);
		return 0;
	}
	if (options.wait_stdin) {
		char line[64];
		if (!fgets(line, sizeof(line), stdin))
			fail("stdin closed");
	}

	long long elapsed = run_readers(&options, readers, &prefetched);
	for (long i = 0; i < options.threads; i++) {
		bytes += readers[i].bytes;
		calls += readers[i].calls;
	}
	if (options.failing_reads > 0)
		failed = make_failing_reads(&options);
	printf("bytes=%lld calls=%lld failed_calls=%lld elapsed_ns=%lld", bytes, calls, failed, elapsed);
	if (prefetch != NO_PREFETCH)
		printf(" prefetched=%lld", prefetched);
	printf("\n");
	return 0;
}
