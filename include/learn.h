#ifndef LEARN_H
#define LEARN_H

/*
 * Training the learned layer on hand-coded passages (learn.c): the
 * documents of g, leaving out those whose fold (fold_of_doc, may be NULL)
 * is `skip`. The analyzer's own model is not used: features come from the
 * rules alone. Returns a caller-owned model.
 */

struct analyzer;
struct gold;
struct train_params;
struct coding_model;

struct coding_model *learn_from_gold(struct analyzer *a, struct gold *g,
				     const unsigned *fold_of_doc, unsigned skip,
				     const struct train_params *tp);

#endif
