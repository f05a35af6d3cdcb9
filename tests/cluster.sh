#!/bin/sh
# The scale-out engines for real: a single-node Slurm (munged, slurmctld,
# slurmd on loopback ports of their own) runs scripts/slurm/revmine.sbatch
# over the sample corpus, and scripts/parallel/revmine-parallel.sh runs the
# shards through GNU parallel, on this machine (--sshlogin :) and over ssh
# to a private sshd on loopback. Outputs must equal `run`'s byte for byte;
# a failed shard must stop the reduce and be rerun with --only.
# Each part skips with a message when its packages are missing
# (scripts/install-deps --cluster) or when not root. Every daemon started
# here is stopped by its PID on exit.
set -u
. tests/lib/common.sh
SELF=$PWD
PIDS=
CTLD_PID=
stop_all() {
	set +e
	if [ -n "$CTLD_PID" ] && kill -0 "$CTLD_PID" 2>/dev/null; then
		scancel --full -u "$(id -un)" 2>/dev/null
		i=0
		while [ $i -lt 100 ] && squeue -h -o %i 2>/dev/null | grep -q .; do sleep 0.1; i=$((i + 1)); done
	fi
	for p in $PIDS; do
		kill -TERM "$p" 2>/dev/null || continue
		i=0
		while [ $i -lt 100 ] && kill -0 "$p" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
		kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	PIDS= CTLD_PID=
}
trap 'stop_all; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
started() { PIDS="$1 $PIDS"; }   # stopped last-started first

