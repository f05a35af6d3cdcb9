/*
 * Statistics over counts: association and significance of 2x2
 * co-occurrence tables, Benjamini-Hochberg q-values, Wilson intervals and
 * keyness. Every number here is computed from integer counts alone, with
 * GSL's special functions and distributions; README ("Statistics") gives
 * the same definitions for readers of the CSV files.
 *
 * The 2x2 table of a pair (a, b) over n units (documents or passages):
 *
 *                 b present        b absent
 *   a present   n11 = n_ab       n10 = n_a - n_ab
 *   a absent    n01 = n_b - n_ab n00 = n - n_a - n_b + n_ab
 *
 * expected = n_a n_b / n, the count of co-occurrences under independence.
 *
 * Jaccard (1901): n_ab / (n_a + n_b - n_ab); NAN when neither occurs.
 *
 * PMI, pointwise mutual information (Church and Hanks 1990, "Word
 * association norms, mutual information, and lexicography", Computational
 * Linguistics 16(1)): log2(n_ab n / (n_a n_b)); NAN when n_ab = 0 (it would
 * be minus infinity).
 *
 * NPMI, normalised PMI (Bouma 2009, "Normalized (pointwise) mutual
 * information in collocation extraction", Proc. GSCL): pmi / -log2(n_ab / n),
 * in [-1, 1]; -1 when n_ab = 0 (never together), the limit Bouma gives.
 * When n_ab = n (both in every unit) the quotient is 0/0; we return 1, its
 * limit along complete co-occurrence (p(a) = p(b) = p(ab) = p gives
 * npmi = 1 for every p < 1).
 *
 * phi, the Pearson correlation of the two indicators (Yule 1912):
 * (n11 n00 - n10 n01) / sqrt(n_a (n - n_a) n_b (n - n_b)); NAN when a
 * margin is 0 or n (a constant indicator has no correlation).
 *
 * Odds ratio n11 n00 / (n10 n01) with the Haldane-Anscombe correction
 * (Haldane 1956, "The estimation and significance of the logarithm of a
 * ratio of frequencies", Ann. Hum. Genet. 20; Anscombe 1956, "On estimating
 * binomial response relations", Biometrika 43): 0.5 is added to every cell
 * when any cell is 0. Its 95% interval is Woolf's (1955, "On estimating the
 * relation between blood group and disease", Ann. Hum. Genet. 19):
 * exp(ln OR -/+ 1.959964 sqrt(1/n11 + 1/n10 + 1/n01 + 1/n00)) on the same
 * (corrected) cells.
 *
 * Pearson's chi-square with 1 degree of freedom and no continuity
 * correction (Pearson 1900; Agresti 2002, Categorical Data Analysis, 3.2):
 * n (n11 n00 - n10 n01)^2 / (n_a (n - n_a) n_b (n - n_b)), NAN when a margin
 * is 0 or n; p_chi2 is its upper tail, gsl_cdf_chisq_Q(chi2, 1).
 *
 * Fisher's exact test, two-sided (Fisher 1922, "On the interpretation of
 * chi-square from contingency tables", JRSS 85; Agresti 2002, 3.5.1): with
 * the margins fixed, n11 is hypergeometric; p is the sum of the
 * probabilities of every table no more probable than the observed one, with
 * a relative tolerance of 1e-7 so that ties computed in floating point are
 * counted (as R's fisher.test does). Probabilities are handled as logarithms
 * of binomial coefficients (gsl_sf_lnchoose_e), so n in the millions neither
 * overflows nor underflows before the final sum. The hypergeometric is
 * unimodal and log-concave, so the tables counted form two tails: each tail
 * is found by bisection and summed outwards until what is left is provably
 * below 1e-17 of the sum (a geometric bound from log-concavity). This keeps
 * a pair of passage-level counts with n = 10^6 to a few hundred terms.
 *
 * G2, the log-likelihood ratio statistic (Dunning 1993, "Accurate methods
 * for the statistics of surprise and coincidence", Computational
 * Linguistics 19(1)): 2 sum O ln(O / E) over the four cells, with
 * E = row total * column total / n and 0 ln 0 = 0.
 *
 * Benjamini-Hochberg q-values (Benjamini and Hochberg 1995, "Controlling
 * the false discovery rate", JRSS B 57): with the m defined p-values in
 * ascending order, q_(i) = min over j >= i of m p_(j) / j, capped at 1
 * (the "adjusted p-values" of R's p.adjust(method = "BH")).
 *
 * Wilson score interval (Wilson 1927, "Probable inference, the law of
 * succession, and statistical inference", JASA 22) with z = 1.959964:
 * (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), p = k/n. The
 * bounds are exactly 0 at k = 0 and 1 at k = n (where rounding would
 * otherwise leave a few ulps either side).
 *
 * Keyness of a term, a occurrences among c tokens of the target and b
 * among d of the reference: the log-likelihood of Rayson and Garside (2000,
 * "Comparing corpora using frequency profiling", Proc. ACL workshop on
 * comparing corpora), G2 = 2 (a ln(a/E1) + b ln(b/E2)) with
 * E1 = c (a+b)/(c+d), E2 = d (a+b)/(c+d), given a minus sign when the term
 * is relatively rarer in the target (a/c < b/d); and Hardie's (2014, "Log
 * ratio: an informal introduction", CASS) log ratio log2((a/c) / (b/d)),
 * with 0.5 in place of a zero count. Both NAN when c or d is 0; the log
 * ratio is NAN when a = b = 0.
 *
 * GSL's error handler is turned off (stats_init()); every _e call's status
 * is checked and a failure gives NAN, never an abort.
 */

