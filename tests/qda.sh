#!/bin/sh
# REFI-QDA exchange: `export --qdpx` of the sample corpus validates against
# the REFI-QDA project schema (../shared/refi-qda/Project-mrt2019.xsd, when
# present: skipped otherwise), every selection cut from its source at its
# character positions is the passage's text, exporting twice gives the same
# bytes, document variables come from extra documents.csv columns, the
# export of a map/reduce output equals that of run; `import` gives back the
# labels exactly, and an edited label comes back edited; hostile projects
# (zip bomb, billion laughs) are refused with a reason.
set -u
. tests/lib/common.sh
XSD=../shared/refi-qda/Project-mrt2019.xsd
CHECK="python3 tests/lib/qdacheck.py"

if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - python3 not found"
	exit 0
fi
"$REVMINE" run corpus -o "$T/out" -j 2 --quiet || fail "run corpus"

expect 0 "" "export --qdpx --qdc" -- "$REVMINE" export --qdpx "$T/a.qdpx" --qdc "$T/a.qdc" "$T/out"
grep -q "export: 15 documents" "$T/stderr" && pass "export: summary line" || fail "export: summary: $(cat "$T/stderr")"
"$REVMINE" export --qdpx "$T/b.qdpx" "$T/out" 2>/dev/null
cmp -s "$T/a.qdpx" "$T/b.qdpx" && pass "export twice: identical bytes" || fail "export twice: files differ"
unzip -p "$T/a.qdpx" project.qde >"$T/project.qde" 2>/dev/null ||
	python3 -c "import zipfile,sys; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('project.qde'))" "$T/a.qdpx" >"$T/project.qde"
if [ -f "$XSD" ] && command -v xmllint >/dev/null 2>&1; then
	if xmllint --noout --schema "$XSD" "$T/project.qde" 2>"$T/xsd.err"; then
		pass "project.qde validates against $XSD"
	else
		fail "project.qde does not validate: $(head -n 5 "$T/xsd.err")"
	fi
else
	echo "skip - $XSD or xmllint not found: schema not checked"
fi
xmllint --noout "$T/a.qdc" 2>/dev/null && grep -q '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"' "$T/a.qdc" &&
	[ "$(grep -c '<Code ' "$T/a.qdc")" = "$(grep -c '<Code ' "$T/project.qde")" ] &&
	pass "--qdc: the codebook alone, same codes" || fail "--qdc: codebook file"
if $CHECK cut "$T/a.qdpx" "$T/out/passages.csv" >"$T/cut.log"; then
	pass "selections: $(tail -n 1 "$T/cut.log")"
else
	fail "selections: $(cat "$T/cut.log")"
fi
grep -q '<Variable guid="[^"]*" name="pages" typeOfVariable="Integer"/>' "$T/project.qde" &&
	grep -q '<IntegerValue>' "$T/project.qde" && pass "variables: format and pages" ||
	fail "variables: format and pages missing"

# Document variables: the folder and the --metadata columns of documents.csv.
cat >"$T/meta.csv" <<'CSV'
path,year,area
dhr-amara.pdf,2023,North & East
sar-daniel.pdf,2022,South
CSV
"$REVMINE" run corpus -o "$T/meta" -j 2 --quiet --metadata "$T/meta.csv" 2>/dev/null ||
	fail "run --metadata"
"$REVMINE" export --qdpx "$T/meta.qdpx" "$T/meta" 2>/dev/null
python3 -c "import zipfile,sys; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('project.qde'))" "$T/meta.qdpx" >"$T/meta.qde"
grep -q 'name="area" typeOfVariable="Text"' "$T/meta.qde" && grep -q '<TextValue>North &amp; East</TextValue>' "$T/meta.qde" &&
	grep -q 'name="year" typeOfVariable="Integer"' "$T/meta.qde" && grep -q '<IntegerValue>2023</IntegerValue>' "$T/meta.qde" &&
	grep -q 'name="folder" typeOfVariable="Text"' "$T/meta.qde" &&
	pass "variables: folder and --metadata columns (year as Integer)" || fail "variables: metadata missing"
