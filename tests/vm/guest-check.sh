#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test VM (tools/check.sh boots it once for all of these):
# loads d1.ko through libkmod, runs the driver selftests and the libd1
# tests, unloads.  Each suite's output goes to build/results/vm/<name>.log
# and its exit code to <name>.rc; the host counts them.
R=${D1_RESULTS:-build/results/vm}
mkdir -p $R
export D1_KO=$PWD/d1.ko D1_KMOD=$PWD/build/bin/d1-kmod
export LD_LIBRARY_PATH=$PWD/build/lib

run() {
	name=$1
	shift
	echo "d1-vm: suite $name"
	"$@" >$R/$name.log 2>&1
	echo $? >$R/$name.rc
	grep -E '^# Totals|^not ok' $R/$name.log
}

# tap NAME CMD...: a one-test suite from a plain command.
tap() {
	name=$1
	shift
	if "$@" >$R/$name.log 2>&1; then
		echo "ok 1 $name" >>$R/$name.log
	else
		echo "not ok 1 $name" >>$R/$name.log
	fi
	echo 0 >$R/$name.rc
}

tap module-load "$D1_KMOD" load "$D1_KO"
for t in build/selftests/d1_*; do
	[ -x "$t" ] && run "selftests-$(basename "$t")" "$t"
done
for t in build/tests/vm/libd1/test_*; do
	[ -x "$t" ] && run "libd1-$(basename "$t")" "$t"
done
tap module-unload "$D1_KMOD" unload

# Card hot-unplug and re-plug through QEMU (no driver loaded: the device
# model's own life cycle; driver-level unplug is in the selftests).
hotplug() {
	tools/vm-card.sh unplug && tools/vm-card.sh plug &&
		"$D1_KMOD" load "$D1_KO" && build/bin/d1-smi --ping &&
		"$D1_KMOD" unload
}
tap device-hotplug hotplug

# The bounded reliability runs (make stress runs them long).
[ "${D1_STRESS:-quick}" = skip ] || D1_RESULTS=$R D1_STRESS=quick tests/vm/stress.sh
exit 0
