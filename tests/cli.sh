#!/bin/sh
# CLI behaviour on good and bad input: exit statuses, the stderr line that
# names the file and the reason, the outputs a run writes, determinism
# across worker counts and cache use, and map/reduce against run.
# Needs: REVMINE (the binary), MKCORPUS (the corpus generator); qpdf for the
# encrypted case.
set -u
. tests/lib/common.sh


# --- inputs -------------------------------------------------------------
mkdir -p "$T/in" "$T/bad"
$MKCORPUS --out "$T/in" --truth "$T/truth" tools/corpus-src/*.txt >/dev/null 2>&1 ||
	{ echo "FAIL - mkcorpus could not build the test inputs"; exit 1; }
good=$(ls "$T"/in/*.pdf | head -n 1)
[ -n "$good" ] || { echo "FAIL - no generated PDF"; exit 1; }
printf '# A heading\n\nA paragraph about information sharing between agencies.\n' > "$T/in/note.txt"

head -c 700 "$good" > "$T/bad/truncated.pdf"
printf 'this is not a pdf at all\n' > "$T/bad/notapdf.pdf"
: > "$T/bad/empty.pdf"
: > "$T/bad/empty.txt"
mkdir "$T/bad/folder.pdf"
head -c 4096 /dev/urandom > "$T/bad/junk.pdf"
mkfifo "$T/bad/pipe.pdf"
ln -s /etc/passwd "$T/bad/outside.txt"
ln -s loop.pdf "$T/bad/loop.pdf"
if command -v qpdf >/dev/null 2>&1; then
	qpdf --encrypt secret secret 256 -- "$good" "$T/bad/locked.pdf"
	qpdf --encrypt "" owner 256 -- "$good" "$T/in/openable.pdf"
fi

# --- extract --------------------------------------------------------------
expect 0 "" "extract: a generated PDF" -- "$REVMINE" extract "$good"
[ -s "$T/stdout" ] && pass "extract: prints text" || fail "extract: no text printed"
expect 0 "" "extract --passages" -- "$REVMINE" extract --passages "$good"
head -n 1 "$T/stdout" | grep -qx 'doc_id,passage,page,section,kind,ocr,text' &&
	pass "extract --passages: header" || fail "extract --passages: header is '$(head -n 1 "$T/stdout")'"
expect 1 "truncated.pdf" "extract: truncated PDF" -- "$REVMINE" extract "$T/bad/truncated.pdf"
expect 1 "notapdf.pdf" "extract: not a PDF" -- "$REVMINE" extract "$T/bad/notapdf.pdf"
expect 1 "empty.pdf" "extract: empty file" -- "$REVMINE" extract "$T/bad/empty.pdf"
expect 1 "junk.pdf" "extract: binary junk" -- "$REVMINE" extract "$T/bad/junk.pdf"
expect 1 "folder.pdf" "extract: a directory" -- "$REVMINE" extract "$T/bad/folder.pdf"
expect 1 "missing.pdf" "extract: a missing file" -- "$REVMINE" extract "$T/bad/missing.pdf"
expect 1 "pipe.pdf" "extract: a FIFO" -- "$REVMINE" extract "$T/bad/pipe.pdf"
if [ -f "$T/bad/locked.pdf" ]; then
	expect 1 "encrypted: needs a password" "extract: password-protected PDF" -- \
		"$REVMINE" extract "$T/bad/locked.pdf"
	expect 0 "" "extract: PDF encrypted with an empty user password" -- \
		"$REVMINE" extract "$T/in/openable.pdf"
fi
expect 2 "usage" "extract: no file" -- "$REVMINE" extract
expect 2 "unknown command" "unknown command" -- "$REVMINE" frobnicate

# --- run: bad inputs are reported by name, the batch goes on --------------
expect 1 "skipping '.*truncated.pdf'" "run: mixed folder finishes with status 1" -- \
	"$REVMINE" run "$T/in" "$T/bad" -o "$T/out1" -j 2 --quiet
for p in "notapdf.pdf': extract" "pipe.pdf': input: not a regular file" \
	 "outside.txt': input: symlink points outside" "loop.pdf': input" \
	 "empty.txt"; do
	grep -q -- "$p" "$T/stderr" && pass "run: reports $p" || fail "run: no line for $p"
done
[ -f "$T/bad/locked.pdf" ] && { grep -q "locked.pdf': extract: encrypted: needs a password" "$T/stderr" &&
	pass "run: reports the encrypted file" || fail "run: encrypted file not reported"; }
for f in documents passages passage_themes doc_theme_matrix doc_term_counts \
	 doc_term_matrix vocabulary theme_cooccurrence theme_pairs theme_prevalence \
	 theme_terms term_pairs quotes theme_by_group; do
	[ -s "$T/out1/$f.csv" ] && pass "run: wrote $f.csv" || fail "run: $f.csv missing"
done
[ -s "$T/out1/manifest.json" ] && pass "run: wrote manifest.json" || fail "run: manifest.json missing"
ls "$T/out1" | grep -q '\.tmp\.' && fail "run: temporary files left" || pass "run: no temporary files left"
grep -q ',error,' "$T/out1/documents.csv" && pass "run: errors listed in documents.csv" ||
	fail "run: no error rows in documents.csv"
n_in=$(ls "$T/in" | grep -c -e '\.pdf$' -e '\.txt$')
n_ok=$(grep -c -e ',ok,' -e ',warning,' "$T/out1/documents.csv")
[ "$n_ok" = "$n_in" ] && pass "run: every good document processed ($n_ok)" ||
	fail "run: $n_ok good documents processed, want $n_in"

# --- determinism: -j1 vs -j2, cache vs none, map/reduce vs run ------------
expect 0 "" "run -j1 --no-cache" -- "$REVMINE" run "$T/in" -o "$T/a" -j 1 --no-cache --quiet
mkdir -p "$T/b" && : > "$T/b/documents.csv.tmp.4242" && : > "$T/b/notes.tmp.txt"
expect 0 "" "run -j2" -- "$REVMINE" run "$T/in" -o "$T/b" -j 2 --quiet
[ ! -e "$T/b/documents.csv.tmp.4242" ] && [ -e "$T/b/notes.tmp.txt" ] &&
	pass "run: a killed run's temporary files are cleared, other files kept" ||
	fail "run: stale temporary files"
rm -f "$T/b/notes.tmp.txt"
expect 0 "" "run again from the cache" -- "$REVMINE" run "$T/in" -o "$T/b" -j 2 --quiet
same=1
for f in "$T"/a/*.csv; do cmp -s "$f" "$T/b/$(basename "$f")" || { same=0; echo "  differs: $(basename "$f")"; }; done
[ $same = 1 ] && pass "run: byte-identical CSVs for -j1, -j2 and a cached rerun" || fail "run: outputs differ"
expect 0 "" "map shard 1/2" -- "$REVMINE" map --shard 1/2 --records "$T/rec" "$T/in" --quiet
expect 0 "" "map shard 2/2" -- "$REVMINE" map --shard 2/2 --records "$T/rec" "$T/in" --quiet
expect 0 "" "reduce" -- "$REVMINE" reduce --records "$T/rec" -o "$T/c" --quiet
same=1
for f in "$T"/a/*.csv; do cmp -s "$f" "$T/c/$(basename "$f")" || { same=0; echo "  differs: $(basename "$f")"; }; done
[ $same = 1 ] && pass "map + reduce: same CSVs as run" || fail "map + reduce: outputs differ"
expect 0 "" "run --excel" -- "$REVMINE" run "$T/in" -o "$T/x" --excel --quiet
head -c 3 "$T/x/documents.csv" | od -An -tx1 | grep -q 'ef bb bf' && pass "--excel: BOM written" ||
	fail "--excel: no BOM"

# --- usage and configuration errors -------------------------------------
expect 2 "unknown option" "run: unknown option" -- "$REVMINE" run --frob
expect 2 "-j" "run: bad -j" -- "$REVMINE" run -j 0 "$T/in"
printf 'this is not a codebook\n' > "$T/bad.cb"
expect 2 "bad.cb:1:" "run: malformed codebook names file:line" -- "$REVMINE" run -c "$T/bad.cb" "$T/in" -o "$T/y"
expect 2 "" "run: missing stopword file" -- "$REVMINE" run --stopwords "$T/nope.txt" "$T/in" -o "$T/y"
expect 3 "missing" "run: nothing but a missing path" -- "$REVMINE" run "$T/missing" -o "$T/z" --quiet
if [ "$(id -u)" != 0 ]; then
	mkdir "$T/ro" && chmod 555 "$T/ro"
	expect 3 "cannot write" "run: unwritable output folder" -- "$REVMINE" run "$T/in" -o "$T/ro/out"
fi
: > "$T/file"
expect 3 "cannot write" "run: output path is a file" -- "$REVMINE" run "$T/in" -o "$T/file/out"
expect 3 "stopping: --strict" "run --strict stops at the first failure" -- "$REVMINE" run --strict "$T/in" "$T/bad" -o "$T/s" --quiet

echo "cli: $fails failed"
[ $fails = 0 ]
