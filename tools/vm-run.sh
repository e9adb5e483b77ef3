#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs a command inside the d1 test VM: the Debian guest kernel under QEMU
# (TCG) with our d1-dip device, host / read-only and this work tree
# read-write at the same path.  Streams the guest console, returns the
# command's exit code; a kernel oops/panic or hang fails the run.
#
# Usage: tools/vm-run.sh [options] COMMAND [ARG...]
#   --timeout SECS     host-side bound on the whole run (default 600)
#   --device PROPS     extra d1-dip properties, e.g. "queues=8,hbm-size=64M"
#                      (the command sees them in $D1_DEVICE_PROPS)
#   --cards N          N d1-dip cards, 1..8 (default 1; $D1_CARDS in the guest),
#                      their DIP-to-DIP links in a ring (each card's
#                      link-peer is the next card; $D1_LINKS=ring)
#   --link-socket listen:PATH | connect:PATH
#                      card 0's DIP-to-DIP link over a unix socket to another
#                      VM's card (link-chardev; $D1_LINKS=stream in the
#                      guest): one VM listens, the other connects (and keeps
#                      trying until the first is there)
#   --no-device        boot without the d1-dip device
#   --iommu            add a guest IOMMU (intel-iommu, enabled in the guest)
#   --debug-kernel     boot the debug kernel (KASAN, lockdep, kmemleak, fault
#                      injection; tools/setup.sh builds it) and load the d1.ko
#                      built for it (make module-debug: build/debug-kernel/)
#   --log FILE         also write the console to FILE
#
# Card N sits behind its own PCIe root port (bus "rpN" at PCI address
# 00:1N.0, N < 8; id "d1" for card 0, "d1-N" for the others) so each can be
# hot-unplugged alone (tools/vm-card.sh).  Guest programs send QMP commands to this VM's QEMU with
# tools/vm-qmp.sh (a request file in the shared work tree that the host
# side of this script forwards).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/lib.sh"

timeout=600
dev_props=
dev_env=
with_dev=1
cards=1
link_sock=
iommu=0
debug=0
log=
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout=$2; shift 2 ;;
	--device) dev_props=,$2; dev_env=$2; shift 2 ;;
	--no-device) with_dev=0; shift ;;
	--cards) cards=$2; shift 2 ;;
	--link-socket) link_sock=$2; shift 2 ;;
	--iommu) iommu=1; shift ;;
	--debug-kernel) debug=1; shift ;;
	--log) log=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "vm-run: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { sed -n '10,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 2; }
case $cards in
[1-8]) ;;
*) echo "vm-run: --cards wants 1..8, not '$cards'" >&2; exit 2 ;;
esac
case $link_sock in
'' | listen:?* | connect:?*) ;;
*) echo "vm-run: --link-socket wants listen:PATH or connect:PATH" >&2; exit 2 ;;
esac
[ $with_dev = 1 ] || cards=0

qemu=$(qemu_out)/qemu-system-x86_64
guest=$(guest_dir)
vmlinux=$guest/vmlinux
[ $debug = 1 ] && vmlinux=$(debug_kernel_dir)/vmlinux
setup_opt=--no-debug-kernel
[ $debug = 1 ] && setup_opt=
# A device edit needs a QEMU rebuild (seconds): do it rather than fail.
for try in 1 2 3; do
	[ -e "$qemu" ] && [ -e "$vmlinux" ] && [ -e "$guest/vmlinux" ] && break
	"$top/tools/setup.sh" $setup_opt >&2 || exit 2
	qemu=$(qemu_out)/qemu-system-x86_64	# sources may change meanwhile
done
touch "$(dirname "$qemu")" "$(dirname "$vmlinux")"	# in use: keep them cached
for f in "$qemu" "$vmlinux" "$guest/initramfs.cpio.gz"; do
	[ -e "$f" ] || { echo "vm-run: $f missing; run 'make setup'" >&2; exit 2; }
done

