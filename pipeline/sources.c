/*
 * Listing the input documents. Directories are walked recursively with
 * entries sorted byte-wise, so the order (and every output that follows it)
 * does not depend on the file system. Symlinks are resolved with realpath()
 * and kept only when the target lies inside the real path of the folder the
 * user gave; a loop shows up as ELOOP and becomes an error entry. Hidden
 * entries (".name") are not walked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib.h>
#include "util.h"
#include "sources.h"
#include "extract.h"
#include "banned.h"

/* Folders deeper than this are not walked; each is listed as an error
 * entry (stage input) so the run names it. Bounds the recursion. */
#define WALK_MAX_DEPTH 64

static struct source *add(struct source_list *l, const char *doc_id,
			  const char *path)
{
	struct source *s;

	ALLOC_GROW(l->items, l->nr, l->alloc);
	s = &l->items[l->nr++];
	memset(s, 0, sizeof(*s));
	/* names as every output shows them; the file is opened by its own */
	s->doc_id = escape_name(doc_id);
	s->path = escape_name(path);
	if (strcmp(s->path, path))
		s->open_path = xstrdup(path);
	s->format = extract_format(path);
	s->status = SOURCE_PENDING;
	return s;
}

void source_set_error(struct source *s, const char *stage, const char *msg)
{
	free(s->stage);
	free(s->message);
	s->status = SOURCE_ERROR;
	s->stage = xstrdup(stage);
	s->message = xstrdup(msg);
}

static int inside(const char *real, const char *root_real)
{
	size_t n = strlen(root_real);

	if (!strcmp(root_real, "/"))
		return 1;
	return !strncmp(real, root_real, n) && (real[n] == '/' || real[n] == '\0');
}

static void take_file(struct source_list *l, const char *doc_id,
		      const char *path, const struct stat *st, long long max_size)
{
	struct source *s;

	if (!extract_format(path)) {
		l->unsupported++;
		return;
	}
	s = add(l, doc_id, path);
	if (!S_ISREG(st->st_mode)) {
		source_set_error(s, "input", S_ISDIR(st->st_mode) ? "is a directory"
					     : "not a regular file");
		return;
	}
	s->size = (long long)st->st_size;
	if (max_size && s->size > max_size) {
		char *m = xstrfmt("file too large (%lld bytes, limit %lld)",
				  s->size, max_size);
		source_set_error(s, "input", m);
		free(m);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(struct source_list *l, const char *root_real, const char *dir,
		 const char *rel, long long max_size, int depth)
{
	GError *ge = NULL;
	GDir *d = g_dir_open(dir, 0, &ge);
	GPtrArray *names;
	const char *name;
	guint i;

	if (!d) { /* an unreadable folder is named, not skipped in silence */
		char *m = xstrfmt("cannot read folder: %s", ge->message);
		char *base = *rel ? NULL : g_path_get_basename(dir);

		source_set_error(add(l, *rel ? rel : base, dir), "input", m);
		free(m);
		g_free(base);
		g_error_free(ge);
		return;
	}
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(d)))
		if (name[0] != '.')
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(names, cmp_str);
	for (i = 0; i < names->len; i++) {
		const char *nm = names->pdata[i];
		char *path = g_build_filename(dir, nm, NULL);
		char *r = *rel ? g_build_filename(rel, nm, NULL) : g_strdup(nm);
		struct stat lst, st;
		char real[PATH_MAX];

		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
			if (!realpath(path, real) || stat(real, &st)) {
				if (extract_format(path)) {
					char *m = xstrfmt("cannot follow symlink: %s", strerror(errno));
					source_set_error(add(l, r, path), "input", m);
					free(m);
				}
			} else if (!inside(real, root_real)) {
				if (extract_format(path))
					source_set_error(add(l, r, path), "input",
							 "symlink points outside the input folder");
			} else if (S_ISDIR(st.st_mode)) {
				/* followed folders could repeat files; not walked */
			} else {
				size_t before = l->nr;

				take_file(l, r, path, &st, max_size);
				if (l->nr > before) { /* opened by its target, not the link */
					free(l->items[l->nr - 1].open_path);
					l->items[l->nr - 1].open_path = xstrdup(real);
				}
			}
		} else if (lstat(path, &lst) == 0 && S_ISDIR(lst.st_mode)) {
			if (depth + 1 > WALK_MAX_DEPTH) {
				char *m = xstrfmt("folder more than %d levels deep: not read",
						  WALK_MAX_DEPTH);

				source_set_error(add(l, r, path), "input", m);
				free(m);
			} else {
				walk(l, root_real, path, r, max_size, depth + 1);
			}
		} else if (lstat(path, &lst) == 0) {
			take_file(l, r, path, &lst, max_size);
		}
		g_free(path);
		g_free(r);
	}
	g_ptr_array_free(names, TRUE);
}

