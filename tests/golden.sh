#!/bin/sh
# Golden test: a small fixture corpus (tests/golden/run/input) through the
# whole pipeline, every CSV compared byte for byte with
# tests/golden/run/expected. After a deliberate change to the codebook or a
# stage, regenerate with REVMINE_UPDATE_GOLDEN=1 and review the diff.
set -u
REVMINE=${REVMINE:-build/revmine}
G=tests/golden/run
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$REVMINE" run "$G/input" -o "$T/out" -j 2 --quiet
rc=$?
[ $rc = 0 ] || { echo "golden: run exited $rc"; exit 1; }
if [ "${REVMINE_UPDATE_GOLDEN:-}" = 1 ]; then
	rm -rf "$G/expected" && mkdir -p "$G/expected"
	cp "$T"/out/*.csv "$G/expected/"
	echo "golden: expected files rewritten"
	exit 0
fi
fails=0
for f in "$G"/expected/*.csv; do
	n=$(basename "$f")
	if cmp -s "$f" "$T/out/$n"; then
		echo "ok - $n"
	else
		echo "FAIL - $n differs:"
		diff "$f" "$T/out/$n" | head -n 10
		fails=$((fails + 1))
	fi
done
[ "$(ls "$G"/expected/*.csv | wc -l)" = 14 ] || { echo "FAIL - expected 14 CSV files"; fails=$((fails + 1)); }
echo "golden: $fails failed"
[ $fails = 0 ]
