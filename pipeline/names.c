/*
 * Name-like words (names.h): counted from passage texts with the same
 * tokenizer the analysis uses, so the case-folded word is the surface form
 * terms carry.
 */
#include <string.h>
#include <glib.h>
#include "util.h"
#include "tokenize.h"
#include "names.h"
#include "wordlist.h"
#include "banned.h"

struct wcount {
	char *word;
	unsigned long mid, cap;   /* mid-sentence occurrences; capitalised ones */
	unsigned long mid0, cap0; /* before the document being counted */
	unsigned long doc;        /* the last document that counted it */
	unsigned hash;
};

/*
 * Words by id (order of first sight) in an open-addressing table of ids:
 * every token of every passage is looked up once, so the lookup is the
 * counter's whole cost.
 */
struct name_counter {
	GHashTable *dict;  /* lower-case dictionary words */
	int shared_dict;   /* the dictionary is wordlist.h's read of the file */
	struct wcount *words;
	size_t nr_words, alloc_words;
	unsigned *slots;   /* id + 1, 0: empty; nr_slots a power of 2 */
	size_t nr_slots;
	unsigned long doc; /* names_doc_begin's count */
	struct names_share *touched; /* the words of document `doc` */
	size_t nr_touched, alloc_touched;
	struct names_share *sorted;  /* names_doc_end's */
	size_t alloc_sorted;
	struct tokenizer tok;
};

static void load_dict(struct name_counter *nc, const char *path)
{
	gchar *buf = NULL, *line, *next;
	gsize len;

	if (!path || !g_file_get_contents(path, &buf, &len, NULL))
		return;
	nc->dict = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (line = buf; line && *line; line = next) {
		const char *c;
		int lower = 1;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* Only words written in lower case count: "Noah" is in the
		 * list as a name, "noah" is not. */
		for (c = line; *c; c++)
			if (g_ascii_isupper(*c))
				lower = 0;
		if (lower && *line) {
			/* "child's" is tokenized as "child" */
			char *q = strchr(line, '\'');

			if (q)
				*q = '\0';
			g_hash_table_add(nc->dict, g_strdup(line));
		}
	}
	g_free(buf);
}

struct name_counter *names_new(const char *dict_path)
{
	struct name_counter *nc = xcalloc(1, sizeof(*nc));

	/* the word list read once serves both; another file is read here */
	nc->shared_dict = wordlist_serves(dict_path);
	if (!nc->shared_dict)
		load_dict(nc, dict_path);
	tokenizer_init(&nc->tok);
	return nc;
}

void names_free(struct name_counter *nc)
{
	size_t i;

	if (!nc)
		return;
	if (nc->dict)
		g_hash_table_destroy(nc->dict);
	for (i = 0; i < nc->nr_words; i++)
		free(nc->words[i].word);
	free(nc->words);
	free(nc->slots);
	free(nc->touched);
	free(nc->sorted);
	tokenizer_release(&nc->tok);
	free(nc);
}

static void slots_grow(struct name_counter *nc)
{
	size_t n = nc->nr_slots ? 2 * nc->nr_slots : 4096, i;

	free(nc->slots);
	nc->slots = xcalloc(n, sizeof(*nc->slots));
	nc->nr_slots = n;
	for (i = 0; i < nc->nr_words; i++) {
		size_t j = nc->words[i].hash & (n - 1);

		while (nc->slots[j])
			j = (j + 1) & (n - 1);
		nc->slots[j] = (unsigned)i + 1;
	}
}

/* The counters of word, made at first sight when `make`, else NULL. */
static struct wcount *word_get(struct name_counter *nc, const char *word, int make)
{
	size_t len, j;
	unsigned h = str_hash_len(word, &len), id;
	struct wcount *w;

	if (!nc->nr_slots && !make)
		return NULL;
	if (make && 2 * (nc->nr_words + 1) > nc->nr_slots)
		slots_grow(nc);
	for (j = h & (nc->nr_slots - 1); (id = nc->slots[j]); j = (j + 1) & (nc->nr_slots - 1)) {
		w = &nc->words[id - 1];
		if (w->hash == h && !strcmp(w->word, word))
			return w;
	}
	if (!make)
		return NULL;
	ALLOC_GROW(nc->words, nc->nr_words + 1, nc->alloc_words);
	w = &nc->words[nc->nr_words++];
	memset(w, 0, sizeof(*w));
	w->word = xstrndup(word, len);
	w->hash = h;
	nc->slots[j] = (unsigned)nc->nr_words;
	return w;
}

