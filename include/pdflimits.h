#ifndef PDFLIMITS_H
#define PDFLIMITS_H

/*
 * Limits checked on a PDF's bytes before poppler reads them (pdflimits.c).
 * poppler-glib has no resource limits of its own (no cap on a decoded
 * stream, on memory or on objects), and poppler decodes a content, font or
 * object stream whatever it expands to; a few KiB of FlateDecode can stand
 * for gigabytes. So every FlateDecode stream that is not an image (images
 * are read only as far as their declared size) is inflated here once,
 * counting bytes without keeping them, and the document is refused when:
 *   - one stream decodes to more than PDF_STREAM_MAX bytes;
 *   - one stream decodes to more than PDF_RATIO_MIN bytes at more than
 *     PDF_RATIO_MAX times its compressed size (no real content, font or
 *     object stream compresses like that; a bomb does);
 *   - all of them together decode to more than PDF_TOTAL_MAX bytes.
 * Filter chains of FlateDecode stages are followed (their ratios multiply).
 * Never prints, never exits.
 */

#include <stddef.h>

#define PDF_STREAM_MAX ((unsigned long long)64 << 20)
#define PDF_RATIO_MIN ((unsigned long long)2 << 20)
#define PDF_RATIO_MAX 200
#define PDF_TOTAL_MAX ((unsigned long long)1 << 30)

/* 0 when data is within the limits (or is not a PDF this can judge);
 * -1 with the reason in why (without the file name) when it is not. */
int pdf_check_limits(const unsigned char *data, size_t len, char *why,
		     size_t whylen);

#endif
