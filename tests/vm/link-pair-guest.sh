#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tests/vm/link-pair.sh: load d1, wait for card 0's link
# (over a socket to the other VM) to come up, leave "self peer" in
# build/link-pair/ME.link, then wait for the other VM's file so both
# read their link while both are there.
me=$1 other=$2
out=build/link-pair
export LD_LIBRARY_PATH=$PWD/build/lib
build/bin/d1-kmod load "$PWD/d1.ko" || exit 1
t=$(ls -d /sys/class/accel/accel0/device/telemetry)
i=0
until [ "$(cat "$t/link_up")" = 1 ]; do
	i=$((i + 1))
	[ $i -gt 600 ] && { echo "link never came up"; exit 1; }
	sleep 0.5
done
echo "$(cat "$t/link_self") $(cat "$t/link_peer")" >"$out/$me.link.tmp"
mv "$out/$me.link.tmp" "$out/$me.link"
i=0
until [ -e "$out/$other.link" ]; do
	i=$((i + 1))
	[ $i -gt 600 ] && { echo "VM $other never reported"; exit 1; }
	sleep 0.5
done
build/bin/d1-smi -q | grep -i link
