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

# wait_until SECONDS CMD...: runs CMD every 0.1 s until it succeeds (status
# 0), or returns 1 once SECONDS have gone by. For tests that must act while
# something is under way: wait for the sign of it, not for a fixed time.
wait_until() {
	ticks=$(($1 * 10))
	shift
	until "$@"; do
		[ "$ticks" -gt 0 ] || return 1
		ticks=$((ticks - 1))
		sleep 0.1
	done
}
