#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the d1 test suites and sums their results into one closing line,
# "N passed, N failed, N skipped"; exits non-zero on any failure.
#
# Usage: tools/check.sh host    host unit tests (plain and ASan+UBSan+LSan),
#                               the fuzz targets' seed corpora
#        tools/check.sh all     packages + host + short fuzzing +
#                               ThreadSanitizer + qtest + static checks +
#                               VM suites (the packages' VM in parallel)
#        tools/check.sh guest   only the VM suites (stock kernel; debug
#                               kernel on another card)
#        tools/check.sh stress  long fuzzing, the long reliability runs
#                               (make stress)
#
# Every suite writes a log under build/results/; kselftest-harness
# "# Totals:" lines or TAP "ok"/"not ok" lines are counted.  A suite that
# exits non-zero without a counted failure, or counts no test, fails once.
# tests/manifest lists what each lane must report: a suite missing from
# the results, or a result missing from the manifest, fails too.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/lib.sh

mode=${1:-all}
res=$top/build/results
rm -rf "$res"
mkdir -p "$res"
tp=0 tf=0 ts=0
failed_suites=()
# Every recorded suite, "lane/suite" -> its skip count (tests/manifest).
declare -A seen=()

# count LOG RC -> "pass fail skip".  A "not ok" line counts even where the
# log also holds an inner program's "# Totals:" (a phase's own verdict);
# a non-zero exit status without a counted failure is one.
count() {
	local log=$1 rc=$2
	local p f s notok
	notok=$(grep -cE '^not ok [0-9]+' "$log" | tr -d ' ')
	if grep -q '^# Totals: ' "$log"; then
		read -r p f s < <(sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) xfail:\([0-9]*\) xpass:\([0-9]*\) skip:\([0-9]*\) error:\([0-9]*\).*/\1 \2 \3 \4 \5 \6/p' "$log" |
			awk '{p += $1 + $3; f += $2 + $4 + $6; s += $5} END {print p+0, f+0, s+0}')
		[ "$notok" -gt "$f" ] && f=$notok
	else
		p=$(grep -cE '^ok [0-9]+' "$log" | tr -d ' ')
		s=$(grep -E '^ok [0-9]+' "$log" | grep -c '# SKIP' | tr -d ' ')
		p=$((p - s))
		f=$notok
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "   (exited $rc without a counted failure)" >>"$log"
	fi
	if [ "$rc" = 0 ] && [ $((p + f + s)) = 0 ]; then
		f=1
		echo "   (ran no test)" >>"$log"
	fi
	echo "$p $f $s"
}

# record NAME LOG RC [SECONDS]: add a finished suite's counts to the
# totals.
record() {
	local name=$1 log=$2 rc=$3 p f s
	read -r p f s < <(count "$log" "$rc")
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
	seen[$name]=$s
	printf '  %-36s %4d passed, %d failed, %d skipped%s\n' "$name" "$p" "$f" "$s" \
		"${4:+ ($4 s)}"
	if [ "$f" != 0 ]; then
		failed_suites+=("$name")
		grep -E '^not ok|^# +FAIL|Assertion|error|ERROR' "$log" | head -n 20 | sed 's/^/    | /'
		echo "    | full log: $log"
	fi
}

# suite NAME CMD...: run CMD with its output in the suite's log.
suite() {
	local name=$1; shift
	local log=$res/${name//\//-}.log t0=$SECONDS
	"$@" >"$log" 2>&1
	record "$name" "$log" $? $((SECONDS - t0))
}

# A build failure is a failed suite, with the compiler output in its log.
build_step() {
	local name=$1; shift
	local log=$res/build-$name.log
	if "$@" >"$log" 2>&1; then
		return 0
	fi
	echo "not ok 1 build $name" >>"$log"
	record "build/$name" "$log" 1
	return 1
}

# manifest_suites LANE: "SUITE FLAGS" for each suite tests/manifest lists
# for LANE, {GLOB} expanded.
manifest_suites() {
	local lane=$1 lanes suite flags pre glob post f
	while read -r lanes suite flags; do
		case $lanes in '' | '#'*) continue ;; esac
		case ,$lanes, in *,"$lane",*) ;; *) continue ;; esac
		case $suite in
		*'{'*'}'*)
			pre=${suite%%'{'*} glob=${suite#*'{'} post=${suite#*'}'}
			glob=${glob%%'}'*}
			for f in $glob; do
				[ -e "$f" ] || continue
				f=$(basename "$f")
				echo "$pre${f%.*}$post $flags"
			done
			;;
		*) echo "$suite $flags" ;;
		esac
	done <tests/manifest
}

