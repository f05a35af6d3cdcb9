#ifndef CODEBOOK_H
#define CODEBOOK_H

/*
 * The codebook: themes with their patterns, the passage-type cues and the
 * document-level rule, read from the plain-text format of README.md, "Codebook"
 * and compiled into an index of pattern starts (first stem -> patterns), so
 * matching costs one hash lookup per distinct word. codebook_load() returns
 * a caller-owned codebook (codebook_free); patterns and themes are read-only
 * afterwards and owned by it.
 */

#include <stddef.h>
#include "util.h"

struct stemmer;

enum cb_kind {
	CB_MATCH,    /* theme evidence, with a weight (may be negative) */
	CB_EXCLUDE,  /* words that theme's matches must not overlap */
	CB_HEADING,  /* a heading, section or lead-in cue for a passage type */
	CB_CUE,      /* a passage-text cue for a passage type */
	CB_QUESTION, /* a cue that counts only in a question */
};

enum cb_elem_kind {
	CB_ELEM_STEM,   /* a word, compared by stem */
	CB_ELEM_WORD,   /* a word as written (anchored patterns): s, and its stem in key */
	CB_ELEM_PREFIX, /* "abc*": a word or stem beginning with abc */
	CB_ELEM_NUMBER, /* "#": any number */
	CB_ELEM_GAP,    /* "..": up to CB_GAP_MAX other words; "near/N": up to N */
};
#define CB_GAP_MAX 3
#define CB_NEAR_MAX 12

struct cb_elem {
	enum cb_elem_kind kind;
	/* The stem or word, interned by the codebook's stemmer (compare with
	 * ==; not owned), or the prefix (owned). */
	const char *s;
	const char *key; /* CB_ELEM_WORD: the stem it is indexed under (interned) */
	unsigned gap;    /* CB_ELEM_GAP: most words it may skip */
};

/* One sequence of elements. A pattern written with hyphens compiles to
 * several variants (joined and split) sharing one `rule`. */
struct cb_pattern {
	enum cb_kind kind;
	int owner;      /* theme index (MATCH, EXCLUDE) or passage type */
	unsigned rule;  /* index of the pattern as written; the unit of scoring */
	double weight;
	int anchored;   /* '^': only at the start of the passage */
	int affirmed;   /* '!': counts only outside a negation ("no evidence of") */
	struct cb_elem *elems;
	size_t nr_elems;
};

struct cb_rule {
	char *text; /* the pattern as written, for evidence */
	int line;
};

struct cb_theme {
	char *id, *label, *group;
	double threshold;
	int line;
};

struct codebook {
	char *path;
	struct cb_theme *themes;
	size_t nr_themes, alloc_themes;
	struct cb_pattern *patterns;
	size_t nr_patterns, alloc_patterns;
	struct cb_rule *rules;
	size_t nr_rules, alloc_rules;
	unsigned min_lr, min_any;
	int has_affirmed;    /* some pattern is '!' (negation is looked for) */
	double frame_weight; /* weight of a framing heading or lead-in */
	int default_type;    /* type when no cue fires */
	struct cb_index *index;
	/* "PATH:LINE: what" for the caller to show (a pattern that looks like
	 * a regular expression); the codebook loads all the same */
	char **warnings;
	size_t nr_warnings, alloc_warnings;
};

/* Reads and compiles PATH, stemming patterns with `stemmer`, which interns
 * the codebook's words and must outlive it. On error
 * returns NULL and fills err with "PATH:LINE: what is wrong". */
struct codebook *codebook_load(const char *path, struct stemmer *stemmer,
			       struct doc_error *err);
/* The same from a buffer; `name` stands for the file in messages. */
struct codebook *codebook_parse(const char *name, const char *buf, size_t len,
				struct stemmer *stemmer, struct doc_error *err);
void codebook_free(struct codebook *cb);

/*
 * The patterns whose first element matches a word (case-folded) with the
 * given stem: a newly allocated array of pattern indices in *ids (NULL when
 * none); returns the count. `number` says the word is a number token.
 */
size_t codebook_starts(const struct codebook *cb, const char *word,
		       const char *stem, int number, unsigned **ids);

/* Whether element e matches a token with this word and stem, both
 * interned by the codebook's stemmer. */
int cb_elem_matches(const struct cb_elem *e, const char *word, const char *stem,
		    int number);

#endif
