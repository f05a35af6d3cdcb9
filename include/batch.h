#ifndef BATCH_H
#define BATCH_H

/*
 * The map side of a run: every pending document of a source list is hashed,
 * looked up in the records folder, and otherwise extracted, segmented and
 * analysed by one of a pool of `jobs` long-lived sandboxed worker
 * processes, which writes its record. Each source ends with status ok, warning or error and, unless
 * error, the name of its record. Also the index files that carry a shard's
 * source list from `map` to `reduce`. Sources and analyzer stay the
 * caller's.
 */

#include <stddef.h>
#include "sources.h"
#include "sandbox.h"

struct analyzer;

struct batch_options {
	const char *records_dir;
	int jobs;
	int use_cache;   /* reuse existing records */
	int strict;      /* stop at the first failed document */
	struct sandbox_limits limits;
	/* What the user may want to see, for the command to show (the engine
	 * prints nothing); either may be NULL. on_progress: documents done of
	 * total and the rate per second so far, at most five times a second,
	 * and once with final set when the batch ends. on_message: a line such
	 * as "skipping 'a.pdf': extract: no text layer". */
	void (*on_progress)(void *ctx, size_t done, size_t total, double rate, int final);
	void (*on_message)(void *ctx, const char *msg);
	void *ctx;
};

/* The hash that names records: analysis configuration plus this binary. */
char *batch_config_hash(const struct analyzer *a);

/* Processes sources whose index i satisfies i % shards == shard. Returns 0,
 * or -1 when strict mode stopped at a failure. Tells on_message of each
 * failed document and each record rebuilt. */
int batch_run(struct source_list *l, struct analyzer *a, const char *config,
	      const struct batch_options *o, size_t shard, size_t shards);

/* Removes from dir the temporary files revmine writes ("*.tmp.PID") that
 * are at least temp_age seconds old (0: all; only safe in a folder whose
 * lock is held), and records ("*.rec") not written or used for record_age
 * seconds (0: none), whatever their configuration: a run never removes the
 * fresh records of another configuration. */
#define BATCH_RECORD_MAX_AGE (30.0 * 86400)
#define BATCH_TEMP_MAX_AGE 3600.0
void batch_prune(const char *dir, double temp_age, double record_age);

/* Index files: DIR/index-K-of-N.csv lists a shard's sources and results. */
int batch_write_index(const struct source_list *l, const char *dir,
		      const char *config, const struct analyzer *a,
		      size_t shard, size_t shards, struct doc_error *err);
/* Reads every index file in dir into l (sorted by path, one entry per
 * path); fills the theme ids, rule and config they were made with.
 * theme_ids is a NULL-terminated array the caller frees with g_strfreev. */
int batch_read_index(const char *dir, struct source_list *l, char **config,
		     char ***theme_ids, unsigned *min_lr, unsigned *min_any,
		     struct doc_error *err);

#endif
