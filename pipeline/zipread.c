/*
 * Bounded reads of zip members. The sizes in the central directory are
 * checked before a byte is inflated, and the read stops at the declared
 * size, so a member that lies about its size cannot inflate further.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <zip.h>
#include "util.h"
#include "zipread.h"
#include <limits.h>
#include <libxml/parser.h>
#include "banned.h"

static zip_t *checked(zip_t *z, int zerr, const char *stage, struct doc_error *err)
{
	zip_int64_t n;

	if (!z) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		doc_error_set(err, stage, DOC_ERR_FORMAT, "not a valid zip file: %s",
			      zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return NULL;
	}
	n = zip_get_num_entries(z, 0);
	if (n < 0 || n > ZIPREAD_MAX_ENTRIES) {
		doc_error_set(err, stage, DOC_ERR_LIMIT,
			      "zip has %lld members (limit %d)", (long long)n,
			      ZIPREAD_MAX_ENTRIES);
		zip_discard(z);
		return NULL;
	}
	return z;
}

zip_t *zipread_open(const char *path, const char *stage, struct doc_error *err)
{
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);

	return checked(z, zerr, stage, err);
}

zip_t *zipread_open_fd(int fd, const char *stage, struct doc_error *err)
{
	int zerr = 0, dupfd = dup(fd);
	zip_t *z;

	if (dupfd < 0)
		return doc_error_set(err, stage, DOC_ERR_IO, "cannot open: %s",
				     strerror(errno)), NULL;
	/* zip_fdopen reads from the current offset: start at the beginning */
	if (lseek(dupfd, 0, SEEK_SET) < 0) {
		close(dupfd);
		return doc_error_set(err, stage, DOC_ERR_IO, "cannot seek: %s",
				     strerror(errno)), NULL;
	}
	z = zip_fdopen(dupfd, ZIP_RDONLY, &zerr);
	if (!z)
		close(dupfd); /* zip_fdopen closes it only on success */
	return checked(z, zerr, stage, err);
}

int zipread_member(zip_t *z, const char *name, size_t max, const char *stage,
		   char **buf, size_t *len, struct doc_error *err)
{
	zip_stat_t st;
	zip_int64_t idx = zip_name_locate(z, name, 0);
	zip_file_t *f;
	size_t got = 0;
	char *b;

	*buf = NULL;
	*len = 0;
	if (idx < 0)
		return 1;
	zip_stat_init(&st);
	if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) ||
	    !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
		return doc_error_set(err, stage, DOC_ERR_FORMAT,
				     "zip member '%s' cannot be read", name);
	if (st.size > max)
		return doc_error_set(err, stage, DOC_ERR_LIMIT,
				     "zip member '%s' expands to %llu bytes (limit %zu): refused",
				     name, (unsigned long long)st.size, max);
	if (st.size > (1u << 20) &&
	    (st.comp_size == 0 || st.size / st.comp_size > ZIPREAD_MAX_RATIO))
		return doc_error_set(err, stage, DOC_ERR_LIMIT,
				     "zip member '%s' has a compression ratio over %d:1 (zip bomb): refused",
				     name, ZIPREAD_MAX_RATIO);
	f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!f)
		return doc_error_set(err, stage, DOC_ERR_FORMAT,
				     "zip member '%s' cannot be opened: %s", name,
				     zip_strerror(z));
	b = xmalloc((size_t)st.size + 1);
	while (got < st.size) {
		zip_int64_t n = zip_fread(f, b + got, st.size - got);

		if (n < 0) {
			doc_error_set(err, stage, DOC_ERR_FORMAT,
				      "zip member '%s' is damaged: %s", name,
				      zip_file_strerror(f));
			zip_fclose(f);
			free(b);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	zip_fclose(f);
	if (got != st.size) {
		free(b);
		return doc_error_set(err, stage, DOC_ERR_FORMAT,
				     "zip member '%s' is truncated", name);
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	return 0;
}

xmlDocPtr zipread_xml(const char *buf, size_t len, const char *name,
		      const char *stage, struct doc_error *err)
{
	xmlDocPtr d;

	if (memmem(buf, len, "<!DOCTYPE", 9) || memmem(buf, len, "<!ENTITY", 8)) {
		doc_error_set(err, stage, DOC_ERR_FORMAT,
			      "'%s' declares a DTD or entities (not allowed: entity expansion)",
			      name);
		return NULL;
	}
	if (len > INT_MAX) {
		doc_error_set(err, stage, DOC_ERR_LIMIT, "'%s' is too large", name);
		return NULL;
	}
	d = xmlReadMemory(buf, (int)len, name, NULL,
			  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!d) {
		const xmlError *e = xmlGetLastError();

		doc_error_set(err, stage, DOC_ERR_FORMAT, "'%s' is not well-formed XML%s%.200s",
			      name, e && e->message ? ": " : "",
			      e && e->message ? e->message : "");
		/* libxml2's messages end with a newline */
		len = strlen(err->msg);
		if (len && err->msg[len - 1] == '\n')
			err->msg[len - 1] = '\0';
	}
	return d;
}
