#ifndef CSVIO_H
#define CSVIO_H

/*
 * CSV in and out (reading through libcsv; this is the only file that sees
 * it). Writers put
 * RFC 4180 rows with '\n' line ends into PATH.tmp.PID and rename it onto
 * PATH on csv_out_commit() (or, inside a publish, once the whole set is
 * complete), so a reader never sees half a file. Text cells
 * that a spreadsheet would run as a formula (first character '=', '+', '-',
 * '@', tab or CR) get a leading apostrophe; numeric cells are written as
 * given; ids and file names are text cells too. Readers return one row at
 * a time. Handles are caller-owned; a writer is used by one thread.
 */

#include <stdio.h>
#include <stddef.h>
#include "util.h"

struct csv_out;

/* Opens PATH.tmp.PID for writing; "-" writes to stdout (no rename). With
 * `bom` a UTF-8 byte-order mark is written first (for Excel). */
struct csv_out *csv_out_open(const char *path, int bom, struct doc_error *err);
/* csv_out_open() of DIR/NAME. */
struct csv_out *csv_out_open_in(const char *dir, const char *name, int bom,
				struct doc_error *err);
/* A whole literal line (a header such as "doc_id,term,count") and its end. */
void csv_out_line(struct csv_out *c, const char *line);
void csv_out_text(struct csv_out *c, const char *s);   /* guarded text cell */
/* 1 when a text cell of s is written after an apostrophe (the guard
 * against formulas: s starts with =, +, -, @, a tab or a carriage
 * return). */
int csv_text_guarded(const char *s);
void csv_out_textn(struct csv_out *c, const char *s, size_t len);
/* Ids, names and codes: guarded like every text cell (a file named
 * "+cmd.txt" is a doc_id). */
void csv_out_raw(struct csv_out *c, const char *s);
/* Unguarded: only for files revmine alone reads back (index files). */
void csv_out_verbatim(struct csv_out *c, const char *s);
void csv_out_int(struct csv_out *c, long long v);
/* Shortest "%.*g" that reads back as v (C locale); NAN or inf: empty cell. */
void csv_out_double(struct csv_out *c, double v);
/* p-values and other small numbers: "%.6g"; NAN: empty cell. */
void csv_out_p(struct csv_out *c, double v);
void csv_out_fixed(struct csv_out *c, double v, int decimals); /* "%.*f" */
void csv_out_empty(struct csv_out *c);
void csv_out_end_row(struct csv_out *c);
/* Bytes written so far (the offset of the next row). */
long long csv_out_tell(struct csv_out *c);
/* Appends len bytes of file fd from offset off (rows an earlier run wrote),
 * between rows; 0, or -1 (errno set) on a read or write error or when fd
 * ends early. */
int csv_out_copy(struct csv_out *c, int fd, long long off, long long len);
/* Flushes, checks for write errors and renames into place; frees c.
 * Returns 0 or -1 with err filled (the temporary file is removed). */
int csv_out_commit(struct csv_out *c, struct doc_error *err);
/* Removes the temporary file and frees c (NULL is a no-op). */
void csv_out_abort(struct csv_out *c);

/*
 * Publishing a set of files together (the outputs of a run). Between
 * csv_publish_begin(DIR) and csv_publish_end(), csv_out_commit() and
 * csv_commit_file() complete and fsync each file but leave it under its
 * temporary name. csv_publish_end() writes the list of them to DIR/.publish
 * (fsynced), renames them all in commit order (so the file committed last,
 * the manifest, is renamed last), syncs DIR and removes the list; 0, or -1
 * with err filled. csv_publish_abort() removes the temporary files and
 * leaves every previous output as it was. A run killed during the renames
 * leaves DIR/.publish behind: csv_publish_recover(DIR), called by the next
 * run while it holds the folder's lock, finishes them. One publish at a time.
 */
void csv_publish_begin(const char *dir);
int csv_publish_end(struct doc_error *err);
void csv_publish_abort(void);
int csv_publish_recover(const char *dir, struct doc_error *err);
/* Renames tmp onto path now, or at csv_publish_end() inside a publish. */
int csv_commit_file(const char *tmp, const char *path, struct doc_error *err);
/* Inside a publish: the temporary name of the file committed as path, or
 * NULL. */
const char *csv_publish_pending(const char *path);

/* Formats v like csv_out_double into buf (>= 32 bytes); returns buf. */
char *csv_format_double(char *buf, size_t size, double v);

struct csv_in;

/*
 * Opens PATH ("-" for stdin) for reading. A UTF-8 byte-order mark is
 * skipped; after a UTF-16 one (LE or BE) the input is decoded to UTF-8.
 * Inside a publish, a PATH committed in it is read in its new version.
 */
struct csv_in *csv_in_open(const char *path, struct doc_error *err);
/* The same over buf[0..len), which must outlive it; name is for
 * messages. */
struct csv_in *csv_in_open_mem(const void *buf, size_t len, const char *name,
			       struct doc_error *err);
/* From now on a row with more fields than the first row (the header) is
 * an error. */
void csv_in_check_width(struct csv_in *c);
/* Limits (defaults: a line and a field 16 MiB, a row 64 MiB and 2^20
 * fields); for tests. */
void csv_in_set_limits(struct csv_in *c, size_t max_line, size_t max_field,
		       size_t max_row, size_t max_fields);
/*
 * Reads the next row: 1 and (*fields, *nr) valid until the next call,
 * 0 at end of input, -1 with err filled as "FILE:LINE: reason", LINE the
 * line of the file (not the row): malformed CSV, a NUL byte, invalid UTF-8
 * or UTF-16, a line, field or row over its limit, too many fields (with
 * csv_in_check_width), or a read error. After -1, every call returns -1.
 */
int csv_in_next(struct csv_in *c, char ***fields, size_t *nr,
		struct doc_error *err);
/* The file line the last row read starts on (1-based). */
size_t csv_in_line(const struct csv_in *c);
/* The number of rows read so far (the header is row 1). */
size_t csv_in_row(const struct csv_in *c);
/* The file's name as messages give it. */
const char *csv_in_name(const struct csv_in *c);
void csv_in_close(struct csv_in *c);

/* Write a string as one CSV field to a stdio stream (for small ad-hoc
 * outputs such as `extract --passages` and `classify`), guarded. */
void csv_fput_text(FILE *f, const char *s);

#endif
