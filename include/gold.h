#ifndef GOLD_H
#define GOLD_H

/*
 * Hand-coded passages (the gold format: doc,passage,type,themes,text; see
 * README.md, "Labelled passages") and how coding agrees with them: per
 * theme precision, recall, F1 and Cohen's kappa, micro and macro F1, type
 * F1 and confusion, and document-level prevalence error, with bootstrap
 * intervals over documents. Used by eval, cv, train and review.
 *
 * The passages of one document are consecutive rows with the same doc
 * (in one file); they are analysed together, in order, as `run` analyses
 * a document, so headings and lead-ins frame what follows. A text starting
 * with '#' or wholly **bold** is a heading, one starting with a bullet or
 * list number an item, as the extractor would mark them.
 */

#include <stddef.h>
#include <stdio.h>
#include "doc.h"

struct analyzer;

struct gold_row {
	char *doc, *id;
	int type;
	unsigned char *themes; /* one flag per theme */
	size_t line;
	size_t docno; /* index of its document (0-based, in order) */
};

struct gold {
	struct gold_row *rows;
	size_t nr, alloc;
	struct passage *ps; /* the analysed passages, parallel to rows */
	size_t nr_docs;
	size_t *doc_start; /* first row of each document; doc_start[nr_docs] = nr */
};

/* A cell without the formula guard revmine's CSVs (and spreadsheets)
 * put before a leading = + - @ tab or CR: "'-item" reads "-item". */
const char *gold_unguard(const char *cell);

/* The passage kind the extractor would give a text. */
enum passage_kind gold_kind_of(const char *text);

/* Appends the rows of PATH. Returns 0, or -1 with err filled (the message
 * names the file, and the line where there is one). */
int gold_read(struct analyzer *a, const char *path, struct gold *g, struct doc_error *err);
/* The analyzer of the codebook and stopword files (paths.h:
 * data_paths_resolve) with the rules alone (no model: what train and cv
 * learn from) and the gold files paths[0..nr),
 * indexed. Returns 0, or -1 with err filled; on error *a may be NULL and g
 * is to be released all the same. */
int gold_load(const char *codebook, const char *stopwords, char **paths, int nr,
	      struct analyzer **a, struct gold *g, struct doc_error *err);
/* Call after the last gold_read: finds the documents. */
void gold_index(struct gold *g);
void gold_release(struct gold *g);

/* Analyses document d with the analyzer's current coding. */
void gold_analyze_doc(struct analyzer *a, struct gold *g, size_t d);

/* Assigns each document a fold 0..k-1 (deterministic: by a hash of its
 * name, then in turn), so no document is split across folds. */
void gold_folds(const struct gold *g, unsigned k, unsigned *fold_of_doc);

/* Writes the agreement table to out, and with boot > 0 bootstrap intervals
 * (`boot` resamples of documents) of the summary figures. */
void gold_report(FILE *out, struct analyzer *a, const struct gold *g, unsigned boot);
/* Writes every disagreement with its evidence to out. */
void gold_show_errors(FILE *out, struct analyzer *a, const struct gold *g);

/* Summary figures of agreement, computed on a weighting of documents. */
struct gold_summary {
	double micro_p, micro_r, micro_f1, macro_f1, type_macro_f1, type_acc;
	double prev_err_mean, prev_err_max;
};
void gold_summary(struct analyzer *a, const struct gold *g,
		  const unsigned *weight, struct gold_summary *s);

#endif
