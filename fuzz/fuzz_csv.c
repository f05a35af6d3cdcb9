/* The CSV reader (csvio.c) on any bytes: every row read, the width checked
 * against the header as classify does; small limits on half the inputs so
 * the limit paths are reached too. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "util.h"
#include "csvio.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_error err;
	struct csv_in *c;
	char path[64], **f;
	size_t n, i, total = 0;
	int fd = fuzz_file(data, size, path), r;

	memset(&err, 0, sizeof(err));
	c = csv_in_open(path, &err);
	if (!c)
		abort();
	csv_in_check_width(c);
	if (size && (data[size - 1] & 1))
		csv_in_set_limits(c, 64, 32, 96, 8);
	while ((r = csv_in_next(c, &f, &n, &err)) > 0) {
		for (i = 0; i < n; i++)
			total += strlen(f[i]);
		if (csv_in_line(c) < 1 || csv_in_row(c) < 1)
			abort();
	}
	if (r < 0 && !err.msg[0])
		abort(); /* an error always says why */
	csv_in_close(c);
	close(fd);
	(void)total;
	return 0;
}
