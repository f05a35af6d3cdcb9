#ifndef HTML_REPORT_H
#define HTML_REPORT_H

/*
 * report.html: the analyst's reading of a run, built from the CSVs of the
 * output folder alone (and the run's facts below), so `run`, `reduce` and
 * `revmine report OUT/` give the same page. One self-contained file:
 * inline CSS and SVG, no script, nothing fetched, A4 print rules, the
 * Okabe-Ito colour-blind-safe palette; all document text HTML-escaped.
 * Written to a temporary name and renamed.
 */

#include "util.h"

struct html_info {
	const char *date;          /* of the run (UTC) */
	const char *command;       /* run or reduce */
	const char *version;
	const char *codebook, *codebook_hash, *config;
	unsigned min_lr, min_any;  /* the document rule */
};

int html_report_write(const char *outdir, const struct html_info *info,
		      struct doc_error *err);

/*
 * What the page takes from passages.csv: per document its passages by
 * type and per theme those coded to it (all, and learning or
 * recommendation), and each theme's recommendations shown. A reduce counts
 * them as it writes passages.csv and hands them over
 * (html_report_take_passages) for the next html_report_write into the same
 * folder, which uses them instead of reading passages.csv back when they
 * are whole and of its documents and themes; any other call reads the file.
 * Documents are in documents.csv order, themes in codebook order.
 */
struct html_passages;

struct html_passages *html_passages_new(size_t nd, size_t nt);
void html_passages_free(struct html_passages *hp);
/* Passage `no` of document d, of type 0 context, 1 learning, 2
 * recommendation (enum passage_type), coded to themes[0..n) in its
 * order: counted. 1 when the page shows it: html_passages_text is then to
 * give its cells. */
int html_passages_add(struct html_passages *hp, size_t d, unsigned long no, int type,
		      const int *themes, size_t n);
/* The cells of passage no of document d as passages.csv holds them
 * (a guarding apostrophe included). */
void html_passages_text(struct html_passages *hp, size_t d, unsigned long no,
			const char *passage, const char *page, const char *section,
			const char *text);
/* hp (owned from now on; NULL: none) for the next html_report_write into
 * outdir; any call of html_report_write drops it. */
void html_report_take_passages(const char *outdir, struct html_passages *hp);

/* The run's facts read back from OUT/manifest.json; strings are newly
 * allocated (html_info_release). -1 when there is no readable manifest. */
int html_info_from_manifest(const char *outdir, struct html_info *info);
void html_info_release(struct html_info *info);

#endif
