/* The load-phase tests' workload: calls the loader library's "deserialize" and "copy" COUNT
 * times, linked (-DLINKED) or through dlopen, and logs each call with CLOCK_MONOTONIC times
 * taken around it, one line each: "deserialize TID START END" or "copy TID START END SIZE".
 * USDT probes phases:copy_begin(size) and phases:copy_end bracket each copy.
 *
 * phaseworkload LIBRARY FILE COUNT LOG [wait]   (wait: read a line from stdin first) */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <time.h>
#include <unistd.h>

long deserialize(const char *path);
unsigned long copy(void *destination, const void *source, unsigned long size);

static unsigned long long now(void)
{
	struct timespec time;

	clock_gettime(CLOCK_MONOTONIC, &time);
	return time.tv_sec * 1000000000ULL + time.tv_nsec;
}

int main(int argc, char **argv)
{
	long (*deserialize_call)(const char *) = NULL;
	unsigned long (*copy_call)(void *, const void *, unsigned long) = NULL;
	static char source[1 << 20], destination[1 << 20];
	FILE *log;
	int count;

	if (argc < 5)
		return 2;
	if (argc > 5 && strcmp(argv[5], "wait") == 0) {
		char line[16];

		if (!fgets(line, sizeof(line), stdin))
			return 2;
	}
#ifdef LINKED
	deserialize_call = deserialize;
	copy_call = copy;
#else
	void *library = dlopen(argv[1], RTLD_NOW);

	if (!library) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	deserialize_call = (long (*)(const char *))dlsym(library, "deserialize");
	copy_call = (unsigned long (*)(void *, const void *, unsigned long))dlsym(library, "copy");
#endif
	log = fopen(argv[4], "w");
	count = atoi(argv[3]);
	if (!log || !deserialize_call || !copy_call)
		return 1;
	for (int i = 0; i < count; i++) {
		unsigned long long start = now();
		long bytes = deserialize_call(argv[2]);
		unsigned long long end = now();
		unsigned long size = 4096UL * (i + 1);

		if (bytes < 0)
			return 1;
		fprintf(log, "deserialize %d %llu %llu\n", gettid(), start, end);
		start = now();
		STAP_PROBE1(phases, copy_begin, size);
		copy_call(destination, source, size);
		STAP_PROBE(phases, copy_end);
		end = now();
		fprintf(log, "copy %d %llu %llu %lu\n", gettid(), start, end, size);
	}
	fclose(log);
	return 0;
}
