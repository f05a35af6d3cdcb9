#!/bin/sh
# revmine over many machines with GNU parallel: N `revmine map` shards run
# over ssh on the hosts of an sshloginfile, each in the current folder
# (--wd .) on shared storage, then `revmine reduce` here.
#
#   scripts/parallel/revmine-parallel.sh --shards N --records DIR -o OUT
#       [--sshloginfile FILE | --sshlogin LOGIN...] [options] PATH...
#
#   --shards N            number of map shards (task K maps documents K,
#                         K+N, K+2N... in path order)
#   --records DIR         records folder on shared storage (made if missing)
#   -o, --output DIR      where reduce writes the CSVs (default out)
#   --sshloginfile FILE   hosts, one GNU parallel sshlogin a line
#                         ([N/][user@]host; ':' is this machine)
#   --sshlogin LOGIN      one host (repeatable); default ':' (this machine)
#   --ssh CMD             ssh command for parallel (e.g. "ssh -F my_config")
#   --tasks-per-host T    map shards running at once on each host (default 1;
#                         each uses every core of its host unless -j is given)
#   --only K[,K...]       run only these shards (rerun failed ones), then reduce
#   --top-terms K, --excel    passed to reduce (--quiet to both)
#   anything else         passed to map (-j, -c, --stopwords, --no-cache...)
#
# The folder it is started in, the records folder, the inputs, this script
# and the revmine binary ($REVMINE, else `revmine` on PATH) must be at the
# same paths on every host. A shard fails only when revmine could not do its
# job; unreadable documents are error rows, as with `revmine run`. When a
# shard fails, the others still run, nothing is reduced, and the failed
# shards are named (the job log is RECORDS/parallel.log): rerun them with
# --only K,... and the same other arguments.
set -u

die() { echo "revmine-parallel: $*" >&2; exit 2; }

# One shard, run by parallel on some host: --task K N RECORDS REVMINE MAPARGS...
if [ "${1:-}" = --task ]; then
	k=$2 n=$3 records=$4 revmine=$5
	shift 5
	idx=$records/index-$k-of-$n.csv
	rm -f "$idx"
	"$revmine" map --shard "$k/$n" --records "$records" "$@"
	rc=$?
	case $rc in
	0 | 1) exit 0 ;;
	3) [ -f "$idx" ] && exit 0 ;;
	esac
	echo "revmine-parallel: shard $k/$n failed on $(hostname) (revmine map exit $rc)" >&2
	exit "$rc"
fi

shards= records= out=out only= tph=1 ssh=
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
logins= mapargs= redargs=
while [ $# -gt 0 ]; do
	case $1 in
	--shards) shards=${2:?}; shift ;;
	--records) records=${2:?}; shift ;;
	-o | --output) out=${2:?}; shift ;;
	--sshloginfile) logins="$logins --sshloginfile $(q "${2:?}")"; shift ;;
	--sshlogin) logins="$logins --sshlogin $(q "${2:?}")"; shift ;;
	--ssh) ssh=${2:?}; shift ;;
	--tasks-per-host) tph=${2:?}; shift ;;
	--only) only=${2:?}; shift ;;
	--excel) redargs="$redargs --excel" ;;
	-q | --quiet) mapargs="$mapargs --quiet" redargs="$redargs --quiet" ;;
	--top-terms) redargs="$redargs --top-terms $(q "${2:?}")"; shift ;;
	*) mapargs="$mapargs $(q "$1")" ;;
	esac
	shift
done
case $shards in '' | *[!0-9]* | 0) die "--shards N is required (a positive number)" ;; esac
[ -n "$records" ] || die "--records DIR is required"
case $tph in '' | *[!0-9]* | 0) die "--tasks-per-host: '$tph' is not a positive number" ;; esac
command -v parallel >/dev/null 2>&1 || die "GNU parallel not found (scripts/install-deps --cluster)"
parallel --version 2>/dev/null | grep -q 'GNU parallel' || die "'parallel' is not GNU parallel"
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
REVMINE=${REVMINE:-$(command -v revmine)} || die "revmine not on PATH; set REVMINE"
case $REVMINE in /*) ;; *) REVMINE=$(pwd)/$REVMINE ;; esac
mkdir -p "$records" || die "cannot make '$records'"
[ -n "$logins" ] || logins="--sshlogin :"
if [ -n "$only" ]; then
	list=$(echo "$only" | tr ',' ' ')
else
	list=$(seq 1 "$shards")
fi
for k in $list; do
	case $k in *[!0-9]* | 0) die "--only: '$k' is not a shard number" ;; esac
	[ "$k" -le "$shards" ] || die "--only: shard $k is beyond $shards"
done

# -q quotes the command for the remote shell; --wd . runs it in this folder.
# Every shard runs even when one fails, so the failed ones are exactly
# those with a non-zero exit in the job log.
log=$records/parallel.log
cmd="parallel --will-cite -q $logins${ssh:+ --ssh $(q "$ssh")} --wd . -j $tph"
cmd="$cmd --joblog $(q "$log") sh $(q "$self") --task {} $shards $(q "$records")"
cmd="$cmd $(q "$REVMINE")$mapargs ::: $(echo $list)"
eval "$cmd"
rc=$?
if [ "$rc" != 0 ]; then
	failed=$(awk -F '\t' 'NR > 1 && ($7 != 0 || $8 != 0) { print $9 }' "$log" |
		sed -n 's/.*--task \([0-9]*\) .*/\1/p' | sort -n | tr '\n' ',' | sed 's/,$//')
	echo "revmine-parallel: map failed (shards: ${failed:-see $log}); rerun them with --only ${failed:-K,...} and the same arguments" >&2
	exit 1
fi

# Every shard of N present, none from a run with another N.
k=1
while [ "$k" -le "$shards" ]; do
	[ -f "$records/index-$k-of-$shards.csv" ] || die "no index file for shard $k of $shards in '$records'"
	k=$((k + 1))
done
for f in "$records"/index-*-of-*.csv; do
	case $f in *-of-"$shards".csv) ;; *) die "'$f' is from a run with another shard count; remove it" ;; esac
done
eval "set -- $redargs"
"$REVMINE" reduce --records "$records" -o "$out" "$@"
