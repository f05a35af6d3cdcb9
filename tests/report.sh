#!/bin/sh
# report.html: written by run and reduce, rebuilt by `revmine report`, the
# same whatever the number of workers; its figures and quotes agree with
# the CSVs (tests/lib/report_check.py); document text is escaped (a
# passage holding <script> shows as text); subgroups appear with --group-by.
# Needs: REVMINE, python3 (skipped without).
set -u
. tests/lib/common.sh
command -v python3 >/dev/null 2>&1 || { echo "report: skipped (no python3)"; exit 0; }
export SOURCE_DATE_EPOCH=1700000000

mkdir -p "$T/in"
cp tests/golden/run/input/*.txt "$T/in/"
cat > "$T/in/inject.txt" <<'TXT'
# Review of services for Family Z

## Key learning for <b>Family Z</b>

- The school did not share information <script>alert("x")</script> about the children's absence & the risks to them with children's social care.
TXT

"$REVMINE" run "$T/in" -o "$T/out" -j 2 --quiet
[ -s "$T/out/report.html" ] && pass "run writes report.html" || fail "run: no report.html"
python3 tests/lib/report_check.py "$T/out" || fails=$((fails + 1))

grep -q '&lt;script&gt;alert' "$T/out/report.html" && ! grep -qi '<script' "$T/out/report.html" &&
	pass "an injected <script> stays text" || fail "injected <script> not escaped"
grep -q '&lt;b&gt;Family Z&lt;/b&gt;' "$T/out/report.html" && pass "markup in headings is escaped" ||
	fail "heading markup not escaped"
grep -q 'absence &amp; the risks' "$T/out/report.html" && pass "& is escaped" || fail "& not escaped"
grep -q '2023-11-14T22:13:20Z' "$T/out/report.html" && pass "the report carries the run's date" ||
	fail "no run date in the report"

cp "$T/out/report.html" "$T/first.html"
"$REVMINE" run "$T/in" -o "$T/out" -j 1 --quiet
cmp -s "$T/out/report.html" "$T/first.html" && pass "-j1 and a cached rerun give the same report" ||
	fail "report differs between -j2 and a cached -j1 rerun"
rm "$T/out/report.html"
"$REVMINE" report "$T/out" && cmp -s "$T/out/report.html" "$T/first.html" &&
	pass "revmine report rebuilds the same page from the CSVs" || fail "revmine report differs"

"$REVMINE" map --shard 1/1 --records "$T/rec" --quiet "$T/in" &&
	"$REVMINE" reduce --records "$T/rec" -o "$T/red" --quiet &&
	[ -s "$T/red/report.html" ] && python3 tests/lib/report_check.py "$T/red" >/dev/null &&
	pass "reduce writes a consistent report.html" || fail "reduce: report.html missing or wrong"

expect 2 "usage" "report: no folder is a usage error" -- "$REVMINE" report
expect 2 "documents.csv" "report: a folder without CSVs is an error" -- "$REVMINE" report "$T/in"

echo "report: $fails failed"
[ $fails = 0 ]