# Two free loopback ports (other copies of this test may run at once).
free_ports() {
	python3 -c 'import socket
s = [socket.socket() for _ in range(int(__import__("sys").argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"
}

same_outputs() { # DIR WHAT
	s=1
	for f in "$T"/ref/*.csv; do
		cmp -s "$f" "$1/$(basename "$f")" || { s=0; echo "  differs: $(basename "$f")"; }
	done
	[ $s = 1 ] && pass "$2: same CSVs as run" || fail "$2: outputs differ from run"
}

"$REVMINE" run corpus -o "$T/ref" -j 2 --quiet ||
	{ echo "FAIL - run on the sample corpus"; exit 1; }

# A revmine that fails shard 2 once (the marker file makes the rerun pass).
cat > "$T/flaky" <<EOF
#!/bin/sh
case " \$* " in *" --shard 2/"*)
	[ -e "$T/failed-once" ] || { : > "$T/failed-once"; echo "flaky: shard 2 fails" >&2; exit 3; } ;;
esac
exec "$REVMINE" "\$@"
EOF
chmod +x "$T/flaky"

# --- GNU parallel -------------------------------------------------------
P=scripts/parallel/revmine-parallel.sh
if ! command -v parallel >/dev/null 2>&1 || ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
	echo "skip - GNU parallel not installed (scripts/install-deps --cluster)"
else
	REVMINE=$REVMINE sh $P --shards 3 --records "$T/prec" -o "$T/pout" -j 1 --quiet corpus \
		2>"$T/perr" && pass "parallel --sshlogin :: 3 shards" ||
		fail "parallel: exit $?: $(head -c 300 "$T/perr")"
	same_outputs "$T/pout" "parallel"
	REVMINE=$T/flaky sh $P --shards 3 --records "$T/frec" -o "$T/fout" --quiet corpus 2>"$T/perr"
	rc=$?
	[ $rc = 1 ] && grep -q 'shards: 2)' "$T/perr" && [ ! -e "$T/fout/documents.csv" ] &&
		pass "parallel: a failed shard is named and nothing is reduced" ||
		fail "parallel: failed shard: exit $rc, $(head -c 300 "$T/perr")"
	REVMINE=$T/flaky sh $P --shards 3 --only 2 --records "$T/frec" -o "$T/fout" --quiet corpus \
		2>"$T/perr" && pass "parallel --only 2: rerun" || fail "parallel --only: $(head -c 300 "$T/perr")"
	same_outputs "$T/fout" "parallel after a rerun"
	rm -f "$T/failed-once"

	if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/sshd ]; then
		echo "skip - parallel over ssh: needs root and openssh-server (scripts/install-deps --cluster)"
	else
		S=$T/ssh
		mkdir -p "$S" && chmod 700 "$S"
		[ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 755 /run/sshd; }
		ssh-keygen -q -t ed25519 -N '' -f "$S/hostkey" && ssh-keygen -q -t ed25519 -N '' -f "$S/id"
		cp "$S/id.pub" "$S/authorized_keys"
		port=$(free_ports 1)
		cat > "$S/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $S/hostkey
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
EOF
		cat > "$S/ssh_config" <<EOF
Host revmine-test
  HostName 127.0.0.1
  Port $port
  User root
  IdentityFile $S/id
  IdentitiesOnly yes
  BatchMode yes
  StrictHostKeyChecking no
  UserKnownHostsFile $S/known_hosts
  LogLevel ERROR
EOF
		/usr/sbin/sshd -D -e -f "$S/sshd_config" 2>"$S/sshd.log" &
		started $!
		i=0
		until ssh -F "$S/ssh_config" revmine-test true 2>/dev/null || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
		printf 'revmine-test\n' > "$S/hosts"
		REVMINE=$REVMINE sh $P --shards 2 --records "$T/sshrec" -o "$T/sout" --quiet \
			--sshloginfile "$S/hosts" --ssh "ssh -F $S/ssh_config" corpus 2>"$T/perr" &&
			pass "parallel over ssh (--sshloginfile)" ||
			fail "parallel over ssh: $(head -c 300 "$T/perr"; tail -n 5 "$S/sshd.log")"
		same_outputs "$T/sout" "parallel over ssh"
		stop_all
	fi
fi

# --- Slurm --------------------------------------------------------------
missing=
for c in munged munge slurmctld slurmd sbatch squeue scontrol sinfo scancel; do
	command -v $c >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v $c >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "skip - Slurm:$missing not installed (scripts/install-deps --cluster)"
elif [ "$(id -u)" != 0 ]; then
	echo "skip - Slurm: the single-node cluster runs its daemons as root"
else
	PATH=$PATH:/usr/sbin
	W=$T/slurm
	mkdir -p "$W/etc" "$W/state" "$W/spool" "$W/log" "$W/munge"
	# munged wants every directory on the way to its socket searchable.
	chmod 755 "$T" "$W" "$W/munge"
	dd if=/dev/urandom of="$W/munge/key" bs=1024 count=1 status=none
	chmod 400 "$W/munge/key"
	munged -F --socket="$W/munge/sock" --key-file="$W/munge/key" --pid-file="$W/munge/pid" \
		--log-file="$W/log/munged.log" --seed-file="$W/munge/seed" 2>"$W/log/munged.err" &
	started $!
	i=0
	until [ -S "$W/munge/sock" ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
	set -- $(free_ports 2)
	mem=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
	cat > "$W/etc/slurm.conf" <<EOF
ClusterName=revminetest
SlurmctldHost=localhost
SlurmUser=root
SlurmctldPort=$1
SlurmdPort=$2
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$W/munge/sock
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/log/slurmctld.log
SlurmdLogFile=$W/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
NodeName=localhost CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
	printf 'CgroupPlugin=cgroup/v1\nCgroupAutomount=no\n' > "$W/etc/cgroup.conf"
	export SLURM_CONF=$W/etc/slurm.conf
	slurmctld -D -f "$SLURM_CONF" >"$W/log/slurmctld.out" 2>&1 &
	CTLD_PID=$!
	started $!
	slurmd -D -N localhost -f "$SLURM_CONF" >"$W/log/slurmd.out" 2>&1 &
	started $!
	i=0
	until [ "$(sinfo -h -N -n localhost -o %t 2>/dev/null)" = idle ] || [ $i -ge 100 ]; do
		sleep 0.2; i=$((i + 1))
	done
	if [ "$(sinfo -h -N -n localhost -o %t 2>/dev/null)" != idle ]; then
		if grep -qi 'cgroup\|dbus' "$W/log/slurmd.out"; then
			echo "skip - Slurm: slurmd cannot start on this host's cgroups: $(grep -i 'cgroup\|dbus' "$W/log/slurmd.out" | tail -n 1)"
		else
			fail "Slurm: the node never became idle: $(tail -n 5 "$W"/log/*.out)"
		fi
	else
		pass "Slurm: single-node cluster up"
		SB=scripts/slurm/revmine.sbatch
		REVMINE=$REVMINE sh $SB --shards 4 --records "$T/slrec" -o "$T/slout" --quiet --wait corpus \
			>"$T/sbout" 2>&1 && pass "Slurm: 4-task map array + reduce (afterok)" ||
			fail "Slurm: $(cat "$T/sbout"; tail -n 5 "$T/slrec"/logs/* 2>/dev/null)"
		same_outputs "$T/slout" "Slurm array"
		REVMINE=$T/flaky sh $SB --shards 3 --records "$T/sfrec" -o "$T/sfout" --quiet --wait corpus \
			>"$T/sbout" 2>&1
		rc=$?
		[ $rc = 1 ] && grep -q 'failed shard(s): 2 ' "$T/sbout" && [ ! -e "$T/sfout/documents.csv" ] &&
			pass "Slurm: a failed shard cancels the reduce and is named" ||
			fail "Slurm: failed shard: exit $rc, $(cat "$T/sbout")"
		REVMINE=$T/flaky sh $SB --shards 3 --only 2 --records "$T/sfrec" -o "$T/sfout" --quiet --wait \
			corpus >"$T/sbout" 2>&1 && pass "Slurm --only 2: rerun and reduce" ||
			fail "Slurm --only: $(cat "$T/sbout")"
		same_outputs "$T/sfout" "Slurm after a rerun"
	fi
	stop_all
fi
cd "$SELF"
echo "cluster: $fails failed"
[ $fails = 0 ]
