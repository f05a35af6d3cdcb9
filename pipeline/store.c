/*
 * The record store: the folder of document records a run reuses (named by
 * content and configuration, record.h), the index files that carry a
 * shard's source list from `map` to `reduce`, and pruning: temporary files
 * of killed runs and records left unused. Nothing here prints; errors come
 * back in a struct doc_error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib.h>
#include "util.h"
#include "store.h"
#include "record.h"
#include "analyze.h"
#include "extract.h"
#include "csvio.h"
#include "banned.h"

int store_lookup(const char *path, const char *config, char *const *theme_ids,
		 size_t nr_themes, int verify, struct doc_error *err)
{
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return STORE_MISS;
	if (!st.st_size) {
		doc_error_set(err, "record", DOC_ERR_FORMAT, "'%s' is empty", path);
		unlink(path);
		return STORE_DAMAGED;
	}
	if (verify && record_check(path, config, theme_ids, nr_themes, err)) {
		unlink(path);
		return STORE_DAMAGED;
	}
	/* used: kept from pruning for another while (renewed at most once a
	 * day: a write per record and run is most of a cached rerun's cost) */
	if (difftime(time(NULL), st.st_mtime) >= STORE_TOUCH_AGE)
		utimensat(AT_FDCWD, path, NULL, 0);
	return STORE_HIT;
}

void store_discard(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL);

	unlink(p);
	g_free(p);
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *index_header = "#revmine-index";

int store_write_index(const struct source_list *l, const char *dir,
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

int store_read_index(const char *dir, struct source_list *l, char **config,
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
 * "NAME.state.tmp.PID", "report.html.tmp.PID", "revmine.xlsx.tmp.PID",
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
	       (t - nm >= 6 && !strncmp(t - 6, ".state", 6)) ||
	       (t - nm >= 5 && !strncmp(t - 5, ".html", 5)) ||
	       (t - nm >= 5 && !strncmp(t - 5, ".xlsx", 5)) ||
	       (t - nm == 8 && !strncmp(nm, ".publish", 8));
}

/* Whether the records of dir are due to be looked over (not in the last
 * STORE_PRUNE_EVERY seconds, by the time of dir/prune.stamp, renewed). */
static int prune_due(const char *dir)
{
	char *p = g_build_filename(dir, "prune.stamp", NULL);
	struct stat st;
	double age;
	int fd, due = 1;

	if (!stat(p, &st) && (age = difftime(time(NULL), st.st_mtime)) >= 0 &&
	    age < STORE_PRUNE_EVERY)
		due = 0;
	else if ((fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0666)) >= 0) {
		futimens(fd, NULL);
		close(fd);
	}
	g_free(p);
	return due;
}

void store_prune(const char *dir, double temp_age, double record_age)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	time_t now = time(NULL);
	const char *nm;
	int records;

	if (!d)
		return;
	records = record_age > 0 && prune_due(dir);
	while ((nm = g_dir_read_name(d))) {
		int temp = is_our_temp(nm), rec = records && g_str_has_suffix(nm, ".rec");
		char *p;
		struct stat st;
		double age;

		if (!temp && !rec) /* by name first: no stat per record */
			continue;
		p = g_build_filename(dir, nm, NULL);
		if (lstat(p, &st) || !S_ISREG(st.st_mode)) {
			g_free(p);
			continue;
		}
		age = difftime(now, st.st_mtime);
		if ((temp && age >= temp_age) || (rec && age >= record_age))
			unlink(p);
		g_free(p);
	}
	g_dir_close(d);
}
