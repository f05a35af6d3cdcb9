#ifndef RUNOPTS_H
#define RUNOPTS_H

/*
 * Options shared by `run`, `map` and `reduce`, their parsing, and the
 * ending every batch command shares (writing the outputs, the manifest,
 * the summary line, the exit status). Parsing prints usage errors itself
 * (this is user-facing command code) and returns EXIT_USAGE.
 */

#include <stddef.h>
#include "sources.h"
#include "batch.h"

struct run_opts {
	const char *outdir, *records, *codebook, *stopwords;
	int jobs, use_cache, strict, quiet, excel;
	size_t top_terms;
	long long max_size;
	size_t shard, shards;
	struct sandbox_limits limits;
	char **paths;
	size_t nr_paths;
};

enum runopt_cmd { RUNOPT_RUN, RUNOPT_MAP, RUNOPT_REDUCE };

/* Returns 0 to go on, EXIT_USAGE on a usage error, -1 after --help. */
int runopts_parse(struct run_opts *o, enum runopt_cmd which, int argc,
		  char **argv);

struct reduce_counts;

/* The one-line summary on stderr (unless quiet). */
void runopts_summary(const struct run_opts *o, const struct source_list *l,
		     const struct reduce_counts *c, double secs);
/* 0 all processed, 1 some failed, 3 every document failed. */
int runopts_exit_status(const struct source_list *l, const struct reduce_counts *c);
/* Prints a "skipping" line for sources that turned to error since `before`
 * (NULL entries were not errors then). */
void runopts_report_late_errors(const struct source_list *l, const char **before);

#endif
