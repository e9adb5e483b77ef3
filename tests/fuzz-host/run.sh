#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs one libFuzzer target over its seed corpus, then (with -t) fuzzes
# for SECONDS more; prints TAP.  A crash, leak, sanitizer report, timeout
# or out-of-memory fails, leaving the input in BUILD/fuzz-host/ (copy it
# into corpus/TARGET/ as a regression seed once fixed).  Inputs that found
# new coverage accumulate in BUILD/fuzz-host/corpus-TARGET/.
#
# Usage: tests/fuzz-host/run.sh [-t SECONDS] BUILD TARGET   (elf, mmu, ...)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=0
if [ "${1:-}" = -t ]; then
	secs=$2
	shift 2
fi
build=$1 target=$2
bin=$build/fuzz-host/fuzz_$target
seeds=$here/corpus/$target
work=$build/fuzz-host/corpus-$target
log=$build/fuzz-host/$target.log
mkdir -p "$work"
nseeds=$(find "$seeds" -type f | wc -l)
# Bounds for one input: seconds (a LAUNCH may run long on a loaded
# machine), memory (a guest-sized allocation is a finding).
opts=(-timeout=60 -rss_limit_mb=2048 -malloc_limit_mb=512
      -artifact_prefix="$build/fuzz-host/$target-" -print_final_stats=1)

echo "TAP version 13"
echo "1..$([ "$secs" = 0 ] && echo 1 || echo 2)"
if "$bin" "${opts[@]}" -runs=0 "$seeds" >"$log" 2>&1; then
	echo "ok 1 fuzz_$target: $nseeds seeds"
else
	echo "not ok 1 fuzz_$target: $nseeds seeds"
	grep -E 'ERROR|SUMMARY|runtime error|Test unit|fuzz_' "$log" | head -n 20 | sed 's/^/# /'
	exit 1
fi
[ "$secs" = 0 ] && exit 0
if "$bin" "${opts[@]}" -max_total_time="$secs" "$work" "$seeds" >>"$log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	echo "ok 2 fuzz_$target: ${runs:-?} inputs in $secs s"
else
	echo "not ok 2 fuzz_$target: fuzzing for $secs s"
	grep -E 'ERROR|SUMMARY|runtime error|Test unit|fuzz_' "$log" | head -n 20 | sed 's/^/# /'
	exit 1
fi
