#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Inside the test VM: hot-unplug or re-plug the d1 card through QMP and
# wait (up to 20 s) until the guest sees the change.  A re-plugged card
# gets the properties the VM was started with ($D1_DEVICE_PROPS).
#   tools/vm-card.sh unplug|plug
here=$(dirname "$0")
present() { grep -lq 0xd1d1 /sys/bus/pci/devices/*/device 2>/dev/null; }
case $1 in
unplug)
	"$here/vm-qmp.sh" '{"execute":"device_del","arguments":{"id":"d1"}}' >/dev/null || exit 1
	want=absent
	;;
plug)
	# "a=1,b=64M" -> ,"a":1,"b":"64M"
	props=$(printf '%s' "${D1_DEVICE_PROPS:-}" | tr ',' '\n' |
		sed -n 's/^\([^=]*\)=\([0-9][0-9]*\)$/,"\1":\2/p;
			s/^\([^=]*\)=\(.*[^0-9].*\)$/,"\1":"\2"/p' | tr -d '\n')
	"$here/vm-qmp.sh" "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"d1-dip\",\"id\":\"d1\",\"bus\":\"rp0\"$props}}" >/dev/null || exit 1
	want=present
	;;
*)
	echo "usage: $0 unplug|plug" >&2
	exit 2
	;;
esac
i=0
while :; do
	if present; then [ $want = present ] && exit 0; else [ $want = absent ] && exit 0; fi
	i=$((i + 1))
	[ $i -gt 200 ] && { echo "vm-card: card still not $want" >&2; exit 1; }
	sleep 0.1
done
