#ifndef BATCH_H
#define BATCH_H

/*
 * The map side of a run: every pending document of a source list is hashed,
 * looked up in the records folder, and otherwise extracted, segmented and
 * analysed by one of a pool of `jobs` long-lived sandboxed worker
 * processes, which writes its record. Each source ends with status ok, warning or error and, unless
 * error, the name of its record (the record store: store.h). Sources and
 * analyzer stay the caller's.
 */

#include <stddef.h>
#include "sources.h"
#include "sandbox.h"

struct analyzer;

struct batch_options {
	const char *records_dir;
	int jobs;
	int use_cache;   /* reuse existing records */
	int trust_cache; /* without reading them first (store_lookup) */
	int strict;      /* stop at the first failed document */
	/* The inputs' hashes of the last run (sources.h), or NULL: a file
	 * whose stat is the one remembered is not read to look its record
	 * up; every file hashed is noted in it. */
	struct hash_memo *hashes;
	struct sandbox_limits limits;
	/* What the user may want to see, for the command to show (the engine
	 * prints nothing); either may be NULL. on_progress: documents done of
	 * total and the rate per second so far, at most five times a second,
	 * and once with final set when the batch ends. on_message: a line such
	 * as "skipping 'a.pdf': extract: no text layer". */
	void (*on_progress)(void *ctx, size_t done, size_t total, double rate, int final);
	void (*on_message)(void *ctx, const char *msg);
	void *ctx;
	/* When set, called as each document becomes final (done, failed,
	 * skipped or taken from the cache), from the thread running the
	 * batch; after it the batch neither reads nor writes that source. */
	void (*on_final)(void *ctx, size_t idx);
	void *final_ctx;
	/* A reduce in this process takes the records: workers may hand them
	 * over in memory (record.h; source.in_memory) while there is room. */
	int records_in_memory;
};

/* The hash that names records: analysis configuration, the word list
 * and this binary; the SHA-256 of these two files is taken from m (may be
 * NULL) when their stat is the one remembered there, and noted in it
 * otherwise. */
char *batch_config_hash(const struct analyzer *a, struct hash_memo *m);

/* Processes sources whose index i satisfies i % shards == shard (a
 * source handed to a worker whose record was not there gets fresh set). Returns 0,
 * or -1 when strict mode stopped at a failure. Tells on_message of each
 * failed document and each record rebuilt. */
int batch_run(struct source_list *l, struct analyzer *a, const char *config,
	      const struct batch_options *o, size_t shard, size_t shards);

#endif
