/*
 * report_write() over a small corpus built by hand: every CSV is compared
 * byte for byte with tests/golden/report/, and the files are checked
 * against each other (co-occurrence diagonal = prevalence documents,
 * matrix column sums = prevalence passages, ...).
 *
 * The fixture: themes da, mh, neglect; rule min_lr 1, min_any 2; four
 * documents, d3 in error. Passages (type, themes, terms):
 *
 *   d1  0 L {da, mh}       abus 2, child 1, mental 1
 *       1 C {da}           abus 1, famili 1
 *       2 R {mh}           child 1, mental 2
 *       3 C {}             =risk 1, child 1, famili 1
 *       4 C {da, mh}       abus 1, child 1, mental 1
 *   d2  5 C {da}           abus 1, child 1
 *       6 C {da}           abus 2, child 1, famili 1
 *       7 L {neglect}      =risk 1, child 3, famili 1
 *       8 C {mh}           mental 1
 *   d3  (error, no passages)
 *   d4  9 R {da, neglect}  =risk 2, abus 1, child 1
 *      10 C {neglect}      =risk 1, child 1, famili 2
 *      11 C {}             =risk 1, child 1, famili 1
 *
 * By the rule d1 features da and mh, d2 da and neglect (mh has one context
 * passage only), d4 da and neglect. Term pairs in >= 5 passages: (=risk,
 * child), (abus, child), (child, famili); "mental" is in 4 passages only.
 * The expected files were checked against an independent recomputation of
 * every figure (Python, exact fractions) before they were committed.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "util.h"
#include "corpus.h"
#include "report.h"
#include "stats.h"
#include "banned.h"

#define GOLDEN "tests/golden/report/"

static const char *const files[] = {
	"doc_theme_matrix.csv", "theme_cooccurrence.csv", "theme_pairs.csv",
	"theme_prevalence.csv", "theme_terms.csv", "term_pairs.csv",
};

/* Terms in byte order of the stem: '=' sorts before letters. */
enum { T_RISK, T_ABUS, T_CHILD, T_FAMILI, T_MENTAL, NR_TERMS };
static const char *const term_names[] = { "=risk", "abus", "child", "famili", "mental" };

struct fixture_passage {
	size_t doc;
	enum passage_type type;
	int themes[3];
	size_t nr_themes;
	unsigned counts[NR_TERMS]; /* by term id; 0 = absent */
};

#define L TYPE_LEARNING
#define R TYPE_RECOMMENDATION
#define C TYPE_CONTEXT
static const struct fixture_passage fixture[] = {
	{ 0, L, { 0, 1 }, 2, { 0, 2, 1, 0, 1 } },
	{ 0, C, { 0 }, 1, { 0, 1, 0, 1, 0 } },
	{ 0, R, { 1 }, 1, { 0, 0, 1, 0, 2 } },
	{ 0, C, { 0 }, 0, { 1, 0, 1, 1, 0 } },
	{ 0, C, { 0, 1 }, 2, { 0, 1, 1, 0, 1 } },
	{ 1, C, { 0 }, 1, { 0, 1, 1, 0, 0 } },
	{ 1, C, { 0 }, 1, { 0, 2, 1, 1, 0 } },
	{ 1, L, { 2 }, 1, { 1, 0, 3, 1, 0 } },
	{ 1, C, { 1 }, 1, { 0, 0, 0, 0, 1 } },
	{ 3, R, { 0, 2 }, 2, { 2, 1, 1, 0, 0 } },
	{ 3, C, { 2 }, 1, { 1, 0, 1, 2, 0 } },
	{ 3, C, { 0 }, 0, { 1, 0, 1, 1, 0 } },
};
#undef L
#undef R
#undef C

static void add_doc(struct corpus *c, const char *id, const char *status)
{
	struct corpus_doc *d;

	ALLOC_GROW(c->docs, c->nr_docs, c->alloc_docs);
	d = &c->docs[c->nr_docs++];
	memset(d, 0, sizeof(*d));
	d->doc_id = xstrdup(id);
	d->path = xstrfmt("corpus/%s.txt", id);
	d->format = xstrdup("txt");
	d->sha256 = xstrdup("0");
	d->status = xstrdup(status);
	d->message = xstrdup("");
	d->pages = 1;
}

