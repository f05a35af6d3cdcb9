#!/bin/sh
# The inputs' hash memo (OUT/.cache/inputs.state): a rerun takes the hash
# of a file whose stat is unchanged from it without reading the file; a
# file rewritten in place at the same size, its modification time put
# back, is read and analysed again; a damaged memo and --no-cache are not
# used; the outputs are those of a cold run.
set -u
. tests/lib/common.sh

mkdir -p "$T/in"
cp tools/corpus-src/dhr-amara.txt "$T/in/a.txt"
cp tools/corpus-src/cspr-child-m.txt "$T/in/b.txt"
cp tools/corpus-src/cspr-child-t-online.txt "$T/in/c.txt"
# a file changed less than a second before it is hashed is not remembered
sleep 1.2

memo=$T/o/.cache/inputs.state
sha() { sha256sum <"$1" | cut -c1-64; }
# rows of documents.csv holding hash $1
rows_with() { grep -c "$1" "$T/o/documents.csv"; }
# tamper FROM TO [keep]: the memo says the file of hash FROM has hash TO;
# its checksum is made again unless "keep" (then it no longer matches)
tamper() {
	sed "s/^$1 /$2 /" "$memo" | sed '$d' >"$T/m"
	if [ "${3:-}" = keep ]; then
		tail -n 1 "$memo" >>"$T/m"
	else
		echo "end $(sha256sum <"$T/m" | cut -c1-64)" >>"$T/m"
	fi
	cp "$T/m" "$memo"
}
sa=$(sha "$T/in/a.txt")
sb=$(sha "$T/in/b.txt")

expect 0 "" "inputs: first run" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ "$(grep -c '^[0-9a-f]\{64\} .*/in/[abc]\.txt$' "$memo" 2>/dev/null)" = 3 ] &&
	pass "inputs: the memo holds the three files" || fail "inputs: memo: $(cat "$memo" 2>&1)"
ls "$T/o/.cache" | grep -q 'inputs.state.tmp' && fail "inputs: temporary file left" ||
	pass "inputs: no temporary file left"

# damaged (the checksum does not match): not used, every file is read
tamper "$sa" "$sb" keep
expect 0 "" "inputs: rerun with a damaged memo" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ "$(rows_with "$sa")" = 1 ] && [ "$(rows_with "$sb")" = 1 ] &&
	pass "inputs: a damaged memo is not used" || fail "inputs: a damaged memo was used"
grep -q "^$sa " "$memo" && pass "inputs: the damaged memo is made again" ||
	fail "inputs: the memo was not made again"

# --no-cache reads every file
tamper "$sa" "$sb"
expect 0 "" "inputs: --no-cache rerun" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet --no-cache
[ "$(rows_with "$sa")" = 1 ] && pass "inputs: --no-cache does not use the memo" ||
	fail "inputs: --no-cache used the memo"

# a valid memo is believed: a.txt, its stat unchanged, is not read (the
# memo's false hash shows in documents.csv)
tamper "$sa" "$sb"
expect 0 "" "inputs: rerun with the memo" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ "$(rows_with "$sa")" = 0 ] && [ "$(rows_with "$sb")" = 2 ] &&
	pass "inputs: an unchanged file is not read again" ||
	fail "inputs: a.txt was read although its stat is unchanged"

# a.txt rewritten in place: same inode, same size, modification time put
# back; only its change time differs, and that is enough
touch -r "$T/in/a.txt" "$T/ref"
before=$(stat -c '%i %s %y' "$T/in/a.txt")
printf 'X' | dd of="$T/in/a.txt" bs=1 seek=40 conv=notrunc 2>/dev/null
touch -m -r "$T/ref" "$T/in/a.txt"
after=$(stat -c '%i %s %y' "$T/in/a.txt")
[ "$before" = "$after" ] && pass "inputs: a.txt changed with inode, size and mtime kept" ||
	fail "inputs: test setup: '$before' became '$after'"
sa2=$(sha "$T/in/a.txt")
[ "$sa2" != "$sa" ] || fail "inputs: test setup: a.txt unchanged"
expect 0 "" "inputs: rerun after an in-place change" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ "$(rows_with "$sa2")" = 1 ] && [ "$(rows_with "$sb")" = 1 ] &&
	pass "inputs: a file changed in place at the same size is read again" ||
	fail "inputs: the in-place change was not seen"

# the outputs of the rerun are a cold run's
"$REVMINE" run "$T/in" -o "$T/cold" --quiet --no-cache 2>/dev/null
same=1
for f in "$T/cold"/*.csv; do
	cmp -s "$f" "$T/o/$(basename "$f")" || { same=0; echo "  differs: $(basename "$f")"; }
done
[ $same = 1 ] && pass "inputs: the rerun's CSVs are a cold run's" ||
	fail "inputs: the rerun differs from a cold run"

# a run left unchanged does not write the memo again (once a.txt, too
# fresh when it was last read, is remembered)
sleep 1.2
"$REVMINE" run "$T/in" -o "$T/o" --quiet 2>/dev/null
grep -q "^$sa2 " "$memo" && pass "inputs: the changed file is remembered once old enough" ||
	fail "inputs: a.txt not remembered"
m0=$(stat -c '%i %y' "$memo")
expect 0 "" "inputs: rerun, nothing changed" -- "$REVMINE" run "$T/in" -o "$T/o" --quiet
[ "$(stat -c '%i %y' "$memo")" = "$m0" ] && pass "inputs: an unchanged memo is not rewritten" ||
	fail "inputs: the memo was rewritten with nothing changed"

# records: one unused for 40 days is removed when the records are looked
# over, at most once a day (prune.stamp)
rec=$(ls "$T/o/.cache" | grep '\.rec$' | head -n 1)
cp "$T/o/.cache/$rec" "$T/o/.cache/0000old.rec"
touch -d '40 days ago' "$T/o/.cache/0000old.rec"
"$REVMINE" run "$T/in" -o "$T/o" --quiet 2>/dev/null
[ -e "$T/o/.cache/0000old.rec" ] && pass "inputs: records not looked over twice a day" ||
	fail "inputs: records looked over again within a day"
touch -d '2 days ago' "$T/o/.cache/prune.stamp"
"$REVMINE" run "$T/in" -o "$T/o" --quiet 2>/dev/null
[ ! -e "$T/o/.cache/0000old.rec" ] && [ -e "$T/o/.cache/$rec" ] &&
	pass "inputs: a record unused for 30 days removed, used ones kept" ||
	fail "inputs: record pruning"

[ $fails = 0 ]
