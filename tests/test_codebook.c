/* Codebook parsing (every error message) and matching of compiled patterns:
 * stems, prefixes, numbers, gaps, anchors, hyphen and spacing variants,
 * exclusions and thresholds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "stem.h"
#include "codebook.h"
#include "classify.h"

static struct stemmer *st;

static int setup(void **state)
{
	(void)state;
	st = stemmer_new(NULL);
	return st ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	stemmer_free(st);
	return 0;
}

static struct codebook *parse(const char *text, struct doc_error *err)
{
	memset(err, 0, sizeof(*err));
	return codebook_parse("t.cb", text, strlen(text), st, err);
}

/* Expects text to fail with exactly msg. */
static void fails_with(const char *text, const char *msg)
{
	struct doc_error err;
	struct codebook *cb = parse(text, &err);

	assert_null(cb);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.code, DOC_ERR_CONFIG);
}

#define THEME "theme t\nmatch 2 word\n"

static void codebook__errors_name_file_and_line(void **state)
{
	(void)state;
	fails_with("bogus x\n", "t.cb:1: unknown directive 'bogus'");
	fails_with("# c\nlabel X\n", "t.cb:2: 'label' outside a theme block");
	fails_with("cue learning 1 x\n", "t.cb:1: 'cue' outside the types block");
	fails_with("theme Bad-Id\n", "t.cb:1: theme id 'Bad-Id' is not a lower-case identifier");
	fails_with("theme\n", "t.cb:1: theme: missing id");
	fails_with(THEME "theme t\n", "t.cb:3: duplicate theme 't' (first on line 1)");
	fails_with(THEME "threshold x\n", "t.cb:3: threshold: expected a number, got 'x'");
	fails_with(THEME "match 2\n", "t.cb:3: match: expected a weight and patterns");
	fails_with(THEME "match w word\n", "t.cb:3: match weight: expected a number, got 'w'");
	fails_with(THEME "match 1 a ||b\n", "t.cb:3: empty pattern");
	fails_with(THEME "match 1 %%\n", "t.cb:3: pattern word '%%' has no letters or digits");
	fails_with(THEME "match 1 !!\n", "t.cb:3: pattern word '!' has no letters or digits");
	fails_with(THEME "match 1 a near/0 b\n", "t.cb:3: 'near/0': near/N takes N from 1 to 12");
	fails_with(THEME "match 1 near/3 b\n", "t.cb:3: '..' and near/N must stand between two words");
	fails_with(THEME "match 1 a near/2 b near/2 c\n",
		   "t.cb:3: pattern 'a near/2 b near/2 c' has more than one near/N");
	fails_with(THEME "match 1 .. a\n", "t.cb:3: '..' and near/N must stand between two words");
	fails_with(THEME "match 1 a b c d e f g h i j k l m\n",
		   "t.cb:3: pattern 'a b c d e f g h i j k l m' has more than 12 words");
	fails_with(THEME "match 1 a-b c-d e-f g-h i-j\n",
		   "t.cb:3: pattern 'a-b c-d e-f g-h i-j' has too many hyphenated words");
	fails_with(THEME "exclude\n", "t.cb:3: exclude: missing pattern");
	fails_with(THEME "label\n", "t.cb:3: label: missing text");
	fails_with(THEME "colour red\n", "t.cb:3: unknown theme directive 'colour'");
	fails_with(THEME "types\nshade x\n", "t.cb:4: unknown types directive 'shade'");
	fails_with(THEME "types\ncue sideways 1 x\n", "t.cb:4: unknown passage type 'sideways'");
	fails_with(THEME "types\ndefault sideways\n", "t.cb:4: unknown passage type 'sideways'");
	fails_with(THEME "types\ncue learning 1\n",
		   "t.cb:4: cue: expected a passage type, a weight and patterns");
	fails_with(THEME "types\nframe big\n", "t.cb:4: frame: expected a number, got 'big'");
	fails_with("rule min_lr x\n",
		   "t.cb:1: rule: expected 'min_lr N min_any N' (N from 0 to 100000)");
	fails_with("theme a\nmatch -1 x\n", "t.cb:1: theme 'a' has no positive match patterns");
	fails_with("# nothing\n", "t.cb: no themes");
	fails_with("theme a\nlabel \xff\n", "t.cb:2: not valid UTF-8");
}

