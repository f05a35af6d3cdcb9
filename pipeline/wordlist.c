/*
 * The word list: one word a line, read once into a GHashTable of
 * lower-cased, NUL-terminated keys pointing into one buffer. Possessives
 * ("aardvark's") are skipped: they are never the joined half of a break.
 */
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "util.h"
#include "wordlist.h"
#include "banned.h"

static GHashTable *words;
static char *text;
static int tried;
static char fingerprint[65] = "none";

int wordlist_load(const char *path)
{
	gsize len = 0;
	char *p, *line;

	if (tried)
		return words ? 0 : -1;
	tried = 1;
	if (!path)
		path = g_getenv("REVMINE_WORDLIST");
	if (!path)
		path = WORDLIST_DEFAULT;
	if (!*path || !g_file_get_contents(path, &text, &len, NULL))
		return -1;
	if (len > ((gsize)64 << 20) || !g_utf8_validate(text, (gssize)len, NULL)) {
		g_free(text);
		text = NULL;
		return -1;
	}
	{
		gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
							 (const guchar *)text, len);

		g_strlcpy(fingerprint, sum, sizeof(fingerprint));
		g_free(sum);
	}
	words = g_hash_table_new(g_str_hash, g_str_equal);
	for (line = p = text; *p; line = p) {
		char *nl = strchr(line, '\n');

		p = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		if (!*line || strchr(line, '\''))
			continue;
		for (char *c = line; *c; c++)
			if (!((unsigned char)*c & 0x80))
				*c = g_ascii_tolower(*c);
		g_hash_table_add(words, line);
	}
	return 0;
}

int wordlist_has(const char *w, size_t len)
{
	char buf[128];
	size_t i;

	if (!tried)
		wordlist_load(NULL);
	if (!words || !len || len >= sizeof(buf))
		return 0;
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)w[i] & 0x80 ? w[i] : g_ascii_tolower(w[i]);
	buf[len] = '\0';
	return g_hash_table_contains(words, buf);
}

const char *wordlist_fingerprint(void)
{
	if (!tried)
		wordlist_load(NULL);
	return fingerprint;
}
