/*
 * CSV. Writing: a field is quoted (RFC 4180, quotes doubled) only when it
 * holds a comma, quote, CR or LF, so files stay readable; text cells that a
 * spreadsheet would evaluate get a leading apostrophe (OWASP's CSV injection
 * advice). Files are written to PATH.tmp.PID and renamed on commit, so an
 * interrupted run leaves the previous complete file or none; inside a
 * publish (csv_publish_begin) the renames wait until every file of the set
 * is complete, and a list of them on disk lets the next run finish renames
 * a kill interrupted. Reading, through libcsv: see below.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <unistd.h>
#include <csv.h>
#include <glib.h>
#include "util.h"
#include "csvio.h"
#include "banned.h"

#define CSV_MAX_LINE ((size_t)16 << 20)
#define CSV_MAX_FIELD ((size_t)16 << 20)
#define CSV_MAX_ROW ((size_t)64 << 20)
#define CSV_MAX_FIELDS ((size_t)1 << 20)
#define CSV_CHUNK 65536

/* Output files get a larger stdio buffer than the default block size:
 * fewer write calls for the multi-megabyte streams of a run. */
#define CSV_OUT_BUF ((size_t)1 << 18)

struct csv_out {
	FILE *f;
	char *path, *tmp;
	int at_row_start;
	char *buf; /* the stream's buffer (CSV_OUT_BUF), or NULL */
};

struct csv_out *csv_out_open(const char *path, int bom, struct doc_error *err)
{
	struct csv_out *c = xcalloc(1, sizeof(*c));

	c->at_row_start = 1;
	if (!strcmp(path, "-")) {
		c->f = stdout;
	} else {
		c->path = xstrdup(path);
		c->tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
		c->f = fopen(c->tmp, "w");
		if (!c->f) {
			doc_error_set(err, "write", DOC_ERR_IO, "cannot write '%s': %s",
				      c->tmp, strerror(errno));
			free(c->path);
			free(c->tmp);
			free(c);
			return NULL;
		}
		c->buf = xmalloc(CSV_OUT_BUF);
		setvbuf(c->f, c->buf, _IOFBF, CSV_OUT_BUF);
	}
	if (bom)
		fputs("\xEF\xBB\xBF", c->f);
	return c;
}

struct csv_out *csv_out_open_in(const char *dir, const char *name, int bom,
				struct doc_error *err)
{
	char *path = g_build_filename(dir, name, NULL);
	struct csv_out *c = csv_out_open(path, bom, err);

	g_free(path);
	return c;
}

/* A handle is written by one thread only: the stream is not locked per
 * call. */
static void put(struct csv_out *c, const char *s, size_t len)
{
	fwrite_unlocked(s, 1, len, c->f);
}

void csv_out_line(struct csv_out *c, const char *line)
{
	if (!c->at_row_start)
		BUG("csv_out_line in the middle of a row");
	put(c, line, strlen(line));
	putc_unlocked('\n', c->f);
}

static void sep(struct csv_out *c)
{
	if (!c->at_row_start)
		putc_unlocked(',', c->f);
	c->at_row_start = 0;
}

/* s[0..len) quoted, quotes doubled (RFC 4180, as libcsv's csv_write
 * writes it), after an apostrophe inside the quotes when guard_char. */
static void put_quoted(struct csv_out *c, const char *s, size_t len, int guard_char)
{
	const char *end = s + len, *q;

	putc_unlocked('"', c->f);
	if (guard_char) /* the apostrophe is part of the value */
		putc_unlocked('\'', c->f);
	while ((q = memchr(s, '"', (size_t)(end - s)))) {
		put(c, s, (size_t)(q - s) + 1);
		putc_unlocked('"', c->f);
		s = q + 1;
	}
	put(c, s, (size_t)(end - s));
	putc_unlocked('"', c->f);
}

int csv_text_guarded(const char *s)
{
	return s && s[0] && strchr("=+-@\t\r", s[0]);
}

static void put_field(struct csv_out *c, const char *s, size_t len, int guard)
{
	int needs_guard = guard && len && strchr("=+-@\t\r", s[0]);

	sep(c);
	if (needs_guard)
		put_quoted(c, s, len, 1);
	else if (memchr(s, ',', len) || memchr(s, '"', len) ||
		 memchr(s, '\n', len) || memchr(s, '\r', len))
		put_quoted(c, s, len, 0);
	else
		put(c, s, len);
}

