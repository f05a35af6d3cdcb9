/*
 * Theme prevalence by group (groups.h). Groups are ordered numerically when
 * every value is an integer (years), else in byte order.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <glib.h>
#include <gsl/gsl_cdf.h>
#include "util.h"
#include "corpus.h"
#include "csvio.h"
#include "stats.h"
#include "groups.h"
#include "banned.h"

static int is_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!g_ascii_isdigit(*s))
			return 0;
	return 1;
}

static int numeric_order;

static int cmp_group(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	if (numeric_order) {
		long long u = atoll(x), v = atoll(y);

		if (u != v)
			return u < v ? -1 : 1;
	}
	return strcmp(x, y);
}

/* Pearson's chi-square of the 2 x G table k[g] of n[g]; NAN when a margin
 * is 0. */
static double chi_square(const long *k, const long *n, size_t g)
{
	long K = 0, N = 0;
	double x2 = 0;
	size_t i;

	for (i = 0; i < g; i++) {
		K += k[i];
		N += n[i];
	}
	if (!K || K == N)
		return NAN;
	for (i = 0; i < g; i++) {
		double e1 = (double)n[i] * K / N, e0 = (double)n[i] * (N - K) / N;
		double d1 = k[i] - e1, d0 = (n[i] - k[i]) - e0;

		if (n[i])
			x2 += d1 * d1 / e1 + d0 * d0 / e0;
	}
	return x2;
}

static void write_var(const struct corpus *c, const struct group_var *v,
		      const unsigned char *feat, struct csv_out *o)
{
	size_t nt = c->nr_themes, nd = c->nr_docs, d, t, g, ng = 0;
	char **groups = xcalloc(nd + 1, sizeof(char *));
	GHashTable *gix = g_hash_table_new(g_str_hash, g_str_equal);
	long *gi = xcalloc(nd + 1, sizeof(long));
	long *k = xcalloc(nt * (nd + 1) + 1, sizeof(long)), *n = xcalloc(nd + 1, sizeof(long));
	double *p = xcalloc(nt + 1, sizeof(double)), *q = xcalloc(nt + 1, sizeof(double));
	double *stat = xcalloc(nt + 1, sizeof(double));
	int all_int = 1;

	for (d = 0; d < nd; d++) {
		const char *val = v->value[d];

		if (!val || !*val || !strcmp(c->docs[d].status, "error"))
			continue;
		if (!g_hash_table_contains(gix, val)) {
			g_hash_table_add(gix, (char *)val);
			groups[ng++] = (char *)val;
			all_int &= is_integer(val);
		}
	}
	numeric_order = all_int;
	qsort(groups, ng, sizeof(*groups), cmp_group);
	g_hash_table_remove_all(gix);
	g_hash_table_destroy(gix);
	gix = g_hash_table_new(g_str_hash, g_str_equal);
	for (g = 0; g < ng; g++)
		g_hash_table_insert(gix, groups[g], GSIZE_TO_POINTER(g + 1));
	for (d = 0; d < nd; d++) {
		const char *val = v->value[d];

		gi[d] = -1;
		if (!val || !*val || !strcmp(c->docs[d].status, "error"))
			continue;
		gi[d] = (long)GPOINTER_TO_SIZE(g_hash_table_lookup(gix, val)) - 1;
		n[gi[d]]++;
		for (t = 0; t < nt; t++)
			k[t * nd + (size_t)gi[d]] += feat[d * nt + t];
	}
	for (t = 0; t < nt; t++) {
		const long *kt = &k[t * nd];

		stat[t] = NAN;
		p[t] = NAN;
		if (ng == 2) {
			long K = kt[0] + kt[1], N = n[0] + n[1];

			if (K && K != N)
				p[t] = stats_fisher_2x2(kt[0], n[0] - kt[0], kt[1], n[1] - kt[1]);
		} else if (ng > 2) {
			stat[t] = chi_square(kt, n, ng);
			if (!isnan(stat[t]))
				p[t] = gsl_cdf_chisq_Q(stat[t], (double)(ng - 1));
		}
	}
	stats_bh(p, nt, q);
	for (t = 0; t < nt; t++)
		for (g = 0; g < ng; g++) {
			long kk = k[t * nd + g];
			double lo, hi;

			stats_wilson(kk, n[g], &lo, &hi);
			csv_out_raw(o, c->theme_ids[t]);
			csv_out_text(o, c->theme_labels ? c->theme_labels[t] : c->theme_ids[t]);
			csv_out_text(o, v->name);
			csv_out_text(o, groups[g]);
			csv_out_int(o, kk);
			csv_out_int(o, n[g]);
			csv_out_double(o, n[g] ? (double)kk / n[g] : NAN);
			csv_out_double(o, lo);
			csv_out_double(o, hi);
			csv_out_raw(o, ng == 2 ? "fisher" : ng > 2 ? "chi2" : "");
			csv_out_double(o, stat[t]);
			if (ng > 2)
				csv_out_int(o, (long long)(ng - 1));
			else
				csv_out_empty(o);
			csv_out_double(o, p[t]);
			csv_out_double(o, q[t]);
			csv_out_end_row(o);
		}
	g_hash_table_destroy(gix);
	free(groups);
	free(gi);
	free(k);
	free(n);
	free(p);
	free(q);
	free(stat);
}

int groups_write(const struct corpus *c, const struct group_var *vars,
		 size_t nvars, const char *outdir, int excel, struct doc_error *err)
{
	struct csv_out *o = csv_out_open_in(outdir, "theme_by_group.csv", excel, err);
	size_t nt = c->nr_themes, d, t, i;
	unsigned char *feat;

	if (!o)
		return -1;
	feat = xcalloc(c->nr_docs * nt + 1, 1);
	for (d = 0; d < c->nr_docs; d++)
		for (t = 0; t < nt; t++)
			feat[d * nt + t] = (unsigned char)corpus_doc_features(c, d, t);
	csv_out_line(o, "theme,label,variable,group,k,n,share,ci_low,ci_high,test,"
		     "statistic,df,p,q");
	for (i = 0; i < nvars; i++)
		write_var(c, &vars[i], feat, o);
	free(feat);
	return csv_out_commit(o, err);
}
