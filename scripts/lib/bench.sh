# SPDX-License-Identifier: GPL-2.0
# 'scripts/harness bench': fio A/B benchmarks of the baseline and the patched
# kernel on the same host. The workloads are bench/workloads/*.sh (cgroup
# mode, memory and cases, read here; case_run, run in the guest by
# scripts/guest/bench), their fio jobs bench/fio/*.fio; scripts/lib/bench.py
# writes results.json, table.txt and ratios.png.
# shellcheck shell=bash
# shellcheck disable=SC2153 # BENCH_* and WB_COMMAND are set by scripts/harness

# What --quick runs when --workloads is not given: one case of each kind.
BENCH_QUICK_CASES='fuse-passthrough-4k memcg-v2-ext4-lru memcg-v2-ext4-mglru memcg-v1-ext4-mglru mixed-ext4-mglru'
# Seconds one case may take in --quick mode (a limit, not an expectation).
BENCH_QUICK_TIMEOUT=300

bench_workloads() {
	local f
	for f in "$WB_REPO"/bench/workloads/*.sh; do
		basename "$f" .sh
	done
}

# bench_var WORKLOAD VAR: a variable a workload file declares.
bench_var() {
	local file=$WB_REPO/bench/workloads/$1.sh
	[ -r "$file" ] || die "no workload '$1' (bench/workloads/$1.sh)"
	# shellcheck source=/dev/null
	(. "$file" && eval "printf '%s\n' \"\${$2:-}\"")
}

# bench_select PATTERN...: "WORKLOAD/CASE" of each case that a pattern
# names: a workload name selects all its cases, anything else is a shell
# glob on case names (memcg-v1-*, *-mglru, fuse-nocopy-4k).
bench_select() {
	local wl c p hit
	local -A used=()
	for wl in $(bench_workloads); do
		for c in $(bench_var "$wl" cases); do
			hit=
			for p in "$@"; do
				# shellcheck disable=SC2053 # $p is a glob on purpose
				if [ "$p" = "$wl" ] || [[ $c == $p ]]; then
					used[$p]=1
					hit=1
				fi
			done
			[ -z "$hit" ] || printf '%s/%s\n' "$wl" "$c"
		done
	done
	for p in "$@"; do
		[ -n "${used[$p]:-}" ] ||
			die "--workloads: '$p' names no workload or case (bench/workloads/*.sh: $(bench_workloads | tr '\n' ' '))"
	done
}

# The FUSE test server, built like the suites' selftests from the patched
# tree (WB_FUSE_TREE: another kernel tree that has it). Without it the
# FUSE cases are recorded as skipped.
bench_fuse_server() {
	local tree=${WB_FUSE_TREE:-$(tree_dir patched)} t=filesystems/fuse/fuse_wb_server
	rm -f "$WB_KSFT_DIR/$t"
	if ! grep -qs fuse_wb_server "$tree/tools/testing/selftests/filesystems/fuse/Makefile"; then
		info "no fuse_wb_server in $tree/tools/testing/selftests/filesystems/fuse: the FUSE cases will be skipped"
		return 0
	fi
	info "building fuse_wb_server from $tree"
	build_selftests "$tree" "$t"
}

bench_host_info() {
	local model
	model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
	printf '%s, %s CPUs, %s GiB' "${model:-unknown CPU}" "$(nproc)" \
		"$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
}

cmd_bench() {
	local kbase kpatch rundir rounds r key k bdir rc=0 failed=0 wl tmo accel kcg kmem kdisk
	local -a cases pats
	local -A groups=() secs=()
	need fio fio
	need python3 python3
	rounds=${BENCH_ROUNDS:-$([ "$BENCH_QUICK" = 1 ] && echo 1 || echo 5)}
	[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds needs a positive number, not '$rounds'"
	# words, not file names: read -a splits without globbing
	if [ -n "$BENCH_WORKLOADS" ]; then
		read -ra pats <<<"$BENCH_WORKLOADS"
	elif [ "$BENCH_QUICK" = 1 ]; then
		read -ra pats <<<"$BENCH_QUICK_CASES"
	else
		pats=('*')
	fi
	mapfile -t cases < <(bench_select "${pats[@]}")
	[ ${#cases[@]} -gt 0 ] || die "no benchmark case selected"
	if [ ${#BENCH_KERNELS[@]} -eq 2 ]; then
		kbase=$(realpath "${BENCH_KERNELS[0]}")
		kpatch=$(realpath "${BENCH_KERNELS[1]}")
		[ -r "$kbase" ] || die "--kernels: cannot read $kbase"
		[ -r "$kpatch" ] || die "--kernels: cannot read $kpatch"
	else
		resolve_base
		kbase=$(VARIANT=baseline variant_build)/arch/x86/boot/bzImage
		kpatch=$(VARIANT=patched variant_build)/arch/x86/boot/bzImage
	fi
	if printf '%s\n' "${cases[@]}" | grep -q '^fuse/'; then
		bench_fuse_server
	fi
	# One boot per (cgroup mode, memory, disk options) of each kernel in
	# each round.
	for k in "${cases[@]}"; do
		wl=${k%%/*}
		kdisk=$(bench_var "$wl" disk_opts)
		key="$(bench_var "$wl" cgroups) $(bench_var "$wl" mem) ${kdisk:-none}"
		groups[$key]="${groups[$key]:-} $k"
		tmo=$(bench_var "$wl" case_timeout)
		tmo=${tmo:-900}
		[ "$BENCH_QUICK" != 1 ] || [ "$tmo" -le "$BENCH_QUICK_TIMEOUT" ] || tmo=$BENCH_QUICK_TIMEOUT
		secs[$key]=$(( ${secs[$key]:-180} + tmo ))
	done
	rundir=$(new_rundir "bench$([ "$BENCH_QUICK" = 1 ] && echo -quick)")
	accel=$(qemu_accel "$kbase")
	{
		echo "command=${WB_COMMAND:-scripts/harness bench}"
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "host=$(bench_host_info)"
		echo "accel=$accel"
		echo "rounds=$rounds"
		echo "quick=$BENCH_QUICK"
		echo "cases=$(printf '%s ' "${cases[@]}")"
		echo "fio=$(fio --version)"
		echo "icount=$([ -n "${WB_ICOUNT:-}" ] && echo "shift=$WB_ICOUNT,sleep=off,align=off" || echo off)"
		echo "profile=$BENCH_PROFILE"
		echo "baseline=$kbase"
		echo "baseline_sha256=$(sha256sum <"$kbase" | cut -d' ' -f1)"
		echo "patched=$kpatch"
		echo "patched_sha256=$(sha256sum <"$kpatch" | cut -d' ' -f1)"
	} >"$rundir/meta"
	info "bench: ${#cases[@]} cases, $rounds round(s), $accel${WB_ICOUNT:+ icount shift=$WB_ICOUNT}$([ "$BENCH_PROFILE" = 1 ] && echo ", perf profile"), results in $rundir"
	for ((r = 1; r <= rounds; r++)); do
		while read -r key; do
			key=${key//@/ }
			read -r kcg kmem kdisk <<<"$key"
			[ "$kdisk" != none ] || kdisk=
			for k in baseline patched; do
				bdir=$rundir/round-$r/$k/boot-$kcg-$kmem${kdisk:+-slowdisk}
				mkdir -p "$bdir"
				# shellcheck disable=SC2086 # a list of cases
				printf '%s\n' ${groups[$key]} >"$bdir/plan"
				cat >"$bdir/job.sh" <<JOB
export WB_REPO='$WB_REPO' WB_KSFT='$WB_KSFT_DIR' WB_KSFT_MM='$WB_KSFT_MM' BENCH_QUICK='$BENCH_QUICK' BENCH_PROFILE='$BENCH_PROFILE'
export BENCH_CASE_TIMEOUT='$([ "$BENCH_QUICK" = 1 ] && echo "$BENCH_QUICK_TIMEOUT" || echo 900)'
exec bash '$WB_REPO/scripts/guest/bench' ${groups[$key]}
JOB
				info "round $r/$rounds: $k, cgroup $kcg, $kmem${kdisk:+, $kdisk}:${groups[$key]}"
				rc=0
				WB_CGROUPS=$kcg WB_MEM=$kmem WB_DISKS="a:4G b:4G" WB_DISK_OPTS=$kdisk \
					WB_TIMEOUT=${secs[$key]} \
					boot_guest "$([ $k = baseline ] && echo "$kbase" || echo "$kpatch")" "$bdir" || rc=$?
				echo "$rc" >"$bdir/boot.rc"
				rm -f "$bdir"/disk-*.img
				[ "$rc" = 0 ] || failed=1
			done
		done < <(printf '%s\n' "${!groups[@]}" | tr ' ' '@' | sort)
	done
	rc=0
	python3 "$WB_REPO/scripts/lib/bench.py" "$rundir" || rc=$?
	[ "$failed" = 0 ] || rc=1
	return "$rc"
}
