#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two VMs on this host, one card each, the cards' DIP-to-DIP links joined
# by a unix socket (tools/vm-run.sh --link-socket, the device's
# link-chardev): a two-card system across two QEMU processes.  Each guest
# loads d1 and finds its card's link up - which it is only while the
# other VM's card is at the socket's other end - and names the other
# card's address as its peer (addresses are per system: both cards are
# their QEMU's first); TAP lines and the exit status say whether both did.
#
# Usage: tests/vm/link-pair.sh [--timeout SECS]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
timeout=900
[ "${1:-}" = --timeout ] && timeout=$2
out=$top/build/link-pair
rm -rf "$out"
mkdir -p "$out"

"$top/tools/vm-run.sh" --timeout "$timeout" --link-socket "listen:$out/sock" \
	tests/vm/link-pair-guest.sh a b >"$out/a.console" 2>&1 &
a=$!
"$top/tools/vm-run.sh" --timeout "$timeout" --link-socket "connect:$out/sock" \
	tests/vm/link-pair-guest.sh b a >"$out/b.console" 2>&1 &
b=$!
wait $a
ra=$?
wait $b
rb=$?

fail=0
n=0
for v in a b; do
	n=$((n + 1))
	w=$([ $v = a ] && echo b || echo a)
	read -r self peer <"$out/$v.link" 2>/dev/null || self=
	read -r wself wpeer <"$out/$w.link" 2>/dev/null || wself=
	if [ -n "$self" ] && [ -n "$wself" ] && [ "$self" != 0 ] &&
	   [ "$peer" = "$wself" ]; then
		echo "ok $n VM $v: link up, its peer is VM $w's card (address $peer)"
	else
		echo "not ok $n VM $v: link self '${self:-?}' peer '${peer:-?}', VM $w's card '${wself:-?}'"
		tail -n 20 "$out/$v.console" | sed 's/^/    | /'
		fail=1
	fi
done
[ $ra = 0 ] && [ $rb = 0 ] || fail=1
exit $fail
