/*
 * revmine review [-n N] [-o FILE] [-c CB] [--stopwords F]
 *                [-m MODEL | --no-model] OUT/
 *
 * The passages of a run whose coding is least certain, for an analyst to
 * correct: reads OUT/passages.csv, codes each document again as `run` did
 * (its section and kind columns; the same codebook and model must be
 * given), and notes for every passage how near its nearest decision came
 * to going the other way (analyze_document_doubts). The N nearest are
 * written, least certain first, as labelled passages (the gold format,
 * which `train` reads) with the current coding filled in and the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <glib.h>
#include "cmds.h"
#include "runopts.h"
#include "util.h"
#include "doc.h"
#include "analyze.h"
#include "paths.h"
#include "model.h"
#include "csvio.h"
#include "gold.h"
#include "banned.h"

static const struct opt_help review_opts[] = {
	{ "-n, --number N", "how many passages to list (default 50)", 0, 0 },
	{ "-o, --output FILE", "where to write them (default OUT/review.csv)", 0, 0 },
	{ "-c, --codebook FILE", "the run's codebook (default codebook/default.cb)", 0, 0 },
	{ "--stopwords FILE", "the run's stopword list (default stopwords/english.txt)", 0, 0 },
	{ "-m, --model FILE", "the run's model (default codebook/default.model)", 0, 0 },
	{ "--no-model", "the run coded with the rules alone", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_review = {
	"review", "[options] OUT/",
	"Lists the passages of a run whose coding is least certain.\n"
	"Least certain first, in the gold format: correct their type and themes, then\n"
	"give the file to train.",
	review_opts, 0, NULL,
};

struct item {
	size_t doc, row; /* document index, row in passages.csv */
	struct doubt d;
};

struct review {
	struct analyzer *a;
	GPtrArray *docs;      /* doc ids, in order */
	struct passage *ps;   /* every passage */
	char **pnum;          /* its passage number as written */
	size_t *docno;
	size_t nr, alloc;
	struct item *items;
};

static int col(char **f, size_t nr, const char *name)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(f[i], name))
			return (int)i;
	return -1;
}

/* Reads OUT/passages.csv; 0 or an exit status after saying why. */
static int read_passages(struct review *r, const char *path)
{
	static const char *names[] = { "doc_id", "passage", "section", "kind", "text" };
	struct doc_error err;
	struct csv_in *in;
	char **f;
	size_t nr;
	int rc, c[5], i, status = 0;

	memset(&err, 0, sizeof(err));
	if (!(in = csv_in_open(path, &err))) {
		say("review: %s", err.msg);
		return EXIT_USAGE;
	}
	if ((rc = csv_in_next(in, &f, &nr, &err)) <= 0) {
		if (rc < 0)
			say("review: %s", err.msg);
		else
			say("review: '%s': empty file", path);
		csv_in_close(in);
		return EXIT_USAGE;
	}
	for (i = 0; i < 5; i++)
		if ((c[i] = col(f, nr, names[i])) < 0) {
			say("review: '%s': no column named '%s' (not a revmine passages.csv?)",
			    path, names[i]);
			csv_in_close(in);
			return EXIT_USAGE;
		}
	while ((rc = csv_in_next(in, &f, &nr, &err)) > 0) {
		struct passage *p;
		int k;

		if (nr < 5) {
			say("review: %s:%zu: too few fields", path, csv_in_line(in));
			status = EXIT_USAGE;
			break;
		}
		ALLOC_GROW(r->ps, r->nr, r->alloc);
		r->pnum = xrealloc(r->pnum, r->alloc * sizeof(*r->pnum));
		r->docno = xrealloc(r->docno, r->alloc * sizeof(*r->docno));
		if (!r->docs->len ||
		    strcmp(g_ptr_array_index(r->docs, r->docs->len - 1), gold_unguard(f[c[0]])))
			g_ptr_array_add(r->docs, xstrdup(gold_unguard(f[c[0]])));
		p = &r->ps[r->nr];
		memset(p, 0, sizeof(*p));
		p->page = 1;
		p->section = xstrdup(gold_unguard(f[c[2]]));
		p->text = xstrdup(gold_unguard(f[c[4]]));
		k = passage_kind_parse(f[c[3]]);
		p->kind = k >= 0 ? (enum passage_kind)k : gold_kind_of(p->text);
		r->pnum[r->nr] = xstrdup(f[c[1]]);
		r->docno[r->nr++] = r->docs->len - 1;
	}
	if (!status && rc < 0) {
		say("review: %s", err.msg);
		status = EXIT_USAGE;
	}
	csv_in_close(in);
	return status;
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->d.margin != y->d.margin)
		return x->d.margin < y->d.margin ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

static void themes_of(struct analyzer *a, const struct passage *p, GString *s)
{
	size_t i;

	g_string_truncate(s, 0);
	for (i = 0; i < p->nr_labels; i++) {
		if (i)
			g_string_append_c(s, ';');
		g_string_append(s, analyzer_theme_id(a, p->labels[i].theme));
	}
}

