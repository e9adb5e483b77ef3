#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test VM (tools/check.sh boots it once per lane for all of
# these): loads d1.ko through libkmod, runs the driver selftests and the
# libd1 tests, unloads, then the bounded stress runs.  Each suite's output
# goes to build/results/<lane>/<name>.log, its exit code to <name>.rc, its
# seconds to <name>.time; the host counts them against tests/manifest, so
# a suite missing here fails there.
#
#   tests/vm/guest-check.sh [--stress-only]
#
# D1_KO (default ./d1.ko; tools/vm-run.sh --debug-kernel sets the one built
# for the debug kernel), D1_STRESS=quick|full|skip, D1_LANE (check.sh's
# lane name).
R=${D1_RESULTS:-build/results/vm}
mkdir -p $R
export D1_KO=${D1_KO:-$PWD/d1.ko} D1_KMOD=$PWD/build/bin/d1-kmod
export LD_LIBRARY_PATH=$PWD/build/lib

run() {
	name=$1
	shift
	echo "d1-vm: suite $name"
	t0=$(date +%s)
	"$@" >$R/$name.log 2>&1
	echo $? >$R/$name.rc
	echo $(($(date +%s) - t0)) >$R/$name.time
	grep -E '^# Totals|^not ok' $R/$name.log
}

# tap NAME CMD...: a one-test suite from a plain command.
tap() {
	name=$1
	shift
	echo "d1-vm: suite $name"
	t0=$(date +%s)
	"$@" >$R/$name.log 2>&1
	rc=$?
	echo $(($(date +%s) - t0)) >$R/$name.time
	if [ $rc = 0 ]; then
		echo "ok 1 $name" >>$R/$name.log
	else
		echo "not ok 1 $name (exit $rc)" >>$R/$name.log
		tail -n 5 $R/$name.log
	fi
	echo $rc >$R/$name.rc
}

stress() {
	D1_RESULTS=$R D1_STRESS=${D1_STRESS:-quick} tests/vm/stress.sh
}

if [ "${1:-}" = --stress-only ]; then
	tap stress stress
	exit 0
fi

# kmemleak (debug kernel): what it already suspects is not ours.
kml=/sys/kernel/debug/kmemleak
[ -w $kml ] && echo clear >$kml

tap module-load "$D1_KMOD" load "$D1_KO"

# Behind an IOMMU the card must sit in a translating DMA domain, or that
# lane tests nothing the stock one does not.
card() { basename "$(readlink -f /sys/class/accel/accel0/device)"; }
iommu_domain() {
	t=$(cat "/sys/bus/pci/devices/$(card)/iommu_group/type") || return 1
	echo "iommu group type of $(card): $t"
	[ "$t" = DMA ] || [ "$t" = DMA-FQ ]
}
[ -e "/sys/bus/pci/devices/$(card)/iommu_group" ] &&
	tap iommu-domain iommu_domain

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
[ "${D1_STRESS:-quick}" = skip ] || tap stress stress

# Nothing the driver allocated may be left once it is unloaded (the last
# suites unload it).  kmemleak reports an object only after it stayed
# unreferenced for a scan or two.
kmemleak() {
	if grep -q '^d1 ' /proc/modules; then
		echo "d1 is still loaded"
		return 1
	fi
	echo scan >$kml && echo scan >$kml || return 1
	n=$(grep -c '^unreferenced object' $kml)
	echo "kmemleak: $n unreferenced objects"
	cat $kml
	[ "$n" = 0 ]
}
[ -w $kml ] && tap kmemleak kmemleak
exit 0
