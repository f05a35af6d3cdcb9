/*
 * Record files: gzip-compressed text (written with libdeflate, read with
 * zlib as a stream), so the cache stays smaller
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
 *   s <term> <suffix> <count>                (terms of the passage above whose
 *                                            surface is the term and then suffix,
 *                                            often nothing)
 *   t <term> <surface> <count>               (the other terms)
 *   end <crc32>
 *
 * Most surfaces are their stem or the stem with an ending ("adult",
 * "adults"), so an s line carries the ending alone: less to deflate, to
 * store and to read. The final "end" line tells a complete record from a
 * truncated one, and carries the CRC-32 (8 hex digits) of every byte
 * before it, so a record edited or damaged on disk is refused rather than
 * trusted (damage inside the gzip stream fails inflate and its own
 * CRC-32 first; the end line catches a record inflated, edited and
 * compressed again). Numbers are parsed
 * strictly and checked for range (a page of -5, a count of 99999999999 or
 * a score of nan is damage). The file is renamed into place but not
 * fsynced: it is a cache, and a record a crash left empty or cut fails its
 * checks when read and is made again, so a sync per document buys nothing.
 * Scores are written with %.17g (whole numbers as integers) so a record
 * read back gives the same CSVs.
 * A record of any other version (4 and before were plain text, 5 had no
 * s lines and a SHA-256 end line) is refused, never read as this one, and
 * so made again from its document.
 * The reader streams: the record is inflated as it is parsed, never held
 * whole, and a file that is not gzip, or inflates past RECORD_MAX_BYTES,
 * is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <unistd.h>
#include <glib.h>
#include <zlib.h>
#include <libdeflate.h>
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

/* Decimal digits of v in buf (24 bytes at least), without printf. */
static char *put_ulong(char *buf, unsigned long v)
{
	char *p = buf + 23;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10));
	return p;
}

static char *put_long(char *buf, long v)
{
	char *p = put_ulong(buf, v < 0 ? 0UL - (unsigned long)v : (unsigned long)v);

	if (v < 0)
		*--p = '-';
	return p;
}

/* %.17g reads back as the same double; whole numbers (most rule scores,
 * the -1 of "no confidence") are written as integers without printf. */
static const char *put_score(char *buf, size_t size, double v)
{
	if (isfinite(v) && fabs(v) < 1e15 && v == (double)(long)v && !(v == 0 && signbit(v)))
		return put_long(buf, (long)v);
	snprintf(buf, size, "%.17g", v);
	return buf;
}

/* One term: an s line when the surface is the term and then an ending
 * (or nothing, the commonest case), else a t line with the surface whole. */
static void put_term(GString *f, const struct term_count *t)
{
	const char *surface = t->surface ? t->surface : t->term;
	size_t n = strlen(t->term);
	char count[24];

	if (!strncmp(surface, t->term, n)) {
		g_string_append(f, "s\t");
		put_escaped(f, t->term);
		g_string_append_c(f, '\t');
		put_escaped(f, surface + n);
	} else {
		g_string_append(f, "t\t");
		put_escaped(f, t->term);
		g_string_append_c(f, '\t');
		put_escaped(f, surface);
	}
	g_string_append_c(f, '\t');
	g_string_append(f, put_ulong(count, t->count));
	g_string_append_c(f, '\n');
}

static void write_passage(GString *f, const struct passage *p,
			  char *const *theme_ids, size_t nr_themes)
{
	char page[24], score[48], conf[48], tokens[24];
	const char *v[8];
	size_t i;

	v[0] = put_long(page, p->page);
	v[1] = passage_kind_name(p->kind);
	v[2] = passage_type_name(p->type);
	v[3] = put_score(score, sizeof(score), p->type_score);
	v[4] = put_ulong(tokens, p->tokens);
	v[5] = p->ocr ? "1" : "0";
	v[6] = p->section;
	v[7] = p->text;
	put_fields(f, "p", v, 8);
	for (i = 0; i < p->nr_labels; i++) {
		const struct label *l = &p->labels[i];

		if (l->theme < 0 || (size_t)l->theme >= nr_themes)
			BUG("label theme %d out of range", l->theme);
		v[0] = theme_ids[l->theme];
		v[1] = put_score(score, sizeof(score), l->score);
		v[2] = put_score(conf, sizeof(conf), l->confidence);
		v[3] = l->evidence ? l->evidence : "";
		put_fields(f, "l", v, 4);
	}
	for (i = 0; i < p->nr_terms; i++)
		put_term(f, &p->terms[i]);
}

