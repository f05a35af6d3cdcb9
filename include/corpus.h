#ifndef CORPUS_H
#define CORPUS_H

/*
 * The reduced corpus: what `reduce` keeps in memory after streaming every
 * document record (texts are written out while streaming and not kept).
 * Documents are in path order, passages in document then reading order,
 * terms sorted by stem (byte order). report.c computes every matrix and
 * summary from this struct alone. Owned by the reducer (corpus_release).
 */

#include <stddef.h>
#include "doc.h"

struct corpus_doc {
	char *doc_id, *path, *format, *sha256, *status, *message;
	int pages;
	size_t first_passage, nr_passages; /* slice of corpus.passages */
	unsigned long tokens;
};

/* A million of these at 10,000 documents: narrow fields, and one block
 * (corpus_passage_alloc) for term ids, term counts and themes. */
struct corpus_passage {
	unsigned doc;             /* index into corpus.docs */
	unsigned tokens;          /* word tokens before stopword removal */
	unsigned nr_terms;
	unsigned short nr_themes;
	unsigned char type;       /* enum passage_type */
	unsigned *term_ids;       /* indices into corpus.terms, ascending */
	unsigned *term_counts;    /* in term_ids' block, after its ids */
	int *themes;              /* theme indices, ascending, in the block */
};

struct corpus_term {
	char *term;    /* the stem */
	char *surface; /* its most frequent original word (ties: byte order) */
	int name;      /* the surface is name-like (names.h) */
	unsigned long df, cf; /* documents containing it, occurrences */
};

struct corpus {
	size_t nr_themes;
	char **theme_ids; /* codebook order */
	char **theme_labels, **theme_groups; /* NULL: the ids, no group */
	int keep_names; /* theme keyness keeps name-like terms */
	unsigned min_lr, min_any; /* the document-level rule (analyze.h) */
	struct corpus_doc *docs;
	size_t nr_docs, alloc_docs;
	struct corpus_passage *passages;
	size_t nr_passages, alloc_passages;
	struct corpus_term *terms;
	size_t nr_terms;
};

/* Gives p one block with room for max_terms term ids and counts and
 * nr_themes themes (term_ids points to it; nothing when both are 0);
 * corpus_release frees it. */
void corpus_passage_alloc(struct corpus_passage *p, size_t max_terms, size_t nr_themes);
void corpus_release(struct corpus *c);

/* 1 when document d features theme t by the document-level rule. */
int corpus_doc_features(const struct corpus *c, size_t d, size_t t);

#endif