static void codebook__numbers_are_plain_decimals_in_range(void **state)
{
	struct doc_error err;
	struct codebook *cb;
	static const char *bad[] = { "nan", "NaN", "inf", "-inf", "infinity", "0x10",
				     "0x1p3", "1e400", "1001", "-1000.5", "+", ".", "1e" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = g_strdup_printf("theme t\nmatch %s word\nmatch 1 other\n", bad[i]);

		cb = parse(text, &err);
		assert_null(cb);
		assert_non_null(strstr(err.msg, "t.cb:2: match weight"));
		g_free(text);
		text = g_strdup_printf(THEME "threshold %s\n", bad[i]);
		assert_null(parse(text, &err));
		assert_non_null(strstr(err.msg, "t.cb:3: threshold"));
		g_free(text);
	}
	fails_with(THEME "threshold 0\n", "t.cb:3: threshold: 0 is out of range (above 0 to 1000)");
	fails_with(THEME "threshold nan\n", "t.cb:3: threshold: expected a number, got 'nan'");
	fails_with(THEME "threshold 1e999\n",
		   "t.cb:3: threshold: 1e999 is out of range (above 0 to 1000)");
	fails_with(THEME "threshold 2 3\n", "t.cb:3: threshold: unexpected '3' after the number");
	fails_with(THEME "types\nframe inf\n", "t.cb:4: frame: expected a number, got 'inf'");
	fails_with(THEME "types\ncue learning 0x2 x\n", "t.cb:4: cue: expected a number, got '0x2'");
	fails_with("rule min_lr -1 min_any 2\n" THEME,
		   "t.cb:1: rule: expected 'min_lr N min_any N' (N from 0 to 100000)");
	fails_with("rule min_lr 1 min_any 99999999999\n" THEME,
		   "t.cb:1: rule: expected 'min_lr N min_any N' (N from 0 to 100000)");
	fails_with("rule min_lr 1 min_any 2 3\n" THEME,
		   "t.cb:1: rule: expected 'min_lr N min_any N' (N from 0 to 100000)");
	/* what is valid stays valid */
	cb = parse("rule min_lr 0 min_any 3\ntheme t\nthreshold 1.5e0\nmatch -0.25 a\n"
		   "match +2 word\ntypes\nframe 1000\n", &err);
	if (!cb)
		fprintf(stderr, "%s\n", err.msg);
	assert_non_null(cb);
	assert_true(cb->themes[0].threshold == 1.5);
	assert_int_equal(cb->min_any, 3);
	assert_true(cb->frame_weight == 1000);
	codebook_free(cb);
}

static void codebook__bom_nul_and_utf16(void **state)
{
	struct doc_error err;
	struct codebook *cb;
	static const char nul[] = THEME "label a\0b\n";
	static const char utf16[] = "\xFF\xFEt\0h\0e\0m\0e\0";

	(void)state;
	cb = parse("\xEF\xBB\xBF" THEME, &err);
	assert_non_null(cb);
	assert_string_equal(cb->themes[0].id, "t");
	codebook_free(cb);
	assert_null(codebook_parse("t.cb", nul, sizeof(nul) - 1, st, &err));
	assert_string_equal(err.msg, "t.cb:3: NUL byte (a codebook is UTF-8 text)");
	assert_null(codebook_parse("t.cb", utf16, sizeof(utf16) - 1, st, &err));
	assert_string_equal(err.msg, "t.cb: UTF-16; a codebook must be UTF-8 (save it as UTF-8)");
}

