#!/bin/sh
# Word and web inputs: every sample report written as markdown, .docx and
# .html (tests/lib/mkformats.py), and as a .docx made by LibreOffice when
# soffice is installed, extracts to the same passages (kind and text) in
# all of them, with word F1 >= 0.99 against the markdown and every
# heading kept; a run takes them like any other input. Hostile files (a
# zip bomb by size and by ratio, a billion-laughs document.xml, an HTML
# page declaring entities, a truncated .docx, junk named .docx) each give
# one error row naming the reason and nothing more.
set -u
. tests/lib/common.sh
SCORE=${SCORE:-build/extract-score}

if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - python3 not found"
	exit 0
fi
mkdir -p "$T/f" "$T/run" "$T/bad"
for src in tools/corpus-src/*.txt; do
	python3 tests/lib/mkformats.py "$src" "$T/f" || fail "mkformats $src"
done
n=0
for md in "$T"/f/*.md; do
	b=${md%.md}
	name=$(basename "$b")
	"$REVMINE" extract --passages "$md" | cut -d, -f5- >"$b.md.k"
	"$REVMINE" extract "$md" >"$b.md.txt"
	for x in docx html; do
		if ! "$REVMINE" extract --passages "$b.$x" 2>"$T/err" | cut -d, -f5- >"$b.$x.k"; then
			fail "$name.$x: extract failed: $(cat "$T/err")"
			continue
		fi
		"$REVMINE" extract "$b.$x" >"$b.$x.txt"
		if cmp -s "$b.md.k" "$b.$x.k"; then
			n=$((n + 1))
		else
			fail "$name.$x: passages differ from the markdown"
			diff "$b.md.k" "$b.$x.k" | head -n 6
		fi
		h1=$(grep -c '^heading,' "$b.md.k")
		h2=$(grep -c '^heading,' "$b.$x.k")
		[ "$h1" = "$h2" ] || fail "$name.$x: $h2 headings, want $h1"
		if [ -x "$SCORE" ]; then
			line=$("$SCORE" "$b.md.txt" "$b.$x.txt" --furniture /dev/null)
			f1=$(printf '%s\n' "$line" | sed -n 's/.*F1=\([0-9.]*\).*/\1/p')
			awk -v f="$f1" 'BEGIN { exit !(f >= 0.99) }' ||
				fail "$name.$x: $line (want F1 >= 0.99)"
		fi
	done
done
[ "$n" -gt 0 ] && pass "docx and html: $n files extract to the markdown's passages, headings kept, F1 >= 0.99"

# A .docx of LibreOffice's own making (from the plain page), when it is
# installed (scripts/install-deps --office).
# (five documents with numbered and bullet lists, subheadings, one column
# and two: LibreOffice takes a few seconds each)
LO_NAMES="scr-marsh-children dhr-amara sar-daniel cspr-child-m thematic-exploitation"
LO_DOCS=$(for n in $LO_NAMES; do printf '%s ' "$T/f/$n.plain.htm"; done)
if command -v soffice >/dev/null 2>&1; then
	mkdir -p "$T/lo"
	soffice --headless "-env:UserInstallation=file://$T/lo-profile" \
		--convert-to 'docx:MS Word 2007 XML' --outdir "$T/lo" $LO_DOCS >/dev/null 2>&1
	n=0
	for name in $LO_NAMES; do
		d="$T/lo/$name.plain.docx"
		if [ ! -f "$d" ]; then
			fail "LibreOffice did not convert $name"
			continue
		fi
		"$REVMINE" extract --passages "$d" | cut -d, -f5- >"$T/lo/$name.k"
		if cmp -s "$T/f/$name.md.k" "$T/lo/$name.k"; then
			n=$((n + 1))
		else
			fail "$name: LibreOffice's .docx: passages differ from the markdown"
			diff "$T/f/$name.md.k" "$T/lo/$name.k" | head -n 6
		fi
	done
	[ "$n" -gt 0 ] && pass "docx made by LibreOffice: $n files extract to the markdown's passages"
else
	echo "skip - soffice not found (scripts/install-deps --office): no LibreOffice-made .docx"
fi
grep -q '^item,' "$T/f/scr-marsh-children.docx.k" && grep -q '^item,0,"\?1\. ' "$T/f/scr-marsh-children.docx.k" &&
	pass "docx: bullet and numbered list items (numbers from numbering.xml)" ||
	fail "docx: list items not recognised"
grep -qi 'skip to\|cookies\|tracking\|Related reports\|Reports$' "$T/f/scr-marsh-children.html.txt" &&
	fail "html: page furniture leaked: $(grep -i 'skip to\|cookies\|tracking\|Related reports' "$T/f/scr-marsh-children.html.txt" | head -n 2)" ||
	pass "html: navigation, header, footer, aside and scripts skipped"

# A run over the three formats.
cp "$T/f/dhr-amara.docx" "$T/f/sar-daniel.html" "$T/f/lb-child-p-care.md" "$T/run/"
expect 0 "" "run: .docx, .html and .md inputs" -- "$REVMINE" run "$T/run" -o "$T/out" -j 2 --quiet
grep -q '^dhr-amara.docx,.*,docx,' "$T/out/documents.csv" && grep -q '^sar-daniel.html,.*,html,' "$T/out/documents.csv" &&
	pass "run: documents.csv gives the formats docx and html" ||
	fail "run: formats in documents.csv: $(cut -d, -f1,3 "$T/out/documents.csv" | tr '\n' ' ')"

# Hostile inputs.
python3 tests/lib/mkformats.py --bomb "$T/bad/bomb-size.docx" 256
python3 tests/lib/mkformats.py --bomb "$T/bad/bomb-ratio.docx" 16
python3 tests/lib/mkformats.py --laughs "$T/bad/laughs.docx"
cat >"$T/bad/laughs.html" <<'HTML'
<?xml version="1.0"?>
<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<html><body><p>&c;&c;&c;&c;&c;&c;&c;&c;</p></body></html>
HTML
head -c 3000 "$T/f/dhr-amara.docx" >"$T/bad/truncated.docx"
head -c 5000 /dev/urandom >"$T/bad/junk.docx"
cp "$T/f/dhr-amara.docx" "$T/bad/good.docx"
expect 1 "" "run: hostile docx and html give status 1" -- "$REVMINE" run "$T/bad" -o "$T/badout" -j 2 --quiet
for p in "bomb-size.docx:expands to" "bomb-ratio.docx:compression ratio" \
	 "laughs.docx:declares a DTD or entities" "laughs.html:entity declarations are not allowed" \
	 "truncated.docx:" "junk.docx:not a valid zip"; do
	f=${p%%:*} why=${p#*:}
	if grep "^$f," "$T/badout/documents.csv" | grep -q ",error,\"\{0,1\}extract: .*$why"; then
		pass "hostile: $f is an error row ($why)"
	else
		fail "hostile: $f: $(grep "^$f," "$T/badout/documents.csv")"
	fi
	grep -q "^$f," "$T/badout/passages.csv" && fail "hostile: $f has passages"
done
grep -q '^good.docx,.*,ok,' "$T/badout/documents.csv" && pass "hostile: the good .docx beside them is read" ||
	fail "hostile: good.docx: $(grep '^good.docx' "$T/badout/documents.csv")"

[ $fails -eq 0 ] && echo "formats: all checks passed"
exit $((fails > 0))