void csv_out_textn(struct csv_out *c, const char *s, size_t len)
{
	put_field(c, s, len, 1);
}

void csv_out_text(struct csv_out *c, const char *s)
{
	put_field(c, s ? s : "", s ? strlen(s) : 0, 1);
}

void csv_out_raw(struct csv_out *c, const char *s)
{
	put_field(c, s ? s : "", s ? strlen(s) : 0, 1);
}

void csv_out_verbatim(struct csv_out *c, const char *s)
{
	put_field(c, s ? s : "", s ? strlen(s) : 0, 0);
}

void csv_out_int(struct csv_out *c, long long v)
{
	char buf[24], *e = buf + sizeof(buf), *p = e;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	sep(c);
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	put(c, p, (size_t)(e - p));
}

/* "%.*g" of v at precision prec (15 to 17) and whether it reads back as
 * v: the definition csv_format_double() follows. */
static int format_g(char *buf, size_t size, double v, int prec)
{
	snprintf(buf, size, "%.*g", prec, v);
	return strtod(buf, NULL) == v;
}

/*
 * The "%.*g" text of the significant digits d[0..n) (no trailing zero, n
 * >= 1) with decimal exponent x, as printf writes it at precision prec:
 * exponent notation when x < -4 or x >= prec, trailing zeros dropped.
 */
static void put_g(char *buf, int neg, const char *d, int n, int x, int prec)
{
	char *o = buf;
	int i;

	if (neg)
		*o++ = '-';
	if (x < -4 || x >= prec) {
		unsigned ax = (unsigned)(x < 0 ? -x : x);

		*o++ = d[0];
		if (n > 1) {
			*o++ = '.';
			memcpy(o, d + 1, (size_t)n - 1);
			o += n - 1;
		}
		*o++ = 'e';
		*o++ = x < 0 ? '-' : '+';
		if (ax >= 100)
			*o++ = (char)('0' + ax / 100);
		*o++ = (char)('0' + ax / 10 % 10);
		*o++ = (char)('0' + ax % 10);
	} else if (x >= 0) {
		for (i = 0; i <= x; i++)
			*o++ = i < n ? d[i] : '0';
		if (n > x + 1) {
			*o++ = '.';
			memcpy(o, d + x + 1, (size_t)(n - x - 1));
			o += n - x - 1;
		}
	} else {
		*o++ = '0';
		*o++ = '.';
		for (i = 0; i < -x - 1; i++)
			*o++ = '0';
		memcpy(o, d, (size_t)n);
		o += n;
	}
	*o = '\0';
}

__extension__ typedef unsigned __int128 u128;

/*
 * The shortest of 15, 16 and 17 significant digits that reads back as v,
 * as format_g() finds it, in exact integer arithmetic for 1e-5 <= |v| <
 * 1e15 (the range of the statistics written; 0 outside it, for
 * format_g()). With |v| = f 2^-e (f in [2^52, 2^53)) and 10^x <= |v| <
 * 10^(x+1), N = f 10^s (s = 16 - x) is |v| scaled by 10^s 2^e, exactly:
 * in that scale a P-digit rounding of |v| is a multiple of 10^(17-P) 2^e,
 * ties go to the even digit (printf), and the doubles next to v are 10^s
 * away (10^s / 2 below when f is 2^52), so a rounding reads back as v when
 * it is nearer than half that, or as near with f even (strtod's ties).
 */
