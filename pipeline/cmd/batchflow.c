/*
 * What run, map and reduce do once their options are parsed (runopts.c):
 * the analyzer of the options, the sources, the batch with its progress
 * line, the output folder's lock, and the ending run and reduce share
 * (reduce, refuse to replace good outputs by accident, report, manifest,
 * publish all at once, summary line, exit status).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>
#include <glib.h>
#include "util.h"
#include "version.h"
#include "runopts.h"
#include "cmds.h"
#include "reduce.h"
#include "record.h"
#include "manifest.h"
#include "batch.h"
#include "store.h"
#include "analyze.h"
#include "codebook.h"
#include "paths.h"
#include "html_report.h"
#include "csvio.h"
#include "docvars.h"
#include "xlsx_out.h"
#include "extract.h"
#include "wordlist.h"
#include "sandbox.h"
#include "banned.h"

void runopts_summary(const struct run_opts *o, const struct source_list *l,
		    const struct reduce_counts *c, double secs)
{
	if (!l->nr)
		say("no documents found (" EXTRACT_EXTENSIONS ")");
	if (o->quiet)
		return;
	fprintf(stderr, "revmine: %zu documents (%zu ok, %zu warning, %zu error)",
		l->nr, c->ok, c->warning, c->error);
	if (l->unsupported)
		fprintf(stderr, ", %zu files skipped as unsupported", l->unsupported);
	fprintf(stderr, ", %lu passages, %lu terms -> %s/ in %.1f s\n",
		c->passages, c->terms, o->outdir, secs);
}

int runopts_exit_status(const struct source_list *l, const struct reduce_counts *c)
{
	if (l->nr && c->error == l->nr)
		return EXIT_FATAL;
	return c->error ? EXIT_PARTIAL : EXIT_OK;
}


/* What reduce found broken: with a list, documents whose record failed
 * its checks go there, to be made again; the others are said at once. */
struct late_errors {
	const struct source_list *l;
	GArray *damaged; /* indices in l, or NULL */
};

/* reduce_options.on_error: a document whose record could not be read */
static void late_error(void *ctx, const struct source *s)
{
	struct late_errors *le = ctx;

	if (le->damaged && s->stage && !strcmp(s->stage, "record")) {
		size_t i = (size_t)(s - le->l->items);

		g_array_append_val(le->damaged, i);
		return;
	}
	say("skipping '%s': %s: %s", s->path, s->stage ? s->stage : "error",
	    s->message ? s->message : "");
}

/* The damaged records reduce found are removed and their documents
 * analysed again: 0, or the exit status of a batch that stopped. */
static int rebuild(const struct run_opts *o, struct source_list *l,
		   const struct runopts_rebuild *rb, GArray *damaged)
{
	guint k;

	for (k = 0; k < damaged->len; k++) {
		struct source *s = &l->items[g_array_index(damaged, size_t, k)];

		say("rebuilding the record of '%s': %s", s->path, s->message);
		store_discard(rb->records, s->record);
		free(s->record);
		free(s->stage);
		free(s->message);
		s->record = s->stage = s->message = NULL;
		s->status = SOURCE_PENDING;
	}
	return runopts_batch(o, l, rb->a, rb->config, rb->records, 1);
}

int runopts_docvars(const struct run_opts *o, struct docvars *dv)
{
	struct doc_error err = { 0 };

	memset(dv, 0, sizeof(*dv));
	if (o->metadata && docvars_load(dv, o->metadata, &err)) {
		say("%s", err.msg);
		return EXIT_USAGE;
	}
	if (o->group_by && strcmp(o->group_by, "folder") &&
	    (!o->metadata || docvars_col(dv, o->group_by) < 0)) {
		say("--group-by: '%s' is not 'folder' nor a column of the --metadata file",
		    o->group_by);
		return EXIT_USAGE;
	}
	return 0;
}

/* Metadata rows that matched no document, and documents without a row. */
static void report_metadata_use(const struct docvars *dv)
{
	size_t i, none = 0, first = 0;

	for (i = 0; i < dv->rows->len; i++)
		if (!dv->used[i] && none++ == 0)
			first = i;
	if (none)
		say("metadata: %zu row%s of '%s' match%s no document (first: '%s')", none,
		    none == 1 ? "" : "s", dv->path, none == 1 ? "es" : "", dv->keys[first]);
}

