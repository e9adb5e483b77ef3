#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Reliability runs inside the test VM, each a TAP line in
# $D1_RESULTS/<phase>.log: ioctl fuzzing, faults and hangs beside a
# verified workload, kill -9 mid-job, module unload/reload, hot-unplug
# under load, many processes at once.  After each phase the driver's
# debugfs must show no BO or context left behind.
#
# D1_STRESS=full (make stress) or quick (the bounded subset in make check).
R=${D1_RESULTS:-build/results/stress}
mkdir -p "$R"
export D1_KO=$PWD/d1.ko D1_KMOD=$PWD/build/bin/d1-kmod
W=build/tests/fuzz/d1_workload
K=build/tests/kernels/dev_scale.elf
full=0
[ "${D1_STRESS:-quick}" = full ] && full=1
pick() { if [ $full = 1 ]; then echo "$2"; else echo "$1"; fi; }

calls=0 faults=0 hangs=0 kills=0 reloads=0 unplugs=0 leaks=0

# phase NAME CMD...: one TAP result; output in the phase's log.
phase() {
	name=$1
	shift
	echo "d1-stress: $name"
	if "$@" >"$R/$name.log" 2>&1; then
		echo "ok 1 $name" >>"$R/$name.log"
	else
		echo "not ok 1 $name" >>"$R/$name.log"
	fi
	echo 0 >"$R/$name.rc"
	tail -n 3 "$R/$name.log"
}

# Lines in the driver's BO and context lists: back to the baseline once
# every file is closed.  Shared memory (where host BOs live) and open
# files must not drift either.
# The driver's debugfs directory is named after the card's PCI address.
dbg() { echo "/sys/kernel/debug/accel/$(basename "$(readlink -f /sys/class/accel/accel0/device)")"; }
objects() {
	d=$(dbg)
	[ -r "$d/bos" ] && [ -r "$d/contexts" ] || { echo "no debugfs at $d" >&2; echo missing; return; }
	cat "$d/bos" "$d/contexts" | wc -l
}
shmem_kib() { sed -n 's/^Shmem: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
files() { cut -f1 /proc/sys/fs/file-nr; }
baseline() {
	base=$(objects)
	base_shmem=$(shmem_kib)
	base_files=$(files)
}
no_leak() {
	sleep 0.3
	now=$(objects)
	shmem=$(shmem_kib)
	nfiles=$(files)
	if [ "$now" = missing ] || [ "$now" != "$base" ]; then
		echo "leak: $now debugfs lines, $base before"
		cat "$(dbg)/bos" "$(dbg)/contexts"
		leaks=$((leaks + 1))
		return 1
	fi
	if [ $((shmem - base_shmem)) -gt 8192 ] ||
	   [ $((nfiles - base_files)) -gt 16 ]; then
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

"$D1_KMOD" load "$D1_KO" || exit 1
baseline

fuzz() {
	n=$(pick 5000 100000)
	seed=$(pick 0xd1f0221 random)
	D1_FUZZ_CALLS=$n D1_FUZZ_SEED=$seed build/tests/fuzz/d1_fuzz || return 1
	calls=$((calls + n))
	no_leak
}
phase fuzz fuzz

# Each bad kind on queue 1 while another process's verified work runs on
# queue 0: the failure is reported to its own file only.
faults() {
	n=$(pick 2 10)
	for m in fault readonly illegal sram deadlock budget; do
		spawn $W -k $K -m mixed -n $((n * 4)) -q 0
		$W -k $K -m $m -n $n -q 1 || return 1
		wait_all || return 1
		faults=$((faults + n))
	done
	no_leak
}
phase faults faults

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
	hangs=$((hangs + 3 * n))
	$W -k $K -n 4 || return 1
	no_leak
}
phase hangs hangs

# kill -9 workloads in the middle of their jobs.
kill9() {
	n=$(pick 3 50)
	i=0
	while [ $i -lt $n ]; do
		for q in 0 1 2 3; do
			spawn $W -k $K -s 60 -q $q >/dev/null 2>&1
		done
		sleep 0.$((3 + i % 7))
		kill -9 $pids
		wait_all 2>/dev/null
		kills=$((kills + 4))
		i=$((i + 1))
	done
	$W -k $K -n 4 || return 1
	no_leak
}
phase kill9 kill9

# Unload and reload the module, idle and with work starting at once.
reload() {
	n=$(pick 3 100)
	i=0
	while [ $i -lt $n ]; do
		"$D1_KMOD" unload || return 1
		"$D1_KMOD" load "$D1_KO" || return 1
		if [ $((i % 2)) = 1 ]; then
			$W -k $K -n 2 || return 1
		fi
		reloads=$((reloads + 1))
		i=$((i + 1))
	done
	no_leak
}
phase reload reload

# Hot-unplug while four processes are mid-work; they may fail (the card
# went away) but nothing may crash; re-plug and work again.
unplug() {
	for q in 0 1 2 3; do
		spawn $W -k $K -s 30 -q $q >/dev/null 2>&1
	done
	sleep 1
	tools/vm-card.sh unplug || return 1
	wait_all 2>/dev/null	# they may fail: the card went away
	tools/vm-card.sh plug || return 1
	i=0
	while [ ! -e /dev/accel/accel0 ]; do	# the driver probes it again
		i=$((i + 1)); [ $i -gt 200 ] && return 1; sleep 0.1
	done
	unplugs=$((unplugs + 1))
	$W -k $K -n 4 || return 1
	no_leak
}
phase unplug unplug

# Many processes with verified mixed work at once.
concurrency() {
	secs=$(pick 10 300)
	for p in 1 2 3 4 5 6 7 8; do
		spawn $W -k $K -s $secs -q $((p % 4))
	done
	wait_all || return 1
	no_leak
}
phase concurrency concurrency

"$D1_KMOD" unload
echo "d1-stress: $calls fuzzed calls, $faults faults injected, $hangs hangs recovered, $kills processes killed, $reloads reloads, $unplugs hot-unplugs, $leaks leaks" >"$R/figures.txt"
echo "d1-stress: $calls fuzzed calls, $faults faults injected, $hangs hangs recovered, $kills processes killed, $reloads reloads, $unplugs hot-unplugs, $leaks leaks"
exit 0