static int format_fast(char *buf, double v)
{
	static const unsigned long long p10[] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
		10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL,
		10000000000000000000ULL };
	double a = fabs(v);
	unsigned long long f, t = 0;
	u128 n = 0, low, ps;
	int e, x, s, prec, tries;
	char d[24];

	if (!(a >= 1e-5 && a < 1e15))
		return 0;
	f = (unsigned long long)ldexp(frexp(a, &e), 53);
	e = 53 - e; /* a = f / 2^e, e in [3, 70] */
	x = (int)floor(log10(a));
	for (tries = 0; tries < 3; tries++) {
		s = 16 - x; /* in [2, 21] */
		if (s < 0 || s > 21)
			return 0;
		ps = s > 19 ? (u128)p10[19] * p10[s - 19] : (u128)p10[s];
		n = (u128)f * ps;
		t = (unsigned long long)(n >> e); /* floor(|v| 10^s) */
		if (t < p10[16])
			x--;
		else if (t >= p10[17])
			x++;
		else
			break;
	}
	if (tries == 3)
		return 0;
	low = n & (((u128)1 << e) - 1); /* n - t 2^e */
	for (prec = 15; prec <= 17; prec++) {
		unsigned long long k = p10[17 - prec], dp = t / k;
		u128 q = (u128)k << e; /* the unit of the prec-th digit */
		u128 below = (u128)(t % k) << e | low; /* n - dp q */
		u128 dist;
		int up, rx = x, nd, i;

		/* round to nearest, ties to even */
		up = 2 * below > q || (2 * below == q && (dp & 1));
		dist = up ? q - below : below;
		if (prec < 17) {
			/* reads back as v? */
			u128 lim = up || f != (1ULL << 52) ? 2 * dist : 4 * dist;

			if (lim > ps || (lim == ps && (f & 1)))
				continue;
		}
		if (up && ++dp == p10[prec]) {
			dp = p10[prec - 1];
			rx++;
		}
		nd = prec;
		for (i = prec - 1; i >= 0; i--) {
			d[i] = (char)('0' + dp % 10);
			dp /= 10;
		}
		while (nd > 1 && d[nd - 1] == '0')
			nd--;
		put_g(buf, v < 0, d, nd, rx, prec);
		return 1;
	}
	return 0;
}

char *csv_format_double(char *buf, size_t size, double v)
{
	int prec;

	if (isnan(v) || isinf(v)) {
		buf[0] = '\0';
		return buf;
	}
	if (v == 0)
		v = 0; /* no "-0" */
	/* %g drops trailing zeros, so 15 significant digits already give the
	 * short form of short numbers (0.1, 10); 16 or 17 are needed only when
	 * 15 do not read back as v. Exponent notation below 1e-4 and from
	 * 1e15 (1e16, 1e17 at 16, 17 digits). */
	if (size >= 32 && v != 0 && format_fast(buf, v))
		return buf;
	for (prec = 15; prec <= 17; prec++)
		if (format_g(buf, size, v, prec))
			break;
	return buf;
}

void csv_out_double(struct csv_out *c, double v)
{
	char buf[64];

	sep(c);
	csv_format_double(buf, sizeof(buf), v);
	put(c, buf, strlen(buf));
}

void csv_out_p(struct csv_out *c, double v)
{
	sep(c);
	if (!isnan(v) && !isinf(v))
		fprintf(c->f, "%.6g", v == 0 ? 0.0 : v);
}

void csv_out_fixed(struct csv_out *c, double v, int decimals)
{
	sep(c);
	if (!isnan(v) && !isinf(v))
		fprintf(c->f, "%.*f", decimals, v == 0 ? 0.0 : v);
}

void csv_out_empty(struct csv_out *c)
{
	sep(c);
}

void csv_out_end_row(struct csv_out *c)
{
	putc_unlocked('\n', c->f);
	c->at_row_start = 1;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

long long csv_out_tell(struct csv_out *c)
{
	return (long long)ftello(c->f);
}

int csv_out_copy(struct csv_out *c, int fd, long long off, long long len)
{
	int out = fileno(c->f), fast = 1;
	off_t o = (off_t)off;

	if (!c->at_row_start)
		BUG("csv_out_copy in the middle of a row");
	if (fflush(c->f))
		return -1;
	while (len > 0) {
		ssize_t n = -1;

		/* in the kernel when the file system can; else through a buffer */
		if (fast) {
			n = copy_file_range(fd, &o, out, NULL, (size_t)len, 0);
			if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
				      errno == EOPNOTSUPP)) {
				fast = 0;
				continue;
			}
		} else {
			char buf[65536];

			n = pread(fd, buf, len < (long long)sizeof(buf) ? (size_t)len : sizeof(buf), o);
			if (n > 0 && write_all(out, buf, (size_t)n))
				return -1;
			if (n > 0)
				o += n;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* an error, or the file is shorter than it was */
		len -= n;
	}
	/* stdio's idea of the position follows the descriptor's again */
	return fseeko(c->f, 0, SEEK_END) ? -1 : 0;
}

int csv_out_commit(struct csv_out *c, struct doc_error *err)
{
	int rc = 0;

	if (!c->path) {
		if (fflush(c->f) || ferror(c->f))
			rc = doc_error_set(err, "write", DOC_ERR_IO,
					   "cannot write to standard output");
		free(c);
		return rc;
	}
	if (fflush(c->f) || ferror(c->f) || fsync(fileno(c->f)))
		rc = doc_error_set(err, "write", DOC_ERR_IO, "cannot write '%s': %s",
				   c->tmp, strerror(errno));
	if (fclose(c->f) && !rc)
		rc = doc_error_set(err, "write", DOC_ERR_IO, "cannot write '%s': %s",
				   c->tmp, strerror(errno));
	if (!rc)
		rc = csv_commit_file(c->tmp, c->path, err);
	if (rc)
		unlink(c->tmp);
	free(c->tmp);
	free(c->path);
	free(c->buf);
	free(c);
	return rc;
}

