#!/bin/sh
# The sample corpus: regenerating it from tools/corpus-src/ gives the committed
# PDFs and truth files byte for byte, --scale is deterministic, and
# `revmine extract` recovers each PDF's truth text (extract-score F1 >= 0.99
# with no furniture leaks, or, without the scorer, the same word sequence).
#
# Env: REVMINE, MKCORPUS, SCORE (as `make test` sets them).

set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib/common.sh
SCORE=${SCORE:-build/extract-score}
TRUTH=tests/golden/corpus-truth
tmp=$T

# fontconfig keeps its configuration until exit (FcFini is not linked in):
# under `make check-asan` that is not a leak of ours.
mk() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$MKCORPUS" "$@"; }

say() { printf 'corpus: %s\n' "$*"; }
bad() { fail "corpus: $*"; }

# 1. Regeneration matches what is committed.
mk --out "$tmp/pdf" --truth "$tmp/truth" tools/corpus-src/*.txt 2>"$tmp/mk.err" ||
	{ cat "$tmp/mk.err"; bad "mkcorpus failed"; exit 1; }
for src in tools/corpus-src/*.txt; do
	n=$(basename "$src" .txt)
	cmp -s "$tmp/pdf/$n.pdf" "corpus/$n.pdf" ||
		bad "corpus/$n.pdf differs from a fresh 'make corpus' (run it and commit)"
	for kind in truth furniture; do
		cmp -s "$tmp/truth/$n.$kind.txt" "$TRUTH/$n.$kind.txt" ||
			bad "$TRUTH/$n.$kind.txt differs from a fresh 'make corpus'"
	done
done
for pdf in corpus/*.pdf; do
	[ -f "tools/corpus-src/$(basename "$pdf" .pdf).txt" ] || bad "$pdf has no source in tools/corpus-src"
done

# 2. The benchmark mode is deterministic.
mk --scale 2 --seed 7 --out "$tmp/s1" 2>/dev/null &&
	mk --scale 2 --seed 7 --out "$tmp/s2" 2>/dev/null ||
	bad "mkcorpus --scale failed"
for f in "$tmp"/s1/*.pdf; do
	cmp -s "$f" "$tmp/s2/$(basename "$f")" || bad "--scale output is not deterministic"
done
[ $fails -eq 0 ] && pass "generator: $(ls "$tmp"/pdf/*.pdf | wc -l) documents regenerate identically"

# 3. Extraction recovers the truth.
words() {
	# lowercase word sequence, one per line (the fallback comparison)
	LC_ALL=C tr 'A-Z' 'a-z' <"$1" | LC_ALL=C tr -cs 'a-z0-9' '\n' | sed '/^$/d'
}

if [ ! -x "$REVMINE" ]; then
	bad "$REVMINE not built: extraction not checked"
	exit 1
fi
first=$(ls "$tmp"/pdf/*.pdf | head -n 1)
"$REVMINE" extract "$first" >"$tmp/probe.out" 2>"$tmp/probe.err"
rc=$?
if [ $rc -eq 3 ] && grep -q "not built yet" "$tmp/probe.out" "$tmp/probe.err"; then
	bad "revmine extract is not built yet: extraction not checked"
	exit 1
fi

if [ -x "$SCORE" ]; then
	say "scoring with $SCORE"
else
	say "$SCORE not found: comparing word sequences"
fi
for pdf in "$tmp"/pdf/*.pdf; do
	n=$(basename "$pdf" .pdf)
	out="$tmp/$n.out"
	"$REVMINE" extract "$pdf" >"$out" 2>"$tmp/$n.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		bad "$n: revmine extract exited $rc ($(head -n 1 "$tmp/$n.err"))"
		continue
	fi
	if [ -x "$SCORE" ]; then
		line=$("$SCORE" "$TRUTH/$n.truth.txt" "$out" --furniture "$TRUTH/$n.furniture.txt")
		f1=$(printf '%s\n' "$line" | sed -n 's/.*F1=\([0-9.]*\).*/\1/p')
		furn=$(printf '%s\n' "$line" | sed -n 's/.*furn=\([0-9]*\).*/\1/p')
		if [ -n "$f1" ] && [ -n "$furn" ] &&
		   awk -v f="$f1" -v u="$furn" 'BEGIN { exit !(f >= 0.99 && u == 0) }'; then
			pass "$n  $line"
		else
			bad "$n: $line (want F1>=0.99, furn=0)"
		fi
	else
		words "$TRUTH/$n.truth.txt" >"$tmp/$n.tw"
		words "$out" >"$tmp/$n.ow"
		if cmp -s "$tmp/$n.tw" "$tmp/$n.ow"; then
			pass "$n  (word sequence matches)"
		else
			bad "$n: word sequence differs from the truth:"
			diff "$tmp/$n.tw" "$tmp/$n.ow" | head -n 6
		fi
	fi
done

echo "corpus: $fails failed"
[ $fails = 0 ]
