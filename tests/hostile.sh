#!/bin/sh
# Hostile inputs: truncated and corrupted PDFs, junk named .pdf, a
# decompression bomb, invalid encodings, a 50 MB line, odd file names, a
# FIFO, a symlink loop, a folder named .pdf. The run must end under a 2 GiB
# address-space limit with status 1, name every bad file with a reason,
# and leave whole CSVs, also when it is killed half-way.
set -u
. tests/lib/common.sh

mkdir -p "$T/src" "$T/h"
$MKCORPUS --out "$T/src" --truth "$T/truth" tools/corpus-src/*.txt >/dev/null 2>&1 ||
	{ echo "FAIL - mkcorpus"; exit 1; }
good=$(ls -S "$T"/src/*.pdf | head -n 1)
size=$(wc -c < "$good")
cp "$good" "$T/h/good.pdf"

# Truncations at 25 points through the file.
i=1
while [ $i -le 25 ]; do
	head -c $((size * i / 26)) "$good" > "$T/h/trunc-$i.pdf"
	i=$((i + 1))
done
# Corruptions: 30 copies with 16 bytes overwritten at seeded positions.
i=1
while [ $i -le 30 ]; do
	cp "$good" "$T/h/flip-$i.pdf"
	awk -v s=$i -v n="$size" 'BEGIN { srand(s); for (k = 0; k < 16; k++) print int(rand() * n) }' |
	while read -r off; do
		printf '\377' | dd of="$T/h/flip-$i.pdf" bs=1 seek="$off" conv=notrunc 2>/dev/null
	done
	i=$((i + 1))
done
# Junk and near-PDFs.
i=1
while [ $i -le 20 ]; do
	head -c $((i * 997)) /dev/urandom > "$T/h/junk-$i.pdf"
	{ printf '%%PDF-1.7\n'; head -c $((i * 501)) /dev/urandom; } > "$T/h/hdr-$i.pdf"
	head -c $((i * 733)) /dev/urandom > "$T/h/junk-$i.txt"
	i=$((i + 1))
done
: > "$T/h/empty.pdf"
printf '%%PDF-1.4\n%%%%EOF\n' > "$T/h/tiny.pdf"
# A decompression bomb: a 1 GB content stream in a few MB. Not under
# sanitizers: they lift the address-space limit that stops it.
if command -v python3 >/dev/null 2>&1 && [ -z "${SANITIZED:-}" ]; then
	PYTHONPATH="$(dirname "$0")/lib" python3 - "$T/h/bomb.pdf" <<'PY'
import sys, zlib
from minipdf import write_pdf
c = zlib.compressobj(9)
chunk = b"q " * (1 << 20)
data = b"".join(c.compress(chunk) for _ in range(512)) + c.flush()
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
write_pdf(sys.argv[1], objs)
PY
fi
# Text: a 50 MB line, invalid UTF-8, UTF-16 without text.
yes 'neglect and domestic abuse were not recognised by agencies' | head -c 52428800 | tr -d '\n' > "$T/h/longline.txt"
printf '\377\376\000\330' > "$T/h/badutf16.txt"
printf 'caf\351 \200\201 ok\n' > "$T/h/cp1252.txt"
# Odd names, a FIFO, a symlink loop, a folder named .pdf.
cp "$good" "$T/h/-dash.pdf"
cp "$good" "$T/h/sp ace \"quote\" 'x'.pdf"
cp "$good" "$T/h/$(printf 'new\nline.pdf')"
cp "$good" "$T/h/ünïcødé.pdf"
cp "$good" "$T/h/$(printf '%0200d' 0).pdf"
printf '=cmd|calc\n' > "$T/h/=formula.txt"
mkfifo "$T/h/fifo.pdf"
ln -s loop1.pdf "$T/h/loop2.pdf"
ln -s loop2.pdf "$T/h/loop1.pdf"
mkdir "$T/h/folder.pdf"

total=$(ls "$T/h" | wc -l)
(
	# AddressSanitizer reserves terabytes of address space: no limit there.
	[ -n "${SANITIZED:-}" ] || ulimit -v 2097152
	"$REVMINE" run "$T/h" -o "$T/out" -j 2 --quiet --timeout 60 > "$T/stdout" 2> "$T/stderr"
	echo $? > "$T/rc"
)
rc=$(cat "$T/rc")
[ "$rc" = 1 ] && pass "hostile run finished with status 1" || fail "hostile run: status $rc: $(tail -n 3 "$T/stderr")"
grep -q -i -e 'sanitizer' -e 'BUG' "$T/stderr" && fail "sanitizer or BUG report in stderr" || pass "no sanitizer report"
errs=$(awk -F, 'NR > 1 && /,error,/' "$T/out/documents.csv" | wc -l)
skipped=$(grep -c "^revmine: skipping '" "$T/stderr")
[ "$errs" -gt 0 ] && [ "$skipped" -ge "$errs" ] && pass "every error row has a stderr line ($errs errors)" ||
	fail "errors in documents.csv: $errs, stderr lines: $skipped"
grep "^revmine: skipping '" "$T/stderr" | grep -v "': [a-z]*: ." && fail "a skipping line without a reason" ||
	pass "every skipping line names the stage and the reason"
for n in trunc-3.pdf junk-5.pdf fifo.pdf loop1.pdf empty.pdf; do
	grep -q "$n'" "$T/stderr" && pass "reported $n" || fail "$n not reported"
done
grep -q "^good.pdf,[^,]*,pdf,[0-9a-f]*,[0-9]*,[0-9]*,[0-9]*,\(ok\|warning\)," "$T/out/documents.csv" &&
	pass "the good PDF is processed" || fail "the good PDF is not ok"
grep -q "ünïcødé.pdf" "$T/out/documents.csv" && pass "unicode file name kept" || fail "unicode name lost"
# The file name and its text, guarded in every file they reach.
if grep -q "^\"'=formula.txt\"," "$T/out/documents.csv" &&
	grep -q "^\"'=formula.txt\",.*\"'=cmd|calc\"" "$T/out/passages.csv" &&
	! grep -q "^=formula" "$T/out"/*.csv; then
	pass "formula file name and text guarded"
else
	fail "formula file name or text not guarded"
fi

# Killed half-way (once the first document's record is in the emptied
# cache, long before the outputs): the previous complete outputs survive
# untouched.
cp -r "$T/out" "$T/before"
rm -rf "$T/out/.cache"
"$REVMINE" run "$T/h" -o "$T/out" -j 2 --quiet --timeout 60 >/dev/null 2>&1 &
pid=$!
has_record() { ls "$T/out/.cache" 2>/dev/null | grep -qv '\.tmp\.'; }
wait_until 120 has_record || fail "killed run: no record written in 120 s"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
rc=$?
[ $rc = 137 ] && pass "killed run: killed while documents were processed" ||
	fail "killed run: the run ended (status $rc) before it was killed"
same=1
for f in "$T"/before/*.csv; do cmp -s "$f" "$T/out/$(basename "$f")" || same=0; done
[ $same = 1 ] && pass "killed run: earlier CSVs whole and unchanged" || fail "killed run damaged the CSVs"
echo "hostile: $total files, $fails failed"
[ $fails = 0 ]
