#!/bin/sh
# Publishing outputs: a run that finds nothing, or whose documents all
# fail, or that would drop most of what was published, leaves the previous
# outputs byte-identical; two runs into one folder take turns (flock); a
# kill -9 at any moment leaves every output all old or all new; a rename
# list left by a kill is finished by the next run; no temporary files stay;
# damaged cache records, and records of other versions, are rebuilt.
set -u
. tests/lib/common.sh

mkdir -p "$T/a" "$T/b" "$T/empty" "$T/bad" "$T/one"
for f in corpus/*; do cp "$f" "$T/b/"; done
for f in $(ls corpus/* | tail -n +2); do cp "$f" "$T/a/"; done
cp "$(ls corpus/*.txt | head -n 1)" "$T/one/"
head -c 3000 /dev/urandom > "$T/bad/junk.pdf"
printf 'not a pdf\n' > "$T/bad/notapdf.pdf"

run() { "$REVMINE" run "$@" -j 2 --quiet; }
# snapshot DIR NAME: checksums of every output file
snapshot() { (cd "$1" && md5sum *.csv manifest.json) > "$T/$2.md5"; }
same_as() { (cd "$1" && md5sum -c --quiet "$T/$2.md5" >/dev/null 2>&1); }

run "$T/b" -o "$T/outb" || { echo "FAIL - reference run"; exit 1; }
run "$T/a" -o "$T/out" || { echo "FAIL - first run"; exit 1; }
snapshot "$T/out" A

expect 3 "not publishing: no documents found" "empty input refused" -- \
	"$REVMINE" run "$T/empty" -o "$T/out" --quiet
same_as "$T/out" A && pass "empty input: outputs byte-identical" || fail "empty input changed the outputs"
expect 3 "not publishing: every document failed" "all-failed input refused" -- \
	"$REVMINE" run "$T/bad" -o "$T/out" --quiet
same_as "$T/out" A && pass "all failed: outputs byte-identical" || fail "all-failed run changed the outputs"
expect 3 "would be dropped (--replace" "dropping most documents refused" -- \
	"$REVMINE" run "$T/one" -o "$T/out" --quiet
same_as "$T/out" A && pass "drop refused: outputs byte-identical" || fail "refused drop changed the outputs"

cp -r "$T/out" "$T/out2"
expect 0 "" "--allow-empty publishes empty outputs" -- \
	"$REVMINE" run "$T/empty" -o "$T/out2" --quiet --allow-empty
[ "$(wc -l < "$T/out2/documents.csv")" = 1 ] && pass "--allow-empty: documents.csv has the header only" ||
	fail "--allow-empty: documents.csv not emptied"
expect 0 "" "--replace publishes a smaller set" -- \
	"$REVMINE" run "$T/one" -o "$T/out2" --quiet --replace
[ "$(wc -l < "$T/out2/documents.csv")" = 2 ] && pass "--replace: one document published" ||
	fail "--replace: documents.csv not replaced"

# The lock: --no-wait fails at once, a second run waits its turn.
if command -v flock >/dev/null 2>&1; then
	flock "$T/out/.lock" sleep 3 &
	holder=$!
	sleep 0.5
	expect 3 "in use by another run (--no-wait)" "--no-wait fails while the folder is locked" -- \
		"$REVMINE" run "$T/a" -o "$T/out" --quiet --no-wait
	start=$(date +%s)
	"$REVMINE" run "$T/a" -o "$T/out" -j 2 2> "$T/wait.err" >/dev/null
	rc=$?
	waited=$(( $(date +%s) - start ))
	wait $holder
	[ $rc = 0 ] && [ $waited -ge 2 ] && grep -q "waiting for it to finish" "$T/wait.err" &&
		pass "a second run waits for the lock (${waited} s)" ||
		fail "second run did not wait: rc $rc, ${waited} s: $(cat "$T/wait.err")"
fi

# Two concurrent runs into one folder, with different inputs: both succeed
# and the folder ends as one of them, whole.
rm -rf "$T/cc"
run "$T/a" -o "$T/cc" --no-cache 2>/dev/null & p1=$!
run "$T/b" -o "$T/cc" --no-cache 2>/dev/null & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ] && pass "concurrent runs both succeed" || fail "concurrent runs: status $r1 and $r2"
if cmp -s "$T/cc/passages.csv" "$T/outb/passages.csv"; then ref=outb; else ref=out; fi
ok=1
for f in "$T/$ref"/*.csv; do cmp -s "$f" "$T/cc/$(basename "$f")" || ok=0; done
[ $ok = 1 ] && pass "concurrent runs: outputs are one run's, whole" || fail "concurrent runs mixed the outputs"

# A rename list left by a run killed among its renames is finished by the
# next run (here one that publishes nothing).
cp "$T/outb/passages.csv" "$T/out/passages.csv.tmp.999999"
cp "$T/outb/documents.csv" "$T/out/documents.csv.tmp.999999"
printf 'passages.csv.tmp.999999\tpassages.csv\ndocuments.csv.tmp.999999\tdocuments.csv\n' > "$T/out/.publish"
"$REVMINE" run "$T/empty" -o "$T/out" --quiet 2>/dev/null
cmp -s "$T/out/passages.csv" "$T/outb/passages.csv" && cmp -s "$T/out/documents.csv" "$T/outb/documents.csv" &&
	[ ! -e "$T/out/.publish" ] && pass "an interrupted publish is finished by the next run" ||
	fail "interrupted publish not finished"
run "$T/a" -o "$T/out" --no-cache || fail "rerun"
snapshot "$T/out" A

# kill -9 at several moments of a run that would publish B over A: every
# CSV stays A's, or every CSV is B's.
for delay in 0.1 0.3 0.6 1 1.5 2.5; do
	"$REVMINE" run "$T/b" -o "$T/out" -j 2 --quiet --no-cache >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if [ -e "$T/out/.publish" ]; then
		"$REVMINE" run "$T/empty" -o "$T/out" --quiet 2>/dev/null # finishes the renames
	fi
	old=1 new=1
	for f in "$T"/outb/*.csv; do
		n=$(basename "$f")
		cmp -s "$f" "$T/out/$n" || new=0
		grep -q " $n\$" "$T/A.md5" && ! (cd "$T/out" && grep " $n\$" "$T/A.md5" | md5sum -c --quiet >/dev/null 2>&1) && old=0
	done
	[ -f "$T/out/manifest.json" ] || { old=0; new=0; }
	[ $old = 1 ] || [ $new = 1 ] && pass "kill after $delay s: outputs all old or all new" ||
		fail "kill after $delay s: outputs mixed"
	run "$T/a" -o "$T/out" --replace >/dev/null 2>&1
done
# a run killed while writing report.html or revmine.xlsx leaves their
# temporary files too: the next run clears them like the CSVs'
: >"$T/out/report.html.tmp.424242"
: >"$T/out/revmine.xlsx.tmp.424242"
run "$T/a" -o "$T/out"
left=$(find "$T/out" -name '*.tmp.*' -o -name '.publish' | wc -l)
[ "$left" = 0 ] && pass "no temporary files left" || fail "$left temporary files left"

# Damaged cache records are rebuilt from their documents, and said so.
rm -rf "$T/rc"
run "$T/a" -o "$T/rc" || fail "run for the cache test"
(cd "$T/rc" && md5sum *.csv) > "$T/rc.md5"
set -- "$T"/rc/.cache/*.rec
printf 'X' | dd of="$1" bs=1 seek=200 conv=notrunc 2>/dev/null # a flipped text byte
head -c 100 "$2" > "$T/cut" && cat "$T/cut" > "$2"             # a truncated record
gzip -dc "$3" | sed 's/^m\t[0-9]*/m\t99999999999/' | gzip -c > "$T/ed" &&
	cat "$T/ed" > "$3"                                      # an edited count