/* The folder the document was found under: path = root "/" doc_id. */
static char *source_root(const struct source *s)
{
	size_t lp = strlen(s->path), ld = strlen(s->doc_id);

	if (lp > ld + 1 && !strcmp(s->path + lp - ld, s->doc_id) && s->path[lp - ld - 1] == '/')
		return g_strndup(s->path, lp - ld - 1);
	return NULL;
}

/* Ids given to more than one document become root-name/id (whole: the
 * path without a leading "/" or "./"). */
static void qualify_repeats(struct source_list *l, int whole)
{
	GHashTable *count = g_hash_table_new(g_str_hash, g_str_equal);
	char **ids = xcalloc(l->nr + 1, sizeof(*ids));
	size_t i;

	for (i = 0; i < l->nr; i++)
		g_hash_table_insert(count, l->items[i].doc_id, GSIZE_TO_POINTER(
			GPOINTER_TO_SIZE(g_hash_table_lookup(count, l->items[i].doc_id)) + 1));
	for (i = 0; i < l->nr; i++) {
		struct source *s = &l->items[i];
		char *root;

		if (GPOINTER_TO_SIZE(g_hash_table_lookup(count, s->doc_id)) < 2)
			continue;
		if (whole) {
			const char *p = s->path;

			while (*p == '/' || (p[0] == '.' && p[1] == '/'))
				p += *p == '/' ? 1 : 2;
			ids[i] = xstrdup(p);
		} else if ((root = source_root(s))) {
			char *base = g_path_get_basename(root);

			if (strcmp(base, ".") && strcmp(base, "/"))
				ids[i] = xstrfmt("%s/%s", base, s->doc_id);
			g_free(base);
			g_free(root);
		}
	}
	g_hash_table_destroy(count);
	for (i = 0; i < l->nr; i++)
		if (ids[i]) {
			free(l->items[i].doc_id);
			l->items[i].doc_id = ids[i];
		}
	free(ids);
}

static int cmp_source(const void *a, const void *b)
{
	const struct source *x = a, *y = b;

	return strcmp(x->path, y->path);
}

