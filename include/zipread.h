#ifndef ZIPREAD_H
#define ZIPREAD_H

/*
 * Reading members of untrusted zip files (.docx, .qdpx) with libzip, with
 * the checks a zip bomb must pass first: at most ZIPREAD_MAX_ENTRIES
 * members, every member read no larger than the caller's limit as
 * declared, a compression ratio no higher than ZIPREAD_MAX_RATIO for
 * members over 1 MiB, and never more bytes read than declared; and
 * parsing their XML without entities or DTDs. Errors
 * fill err with stage "extract" (or the caller's) and a reason.
 */

#include <stddef.h>
#include <zip.h>
#include "util.h"

#define ZIPREAD_MAX_ENTRIES 20000
#define ZIPREAD_MAX_RATIO 200

/* Opens path read-only; NULL with err filled when it is not a zip. */
zip_t *zipread_open(const char *path, const char *stage, struct doc_error *err);
/* The same on an open descriptor (duplicated: the caller keeps fd). */
zip_t *zipread_open_fd(int fd, const char *stage, struct doc_error *err);

/* Reads member `name` into *buf (NUL-terminated, caller frees) and *len.
 * Returns 0, 1 when there is no such member (err untouched), or -1 with
 * err filled (too large, suspicious ratio, damaged). */
int zipread_member(zip_t *z, const char *name, size_t max, const char *stage,
		   char **buf, size_t *len, struct doc_error *err);

struct _xmlDoc;
/*
 * Parses untrusted XML (a zip member) without entity substitution, DTD
 * loading or network access, under libxml2's default size and depth
 * limits. A document with a DOCTYPE or an entity declaration is refused
 * outright ("entity declarations are not allowed"), which stops entity
 * expansion (billion laughs) and external entities before parsing.
 * NULL with err filled on error; free with xmlFreeDoc.
 */
struct _xmlDoc *zipread_xml(const char *buf, size_t len, const char *name,
			    const char *stage, struct doc_error *err);

#endif
