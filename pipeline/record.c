/*
 * Record files: gzip-compressed text (zlib), so the cache stays smaller
 * than the text it was made from (`zcat` shows one). A line per item,
 * fields separated by tabs, with '\\', tab, LF and CR escaped as
 * \\ \t \n \r:
 *
 *   revmine-record <version> <config-hash>
 *   m <pages> <warnings>
 *   p <page> <kind> <type> <type_score> <tokens> <ocr> <section> <text>
 *                                            (ocr: 1 when read from a page image)
 *   l <theme-id> <score> <confidence> <evidence>  (labels of the passage above;
 *                                            confidence -1: rules alone)
 *   t <term> <surface> <count>               (terms of the passage above)
 *   end <sha256>
 *
 * The final "end" line tells a complete record from a truncated one, and
 * carries the SHA-256 of every byte before it, so a record edited or
 * damaged on disk is refused rather than trusted. Numbers are parsed
 * strictly and checked for range (a page of -5, a count of 99999999999 or
 * a score of nan is damage). The file is renamed into place but not
 * fsynced: it is a cache, and a record a crash left empty or cut fails its
 * checks when read and is made again, so a sync per document buys nothing.
 * Scores are written with %.17g so a record read back gives the same CSVs.
 * A record of any other version (4 and before were plain text) is refused,
 * never read as this one, and so made again from its document.
 * The reader streams: the record is inflated as it is parsed, never held
 * whole, and a file that is not gzip, or inflates past RECORD_MAX_BYTES,
 * is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <unistd.h>
#include <glib.h>
#include <zlib.h>
#include "util.h"
#include "record.h"
#include "banned.h"

char *record_name(const char *sha256, const char *config)
{
	return xstrfmt("%.64s-%.16s.rec", sha256, config);
}

static void put_escaped(GString *f, const char *s)
{
	for (;;) {
		size_t run = strcspn(s, "\\\t\n\r");

		g_string_append_len(f, s, (gssize)run);
		s += run;
		switch (*s) {
		case '\0': return;
		case '\\': g_string_append(f, "\\\\"); break;
		case '\t': g_string_append(f, "\\t"); break;
		case '\n': g_string_append(f, "\\n"); break;
		default: g_string_append(f, "\\r"); break;
		}
		s++;
	}
}

static void put_fields(GString *f, const char *tag, const char *const *v, size_t n)
{
	size_t i;

	g_string_append(f, tag);
	for (i = 0; i < n; i++) {
		g_string_append_c(f, '\t');
		put_escaped(f, v[i]);
	}
	g_string_append_c(f, '\n');
}

static void write_passage(GString *f, const struct passage *p,
			  char *const *theme_ids, size_t nr_themes)
{
	char page[16], score[40], conf[40], tokens[24];
	const char *v[8];
	size_t i;

	snprintf(page, sizeof(page), "%d", p->page);
	snprintf(score, sizeof(score), "%.17g", p->type_score);
	snprintf(tokens, sizeof(tokens), "%u", p->tokens);
	v[0] = page;
	v[1] = passage_kind_name(p->kind);
	v[2] = passage_type_name(p->type);
	v[3] = score;
	v[4] = tokens;
	v[5] = p->ocr ? "1" : "0";
	v[6] = p->section;
	v[7] = p->text;
	put_fields(f, "p", v, 8);
	for (i = 0; i < p->nr_labels; i++) {
		const struct label *l = &p->labels[i];

		if (l->theme < 0 || (size_t)l->theme >= nr_themes)
			BUG("label theme %d out of range", l->theme);
		snprintf(score, sizeof(score), "%.17g", l->score);
		snprintf(conf, sizeof(conf), "%.17g", l->confidence);
		v[0] = theme_ids[l->theme];
		v[1] = score;
		v[2] = conf;
		v[3] = l->evidence ? l->evidence : "";
		put_fields(f, "l", v, 4);
	}
	for (i = 0; i < p->nr_terms; i++) {
		snprintf(tokens, sizeof(tokens), "%u", p->terms[i].count);
		v[0] = p->terms[i].term;
		v[1] = p->terms[i].surface ? p->terms[i].surface : p->terms[i].term;
		v[2] = tokens;
		put_fields(f, "t", v, 3);
	}
}

/* Replaces the text in b with its gzip form (deflate level 4: on records
 * as small as level 6 within 2%, in three quarters of the time; no file
 * name or time in the header, so the same record gives the same bytes). */
