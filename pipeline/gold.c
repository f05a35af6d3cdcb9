/*
 * Hand-coded passages and agreement with them (see gold.h).
 *
 * Kappa is Cohen's (1960): (p_o - p_e) / (1 - p_e) over the passage x theme
 * yes/no table. Micro F1 pools the counts of all themes; macro F1 is the
 * mean over themes present in the gold or the predictions. Document-level
 * prevalence applies the codebook's document rule (analyze.h) to the gold
 * labels and to the coding alike; its error is |coded - gold| documents per
 * theme. Intervals are percentile bootstrap intervals (Efron and
 * Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13) over
 * documents resampled with replacement, the unit that was sampled, with a
 * fixed seed so they repeat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "analyze.h"
#include "csvio.h"
#include "gold.h"
#include "banned.h"

#define BOOT_SEED 20261205u

struct counts {
	double tp, fp, fn, tn;
};

const char *gold_unguard(const char *cell)
{
	if (cell[0] == '\'' && cell[1] && strchr("=+-@\t\r", cell[1]))
		return cell + 1;
	return cell;
}

enum passage_kind gold_kind_of(const char *text)
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

int gold_read(struct analyzer *a, const char *path, struct gold *g, struct doc_error *e)
{
	struct doc_error err;
	struct csv_in *in;
	char **f;
	size_t nr, k, nt = analyzer_nr_themes(a), first = g->nr;
	int rc, col[5], i, status = 0;
	static const char *names[5] = { "doc", "passage", "type", "themes", "text" };

	memset(&err, 0, sizeof(err));
	if (!(in = csv_in_open(path, &err))) {
		return doc_error_set(e, "gold", DOC_ERR_IO, "%s", err.msg);
	}
	csv_in_check_width(in);
	if ((rc = csv_in_next(in, &f, &nr, &err)) <= 0) {
		csv_in_close(in);
		if (rc < 0) /* err names the file and line */
			return doc_error_set(e, "gold", DOC_ERR_FORMAT, "%s", err.msg);
		return doc_error_set(e, "gold", DOC_ERR_FORMAT, "'%s': empty file", path);
	}
	for (i = 0; i < 5; i++)
		if ((col[i] = find_col(f, nr, names[i])) < 0) {
			csv_in_close(in);
			return doc_error_set(e, "gold", DOC_ERR_FORMAT, "'%s': no column named '%s'",
					     path, names[i]);
		}
	while (!status && (rc = csv_in_next(in, &f, &nr, &err)) > 0) {
		struct gold_row *r;
		struct passage *p;
		char **th;

		if (nr < 5) {
			status = doc_error_set(e, "gold", DOC_ERR_FORMAT, "%s:%zu: expected 5 fields",
					       path, csv_in_line(in));
			break;
		}
		ALLOC_GROW(g->rows, g->nr, g->alloc);
		g->ps = xrealloc(g->ps, g->alloc * sizeof(*g->ps));
		r = &g->rows[g->nr];
		p = &g->ps[g->nr];
		memset(p, 0, sizeof(*p));
		memset(r, 0, sizeof(*r));
		/* documents of different files stay apart */
		r->doc = first ? xstrfmt("%s:%s", path, gold_unguard(f[col[0]]))
			       : xstrdup(gold_unguard(f[col[0]]));
		r->id = xstrdup(f[col[1]]);
		r->line = csv_in_line(in);
		r->themes = xcalloc(nt ? nt : 1, 1);
		p->page = 1;
		p->section = xstrdup("");
		p->text = xstrdup(gold_unguard(f[col[4]]));
		p->kind = gold_kind_of(p->text);
		g->nr++;
		if ((r->type = passage_type_parse(f[col[2]])) < 0) {
			status = doc_error_set(e, "gold", DOC_ERR_FORMAT, "%s:%zu: unknown type '%s'",
					       path, r->line, f[col[2]]);
		}
		th = g_strsplit(f[col[3]], ";", -1);
		for (k = 0; th[k] && !status; k++) {
			int t;

			g_strstrip(th[k]);
			if (!*th[k])
				continue;
			if ((t = analyzer_theme_index(a, th[k])) < 0) {
				status = doc_error_set(e, "gold", DOC_ERR_FORMAT,
						       "%s:%zu: theme '%s' is not in the codebook",
						       path, r->line, th[k]);
			} else {
				r->themes[t] = 1;
			}
		}
		g_strfreev(th);
	}
	if (!status && rc < 0) {
		status = doc_error_set(e, "gold", DOC_ERR_FORMAT, "%s", err.msg);
	}
	if (!status && g->nr == first) {
		status = doc_error_set(e, "gold", DOC_ERR_EMPTY, "'%s': no passages", path);
	}
	csv_in_close(in);
	return status;
}

