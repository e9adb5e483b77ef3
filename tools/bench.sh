#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: runs every benchmark, each next to its baseline measured in
# the same run, prints a table and writes build/bench.json as
# [{name, value, unit, baseline, ratio}].
#
# A benchmark program prints lines "BENCH name value unit baseline ratio";
# anything else it prints is shown as progress.
#   tools/bench.sh [--quick]
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/lib.sh

quick=
[ "${1:-}" = --quick ] && quick=--quick
out=$top/build/bench
mkdir -p "$out"
lines=$out/bench.lines
: >"$lines"
failed=0

# run NAME CMD...: run one benchmark program, keep its BENCH lines.
run() {
	local name=$1; shift
	local rc
	echo "== $name"
	"$@" 2>&1 | tee "$out/$name.log" | grep -v '^BENCH '
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ]; then
		echo "bench: $name failed (log: $out/$name.log)"
		failed=1
	fi
	grep '^BENCH ' "$out/$name.log" >>"$lines"
}

echo "== building benchmarks"
make -s -C tools/bench-dip BUILD="$top/build" all || exit 1
if [ -f tools/bench-core/Makefile ]; then
	make -s -C tools/bench-core BUILD="$top/build" all || exit 1
	run bench-core "$top/build/bench-core/bench-core" $quick
fi
run bench-dip "$out/bench-dip" $quick "$top/build/tests/kernels"
make -s libd1 tools >/dev/null && make -s -C libd1/bench BUILD="$top/build" all || exit 1
run sdk-build "$out/sdk-bench" --host-only $quick

# Boot-to-test time of the VM with our card against the same VM without.
vm_boot() {
	local t0 t1 t2 i n=3
	[ -n "$quick" ] && n=1
	tools/vm-run.sh --timeout 120 true >/dev/null 2>&1 || return 1
	t0=$(date +%s.%N)
	for i in $(seq $n); do
		tools/vm-run.sh --timeout 120 true >/dev/null 2>&1 || return 1
	done
	t1=$(date +%s.%N)
	for i in $(seq $n); do
		tools/vm-run.sh --no-device --timeout 120 true >/dev/null 2>&1 || return 1
	done
	t2=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" 'BEGIN {
		d = (b - a) / n; base = (c - b) / n;
		printf "BENCH vm_boot_to_test %.3f s %.3f %.3f\n", d, base, d / base }'
}
run vm-boot vm_boot

# Through the driver, inside the VM.
vm_bench() {
	make -s module userspace &&
		make -s -C tools/bench-vm BUILD="$top/build" all || return 1
	tools/vm-run.sh --timeout 600 sh -c \
		"build/bin/d1-kmod load ./d1.ko && build/bench/bench-vm $quick &&
		 D1_CACHE_DIR=build/kcache build/bench/sdk-bench --device-only $quick" |
		grep -E '^BENCH |rror'
	return "${PIPESTATUS[0]}"
}
run vm-driver vm_bench

# The SGEMM example through libd1 in the VM on a 4x4 rectangle, the
# device computing on two host threads, next to OpenBLAS on all host
# threads (bench-core's baseline, this run); best of three runs.
vm_sgemm() {
	local base n=1024 e="D1_CACHE_DIR=build/kcache build/examples/sgemm"
	[ -n "$quick" ] && n=256
	base=$(awk '$2 == "host.sgemm_allthreads_gflops" { print $3 }' "$lines")
	tools/vm-run.sh --device sim-threads=2 --timeout 600 sh -c \
		"build/bin/d1-kmod load ./d1.ko && $e $n $n $n 4 4 &&
		 $e $n $n $n 4 4 && $e $n $n $n 4 4" |
		awk -v base="${base:-0}" -v n="$n" '
			{ sub(/\r$/, "") }	# the serial console
			/^sgemm:/ { print }
			/^sgemm: .* GFLOPS$/ && $(NF - 1) + 0 > g + 0 { g = $(NF - 1) }
			/^sgemm: PASSED/ { ok++ }
			END {
				if (ok != 3 || g == "") exit 1
				printf("BENCH vm.sgemm_example_%d_gflops %s GFLOPS %s %.4f\n",
				       n, g, base, base > 0 ? g / base : 0)
			}'
	local st=("${PIPESTATUS[@]}")
	[ "${st[0]}" = 0 ] && [ "${st[1]}" = 0 ]
}
run vm-sgemm vm_sgemm

# Table and JSON.
echo
printf '%-36s %14s %-6s %14s %9s\n' benchmark value unit baseline ratio
awk '{ printf "%-36s %14.4f %-6s %14.4f %9.4f\n", $2, $3, $4, $5, $6 }' "$lines"
awk 'BEGIN { print "[" } { printf "%s  {\"name\": \"%s\", \"value\": %s, \"unit\": \"%s\", \"baseline\": %s, \"ratio\": %s}", (NR > 1 ? ",\n" : ""), $2, $3, $4, $5, $6 } END { print "\n]" }' \
	"$lines" >"$top/build/bench.json"
echo "wrote build/bench.json ($(wc -l <"$lines") results)"
exit $failed
