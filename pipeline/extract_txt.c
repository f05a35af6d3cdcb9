/*
 * Plain-text reports. The bytes are decoded to UTF-8 (a BOM decides UTF-8
 * or UTF-16 LE/BE; otherwise valid UTF-8 is taken as it is and anything
 * else is read as Windows-1252, the usual encoding of text saved on Windows),
 * NUL bytes are dropped, lines are split on LF, CRLF or a lone CR, and a form
 * feed starts a new page. Markdown-style structure becomes line flags: '#'
 * headings and lines that are wholly **bold** are headings (markers
 * stripped), '-', '*', '•' and "1." / "1)" / "a)" lines are list items, and
 * a blank line starts a new block. Very long lines are cut into pieces of at
 * most TXT_MAX_LINE bytes at a space, each piece a block of its own, so
 * one 50 MB line cannot make one unbounded passage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "extract.h"
#include "normalize.h"
#include "banned.h"

#define TXT_MAX_BYTES ((size_t)256 << 20)
#define TXT_MAX_LINE 16384

/* Windows-1252 0x80-0x9F; the five undefined bytes map to U+FFFD. */
static const gunichar cp1252_hi[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static GString *decode_cp1252(const unsigned char *b, size_t len)
{
	GString *s = g_string_sized_new(len + len / 8);
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = b[i];

		if (c < 0x80)
			g_string_append_c(s, (char)c);
		else if (c < 0xA0)
			g_string_append_unichar(s, cp1252_hi[c - 0x80]);
		else
			g_string_append_unichar(s, c);
	}
	return s;
}

static GString *decode_utf16(const unsigned char *b, size_t len, int big)
{
	GString *s = g_string_sized_new(len);
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		gunichar u = big ? (gunichar)(b[i] << 8 | b[i + 1])
				 : (gunichar)(b[i + 1] << 8 | b[i]);

		if (u >= 0xD800 && u < 0xDC00 && i + 3 < len) {
			gunichar lo = big ? (gunichar)(b[i + 2] << 8 | b[i + 3])
					  : (gunichar)(b[i + 3] << 8 | b[i + 2]);
			if (lo >= 0xDC00 && lo < 0xE000) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			} else {
				u = 0xFFFD;
			}
		} else if (u >= 0xD800 && u < 0xE000) {
			u = 0xFFFD;
		}
		g_string_append_unichar(s, u);
	}
	return s;
}

/* Decodes to UTF-8 without NUL bytes. */
static GString *decode(const char *buf, size_t len)
{
	const unsigned char *b = (const unsigned char *)buf;
	GString *s;
	size_t i, j;

	if (len >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3))
		s = g_string_new_len(buf + 3, (gssize)(len - 3));
	else if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE)
		s = decode_utf16(b + 2, len - 2, 0);
	else if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF)
		s = decode_utf16(b + 2, len - 2, 1);
	else
		s = g_string_new_len(buf, (gssize)len);

	for (i = j = 0; i < s->len; i++)
		if (s->str[i])
			s->str[j++] = s->str[i];
	g_string_truncate(s, j);
	if (!g_utf8_validate(s->str, (gssize)s->len, NULL)) {
		GString *w = decode_cp1252((const unsigned char *)s->str, s->len);

		g_string_free(s, TRUE);
		s = w;
	}
	return s;
}

