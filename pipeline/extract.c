/*
 * Extraction as one stage: the format of a file from its name, the
 * dispatch to the extractor of that format (extract_pdf.c, extract_txt.c,
 * extract_docx.c, extract_html.c), opening a path safely, and the block
 * splitting shared by the extractors of structured formats.
 */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "extract.h"
#include "normalize.h"
#include "banned.h"

#define BLOCK_MAX_LINE 16384

const char *extract_format(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');

	if (!dot || (slash && dot < slash))
		return NULL;
	if (!g_ascii_strcasecmp(dot, ".pdf"))
		return "pdf";
	if (!g_ascii_strcasecmp(dot, ".txt") || !g_ascii_strcasecmp(dot, ".text") ||
	    !g_ascii_strcasecmp(dot, ".md"))
		return "txt";
	if (!g_ascii_strcasecmp(dot, ".docx"))
		return "docx";
	if (!g_ascii_strcasecmp(dot, ".html") || !g_ascii_strcasecmp(dot, ".htm"))
		return "html";
	return NULL;
}

int extract_fd(int fd, const char *format, struct doc_text *out,
	       struct doc_error *err)
{
	if (!format)
		return doc_error_set(err, "extract", DOC_ERR_FORMAT,
				     "unsupported file type (not " EXTRACT_EXTENSIONS ")");
	if (!strcmp(format, "pdf"))
		return extract_pdf_fd(fd, out, err);
	if (!strcmp(format, "docx"))
		return extract_docx_fd(fd, out, err);
	if (!strcmp(format, "html"))
		return extract_html_fd(fd, out, err);
	return extract_txt_fd(fd, out, err);
}

int extract_file(const char *path, struct doc_text *out, struct doc_error *err)
{
	const char *fmt = extract_format(path);
	int fd, rc;

	if (!fmt) {
		struct stat st;

		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			return doc_error_set(err, "extract", DOC_ERR_IO, "is a directory");
	}
	fd = extract_open(path, err);
	if (fd < 0)
		return -1;
	rc = extract_fd(fd, fmt, out, err);
	close(fd);
	return rc;
}

/* Without O_NONBLOCK, opening a FIFO would wait for a writer; only a
 * regular file is accepted (a device never ends). */
int extract_open(const char *path, struct doc_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), fl;

	if (fd < 0)
		return doc_error_set(err, "extract", DOC_ERR_IO, "cannot open: %s",
				     strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return doc_error_set(err, "extract", DOC_ERR_IO, "%s",
				     S_ISDIR(st.st_mode) ? "is a directory" :
				     "not a regular file");
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

int extract_add_block(struct doc_text *out, const char *s, size_t len, int page,
		      float size, unsigned flags)
{
	size_t nlen, before = out->nr;
	char *norm = normalize_text(s, len, &nlen);
	const char *p = norm;

	/* a block longer than BLOCK_MAX_LINE is cut at spaces into blocks */
	while (nlen > BLOCK_MAX_LINE) {
		size_t cut = BLOCK_MAX_LINE;

		while (cut > BLOCK_MAX_LINE / 2 && p[cut] != ' ')
			cut--;
		if (p[cut] != ' ')
			cut = (size_t)(g_utf8_find_prev_char(p, p + BLOCK_MAX_LINE) - p);
		doc_text_add(out, p, cut, page, size, flags);
		flags = (flags & ~(unsigned)LINE_PAGE_START) | LINE_BREAK_BEFORE;
		while (cut < nlen && p[cut] == ' ')
			cut++;
		p += cut;
		nlen -= cut;
	}
	if (nlen)
		doc_text_add(out, p, nlen, page, size, flags);
	g_free(norm);
	return out->nr > before;
}
