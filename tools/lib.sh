# SPDX-License-Identifier: GPL-2.0
# Shared settings for the d1 host scripts (sourced, not run).

KVER=${KVER:-6.12.117+deb12-amd64}
D1_CACHE=${D1_CACHE:-$HOME/.cache/d1}
QEMU_SRC=$D1_CACHE/qemu-src

# The QEMU build is keyed by our device sources, the hardware contract, the
# qtest and QEMU's version, so a warm cache is reused and any device edit
# gives a new binary.
qemu_key() {
	(
		cd "$top" &&
		find qemu-device hw tests/qtest -type f -print0 | sort -z |
			xargs -0 sha256sum
		cat "$QEMU_SRC/VERSION" 2>/dev/null
	) | sha256sum | cut -c1-16
}

qemu_out() { echo "$D1_CACHE/qemu-$(qemu_key)"; }

# Guest image cache, keyed by the kernel and the image recipe.
guest_dir() {
	local key
	key=$(cat "$top/tools/vm-image.sh" "$top/tools/vm/init" |
		sha256sum | cut -c1-16)
	echo "$D1_CACHE/guest-$KVER-$key"
}

# Debug guest kernel (KASAN, lockdep, kmemleak, fault injection), built by
# setup.sh from Debian's linux-source, keyed by the source package version,
# the config fragment (comments aside) and the Kconfig patch.
DEBUG_KSRC=/usr/src/linux-source-6.12.tar.xz
debug_kernel_dir() {
	local key
	key=$( (
		dpkg-query -W -f='${Version}\n' linux-source-6.12 2>/dev/null
		grep -E '^CONFIG_|^# CONFIG_.* is not set$' \
			"$top/tools/debug-kernel/d1-debug.config"
		cat "$top/tools/debug-kernel/d1-deps-kconfig.patch"
	) | sha256sum | cut -c1-16)
	echo "$D1_CACHE/debug-kernel-$key"
}
