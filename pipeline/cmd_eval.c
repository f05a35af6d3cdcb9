/*
 * revmine eval [-c CB] [--stopwords F] [--show-errors] GOLD.csv
 *
 * Agreement between the codebook and hand-coded passages (header
 * doc,passage,type,themes,text). The passages of one doc are analysed
 * together, in file order, as one document, so headings and lead-ins frame
 * types as they do in `run`. A passage whose text starts with '#' or is
 * wholly **bold** is a heading, and one starting with a bullet or list
 * number an item, as the text extractor would mark them.
 *
 * Printed: per theme precision, recall, F1 and Cohen's kappa (Cohen 1960:
 * (p_o - p_e) / (1 - p_e) over the passage x theme yes/no table); micro F1
 * (pooled counts) and macro F1 (mean over themes that occur in the gold or
 * the predictions); type accuracy, per-type precision/recall/F1, macro F1
 * over the three types and the confusion matrix (rows gold, columns
 * predicted). --show-errors lists every disagreement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <glib.h>
#include "cmds.h"
#include "util.h"
#include "doc.h"
#include "analyze.h"
#include "csvio.h"
#include "banned.h"

struct gold_row {
	char *doc, *id;
	int type;
	unsigned char *themes; /* one flag per theme */
	size_t line;
};

struct gold {
	struct gold_row *rows;
	size_t nr, alloc;
	struct passage *ps;
};

struct counts {
	unsigned long tp, fp, fn, tn;
};

static enum passage_kind kind_of(const char *text)
{
	const char *s = text;
	size_t n = strlen(s);

	while (*s == ' ')
		s++;
	if (*s == '#' || (n > 4 && !strncmp(s, "**", 2) && !strcmp(text + n - 2, "**") &&
			  !strstr(s + 2, "**")[2]))
		return PASSAGE_HEADING;
	if ((*s == '-' || *s == '*' || !strncmp(s, "\xe2\x80\xa2", 3)) && s[1] != '*')
		return PASSAGE_ITEM;
	if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z' && (s[1] == ')' || s[1] == '.'))) {
		while (*s >= '0' && *s <= '9')
			s++;
		if ((*s == '.' || *s == ')') && s[1] == ' ')
			return PASSAGE_ITEM;
		if (*s >= 'a' && *s <= 'z' && (s[1] == ')' || s[1] == '.') && s[2] == ' ')
			return PASSAGE_ITEM;
	}
	return PASSAGE_PARAGRAPH;
}

static int find_col(char **f, size_t nr, const char *name)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(f[i], name))
			return (int)i;
	return -1;
}

/* Reads GOLD into g; returns 0 or an exit status after saying why. */
static int read_gold(struct analyzer *a, const char *path, struct gold *g)
{
	struct doc_error err;
	struct csv_in *in;
	char **f;
	size_t nr, k, nt = analyzer_nr_themes(a);
	int rc, col[5], i, status = 0;
	static const char *names[5] = { "doc", "passage", "type", "themes", "text" };

	memset(&err, 0, sizeof(err));
	if (!(in = csv_in_open(path, &err))) {
		say("eval: %s", err.msg);
		return EXIT_USAGE;
	}
	if ((rc = csv_in_next(in, &f, &nr, &err)) <= 0) {
		say("eval: '%s': %s", path, rc < 0 ? err.msg : "empty file");
		csv_in_close(in);
		return EXIT_USAGE;
	}
	for (i = 0; i < 5; i++)
		if ((col[i] = find_col(f, nr, names[i])) < 0) {
			say("eval: '%s': no column named '%s'", path, names[i]);
			csv_in_close(in);
			return EXIT_USAGE;
		}
	while (!status && (rc = csv_in_next(in, &f, &nr, &err)) > 0) {
		struct gold_row *r;
		struct passage *p;
		char **th;

		if (nr < 5) {
			say("eval: %s:%zu: expected 5 fields", path, csv_in_line(in));
			status = EXIT_USAGE;
			break;
		}
		ALLOC_GROW(g->rows, g->nr, g->alloc);
		g->ps = xrealloc(g->ps, g->alloc * sizeof(*g->ps));
		r = &g->rows[g->nr];
		p = &g->ps[g->nr];
		memset(p, 0, sizeof(*p));
		r->doc = xstrdup(f[col[0]]);
		r->id = xstrdup(f[col[1]]);
		r->line = csv_in_line(in);
		r->themes = xcalloc(nt ? nt : 1, 1);
		p->page = 1;
		p->section = xstrdup("");
		p->text = xstrdup(f[col[4]]);
		p->kind = kind_of(p->text);
		g->nr++;
		if ((r->type = passage_type_parse(f[col[2]])) < 0) {
			say("eval: %s:%zu: unknown type '%s'", path, r->line, f[col[2]]);
			status = EXIT_USAGE;
		}
		th = g_strsplit(f[col[3]], ";", -1);
		for (k = 0; th[k] && !status; k++) {
			int t;

			g_strstrip(th[k]);
			if (!*th[k])
				continue;
			if ((t = analyzer_theme_index(a, th[k])) < 0) {
				say("eval: %s:%zu: theme '%s' is not in the codebook", path,
				    r->line, th[k]);
				status = EXIT_USAGE;
			} else {
				r->themes[t] = 1;
			}
		}
		g_strfreev(th);
	}
	if (!status && rc < 0) {
		say("eval: '%s': %s", path, err.msg);
		status = EXIT_USAGE;
	}
	csv_in_close(in);
	return status;
}

