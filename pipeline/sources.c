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

void source_set_stat(struct source *s, const struct stat *st)
{
	s->size = (long long)st->st_size;
	s->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	s->ctime_ns = (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
	s->ino = (unsigned long long)st->st_ino;
	s->dev = (unsigned long long)st->st_dev;
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
	source_set_stat(s, st);
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
		int ok = lstat(path, &lst) == 0; /* once: a stat per entry */

		if (ok && S_ISLNK(lst.st_mode)) {
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
		} else if (ok && S_ISDIR(lst.st_mode)) {
			if (depth + 1 > WALK_MAX_DEPTH) {
				char *m = xstrfmt("folder more than %d levels deep: not read",
						  WALK_MAX_DEPTH);

				source_set_error(add(l, r, path), "input", m);
				free(m);
			} else {
				walk(l, root_real, path, r, max_size, depth + 1);
			}
		} else if (ok) {
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
	{
		/* the ids before each one, in a set rather than compared pairwise */
		GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

		for (i = 0; i < out->nr; i++) {
			int k = 2;

			while (g_hash_table_contains(seen, out->items[i].doc_id)) {
				char *nid = xstrfmt("%s~%d", out->items[i].doc_id, k++);

				free(out->items[i].doc_id);
				out->items[i].doc_id = nid;
			}
			g_hash_table_add(seen, out->items[i].doc_id);
		}
		g_hash_table_destroy(seen);
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

/*
 * The hash memo. Its file is text: a first line "revmine-inputs 1", then
 * per file "SHA256 SIZE MTIME_NS CTIME_NS INODE DEVICE PATH" (the path as
 * the outputs show it, escaped, so without a newline), in path order, and
 * a last line "end SHA256" of everything before it.
 */
#define MEMO_HEADER "revmine-inputs 1\n"

struct memo_entry {
	char sha256[65];
	long long size, mtime_ns, ctime_ns;
	unsigned long long ino, dev;
	int keep; /* taken or noted this run: written again */
};

struct hash_memo {
	GHashTable *h; /* path -> struct memo_entry */
	size_t loaded; /* entries read from the file */
	int dirty;     /* an entry was added or replaced */
};

/* A number and the space after it, at *p (sign: it may be negative). */
static int parse_num(const char **p, unsigned long long *v, int sign)
{
	const char *q = *p;
	char *end;

	if (!g_ascii_isdigit(*q) && !(sign && *q == '-' && g_ascii_isdigit(q[1])))
		return -1;
	errno = 0;
	if (sign)
		*v = (unsigned long long)g_ascii_strtoll(q, &end, 10);
	else
		*v = g_ascii_strtoull(q, &end, 10);
	if (errno || *end != ' ')
		return -1;
	*p = end + 1;
	return 0;
}

/* The entries of buf[0..len) into m: 0, or -1 when it is not a memo. */
static int memo_parse(struct hash_memo *m, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *tail;
	gchar *sum;
	int ok;

	if (len < strlen(MEMO_HEADER) + 69 || buf[len - 1] != '\n' ||
	    memchr(buf, '\0', len) || strncmp(buf, MEMO_HEADER, strlen(MEMO_HEADER)))
		return -1;
	/* the last line: "end " and the SHA-256 of what precedes it */
	tail = end - 69;
	if (strncmp(tail, "end ", 4) || (tail > buf && tail[-1] != '\n'))
		return -1;
	sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)buf,
					  (gsize)(tail - buf));
	ok = !strncmp(sum, tail + 4, 64);
	g_free(sum);
	if (!ok)
		return -1;
	for (p += strlen(MEMO_HEADER); p < tail;) {
		const char *nl = memchr(p, '\n', (size_t)(tail - p));
		struct memo_entry *e;
		unsigned long long v[5];
		size_t i;

		if (!nl || nl - p < 66 || p[64] != ' ')
			return -1;
		e = g_new0(struct memo_entry, 1);
		memcpy(e->sha256, p, 64);
		p += 65;
		for (i = 0; i < 5; i++)
			if (parse_num(&p, &v[i], i == 1 || i == 2) || p >= nl) {
				g_free(e);
				return -1;
			}
		e->size = (long long)v[0];
		e->mtime_ns = (long long)v[1];
		e->ctime_ns = (long long)v[2];
		e->ino = v[3];
		e->dev = v[4];
		g_hash_table_replace(m->h, g_strndup(p, (gsize)(nl - p)), e);
		p = nl + 1;
	}
	return 0;
}

struct hash_memo *hash_memo_load(const char *path)
{
	struct hash_memo *m = g_new0(struct hash_memo, 1);
	gchar *buf = NULL;
	gsize len = 0;

	m->h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (path && g_file_get_contents(path, &buf, &len, NULL) &&
	    memo_parse(m, buf, len))
		g_hash_table_remove_all(m->h); /* damaged: every file is hashed */
	g_free(buf);
	m->loaded = g_hash_table_size(m->h);
	return m;
}

int hash_memo_take(struct hash_memo *m, struct source *s)
{
	struct memo_entry *e;

	if (!m || s->status != SOURCE_PENDING || (!s->ino && !s->dev) ||
	    !(e = g_hash_table_lookup(m->h, s->path)))
		return 0;
	if (e->size != s->size || e->mtime_ns != s->mtime_ns ||
	    e->ctime_ns != s->ctime_ns || e->ino != s->ino || e->dev != s->dev)
		return 0;
	memcpy(s->sha256, e->sha256, sizeof(s->sha256));
	e->keep = 1;
	return 1;
}

void hash_memo_note(struct hash_memo *m, const struct source *s, const struct stat *st)
{
	struct memo_entry *e;
	long long ctime_ns = (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
	long long now_ns = g_get_real_time() * 1000LL;

	if (!m || strlen(s->sha256) != 64 ||
	    ctime_ns >= now_ns - (long long)(HASH_MEMO_MARGIN * 1e9))
		return;
	e = g_new0(struct memo_entry, 1);
	memcpy(e->sha256, s->sha256, sizeof(e->sha256));
	e->size = (long long)st->st_size;
	e->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	e->ctime_ns = ctime_ns;
	e->ino = (unsigned long long)st->st_ino;
	e->dev = (unsigned long long)st->st_dev;
	e->keep = 1;
	g_hash_table_replace(m->h, g_strdup(s->path), e);
	m->dirty = 1;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int hash_memo_write(struct hash_memo *m, const char *path)
{
	GHashTableIter it;
	gpointer k, v;
	GPtrArray *keys = g_ptr_array_new();
	GString *out;
	gchar *sum, *tmp;
	guint i;
	int rc = 0;

	g_hash_table_iter_init(&it, m->h);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (((struct memo_entry *)v)->keep)
			g_ptr_array_add(keys, k);
	/* the file holds exactly these entries already */
	if (!m->dirty && keys->len == m->loaded) {
		g_ptr_array_free(keys, TRUE);
		return 0;
	}
	g_ptr_array_sort(keys, cmp_key);
	out = g_string_sized_new(128 * (gsize)keys->len + 128);
	g_string_append(out, MEMO_HEADER);
	for (i = 0; i < keys->len; i++) {
		const struct memo_entry *e = g_hash_table_lookup(m->h, keys->pdata[i]);

		g_string_append_printf(out, "%s %lld %lld %lld %llu %llu %s\n", e->sha256,
				       e->size, e->mtime_ns, e->ctime_ns, e->ino, e->dev,
				       (const char *)keys->pdata[i]);
	}
	g_ptr_array_free(keys, TRUE);
	sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)out->str, out->len);
	g_string_append_printf(out, "end %s\n", sum);
	g_free(sum);
	tmp = g_strdup_printf("%s.tmp.%ld", path, (long)getpid());
	/* not synced: a memo a crash leaves cut fails its checksum and is
	 * not used */
	if (!g_file_set_contents_full(tmp, out->str, (gssize)out->len,
				      G_FILE_SET_CONTENTS_NONE, 0666, NULL) ||
	    rename(tmp, path)) {
		unlink(tmp);
		rc = -1;
	}
	g_free(tmp);
	g_string_free(out, TRUE);
	return rc;
}

void hash_memo_free(struct hash_memo *m)
{
	if (!m)
		return;
	g_hash_table_destroy(m->h);
	g_free(m);
}
