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
