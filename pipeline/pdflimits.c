/*
 * Decompression-bomb check of a PDF before poppler parses it (pdflimits.h).
 *
 * The file is scanned for the keyword `stream` (not `endstream`) followed
 * by an end of line; the dictionary before it (the `<<` ... `>>` that ends
 * just before the keyword, at most DICT_BACK bytes long) gives the filters
 * and whether it is an image. The data is inflated from the end of line
 * without trusting /Length: zlib stops at the end of the deflate stream.
 * Damaged data stops the count quietly (poppler reports what it makes of
 * it). Encrypted streams do not inflate and are skipped the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "pdflimits.h"
#include "banned.h"

#define DICT_BACK 65536
#define MAX_STAGES 4
#define CHUNK 65536

struct chain {
	z_stream z[MAX_STAGES];
	int n;
	int ready; /* stages initialised (inflateInit) so far */
	unsigned long long out[MAX_STAGES];
	unsigned char buf[MAX_STAGES][CHUNK];
};

enum { GO_ON, STOP, OVER };

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

static int is_delim(unsigned char c)
{
	return is_ws(c) || c == '/' || c == '[' || c == ']' || c == '<' ||
	       c == '>' || c == '(' || c == ')' || c == '%';
}

/* The dictionary ending just before pos: [*d0, *d1), or 0 if none. */
static int find_dict(const unsigned char *data, size_t pos, size_t *d0, size_t *d1)
{
	size_t i = pos, stop = pos > DICT_BACK ? pos - DICT_BACK : 0;
	int depth = 0;

	while (i > stop && is_ws(data[i - 1]))
		i--;
	if (i < 2 + stop || data[i - 1] != '>' || data[i - 2] != '>')
		return 0;
	*d1 = i;
	while (i >= 2 + stop) {
		if (data[i - 1] == '>' && data[i - 2] == '>') {
			depth++;
			i -= 2;
		} else if (data[i - 1] == '<' && data[i - 2] == '<') {
			if (--depth == 0) {
				*d0 = i - 2;
				return 1;
			}
			i -= 2;
		} else {
			i--;
		}
	}
	return 0;
}

/* The name starting at p (after its '/'), its length in *n. */
static const unsigned char *name_at(const unsigned char *p, const unsigned char *end,
				    size_t *n)
{
	const unsigned char *s = p;

	while (p < end && !is_delim(*p))
		p++;
	*n = (size_t)(p - s);
	return s;
}

static int name_is(const unsigned char *s, size_t n, const char *want)
{
	return n == strlen(want) && !memcmp(s, want, n);
}

/* Where key (e.g. "/Filter") occurs in [d, end) as a whole name; NULL. */
static const unsigned char *find_key(const unsigned char *d, const unsigned char *end,
				     const char *key)
{
	size_t kl = strlen(key);
	const unsigned char *p = d;

	while (p + kl <= end && (p = memmem(p, (size_t)(end - p), key, kl))) {
		if (p + kl == end || is_delim(p[kl]))
			return p + kl;
		p += kl;
	}
	return NULL;
}

/* Leading FlateDecode stages of the dictionary's /Filter (0: none). */
static int flate_stages(const unsigned char *d, const unsigned char *end)
{
	const unsigned char *p = find_key(d, end, "/Filter"), *s;
	int list, n = 0;
	size_t len;

	if (!p)
		return 0;
	while (p < end && is_ws(*p))
		p++;
	list = p < end && *p == '[';
	if (list)
		p++;
	for (;;) {
		while (p < end && is_ws(*p))
			p++;
		if (p >= end || *p != '/')
			break;
		s = name_at(p + 1, end, &len);
		if (!name_is(s, len, "FlateDecode") && !name_is(s, len, "Fl"))
			break;
		n++;
		p = s + len;
		if (!list || n == MAX_STAGES)
			break;
	}
	return n;
}

/* Is the dictionary's /Subtype (or /Type) the name want? */
static int key_is(const unsigned char *d, const unsigned char *end, const char *key,
		  const char *want)
{
	const unsigned char *p = find_key(d, end, key), *s;
	size_t len;

	if (!p)
		return 0;
	while (p < end && is_ws(*p))
		p++;
	if (p >= end || *p != '/')
		return 0;
	s = name_at(p + 1, end, &len);
	return name_is(s, len, want);
}

