#!/bin/sh
# Golden test: a small fixture corpus (tests/golden/run/input) through the
# whole pipeline, every CSV compared byte for byte with
# tests/golden/run/expected (the default coding: rules and the default
# model) and, run with --no-model, with tests/golden/run/expected-rules
# (the rules alone, which no retraining of the model may change). After a
# deliberate change to the codebook, model or a stage, regenerate with
# REVMINE_UPDATE_GOLDEN=1 and review the diff.
set -u
. tests/lib/common.sh
G=tests/golden/run
for variant in expected expected-rules; do
	opt=
	[ "$variant" = expected-rules ] && opt=--no-model
	# shellcheck disable=SC2086
	"$REVMINE" run "$G/input" -o "$T/$variant" -j 2 --quiet $opt
	rc=$?
	[ $rc = 0 ] || { echo "FAIL - golden: run $opt exited $rc"; exit 1; }
	if [ "${REVMINE_UPDATE_GOLDEN:-}" = 1 ]; then
		rm -rf "${G:?}/$variant" && mkdir -p "$G/$variant"
		cp "$T/$variant"/*.csv "$G/$variant/"
		echo "golden: $variant files rewritten"
		continue
	fi
	for f in "$G/$variant"/*.csv; do
		n=$(basename "$f")
		if cmp -s "$f" "$T/$variant/$n"; then
			pass "$variant/$n"
		else
			fail "$variant/$n differs:"
			diff "$f" "$T/$variant/$n" | head -n 10
		fi
	done
	[ "$(ls "$G/$variant"/*.csv | wc -l)" = 14 ] || fail "expected 14 CSV files in $variant"
done
echo "golden: $fails failed"
[ $fails = 0 ]
