#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One-shot, idempotent set-up of everything d1 needs on a Debian 12 host:
# packages, the guest kernel, QEMU built with our device, kselftest headers
# and checkpatch.  Each step checks whether it is already done and says so.
# A failing step names itself and its log file.
#
# Usage: tools/setup.sh [--host-only | --no-debug-kernel]
#   --host-only        only what host tests need (no guest kernel, no QEMU)
#   --no-debug-kernel  all but the debug guest kernel (tools/vm-run.sh uses
#                      it for the stock kernel)
# Environment: D1_CACHE (default ~/.cache/d1) holds downloads and builds;
# D1_DEBUG_KERNEL_TIMEOUT (default 2400 s) bounds the debug kernel build.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/lib.sh"

host_only=0 debug_kernel=1
case ${1:-} in
--host-only) host_only=1 ;;
--no-debug-kernel) debug_kernel=0 ;;
esac

mkdir -p "$D1_CACHE/logs" "$top/build"

# Runs "$@" with output to a per-step log; on failure names the step and log.
# A long step reports progress on fd 3 (see progress()), one line each,
# after which the step's verdict gets a line of its own.
step() {
	local name=$1; shift
	local log="$D1_CACHE/logs/$name.log"
	local t0=$SECONDS
	local rc
	printf 'setup: %-16s ... ' "$name"
	# Not "if cmd": bash would then ignore set -e inside the step.
	set +e
	(set -e; PROGRESS=$log.progress; "$@") 3>&1 >"$log" 2>&1
	rc=$?
	set -e
	if [ -e "$log.progress" ]; then
		printf '\nsetup: %-16s ... ' "$name"
		rm -f "$log.progress"
	fi
	if [ $rc = 0 ]; then
		if grep -q '^SKIP$' "$log"; then
			echo "already done"
		else
			echo "done ($((SECONDS - t0)) s)"
		fi
	else
		echo "FAILED"
		echo "setup: step '$name' failed; log: $log" >&2
		tail -n 30 "$log" >&2
		exit 1
	fi
}

# progress TEXT: a line under the running step's name, on the terminal.
progress() {
	printf '\n    %s' "$*" >&3
	touch "$PROGRESS"
}

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# What building the debug guest kernel needs besides the host packages,
# and how long it may take (~10 min on 2 idle cores).
DEBUG_KERNEL_PKGS="linux-source-6.12 bison flex libelf-dev libssl-dev bc"
DEBUG_KERNEL_TIMEOUT=${D1_DEBUG_KERNEL_TIMEOUT:-2400}

HOST_PKGS="build-essential clang lld llvm pkg-config libdrm-dev libkmod-dev
	nettle-dev kmod sparse perl qemu-user xz-utils zstd rsync libopenblas0
	libfuzzer-14-dev libcairo2-dev"
VM_PKGS="meson ninja-build python3 libglib2.0-dev libpixman-1-dev libattr1-dev
	libcap-ng-dev libfdt-dev zlib1g-dev ccache seabios dpkg-dev busybox-static
	cpio gzip qemu-system-data socat
	python3-dev python3-numpy python3-pytest python3-torch
	git debhelper dh-dkms dh-python lintian dkms udev"

missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

apt_updated=0
apt_update() {
	[ $apt_updated = 1 ] && return 0
	as_root apt-get update -q
	apt_updated=1
}

do_packages() {
	local pkgs=$HOST_PKGS
	[ $host_only = 1 ] || pkgs="$pkgs $VM_PKGS $DEBUG_KERNEL_PKGS"
	local miss
	miss=$(missing_pkgs $pkgs)
	if [ -z "$miss" ]; then echo SKIP; return 0; fi
	apt_update
	# shellcheck disable=SC2086
	as_root apt-get install -y -q --no-install-recommends $miss
}

do_kernel() {
	if [ -z "$(missing_pkgs "linux-image-$KVER" "linux-headers-$KVER")" ]; then
		echo SKIP; return 0
	fi
	apt_update
	# INITRD=No: the guest boots from our own initramfs, skip generating one.
	as_root env INITRD=No apt-get install -y -q --no-install-recommends \
		"linux-image-$KVER" "linux-headers-$KVER"
}

# Debian's linux-source carries the kselftest harness, checkpatch.pl and
# kernel-doc.
do_kselftest() {
	local dst=$D1_CACHE/linux-tools
	# The last file added to the list below: older caches lack it.
	if [ -f "$dst/.done" ] && [ -f "$dst/scripts/kernel-doc" ]; then
		echo SKIP; return 0
	fi
	apt_update
	local tmp
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q linux-source-6.12)
	dpkg-deb --fsys-tarfile "$tmp"/linux-source-6.12_*.deb |
		tar -x -C "$tmp" --wildcards '*/linux-source-6.12.tar.xz'
	mkdir -p "$dst"
	tar -xJf "$tmp"/usr/src/linux-source-6.12.tar.xz -C "$dst" \
		--strip-components=1 --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/tools/testing/selftests/lib.mk' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' '*/scripts/kernel-doc'
	rm -rf "$tmp"
	touch "$dst/.done"
}

