/*
 * Unit tests of stats.c against values worked out independently.
 *
 * Unless a test says otherwise, reference values were computed with
 * Python 3.11 from the definitions in stats.c, using exact integer and
 * fractions.Fraction arithmetic wherever the definition is rational:
 * Fisher p = sum of comb(k, x) comb(n - k, r - x) over every x whose weight
 * is <= the observed weight * (1 + 1e-7) (integer comparison), divided by
 * comb(n, r), as one exact fraction, then rounded to a double; chi2 as an
 * exact fraction; p_chi2 = erfc(sqrt(chi2 / 2)) (the 1-df upper tail);
 * G2 = 2 sum O log(Fraction(O) / E) with E exact; PMI =
 * log2(Fraction(n_ab n, n_a n_b)); odds ratio, Woolf and Wilson bounds with
 * math.log/exp/sqrt and z = 1.959964. The printed repr() values are pasted
 * below.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <cmocka.h>
#include "stats.h"
#include "banned.h"

#define TOL 1e-9

static void check_close(double got, double want, double rel, const char *what)
{
	if (isnan(want)) {
		if (!isnan(got))
			fail_msg("%s: got %.17g, want NAN", what, got);
		return;
	}
	if (isnan(got) || fabs(got - want) > rel * fabs(want) + 1e-300)
		fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

/* The reference values of one stats_pair() call. */
struct pair_case {
	long n_ab, n_a, n_b, n;
	struct pair_stats want;
};

static void check_pair(const struct pair_case *pc)
{
	struct pair_stats s;
	const struct pair_stats *w = &pc->want;

	assert_int_equal(stats_pair(pc->n_ab, pc->n_a, pc->n_b, pc->n, &s), 0);
	check_close(s.expected, w->expected, TOL, "expected");
	check_close(s.jaccard, w->jaccard, TOL, "jaccard");
	check_close(s.pmi, w->pmi, TOL, "pmi");
	check_close(s.npmi, w->npmi, TOL, "npmi");
	check_close(s.phi, w->phi, TOL, "phi");
	check_close(s.odds_ratio, w->odds_ratio, TOL, "odds_ratio");
	check_close(s.or_low, w->or_low, TOL, "or_low");
	check_close(s.or_high, w->or_high, TOL, "or_high");
	check_close(s.chi2, w->chi2, TOL, "chi2");
	check_close(s.p_chi2, w->p_chi2, 1e-8, "p_chi2");
	check_close(s.p_fisher, w->p_fisher, TOL, "p_fisher");
	check_close(s.g2, w->g2, TOL, "g2");
}

/* Fisher's tea-tasting experiment: 34/70 (Agresti 2002, table 3.8). */
static void stats__fisher_tea_tasting(void **state)
{
	(void)state;
	check_close(stats_fisher_2x2(3, 1, 1, 3), 0.4857142857142857, TOL, "tea");
	check_close(stats_fisher_2x2(3, 1, 1, 3), 34.0 / 70.0, TOL, "tea exact");
}