static int is_item(const char *s, size_t len)
{
	size_t i = 0;

	if (len >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ')
		return 1;
	if (len >= 4 && !memcmp(s, "\xE2\x80\xA2", 3)) /* U+2022 bullet */
		return 1;
	while (i < len && i < 3 && g_ascii_isdigit(s[i]))
		i++;
	if (i == 0 && len >= 2 && g_ascii_isalpha(s[0]) && s[1] == ')')
		return 1;
	return i > 0 && i + 1 < len && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

/* Strips markdown heading marks ("## Title", "**Title**"); returns 1 when
 * the line is a heading, with [*start, *start + *len) the title. */
static int heading(const char **start, size_t *len)
{
	const char *s = *start;
	size_t n = *len, i = 0;

	while (i < n && s[i] == '#')
		i++;
	if (i > 0 && i <= 6 && i < n && s[i] == ' ') {
		s += i + 1;
		n -= i + 1;
		while (n >= 4 && !strncmp(s, "**", 2) && !strncmp(s + n - 2, "**", 2)) {
			s += 2;
			n -= 4;
		}
		*start = s;
		*len = n;
		return n > 0;
	}
	if (n > 4 && !strncmp(s, "**", 2) && !strncmp(s + n - 2, "**", 2) &&
	    !g_strstr_len(s + 2, (gssize)(n - 4), "**")) {
		*start = s + 2;
		*len = n - 4;
		return 1;
	}
	return 0;
}

static void add_line(struct doc_text *out, const char *s, size_t len,
		     int page, unsigned flags)
{
	size_t nlen;
	char *norm;
	const char *p = s;
	size_t plen = len;

	if (heading(&p, &plen))
		flags |= LINE_HEADING;
	else if (is_item(s, len))
		flags |= LINE_ITEM;
	norm = normalize_text(p, plen, &nlen);
	if (nlen)
		doc_text_add(out, norm, nlen, page, 0, flags);
	g_free(norm);
}

/* Emits one physical line, cut at spaces into pieces of bounded size. */
static void add_long_line(struct doc_text *out, const char *s, size_t len,
			  int page, unsigned flags)
{
	while (len > TXT_MAX_LINE) {
		size_t cut = TXT_MAX_LINE;

		while (cut > TXT_MAX_LINE / 2 && s[cut] != ' ')
			cut--;
		if (s[cut] != ' ') /* no space: cut at a character boundary */
			cut = (size_t)(g_utf8_find_prev_char(s, s + TXT_MAX_LINE) - s);
		add_line(out, s, cut, page, flags);
		/* each piece is a block of its own: no unbounded paragraph */
		flags |= LINE_BREAK_BEFORE;
		s += cut;
		len -= cut;
	}
	add_line(out, s, len, page, flags);
}

int extract_txt_buf(const char *buf, size_t len, struct doc_text *out,
		    struct doc_error *err)
{
	GString *s = decode(buf, len);
	const char *p = s->str, *end = s->str + s->len;
	int page = 1, blank = 1, page_start = 1;

	while (p < end) {
		const char *eol = p;
		const char *b, *e;

		while (eol < end && *eol != '\n' && *eol != '\r' && *eol != '\f')
			eol++;
		b = p;
		e = eol;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (b == e) {
			blank = 1;
		} else {
			unsigned flags = (blank ? LINE_BREAK_BEFORE : 0) |
					 (page_start ? LINE_PAGE_START : 0) |
					 (b > p ? LINE_INDENT : 0);
			size_t before = out->nr;

			add_long_line(out, b, (size_t)(e - b), page, flags);
			if (out->nr > before) {
				blank = 0;
				page_start = 0;
			}
		}
		if (eol < end && *eol == '\f') {
			page++;
			page_start = 1;
			blank = 1;
		}
		if (eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n')
			eol++;
		p = eol < end ? eol + 1 : end;
	}
	out->pages = page;
	g_string_free(s, TRUE);
	if (!out->nr)
		return doc_error_set(err, "extract", DOC_ERR_EMPTY, "no text");
	return 0;
}

int extract_txt_fd(int fd, struct doc_text *out, struct doc_error *err)
{
	char *buf;
	size_t len = 0, alloc = 65536;
	off_t off = 0;
	int rc;

	buf = xmalloc(alloc);
	for (;;) {
		ssize_t n;

		if (len == alloc) {
			if (alloc >= TXT_MAX_BYTES) {
				free(buf);
				return doc_error_set(err, "extract", DOC_ERR_LIMIT,
						     "text file larger than %zu MiB",
						     TXT_MAX_BYTES >> 20);
			}
			alloc *= 2;
			buf = xrealloc(buf, alloc);
		}
		n = pread(fd, buf + len, alloc - len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			return doc_error_set(err, "extract", DOC_ERR_IO, "read error: %s",
					     strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		off += n;
	}
	rc = extract_txt_buf(buf, len, out, err);
	free(buf);
	return rc;
}

int extract_txt(const char *path, struct doc_text *out, struct doc_error *err)
{
	int fd = extract_open(path, err), rc;

	if (fd < 0)
		return -1;
	rc = extract_txt_fd(fd, out, err);
	close(fd);
	return rc;
}
