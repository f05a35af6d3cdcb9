/*
 * Document variables (docvars.h).
 */
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <glib.h>
#include "util.h"
#include "csvio.h"
#include "docvars.h"
#include "banned.h"

/* Columns documents.csv has already (a metadata column may not repeat one). */
static const char *const reserved[] = {
	"doc_id", "path", "format", "sha256", "pages", "passages", "tokens",
	"status", "message", "folder",
};

static const char *unguard(const char *s)
{
	return s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]) ? s + 1 : s;
}

static char *canonical(const char *base_dir, const char *p)
{
	char real[PATH_MAX];
	char *full = g_path_is_absolute(p) || !base_dir ? g_strdup(p) :
		     g_build_filename(base_dir, p, NULL);
	char *r = realpath(full, real) ? xstrdup(real) : NULL;

	g_free(full);
	return r;
}

int docvars_load(struct docvars *dv, const char *file, struct doc_error *err)
{
	struct csv_in *c;
	char **f, *dir;
	size_t n, i, j, nrows = 0, alloc = 0;
	int r, key = -1;

	memset(dv, 0, sizeof(*dv));
	dv->path = xstrdup(file);
	dv->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	c = csv_in_open(file, err);
	if (!c) {
		doc_error_set(err, "metadata", DOC_ERR_CONFIG, "%s: cannot read", file);
		return -1;
	}
	dir = g_path_get_dirname(file);
	csv_in_check_width(c);
	r = csv_in_next(c, &f, &n, err);
	if (r <= 0) {
		if (r == 0)
			doc_error_set(err, "metadata", DOC_ERR_CONFIG, "%s: empty file", file);
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (key < 0 && (!strcmp(f[i], "path") || !strcmp(f[i], "doc_id")))
			key = (int)i;
	if (key < 0) {
		doc_error_set(err, "metadata", DOC_ERR_CONFIG,
			      "%s: no 'path' (or 'doc_id') column to join documents by", file);
		goto fail;
	}
	dv->cols = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		if ((int)i == key)
			continue;
		if (!*f[i]) {
			doc_error_set(err, "metadata", DOC_ERR_CONFIG, "%s: column %zu has no name",
				      file, i + 1);
			goto fail;
		}
		for (j = 0; j < ARRAY_SIZE(reserved); j++)
			if (!strcmp(f[i], reserved[j])) {
				doc_error_set(err, "metadata", DOC_ERR_CONFIG,
					      "%s: column '%s' is a column of documents.csv already",
					      file, f[i]);
				goto fail;
			}
		for (j = 0; j < dv->ncol; j++)
			if (!strcmp(f[i], dv->cols[j])) {
				doc_error_set(err, "metadata", DOC_ERR_CONFIG,
					      "%s: column '%s' appears twice", file, f[i]);
				goto fail;
			}
		dv->cols[dv->ncol++] = xstrdup(f[i]);
	}
	while ((r = csv_in_next(c, &f, &n, err)) > 0) {
		char **row;
		size_t k = 0;

		if ((size_t)key >= n || !*f[key])
			continue;
		ALLOC_GROW(dv->keys, nrows, alloc);
		dv->real = xrealloc(dv->real, alloc * sizeof(char *));
		dv->keys[nrows] = xstrdup(f[key]);
		dv->real[nrows] = canonical(dir, f[key]);
		if (!dv->real[nrows])
			dv->real[nrows] = canonical(NULL, f[key]);
		row = g_new0(char *, dv->ncol + 1);
		for (i = 0; i < n && k < dv->ncol; i++)
			if ((int)i != key)
				row[k++] = g_strdup(unguard(f[i]));
		for (; k < dv->ncol; k++)
			row[k] = g_strdup("");
		g_ptr_array_add(dv->rows, row);
		nrows++;
	}
	if (r < 0)
		goto fail; /* err names the file and line */
	dv->used = xcalloc(nrows + 1, sizeof(size_t));
	csv_in_close(c);
	g_free(dir);
	return 0;
fail:
	csv_in_close(c);
	g_free(dir);
	return -1;
}

void docvars_release(struct docvars *dv)
{
	size_t i;

	if (dv->rows) {
		for (i = 0; i < dv->rows->len; i++) {
			free(dv->keys[i]);
			free(dv->real[i]);
		}
		g_ptr_array_free(dv->rows, TRUE);
	}
	for (i = 0; i < dv->ncol; i++)
		free(dv->cols[i]);
	free(dv->cols);
	free(dv->keys);
	free(dv->real);
	free(dv->used);
	free(dv->path);
	memset(dv, 0, sizeof(*dv));
}

long docvars_match(struct docvars *dv, const char *doc_id, const char *path)
{
	char *real = NULL;
	size_t i;
	long hit = -1;

	for (i = 0; i < dv->rows->len && hit < 0; i++)
		if (!strcmp(dv->keys[i], doc_id))
			hit = (long)i;
	for (i = 0; i < dv->rows->len && hit < 0; i++)
		if (!strcmp(dv->keys[i], path))
			hit = (long)i;
	if (hit < 0 && (real = canonical(NULL, path)))
		for (i = 0; i < dv->rows->len && hit < 0; i++)
			if (dv->real[i] && !strcmp(dv->real[i], real))
				hit = (long)i;
	free(real);
	if (hit >= 0)
		dv->used[hit]++;
	return hit;
}

int docvars_col(const struct docvars *dv, const char *name)
{
	size_t i;

	for (i = 0; i < dv->ncol; i++)
		if (!strcmp(dv->cols[i], name))
			return (int)i;
	return -1;
}

char *docvars_folder(const char *doc_id, const char *path)
{
	const char *slash = strchr(doc_id, '/');
	size_t lp = strlen(path), ld = strlen(doc_id);
	char *root, *base;

	if (slash)
		return g_strndup(doc_id, (size_t)(slash - doc_id));
	if (lp > ld + 1 && !strcmp(path + lp - ld, doc_id) && path[lp - ld - 1] == '/') {
		root = g_strndup(path, lp - ld - 1);
		base = g_path_get_basename(root);
		g_free(root);
		if (strcmp(base, ".") && strcmp(base, "/"))
			return base;
		g_free(base);
	}
	return g_strdup("");
}