static void stats__fisher_small_tables(void **state)
{
	static const struct { long a, b, c, d; double p; } cases[] = {
		{ 2, 7, 8, 2, 0.023014137565221155 },
		{ 0, 5, 5, 0, 0.007936507936507936 }, /* 2 / C(10,5) */
		{ 12, 5, 3, 9, 0.025327687033676143 },
		{ 1, 9, 11, 3, 0.0027594561852200836 },
		{ 40, 160, 60, 140, 0.027946894073493076 },
		{ 5, 0, 0, 0, 1.0 },
		{ 0, 0, 0, 0, 1.0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_close(stats_fisher_2x2(cases[i].a, cases[i].b, cases[i].c,
					     cases[i].d), cases[i].p, TOL, "fisher");
	assert_true(isnan(stats_fisher_2x2(-1, 2, 3, 4)));
}

/* ln of the hypergeometric weight, from libm's lgamma: independent of GSL. */
static double ln_comb(long n, long k)
{
	return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0);
}

/*
 * Every table with n <= 14 against the definition summed over the whole
 * support (the tail search in stats.c must find exactly the same tables).
 */
static void stats__fisher_matches_brute_force(void **state)
{
	long n, r, k, a;

	(void)state;
	for (n = 1; n <= 14; n++)
		for (r = 0; r <= n; r++)
			for (k = 0; k <= n; k++) {
				long lo = r + k - n > 0 ? r + k - n : 0;
				long hi = r < k ? r : k;

				for (a = lo; a <= hi; a++) {
					double obs = exp(ln_comb(k, a) +
							 ln_comb(n - k, r - a) -
							 ln_comb(n, r));
					double sum = 0;
					long x;

					for (x = lo; x <= hi; x++) {
						double px = exp(ln_comb(k, x) +
								ln_comb(n - k, r - x) -
								ln_comb(n, r));
						if (px <= obs * (1 + 1e-7))
							sum += px;
					}
					if (sum > 1)
						sum = 1;
					check_close(stats_fisher_2x2(a, r - a, k - a,
								     n - r - k + a),
						    sum, 1e-9, "brute force");
				}
			}
}

/*
 * n = 50,000: the factorials are far beyond a double (50000! ~ 10^213236),
 * so these check that everything goes through logarithms. Reference by the
 * exact integer sum described at the top (comb() of Python's big integers).
 */
static void stats__fisher_large_n(void **state)
{
	(void)state;
	/* (n_ab, n_a, n_b, n) = (60, 1200, 2500, 50000): the mode, p = 1 */
	check_close(stats_fisher_2x2(60, 1140, 2440, 46360), 1.0, TOL, "mode");
	/* (75, 1200, 2500, 50000) */
	check_close(stats_fisher_2x2(75, 1125, 2425, 46375),
		    0.051431942196332806, 1e-9, "n50000 a");
	/* (18050, 30000, 30000, 50000): a support of 20,001 tables */
	check_close(stats_fisher_2x2(18050, 11950, 11950, 8050),
		    0.35151402419825045, 1e-9, "n50000 b");
	/* (17800, 30000, 30000, 50000) */
	check_close(stats_fisher_2x2(17800, 12200, 12200, 7800),
		    0.00019394998153023747, 1e-9, "n50000 c");
}

/* n_ab = 130 of an expected 60 among 50,000 documents. */
static void stats__pair_n50000(void **state)
{
	static const struct pair_case pc = {
		130, 1200, 2500, 50000,
		{ .expected = 60.0, .jaccard = 0.036414565826330535,
		  .pmi = 1.1154772174199359, .npmi = 0.12989889356057685,
		  .phi = 0.041971133786518754,
		  .odds_ratio = 2.380180606490791, .or_low = 1.97488940724127,
		  .or_high = 2.868646567621572,
		  .chi2 = 88.07880356629278, .p_chi2 = 6.289804105464543e-21,
		  .p_fisher = 1.919673558941643e-16, .g2 = 67.55171962324542 },
	};

	(void)state;
	check_pair(&pc);
}

/* A single co-occurrence in 50,000: p_fisher = 1/50000 exactly. */
static void stats__pair_rare_n50000(void **state)
{
	static const struct pair_case pc = {
		1, 1, 1, 50000,
		{ .expected = 2e-05, .jaccard = 1.0, .pmi = 15.609640474436812,
		  .npmi = 1.0, .phi = 1.0, .odds_ratio = 299996.9999999998,
		  .or_low = 4348.179481859161, .or_high = 20697903.65933082,
		  .chi2 = 50000.0, .p_chi2 = 0.0, .p_fisher = 2e-05,
		  .g2 = 23.639536568680786 },
	};
	struct pair_stats s;

	(void)state;
	/* p_chi2 underflows (erfc(sqrt(25000))): check the rest with 0 */
	assert_int_equal(stats_pair(1, 1, 1, 50000, &s), 0);
	assert_true(s.p_chi2 >= 0 && s.p_chi2 < 1e-300);
	check_close(s.p_fisher, pc.want.p_fisher, TOL, "p_fisher");
	check_close(s.pmi, pc.want.pmi, TOL, "pmi");
	check_close(s.npmi, pc.want.npmi, TOL, "npmi");
	check_close(s.odds_ratio, pc.want.odds_ratio, TOL, "or (haldane)");
	check_close(s.or_low, pc.want.or_low, TOL, "or_low");
	check_close(s.or_high, pc.want.or_high, TOL, "or_high");
	check_close(s.chi2, pc.want.chi2, TOL, "chi2");
	check_close(s.g2, pc.want.g2, TOL, "g2");
}

/*
 * Never together: PMI undefined, NPMI -1, Jaccard 0, and the odds ratio
 * with 0.5 in every cell: 0.5 * 70.5 / (10.5 * 20.5).
 */
static void stats__pair_zero_cell(void **state)
{
	static const struct pair_case pc = {
		0, 10, 20, 100,
		{ .expected = 2.0, .jaccard = 0.0, .pmi = NAN, .npmi = -1.0,
		  .phi = -0.16666666666666666,
		  .odds_ratio = 0.16376306620209058,
		  .or_low = 0.009198791589577735, .or_high = 2.915420095210723,
		  .chi2 = 2.7777777777777777, .p_chi2 = 0.0955807045456294,
		  .p_fisher = 0.204688123390065, .g2 = 4.733368877259762 },
	};

	(void)state;
	check_pair(&pc);
	check_close(pc.want.odds_ratio, 0.5 * 70.5 / (10.5 * 20.5), TOL,
		    "haldane by hand");
}

/*
 * [[10, 20], [30, 40]]: chi2 = 100 (400 - 600)^2 / (30 70 40 60) = 50/63
 * exactly; G2 = 2 sum O ln(O/E) with E = [[12, 18], [28, 42]].
 */
static void stats__pair_chi2_g2_known_table(void **state)
{
	static const struct pair_case pc = {
		10, 30, 40, 100,
		{ .expected = 12.0, .jaccard = 0.16666666666666666,
		  .pmi = -0.2630344058337938, .npmi = -0.07918124604762482,
		  .phi = -0.0890870806374748, .odds_ratio = 0.6666666666666671,
		  .or_low = 0.27251484562003386, .or_high = 1.6308999366006351,
		  .chi2 = 0.7936507936507936, .p_chi2 = 0.37299848361348714,
		  .p_fisher = 0.5044757698516282, .g2 = 0.8043486460964835 },
	};
	double g2 = 2 * (10 * log(10 / 12.0) + 20 * log(20 / 18.0) +
			 30 * log(30 / 28.0) + 40 * log(40 / 42.0));

	(void)state;
	check_pair(&pc);
	check_close(pc.want.chi2, 50.0 / 63.0, TOL, "chi2 by hand");
	check_close(pc.want.g2, g2, 1e-12, "g2 by hand");
}

static void stats__pair_small_table(void **state)
{
	static const struct pair_case pc = {
		4, 10, 7, 30,
		{ .expected = 2.3333333333333335, .jaccard = 0.3076923076923077,
		  .pmi = 0.777607578663552, .npmi = 0.26750493459860336,
		  .phi = 0.2786391062876764, .odds_ratio = 3.7777777777777786,
		  .or_low = 0.6482037746511312, .or_high = 22.017158024037595,
		  .chi2 = 2.329192546583851, .p_chi2 = 0.12696772209200952,
		  .p_fisher = 0.18131447096964337, .g2 = 2.2277700277892882 },
	};

	(void)state;
	check_pair(&pc);
}

/*
 * Both in every unit (n_ab = n): no margin varies, so phi and chi2 are
 * undefined; NPMI is 1 by the documented convention; G2 is 0; the
 * Haldane-corrected odds ratio is (5.5 * 0.5) / (0.5 * 0.5) = 11.
 */
static void stats__pair_everywhere(void **state)
{
	static const struct pair_case pc = {
		5, 5, 5, 5,
		{ .expected = 5.0, .jaccard = 1.0, .pmi = 0.0, .npmi = 1.0,
		  .phi = NAN, .odds_ratio = 11.000000000000002,
		  .or_low = 0.08414492628707575, .or_high = 1437.995198750148,
		  .chi2 = NAN, .p_chi2 = NAN, .p_fisher = 1.0, .g2 = 0.0 },
	};

	(void)state;
	check_pair(&pc);
}

/* Neither ever occurs: nothing but the odds ratio and G2 is defined. */
static void stats__pair_empty_margins(void **state)
{
	struct pair_stats s;

	(void)state;
	assert_int_equal(stats_pair(0, 0, 0, 10, &s), 0);
	assert_true(isnan(s.jaccard) && isnan(s.pmi) && isnan(s.phi));
	assert_true(isnan(s.chi2) && isnan(s.p_chi2));
	check_close(s.npmi, -1.0, 0, "npmi");
	check_close(s.expected, 0.0, 0, "expected");
	check_close(s.p_fisher, 1.0, 0, "p_fisher");
	check_close(s.g2, 0.0, 0, "g2");
}

static void stats__pair_inconsistent(void **state)
{
	struct pair_stats s;

	(void)state;
	assert_int_equal(stats_pair(6, 5, 10, 100, &s), -1); /* n_ab > n_a */
	assert_true(isnan(s.expected) && isnan(s.p_fisher) && isnan(s.g2));
	assert_int_equal(stats_pair(1, 60, 60, 100, &s), -1); /* union > n */
	assert_int_equal(stats_pair(0, 0, 0, 0, &s), -1);     /* n = 0 */
	assert_int_equal(stats_pair(-1, 0, 0, 10, &s), -1);
}

/*
 * BH by hand: sorted p = 0.005, 0.01, 0.03, 0.04 (m = 4) give m p / rank =
 * 0.02, 0.02, 0.04, 0.04, already monotone.
 */
static void stats__bh_known_vector(void **state)
{
	const double p[] = { 0.01, 0.04, 0.03, 0.005 };
	const double want[] = { 0.02, 0.04, 0.04, 0.02 };
	double q[4];
	size_t i;

	(void)state;
	stats_bh(p, 4, q);
	for (i = 0; i < 4; i++)
		check_close(q[i], want[i], 1e-12, "bh");
}

/*
 * Monotonicity, the cap at 1 and NAN: the defined p sorted are 0.02, 0.03,
 * 0.5, 0.9 (m = 4, the NAN is not counted): m p / rank = 0.08, 0.06,
 * 0.6667, 0.9, and the cumulative minimum from the top gives 0.06, 0.06,
 * 0.6667, 0.9. With p = 1, 0.999 (m = 2) the raw values 2 * 0.999 / 1 and
 * 2 * 1 / 2 give 1 and, capped, 1.
 */
static void stats__bh_monotone_nan_cap(void **state)
{
	const double p[] = { 0.02, NAN, 0.9, 0.5, 0.03 };
	const double want[] = { 0.06, NAN, 0.9, 2.0 / 3.0, 0.06 };
	const double one[] = { 1.0, 0.999 };
	double q[5];
	size_t i;

	(void)state;
	stats_bh(p, 5, q);
	for (i = 0; i < 5; i++)
		check_close(q[i], want[i], 1e-12, "bh");
	stats_bh(one, 2, q);
	check_close(q[0], 1.0, 0, "cap");
	check_close(q[1], 1.0, 0, "cap");
	stats_bh(p, 0, q); /* empty: nothing to do, nothing touched */
}

/*
 * Wilson at the edges has closed forms: k = 0 gives [0, z^2 / (n + z^2)],
 * k = n gives [n / (n + z^2), 1].
 */
static void stats__wilson_edges(void **state)
{
	const double z2 = 1.959964 * 1.959964;
	double lo, hi;

	(void)state;
	stats_wilson(0, 10, &lo, &hi);
	assert_true(lo == 0.0);
	check_close(hi, z2 / (10 + z2), 1e-12, "k = 0 hi");
	check_close(hi, 0.2775328030260577, 1e-12, "k = 0 hi (python)");
	stats_wilson(10, 10, &lo, &hi);
	check_close(lo, 10 / (10 + z2), 1e-12, "k = n lo");
	check_close(lo, 0.7224671969739421, 1e-12, "k = n lo (python)");
	assert_true(hi == 1.0);
	stats_wilson(13, 40, &lo, &hi);
	check_close(lo, 0.20084502152253986, 1e-12, "13/40 lo");
	check_close(hi, 0.47982253933792235, 1e-12, "13/40 hi");
	stats_wilson(0, 0, &lo, &hi);
	assert_true(isnan(lo) && isnan(hi));
}

/*
 * Keyness (Rayson and Garside 2000; Hardie 2014). 50 of 10,000 tokens
 * against 100 of 100,000: log ratio log2(0.005 / 0.001) = log2(5). A term
 * absent from the target is negative with 0.5 for its zero count: log2
 * ((0.5/5000) / (40/20000)) = log2(0.05). Absent from the reference: log2
 * ((3/1000) / (0.5/5000)) = log2(30).
 */
static void stats__keyness(void **state)
{
	double g2, lr;

	(void)state;
	stats_keyness(50, 100, 10000, 100000, &g2, &lr);
	check_close(g2, 67.89731275225816, TOL, "g2");
	check_close(lr, log2(5.0), 1e-12, "log ratio");
	stats_keyness(0, 40, 5000, 20000, &g2, &lr);
	check_close(g2, -17.85148410513678, TOL, "g2 under");
	check_close(lr, log2(0.05), 1e-12, "log ratio under");
	stats_keyness(3, 0, 1000, 5000, &g2, &lr);
	check_close(g2, 10.75055681536833, TOL, "g2 only target");
	check_close(lr, log2(30.0), 1e-12, "log ratio only target");
	stats_keyness(0, 0, 1000, 5000, &g2, &lr);
	check_close(g2, 0.0, 0, "absent g2");
	assert_true(isnan(lr));
	stats_keyness(1, 1, 0, 5000, &g2, &lr);
	assert_true(isnan(g2) && isnan(lr));
}

static void stats__assoc_matches_pair(void **state)
{
	long t[][4] = { { 130, 1200, 2500, 50000 }, { 0, 3, 4, 20 }, { 5, 5, 5, 5 },
			{ 3, 4, 4, 8 } };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pair_stats st;
		double npmi, g2;

		assert_int_equal(stats_pair(t[i][0], t[i][1], t[i][2], t[i][3], &st), 0);
		assert_int_equal(stats_assoc(t[i][0], t[i][1], t[i][2], t[i][3], &npmi, &g2), 0);
		assert_true(npmi == st.npmi);
		assert_true(g2 == st.g2);
	}
	assert_int_equal(stats_assoc(6, 5, 5, 10, &(double){0}, &(double){0}), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stats__assoc_matches_pair),
		cmocka_unit_test(stats__fisher_tea_tasting),
		cmocka_unit_test(stats__fisher_small_tables),
		cmocka_unit_test(stats__fisher_matches_brute_force),
		cmocka_unit_test(stats__fisher_large_n),
		cmocka_unit_test(stats__pair_n50000),
		cmocka_unit_test(stats__pair_rare_n50000),
		cmocka_unit_test(stats__pair_zero_cell),
		cmocka_unit_test(stats__pair_chi2_g2_known_table),
		cmocka_unit_test(stats__pair_small_table),
		cmocka_unit_test(stats__pair_everywhere),
		cmocka_unit_test(stats__pair_empty_margins),
		cmocka_unit_test(stats__pair_inconsistent),
		cmocka_unit_test(stats__bh_known_vector),
		cmocka_unit_test(stats__bh_monotone_nan_cap),
		cmocka_unit_test(stats__wilson_edges),
		cmocka_unit_test(stats__keyness),
	};

	stats_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
