/*
 * Segmentation: lines into passages.
 *
 * Method. One pass over the lines keeps an open passage. A line opens a new
 * passage when it is a heading (consecutive heading lines without a break
 * form one heading), a list item, or flagged LINE_BREAK_BEFORE; otherwise it
 * is joined to the open one. At a page break the open paragraph or item
 * continues when the new page's first line does not itself start a block
 * and either the paragraph did not end a sentence or the line starts in
 * lower case ("e.g." at a line end is no sentence end).
 *
 * Dehyphenation uses the document as its own dictionary: every word is
 * counted first (lowercased, internal hyphens kept, so "multi-agency" and
 * "agency" are both words). For a line ending "left-" followed by "right",
 * the hyphen goes when "leftright" occurs elsewhere and "left-right" does
 * not (or occurs less), and stays when "left-right" occurs and the joined
 * word does not. With no evidence either way, the hyphen stays for a digit
 * ("2-year-old"), a capital after it ("non-English"), or a common compound
 * prefix ("multi", "non", "self", "step", "risk"...) when "right" is a word
 * of its own or long, a spelled-out number ("six-week", "twenty-two") when
 * "right" is a word of its own; otherwise the break is taken as typesetting
 * and the word is joined. When the document gives no evidence that its
 * typesetter splits words, the system word list (wordlist.h) decides: a
 * hyphenated entry keeps its hyphen, and a joined word it lists
 * ("pri-" + "mary") is joined unless one of the rules above keeps the
 * hyphen ("re-housing": "rehousing" is not listed, so it stays).
 */
#include <string.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "segment.h"
#include "wordlist.h"
#include "banned.h"

#define MAX_WORD 64

struct vocab {
	GHashTable *index; /* lowercased word -> 1 + its slot in count */
	GArray *count;     /* occurrences per slot (unsigned) */
	int auto_hyphens;  /* the typesetter splits words at line ends */
};

static int word_char(gunichar c)
{
	if (c < 0x80)
		return g_ascii_isalnum((int)c);
	return g_unichar_isalnum(c);
}

/*
 * Lowercases w[0..len) into buf (ASCII without allocating: nearly every
 * word) and returns it; a non-ASCII word is returned allocated in *heap.
 */
static const char *lower_key(const char *w, size_t len, char *buf, size_t size,
			     char **heap)
{
	size_t i;

	*heap = NULL;
	if (len < size) {
		for (i = 0; i < len && !((unsigned char)w[i] & 0x80); i++)
			buf[i] = g_ascii_tolower(w[i]);
		if (i == len) {
			buf[len] = '\0';
			return buf;
		}
	}
	*heap = g_utf8_strdown(w, (gssize)len);
	return *heap;
}

/* One lookup per word, and an allocation only for a word not seen before. */
static void vocab_add(struct vocab *v, const char *w, size_t len)
{
	char buf[4 * MAX_WORD], *heap;
	const char *key = lower_key(w, len, buf, sizeof(buf), &heap);
	guint slot = GPOINTER_TO_UINT(g_hash_table_lookup(v->index, key));
	unsigned one = 1;

	if (slot) {
		g_array_index(v->count, unsigned, slot - 1)++;
		g_free(heap);
		return;
	}
	g_array_append_val(v->count, one);
	g_hash_table_insert(v->index, heap ? heap : g_strdup(key),
			    GUINT_TO_POINTER(v->count->len));
}

static int vocab_get(const struct vocab *v, const char *w, size_t len)
{
	char buf[4 * MAX_WORD], *heap;
	const char *key = lower_key(w, len, buf, sizeof(buf), &heap);
	guint slot = GPOINTER_TO_UINT(g_hash_table_lookup(v->index, key));

	g_free(heap);
	return slot ? (int)g_array_index(v->count, unsigned, slot - 1) : 0;
}

/*
 * Counts the words of one line: runs of letters and digits joined by
 * internal hyphens or apostrophes. A hyphenated word also counts its parts,
 * so "multi-agency" vouches for "agency".
 */