/* Feeds in to stage i and what it makes to the next stages. */
static int feed(struct chain *c, int i, const unsigned char *in, size_t len,
		unsigned long long cap)
{
	z_stream *z = &c->z[i];
	int r, rc;

	z->next_in = (unsigned char *)in;
	z->avail_in = (uInt)len;
	do {
		size_t made;

		z->next_out = c->buf[i];
		z->avail_out = CHUNK;
		r = inflate(z, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
			return STOP; /* damaged, or encrypted: poppler's to judge */
		made = CHUNK - z->avail_out;
		c->out[i] += made;
		if (c->out[i] > cap)
			return OVER;
		if (made && i + 1 < c->n && (rc = feed(c, i + 1, c->buf[i], made, cap)) != GO_ON)
			return rc;
		if (r == Z_STREAM_END)
			return i == 0 ? STOP : GO_ON;
		if (r == Z_BUF_ERROR && !made)
			break;
	} while (z->avail_in || !z->avail_out);
	return GO_ON;
}

/*
 * Inflates one stream (stages FlateDecode filters) from data[0..len) with
 * the chain's stages, made ready (inflateInit, or inflateReset after the
 * stream before) as far as c->ready; returns OVER with *why set when it
 * breaks a limit (the ratio rule only when ratio is set). *total adds the
 * decoded bytes.
 */
static int check_stream(struct chain *c, const unsigned char *data, size_t len,
			int stages, int ratio, size_t at, unsigned long long *total,
			char *why, size_t whylen)
{
	unsigned long long cap = PDF_STREAM_MAX, used = 0;
	int i, rc = GO_ON;

	c->n = stages;
	for (i = 0; i < stages; i++) {
		int r = i < c->ready ? inflateReset(&c->z[i]) : inflateInit(&c->z[i]);

		if (r != Z_OK)
			return STOP;
		if (i >= c->ready)
			c->ready = i + 1;
		c->out[i] = 0;
	}
	if (PDF_TOTAL_MAX - *total < cap)
		cap = PDF_TOTAL_MAX - *total;
	while (used < len && rc == GO_ON) {
		size_t n = len - used < CHUNK ? len - used : CHUNK, took;
		unsigned long long made;

		rc = feed(c, 0, data + used, n, cap);
		took = n - c->z[0].avail_in;
		used += took;
		made = c->out[stages - 1];
		if (rc != OVER && ratio && made > PDF_RATIO_MIN && made / PDF_RATIO_MAX > used) {
			snprintf(why, whylen, "decompression bomb: the stream at byte %zu "
				 "decodes to over %llu MiB from %llu KiB (over %d times)",
				 at, made >> 20, (unsigned long long)(used + 1023) >> 10,
				 PDF_RATIO_MAX);
			return OVER;
		}
		if (!took)
			break;
	}
	if (rc == OVER) {
		if (cap < PDF_STREAM_MAX)
			snprintf(why, whylen, "decompression bomb: streams decode to over "
				 "%llu MiB in all", PDF_TOTAL_MAX >> 20);
		else
			snprintf(why, whylen, "decompression bomb: the stream at byte %zu "
				 "decodes to over %llu MiB", at, PDF_STREAM_MAX >> 20);
	}
	*total += c->out[stages - 1];
	return rc;
}

int pdf_check_limits(const unsigned char *data, size_t len, char *why, size_t whylen)
{
	const unsigned char *p = data, *end = data + len;
	unsigned long long total = 0;
	struct chain *c = NULL;
	int i, rc = 0;

	while (p + 6 < end && (p = memmem(p, (size_t)(end - p), "stream", 6))) {
		size_t pos = (size_t)(p - data), d0, d1, start;
		int stages;

		p += 6;
		if ((pos >= 3 && !memcmp(data + pos - 3, "end", 3)) ||
		    (pos && !is_ws(data[pos - 1]) && data[pos - 1] != '>'))
			continue;
		/* the keyword ends with CRLF or LF (a lone CR is tolerated) */
		start = pos + 6;
		if (start < len && data[start] == '\r')
			start++;
		if (start < len && data[start] == '\n')
			start++;
		if (start == pos + 6 || !find_dict(data, pos, &d0, &d1))
			continue;
		if (key_is(data + d0, data + d1, "/Subtype", "Image") ||
		    !(stages = flate_stages(data + d0, data + d1)))
			continue;
		/* one chain for the file's streams, its stages reset between
		 * them: only the zlib states need to start zeroed, not the
		 * buffers */
		if (!c) {
			c = malloc(sizeof(*c));
			if (!c)
				return 0;
			memset(c->z, 0, sizeof(c->z));
			c->ready = 0;
		}
		/* a cross-reference stream of many objects can compress very well */
		if (check_stream(c, data + start, len - start, stages,
				 !key_is(data + d0, data + d1, "/Type", "XRef"), start, &total,
				 why, whylen) == OVER) {
			rc = -1;
			break;
		}
	}
	if (c) {
		for (i = 0; i < c->ready; i++)
			inflateEnd(&c->z[i]);
		free(c);
	}
	return rc;
}
