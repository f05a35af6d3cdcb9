/*
 * revmine.xlsx from the CSVs of an output folder (xlsx_out.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <glib.h>
#include <xlsxwriter.h>
#include "util.h"
#include "csvio.h"
#include "xlsx_out.h"
#include "banned.h"

#define ROWS_MAX 1048576u /* rows of a sheet, header included */
#define COLS_MAX 16384u
#define STRING_MAX 32767u

/* Tables in reading order: summaries first, long tables last. */
static const char *const tables[] = {
	"documents", "theme_prevalence", "theme_by_group", "theme_pairs",
	"theme_cooccurrence", "quotes", "theme_terms", "passages", "passage_themes",
	"doc_theme_matrix", "vocabulary", "term_pairs", "doc_term_matrix",
	"doc_term_counts",
};

/* A plain decimal number as csvio writes them: -12, 0.5, 1e-07; not
 * "007", "1.", "inf", "0x1A" or a date. */
static int is_number(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (!g_ascii_isdigit(*p))
		return 0;
	if (p[0] == '0' && g_ascii_isdigit(p[1]))
		return 0;
	while (g_ascii_isdigit(*p))
		p++;
	if (*p == '.') {
		p++;
		if (!g_ascii_isdigit(*p))
			return 0;
		while (g_ascii_isdigit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!g_ascii_isdigit(*p))
			return 0;
		while (g_ascii_isdigit(*p))
			p++;
	}
	return *p == '\0';
}

/* Pass 1: which columns are numeric (every non-empty cell a number). */
static unsigned char *numeric_columns(const char *path, size_t *ncol)
{
	struct doc_error err = { 0 };
	struct csv_in *c = csv_in_open(path, &err);
	unsigned char *num = NULL;
	char **f;
	size_t n, i;
	int r, first = 1;

	*ncol = 0;
	if (!c)
		return NULL;
	while ((r = csv_in_next(c, &f, &n, &err)) > 0) {
		if (first) {
			first = 0;
			*ncol = n;
			num = xcalloc(n + 1, 1);
			memset(num, 1, n);
			continue;
		}
		for (i = 0; i < n && i < *ncol; i++)
			if (num[i] && *f[i] && !is_number(f[i]))
				num[i] = 0;
	}
	csv_in_close(c);
	if (r < 0) {
		free(num);
		return NULL;
	}
	return num;
}

/* A string cut to STRING_MAX bytes at a character boundary. */
static const char *cut(const char *s, char *buf)
{
	size_t n = strlen(s);

	if (n <= STRING_MAX)
		return s;
	n = STRING_MAX;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

static lxw_worksheet *new_sheet(lxw_workbook *wb, const char *name, unsigned part,
				char **head, size_t ncol, lxw_format *bold)
{
	char sheet[64];
	lxw_worksheet *ws;
	size_t i;

	if (part == 1)
		snprintf(sheet, sizeof(sheet), "%.31s", name);
	else
		snprintf(sheet, sizeof(sheet), "%.24s (%u)", name, part);
	ws = workbook_add_worksheet(wb, sheet);
	if (!ws)
		return NULL;
	for (i = 0; i < ncol && i < COLS_MAX; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], bold);
	worksheet_freeze_panes(ws, 1, 0);
	return ws;
}

static int add_table(lxw_workbook *wb, const char *dir, const char *name,
		     lxw_format *bold, char *buf, struct doc_error *err)
{
	char *file = xstrfmt("%s.csv", name);
	char *path = g_build_filename(dir, file, NULL);
	size_t ncol, n, i;
	unsigned char *num = numeric_columns(path, &ncol);
	struct csv_in *c = NULL;
	lxw_worksheet *ws = NULL;
	char **f, **head = NULL;
	lxw_row_t row = 0;
	unsigned part = 1;
	int r, rc = 0;

	if (!num) /* absent (not written by this run) or unreadable: no sheet */
		goto out;
	c = csv_in_open(path, err);
	if (!c) {
		rc = -1;
		goto out;
	}
	while ((r = csv_in_next(c, &f, &n, err)) > 0) {
		if (!head) {
			head = g_new0(char *, n + 1);
			for (i = 0; i < n; i++)
				head[i] = g_strdup(f[i]);
			ws = new_sheet(wb, name, part, head, ncol, bold);
			row = 1;
			continue;
		}
		if (!ws)
			break;
		if (row >= ROWS_MAX) {
			ws = new_sheet(wb, name, ++part, head, ncol, bold);
			row = 1;
			if (!ws)
				break;
		}
		for (i = 0; i < n && i < COLS_MAX; i++) {
			if (!*f[i])
				continue;
			if (i < ncol && num[i])
				worksheet_write_number(ws, row, (lxw_col_t)i, g_ascii_strtod(f[i], NULL), NULL);
			else
				worksheet_write_string(ws, row, (lxw_col_t)i, cut(f[i], buf), NULL);
		}
		row++;
	}
	if (r < 0 || !ws) {
		if (!ws)
			doc_error_set(err, "xlsx", DOC_ERR_IO, "cannot add sheet '%s'", name);
		rc = -1;
	}
out:
	if (c)
		csv_in_close(c);
	g_strfreev(head);
	free(num);
	g_free(path);
	free(file);
	return rc;
}

int xlsx_write(const char *outdir, time_t created, struct doc_error *err)
{
	static char title[] = "revmine outputs";
	char *path = g_build_filename(outdir, "revmine.xlsx", NULL);
	char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
	char *tmpdir = g_strdup(outdir);
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = tmpdir,
				     .use_zip64 = LXW_TRUE };
	lxw_doc_properties props;
	lxw_workbook *wb = workbook_new_opt(tmp, &opt);
	lxw_format *bold;
	char *buf = xmalloc(STRING_MAX + 1);
	size_t i;
	lxw_error e;
	int rc = -1;

	if (!wb) {
		doc_error_set(err, "write", DOC_ERR_IO, "cannot write '%s'", tmp);
		goto out;
	}
	memset(&props, 0, sizeof(props));
	props.title = title;
	props.created = created;
	workbook_set_properties(wb, &props);
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (i = 0; i < ARRAY_SIZE(tables); i++)
		if (add_table(wb, outdir, tables[i], bold, buf, err)) {
			workbook_close(wb);
			unlink(tmp);
			goto out;
		}
	e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		doc_error_set(err, "write", DOC_ERR_IO, "cannot write '%s': %s", tmp, lxw_strerror(e));
		unlink(tmp);
		goto out;
	}
	/* renamed now, or with the other outputs (csvio.h publish) */
	if (csv_commit_file(tmp, path, err)) {
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	g_free(tmpdir);
	free(tmp);
	g_free(path);
	return rc;
}