static int gzip_buffer(GString *b, struct doc_error *err)
{
	z_stream z;
	GString *out;
	int zr;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 4, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return doc_error_set(err, "record", DOC_ERR_IO, "cannot compress a record");
	out = g_string_sized_new(deflateBound(&z, (uLong)b->len) + 32);
	z.next_in = (Bytef *)b->str;
	z.avail_in = (uInt)b->len;
	z.next_out = (Bytef *)out->str;
	z.avail_out = (uInt)out->allocated_len - 1;
	zr = deflate(&z, Z_FINISH);
	if (zr != Z_STREAM_END || b->len > UINT_MAX) {
		deflateEnd(&z);
		g_string_free(out, TRUE);
		return doc_error_set(err, "record", DOC_ERR_IO, "cannot compress a record");
	}
	g_string_truncate(b, 0);
	g_string_append_len(b, out->str, (gssize)z.total_out);
	deflateEnd(&z);
	g_string_free(out, TRUE);
	return 0;
}

int record_write(const char *path, const char *config,
		 const struct record_meta *m, const struct passage_list *ps,
		 char *const *theme_ids, size_t nr_themes, struct doc_error *err)
{
	char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
	GString *b = g_string_new(NULL);
	char pages[16];
	const char *v[2];
	size_t i, done = 0;
	int rc = 0, fd;

	g_string_append_printf(b, "revmine-record\t%d\t%s\n", RECORD_VERSION, config);
	snprintf(pages, sizeof(pages), "%d", m->pages);
	v[0] = pages;
	v[1] = m->warnings ? m->warnings : "";
	put_fields(b, "m", v, 2);
	for (i = 0; i < ps->nr; i++)
		write_passage(b, &ps->items[i], theme_ids, nr_themes);
	{
		gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
							 (const guchar *)b->str, b->len);

		g_string_append_printf(b, "end\t%s\n", sum);
		g_free(sum);
	}
	if (gzip_buffer(b, err)) {
		rc = -1;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		rc = doc_error_set(err, "record", DOC_ERR_IO, "cannot write '%s': %s",
				   tmp, strerror(errno));
		goto out;
	}
	while (done < b->len) {
		ssize_t w = write(fd, b->str + done, b->len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	/* no fsync: a record a crash leaves empty or cut is refused when read
	 * (gzip trailer, checksum) and made again */
	if (done < b->len) {
		rc = doc_error_set(err, "record", DOC_ERR_IO, "cannot write '%s': %s",
				   tmp, strerror(errno ? errno : EIO));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path)) {
		rc = doc_error_set(err, "record", DOC_ERR_IO, "cannot rename '%s': %s",
				   tmp, strerror(errno));
		unlink(tmp);
	}
out:
	g_string_free(b, TRUE);
	free(tmp);
	return rc;
}

