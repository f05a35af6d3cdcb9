#!/bin/sh
# make bench: revmine's speed against honest baselines, all measured in the
# same run on the same files, ratios printed at the end.
#  1. PDF corpora: the generated scale corpus and, when ../shared/pdf-samples
#     exists, PDFs from real producers (copied BENCH_COPIES times). On each:
#     - floor: the in-process poppler get_text loop (bench/floor.c), 1 core;
#     - the PyMuPDF + scikit-learn script (bench/pymupdf_sklearn.py), 1 core,
#       when python3-fitz and python3-sklearn are installed
#       (scripts/install-deps --bench);
#     - pdftotext, one process per file;
#     - revmine run -j1 --no-cache and -j2 --no-cache.
#  2. A text-only corpus (the generated corpus's text cut into BENCH_TEXT_DOCS
#     .txt documents): a cold run -j2 in MB/s per core, then the nightly
#     case (the same run again with 1% new documents, from the cache) as a
#     share of the cold run, and the record cache's size against the text.
#     Then BENCH_BIG_DOCS (default 10000) documents of four text documents
#     each, run cold with -j2: MB/s per core and revmine's own peak RSS.
#  3. The text stage alone (bench/textbench.c).
#  4. Hot spots, when perf works here (linux-perf, scripts/install-deps
#     --bench): run -j1 --no-cache profiled on BENCH_PROFILE_DOCS (default
#     50) documents of the generated PDF corpus and of the text corpus,
#     named by stage (bench/hotspots.py).
# Each figure is the mean of BENCH_REPEAT runs (default 1) after the files
# were read once (page cache warm); the commands compared on a corpus run in
# rounds, one of each per round, and every cold run starts without a cache.
# Usage: bench/run.sh REVMINE MKCORPUS TEXTBENCH FLOOR [DOCS]
set -eu
REVMINE=$1 MKCORPUS=$2 TEXTBENCH=$3 FLOOR=$4 DOCS=${5:-${BENCH_DOCS:-200}}
COPIES=${BENCH_COPIES:-5} TEXT_DOCS=${BENCH_TEXT_DOCS:-2000} R=${BENCH_REPEAT:-1}
SAMPLES=${BENCH_SAMPLES:-../shared/pdf-samples}
B=${BENCH_DIR:-build/bench}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
rm -rf "$B" && mkdir -p "$B/scale" "$B/text" "$B/out"
now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
# CPU seconds (user + system) used so far by this shell's children, from
# the `times` builtin's second line ("0m1.230000s 0m0.450000s").
# `times` runs in this shell (not in a $(...) subshell, which has no
# children of its own yet); VAR gets the figure.
child_cpu() {
	times >"$B/times"
	eval "$1=$(awk 'NR == 2 { split($0, f, /[ ms]+/); print f[1] * 60 + f[2] + f[3] * 60 + f[4] }' "$B/times")"
}
# acc VAR CMD...: one run of CMD, its wall seconds added to $VAR and its
# CPU seconds (every process and thread of its) to ${VAR}_cpu (both start
# unset: 0); per VAR: the mean of the runs so far (R of them).
acc() {
	var=$1
	shift
	child_cpu c0
	t0=$(now)
	"$@" >/dev/null 2>&1 || true
	t1=$(now)
	child_cpu c1
	eval "$var=$(awk -v s="$(eval echo \${$var:-0})" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", s + b - a }')"
	eval "${var}_cpu=$(awk -v s="$(eval echo \${${var}_cpu:-0})" -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f", s + b - a }')"
}
per() {
	for v in "$@"; do
		eval "$v=$(awk -v s="$(eval echo \$$v)" -v r="$R" 'BEGIN { printf "%.3f", s / r }')"
		eval "${v}_cpu=$(awk -v s="$(eval echo \${${v}_cpu})" -v r="$R" 'BEGIN { printf "%.3f", s / r }')"
	done
}
# timeit VAR CMD...: mean wall seconds of R runs of CMD into $VAR, and
# their mean CPU seconds (every process and thread of theirs) into ${VAR}_cpu
timeit() {
	var=$1
	shift
	child_cpu c0
	t0=$(now)
	k=0
	while [ $k -lt "$R" ]; do
		"$@" >/dev/null 2>&1 || true
		k=$((k + 1))
	done
	eval "$var=$(awk -v a="$t0" -v b="$(now)" -v r="$R" 'BEGIN { printf "%.3f", (b - a) / r }')"
	child_cpu c1
	eval "${var}_cpu=$(awk -v a="$c0" -v b="$c1" -v r="$R" 'BEGIN { printf "%.3f", (b - a) / r }')"
}
pdftotext_each() { for f in "$@"; do pdftotext "$f" - >/dev/null 2>&1 || true; done; }
have_py=0
"$PY" -c 'import fitz, sklearn' 2>/dev/null && have_py=1

