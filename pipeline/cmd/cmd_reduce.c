/*
 * revmine reduce: every CSV and the manifest from a records folder filled
 * by one or more `map` shards. It never opens a document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glib.h>
#include "util.h"
#include "cmds.h"
#include "runopts.h"
#include "batch.h"
#include "store.h"
#include "reduce.h"
#include "manifest.h"
#include "themetab.h"
#include "docvars.h"
#include "banned.h"

int cmd_reduce(int argc, char **argv)
{
	struct run_opts o;
	struct reduce_options ro;
	struct manifest m;
	struct source_list l = { 0 };
	struct doc_error err = { 0 };
	char *config = NULL;
	char **ids = NULL;
	struct themetab tab = { 0 };
	struct docvars dv = { 0 };
	double t0 = now_seconds();
	int rc;

	memset(&ro, 0, sizeof(ro));
	rc = runopts_parse(&o, RUNOPT_REDUCE, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = runopts_docvars(&o, &dv)))
		goto out;
	if (store_read_index(o.records, &l, &config, &ids, &ro.min_lr, &ro.min_any, &err)) {
		say("%s", err.msg);
		rc = EXIT_USAGE;
		goto out;
	}
	ro.outdir = o.outdir;
	ro.records_dir = o.records;
	ro.config = config;
	ro.theme_ids = ids;
	ro.nr_themes = g_strv_length(ids);
	/* labels and groups from the table map left beside the records;
	 * without it (or when it disagrees), the ids stand for them */
	if (!themetab_read(&tab, o.records, config)) {
		size_t i;

		for (i = 0; i < tab.nr && i < ro.nr_themes; i++)
			if (strcmp(tab.ids[i], ids[i]))
				break;
		if (tab.nr == ro.nr_themes && i == tab.nr)
			ro.tab = &tab;
	}
	ro.keep_names = o.keep_names;
	ro.vars = o.metadata ? &dv : NULL;
	ro.group_by = o.group_by;
	ro.top_terms = o.top_terms;
	ro.excel = o.excel;
	if ((rc = runopts_writable(o.outdir, "output folder")) || (rc = runopts_lock(&o)))
		goto out;
	memset(&m, 0, sizeof(m));
	m.command = "reduce";
	m.argc = argc;
	m.argv = argv;
	m.config = config;
	rc = runopts_finish(&o, &l, &ro, &m, t0, NULL);
out:
	themetab_release(&tab);
	docvars_release(&dv);
	g_strfreev(ids);
	free(config);
	source_list_release(&l);
	return rc;
}
