# SPDX-License-Identifier: GPL-2.0
# Mixed pressure, no cgroup: an anonymous-memory hog (bench/anon-hog.py,
# 70% of RAM, rewritten pass after pass) with swap on vdb, and two dirty-file
# writers on ext4 (bench/fio/mixed-writers.fio) that together write as much
# as RAM to a disk slower than they are (16 MiB/s), so that they run at the
# dirty limit. Outcomes: the writers' throughput, the hog's rate (hog.json),
# allocation stalls and reclaim counters.
# shellcheck shell=bash disable=SC2034 # the variables are read by scripts/lib/bench.sh
cgroups=v2
mem=1G
case_timeout=900
# writes (both disks) limited to 16 MiB/s: the flushers lag behind the writers
disk_opts='throttling.bps-write=16777216'
cases='mixed-ext4-lru mixed-ext4-mglru'

# case_run mixed-FS-LRU
case_run() {
	local fs lru mem_mib hog size pid i div=2
	IFS=- read -r _ fs lru <<<"$1"
	bench_lru "$lru" || return
	bench_scratch /dev/vda "$fs" || return
	if ! mkswap /dev/vdb >/dev/null || ! swapon /dev/vdb; then
		bench_error "swapon /dev/vdb failed"
		return
	fi
	mem_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
	hog=$((mem_mib * 70 / 100))
	! bench_quick || div=8
	size=$((mem_mib / div))
	bench_info hog_mib "$hog"
	python3 "$WB_REPO/bench/anon-hog.py" "$hog" "$BENCH_OUT/hog.json" &
	pid=$!
	echo "$pid" >>"$BENCH_OUT/pids"
	bench_info hog_pid "$pid"
	for ((i = 0; i < 300; i++)); do
		[ -s "$BENCH_OUT/hog.json" ] || ! kill -0 "$pid" 2>/dev/null && break
		sleep 1
	done
	[ -s "$BENCH_OUT/hog.json" ] || { bench_error "anon-hog.py did not start"; return; }
	DIR=$BENCH_MNT SIZE=${size}M bench_fio mixed-writers.fio
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" || bench_error "anon-hog.py exited with $?"
}
