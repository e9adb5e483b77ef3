#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Reliability runs inside the test VM, each phase a TAP result in
# $D1_RESULTS/stress-<phase>.log (its programs' output beside it in
# stress-<phase>.out): ioctl fuzzing, faults and hangs beside a verified
# workload, kill -9 mid-job, module unload/reload (also raced against a
# starting workload), hot-unplug under load, many processes at once.
# After each phase the driver's object counts (debugfs "objects") must be
# back at their baseline, shared memory and open files too.  The figures
# printed at the end are counted from what the phases saw, and each phase
# checks its own against what it set out to do.  Exits non-zero if any
# phase failed.
#
# D1_STRESS=full (make stress) or quick (the bounded subset in make check).
R=${D1_RESULTS:-build/results/stress}
mkdir -p "$R"
export D1_KO=${D1_KO:-$PWD/d1.ko} D1_KMOD=$PWD/build/bin/d1-kmod
W=build/tests/fuzz/d1_workload
K=build/tests/kernels/dev_scale.elf
full=0
[ "${D1_STRESS:-quick}" = full ] && full=1
pick() { if [ $full = 1 ]; then echo "$2"; else echo "$1"; fi; }

calls=0 faults=0 hangs=0 kills=0 kills_busy=0 reloads=0 reload_races=0
unplugs=0 leaks=0 failed=0

# phase NAME: run the shell function NAME as one TAP result.  Its output
# goes to stress-NAME.out; the log holds only the verdict (and the output's
# end on failure), so no inner "# Totals" can stand in for it.
phase() {
	name=$1
	log=$R/stress-$name.log out=$R/stress-$name.out
	echo "d1-stress: $name"
	$name >"$out" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		echo "ok 1 stress-$name" >"$log"
	else
		failed=$((failed + 1))
		{
			echo "not ok 1 stress-$name (exit $rc); output: $out"
			tail -n 20 "$out" | sed 's/^/# /'
		} >"$log"
		tail -n 5 "$out"
	fi
	echo $rc >"$R/stress-$name.rc"
}

