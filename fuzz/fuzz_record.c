/* The record reader through its public API (record_read on a path), so the
 * harness holds whatever the record format becomes. The configuration and
 * theme ids are those of the seed records (fuzz/corpus/record). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"
#include "doc.h"
#include "record.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const themes[] = { (char *)"neglect", (char *)"information_sharing" };
	struct record_meta m;
	struct passage_list ps;
	struct doc_error err;
	char path[64];
	int fd = fuzz_file(data, size, path);

	memset(&err, 0, sizeof(err));
	passage_list_init(&ps);
	if (record_read(path, "fuzzconfig", &m, &ps, themes, 2, &err) == 0)
		free(m.warnings);
	else if (!err.msg[0])
		abort();
	passage_list_release(&ps);
	close(fd);
	return 0;
}