int gold_load(const char *codebook, const char *stopwords, char **paths, int nr,
	      struct analyzer **a, struct gold *g, struct doc_error *err)
{
	int i, status = 0;

	memset(g, 0, sizeof(*g));
	if (!(*a = analyzer_new(codebook, stopwords, NULL, err)))
		return -1;
	for (i = 0; i < nr && !status; i++)
		status = gold_read(*a, paths[i], g, err);
	if (!status)
		gold_index(g);
	return status;
}

void gold_index(struct gold *g)
{
	size_t i, j;

	free(g->doc_start);
	g->doc_start = xmalloc((g->nr + 1) * sizeof(*g->doc_start));
	g->nr_docs = 0;
	for (i = 0; i < g->nr; i = j) {
		for (j = i; j < g->nr && !strcmp(g->rows[j].doc, g->rows[i].doc); j++)
			g->rows[j].docno = g->nr_docs;
		g->doc_start[g->nr_docs++] = i;
	}
	g->doc_start[g->nr_docs] = g->nr;
}

void gold_release(struct gold *g)
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
	free(g->doc_start);
	memset(g, 0, sizeof(*g));
}

void gold_analyze_doc(struct analyzer *a, struct gold *g, size_t d)
{
	analyze_document(a, &g->ps[g->doc_start[d]], g->doc_start[d + 1] - g->doc_start[d]);
}

void gold_folds(const struct gold *g, unsigned k, unsigned *fold_of_doc)
{
	size_t d, i, *order = xmalloc((g->nr_docs + 1) * sizeof(*order));
	guint *key = xmalloc((g->nr_docs + 1) * sizeof(*key));

	/* documents in the order of a hash of their names, dealt out in turn:
	 * folds of nearly equal size, the same for the same documents */
	for (d = 0; d < g->nr_docs; d++) {
		key[d] = g_str_hash(g->rows[g->doc_start[d]].doc);
		order[d] = d;
	}
	for (d = 1; d < g->nr_docs; d++) {
		size_t x = order[d];

		for (i = d; i > 0 && (key[order[i - 1]] > key[x] ||
				      (key[order[i - 1]] == key[x] && order[i - 1] > x)); i--)
			order[i] = order[i - 1];
		order[i] = x;
	}
	for (d = 0; d < g->nr_docs; d++)
		fold_of_doc[order[d]] = (unsigned)(d % k);
	free(order);
	free(key);
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
	double pe = ratio((c->tp + c->fp) * (c->tp + c->fn) + (c->fn + c->tn) * (c->fp + c->tn),
			  n * n);

	return pe < 1 ? (po - pe) / (1 - pe) : 1;
}

/* Per document and theme: does the document feature it, by the gold
 * labels (gold[d * nt + t]) and by the coding (pred[...]). */
