#ifndef EXTRACT_H
#define EXTRACT_H

/*
 * Extraction: one file in, its lines in reading order out (struct doc_text),
 * with page furniture (running headers, footers, page numbers) removed and
 * characters normalised (normalize.h). The caller owns `out` (init before,
 * doc_text_release after); on error `out` may hold partial lines and `err`
 * says why. Extractors never print and never exit.
 */

#include "doc.h"
#include "util.h"

/* PDF through poppler-glib. Runs in the caller's process: call it inside a
 * sandboxed worker (sandbox.h), since poppler aborts on hostile input. */
int extract_pdf(const char *path, struct doc_text *out, struct doc_error *err);
/* The same on an open descriptor (not closed; its offset is not used). */
int extract_pdf_fd(int fd, struct doc_text *out, struct doc_error *err);
/* The same on a document in memory (fuzzing, tests). */
int extract_pdf_data(const void *data, size_t len, struct doc_text *out,
		     struct doc_error *err);

/* Plain text: UTF-8 (BOM or not), UTF-16 LE/BE with BOM, else Windows-1252;
 * LF, CRLF, CR; NUL dropped; markdown headings and bullets flagged. */
int extract_txt(const char *path, struct doc_text *out, struct doc_error *err);
int extract_txt_fd(int fd, struct doc_text *out, struct doc_error *err);
/* The same on a buffer already in memory (tests, classify --lines). */
int extract_txt_buf(const char *buf, size_t len, struct doc_text *out,
		    struct doc_error *err);

/* "pdf", "txt" from the file name's extension (case-insensitive; .md and
 * .text count as txt), or NULL when unsupported. */
const char *extract_format(const char *path);

/* Dispatch on extract_format(path); only a regular file is read, and
 * opening never blocks on a FIFO. */
int extract_file(const char *path, struct doc_text *out, struct doc_error *err);
/* Dispatch on format ("pdf", "txt") for a descriptor already opened and
 * checked (sources.h: source_open). */
int extract_fd(int fd, const char *format, struct doc_text *out,
	       struct doc_error *err);

#endif