/* The set being published: temporary and final names, in commit order. */
static struct {
	char *dir;
	GPtrArray *tmp, *path;
} pub;

static const char publish_list[] = ".publish";

void csv_publish_begin(const char *dir)
{
	if (pub.dir)
		BUG("csv_publish_begin twice");
	pub.dir = xstrdup(dir);
	pub.tmp = g_ptr_array_new_with_free_func(free);
	pub.path = g_ptr_array_new_with_free_func(free);
}

static void publish_release(void)
{
	free(pub.dir);
	pub.dir = NULL;
	g_ptr_array_free(pub.tmp, TRUE);
	g_ptr_array_free(pub.path, TRUE);
	pub.tmp = pub.path = NULL;
}

/* Files of one set are committed from more than one thread (reduce.c); a
 * pthread mutex, which ThreadSanitizer follows (GMutex is a bare futex). */
static pthread_mutex_t pub_lock = PTHREAD_MUTEX_INITIALIZER;

int csv_commit_file(const char *tmp, const char *path, struct doc_error *err)
{
	if (pub.dir) {
		pthread_mutex_lock(&pub_lock);
		g_ptr_array_add(pub.tmp, xstrdup(tmp));
		g_ptr_array_add(pub.path, xstrdup(path));
		pthread_mutex_unlock(&pub_lock);
		return 0;
	}
	if (rename(tmp, path))
		return doc_error_set(err, "write", DOC_ERR_IO, "cannot rename '%s' to '%s': %s",
				     tmp, path, strerror(errno));
	return 0;
}

