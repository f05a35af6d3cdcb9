#!/bin/sh
# `revmine classify` golden test: a small hand-labelled file written for the
# tests (tests/golden/classify/input.csv, with the intended labels in its
# gold_* columns) against the reviewed output (expected.csv); the same text
# through --lines and stdin; and the errors a user can make.
# Needs: REVMINE (the binary).
set -u
. tests/lib/common.sh
G=tests/golden/classify

if "$REVMINE" classify "$G/input.csv" >"$T/out.csv" 2>"$T/err" &&
	diff -u "$G/expected.csv" "$T/out.csv"; then
	pass "classify matches expected.csv"
else
	fail "classify differs from expected.csv ($(head -c 300 "$T/err"))"
fi

# Every label carries evidence.
if /usr/bin/python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
sys.exit(any(r["themes"] and not r["evidence"] for r in rows) or not rows)' "$T/out.csv"; then
	pass "every labelled row has evidence"
else
	fail "a labelled row has no evidence"
fi

# Stdin and --text-column/--id-column give the same rows.
if "$REVMINE" classify --text-column text --id-column id - <"$G/input.csv" >"$T/stdin.csv" &&
	cmp -s "$T/out.csv" "$T/stdin.csv"; then
	pass "stdin gives the same output"
else
	fail "stdin output differs"
fi

# --lines: one passage per line, ids are line numbers; themes as from CSV
# (without the section column, types may differ, themes may not).
awk -F'"' 'NR > 1 { print $2 }' "$G/input.csv" >"$T/lines.txt"
if "$REVMINE" classify --lines "$T/lines.txt" >"$T/lines.csv"; then
	cut -d, -f3 "$T/out.csv" | tail -n +2 >"$T/a"
	cut -d, -f3 "$T/lines.csv" | tail -n +2 >"$T/b"
	if cmp -s "$T/a" "$T/b" && [ "$(head -1 "$T/lines.csv")" = "id,type,themes,type_score,evidence,confidence" ]; then
		pass "--lines gives the same themes"
	else
		fail "--lines themes differ"
	fi
else
	fail "--lines failed"
fi


printf 'theme a\nmatch 2 x\nthreshold high\n' >"$T/bad.cb"
expect 2 "bad.cb:3: threshold: expected a number, got 'high'" "malformed codebook" -- \
	"$REVMINE" classify -c "$T/bad.cb" "$G/input.csv"
expect 2 "no column named 'body'" "missing text column" -- \
	"$REVMINE" classify --text-column body "$G/input.csv"
expect 2 "cannot open" "missing input" -- "$REVMINE" classify "$T/nope.csv"
expect 2 "" "unknown option" -- "$REVMINE" classify --frobnicate "$G/input.csv"
expect 2 "cannot read" "missing stopwords" -- \
	"$REVMINE" classify --stopwords "$T/nope.txt" "$G/input.csv"
expect 2 "bad.cb:3:" "eval with a malformed codebook" -- \
	"$REVMINE" eval -c "$T/bad.cb" "$G/input.csv"
printf 'doc,passage,type,themes,text\nd,1,context,not_a_theme,"x"\n' >"$T/gold.csv"
expect 2 "theme 'not_a_theme' is not in the codebook" "eval with an unknown theme" -- \
	"$REVMINE" eval "$T/gold.csv"
printf 'doc,passage,type,themes,text\nd,1,learning,neglect,"Neglect was a feature."\nd,2,context,,"Background"\n' >"$T/gold.csv"
expect 0 "" "eval on a small gold file" -- "$REVMINE" eval "$T/gold.csv"
if grep -q "theme micro" "$T/stdout" && grep -q "type macro f1" "$T/stdout"; then
	pass "eval prints micro and type macro F1"
else
	fail "eval output lacks its summary lines"
fi

[ "$fails" = 0 ] || { echo "$fails classify test(s) failed"; exit 1; }