struct analyzer *runopts_analyzer(const struct run_opts *o, char **cb, char **sw)
{
	struct doc_error err = { 0 };
	struct analyzer *a;
	const char *c = o->codebook, *s = o->stopwords, *m = o->model;

	data_paths_resolve(&c, &s, &m, o->no_model);
	*cb = xstrdup(c);
	*sw = xstrdup(s);
	a = analyzer_new(c, s, m, &err);
	if (!a)
		say("%s: %s", o->cmd, err.msg);
	else
		runopts_codebook_warnings(a, NULL);
	return a;
}

void runopts_codebook_warnings(const struct analyzer *a, const char *cmd)
{
	const struct codebook *cb = a ? analyzer_codebook(a) : NULL;
	size_t i;

	for (i = 0; cb && i < cb->nr_warnings; i++)
		say("%s%swarning: %s", cmd ? cmd : "", cmd ? ": " : "", cb->warnings[i]);
}

int runopts_writable(const char *dir, const char *what)
{
	errno = 0;
	if (g_mkdir_with_parents(dir, 0777) || access(dir, W_OK)) {
		say("cannot write to %s '%s': %s", what, dir,
		    errno ? strerror(errno) : "not a writable folder");
		return EXIT_FATAL;
	}
	return 0;
}

void runopts_sources(struct run_opts *o, struct source_list *l)
{
	static char *default_paths[] = { "corpus" };
	size_t i;

	if (!o->nr_paths) {
		o->paths = default_paths;
		o->nr_paths = 1;
	}
	sources_collect(o->paths, o->nr_paths, o->max_size, l);
	for (i = 0; i < l->nr; i++)
		if (i % o->shards == o->shard && l->items[i].status == SOURCE_ERROR)
			say("skipping '%s': %s: %s", l->items[i].path,
			    l->items[i].stage, l->items[i].message);
}

/* The records this run wrote (not found in the cache before it), so a
 * run whose outputs cannot be published (a full disk) takes them away
 * again rather than leave them filling the cache. */
static struct {
	char *dir;
	GPtrArray *names;
} fresh;

/* Takes the records the batch just wrote (fresh) into the list. */
static void note_fresh_records(const char *dir, struct source_list *l)
{
	size_t i;

	if (!fresh.names)
		fresh.names = g_ptr_array_new_with_free_func(g_free);
	g_free(fresh.dir);
	fresh.dir = g_strdup(dir);
	for (i = 0; i < l->nr; i++) {
		if (l->items[i].record && l->items[i].fresh)
			g_ptr_array_add(fresh.names, g_strdup(l->items[i].record));
		l->items[i].fresh = 0;
	}
}

/* After a failed publish: removes the records this run wrote. */
static void drop_fresh_records(void)
{
	guint i;

	for (i = 0; fresh.names && i < fresh.names->len; i++) {
		char *p = g_build_filename(fresh.dir, fresh.names->pdata[i], NULL);

		unlink(p);
		g_free(p);
	}
	if (fresh.names && fresh.names->len)
		say("the %u new cache record%s of this run removed", fresh.names->len,
		    fresh.names->len == 1 ? "" : "s");
	if (fresh.names)
		g_ptr_array_set_size(fresh.names, 0);
}

static int batch_with(const struct run_opts *o, struct source_list *l,
		      struct analyzer *a, const char *config, const char *records,
		      int trust_cache, struct hash_memo *memo, void (*on_final)(void *, size_t),
		      void *final_ctx)
{
	struct batch_options bo;
	int rc;

	bo.records_dir = records;
	bo.jobs = o->jobs;
	bo.use_cache = o->use_cache;
	bo.trust_cache = trust_cache;
	bo.strict = o->strict;
	bo.hashes = memo;
	bo.limits = o->limits;
	bo.on_progress = !o->quiet && isatty(2) ? term_progress : NULL;
	bo.on_message = term_message;
	bo.ctx = NULL;
	bo.on_final = on_final;
	bo.final_ctx = final_ctx;
	/* a reduce beside the batch writes the records itself */
	bo.records_in_memory = on_final != NULL;
	rc = batch_run(l, a, config, &bo, o->shard, o->shards);
	note_fresh_records(records, l);
	if (memo) {
		char *p = g_build_filename(records, RUNOPTS_MEMO, NULL);

		/* one that cannot be written only makes the next run read more */
		hash_memo_write(memo, p);
		g_free(p);
	}
	if (rc) {
		say("stopping: --strict and a document failed");
		return EXIT_FATAL;
	}
	return 0;
}

