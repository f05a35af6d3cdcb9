/*
 * Option parsing for the batch commands. Numbers are checked strictly
 * (strtol with end and range checks), so "-j 4x" is a usage error rather
 * than four jobs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib.h>
#include "util.h"
#include "version.h"
#include "runopts.h"
#include "cmds.h"
#include "reduce.h"
#include "manifest.h"
#include "batch.h"
#include "analyze.h"
#include "codebook.h"
#include "paths.h"
#include "html_report.h"
#include "csvio.h"
#include "docvars.h"
#include "xlsx_out.h"
#include "extract.h"
#include "banned.h"

enum {
	OPT_STOPWORDS = 256, OPT_NO_CACHE, OPT_STRICT, OPT_TOP_TERMS, OPT_EXCEL,
	OPT_MAX_SIZE, OPT_TIMEOUT, OPT_MEMORY, OPT_SHARD, OPT_RECORDS, OPT_KEEP_NAMES,
	OPT_ALLOW_EMPTY, OPT_REPLACE, OPT_NO_WAIT, OPT_METADATA, OPT_GROUP_BY, OPT_XLSX, OPT_NO_MODEL,
};

enum { R = 1 << RUNOPT_RUN, M = 1 << RUNOPT_MAP, D = 1 << RUNOPT_REDUCE };

/* The options of run, map and reduce, and which of them each takes. */
static const struct opt_help batch_opts[] = {
	{ "--shard K/N", "process documents K, K+N, K+2N... (1-based, in path order)", M, OPT_SHARD },
	{ "--records DIR", "the records folder map writes and reduce reads (required)", M | D, OPT_RECORDS },
	{ "-o, --output DIR", "output folder (default out); run keeps records in DIR/.cache/", R | D, 'o' },
	{ "-j, --jobs N", "worker processes (default: the number of cores; 1 to 256)", R | M, 'j' },
	{ "-c, --codebook FILE", "codebook (default codebook/default.cb)", R | M, 'c' },
	{ "--stopwords FILE", "stopword list replacing stopwords/english.txt", R | M, OPT_STOPWORDS },
	{ "-m, --model FILE", "learned model (default codebook/default.model)", R | M, 'm' },
	{ "--no-model", "code with the codebook's rules alone", R | M, OPT_NO_MODEL },
	{ "--no-cache", "analyse every document again instead of reusing records", R | M, OPT_NO_CACHE },
	{ "--strict", "stop at the first document that fails (exit 3)", R | M, OPT_STRICT },
	{ "--max-size MB", "skip larger files with an error (default 512)", R | M, OPT_MAX_SIZE },
	{ "--timeout SECONDS", "wall-clock and CPU limit per document (default 300 s wall, 120 s CPU)", R | M, OPT_TIMEOUT },
	{ "--memory MB", "address-space limit per worker (default 1024)", R | M, OPT_MEMORY },
	{ "--top-terms K", "columns of doc_term_matrix.csv (default 1000)", R | D, OPT_TOP_TERMS },
	{ "--excel", "start every CSV with a UTF-8 byte-order mark, for Excel", R | D, OPT_EXCEL },
	{ "--keep-names", "keep name-like words in theme_terms.csv (left out by default)", R | D, OPT_KEEP_NAMES },
	{ "--metadata FILE.csv", "document variables, joined to documents by path", R | D, OPT_METADATA },
	{ "--group-by COLUMN", "what theme_by_group.csv compares: a --metadata column, or folder (default)", R | D, OPT_GROUP_BY },
	{ "--xlsx", "also write revmine.xlsx, every table as a sheet", R | D, OPT_XLSX },
	{ "--allow-empty", "publish even when no document was found or every one failed", R | D, OPT_ALLOW_EMPTY },
	{ "--replace", "publish even when more than half of the documents published before would go", R | D, OPT_REPLACE },
	{ "--no-wait", "fail at once (exit 3) when another run holds the output folder", R | D, OPT_NO_WAIT },
	{ "-q, --quiet", "no progress line and no summary line (errors are still said)", 0, 'q' },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_run = {
	"run", "[options] [PATH...]",
	"Analyses documents into CSVs and a report.\n"
	"Reads every .pdf, .docx, .html, .htm, .txt, .text and .md file under each PATH\n"
	"(default corpus/) and writes CSVs, report.html and manifest.json to the output folder.",
	batch_opts, R, "Exit status: 0 all done, 1 some documents skipped, 2 usage or configuration\n"
	"error, 3 fatal (outputs kept as they were). README.md has every output and column.",
};
const struct cmd_help help_map = {
	"map", "--shard K/N --records DIR [options] [PATH...]",
	"The first half of run, for a cluster: one shard's documents into records.\n"
	"Writes this shard's records and index file to the records folder (shared storage).",
	batch_opts, M, NULL,
};
const struct cmd_help help_reduce = {
	"reduce", "--records DIR [options]",
	"The second half of run: every shard's records into the outputs.",
	batch_opts, D, NULL,
};

static const struct opt_help *batch_opt(int code)
{
	const struct opt_help *h;

	for (h = batch_opts; h->flags; h++)
		if (h->code == code)
			return h;
	return NULL;
}

static int parse_shard(const char *s, size_t *k, size_t *n)
{
	unsigned long a, b;
	char extra;

	if (sscanf(s, "%lu/%lu%c", &a, &b, &extra) != 2 || !b || !a || a > b) {
		say("--shard: '%s' is not K/N with 1 <= K <= N", s);
		return -1;
	}
	*k = a - 1;
	*n = b;
	return 0;
}

static void defaults(struct run_opts *o)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->outdir = "out";
	o->jobs = cores > 0 ? (int)cores : 1;
	o->use_cache = 1;
	o->top_terms = 1000;
	o->max_size = SOURCE_MAX_SIZE_DEFAULT;
	o->shards = 1;
	sandbox_default_limits(&o->limits);
}

