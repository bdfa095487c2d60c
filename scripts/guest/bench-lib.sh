# SPDX-License-Identifier: GPL-2.0
# Guest-side helpers for benchmark workloads (bench/workloads/*.sh), sourced
# by scripts/guest/bench. BENCH_OUT is the directory of the running case.
# shellcheck shell=bash

bench_quick() {
	[ "${BENCH_QUICK:-0}" = 1 ]
}

# bench_info KEY VALUE: one line of CASE/info.
bench_info() {
	printf '%s=%s\n' "$1" "$2" >>"$BENCH_OUT/info"
}

bench_skip() {
	printf '%s\n' "$*" >"$BENCH_OUT/skip"
	echo "skipped: $*"
}

bench_error() {
	printf '%s\n' "$*" >>"$BENCH_OUT/error"
	echo "error: $*" >&2
	return 1
}

# bench_lru lru|mglru: classic LRU or multi-gen LRU for the next run.
bench_lru() {
	local f=/sys/kernel/mm/lru_gen/enabled want
	case $1 in
	lru) want=n ;;
	mglru) want=y ;;
	*) bench_error "unknown LRU '$1'"; return ;;
	esac
	if [ ! -e "$f" ]; then
		[ "$want" = y ] || { bench_info lru_gen none; return 0; }
		bench_skip "no $f: kernel without CONFIG_LRU_GEN"
		return 1
	fi
	echo "$want" >"$f" || { bench_error "cannot write $want to $f"; return; }
	bench_info lru_gen "$(cat "$f")"
}

# bench_scratch DEVICE FSTYPE: a fresh filesystem on $BENCH_MNT.
bench_scratch() {
	scratch_fs "$1" "$2" "$BENCH_MNT" || bench_error "mkfs/mount $2 on $1 failed"
	bench_info fs "$2"
	bench_info mount "$(grep " $BENCH_MNT " /proc/mounts)"
}

# bench_cgroup LIMIT: a fresh memory cgroup "bench" limited to LIMIT
# (memory.max on cgroup v2, memory.limit_in_bytes on v1); BENCH_CG is its
# directory and bench_fio starts fio in it.
bench_cgroup() {
	local limit=$1
	if [ -d /sys/fs/cgroup/memory ]; then
		BENCH_CG=/sys/fs/cgroup/memory/bench
		mkdir -p "$BENCH_CG" && echo "$limit" >"$BENCH_CG"/memory.limit_in_bytes ||
			bench_error "cannot make a cgroup v1 memory limit of $limit" || return
		bench_info cgroup "v1 memory.limit_in_bytes=$limit"
	else
		BENCH_CG=/sys/fs/cgroup/bench
		echo +memory >/sys/fs/cgroup/cgroup.subtree_control &&
			mkdir -p "$BENCH_CG" && echo "$limit" >"$BENCH_CG"/memory.max ||
			bench_error "cannot make a cgroup v2 memory.max of $limit" || return
		bench_info cgroup "v2 memory.max=$limit"
	fi
}