/* Splits line (modified in place) into at most max unescaped fields. */
static size_t split(char *line, char **v, size_t max)
{
	size_t n = 0;
	char *r = line, *w = line;

	v[n++] = w;
	for (; *r; r++) {
		if (*r == '\t') {
			*w++ = '\0';
			if (n == max)
				return max + 1;
			v[n++] = w;
		} else if (*r == '\\' && r[1]) {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return n;
}

static int theme_index(const char *id, char *const *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return (int)i;
	return -1;
}

/* Strict numbers: the whole field, in range. */
static int get_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int get_score(const char *s, double *out)
{
	char *end;
	double v = g_ascii_strtod(s, &end);

	if (end == s || *end || !isfinite(v) || v < -1e12 || v > 1e12)
		return -1;
	*out = v;
	return 0;
}

#define RECORD_MAX_PAGES 1000000L
/* A record inflating past this is damage (or a bomb), not a record. */
#define RECORD_MAX_BYTES ((size_t)4 << 30)

/* A gzip stream read in lines: inflated into a buffer a block at a time,
 * each line found with memchr and parsed in place (no copy per line). */
struct gz_in {
	gzFile gz;
	size_t total;
	const char *why; /* NULL, or what stopped the stream */
	int cut;         /* the file ends inside the gzip stream */
	int eof;
	char *buf;       /* buf[pos, len) not yet returned as lines */
	size_t pos, len, alloc;
};

/* Inflates more bytes after buf[len]; 0 at the end or on an error. */
static int gz_fill(struct gz_in *g)
{
	int n, zerr;

	if (g->eof || g->why)
		return 0;
	if (g->pos) { /* keep the unread part at the front */
		memmove(g->buf, g->buf + g->pos, g->len - g->pos);
		g->len -= g->pos;
		g->pos = 0;
	}
	if (g->alloc - g->len < (1 << 16)) {
		g->alloc = g->alloc ? 2 * g->alloc : (1 << 17);
		g->buf = xrealloc(g->buf, g->alloc);
	}
	n = gzread(g->gz, g->buf + g->len, (unsigned)(g->alloc - g->len - 1));
	if (n <= 0) {
		const char *m = gzerror(g->gz, &zerr);

		if (zerr == Z_BUF_ERROR)
			g->cut = 1;
		else if (zerr != Z_OK)
			g->why = m && *m ? m : "cannot inflate";
		g->eof = 1;
		return 0;
	}
	g->total += (size_t)n;
	g->len += (size_t)n;
	if (g->total > RECORD_MAX_BYTES) {
		g->why = "larger than a record can be";
		return 0;
	}
	return 1;
}

/* The next line, its end replaced by NUL, with its length in *len; NULL
 * at the end. A last line without its LF is returned as it is. Its bytes
 * (with the LF) go into the checksum, except for the end line, which
 * carries the checksum. */
static char *gz_line(struct gz_in *g, size_t *len, GChecksum *ck)
{
	char *line, *nl;

	for (;;) {
		nl = g->pos < g->len ? memchr(g->buf + g->pos, '\n', g->len - g->pos) : NULL;
		if (nl || !gz_fill(g))
			break;
	}
	if (!nl && g->pos == g->len)
		return NULL;
	line = g->buf + g->pos;
	*len = nl ? (size_t)(nl - line) : g->len - g->pos;
	if (*len < 4 || memcmp(line, "end\t", 4))
		g_checksum_update(ck, (const guchar *)line, (gssize)(*len + (nl ? 1 : 0)));
	line[*len] = '\0'; /* buf keeps a byte free after len */
	g->pos += *len + (nl ? 1 : 0);
	return line;
}

/* Opens path as a gzip stream (the magic checked first: a record is never
 * plain text); -1 with errno, or with *not_gzip set. */
static int gz_open(const char *path, struct gz_in *g, int *not_gzip)
{
	unsigned char magic[2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(g, 0, sizeof(*g));
	*not_gzip = 0;
	if (fd < 0)
		return -1;
	if (pread(fd, magic, 2, 0) != 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
		close(fd);
		*not_gzip = 1;
		return -1;
	}
	if (!(g->gz = gzdopen(fd, "rb"))) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	gzbuffer(g->gz, 1 << 16);
	return 0;
}

static void gz_close(struct gz_in *g)
{
	if (g->gz)
		gzclose(g->gz);
	g->gz = NULL;
	free(g->buf);
	g->buf = NULL;
}

/* The terms of the passage being read: their strings gathered in one
 * buffer, at offsets, until the passage is complete; then pointed into. */
struct term_strings {
	char *buf;
	size_t len, alloc;
	size_t *off; /* term, surface: two per term */
	size_t nr_off, alloc_off;
};

static void term_strings_add(struct term_strings *ts, const char *s)
{
	size_t n = strlen(s) + 1;

	if (ts->alloc - ts->len < n) {
		ts->alloc = ts->alloc * 2 > ts->len + n ? ts->alloc * 2 : ts->len + n + 256;
		ts->buf = xrealloc(ts->buf, ts->alloc);
	}
	ALLOC_GROW(ts->off, ts->nr_off, ts->alloc_off);
	ts->off[ts->nr_off++] = ts->len;
	memcpy(ts->buf + ts->len, s, n);
	ts->len += n;
}

/* Gives the passage's terms their strings (one copy of the buffer). */
static void term_strings_finish(struct term_strings *ts, struct passage *p)
{
	size_t i;

	if (p && p->nr_terms) {
		p->term_buf = xmalloc(ts->len);
		memcpy(p->term_buf, ts->buf, ts->len);
		for (i = 0; i < p->nr_terms; i++) {
			p->terms[i].term = p->term_buf + ts->off[2 * i];
			p->terms[i].surface = p->term_buf + ts->off[2 * i + 1];
		}
	}
	ts->len = 0;
	ts->nr_off = 0;
}

#define RECORD_MAX_COUNT 100000000L

int record_read(const char *path, const char *config,
		struct record_meta *m, struct passage_list *out,
		char *const *theme_ids, size_t nr_themes, struct doc_error *err)
{
	struct gz_in gz;
	struct term_strings ts = { 0 };
	int not_gzip;
	char *line, *v[10];
	size_t lineno = 0, n, len;
	struct passage *p = NULL;
	GChecksum *ck;
	int rc = -1, ended = 0, had_meta = 0;

	memset(m, 0, sizeof(*m));
	if (gz_open(path, &gz, &not_gzip)) {
		if (not_gzip)
			return doc_error_set(err, "record", DOC_ERR_FORMAT,
					     "'%s' is not a record (not gzip)", path);
		return doc_error_set(err, "record", DOC_ERR_IO, "cannot open '%s': %s",
				     path, strerror(errno));
	}
	ck = g_checksum_new(G_CHECKSUM_SHA256);
	while (!ended) {
		long a, b;

		if (!(line = gz_line(&gz, &len, ck)))
			break;
		lineno++;
		if (len != strlen(line)) /* a NUL byte */
			goto bad;
		n = split(line, v, 9);
		if (lineno == 1) {
			if (n != 3 || strcmp(v[0], "revmine-record")) {
				doc_error_set(err, "record", DOC_ERR_FORMAT,
					      "'%s' is not a record", path);
				goto out;
			}
			/* another version is never read as this one */
			if (get_long(v[1], 1, LONG_MAX, &a) || a != RECORD_VERSION) {
				doc_error_set(err, "record", DOC_ERR_FORMAT,
					      "'%s' is a record of another version (this build "
					      "reads version %d)", path, RECORD_VERSION);
				goto out;
			}
			if (strcmp(v[2], config)) {
				doc_error_set(err, "record", DOC_ERR_FORMAT,
					      "'%s' is not a record of this configuration", path);
				goto out;
			}
			continue;
		}
		/* the commonest line first */
		if (v[0][0] == 't' && !v[0][1] && n == 4 && p) {
			struct term_count *t;

			if (get_long(v[3], 1, RECORD_MAX_COUNT, &b))
				goto bad;
			/* capacity doubles at powers of two */
			if (!(p->nr_terms & (p->nr_terms - 1)))
				p->terms = xrealloc(p->terms, (p->nr_terms ? 2 * p->nr_terms : 1) *
						    sizeof(*t));
			t = &p->terms[p->nr_terms++];
			t->term = t->surface = NULL; /* strings given when p is complete */
			term_strings_add(&ts, v[1]);
			term_strings_add(&ts, v[2]);
			t->count = (unsigned)b;
			continue;
		}
		if (!strcmp(v[0], "end") && n == 2) {
			if (strlen(v[1]) != 64)
				break; /* cut inside the end line */
			if (strcmp(v[1], g_checksum_get_string(ck))) {
				doc_error_set(err, "record", DOC_ERR_FORMAT,
					      "'%s' fails its checksum", path);
				goto out;
			}
			term_strings_finish(&ts, p);
			ended = 1;
			continue;
		}
		if (!strcmp(v[0], "m") && n == 3 && !had_meta && lineno == 2) {
			if (get_long(v[1], 0, RECORD_MAX_PAGES, &a))
				goto bad;
			had_meta = 1;
			m->pages = (int)a;
			m->warnings = *v[2] ? xstrdup(v[2]) : NULL;
		} else if (!strcmp(v[0], "p") && n == 9 && had_meta) {
			int kind = passage_kind_parse(v[2]), type = passage_type_parse(v[3]);
			double score;

			if (kind < 0 || type < 0 || get_long(v[1], 0, RECORD_MAX_PAGES, &a) ||
			    get_score(v[4], &score) || get_long(v[5], 0, RECORD_MAX_COUNT, &b) ||
			    (strcmp(v[6], "0") && strcmp(v[6], "1")))
				goto bad;
			term_strings_finish(&ts, p);
			p = passage_list_add(out, (int)a, (enum passage_kind)kind,
					     v[7], v[8]);
			p->ocr = v[6][0] == '1';
			p->type = (enum passage_type)type;
			p->type_score = score;
			p->tokens = (unsigned)b;
		} else if (!strcmp(v[0], "l") && n == 5 && p) {
			int t = theme_index(v[1], theme_ids, nr_themes);
			struct label *l;
			double score, conf;

			if (t < 0 || get_score(v[2], &score) || get_score(v[3], &conf) ||
			    (conf != -1 && (conf < 0 || conf > 1)))
				goto bad;
			p->labels = xrealloc(p->labels, (p->nr_labels + 1) * sizeof(*l));
			l = &p->labels[p->nr_labels++];
			l->theme = t;
			l->score = score;
			l->confidence = conf;
			l->evidence = xstrdup(v[4]);
		} else {
			goto bad;
		}
	}
	if (!ended) {
		if (gz.why)
			doc_error_set(err, "record", DOC_ERR_FORMAT, "'%s' is damaged (%s)",
				      path, gz.why);
		else
			doc_error_set(err, "record", DOC_ERR_FORMAT, "'%s' is truncated", path);
		goto out;
	}
	if (gz.pos < gz.len || gz_fill(&gz)) {
		doc_error_set(err, "record", DOC_ERR_FORMAT, "'%s' has data after its end", path);
		goto out;
	}
	if (gz.cut || gz.why) { /* the text whole, the gzip trailer not */
		doc_error_set(err, "record", DOC_ERR_FORMAT, "'%s' is truncated", path);
		goto out;
	}
	rc = 0;
	goto out;
bad:
	doc_error_set(err, "record", DOC_ERR_FORMAT, "'%s' line %zu is damaged",
		      path, lineno);
out:
	if (rc) {
		free(m->warnings);
		m->warnings = NULL;
		/* terms still at offsets have no strings: drop them */
		if (p && ts.nr_off) {
			free(p->terms);
			p->terms = NULL;
			p->nr_terms = 0;
		}
	}
	free(ts.buf);
	free(ts.off);
	g_checksum_free(ck);
	gz_close(&gz);
	return rc;
}

int record_check(const char *path, const char *config, char *const *theme_ids,
		 size_t nr_themes, struct doc_error *err)
{
	struct record_meta m;
	struct passage_list ps;
	int rc;

	passage_list_init(&ps);
	rc = record_read(path, config, &m, &ps, theme_ids, nr_themes, err);
	free(m.warnings);
	passage_list_release(&ps);
	return rc;
}
