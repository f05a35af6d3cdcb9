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

# Hostile inputs: each error names the file and its line (not the row).
printf 'id,text\n1,"two\nlines"\n2,fine,extra\n' >"$T/wide.csv"
expect 2 "wide.csv:4: 3 fields, but the header has 2" "a row wider than the header" -- \
	"$REVMINE" classify "$T/wide.csv"
printf 'id,text\n1,ok\n2,caf\351\n' >"$T/latin1.csv"
expect 2 "latin1.csv:3: not valid UTF-8" "invalid UTF-8" -- "$REVMINE" classify "$T/latin1.csv"
printf 'id,text\n1,a\000b\n' >"$T/nul.csv"
expect 2 "nul.csv:2: NUL byte" "a NUL byte" -- "$REVMINE" classify "$T/nul.csv"
printf 'doc,passage,type,themes,text\nd,1,context,,"x",y\n' >"$T/widegold.csv"
expect 2 "widegold.csv:2: 6 fields, but the header has 5" "eval: a row wider than the header" -- \
	"$REVMINE" eval "$T/widegold.csv"
# UTF-16 (with its byte-order mark) reads as the same text.
if command -v iconv >/dev/null; then
	{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$G/input.csv"; } >"$T/utf16.csv"
	if "$REVMINE" classify "$T/utf16.csv" >"$T/utf16.out" 2>"$T/err" &&
		cmp -s "$T/out.csv" "$T/utf16.out"; then
		pass "UTF-16 input gives the same output"
	else
		fail "UTF-16 input: $(head -c 300 "$T/err")"
	fi
fi
printf 'The plan drifted.\ncaf\351\n' >"$T/bad.txt"
expect 2 "bad.txt:2: not valid UTF-8" "--lines: invalid UTF-8 named by line" -- \
	"$REVMINE" classify --lines "$T/bad.txt"
printf '\357\273\277Neglect was a feature.\r\nNo concerns.\n' >"$T/bom.txt"
expect 0 "" "--lines: a byte-order mark and CRLF" -- "$REVMINE" classify --lines "$T/bom.txt"
if [ "$(sed -n 2p "$T/stdout" | cut -d, -f1,3)" = "1,neglect" ] && [ "$(wc -l <"$T/stdout")" = 3 ]; then
	pass "--lines: first line coded without its mark"
else
	fail "--lines with a BOM: $(cat "$T/stdout")"
fi
# Codebook numbers: nan, inf, hex and out of range are refused.
for n in nan inf 0x10 1e999 5000; do
	printf 'theme a\nmatch %s x\nmatch 1 y\n' "$n" >"$T/num.cb"
	expect 2 "num.cb:2: match weight" "codebook weight $n refused" -- \
		"$REVMINE" classify -c "$T/num.cb" "$G/input.csv"
done
# A byte-order mark is skipped; a regular-expression-like pattern warns.
printf '\357\273\277theme a\nmatch 2 neglect.*\n' >"$T/re.cb"
expect 0 "classify: warning: .*re.cb:2: pattern 'neglect.\*' looks like a regular expression" \
	"regular expression warning" -- "$REVMINE" classify -c "$T/re.cb" "$G/input.csv"
expect 0 "" "the shipped codebook has no warnings" -- "$REVMINE" classify "$G/input.csv"
if [ -s "$T/stderr" ]; then fail "the default codebook warns: $(head -c 300 "$T/stderr")"; fi
# Stopword files must be UTF-8.
printf 'the\ncaf\351\n' >"$T/sw.txt"
expect 2 "sw.txt:2: not valid UTF-8" "stopwords not UTF-8" -- \
	"$REVMINE" classify --stopwords "$T/sw.txt" "$G/input.csv"

[ "$fails" = 0 ] || { echo "$fails classify test(s) failed"; exit 1; }
