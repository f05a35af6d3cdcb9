#!/bin/sh
# The summaries agree with an independent recomputation (tests/consistency.py,
# exact arithmetic for Fisher and BH) and the matrices with passages.csv, on
# the sample corpus and on the golden fixture.
set -u
REVMINE=${REVMINE:-build/revmine}
command -v python3 >/dev/null 2>&1 || { echo "consistency: skipped (no python3)"; exit 0; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
for in in corpus tests/golden/run/input; do
	"$REVMINE" run "$in" -o "$T/out" -j 2 --quiet
	python3 tests/consistency.py "$T/out" || fails=$((fails + 1))
	rm -rf "$T/out"
done
[ $fails = 0 ]
