#ifndef CBCONVERT_H
#define CBCONVERT_H

/*
 * Dictionary conversion (cbconvert.c): a LIWC .dic, a quanteda YAML
 * dictionary or a WordStat .cat into the codebook format, one theme per
 * category, keeping the dictionary's word-as-written matching (see the
 * file's comment). What cannot be expressed is passed to `report` with the
 * file and line, and left out.
 */

#include <stddef.h>
#include "util.h"

typedef void (*cbconvert_report_fn)(void *arg, const char *file, int line,
				    const char *msg);

/* "liwc", "quanteda" or "wordstat" from the extension (.dic, .yml/.yaml,
 * .cat), or NULL. */
const char *cbconvert_format(const char *path);

/* Converts path (format NULL: from the extension) into *out (caller
 * frees with g_free); *themes and *skipped get the counts. */
int cbconvert(const char *path, const char *format, char **out, size_t *themes,
	      size_t *skipped, cbconvert_report_fn report, void *arg,
	      struct doc_error *err);

#endif