int runopts_parse(struct run_opts *o, enum runopt_cmd which, int argc,
		  char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "codebook", required_argument, NULL, 'c' },
		{ "stopwords", required_argument, NULL, OPT_STOPWORDS },
		{ "model", required_argument, NULL, 'm' },
		{ "no-model", no_argument, NULL, OPT_NO_MODEL },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "top-terms", required_argument, NULL, OPT_TOP_TERMS },
		{ "excel", no_argument, NULL, OPT_EXCEL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "records", required_argument, NULL, OPT_RECORDS },
		{ "keep-names", no_argument, NULL, OPT_KEEP_NAMES },
		{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
		{ "metadata", required_argument, NULL, OPT_METADATA },
		{ "group-by", required_argument, NULL, OPT_GROUP_BY },
		{ "xlsx", no_argument, NULL, OPT_XLSX },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_help *help = which == RUNOPT_RUN ? &help_run :
				      which == RUNOPT_MAP ? &help_map : &help_reduce;
	const struct opt_help *known;
	int c;
	long v;

	defaults(o);
	o->cmd = argv[0];
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:j:c:m:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->outdir = optarg; break;
		case 'j':
			if (cmd_number("-j", optarg, 1, 256, &v))
				return EXIT_USAGE;
			o->jobs = (int)v;
			break;
		case 'c': o->codebook = optarg; break;
		case OPT_STOPWORDS: o->stopwords = optarg; break;
		case 'm': o->model = optarg; break;
		case OPT_NO_MODEL: o->no_model = 1; break;
		case OPT_NO_CACHE: o->use_cache = 0; break;
		case OPT_STRICT: o->strict = 1; break;
		case OPT_TOP_TERMS:
			if (cmd_number("--top-terms", optarg, 0, 1000000, &v))
				return EXIT_USAGE;
			o->top_terms = (size_t)v;
			break;
		case OPT_EXCEL: o->excel = 1; break;
		case OPT_KEEP_NAMES: o->keep_names = 1; break;
		case OPT_ALLOW_EMPTY: o->allow_empty = 1; break;
		case OPT_REPLACE: o->replace = 1; break;
		case OPT_NO_WAIT: o->no_wait = 1; break;
		case OPT_METADATA: o->metadata = optarg; break;
		case OPT_GROUP_BY: o->group_by = optarg; break;
		case OPT_XLSX: o->xlsx = 1; break;
		case 'q': o->quiet = 1; break;
		case OPT_MAX_SIZE:
			if (cmd_number("--max-size", optarg, 1, 1L << 20, &v))
				return EXIT_USAGE;
			o->max_size = (long long)v << 20;
			break;
		case OPT_TIMEOUT:
			if (cmd_number("--timeout", optarg, 1, 86400, &v))
				return EXIT_USAGE;
			o->limits.wall_seconds = (unsigned)v;
			o->limits.cpu_seconds = (unsigned)v;
			break;
		case OPT_MEMORY:
			if (cmd_number("--memory", optarg, 64, 1L << 20, &v))
				return EXIT_USAGE;
			o->limits.address_space = (size_t)v << 20;
			break;
		case OPT_SHARD:
			if (parse_shard(optarg, &o->shard, &o->shards))
				return EXIT_USAGE;
			break;
		case OPT_RECORDS: o->records = optarg; break;
		case 'h':
			help_print(stdout, help);
			return -1;
		default:
			return help_bad_option(help, c, argv);
		}
		if ((known = batch_opt(c)) && known->cmds && !(known->cmds & (1u << which))) {
			say("option '%s' does not apply to '%s'", argv[optind - 1], argv[0]);
			return help_error(help);
		}
	}
	if (o->model && o->no_model) {
		say("-m MODEL and --no-model exclude each other");
		return help_error(help);
	}
	o->paths = argv + optind;
	o->nr_paths = (size_t)(argc - optind);
	if (which == RUNOPT_REDUCE && o->nr_paths) {
		say("reduce takes no paths: it reads the records folder");
		return help_error(help);
	}
	if (which != RUNOPT_RUN && !o->records) {
		say("--records DIR is required");
		return help_error(help);
	}
	return 0;
}

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


