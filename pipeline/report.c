/*
 * The corpus-level reports, from struct corpus alone: the document x theme
 * matrix, theme co-occurrence, pair statistics at document and passage
 * level, prevalence, theme keyness and term collocations. All numerics are
 * stats.c's; this file only counts and writes (README.md#statistics defines
 * every column).
 *
 * Units. The document level counts documents whose status is not "error",
 * with corpus_doc_features() deciding whether a document features a theme;
 * the passage level counts every passage of the corpus with its labels.
 *
 * Term collocations scale to about a million passages and 50,000 stems
 * in bounded memory: only terms found in at least 5 passages are paired
 * (a pair needs n_ab >= 5, so this drops nothing), and pairs are counted in
 * a dense block of counters, one row per first term of a slice of the
 * eligible terms and one column per second term, at most PAIR_BLOCK_MAX
 * counters (64 MiB). The passages are read once per slice. A dense block
 * costs one increment per co-occurring pair, several times cheaper than a
 * hash table lookup; counts are exact, and a large vocabulary costs extra
 * passes, never memory or precision.
 */

#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <glib.h>
#include "util.h"
#include "corpus.h"
#include "csvio.h"
#include "stats.h"
#include "report.h"
#include "banned.h"

#define TOP_THEME_TERMS 30
#define TOP_TERM_PAIRS 2000
#define MIN_PAIR_COUNT 5
/* Pair counters held at once (4 bytes each). */
#define PAIR_BLOCK_MAX ((size_t)1 << 24)

struct report {
	const struct corpus *c;
	const char *outdir;
	int excel;
	size_t nt;            /* themes */
	long n_docs;          /* documents not in error */
	unsigned char *feat;  /* nr_docs x nt: document features theme */
	long *doc_a, *doc_ab; /* documents featuring t; featuring s and t */
	long *pas_a, *pas_ab; /* passages coded to t; to s and t */
	long *pas_type;       /* nt x PASSAGE_TYPES: passages coded to t by type */
};

static int doc_in_error(const struct corpus_doc *d)
{
	return d->status && !strcmp(d->status, "error");
}

static void count_documents(struct report *r)
{
	const struct corpus *c = r->c;
	size_t d, s, t, nt = r->nt;

	for (d = 0; d < c->nr_docs; d++) {
		unsigned char *f = r->feat + d * nt;

		if (doc_in_error(&c->docs[d]))
			continue;
		r->n_docs++;
		for (t = 0; t < nt; t++)
			f[t] = (unsigned char)corpus_doc_features(c, d, t);
		for (s = 0; s < nt; s++) {
			if (!f[s])
				continue;
			for (t = 0; t < nt; t++)
				r->doc_ab[s * nt + t] += f[t];
		}
	}
	for (t = 0; t < nt; t++)
		r->doc_a[t] = r->doc_ab[t * nt + t];
}

static void count_passages(struct report *r)
{
	const struct corpus *c = r->c;
	size_t i, j, k, nt = r->nt;

	for (i = 0; i < c->nr_passages; i++) {
		const struct corpus_passage *p = &c->passages[i];

		for (j = 0; j < p->nr_themes; j++) {
			size_t s = (size_t)p->themes[j];

			if (s >= nt)
				BUG("passage theme %zu out of range", s);
			r->pas_a[s]++;
			r->pas_type[s * PASSAGE_TYPES + p->type]++;
			for (k = j + 1; k < p->nr_themes; k++) {
				size_t t = (size_t)p->themes[k];

				r->pas_ab[s * nt + t]++;
				r->pas_ab[t * nt + s]++;
			}
		}
	}
	for (j = 0; j < nt; j++)
		r->pas_ab[j * nt + j] = r->pas_a[j];
}

static struct csv_out *open_out(const struct report *r, const char *name,
				struct doc_error *err)
{
	return csv_out_open_in(r->outdir, name, r->excel, err);
}

/* "first,theme1,theme2,..." */
static void theme_header(const struct report *r, struct csv_out *o,
			 const char *first)
{
	size_t t;

	csv_out_raw(o, first);
	for (t = 0; t < r->nt; t++)
		csv_out_raw(o, r->c->theme_ids[t]);
	csv_out_end_row(o);
}