const char *csv_publish_pending(const char *path)
{
	const char *tmp = NULL;
	guint i;

	pthread_mutex_lock(&pub_lock);
	for (i = 0; pub.dir && i < pub.path->len; i++)
		if (!strcmp(pub.path->pdata[i], path)) {
			tmp = pub.tmp->pdata[i];
			break;
		}
	pthread_mutex_unlock(&pub_lock);
	return tmp;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Renames every pair of the list at lp ("tmp<TAB>path" lines, names in
 * dir) whose temporary file is still there, then removes the list. */
static int replay(const char *dir, const char *lp, struct doc_error *err)
{
	char *text = NULL, **lines, **ln;
	int rc = 0;

	if (!g_file_get_contents(lp, &text, NULL, NULL))
		return 0;
	lines = g_strsplit(text, "\n", -1);
	for (ln = lines; *ln; ln++) {
		char *tab = strchr(*ln, '\t'), *t, *p;

		if (!tab || strchr(*ln, '/') || tab == *ln || !tab[1])
			continue;
		*tab = '\0';
		t = g_build_filename(dir, *ln, NULL);
		p = g_build_filename(dir, tab + 1, NULL);
		if (access(t, F_OK) == 0 && rename(t, p) && !rc)
			rc = doc_error_set(err, "write", DOC_ERR_IO,
					   "cannot rename '%s' to '%s': %s", t, p, strerror(errno));
		g_free(t);
		g_free(p);
	}
	g_strfreev(lines);
	g_free(text);
	if (!rc) {
		sync_dir(dir);
		unlink(lp);
		sync_dir(dir);
	}
	return rc;
}

int csv_publish_end(struct doc_error *err)
{
	GString *list = g_string_new(NULL);
	char *lp, *ltmp;
	guint i;
	int rc = 0, fd;

	if (!pub.dir)
		BUG("csv_publish_end without begin");
	for (i = 0; i < pub.tmp->len; i++) {
		char *t = g_path_get_basename(pub.tmp->pdata[i]);
		char *p = g_path_get_basename(pub.path->pdata[i]);

		g_string_append_printf(list, "%s\t%s\n", t, p);
		g_free(t);
		g_free(p);
	}
	lp = g_build_filename(pub.dir, publish_list, NULL);
	ltmp = xstrfmt("%s.tmp.%ld", lp, (long)getpid());
	/* The list is complete on disk before the first rename, so a run
	 * killed among the renames can be finished by the next one. */
	fd = open(ltmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || write(fd, list->str, list->len) != (ssize_t)list->len ||
	    fsync(fd) || close(fd) || rename(ltmp, lp)) {
		rc = doc_error_set(err, "write", DOC_ERR_IO, "cannot write '%s': %s",
				   ltmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(ltmp);
		csv_publish_abort();
		goto out;
	}
	sync_dir(pub.dir);
	rc = replay(pub.dir, lp, err);
	publish_release();
out:
	g_string_free(list, TRUE);
	g_free(lp);
	free(ltmp);
	return rc;
}

void csv_publish_abort(void)
{
	guint i;

	if (!pub.dir)
		return;
	for (i = 0; i < pub.tmp->len; i++)
		unlink(pub.tmp->pdata[i]);
	publish_release();
}

int csv_publish_recover(const char *dir, struct doc_error *err)
{
	char *lp = g_build_filename(dir, publish_list, NULL);
	int rc = replay(dir, lp, err);

	g_free(lp);
	return rc;
}

void csv_out_abort(struct csv_out *c)
{
	if (!c)
		return;
	if (c->path) {
		fclose(c->f);
		unlink(c->tmp);
	}
	free(c->tmp);
	free(c->path);
	free(c->buf);
	free(c);
}

void csv_fput_text(FILE *f, const char *s)
{
	struct csv_out c = { .f = f, .at_row_start = 1 };

	put_field(&c, s, strlen(s), 1);
}

/*
 * Reading. The input is decoded (UTF-8, or UTF-16 after its byte-order
 * mark), cut into physical lines, and each line checked (no NUL byte, valid
 * UTF-8, at most max_line bytes) before libcsv sees it, so every message
 * can name the file line, and a row's line is the line it starts on. Lines
 * are fed one at a time and reading stops as soon as a row is complete, so
 * memory is bounded by the limits: a line, a field, a row's bytes and its
 * number of fields.
 */
struct csv_in {
	FILE *f;
	int close_f;
	char *name;       /* for messages */
	struct csv_parser p;
	GPtrArray *cur;   /* fields of the row being parsed */
	size_t cur_bytes; /* their total length */
	GQueue rows;      /* complete rows (GPtrArray of char *) */
	GQueue row_lines; /* the line each of them starts on */
	GPtrArray *given; /* the row last handed out */
	size_t given_line;
	size_t row_no;
	size_t line;      /* lines fed to the parser so far */
	size_t row_line;  /* the line the row being parsed starts on */
	size_t header_width;
	int check_width;
	int eof, failed, started, raw_eof;
	int utf16;        /* 0: UTF-8; 'l' or 'b': UTF-16LE or BE */
	GIConv cd;
	char *raw;        /* bytes read and not yet decoded */
	size_t raw_len;
	GString *dec;     /* decoded bytes not yet cut into lines */
	size_t dpos;
	GString *line_buf; /* the start of a line that spans reads */
	char cb_err[160]; /* a limit a callback met, or "" */
	GString *fast;    /* the fields of a line read without libcsv */
	size_t *fast_at;  /* their starts and lengths in it */
	size_t fast_nr, fast_alloc;
	size_t max_line, max_field, max_row, max_fields;
};

static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static struct csv_in *csv_in_init(struct csv_in *c);

struct csv_in *csv_in_open(const char *path, struct doc_error *err)
{
	struct csv_in *c = xcalloc(1, sizeof(*c));
	const char *pending = csv_publish_pending(path);

	c->name = xstrdup(strcmp(path, "-") ? path : "standard input");
	if (pending) /* the new version, committed but not yet renamed */
		path = pending;

	if (!strcmp(path, "-")) {
		c->f = stdin;
	} else {
		c->f = fopen(path, "rb");
		c->close_f = 1;
		if (!c->f) {
			doc_error_set(err, "read", DOC_ERR_IO, "cannot open '%s': %s",
				      path, strerror(errno));
			free(c->name);
			free(c);
			return NULL;
		}
	}
	return csv_in_init(c);
}

struct csv_in *csv_in_open_mem(const void *buf, size_t len, const char *name,
			       struct doc_error *err)
{
	struct csv_in *c;
	FILE *f = fmemopen((void *)buf, len ? len : 1, "rb");

	if (!f) {
		doc_error_set(err, "read", DOC_ERR_IO, "cannot read '%s': %s", name,
			      strerror(errno));
		return NULL;
	}
	if (!len) /* fmemopen wants a size of 1 at least */
		fseek(f, 0, SEEK_END);
	c = xcalloc(1, sizeof(*c));
	c->name = xstrdup(name);
	c->f = f;
	c->close_f = 1;
	return csv_in_init(c);
}

static struct csv_in *csv_in_init(struct csv_in *c)
{
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		BUG("csv_init failed");
	csv_set_space_func(&c->p, no_space);
	c->cur = g_ptr_array_new_with_free_func(g_free);
	g_queue_init(&c->rows);
	g_queue_init(&c->row_lines);
	c->raw = xmalloc(CSV_CHUNK);
	c->dec = g_string_sized_new(CSV_CHUNK);
	c->line_buf = g_string_new(NULL);
	c->fast = g_string_new(NULL);
	c->cd = (GIConv)-1;
	c->max_line = CSV_MAX_LINE;
	c->max_field = CSV_MAX_FIELD;
	c->max_row = CSV_MAX_ROW;
	c->max_fields = CSV_MAX_FIELDS;
	return c;
}

void csv_in_check_width(struct csv_in *c)
{
	c->check_width = 1;
}

void csv_in_set_limits(struct csv_in *c, size_t max_line, size_t max_field,
		       size_t max_row, size_t max_fields)
{
	c->max_line = max_line;
	c->max_field = max_field;
	c->max_row = max_row;
	c->max_fields = max_fields;
}

static void on_field(void *s, size_t len, void *data)
{
	struct csv_in *c = data;

	if (c->cb_err[0])
		return;
	if (len > c->max_field) {
		snprintf(c->cb_err, sizeof(c->cb_err), "a field is longer than %zu bytes",
			 c->max_field);
		return;
	}
	if (c->cur->len >= c->max_fields) {
		snprintf(c->cb_err, sizeof(c->cb_err), "a row has more than %zu fields",
			 c->max_fields);
		return;
	}
	c->cur_bytes += len;
	if (c->cur_bytes > c->max_row) {
		snprintf(c->cb_err, sizeof(c->cb_err), "a row is longer than %zu bytes",
			 c->max_row);
		return;
	}
	g_ptr_array_add(c->cur, g_strndup(s ? s : "", len));
}

static void on_row(int term, void *data)
{
	struct csv_in *c = data;

	(void)term;
	if (c->cb_err[0])
		return;
	g_queue_push_tail(&c->rows, c->cur);
	g_queue_push_tail(&c->row_lines, GSIZE_TO_POINTER(c->row_line));
	c->cur = g_ptr_array_new_with_free_func(g_free);
	c->cur_bytes = 0;
	/* a lone CR ends a row inside a line: the next starts on this line */
	c->row_line = c->line;
}

static int in_error(struct csv_in *c, struct doc_error *err, enum doc_error_code kind,
		    size_t line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int in_error(struct csv_in *c, struct doc_error *err, enum doc_error_code kind,
		    size_t line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->failed = 1;
	return doc_error_set(err, "read", kind, "%s:%zu: %s", c->name, line, msg);
}

/*
 * A whole row on one line, read as libcsv would read it (CSV_STRICT, no
 * space trimmed): for a line that starts a row, ends in LF and holds only
 * unquoted fields without a quote or CR and quoted fields closed on the
 * line and followed by a comma or the LF. 1 when the row was handed to
 * the callbacks; 0 for any other line, which libcsv then reads (and finds
 * its rows or its error).
 */
static int fast_row(struct csv_in *c, const char *s, size_t len)
{
	const char *p = s, *end = s + len - 1, *q; /* *end is the LF */
	GString *b = c->fast;
	size_t i;

	if (len < 2 || *end != '\n')
		return 0;
	g_string_truncate(b, 0);
	c->fast_nr = 0;
	for (;;) {
		size_t start = b->len;

		if (*p == '"') {
			for (p++;; p = q + 2) {
				q = memchr(p, '"', (size_t)(end - p));
				if (!q)
					return 0; /* the field goes on past the line */
				g_string_append_len(b, p, q - p);
				if (q[1] != '"')
					break;
				g_string_append_c(b, '"');
			}
			p = q + 1;
			if (p != end && *p != ',')
				return 0;
		} else {
			for (q = p; q < end && *q != ','; q++)
				if (*q == '"' || *q == '\r')
					return 0;
			g_string_append_len(b, p, q - p);
			p = q;
		}
		if (c->fast_nr / 2 >= c->max_fields)
			return 0; /* libcsv meets the limit */
		ALLOC_GROW(c->fast_at, c->fast_nr + 2, c->fast_alloc);
		c->fast_at[c->fast_nr++] = start;
		c->fast_at[c->fast_nr++] = b->len - start;
		if (p == end)
			break;
		p++;
	}
	for (i = 0; i < c->fast_nr; i += 2)
		on_field(b->str + c->fast_at[i], c->fast_at[i + 1], c);
	on_row('\n', c);
	return 1;
}

/* Checks one physical line (with its line end) and feeds it to libcsv. */
static int feed_line(struct csv_in *c, const char *s, size_t len, struct doc_error *err)
{
	const char *bad;

	c->line++;
	if (memchr(s, '\0', len))
		return in_error(c, err, DOC_ERR_FORMAT, c->line, "NUL byte%s",
				c->line == 1 && !c->utf16 ?
				" (UTF-16 without a byte-order mark? save the file as UTF-8)" : "");
	if (!g_utf8_validate(s, (gssize)len, &bad))
		return in_error(c, err, DOC_ERR_FORMAT, c->line,
				"not valid UTF-8 (byte %zu of the line)", (size_t)(bad - s) + 1);
	if (c->p.pstate == 0 && !c->cur->len) {
		c->row_line = c->line;
		if (fast_row(c, s, len))
			return c->cb_err[0] ?
				in_error(c, err, DOC_ERR_LIMIT, c->line, "%s", c->cb_err) : 0;
	}
	if (csv_parse(&c->p, s, len, on_field, on_row, c) != len)
		return in_error(c, err, DOC_ERR_FORMAT, c->line, "malformed CSV: %s",
				csv_strerror(csv_error(&c->p)));
	if (c->cb_err[0])
		return in_error(c, err, DOC_ERR_LIMIT, c->line, "%s", c->cb_err);
	if (c->p.entry_pos > c->max_field)
		return in_error(c, err, DOC_ERR_LIMIT, c->line,
				"a field is longer than %zu bytes", c->max_field);
	if (c->cur_bytes + c->p.entry_pos > c->max_row)
		return in_error(c, err, DOC_ERR_LIMIT, c->line,
				"a row is longer than %zu bytes", c->max_row);
	return 0;
}

/* Line ends decoded but not yet fed. */
static size_t pending_lines(const struct csv_in *c)
{
	const char *p = c->dec->str + c->dpos, *end = c->dec->str + c->dec->len;
	size_t n = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

/* Reads a chunk and decodes it onto c->dec; sets raw_eof at the end. */
static int read_more(struct csv_in *c, struct doc_error *err)
{
	size_t n = fread(c->raw + c->raw_len, 1, CSV_CHUNK - c->raw_len, c->f);
	const char *b = c->raw;

	if (n == 0 && ferror(c->f))
		return in_error(c, err, DOC_ERR_IO, c->line + 1, "read error: %s",
				strerror(errno));
	if (n == 0)
		c->raw_eof = 1;
	c->raw_len += n;
	if (!c->started && (c->raw_len >= 3 || c->raw_eof)) {
		c->started = 1;
		if (c->raw_len >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3)) {
			memmove(c->raw, c->raw + 3, c->raw_len - 3);
			c->raw_len -= 3;
		} else if (c->raw_len >= 2 && (!memcmp(b, "\xFF\xFE", 2) ||
					       !memcmp(b, "\xFE\xFF", 2))) {
			c->utf16 = b[0] == '\xFF' ? 'l' : 'b';
			c->cd = g_iconv_open("UTF-8", c->utf16 == 'l' ? "UTF-16LE" : "UTF-16BE");
			if (c->cd == (GIConv)-1)
				return in_error(c, err, DOC_ERR_CONFIG, 1,
						"cannot decode UTF-16 here");
			memmove(c->raw, c->raw + 2, c->raw_len - 2);
			c->raw_len -= 2;
		}
	}
	if (!c->started)
		return 0;
	if (!c->utf16) {
		g_string_append_len(c->dec, c->raw, (gssize)c->raw_len);
		c->raw_len = 0;
		return 0;
	}
	{
		gchar *in = c->raw, *o;
		gsize inleft = c->raw_len, outleft;

		while (inleft) {
			size_t r, had = c->dec->len;

			g_string_set_size(c->dec, had + 2 * inleft + 16);
			o = c->dec->str + had;
			outleft = 2 * inleft + 16;
			r = g_iconv(c->cd, &in, &inleft, &o, &outleft);
			g_string_set_size(c->dec, (gsize)(o - c->dec->str));
			if (r != (size_t)-1 || errno == E2BIG)
				continue;
			if (errno == EINVAL && !c->raw_eof)
				break; /* a character cut by the read: the rest comes next */
			return in_error(c, err, DOC_ERR_FORMAT, c->line + 1 + pending_lines(c),
					"not valid UTF-16");
		}
		memmove(c->raw, in, inleft);
		c->raw_len = inleft;
	}
	return 0;
}

/* Feeds the next physical line, or ends the input. */
static int next_line(struct csv_in *c, struct doc_error *err)
{
	for (;;) {
		const char *s = c->dec->str + c->dpos;
		size_t avail = c->dec->len - c->dpos;
		const char *nl = memchr(s, '\n', avail);

		if (nl) {
			size_t n = (size_t)(nl - s) + 1;
			int rc;

			if (c->line_buf->len + n - 1 > c->max_line)
				return in_error(c, err, DOC_ERR_LIMIT, c->line + 1,
						"line longer than %zu bytes", c->max_line);
			c->dpos += n;
			if (!c->line_buf->len)
				return feed_line(c, s, n, err);
			g_string_append_len(c->line_buf, s, (gssize)n);
			rc = feed_line(c, c->line_buf->str, c->line_buf->len, err);
			g_string_truncate(c->line_buf, 0);
			return rc;
		}
		if (c->line_buf->len + avail > c->max_line)
			return in_error(c, err, DOC_ERR_LIMIT, c->line + 1,
					"line longer than %zu bytes", c->max_line);
		g_string_append_len(c->line_buf, s, (gssize)avail);
		g_string_truncate(c->dec, 0);
		c->dpos = 0;
		if (c->raw_eof) {
			if (c->line_buf->len) { /* a last line without its end */
				int rc = feed_line(c, c->line_buf->str, c->line_buf->len, err);

				g_string_truncate(c->line_buf, 0);
				return rc;
			}
			c->eof = 1;
			if (csv_fini(&c->p, on_field, on_row, c))
				return in_error(c, err, DOC_ERR_FORMAT, c->row_line,
						"malformed CSV (a quoted field is not closed)");
			if (c->cb_err[0])
				return in_error(c, err, DOC_ERR_LIMIT, c->line, "%s", c->cb_err);
			return 0;
		}
		if (read_more(c, err))
			return -1;
	}
}

int csv_in_next(struct csv_in *c, char ***fields, size_t *nr,
		struct doc_error *err)
{
	if (c->given) {
		g_ptr_array_free(c->given, TRUE);
		c->given = NULL;
	}
	while (g_queue_is_empty(&c->rows)) {
		if (c->eof || c->failed)
			return c->failed ? -1 : 0;
		if (next_line(c, err)) {
			c->failed = 1;
			return -1;
		}
	}
	c->given = g_queue_pop_head(&c->rows);
	c->given_line = GPOINTER_TO_SIZE(g_queue_pop_head(&c->row_lines));
	c->row_no++;
	if (c->row_no == 1) {
		c->header_width = c->given->len;
	} else if (c->check_width && c->given->len > c->header_width) {
		in_error(c, err, DOC_ERR_FORMAT, c->given_line,
			 "%u fields, but the header has %zu", c->given->len, c->header_width);
		return -1;
	}
	*fields = (char **)c->given->pdata;
	*nr = c->given->len;
	return 1;
}

size_t csv_in_line(const struct csv_in *c)
{
	return c->given_line;
}

size_t csv_in_row(const struct csv_in *c)
{
	return c->row_no;
}

const char *csv_in_name(const struct csv_in *c)
{
	return c->name;
}

static void free_row(gpointer row)
{
	g_ptr_array_free(row, TRUE);
}

void csv_in_close(struct csv_in *c)
{
	if (!c)
		return;
	if (c->given)
		g_ptr_array_free(c->given, TRUE);
	g_queue_clear_full(&c->rows, free_row);
	g_queue_clear(&c->row_lines);
	g_ptr_array_free(c->cur, TRUE);
	csv_free(&c->p);
	if (c->close_f)
		fclose(c->f);
	if (c->cd != (GIConv)-1)
		g_iconv_close(c->cd);
	free(c->raw);
	g_string_free(c->dec, TRUE);
	g_string_free(c->line_buf, TRUE);
	g_string_free(c->fast, TRUE);
	free(c->fast_at);
	free(c->name);
	free(c);
}
