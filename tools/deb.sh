#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the Debian packages (debian/) into build/deb and checks them:
# lintian clean (apart from the overrides in debian/, each with its
# reason) and no path of the build tree in any file they install.
# dpkg-buildpackage runs on a copy of the sources the packages are made
# of (what git tracks, and new files it does not ignore), so the work
# tree's own build products stay out; the packages are rebuilt only when
# those sources change.  The results, as TAP lines, are in
# build/deb/check.log; the exit status says whether all passed.
#
# Usage: tools/deb.sh     (make deb)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/deb

srcs=(Kbuild driver hw uapi libd1 tools python debian Documentation/man)
files=$(git ls-files -co --exclude-standard -- "${srcs[@]}")
ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
key=$({
	printf '%s\n' "$files" | xargs -d '\n' sha256sum
	dpkg-query -W debhelper dh-dkms dh-python lintian python3-dev
} | sha256sum | cut -c1-16)

finish() {
	cat "$out/check.log"
	! grep -q '^not ok' "$out/check.log"
}

if [ -f "$out/key" ] && [ "$(cat "$out/key")" = "$key" ] &&
	[ -f "$out/check.log" ]; then
	echo "deb: packages up to date ($out)"
	finish
	exit
fi

rm -rf "$out"
tree=$out/src/d1-$ver
mkdir -p "$tree"
printf '%s\n' "$files" | rsync -a --files-from=- ./ "$tree/"
log=$out/check.log
: >"$log"

t0=$SECONDS
if (cd "$tree" && dpkg-buildpackage -b -us -uc -j2) >"$out/build.log" 2>&1; then
	mv "$out"/src/*.deb "$out"/src/*.changes \
		"$out"/src/*.buildinfo "$out/"
	echo "ok 1 dpkg-buildpackage ($((SECONDS - t0)) s)" >>"$log"
else
	tail -n 40 "$out/build.log"
	echo "not ok 1 dpkg-buildpackage; log: $out/build.log" >>"$log"
	finish
	exit
fi

t0=$SECONDS
if lintian --fail-on error,warning --no-tag-display-limit \
	"$out"/d1_"${ver}"_*.changes >"$out/lintian.log" 2>&1; then
	echo "ok 2 lintian ($((SECONDS - t0)) s)" >>"$log"
else
	cat "$out/lintian.log"
	echo "not ok 2 lintian; log: $out/lintian.log" >>"$log"
fi

# The installed library must find its runtime where it is installed, and
# nothing may point back into the tree the packages were built in.
x=$out/contents
for d in "$out"/*.deb; do
	dpkg-deb -x "$d" "$x"
done
if grep -rlF -e "$tree" -e "$top" "$x" >"$out/paths.log"; then
	cat "$out/paths.log"
	echo "not ok 3 no build-tree paths in the packages" >>"$log"
else
	echo "ok 3 no build-tree paths in the packages" >>"$log"
fi
rm -rf "$x" "$out/src"
echo "$key" >"$out/key"
finish