static int write_doc_theme_matrix(const struct report *r, struct doc_error *err)
{
	const struct corpus *c = r->c;
	struct csv_out *o = open_out(r, "doc_theme_matrix.csv", err);
	long *row = xcalloc(r->nt + 1, sizeof(*row));
	size_t d, i, j;

	if (!o)
		goto fail;
	theme_header(r, o, "doc_id");
	for (d = 0; d < c->nr_docs; d++) {
		const struct corpus_doc *doc = &c->docs[d];

		if (doc_in_error(doc))
			continue;
		memset(row, 0, r->nt * sizeof(*row));
		for (i = doc->first_passage; i < doc->first_passage + doc->nr_passages; i++)
			for (j = 0; j < c->passages[i].nr_themes; j++)
				row[c->passages[i].themes[j]]++;
		csv_out_raw(o, doc->doc_id);
		for (j = 0; j < r->nt; j++)
			csv_out_int(o, row[j]);
		csv_out_end_row(o);
	}
	free(row);
	return csv_out_commit(o, err);
fail:
	free(row);
	return -1;
}

static int write_cooccurrence(const struct report *r, struct doc_error *err)
{
	struct csv_out *o = open_out(r, "theme_cooccurrence.csv", err);
	size_t s, t;

	if (!o)
		return -1;
	theme_header(r, o, "theme");
	for (s = 0; s < r->nt; s++) {
		csv_out_raw(o, r->c->theme_ids[s]);
		for (t = 0; t < r->nt; t++)
			csv_out_int(o, r->doc_ab[s * r->nt + t]);
		csv_out_end_row(o);
	}
	return csv_out_commit(o, err);
}

/* The pairs of one level, in (a, b) order, with their BH q-values. */
struct level_pairs {
	const char *name;
	const long *a, *ab;
	long n;
	struct pair_stats *st;
	double *q;
};

static void level_compute(const struct report *r, struct level_pairs *lv)
{
	size_t s, t, k = 0, np = r->nt ? r->nt * (r->nt - 1) / 2 : 0;
	double *p = xcalloc(np + 1, sizeof(*p));

	lv->st = xcalloc(np + 1, sizeof(*lv->st));
	lv->q = xcalloc(np + 1, sizeof(*lv->q));
	for (s = 0; s < r->nt; s++)
		for (t = s + 1; t < r->nt; t++, k++) {
			/* counts are consistent by construction; n = 0 gives NANs */
			stats_pair(lv->ab[s * r->nt + t], lv->a[s], lv->a[t], lv->n,
				   &lv->st[k]);
			p[k] = lv->st[k].p_fisher;
		}
	stats_bh(p, np, lv->q);
	free(p);
}

static void pair_row(struct csv_out *o, const struct report *r,
		     const struct level_pairs *lv, size_t s, size_t t, size_t k)
{
	const struct pair_stats *st = &lv->st[k];

	csv_out_raw(o, r->c->theme_ids[s]);
	csv_out_raw(o, r->c->theme_ids[t]);
	csv_out_raw(o, lv->name);
	csv_out_int(o, lv->ab[s * r->nt + t]);
	csv_out_int(o, lv->a[s]);
	csv_out_int(o, lv->a[t]);
	csv_out_int(o, lv->n);
	csv_out_double(o, st->expected);
	csv_out_double(o, st->jaccard);
	csv_out_double(o, st->pmi);
	csv_out_double(o, st->npmi);
	csv_out_double(o, st->phi);
	csv_out_double(o, st->odds_ratio);
	csv_out_double(o, st->or_low);
	csv_out_double(o, st->or_high);
	csv_out_double(o, st->chi2);
	csv_out_p(o, st->p_chi2);
	csv_out_p(o, st->p_fisher);
	csv_out_p(o, lv->q[k]);
	csv_out_double(o, st->g2);
	csv_out_end_row(o);
}