static void vocab_line(struct vocab *v, const char *t, int after_break)
{
	const char *p = t, *start = NULL, *part = NULL;
	int skip = after_break;

	for (;;) {
		unsigned char b = (unsigned char)*p;
		/* ASCII, nearly every character, without a call */
		gunichar c = b < 0x80 ? b : g_utf8_get_char(p);
		const char *next = !b ? p : b < 0x80 ? p + 1 : g_utf8_next_char(p);

		if (c && word_char(c)) {
			if (!start)
				start = p;
			if (!part)
				part = p;
		} else if (start && (c == '-' || c == '\'') && *next &&
			   word_char(g_utf8_get_char(next))) {
			if (c == '-' && part)
				vocab_add(v, part, (size_t)(p - part));
			part = NULL;
		} else {
			if (start) {
				/* a line-final "word-" and the piece after it
				 * are fragments, not words */
				if (!(c == '-' && !*next) && !skip) {
					vocab_add(v, start, (size_t)(p - start));
					if (part && part != start)
						vocab_add(v, part, (size_t)(p - part));
				}
			}
			if (start)
				skip = 0;
			start = part = NULL;
		}
		if (!c)
			break;
		p = next;
	}
}

/*
 * Prefixes that in this genre form hyphenated compounds far more often than
 * they end a syllable at a line break ("multi-agency", "non-accidental",
 * "self-harm", "step-down"). Prefixes that are also common syllables ("re",
 * "inter", "under", "pre", "sub") are left out: "re-sponse" is a broken word.
 */
static const char *const compound_prefixes[] = {
	"multi", "non", "self", "well", "step", "cross", "long", "short",
	"semi", "half", "anti", "ill", "full", "part", "face", "joined", "risk",
};

/*
 * Words that start compounds ("six-week", "twenty-two", "high-risk",
 * "risk-assessed") but also begin words a typesetter may split ("ten-dency",
 * "one-rous"): they keep the hyphen only when the piece after it is a word
 * of the document by itself.
 */
static const char *const number_words[] = {
	"one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
	"seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
	"fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "first",
	"second", "third", "high", "low",
};

static int in_list(const char *const *list, size_t n, const char *w, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && !g_ascii_strncasecmp(w, list[i], len))
			return 1;
	return 0;
}

static int is_compound_prefix(const char *w, size_t len)
{
	return in_list(compound_prefixes, ARRAY_SIZE(compound_prefixes), w, len);
}

/*
 * buf ends with "left-"; next starts with "right". Returns 1 to drop the
 * hyphen (join), 0 to keep it.
 */
static int should_join_mode(const struct vocab *v, const char *buf, size_t blen,
			    const char *next, int attested_only)
{
	const char *lstart = buf + blen - 1, *lpart, *r = next;
	char joined[4 * MAX_WORD], hyph[4 * MAX_WORD];
	size_t llen, rlen, lplen;
	int nj, nh, nr;

	/* left word: letters, digits and hyphens before the final '-' */
	while (lstart > buf) {
		const char *prev = g_utf8_find_prev_char(buf, lstart);
		gunichar c = g_utf8_get_char(prev);

		if (!word_char(c) && c != '-')
			break;
		lstart = prev;
	}
	while (*lstart == '-')
		lstart++;
	llen = (size_t)(buf + blen - 1 - lstart);
	while (*r && word_char(g_utf8_get_char(r)))
		r = g_utf8_next_char(r);
	rlen = (size_t)(r - next);
	if (!llen || !rlen || llen >= MAX_WORD * 2 || rlen >= MAX_WORD * 2)
		return 0;
	memcpy(joined, lstart, llen);
	memcpy(joined + llen, next, rlen);
	memcpy(hyph, lstart, llen);
	hyph[llen] = '-';
	memcpy(hyph + llen + 1, next, rlen);
	nj = vocab_get(v, joined, llen + rlen);
	nh = vocab_get(v, hyph, llen + 1 + rlen);
	if (nj && nj >= nh)
		return 1;
	if (nh || attested_only)
		return 0;
	/* the word list: a hyphenated entry ("well-being") keeps its hyphen */
	if (wordlist_has(hyph, llen + 1 + rlen))
		return 0;
	if (!v->auto_hyphens && !wordlist_has(joined, llen + rlen))
		return 0;
	/* no evidence: the last part before the hyphen decides */
	lpart = buf + blen - 1;
	while (lpart > lstart) {
		const char *prev = g_utf8_find_prev_char(lstart, lpart);

		if (!prev || *prev == '-')
			break;
		lpart = prev;
	}
	lplen = (size_t)(buf + blen - 1 - lpart);
	if (g_ascii_isdigit(lpart[lplen - 1]) || g_ascii_isdigit(*next))
		return 0;
	if (g_unichar_isupper(g_utf8_get_char(next)))
		return 0;
	nr = vocab_get(v, next, rlen);
	if (is_compound_prefix(lpart, lplen) && (nr || rlen >= 5))
		return 0;
	if (nr && in_list(number_words, ARRAY_SIZE(number_words), lpart, lplen))
		return 0;
	if (!v->auto_hyphens) /* the word list vouches for the joined word */
		return 1;
	/* a hyphenated left part ("multi-agen") is mid-word: join */
	return 1;
}

