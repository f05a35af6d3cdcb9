#ifndef RUNOPTS_H
#define RUNOPTS_H

/*
 * Options shared by `run`, `map` and `reduce` and their parsing
 * (runopts.c), and what the three do with them (batchflow.c): the sources,
 * the batch, the lock, and the ending run and reduce share (writing the
 * outputs, the manifest, the summary line, the exit status). This is
 * command code: it prints its own messages.
 */

#include <stddef.h>
#include "sources.h"
#include "batch.h"

struct run_opts {
	const char *cmd; /* run, map or reduce: the first word of messages */
	const char *outdir, *records, *codebook, *stopwords, *model;
	const char *metadata, *group_by;
	int no_model;
	int jobs, use_cache, strict, quiet, excel, keep_names, xlsx;
	int allow_empty, replace, no_wait;
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
struct reduce_options;
struct manifest;
struct analyzer;

/*
 * The end that run and reduce share (with the output folder locked):
 * finish or clear what a killed run left, reduce the records to every CSV,
 * report documents that turned to errors there, write the manifest (the
 * caller fills m's command, arguments, codebook and map timing; counts,
 * sources and the rest are filled here), publish them all at once (csvio.h)
 * and say the summary. Nothing is published, and EXIT_FATAL returned, when
 * no document was found or every one failed (unless --allow-empty), or when
 * more than half of the documents published before would be dropped
 * (unless --replace). t0: when the command started. Returns the exit status.
 * With rb (run), the documents whose cached record reduce finds damaged
 * are analysed again (said: "rebuilding the record of ...") and reduce
 * runs once more; without (reduce), they are error rows. With rb->beside
 * (run), the batch itself runs here, reduce beside it in a second thread
 * (reduce.h wait_doc); m->seconds_map is then set here.
 */
struct runopts_rebuild {
	struct analyzer *a;
	const char *config, *records;
	int beside;
	/* run: the inputs' hashes (sources.h), used by its batch over every
	 * document and written to RECORDS/RUNOPTS_MEMO after it; or NULL */
	struct hash_memo *hashes;
};
#define RUNOPTS_MEMO "inputs.state"
int runopts_finish(const struct run_opts *o, struct source_list *l,
		   const struct reduce_options *ro, struct manifest *m, double t0,
		   const struct runopts_rebuild *rb);

/* Locks the output folder for the rest of the process (flock on
 * DIR/.lock): waits for another run holding it, saying so, or with
 * --no-wait fails at once. 0, or EXIT_FATAL (reported). */
int runopts_lock(const struct run_opts *o);

/* The analyzer of the options' codebook and stopwords (or the defaults);
 * *cb and *sw get the paths used (caller frees). On error prints it and
 * returns NULL (exit status 2). */
struct analyzer *runopts_analyzer(const struct run_opts *o, char **cb, char **sw);
/* Says the codebook's warnings (a pattern that looks like a regular
 * expression), each prefixed with "cmd: " when cmd is given. */
void runopts_codebook_warnings(const struct analyzer *a, const char *cmd);
/* Creates dir if needed; 0 when it is writable, else says so (naming it
 * as `what`) and returns EXIT_FATAL. */
int runopts_writable(const char *dir, const char *what);

/* Lists the documents of o->paths (default corpus/) into l and reports the
 * inputs of this shard that cannot be taken. */
void runopts_sources(struct run_opts *o, struct source_list *l);
/* Runs the batch of this shard with records in `records`: 0, or EXIT_FATAL
 * (reported) when --strict stopped it. trust_cache: records found are
 * taken without reading them (batch_options), for run, whose reduce reads
 * and checks each one. */
int runopts_batch(const struct run_opts *o, struct source_list *l,
		  struct analyzer *a, const char *config, const char *records,
		  int trust_cache);

struct docvars;
/* Loads --metadata into dv (empty without it) and checks --group-by names
 * folder or one of its columns: 0, or EXIT_USAGE (said). */
int runopts_docvars(const struct run_opts *o, struct docvars *dv);

/* The one-line summary on stderr (unless quiet). */
void runopts_summary(const struct run_opts *o, const struct source_list *l,
		     const struct reduce_counts *c, double secs);
/* 0 all processed, 1 some failed, 3 every document failed. */
int runopts_exit_status(const struct source_list *l, const struct reduce_counts *c);

#endif