echo "bench: generating $DOCS documents (--scale)"
"$MKCORPUS" --scale "$DOCS" --out "$B/scale" tools/corpus-src/*.txt >/dev/null
corpora=scale
if [ -d "$SAMPLES" ] && ls "$SAMPLES"/*.pdf >/dev/null 2>&1; then
	mkdir -p "$B/real"
	c=1
	while [ $c -le "$COPIES" ]; do
		for f in "$SAMPLES"/*.pdf; do cp "$f" "$B/real/c$c-$(basename "$f")"; done
		c=$((c + 1))
	done
	corpora="scale real"
else
	echo "bench: $SAMPLES not found, PDFs from real producers skipped"
fi
[ $have_py = 1 ] || echo "bench: python3-fitz or python3-sklearn missing, PyMuPDF + scikit-learn script skipped (scripts/install-deps --bench)"

summary=
for c in $corpora; do
	set -- "$B/$c"/*.pdf
	cat "$@" >/dev/null
	pages=$("$FLOOR" "$@" | sed 's/.*), \([0-9]*\) pages.*/\1/')
	[ "$c" = scale ] && scale_pages=$pages
	echo "bench: $c: $# PDFs, $pages pages"
	# the R runs of each in rounds (floor, script, pdftotext, -j1, -j2,
	# then again), so a slow spell of a shared machine falls on all of
	# them rather than on one
	unset floor floor_cpu py py_cpu p2t p2t_cpu j1 j1_cpu j2 j2_cpu
	py=0 py_cpu=0
	[ $have_py = 1 ] && mkdir -p "$B/py-$c"
	k=0
	while [ $k -lt "$R" ]; do
		acc floor "$FLOOR" "$@"
		[ $have_py = 1 ] && acc py "$PY" bench/pymupdf_sklearn.py "$B/py-$c" "$@"
		acc p2t pdftotext_each "$@"
		acc j1 "$REVMINE" run "$B/$c" -o "$B/out/$c-j1" -j 1 --no-cache --quiet
		acc j2 "$REVMINE" run "$B/$c" -o "$B/out/$c-j2" -j 2 --no-cache --quiet
		k=$((k + 1))
	done
	per floor py p2t j1 j2
	printf 'bench: %-5s floor (poppler get_text, 1 core)   %7.2f s\n' "$c" "$floor"
	[ $have_py = 1 ] && printf 'bench: %-5s PyMuPDF + scikit-learn (1 core) %7.2f s\n' "$c" "$py"
	printf 'bench: %-5s pdftotext per file              %7.2f s\n' "$c" "$p2t"
	printf 'bench: %-5s revmine run -j1 --no-cache      %7.2f s (CPU %.2f s: one worker, the reduce thread beside it)\n' "$c" "$j1" "$j1_cpu"
	printf 'bench: %-5s revmine run -j2 --no-cache      %7.2f s\n' "$c" "$j2"
	summary="$summary
bench: $c: run -j1 / floor $(ratio "$j1" "$floor") (target <= 1.50), in CPU seconds $(ratio "$j1_cpu" "$floor_cpu"); run -j1 / pdftotext $(ratio "$j1" "$p2t"); -j2 speed-up over -j1 $(ratio "$j1" "$j2")"
	[ $have_py = 1 ] && summary="$summary
bench: $c: PyMuPDF + scikit-learn / run -j2 $(ratio "$py" "$j2") (target >= 1.50); PyMuPDF + scikit-learn / run -j1 $(ratio "$py" "$j1")"
done

