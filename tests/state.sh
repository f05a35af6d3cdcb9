#!/bin/sh
# The reduce state (OUT/.cache/reduce.state): a rerun that takes unchanged
# documents from it writes the same bytes as a cold run over the same
# inputs, with documents added, changed and deleted; a damaged state, an
# edited output file and other options make it fall back to the records.
set -u
. tests/lib/common.sh

# 26 documents, two of each text: more than the 20 quotes a theme keeps,
# so deleting documents lets quotes in that the state holds no text of.
mkdir -p "$T/in/sub"
for f in tools/corpus-src/*.txt; do
	cp "$f" "$T/in/"
	cp "$f" "$T/in/sub/copy-$(basename "$f")"
done

from_state() {
	sed -n 's/.*"documents_from_reduce_state": \([0-9]*\).*/\1/p' "$1/manifest.json"
}

# report.html without the date of its run
undated() {
	sed 's/[0-9][0-9-]*T[0-9:]*Z/DATE/g' "$1"
}

# same_as_cold NAME OPTS...: a cold run over $T/in with OPTS into $T/NAME,
# compared file by file with $T/o, report.html but for its date
same_as_cold() {
	name=$1
	shift
	rm -rf "$T/$name"
	"$REVMINE" run "$T/in" -o "$T/$name" --no-cache --quiet "$@" 2>/dev/null
	same=1
	for f in "$T/$name"/*.csv; do
		cmp -s "$f" "$T/o/$(basename "$f")" || { same=0; echo "  differs: $(basename "$f")"; }
	done
	undated "$T/$name/report.html" > "$T/cold.html"
	undated "$T/o/report.html" | cmp -s - "$T/cold.html" ||
		{ same=0; echo "  differs: report.html"; }
	[ $same = 1 ]
}

expect 0 "" "state: first run" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ -s "$T/o/.cache/reduce.state" ] && pass "state: written into the records folder" ||
	fail "state: no .cache/reduce.state"
[ "$(from_state "$T/o")" = 0 ] && pass "state: none used on the first run" ||
	fail "state: $(from_state "$T/o") documents from a state on the first run"
ls "$T/o/.cache" | grep -q 'reduce.state.tmp' && fail "state: temporary file left" ||
	pass "state: no temporary file left"

: > "$T/o/.cache/reduce.state.tmp.4242"
expect 0 "" "state: rerun, nothing changed" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ ! -e "$T/o/.cache/reduce.state.tmp.4242" ] && pass "state: a killed run's temporary state removed" ||
	fail "state: a stale temporary state left"
[ "$(from_state "$T/o")" = 26 ] && pass "state: every document taken from it" ||
	fail "state: $(from_state "$T/o") of 26 documents taken from it"
same_as_cold cold0 && pass "state: unchanged rerun gives a cold run's CSVs" ||
	fail "state: unchanged rerun differs from a cold run"

# new, changed and deleted documents; the quotes of the deleted ones go
rm "$T/in/cspr-child-m.txt" "$T/in/sub/copy-dhr-amara.txt" "$T/in/sub/copy-sar-daniel.txt"
printf '\nA new closing paragraph about information sharing between agencies.\n' \
	>> "$T/in/lb-child-p-care.txt"
cp tools/corpus-src/dhr-amara.txt "$T/in/aaa-first.txt"
printf '\nNightly addition.\n' >> "$T/in/aaa-first.txt"
cp tools/corpus-src/cspr-child-t-online.txt "$T/in/sub/zzz-last.txt"
expect 0 "" "state: rerun with new, changed and deleted documents" -- \
	"$REVMINE" run "$T/in" -o "$T/o" --quiet --replace
[ "$(from_state "$T/o")" = 22 ] && pass "state: the 22 unchanged documents taken from it" ||
	fail "state: $(from_state "$T/o") documents taken from it, want 22"
same_as_cold cold1 && pass "state: rerun after changes gives a cold run's CSVs" ||
	fail "state: rerun after changes differs from a cold run"
# report.html counted by the reduce is the page made from the CSVs alone
cp "$T/o/report.html" "$T/run.html"
expect 0 "" "state: report over the rerun's folder" -- "$REVMINE" report "$T/o"
undated "$T/run.html" > "$T/run-undated.html"
undated "$T/o/report.html" | cmp -s - "$T/run-undated.html" &&
	pass "state: the rerun's report.html is the one revmine report makes from its CSVs" ||
	fail "state: the rerun's report.html differs from revmine report's"

# a record cut since the state was written is read, found damaged and
# made again; the others still come from the state
expect 0 "" "state: rerun" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
rec=$(ls "$T/o/.cache/"*.rec | head -n 1)
head -c 100 "$rec" > "$T/cut" && cat "$T/cut" > "$rec"
expect 0 "rebuilding the record of" "state: a cut record is rebuilt" -- \
	"$REVMINE" run "$T/in" -o "$T/o" --quiet
[ "$(from_state "$T/o")" -ge 20 ] && pass "state: the other documents from it" ||
	fail "state: $(from_state "$T/o") documents from it after a cut record"
same_as_cold cold1b && pass "state: cut record, a cold run's CSVs" ||
	fail "state: cut record, outputs differ"

# a damaged state is not used
st="$T/o/.cache/reduce.state"
size=$(wc -c < "$st")
head -c $((size / 2)) "$st" > "$T/half" && cp "$T/half" "$st"
expect 0 "" "state: rerun with a truncated state" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ "$(from_state "$T/o")" = 0 ] && pass "state: a truncated one is not used" ||
	fail "state: a truncated one was used"
same_as_cold cold2 && pass "state: truncated state, a cold run's CSVs" ||
	fail "state: truncated state, outputs differ"
printf 'X' | dd of="$st" bs=1 seek=$((size / 3)) conv=notrunc 2>/dev/null
expect 0 "" "state: rerun with a corrupted state" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ "$(from_state "$T/o")" = 0 ] && pass "state: a corrupted one is not used" ||
	fail "state: a corrupted one was used"
same_as_cold cold3 && pass "state: corrupted state, a cold run's CSVs" ||
	fail "state: corrupted state, outputs differ"

# an output file edited since: its rows are not copied
expect 0 "" "state: rerun" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
sed -i 's/agencies/AGENCIES/' "$T/o/passages.csv"
expect 0 "" "state: rerun after passages.csv was edited" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ "$(from_state "$T/o")" = 0 ] && pass "state: not used for an edited output" ||
	fail "state: used although passages.csv was edited"
same_as_cold cold4 && pass "state: edited output, a cold run's CSVs" ||
	fail "state: edited output, outputs differ"

# other options: not used, and the outputs are those of the options
expect 0 "" "state: rerun --excel" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet --excel
[ "$(from_state "$T/o")" = 0 ] && pass "state: one of other options is not used" ||
	fail "state: one of other options was used"
same_as_cold cold5 --excel && pass "state: --excel after a state without, a cold run's CSVs" ||
	fail "state: --excel after a state without, outputs differ"
expect 0 "" "state: rerun --excel again" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet --excel
[ "$(from_state "$T/o")" = 25 ] && pass "state: used under the same options" ||
	fail "state: $(from_state "$T/o") of 25 documents taken under the same options"
same_as_cold cold6 --excel && pass "state: --excel rerun, a cold run's CSVs" ||
	fail "state: --excel rerun, outputs differ"

# --no-cache does not use it; deleting .cache resets it
expect 0 "" "state: rerun --no-cache" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet --no-cache
[ "$(from_state "$T/o")" = 0 ] && pass "state: not used with --no-cache" ||
	fail "state: used with --no-cache"
rm -rf "$T/o/.cache"
expect 0 "" "state: rerun without .cache" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ "$(from_state "$T/o")" = 0 ] && [ -s "$T/o/.cache/reduce.state" ] &&
	pass "state: made again once .cache is deleted" || fail "state: not made again"
same_as_cold cold7 && pass "state: after deleting .cache, a cold run's CSVs" ||
	fail "state: after deleting .cache, outputs differ"

[ $fails = 0 ]
