#ifndef STORE_H
#define STORE_H

/*
 * The record store beside record.c: looking a document's record up in the
 * records folder, the index files of map/reduce, and pruning. Records
 * themselves (their format, checksum, reading and writing) are record.c's.
 */

#include <stddef.h>
#include "sources.h"
#include "util.h"

struct analyzer;

/* The record at path (record_name() in the records folder) under config:
 * STORE_HIT when it is there (its time is touched when a day old, so
 * pruning keeps it),
 * STORE_MISS when there is none, STORE_DAMAGED when it fails its checks
 * (it is removed; err says why, for the caller to tell). With verify, the
 * record is read whole first (record_check: checksum, version, numbers);
 * without, a non-empty regular file is taken as it is, for a caller that
 * reads every record afterwards anyway (reduce checks each as it reads it)
 * and makes a damaged one again then (store_discard). */
enum { STORE_MISS, STORE_HIT, STORE_DAMAGED };
int store_lookup(const char *path, const char *config, char *const *theme_ids,
		 size_t nr_themes, int verify, struct doc_error *err);
/* Removes the record `name` from dir (found damaged), so the next lookup
 * misses and its document is analysed again. */
void store_discard(const char *dir, const char *name);

/* Removes from dir the temporary files revmine writes ("*.tmp.PID") that
 * are at least temp_age seconds old (0: all; only safe in a folder whose
 * lock is held), and records ("*.rec") not written or used for record_age
 * seconds (0: none; looked over at most every STORE_PRUNE_EVERY seconds),
 * whatever their configuration: a run never removes the fresh records of
 * another configuration. */
#define STORE_RECORD_MAX_AGE (30.0 * 86400)
/* Records are looked over for their age at most this often (the time of
 * dir/prune.stamp); a record used is renewed when it is this old. */
#define STORE_PRUNE_EVERY 86400.0
#define STORE_TOUCH_AGE 86400.0
#define STORE_TEMP_MAX_AGE 3600.0
void store_prune(const char *dir, double temp_age, double record_age);

/* Index files: DIR/index-K-of-N.csv lists a shard's sources and results. */
int store_write_index(const struct source_list *l, const char *dir,
		      const char *config, const struct analyzer *a,
		      size_t shard, size_t shards, struct doc_error *err);
/* Reads every index file in dir into l (sorted by path, one entry per
 * path); fills the theme ids, rule and config they were made with.
 * theme_ids is a NULL-terminated array the caller frees with g_strfreev. */
int store_read_index(const char *dir, struct source_list *l, char **config,
		     char ***theme_ids, unsigned *min_lr, unsigned *min_any,
		     struct doc_error *err);

#endif