do_qemu_source() {
	if [ -f "$QEMU_SRC/.done" ]; then echo SKIP; return 0; fi
	# deb-src entry derived from the configured archive (bookworm suites only:
	# backports would make apt-get source pick a QEMU we cannot build).
	local src=/etc/apt/sources.list.d/d1-deb-src.sources
	if [ ! -f "$src" ]; then
		sed 's/^Types: deb$/Types: deb-src/' \
			/etc/apt/sources.list.d/debian.sources | as_root tee "$src" >/dev/null
		apt_updated=0
	fi
	apt_update
	local tmp
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get source -q qemu)
	rm -rf "$QEMU_SRC"
	mkdir -p "$(dirname "$QEMU_SRC")"
	mv "$tmp"/qemu-*/ "$QEMU_SRC"
	rm -rf "$tmp"
	touch "$QEMU_SRC/.done"
}

# Copies our device (and qtest) into the QEMU tree and wires it in.
wire_device() {
	local dst=$QEMU_SRC/hw/misc/d1 f
	# Every core source must be in the QEMU build too.
	for f in "$top"/qemu-device/core/*.c; do
		grep -q "'core/$(basename "$f")'" "$top/qemu-device/meson.build" || {
			echo "qemu-device/meson.build does not list core/$(basename "$f")"
			return 1
		}
	done
	mkdir -p "$dst" "$QEMU_SRC/include/hw/misc/d1"
	# -c: only files whose content changed get a new mtime, so ninja
	# recompiles just those.
	rsync -rc --delete "$top/qemu-device/" "$dst/"
	# The hardware contract goes where QEMU keeps device headers, for the
	# device (meson.build adds it to the include path) and the qtest.
	rsync -rc --delete "$top/hw/" "$QEMU_SRC/include/hw/misc/d1/"
	grep -q "subdir('d1')" "$QEMU_SRC/hw/misc/meson.build" ||
		echo "subdir('d1')" >>"$QEMU_SRC/hw/misc/meson.build"
	grep -q 'config D1_DIP' "$QEMU_SRC/hw/misc/Kconfig" ||
		printf '\nconfig D1_DIP\n    bool\n    depends on PCI && MSI_NONBROKEN\n' \
			>>"$QEMU_SRC/hw/misc/Kconfig"
	cp "$top/qemu-device/qemu-devices.mak" \
		"$QEMU_SRC/configs/devices/x86_64-softmmu/d1.mak"
	rsync -c "$top"/tests/qtest/*.c "$QEMU_SRC/tests/qtest/"
	if ! grep -q 'd1-dip-test' "$QEMU_SRC/tests/qtest/meson.build"; then
		sed -i "s/^qtests_i386 = \\\\/qtests_i386 = \\\\\n  (config_all_devices.has_key('CONFIG_D1_DIP') ? ['d1-dip-test'] : []) +\\\\/" \
			"$QEMU_SRC/tests/qtest/meson.build"
		grep -q 'd1-dip-test' "$QEMU_SRC/tests/qtest/meson.build"
	fi
}

qemu_built() {
	[ -x "$1/qemu-system-x86_64" ] && [ -x "$1/d1-dip-test" ]
}

do_qemu_build() {
	local QEMU_OUT
	QEMU_OUT=$(qemu_out)
	if qemu_built "$QEMU_OUT"; then echo SKIP; return 0; fi
	# One QEMU tree serves every checkout: build one at a time (and
	# another checkout may have built this one meanwhile).
	exec 9>"$D1_CACHE/qemu-build.lock"
	flock 9
	if qemu_built "$QEMU_OUT"; then echo SKIP; return 0; fi
	wire_device
	local b=$QEMU_SRC/build-d1
	if [ ! -f "$b/build.ninja" ]; then
		rm -rf "$b"; mkdir -p "$b"
		(cd "$b" && ../configure --target-list=x86_64-softmmu \
			--without-default-features --without-default-devices \
			--with-devices-x86_64=d1 --enable-virtfs --enable-attr \
			--enable-cap-ng --enable-fdt=system --disable-docs \
			--disable-werror --with-git-submodules=ignore \
			--cc="ccache gcc" --host-cc="ccache gcc")
	fi
	(cd "$b" && ninja qemu-system-x86_64 tests/qtest/d1-dip-test)
	mkdir -p "$QEMU_OUT.tmp"
	cp "$b/qemu-system-x86_64" "$b/tests/qtest/d1-dip-test" "$QEMU_OUT.tmp/"
	# Firmware (SeaBIOS, PVH option ROM) from Debian's packages, where the
	# relocatable QEMU looks for it beside its binary.
	local fw=$QEMU_OUT.tmp/qemu-bundle/usr/local/share/qemu
	mkdir -p "$fw"
	ln -sf /usr/share/qemu/* /usr/share/seabios/* "$fw/"
	rm -rf "$QEMU_OUT"
	mv "$QEMU_OUT.tmp" "$QEMU_OUT"
	# Drop builds unused for a day (other checkouts may still use newer ones).
	find "$D1_CACHE" -maxdepth 1 -name 'qemu-????????????????' -mtime +0 \
		-exec rm -rf {} +
}

# The debug guest kernel: allnoconfig + tools/debug-kernel/d1-debug.config
# on Debian's 6.12 source, everything the VM needs built in.  Kept: the
# vmlinux, a modules_install tree (the guest's /lib/modules) and the build
# tree without objects (d1.ko builds against it).  ~10 min of both cores.
do_debug_kernel() {
	local out
	out=$(debug_kernel_dir)
	if [ -f "$out/.done" ]; then echo SKIP; return 0; fi
	exec 8>"$D1_CACHE/debug-kernel.lock"
	flock 8
	if [ -f "$out/.done" ]; then echo SKIP; return 0; fi
	local t0=$SECONDS
	rm -rf "$out"
	mkdir -p "$out"
	progress "extracting $(basename "$DEBUG_KSRC")"
	tar -xJf "$DEBUG_KSRC" -C "$out"
	mv "$out"/linux-source-6.12 "$out/build"
	local kb=$out/build
	patch -d "$kb" -p1 <"$top/tools/debug-kernel/d1-deps-kconfig.patch"
	progress "configuring ($((SECONDS - t0)) s)"
	make -C "$kb" KCONFIG_ALLCONFIG="$top/tools/debug-kernel/d1-debug.config" \
		allnoconfig
	# allnoconfig drops a line whose dependencies fail, silently.
	local l miss=0
	while IFS= read -r l; do
		case $l in
		CONFIG_*=*) grep -qxF "$l" "$kb/.config" ;;
		"# CONFIG_"*" is not set")
			l=${l#\# }
			! grep -q "^${l%% *}=" "$kb/.config" ;;
		*) continue ;;
		esac || { echo "not in .config: $l"; miss=1; }
	done <"$top/tools/debug-kernel/d1-debug.config"
	[ $miss = 0 ]
	local jobs
	jobs=$(nproc)
	progress "compiling with $jobs jobs (~1300 files, ~10 min on 2 cores)"
	make -C "$kb" -j"$jobs" all >"$out/make.log" 2>&1 &
	local mk=$!
	while ! wait_for "$mk" 60; do
		progress "$(grep -c '^  CC ' "$out/make.log") files compiled ($((SECONDS - t0)) s)"
		# Bounded: a machine this slow cannot run the debug lane either.
		if [ $((SECONDS - t0)) -gt "$DEBUG_KERNEL_TIMEOUT" ]; then
			kill "$mk"
			wait "$mk" || true
			echo "debug kernel build exceeded $DEBUG_KERNEL_TIMEOUT s"
			return 1
		fi
	done
	wait "$mk" || { tail -n 40 "$out/make.log"; return 1; }
	progress "installing modules tree ($((SECONDS - t0)) s)"
	make -C "$kb" -s modules_install INSTALL_MOD_PATH="$out/modules"
	make -C "$kb" -s kernelrelease >"$out/release"
	cp "$kb/vmlinux" "$out/vmlinux"
	# Objects are not needed to build an external module against the tree.
	find "$kb" \( -name '*.o' -o -name '*.a' -o -name '.*.cmd' \) -delete
	rm -f "$kb/vmlinux" "$kb/vmlinux.unstripped"
	touch "$out/.done"
	# Drop builds unused for a week (other checkouts may use newer ones).
	find "$D1_CACHE" -maxdepth 1 -name 'debug-kernel-????????????????' \
		-mtime +6 ! -path "$out" -exec rm -rf {} +
}

# wait_for PID SECS: true once PID has exited, false after SECS.
wait_for() {
	local i
	for ((i = 0; i < $2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 1
	done
	! kill -0 "$1" 2>/dev/null
}

step packages do_packages
step kselftest do_kselftest
if [ $host_only = 0 ]; then
	step guest-kernel do_kernel
	step qemu-source do_qemu_source
	step qemu-build do_qemu_build
	step guest-image "$top/tools/vm-image.sh"
	[ $debug_kernel = 0 ] || step debug-kernel do_debug_kernel
fi
echo "setup: complete"