#include <limits.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort_double.h>
#include "util.h"
#include "stats.h"
#include "banned.h"

#define Z95 1.959964
/* Relative tolerance for "no more probable than the observed table". */
#define FISHER_REL_TOL 1e-7
/* A tail is summed until what remains is below this fraction of the sum. */
#define FISHER_TAIL_EPS 1e-17

void stats_init(void)
{
	gsl_set_error_handler_off();
}

/*
 * Fisher's exact test. The table [[a, b], [c, d]] has row total r = a + b,
 * column total k = a + c and n cells; a is hypergeometric on [lo, hi].
 */
struct hyper {
	unsigned n, r, k;
	double ln_norm; /* ln C(n, r) */
};

/* ln P(n11 = x); returns 0, or -1 when GSL fails. */
static int hyper_lnp(const struct hyper *h, unsigned x, double *out)
{
	gsl_sf_result c1, c2;

	if (gsl_sf_lnchoose_e(h->k, x, &c1) != GSL_SUCCESS ||
	    gsl_sf_lnchoose_e(h->n - h->k, h->r - x, &c2) != GSL_SUCCESS)
		return -1;
	*out = c1.val + c2.val - h->ln_norm;
	return 0;
}

/*
 * On [from, to] where ln p is monotone, the first x (counting from `from`
 * in direction `step`) whose ln p is <= thr, given that `to` qualifies and
 * `from` does not. Bisection on a monotone predicate.
 */
static int hyper_boundary(const struct hyper *h, long from, long to,
			  double thr, long *out)
{
	/* invariant: from fails, to qualifies */
	while (labs(to - from) > 1) {
		long mid = from + (to - from) / 2;
		double lp;

		if (hyper_lnp(h, (unsigned)mid, &lp))
			return -1;
		if (lp <= thr)
			to = mid;
		else
			from = mid;
	}
	*out = to;
	return 0;
}

/*
 * Sums exp(ln p(x) - ln_obs) for x = start, start + step, ... up to and
 * including `end`, stopping once the rest is provably negligible: by
 * log-concavity the ratio of successive terms only falls outwards, so the
 * rest is at most t r / (1 - r).
 */
static int hyper_tail(const struct hyper *h, long start, long end, long step,
		      double ln_obs, double *sum)
{
	double prev = NAN;
	long x;

	for (x = start; step > 0 ? x <= end : x >= end; x += step) {
		double lp, t;

		if (hyper_lnp(h, (unsigned)x, &lp))
			return -1;
		t = exp(lp - ln_obs);
		*sum += t;
		if (!isnan(prev) && prev > 0 && t < prev) {
			double r = t / prev;
			if (t * r / (1 - r) <= FISHER_TAIL_EPS * *sum)
				break;
		}
		prev = t;
	}
	return 0;
}

