/*
 * The theme table (themetab.h): id, label, group and threshold of every
 * theme, in codebook order.
 */
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "util.h"
#include "codebook.h"
#include "csvio.h"
#include "themetab.h"
#include "banned.h"

static void alloc_table(struct themetab *t, size_t n)
{
	t->nr = n;
	t->ids = xcalloc(n + 1, sizeof(char *));
	t->labels = xcalloc(n + 1, sizeof(char *));
	t->groups = xcalloc(n + 1, sizeof(char *));
	t->thresholds = xcalloc(n + 1, sizeof(double));
}

void themetab_from_codebook(struct themetab *t, const struct codebook *cb)
{
	size_t i;

	alloc_table(t, cb->nr_themes);
	for (i = 0; i < cb->nr_themes; i++) {
		const struct cb_theme *th = &cb->themes[i];

		t->ids[i] = xstrdup(th->id);
		t->labels[i] = xstrdup(th->label && *th->label ? th->label : th->id);
		t->groups[i] = xstrdup(th->group ? th->group : "");
		t->thresholds[i] = th->threshold > 0 ? th->threshold : 1;
	}
}

void themetab_from_ids(struct themetab *t, char *const *ids, size_t nr)
{
	size_t i;

	alloc_table(t, nr);
	for (i = 0; i < nr; i++) {
		t->ids[i] = xstrdup(ids[i]);
		t->labels[i] = xstrdup(ids[i]);
		t->groups[i] = xstrdup("");
		t->thresholds[i] = 1;
	}
}

void themetab_release(struct themetab *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++) {
		free(t->ids[i]);
		free(t->labels[i]);
		free(t->groups[i]);
	}
	free(t->ids);
	free(t->labels);
	free(t->groups);
	free(t->thresholds);
	memset(t, 0, sizeof(*t));
}

static char *file_name(const char *config)
{
	return xstrfmt("themes-%.16s.csv", config);
}

int themetab_write(const struct themetab *t, const char *dir, const char *config,
		   struct doc_error *err)
{
	char *name = file_name(config);
	struct csv_out *c = csv_out_open_in(dir, name, 0, err);
	size_t i;

	free(name);
	if (!c)
		return -1;
	csv_out_line(c, "theme,label,group,threshold");
	for (i = 0; i < t->nr; i++) {
		csv_out_raw(c, t->ids[i]);
		csv_out_text(c, t->labels[i]);
		csv_out_text(c, t->groups[i]);
		csv_out_double(c, t->thresholds[i]);
		csv_out_end_row(c);
	}
	return csv_out_commit(c, err);
}

/* A guarded cell read back ("'=x" was written for "=x"). */
static const char *unguard(const char *s)
{
	return s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]) ? s + 1 : s;
}

int themetab_read(struct themetab *t, const char *dir, const char *config)
{
	char *name = file_name(config);
	char *path = g_build_filename(dir, name, NULL);
	struct doc_error err = { 0 };
	struct csv_in *c = csv_in_open(path, &err);
	GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	char **f;
	size_t n, i;
	int r, rc = -1, first = 1;

	memset(t, 0, sizeof(*t));
	if (!c)
		goto out;
	while ((r = csv_in_next(c, &f, &n, &err)) > 0) {
		char **row;

		if (n != 4)
			goto out;
		if (first) {
			first = 0;
			continue;
		}
		row = g_new0(char *, 5);
		for (i = 0; i < 4; i++)
			row[i] = g_strdup(unguard(f[i]));
		g_ptr_array_add(rows, row);
	}
	if (r < 0)
		goto out;
	alloc_table(t, rows->len);
	for (i = 0; i < rows->len; i++) {
		char **row = rows->pdata[i];

		t->ids[i] = xstrdup(row[0]);
		t->labels[i] = xstrdup(row[1]);
		t->groups[i] = xstrdup(row[2]);
		t->thresholds[i] = g_ascii_strtod(row[3], NULL);
	}
	rc = 0;
out:
	if (c)
		csv_in_close(c);
	g_ptr_array_free(rows, TRUE);
	g_free(path);
	free(name);
	return rc;
}
