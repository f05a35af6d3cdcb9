#ifndef THEMETAB_H
#define THEMETAB_H

/*
 * The codebook's theme table as the outputs need it (id, human label,
 * group, threshold), taken from the loaded codebook by `run` and `map`,
 * and kept beside the records (themes-CONFIG.csv) by `map` so that
 * `reduce`, which never loads a codebook, labels its outputs the same way.
 * Owned by the caller (themetab_release).
 */

#include <stddef.h>
#include "util.h"

struct codebook;

struct themetab {
	size_t nr;
	char **ids, **labels, **groups; /* NULL-terminated */
	double *thresholds;
};

void themetab_from_codebook(struct themetab *t, const struct codebook *cb);
/* Writes DIR/themes-CONFIG16.csv (temporary file and rename). */
int themetab_write(const struct themetab *t, const char *dir, const char *config,
		   struct doc_error *err);
/* Reads it back: 0, or -1 when absent or damaged (t left empty). */
int themetab_read(struct themetab *t, const char *dir, const char *config);
/* A table of ids alone: label = id, group "", threshold 1. */
void themetab_from_ids(struct themetab *t, char *const *ids, size_t nr);
void themetab_release(struct themetab *t);

#endif