# bench_fio JOB: run bench/fio/JOB (its variables in the environment) with
# JSON output, in $BENCH_CG if set, between two /proc/vmstat snapshots.
bench_fio() {
	local job=$WB_REPO/bench/fio/$1 rc=0 secs sampler v
	secs=$((${BENCH_CASE_TIMEOUT:-900} - 30))
	bench_info job "bench/fio/$1"
	for v in DIR BS SIZE; do
		[ -z "${!v:-}" ] || bench_info "$v" "${!v}"
	done
	sync
	echo 3 >/proc/sys/vm/drop_caches
	bench_warm fio
	bench_perf_start
	bench_trace_start
	bench_cpu_snap before
	cat /proc/vmstat >"$BENCH_OUT/vmstat.before"
	bench_sampler &
	sampler=$!
	# shellcheck disable=SC2016 # the inner shell expands them
	timeout -k 10 "$secs" sh -c '[ -z "$1" ] || echo $$ >"$1/cgroup.procs" || exit 126
		shift; exec "$@"' sh "${BENCH_CG:-}" \
		fio --eta=never --output-format=json --output="$BENCH_OUT/fio.json" "$job" \
		>"$BENCH_OUT/fio.out" 2>&1 || rc=$?
	# fio's jobs can outlive it when the OOM killer took the parent
	[ -z "${BENCH_CG:-}" ] || bench_cgroup_empty
	cat /proc/vmstat >"$BENCH_OUT/vmstat.after"
	bench_cpu_snap after
	bench_trace_stop
	bench_perf_stop
	kill "$sampler"
	wait "$sampler" 2>/dev/null
	mv /tmp/bench-samples/* "$BENCH_OUT/"
	echo "$rc" >"$BENCH_OUT/fio.rc"
	[ "$rc" = 0 ] || echo "fio exited with $rc: $(tail -n 3 "$BENCH_OUT/fio.out")" >&2
	bench_cgroup_files
	return 0
}

# The tracepoints recorded over each fio run (bench_trace_start/stop):
# every sleep in reclaim_throttle() with its reason, task and duration, and
# the flusher work it and the dirty throttling start. bench.py sums them
# per reason, kswapd against direct reclaimers, and per writeback reason.
BENCH_TRACE_EVENTS='vmscan/mm_vmscan_throttled writeback/writeback_wake_background writeback/writeback_start'
BENCH_TRACEFS=/sys/kernel/tracing

# bench_trace_start: an empty trace buffer with BENCH_TRACE_EVENTS on
# (those the kernel has); nothing when the kernel has no tracefs.
bench_trace_start() {
	local tr=$BENCH_TRACEFS e
	[ -e $tr/trace ] || mount -t tracefs nodev $tr 2>/dev/null || return 0
	echo 0 >$tr/tracing_on
	: >$tr/trace
	echo 4096 >$tr/buffer_size_kb
	# CLOCK_MONOTONIC: the hog's clock (anon-hog.py's slow passes)
	echo mono >$tr/trace_clock 2>/dev/null
	for e in $BENCH_TRACE_EVENTS; do
		[ ! -e "$tr/events/$e/enable" ] || echo 1 >"$tr/events/$e/enable"
	done
	echo 1 >$tr/tracing_on
	bench_info trace "$BENCH_TRACE_EVENTS"
}

# bench_trace_stop: the events into CASE/trace.txt, and how many the
# buffer lost (trace_overrun: the sums are then lower bounds).
bench_trace_stop() {
	local tr=$BENCH_TRACEFS e
	[ -e $tr/trace ] || return 0
	echo 0 >$tr/tracing_on
	for e in $BENCH_TRACE_EVENTS; do
		[ ! -e "$tr/events/$e/enable" ] || echo 0 >"$tr/events/$e/enable"
	done
	cat $tr/trace >"$BENCH_OUT/trace.txt"
	bench_info trace_overrun "$(awk '$1 == "overrun:" { n += $2 } END { print n + 0 }' $tr/per_cpu/cpu*/stats)"
	: >$tr/trace
}

# bench_sampler: every second, the gauges of /proc/vmstat whose peaks
# bench.py reports, and the kworkers seen running a bdi flush (wb_workfn
# names them flush-MAJ:MIN), into /tmp/bench-samples/ (moved to BENCH_OUT
# after the run). Shell builtins only, on tmpfs: no program to load and no
# write to the results share, whose waits for the host an -icount guest
# would count in guest time.
bench_sampler() {
	local k v f c fd
	mkdir -p /tmp/bench-samples
	mkfifo /tmp/bench-samples/.tick
	exec {fd}<>/tmp/bench-samples/.tick
	rm -f /tmp/bench-samples/.tick
	while :; do
		while read -r k v; do
			case $k in
			nr_dirty | nr_writeback | nr_writeback_temp) echo "$k $v" ;;
			esac
		done </proc/vmstat >>/tmp/bench-samples/vmstat.samples
		for f in /proc/[0-9]*/comm; do
			read -r c <"$f" 2>/dev/null || continue
			[[ $c != kworker*flush-* ]] || echo "$f"
		done >>/tmp/bench-samples/flushers
		# sleep 1, without a program: nothing ever writes to the fifo
		read -rt 1 -u "$fd" _ || true
	done
}

