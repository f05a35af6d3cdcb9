#!/bin/sh
# What a new user meets: every command's --help names each option with a
# line of meaning, README's synopsis and --help agree, and the defects once
# found in the commands stay fixed (each check below can fail).
set -u
. tests/lib/common.sh

cmds="run extract classify eval cv train review map reduce report export import codebook"

# --- --help ---------------------------------------------------------------
for c in $cmds; do
	if "$REVMINE" "$c" --help >"$T/h" 2>"$T/e" && head -n 1 "$T/h" | grep -q "^usage: revmine $c "; then
		pass "$c --help: exit 0, usage line"
	else
		fail "$c --help: $(head -c 200 "$T/h" "$T/e")"
	fi
	# every option line has flags, then its meaning
	bare=$(grep -E '^    -' "$T/h" | awk '{ line = $0; sub(/^    /, "", line);
		n = split(line, w, /  +/); if (n < 2 && getline nxt > 0 && nxt !~ /^      +[^ ]/) print line }')
	if [ -z "$bare" ]; then pass "$c --help: each option has a meaning"; else fail "$c --help: options without meaning: $bare"; fi
	# every --option of README's synopsis of the command is in its --help
	sed -n '/^## Commands/,/^### run/p' README.md |
		awk -v c="$c" '$1 == "revmine" { on = ($2 == c) } on' |
		grep -oE -- '--[a-z][a-z-]*' | sort -u >"$T/readme-opts"
	missing=""
	for o in $(cat "$T/readme-opts"); do
		grep -q -- "$o" "$T/h" || missing="$missing $o"
	done
	if [ -s "$T/readme-opts" ] && [ -z "$missing" ]; then
		pass "$c --help: has README's options ($(wc -l <"$T/readme-opts"))"
	elif [ ! -s "$T/readme-opts" ] && [ "$c" = report ]; then
		pass "$c --help: README lists no options"
	else
		fail "$c --help lacks README's$missing"
	fi
done
# and the other way: every option --help lists is in README's synopsis
# (by its long name, or by its short one: "-o, --output DIR" as -o)
for c in run map reduce classify cv train review eval; do
	sed -n '/^## Commands/,/^### run/p' README.md |
		awk -v c="$c" '$1 == "revmine" { on = ($2 == c) } on' >"$T/syn"
	extra=""
	"$REVMINE" "$c" --help | grep -E '^    -' | grep -v -e '--help' >"$T/lines"
	while IFS= read -r line; do
		short=$(printf '%s\n' "$line" | sed -n 's/^    \(-[a-z]\), --.*/\1/p')
		long=$(printf '%s\n' "$line" | grep -oE -- '--[a-z][a-z-]*' | head -n 1)
		if grep -q -- "$long" "$T/syn"; then continue; fi
		if [ -n "$short" ] && grep -q -- "\[$short \|^revmine $c .* $short \| $short " "$T/syn"; then continue; fi
		extra="$extra $long"
	done <"$T/lines"
	if [ -z "$extra" ]; then pass "$c: README's synopsis has every option of --help"; else fail "$c: README lacks$extra"; fi
done
# map and reduce take what their --help says, and refuse the rest
expect 2 "does not apply to 'map'" "map refuses --xlsx" -- "$REVMINE" map --records "$T/r" --xlsx
expect 2 "does not apply to 'reduce'" "reduce refuses --no-cache" -- "$REVMINE" reduce --records "$T/r" --no-cache
expect 2 "needs a value" "a missing value is named" -- "$REVMINE" run -o
expect 2 "is not a number from 2 to 1000" "cv --folds 4x is refused" -- "$REVMINE" cv --folds 4x x.csv
expect 2 "--help' says what each option does" "a usage error points to --help" -- "$REVMINE" classify --bogus
"$REVMINE" --help >"$T/h"
n=$(grep -cE '^   [a-z]+ +[A-Z]' "$T/h")
if [ "$n" = 13 ]; then pass "revmine --help lists the 13 commands"; else fail "revmine --help lists $n commands"; fi

# --- the defects ----------------------------------------------------------
# README's example of a codebook error is what run prints
printf 'theme neglect\nlabel Neglect\n' >"$T/bad.cb"
mkdir -p "$T/in"
printf 'A paragraph about neglect.\n' >"$T/in/a.txt"
expect 2 "^revmine: run: $T/bad.cb:1: theme 'neglect' has no positive match patterns\$" \
	"run names itself and file:line in a codebook error" -- "$REVMINE" run "$T/in" -o "$T/o" -c "$T/bad.cb"
if grep -q "^revmine: run: my.cb:[0-9]*: theme 'neglect' has no positive match patterns" README.md; then
	pass "README shows the same form"
else
	fail "README's codebook error example is not what run prints"
fi
# an unsupported file named on the command line: every accepted extension listed
printf 'x' >"$T/in/notes.doc"
expect 1 "unsupported file type (not .pdf, .docx, .html, .htm, .txt, .text or .md)" \
	"an unsupported file names the extensions read" -- "$REVMINE" run "$T/in/notes.doc" "$T/in/a.txt" -o "$T/o2" -q
expect 1 "is a folder" "extract of a folder says so" -- "$REVMINE" extract "$T/in"
# classify: nothing on stdout when the input is bad; the columns found; the separator
printf 'id;text\n1;neglect\n' >"$T/semi.csv"
expect 2 "no column named 'text'; the header has 'id;text'" "classify lists the columns found" -- \
	"$REVMINE" classify "$T/semi.csv"
if [ -s "$T/stdout" ]; then fail "classify wrote to stdout before failing"; else pass "classify writes nothing when the input is bad"; fi
grep -q "looks separated by ';'" "$T/stderr" && pass "classify hints at the ';' separator" ||
	fail "classify gives no hint for ';': $(cat "$T/stderr")"
printf 'id\ttext\n1\tneglect\n' >"$T/tab.csv"
expect 2 "looks separated by tabs" "classify hints at tabs" -- "$REVMINE" classify "$T/tab.csv"
# classify and run write the same numbers the same way
"$REVMINE" run "$T/in/a.txt" -o "$T/o3" -q
"$REVMINE" classify --doc-column doc_id "$T/o3/passages.csv" >"$T/c.csv"
run_conf=$(awk -F, 'NR == 2 { print $5 }' "$T/o3/passage_themes.csv")
cls_conf=$(awk -F, 'NR == 2 { print $NF }' "$T/c.csv")
if [ -n "$run_conf" ] && [ "$run_conf" = "$cls_conf" ]; then
	pass "classify and run write a confidence alike ($run_conf)"
else
	fail "confidence: run '$run_conf', classify '$cls_conf'"
fi
# an output folder that cannot be written: the reason is given
: >"$T/plainfile"
expect 3 "cannot write to output folder '$T/plainfile': Not a directory" \
	"an unwritable output folder gives the reason" -- "$REVMINE" run "$T/in/a.txt" -o "$T/plainfile" -q
[ "$fails" = 0 ]
