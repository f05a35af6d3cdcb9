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
	unsigned long mid, cap; /* mid-sentence occurrences; capitalised ones */
};

struct name_counter {
	GHashTable *dict;  /* lower-case dictionary words */
	int shared_dict;   /* the dictionary is wordlist.h's read of the file */
	GHashTable *words; /* case-folded word -> struct wcount */
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
	nc->words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	tokenizer_init(&nc->tok);
	return nc;
}

void names_free(struct name_counter *nc)
{
	if (!nc)
		return;
	if (nc->dict)
		g_hash_table_destroy(nc->dict);
	g_hash_table_destroy(nc->words);
	tokenizer_release(&nc->tok);
	free(nc);
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
		w = g_hash_table_lookup(nc->words, tk->text);
		if (!w) {
			w = g_new0(struct wcount, 1);
			g_hash_table_insert(nc->words, g_strdup(tk->text), w);
		}
		w->mid++;
		w->cap += (unsigned long)title_case(tk);
	}
}

int names_is_name(const struct name_counter *nc, const char *word)
{
	const struct wcount *w = g_hash_table_lookup(nc->words, word);

	if (!w || !w->cap || w->cap * 10 < w->mid * 9)
		return 0;
	if (nc->shared_dict)
		return !wordlist_has_lower(word);
	return !(nc->dict && g_hash_table_contains(nc->dict, word));
}
