/* The analyzer with the default codebook: stopwords and terms, passage
 * types from headings, lead-ins and cues, themes by topic, evidence. Run
 * from the repository root (make test does). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "analyze.h"

#define CB "codebook/default.cb"
#define SW "stopwords/english.txt"

static struct analyzer *an;

static int setup(void **state)
{
	struct doc_error err;

	(void)state;
	memset(&err, 0, sizeof(err));
	an = analyzer_new(CB, SW, NULL, &err);
	if (!an)
		fprintf(stderr, "analyzer_new: %s\n", err.msg);
	return an ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	analyzer_free(an);
	return 0;
}

struct doc {
	struct passage ps[16];
	size_t nr;
};

static void add(struct doc *d, enum passage_kind kind, const char *text)
{
	struct passage *p = &d->ps[d->nr++];

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->page = 1;
	p->section = (char *)"";
	p->text = (char *)text;
}

static void release(struct doc *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		passage_clear_analysis(&d->ps[i]);
	d->nr = 0;
}

static struct passage *one(struct doc *d, const char *text)
{
	d->nr = 0;
	add(d, PASSAGE_PARAGRAPH, text);
	analyze_document(an, d->ps, 1);
	return &d->ps[0];
}

static int has(const struct passage *p, const char *theme)
{
	size_t i;
	int t = analyzer_theme_index(an, theme);

	assert_true(t >= 0);
	for (i = 0; i < p->nr_labels; i++)
		if (p->labels[i].theme == t)
			return 1;
	return 0;
}

static void classify__stopwords_dropped_from_terms_but_counted(void **state)
{
	struct doc d;
	struct passage *p = one(&d, "The plans of the children and the plan.");

	(void)state;
	assert_int_equal(p->tokens, 8);
	assert_int_equal(p->nr_terms, 2);
	assert_string_equal(p->terms[0].term, "children");
	assert_string_equal(p->terms[1].term, "plan");
	assert_int_equal(p->terms[1].count, 2);
	release(&d);
}

static void classify__terms_sorted_with_most_frequent_surface(void **state)
{
	struct doc d;
	struct passage *p = one(&d, "Assessing assessments: assessment, assessment and Assess.");

	(void)state;
	assert_int_equal(p->nr_terms, 1);
	assert_string_equal(p->terms[0].term, "assess");
	assert_string_equal(p->terms[0].surface, "assessment");
	assert_int_equal(p->terms[0].count, 5);
	release(&d);
}

static void classify__numbers_urls_emails_are_not_terms(void **state)
{
	struct doc d;
	struct passage *p = one(&d, "Call 0330 240 1727 or see www.x.org, a@b.org in 2013");

	(void)state;
	assert_int_equal(p->nr_terms, 2); /* call, see */
	assert_string_equal(p->terms[0].term, "call");
	release(&d);
}

static void classify__hyphenated_compound_is_one_term(void **state)
{
	struct doc d;
	struct passage *p = one(&d, "multi-agency and multiagency work");

	(void)state;
	assert_int_equal(p->nr_terms, 2);
	assert_int_equal(p->terms[0].count, 2);
	assert_int_equal(p->tokens, 4);
	release(&d);
}

static void classify__stopwords_file_replaces_default(void **state)
{
	char path[] = "/tmp/revmine-sw-XXXXXX";
	int fd = mkstemp(path);
	struct doc_error err;
	struct analyzer *a;
	struct passage p;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "# only plan\nplan\n", 17), 17);
	close(fd);
	memset(&err, 0, sizeof(err));
	a = analyzer_new(CB, path, NULL, &err);
	assert_non_null(a);
	assert_string_not_equal(analyzer_stopwords_hash(a), analyzer_stopwords_hash(an));
	assert_string_not_equal(analyzer_config_hash(a), analyzer_config_hash(an));
	assert_string_equal(analyzer_codebook_hash(a), analyzer_codebook_hash(an));
	memset(&p, 0, sizeof(p));
	p.section = (char *)"";
	p.text = (char *)"the plan";
	analyze_document(a, &p, 1);
	assert_int_equal(p.nr_terms, 1);
	assert_string_equal(p.terms[0].term, "the");
	passage_clear_analysis(&p);
	analyzer_free(a);
	unlink(path);
}