# The command goes to a script in the work tree; the guest runs it from there.
mkdir -p "$top/build/vm"
script=$(mktemp "$top/build/vm/cmd.XXXXXX")
console=$(mktemp "$top/build/vm/console.XXXXXX")
qdir=$(mktemp -d "$top/build/vm/qmp.XXXXXX")
qsock=$qdir/sock
agent=
cleanup() {
	[ -n "$agent" ] && kill "$agent" 2>/dev/null
	rm -rf "$script" "$console" "$qdir"
}
trap cleanup EXIT
# POSIX single quotes (the guest's sh is dash, which lacks bash's $'...').
shquote() {
	printf "'%s' " "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}
{
	echo "set -e"
	# Guest tests compare what the driver reports with the device's
	# properties: the defaults, or these.
	echo "export D1_DEVICE_PROPS=$(shquote "$dev_env")"
	echo "export D1_CARDS=$cards"
	if [ -n "$link_sock" ]; then
		echo "export D1_LINKS=stream"
	elif [ "$cards" -gt 1 ]; then
		echo "export D1_LINKS=ring"
	fi
	for a in "$@"; do shquote "$a"; done
	echo
} >"$script"

machine=q35
append="console=ttyS0 panic=-1 oops=panic quiet cryptomgr.notests mitigations=off tsc=reliable no_timer_check audit=0 apparmor=0"
append+=" d1vm_work=$top d1vm_script=${script#"$top"/} d1vm_qmp=$qdir"
if [ $debug = 1 ]; then
	# Every report, not just the first; a log buffer the reports fit in.
	append+=" kasan_multi_shot log_buf_len=8M"
	append+=" d1vm_modules=$(dirname "$vmlinux")/modules/lib/modules"
	append+=" d1vm_ko=build/debug-kernel/d1.ko"
fi
iommu_dev=()
if [ $iommu = 1 ]; then
	machine=q35,kernel-irqchip=split
	append+=" intel_iommu=on iommu=nopt"
	iommu_dev=(-device intel-iommu,intremap=on)
fi
args=(-machine "$machine" -accel tcg -cpu max -smp 1 -m 2G -nodefaults
	-display none -no-reboot -serial stdio
	-kernel "$vmlinux" -initrd "$guest/initramfs.cpio.gz"
	"${iommu_dev[@]}"
	-virtfs "local,id=root,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,id=work,path=$top,mount_tag=work,security_model=none,multidevs=remap"
	-append "$append"
	-qmp "unix:$qsock,server=on,wait=off")
# The guest tells the cards apart by their root port's address.
for ((i = 0; i < (cards > 1 ? cards : 1); i++)); do
	args+=(-device "pcie-root-port,id=rp$i,chassis=1,slot=$((i + 1)),addr=1$i.0")
done
card_id() { if [ "$1" = 0 ]; then echo d1; else echo "d1-$1"; fi; }
case $link_sock in
listen:*) args+=(-chardev "socket,id=link0,path=${link_sock#listen:},server=on,wait=off") ;;
connect:*) args+=(-chardev "socket,id=link0,path=${link_sock#connect:},reconnect=1") ;;
esac
for ((i = 0; i < cards; i++)); do
	link=
	if [ -n "$link_sock" ]; then
		[ "$i" = 0 ] && link=,link-chardev=link0
	elif [ "$cards" -gt 1 ]; then
		link=,link-peer=$(card_id $(((i + 1) % cards)))
	fi
	args+=(-device "d1-dip,id=$(card_id $i),bus=rp$i$link$dev_props")
done

# QMP agent: forwards each request file the guest writes to QEMU and
# leaves the reply next to it.
qmp_agent() {
	local req rep
	while sleep 0.1; do
		for req in "$qdir"/*.req; do
			[ -f "$req" ] || continue
			rep=${req%.req}.rep
			{
				echo '{"execute":"qmp_capabilities"}'
				cat "$req"
			} | socat -t 3 - "UNIX-CONNECT:$qsock" 2>&1 |
				grep -v '"QMP"' | grep -v '^{"return": {}}$' >"$rep.tmp"
			rm -f "$req"
			mv "$rep.tmp" "$rep"
		done
	done
}
qmp_agent &
agent=$!

set +e
timeout --foreground -k 5 "$timeout" "$qemu" "${args[@]}" </dev/null |
	tee "$console" ${log:+"$log"}
qrc=${PIPESTATUS[0]}
set -e

rc=$(sed -n 's/^D1-EXIT=\([0-9]*\).*/\1/p' "$console" | tail -n 1)
if [ -z "$rc" ]; then
	if [ "$qrc" = 124 ]; then
		echo "vm-run: guest timed out after $timeout s" >&2
	else
		echo "vm-run: guest died without an exit code (QEMU rc $qrc; panic?)" >&2
	fi
	exit 125
fi
exit "$rc"
