#ifndef GROUPS_H
#define GROUPS_H

/*
 * theme_by_group.csv: for each theme and each value of a document variable
 * (a --metadata column or the built-in folder), k documents featuring the
 * theme of the n documents with that value (not in error), the share with
 * its Wilson 95% interval, and a test across the groups: Fisher's exact
 * test (two-sided) for two groups, Pearson's chi-square with G - 1 degrees
 * of freedom for more, on the 2 x G table featuring/not by group; BH
 * q-values over the themes of a variable. Documents without a value are
 * left out. See README.md, "Document variables".
 */

#include <stddef.h>
#include "corpus.h"
#include "csvio.h"

/* One variable: its name and each document's value (NULL or "" = none). */
struct group_var {
	const char *name;
	char **value; /* by document index of the corpus */
};

/* Writes the rows of each variable into DIR/theme_by_group.csv. */
int groups_write(const struct corpus *c, const struct group_var *vars,
		 size_t nvars, const char *outdir, int excel, struct doc_error *err);

#endif
