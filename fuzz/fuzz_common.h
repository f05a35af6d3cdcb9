/*
 * Shared by the libFuzzer harnesses (fuzz/README in the top README,
 * "Fuzzing"): the input as a file, for readers that take a path. The file
 * is an anonymous memfd named by /proc/self/fd/N, so nothing touches the
 * disk and nothing is left behind.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>

/* Writes data to a new memfd; *path gets its name. Returns the fd. */
static inline int fuzz_file(const uint8_t *data, size_t size, char path[64])
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
