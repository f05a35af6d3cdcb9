#ifndef UTIL_H
#define UTIL_H

/*
 * Small helpers shared by every stage: allocation that dies on exhaustion,
 * BUG() for programmer errors, the per-document error record, and the
 * ALLOC_GROW idiom for (items, nr, alloc) arrays. The engine prints
 * nothing: running out of memory and BUG() end the process, after telling
 * the handler the command set (set_fatal_handler).
 */

#include <stddef.h>
#include <stdarg.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Seconds on the monotonic clock, for timings. */
double now_seconds(void);

/* Ends the process: out of memory is not a per-document error. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The exit status of a process that runs out of memory (default 3; a
 * sandboxed worker uses SANDBOX_EXIT_OOM so its parent can say why). */
void set_oom_exit_status(int status);
/* fn hears the last words of a process ending on exhaustion ("out of
 * memory (N bytes)") or a BUG ("BUG: file:line: ..."), as jq's
 * jq_set_error_cb; it may print them, and must not allocate. Unset: silence. */
void set_fatal_handler(void (*fn)(void *ctx, const char *msg), void *ctx);

/*
 * A file name made safe for CSV, JSON and the terminal, reversibly: a
 * backslash becomes "\\", and a control byte (below 0x20, 0x7f), a C1
 * control character (U+0080..U+009F, as its two bytes) and every byte that
 * is not part of valid UTF-8 become "\xHH" (lower-case hex). Anything else
 * is kept. Undo by reading "\\" as a backslash and "\xHH" as the byte HH.
 * Newly allocated.
 */
char *escape_name(const char *s);

void bug_fl(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)

/* Grow (x, nr, alloc) so that x[nr] .. x[nr + extra - 1] may be written. */
#define ALLOC_GROW(x, nr, alloc) \
	do { \
		if ((nr) >= (alloc)) { \
			(alloc) = (alloc) < 16 ? 16 : (alloc) * 2; \
			if ((alloc) <= (nr)) \
				(alloc) = (nr) + 1; \
			(x) = xrealloc((x), (alloc) * sizeof(*(x))); \
		} \
	} while (0)

/*
 * What went wrong with one document: the stage that failed ("extract",
 * "segment", ...), a machine-readable code and a lowercase message without
 * the file name (the caller adds it). Stages fill it and return nonzero.
 */
struct doc_error {
	const char *stage;
	int code;
	char msg[512];
};

enum doc_error_code {
	DOC_OK = 0,
	DOC_ERR_IO,        /* cannot open or read */
	DOC_ERR_FORMAT,    /* not a valid file of its kind */
	DOC_ERR_ENCRYPTED, /* needs a password */
	DOC_ERR_LIMIT,     /* size, time or memory limit */
	DOC_ERR_EMPTY,     /* no text at all */
	DOC_ERR_CRASH,     /* the worker died */
	DOC_ERR_CONFIG,    /* codebook, stopwords or options */
	DOC_ERR_PIPE,      /* the reader of the output went away (SIGPIPE) */
};

/* Fill err and return -1, so stages can write `return doc_error_set(...)`. */
int doc_error_set(struct doc_error *err, const char *stage, int code,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* FNV-1a hash of s (for open-addressing tables), and its length into *len. */
unsigned str_hash_len(const char *s, size_t *len);

#endif