# manifest_fail NAME WHY: one failed suite saying why.
manifest_fail() {
	local log=$res/manifest-${1//\//-}.log
	echo "not ok 1 $1 $2" >"$log"
	record "manifest: $1" "$log" 0
}

# manifest_check LANE: what tests/manifest expects of LANE against what
# was recorded: a suite that did not run, a result nobody expects and a
# skip where none is allowed each fail.
manifest_check() {
	local lane=$1 suite flags n
	local -A want=()
	while read -r suite flags; do
		want[$suite]=1
		n=$lane/$suite
		if [ -z "${seen[$n]+set}" ]; then
			manifest_fail "$n" "did not run (tests/manifest expects it)"
		elif [ "$flags" = noskip ] && [ "${seen[$n]}" != 0 ]; then
			manifest_fail "$n" "skipped ${seen[$n]} (noskip in tests/manifest)"
		fi
	done < <(manifest_suites "$lane" | sort -u)
	for n in "${!seen[@]}"; do
		case $n in "$lane"/*) ;; *) continue ;; esac
		[ -n "${want[${n#"$lane"/}]+set}" ] ||
			manifest_fail "$n" "is not in tests/manifest"
	done
}

# The manifest itself: known lanes and flags, every {GLOB} matching a file.
check_manifest() {
	local lanes suite flags l g f ok=1
	while read -r lanes suite flags; do
		case $lanes in '' | '#'*) continue ;; esac
		for l in ${lanes//,/ }; do
			case $l in
			host | host-san | fuzz-host | host-tsan | qtest | static | vm | \
			vm-debug | stress | deb) ;;
			*) echo "unknown lane '$l' ($suite)"; ok=0 ;;
			esac
		done
		case $flags in '' | noskip) ;; *) echo "unknown flag '$flags' ($suite)"; ok=0 ;; esac
		case $suite in
		*'{'*'}'*)
			g=${suite#*'{'}
			g=${g%%'}'*}
			for f in $g; do break; done
			[ -e "$f" ] || { echo "$g matches no file"; ok=0; }
			;;
		esac
	done <tests/manifest
	[ $ok = 1 ] && echo "ok 1 tests/manifest" || echo "not ok 1 tests/manifest"
}

run_host() {
	echo "== host unit tests (plain and ASan+UBSan)"
	local v t
	for v in host host-san; do
		local san=0
		[ $v = host-san ] && san=1
		build_step "$v" make -s -C tests/host BUILD="$top/build" SAN=$san || continue
		for t in build/tests/$v/test_*; do
			[ -x "$t" ] || continue
			suite "$v/$(basename "$t")" "$t"
		done
		manifest_check $v
	done
}

# run_fuzz_host SECONDS: every libFuzzer target over its seed corpus,
# then fuzzing SECONDS each (0: the seeds only).
run_fuzz_host() {
	echo "== libFuzzer targets (ASan+UBSan), ${1} s of fuzzing each"
	local c
	build_step fuzz-host make -s -C tests/fuzz-host BUILD="$top/build" || return
	for c in tests/fuzz-host/corpus/*/; do
		c=$(basename "$c")
		suite "fuzz-host/$c" tests/fuzz-host/run.sh -t "$1" "$top/build" "$c"
	done
	manifest_check fuzz-host
}

run_tsan() {
	echo "== host concurrency tests under ThreadSanitizer"
	local t
	build_step host-tsan make -s -C tests/host BUILD="$top/build" SAN=thread || return
	for t in $(make -s -C tests/host BUILD="$top/build" SAN=thread list); do
		suite "host-tsan/$(basename "$t")" \
			env TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "$t"
	done
	manifest_check host-tsan
}

run_qtest() {
	echo "== qtest (d1-dip device)"
	local q
	q=$(qemu_out)
	# The launch test needs a kernel; the host tests built one.
	make -s -C tests/host BUILD="$top/build" >/dev/null 2>&1
	suite qtest/d1-dip env QTEST_QEMU_BINARY="$q/qemu-system-x86_64" \
		D1_QTEST_KERNEL="$top/build/tests/kernels/dev_scale.elf" \
		timeout 300 "$q/d1-dip-test" --tap
	manifest_check qtest
}

# kernel-doc: the comments of the uAPI header, the driver and the SDK's
# public headers parse without a warning, and every identifier or DOC
# section a ".. kernel-doc::" directive in Documentation/ names exists
# (one run each: kernel-doc only warns when it finds none of its names).
kernel_doc() {
	local kd=$D1_CACHE/linux-tools/scripts/kernel-doc rc=0 file name
	perl "$kd" -Wall -Werror -none uapi/drm/d1_accel.h driver/*.[ch] \
		libd1/include/d1/*.h || rc=1
	while IFS=$'\t' read -r file name; do
		perl "$kd" -Werror -rst -sphinx-version 5.3.0 -function "$name" \
			"$file" >/dev/null || rc=1
	done < <(awk '
		/^\.\. kernel-doc::/ { f = $3; next }
		f && /^ +:identifiers:/ {
			sub(/^ +:identifiers: */, "")
			for (i = 1; i <= NF; i++) print f "\t" $i
			next
		}
		f && /^ +:doc:/ { sub(/^ +:doc: */, ""); print f "\t" $0; next }
		f && /^ +:/ { next }
		{ f = "" }' Documentation/accel/d1/*.rst)
	return $rc
}

