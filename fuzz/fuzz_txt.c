/* The text decoder (UTF-8, UTF-16 with BOM, Windows-1252; line ends, NUL,
 * markdown) and the segmenter on what it gives. */
#include <stdint.h>
#include <string.h>
#include "util.h"
#include "doc.h"
#include "extract.h"
#include "segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_text t;
	struct passage_list ps;
	struct doc_error err;

	memset(&err, 0, sizeof(err));
	doc_text_init(&t);
	passage_list_init(&ps);
	if (extract_txt_buf((const char *)data, size, &t, &err) == 0)
		segment_lines(&t, &ps);
	passage_list_release(&ps);
	doc_text_release(&t);
	return 0;
}
