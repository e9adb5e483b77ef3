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
# lane name), D1_CARDS (tools/vm-run.sh --cards).
#
# With several cards every suite runs on card 0 (D1_VISIBLE_DEVICES), then
# some again on card 1 while card 0 stays, and the multi-card ones see all.
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

# card_pci N: PCI address of card N (behind root port 00:1N.0, see
# tools/vm-run.sh).
card_pci() {
	for d in /sys/bus/pci/devices/0000:00:1$1.0/0000:??:??.?; do
		[ -e "$d" ] && basename "$d" && return 0
	done
	return 1
}
cards=${D1_CARDS:-1}
[ "$cards" -gt 1 ] && export D1_VISIBLE_DEVICES="$(card_pci 0)"

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
# Card 1 under test while card 0 stays: submission, and unplugging it.
if [ "$cards" -gt 1 ]; then
	for t in d1_submit d1_unplug; do
		D1_VISIBLE_DEVICES=$(card_pci 1) \
			run "card1-selftests-$t" build/selftests/$t
	done
fi
tap module-unload "$D1_KMOD" unload

# Card hot-unplug and re-plug through QEMU (no driver loaded: the device
# model's own life cycle; driver-level unplug is in the selftests).
hotplug() {
	tools/vm-card.sh unplug && tools/vm-card.sh plug &&
		"$D1_KMOD" load "$D1_KO" && build/bin/d1-smi --ping &&
		"$D1_KMOD" unload
}
tap device-hotplug hotplug

# One card of two goes and comes back with the driver bound to both; the
# other keeps answering throughout, its link (to card 1) down meanwhile.
link_up0() { cat "/sys/bus/pci/devices/$(card_pci 0)/telemetry/link_up"; }
hotplug_card1() {
	"$D1_KMOD" load "$D1_KO" || return 1
	env -u D1_VISIBLE_DEVICES build/bin/d1-smi -L -q
	[ "$(link_up0)" = 1 ] || { echo "card 0's link is down"; return 1; }
	tools/vm-card.sh unplug 1 || return 1
	[ "$(link_up0)" = 0 ] || { echo "card 0's link still up"; return 1; }
	n=$(env -u D1_VISIBLE_DEVICES build/bin/d1-smi -L | grep -c '^D1 ')
	echo "cards after unplugging card 1: $n"
	[ "$n" = $((cards - 1)) ] || return 1
	build/bin/d1-smi --ping || return 1
	tools/vm-card.sh plug 1 || return 1
	i=0
	until [ "$(env -u D1_VISIBLE_DEVICES build/bin/d1-smi -L |
		grep -c '^D1 ')" = "$cards" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
	[ "$(link_up0)" = 1 ] || { echo "card 0's link not up again"; return 1; }
	env -u D1_VISIBLE_DEVICES build/bin/d1-smi --ping -q &&
		"$D1_KMOD" unload
}
[ "$cards" -gt 1 ] && tap device-hotplug-card1 hotplug_card1

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
