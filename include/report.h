#ifndef REPORT_H
#define REPORT_H

/*
 * The corpus-level summaries: theme matrices, co-occurrence, pair
 * statistics, prevalence, keyness and term collocations, computed from a
 * reduced struct corpus (counts only) and written as CSV into outdir.
 */

#include "corpus.h"
#include "util.h"

/* Writes doc_theme_matrix.csv, theme_cooccurrence.csv, theme_pairs.csv,
 * theme_prevalence.csv, theme_terms.csv and term_pairs.csv (each through a
 * temporary file and rename); `excel` adds a UTF-8 BOM. 0 or -1 with err. */
int report_write(const struct corpus *c, const char *outdir, int excel,
		 struct doc_error *err);

#endif
