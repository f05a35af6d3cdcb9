/*
 * The tokenizer: one pass over UTF-8 text, classifying characters with
 * GLib's Unicode tables (ASCII takes a table-free fast path, since review
 * text is nearly all ASCII).
 *
 * - A word is a run of letters, digits and combining marks, lower-cased
 *   character by character (g_unichar_tolower; for the scripts in these
 *   reports that is the case fold).
 * - Apostrophes (' and U+2019) inside a word: a final 's is dropped
 *   ("child's" -> "child"), any other is removed ("don't" -> "dont").
 * - A hyphen (-, U+2010, U+2011) between two word characters makes a
 *   compound: the joined form first (TOKEN_JOINED), then each part
 *   (TOKEN_PART). Counting terms by the joined form and matching phrases on
 *   the parts is what lets "multi-agency", "multi agency" and "multiagency"
 *   meet. An en dash is punctuation, not a hyphen ("risk – without").
 * - Tokens holding a digit are TOKEN_NUMBER; URLs (http://, https://, www.)
 *   and e-mail addresses are single tokens of their own kinds; none of these
 *   enter the vocabulary.
 * - Sentence and clause punctuation sets TOKEN_BREAK on the next token, so a
 *   phrase never matches across "plan. Core".
 * - Inline HTML tags such as <u> (seen in converted briefings) are skipped.
 */
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include "util.h"
#include "tokenize.h"
#include "banned.h"

void tokenizer_init(struct tokenizer *t)
{
	memset(t, 0, sizeof(*t));
}

void tokenizer_release(struct tokenizer *t)
{
	free(t->items);
	free(t->buf);
	tokenizer_init(t);
}

static void buf_grow(struct tokenizer *t, size_t extra)
{
	if (t->buf_len + extra <= t->buf_alloc)
		return;
	t->buf_alloc = (t->buf_len + extra) * 2 + 256;
	t->buf = xrealloc(t->buf, t->buf_alloc);
}

static void buf_put(struct tokenizer *t, const char *s, size_t n)
{
	buf_grow(t, n);
	memcpy(t->buf + t->buf_len, s, n);
	t->buf_len += n;
}

/* Tokens keep their text as a buffer offset until the buffer stops growing. */
static struct token *push(struct tokenizer *t, const char *src, size_t src_len,
			  size_t off, enum token_kind kind, unsigned flags)
{
	struct token *tk;

	ALLOC_GROW(t->items, t->nr, t->alloc);
	tk = &t->items[t->nr++];
	tk->src = src;
	tk->src_len = src_len;
	tk->text = (const char *)(uintptr_t)off;
	tk->len = t->buf_len - off;
	tk->kind = kind;
	tk->flags = flags;
	tk->parts = 0;
	buf_put(t, "", 1);
	return tk;
}

static int ascii_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* The character at s (within end) and its byte length; invalid bytes are
 * returned as U+FFFD of length 1 so the scan always advances. */
static gunichar char_at(const char *s, const char *end, int *n)
{
	unsigned char c = (unsigned char)*s;
	gunichar u;

	if (c < 0x80) {
		*n = 1;
		return c;
	}
	u = g_utf8_get_char_validated(s, end - s);
	if (u == (gunichar)-1 || u == (gunichar)-2) {
		*n = 1;
		return 0xFFFD;
	}
	*n = g_utf8_next_char(s) - s;
	return u;
}

static int is_word_char(gunichar u)
{
	if (u < 0x80)
		return ascii_word((unsigned char)u);
	return g_unichar_isalnum(u) || g_unichar_ismark(u);
}

static int is_apostrophe(gunichar u)
{
	return u == '\'' || u == 0x2019;
}

static int is_hyphen(gunichar u)
{
	return u == '-' || u == 0x2010 || u == 0x2011;
}

static int starts_with_ci(const char *s, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - s) >= n && !g_ascii_strncasecmp(s, prefix, n);
}

/* Length of a URL starting at s, or 0. */
static size_t url_len(const char *s, const char *end)
{
	const char *p = s;

	if (!starts_with_ci(s, end, "http://") && !starts_with_ci(s, end, "https://") &&
	    !starts_with_ci(s, end, "www."))
		return 0;
	while (p < end && !g_ascii_isspace(*p) && !strchr(")]>\"", *p))
		p++;
	while (p > s && strchr(".,;:!?'", p[-1]))
		p--;
	return p - s;
}

static int email_char(char c)
{
	return ascii_word((unsigned char)c) || c == '.' || c == '_' || c == '%' ||
	       c == '+' || c == '-';
}

