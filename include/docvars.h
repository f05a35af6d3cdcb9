#ifndef DOCVARS_H
#define DOCVARS_H

/*
 * Document variables: columns of a metadata CSV (--metadata FILE.csv)
 * joined to documents by path, and the built-in `folder` (the first folder
 * level under the input path; for a document directly in it, that folder's
 * name). The metadata file has a header row with a `path` column (or
 * `doc_id`); a row matches the document whose doc_id or path as given
 * equals it, or whose file is the same file (the value read relative to
 * the metadata file's folder, then to the working directory). Caller-owned
 * (docvars_release).
 */

#include <stddef.h>
#include <glib.h>
#include "util.h"

struct docvars {
	char *path;
	size_t ncol;      /* metadata columns other than the key */
	char **cols;      /* their names, in file order */
	GPtrArray *rows;  /* char ** of ncol values */
	char **keys;      /* key of each row as written */
	char **real;      /* its canonical path, or NULL */
	size_t *used;     /* documents matched by each row */
};

/* Reads FILE; errors (no key column, a column named like a documents.csv
 * column, a repeated column, a malformed file) fill err. */
int docvars_load(struct docvars *dv, const char *file, struct doc_error *err);
void docvars_release(struct docvars *dv);

/* The row for a document (doc_id, path as given), or -1. Counts the use. */
long docvars_match(struct docvars *dv, const char *doc_id, const char *path);
/* Column index by name, or -1. */
int docvars_col(const struct docvars *dv, const char *name);

/* The built-in group of a document (newly allocated). */
char *docvars_folder(const char *doc_id, const char *path);

#endif
