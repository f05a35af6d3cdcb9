#!/bin/sh
# The summaries agree with an independent recomputation (tests/consistency.py,
# exact arithmetic for Fisher and BH) and the matrices with passages.csv, on
# the sample corpus and on the golden fixture.
set -u
. tests/lib/common.sh
command -v python3 >/dev/null 2>&1 || { echo "skip - consistency: python3 not found"; exit 0; }
for in in corpus tests/golden/run/input; do
	if "$REVMINE" run "$in" -o "$T/out" -j 2 --quiet; then
		pass "$in: run"
	else
		fail "$in: run exited $?"
	fi
	python3 tests/consistency.py "$T/out" && pass "$in: summaries recomputed" ||
		fail "$in: summaries differ from the recomputation"
	# classify, given passages.csv as documents (its section and kind
	# columns), codes every passage as run did, themes and type
	"$REVMINE" classify --id-column passage --doc-column doc_id "$T/out/passages.csv" > "$T/classified.csv"
	python3 - "$T/out/passages.csv" "$T/classified.csv" <<'PY'
import csv, sys
run = [(r["themes"], r["type"]) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
cls = [(r["themes"], r["type"]) for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))]
bad = sum(a != b for a, b in zip(run, cls)) + abs(len(run) - len(cls))
print(f"classify vs run: {len(run)} passages, {bad} with other themes or type")
sys.exit(1 if bad else 0)
PY
	[ $? = 0 ] && pass "$in: classify codes as run" || fail "$in: classify codes otherwise than run"
	rm -rf "$T/out"
done
echo "consistency: $fails failed"
[ $fails = 0 ]
