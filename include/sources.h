#ifndef SOURCES_H
#define SOURCES_H

/*
 * The input documents of a run: the files under the given paths, sorted by
 * path, each with a stable doc_id, its format and its content hash. Only
 * regular files are taken; a symlink is followed only when its target stays
 * inside the folder that was given; files with unsupported extensions are
 * counted, not listed. Files that cannot be taken (FIFO, device, too large,
 * unreadable, symlink loop) are listed with status SOURCE_ERROR and a
 * message, so the run can report them by name. The caller owns the list.
 */

#include <stddef.h>

struct stat;

enum source_status { SOURCE_PENDING, SOURCE_OK, SOURCE_WARNING, SOURCE_ERROR };

struct source {
	char *doc_id;  /* path relative to the folder given (the file name for a
			* file), escaped (util.h: escape_name) */
	char *path;    /* as the user would type it: root + "/" + doc_id, escaped */
	char *open_path; /* the raw name when escaping changed it, or a listed
			  * symlink's checked target; NULL: path */
	const char *format; /* "pdf", "txt", "docx", "html" (static) or NULL */
	long long size;
	char sha256[65];
	enum source_status status;
	char *stage;   /* failing stage ("input", "extract", ...) or NULL */
	char *message; /* error reason or warning notes, or NULL */
	char *record;  /* record file name (in the records folder), or NULL */
	int pages;
	unsigned long passages, tokens;
	/* the file's stat when listed (a listed symlink: its target's), the
	 * key of the hash memo below; 0 for an entry that is not a file */
	long long mtime_ns, ctime_ns;
	unsigned long long ino, dev;
	int fresh;     /* its record was written by this batch */
	/* in_memory: its record's text is in record_fd, handed over by the
	 * worker, for reduce to write and read (record.h) */
	int in_memory, record_fd;
	long long record_bytes;
};

struct source_list {
	struct source *items;
	size_t nr, alloc;
	size_t unsupported; /* files skipped for their extension */
	size_t missing;     /* paths given that do not exist */
};

#define SOURCE_MAX_SIZE_DEFAULT ((long long)512 << 20)

/* Collects the documents under paths[0..n); max_size in bytes (0: none).
 * Missing paths become error entries named by the path. */
void sources_collect(char **paths, size_t n, long long max_size,
		     struct source_list *out);
/*
 * Opens the document once for the whole run: the last component is not
 * followed if it has become a symlink since listing (O_NOFOLLOW), a FIFO
 * does not block (O_NONBLOCK, cleared once the descriptor is known to be a
 * regular file), and the check is fstat() on the descriptor itself, which
 * the worker then reads. Returns the descriptor (caller closes), or -1 with
 * s set to error. Updates s->size.
 */
int source_open(struct source *s);
/* Fills s->sha256 from fd's content (pread: the offset is not moved). */
int source_hash_fd(struct source *s, int fd);
/* source_open() + source_hash_fd() + close; 0, or -1 with s set to error. */
int source_hash(struct source *s);
void source_set_error(struct source *s, const char *stage, const char *msg);

/*
 * The hash memo: the SHA-256 of each input of the last run, by path and
 * stat (size, modification and change time in nanoseconds, inode,
 * device), kept in a file (OUT/.cache/inputs.state for run) so that a
 * rerun hashes only the files whose stat changed. Writing a file, even
 * in place at the same size with its modification time put back,
 * changes its change time, which only the kernel sets; a file changed
 * less than HASH_MEMO_MARGIN seconds before it was hashed is not
 * remembered (a second write within the same tick of the file system's
 * clock would not change its stat), so it is hashed again next time.
 * Other files the run reads whole are kept in it too, under a key no
 * input path has (in an escaped path a backslash is doubled or starts
 * "\xHH"): a backslash then "program" (the revmine binary), or then
 * "wordlist:" and the word list's path.
 */
struct hash_memo;
#define HASH_MEMO_MARGIN 1.0
/* s's size and the memo's key fields from st. */
void source_set_stat(struct source *s, const struct stat *st);
/* The memo in the file at path: empty when there is none, or when it is
 * damaged (checksum), of another version or unreadable. Never NULL. */
struct hash_memo *hash_memo_load(const char *path);
/* s's content hash from the memo when s's listed stat is the one
 * remembered for its path: 1 (s->sha256 filled, s->size unchanged), or 0
 * (the file must be hashed). The entry is kept for the next memo. */
int hash_memo_take(struct hash_memo *m, struct source *s);
/* Remembers s->sha256 for st, the fstat() of the descriptor taken before
 * hashing it (ignored unless st is old enough, see above). */
void hash_memo_note(struct hash_memo *m, const struct source *s, const struct stat *st);
/* Writes the entries taken or noted since loading to path (temporary
 * file, then rename; entries of files not seen are dropped): 0 or -1. */
int hash_memo_write(struct hash_memo *m, const char *path);
void hash_memo_free(struct hash_memo *m);
const char *source_status_name(enum source_status st);
void source_list_release(struct source_list *l);

#endif
