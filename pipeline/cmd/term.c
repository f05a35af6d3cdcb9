/*
 * The terminal: every line a command prints on stderr, and the handlers
 * through which the engine, which prints nothing, is heard.
 */
#include <stdio.h>
#include <stdarg.h>
#include <unistd.h>
#include "cmds.h"
#include "banned.h"

void say(const char *fmt, ...)
{
	va_list ap;

	fputs("revmine: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void term_message(void *ctx, const char *msg)
{
	(void)ctx;
	say("%s", msg);
}

void term_fatal(void *ctx, const char *msg)
{
	/* no allocation: this may be the last thing a process out of memory does */
	(void)ctx;
	fputs("revmine: ", stderr);
	fputs(msg, stderr);
	fputc('\n', stderr);
}

void term_progress(void *ctx, size_t done, size_t total, double rate, int final)
{
	(void)ctx;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	fprintf(stderr, "\r\033[Krevmine: %zu/%zu documents, %.1f/s", done, total, rate);
	if (rate > 0 && done < total)
		fprintf(stderr, ", %.0f s left", (double)(total - done) / rate);
}
