/* PDF extraction on a document in memory (poppler, then our layout,
 * furniture and dehyphenation code), and the segmenter on its lines.
 * OCR is off: most inputs have pages without text, and rendering each at
 * 300 dpi for Tesseract would leave little time for the parsing fuzzed
 * here (tests/test_ocr.c covers OCR). */
#include <stdint.h>
#include <string.h>
#include "util.h"
#include "doc.h"
#include "extract.h"
#include "segment.h"
#include "ocr.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ocr_set_enabled(0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_text t;
	struct passage_list ps;
	struct doc_error err;

	memset(&err, 0, sizeof(err));
	doc_text_init(&t);
	passage_list_init(&ps);
	if (extract_pdf_data(data, size, &t, &err) == 0)
		segment_lines(&t, &ps);
	passage_list_release(&ps);
	doc_text_release(&t);
	return 0;
}