static void build_corpus(struct corpus *c)
{
	static const char *const themes[] = { "da", "mh", "neglect" };
	static const char *const status[] = { "ok", "warning", "error", "ok" };
	size_t i, j;

	memset(c, 0, sizeof(*c));
	c->nr_themes = 3;
	c->theme_ids = xcalloc(3, sizeof(char *));
	for (i = 0; i < 3; i++)
		c->theme_ids[i] = xstrdup(themes[i]);
	c->min_lr = 1;
	c->min_any = 2;
	for (i = 0; i < 4; i++) {
		char id[8];

		snprintf(id, sizeof(id), "d%zu", i + 1);
		add_doc(c, id, status[i]);
	}
	c->terms = xcalloc(NR_TERMS, sizeof(*c->terms));
	c->nr_terms = NR_TERMS;
	for (i = 0; i < NR_TERMS; i++) {
		c->terms[i].term = xstrdup(term_names[i]);
		c->terms[i].surface = xstrdup(term_names[i]);
	}
	for (i = 0; i < ARRAY_SIZE(fixture); i++) {
		const struct fixture_passage *f = &fixture[i];
		struct corpus_passage *p;
		struct corpus_doc *d = &c->docs[f->doc];

		ALLOC_GROW(c->passages, c->nr_passages, c->alloc_passages);
		p = &c->passages[c->nr_passages];
		memset(p, 0, sizeof(*p));
		if (!d->nr_passages)
			d->first_passage = c->nr_passages;
		d->nr_passages++;
		c->nr_passages++;
		p->doc = f->doc;
		p->type = f->type;
		corpus_passage_alloc(p, NR_TERMS, f->nr_themes);
		if (f->nr_themes)
			memcpy(p->themes, f->themes, f->nr_themes * sizeof(int));
		p->nr_themes = (unsigned short)f->nr_themes;
		for (j = 0; j < NR_TERMS; j++) {
			if (!f->counts[j])
				continue;
			p->term_ids[p->nr_terms] = (unsigned)j;
			p->term_counts[p->nr_terms++] = f->counts[j];
			p->tokens += f->counts[j];
			c->terms[j].cf += f->counts[j];
		}
	}
	/* d3 (error) has no passages: its slice is empty */
	c->docs[2].first_passage = c->docs[3].first_passage;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

struct out {
	char dir[64];
	struct corpus c;
};

static int setup(void **state)
{
	struct out *o = xcalloc(1, sizeof(*o));
	struct doc_error err = { 0 };

	snprintf(o->dir, sizeof(o->dir), "/tmp/test_report.XXXXXX");
	if (!mkdtemp(o->dir))
		return -1;
	build_corpus(&o->c);
	if (report_write(&o->c, o->dir, 0, &err)) {
		fprintf(stderr, "report_write: %s\n", err.msg);
		return -1;
	}
	*state = o;
	return 0;
}

static int teardown(void **state)
{
	struct out *o = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char *p = xstrfmt("%s/%s", o->dir, files[i]);

		unlink(p);
		free(p);
	}
	rmdir(o->dir);
	corpus_release(&o->c);
	free(o);
	return 0;
}

/* With REVMINE_UPDATE_GOLDEN=1 the outputs are copied into GOLDEN first. */
static void report__golden_files(void **state)
{
	struct out *o = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char *got_path = xstrfmt("%s/%s", o->dir, files[i]);
		char *want_path = xstrfmt(GOLDEN "%s", files[i]);
		size_t got_len, want_len;
		char *got = slurp(got_path, &got_len), *want;

		assert_non_null(got);
		if (getenv("REVMINE_UPDATE_GOLDEN")) {
			FILE *f = fopen(want_path, "wb");

			assert_non_null(f);
			fwrite(got, 1, got_len, f);
			fclose(f);
		}
		want = slurp(want_path, &want_len);
		if (!want)
			fail_msg("missing %s", want_path);
		if (got_len != want_len || memcmp(got, want, got_len))
			fail_msg("%s differs from %s", got_path, want_path);
		free(got);
		free(want);
		free(got_path);
		free(want_path);
	}
}

/* Splits a simple CSV (no quoted commas) into rows x cells of longs. */
static size_t read_table(const struct out *o, const char *name, long cells[][24],
			 size_t col0)
{
	char *path = xstrfmt("%s/%s", o->dir, name);
	size_t len, rows = 0;
	char *text = slurp(path, &len), *line, *next;

	assert_non_null(text);
	line = strchr(text, '\n') + 1; /* header */
	for (; *line; line = next, rows++) {
		char *p = line;
		size_t k = 0;

		next = strchr(line, '\n') + 1;
		while (p < next) {
			char *comma = p;

			while (*comma != ',' && *comma != '\n')
				comma++;
			if (k >= col0)
				cells[rows][k - col0] = strtol(p, NULL, 10);
			k++;
			p = comma + 1;
		}
	}
	free(text);
	free(path);
	return rows;
}

static void report__files_agree(void **state)
{
	struct out *o = *state;
	long co[8][24], prev[8][24], mat[8][24];
	size_t nt, nd, t, d;

	nt = read_table(o, "theme_cooccurrence.csv", co, 1);
	assert_int_equal(read_table(o, "theme_prevalence.csv", prev, 3), nt);
	nd = read_table(o, "doc_theme_matrix.csv", mat, 1);
	assert_int_equal(nt, 3);
	assert_int_equal(nd, 3); /* d3 is in error: no row */
	for (t = 0; t < nt; t++) {
		long sum = 0;

		/* diagonal = documents featuring; prevalence column 1 */
		assert_int_equal(co[t][t], prev[t][0]);
		/* symmetric */
		for (d = 0; d < nt; d++)
			assert_int_equal(co[t][d], co[d][t]);
		/* matrix column sums = passages coded to the theme */
		for (d = 0; d < nd; d++)
			sum += mat[d][t];
		assert_int_equal(sum, prev[t][5]);
		/* n: the documents not in error */
		assert_int_equal(prev[t][1], 3);
		/* by type adds up to passages */
		assert_int_equal(prev[t][6] + prev[t][7] + prev[t][8], prev[t][5]);
	}
	assert_int_equal(co[0][0], 3);
	assert_int_equal(co[0][1], 1);
	assert_int_equal(co[0][2], 2);
	assert_int_equal(co[1][2], 0);
}

/* A document in error features nothing even if passages say otherwise. */
static void report__error_document_features_nothing(void **state)
{
	struct out *o = *state;
	size_t t;

	for (t = 0; t < 3; t++)
		assert_false(corpus_doc_features(&o->c, 2, t));
	assert_true(corpus_doc_features(&o->c, 0, 1));  /* mh: one R */
	assert_false(corpus_doc_features(&o->c, 1, 1)); /* mh: one C */
	assert_true(corpus_doc_features(&o->c, 1, 0));  /* da: two C */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report__golden_files),
		cmocka_unit_test(report__files_agree),
		cmocka_unit_test(report__error_document_features_nothing),
	};

	stats_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