static int should_join(const struct vocab *v, const char *buf, size_t blen,
		       const char *next)
{
	return should_join_mode(v, buf, blen, next, 0);
}

/* Joined form attested and hyphenated form not. */
static int should_join_attested(const struct vocab *v, const char *buf,
				size_t blen, const char *next)
{
	return should_join_mode(v, buf, blen, next, 1);
}

/*
 * Does this document's typesetter hyphenate words at line ends? Evidence: a
 * break "left-" + "right" whose joined form is a word of the document, whose
 * hyphenated form is not, and whose right piece is no word on its own
 * ("chal-" + "lenging"). Browsers and word processors by default only break
 * at real hyphens; without such evidence every break hyphen is kept unless
 * the joined word is attested.
 */
static int detect_auto_hyphens(struct vocab *v, const struct doc_text *in)
{
	size_t i;
	int evidence = 0;

	v->auto_hyphens = 1;
	for (i = 0; i + 1 < in->nr && !evidence; i++) {
		const char *t = in->lines[i].text, *next = in->lines[i + 1].text, *r;
		size_t len = strlen(t);

		if (len < 2 || t[len - 1] != '-' || !g_ascii_isalpha(t[len - 2]) ||
		    !g_ascii_islower(*next))
			continue;
		for (r = next; g_ascii_isalpha(*r); r++)
			;
		if (vocab_get(v, next, (size_t)(r - next)))
			continue;
		evidence = should_join_attested(v, t, len, next);
	}
	v->auto_hyphens = evidence;
	return evidence;
}

static int ends_with_break_hyphen(const GString *b)
{
	const char *prev;

	if (b->len < 2 || b->str[b->len - 1] != '-')
		return 0;
	prev = g_utf8_find_prev_char(b->str, b->str + b->len - 1);
	return prev && g_unichar_isalnum(g_utf8_get_char(prev));
}

static void join_line(const struct vocab *v, GString *b, const char *text)
{
	if (!b->len) {
		g_string_append(b, text);
		return;
	}
	if (ends_with_break_hyphen(b) && word_char(g_utf8_get_char(text))) {
		if (should_join(v, b->str, b->len, text))
			g_string_truncate(b, b->len - 1);
		g_string_append(b, text);
		return;
	}
	g_string_append_c(b, ' ');
	g_string_append(b, text);
}

static int text_ends_sentence(const GString *b)
{
	size_t i = b->len;
	char c;

	while (i > 0 && (b->str[i - 1] == '"' || b->str[i - 1] == '\'' ||
			 b->str[i - 1] == ')'))
		i--;
	if (!i)
		return 1;
	c = b->str[i - 1];
	return c == '.' || c == '?' || c == '!' || c == ':' || c == ';';
}

struct open_passage {
	GString *text;
	enum passage_kind kind;
	int page;
	float size;
	int open;
	int ocr;
};

