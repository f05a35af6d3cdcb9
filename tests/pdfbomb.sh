#!/bin/sh
# Decompression bombs in PDFs, made at test time: a 1 GiB content stream
# of 1 MB, a small one (8 MiB from a few KiB, the size that already takes
# poppler past the 1 GiB worker limit), and two FlateDecode stages whose
# ratios multiply. Each must end quickly as its own error row, with the
# reason, before poppler reads it (no worker near its memory limit), while
# the other documents of the batch are read as usual.
. "$(dirname "$0")/lib/common.sh"

mkdir -p "$T/in"
PYTHONPATH="$(dirname "$0")/lib" python3 - "$T/in" <<'PY' || { fail "python3 could not write the PDFs"; exit 1; }
import sys, zlib
from minipdf import write_pdf
def pdf(path, content, filters):
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter %s >>\nstream\n" % (len(content), filters) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    write_pdf(path, objs)
def deflate(chunk, times):
    c = zlib.compressobj(9)
    return b"".join(c.compress(chunk) for _ in range(times)) + c.flush()
mib = b"q " * (1 << 19)
d = sys.argv[1]
pdf(d + "/bomb-1g.pdf", deflate(mib, 1024), b"/FlateDecode")
pdf(d + "/bomb-8m.pdf", deflate(mib, 8), b"/FlateDecode")
pdf(d + "/bomb-chain.pdf", zlib.compress(deflate(mib, 4096), 9), b"[/FlateDecode /FlateDecode]")
# A file's streams are checked one after another with the same inflate
# stages: a bomb after ordinary streams of two stages and of one is found
# all the same (unreferenced objects: only the check reads them).
def stream(content, filters):
    return b"<< /Length %d /Filter %s >>\nstream\n" % (len(content), filters) + content + b"\nendstream"
small = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Ordinary.) Tj ET\n", 9)
write_pdf(d + "/bomb-late.pdf", [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>",
    stream(small, b"/FlateDecode"),
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    stream(zlib.compress(small, 9), b"[/FlateDecode /FlateDecode]"),
    stream(small, b"/FlateDecode"),
    stream(deflate(mib, 8), b"/FlateDecode")])
# a page whose text is compressed as usual
text = b"".join(b"BT /F1 12 Tf 72 %d Td (Neglect was not recognised by the agencies involved.) Tj ET\n"
               % (720 - 16 * i) for i in range(40))
pdf(d + "/ordinary.pdf", zlib.compress(text, 9), b"/FlateDecode")
PY
cp corpus/scr-marsh-children.pdf "$T/in/"
printf 'Domestic abuse was a feature of the household.\n' >"$T/in/notes.txt"

start=$(date +%s)
expect 1 "decompression bomb" "run: the bombs are errors, exit 1" -- \
	"$REVMINE" run "$T/in" -o "$T/out" -j 2 --quiet
took=$(($(date +%s) - start))
D=$T/out/documents.csv
for b in bomb-1g bomb-8m bomb-chain bomb-late; do
	grep -q "^$b\.pdf,.*,error,.*decompression bomb: the stream at byte [0-9]* decodes to over" "$D" &&
		pass "$b: error row naming the stream" || fail "$b: $(grep "^$b" "$D")"
done
grep -q "bomb-chain.pdf.*decodes to over 64 MiB\"\?,\|bomb-chain.pdf.*over 200 times" "$D" &&
	pass "bomb-chain: the two stages are followed" || fail "bomb-chain: $(grep '^bomb-chain' "$D")"
if grep -q 'out of memory\|time or memory' "$T/stderr" "$D"; then
	fail "a worker reached its limit: $(grep 'memory' "$T/stderr" | head -n 2)"
else
	pass "no worker reached its memory or time limit"
fi
# a run of a few seconds at most; under sanitizers a little longer
limit=20
[ -n "${SANITIZED:-}" ] && limit=60
[ "$took" -le "$limit" ] && pass "the whole run took ${took} s (at most $limit)" ||
	fail "the run took ${took} s (more than $limit)"
for f in ordinary.pdf scr-marsh-children.pdf notes.txt; do
	grep -q "^$f,.*,\(ok\|warning\)," "$D" && grep -q "^$f," "$T/out/passages.csv" &&
		pass "$f: read as usual" || fail "$f: $(grep "^$f" "$D")"
done
grep -q "^ordinary.pdf,.*Neglect was not recognised" "$T/out/passages.csv" &&
	pass "ordinary compressed page: its text" || fail "ordinary.pdf: no text in passages.csv"
expect 1 "extract: decompression bomb" "extract: the same reason" -- "$REVMINE" extract "$T/in/bomb-8m.pdf"

echo "pdfbomb: $fails failed"
[ $fails = 0 ]