int runopts_batch(const struct run_opts *o, struct source_list *l,
		  struct analyzer *a, const char *config, const char *records,
		  int trust_cache)
{
	return batch_with(o, l, a, config, records, trust_cache, NULL, NULL, NULL);
}

/* The documents the batch is done with, for a reduce running beside it. */
struct finals {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	const struct source_list *l;
	unsigned char *done; /* per document */
	GArray *errors;      /* documents reduce turned to errors, told after */
};

static void finals_mark(void *ctx, size_t d)
{
	struct finals *f = ctx;

	pthread_mutex_lock(&f->lock);
	f->done[d] = 1;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

static void finals_wait(void *ctx, size_t d)
{
	struct finals *f = ctx;

	pthread_mutex_lock(&f->lock);
	while (!f->done[d])
		pthread_cond_wait(&f->cond, &f->lock);
	pthread_mutex_unlock(&f->lock);
}

/* reduce's on_error beside the batch: said once both are over */
static void finals_error(void *ctx, const struct source *s)
{
	struct finals *f = ctx;
	size_t i = (size_t)(s - f->l->items);

	g_array_append_val(f->errors, i);
}

struct beside {
	struct source_list *l;
	const struct reduce_options *ro;
	struct reduce_counts *counts;
	struct doc_error *err;
	int rc;
};

static gpointer reduce_main(gpointer data)
{
	struct beside *b = data;

	b->rc = reduce_write(b->l, b->ro, b->counts, b->err);
	return NULL;
}

/*
 * run: the batch in this thread and reduce in another, which takes each
 * record as soon as the batch is done with its document, in the documents'
 * order, so the outputs are those of a reduce after the batch. Returns
 * reduce's result (err filled); *batch_rc gets the batch's (EXIT_FATAL
 * when --strict stopped it) and *t_batch when it ended.
 */
static int reduce_beside_batch(const struct run_opts *o, struct source_list *l,
			       const struct runopts_rebuild *rb,
			       const struct reduce_options *rw,
			       struct reduce_counts *counts, struct doc_error *err,
			       int *batch_rc, double *t_batch)
{
	struct reduce_options ro = *rw;
	struct finals f;
	struct beside b = { l, &ro, counts, err, 0 };
	GThread *t;
	size_t i;
	guint k;

	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.cond, NULL);
	f.l = l;
	f.done = xcalloc(l->nr + 1, 1);
	f.errors = g_array_new(FALSE, FALSE, sizeof(size_t));
	for (i = 0; i < l->nr; i++)
		f.done[i] = l->items[i].status != SOURCE_PENDING;
	ro.wait_doc = finals_wait;
	ro.wait_ctx = &f;
	ro.on_error = finals_error;
	ro.ctx = &f;
	/* the word list is loaded by whichever needs it first: reduce (the
	 * names) or the batch, before it forks a worker */
	t = sandbox_gate_thread_new("reduce", reduce_main, &b);
	/* run's one batch over every document keeps the inputs' hashes (a
	 * batch that makes damaged records again sees only those) */
	*batch_rc = batch_with(o, l, rb->a, rb->config, rb->records, 1, rb->hashes,
			       finals_mark, &f);
	*t_batch = now_seconds();
	/* what --strict left undone is final too: reduce makes it an error */
	pthread_mutex_lock(&f.lock);
	memset(f.done, 1, l->nr);
	pthread_cond_broadcast(&f.cond);
	pthread_mutex_unlock(&f.lock);
	g_thread_join(t);
	/* records a reduce that stopped early did not take */
	for (i = 0; i < l->nr; i++)
		if (l->items[i].in_memory) {
			record_mem_release(l->items[i].record_fd, l->items[i].record_bytes);
			l->items[i].in_memory = 0;
		}
	for (k = 0; !*batch_rc && rw->on_error && k < f.errors->len; k++)
		rw->on_error(rw->ctx, &l->items[g_array_index(f.errors, size_t, k)]);
	g_array_free(f.errors, TRUE);
	free(f.done);
	pthread_cond_destroy(&f.cond);
	pthread_mutex_destroy(&f.lock);
	return b.rc;
}

