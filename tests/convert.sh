#!/bin/sh
# codebook convert: a small LIWC, quanteda and WordStat dictionary written
# for this test (tests/convert/) convert to codebooks that load and run,
# and `classify --lines` with each codes every line of a fixture text
# exactly as a direct reading of the dictionary does (tests/lib/dictread.py:
# exact words, globs as prefixes, phrases; inflections of plain words such
# as "mothers" or "helping" must not match). The entries that cannot be
# expressed are each reported with file and line, and the status is 1.
set -u
. tests/lib/common.sh
D=tests/convert

if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - python3 not found"
	exit 0
fi
for f in small.dic small.yml small.cat; do
	expect 1 "$f:[0-9]*: " "convert $f (some entries reported)" -- \
		"$REVMINE" codebook convert -o "$T/$f.cb" "$D/$f"
	cp "$T/stderr" "$T/$f.err"
	"$REVMINE" classify -c "$T/$f.cb" --lines "$D/fixture.txt" 2>"$T/err" |
		python3 -c "import csv,sys; [print(r['themes']) for r in csv.DictReader(sys.stdin)]" >"$T/$f.got" ||
		fail "$f: classify with the converted codebook: $(cat "$T/err")"
	python3 tests/lib/dictread.py "$D/$f" "$D/fixture.txt" "$T/$f.cb" >"$T/$f.want"
	n=$(grep -c . "$T/$f.want")
	if [ "$(wc -l <"$T/$f.got")" -eq "$(wc -l <"$D/fixture.txt")" ] && cmp -s "$T/$f.got" "$T/$f.want"; then
		pass "$f: matches equal a direct reading on $(wc -l <"$D/fixture.txt") fixture lines ($n coded)"
	else
		fail "$f: matches differ from a direct reading:"
		diff "$T/$f.want" "$T/$f.got" | head -n 8
	fi
done
grep -q "small.dic:15: .*conditional entry" "$T/small.dic.err" &&
	grep -q "small.dic:19: 'mum': unknown category 4" "$T/small.dic.err" &&
	grep -q "small.dic:20: 'sad?': the single-character wildcard" "$T/small.dic.err" &&
	grep -q "3 themes -> .*, 3 entries not converted" "$T/small.dic.err" &&
	pass "LIWC: every entry that cannot be expressed is reported by line" ||
	fail "LIWC report: $(cat "$T/small.dic.err")"
grep -q "small.yml:15: '?ad'" "$T/small.yml.err" && grep -q "small.cat:14: '\*HOOD': a wildcard" "$T/small.cat.err" &&
	pass "quanteda and WordStat: unexpressible entries reported by line" ||
	fail "reports: $(cat "$T/small.yml.err" "$T/small.cat.err")"
grep -q '^theme support_practical$' "$T/small.yml.cb" && grep -q '^group support$' "$T/small.yml.cb" &&
	grep -q '^theme family_parents$' "$T/small.cat.cb" && grep -q '^group FAMILY$' "$T/small.cat.cb" &&
	pass "nested categories: theme per leaf, the top category as group" || fail "nested categories"

# The converted codebook runs a batch.
mkdir -p "$T/in"
cp "$D/fixture.txt" "$T/in/notes.txt"
expect 0 "" "run with a converted codebook" -- "$REVMINE" run "$T/in" -o "$T/out" -c "$T/small.dic.cb" -j 1 --quiet
head -n 1 "$T/out/doc_theme_matrix.csv" | grep -q '^doc_id,worry,support,family$' &&
	pass "run: one column per dictionary category" || fail "run: $(head -n 1 "$T/out/doc_theme_matrix.csv")"

expect 2 "unknown dictionary type" "convert: unknown extension" -- "$REVMINE" codebook convert "$D/fixture.txt"
expect 2 "no categories" "convert: not a dictionary" -- "$REVMINE" codebook convert --format wordstat /dev/null
expect 2 "usage" "codebook: no subcommand" -- "$REVMINE" codebook

[ $fails -eq 0 ] && echo "convert: all checks passed"
exit $((fails > 0))