# resign FILE: the record's text without its end line, signed again
resign() { sed '$d' "$1" > "$1.b" && printf 'end\t%s\n' "$(sha256sum < "$1.b" | cut -c1-64)" |
	cat "$1.b" - > "$1"; rm -f "$1.b"; }
gzip -dc "$4" | sed '1s/^\(revmine-record\t\)[0-9]*/\14/' > "$T/v3" && resign "$T/v3" &&
	cat "$T/v3" > "$4"                       # a signed record of version 4, plain text
gzip -dc "$5" | sed '1s/^\(revmine-record\t\)\([0-9]*\)/\1\2\2/' > "$T/vx" && resign "$T/vx" &&
	gzip -c "$T/vx" > "$5"                   # a signed gzip record of another version
# records the reduce state takes documents from unread: without it, every
# record is read (tests/state.sh checks a damaged record with the state)
rm -f "$T/rc/.cache/reduce.state"
"$REVMINE" run "$T/a" -o "$T/rc" -j 2 --quiet 2> "$T/rc.err"
rc=$?
n=$(grep -c "rebuilding the record of" "$T/rc.err")
v=$(grep -c "another version\|not gzip" "$T/rc.err")
[ $rc = 0 ] && [ "$n" = 5 ] && [ "$v" = 2 ] &&
	pass "three damaged records and two of other versions rebuilt and reported" ||
	fail "damaged records: status $rc, $n reported ($v of versions): $(head -c 300 "$T/rc.err")"
(cd "$T/rc" && md5sum -c --quiet "$T/rc.md5" >/dev/null 2>&1) && pass "outputs after the rebuild unchanged" ||
	fail "outputs changed after rebuilding records"

echo "publish: $fails failed"
[ $fails = 0 ]