/*
 * What record_write keeps from one record to the next: a worker writes
 * thousands, and a compressor allocated afresh for each cost page faults
 * every time. A text buffer that grew past WRITER_KEEP_BYTES for a huge
 * document is not kept.
 */
#define WRITER_KEEP_BYTES ((size_t)8 << 20)
/* libdeflate's level 1: on record texts twice zlib's level 2 speed, with
 * files a few percent smaller. */
#define RECORD_LEVEL 1

static struct {
	pthread_mutex_t lock;
	GString *text;
	struct libdeflate_compressor *z;
	unsigned char *out;
	size_t out_alloc;
} writer = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The end line of a text: its CRC-32, into end (32 bytes). */
static void end_line(char *end, const char *text, size_t len)
{
	snprintf(end, 32, "end\t%08x\n", libdeflate_crc32(0, text, len));
}

/* Compresses text (whole, its end line included) into writer.out as gzip
 * (no file name or time in the header, so the same record gives the same
 * bytes); the length in *len. */
static int gzip_text(const char *text, size_t tlen, size_t *len, struct doc_error *err)
{
	size_t bound;

	if (!writer.z && !(writer.z = libdeflate_alloc_compressor(RECORD_LEVEL)))
		return doc_error_set(err, "record", DOC_ERR_IO, "cannot compress a record");
	bound = libdeflate_gzip_compress_bound(writer.z, tlen);
	if (bound > writer.out_alloc) {
		free(writer.out);
		writer.out_alloc = bound + bound / 4;
		writer.out = xmalloc(writer.out_alloc);
	}
	*len = libdeflate_gzip_compress(writer.z, text, tlen, writer.out, writer.out_alloc);
	if (!*len)
		return doc_error_set(err, "record", DOC_ERR_IO, "cannot compress a record");
	return 0;
}