static void codebook__regex_like_pattern_is_a_warning(void **state)
{
	struct doc_error err;
	struct codebook *cb;

	(void)state;
	cb = parse("theme t\nmatch 2 neglect.* | word\nmatch 1 (domestic|family) abuse\n"
		   "match 1 !^ensure | ^review | paediatric* | multi-agency | a .. b\n"
		   "match 1 colou?r\nexclude self\\s+harm\n", &err);
	assert_non_null(cb);
	assert_int_equal(cb->nr_warnings, 5); /* '|' splits "(a|b)" in two */
	assert_string_equal(cb->warnings[0], "t.cb:2: pattern 'neglect.*' looks like a regular "
			    "expression ('.*'); patterns are words matched by stem, '*' only ends a word");
	assert_non_null(strstr(cb->warnings[1], "t.cb:3: pattern '(domestic' looks like a regular "
			       "expression ('(...)')"));
	assert_non_null(strstr(cb->warnings[2], "t.cb:3: pattern 'family) abuse'"));
	assert_non_null(strstr(cb->warnings[3], "t.cb:5: pattern 'colou?r'"));
	assert_non_null(strstr(cb->warnings[4], "t.cb:6: pattern 'self\\s+harm'"));
	codebook_free(cb);
	/* the shipped codebooks have none */
	cb = parse(THEME, &err);
	assert_int_equal(cb->nr_warnings, 0);
	codebook_free(cb);
}

static void codebook__missing_file_is_config_error(void **state)
{
	struct doc_error err;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_null(codebook_load("/nonexistent/x.cb", st, &err));
	assert_int_equal(err.code, DOC_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "/nonexistent/x.cb: cannot read"));
}

static void codebook__parses_blocks_and_rule(void **state)
{
	struct doc_error err;
	struct codebook *cb = parse("# c\nrule min_lr 2 min_any 3\n"
				    "theme a_1\nlabel Alpha one\ngroup practice\n"
				    "threshold 1.5\nmatch 2 x | y z\nexclude q\n"
				    "theme b\nmatch 1 w\ntypes\nframe 4\ndefault learning\n",
				    &err);

	(void)state;
	assert_non_null(cb);
	assert_int_equal(cb->nr_themes, 2);
	assert_string_equal(cb->themes[0].id, "a_1");
	assert_string_equal(cb->themes[0].label, "Alpha one");
	assert_string_equal(cb->themes[0].group, "practice");
	assert_true(cb->themes[0].threshold == 1.5);
	assert_string_equal(cb->themes[1].label, "b");
	assert_int_equal(cb->min_lr, 2);
	assert_int_equal(cb->min_any, 3);
	assert_true(cb->frame_weight == 4);
	assert_int_equal(cb->default_type, TYPE_LEARNING);
	assert_int_equal(cb->nr_rules, 4);
	assert_string_equal(cb->rules[1].text, "y z");
	assert_int_equal(cb->rules[1].line, 7);
	codebook_free(cb);
}

/* The theme ids a text is labelled with, joined with ';'. */
static char *labels(const char *cbtext, const char *text)
{
	struct doc_error err;
	struct codebook *cb = parse(cbtext, &err);
	struct classifier *c;
	struct passage p;
	struct type_cues tc;
	char buf[256] = "";
	size_t i, len = 0;

	assert_non_null(cb);
	c = classifier_new(cb, st);
	memset(&p, 0, sizeof(p));
	p.text = (char *)text;
	p.section = (char *)"";
	classify_passage(c, &p, &tc);
	for (i = 0; i < p.nr_labels; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ";" : "",
				cb->themes[p.labels[i].theme].id);
	passage_clear_analysis(&p);
	classifier_free(c);
	codebook_free(cb);
	return strdup(buf);
}

static void expect_labels(const char *cbtext, const char *text, const char *want)
{
	char *got = labels(cbtext, text);

	assert_string_equal(got, want);
	free(got);
}

