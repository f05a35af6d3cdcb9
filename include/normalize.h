#ifndef NORMALIZE_H
#define NORMALIZE_H

/*
 * Character-level repair of extracted text: NFC; ligatures (U+FB00-FB06)
 * expanded; soft hyphens dropped; no-break, thin and other odd spaces made
 * plain spaces; smart quotes and apostrophes made ASCII; U+2010/2011 hyphens
 * made '-'; control characters dropped; runs of spaces collapsed and the ends
 * trimmed. Dashes (en, em) are kept as they carry meaning.
 */

#include <stddef.h>

/* Returns a newly allocated normalised copy of text[0..len) (invalid UTF-8
 * bytes become U+FFFD); *out_len gets its length. Caller frees. */
char *normalize_text(const char *text, size_t len, size_t *out_len);

#endif
