/*
 * textbench FILE...: tokens per second of the text stage (tokenize, stem,
 * classify: analyze_document with the default codebook) beside a plain
 * split-and-stem loop (split on whitespace, lower-case, trim punctuation,
 * Snowball-stem every token without a memo), measured in the same run on
 * the same text. Both rates are over the same count, the input's
 * whitespace-separated tokens, so their ratio is a ratio of times.
 *
 * The two loops alternate, a whole pass over the text each, until at
 * least --seconds (default 1) have gone by; each loop's best pass counts,
 * which keeps noise from other processes out of the figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "paths.h"
#include "stem.h"
#include "analyze.h"
#include "banned.h"

struct text {
	struct passage_list pl;
	size_t tokens, bytes;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Paragraphs (blank-line separated) become passages, as segment would. */
static void load(struct text *t, const char *path)
{
	gchar *buf, **paras;
	gsize len;
	size_t i;
	const char *p;
	int in = 0;

	if (!g_file_get_contents(path, &buf, &len, NULL)) {
		fprintf(stderr, "textbench: cannot read '%s'\n", path);
		exit(2);
	}
	t->bytes += len;
	for (p = buf; *p; p++) {
		int space = g_ascii_isspace(*p);

		if (!space && !in)
			t->tokens++;
		in = !space;
	}
	paras = g_regex_split_simple("\n[ \t]*\n", buf, 0, 0);
	for (i = 0; paras[i]; i++) {
		g_strstrip(paras[i]);
		if (*paras[i])
			passage_list_add(&t->pl, 1, PASSAGE_PARAGRAPH, "", paras[i]);
	}
	g_strfreev(paras);
	g_free(buf);
}

/* The baseline: whitespace split, ASCII lower-case, trim, stem. */
static size_t split_and_stem(struct stemmer *st, const struct text *t)
{
	char word[256], out[256];
	size_t i, n = 0, sink = 0;

	for (i = 0; i < t->pl.nr; i++) {
		const char *p = t->pl.items[i].text;

		while (*p) {
			while (*p && g_ascii_isspace(*p))
				p++;
			n = 0;
			while (*p && !g_ascii_isspace(*p)) {
				if (n < sizeof(word) - 1 && g_ascii_isalnum(*p))
					word[n++] = g_ascii_tolower(*p);
				p++;
			}
			if (n)
				sink += stemmer_stem_uncached(st, word, n, out, sizeof(out));
		}
	}
	return sink;
}

static size_t analyze_all(struct analyzer *a, struct text *t)
{
	size_t i, sink = 0;

	analyze_document(a, t->pl.items, t->pl.nr);
	for (i = 0; i < t->pl.nr; i++)
		sink += t->pl.items[i].nr_labels + t->pl.items[i].tokens;
	return sink;
}

struct timing {
	double best;
	unsigned passes;
};

static void keep_best(struct timing *tm, double t0)
{
	double d = now() - t0;

	if (!tm->passes || d < tm->best)
		tm->best = d;
	tm->passes++;
}

int main(int argc, char **argv)
{
	struct text t;
	struct doc_error err;
	struct analyzer *a;
	const char *cb = NULL, *sw = NULL, *mp = NULL;
	struct stemmer *st;
	struct timing base, full;
	double secs = 1.0, r_base, r_full, start;
	size_t sink = 0;
	int i = 1;

	paths_set_argv0(argv[0]);
	if (i + 1 < argc && !strcmp(argv[i], "--seconds")) {
		secs = atof(argv[i + 1]);
		i += 2;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: textbench [--seconds S] FILE...\n");
		return 2;
	}
	memset(&t, 0, sizeof(t));
	passage_list_init(&t.pl);
	for (; i < argc; i++)
		load(&t, argv[i]);
	memset(&err, 0, sizeof(err));
	data_paths_resolve(&cb, &sw, &mp, 0);
	if (!(a = analyzer_new(cb, sw, mp, &err))) {
		fprintf(stderr, "textbench: %s\n", err.msg);
		return 2;
	}
	st = stemmer_new(NULL);
	if (!t.tokens) {
		fprintf(stderr, "textbench: no text\n");
		return 2;
	}
	/* Alternate the two loops pass by pass, so that both see the same
	 * machine (other processes, frequency changes). */
	memset(&base, 0, sizeof(base));
	memset(&full, 0, sizeof(full));
	start = now();
	do {
		double t0 = now();

		sink += split_and_stem(st, &t);
		keep_best(&base, t0);
		t0 = now();
		sink += analyze_all(a, &t);
		keep_best(&full, t0);
	} while (now() - start < secs);
	r_base = t.tokens / base.best;
	r_full = t.tokens / full.best;
	printf("textbench: %zu passages, %zu bytes, %zu tokens (whitespace-separated)\n",
	       t.pl.nr, t.bytes, t.tokens);
	printf("split+stem (no memo):         %8.2f M tokens/s (best of %u passes)\n",
	       r_base / 1e6, base.passes);
	printf("tokenize+stem+classify:       %8.2f M tokens/s (best of %u passes)\n",
	       r_full / 1e6, full.passes);
	printf("ratio (text stage / split+stem): %.2f\n", r_full / r_base);
	if (sink == 42) /* keep the loops from being optimised away */
		fputc('\n', stderr);
	stemmer_free(st);
	analyzer_free(a);
	passage_list_release(&t.pl);
	return 0;
}
