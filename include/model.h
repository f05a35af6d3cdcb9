#ifndef MODEL_H
#define MODEL_H

/*
 * The learned layer of coding: logistic-regression weights over what the
 * codebook's rules saw of a passage (its rule hits and theme scores, the
 * heading above it, its neighbour), its stems and its structure (framing,
 * list item, lead-in, question, opening word, modal verbs, position). One
 * binary model per theme and one per passage type (one-vs-rest). The rules
 * still find the evidence; the model weighs it, so a theme's threshold
 * and each rule's weight are learned from hand-coded passages.
 *
 * The model file is plain text (README.md, "The model file"): a header,
 * the outputs (themes and types) with their biases, then one line per
 * feature with its weight for every output. Features are named ("T:neglect",
 * "R:neglect:neglect*", "S:curios", "Y:frame=recommendation"), so a model
 * survives edits to the codebook: a rule it does not know weighs nothing,
 * a theme it does not know is coded by the rules alone.
 *
 * A coding_model is caller-owned (model_free) and read-only once loaded.
 */

#include <stddef.h>
#include "doc.h"
#include "util.h"
#include "classify.h"

struct codebook;
struct coding_model;

#define MODEL_FORMAT "revmine-model 1"

/* What the rules pass saw of one passage (filled by analyze.c). */
struct passage_view {
	struct type_cues tc;
	int rtype;    /* the rules' type */
	int frame;    /* type a heading or lead-in frames it with, or -1 */
	int heading;  /* index of the heading passage above it, or -1 */
	double *scores;  /* every theme's rule score */
	unsigned *rules; /* rules of positive weight that counted */
	size_t nr_rules;
	unsigned long long fwords; /* function words present (model.c list) */
	const char *first; /* stem of the opening word, or NULL (interned) */
};

/* Fills v->fwords and v->first from the classifier's last passage. */
void model_view_words(struct passage_view *v, const struct classifier *c);

/* Reads a model for codebook cb. On error returns NULL and fills err with
 * "PATH:LINE: what is wrong". */
struct coding_model *model_load(const char *path, const struct codebook *cb,
				struct doc_error *err);
struct coding_model *model_parse(const char *name, const char *buf, size_t len,
				 const struct codebook *cb, struct doc_error *err);
void model_free(struct coding_model *m);

/*
 * Replaces the rules' types and labels of the passages of one document by
 * the model's: for a theme the model knows, a rules' label stays when its
 * probability reaches `keep`, and a label the rules did not give is added
 * when it reaches `add`; a theme it does not know keeps the rules' label. Labels get their confidence and evidence (the rules' evidence and
 * the model's strongest features).
 */
/* How near a passage's coding came to going the other way: the smallest
 * margin of its decisions, and which decision that was. Start margin at a
 * large value. */
struct doubt {
	double margin;
	char why[96];
};

void model_apply(const struct coding_model *m, const struct codebook *cb,
		 struct passage *ps, const struct passage_view *v, size_t nr,
		 struct doubt *doubts);

/* ---- training (train.c) and its feature space ---- */

/* One sparse feature vector (indices ascending, 0-based). */
struct fvec {
	unsigned *idx;
	float *val;
	size_t nr, alloc;
};

struct fspace; /* feature names and their indices */

/* The features of passage i of a document (views v, passages ps). With
 * `grow`, words the space has not seen are added; otherwise dropped. */
void model_features(struct fspace *sp, const struct codebook *cb,
		    const struct passage *ps, const struct passage_view *v,
		    size_t i, size_t nr, int grow, struct fvec *out);

struct fspace *fspace_new(const struct codebook *cb);
void fspace_free(struct fspace *sp);
size_t fspace_size(const struct fspace *sp);
/* The theme a feature belongs to (its score, label, rules), or -1 for
 * features of every output (structure, words). */
int fspace_owner(const struct fspace *sp, size_t f);
int fspace_is_word(const struct fspace *sp, size_t f);
/* Keeps the fixed features and the words seen in at least min_df of the
 * vectors counted with fspace_count; renumbers (words sorted). Returns a
 * new space; vectors must be made again. */
struct fspace *fspace_prune(const struct fspace *sp, const struct codebook *cb,
			    unsigned min_df);
void fspace_count(struct fspace *sp, const struct fvec *x);

struct train_params {
	double c_theme, c_type; /* liblinear's C (inverse regularisation) */
	double keep;            /* a rules' label stays at this probability */
	double add;             /* the model adds a label at this probability */
	double rules_type;      /* log-odds added to the type the rules chose */
	unsigned min_df;        /* words in fewer training passages are dropped */
	unsigned min_pos;       /* themes with fewer positives stay rules-only */
};
void train_params_default(struct train_params *tp);

/*
 * Fits the model from n passages: features x, gold themes (n rows of
 * nr_themes flags) and gold types. Deterministic. `sp` becomes the
 * model's (owned by it).
 */
struct coding_model *model_train(struct fspace *sp, const struct codebook *cb,
				 const struct fvec *x, const unsigned char *themes,
				 const int *types, size_t n,
				 const struct train_params *tp);
/* Writes the model file (deterministic bytes); 0 or -1 with err set. */
int model_write(const struct coding_model *m, const struct codebook *cb,
		const char *path, struct doc_error *err);

/* The model as allocated by model_train (internal to model.c/train.c). */
struct coding_model *model_new(struct fspace *sp, const struct codebook *cb,
			       double keep, double add);
void model_set_output(struct coding_model *m, size_t out, int active,
		      double bias, const double *w);
size_t model_nr_outputs(const struct coding_model *m);
void model_set_rules_bonus(struct coding_model *m, double bonus);

#endif
