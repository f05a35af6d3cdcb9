#ifndef REDUCE_H
#define REDUCE_H

/*
 * The reduce side of a run: reads the record of every processed document
 * (never the documents themselves), in path order, and writes the CSVs of
 * the output folder: documents, passages, passage themes, term counts,
 * vocabulary, term matrix and quotes here, the theme matrices, statistical
 * summaries and group tables through report.c and groups.c. Each file is
 * written to a temporary name and committed as soon as it is complete
 * (csvio.h: csv_out_commit), which outside a publish renames it at once;
 * the batch commands call reduce_write() inside a publish
 * (csv_publish_begin) that also holds the report and the manifest, so
 * nothing is renamed until every file is complete, manifest.json last.
 * A source that was not processed or whose record cannot be read becomes
 * an error; the others take status, message, page, passage and token
 * counts from their record: reduce_write() sets those fields of the
 * caller's source list, which stays the caller's.
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
	/* When set, reduce runs beside the batch that makes its records:
	 * wait_doc(wait_ctx, d) returns once the batch is done with document
	 * d, and reduce's threads hold the fork gate (sandbox.h) but while
	 * they wait. on_error is then called from reduce's thread. */
	void (*wait_doc)(void *wait_ctx, size_t d);
	void *wait_ctx;
	/* The reduce state file (NULL: none): written by every reduce, and
	 * when use_state, the state a published reduce left there is used,
	 * if its options and the output files it points into are the same.
	 * The caller holds the output folder's lock: temporary state files
	 * beside it are a killed run's and removed. */
	const char *state;
	int use_state;
};

struct reduce_counts {
	size_t ok, warning, error;
	unsigned long passages, tokens, terms, pages;
	size_t from_state; /* documents taken from the reduce state */
};

int reduce_write(struct source_list *l, const struct reduce_options *o,
		 struct reduce_counts *counts, struct doc_error *err);

/*
 * The reduce state lets the next reduce into the same output folder take
 * each unchanged document (same doc_id, same record) from it, not from its
 * record: what it added to the corpus, its name counts and best quotes,
 * and its rows of passages.csv, passage_themes.csv and doc_term_counts.csv
 * as a byte range of the published file, copied. The outputs are the same
 * bytes as without it. reduce_write() with o->state prepares it;
 * reduce_state_commit(outdir), once the outputs are published, notes the
 * identity of the published files and renames it into place (0, or -1
 * and there is none); reduce_state_drop() discards it (no-ops without).
 */
int reduce_state_commit(const char *outdir);
void reduce_state_drop(void);

#endif
