#ifndef CLASSIFY_H
#define CLASSIFY_H

/*
 * Classifying one passage with a compiled codebook: tokens, the stems and
 * stopword flags of its words (memoised per word for the classifier's
 * lifetime), its terms, its theme labels with evidence, and the type cues
 * that analyze.c weighs against the document's headings and lead-ins.
 * A classifier is caller-owned (classifier_free); it borrows the codebook
 * and stemmer, which must outlive it. Not for use from several threads.
 */

#include <stddef.h>
#include "doc.h"

struct codebook;
struct stemmer;
struct classifier;

/* What the text of one passage says about its type. */
struct type_cues {
	double cue[PASSAGE_TYPES];     /* codebook cues (and question cues) */
	double heading[PASSAGE_TYPES]; /* heading cues over the whole text */
	int lead_type;   /* type named by a lead-in inside it ("Learning includes:"), or -1 */
	int heading_shape; /* short, no sentence end: reads as a heading */
	int lead_in;     /* short and ends with ':': introduces what follows */
	int question;    /* ends with '?' */
	int contact;     /* an address, phone number, e-mail or web link line */
	unsigned words;
};

struct classifier *classifier_new(const struct codebook *cb, struct stemmer *st);
void classifier_free(struct classifier *c);

/* Adds the words of a stopword list (one per line, '#' comments). */
void classifier_add_stopwords(struct classifier *c, const char *buf, size_t len);
int classifier_is_stopword(struct classifier *c, const char *word);

/*
 * Tokenizes and classifies p->text: fills p->tokens, p->terms and p->labels
 * (replacing earlier ones) and *tc.
 * Type is left to the caller.
 */
void classify_passage(struct classifier *c, struct passage *p, struct type_cues *tc);

/* Heading cues of a heading or section text: fills score[type]; returns
 * the type they point to, or -1 if none or a tie. */
int classify_heading(struct classifier *c, const char *text,
		     double score[PASSAGE_TYPES]);

/*
 * What the last classify_passage saw, for the learned layer (model.c):
 * every theme's rule score (0 where no rule counted; below-threshold
 * scores included), the rules of positive weight that counted, and the
 * tokens (case-folded word and stem; NULL for numbers, links and marks).
 * Valid until the next call on this classifier.
 */
const double *classifier_theme_scores(const struct classifier *c);
size_t classifier_counted_rules(const struct classifier *c, const unsigned **rules);
size_t classifier_nr_tokens(const struct classifier *c);
const char *classifier_token_word(const struct classifier *c, size_t i,
				  const char **stem);
/* The marker words (function words of tense, modality and address) and
 * the index of token i among them, or -1. */
size_t classifier_marker_words(const char *const **list);
int classifier_token_marker(const struct classifier *c, size_t i);

#endif
