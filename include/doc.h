#ifndef DOC_H
#define DOC_H

/*
 * The data that flows through one document's pipeline. An extractor fills a
 * struct doc_text (lines in reading order, furniture removed); segment turns
 * it into a struct passage_list; analyze fills each passage's type, labels
 * and terms. Every struct here owns its strings; *_release() frees the
 * contents and leaves the struct empty and reusable.
 */

#include <stddef.h>

enum line_flag {
	LINE_BREAK_BEFORE = 1 << 0, /* a new block starts here (gap, indent, blank line) */
	LINE_HEADING = 1 << 1,      /* set in larger or bold type, or a markdown heading */
	LINE_ITEM = 1 << 2,         /* starts with a bullet or list number (marker kept) */
	LINE_PAGE_START = 1 << 3,   /* first line of its page after furniture removal */
	LINE_INDENT = 1 << 4,       /* starts to the right of the column's left edge */
	LINE_OCR = 1 << 5,          /* recognised from the page's image (ocr.h) */
};

/* One line of text, already normalised (NFC, ligatures, spaces, quotes). */
struct line {
	char *text;  /* UTF-8, no trailing newline, no leading/trailing space */
	int page;    /* 1-based; 1 for text files */
	float size;  /* dominant font size in points; 0 when unknown */
	unsigned flags;
};

struct doc_text {
	struct line *lines;
	size_t nr, alloc;
	int pages;      /* pages in the document (1 for text files) */
	int blank_pages; /* pages with no text layer and no ink (ocr.h) */
	char *warnings; /* NULL, or "; "-joined notes such as "page 4 has no text layer" */
};

void doc_text_init(struct doc_text *t);
/* Appends a copy of text[0..len) with the given page, size and flags. */
void doc_text_add(struct doc_text *t, const char *text, size_t len, int page,
		  float size, unsigned flags);
/* Appends a "; "-joined warning note (formatted). */
void doc_text_warn(struct doc_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void doc_text_release(struct doc_text *t);

enum passage_kind { PASSAGE_HEADING, PASSAGE_PARAGRAPH, PASSAGE_ITEM };
enum passage_type { TYPE_CONTEXT, TYPE_LEARNING, TYPE_RECOMMENDATION };
#define PASSAGE_TYPES 3

const char *passage_kind_name(enum passage_kind k);
/* Returns the kind for "heading", "paragraph", "item", or -1. */
int passage_kind_parse(const char *s);
const char *passage_type_name(enum passage_type t);
/* Returns the type for "context", "learning", "recommendation", or -1. */
int passage_type_parse(const char *s);

/* One theme label with the evidence for it ("pattern: matched words; ..."). */
struct label {
	int theme; /* index into the codebook's themes */
	double score;      /* the rules' score */
	double confidence; /* the model's probability; -1 when the rules alone coded it */
	char *evidence;
};

/* One stem in a passage with the surface word it came from. */
struct term_count {
	char *term;    /* the stem */
	char *surface; /* the (lowercased) word it was most often stemmed from here */
	unsigned count;
};

struct passage {
	int page;
	enum passage_kind kind;
	char *section; /* text of the heading it sits under ("" if none) */
	char *text;
	int ocr; /* some of its lines were recognised from a page image */

	/* filled by analyze */
	enum passage_type type;
	double type_score;
	struct label *labels; /* sorted by theme index */
	size_t nr_labels;
	struct term_count *terms; /* sorted by term; stopwords dropped */
	size_t nr_terms;
	char *term_buf; /* when set, every term and surface points into it */
	unsigned tokens; /* word tokens before stopword removal */
};

struct passage_list {
	struct passage *items;
	size_t nr, alloc;
};

void passage_list_init(struct passage_list *l);
/* Appends a passage with copies of section and text; returns it. */
struct passage *passage_list_add(struct passage_list *l, int page,
				 enum passage_kind kind, const char *section,
				 const char *text);
/* Frees labels and terms of one passage (keeps text). */
void passage_clear_analysis(struct passage *p);
void passage_list_release(struct passage_list *l);

#endif