static void analyze__stopwords_must_be_utf8(void **state)
{
	static const struct { const char *bytes; size_t len; const char *want; } cases[] = {
		{ "the\nand\n\xff\xfe" "of\n", 10, ":3: not valid UTF-8 (byte 1 of the line)" },
		{ "the\na\0nd\n", 9, ":2: NUL byte" },
		{ "\xff\xfet\0h\0e\0\n\0", 10, ": UTF-16; a stopword file must be UTF-8" },
	};
	char path[] = "/tmp/revmine-sw-XXXXXX";
	int fd = mkstemp(path);
	struct doc_error err;
	struct analyzer *a;
	struct passage p;
	size_t i;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *want = xstrfmt("%s%s", path, cases[i].want);

		assert_true(g_file_set_contents(path, cases[i].bytes, (gssize)cases[i].len, NULL));
		memset(&err, 0, sizeof(err));
		assert_null(analyzer_new(CB, path, NULL, &err));
		assert_int_equal(err.code, DOC_ERR_CONFIG);
		assert_non_null(strstr(err.msg, want));
		free(want);
	}
	/* a UTF-8 byte-order mark is skipped: "plan" on the first line counts */
	assert_true(g_file_set_contents(path, "\xEF\xBB\xBFplan\n", -1, NULL));
	memset(&err, 0, sizeof(err));
	a = analyzer_new(CB, path, NULL, &err);
	assert_non_null(a);
	memset(&p, 0, sizeof(p));
	p.section = (char *)"";
	p.text = (char *)"the plan";
	analyze_document(a, &p, 1);
	assert_int_equal(p.nr_terms, 1);
	assert_string_equal(p.terms[0].term, "the");
	passage_clear_analysis(&p);
	analyzer_free(a);
	unlink(path);
}

static void analyze__bad_codebook_is_file_line_error(void **state)
{
	char path[] = "/tmp/revmine-cb-XXXXXX";
	int fd = mkstemp(path);
	struct doc_error err;
	char *want;

	(void)state;
	assert_int_equal(write(fd, "theme a\nmatch x y\n", 18), 18);
	close(fd);
	memset(&err, 0, sizeof(err));
	assert_null(analyzer_new(path, SW, NULL, &err));
	want = xstrfmt("%s:2: match weight: expected a number, got 'x'", path);
	assert_string_equal(err.msg, want);
	free(want);
	unlink(path);
	assert_null(analyzer_new("/nonexistent.cb", SW, NULL, &err));
	assert_int_equal(err.code, DOC_ERR_CONFIG);
}

static void analyze__default_codebook_has_taxonomy_themes(void **state)
{
	unsigned lr, any;

	(void)state;
	assert_int_equal(analyzer_nr_themes(an), 31);
	assert_string_equal(analyzer_theme_id(an, 0), "information_sharing");
	assert_string_equal(analyzer_theme_id(an, 30), "parental_history");
	assert_int_equal(analyzer_theme_index(an, "online_harm"), 25);
	assert_int_equal(analyzer_theme_index(an, "nope"), -1);
	analyzer_doc_rule(an, &lr, &any);
	assert_int_equal(lr, 1);
	assert_int_equal(any, 2);
	assert_int_equal(strlen(analyzer_config_hash(an)), 64);
}

static void analyze__other_codebook_loads(void **state)
{
	struct doc_error err;
	struct analyzer *a;
	struct passage p;

	(void)state;
	memset(&err, 0, sizeof(err));
	a = analyzer_new("codebook/dhr-example.cb", SW, NULL, &err);
	assert_non_null(a);
	assert_string_equal(analyzer_theme_id(a, 0), "coercive_control");
	memset(&p, 0, sizeof(p));
	p.section = (char *)"";
	p.text = (char *)"He monitored her phone and isolated her from her family.";
	analyze_document(a, &p, 1);
	assert_int_equal(p.nr_labels, 1);
	assert_int_equal(p.labels[0].theme, 0);
	passage_clear_analysis(&p);
	analyzer_free(a);
}