/* Reports the sources that reduce found broken (records that failed). */
void runopts_report_late_errors(const struct source_list *l, const char **before)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->items[i].status == SOURCE_ERROR && before[i] == NULL)
			say("skipping '%s': %s: %s", l->items[i].path,
			    l->items[i].stage ? l->items[i].stage : "error",
			    l->items[i].message ? l->items[i].message : "");
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

	*cb = o->codebook ? xstrdup(o->codebook) : data_path("codebook/default.cb");
	*sw = o->stopwords ? xstrdup(o->stopwords) : data_path("stopwords/english.txt");
	a = analyzer_new(*cb, *sw, &err);
	if (a && (o->model || o->no_model) && analyzer_set_model(a, o->model, &err) < 0) {
		analyzer_free(a);
		a = NULL;
	}
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

static GHashTable *record_names(const char *dir)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *nm;

	while (d && (nm = g_dir_read_name(d)))
		if (g_str_has_suffix(nm, ".rec"))
			g_hash_table_add(h, g_strdup(nm));
	if (d)
		g_dir_close(d);
	return h;
}

static void note_fresh_records(const char *dir, const struct source_list *l,
			       GHashTable *before)
{
	size_t i;

	if (!fresh.names)
		fresh.names = g_ptr_array_new_with_free_func(g_free);
	g_free(fresh.dir);
	fresh.dir = g_strdup(dir);
	for (i = 0; i < l->nr; i++)
		if (l->items[i].record && !g_hash_table_contains(before, l->items[i].record))
			g_ptr_array_add(fresh.names, g_strdup(l->items[i].record));
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

int runopts_batch(const struct run_opts *o, struct source_list *l,
		  struct analyzer *a, const char *config, const char *records)
{
	struct batch_options bo;
	GHashTable *before = record_names(records);
	int rc;

	bo.records_dir = records;
	bo.jobs = o->jobs;
	bo.use_cache = o->use_cache;
	bo.strict = o->strict;
	bo.limits = o->limits;
	bo.on_progress = !o->quiet && isatty(2) ? term_progress : NULL;
	bo.on_message = term_message;
	bo.ctx = NULL;
	rc = batch_run(l, a, config, &bo, o->shard, o->shards);
	note_fresh_records(records, l, before);
	g_hash_table_destroy(before);
	if (rc) {
		say("stopping: --strict and a document failed");
		return EXIT_FATAL;
	}
	return 0;
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
		   const struct reduce_options *ro, struct manifest *m, double t0)
{
	struct reduce_counts counts;
	struct doc_error err = { 0 };
	const char **before = xcalloc(l->nr + 1, sizeof(*before));
	double t1 = now_seconds();
	struct html_info hi;
	char date[32];
	char *no;
	GHashTable *old_ids = NULL;
	long old_nr = -1;
	size_t i;
	int rc = EXIT_FATAL;

	for (i = 0; i < l->nr; i++)
		before[i] = l->items[i].status == SOURCE_ERROR ? "" : NULL;
	/* The folder is locked: what a killed run left is finished or removed. */
	if (csv_publish_recover(o->outdir, &err)) {
		say("%s", err.msg);
		goto out;
	}
	batch_prune(o->outdir, 0, 0);
	if (!o->replace) {
		char *p = g_build_filename(o->outdir, "documents.csv", NULL);

		old_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		old_nr = published(p, old_ids, NULL, NULL);
		g_free(p);
	}
	csv_publish_begin(o->outdir);
	if (reduce_write(l, ro, &counts, &err)) {
		say("%s", err.msg);
		csv_publish_abort();
		drop_fresh_records();
		goto out;
	}
	runopts_report_late_errors(l, before);
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
	m->counts = &counts;
	m->sources = l;
	/* the manifest is committed last, so it is renamed last */
	if (manifest_write(o->outdir, m, &err) || csv_publish_end(&err)) {
		csv_publish_abort();
		say("%s", err.msg);
		drop_fresh_records();
		goto out;
	}
	runopts_summary(o, l, &counts, now_seconds() - t0);
	rc = runopts_exit_status(l, &counts);
out:
	if (old_ids)
		g_hash_table_destroy(old_ids);
	free(before);
	return rc;
}