static void analyze_gold(struct analyzer *a, struct gold *g)
{
	size_t i, j;

	for (i = 0; i < g->nr; i = j) {
		for (j = i; j < g->nr && !strcmp(g->rows[j].doc, g->rows[i].doc); j++)
			;
		analyze_document(a, &g->ps[i], j - i);
	}
}

static int has_label(const struct passage *p, int t)
{
	size_t i;

	for (i = 0; i < p->nr_labels; i++)
		if (p->labels[i].theme == t)
			return 1;
	return 0;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static double f1(const struct counts *c)
{
	return ratio(2.0 * c->tp, 2.0 * c->tp + c->fp + c->fn);
}

static double kappa(const struct counts *c)
{
	double n = c->tp + c->fp + c->fn + c->tn;
	double po = ratio(c->tp + c->tn, n);
	double pe = ratio((double)(c->tp + c->fp) * (c->tp + c->fn) +
			  (double)(c->fn + c->tn) * (c->fp + c->tn), n * n);

	return pe < 1 ? (po - pe) / (1 - pe) : 1;
}

static void show_errors(struct analyzer *a, const struct gold *g)
{
	size_t i, t;

	for (i = 0; i < g->nr; i++) {
		const struct passage *p = &g->ps[i];
		const struct gold_row *r = &g->rows[i];

		if ((int)p->type != r->type)
			printf("type %s/%s: gold %s, got %s: %.70s\n", r->doc, r->id,
			       passage_type_name(r->type), passage_type_name(p->type), p->text);
		for (t = 0; t < analyzer_nr_themes(a); t++) {
			int got = has_label(p, (int)t);
			size_t k;

			if (got == r->themes[t])
				continue;
			printf("%s %s/%s %s: %.70s\n", got ? "FP" : "FN", r->doc, r->id,
			       analyzer_theme_id(a, t), p->text);
			for (k = 0; got && k < p->nr_labels; k++)
				if (p->labels[k].theme == (int)t)
					printf("    evidence: %s\n", p->labels[k].evidence);
		}
	}
}

static void report_themes(struct analyzer *a, const struct gold *g)
{
	size_t nt = analyzer_nr_themes(a), i, t, used = 0;
	struct counts all = { 0, 0, 0, 0 };
	double macro = 0;

	printf("%-26s %5s %5s %5s %7s %7s %7s %7s\n", "theme", "gold", "pred", "tp",
	       "prec", "recall", "f1", "kappa");
	for (t = 0; t < nt; t++) {
		struct counts c = { 0, 0, 0, 0 };

		for (i = 0; i < g->nr; i++) {
			int gold = g->rows[i].themes[t], got = has_label(&g->ps[i], (int)t);

			c.tp += gold && got;
			c.fp += !gold && got;
			c.fn += gold && !got;
			c.tn += !gold && !got;
		}
		all.tp += c.tp;
		all.fp += c.fp;
		all.fn += c.fn;
		all.tn += c.tn;
		if (c.tp + c.fp + c.fn) {
			macro += f1(&c);
			used++;
		}
		printf("%-26s %5lu %5lu %5lu %7.3f %7.3f %7.3f %7.3f\n",
		       analyzer_theme_id(a, t), c.tp + c.fn, c.tp + c.fp, c.tp,
		       ratio(c.tp, c.tp + c.fp), ratio(c.tp, c.tp + c.fn), f1(&c), kappa(&c));
	}
	printf("\ntheme micro: precision %.3f recall %.3f f1 %.3f\n",
	       ratio(all.tp, all.tp + all.fp), ratio(all.tp, all.tp + all.fn), f1(&all));
	printf("theme macro f1: %.3f (over %zu themes present in gold or predictions)\n",
	       ratio(macro, used), used);
}

static void report_types(const struct gold *g)
{
	unsigned long m[PASSAGE_TYPES][PASSAGE_TYPES];
	size_t i;
	int t, u;
	double macro = 0, right = 0;

	memset(m, 0, sizeof(m));
	for (i = 0; i < g->nr; i++)
		m[g->rows[i].type][g->ps[i].type]++;
	printf("\n%-16s %7s %7s %7s %7s\n", "type", "gold", "prec", "recall", "f1");
	for (t = 0; t < PASSAGE_TYPES; t++) {
		struct counts c = { 0, 0, 0, 0 };

		for (u = 0; u < PASSAGE_TYPES; u++) {
			if (u != t) {
				c.fn += m[t][u];
				c.fp += m[u][t];
			}
		}
		c.tp = m[t][t];
		right += m[t][t];
		macro += f1(&c);
		printf("%-16s %7lu %7.3f %7.3f %7.3f\n", passage_type_name(t), c.tp + c.fn,
		       ratio(c.tp, c.tp + c.fp), ratio(c.tp, c.tp + c.fn), f1(&c));
	}
	printf("\ntype accuracy: %.3f (%zu passages)\n", ratio(right, g->nr), g->nr);
	printf("type macro f1: %.3f\n", macro / PASSAGE_TYPES);
	printf("\nconfusion (rows gold, columns predicted)\n%-16s", "");
	for (u = 0; u < PASSAGE_TYPES; u++)
		printf(" %15s", passage_type_name(u));
	fputc('\n', stdout);
	for (t = 0; t < PASSAGE_TYPES; t++) {
		printf("%-16s", passage_type_name(t));
		for (u = 0; u < PASSAGE_TYPES; u++)
			printf(" %15lu", m[t][u]);
		fputc('\n', stdout);
	}
}

static void gold_release(struct gold *g)
{
	size_t i;

	for (i = 0; i < g->nr; i++) {
		free(g->rows[i].doc);
		free(g->rows[i].id);
		free(g->rows[i].themes);
		passage_clear_analysis(&g->ps[i]);
		free(g->ps[i].section);
		free(g->ps[i].text);
	}
	free(g->rows);
	free(g->ps);
}

int cmd_eval(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "codebook", required_argument, NULL, 'c' },
		{ "stopwords", required_argument, NULL, 's' },
		{ "show-errors", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *codebook = NULL, *stopwords = NULL;
	struct doc_error err;
	struct analyzer *a;
	struct gold g;
	int c, errors = 0, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': codebook = optarg; break;
		case 's': stopwords = optarg; break;
		case 'e': errors = 1; break;
		case 'h':
			printf("usage: revmine eval [-c CODEBOOK] [--stopwords FILE] "
			       "[--show-errors] GOLD.csv\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		say("usage: revmine eval [-c CODEBOOK] [--stopwords FILE] [--show-errors] GOLD.csv");
		return EXIT_USAGE;
	}
	memset(&err, 0, sizeof(err));
	if (!(a = analyzer_new(codebook, stopwords, &err))) {
		say("eval: %s", err.msg);
		return EXIT_USAGE;
	}
	memset(&g, 0, sizeof(g));
	status = read_gold(a, argv[optind], &g);
	if (!status && !g.nr) {
		say("eval: '%s': no passages", argv[optind]);
		status = EXIT_USAGE;
	}
	if (!status) {
		analyze_gold(a, &g);
		if (errors)
			show_errors(a, &g);
		report_themes(a, &g);
		report_types(&g);
	}
	gold_release(&g);
	analyzer_free(a);
	return status;
}