static void codebook__phrase_matches_hyphen_and_spacing_variants(void **state)
{
	const char *cb = "theme m\nmatch 2 multi-agency meeting\n";

	(void)state;
	expect_labels(cb, "a multi-agency meeting was held", "m");
	expect_labels(cb, "a multi agency meeting was held", "m");
	expect_labels(cb, "a multiagency meeting was held", "m");
	expect_labels(cb, "Multi\xe2\x80\x90" "Agency meetings", "m");
	expect_labels(cb, "a multi-agency. Meeting", "");
	expect_labels(cb, "an agency meeting", "");
}

static void codebook__spaced_pattern_matches_hyphenated_text(void **state)
{
	(void)state;
	expect_labels("theme s\nmatch 2 step down\n", "the plan was stepped-down", "s");
	expect_labels("theme s\nmatch 2 stepdown\n", "the step-down of the plan", "s");
}

static void codebook__words_match_by_stem(void **state)
{
	(void)state;
	expect_labels("theme n\nmatch 2 neglect\n", "Neglectful care", "n");
	expect_labels("theme p\nmatch 2 child protection plan\n",
		      "subject to Child Protection Plans", "p");
}

static void codebook__prefix_matches_word_or_stem(void **state)
{
	const char *cb = "theme p\nmatch 2 paediatric*\n";

	(void)state;
	expect_labels(cb, "the paediatrician saw her", "p");
	expect_labels(cb, "a paediatric assessment", "p");
	expect_labels(cb, "a paedagogue", "");
	expect_labels("theme c\nmatch 2 co-sleep*\n", "co-sleeping with a baby", "c");
	expect_labels("theme c\nmatch 2 co-sleep*\n", "cosleeping", "c");
}

static void codebook__numbers_and_gaps(void **state)
{
	(void)state;
	expect_labels("theme s\nmatch 2 section #\n", "Section 47 enquiries", "s");
	expect_labels("theme s\nmatch 2 section #\n", "this section covers", "");
	expect_labels("theme g\nmatch 2 information .. shared\n",
		      "information was not shared", "g");
	expect_labels("theme g\nmatch 2 information .. shared\n",
		      "information about the family was not shared", "");
	expect_labels("theme g\nmatch 2 information .. shared\n",
		      "information. It was shared", "");
}

static void codebook__threshold_needs_enough_weight(void **state)
{
	const char *cb = "theme p\nthreshold 2\nmatch 1 plan | agencies\nmatch 2 core group\n";

	(void)state;
	expect_labels(cb, "a plan", "");
	expect_labels(cb, "a plan across agencies", "p");
	expect_labels(cb, "the core group met", "p");
}

static void codebook__one_word_is_evidence_for_one_rule(void **state)
{
	/* "risk assessment" is one piece of evidence, not risk + assessment */
	const char *cb = "theme a\nthreshold 3\nmatch 2 risk assessment | assess*\nmatch 1 risk\n";

	(void)state;
	expect_labels(cb, "a risk assessment", "");
	expect_labels(cb, "a risk assessment of the risk", "a");
}

static void codebook__exclusion_masks_overlapping_matches(void **state)
{
	const char *cb = "theme a\nmatch 2 assess*\nexclude medical assessment\n";

	(void)state;
	expect_labels(cb, "a medical assessment", "");
	expect_labels(cb, "a medical assessment and a risk assessment", "a");
}

static void codebook__negative_weight_lowers_score(void **state)
{
	const char *cb = "theme a\nthreshold 2\nmatch 2 court\nmatch -1 office\n";

	(void)state;
	expect_labels(cb, "the court", "a");
	expect_labels(cb, "LSCB Office, The Court", "");
}

