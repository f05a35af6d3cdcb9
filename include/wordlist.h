#ifndef WORDLIST_H
#define WORDLIST_H

/*
 * The system word list (Debian wbritish: /usr/share/dict/british-english),
 * loaded once per process into a hash set of lower-cased words, for
 * dehyphenation when a document gives no evidence of its own, and for the
 * dictionary check of name-like words (names.h) from the same read. Loaded on
 * first use (from any thread: once, under a lock), or by wordlist_load() in
 * a parent before it forks workers, so they share it. Without the file every lookup says no (and segmentation
 * falls back to the document's evidence alone).
 */

#include <stddef.h>

#define WORDLIST_DEFAULT "/usr/share/dict/british-english"

/* Loads path (NULL: WORDLIST_DEFAULT, or $REVMINE_WORDLIST when set) once;
 * 0, or -1 when it cannot be read. "" turns the word list off. */
int wordlist_load(const char *path);
/* Is w[0..len) (any case) a word of the list? */
int wordlist_has(const char *w, size_t len);

/* Whether the list loaded came from path (loading it first when path is
 * the one wordlist_load(NULL) reads): then wordlist_has_lower() answers for
 * that file. */
int wordlist_serves(const char *path);
/* Is w, exactly as given, an entry of the list written without an ASCII
 * capital (up to its first apostrophe: "child's" gives "child")? */
int wordlist_has_lower(const char *w);

/* SHA-256 of the list loaded, or "none": part of the configuration hash,
 * since the list changes how words are rejoined. */
const char *wordlist_fingerprint(void);
/* The same, without reading the list when m (sources.h) remembers its
 * hash for the file's present stat; otherwise the list is loaded and its
 * hash noted in m. The list itself is then loaded on first use. */
struct hash_memo;
const char *wordlist_fingerprint_memo(struct hash_memo *m);

#endif
