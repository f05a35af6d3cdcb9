#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glib.h>
#include "util.h"
#include "banned.h"

static int oom_status = 3;
static void (*fatal_cb)(void *, const char *);
static void *fatal_ctx;

void set_oom_exit_status(int status)
{
	oom_status = status;
}

void set_fatal_handler(void (*fn)(void *ctx, const char *msg), void *ctx)
{
	fatal_cb = fn;
	fatal_ctx = ctx;
}

static void tell_fatal(const char *msg)
{
	if (fatal_cb)
		fatal_cb(fatal_ctx, msg);
}

static void die_oom(size_t size)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "out of memory (%zu bytes)", size);
	tell_fatal(msg);
	/* nothing can be freed or flushed safely now; temporary files stay
	 * for the next run to clear */
	_exit(oom_status);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(nmemb * size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

char *xstrndup(const char *s, size_t len)
{
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrfmt(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		BUG("bad format '%s'", fmt);
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	int n = snprintf(msg, sizeof(msg), "BUG: %s:%d: ", file, line);

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	tell_fatal(msg);
	abort();
}

int doc_error_set(struct doc_error *err, const char *stage, int code,
		  const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->stage = stage;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *escape_name(const char *s)
{
	size_t n = strlen(s), i = 0;
	char *out = xmalloc(4 * n + 1), *w = out;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		const char *end;

		if (c == '\\') {
			*w++ = '\\';
			*w++ = '\\';
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			w += snprintf(w, 5, "\\x%02x", c);
			i++;
		} else if (c < 0x80) {
			*w++ = (char)c;
			i++;
		} else {
			/* one UTF-8 character if valid, else one escaped byte */
			size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
			gunichar u;

			if (i + len <= n && g_utf8_validate(s + i, (gssize)len, &end) &&
			    end == s + i + len &&
			    (u = g_utf8_get_char(s + i)) >= 0xa0) {
				memcpy(w, s + i, len);
				w += len;
				i += len;
			} else {
				w += snprintf(w, 5, "\\x%02x", c);
				i++;
			}
		}
	}
	*w = '\0';
	return out;
}

unsigned str_hash_len(const char *s, size_t *len)
{
	unsigned h = 2166136261u; /* FNV-1a */
	const char *p;

	for (p = s; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	*len = (size_t)(p - s);
	return h;
}