if [ -f "$XSD" ]; then
	xmllint --noout --schema "$XSD" "$T/meta.qde" 2>/dev/null && pass "with variables: validates" ||
		fail "with variables: does not validate"
fi

# The same export from map + reduce.
"$REVMINE" map --shard 1/2 --records "$T/rec" corpus --quiet 2>/dev/null
"$REVMINE" map --shard 2/2 --records "$T/rec" corpus --quiet 2>/dev/null
"$REVMINE" reduce --records "$T/rec" -o "$T/red" --quiet 2>/dev/null
"$REVMINE" export --qdpx "$T/red.qdpx" "$T/red" 2>/dev/null
cmp -s "$T/a.qdpx" "$T/red.qdpx" && pass "export of map/reduce output: identical to run's" ||
	fail "export of map/reduce output differs"

# Round trip and a correction.
expect 0 "" "import --qdpx" -- "$REVMINE" import --qdpx "$T/a.qdpx" -o "$T/labels.csv"
head -n 1 "$T/labels.csv" | grep -qx 'doc,passage,type,themes,text' && pass "import: gold header" ||
	fail "import: header $(head -n 1 "$T/labels.csv")"
$CHECK same "$T/labels.csv" "$T/out/passages.csv" >"$T/same.log" &&
	pass "round trip: $(tail -n 1 "$T/same.log")" || fail "round trip: $(cat "$T/same.log")"
$CHECK edit "$T/a.qdpx" "$T/edited.qdpx" dhr-amara.pdf 12 recommendation neglect professional_curiosity
"$REVMINE" import --qdpx "$T/edited.qdpx" -o "$T/edited.csv" 2>/dev/null
row=$(grep '^dhr-amara.pdf,12,' "$T/edited.csv" | cut -d, -f1-4)
want=$(grep '^dhr-amara.pdf,12,' "$T/out/passages.csv" | cut -d, -f7 | tr ';' '\n' |
	{ grep -vx professional_curiosity; echo neglect; } | python3 -c "
import sys
order = [l.split(',')[0] for l in open(sys.argv[1]).read().split('\n')[1:] if l]
ts = [t.strip() for t in sys.stdin if t.strip()]
print(';'.join(sorted(ts, key=order.index)))" "$T/out/theme_prevalence.csv")
[ "$row" = "dhr-amara.pdf,12,recommendation,$want" ] && pass "edited label comes back edited ($row)" ||
	fail "edited label: got '$row', want 'dhr-amara.pdf,12,recommendation,$want'"
[ "$(grep -v '^dhr-amara.pdf,12,' "$T/edited.csv" | cksum)" = "$(grep -v '^dhr-amara.pdf,12,' "$T/labels.csv" | cksum)" ] &&
	pass "edited project: every other passage unchanged" || fail "edited project: other passages changed"

# Errors.
$CHECK bomb "$T/bomb.qdpx"
$CHECK laughs "$T/laughs.qdpx"
expect 2 "compression ratio\|expands to" "import: zip bomb refused" -- "$REVMINE" import --qdpx "$T/bomb.qdpx" -o "$T/x.csv"
expect 2 "declares a DTD or entities" "import: billion laughs refused" -- "$REVMINE" import --qdpx "$T/laughs.qdpx" -o "$T/x.csv"
[ -e "$T/x.csv" ] && fail "import: a refused project left a file" || pass "import: nothing written when refused"
expect 2 "not the output folder of a run" "export: not an output folder" -- "$REVMINE" export --qdpx "$T/x.qdpx" "$T"
expect 2 "usage" "export: no --qdpx or --qdc" -- "$REVMINE" export "$T/out"
expect 2 "usage" "import: no --qdpx" -- "$REVMINE" import -o "$T/x.csv"

[ $fails -eq 0 ] && echo "qda: all checks passed"
exit $((fails > 0))
