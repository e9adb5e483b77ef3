#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test VM (tools/check.sh boots it for these): the Debian
# packages of build/deb (make deb) end to end, as a user installs them,
# on a writable overlay of the guest's root (a tmpfs over the read-only
# host root): dpkg -i, DKMS builds d1.ko for the running kernel, udev
# loads it by the card's PCI alias (and modprobe again), d1-smi sees the
# card (also as an unprivileged member of "render", through the udev
# rule), an installed example built with pkg-config compiles its kernel
# with the installed runtime and checks its result, the Python tests run
# against the installed python3-d1, and dpkg -r leaves nothing behind.
# Each step's log (TAP) goes to build/results/deb/<name>.log, its exit
# code to <name>.rc, its seconds to <name>.time; the host counts them.
#
# Needs d1.ko built in the work tree (make module): the overlay's module
# tree holds only the modules d1 depends on, so that the depmod runs of
# DKMS take seconds instead of minutes under TCG.
R=${D1_RESULTS:-build/results/deb}
mkdir -p "$R"
W=$PWD
KVER=$(uname -r)
O=/tmp/d1-root
U=/tmp/d1-upper
PKGS="libd1-0 libd1-dev d1-tools python3-d1 d1-dkms"
RUNTIME_PKGS="libd1-0 libd1-dev d1-tools python3-d1"

deb() { ls "$W"/build/deb/"$1"_*.deb; }

in_root() {
	chroot "$O" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		"$@"
}

# step NAME FUNCTION: one TAP test, FUNCTION run under set -e (not as
# an if condition, which would switch -e off); output and time in NAME.log.
step() {
	name=$1
	shift
	echo "d1-vm: deb $name"
	t0=$(date +%s)
	(set -e; "$@") >"$R/$name.log" 2>&1
	if [ $? = 0 ]; then
		res="ok 1"
	else
		res="not ok 1"
	fi
	echo "$res $name ($(($(date +%s) - t0)) s)" | tee -a "$R/$name.log"
	echo 0 >"$R/$name.rc"
	echo $(($(date +%s) - t0)) >"$R/$name.time"
}

setup_root() {
	modprobe overlay
	mkdir -p $U/upper $U/work $O
	mount -t overlay overlay -o lowerdir=/,upperdir=$U/upper,workdir=$U/work $O
	mount -t proc proc $O/proc
	mount -t sysfs sys $O/sys
	mount --rbind /dev $O/dev
	# What systemd sets up at boot and DKMS's bash needs (<(...)).
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	for d in /run /tmp /root; do
		mount -t tmpfs tmpfs $O$d
	done
	mkdir -p "$O$W"
	mount --bind "$W" "$O$W"
	# d1's dependencies, with theirs, as modprobe resolves them.
	mods=$(for m in $(modinfo -F depends "$W/d1.ko" | tr , ' '); do
		modprobe --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
	done | sort -u)
	[ -n "$mods" ]
	mount -t tmpfs tmpfs "$O/lib/modules/$KVER/kernel"
	for m in $mods; do
		mkdir -p "$O$(dirname "$m")"
		cp "$m" "$O$m"
	done
	echo "module tree: $mods"
	# man-db's trigger would index every manual page under emulation.
	rm -f $O/var/lib/man-db/auto-update
	(cd $U/upper && find . ! -type d | sort) >$U/before
}