/*
 * Length of a leading bullet glyph and its space ("- ", "* ", "\u2022 "...).
 * The passage's kind already says it is a list item; the glyph itself
 * would only make a spreadsheet read "- text" as a formula. List numbers
 * ("1.", "a)") are kept: recommendations are cited by them.
 */
static size_t bullet_len(const char *s)
{
	static const char *const bullets[] = {
		"-", "*", "+", "\u2022", "\u25aa", "\u25cf", "\u25e6", "\u2023",
		"\u2043", "\u2013", "\u2014", "\u00b7", "\u25a0", "\u27a2",
	};
	size_t i, n;

	for (i = 0; i < G_N_ELEMENTS(bullets); i++) {
		n = strlen(bullets[i]);
		if (!strncmp(s, bullets[i], n) && s[n] == ' ' && s[n + 1])
			return n + 1;
	}
	return 0;
}

static void close_passage(struct open_passage *o, struct passage_list *out,
			  GString *section)
{
	if (!o->open)
		return;
	if (o->kind == PASSAGE_ITEM)
		g_string_erase(o->text, 0, (gssize)bullet_len(o->text->str));
	if (o->text->len) {
		if (o->kind == PASSAGE_HEADING) {
			g_string_assign(section, o->text->str);
		}
		passage_list_add(out, o->page, o->kind, section->str,
				 o->text->str)->ocr = o->ocr;
	}
	g_string_truncate(o->text, 0);
	o->open = 0;
}

/* Does line l continue the open passage o? */
static int continues(const struct open_passage *o, const struct line *l)
{
	if (!o->open)
		return 0;
	if (l->flags & LINE_HEADING)
		return o->kind == PASSAGE_HEADING && !(l->flags & LINE_BREAK_BEFORE) &&
		       !(l->flags & LINE_PAGE_START) && !(l->flags & LINE_ITEM) &&
		       l->size == o->size;
	if (o->kind == PASSAGE_HEADING)
		return 0;
	if (l->flags & (LINE_ITEM | LINE_BREAK_BEFORE))
		return 0;
	if (l->flags & LINE_PAGE_START && l->page != o->page)
		return !text_ends_sentence(o->text) ||
		       g_unichar_islower(g_utf8_get_char(l->text));
	return 1;
}

void segment_lines(const struct doc_text *in, struct passage_list *out)
{
	struct vocab v;
	struct open_passage o;
	GString *section = g_string_new("");
	size_t i;
	int after_break = 0;

	v.index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	v.count = g_array_new(FALSE, FALSE, sizeof(unsigned));
	v.auto_hyphens = 0;
	/* The counts are only asked about a line that ends in '-' (join_line,
	 * detect_auto_hyphens): most documents have none, and skip them. */
	for (i = 0; i < in->nr; i++) {
		const char *t = in->lines[i].text;
		size_t len = strlen(t);

		if (len && t[len - 1] == '-')
			break;
	}
	if (i < in->nr) {
		for (i = 0; i < in->nr; i++) {
			const char *t = in->lines[i].text;
			size_t len = strlen(t);

			vocab_line(&v, t, after_break);
			after_break = len >= 2 && t[len - 1] == '-' &&
				      g_ascii_isalpha(t[len - 2]);
		}
		detect_auto_hyphens(&v, in);
	}
	memset(&o, 0, sizeof(o));
	o.text = g_string_new(NULL);
	for (i = 0; i < in->nr; i++) {
		const struct line *l = &in->lines[i];

		if (!*l->text)
			continue;
		if (!continues(&o, l)) {
			close_passage(&o, out, section);
			o.open = 1;
			o.page = l->page;
			o.size = l->size;
			o.ocr = 0;
			o.kind = l->flags & LINE_HEADING ? PASSAGE_HEADING :
				 l->flags & LINE_ITEM ? PASSAGE_ITEM : PASSAGE_PARAGRAPH;
		}
		join_line(&v, o.text, l->text);
		o.ocr |= (l->flags & LINE_OCR) != 0;
	}
	close_passage(&o, out, section);
	g_string_free(o.text, TRUE);
	g_string_free(section, TRUE);
	g_hash_table_destroy(v.index);
	g_array_free(v.count, TRUE);
}