static void classify__theme_needs_topic_not_word(void **state)
{
	struct doc d;

	(void)state;
	assert_false(has(one(&d, "We will plan the next event."), "multiagency_planning"));
	release(&d);
	assert_true(has(one(&d, "The child protection plan was stepped down."),
			"multiagency_planning"));
	release(&d);
	assert_false(has(one(&d, "LSCB Office, 1st Floor, The Courts, Carlisle"),
			 "police_justice"));
	release(&d);
	assert_true(has(one(&d, "Her partner was charged with murder."), "police_justice"));
	release(&d);
	assert_false(has(one(&d, "Concerns of abuse or neglect must be resolved."), "neglect"));
	release(&d);
}

static void classify__themes_absent_from_dev_are_recognised(void **state)
{
	struct doc d;

	(void)state;
	assert_true(has(one(&d, "Mother's depression and a history of self-harm."), "mental_health"));
	release(&d);
	assert_true(has(one(&d, "She was groomed online and images were shared on social media."),
			"online_harm"));
	release(&d);
	assert_true(has(one(&d, "He had been in foster care before the care order."),
			"children_in_care"));
	release(&d);
}

static void classify__word_senses_of_other_themes(void **state)
{
	struct doc d;

	(void)state;
	assert_false(has(one(&d, "Offer family support before problems escalate."), "escalation"));
	release(&d);
	assert_false(has(one(&d, "Section 47 enquiries were not started."), "mental_health"));
	release(&d);
	assert_true(has(one(&d, "She had been sectioned under the Mental Health Act."),
			"mental_health"));
	release(&d);
	assert_false(has(one(&d, "Partnerships should adopt the model."), "children_in_care"));
	release(&d);
	assert_false(has(one(&d, "He was seen with older males in another town."), "fathers_males"));
	release(&d);
	assert_true(has(one(&d, "Her husband attended every appointment with her."), "fathers_males"));
	release(&d);
	assert_false(has(one(&d, "Regulations under the Coroners and Justice Act 2009."),
			 "police_justice"));
	release(&d);
	assert_false(has(one(&d, "A report to the Department for Education."), "education"));
	release(&d);
}

static void type__coroner_formulas_and_bare_questions(void **state)
{
	struct doc d;

	(void)state;
	assert_int_equal(one(&d, "During the course of the inquest the evidence revealed "
				 "matters giving rise to concern.")->type, TYPE_CONTEXT);
	release(&d);
	assert_int_equal(one(&d, "How are fathers included in pre-birth assessments?")->type,
			 TYPE_RECOMMENDATION);
	release(&d);
	assert_int_equal(one(&d, "Worried about a child?")->type, TYPE_CONTEXT);
	release(&d);
}

static void classify__every_label_has_evidence(void **state)
{
	struct doc d;
	struct passage *p = one(&d, "Professionals did not share information about the "
				    "father's drug use with the health visitor.");
	size_t i;

	(void)state;
	assert_true(p->nr_labels >= 3);
	for (i = 0; i < p->nr_labels; i++) {
		assert_non_null(p->labels[i].evidence);
		assert_non_null(strstr(p->labels[i].evidence, " -> "));
		if (i)
			assert_true(p->labels[i - 1].theme < p->labels[i].theme);
	}
	release(&d);
}

static void type__heading_frames_following_items(void **state)
{
	struct doc d = { .nr = 0 };

	(void)state;
	add(&d, PASSAGE_HEADING, "Recommendations");
	add(&d, PASSAGE_ITEM, "- The partnership's escalation policy was revised in 2019.");
	add(&d, PASSAGE_HEADING, "Key learning");
	add(&d, PASSAGE_ITEM, "- Practitioners should seek the views of fathers.");
	analyze_document(an, d.ps, d.nr);
	assert_int_equal(d.ps[0].type, TYPE_CONTEXT);
	assert_int_equal(d.ps[1].type, TYPE_RECOMMENDATION);
	assert_int_equal(d.ps[2].type, TYPE_CONTEXT);
	assert_int_equal(d.ps[3].type, TYPE_LEARNING);
	release(&d);
}

