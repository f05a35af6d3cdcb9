/*
 * revmine map: the worker half of a run for one shard of the inputs
 * (documents i with i mod N == K-1 in path order), writing records and the
 * shard's index file into a records folder that `reduce` reads later. Many
 * machines can map shards of the same inputs into shared storage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include "util.h"
#include "cmds.h"
#include "runopts.h"
#include "analyze.h"
#include "batch.h"
#include "store.h"
#include "paths.h"
#include "themetab.h"
#include "banned.h"

int cmd_map(int argc, char **argv)
{
	struct run_opts o;
	struct source_list l = { 0 };
	struct doc_error err = { 0 };
	struct analyzer *a = NULL;
	struct themetab tab = { 0 };
	char *config = NULL, *cb = NULL, *sw = NULL;
	size_t i, mine = 0, failed = 0;
	int rc;

	rc = runopts_parse(&o, RUNOPT_MAP, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	a = runopts_analyzer(&o, &cb, &sw);
	if (!a) {
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = runopts_writable(o.records, "records folder")))
		goto out;
	config = batch_config_hash(a, NULL);
	/* shared by concurrent shards: only temporary files surely abandoned */
	store_prune(o.records, STORE_TEMP_MAX_AGE, 0);
	runopts_sources(&o, &l);
	if ((rc = runopts_batch(&o, &l, a, config, o.records, 0)))
		goto out;
	themetab_from_codebook(&tab, analyzer_codebook(a));
	if (themetab_write(&tab, o.records, config, &err) ||
	    store_write_index(&l, o.records, config, a, o.shard, o.shards, &err)) {
		say("%s", err.msg);
		rc = EXIT_FATAL;
		goto out;
	}
	for (i = 0; i < l.nr; i++) {
		if (i % o.shards != o.shard)
			continue;
		mine++;
		failed += l.items[i].status == SOURCE_ERROR;
	}
	if (!o.quiet)
		fprintf(stderr, "revmine: shard %zu/%zu: %zu documents (%zu error) -> %s/\n",
			o.shard + 1, o.shards, mine, failed, o.records);
	rc = mine && failed == mine ? EXIT_FATAL : failed ? EXIT_PARTIAL : EXIT_OK;
out:
	themetab_release(&tab);
	free(config);
	free(cb);
	free(sw);
	source_list_release(&l);
	analyzer_free(a);
	return rc;
}
