#!/bin/sh
# Long-lived workers: a worker that crashes, goes past its CPU or wall-clock
# limit on document k costs k an error row and nothing else (the documents
# it served before and the ones after are processed as without the fault),
# and replacing workers after every document or every two changes no
# output byte. Faults are injected with REVMINE_TEST_FAULT (batch.c).
set -u
. tests/lib/common.sh
mkdir -p "$T/in"
for n in a b c d e f g; do
	{
		echo "# Review $n"
		echo
		echo "Agencies did not share information about neglect in family $n."
		echo
		echo "Recommendation: the board should ensure that escalation is used when concerns about domestic abuse persist ($n)."
	} > "$T/in/$n.txt"
done

same_but() { # DIR-A DIR-B WHAT: every CSV but documents.csv equal
	s=1
	for f in "$T/$1"/*.csv; do
		b=$(basename "$f")
		[ "$b" = documents.csv ] && continue
		cmp -s "$f" "$T/$2/$b" || { s=0; echo "  differs: $b"; }
	done
	[ $s = 1 ] && pass "$3" || fail "$3"
}
ok_rows() { grep -c -e ',ok,' -e ',warning,' "$T/$1/documents.csv"; }

"$REVMINE" run "$T/in" -o "$T/ref" -j 1 --quiet || fail "reference run"
for m in 1 2; do
	"$REVMINE" run "$T/in" -o "$T/w$m" -j 2 --no-cache --quiet --worker-docs $m &&
		pass "--worker-docs $m runs" || fail "--worker-docs $m: exit $?"
	s=1
	for f in "$T"/ref/*.csv; do cmp -s "$f" "$T/w$m/$(basename "$f")" || s=0; done
	[ $s = 1 ] && pass "--worker-docs $m: same CSVs" || fail "--worker-docs $m: outputs differ"
done

# run hands records over in memory (the parent writes them), map's workers
# write them: the same files, byte for byte, and none left behind as a
# temporary or held descriptor.
"$REVMINE" map --shard 1/1 --records "$T/maprec" "$T/in" -j 2 --quiet ||
	fail "map for the records"
s=1 n=0
for f in "$T"/maprec/*.rec; do
	n=$((n + 1))
	cmp -s "$f" "$T/w2/.cache/$(basename "$f")" || { s=0; echo "  differs: $(basename "$f")"; }
done
[ $n = 7 ] && [ $s = 1 ] && [ "$(ls "$T/w2/.cache" | grep -c '\.rec$')" = 7 ] &&
	pass "records handed over by run's workers are map's, byte for byte" ||
	fail "records of run and map differ ($n compared)"
ls "$T/w2/.cache" | grep -q 'tmp' && fail "a temporary record left: $(ls "$T/w2/.cache")" ||
	pass "no temporary record left"
if command -v strace >/dev/null 2>&1; then
	strace -f -e trace=memfd_create -o "$T/strace" "$REVMINE" run "$T/in" -o "$T/w3" -j 2 \
		--no-cache --quiet
	[ "$(grep -c 'memfd_create("revmine-record"' "$T/strace")" = 7 ] &&
		pass "run -j2: every record handed over in memory" ||
		fail "records handed over: $(grep -c memfd_create "$T/strace") of 7"
	s=1
	for f in "$T"/ref/*.csv; do cmp -s "$f" "$T/w3/$(basename "$f")" || s=0; done
	[ $s = 1 ] && pass "handed-over records: same CSVs" || fail "handed-over records: outputs differ"
fi

# Without c: what every faulted run must give for the other documents.
mkdir -p "$T/x/in" && cp "$T"/in/*.txt "$T/x/in/" && rm "$T/x/in/c.txt"
"$REVMINE" run "$T/x/in" -o "$T/ref-c" -j 1 --quiet || fail "reference run without c"

for j in 1 2; do
	REVMINE_TEST_FAULT=crash:c.txt "$REVMINE" run "$T/in" -o "$T/crash$j" -j $j --no-cache \
		--quiet 2>"$T/err"
	rc=$?
	[ $rc = 1 ] && grep -q "c.txt': worker: worker crashed (signal 11" "$T/err" &&
		pass "-j$j: a crash in c is c's error" || fail "-j$j crash: exit $rc, $(cat "$T/err")"
	[ "$(grep -c "skipping" "$T/err")" = 1 ] && [ "$(ok_rows crash$j)" = 6 ] &&
		grep -q '^c.txt,.*,error,' "$T/crash$j/documents.csv" &&
		pass "-j$j crash: one error row, six documents ok" || fail "-j$j crash: $(cat "$T/crash$j/documents.csv")"
	same_but ref-c crash$j "-j$j crash: the other documents as without c"
done

REVMINE_TEST_FAULT=crash:b.txt,crash:e.txt "$REVMINE" run "$T/in" -o "$T/crash2" -j 1 \
	--no-cache --quiet --worker-docs 3 2>"$T/err"
[ "$(grep -c "worker crashed" "$T/err")" = 2 ] && [ "$(ok_rows crash2)" = 5 ] &&
	pass "two crashes, replaced workers: two error rows" || fail "two crashes: $(cat "$T/err")"

REVMINE_TEST_FAULT=hang:c.txt "$REVMINE" run "$T/in" -o "$T/hang" -j 2 --no-cache --quiet \
	--timeout 1 2>"$T/err"
grep -q "c.txt': worker: worker timed out after 1 s" "$T/err" && [ "$(ok_rows hang)" = 6 ] &&
	pass "a hung document times out alone" || fail "hang: $(cat "$T/err")"
same_but ref-c hang "timeout: the other documents as without c"

REVMINE_TEST_FAULT=spin:c.txt "$REVMINE" run "$T/in" -o "$T/spin" -j 1 --no-cache --quiet \
	--timeout 1 2>"$T/err"
grep -q "c.txt': worker: worker \(exceeded its cpu-time limit\|timed out\)" "$T/err" &&
	[ "$(ok_rows spin)" = 6 ] && pass "a spinning document hits a limit alone" ||
	fail "spin: $(cat "$T/err")"
same_but ref-c spin "cpu limit: the other documents as without c"

# No worker outlives its run: the run is killed while a worker hangs on g
# (the other six documents' records written).
REVMINE_TEST_FAULT=hang:g.txt "$REVMINE" run "$T/in" -o "$T/kill" -j 2 --no-cache --quiet \
	--timeout 60 2>/dev/null &
pid=$!
six_done() { [ "$(ls "$T/kill/.cache" 2>/dev/null | grep -cv '\.tmp\.')" -ge 6 ]; }
wait_until 60 six_done || fail "hang: six records not written in 60 s"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
rc=$?
[ $rc = 137 ] && pass "the run is killed while a worker hangs" ||
	fail "the run ended (status $rc) before it was killed"
strays() { ps -eo pid=,args= | grep -c "[r]evmine run $T/in -o $T/kill"; }
no_strays() { [ "$(strays)" = 0 ]; }
# the workers learn of their parent's death asynchronously (PR_SET_PDEATHSIG)
wait_until 10 no_strays && pass "workers end with a killed run" ||
	fail "$(strays) workers outlived the run"

echo "workers: $fails failed"
[ $fails = 0 ]
