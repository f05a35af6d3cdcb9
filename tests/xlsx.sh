#!/bin/sh
# --xlsx: revmine.xlsx holds every table as a sheet with the CSV's cells
# (tests/lib/xlsx_check.py: numbers as numbers, strings as the CSV text, no
# formula, no cell beginning with '=', header frozen), dates stay text, the
# same run gives the same bytes, reduce writes it too; LibreOffice (when
# installed) opens every sheet.
# Needs: REVMINE, python3 (skipped without).
set -u
. tests/lib/common.sh
command -v python3 >/dev/null 2>&1 || { echo "xlsx: skipped (no python3)"; exit 0; }
export SOURCE_DATE_EPOCH=1700000000
mkdir -p "$T/in"
cp tests/golden/run/input/*.txt "$T/in/"
cat > "$T/meta.csv" <<'CSV'
path,date,year,title
a-brief.txt,2021-03-04,2021,"=HYPERLINK(""http://example.invalid"",""x"")"
b-summary.txt,04/05/2022,2022,+44 20 7946 0000
c-seven-minute.txt,2023-01-31,2023,Seven minute briefing
CSV
"$REVMINE" run "$T/in" -o "$T/out" --metadata "$T/meta.csv" --group-by year --xlsx -j 2 --quiet
[ -s "$T/out/revmine.xlsx" ] && pass "--xlsx writes revmine.xlsx" || fail "no revmine.xlsx"
grep -q '"revmine.xlsx"' "$T/out/manifest.json" && pass "the manifest lists it" || fail "manifest lacks revmine.xlsx"
python3 tests/lib/xlsx_check.py "$T/out" || fails=$((fails + 1))
python3 - "$T/out/revmine.xlsx" <<'PY' && pass "dates are text" || fail "a date became a number"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
x = z.read("xl/worksheets/sheet1.xml").decode()
sys.exit(0 if "2021-03-04</t>" in x and "04/05/2022</t>" in x else 1)
PY
cp "$T/out/revmine.xlsx" "$T/first.xlsx"
"$REVMINE" run "$T/in" -o "$T/out" --metadata "$T/meta.csv" --group-by year --xlsx -j 1 --quiet
cmp -s "$T/out/revmine.xlsx" "$T/first.xlsx" && pass "the same run gives the same workbook" ||
	fail "revmine.xlsx differs between -j2 and a cached -j1 rerun"
"$REVMINE" run "$T/in" -o "$T/plain" -j 1 --quiet
[ -e "$T/plain/revmine.xlsx" ] && fail "a workbook without --xlsx" || pass "no workbook without --xlsx"
"$REVMINE" map --shard 1/1 --records "$T/rec" --quiet "$T/in" &&
	"$REVMINE" reduce --records "$T/rec" -o "$T/red" --xlsx --quiet &&
	python3 tests/lib/xlsx_check.py "$T/red" >/dev/null && pass "reduce --xlsx" || fail "reduce --xlsx"
# LibreOffice with Calc (libreoffice-calc-nogui; Writer alone cannot open
# a workbook)
calc=
for d in /usr/lib/libreoffice/program /opt/libreoffice*/program; do
	[ -e "$d/libsclo.so" ] && calc=yes
done
if command -v soffice >/dev/null 2>&1 && [ -n "$calc" ]; then
	(cd "$T" && HOME=$T timeout 120 soffice --headless --convert-to csv:"Text - txt - csv (StarCalc)":44,34,76,1,,0,false,true,false,false,false,-1 \
		--outdir "$T/lo" out/revmine.xlsx >/dev/null 2>&1)
	n=$(ls "$T/lo" 2>/dev/null | wc -l)
	[ "$n" -ge 14 ] && pass "LibreOffice opens every sheet ($n)" || fail "LibreOffice: $n sheets"
else
	echo "xlsx: LibreOffice check skipped (no LibreOffice Calc; scripts/install-deps --office installs it)"
fi
echo "xlsx: $fails failed"
[ $fails = 0 ]