static int write_pairs(const struct report *r, struct doc_error *err)
{
	struct level_pairs lv[2] = {
		{ "document", r->doc_a, r->doc_ab, r->n_docs, NULL, NULL },
		{ "passage", r->pas_a, r->pas_ab, (long)r->c->nr_passages, NULL, NULL },
	};
	struct csv_out *o;
	size_t s, t, k = 0, l;
	int rc = -1;

	for (l = 0; l < 2; l++)
		level_compute(r, &lv[l]);
	o = open_out(r, "theme_pairs.csv", err);
	if (!o)
		goto out;
	csv_out_line(o, "theme_a,theme_b,level,n_ab,n_a,n_b,n,expected,jaccard,"
		     "pmi,npmi,phi,odds_ratio,or_low,or_high,chi2,p_chi2,"
		     "p_fisher,q_fisher,g2");
	for (s = 0; s < r->nt; s++)
		for (t = s + 1; t < r->nt; t++, k++)
			for (l = 0; l < 2; l++)
				pair_row(o, r, &lv[l], s, t, k);
	rc = csv_out_commit(o, err);
out:
	for (l = 0; l < 2; l++) {
		free(lv[l].st);
		free(lv[l].q);
	}
	return rc;
}

static int write_prevalence(const struct report *r, struct doc_error *err)
{
	struct csv_out *o = open_out(r, "theme_prevalence.csv", err);
	size_t t;

	if (!o)
		return -1;
	csv_out_line(o, "theme,label,group,documents,n,share,ci_low,ci_high,passages,"
		     "learning,recommendation,context");
	for (t = 0; t < r->nt; t++) {
		const long *ty = &r->pas_type[t * PASSAGE_TYPES];
		double lo, hi;

		stats_wilson(r->doc_a[t], r->n_docs, &lo, &hi);
		csv_out_raw(o, r->c->theme_ids[t]);
		csv_out_text(o, r->c->theme_labels ? r->c->theme_labels[t] : r->c->theme_ids[t]);
		csv_out_text(o, r->c->theme_groups ? r->c->theme_groups[t] : "");
		csv_out_int(o, r->doc_a[t]);
		csv_out_int(o, r->n_docs);
		csv_out_double(o, r->n_docs ? (double)r->doc_a[t] / r->n_docs : NAN);
		csv_out_double(o, lo);
		csv_out_double(o, hi);
		csv_out_int(o, r->pas_a[t]);
		csv_out_int(o, ty[TYPE_LEARNING]);
		csv_out_int(o, ty[TYPE_RECOMMENDATION]);
		csv_out_int(o, ty[TYPE_CONTEXT]);
		csv_out_end_row(o);
	}
	return csv_out_commit(o, err);
}

/* A ranked term (theme keyness) or term pair (collocation). */
struct ranked {
	unsigned a, b; /* term ids (b unused for keyness) */
	long n_ab, n_a, n_b;
	double g2, second; /* log ratio, or npmi */
};

