#!/bin/sh
# Every cell safe: files whose names a spreadsheet would run as a formula
# (+cmd.txt, -rf.pdf, =formula.txt, @sum.txt, a leading tab), a name that
# is not UTF-8 and one with a control byte are run, map/reduced, and every
# CSV is checked cell by cell (tests/lib/check_cells.py): valid UTF-8, RFC
# 4180, and no text cell starting with = + - @, a tab or a CR (numbers such
# as -0.5 are numbers). The escaped names read back to the original bytes.
set -u
. tests/lib/common.sh

command -v python3 >/dev/null 2>&1 || { echo "skip - cells: python3 not found"; exit 0; }
mkdir -p "$T/in"
good=$(ls corpus/*.txt | head -n 1)
pdf=$(ls corpus/*.pdf | head -n 1)
cp "$good" "$T/in/+cmd.txt"
cp "$pdf" "$T/in/-rf.pdf"
printf '=HYPERLINK("http://x","y") and neglect was not recognised by the agencies.\n' > "$T/in/=formula.txt"
printf '@SUM(1+1) the health visitor shared information with the school.\n' > "$T/in/@sum.txt"
cp "$good" "$T/in/$(printf '\tlead.txt')"
cp "$good" "$T/in/$(printf 'caf\351-latin1.txt')"
cp "$good" "$T/in/$(printf 'bell\007 back\\\\slash.txt')"

"$REVMINE" run "$T/in" -o "$T/out" -j 2 --quiet 2> "$T/stderr"
rc=$?
[ $rc = 0 ] && pass "run over odd names" || fail "run over odd names: status $rc: $(head -c 300 "$T/stderr")"
python3 tests/lib/check_cells.py "$T/out" && pass "run: every cell safe, every CSV valid UTF-8" ||
	fail "run: unsafe cell or invalid UTF-8"
python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$T/out/manifest.json" &&
	pass "manifest.json valid UTF-8 JSON" || fail "manifest.json not valid UTF-8 JSON"

"$REVMINE" map --shard 1/1 --records "$T/rec" "$T/in" --quiet 2>/dev/null
"$REVMINE" reduce --records "$T/rec" -o "$T/mr" --quiet 2>/dev/null
python3 tests/lib/check_cells.py "$T/mr" && pass "map/reduce: every cell safe" || fail "map/reduce: unsafe cell"
ok=1
for f in "$T"/out/*.csv; do cmp -s "$f" "$T/mr/$(basename "$f")" || ok=0; done
[ $ok = 1 ] && pass "map/reduce outputs identical to run" || fail "map/reduce outputs differ from run"

# The escaping is reversible: every name of documents.csv decodes to a file.
python3 - "$T/out/documents.csv" "$T/in" <<'PY' && pass "escaped names read back to the files" || fail "escaped names do not read back"
import csv, os, re, sys
def unescape(s):
    if s.startswith("'"):
        s = s[1:]
    out, i, b = bytearray(), 0, s.encode("utf-8")
    while i < len(b):
        if b[i:i+2] == b"\\\\":
            out += b"\\"; i += 2
        elif b[i:i+2] == b"\\x":
            out.append(int(b[i+2:i+4], 16)); i += 4
        else:
            out.append(b[i]); i += 1
    return bytes(out)
names = set(os.listdir(os.fsencode(sys.argv[2])))
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
got = {unescape(r["doc_id"]) for r in rows}
sys.exit(0 if got == names and len(rows) == 7 else 1)
PY

# Names reach the terminal escaped: no control byte on stderr.
printf 'not a pdf\n' > "$T/in/$(printf 'esc\033[31mred.pdf')"
"$REVMINE" run "$T/in" -o "$T/out2" --quiet 2> "$T/stderr2"
if grep -q 'esc\\x1b\[31mred.pdf' "$T/stderr2" && ! LC_ALL=C grep -q "$(printf '\033')" "$T/stderr2"; then
	pass "names escaped on the terminal"
else
	fail "control bytes of a name reached the terminal: $(cat -v "$T/stderr2" | head -c 300)"
fi

echo "cells: $fails failed"
[ $fails = 0 ]
