/*
 * The batch loop. The parent keeps up to `jobs` workers in flight; each
 * worker is a fork (sandbox.c) that runs extract -> segment -> analyze and
 * writes its record, and reports a failure as "stage<TAB>reason" on a pipe.
 * The parent waits with poll() on those pipes: a worker's end of the pipe
 * closes when it exits, which wakes the parent without busy waiting, and the
 * poll timeout enforces the wall-clock limit. Records are named by content
 * and configuration, so a document already analysed under the same
 * configuration is taken from the records folder without a worker.
 */
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <glib.h>
#include "util.h"
#include "batch.h"
#include "analyze.h"
#include "extract.h"
#include "segment.h"
#include "record.h"
#include "wordlist.h"
#include "version.h"
#include "csvio.h"
#include "banned.h"

#define MSG_MAX 4096

struct job {
	struct source *s;
	struct analyzer *a;
	char *record_path;
	const char *config;
	char **theme_ids;
	size_t nr_themes;
	int fd;      /* the pipe to the parent */
	int doc_fd;  /* the document, opened once by the parent */
};

struct slot {
	int pid;
	int fd;
	size_t idx;
	char *record_path;
	GString *msg;
	double start;
};

char *batch_config_hash(const struct analyzer *a)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	char *exe = NULL;
	gsize len = 0;
	char *r;

	g_checksum_update(ck, (const guchar *)analyzer_config_hash(a), -1);
	g_checksum_update(ck, (const guchar *)REVMINE_VERSION, -1);
	g_checksum_update(ck, (const guchar *)wordlist_fingerprint(), -1);
	/* The binary itself: a rebuilt extractor must not reuse old records. */
	if (g_file_get_contents("/proc/self/exe", &exe, &len, NULL))
		g_checksum_update(ck, (const guchar *)exe, (gssize)len);
	g_free(exe);
	r = xstrdup(g_checksum_get_string(ck));
	g_checksum_free(ck);
	return r;
}