/* G2 descending, then term (ids are in byte order of the stem). */
static int cmp_ranked(const void *x, const void *y)
{
	const struct ranked *p = x, *q = y;

	if (p->g2 != q->g2)
		return p->g2 > q->g2 ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

/* 1 unless p's j-th theme is also an earlier one (a passage counts once
 * for each of its themes). */
static int theme_first(const struct corpus_passage *p, size_t j)
{
	size_t i;

	for (i = 0; i < j; i++)
		if (p->themes[i] == p->themes[j])
			return 0;
	return 1;
}

/* Keyness of every term of theme t's passages (passages[of[0..nr)]); top
 * rows into o. */
static void theme_terms(const struct report *r, struct csv_out *o, size_t t,
			const size_t *of, size_t nr, const long *total,
			long all_tokens, long *in, struct ranked *cand)
{
	const struct corpus *c = r->c;
	size_t i, j, nc = 0;
	long tokens = 0;

	memset(in, 0, c->nr_terms * sizeof(*in));
	for (i = 0; i < nr; i++) {
		const struct corpus_passage *p = &c->passages[of[i]];

		for (j = 0; j < p->nr_terms; j++) {
			in[p->term_ids[j]] += p->term_counts[j];
			tokens += p->term_counts[j];
		}
	}
	for (i = 0; i < c->nr_terms; i++) {
		struct ranked *k = &cand[nc];

		/* over-represented: a / c > b / d */
		if (!in[i] || (c->terms[i].name && !c->keep_names) || (double)in[i] * (all_tokens - tokens) <=
				      (double)(total[i] - in[i]) * tokens)
			continue;
		stats_keyness(in[i], total[i] - in[i], tokens, all_tokens - tokens,
			      &k->g2, &k->second);
		if (isnan(k->g2))
			continue;
		k->a = (unsigned)i;
		k->b = 0;
		k->n_ab = in[i];
		k->n_a = total[i] - in[i];
		nc++;
	}
	qsort(cand, nc, sizeof(*cand), cmp_ranked);
	for (i = 0; i < nc && i < TOP_THEME_TERMS; i++) {
		csv_out_raw(o, c->theme_ids[t]);
		csv_out_text(o, c->terms[cand[i].a].term);
		csv_out_text(o, c->terms[cand[i].a].surface);
		csv_out_int(o, cand[i].n_ab);
		csv_out_int(o, cand[i].n_a);
		csv_out_double(o, cand[i].g2);
		csv_out_double(o, cand[i].second);
		csv_out_end_row(o);
	}
}

static int write_theme_terms(const struct report *r, struct doc_error *err)
{
	const struct corpus *c = r->c;
	struct csv_out *o = open_out(r, "theme_terms.csv", err);
	long *total, *in, all_tokens = 0;
	struct ranked *cand;
	size_t i, j, t, *at, *of; /* theme t's passages: of[at[t]..at[t + 1]) */

	if (!o)
		return -1;
	total = xcalloc(c->nr_terms + 1, sizeof(*total));
	in = xcalloc(c->nr_terms + 1, sizeof(*in));
	cand = xcalloc(c->nr_terms + 1, sizeof(*cand));
	for (i = 0; i < c->nr_passages; i++)
		for (j = 0; j < c->passages[i].nr_terms; j++) {
			total[c->passages[i].term_ids[j]] += c->passages[i].term_counts[j];
			all_tokens += c->passages[i].term_counts[j];
		}
	at = xcalloc(r->nt + 2, sizeof(*at));
	for (i = 0; i < c->nr_passages; i++)
		for (j = 0; j < c->passages[i].nr_themes; j++)
			if (theme_first(&c->passages[i], j))
				at[c->passages[i].themes[j] + 2]++;
	for (t = 0; t < r->nt; t++)
		at[t + 2] += at[t + 1];
	of = xcalloc(at[r->nt + 1] + 1, sizeof(*of));
	for (i = 0; i < c->nr_passages; i++)
		for (j = 0; j < c->passages[i].nr_themes; j++)
			if (theme_first(&c->passages[i], j))
				of[at[c->passages[i].themes[j] + 1]++] = i;
	csv_out_line(o, "theme,term,surface,in_theme,elsewhere,g2,log_ratio");
	for (t = 0; t < r->nt; t++)
		theme_terms(r, o, t, of + at[t], at[t + 1] - at[t], total, all_tokens, in,
			    cand);
	free(at);
	free(of);
	free(total);
	free(in);
	free(cand);
	return csv_out_commit(o, err);
}

/*
 * Term collocations. `elig` maps a term id to its index among terms found
 * in >= MIN_PAIR_COUNT passages (-1 otherwise); `ids` maps it back.
 */
struct colloc {
	const struct corpus *c;
	long *pf;       /* passages containing each term (by term id) */
	long *elig;     /* term id -> eligible index, or -1 */
	unsigned *ids;  /* eligible index -> term id */
	size_t ne;
	unsigned *buf;  /* one passage's eligible indices */
	struct ranked *top;
	size_t nr_top, alloc_top;
};

static size_t passage_eligible(struct colloc *cl, const struct corpus_passage *p)
{
	size_t j, m = 0;

	for (j = 0; j < p->nr_terms; j++)
		if (cl->elig[p->term_ids[j]] >= 0)
			cl->buf[m++] = (unsigned)cl->elig[p->term_ids[j]];
	return m;
}

/* Puts the k first of v[0..n) in cmp_ranked order (a strict total order
 * when no g2 is NAN) into v[0..k), in any order. */
static void select_top(struct ranked *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n;
	struct ranked t;

#define SWAP_RANKED(x, y) do { t = v[x]; v[x] = v[y]; v[y] = t; } while (0)
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2, i, store = lo;

		/* median of three, moved to hi - 1 */
		if (cmp_ranked(&v[mid], &v[lo]) < 0)
			SWAP_RANKED(mid, lo);
		if (cmp_ranked(&v[hi - 1], &v[lo]) < 0)
			SWAP_RANKED(hi - 1, lo);
		if (cmp_ranked(&v[mid], &v[hi - 1]) < 0)
			SWAP_RANKED(mid, hi - 1);
		for (i = lo; i < hi - 1; i++)
			if (cmp_ranked(&v[i], &v[hi - 1]) < 0) {
				SWAP_RANKED(i, store);
				store++;
			}
		SWAP_RANKED(store, hi - 1);
		if (store == k || store + 1 == k)
			break;
		if (store > k)
			hi = store;
		else
			lo = store + 1;
	}
#undef SWAP_RANKED
}

