#!/bin/sh
# Scanned pages through the whole pipeline: a PDF whose only page is an
# image (drawn by mkcorpus at test time, like a 200 dpi scan) comes out as
# `warning` ("1 page read by OCR") with its words in passages.csv, marked
# ocr=1; a blank PDF is a warning, not an error; --no-ocr keeps the old
# behaviour (error "no text layer"); the outputs do not depend on -j.
. "$(dirname "$0")/lib/common.sh"
case $MKCORPUS in /*) ;; *) MKCORPUS=$PWD/$MKCORPUS ;; esac

mkdir -p "$T/src" "$T/in"
cat >"$T/src/scan.txt" <<'SRC'
@image-page
# Findings of the panel

The panel found that the referral from the nursery was closed without a visit, and that the family were not told why.

Information about the father was held by probation but was never shared with the social worker.
@end-image
SRC
cat >"$T/src/text.txt" <<'SRC'
# A report with a text layer

Nothing in this report was scanned.
SRC
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	"$MKCORPUS" --out "$T/in" "$T/src/scan.txt" "$T/src/text.txt" >/dev/null 2>&1 ||
	{ fail "mkcorpus could not draw the scan"; exit 1; }
# a blank page, written by hand
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' >"$T/in/blank.pdf"

expect 0 "" "run with scanned and blank PDFs" -- "$REVMINE" run "$T/in" -o "$T/out" -j 2 --quiet
D=$T/out/documents.csv P=$T/out/passages.csv
grep -q '^scan\.pdf,.*,warning,1 page read by OCR,' "$D" &&
	pass "scan: warning naming the OCR page" || fail "scan: $(grep '^scan' "$D")"
grep -q '^blank\.pdf,.*,0,0,warning,page 1 is blank,' "$D" &&
	pass "blank page: warning, no passages" || fail "blank: $(grep '^blank' "$D")"
grep -q '^text\.pdf,.*,ok,,' "$D" && pass "text layer: ok" || fail "text: $(grep '^text' "$D")"
head -n 1 "$P" | grep -qx 'doc_id,passage,page,section,kind,type,themes,ocr,text' &&
	pass "passages.csv: ocr column" || fail "passages.csv header: $(head -n 1 "$P")"
python3 - "$P" <<'PY' && pass "scan: words back, every passage ocr=1; text-layer passages ocr=0" || fail "scan passages (above)"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
scan = [r for r in rows if r["doc_id"] == "scan.pdf"]
text = [r for r in rows if r["doc_id"] == "text.pdf"]
want = ("Findings of the panel The panel found that the referral from the nursery was closed "
        "without a visit, and that the family were not told why. Information about the father "
        "was held by probation but was never shared with the social worker.")
def words(s): return re.findall(r"[a-z0-9']+", s.lower())
got = words(" ".join(r["text"] for r in scan))
exp = words(want)
common = sum(min(got.count(w), exp.count(w)) for w in set(exp))
f1 = 2 * common / (len(got) + len(exp)) if got else 0
ok = f1 >= 0.95 and all(r["ocr"] == "1" for r in scan) and text and all(r["ocr"] == "0" for r in text)
if not ok:
    print("F1 %.3f" % f1, [(r["ocr"], r["text"]) for r in scan + text])
sys.exit(0 if ok else 1)
PY

expect 0 "" "run -j 1" -- "$REVMINE" run "$T/in" -o "$T/out1" -j 1 --quiet
cmp -s "$P" "$T/out1/passages.csv" && cmp -s "$D" "$T/out1/documents.csv" &&
	pass "OCR output the same with -j 1 and -j 2" || fail "OCR output depends on -j"

expect 1 "no text layer" "--no-ocr: the scan is an error again" -- \
	"$REVMINE" run "$T/in" -o "$T/noocr" -j 2 --no-ocr --no-cache
grep -q '^scan\.pdf,.*,error,.*no text layer' "$T/noocr/documents.csv" &&
	pass "--no-ocr: error naming no text layer" || fail "--no-ocr: $(grep '^scan' "$T/noocr/documents.csv")"

expect 2 "does not apply to 'reduce'" "reduce refuses --no-ocr (records are made by map)" -- \
	"$REVMINE" reduce --records "$T/rec" --no-ocr
expect 0 "" "map takes --no-ocr" -- "$REVMINE" map --shard 1/1 --records "$T/rec" --no-ocr --quiet "$T/in/text.pdf"

expect 0 "" "extract --passages of a scan" -- "$REVMINE" extract --passages "$T/in/scan.pdf"
sed -n 2p "$T/stdout" | grep -q '^scan.pdf,1,1,Findings of the panel,heading,1,Findings of the panel$' &&
	pass "extract --passages: ocr column" || fail "extract --passages: $(sed -n 2p "$T/stdout")"

echo "ocr: $fails failed"
[ $fails = 0 ]
