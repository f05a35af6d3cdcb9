#!/bin/sh
# What a run leaves and what it reads: a folder deeper than the walk limit
# is named (an error row and a stderr line), not dropped in silence; an
# unreadable folder is named too; a run that cannot publish (a full disk,
# made with a file-size limit) leaves the previous outputs byte-identical
# and takes away the cache records it wrote; `revmine report` waits for
# the folder's lock like run does.
set -u
. tests/lib/common.sh

# -- depth: 70 nested folders, a document at the top and one at the bottom
mkdir -p "$T/deep"
printf 'The family moved home three times and the school was not told.\n' >"$T/deep/top.txt"
d="$T/deep"
i=0
while [ $i -lt 70 ]; do d="$d/d"; i=$((i + 1)); done
mkdir -p "$d"
printf 'Information was not shared between the agencies.\n' >"$d/bottom.txt"
expect 1 "more than 64 levels deep: not read" "a folder past the depth limit is named" -- \
	"$REVMINE" run "$T/deep" -o "$T/outdeep" --quiet
if grep -q '^top.txt,' "$T/outdeep/documents.csv" &&
	grep -q '^d/d/d.*,error,input: folder more than 64 levels deep: not read,' "$T/outdeep/documents.csv"; then
	pass "documents.csv has the top document and an error row for the deep folder"
else
	fail "documents.csv lacks the deep folder's row: $(cut -c1-200 "$T/outdeep/documents.csv")"
fi

# -- an unreadable folder (root reads everything: skipped then)
if [ "$(id -u)" != 0 ]; then
	mkdir -p "$T/locked/in"
	cp "$T/deep/top.txt" "$T/locked/"
	chmod 000 "$T/locked/in"
	expect 1 "cannot read folder" "an unreadable folder is named" -- \
		"$REVMINE" run "$T/locked" -o "$T/outlocked" --quiet
	chmod 755 "$T/locked/in"
fi

# -- a full disk: outputs stay as they were, new records go
mkdir -p "$T/docs"
n=0
for f in corpus/*.txt; do cp "$f" "$T/docs/"; done
"$REVMINE" run "$T/docs" -o "$T/out" --quiet || fail "first run"
(cd "$T/out" && md5sum *.csv manifest.json) >"$T/before.md5"
# (inputs.state and prune.stamp may be written by either run: not records)
ls "$T/out/.cache" | grep -v -e '^inputs\.state$' -e '^prune\.stamp$' | sort >"$T/records.before"
# a new document, short: its record fits under the limit, the outputs do not
printf 'Practitioners did not escalate when the plan drifted.\n' >"$T/docs/new.txt"
(
	trap '' XFSZ
	ulimit -f 64
	exec "$REVMINE" run "$T/docs" -o "$T/out" --quiet
) >"$T/stdout" 2>"$T/stderr"
rc=$?
if [ "$rc" != 0 ] && grep -q "File too large\|cannot write" "$T/stderr"; then
	pass "a run that cannot write its outputs fails ($rc)"
else
	fail "full disk: exit $rc, $(head -c 300 "$T/stderr")"
fi
(cd "$T/out" && md5sum -c --quiet "$T/before.md5" >/dev/null 2>&1) &&
	pass "full disk: previous outputs byte-identical" || fail "full disk changed the outputs"
ls "$T/out/.cache" | grep -v -e '^inputs\.state$' -e '^prune\.stamp$' | sort >"$T/records.after"
if cmp -s "$T/records.before" "$T/records.after" && grep -q "new cache record.* removed" "$T/stderr"; then
	pass "full disk: the run's new records removed, the others kept"
else
	fail "full disk: cache records differ: $(diff "$T/records.before" "$T/records.after" | head -5)"
fi
if ls -a "$T/out" "$T/out/.cache" | grep -q '\.tmp\.'; then
	fail "full disk: temporary files left: $(ls -a "$T/out" | grep '\.tmp\.')"
else
	pass "full disk: no temporary file left"
fi
"$REVMINE" run "$T/docs" -o "$T/out" --quiet && pass "the next run publishes" || fail "next run failed"

# -- report takes the lock: it waits for a run (here flock) holding it
flock "$T/out/.lock" sleep 3 &
holder=$!
locked() { ! flock -n "$T/out/.lock" true; }
wait_until 10 locked || fail "flock did not take the folder's lock in 10 s"
start=$(date +%s)
expect 0 "in use by another run; waiting" "report waits for the folder's lock" -- \
	"$REVMINE" report "$T/out"
end=$(date +%s)
[ $((end - start)) -ge 1 ] && pass "report ran after the lock was released" ||
	fail "report did not wait ($((end - start)) s)"
wait $holder

[ "$fails" = 0 ] || { echo "$fails walk test(s) failed"; exit 1; }