# bench_warm PROGRAM...: read the programs and their libraries after
# drop_caches, so that the run does not fault them in from the host's 9p
# root (under -icount every wait for the host costs guest time).
bench_warm() {
	local p f
	for p in "$@"; do
		p=$(command -v "$p") || continue
		for f in "$p" $(ldd "$p" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
			cat "$f" >/dev/null
		done
	done
}

# bench_cpu_snap before|after: the CPU time counters bench.py turns into
# CPU seconds per MiB written: /proc/stat (whole guest), /proc/PID/stat of
# every process (kworkers, the FUSE server in $BENCH_OUT/pids) and of this
# shell, whose cutime/cstime grow by what fio and its jobs used once they
# are waited for. Clock ticks per second in CASE/info (clk_tck).
bench_cpu_snap() {
	cat /proc/stat >"$BENCH_OUT/stat.$1"
	cat /proc/[0-9]*/stat >"$BENCH_OUT/procstat.$1" 2>/dev/null
	cat "/proc/$BASHPID/stat" >"$BENCH_OUT/self.$1"
	[ "$1" = after ] || bench_info clk_tck "$(getconf CLK_TCK)"
}

# bench_perf_start: with BENCH_PROFILE=1, in a workload that asks for it
# (perf_profile=yes), perf record -e cpu-clock -a -g over the fio run; the
# data goes to the guest's tmpfs, bench_perf_stop reports it.
bench_perf_start() {
	BENCH_PERF_PID=
	[ "${BENCH_PROFILE:-0}" = 1 ] && [ "${perf_profile:-}" = yes ] || return 0
	if ! perf --version >/dev/null 2>&1; then
		bench_error "--profile: no working perf in the guest ($(perf --version 2>&1 | head -n1))"
		return 0
	fi
	echo 0 >/proc/sys/kernel/kptr_restrict
	echo -1 >/proc/sys/kernel/perf_event_paranoid
	perf record -q -e cpu-clock -F "${BENCH_PERF_FREQ:-500}" -a -g -o /tmp/bench-perf.data \
		>"$BENCH_OUT/perf-record.log" 2>&1 &
	BENCH_PERF_PID=$!
	bench_info perf "perf record -e cpu-clock -F ${BENCH_PERF_FREQ:-500} -a -g ($(perf --version))"
	sleep 1
}

# bench_perf_stop: stop perf record and save perf report's text, by
# symbol and by command, without call chains (--no-children: self time).
bench_perf_stop() {
	[ -n "${BENCH_PERF_PID:-}" ] || return 0
	kill -INT "$BENCH_PERF_PID"
	wait "$BENCH_PERF_PID" 2>/dev/null
	perf report -i /tmp/bench-perf.data --stdio --no-children --sort sym -g none \
		>"$BENCH_OUT/perf-report-sym.txt" 2>"$BENCH_OUT/perf-report.log"
	perf report -i /tmp/bench-perf.data --stdio --no-children --sort comm -g none \
		>"$BENCH_OUT/perf-report-comm.txt" 2>>"$BENCH_OUT/perf-report.log"
	rm -f /tmp/bench-perf.data
	BENCH_PERF_PID=
}

# Kill what is left in $BENCH_CG and wait until it is empty.
bench_cgroup_empty() {
	local i pid
	for ((i = 0; i < 60; i++)); do
		[ -n "$(cat "$BENCH_CG/cgroup.procs")" ] || return 0
		while read -r pid; do
			kill -9 "$pid" 2>/dev/null
		done <"$BENCH_CG/cgroup.procs"
		sleep 1
	done
	echo "processes left in $BENCH_CG: $(cat "$BENCH_CG/cgroup.procs")" >&2
}

bench_cgroup_files() {
	local f
	[ -n "${BENCH_CG:-}" ] || return 0
	for f in memory.events memory.stat memory.peak memory.failcnt memory.oom_control \
		memory.max_usage_in_bytes; do
		[ ! -r "$BENCH_CG/$f" ] || cat "$BENCH_CG/$f" >"$BENCH_OUT/$f"
	done
}

# After each case: whatever it left running or mounted goes.
bench_cleanup() {
	local pid cg
	if [ -r "$BENCH_OUT/pids" ]; then
		while read -r pid; do
			kill -9 "$pid" 2>/dev/null
		done <"$BENCH_OUT/pids"
	fi
	for cg in /sys/fs/cgroup/bench /sys/fs/cgroup/memory/bench; do
		[ -d $cg ] || continue
		while read -r pid; do
			kill -9 "$pid" 2>/dev/null
		done <$cg/cgroup.procs
		sleep 1
		rmdir $cg 2>/dev/null || echo "cannot remove $cg" >&2
	done
	grep -E ' /mnt/(scratch|fuse) ' /proc/mounts | while read -r _ mnt _; do
		umount "$mnt" 2>/dev/null || umount -l "$mnt"
	done
	swapoff -a 2>/dev/null
	rm -rf /tmp/bench
	return 0
}
