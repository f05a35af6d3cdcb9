#ifndef TOKENIZE_H
#define TOKENIZE_H

/*
 * Splits UTF-8 passage text into case-folded tokens. A struct tokenizer is
 * caller-owned and reused across passages: tokenize() replaces its tokens,
 * whose `text` strings live in the tokenizer's buffer until the next call
 * or tokenizer_release(). `src` points into the caller's text.
 *
 * A hyphenated compound ("multi-agency") gives a TOKEN_JOINED token with the
 * joined form ("multiagency") followed by its TOKEN_PART tokens ("multi",
 * "agency"), so a pattern can match any of the three spellings.
 */

#include <stddef.h>

enum token_kind {
	TOKEN_WORD,   /* letters (and digits mixed in are TOKEN_NUMBER) */
	TOKEN_NUMBER, /* any token holding a digit: 2013, 47, IN14 */
	TOKEN_URL,
	TOKEN_EMAIL,
};

enum token_flag {
	TOKEN_JOINED = 1 << 0, /* joined form of the `parts` tokens after it */
	TOKEN_PART = 1 << 1,   /* one part of a hyphenated compound */
	TOKEN_BREAK = 1 << 2,  /* punctuation (. , ; : ! ? brackets) before it */
	TOKEN_CAPITAL = 1 << 3, /* the source word starts with an upper-case letter */
	TOKEN_COLON = 1 << 4,   /* a ':' before it (a lead-in ended) */
	TOKEN_STOP = 1 << 5,    /* '.', '!', '?' or ';' before it */
};

struct token {
	const char *src; /* the token's span in the input */
	size_t src_len;
	const char *text; /* case-folded, NUL-terminated */
	size_t len;
	enum token_kind kind;
	unsigned flags;
	unsigned parts; /* TOKEN_JOINED: how many TOKEN_PART tokens follow */
};

struct tokenizer {
	struct token *items;
	size_t nr, alloc;
	char *buf;
	size_t buf_len, buf_alloc;
};

void tokenizer_init(struct tokenizer *t);
/* Tokenizes text[0..len); returns the number of tokens. */
size_t tokenize(struct tokenizer *t, const char *text, size_t len);
void tokenizer_release(struct tokenizer *t);

/* Whether a token is a word for the vocabulary (not a number, URL, e-mail,
 * nor a part of a compound, which is counted through its joined form). */
static inline int token_is_term(const struct token *tk)
{
	return tk->kind == TOKEN_WORD && !(tk->flags & TOKEN_PART);
}

#endif