/* Length of an e-mail address starting at s, or 0. */
static size_t email_len(const char *s, const char *end)
{
	const char *p = s, *at;

	while (p < end && email_char(*p))
		p++;
	if (p == s || p + 1 >= end || *p != '@' || !ascii_word((unsigned char)p[1]))
		return 0;
	at = p++;
	while (p < end && email_char(*p))
		p++;
	while (p > at && strchr(".-", p[-1]))
		p--;
	return memchr(at, '.', p - at) ? (size_t)(p - s) : 0;
}

/* Length of an inline tag such as <u> or </strong> at s, or 0. */
static size_t tag_len(const char *s, const char *end)
{
	const char *p = s + 1;

	if (p < end && *p == '/')
		p++;
	while (p < end && p - s < 12 && g_ascii_isalpha(*p))
		p++;
	return p < end && *p == '>' && p > s + 1 ? (size_t)(p + 1 - s) : 0;
}

static void put_folded(struct tokenizer *t, gunichar u, int n)
{
	char tmp[8];

	if (u < 0x80) {
		char c = (char)u;

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		buf_put(t, &c, 1);
		return;
	}
	if (u == 0xFFFD && n == 1)
		return; /* an invalid byte: drop it */
	buf_put(t, tmp, g_unichar_to_utf8(g_unichar_tolower(u), tmp));
}

/*
 * Reads one word (letters, digits, marks, internal apostrophes) from s,
 * appending its folded form to the buffer. Returns the end of the word and
 * sets *digit if it holds a digit.
 */
static const char *read_word(struct tokenizer *t, const char *s, const char *end,
			     int *digit)
{
	const char *p = s;
	int n, n2;
	gunichar u, next;

	while (p < end) {
		/* ASCII fast path: a run of letters and digits at once */
		if (ascii_word((unsigned char)*p)) {
			const char *q = p;
			char *out;

			while (q < end && ascii_word((unsigned char)*q))
				q++;
			buf_grow(t, q - p);
			out = t->buf + t->buf_len;
			for (; p < q; p++) {
				char ch = *p;

				if (ch >= 'A' && ch <= 'Z')
					ch += 'a' - 'A';
				else if (ch >= '0' && ch <= '9')
					*digit = 1;
				*out++ = ch;
			}
			t->buf_len = out - t->buf;
			continue;
		}
		u = char_at(p, end, &n);
		if (is_word_char(u)) {
			if (u < 0x80 ? (u >= '0' && u <= '9') : g_unichar_isdigit(u))
				*digit = 1;
			put_folded(t, u, n);
			p += n;
			continue;
		}
		if (!is_apostrophe(u) || p + n >= end)
			break;
		next = char_at(p + n, end, &n2);
		if (!g_unichar_isalpha(next))
			break;
		if ((next == 's' || next == 'S') &&
		    (p + n + 1 >= end || !is_word_char(char_at(p + n + 1, end, &n2)))) {
			p += n + 1; /* possessive 's */
			break;
		}
		p += n; /* don't -> dont, O'Brien -> obrien */
	}
	return p;
}

struct part {
	const char *src, *src_end;
	size_t off, end; /* folded text in the buffer */
	int digit;
};

/* Reads a word or hyphenated compound at s and emits its tokens. */
static const char *read_compound(struct tokenizer *t, const char *s,
				 const char *end, unsigned flags)
{
	struct part parts[16];
	size_t nr = 0, i, joined;
	const char *p = s;
	int n, any_digit = 0, n2;
	gunichar u;

	for (;;) {
		struct part *pt = &parts[nr < ARRAY_SIZE(parts) ? nr : ARRAY_SIZE(parts) - 1];

		pt->src = p;
		pt->off = t->buf_len;
		pt->digit = 0;
		p = read_word(t, p, end, &pt->digit);
		pt->src_end = p;
		pt->end = t->buf_len;
		any_digit |= pt->digit;
		if (nr < ARRAY_SIZE(parts))
			nr++;
		if (p >= end)
			break;
		u = char_at(p, end, &n);
		if (!is_hyphen(u) || p + n >= end ||
		    !is_word_char(char_at(p + n, end, &n2)))
			break;
		p += n;
	}
	if (nr == 1) { /* the common case: one word, already in place */
		push(t, s, p - s, parts[0].off, any_digit ? TOKEN_NUMBER : TOKEN_WORD, flags);
		return p;
	}
	/* The folded parts sit back to back in the buffer; copy them out so
	 * each token gets its own NUL-terminated string. */
	{
		size_t base = parts[0].off, total = t->buf_len - base;
		char *copy = xmalloc(total + 1);

		memcpy(copy, t->buf + base, total);
		t->buf_len = base;
		if (nr > 1 && !any_digit) {
			joined = t->nr;
			buf_put(t, copy, total);
			push(t, s, p - s, base, TOKEN_WORD, flags | TOKEN_JOINED);
			t->items[joined].parts = nr;
			flags &= ~(TOKEN_BREAK | TOKEN_COLON | TOKEN_STOP);
		}
		for (i = 0; i < nr; i++) {
			size_t off = t->buf_len;
			unsigned f = flags;

			if (nr > 1 && !any_digit)
				f |= TOKEN_PART;
			if (i > 0)
				f &= ~(TOKEN_BREAK | TOKEN_COLON | TOKEN_STOP | TOKEN_CAPITAL);
			buf_put(t, copy + parts[i].off - base, parts[i].end - parts[i].off);
			push(t, parts[i].src, parts[i].src_end - parts[i].src, off,
			     parts[i].digit ? TOKEN_NUMBER : TOKEN_WORD, f);
			flags &= ~(TOKEN_BREAK | TOKEN_COLON | TOKEN_STOP);
		}
		free(copy);
	}
	return p;
}

