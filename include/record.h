#ifndef RECORD_H
#define RECORD_H

/*
 * The document record: everything that depends on one document alone (its
 * pages, warnings, passages with type, labels and term counts), written by
 * a worker as one self-describing file (gzip-compressed text) and read
 * back by reduce, which never opens the original document. Records are
 * named by the document's content hash and the analysis configuration
 * hash, so an unchanged document under an unchanged configuration is
 * never analysed twice.
 * Labels are stored by theme id; the reader maps them to indices of the
 * theme list it is given. The caller owns every struct passed in.
 */

#include <stddef.h>
#include "doc.h"
#include "util.h"

/* 4: an ocr flag per passage; 5: gzip-compressed text; 6: s lines (a
 * surface as its term's ending), a CRC-32 end line. Records of other
 * versions are refused (and so rebuilt), never read as this one. */
#define RECORD_VERSION 6

struct record_meta {
	int pages;
	char *warnings; /* NULL or notes */
};

/* File name of the record of content `sha256` under configuration `config`
 * (newly allocated). */
char *record_name(const char *sha256, const char *config);

/* Writes path (through path.tmp.PID and rename; not fsynced), ending with
 * the checksum of its content. theme_ids maps label theme indices to ids. */
int record_write(const char *path, const char *config,
		 const struct record_meta *m, const struct passage_list *ps,
		 char *const *theme_ids, size_t nr_themes, struct doc_error *err);

/*
 * A record handed over in memory: a worker whose parent reduces beside the
 * batch gives it the record's text (the same bytes as the file's, inflated)
 * in a memfd instead of compressing and writing it, and the parent's
 * records thread writes the file (record_store_text) and parses the text
 * (record_parse_text) without inflating it: compression leaves the
 * worker's path to the next document. record_write_mem: the text in a new
 * memfd (*fd, caller closes), or, when it is longer than RECORD_MEM_MAX_TEXT
 * or no memfd can be made (*fd -1), written to path as record_write does
 * (fd NULL: always). record_mem_text:
 * the size bytes of such a memfd, NUL-terminated (caller frees), or NULL
 * with err. record_store_text: path written from such a
 * text, the same bytes record_write would give. record_parse_text:
 * record_read() of such a text (len bytes at text, one more byte
 * allocated; parsed in place), path naming it in messages.
 */
int record_write_mem(const char *path, int *fd, const char *config,
		     const struct record_meta *m, const struct passage_list *ps,
		     char *const *theme_ids, size_t nr_themes, struct doc_error *err);
char *record_mem_text(int fd, long long size, struct doc_error *err);
int record_store_text(const char *path, const char *text, size_t len,
		      struct doc_error *err);
int record_parse_text(const char *path, char *text, size_t len, const char *config,
		      struct record_meta *m, struct passage_list *out,
		      char *const *theme_ids, size_t nr_themes, struct doc_error *err);

/* Records handed over and not yet taken are bounded: the batch asks for
 * one in memory only while record_mem_room() (fewer than
 * RECORD_MEM_MAX_DOCS documents and RECORD_MEM_MAX_BYTES bytes held), so
 * a reduce that falls behind costs the workers their compression again,
 * never memory. record_mem_hold(): the batch holds fd, of that many
 * bytes; record_mem_release(): taken, and closed; record_mem_fds(): the
 * descriptors held (*n of them; caller frees), which a newly forked worker
 * closes. */
#define RECORD_MEM_MAX_TEXT ((size_t)16 << 20)
#define RECORD_MEM_MAX_DOCS 32
#define RECORD_MEM_MAX_BYTES ((long long)64 << 20)
void record_mem_hold(int fd, long long bytes);
void record_mem_release(int fd, long long bytes);
int *record_mem_fds(size_t *n);
int record_mem_room(void);

/* Reads path into m (caller frees m->warnings) and out (caller-initialised).
 * A record of another version or configuration, a theme id outside theme_ids, a
 * checksum that does not match, a number out of range or a truncated file
 * is an error (m and out may then hold part of it; m->warnings is freed). */
int record_read(const char *path, const char *config,
		struct record_meta *m, struct passage_list *out,
		char *const *theme_ids, size_t nr_themes, struct doc_error *err);

/* record_read() into nothing: 0 when path is a sound record. */
int record_check(const char *path, const char *config, char *const *theme_ids,
		 size_t nr_themes, struct doc_error *err);

#endif
