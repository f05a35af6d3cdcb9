/* The codebook parser, and on a codebook that parses, the classifier on a
 * few fixed passages (an empty one among them). */
#include <stdint.h>
#include <string.h>
#include "util.h"
#include "doc.h"
#include "stem.h"
#include "codebook.h"
#include "classify.h"

static const char *const texts[] = {
	"",
	"The partnership should review its escalation policy.",
	"Information was not shared between agencies; no evidence of neglect. 12 of 14",
	"Recommendations:",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stemmer *st = stemmer_new("english");
	struct doc_error err;
	struct codebook *cb;
	size_t i;

	memset(&err, 0, sizeof(err));
	cb = codebook_parse("fuzz.cb", (const char *)data, size, st, &err);
	if (cb) {
		struct classifier *c = classifier_new(cb, st);

		classifier_add_stopwords(c, "the\nof\n", 7);
		for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
			struct passage p;
			struct type_cues tc;

			memset(&p, 0, sizeof(p));
			p.section = (char *)"Findings";
			p.text = (char *)texts[i];
			classify_passage(c, &p, &tc);
			passage_clear_analysis(&p);
		}
		classifier_free(c);
		codebook_free(cb);
	}
	stemmer_free(st);
	return 0;
}
