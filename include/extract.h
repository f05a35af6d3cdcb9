#ifndef EXTRACT_H
#define EXTRACT_H

/*
 * Extraction: one file in, its lines in reading order out (struct doc_text),
 * with page furniture (running headers, footers, page numbers) removed and
 * characters normalised (normalize.h). The caller owns `out` (init before,
 * doc_text_release after); on error `out` may hold partial lines and `err`
 * says why. Extractors never print and never exit. extract.c holds what
 * is common to the formats: choosing one, dispatching, opening a path.
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
/* on: keeps poppler's global state built between documents (a worker
 * that reads many calls it once at start); off: lets it go. */
void extract_pdf_keep_warm(int on);

/* Plain text: UTF-8 (BOM or not), UTF-16 LE/BE with BOM, else Windows-1252;
 * LF, CRLF, CR; NUL dropped; markdown headings and bullets flagged. */
int extract_txt(const char *path, struct doc_text *out, struct doc_error *err);
int extract_txt_fd(int fd, struct doc_text *out, struct doc_error *err);
/* The same on a buffer already in memory (tests, classify --lines). */
int extract_txt_buf(const char *buf, size_t len, struct doc_text *out,
		    struct doc_error *err);

/* Word .docx through libzip and libxml2 (extract_docx.c): headings from
 * heading styles, list items from list numbering and styles. Zip members
 * are size- and ratio-checked before inflating; DTDs and entities refused. */
int extract_docx(const char *path, struct doc_text *out, struct doc_error *err);
int extract_docx_fd(int fd, struct doc_text *out, struct doc_error *err);

/* Web pages through libxml2's HTML parser (extract_html.c): headings,
 * paragraphs and list items; navigation, scripts, styles, header, footer
 * and aside skipped. */
int extract_html(const char *path, struct doc_text *out, struct doc_error *err);
int extract_html_fd(int fd, struct doc_text *out, struct doc_error *err);
int extract_html_buf(const char *buf, size_t len, struct doc_text *out,
		     struct doc_error *err);

/* Appends text[0..len) normalised as one block (cut at spaces into blocks
 * of at most 16 KiB); returns whether anything was added. For extractors
 * of structured formats. */
int extract_add_block(struct doc_text *out, const char *text, size_t len,
		      int page, float size, unsigned flags);

/* The extensions read, for messages. */
#define EXTRACT_EXTENSIONS ".pdf, .docx, .html, .htm, .txt, .text or .md"

/* Opens path for reading (read-only, close-on-exec, blocking reads) without
 * waiting on a FIFO; a file that is not regular is refused ("is a
 * directory", "not a regular file"). Returns the descriptor, or -1 with
 * err filled. */
int extract_open(const char *path, struct doc_error *err);

/* "pdf", "txt", "docx", "html" from the file name's extension
 * (case-insensitive; .md and .text count as txt, .htm as html), or NULL
 * when unsupported. */
const char *extract_format(const char *path);

/* Dispatch on extract_format(path); only a regular file is read, and
 * opening never blocks on a FIFO. */
int extract_file(const char *path, struct doc_text *out, struct doc_error *err);
/* Dispatch on format ("pdf", "txt", "docx", "html") for a descriptor already opened and
 * checked (sources.h: source_open). */
int extract_fd(int fd, const char *format, struct doc_text *out,
	       struct doc_error *err);

#endif
