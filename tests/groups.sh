#!/bin/sh
# Document variables and subgroups: --metadata joins a CSV to documents by
# path (documents.csv carries its columns), --group-by writes
# theme_by_group.csv, checked against an independent recomputation to 1e-9
# (tests/lib/groups_check.py: scipy when installed, else exact arithmetic)
# for a chi-square (8 kinds), a Fisher (2 areas) and the year trend; the
# folder is the default group; repeated file names in two input folders
# keep their folder in the id; bad metadata is a usage error.
# Needs: REVMINE, python3 (skipped without).
set -u
. tests/lib/common.sh
command -v python3 >/dev/null 2>&1 || { echo "groups: skipped (no python3)"; exit 0; }

i=0
for f in corpus/*; do
	y=$((2021 + i % 3))
	mkdir -p "$T/in/$y"
	cp "$f" "$T/in/$y/"
	i=$((i + 1))
done
cat > "$T/meta.csv" <<'CSV'
path,year,kind,area,title
2021/briefing-invisible-men.txt,2021,briefing,north,Invisible men
2021/cspr-child-t-online.pdf,2021,cspr,north,Child T
2021/lb-baby-r-safer-sleep.pdf,2021,lb,south,Baby R
2021/lb-sibling-hsb-kinship.pdf,2021,lb,south,"Sibling, kinship"
2021/summary-family-s-crlf.txt,2021,summary,north,"=HYPERLINK(""http://example.invalid"")"
2022/cspr-child-j-early-help.pdf,2022,cspr,south,Child J
2022/cspr-family-q-domestic-abuse.pdf,2022,cspr,north,Family Q
in/2022/lb-child-p-care.pdf,2022,lb,south,Child P
2022/sar-daniel.pdf,2022,sar,north,Daniel
2022/thematic-disabled-children.pdf,2022,thematic,south,Disabled children
2023/cspr-child-m.pdf,2023,cspr,north,Child M
2023/dhr-amara.pdf,2023,dhr,south,Amara
2023/lb-seven-minute-escalation.pdf,2023,lb,north,Seven minute
2023/scr-marsh-children.pdf,2023,scr,south,Marsh children
nowhere/missing.pdf,2020,lb,north,Missing
CSV
cd "$T" || exit 1
expect 0 "1 row of .*match.* no document (first: 'nowhere/missing.pdf')" \
	"run --metadata --group-by kind; an unmatched row is reported" -- \
	"$REVMINE" run in -o out --metadata meta.csv --group-by kind -j 2 --quiet
cd - >/dev/null || exit 1
O=$T/out
head -n 1 "$O/documents.csv" | grep -q ',message,folder,year,kind,area,title$' &&
	pass "documents.csv carries folder and the metadata columns" || fail "documents.csv header: $(head -n 1 "$O/documents.csv")"
grep -q '^2022/lb-child-p-care.pdf,.*,2022,2022,lb,south,Child P$' "$O/documents.csv" &&
	pass "a row given by the path as typed joins" || fail "path-as-typed row not joined"
grep -q '^2023/thematic-exploitation.pdf,.*,ok,,2023,,,,$' "$O/documents.csv" &&
	pass "a document without a row has empty values" || fail "document without metadata row"
grep -q "\"'=HYPERLINK" "$O/documents.csv" && pass "a formula in the metadata is guarded" ||
	fail "metadata formula not guarded"
PY=python3
/usr/bin/python3 -c "import scipy" 2>/dev/null && PY=/usr/bin/python3
$PY tests/lib/groups_check.py "$O" kind year || fails=$((fails + 1))
python3 tests/lib/report_check.py "$O" >/dev/null && grep -q 'data-variable="kind"' "$O/report.html" &&
	grep -q 'data-variable="year"' "$O/report.html" && grep -q '<th scope="col">Trend</th>' "$O/report.html" &&
	pass "the report has the subgroups by kind and the trend by year" || fail "report subgroups"

cd "$T" && "$REVMINE" run in -o out2 --metadata meta.csv --group-by area -j 2 --quiet 2>/dev/null
cd - >/dev/null || exit 1
$PY tests/lib/groups_check.py "$T/out2" area year || fails=$((fails + 1))

"$REVMINE" run "$T/in" -o "$T/out3" -j 2 --quiet
$PY tests/lib/groups_check.py "$T/out3" folder || fails=$((fails + 1))
cmp -s "$T/out3/theme_by_group.csv" "$T/out2/theme_by_group.csv" && fail "folder grouping equals area grouping" ||
	pass "without metadata the folder is the group"

# map/reduce takes the same options and gives the same files
(cd "$T" && "$REVMINE" map --shard 1/1 --records rec --quiet in &&
	"$REVMINE" reduce --records rec -o red --metadata meta.csv --group-by kind --quiet 2>/dev/null)
for f in documents theme_by_group; do
	cmp -s "$T/out/$f.csv" "$T/red/$f.csv" && pass "reduce --metadata: $f.csv as run" || fail "reduce: $f.csv differs"
done

# Two input folders holding the same file name keep their folder in the id.
mkdir -p "$T/ids/areaA" "$T/ids/areaB"
cp tests/golden/run/input/a-brief.txt "$T/ids/areaA/review1.txt"
cp tests/golden/run/input/b-summary.txt "$T/ids/areaB/review1.txt"
"$REVMINE" run "$T/ids/areaA" "$T/ids/areaB" -o "$T/ids/out" -j 1 --quiet
cut -d, -f1,10 "$T/ids/out/documents.csv" | tail -n +2 | tr '\n' ' ' | grep -q '^areaA/review1.txt,areaA areaB/review1.txt,areaB $' &&
	pass "repeated names across input folders: areaA/review1.txt, areaB/review1.txt" ||
	fail "doc ids: $(cut -d, -f1,10 "$T/ids/out/documents.csv" | tr '\n' ' ')"
grep -q '~2' "$T/ids/out/documents.csv" && fail "a ~2 suffix" || pass "no ~2 suffix"

printf 'file,year\nx.pdf,2020\n' >"$T/nokey.csv"
expect 2 "no 'path'" "metadata without a path column" -- "$REVMINE" run "$T/ids" -o "$T/e" --metadata "$T/nokey.csv" --quiet
printf 'path,status\nx.pdf,ok\n' >"$T/clash.csv"
expect 2 "column 'status' is a column of documents.csv" "metadata column clashing" -- \
	"$REVMINE" run "$T/ids" -o "$T/e" --metadata "$T/clash.csv" --quiet
expect 2 "'nope' is not 'folder'" "--group-by an unknown column" -- \
	"$REVMINE" run "$T/ids" -o "$T/e" --metadata "$T/meta.csv" --group-by nope --quiet
expect 2 "cannot read" "a missing metadata file" -- \
	"$REVMINE" run "$T/ids" -o "$T/e" --metadata "$T/none.csv" --quiet
expect 2 "does not apply" "map takes no --metadata" -- \
	"$REVMINE" map --shard 1/1 --records "$T/r2" --metadata "$T/meta.csv" "$T/ids"

echo "groups: $fails failed"
[ $fails = 0 ]