/*
 * Counts the pairs whose first term is in [lo, hi) and ranks them. Row a
 * of the block holds the counts of pairs (a, b) for b > a only, ne - a - 1
 * counters from row_at[a - lo]; count is zero when `zeroed`.
 */
static void colloc_slice(struct colloc *cl, size_t lo, size_t hi,
			 unsigned *count, size_t *row_at, int zeroed)
{
	size_t ne = cl->ne, i, j, l, a, b, start = cl->nr_top, total = 0;
	long n = (long)cl->c->nr_passages;
	int nan = 0;

	for (a = lo; a < hi; a++) {
		row_at[a - lo] = total;
		total += ne - a - 1;
	}
	if (!zeroed)
		memset(count, 0, total * sizeof(*count));
	for (i = 0; i < cl->c->nr_passages; i++) {
		size_t m = passage_eligible(cl, &cl->c->passages[i]);

		/* buf is ascending: term ids are, and so are eligible indices */
		for (j = 0; j < m && cl->buf[j] < hi; j++) {
			size_t row; /* count[row + b] is pair (buf[j], b) */

			if (cl->buf[j] < lo)
				continue;
			/* unsigned arithmetic: row + b is in range for b > buf[j] */
			row = row_at[cl->buf[j] - lo] - (cl->buf[j] + 1);
			for (l = j + 1; l < m; l++)
				count[row + cl->buf[l]]++;
		}
	}
	for (a = lo; a < hi; a++) {
		const unsigned *row = count + row_at[a - lo];

		for (b = a + 1; b < ne; b++) {
			struct ranked *rk;

			if (row[b - a - 1] < MIN_PAIR_COUNT)
				continue;
			ALLOC_GROW(cl->top, cl->nr_top, cl->alloc_top);
			rk = &cl->top[cl->nr_top++];
			rk->a = cl->ids[a];
			rk->b = cl->ids[b];
			rk->n_ab = row[b - a - 1];
			rk->n_a = cl->pf[rk->a];
			rk->n_b = cl->pf[rk->b];
			stats_assoc(rk->n_ab, rk->n_a, rk->n_b, n, &rk->second, &rk->g2);
		}
	}
	if (cl->nr_top > start) {
		for (i = 0; i < cl->nr_top && !nan; i++)
			nan = isnan(cl->top[i].g2);
		/* without a NAN the order is total: the first TOP_TERM_PAIRS
		 * are the same whether all are sorted or only they */
		if (!nan && cl->nr_top > TOP_TERM_PAIRS) {
			select_top(cl->top, cl->nr_top, TOP_TERM_PAIRS);
			cl->nr_top = TOP_TERM_PAIRS;
		}
		qsort(cl->top, cl->nr_top, sizeof(*cl->top), cmp_ranked);
		if (cl->nr_top > TOP_TERM_PAIRS)
			cl->nr_top = TOP_TERM_PAIRS;
	}
}

