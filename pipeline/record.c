/*
 * Record files. A line per item, fields separated by tabs, with '\\', tab,
 * LF and CR escaped as \\ \t \n \r:
 *
 *   revmine-record <version> <config-hash>
 *   m <pages> <warnings>
 *   p <page> <kind> <type> <type_score> <tokens> <section> <text>
 *   l <theme-id> <score> <confidence> <evidence>  (labels of the passage above;
 *                                            confidence -1: rules alone)
 *   t <term> <surface> <count>               (terms of the passage above)
 *   end
 *
 * The final "end" line tells a complete record from a truncated one.
 * Scores are written with %.17g so a record read back gives the same CSVs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <glib.h>
#include "util.h"
#include "record.h"
#include "banned.h"

char *record_name(const char *sha256, const char *config)
{
	return xstrfmt("%.64s-%.16s.rec", sha256, config);
}

static void put_escaped(FILE *f, const char *s)
{
	for (;;) {
		size_t run = strcspn(s, "\\\t\n\r");

		fwrite(s, 1, run, f);
		s += run;
		switch (*s) {
		case '\0': return;
		case '\\': fputs("\\\\", f); break;
		case '\t': fputs("\\t", f); break;
		case '\n': fputs("\\n", f); break;
		default: fputs("\\r", f); break;
		}
		s++;
	}
}

static void put_fields(FILE *f, const char *tag, const char *const *v, size_t n)
{
	size_t i;

	fputs(tag, f);
	for (i = 0; i < n; i++) {
		fputc('\t', f);
		put_escaped(f, v[i]);
	}
	fputc('\n', f);
}

static void write_passage(FILE *f, const struct passage *p,
			  char *const *theme_ids, size_t nr_themes)
{
	char page[16], score[40], conf[40], tokens[24];
	const char *v[7];
	size_t i;

	snprintf(page, sizeof(page), "%d", p->page);
	snprintf(score, sizeof(score), "%.17g", p->type_score);
	snprintf(tokens, sizeof(tokens), "%u", p->tokens);
	v[0] = page;
	v[1] = passage_kind_name(p->kind);
	v[2] = passage_type_name(p->type);
	v[3] = score;
	v[4] = tokens;
	v[5] = p->section;
	v[6] = p->text;
	put_fields(f, "p", v, 7);
	for (i = 0; i < p->nr_labels; i++) {
		const struct label *l = &p->labels[i];

		if (l->theme < 0 || (size_t)l->theme >= nr_themes)
			BUG("label theme %d out of range", l->theme);
		snprintf(score, sizeof(score), "%.17g", l->score);
		snprintf(conf, sizeof(conf), "%.17g", l->confidence);
		v[0] = theme_ids[l->theme];
		v[1] = score;
		v[2] = conf;
		v[3] = l->evidence ? l->evidence : "";
		put_fields(f, "l", v, 4);
	}
	for (i = 0; i < p->nr_terms; i++) {
		snprintf(tokens, sizeof(tokens), "%u", p->terms[i].count);
		v[0] = p->terms[i].term;
		v[1] = p->terms[i].surface ? p->terms[i].surface : p->terms[i].term;
		v[2] = tokens;
		put_fields(f, "t", v, 3);
	}
}

int record_write(const char *path, const char *config,
		 const struct record_meta *m, const struct passage_list *ps,
		 char *const *theme_ids, size_t nr_themes, struct doc_error *err)
{
	char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	char pages[16];
	const char *v[2];
	size_t i;
	int rc = 0;

	if (!f) {
		rc = doc_error_set(err, "record", DOC_ERR_IO, "cannot write '%s': %s",
				   tmp, strerror(errno));
		goto out;
	}
	fprintf(f, "revmine-record\t%d\t%s\n", RECORD_VERSION, config);
	snprintf(pages, sizeof(pages), "%d", m->pages);
	v[0] = pages;
	v[1] = m->warnings ? m->warnings : "";
	put_fields(f, "m", v, 2);
	for (i = 0; i < ps->nr; i++)
		write_passage(f, &ps->items[i], theme_ids, nr_themes);
	fputs("end\n", f);
	if (fflush(f) || ferror(f)) {
		rc = doc_error_set(err, "record", DOC_ERR_IO, "cannot write '%s': %s",
				   tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		goto out;
	}
	fclose(f);
	if (rename(tmp, path)) {
		rc = doc_error_set(err, "record", DOC_ERR_IO, "cannot rename '%s': %s",
				   tmp, strerror(errno));
		unlink(tmp);
	}
out:
	free(tmp);
	return rc;
}

/* Splits line (modified in place) into at most max unescaped fields. */
static size_t split(char *line, char **v, size_t max)
{
	size_t n = 0;
	char *r = line, *w = line;

	v[n++] = w;
	for (; *r; r++) {
		if (*r == '\t') {
			*w++ = '\0';
			if (n == max)
				return max + 1;
			v[n++] = w;
		} else if (*r == '\\' && r[1]) {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return n;
}

static int theme_index(const char *id, char *const *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return (int)i;
	return -1;
}

static int read_line(FILE *f, char **buf, size_t *alloc, ssize_t *len)
{
	*len = getline(buf, alloc, f);
	if (*len < 0)
		return 0;
	if (*len > 0 && (*buf)[*len - 1] == '\n')
		(*buf)[--*len] = '\0';
	return 1;
}

int record_read(const char *path, const char *config,
		struct record_meta *m, struct passage_list *out,
		char *const *theme_ids, size_t nr_themes, struct doc_error *err)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, *v[9];
	size_t alloc = 0, lineno = 0, n;
	ssize_t len;
	struct passage *p = NULL;
	int rc = -1, ended = 0;

	memset(m, 0, sizeof(*m));
	if (!f)
		return doc_error_set(err, "record", DOC_ERR_IO, "cannot open '%s': %s",
				     path, strerror(errno));
	while (!ended && read_line(f, &buf, &alloc, &len)) {
		lineno++;
		n = split(buf, v, 8);
		if (lineno == 1) {
			if (n != 3 || strcmp(v[0], "revmine-record") ||
			    atoi(v[1]) != RECORD_VERSION || strcmp(v[2], config)) {
				doc_error_set(err, "record", DOC_ERR_FORMAT,
					      "'%s' is not a record of this configuration", path);
				goto out;
			}
		} else if (!strcmp(v[0], "m") && n == 3) {
			m->pages = atoi(v[1]);
			m->warnings = *v[2] ? xstrdup(v[2]) : NULL;
		} else if (!strcmp(v[0], "p") && n == 8) {
			int kind = passage_kind_parse(v[2]), type = passage_type_parse(v[3]);

			if (kind < 0 || type < 0)
				goto bad;
			p = passage_list_add(out, atoi(v[1]), (enum passage_kind)kind,
					     v[6], v[7]);
			p->type = (enum passage_type)type;
			p->type_score = g_ascii_strtod(v[4], NULL);
			p->tokens = (unsigned)strtoul(v[5], NULL, 10);
		} else if (!strcmp(v[0], "l") && n == 5 && p) {
			int t = theme_index(v[1], theme_ids, nr_themes);
			struct label *l;

			if (t < 0)
				goto bad;
			p->labels = xrealloc(p->labels, (p->nr_labels + 1) * sizeof(*l));
			l = &p->labels[p->nr_labels++];
			l->theme = t;
			l->score = g_ascii_strtod(v[2], NULL);
			l->confidence = g_ascii_strtod(v[3], NULL);
			l->evidence = xstrdup(v[4]);
		} else if (!strcmp(v[0], "t") && n == 4 && p) {
			struct term_count *t;

			/* capacity doubles at powers of two */
			if (!(p->nr_terms & (p->nr_terms - 1)))
				p->terms = xrealloc(p->terms, (p->nr_terms ? 2 * p->nr_terms : 1) *
						    sizeof(*t));
			t = &p->terms[p->nr_terms++];
			t->term = xstrdup(v[1]);
			t->surface = xstrdup(v[2]);
			t->count = (unsigned)strtoul(v[3], NULL, 10);
		} else if (!strcmp(v[0], "end") && n == 1) {
			ended = 1;
		} else {
			goto bad;
		}
	}
	if (!ended) {
		doc_error_set(err, "record", DOC_ERR_FORMAT, "'%s' is truncated", path);
		goto out;
	}
	rc = 0;
	goto out;
bad:
	doc_error_set(err, "record", DOC_ERR_FORMAT, "'%s' line %zu is damaged",
		      path, lineno);
out:
	free(buf);
	fclose(f);
	return rc;
}
