#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include "util.h"
#include "doc.h"
#include "banned.h"

void doc_text_init(struct doc_text *t)
{
	memset(t, 0, sizeof(*t));
}

void doc_text_add(struct doc_text *t, const char *text, size_t len, int page,
		  float size, unsigned flags)
{
	struct line *l;

	ALLOC_GROW(t->lines, t->nr, t->alloc);
	l = &t->lines[t->nr++];
	l->text = xstrndup(text, len);
	l->page = page;
	l->size = size;
	l->flags = flags;
}

void doc_text_warn(struct doc_text *t, const char *fmt, ...)
{
	va_list ap;
	char buf[512];
	char *joined;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!t->warnings) {
		t->warnings = xstrdup(buf);
		return;
	}
	joined = xstrfmt("%s; %s", t->warnings, buf);
	free(t->warnings);
	t->warnings = joined;
}

void doc_text_release(struct doc_text *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		free(t->lines[i].text);
	free(t->lines);
	free(t->warnings);
	doc_text_init(t);
}

const char *passage_kind_name(enum passage_kind k)
{
	switch (k) {
	case PASSAGE_HEADING: return "heading";
	case PASSAGE_PARAGRAPH: return "paragraph";
	case PASSAGE_ITEM: return "item";
	}
	BUG("bad passage kind %d", (int)k);
}

const char *passage_type_name(enum passage_type t)
{
	switch (t) {
	case TYPE_CONTEXT: return "context";
	case TYPE_LEARNING: return "learning";
	case TYPE_RECOMMENDATION: return "recommendation";
	}
	BUG("bad passage type %d", (int)t);
}

int passage_kind_parse(const char *s)
{
	int k;

	for (k = PASSAGE_HEADING; k <= PASSAGE_ITEM; k++)
		if (!strcmp(s, passage_kind_name((enum passage_kind)k)))
			return k;
	return -1;
}

int passage_type_parse(const char *s)
{
	int t;

	for (t = TYPE_CONTEXT; t <= TYPE_RECOMMENDATION; t++)
		if (!strcmp(s, passage_type_name((enum passage_type)t)))
			return t;
	return -1;
}

void passage_list_init(struct passage_list *l)
{
	memset(l, 0, sizeof(*l));
}

struct passage *passage_list_add(struct passage_list *l, int page,
				 enum passage_kind kind, const char *section,
				 const char *text)
{
	struct passage *p;

	ALLOC_GROW(l->items, l->nr, l->alloc);
	p = &l->items[l->nr++];
	memset(p, 0, sizeof(*p));
	p->page = page;
	p->kind = kind;
	p->section = xstrdup(section ? section : "");
	p->text = xstrdup(text);
	p->type = TYPE_CONTEXT;
	return p;
}

void passage_clear_analysis(struct passage *p)
{
	size_t i;

	for (i = 0; i < p->nr_labels; i++)
		free(p->labels[i].evidence);
	free(p->labels);
	for (i = 0; !p->term_buf && i < p->nr_terms; i++) {
		free(p->terms[i].term);
		free(p->terms[i].surface);
	}
	free(p->term_buf);
	free(p->terms);
	p->term_buf = NULL;
	p->labels = NULL;
	p->nr_labels = 0;
	p->terms = NULL;
	p->nr_terms = 0;
	p->tokens = 0;
	p->type = TYPE_CONTEXT;
	p->type_score = 0;
}

void passage_list_release(struct passage_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		passage_clear_analysis(&l->items[i]);
		free(l->items[i].section);
		free(l->items[i].text);
	}
	free(l->items);
	passage_list_init(l);
}
