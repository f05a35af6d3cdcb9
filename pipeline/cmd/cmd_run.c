/*
 * revmine run: list the documents, analyse each in a sandboxed worker (or
 * take its record from the cache) while a second thread reduces the
 * records to every CSV as they come, write the manifest last, and say in
 * one line what happened.
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
#include "analyze.h"
#include "batch.h"
#include "store.h"
#include "reduce.h"
#include "manifest.h"
#include "paths.h"
#include "themetab.h"
#include "docvars.h"
#include "banned.h"

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct reduce_options ro;
	struct manifest m;
	struct runopts_rebuild rb;
	struct source_list l = { 0 };
	struct analyzer *a = NULL;
	char *config = NULL, *records = NULL, *cb = NULL, *sw = NULL, *state = NULL;
	char *memo_path = NULL;
	struct hash_memo *memo = NULL;
	char **ids = NULL;
	struct themetab tab = { 0 };
	struct docvars dv = { 0 };
	double t0 = now_seconds();
	size_t i, nth;
	int rc;

	rc = runopts_parse(&o, RUNOPT_RUN, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = runopts_docvars(&o, &dv)))
		goto out;
	a = runopts_analyzer(&o, &cb, &sw);
	if (!a) {
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = runopts_writable(o.outdir, "output folder")) || (rc = runopts_lock(&o)))
		goto out;
	records = g_build_filename(o.outdir, ".cache", NULL);
	/* the inputs' hashes of the last run (--no-cache: none, every file
	 * is read and the memo made again) */
	memo_path = g_build_filename(records, RUNOPTS_MEMO, NULL);
	memo = hash_memo_load(o.use_cache ? memo_path : NULL);
	config = batch_config_hash(a, memo);
	/* the folder is locked: every temporary record is a killed run's */
	store_prune(records, 0, STORE_RECORD_MAX_AGE);
	runopts_sources(&o, &l);
	for (i = 0; o.strict && i < l.nr; i++)
		if (l.items[i].status == SOURCE_ERROR) {
			say("stopping: --strict and a document failed");
			rc = EXIT_FATAL;
			goto out;
		}
	nth = analyzer_nr_themes(a);
	ids = xcalloc(nth + 1, sizeof(*ids));
	for (i = 0; i < nth; i++)
		ids[i] = (char *)analyzer_theme_id(a, i);
	memset(&ro, 0, sizeof(ro));
	themetab_from_codebook(&tab, analyzer_codebook(a));
	ro.tab = &tab;
	ro.keep_names = o.keep_names;
	ro.vars = o.metadata ? &dv : NULL;
	ro.group_by = o.group_by;
	ro.outdir = o.outdir;
	ro.records_dir = records;
	ro.config = config;
	ro.theme_ids = ids;
	ro.nr_themes = nth;
	analyzer_doc_rule(a, &ro.min_lr, &ro.min_any);
	ro.top_terms = o.top_terms;
	ro.excel = o.excel;
	/* unchanged documents are taken from here, not their records */
	state = g_build_filename(records, "reduce.state", NULL);
	ro.state = state;
	ro.use_state = o.use_cache;
	memset(&m, 0, sizeof(m));
	m.command = "run";
	m.argc = argc;
	m.argv = argv;
	m.codebook = cb;
	m.codebook_hash = analyzer_codebook_hash(a);
	m.stopwords = sw;
	m.stopwords_hash = analyzer_stopwords_hash(a);
	m.model = analyzer_model_path(a);
	m.model_hash = analyzer_model_hash(a);
	m.config = config;
	m.jobs = o.jobs;
	rb.a = a;
	rb.config = config;
	rb.records = records;
	rb.beside = 1; /* the batch runs in runopts_finish, reduce beside it */
	rb.hashes = memo;
	rc = runopts_finish(&o, &l, &ro, &m, t0, &rb);
out:
	themetab_release(&tab);
	docvars_release(&dv);
	free(ids);
	free(config);
	g_free(records);
	g_free(state);
	g_free(memo_path);
	hash_memo_free(memo);
	free(cb);
	free(sw);
	source_list_release(&l);
	analyzer_free(a);
	return rc;
}
