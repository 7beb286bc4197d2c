/* Stands in for a model loader's library in the load-phase tests: "deserialize" reads a
 * file (as a deserializer reads its model), "copy" takes a size (as a copy to the GPU does). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Not exported: in .symtab only, so a stripped copy of the library loses it. */
static __attribute__((noinline, used)) long count_bytes(long total, ssize_t got)
{
	return total + got;
}

/* Returns the bytes read, or -1. */
__attribute__((noinline)) long deserialize(const char *path)
{
	static char buffer[65536];
	long total = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((got = read(fd, buffer, sizeof(buffer))) > 0)
		total = count_bytes(total, got);
	close(fd);
	return total;
}

/* Copies size bytes and takes a while doing it, as a transfer would. */
__attribute__((noinline)) unsigned long copy(void *destination, const void *source, unsigned long size)
{
	memcpy(destination, source, size);
	usleep(2000);
	return size;
}