# The driver's debugfs directory is named after the card's PCI address.
dbg() { echo "/sys/kernel/debug/accel/$(basename "$(readlink -f /sys/class/accel/accel0/device)")"; }
# Live BOs, address spaces, mappings, page tables and jobs the driver
# counts (one line, "missing" without debugfs).
objects() {
	d=$(dbg)
	[ -r "$d/objects" ] || { echo "no debugfs at $d" >&2; echo missing; return; }
	tr '\n' ' ' <"$d/objects"
}
shmem_kib() { sed -n 's/^Shmem: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
files() { cut -f1 /proc/sys/fs/file-nr; }
baseline() {
	base=$(objects)
	base_shmem=$(shmem_kib)
	base_files=$(files)
}
# Back at the baseline: the same objects (waiting a little for deferred
# frees), shared memory within 1 MiB, no more than 4 more open files.
no_leak() {
	i=0
	while now=$(objects); [ "$now" != "$base" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	shmem=$(shmem_kib)
	nfiles=$(files)
	echo "objects: $now (baseline $base); shmem $base_shmem -> $shmem KiB; files $base_files -> $nfiles"
	if [ "$now" = missing ] || [ "$now" != "$base" ]; then
		echo "leak: objects $now, baseline $base"
		cat "$(dbg)/bos" "$(dbg)/contexts"
		leaks=$((leaks + 1))
		return 1
	fi
	if [ $((shmem - base_shmem)) -gt 1024 ] ||
	   [ $((nfiles - base_files)) -gt 4 ]; then
		echo "drift: shmem $base_shmem -> $shmem KiB, files $base_files -> $nfiles"
		leaks=$((leaks + 1))
		return 1
	fi
}

# spawn CMD...: start CMD in the background, remembered in $pids.
spawn() {
	"$@" &
	pids="$pids $!"
}
# wait_all: wait for every spawned command; fails if any failed.
wait_all() {
	ret=0
	for p in $pids; do
		wait "$p" || ret=1
	done
	pids=
	return $ret
}
pids=

# verified FILE MODE: jobs the workload output in FILE verified in MODE.
verified() {
	sed -n "s/^workload\[[0-9]*\]: $2: \([0-9]*\) jobs verified.*/\1/p" "$1" |
		awk '{n += $1} END {print n + 0}'
}

# The helpers below fork nothing but sleep: with four workloads on the
# guest's one CPU, every fork of the shell costs a second or more.

# uptime_s: seconds since boot in $now.
uptime_s() {
	read -r now _ </proc/uptime
	now=${now%.*}
}

# client_of PID: the DRM client id of PID's d1 file in $c (empty if it
# has none open).
client_of() {
	c=
	for f in /proc/$1/fdinfo/*; do
		while read -r k v; do
			[ "$k" = drm-client-id: ] && { c=$v; return; }
		done <"$f"
	done 2>/dev/null
}

# wait_busy: wait (30 s at most) until a job of one of $pids is on a ring;
# sets busy to how many of them had one at that moment.
wait_busy() {
	ids= busy=0
	uptime_s
	end=$((now + 30))
	for p in $pids; do
		client_of "$p"
		while [ -z "$c" ] && [ "$now" -lt $end ]; do
			sleep 0.1
			client_of "$p"
			uptime_s
		done
		ids="$ids $c"
	done
	rings=$(dbg)/rings
	while [ "$now" -lt $end ]; do
		while read -r l; do
			for c in $ids; do
				case $l in *"client $c "*) busy=$((busy + 1)) ;; esac
			done
		done <"$rings"
		[ $busy -gt 0 ] && return 0
		uptime_s
	done
	return 1
}

"$D1_KMOD" load "$D1_KO" || exit 1
baseline
echo "d1-stress: baseline objects: $base"

fuzz() {
	n=$(pick 5000 100000)
	seed=$(pick 0xd1f0221 random)
	D1_FUZZ_CALLS=$n D1_FUZZ_SEED=$seed build/tests/fuzz/d1_fuzz || return 1
	no_leak
}
phase fuzz
# "N calls (and M in the child): ..." as d1_fuzz counts them.
calls=$(sed -n 's/.*:\([0-9]*\) calls (and \([0-9]*\) in the child):.*/\1 \2/p' "$R/stress-fuzz.out" |
	awk '{n += $1 + $2} END {print n + 0}')

# Each bad kind on queue 1 while another process's verified work runs on
# queue 0: the failure is reported to its own file only.
faults() {
	n=$(pick 2 10)
	for m in fault readonly illegal sram deadlock budget; do
		spawn $W -k $K -m mixed -n $((n * 4)) -q 0
		$W -k $K -m $m -n $n -q 1 || return 1
		wait_all || return 1
	done
	no_leak
}
phase faults
for m in fault readonly illegal sram deadlock budget; do
	faults=$((faults + $(verified "$R/stress-faults.out" $m)))
done

# Kernels that never end on three queues at once: each is stopped at its
# time limit, its queue recovers, the next job passes; meanwhile verified
# work on the fourth queue (its launches wait for the nodes they share
# with them, which never counts against it) must not be blamed.
hangs() {
	n=$(pick 1 25)
	for q in 1 2 3; do
		spawn $W -k $K -m hang -n $n -q $q
	done
	spawn $W -k $K -m mixed -s $((n * 10)) -q 0
	wait_all || return 1
	$W -k $K -n 4 || return 1
	echo "hangs expected: $((3 * n))"
	no_leak
}
phase hangs
hangs=$(verified "$R/stress-hangs.out" hang)
want=$(sed -n 's/^hangs expected: //p' "$R/stress-hangs.out")
if [ "$hangs" != "${want:-?}" ]; then
	echo "d1-stress: $hangs hangs recovered, $want expected"
	echo "not ok 2 stress-hangs: $hangs hangs recovered, ${want:-?} expected" >>"$R/stress-hangs.log"
	echo 1 >"$R/stress-hangs.rc"
	failed=$((failed + 1))
fi

# kill -9 workloads in the middle of their jobs: right before each kill,
# the driver's rings must show a job of the process, or the kill did not
# test that.  Each round needs at least one such kill.
kill9() {
	n=$(pick 3 50)
	i=0
	while [ $i -lt $n ]; do
		for q in 0 1 2 3; do
			spawn $W -k $K -s 60 -q $q
		done
		wait_busy
		kill -9 $pids
		wait_all 2>/dev/null
		echo "round $i: 4 killed, $busy with a job on a ring"
		[ $busy -gt 0 ] || return 1
		i=$((i + 1))
	done
	$W -k $K -n 4 || return 1
	no_leak
}
phase kill9
kills=$(sed -n 's/^round [0-9]*: \([0-9]*\) killed.*/\1/p' "$R/stress-kill9.out" | awk '{n += $1} END {print n + 0}')
kills_busy=$(sed -n 's/.*killed, \([0-9]*\) with a job.*/\1/p' "$R/stress-kill9.out" | awk '{n += $1} END {print n + 0}')

# Unload and reload the module, idle and raced against a workload that is
# just starting: either the unload wins (the workload finds no device and
# says so) or the open file keeps the module (the unload is refused and
# the workload passes).  Anything else fails.
reload() {
	n=$(pick 3 100)
	i=0
	while [ $i -lt $n ]; do
		if [ $((i % 2)) = 1 ]; then
			$W -k $K -n 2 >"$R/stress-reload-wl.out" 2>&1 &
			wl=$!
			if "$D1_KMOD" unload 2>/dev/null; then
				won=unload
				"$D1_KMOD" load "$D1_KO" || return 1
			else
				won=workload
			fi
			wait $wl
			rc=$?
			echo "race $i: $won first, workload exit $rc"
			cat "$R/stress-reload-wl.out"
			if [ $rc != 0 ]; then
				[ $won = unload ] || return 1
				grep -qE 'no d1 device|No such (device|file)' \
					"$R/stress-reload-wl.out" || return 1
			fi
			"$D1_KMOD" status >/dev/null || return 1
		else
			"$D1_KMOD" unload || return 1
			"$D1_KMOD" load "$D1_KO" || return 1
		fi
		echo "reload $i done"
		i=$((i + 1))
	done
	$W -k $K -n 2 || return 1
	no_leak
}
phase reload
reloads=$(grep -c '^reload [0-9]* done' "$R/stress-reload.out")
reload_races=$(grep -c '^race [0-9]*:' "$R/stress-reload.out")

# Hot-unplug while four processes have jobs on the rings.  Each either
# finished before the card went (exit 0, all verified) or fails with
# ENODEV (EIO where a fence could not be read any more) and nothing else,
# never wrong data; then re-plug and work again.
unplug() {
	for q in 0 1 2 3; do
		$W -k $K -s 30 -q $q >"$R/stress-unplug-$q.out" 2>&1 &
		pids="$pids $!"
	done
	wait_busy
	echo "unplugging with $busy processes' jobs on the rings"
	[ $busy -gt 0 ] || { kill $pids; wait_all; return 1; }
	tools/vm-card.sh unplug || return 1
	ret=0
	for p in $pids; do
		wait "$p"
		echo "workload $p exit $?"
	done
	pids=
	for q in 0 1 2 3; do
		o=$R/stress-unplug-$q.out
		cat "$o"
		grep -q '^workload\[[0-9]*\]: mixed: .* 0 wrong' "$o" && continue
		# Every reported failure must be the card going away: ENODEV,
		# or EIO where the job's fence could no longer be read.  Never
		# wrong data (EBADMSG) or any other error.
		if ! grep -q 'No such device' "$o" ||
		   grep 'failed:' "$o" |
		   grep -qvE 'failed: (No such device|Input/output error) '; then
			echo "queue $q: unexpected failure"
			ret=1
		fi
	done
	# Plugged again whatever happened: the phases after this need it.
	tools/vm-card.sh plug || return 1
	[ $ret = 0 ] || return 1
	i=0
	while [ ! -e /dev/accel/accel0 ]; do	# the driver probes it again
		i=$((i + 1)); [ $i -gt 200 ] && return 1; sleep 0.1
	done
	$W -k $K -n 4 || return 1
	echo "unplugged 1"
	no_leak
}
phase unplug
unplugs=$(grep -c '^unplugged' "$R/stress-unplug.out")

# Many processes with verified mixed work at once.
concurrency() {
	secs=$(pick 10 300)
	for p in 1 2 3 4 5 6 7 8; do
		spawn $W -k $K -s $secs -q $((p % 4))
	done
	wait_all || return 1
	no_leak
}
phase concurrency
mixed=$(verified "$R/stress-concurrency.out" mixed)

"$D1_KMOD" unload || failed=$((failed + 1))
fig="d1-stress: ${calls:-0} fuzzed calls, $faults faults injected, $hangs hangs recovered, $kills processes killed ($kills_busy with jobs on a ring), $reloads reloads ($reload_races raced against a workload), $unplugs hot-unplugs, $mixed concurrent jobs verified, $leaks leaks, $failed failed phases"
echo "$fig" >"$R/stress-figures.txt"
echo "$fig"
[ $failed = 0 ]