static int write_review(struct review *r, const char *out, size_t n)
{
	struct doc_error err;
	struct csv_out *c;
	GString *themes = g_string_new(NULL);
	size_t i;

	memset(&err, 0, sizeof(err));
	if (!(c = csv_out_open(out, 0, &err))) {
		say("review: %s", err.msg);
		g_string_free(themes, TRUE);
		return EXIT_FATAL;
	}
	csv_out_line(c, "doc,passage,type,themes,text,certainty,why,section");
	for (i = 0; i < n && i < r->nr; i++) {
		const struct item *it = &r->items[i];
		const struct passage *p = &r->ps[it->row];

		themes_of(r->a, p, themes);
		csv_out_raw(c, g_ptr_array_index(r->docs, it->doc));
		csv_out_raw(c, r->pnum[it->row]);
		csv_out_raw(c, passage_type_name(p->type));
		csv_out_raw(c, themes->str);
		csv_out_text(c, p->text);
		csv_out_fixed(c, it->d.margin < 1e9 ? it->d.margin : 1, 3);
		csv_out_text(c, it->d.why);
		csv_out_text(c, p->section);
		csv_out_end_row(c);
	}
	g_string_free(themes, TRUE);
	if (csv_out_commit(c, &err) < 0) {
		say("review: %s", err.msg);
		return EXIT_FATAL;
	}
	return EXIT_OK;
}

int cmd_review(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "number", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "codebook", required_argument, NULL, 'c' },
		{ "stopwords", required_argument, NULL, 's' },
		{ "model", required_argument, NULL, 'm' },
		{ "no-model", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *codebook = NULL, *stopwords = NULL, *model = NULL, *out = NULL;
	struct review r;
	struct doc_error err;
	char *path = NULL, *outpath = NULL;
	long n = 50;
	int c, no_model = 0, status;
	size_t i, s;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:o:c:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cmd_number("review: -n", optarg, 1, 10000000, &n))
				return help_error(&help_review);
			break;
		case 'o': out = optarg; break;
		case 'c': codebook = optarg; break;
		case 's': stopwords = optarg; break;
		case 'm': model = optarg; break;
		case 'N': no_model = 1; break;
		case 'h':
			help_print(stdout, &help_review);
			return EXIT_OK;
		default:
			return help_bad_option(&help_review, c, argv);
		}
	}
	if (argc - optind != 1) {
		say("review: give one output folder of a run");
		return help_error(&help_review);
	}
	if (model && no_model) {
		say("review: -m MODEL and --no-model exclude each other");
		return help_error(&help_review);
	}
	memset(&r, 0, sizeof(r));
	memset(&err, 0, sizeof(err));
	data_paths_resolve(&codebook, &stopwords, &model, no_model);
	if (!(r.a = analyzer_new(codebook, stopwords, model, &err))) {
		say("review: %s", err.msg);
		return EXIT_USAGE;
	}
	runopts_codebook_warnings(r.a, "review");
	r.docs = g_ptr_array_new_with_free_func(free);
	path = g_build_filename(argv[optind], "passages.csv", NULL);
	status = read_passages(&r, path);
	if (!status && !r.nr) {
		say("review: '%s': no passages", path);
		status = EXIT_USAGE;
	}
	if (!status) {
		struct doubt *dd = xcalloc(r.nr, sizeof(*dd));

		r.items = xcalloc(r.nr, sizeof(*r.items));
		for (s = 0; s < r.nr; s = i) {
			for (i = s; i < r.nr && r.docno[i] == r.docno[s]; i++)
				;
			analyze_document_doubts(r.a, &r.ps[s], i - s, &dd[s]);
		}
		for (i = 0; i < r.nr; i++) {
			r.items[i].doc = r.docno[i];
			r.items[i].row = i;
			r.items[i].d = dd[i];
		}
		free(dd);
		qsort(r.items, r.nr, sizeof(*r.items), cmp_item);
		outpath = out ? xstrdup(out) : g_build_filename(argv[optind], "review.csv", NULL);
		status = write_review(&r, outpath, (size_t)n);
		if (!status)
			fprintf(stderr, "revmine: review: the %zu least certain of %zu passages -> %s\n",
				(size_t)n < r.nr ? (size_t)n : r.nr, r.nr, outpath);
	}
	for (i = 0; i < r.nr; i++) {
		passage_clear_analysis(&r.ps[i]);
		free(r.ps[i].section);
		free(r.ps[i].text);
		free(r.pnum[i]);
	}
	free(r.ps);
	free(r.pnum);
	free(r.docno);
	free(r.items);
	g_ptr_array_free(r.docs, TRUE);
	analyzer_free(r.a);
	g_free(path);
	if (out)
		free(outpath);
	else
		g_free(outpath);
	return status;
}
