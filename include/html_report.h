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

/* The run's facts read back from OUT/manifest.json; strings are newly
 * allocated (html_info_release). -1 when there is no readable manifest. */
int html_info_from_manifest(const char *outdir, struct html_info *info);
void html_info_release(struct html_info *info);

#endif