double stats_fisher_2x2(long a, long b, long c, long d)
{
	struct hyper h;
	gsl_sf_result norm;
	long lo, hi, mode, left, right;
	double ln_obs, thr, lp, sum = 0;
	unsigned long long wide;

	if (a < 0 || b < 0 || c < 0 || d < 0)
		return NAN;
	wide = (unsigned long long)a + b + c + d;
	if (wide > UINT_MAX)
		return NAN;
	if (wide == 0)
		return 1.0;
	h.n = (unsigned)wide;
	h.r = (unsigned)(a + b);
	h.k = (unsigned)(a + c);
	if (gsl_sf_lnchoose_e(h.n, h.r, &norm) != GSL_SUCCESS)
		return NAN;
	h.ln_norm = norm.val;

	lo = (long)h.r + (long)h.k - (long)h.n;
	if (lo < 0)
		lo = 0;
	hi = h.r < h.k ? h.r : h.k;
	if (lo == hi)
		return 1.0;
	/* p(x+1)/p(x) >= 1 exactly while x + 1 <= (r+1)(k+1)/(n+2) */
	mode = (long)(((unsigned long long)h.r + 1) * (h.k + 1) / (h.n + 2ULL));
	if (mode < lo)
		mode = lo;
	if (mode > hi)
		mode = hi;

	if (hyper_lnp(&h, (unsigned)a, &ln_obs))
		return NAN;
	thr = ln_obs + log1p(FISHER_REL_TOL);
	if (hyper_lnp(&h, (unsigned)mode, &lp))
		return NAN;
	if (lp <= thr)
		return 1.0; /* every table is no more probable than this one */

	/* left tail [lo, left], p rising towards the mode */
	if (hyper_lnp(&h, (unsigned)lo, &lp))
		return NAN;
	if (lp <= thr) {
		if (hyper_boundary(&h, mode, lo, thr, &left) ||
		    hyper_tail(&h, left, lo, -1, ln_obs, &sum))
			return NAN;
	}
	/* right tail [right, hi], p falling from the mode */
	if (hyper_lnp(&h, (unsigned)hi, &lp))
		return NAN;
	if (lp <= thr) {
		if (hyper_boundary(&h, mode, hi, thr, &right) ||
		    hyper_tail(&h, right, hi, 1, ln_obs, &sum))
			return NAN;
	}
	sum = exp(ln_obs + log(sum));
	return sum > 1.0 ? 1.0 : sum;
}

/* O ln(O / E) for a cell with O = o, E = row col / n; exact ratio - 1. */
static double g2_term(long o, long row, long col, long n)
{
	long long num, den;

	if (o == 0)
		return 0;
	/* O/E - 1 = (o n - row col) / (row col), both exact in 64 bits */
	num = (long long)o * n - (long long)row * col;
	den = (long long)row * col;
	return o * log1p((double)num / (double)den);
}

static void pair_pmi(long n_ab, long n_a, long n_b, long n, double *pmi,
		     double *npmi)
{
	*pmi = NAN;
	if (n_ab) {
		/* both products are exact integers in a double (< 2^53) */
		*pmi = log2((double)n_ab * n / ((double)n_a * n_b));
		*npmi = n_ab == n ? 1.0 : *pmi / -log2((double)n_ab / n);
	} else {
		*npmi = -1.0;
	}
}

static double pair_g2(long n_ab, long n_a, long n_b, long n)
{
	long n11 = n_ab, n10 = n_a - n_ab, n01 = n_b - n_ab;
	long n00 = n - n_a - n_b + n_ab;
	double g2 = 2 * (g2_term(n11, n_a, n_b, n) + g2_term(n10, n_a, n - n_b, n) +
			 g2_term(n01, n - n_a, n_b, n) +
			 g2_term(n00, n - n_a, n - n_b, n));

	return g2 < 0 ? 0 : g2; /* rounding at independence */
}

static void pair_nan(struct pair_stats *s)
{
	s->expected = s->jaccard = s->pmi = s->npmi = s->phi = NAN;
	s->odds_ratio = s->or_low = s->or_high = NAN;
	s->chi2 = s->p_chi2 = s->p_fisher = s->g2 = NAN;
}

static void pair_odds(long n11, long n10, long n01, long n00,
		      struct pair_stats *s)
{
	double c11 = n11, c10 = n10, c01 = n01, c00 = n00, ln_or, se;

	if (!n11 || !n10 || !n01 || !n00) {
		c11 += 0.5;
		c10 += 0.5;
		c01 += 0.5;
		c00 += 0.5;
	}
	/* products of (half-)integers are exact: OR is correctly rounded */
	s->odds_ratio = (c11 * c00) / (c10 * c01);
	ln_or = log(s->odds_ratio);
	se = sqrt(1 / c11 + 1 / c10 + 1 / c01 + 1 / c00);
	s->or_low = exp(ln_or - Z95 * se);
	s->or_high = exp(ln_or + Z95 * se);
}