run_static() {
	echo "== static checks (checkpatch --strict, sparse, kernel-doc)"
	local cp=$D1_CACHE/linux-tools/scripts/checkpatch.pl
	local log=$res/checkpatch.log
	if perl "$cp" --strict --no-tree --terse --show-types -f \
		driver/*.[ch] >"$log" 2>&1; then
		echo "ok 1 checkpatch --strict driver/" >>"$log"
	else
		echo "not ok 1 checkpatch --strict driver/" >>"$log"
	fi
	record static/checkpatch "$log" 0
	log=$res/kernel-doc.log
	if kernel_doc >"$log" 2>&1; then
		echo "ok 1 kernel-doc" >>"$log"
	else
		echo "not ok 1 kernel-doc" >>"$log"
	fi
	record static/kernel-doc "$log" 0
	log=$res/sparse.log
	make -s -C "/lib/modules/$KVER/build" M="$top" C=2 modules >"$log" 2>&1
	local rc=$?
	if [ $rc = 0 ] && ! grep -qE 'warning:|error:' "$log"; then
		echo "ok 1 sparse (make C=2)" >>"$log"
	else
		echo "not ok 1 sparse (make C=2)" >>"$log"
	fi
	record static/sparse "$log" 0
	suite static/manifest check_manifest
	manifest_check static
}

# The debug kernel's lane, the longer guest lane, boots first, in the
# background: its single-CPU guest runs beside what follows (the host
# suites in "all", the stock kernel's lane).  Its card has other
# properties than the default ($ALT_DEVICE) and sits behind an IOMMU:
# one boot covers the other card, the IOMMU and the debug kernel.
run_vm_start() {
	echo "== guest suites on the debug kernel (KASAN, lockdep, kmemleak," \
		"fault injection), behind a guest IOMMU (intel-iommu), on a card" \
		"with other properties ($ALT_DEVICE), in the background"
	build_step module make -s module || return
	build_step userspace make -s userspace || return
	build_step module-debug make -s module-debug || return
	D1_STRESS=skip vm_start vm-debug --debug-kernel --iommu --device "$ALT_DEVICE" \
		--timeout 2400 -- tests/vm/guest-check.sh
}

run_vm() {
	echo "== guest suites (one VM boot)"
	build_step module make -s module || return
	build_step userspace make -s userspace || return
	vm_suites vm --cards 2 -- tests/vm/guest-check.sh
	[ -n "${vm_pid[vm-debug]:-}" ] || return 0
	echo "== guest suites on the debug kernel (waiting)"
	vm_finish vm-debug
}

# The guest tests follow the card they find (QUERY), not its defaults:
# a small grid, more queues and contexts than the default.
ALT_DEVICE="grid-rows=6,grid-cols=6,nodes=36,queues=8,contexts=32"

run_stress() {
	echo "== stress runs in the VM (fuzzing, faults, hangs, kills, reloads, unplug, load)"
	build_step module make -s module || return
	build_step userspace make -s userspace || return
	# Two VMs whose cards are linked over a socket (before the stress
	# VM, whose lane check expects it).
	suite stress/link-pair tests/vm/link-pair.sh
	D1_STRESS=full vm_suites stress --timeout 5000 -- tests/vm/guest-check.sh --stress-only
	cat "$res/stress/stress-figures.txt" 2>/dev/null
}

# vm_start NAME [vm-run options] -- SCRIPT [ARG...]: boot a VM running
# SCRIPT in the background; it leaves NAME/<suite>.log and .rc files under
# build/results for vm_finish NAME to count and check against
# tests/manifest.
declare -A vm_pid vm_t0
vm_start() {
	local name=$1 opts=()
	shift
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	rm -rf "${res:?}/$name"
	(
		tools/vm-run.sh --timeout 1800 "${opts[@]}" --log "$res/$name-console.log" \
			env D1_RESULTS="build/results/$name" D1_LANE="$name" \
			D1_STRESS="${D1_STRESS:-quick}" "$@" >/dev/null 2>&1
		echo $? >"$res/$name.exit"
		times >"$res/$name.times"
	) &
	vm_pid[$name]=$!
	vm_t0[$name]=$SECONDS
}

vm_finish() {
	local name=$1 rc l n
	wait "${vm_pid[$name]}"
	rc=$(cat "$res/$name.exit" 2>/dev/null || echo 1)
	for l in "$res/$name"/*.log; do
		[ -f "$l" ] || continue
		n=$(basename "$l" .log)
		record "$name/$n" "$l" "$(cat "$res/$name/$n.rc" 2>/dev/null || echo 1)" \
			"$(cat "$res/$name/$n.time" 2>/dev/null)"
	done
	# The boot itself: a panic, oops, kernel report or timeout fails here.
	local log=$res/$name-console.log blog=$res/$name/boot.log
	mkdir -p "$res/$name"
	if [ "$rc" = 0 ]; then
		echo "ok 1 vm run" >"$blog"
	else
		echo "not ok 1 vm run (exit $rc); console: $log" >"$blog"
		# The kernel's report if the guest saw one, else the end.
		if grep -q '^d1-vm: kernel warning or bug' "$log"; then
			sed -n '/^d1-vm: kernel warning or bug/,/^D1-EXIT=/p' "$log" |
				tee -a "$blog"
		else
			tail -n 40 "$log" | tee -a "$blog"
		fi
	fi
	record "$name/boot" "$blog" 0
	manifest_check "$name"
	echo "   ($name VM run took $((SECONDS - ${vm_t0[$name]})) s," \
		"$(cpu_seconds "$res/$name.times") CPU-s)"
}

# vm_suites NAME [vm-run options] -- SCRIPT [ARG...]: one VM boot.
vm_suites() {
	vm_start "$@"
	vm_finish "$1"
}

# The Debian packages: built and checked on the host (make deb), then
# installed and used in a VM of their own (tests/vm/deb-check.sh), which
# boots in the background while the other suites run.
run_deb_start() {
	echo "== Debian packages (make deb; their VM runs in the background)"
	build_step module make -s module || return
	build_step userspace make -s userspace || return
	local log=$res/deb-build.log
	make -s deb >"$log" 2>&1
	record deb/build "$log" $?
	grep -q '^ok 1 dpkg-buildpackage' "$log" || return
	vm_start deb --timeout 3000 -- tests/vm/deb-check.sh
}

run_deb_finish() {
	[ -n "${vm_pid[deb]:-}" ] || return 0
	echo "== Debian packages in the VM (DKMS, udev, example, Python, removal)"
	vm_finish deb
}

# cpu_seconds FILE: from what "times >FILE" wrote, the CPU time (user
# and system) of that shell's finished children, in seconds.  The lanes
# overlap: their CPU time is what compares across runs and machines.
cpu_seconds() {
	awk 'NR == 2 {
		for (i = 1; i <= NF; i++) { split($i, t, "m"); n += t[1] * 60 + t[2] }
		printf "%d\n", n }' "$1"
}

# timed LABEL FN: run one phase and say how long it took.
timed() {
	local label=$1 t0=$SECONDS
	shift
	"$@"
	echo "   ($label took $((SECONDS - t0)) s)"
}

t_start=$SECONDS
case $mode in
host)
	timed "host tests" run_host
	timed "fuzz seeds" run_fuzz_host 0
	;;
all)
	timed "packages" run_deb_start
	timed "debug-kernel lane start" run_vm_start
	timed "host tests" run_host
	timed "fuzzing" run_fuzz_host "${D1_FUZZ_SECONDS:-10}"
	timed "ThreadSanitizer" run_tsan
	timed qtest run_qtest
	timed "static checks" run_static
	timed "guest suites" run_vm
	timed "package suites (waiting)" run_deb_finish
	;;
guest)
	timed "debug-kernel lane start" run_vm_start
	timed "guest suites" run_vm
	;;
stress)
	timed "fuzzing" run_fuzz_host "${D1_FUZZ_SECONDS:-300}"
	timed "stress runs" run_stress
	;;
*)
	echo "usage: $0 host|all|guest|stress" >&2
	exit 2
	;;
esac

times >"$res/times"
echo "   (all phases took $((SECONDS - t_start)) s, $(cpu_seconds "$res/times") CPU-s)"
echo
if [ $tf != 0 ]; then
	echo "failed suites: ${failed_suites[*]}"
fi
echo "$tp passed, $tf failed, $ts skipped"
[ $tf = 0 ]