int runopts_lock(const struct run_opts *o)
{
	static int fd = -1;
	char *p;

	if (fd >= 0)
		return 0;
	p = g_build_filename(o->outdir, ".lock", NULL);
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		say("cannot create the lock file '%s': %s", p, strerror(errno));
		g_free(p);
		return EXIT_FATAL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK) {
			say("cannot lock '%s': %s", p, strerror(errno));
		} else if (o->no_wait) {
			say("output folder '%s' is in use by another run (--no-wait)", o->outdir);
		} else {
			say("output folder '%s' is in use by another run; waiting for it to finish",
			    o->outdir);
			while (flock(fd, LOCK_EX) && errno == EINTR)
				;
			g_free(p);
			return 0;
		}
		close(fd);
		fd = -1;
		g_free(p);
		return EXIT_FATAL;
	}
	g_free(p);
	return 0;
}

/* Documents published (status ok or warning) in the documents.csv at path;
 * their ids go into ids when given, and those found in keep are counted
 * in *kept. -1 when there is no such file. */
static long published(const char *path, GHashTable *ids, GHashTable *keep,
		      long *kept)
{
	struct doc_error err = { 0 };
	struct csv_in *c;
	char **f;
	size_t n, i, id_col = (size_t)-1, st_col = (size_t)-1;
	long count = 0;

	if (access(path, F_OK) || !(c = csv_in_open(path, &err)))
		return -1;
	if (csv_in_next(c, &f, &n, &err) > 0)
		for (i = 0; i < n; i++) {
			if (!strcmp(f[i], "doc_id"))
				id_col = i;
			else if (!strcmp(f[i], "status"))
				st_col = i;
		}
	while (id_col != (size_t)-1 && st_col != (size_t)-1 &&
	       csv_in_next(c, &f, &n, &err) > 0) {
		if (n <= id_col || n <= st_col ||
		    (strcmp(f[st_col], "ok") && strcmp(f[st_col], "warning")))
			continue;
		count++;
		if (ids)
			g_hash_table_add(ids, g_strdup(f[id_col]));
		if (keep && kept && g_hash_table_contains(keep, f[id_col]))
			(*kept)++;
	}
	csv_in_close(c);
	return count;
}

/* Says why the new outputs would replace good ones by accident, or NULL.
 * old_ids: the documents published before (NULL: none), before: their
 * number. */
static char *refusal(const struct run_opts *o, const struct source_list *l,
		     const struct reduce_counts *c, GHashTable *old_ids, long before)
{
	char *new_path;
	const char *pending;
	long kept = 0;

	if (!l->nr && !o->allow_empty)
		return xstrfmt("no documents found (.pdf, .docx, .html, .htm, .txt, .text or .md)");
	if (l->nr && c->error == l->nr && !o->allow_empty)
		return xstrfmt("every document failed");
	if (o->replace || (o->allow_empty && (!l->nr || c->error == l->nr)) ||
	    before <= 0 || !old_ids)
		return NULL;
	new_path = g_build_filename(o->outdir, "documents.csv", NULL);
	pending = csv_publish_pending(new_path);
	g_free(new_path);
	if (!pending)
		return NULL;
	published(pending, NULL, old_ids, &kept);
	if (2 * (before - kept) > before)
		return xstrfmt("%ld of the %ld documents published in '%s' would be dropped "
			       "(--replace to publish anyway)", before - kept, before,
			       o->outdir);
	return NULL;
}

