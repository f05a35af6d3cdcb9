# Sourced by the shell tests (not run on its own): the binary's path, a
# temporary folder removed on exit, and the pass/fail/expect helpers.
REVMINE=${REVMINE:-build/revmine}
MKCORPUS=${MKCORPUS:-build/mkcorpus}
case $REVMINE in /*) ;; *) REVMINE=$PWD/$REVMINE ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }

# expect STATUS PATTERN DESCRIPTION -- CMD...: exit status and a stderr line
expect() {
	want=$1 pat=$2 what=$3
	shift 4
	"$@" >"$T/stdout" 2>"$T/stderr"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "$what: exit $got, want $want ($(head -c 300 "$T/stderr"))"
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$T/stderr"; then
		fail "$what: stderr lacks '$pat': $(head -c 300 "$T/stderr")"
	else
		pass "$what"
	fi
}