/* Notes w as a word of the document being counted. */
static void touch(struct name_counter *nc, struct wcount *w)
{
	if (w->doc == nc->doc)
		return;
	w->doc = nc->doc;
	w->mid0 = w->mid;
	w->cap0 = w->cap;
	ALLOC_GROW(nc->touched, nc->nr_touched + 1, nc->alloc_touched);
	nc->touched[nc->nr_touched++].id = (unsigned)(w - nc->words);
}

/* "Noah": an ASCII capital then a lower-case letter ("GPs" is not). */
static int title_case(const struct token *tk)
{
	return tk->src_len > 1 && g_ascii_isupper(tk->src[0]) &&
	       g_ascii_islower(tk->src[1]);
}

void names_add_passage(struct name_counter *nc, const char *text, int heading)
{
	size_t n, i;

	if (heading)
		return;
	n = tokenize(&nc->tok, text, strlen(text));
	for (i = 1; i < n; i++) {
		const struct token *tk = &nc->tok.items[i];
		struct wcount *w;

		if (!token_is_term(tk) || (tk->flags & (TOKEN_STOP | TOKEN_COLON)))
			continue;
		w = word_get(nc, tk->text, 1);
		touch(nc, w);
		w->mid++;
		w->cap += (unsigned long)title_case(tk);
	}
}

int names_is_name(const struct name_counter *nc, const char *word)
{
	const struct wcount *w = word_get((struct name_counter *)nc, word, 0);

	if (!w || !w->cap || w->cap * 10 < w->mid * 9)
		return 0;
	if (nc->shared_dict)
		return !wordlist_has_lower(word);
	return !(nc->dict && g_hash_table_contains(nc->dict, word));
}

void names_doc_begin(struct name_counter *nc)
{
	nc->doc++;
	nc->nr_touched = 0;
}

/* Sorts the n shares of a by id through b, a byte of the id a pass (every
 * document's words: a comparison sort was a tenth of a reduce); returns
 * the sorted array, a or b. */
static struct names_share *sort_shares(struct names_share *a, struct names_share *b,
				       size_t n, unsigned max)
{
	size_t count[256], i;
	unsigned sh;

	for (sh = 0; sh < 32 && (max >> sh); sh += 8) {
		struct names_share *t;
		size_t at = 0;

		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(a[i].id >> sh) & 0xff]++;
		for (i = 0; i < 256; i++) {
			size_t c = count[i];

			count[i] = at;
			at += c;
		}
		for (i = 0; i < n; i++)
			b[count[(a[i].id >> sh) & 0xff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	return a;
}

size_t names_doc_end(struct name_counter *nc, const struct names_share **share)
{
	size_t i;
	unsigned max = 0;
	int sorted = 1;

	for (i = 0; i < nc->nr_touched; i++) {
		struct names_share *sh = &nc->touched[i];
		const struct wcount *w = &nc->words[sh->id];

		sh->mid = w->mid - w->mid0;
		sh->cap = w->cap - w->cap0;
		if (i && sh[-1].id > sh->id)
			sorted = 0;
		if (sh->id > max)
			max = sh->id;
	}
	*share = nc->touched;
	if (sorted)
		return nc->nr_touched;
	if (nc->alloc_sorted < nc->alloc_touched) {
		nc->alloc_sorted = nc->alloc_touched;
		nc->sorted = xrealloc(nc->sorted, nc->alloc_sorted * sizeof(*nc->sorted));
	}
	*share = sort_shares(nc->touched, nc->sorted, nc->nr_touched, max);
	return nc->nr_touched;
}

unsigned names_word_id(struct name_counter *nc, const char *word)
{
	return (unsigned)(word_get(nc, word, 1) - nc->words);
}

size_t names_nr_words(const struct name_counter *nc)
{
	return nc->nr_words;
}

const char *names_word(const struct name_counter *nc, unsigned id)
{
	return nc->words[id].word;
}

void names_add_share(struct name_counter *nc, unsigned id, unsigned long mid,
		     unsigned long cap)
{
	struct wcount *w = &nc->words[id];

	touch(nc, w);
	w->mid += mid;
	w->cap += cap;
}