installed() {
	for p in "$@"; do
		s=$(in_root dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
		[ "$s" = "ii " ] || { echo "$p: status '$s'"; return 1; }
	done
}

install_runtime() {
	in_root dpkg -i $(for p in $RUNTIME_PKGS; do deb $p; done)
	installed $RUNTIME_PKGS
	in_root pkg-config --modversion libd1
}

install_dkms() {
	in_root dpkg -i "$(deb d1-dkms)" ||
		{ cat $O/var/lib/dkms/d1/*/build/make.log; false; }
	installed d1-dkms
	in_root dkms status d1 | grep -q ": installed"
	in_root dkms status d1
	in_root modinfo -n d1 | grep -q "^/lib/modules/$KVER/updates/dkms/d1\.ko"
	in_root modinfo -n d1
}

card_bdf() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1234 ] &&
			[ "$(cat "$d/device")" = 0xd1d1 ] && basename "$d"
	done
}

# The module loaded is the file DKMS installed (same build ID), and udev
# gave its device node to "render" (waits up to 120 s: udevadm settle
# refuses to run in a chroot).
loaded_from_dkms() {
	n=120
	until [ -d /sys/module/d1 ] &&
		[ "$(stat -c '%G %a' /dev/accel/accel0 2>/dev/null)" = "render 660" ]; do
		n=$((n - 1))
		[ $n -gt 0 ] || { ls -l /dev/accel/; echo "no d1 node for render"; return 1; }
		sleep 1
	done
	ls -l /dev/accel/
	in_root sh -c 'xz -dc "$(modinfo -n d1)" >/tmp/d1.ko'
	id=$(readelf -n $O/tmp/d1.ko | sed -n 's/.*Build ID: //p')
	loaded=$(od -An -tx1 /sys/module/d1/notes/.note.gnu.build-id | tr -d ' \n')
	echo "DKMS module build ID $id"
	case $loaded in
	*"$id"*) [ -n "$id" ] ;;
	*) echo "the loaded d1 ($loaded) is not the DKMS module"; false ;;
	esac
}

# udevd of the installed system; the card's "add" event makes it load
# d1 by its PCI alias (udevadm trigger refuses to run in a chroot, so the
# event is asked for through sysfs, as udevadm does).
udev_load() {
	in_root /lib/systemd/systemd-udevd >$U/udevd.log 2>&1 &
	echo $! >$U/udevd.pid
	bdf=$(card_bdf)
	[ -n "$bdf" ]
	sleep 2
	echo add >"/sys/bus/pci/devices/$bdf/uevent"
	loaded_from_dkms
}

modprobe_reload() {
	in_root modprobe -r d1
	[ ! -d /sys/module/d1 ]
	in_root modprobe d1
	loaded_from_dkms
}

smi() {
	in_root d1-smi | tee $U/smi
	grep -q "^D1 0: /dev/accel/accel0 (PCI " $U/smi
	grep -q "nodes *354" $U/smi
	in_root d1-smi --ping -L
	render=$(getent group render | cut -d: -f3)
	in_root setpriv --reuid=65534 --regid=65534 --groups="$render" d1-smi -L
	# Not in "render": the node is closed to it.
	if in_root setpriv --reuid=65534 --regid=65534 --clear-groups d1-smi -L; then
		echo "d1-smi worked outside the render group"
		false
	fi
}

example() {
	cp -r $O/usr/share/doc/libd1-dev/examples $O/tmp/ex
	in_root sh -ec 'cd /tmp/ex
		cc -O2 -Wall -o vector_add vector_add.c \
			$(pkg-config --cflags --libs libd1) -lm
		export D1_CACHE_DIR=/tmp/kcache
		./vector_add | tee out
		grep -q "vector_add: PASSED" out
		d1cc -v -o /tmp/va.elf kernels/vector_add.c 2>&1 | tee out
		grep -q "cache hit" out'
}

python_installed() {
	in_root python3 -c 'import d1, sys; print(d1.__file__);
sys.exit(not d1.__file__.startswith("/usr/lib/python3/dist-packages/"))'
}

pytests() {
	in_root sh -c "cd '$W/tests/vm/python' &&
		D1_CACHE_DIR='$W/build/kcache' PYTHONDONTWRITEBYTECODE=1 \
		D1_EXAMPLE=/usr/share/doc/python3-d1/examples/mlp_train.py \
		python3 -m pytest -p no:cacheprovider -rfE \
		test_d1.py test_torch.py test_device_loss.py"
	echo $? >"$R/python.rc"
}

remove() {
	[ ! -d /sys/module/d1 ] || in_root modprobe -r d1
	[ ! -f $U/udevd.pid ] || kill "$(cat $U/udevd.pid)"
	in_root dpkg -r $PKGS
	for p in $PKGS; do
		s=$(in_root dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		case $s in ""|"un ") ;; *) echo "$p still '$s'"; false ;; esac
	done
	if in_root modinfo d1 2>/dev/null; then
		echo "d1 is still in the module tree"
		false
	fi
	[ ! -e $O/var/lib/dkms/d1 ]
	[ ! -e $O/usr/src/d1-0.1.0 ]
	# Nothing of ours left: only dpkg's and the system's bookkeeping.
	(cd $U/upper && find . ! -type d | sort) >$U/after
	comm -13 $U/before $U/after | grep -vE \
		'^\./(var/lib/dpkg/|var/log/|var/cache/|etc/ld\.so\.cache$|usr/lib/modules/[^/]+/modules\.|var/lib/dkms/mok\.)' \
		>$U/left || true
	cat $U/left
	[ ! -s $U/left ]
}

step deb-root setup_root
if grep -q "^ok" "$R/deb-root.log"; then
	step deb-install install_runtime
	step deb-dkms install_dkms
	step deb-udev-load udev_load
	step deb-modprobe modprobe_reload
	step deb-smi smi
	step deb-example example
	step deb-python-installed python_installed
	echo "d1-vm: deb python"
	pytests >"$R/python.log" 2>&1
	grep -E '^not ok|passed|failed' "$R/python.log" | tail -n 5
	step deb-remove remove
fi
exit 0
