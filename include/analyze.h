#ifndef ANALYZE_H
#define ANALYZE_H

/*
 * Text analysis of passages: tokenize, drop stopwords, stem, and classify
 * each passage by type and themes with the codebook. An analyzer is built
 * once per worker from a codebook and a stopword list and is then read-only
 * except for its stem cache; it is not shared between threads. The caller
 * owns the analyzer (analyzer_free) and the passages it fills.
 */

#include <stddef.h>
#include "doc.h"
#include "util.h"

struct analyzer;
struct codebook;

/* From the codebook, stopword and model files at these paths (model_path
 * NULL: the rules alone); the commands choose them (paths.h:
 * data_paths_resolve). On error returns NULL and fills err (msg
 * "file:line: what is wrong"). */
struct analyzer *analyzer_new(const char *codebook_path,
			      const char *stopwords_path, const char *model_path,
			      struct doc_error *err);
void analyzer_free(struct analyzer *a);

size_t analyzer_nr_themes(const struct analyzer *a);
const char *analyzer_theme_id(const struct analyzer *a, size_t i);
/* Theme index for an id, or -1. */
int analyzer_theme_index(const struct analyzer *a, const char *id);

/*
 * The document-level rule: a document features a theme when at least
 * `min_lr` learning or recommendation passages, or at least `min_any`
 * passages of any type, are coded to it (defaults 1 and 2; the codebook can
 * change them).
 */
void analyzer_doc_rule(const struct analyzer *a, unsigned *min_lr,
		       unsigned *min_any);

/* A hex digest of everything that shapes the analysis (codebook bytes,
 * stopword bytes, stemmer, format version); static storage. */
const char *analyzer_config_hash(const struct analyzer *a);
/* The loaded codebook (owned by the analyzer). */
const struct codebook *analyzer_codebook(const struct analyzer *a);
const char *analyzer_codebook_hash(const struct analyzer *a);
const char *analyzer_stopwords_hash(const struct analyzer *a);

/*
 * Replaces the learned model (the one analyzer_new loaded, if any): PATH,
 * or NULL for the rules alone. Returns 0, or -1 with err "PATH:LINE: what
 * is wrong".
 */
int analyzer_set_model(struct analyzer *a, const char *path, struct doc_error *err);
const char *analyzer_model_path(const struct analyzer *a);  /* NULL: none */
/* Puts m in place of the analyzer's model (which is returned, not freed);
 * for cross-validation, where each fold codes with its own model. */
struct coding_model;
struct coding_model *analyzer_swap_model(struct analyzer *a, struct coding_model *m);
const char *analyzer_model_hash(const struct analyzer *a);  /* NULL: none */

/* Classifies and counts terms of every passage of one document, in order
 * (earlier passages, e.g. a heading or a lead-in ending in ':', inform the
 * type of later ones). Replaces any earlier analysis of these passages. */
void analyze_document(struct analyzer *a, struct passage *ps, size_t nr);

/* analyze_document, also telling for each passage how near its coding
 * came to going the other way (d: nr entries; see model.h). */
struct doubt;
void analyze_document_doubts(struct analyzer *a, struct passage *ps, size_t nr,
			     struct doubt *d);

/* The same with the rules alone, returning what they saw of each passage
 * (for training; valid until the next call on this analyzer). */
struct passage_view;
const struct passage_view *analyze_rules(struct analyzer *a, struct passage *ps,
					 size_t nr);

#endif