/*
 * The common case, taken without the general machinery: a run of ASCII
 * letters and digits followed by something that cannot continue a word
 * (not a hyphen, an apostrophe or a non-ASCII byte). Returns its length,
 * or 0 to take the general path.
 */
static size_t plain_ascii_word(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && ascii_word((unsigned char)*q))
		q++;
	if (q < end && (*q == '-' || *q == '\'' || (unsigned char)*q >= 0x80))
		return 0;
	return q - p;
}

static const char *push_ascii_word(struct tokenizer *t, const char *p, size_t n,
				   unsigned brk)
{
	size_t off = t->buf_len, i;
	int digit = 0;
	char *out;

	buf_grow(t, n + 1);
	out = t->buf + off;
	for (i = 0; i < n; i++) {
		char ch = p[i];

		if (ch >= 'A' && ch <= 'Z')
			ch += 'a' - 'A';
		else if (ch >= '0' && ch <= '9')
			digit = 1;
		out[i] = ch;
	}
	t->buf_len += n;
	push(t, p, n, off, digit ? TOKEN_NUMBER : TOKEN_WORD,
	     brk | (*p >= 'A' && *p <= 'Z' ? TOKEN_CAPITAL : 0));
	return p + n;
}

static unsigned break_flags(gunichar u)
{
	if (u == ':')
		return TOKEN_BREAK | TOKEN_COLON;
	if (u == '.' || u == '!' || u == '?' || u == ';')
		return TOKEN_BREAK | TOKEN_STOP;
	return TOKEN_BREAK;
}

static int is_break_punct(gunichar u)
{
	if (u < 0x80)
		return u == '.' || u == ',' || u == ';' || u == ':' || u == '!' ||
		       u == '?' || u == '(' || u == ')' || u == '[' || u == ']' ||
		       u == '{' || u == '}' || u == '"';
	return g_unichar_ispunct(u) && !is_hyphen(u) && !is_apostrophe(u);
}

size_t tokenize(struct tokenizer *t, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	unsigned brk = 0;
	size_t i, n;
	int cn;
	gunichar u;
	enum token_kind kind;
	/* e-mail addresses need an '@': one memchr spares a look-ahead per word */
	int has_at = memchr(text, '@', len) != NULL;

	t->nr = 0;
	t->buf_len = 0;
	while (p < end) {
		u = char_at(p, end, &cn);
		if (!is_word_char(u)) {
			if (u == '<' && (n = tag_len(p, end))) {
				p += n;
				continue;
			}
			if (is_break_punct(u))
				brk |= break_flags(u);
			p += cn;
			continue;
		}
		kind = TOKEN_URL;
		n = ((u | 0x20) == 'h' || (u | 0x20) == 'w') ? url_len(p, end) : 0;
		if (!n && has_at) {
			kind = TOKEN_EMAIL;
			n = email_len(p, end);
		}
		if (n) {
			size_t off = t->buf_len;

			buf_put(t, p, n);
			push(t, p, n, off, kind, TOKEN_BREAK);
			p += n;
			brk = TOKEN_BREAK;
			continue;
		}
		if (u < 0x80 && (n = plain_ascii_word(p, end))) {
			p = push_ascii_word(t, p, n, brk);
			brk = 0;
			continue;
		}
		p = read_compound(t, p, end,
				  brk | ((u < 0x80 ? (u >= 'A' && u <= 'Z') : g_unichar_isupper(u))
						 ? TOKEN_CAPITAL : 0));
		brk = 0;
	}
	for (i = 0; i < t->nr; i++)
		t->items[i].text = t->buf + (uintptr_t)t->items[i].text;
	return t->nr;
}
