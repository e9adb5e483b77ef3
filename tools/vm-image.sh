#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the cached guest image: an uncompressed PVH vmlinux from the Debian
# kernel package and a busybox initramfs with the 9p modules and our /init.
# Prints SKIP when the cache is current.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/lib.sh"

out=$(guest_dir)
if [ -f "$out/vmlinux" ] && [ -f "$out/initramfs.cpio.gz" ]; then
	echo SKIP
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# vmlinuz holds a zstd stream; PVH boots the ELF inside it directly.
vmlinuz=/boot/vmlinuz-$KVER
off=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' "$vmlinuz" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || { echo "no zstd payload in $vmlinuz" >&2; exit 1; }
# zstd complains about the trailing data after the stream; the ELF check
# below is what tells a good extraction.
tail -c +$((off + 1)) "$vmlinuz" | zstd -dcq >"$tmp/vmlinux" 2>/dev/null || true
[ "$(head -c 4 "$tmp/vmlinux" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
	{ echo "vmlinux extraction failed" >&2; exit 1; }

r=$tmp/root
mkdir -p "$r"/{bin,sbin,dev,proc,sys,newroot,lib/d1vm}
cp /bin/busybox "$r/bin/busybox"
for a in $("$r/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
done
mods=/lib/modules/$KVER/kernel
for m in fs/netfs/netfs net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p; do
	xz -dc "$mods/$m.ko.xz" >"$r/lib/d1vm/$(basename "$m").ko"
done
install -m 755 "$top/tools/vm/init" "$r/init"
mknod -m 600 "$r/dev/console" c 5 1
mknod -m 666 "$r/dev/null" c 1 3
(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) >"$tmp/initramfs.cpio.gz"

mkdir -p "$out"
mv "$tmp/vmlinux" "$tmp/initramfs.cpio.gz" "$out/"