static void doc_flags(struct analyzer *a, const struct gold *g, unsigned char *gold,
		      unsigned char *pred)
{
	size_t nt = analyzer_nr_themes(a), d, i, t;
	unsigned min_lr, min_any;
	unsigned *c = xcalloc(4 * (nt ? nt : 1), sizeof(*c));

	analyzer_doc_rule(a, &min_lr, &min_any);
	for (d = 0; d < g->nr_docs; d++) {
		memset(c, 0, 4 * nt * sizeof(*c));
		for (i = g->doc_start[d]; i < g->doc_start[d + 1]; i++) {
			const struct passage *p = &g->ps[i];
			int glr = g->rows[i].type != TYPE_CONTEXT, plr = p->type != TYPE_CONTEXT;

			for (t = 0; t < nt; t++) {
				if (g->rows[i].themes[t]) {
					c[t]++;
					c[nt + t] += glr;
				}
				if (has_label(p, (int)t)) {
					c[2 * nt + t]++;
					c[3 * nt + t] += plr;
				}
			}
		}
		for (t = 0; t < nt; t++) {
			gold[d * nt + t] = c[nt + t] >= min_lr || c[t] >= min_any;
			pred[d * nt + t] = c[3 * nt + t] >= min_lr || c[2 * nt + t] >= min_any;
		}
	}
	free(c);
}

static void theme_counts(const struct gold *g, size_t t, const unsigned *w,
			 struct counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < g->nr; i++) {
		double k = w ? w[g->rows[i].docno] : 1;
		int gold = g->rows[i].themes[t], got = has_label(&g->ps[i], (int)t);

		if (!k)
			continue;
		c->tp += k * (gold && got);
		c->fp += k * (!gold && got);
		c->fn += k * (gold && !got);
		c->tn += k * (!gold && !got);
	}
}

static void type_matrix(const struct gold *g, const unsigned *w,
			double m[PASSAGE_TYPES][PASSAGE_TYPES])
{
	size_t i;

	memset(m, 0, sizeof(double) * PASSAGE_TYPES * PASSAGE_TYPES);
	for (i = 0; i < g->nr; i++)
		m[g->rows[i].type][g->ps[i].type] += w ? w[g->rows[i].docno] : 1;
}

static double type_f1(double m[PASSAGE_TYPES][PASSAGE_TYPES], int t, struct counts *c)
{
	int u;

	memset(c, 0, sizeof(*c));
	for (u = 0; u < PASSAGE_TYPES; u++) {
		if (u != t) {
			c->fn += m[t][u];
			c->fp += m[u][t];
		}
	}
	c->tp = m[t][t];
	return f1(c);
}

static void summarise(struct analyzer *a, const struct gold *g, const unsigned *w,
		      const unsigned char *gd, const unsigned char *pd,
		      struct gold_summary *s)
{
	size_t nt = analyzer_nr_themes(a), t, d, used = 0;
	struct counts all = { 0, 0, 0, 0 }, c;
	double m[PASSAGE_TYPES][PASSAGE_TYPES], macro = 0, right = 0, total = 0;
	int ty;

	for (t = 0; t < nt; t++) {
		theme_counts(g, t, w, &c);
		all.tp += c.tp;
		all.fp += c.fp;
		all.fn += c.fn;
		if (c.tp + c.fp + c.fn > 0) {
			macro += f1(&c);
			used++;
		}
	}
	s->micro_p = ratio(all.tp, all.tp + all.fp);
	s->micro_r = ratio(all.tp, all.tp + all.fn);
	s->micro_f1 = f1(&all);
	s->macro_f1 = ratio(macro, (double)used);
	type_matrix(g, w, m);
	s->type_macro_f1 = 0;
	for (ty = 0; ty < PASSAGE_TYPES; ty++) {
		s->type_macro_f1 += type_f1(m, ty, &c) / PASSAGE_TYPES;
		right += m[ty][ty];
		for (t = 0; t < PASSAGE_TYPES; t++)
			total += m[ty][t];
	}
	s->type_acc = ratio(right, total);
	s->prev_err_mean = s->prev_err_max = 0;
	for (t = 0; t < nt; t++) {
		double diff = 0;

		for (d = 0; d < g->nr_docs; d++) {
			double k = w ? w[d] : 1;

			diff += k * ((double)pd[d * nt + t] - (double)gd[d * nt + t]);
		}
		diff = diff < 0 ? -diff : diff;
		s->prev_err_mean += diff / (double)(nt ? nt : 1);
		if (diff > s->prev_err_max)
			s->prev_err_max = diff;
	}
}

