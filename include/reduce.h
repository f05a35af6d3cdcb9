#ifndef REDUCE_H
#define REDUCE_H

/*
 * The reduce side of a run: reads the record of every processed document
 * (never the documents themselves), in path order, and writes every CSV of
 * the output folder: documents, passages, passage themes, term counts,
 * vocabulary and term matrix here, the theme matrices and statistical
 * summaries through report.c. Each file is written to a temporary name;
 * the caller wraps reduce_write() and the manifest in a publish (csvio.h:
 * csv_publish_begin), so they are renamed only once all are complete,
 * manifest.json last. Sources whose record cannot be read are
 * turned into errors. The caller owns the source list.
 */

#include <stddef.h>
#include "sources.h"
#include "util.h"

struct themetab;
struct docvars;

struct reduce_options {
	const char *outdir;
	const char *records_dir;
	const char *config;
	char *const *theme_ids;
	size_t nr_themes;
	unsigned min_lr, min_any;
	size_t top_terms;
	int excel;
	/* labels, groups and thresholds of theme_ids (NULL: ids alone) */
	const struct themetab *tab;
	int keep_names; /* theme keyness keeps name-like terms */
	struct docvars *vars;  /* --metadata, or NULL */
	const char *group_by;  /* a metadata column or "folder" (NULL: folder) */
	/* Told of each document that turns to an error here (its record is
	 * missing or unreadable), after its status is set; may be NULL. */
	void (*on_error)(void *ctx, const struct source *s);
	void *ctx;
};

struct reduce_counts {
	size_t ok, warning, error;
	unsigned long passages, tokens, terms, pages;
};

int reduce_write(struct source_list *l, const struct reduce_options *o,
		 struct reduce_counts *counts, struct doc_error *err);

#endif