static void type__lead_in_frames_items_and_is_context(void **state)
{
	struct doc d = { .nr = 0 };

	(void)state;
	add(&d, PASSAGE_PARAGRAPH, "Here are some suggestions for improving practice:");
	add(&d, PASSAGE_ITEM, "- Team meetings are a place for this bulletin.");
	add(&d, PASSAGE_PARAGRAPH, "Learning includes: assessments did not use family history.");
	add(&d, PASSAGE_PARAGRAPH, "Recommendations include: the board reviews its policy.");
	analyze_document(an, d.ps, d.nr);
	assert_int_equal(d.ps[0].type, TYPE_CONTEXT);
	assert_int_equal(d.ps[1].type, TYPE_RECOMMENDATION);
	assert_int_equal(d.ps[2].type, TYPE_LEARNING);
	assert_int_equal(d.ps[3].type, TYPE_RECOMMENDATION);
	release(&d);
}

static void type__cues_without_a_frame(void **state)
{
	struct doc d;

	(void)state;
	assert_int_equal(one(&d, "- Am I aware of the bruising protocol?")->type,
			 TYPE_RECOMMENDATION);
	release(&d);
	assert_int_equal(one(&d, "Review and update the escalation policy.")->type,
			 TYPE_RECOMMENDATION);
	release(&d);
	assert_int_equal(one(&d, "Reviews of the policy took place in 2015 and 2016.")->type,
			 TYPE_CONTEXT);
	release(&d);
	assert_int_equal(one(&d, "Professionals need to understand the impact of "
				 "domestic abuse on children.")->type, TYPE_LEARNING);
	release(&d);
	assert_int_equal(one(&d, "More information at www.example.org")->type, TYPE_CONTEXT);
	release(&d);
	assert_int_equal(one(&d, "Death of a 15-week-old baby in July 2021.")->type, TYPE_CONTEXT);
	release(&d);
}

static void type__repeated_heading_does_not_reframe(void **state)
{
	struct doc d = { .nr = 0 };

	(void)state;
	add(&d, PASSAGE_HEADING, "Learning from reviews");
	add(&d, PASSAGE_HEADING, "Findings");
	add(&d, PASSAGE_PARAGRAPH, "Practitioners relied on what the mother said.");
	add(&d, PASSAGE_HEADING, "Learning from reviews");
	add(&d, PASSAGE_PARAGRAPH, "Agencies worked in isolation from each other.");
	analyze_document(an, d.ps, d.nr);
	assert_int_equal(d.ps[2].type, TYPE_LEARNING);
	assert_int_equal(d.ps[4].type, TYPE_LEARNING);
	release(&d);
}

static void type__section_frames_like_heading(void **state)
{
	struct passage p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.kind = PASSAGE_ITEM;
	p.section = (char *)"Recommendations for the partnership";
	p.text = (char *)"- The partnership's policy on neglect.";
	analyze_document(an, &p, 1);
	assert_int_equal(p.type, TYPE_RECOMMENDATION);
	passage_clear_analysis(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify__stopwords_dropped_from_terms_but_counted),
		cmocka_unit_test(classify__terms_sorted_with_most_frequent_surface),
		cmocka_unit_test(classify__numbers_urls_emails_are_not_terms),
		cmocka_unit_test(classify__hyphenated_compound_is_one_term),
		cmocka_unit_test(classify__stopwords_file_replaces_default),
		cmocka_unit_test(analyze__stopwords_must_be_utf8),
		cmocka_unit_test(analyze__bad_codebook_is_file_line_error),
		cmocka_unit_test(analyze__default_codebook_has_taxonomy_themes),
		cmocka_unit_test(analyze__other_codebook_loads),
		cmocka_unit_test(classify__theme_needs_topic_not_word),
		cmocka_unit_test(classify__themes_absent_from_dev_are_recognised),
		cmocka_unit_test(classify__word_senses_of_other_themes),
		cmocka_unit_test(type__coroner_formulas_and_bare_questions),
		cmocka_unit_test(classify__every_label_has_evidence),
		cmocka_unit_test(type__heading_frames_following_items),
		cmocka_unit_test(type__lead_in_frames_items_and_is_context),
		cmocka_unit_test(type__cues_without_a_frame),
		cmocka_unit_test(type__repeated_heading_does_not_reframe),
		cmocka_unit_test(type__section_frames_like_heading),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