int stats_pair(long n_ab, long n_a, long n_b, long n, struct pair_stats *s)
{
	long n11, n10, n01, n00, uni;
	double det, margins;

	pair_nan(s);
	if (n <= 0 || n_ab < 0 || n_a < 0 || n_b < 0 || n_ab > n_a ||
	    n_ab > n_b || n_a + n_b - n_ab > n || n > (long)UINT_MAX)
		return -1;
	n11 = n_ab;
	n10 = n_a - n_ab;
	n01 = n_b - n_ab;
	n00 = n - n_a - n_b + n_ab;
	uni = n_a + n_b - n_ab;

	s->expected = (double)n_a * n_b / n;
	if (uni)
		s->jaccard = (double)n_ab / uni;
	pair_pmi(n_ab, n_a, n_b, n, &s->pmi, &s->npmi);

	/* n11 n00 - n10 n01 = n n11 - n_a n_b, exact in 64 bits */
	det = (double)((long long)n * n11 - (long long)n_a * n_b);
	margins = (double)n_a * (n - n_a) * (double)n_b * (n - n_b);
	if (margins > 0) {
		s->phi = det / sqrt(margins);
		s->chi2 = n * (det / margins) * det;
		s->p_chi2 = gsl_cdf_chisq_Q(s->chi2, 1.0);
	}

	pair_odds(n11, n10, n01, n00, s);
	s->p_fisher = stats_fisher_2x2(n11, n10, n01, n00);
	s->g2 = pair_g2(n_ab, n_a, n_b, n);
	return 0;
}

int stats_assoc(long n_ab, long n_a, long n_b, long n, double *npmi, double *g2)
{
	double pmi;

	*npmi = *g2 = NAN;
	if (n <= 0 || n_ab < 0 || n_a < 0 || n_b < 0 || n_ab > n_a ||
	    n_ab > n_b || n_a + n_b - n_ab > n || n > (long)UINT_MAX)
		return -1;
	pair_pmi(n_ab, n_a, n_b, n, &pmi, npmi);
	*g2 = pair_g2(n_ab, n_a, n_b, n);
	return 0;
}

void stats_bh(const double *p, size_t n, double *q)
{
	double *defined = xmalloc((n ? n : 1) * sizeof(*defined));
	size_t *where = xmalloc((n ? n : 1) * sizeof(*where));
	size_t *order = xmalloc((n ? n : 1) * sizeof(*order));
	size_t i, m = 0;
	double run = 1.0;

	for (i = 0; i < n; i++) {
		q[i] = NAN;
		if (!isnan(p[i])) {
			defined[m] = p[i];
			where[m++] = i;
		}
	}
	gsl_sort_index(order, defined, 1, m);
	/* from the largest p down: q_(i) = min(q_(i+1), m p_(i) / i) */
	for (i = m; i > 0; i--) {
		size_t j = order[i - 1];
		double v = defined[j] * (double)m / (double)i;

		if (v < run)
			run = v;
		q[where[j]] = run;
	}
	free(order);
	free(where);
	free(defined);
}

void stats_wilson(long k, long n, double *lo, double *hi)
{
	double p, z2 = Z95 * Z95, denom, centre, half;

	*lo = *hi = NAN;
	if (n <= 0 || k < 0 || k > n)
		return;
	p = (double)k / n;
	denom = 1 + z2 / n;
	centre = (p + z2 / (2.0 * n)) / denom;
	half = Z95 * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
	*lo = k == 0 ? 0.0 : fmax(0.0, centre - half);
	*hi = k == n ? 1.0 : fmin(1.0, centre + half);
}

/* x ln(x / e), 0 when x is 0. */
static double xlogx_over(double x, double e)
{
	return x > 0 ? x * log(x / e) : 0;
}

void stats_keyness(long a, long b, long c, long d, double *g2,
		   double *log_ratio)
{
	double e1, e2, fa, fb;

	*g2 = *log_ratio = NAN;
	if (c <= 0 || d <= 0 || a < 0 || b < 0 || a > c || b > d)
		return;
	e1 = (double)c * (a + b) / ((double)c + d);
	e2 = (double)d * (a + b) / ((double)c + d);
	*g2 = 2 * (xlogx_over(a, e1) + xlogx_over(b, e2));
	if (*g2 < 0)
		*g2 = 0;
	if ((double)a * d < (double)b * c)
		*g2 = -*g2;
	if (a == 0 && b == 0)
		return;
	fa = a ? (double)a : 0.5;
	fb = b ? (double)b : 0.5;
	*log_ratio = log2(fa * d / (fb * c));
}