int runopts_finish(const struct run_opts *o, struct source_list *l,
		   const struct reduce_options *ro, struct manifest *m, double t0,
		   const struct runopts_rebuild *rb)
{
	struct reduce_counts counts;
	struct doc_error err = { 0 };
	double t1 = now_seconds();
	struct html_info hi;
	char date[32];
	char *no;
	GHashTable *old_ids = NULL;
	long old_nr = -1;
	int rc = EXIT_FATAL;
	struct reduce_options rw = *ro;
	struct late_errors le = { l, rb ? g_array_new(FALSE, FALSE, sizeof(size_t)) : NULL };
	int beside = rb && rb->beside, red;

	rw.on_error = late_error;
	rw.ctx = &le;

	/* The folder is locked: what a killed run left is finished or removed. */
	if (csv_publish_recover(o->outdir, &err)) {
		say("%s", err.msg);
		goto out;
	}
	store_prune(o->outdir, 0, 0);
	if (!o->replace) {
		char *p = g_build_filename(o->outdir, "documents.csv", NULL);

		old_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		old_nr = published(p, old_ids, NULL, NULL);
		g_free(p);
	}
again:
	csv_publish_begin(o->outdir);
	if (beside) {
		int brc;
		double tb;

		beside = 0;
		red = reduce_beside_batch(o, l, rb, &rw, &counts, &err, &brc, &tb);
		m->seconds_map = tb - t0;
		t1 = tb;
		if (brc) {
			csv_publish_abort();
			rc = brc;
			goto out;
		}
	} else {
		red = reduce_write(l, &rw, &counts, &err);
	}
	if (red) {
		say("%s", err.msg);
		csv_publish_abort();
		drop_fresh_records();
		goto out;
	}
	if (le.damaged && le.damaged->len) {
		/* once: a record written again and still refused is an error */
		csv_publish_abort();
		rc = rebuild(o, l, rb, le.damaged);
		g_array_free(le.damaged, TRUE);
		le.damaged = NULL;
		if (rc)
			goto out;
		rc = EXIT_FATAL;
		goto again;
	}
	if (ro->vars && ro->vars->rows)
		report_metadata_use(ro->vars);
	if ((no = refusal(o, l, &counts, old_ids, old_nr))) {
		csv_publish_abort();
		say("not publishing: %s; the outputs in '%s' are left as they were%s", no,
		    o->outdir, strstr(no, "--replace") ? "" : " (--allow-empty to publish anyway)");
		free(no);
		goto out;
	}
	manifest_date(date, sizeof(date));
	m->date = date;
	m->min_lr = ro->min_lr;
	m->min_any = ro->min_any;
	memset(&hi, 0, sizeof(hi));
	hi.date = date;
	hi.command = m->command;
	hi.version = REVMINE_VERSION;
	hi.codebook = m->codebook;
	hi.codebook_hash = m->codebook_hash;
	hi.config = m->config;
	hi.min_lr = ro->min_lr;
	hi.min_any = ro->min_any;
	/* reads the CSVs of this publish (csv_in_open sees them) */
	if (html_report_write(o->outdir, &hi, &err) ||
	    (o->xlsx && xlsx_write(o->outdir, manifest_now(), &err))) {
		csv_publish_abort();
		say("%s", err.msg);
		drop_fresh_records();
		goto out;
	}
	m->xlsx = o->xlsx;
	m->unsupported = l->unsupported;
	m->seconds_reduce = now_seconds() - t1;
	m->seconds_total = now_seconds() - t0;
	{
		struct rusage ru;

		m->peak_rss_mib = getrusage(RUSAGE_SELF, &ru) ? 0 : (double)ru.ru_maxrss / 1024.0;
	}
	m->counts = &counts;
	m->sources = l;
	/* the manifest is committed last, so it is renamed last */
	if (manifest_write(o->outdir, m, &err) || csv_publish_end(&err)) {
		csv_publish_abort();
		say("%s", err.msg);
		drop_fresh_records();
		goto out;
	}
	/* the state points into the files now published; a run that cannot
	 * write it only makes the next one do all the work */
	reduce_state_commit(o->outdir);
	runopts_summary(o, l, &counts, now_seconds() - t0);
	rc = runopts_exit_status(l, &counts);
out:
	reduce_state_drop();
	if (le.damaged)
		g_array_free(le.damaged, TRUE);
	if (old_ids)
		g_hash_table_destroy(old_ids);
	return rc;
}