static int write_file(const char *path, const unsigned char *buf, size_t len,
		      struct doc_error *err)
{
	char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
	size_t done = 0;
	int rc = 0, fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		rc = doc_error_set(err, "record", DOC_ERR_IO, "cannot write '%s': %s",
				   tmp, strerror(errno));
		goto out;
	}
	while (done < len) {
		ssize_t w = write(fd, buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	/* no fsync: a record a crash leaves empty or cut is refused when read
	 * (gzip trailer, checksum) and made again */
	if (done < len) {
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
	free(tmp);
	return rc;
}

/* The record's text, but for its end line, into writer.text (held). */
static GString *format_text(const char *config, const struct record_meta *m,
			    const struct passage_list *ps, char *const *theme_ids,
			    size_t nr_themes)
{
	GString *b;
	char num[24];
	const char *v[2];
	size_t i;

	if (!writer.text)
		writer.text = g_string_sized_new(1 << 16);
	b = writer.text;
	g_string_truncate(b, 0);
	g_string_append(b, "revmine-record\t" G_STRINGIFY(RECORD_VERSION) "\t");
	g_string_append(b, config);
	g_string_append_c(b, '\n');
	v[0] = put_long(num, m->pages);
	v[1] = m->warnings ? m->warnings : "";
	put_fields(b, "m", v, 2);
	for (i = 0; i < ps->nr; i++)
		write_passage(b, &ps->items[i], theme_ids, nr_themes);
	return b;
}

/* Lets go of buffers a huge record grew (writer held). */
static void writer_trim(void)
{
	if (writer.text && writer.text->allocated_len > WRITER_KEEP_BYTES) {
		g_string_free(writer.text, TRUE);
		writer.text = NULL;
	}
	if (writer.out_alloc > WRITER_KEEP_BYTES) {
		free(writer.out);
		writer.out = NULL;
		writer.out_alloc = 0;
	}
}

/* The text b (writer held) in a new memfd: its descriptor, or -1 when
 * none can be made or written. */
static int hand_over(const GString *b)
{
	size_t done = 0;
	int fd = memfd_create("revmine-record", MFD_CLOEXEC);

	while (fd >= 0 && done < b->len) {
		ssize_t w = write(fd, b->str + done, b->len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			fd = -1;
		} else {
			done += (size_t)w;
		}
	}
	return fd;
}

int record_write_mem(const char *path, int *fd, const char *config,
		     const struct record_meta *m, const struct passage_list *ps,
		     char *const *theme_ids, size_t nr_themes, struct doc_error *err)
{
	GString *b;
	char end[32];
	size_t len = 0;
	int rc = 0;

	if (fd)
		*fd = -1;
	pthread_mutex_lock(&writer.lock);
	b = format_text(config, m, ps, theme_ids, nr_themes);
	end_line(end, b->str, b->len);
	g_string_append(b, end);
	/* handed over, unless too long to hold or no memfd can be made */
	if (!fd || b->len > RECORD_MEM_MAX_TEXT || (*fd = hand_over(b)) < 0) {
		rc = gzip_text(b->str, b->len, &len, err);
		if (!rc)
			rc = write_file(path, writer.out, len, err);
	}
	writer_trim();
	pthread_mutex_unlock(&writer.lock);
	return rc;
}

int record_write(const char *path, const char *config,
		 const struct record_meta *m, const struct passage_list *ps,
		 char *const *theme_ids, size_t nr_themes, struct doc_error *err)
{
	return record_write_mem(path, NULL, config, m, ps, theme_ids, nr_themes, err);
}

char *record_mem_text(int fd, long long size, struct doc_error *err)
{
	char *text;
	size_t done = 0;

	if (size < 0 || (unsigned long long)size > RECORD_MEM_MAX_TEXT) {
		doc_error_set(err, "record", DOC_ERR_FORMAT, "a record handed over is %lld bytes",
			      size);
		return NULL;
	}
	text = xmalloc((size_t)size + 1);
	while (done < (size_t)size) {
		ssize_t n = pread(fd, text + done, (size_t)size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			doc_error_set(err, "record", DOC_ERR_IO, "cannot read a record handed over: %s",
				      n ? strerror(errno) : "cut short");
			free(text);
			return NULL;
		}
		done += (size_t)n;
	}
	text[size] = '\0';
	return text;
}

int record_store_text(const char *path, const char *text, size_t len,
		      struct doc_error *err)
{
	size_t zlen = 0;
	int rc;

	pthread_mutex_lock(&writer.lock);
	rc = gzip_text(text, len, &zlen, err);
	if (!rc)
		rc = write_file(path, writer.out, zlen, err);
	writer_trim();
	pthread_mutex_unlock(&writer.lock);
	return rc;
}

/* Records held in memory (record_write_mem) and not yet taken: their
 * descriptors (so a worker forked meanwhile closes its copies) and bytes.
 * Room is asked for when a job is handed out, so the documents held are
 * at most RECORD_MEM_MAX_DOCS and the jobs under way. */
static struct {
	pthread_mutex_t lock;
	GArray *fd;
	long long bytes;
} held = { .lock = PTHREAD_MUTEX_INITIALIZER };

void record_mem_hold(int fd, long long bytes)
{
	pthread_mutex_lock(&held.lock);
	if (!held.fd)
		held.fd = g_array_new(FALSE, FALSE, sizeof(int));
	g_array_append_val(held.fd, fd);
	held.bytes += bytes;
	pthread_mutex_unlock(&held.lock);
}

void record_mem_release(int fd, long long bytes)
{
	guint i;

	pthread_mutex_lock(&held.lock);
	for (i = 0; held.fd && i < held.fd->len; i++)
		if (g_array_index(held.fd, int, i) == fd) {
			g_array_remove_index_fast(held.fd, i);
			held.bytes -= bytes;
			break;
		}
	if (held.fd && !held.fd->len) {
		g_array_free(held.fd, TRUE);
		held.fd = NULL;
	}
	pthread_mutex_unlock(&held.lock);
	close(fd);
}

int *record_mem_fds(size_t *n)
{
	int *fds;

	pthread_mutex_lock(&held.lock);
	*n = held.fd ? held.fd->len : 0;
	fds = xmalloc((*n + 1) * sizeof(*fds));
	if (*n)
		memcpy(fds, held.fd->data, *n * sizeof(*fds));
	pthread_mutex_unlock(&held.lock);
	return fds;
}

int record_mem_room(void)
{
	int room;

	pthread_mutex_lock(&held.lock);
	room = (!held.fd || held.fd->len < RECORD_MEM_MAX_DOCS) &&
	       held.bytes < RECORD_MEM_MAX_BYTES;
	pthread_mutex_unlock(&held.lock);
	return room;
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
	int partial;     /* the last line returned had no LF: the text is cut */
	char *buf;       /* buf[pos, len) not yet returned as lines */
	size_t pos, len, alloc;
	int borrowed;    /* buf is the caller's text (no gzip stream) */
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
 * at the end. A last line without its LF is returned as it is, with
 * partial set. Its bytes (with the LF) go into the CRC-32, except for the
 * end line, which carries it. */
static char *gz_line(struct gz_in *g, size_t *len, uLong *crc)
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
		*crc = libdeflate_crc32((uint32_t)*crc, line, *len + (nl ? 1 : 0));
	g->partial = !nl;
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
	if (!g->borrowed)
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

/* Adds the string a and then b (b may be ""). */
static void term_strings_add(struct term_strings *ts, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), n = na + nb + 1;

	if (ts->alloc - ts->len < n) {
		ts->alloc = ts->alloc * 2 > ts->len + n ? ts->alloc * 2 : ts->len + n + 256;
		ts->buf = xrealloc(ts->buf, ts->alloc);
	}
	ALLOC_GROW(ts->off, ts->nr_off, ts->alloc_off);
	ts->off[ts->nr_off++] = ts->len;
	memcpy(ts->buf + ts->len, a, na);
	memcpy(ts->buf + ts->len + na, b, nb + 1);
	ts->len += n;
}

/* The last string added again (a surface that is its term). */
static void term_strings_again(struct term_strings *ts)
{
	ALLOC_GROW(ts->off, ts->nr_off, ts->alloc_off);
	ts->off[ts->nr_off] = ts->off[ts->nr_off - 1];
	ts->nr_off++;
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

/* Parses the record text gz gives (path names it in messages). */
static int parse_record(struct gz_in *g, const char *path, const char *config,
			struct record_meta *m, struct passage_list *out,
			char *const *theme_ids, size_t nr_themes, struct doc_error *err);

int record_read(const char *path, const char *config,
		struct record_meta *m, struct passage_list *out,
		char *const *theme_ids, size_t nr_themes, struct doc_error *err)
{
	struct gz_in gz;
	int not_gzip;

	memset(m, 0, sizeof(*m));
	if (gz_open(path, &gz, &not_gzip)) {
		if (not_gzip)
			return doc_error_set(err, "record", DOC_ERR_FORMAT,
					     "'%s' is not a record (not gzip)", path);
		return doc_error_set(err, "record", DOC_ERR_IO, "cannot open '%s': %s",
				     path, strerror(errno));
	}
	return parse_record(&gz, path, config, m, out, theme_ids, nr_themes, err);
}

int record_parse_text(const char *path, char *text, size_t len, const char *config,
		      struct record_meta *m, struct passage_list *out,
		      char *const *theme_ids, size_t nr_themes, struct doc_error *err)
{
	struct gz_in gz;

	memset(m, 0, sizeof(*m));
	memset(&gz, 0, sizeof(gz));
	gz.buf = text;
	gz.len = gz.total = len;
	gz.alloc = len + 1;
	gz.eof = 1;
	gz.borrowed = 1;
	return parse_record(&gz, path, config, m, out, theme_ids, nr_themes, err);
}

static int parse_record(struct gz_in *g, const char *path, const char *config,
			struct record_meta *m, struct passage_list *out,
			char *const *theme_ids, size_t nr_themes, struct doc_error *err)
{
	struct gz_in gz = *g;
	struct term_strings ts = { 0 };
	char *line, *v[10];
	size_t lineno = 0, n, len;
	struct passage *p = NULL;
	uLong crc = 0;
	int rc = -1, ended = 0, had_meta = 0;

	while (!ended) {
		long a, b;

		/* every line of a whole record ends in LF, the end line too */
		if (!(line = gz_line(&gz, &len, &crc)) || gz.partial)
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
		/* the commonest lines first */
		if ((v[0][0] == 's' || v[0][0] == 't') && !v[0][1] && n == 4 && p) {
			struct term_count *t;

			if (get_long(v[3], 1, RECORD_MAX_COUNT, &b))
				goto bad;
			/* capacity doubles at powers of two */
			if (!(p->nr_terms & (p->nr_terms - 1)))
				p->terms = xrealloc(p->terms, (p->nr_terms ? 2 * p->nr_terms : 1) *
						    sizeof(*t));
			t = &p->terms[p->nr_terms++];
			t->term = t->surface = NULL; /* strings given when p is complete */
			term_strings_add(&ts, v[1], "");
			if (v[0][0] == 't')
				term_strings_add(&ts, v[2], "");
			else if (*v[2])
				term_strings_add(&ts, v[1], v[2]);
			else
				term_strings_again(&ts);
			t->count = (unsigned)b;
			continue;
		}
		if (!strcmp(v[0], "end") && n == 2) {
			char want[16];

			if (strlen(v[1]) != 8)
				break; /* cut inside the end line */
			snprintf(want, sizeof(want), "%08lx", (unsigned long)crc);
			if (strcmp(v[1], want)) {
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
