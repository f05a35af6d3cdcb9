#ifndef QDA_H
#define QDA_H

/*
 * REFI-QDA exchange (the project format NVivo, MAXQDA, ATLAS.ti and
 * QualCoder import and export). Export reads a run's output folder (its
 * manifest, documents.csv, theme_prevalence.csv and the document records)
 * and writes a .qdpx project (zip: project.qde + Sources/) and/or a .qdc
 * codebook; import reads a .qdpx back into labelled passages in the gold
 * format. GUIDs are name-based (UUID version 5) from document hashes,
 * passage numbers and code ids, and the zip has fixed timestamps, so the
 * same outputs give the same bytes. Functions fill err and return -1 on
 * failure; they never print except import's per-selection notes through
 * `warn` (may be NULL).
 */

#include <stddef.h>
#include "util.h"

/* "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" for `name` into out (37 bytes). */
void qda_uuid5(const char *name, char out[37]);

struct qda_export_options {
	const char *outdir;  /* the run's output folder */
	const char *records; /* records folder, or NULL: from the manifest */
	const char *qdpx;    /* project file to write, or NULL */
	const char *qdc;     /* codebook file to write, or NULL */
};

struct qda_export_counts {
	size_t documents, selections, codings, codes, variables;
};

int qda_export(const struct qda_export_options *o, struct qda_export_counts *c,
	       struct doc_error *err);

/* Reads a .qdpx and writes CSV `doc,passage,type,themes,text` to out_csv
 * ("-": stdout). *rows gets the number of passages written. */
int qda_import(const char *qdpx, const char *out_csv, size_t *rows,
	       void (*warn)(const char *msg), struct doc_error *err);

#endif