# Text-only corpus: the scale corpus's text, pages grouped into TEXT_DOCS
# documents.
for f in "$B"/scale/*.pdf; do pdftotext "$f" - 2>/dev/null || true; done |
	awk -v n="$TEXT_DOCS" -v dir="$B/text" -v pages="$scale_pages" '
	BEGIN { RS = "\f"; per = pages / n; if (per < 1) per = 1 }
	{ d = int((NR - 1) / per); if (d >= n) d = n - 1
	  f = sprintf("%s/t%05d.txt", dir, d + 1); print > f; if (d != last) close(last_f); last = d; last_f = f }'
ntext=$(ls "$B/text" | wc -l)
bytes=$(cat "$B"/text/*.txt | wc -c)
cores=$(nproc)
[ "$cores" -gt 2 ] && cores=2
# cold each time: the output folder (and its cache) removed before each run
unset cold cold_cpu
k=0
while [ $k -lt "$R" ]; do
	rm -rf "$B/out/text"
	acc cold "$REVMINE" run "$B/text" -o "$B/out/text" -j 2 --quiet
	k=$((k + 1))
done
per cold
# 1% new documents: copies of existing ones with a line of their own.
new=$((ntext / 100))
[ $new -ge 1 ] || new=1
k=1
for f in $(ls "$B"/text/*.txt | head -n $new); do
	{ cat "$f"; echo "Nightly addition $k."; } > "$B/text/new-$k.txt"
	k=$((k + 1))
done
R0=$R R=1
timeit nightly "$REVMINE" run "$B/text" -o "$B/out/text" -j 2 --quiet
R=$R0
# the records alone; the reduce state beside them is told on its own
state=0
[ -f "$B/out/text/.cache/reduce.state" ] && state=$(wc -c <"$B/out/text/.cache/reduce.state")
cache=$(($(du -sb "$B/out/text/.cache" | cut -f1) - state))
mbs=$(awk -v b="$bytes" -v t="$cold" -v c="$cores" 'BEGIN { printf "%.2f", b / 1e6 / t / c }')
printf 'bench: text  %d documents, %.1f MB: cold run -j2 %.2f s, %s MB/s per core (target >= 4)\n' \
	"$ntext" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$cold" "$mbs"
printf 'bench: text  nightly rerun with %d new documents (1%%): %.2f s, %s%% of the cold run (target <= 5%%)\n' \
	"$new" "$nightly" "$(awk -v a="$nightly" -v b="$cold" 'BEGIN { printf "%.1f", 100 * a / b }')"
printf 'bench: text  record cache %.1f MB, %s x the input text (target <= 1.5); reduce state %.1f MB more (%s x with it)\n' \
	"$(awk -v b="$cache" 'BEGIN { print b / 1e6 }')" "$(ratio "$cache" "$bytes")" \
	"$(awk -v b="$state" 'BEGIN { print b / 1e6 }')" "$(ratio $((cache + state)) "$bytes")"

# At scale: BIG_DOCS documents (default 10000), each four of the text
# documents joined, run cold with -j2 once: MB/s per core and the peak
# resident memory of the revmine process itself (manifest.json).
BIG=${BENCH_BIG_DOCS:-10000}
if [ "$BIG" -gt 0 ]; then
	mkdir -p "$B/big"
	ls "$B"/text/t*.txt | awk -v n="$BIG" -v dir="$B/big" '
	{ f[NR] = $0 }
	END {
		srand(1)
		for (i = 1; i <= n; i++) {
			out = sprintf("%s/d%05d.txt", dir, i)
			for (k = 0; k < 4; k++) {
				j = int(rand() * NR) + 1
				while ((getline line < f[j]) > 0)
					print line > out
				close(f[j])
				print "" > out
			}
			close(out)
		}
	}'
	big_bytes=$(cat "$B"/big/*.txt | wc -c)
	R0=$R R=1
	timeit big "$REVMINE" run "$B/big" -o "$B/out/big" -j 2 --quiet
	R=$R0
	rss=$(grep -o '"peak_rss_mib": [0-9.]*' "$B/out/big/manifest.json" | awk '{ print $2 }')
	printf 'bench: big   %d documents, %.1f MB: cold run -j2 %.2f s, %s MB/s per core; revmine'"'"'s own peak RSS %s MiB (target <= 256)\n' \
		"$BIG" "$(awk -v b="$big_bytes" 'BEGIN { print b / 1e6 }')" "$big" \
		"$(awk -v b="$big_bytes" -v t="$big" -v c="$cores" 'BEGIN { printf "%.2f", b / 1e6 / t / c }')" "${rss:-?}"
fi
echo "$summary" | sed '/^$/d'

# The text stage alone over the same text.
"$TEXTBENCH" "$B"/text/t*.txt

# Hot spots: where a run spends its time, by stage.
profile() {
	label=$1
	shift
	mkdir -p "$B/prof-$label"
	for f in "$@"; do cp "$f" "$B/prof-$label/"; done
	if ! perf record -q --call-graph dwarf,16384 -F 499 -o "$B/perf-$label.data" -- \
		"$REVMINE" run "$B/prof-$label" -o "$B/out/prof-$label" -j 1 --no-cache --quiet \
		>/dev/null 2>"$B/perf-$label.err"; then
		echo "bench: hot spots: perf cannot profile here ($(head -n 1 "$B/perf-$label.err"))"
		return 0
	fi
	echo "bench: $label: run -j1 --no-cache on $# documents, profiled"
	perf script -i "$B/perf-$label.data" 2>/dev/null | "$PY" bench/hotspots.py || true
}
if command -v perf >/dev/null 2>&1 && perf version >/dev/null 2>&1; then
	P=${BENCH_PROFILE_DOCS:-50}
	profile scale $(ls "$B"/scale/*.pdf | head -n "$P")
	profile text $(ls "$B"/text/t*.txt | head -n "$((P * 10))")
else
	echo "bench: perf not installed, hot spots skipped (scripts/install-deps --bench)"
fi