static int worker(void *arg)
{
	struct job *j = arg;
	struct doc_text t;
	struct passage_list ps;
	struct doc_error err = { 0 };
	struct record_meta m;
	int rc = 1;

	doc_text_init(&t);
	passage_list_init(&ps);
	if (extract_fd(j->doc_fd, j->s->format, &t, &err))
		goto out;
	segment_lines(&t, &ps);
	if (!ps.nr) {
		doc_error_set(&err, "extract", DOC_ERR_EMPTY, "no text%s%s",
			      t.warnings ? ": " : "", t.warnings ? t.warnings : "");
		goto out;
	}
	analyze_document(j->a, ps.items, ps.nr);
	m.pages = t.pages;
	m.warnings = t.warnings;
	if (record_write(j->record_path, j->config, &m, &ps, j->theme_ids,
			 j->nr_themes, &err))
		goto out;
	rc = 0;
out:
	if (rc) {
		char *msg = xstrfmt("%s\t%s", err.stage ? err.stage : "worker", err.msg);
		ssize_t w = write(j->fd, msg, strlen(msg));

		(void)w;
		free(msg);
	}
	passage_list_release(&ps);
	doc_text_release(&t);
	/* The child's copy of the analyzer: freed so leak checkers see a
	 * worker end with nothing outstanding. */
	analyzer_free(j->a);
	return rc;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void progress(const struct batch_options *o, size_t done, size_t total,
		     double start, int final)
{
	double el = now_seconds() - start;

	if (o->on_progress)
		o->on_progress(o->ctx, done, total, el > 0 ? (double)done / el : 0, final);
}

static void tell(const struct batch_options *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void tell(const struct batch_options *o, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!o->on_message)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	o->on_message(o->ctx, msg);
	g_free(msg);
}

static void report_failure(const struct batch_options *o, struct source *s,
			   const char *stage, const char *msg)
{
	source_set_error(s, stage, msg);
	tell(o, "skipping '%s': %s: %s", s->path, stage, msg);
}

static int start_job(struct slot *sl, struct job *j, const struct batch_options *o)
{
	int p[2];
	struct doc_error err = { 0 };

	if (pipe2(p, O_CLOEXEC)) {
		report_failure(o, j->s, "worker", strerror(errno));
		close(j->doc_fd);
		j->doc_fd = -1;
		return -1;
	}
	j->fd = p[1];
	sl->pid = sandbox_start((int (*)(void *))worker, j, &o->limits, &err);
	close(p[1]);
	close(j->doc_fd); /* the worker has its copy */
	j->doc_fd = -1;
	if (sl->pid < 0) {
		close(p[0]);
		report_failure(o, j->s, err.stage, err.msg);
		return -1;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	sl->fd = p[0];
	sl->msg = g_string_new(NULL);
	sl->start = now_seconds();
	return 0;
}

/* Reads what the worker said; returns 1 when its end of the pipe closed. */
static int drain(struct slot *sl)
{
	char buf[1024];
	ssize_t n;

	while ((n = read(sl->fd, buf, sizeof(buf))) > 0)
		if (sl->msg->len < MSG_MAX)
			g_string_append_len(sl->msg, buf, n);
	return n == 0;
}

/* The worker has finished (or is to be killed): record its outcome. */
static int finish(struct slot *sl, struct source *s, int kill_it, double timeout,
		  const struct batch_options *o)
{
	struct doc_error err = { 0 };
	struct rusage ru;
	int st, rc;

	if (kill_it)
		sandbox_kill(sl->pid);
	while (wait4((pid_t)sl->pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	close(sl->fd);
	if (kill_it) {
		char *m = xstrfmt("worker timed out after %.0f s", timeout);
		report_failure(o, s, "worker", m);
		free(m);
		rc = -1;
	} else if ((rc = sandbox_status_usage(st, &ru, &o->limits, &err)) < 0) {
		report_failure(o, s, err.stage, err.msg);
	} else if (rc != 0) {
		char *tab = strchr(sl->msg->str, '\t');

		if (tab) {
			*tab = '\0';
			report_failure(o, s, sl->msg->str, tab + 1);
		} else {
			report_failure(o, s, "worker", "worker failed without a reason");
		}
		rc = -1;
	} else {
		s->status = SOURCE_OK;
	}
	g_string_free(sl->msg, TRUE);
	sl->msg = NULL;
	sl->pid = -1;
	return rc;
}

int batch_run(struct source_list *l, struct analyzer *a, const char *config,
	      const struct batch_options *o, size_t shard, size_t shards)
{
	size_t nth = analyzer_nr_themes(a), i, next = 0, done = 0, total = 0;
	size_t running = 0, jobs = o->jobs > 0 ? (size_t)o->jobs : 1;
	char **ids = xcalloc(nth + 1, sizeof(*ids));
	struct slot *slots = xcalloc(jobs, sizeof(*slots));
	struct job *jv = xcalloc(jobs, sizeof(*jv));
	struct pollfd *pfd = xcalloc(jobs, sizeof(*pfd));
	double start = now_seconds(), last_draw = 0;
	int stop = 0;

	for (i = 0; i < nth; i++)
		ids[i] = (char *)analyzer_theme_id(a, i);
	for (i = 0; i < jobs; i++)
		slots[i].pid = -1;
	for (i = 0; i < l->nr; i++)
		if (i % shards == shard && l->items[i].status == SOURCE_PENDING)
			total++;
	g_mkdir_with_parents(o->records_dir, 0777);
	wordlist_load(NULL); /* once, shared by every worker forked below */

	while (!stop || running) {
		size_t k;

		/* Fill free slots; cached documents need no worker. */
		while (!stop && running < jobs && next < l->nr) {
			struct source *s = &l->items[next];
			size_t idx = next++;
			char *name, *path;
			struct doc_error rerr = { 0 };
			int fd;

			if (idx % shards != shard || s->status != SOURCE_PENDING)
				continue;
			if ((fd = source_open(s)) < 0 || source_hash_fd(s, fd)) {
				if (fd >= 0)
					close(fd);
				tell(o, "skipping '%s': %s: %s", s->path, s->stage, s->message);
				done++;
				stop = o->strict;
				continue;
			}
			name = record_name(s->sha256, config);
			path = g_build_filename(o->records_dir, name, NULL);
			if (o->use_cache && g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
			    record_check(path, config, ids, nth, &rerr)) {
				/* damaged or edited: made again from the document */
				tell(o, "rebuilding the record of '%s': %s", s->path, rerr.msg);
				unlink(path);
			}
			if (o->use_cache && g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
				close(fd);
				/* used: kept from pruning for another while */
				utimensat(AT_FDCWD, path, NULL, 0);
				s->record = name;
				s->status = SOURCE_OK;
				g_free(path);
				done++;
				continue;
			}
			for (k = 0; slots[k].pid >= 0; k++)
				;
			jv[k] = (struct job){ s, a, xstrdup(path), config, ids, nth, -1, fd };
			slots[k].idx = idx;
			slots[k].record_path = jv[k].record_path;
			if (start_job(&slots[k], &jv[k], o)) {
				free(jv[k].record_path);
				free(name);
				done++;
				stop = o->strict;
			} else {
				running++;
				s->record = name;
			}
			g_free(path);
		}
		if (next >= l->nr)
			stop = 1;
		if (!running)
			break;

		{
			size_t nfd = 0;
			int timeout_ms = 200;

			for (k = 0; k < jobs; k++) {
				if (slots[k].pid < 0)
					continue;
				pfd[nfd].fd = slots[k].fd;
				pfd[nfd].events = POLLIN;
				nfd++;
			}
			if (poll(pfd, nfd, timeout_ms) < 0 && errno != EINTR)
				BUG("poll: %s", strerror(errno));
			for (k = 0; k < jobs; k++) {
				struct slot *sl = &slots[k];
				struct source *s;
				int closed, late;

				if (sl->pid < 0)
					continue;
				s = &l->items[sl->idx];
				closed = drain(sl);
				late = o->limits.wall_seconds &&
				       now_seconds() - sl->start > (double)o->limits.wall_seconds;
				if (!closed && !late)
					continue;
				if (finish(sl, s, !closed, (double)o->limits.wall_seconds, o) < 0) {
					free(s->record);
					s->record = NULL;
					if (o->strict)
						stop = 1;
				}
				free(sl->record_path);
				running--;
				done++;
			}
		}
		if (now_seconds() - last_draw > 0.2) {
			progress(o, done, total, start, 0);
			last_draw = now_seconds();
		}
	}
	progress(o, done, total, start, 1);
	free(ids);
	free(slots);
	free(jv);
	free(pfd);
	if (o->strict) {
		for (i = 0; i < l->nr; i++)
			if (i % shards == shard && l->items[i].status == SOURCE_ERROR)
				return -1;
	}
	return 0;
}

static const char *index_header = "#revmine-index";

int batch_write_index(const struct source_list *l, const char *dir,
		      const char *config, const struct analyzer *a,
		      size_t shard, size_t shards, struct doc_error *err)
{
	char *name = xstrfmt("index-%zu-of-%zu.csv", shard + 1, shards);
	char *path = g_build_filename(dir, name, NULL);
	struct csv_out *c = csv_out_open(path, 0, err);
	unsigned min_lr, min_any;
	size_t i;
	int rc = -1;

	if (!c)
		goto out;
	analyzer_doc_rule(a, &min_lr, &min_any);
	csv_out_verbatim(c, index_header);
	csv_out_int(c, RECORD_VERSION);
	csv_out_verbatim(c, config);
	csv_out_int(c, min_lr);
	csv_out_int(c, min_any);
	for (i = 0; i < analyzer_nr_themes(a); i++)
		csv_out_verbatim(c, analyzer_theme_id(a, i));
	csv_out_end_row(c);
	for (i = 0; i < l->nr; i++) {
		const struct source *s = &l->items[i];

		if (i % shards != shard)
			continue;
		csv_out_verbatim(c, s->doc_id);
		csv_out_verbatim(c, s->path);
		csv_out_verbatim(c, s->format ? s->format : "");
		csv_out_int(c, s->size);
		csv_out_verbatim(c, s->sha256);
		csv_out_verbatim(c, source_status_name(s->status == SOURCE_PENDING ?
						  SOURCE_ERROR : s->status));
		csv_out_verbatim(c, s->stage ? s->stage : (s->status == SOURCE_PENDING ? "worker" : ""));
		csv_out_verbatim(c, s->message ? s->message :
			    (s->status == SOURCE_PENDING ? "not processed (run stopped)" : ""));
		csv_out_verbatim(c, s->record ? s->record : "");
		csv_out_end_row(c);
	}
	rc = csv_out_commit(c, err);
out:
	g_free(path);
	free(name);
	return rc;
}

static int cmp_source_path(const void *a, const void *b)
{
	return strcmp(((const struct source *)a)->path, ((const struct source *)b)->path);
}

static int read_one_index(const char *path, struct source_list *l, char **config,
			  char ***theme_ids, unsigned *min_lr, unsigned *min_any,
			  struct doc_error *err)
{
	struct csv_in *c = csv_in_open(path, err);
	char **f;
	size_t n;
	int r, rc = -1;

	if (!c)
		return -1;
	r = csv_in_next(c, &f, &n, err);
	if (r <= 0 || n < 5 || strcmp(f[0], index_header) || atoi(f[1]) != RECORD_VERSION) {
		if (r >= 0)
			doc_error_set(err, "reduce", DOC_ERR_FORMAT, "'%s' is not an index file", path);
		goto out;
	}
	if (*config && strcmp(*config, f[2])) {
		doc_error_set(err, "reduce", DOC_ERR_CONFIG,
			      "'%s' was made with another configuration", path);
		goto out;
	}
	if (!*config) {
		size_t i;

		*config = xstrdup(f[2]);
		*min_lr = (unsigned)atoi(f[3]);
		*min_any = (unsigned)atoi(f[4]);
		*theme_ids = g_new0(char *, n - 5 + 1);
		for (i = 5; i < n; i++)
			(*theme_ids)[i - 5] = g_strdup(f[i]);
	}
	while ((r = csv_in_next(c, &f, &n, err)) > 0) {
		struct source *s;

		if (n != 9) {
			doc_error_set(err, "reduce", DOC_ERR_FORMAT, "'%s' row %zu is damaged",
				      path, csv_in_line(c));
			goto out;
		}
		ALLOC_GROW(l->items, l->nr, l->alloc);
		s = &l->items[l->nr++];
		memset(s, 0, sizeof(*s));
		s->doc_id = xstrdup(f[0]);
		s->path = xstrdup(f[1]);
		s->format = extract_format(f[1]);
		s->size = atoll(f[3]);
		g_strlcpy(s->sha256, f[4], sizeof(s->sha256));
		s->status = !strcmp(f[5], "error") ? SOURCE_ERROR : SOURCE_OK;
		s->stage = *f[6] ? xstrdup(f[6]) : NULL;
		s->message = *f[7] ? xstrdup(f[7]) : NULL;
		s->record = *f[8] ? xstrdup(f[8]) : NULL;
	}
	rc = r < 0 ? -1 : 0;
out:
	csv_in_close(c);
	return rc;
}

int batch_read_index(const char *dir, struct source_list *l, char **config,
		     char ***theme_ids, unsigned *min_lr, unsigned *min_any,
		     struct doc_error *err)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *nm;
	guint i;
	int rc = 0;

	*config = NULL;
	*theme_ids = NULL;
	if (!d) {
		g_ptr_array_free(names, TRUE);
		return doc_error_set(err, "reduce", DOC_ERR_IO, "cannot open records folder '%s'", dir);
	}
	while ((nm = g_dir_read_name(d)))
		if (g_str_has_prefix(nm, "index-") && g_str_has_suffix(nm, ".csv"))
			g_ptr_array_add(names, g_build_filename(dir, nm, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, (GCompareFunc)cmp_str_ptr);
	if (!names->len)
		rc = doc_error_set(err, "reduce", DOC_ERR_IO, "no index files in '%s' (run 'revmine map' first)", dir);
	for (i = 0; !rc && i < names->len; i++)
		rc = read_one_index(names->pdata[i], l, config, theme_ids, min_lr, min_any, err);
	g_ptr_array_free(names, TRUE);
	if (!rc && l->nr)
		qsort(l->items, l->nr, sizeof(*l->items), cmp_source_path);
	return rc;
}

/* "NAME.csv.tmp.PID", "manifest.json.tmp.PID", "NAME.rec.tmp.PID",
 * ".publish.tmp.PID": what revmine writes before renaming; nothing else in
 * a folder is touched. */
static int is_our_temp(const char *nm)
{
	const char *t = strstr(nm, ".tmp.");
	const char *p;

	if (!t || !t[5])
		return 0;
	for (p = t + 5; *p; p++)
		if (!g_ascii_isdigit(*p))
			return 0;
	return (t - nm >= 4 && !strncmp(t - 4, ".csv", 4)) ||
	       (t - nm >= 4 && !strncmp(t - 4, ".rec", 4)) ||
	       (t - nm >= 5 && !strncmp(t - 5, ".json", 5)) ||
	       (t - nm == 8 && !strncmp(nm, ".publish", 8));
}

void batch_prune(const char *dir, double temp_age, double record_age)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	time_t now = time(NULL);
	const char *nm;

	if (!d)
		return;
	while ((nm = g_dir_read_name(d))) {
		char *p = g_build_filename(dir, nm, NULL);
		struct stat st;
		double age;

		if (lstat(p, &st) || !S_ISREG(st.st_mode)) {
			g_free(p);
			continue;
		}
		age = difftime(now, st.st_mtime);
		if ((is_our_temp(nm) && age >= temp_age) ||
		    (record_age > 0 && g_str_has_suffix(nm, ".rec") && age >= record_age))
			unlink(p);
		g_free(p);
	}
	g_dir_close(d);
}