static void codebook__anchored_pattern_only_at_start_and_as_written(void **state)
{
	const char *cb = "theme r\nmatch 2 ^review\n";

	(void)state;
	expect_labels(cb, "- 2. Review the policy", "r");
	expect_labels(cb, "We will review the policy", "");
	expect_labels(cb, "Reviews of the policy", "");
}

static void codebook__negation_scope_for_affirmed_patterns(void **state)
{
	const char *cb = "theme n\nthreshold 2\nmatch 2 !neglect* | !domestic abuse\n"
			 "theme c\nthreshold 2\nmatch 2 curios*\n";

	(void)state;
	expect_labels(cb, "Neglect was evident throughout.", "n");
	expect_labels(cb, "There was no evidence of neglect.", "");
	expect_labels(cb, "The children were not neglected.", "");
	expect_labels(cb, "No known history of domestic abuse was recorded.", "");
	expect_labels(cb, "She denied any domestic abuse.", "");
	expect_labels(cb, "There wasn't any neglect.", "");
	/* a verb between: the passage is about the missed neglect */
	expect_labels(cb, "Professionals did not recognise neglect.", "n");
	/* negation stops at the clause */
	expect_labels(cb, "There was no plan; neglect continued.", "n");
	/* patterns without '!' ignore negation */
	expect_labels(cb, "There was no curiosity.", "c");
}

static void codebook__near_matches_either_order_within_n(void **state)
{
	const char *cb = "theme v\nthreshold 2\nmatch 2 voice near/3 child\n";

	(void)state;
	expect_labels(cb, "The voice of the child was lost.", "v");
	expect_labels(cb, "The child's own voice was lost.", "v");
	expect_labels(cb, "The voice of the young child was lost.", "v");
	expect_labels(cb, "The voice was that of a very young child.", "");
	expect_labels(cb, "Her voice, not the child, was heard.", "");
}

static void codebook__evidence_lists_rules_and_words(void **state)
{
	struct doc_error err;
	struct codebook *cb = parse("theme a\nmatch 1 plan*\nmatch 2 core group\n", &err);
	struct classifier *c = classifier_new(cb, st);
	struct passage p;
	struct type_cues tc;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.text = (char *)"The Core  Group reviewed the plans and planning";
	classify_passage(c, &p, &tc);
	assert_int_equal(p.nr_labels, 1);
	assert_string_equal(p.labels[0].evidence,
			    "core group -> core group; plan* -> plans, planning");
	assert_true(p.labels[0].score == 3);
	passage_clear_analysis(&p);
	classifier_free(c);
	codebook_free(cb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codebook__errors_name_file_and_line),
		cmocka_unit_test(codebook__numbers_are_plain_decimals_in_range),
		cmocka_unit_test(codebook__bom_nul_and_utf16),
		cmocka_unit_test(codebook__regex_like_pattern_is_a_warning),
		cmocka_unit_test(codebook__missing_file_is_config_error),
		cmocka_unit_test(codebook__parses_blocks_and_rule),
		cmocka_unit_test(codebook__phrase_matches_hyphen_and_spacing_variants),
		cmocka_unit_test(codebook__spaced_pattern_matches_hyphenated_text),
		cmocka_unit_test(codebook__words_match_by_stem),
		cmocka_unit_test(codebook__prefix_matches_word_or_stem),
		cmocka_unit_test(codebook__numbers_and_gaps),
		cmocka_unit_test(codebook__threshold_needs_enough_weight),
		cmocka_unit_test(codebook__one_word_is_evidence_for_one_rule),
		cmocka_unit_test(codebook__exclusion_masks_overlapping_matches),
		cmocka_unit_test(codebook__negative_weight_lowers_score),
		cmocka_unit_test(codebook__anchored_pattern_only_at_start_and_as_written),
		cmocka_unit_test(codebook__negation_scope_for_affirmed_patterns),
		cmocka_unit_test(codebook__near_matches_either_order_within_n),
		cmocka_unit_test(codebook__evidence_lists_rules_and_words),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