void sources_collect(char **paths, size_t n, long long max_size,
		     struct source_list *out)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		struct stat st;
		char *p = g_strdup(paths[i]);
		size_t len = strlen(p);

		while (len > 1 && p[len - 1] == '/')
			p[--len] = '\0';
		if (stat(p, &st)) {
			char *m = xstrfmt("cannot open: %s", strerror(errno));
			char *base = g_path_get_basename(p);

			source_set_error(add(out, base, p), "input", m);
			free(m);
			g_free(base);
			out->missing++;
		} else if (S_ISDIR(st.st_mode)) {
			char real[PATH_MAX];

			if (realpath(p, real))
				walk(out, real, p, "", max_size, 0);
		} else {
			char *base = g_path_get_basename(p);
			size_t before = out->nr;
			struct stat lst;

			take_file(out, base, p, &st, max_size);
			if (out->nr > before && !lstat(p, &lst) && S_ISLNK(lst.st_mode)) {
				char real[PATH_MAX];

				/* named explicitly: its target is opened */
				if (realpath(p, real)) {
					free(out->items[out->nr - 1].open_path);
					out->items[out->nr - 1].open_path = xstrdup(real);
				}
			}
			if (out->nr == before) { /* named explicitly: say why it is skipped */
				out->unsupported--;
				source_set_error(add(out, base, p), "input",
						 "unsupported file type (not " EXTRACT_EXTENSIONS ")");
			}
			g_free(base);
		}
		g_free(p);
	}
	if (out->nr)
		qsort(out->items, out->nr, sizeof(*out->items), cmp_source);
	/* The same file given twice is listed once. */
	for (i = j = 0; i < out->nr; i++) {
		if (j && !strcmp(out->items[j - 1].path, out->items[i].path)) {
			struct source *s = &out->items[i];

			free(s->doc_id); free(s->path); free(s->stage); free(s->message);
			free(s->open_path);
			continue;
		}
		out->items[j++] = out->items[i];
	}
	out->nr = j;
	/* doc_ids must be unique across roots: a repeated id takes its input
	 * folder's name, then the whole path (areaA/review1.txt,
	 * areaB/review1.txt); ~2, ~3 only if even paths collide. */
	qualify_repeats(out, 0);
	qualify_repeats(out, 1);
	for (i = 0; i < out->nr; i++) {
		int k = 2;

		for (j = 0; j < i; j++) {
			if (strcmp(out->items[i].doc_id, out->items[j].doc_id))
				continue;
			{
				char *nid = xstrfmt("%s~%d", out->items[i].doc_id, k++);

				free(out->items[i].doc_id);
				out->items[i].doc_id = nid;
				j = (size_t)-1; /* restart the scan */
			}
		}
	}
}

static void set_errno_error(struct source *s, const char *what, int e)
{
	char *m = xstrfmt("%s: %s", what, strerror(e));

	source_set_error(s, "input", m);
	free(m);
}

int source_open(struct source *s)
{
	const char *p = s->open_path ? s->open_path : s->path;
	struct stat st;
	int fd, fl;

	fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP)
			source_set_error(s, "input", "is a symlink (replaced after listing)");
		else
			set_errno_error(s, "cannot open", errno);
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		source_set_error(s, "input", S_ISDIR(st.st_mode) ? "is a directory" :
				 "not a regular file");
		close(fd);
		return -1;
	}
	/* Regular files never block; readers expect ordinary reads. */
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	s->size = (long long)st.st_size;
	return fd;
}

int source_hash_fd(struct source *s, int fd)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	unsigned char buf[65536];
	off_t off = 0;
	ssize_t n;

	while ((n = pread(fd, buf, sizeof(buf), off)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			set_errno_error(s, "read error", errno);
			g_checksum_free(ck);
			return -1;
		}
		g_checksum_update(ck, buf, (gssize)n);
		off += n;
	}
	memcpy(s->sha256, g_checksum_get_string(ck), 64);
	s->sha256[64] = '\0';
	g_checksum_free(ck);
	return 0;
}

int source_hash(struct source *s)
{
	int fd = source_open(s), rc;

	if (fd < 0)
		return -1;
	rc = source_hash_fd(s, fd);
	close(fd);
	return rc;
}

const char *source_status_name(enum source_status st)
{
	switch (st) {
	case SOURCE_OK: return "ok";
	case SOURCE_WARNING: return "warning";
	case SOURCE_ERROR: return "error";
	case SOURCE_PENDING: return "pending";
	}
	BUG("bad source status %d", (int)st);
}

void source_list_release(struct source_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->items[i].doc_id);
		free(l->items[i].path);
		free(l->items[i].stage);
		free(l->items[i].message);
		free(l->items[i].record);
		free(l->items[i].open_path);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}
