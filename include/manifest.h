#ifndef MANIFEST_H
#define MANIFEST_H

/*
 * manifest.json, written last into the output folder (temporary name, then
 * rename): what made the outputs (version, options, codebook and stopword
 * hashes), how much there was (counts), how long it took (timings) and
 * which documents failed and why. The caller owns everything passed in.
 */

#include <time.h>
#include "sources.h"
#include "reduce.h"
#include "util.h"

struct manifest {
	const char *command;       /* "run" or "reduce" */
	char **argv;               /* the subcommand's arguments */
	int argc;
	const char *codebook, *codebook_hash;
	const char *stopwords, *stopwords_hash;
	const char *model, *model_hash; /* NULL: the rules alone */
	const char *config;
	const char *date;          /* of the run, "YYYY-MM-DDTHH:MM:SSZ" (UTC) */
	unsigned min_lr, min_any;  /* the document rule */
	int jobs;
	int xlsx;                  /* revmine.xlsx was written */
	size_t unsupported;
	double seconds_map, seconds_reduce, seconds_total;
	double peak_rss_mib; /* the parent's peak resident memory (getrusage) */
	const struct reduce_counts *counts;
	const struct source_list *sources;
};

/* The date of a run now (UTC; SOURCE_DATE_EPOCH when set), into buf. */
void manifest_date(char *buf, size_t size);
/* The same instant as a time_t. */
time_t manifest_now(void);

int manifest_write(const char *outdir, const struct manifest *m,
		   struct doc_error *err);

#endif
