#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Inside the test VM: hot-unplug or re-plug d1 card N (default 0; QEMU id
# "d1" or "d1-N" on root port "rpN" at 00:1N.0, see tools/vm-run.sh) through
# QMP and wait (up to 20 s) until the guest sees the change.  The other cards
# stay.
# A re-plugged card gets the properties the VM was started with
# ($D1_DEVICE_PROPS) and its link to the next card ($D1_LINKS=ring).
#   tools/vm-card.sh unplug|plug [N]
here=$(dirname "$0")
n=${2:-0}
case $n in
[0-7]) ;;
*) echo "vm-card: bad card number '$n'" >&2; exit 2 ;;
esac
id=d1
[ "$n" = 0 ] || id=d1-$n
# Card N is present when a d1 function sits behind root port 00:1N.0.
present() {
	grep -q 0xd1d1 /sys/bus/pci/devices/0000:00:1$n.0/0000:??:??.?/device 2>/dev/null
}
case $1 in
unplug)
	"$here/vm-qmp.sh" "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$id\"}}" >/dev/null || exit 1
	want=absent
	;;
plug)
	# "a=1,b=64M" -> ,"a":1,"b":"64M"
	props=$(printf '%s' "${D1_DEVICE_PROPS:-}" | tr ',' '\n' |
		sed -n 's/^\([^=]*\)=\([0-9][0-9]*\)$/,"\1":\2/p;
			s/^\([^=]*\)=\(.*[^0-9].*\)$/,"\1":"\2"/p' | tr -d '\n')
	if [ "${D1_LINKS:-}" = ring ] && [ "${D1_CARDS:-1}" -gt 1 ]; then
		peer=$(((n + 1) % D1_CARDS))
		[ $peer = 0 ] && peer=d1 || peer=d1-$peer
		props="$props,\"link-peer\":\"$peer\""
	fi
	"$here/vm-qmp.sh" "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"d1-dip\",\"id\":\"$id\",\"bus\":\"rp$n\"$props}}" >/dev/null || exit 1
	want=present
	;;
*)
	echo "usage: $0 unplug|plug [N]" >&2
	exit 2
	;;
esac
i=0
while :; do
	if present; then [ $want = present ] && exit 0; else [ $want = absent ] && exit 0; fi
	i=$((i + 1))
	[ $i -gt 200 ] && { echo "vm-card: card $n still not $want" >&2; exit 1; }
	sleep 0.1
done
