/*
 * Fitting the learned layer with liblinear (Fan et al., "LIBLINEAR: A
 * library for large linear classification", JMLR 9, 2008): L2-regularised
 * logistic regression, solved in the primal by a trust-region Newton
 * method (solver L2R_LR), which is deterministic. One binary model per
 * theme with enough positive passages, one per passage type. This is the
 * only file that includes liblinear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linear.h>
#include "util.h"
#include "doc.h"
#include "codebook.h"
#include "model.h"
#include "banned.h"

void train_params_default(struct train_params *tp)
{
	tp->c_theme = 0.5;
	tp->c_type = 1;
	tp->keep = 0.2;
	tp->add = 0.7;
	tp->rules_type = 2;
	tp->min_df = 2;
	tp->min_pos = 4;
}

static void quiet(const char *s)
{
	(void)s;
}

/* Fits one binary output (y = +1/-1) and stores it in m. */
static void fit(struct coding_model *m, size_t out, struct problem *prob, double c,
		size_t nfeat, double pos_weight)
{
	struct parameter param;
	int wl = 1;
	struct model *lm;
	double *w = xcalloc(nfeat ? nfeat : 1, sizeof(*w));
	size_t f;
	int k, pos = 0;
	const char *bad;

	memset(&param, 0, sizeof(param));
	param.solver_type = L2R_LR;
	param.eps = 0.01;
	param.C = c;
	if (pos_weight != 1) {
		param.nr_weight = 1;
		param.weight_label = &wl;
		param.weight = &pos_weight;
	}
	if ((bad = check_parameter(prob, &param)))
		BUG("liblinear: %s", bad);
	lm = train(prob, &param);
	for (k = 0; k < get_nr_class(lm); k++)
		if (lm->label[k] == 1)
			pos = k;
	for (f = 0; f < nfeat; f++)
		w[f] = get_decfun_coef(lm, (int)f + 1, pos);
	model_set_output(m, out, 1, get_decfun_bias(lm, pos), w);
	free_and_destroy_model(&lm);
	free(w);
}

/*
 * Rows of x for output `theme` (-2: a type). A theme sees its own rules,
 * scores and labels and the structure, not other themes' evidence nor the
 * words: with a few hundred passages, words and other themes' evidence
 * made grouped cross-validation worse (README.md, "Measured"). A type sees
 * the structure and the words, not the themes.
 */
static void keep_own(const struct fspace *sp, const struct fvec *x,
		     struct feature_node **rows, size_t n, int theme, size_t nfeat)
{
	size_t i, k, j;

	for (i = 0; i < n; i++) {
		for (k = 0, j = 0; k < x[i].nr; k++) {
			int o = fspace_owner(sp, x[i].idx[k]);

			if (theme >= 0 && o >= 0 && o != theme)
				continue;
			if (theme == -2 && o >= 0)
				continue;
			if (theme >= 0 && fspace_is_word(sp, x[i].idx[k]))
				continue;
			rows[i][j].index = (int)x[i].idx[k] + 1;
			rows[i][j++].value = x[i].val[k];
		}
		rows[i][j].index = (int)nfeat + 1;
		rows[i][j].value = 1;
		rows[i][j + 1].index = -1;
	}
}

struct coding_model *model_train(struct fspace *sp, const struct codebook *cb,
				 const struct fvec *x, const unsigned char *themes,
				 const int *types, size_t n,
				 const struct train_params *tp)
{
	size_t nfeat = fspace_size(sp), nt = cb->nr_themes, i, k, t;
	struct coding_model *m = model_new(sp, cb, tp->keep, tp->add);

	model_set_rules_bonus(m, tp->rules_type);
	struct feature_node **rows = xcalloc(n ? n : 1, sizeof(*rows));
	struct problem prob;

	set_print_string_function(quiet);
	for (i = 0; i < n; i++) {
		rows[i] = xmalloc((x[i].nr + 2) * sizeof(**rows));
		for (k = 0; k < x[i].nr; k++) {
			rows[i][k].index = (int)x[i].idx[k] + 1;
			rows[i][k].value = x[i].val[k];
		}
		rows[i][k].index = (int)nfeat + 1; /* the bias feature */
		rows[i][k].value = 1;
		rows[i][k + 1].index = -1;
	}
	memset(&prob, 0, sizeof(prob));
	prob.l = (int)n;
	prob.n = (int)nfeat + 1;
	prob.x = rows;
	prob.bias = 1;
	prob.y = xcalloc(n ? n : 1, sizeof(*prob.y));
	for (t = 0; t < nt + PASSAGE_TYPES; t++) {
		size_t npos = 0;

		for (i = 0; i < n; i++) {
			int yes = t < nt ? themes[i * nt + t] : types[i] == (int)(t - nt);

			prob.y[i] = yes ? 1 : -1;
			npos += yes;
		}
		/* too few examples to learn from (or none against): rules alone */
		if (npos < tp->min_pos || npos == n) {
			if (t >= nt) { /* the type model is all or nothing */
				for (k = nt; k < nt + PASSAGE_TYPES; k++)
					model_set_output(m, k, 0, 0, NULL);
				break;
			}
			model_set_output(m, t, 0, 0, NULL);
			continue;
		}
		if (t < nt)
			keep_own(sp, x, rows, n, (int)t, nfeat);
		else
			keep_own(sp, x, rows, n, -2, nfeat);
		fit(m, t, &prob, t < nt ? tp->c_theme : tp->c_type, nfeat, 1);
	}
	for (i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
	free(prob.y);
	return m;
}
