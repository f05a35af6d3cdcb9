/* The model file reader (every error names file and line), and a model
 * applied to passages: weights move labels and types, evidence names the
 * model's features, and the rules alone are what --no-model gives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "stem.h"
#include "codebook.h"
#include "model.h"
#include "analyze.h"

#define CB "theme alpha\nthreshold 2\nmatch 2 alpha\nmatch 1 apple\n" \
	   "theme beta\nthreshold 2\nmatch 2 beta\n"

static struct stemmer *st;
static struct codebook *cb;

static int setup(void **state)
{
	struct doc_error err;

	(void)state;
	st = stemmer_new(NULL);
	cb = codebook_parse("t.cb", CB, strlen(CB), st, &err);
	return st && cb ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	codebook_free(cb);
	stemmer_free(st);
	return 0;
}

static void fails_with(const char *text, const char *msg)
{
	struct doc_error err;
	struct coding_model *m;

	memset(&err, 0, sizeof(err));
	m = model_parse("m.model", text, strlen(text), cb, &err);
	assert_null(m);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.code, DOC_ERR_CONFIG);
}

#define HEAD MODEL_FORMAT "\nkeep\t0.2\nadd\t0.7\ntheme\talpha\t-1\nrules\tbeta\n"

static void model__errors_name_file_and_line(void **state)
{
	(void)state;
	fails_with("", "m.model:1: empty file");
	fails_with("revmine-model 9\n", "m.model:1: not a revmine model (expected '"
		   MODEL_FORMAT "')");
	fails_with(HEAD "w\tT:alpha\t1 2 3\n", "m.model:6: expected one finite weight per output");
	fails_with(HEAD "w\tT:alpha\tnan 0\n", "m.model:6: expected one finite weight per output");
	fails_with(HEAD "w\tT:alpha\t1e300 0\n", "m.model:6: expected one finite weight per output");
	fails_with(HEAD "w\tT:alpha\tx 0\n", "m.model:6: expected one finite weight per output");
	fails_with(MODEL_FORMAT "\nkeep\t1.5\n", "m.model:2: a probability must be between 0 and 1");
	fails_with(MODEL_FORMAT "\ntheme\talpha\tinf\n", "m.model:2: bias is not a finite number");
	fails_with(MODEL_FORMAT "\ntheme\talpha\n",
		   "m.model:2: expected 'theme ID BIAS', 'type NAME BIAS' or 'rules ID'");
	fails_with(MODEL_FORMAT "\ntype\tmaybe\t0\n", "m.model:2: unknown passage type");
	fails_with(MODEL_FORMAT "\nweights 1 2\n", "m.model:2: unknown line");
	fails_with(MODEL_FORMAT "\ntype\tcontext\t0\n",
		   "m.model:2: the model must give all three types or none");
	fails_with("revmine-model 1\n\xff\n", "m.model: not UTF-8 text");
}

static void model__unknown_themes_and_features_are_skipped(void **state)
{
	const char *text = MODEL_FORMAT "\n# a comment\ntheme\tgamma\t1\ntheme\talpha\t0\n"
			   "w\tS:zebra\t1 2\nw\tR:gone:old rule\t3 4\nw\tT:alpha\t0.5 1\n";
	struct doc_error err;
	struct coding_model *m;

	(void)state;
	m = model_parse("m.model", text, strlen(text), cb, &err);
	assert_non_null(m);
	model_free(m);
}

/* Writes text to a temporary file; returns its path (g_free). */
static char *temp_file(const char *text)
{
	GError *gerr = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("revmine-test-XXXXXX", &path, &gerr);

	assert_true(fd >= 0);
	close(fd);
	assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static const char *themes_of(struct analyzer *a, struct passage *p, char *buf)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < p->nr_labels; i++) {
		if (i)
			strcat(buf, ";");
		strcat(buf, analyzer_theme_id(a, p->labels[i].theme));
	}
	return buf;
}

static void model__weights_move_labels_and_types(void **state)
{
	/* alpha: a rules label stays unless its probability falls below keep;
	 * beta is rules-only; the word "apple" alone adds alpha through the
	 * model; types follow the "question" feature */
	const char *model = MODEL_FORMAT "\nkeep\t0.2\nadd\t0.7\n"
			    "theme\talpha\t-4\nrules\tbeta\n"
			    "type\tcontext\t0\ntype\tlearning\t-1\ntype\trecommendation\t-2\n"
			    "w\tL:alpha\t 2 0 0 0 0\n"
			    "w\tS:appl\t 6 0 0 0 0\n"
			    "w\tY:question\t 0 0 0 -5 8\n";
	char *cbp = temp_file(CB), *sw = temp_file("the\nof\n"), *mp = temp_file(model);
	struct doc_error err;
	struct analyzer *a = analyzer_new(cbp, sw, NULL, &err);
	struct passage ps[4];
	const char *texts[4] = { "Alpha was seen.", "An apple a day.",
				 "Beta was seen.", "Is alpha known?" };
	char buf[256];
	size_t i;

	(void)state;
	assert_non_null(a);
	if (analyzer_set_model(a, mp, &err) < 0)
		fail_msg("%s", err.msg);
	memset(ps, 0, sizeof(ps));
	for (i = 0; i < 4; i++) {
		ps[i].text = (char *)texts[i];
		ps[i].section = (char *)"";
		ps[i].kind = PASSAGE_PARAGRAPH;
	}
	analyze_document(a, ps, 4);
	/* "Alpha was seen": L (3 x 2 = 6) - 4 -> p = 0.88, kept */
	assert_string_equal(themes_of(a, &ps[0], buf), "alpha");
	assert_true(ps[0].labels[0].confidence > 0.8);
	assert_non_null(strstr(ps[0].labels[0].evidence, "alpha -> alpha; model p=0.88"));
	/* apple: the rules score 1 (below threshold), the model adds it */
	assert_string_equal(themes_of(a, &ps[1], buf), "alpha");
	assert_non_null(strstr(ps[1].labels[0].evidence, "model p=0.88: appl +6.00"));
	/* beta stays with the rules: no confidence */
	assert_string_equal(themes_of(a, &ps[2], buf), "beta");
	assert_true(ps[2].labels[0].confidence < 0);
	assert_int_equal(ps[3].type, TYPE_RECOMMENDATION);
	assert_int_equal(ps[0].type, TYPE_CONTEXT);
	for (i = 0; i < 4; i++)
		passage_clear_analysis(&ps[i]);

	/* the rules alone */
	assert_int_equal(analyzer_set_model(a, NULL, &err), 0);
	analyze_document(a, ps, 4);
	assert_string_equal(themes_of(a, &ps[1], buf), "");
	assert_string_equal(themes_of(a, &ps[0], buf), "alpha");
	assert_true(ps[0].labels[0].confidence < 0);
	for (i = 0; i < 4; i++)
		passage_clear_analysis(&ps[i]);
	analyzer_free(a);
	unlink(cbp);
	unlink(sw);
	unlink(mp);
	g_free(cbp);
	g_free(sw);
	g_free(mp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(model__errors_name_file_and_line),
		cmocka_unit_test(model__unknown_themes_and_features_are_skipped),
		cmocka_unit_test(model__weights_move_labels_and_types),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
