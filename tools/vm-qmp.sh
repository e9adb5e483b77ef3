#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Inside the test VM: send one QMP command to this VM's QEMU and print the
# reply (and any events QEMU sent meanwhile).  Exits 0 if QEMU answered
# without an error.  Example:
#   tools/vm-qmp.sh '{"execute":"device_del","arguments":{"id":"d1"}}'
[ -n "${D1_QMP_DIR:-}" ] || { echo "vm-qmp: not inside tools/vm-run.sh" >&2; exit 2; }
[ $# = 1 ] || { echo "usage: $0 JSON" >&2; exit 2; }
id=$$.$(date +%s%N)
printf '%s\n' "$1" >"$D1_QMP_DIR/$id.tmp"
mv "$D1_QMP_DIR/$id.tmp" "$D1_QMP_DIR/$id.req"
i=0
while [ ! -f "$D1_QMP_DIR/$id.rep" ]; do
	i=$((i + 1))
	[ $i -gt 300 ] && { echo "vm-qmp: no reply" >&2; exit 1; }
	sleep 0.1
done
cat "$D1_QMP_DIR/$id.rep"
! grep -q '"error"' "$D1_QMP_DIR/$id.rep"
rc=$?
rm -f "$D1_QMP_DIR/$id.rep"
exit $rc