static void colloc_count(struct colloc *cl)
{
	const struct corpus *c = cl->c;
	size_t i, j, rows, max_terms = 0;
	unsigned *count;
	size_t *row_at;

	cl->pf = xcalloc(c->nr_terms + 1, sizeof(*cl->pf));
	cl->elig = xcalloc(c->nr_terms + 1, sizeof(*cl->elig));
	cl->ids = xcalloc(c->nr_terms + 1, sizeof(*cl->ids));
	for (i = 0; i < c->nr_passages; i++) {
		for (j = 0; j < c->passages[i].nr_terms; j++)
			cl->pf[c->passages[i].term_ids[j]]++;
		if (c->passages[i].nr_terms > max_terms)
			max_terms = c->passages[i].nr_terms;
	}
	for (i = 0; i < c->nr_terms; i++) {
		cl->elig[i] = -1;
		if (cl->pf[i] >= MIN_PAIR_COUNT) {
			cl->elig[i] = (long)cl->ne;
			cl->ids[cl->ne++] = (unsigned)i;
		}
	}
	cl->buf = xcalloc(max_terms + 1, sizeof(*cl->buf));
	if (cl->ne < 2)
		return;
	rows = PAIR_BLOCK_MAX / cl->ne;
	if (rows < 1)
		rows = 1;
	if (rows > cl->ne)
		rows = cl->ne;
	/* the first slice has the longest rows: at most rows * ne counters */
	count = xcalloc(rows * cl->ne, sizeof(*count));
	row_at = xcalloc(rows, sizeof(*row_at));
	for (i = 0; i < cl->ne; i += rows)
		colloc_slice(cl, i, i + rows < cl->ne ? i + rows : cl->ne, count, row_at,
			     i == 0);
	free(count);
	free(row_at);
}

static int write_term_pairs(const struct report *r, struct doc_error *err)
{
	struct colloc cl;
	struct csv_out *o;
	size_t i;
	int rc = -1;

	memset(&cl, 0, sizeof(cl));
	cl.c = r->c;
	colloc_count(&cl);
	o = open_out(r, "term_pairs.csv", err);
	if (!o)
		goto out;
	csv_out_line(o, "term_a,term_b,surface_a,surface_b,n_ab,n_a,n_b,npmi,g2");
	for (i = 0; i < cl.nr_top; i++) {
		const struct ranked *k = &cl.top[i];

		csv_out_text(o, r->c->terms[k->a].term);
		csv_out_text(o, r->c->terms[k->b].term);
		csv_out_text(o, r->c->terms[k->a].surface);
		csv_out_text(o, r->c->terms[k->b].surface);
		csv_out_int(o, k->n_ab);
		csv_out_int(o, k->n_a);
		csv_out_int(o, k->n_b);
		csv_out_double(o, k->second);
		csv_out_double(o, k->g2);
		csv_out_end_row(o);
	}
	rc = csv_out_commit(o, err);
out:
	free(cl.pf);
	free(cl.elig);
	free(cl.ids);
	free(cl.buf);
	free(cl.top);
	return rc;
}

int report_write(const struct corpus *c, const char *outdir, int excel,
		 struct doc_error *err)
{
	struct report r;
	size_t nt = c->nr_themes;
	int rc;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.outdir = outdir;
	r.excel = excel;
	r.nt = nt;
	r.feat = xcalloc(c->nr_docs * nt + 1, 1);
	r.doc_a = xcalloc(nt + 1, sizeof(long));
	r.doc_ab = xcalloc(nt * nt + 1, sizeof(long));
	r.pas_a = xcalloc(nt + 1, sizeof(long));
	r.pas_ab = xcalloc(nt * nt + 1, sizeof(long));
	r.pas_type = xcalloc(nt * PASSAGE_TYPES + 1, sizeof(long));
	count_documents(&r);
	count_passages(&r);

	rc = write_doc_theme_matrix(&r, err) || write_cooccurrence(&r, err) ||
	     write_pairs(&r, err) || write_prevalence(&r, err) ||
	     write_theme_terms(&r, err) || write_term_pairs(&r, err) ? -1 : 0;

	free(r.feat);
	free(r.doc_a);
	free(r.doc_ab);
	free(r.pas_a);
	free(r.pas_ab);
	free(r.pas_type);
	return rc;
}
