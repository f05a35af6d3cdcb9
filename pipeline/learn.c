/*
 * Training the learned layer from hand-coded passages: each document is
 * coded by the rules alone (as `run --no-model` would), its passages give
 * feature vectors, words seen in fewer than min_df training passages are
 * dropped, and model_train fits the weights (train.c).
 */
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "doc.h"
#include "analyze.h"
#include "codebook.h"
#include "model.h"
#include "gold.h"
#include "learn.h"
#include "banned.h"

/* Feature vectors of the training passages into x (grow: add words). */
static size_t featurize(struct analyzer *a, struct fspace *sp, struct gold *g,
			const unsigned *fold_of_doc, unsigned skip, int grow,
			struct fvec *x, unsigned char *themes, int *types)
{
	const struct codebook *cb = analyzer_codebook(a);
	size_t d, i, n = 0, nt = cb->nr_themes;

	for (d = 0; d < g->nr_docs; d++) {
		size_t s = g->doc_start[d], e = g->doc_start[d + 1];
		const struct passage_view *v;

		if (fold_of_doc && fold_of_doc[d] == skip)
			continue;
		v = analyze_rules(a, &g->ps[s], e - s);
		for (i = s; i < e; i++) {
			struct fvec *xi = &x[n];

			model_features(sp, cb, &g->ps[s], v, i - s, e - s, grow, xi);
			if (grow)
				fspace_count(sp, xi);
			if (themes)
				memcpy(&themes[n * nt], g->rows[i].themes, nt);
			if (types)
				types[n] = g->rows[i].type;
			n++;
		}
	}
	return n;
}

struct coding_model *learn_from_gold(struct analyzer *a, struct gold *g,
				     const unsigned *fold_of_doc, unsigned skip,
				     const struct train_params *tp)
{
	const struct codebook *cb = analyzer_codebook(a);
	struct fspace *all = fspace_new(cb), *sp;
	struct fvec *x = xcalloc(g->nr + 1, sizeof(*x));
	unsigned char *themes = xcalloc((g->nr + 1) * (cb->nr_themes + 1), 1);
	int *types = xcalloc(g->nr + 1, sizeof(*types));
	struct coding_model *m;
	size_t n, i;

	featurize(a, all, g, fold_of_doc, skip, 1, x, NULL, NULL);
	sp = fspace_prune(all, cb, tp->min_df);
	fspace_free(all);
	n = featurize(a, sp, g, fold_of_doc, skip, 0, x, themes, types);
	m = model_train(sp, cb, x, themes, types, n, tp);
	for (i = 0; i < g->nr; i++) {
		free(x[i].idx);
		free(x[i].val);
	}
	free(x);
	free(themes);
	free(types);
	return m;
}