void gold_summary(struct analyzer *a, const struct gold *g, const unsigned *weight,
		  struct gold_summary *s)
{
	size_t nt = analyzer_nr_themes(a);
	unsigned char *gd = xcalloc(g->nr_docs * nt + 1, 1), *pd = xcalloc(g->nr_docs * nt + 1, 1);

	doc_flags(a, g, gd, pd);
	summarise(a, g, weight, gd, pd, s);
	free(gd);
	free(pd);
}

void gold_show_errors(FILE *out, struct analyzer *a, const struct gold *g)
{
	size_t i, t;

	for (i = 0; i < g->nr; i++) {
		const struct passage *p = &g->ps[i];
		const struct gold_row *r = &g->rows[i];

		if ((int)p->type != r->type)
			fprintf(out, "type %s/%s: gold %s, got %s: %.70s\n", r->doc, r->id,
			       passage_type_name(r->type), passage_type_name(p->type), p->text);
		for (t = 0; t < analyzer_nr_themes(a); t++) {
			int got = has_label(p, (int)t);
			size_t k;

			if (got == r->themes[t])
				continue;
			fprintf(out, "%s %s/%s %s: %.70s\n", got ? "FP" : "FN", r->doc, r->id,
			       analyzer_theme_id(a, t), p->text);
			for (k = 0; got && k < p->nr_labels; k++)
				if (p->labels[k].theme == (int)t)
					fprintf(out, "    evidence: %s\n", p->labels[k].evidence);
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The 2.5% and 97.5% percentiles of v[0..n) (sorted in place). */
static void interval(double *v, size_t n, double *lo, double *hi)
{
	qsort(v, n, sizeof(*v), cmp_double);
	*lo = v[(size_t)(0.025 * (double)(n - 1) + 0.5)];
	*hi = v[(size_t)(0.975 * (double)(n - 1) + 0.5)];
}

static void report_bootstrap(FILE *out, struct analyzer *a, const struct gold *g, unsigned boot,
			     const unsigned char *gd, const unsigned char *pd,
			     const struct gold_summary *s)
{
	enum { MICRO, MACRO, TYPE, PREV, PREVMAX, NR_FIG };
	static const char *names[NR_FIG] = {
		"theme micro f1", "theme macro f1", "type macro f1",
		"prevalence error, documents per theme (mean)",
		"prevalence error, documents (largest)",
	};
	double point[NR_FIG] = { s->micro_f1, s->macro_f1, s->type_macro_f1,
				 s->prev_err_mean, s->prev_err_max };
	double *v = xmalloc(NR_FIG * (size_t)boot * sizeof(*v));
	unsigned *w = xcalloc(g->nr_docs + 1, sizeof(*w));
	GRand *rng = g_rand_new_with_seed(BOOT_SEED);
	unsigned b;
	size_t d, f;

	for (b = 0; b < boot; b++) {
		struct gold_summary r;

		memset(w, 0, (g->nr_docs + 1) * sizeof(*w));
		for (d = 0; d < g->nr_docs; d++)
			w[g_rand_int_range(rng, 0, (gint32)g->nr_docs)]++;
		summarise(a, g, w, gd, pd, &r);
		v[MICRO * boot + b] = r.micro_f1;
		v[MACRO * boot + b] = r.macro_f1;
		v[TYPE * boot + b] = r.type_macro_f1;
		v[PREV * boot + b] = r.prev_err_mean;
		v[PREVMAX * boot + b] = r.prev_err_max;
	}
	fprintf(out, "\nsummary (95%% bootstrap interval over %zu documents, %u resamples)\n",
	       g->nr_docs, boot);
	for (f = 0; f < NR_FIG; f++) {
		double lo, hi;

		interval(&v[f * boot], boot, &lo, &hi);
		fprintf(out, "  %-46s %7.3f  [%.3f, %.3f]\n", names[f], point[f], lo, hi);
	}
	g_rand_free(rng);
	free(v);
	free(w);
}

void gold_report(FILE *out, struct analyzer *a, const struct gold *g, unsigned boot)
{
	size_t nt = analyzer_nr_themes(a), t, d, used = 0;
	struct counts c;
	double m[PASSAGE_TYPES][PASSAGE_TYPES];
	unsigned char *gd = xcalloc(g->nr_docs * nt + 1, 1), *pd = xcalloc(g->nr_docs * nt + 1, 1);
	struct gold_summary s;
	int ty, u;

	doc_flags(a, g, gd, pd);
	summarise(a, g, NULL, gd, pd, &s);
	fprintf(out, "%-26s %5s %5s %5s %7s %7s %7s %7s %6s %6s\n", "theme", "gold", "pred", "tp",
	       "prec", "recall", "f1", "kappa", "docs", "coded");
	for (t = 0; t < nt; t++) {
		unsigned long gdocs = 0, pdocs = 0;

		theme_counts(g, t, NULL, &c);
		used += c.tp + c.fp + c.fn > 0;
		for (d = 0; d < g->nr_docs; d++) {
			gdocs += gd[d * nt + t];
			pdocs += pd[d * nt + t];
		}
		fprintf(out, "%-26s %5.0f %5.0f %5.0f %7.3f %7.3f %7.3f %7.3f %6lu %6lu\n",
		       analyzer_theme_id(a, t), c.tp + c.fn, c.tp + c.fp, c.tp,
		       ratio(c.tp, c.tp + c.fp), ratio(c.tp, c.tp + c.fn), f1(&c), kappa(&c),
		       gdocs, pdocs);
	}
	fprintf(out, "\ntheme micro: precision %.3f recall %.3f f1 %.3f\n", s.micro_p, s.micro_r,
	       s.micro_f1);
	fprintf(out, "theme macro f1: %.3f (over %zu themes present in gold or predictions)\n",
	       s.macro_f1, used);
	fprintf(out, "document prevalence error: %.2f documents per theme on average, %.0f at most "
	       "(%zu documents; docs = by hand, coded = by revmine)\n",
	       s.prev_err_mean, s.prev_err_max, g->nr_docs);
	type_matrix(g, NULL, m);
	fprintf(out, "\n%-16s %7s %7s %7s %7s\n", "type", "gold", "prec", "recall", "f1");
	for (ty = 0; ty < PASSAGE_TYPES; ty++) {
		double f = type_f1(m, ty, &c);

		fprintf(out, "%-16s %7.0f %7.3f %7.3f %7.3f\n", passage_type_name(ty), c.tp + c.fn,
		       ratio(c.tp, c.tp + c.fp), ratio(c.tp, c.tp + c.fn), f);
	}
	fprintf(out, "\ntype accuracy: %.3f (%zu passages)\n", s.type_acc, g->nr);
	fprintf(out, "type macro f1: %.3f\n", s.type_macro_f1);
	fprintf(out, "\nconfusion (rows gold, columns predicted)\n%-16s", "");
	for (u = 0; u < PASSAGE_TYPES; u++)
		fprintf(out, " %15s", passage_type_name(u));
	fputc('\n', out);
	for (ty = 0; ty < PASSAGE_TYPES; ty++) {
		fprintf(out, "%-16s", passage_type_name(ty));
		for (u = 0; u < PASSAGE_TYPES; u++)
			fprintf(out, " %15.0f", m[ty][u]);
		fputc('\n', out);
	}
	if (boot)
		report_bootstrap(out, a, g, boot, gd, pd, &s);
	free(gd);
	free(pd);
}
