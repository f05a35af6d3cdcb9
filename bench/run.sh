#!/bin/sh
# make bench: speed of revmine against baselines measured in the same run.
#  1. extraction + whole pipeline: `revmine run -j1` against `pdftotext` (one
#     process per file, as revmine's workers) over a generated scale corpus;
#  2. the text stage: tokenize + stem + classify against a plain
#     split-and-stem loop over the same text (bench/textbench.c).
# Usage: bench/run.sh REVMINE MKCORPUS TEXTBENCH [DOCS]
set -eu
REVMINE=$1 MKCORPUS=$2 TEXTBENCH=$3 DOCS=${4:-${BENCH_DOCS:-200}}
B=${BENCH_DIR:-build/bench}
rm -rf "$B" && mkdir -p "$B/scale" "$B/text"
now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "bench: generating $DOCS documents (--scale)"
"$MKCORPUS" --scale "$DOCS" --out "$B/scale" tools/corpus-src/*.txt >/dev/null
pages=$(for f in "$B"/scale/*.pdf; do pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}'; done |
	awk '{ s += $1 } END { print s + 0 }')
echo "bench: $(ls "$B"/scale/*.pdf | wc -l) PDFs, $pages pages"

# Warm the page cache so neither side pays for the first read.
cat "$B"/scale/*.pdf > /dev/null

t0=$(now)
for f in "$B"/scale/*.pdf; do pdftotext "$f" - > /dev/null 2>&1 || true; done
t1=$(now)
"$REVMINE" run "$B/scale" -o "$B/out" -j 1 --no-cache --quiet || true
t2=$(now)
"$REVMINE" run "$B/scale" -o "$B/out2" -j 2 --no-cache --quiet || true
t3=$(now)
base=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
rev=$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')
rev2=$(awk -v a="$t2" -v b="$t3" 'BEGIN { print b - a }')
printf 'bench: pdftotext        %8.2f s\n' "$base"
printf 'bench: revmine run -j1  %8.2f s   ratio %s x pdftotext (target <= 1.10)\n' "$rev" "$(ratio "$rev" "$base")"
printf 'bench: revmine run -j2  %8.2f s   speed-up %s x over -j1\n' "$rev2" "$(ratio "$rev" "$rev2")"

# Text stage over the extracted text of the same documents.
for f in "$B"/scale/*.pdf; do pdftotext "$f" "$B/text/$(basename "$f" .pdf).txt" 2>/dev/null || true; done
"$TEXTBENCH" "$B"/text/*.txt
