#ifndef STATS_H
#define STATS_H

/*
 * Statistics over counts only (never documents): association measures and
 * significance for 2x2 co-occurrence tables, Benjamini-Hochberg q-values,
 * Wilson intervals for prevalence, and keyness of terms. Every function is
 * pure; undefined values are NAN (the CSV writers print an empty cell).
 * Definitions and references are in stats.c's header comment and README.
 */

#include <stddef.h>

/* Measures of a 2x2 table given n_ab, n_a, n_b and n (see README). */
struct pair_stats {
	double expected, jaccard, pmi, npmi, phi;
	double odds_ratio, or_low, or_high;
	double chi2, p_chi2, p_fisher, g2;
};

/* Returns 0, or -1 when the counts are inconsistent (n_ab > min(n_a, n_b),
 * n_a + n_b - n_ab > n, n == 0); then every field is NAN. */
int stats_pair(long n_ab, long n_a, long n_b, long n, struct pair_stats *out);

/* Only npmi and g2 of the same table (as stats_pair computes them), for
 * the many term pairs where the other measures are not reported. */
int stats_assoc(long n_ab, long n_a, long n_b, long n, double *npmi,
		double *g2);

/* Two-sided Fisher exact p of the table [[a, b], [c, d]]. */
double stats_fisher_2x2(long a, long b, long c, long d);

/* Benjamini-Hochberg q-values of p[0..n) into q[0..n) (NAN p stays NAN and
 * is not counted in n). */
void stats_bh(const double *p, size_t n, double *q);

/* Wilson score 95% interval (z = 1.959964) of k successes in n trials;
 * NAN both when n == 0. */
void stats_wilson(long k, long n, double *lo, double *hi);

/*
 * Keyness of a term with `a` occurrences among `c` tokens of the target
 * (a theme's passages) and `b` among `d` tokens of the reference (all other
 * passages): the log-likelihood G2 (Rayson and Garside 2000), signed
 * negative when the term is under-represented, and the log ratio
 * (Hardie 2014): log2 of the ratio of relative frequencies with 0.5 added to
 * a zero frequency.
 */
void stats_keyness(long a, long b, long c, long d, double *g2,
		   double *log_ratio);

/* Turn GSL's abort-on-error handler off; call once from main. */
void stats_init(void);

#endif
