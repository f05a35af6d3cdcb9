/*
 * Character-level repair of extracted text.
 *
 * Method: invalid UTF-8 is first replaced by U+FFFD (g_utf8_make_valid), the
 * text is put in NFC, then one pass maps each code point: typographic
 * ligatures are expanded, soft hyphens, zero-width characters and controls
 * vanish, the many Unicode spaces become ' ', curly quotes become ASCII and
 * the U+2010/U+2011 hyphens become '-'; runs of spaces are collapsed while
 * copying and the ends trimmed. Pure ASCII input (most lines of most PDFs)
 * skips the GLib work and only has its spaces and controls handled.
 */
#include <string.h>
#include <glib.h>
#include "util.h"
#include "normalize.h"
#include "banned.h"

/* The replacement for one code point: NULL keeps it, "" drops it. */
static const char *map_char(gunichar c)
{
	switch (c) {
	case 0xFB00: return "ff";
	case 0xFB01: return "fi";
	case 0xFB02: return "fl";
	case 0xFB03: return "ffi";
	case 0xFB04: return "ffl";
	case 0xFB05: return "st";
	case 0xFB06: return "st";
	case 0x00AD: /* soft hyphen: only a hint where a word may break */
	case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
		return "";
	case 0x00A0: case 0x1680: case 0x202F: case 0x205F: case 0x3000:
	case '\t': case '\n': case '\r': case '\v': case '\f':
		return " ";
	case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
	case 0x02BC:
		return "'";
	case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033:
		return "\"";
	case 0x2010: case 0x2011:
		return "-";
	}
	if (c >= 0x2000 && c <= 0x200A)
		return " ";
	if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))
		return "";
	return NULL;
}

/* Output buffer: no character maps to more bytes than it takes in UTF-8,
 * so the input's length bounds the output and no growth is needed. */
struct outbuf {
	char *buf;
	size_t len;
	int pending_space;
};

/* Appends s, folding space runs (a space is only written before a
 * following non-space, so the ends come out trimmed). */
static void put(struct outbuf *o, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ') {
			o->pending_space = o->len > 0;
			continue;
		}
		if (o->pending_space) {
			o->buf[o->len++] = ' ';
			o->pending_space = 0;
		}
		o->buf[o->len++] = s[i];
	}
}

static int is_plain_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

char *normalize_text(const char *text, size_t len, size_t *out_len)
{
	char *valid = NULL, *nfc = NULL;
	const char *p, *end;
	struct outbuf o;

	if (is_plain_ascii(text, len)) {
		p = text;
		end = text + len;
	} else {
		valid = g_utf8_make_valid(text, (gssize)len);
		nfc = g_utf8_normalize(valid, -1, G_NORMALIZE_NFC);
		p = nfc ? nfc : valid;
		end = p + strlen(p);
	}
	o.buf = xmalloc((size_t)(end - p) + 1);
	o.len = 0;
	o.pending_space = 0;
	while (p < end) {
		const char *next;
		const char *rep;
		gunichar c;

		if ((unsigned char)*p < 0x80) {
			c = (unsigned char)*p;
			if (c > ' ' && c != 0x7F) {
				/* the common case: a printable ASCII character */
				if (o.pending_space) {
					o.buf[o.len++] = ' ';
					o.pending_space = 0;
				}
				o.buf[o.len++] = *p++;
				continue;
			}
			next = p + 1;
		} else {
			c = g_utf8_get_char(p);
			next = g_utf8_next_char(p);
		}
		if (c == 0) {
			/* an embedded NUL (ASCII path only) is a control too */
			p = next;
			continue;
		}
		rep = map_char(c);
		if (rep)
			put(&o, rep, strlen(rep));
		else
			put(&o, p, (size_t)(next - p));
		p = next;
	}
	g_free(nfc);
	g_free(valid);
	o.buf[o.len] = '\0';
	*out_len = o.len;
	return o.buf;
}
