# SPDX-License-Identifier: GPL-2.0
# FUSE buffered sequential write (bench/fio/fuse-seqwrite.fio, 2 jobs) with
# 1 KiB, 4 KiB and 1 MiB writes, writeback_cache on, through the series'
# test server fuse_wb_server: passthrough to a tmpfs backing directory, and
# no-copy mode (--discard: the server drops the data it is sent).
# shellcheck shell=bash disable=SC2034 # the variables are read by scripts/lib/bench.sh
cgroups=v2
mem=1G
case_timeout=900
# --profile: perf record during these cases
perf_profile=yes
cases='fuse-passthrough-1k fuse-passthrough-4k fuse-passthrough-1m
fuse-nocopy-1k fuse-nocopy-4k fuse-nocopy-1m'

# case_run fuse-MODE-BS
case_run() {
	local mode bs size pid server=$WB_KSFT/filesystems/fuse/fuse_wb_server
	local -a opts=(--writeback-cache)
	IFS=- read -r _ mode bs <<<"$1"
	if [ ! -x "$server" ]; then
		bench_skip "fuse_wb_server not built: the patched tree has no tools/testing/selftests/filesystems/fuse/fuse_wb_server"
		return 0
	fi
	[ "$mode" = passthrough ] || opts+=(--discard)
	size=$(bench_quick && echo 32M || echo 128M)
	mkdir -p /tmp/bench/backing /mnt/fuse
	pid=$("$server" "${opts[@]}" /tmp/bench/backing /mnt/fuse) ||
		{ bench_error "fuse_wb_server ${opts[*]} failed to mount"; return; }
	echo "$pid" >>"$BENCH_OUT/pids"
	bench_info server "fuse_wb_server ${opts[*]} (pid $pid)"
	DIR=/mnt/fuse BS=${bs^^} SIZE=$size bench_fio fuse-seqwrite.fio
	umount /mnt/fuse
	kill "$pid" 2>/dev/null
	return 0
}
