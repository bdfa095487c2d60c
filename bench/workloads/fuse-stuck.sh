# SPDX-License-Identifier: GPL-2.0
# A writer on ext4 next to N FUSE mounts whose servers hold every WRITE
# (fuse_wb_server --hold) after it served some normally, each mount filled
# with dirty data up to what its bdi may hold (FUSE's max_ratio of 1% and
# strictlimit stop its writer).
# With temporary pages (6.1) that held writeback is NR_WRITEBACK_TEMP, which
# the global dirty limit leaves out; without them it is NR_WRITEBACK, which
# counts: N mounts take about N% of the limit from every other writer.
# Outcome: the ext4 writer's bandwidth (bench/fio/beside-stuck.fio, 60 s at
# most), and nr_writeback / nr_writeback_temp.
# shellcheck shell=bash disable=SC2034 # the variables are read by scripts/lib/bench.sh
cgroups=v2
mem=1G
case_timeout=600
cases='fuse-stuck-0 fuse-stuck-32 fuse-stuck-64'

# case_run fuse-stuck-N
case_run() {
	local n server=$WB_KSFT/filesystems/fuse/fuse_wb_server i pid last now same=0
	n=${1##*-}
	if [ ! -x "$server" ]; then
		bench_skip "fuse_wb_server not built"
		return 0
	fi
	bench_scratch /dev/vda ext4 || return
	bench_info stuck_mounts "$n"
	mkdir -p /tmp/stuck
	# each server first works normally: its bdi earns its share of the
	# dirty limit (up to max_ratio) from the writeout it completes
	for ((i = 0; i < n; i++)); do
		mkdir -p "/tmp/stuck/b$i" "/tmp/stuck/m$i"
		pid=$("$server" --writeback-cache --discard --hold /tmp/stuck/hold \
			"/tmp/stuck/b$i" "/tmp/stuck/m$i") ||
			{ bench_error "fuse_wb_server $i failed to mount"; return; }
		echo "$pid" >>"$BENCH_OUT/pids"
	done
	for ((i = 0; i < n; i++)); do
		dd if=/dev/zero of="/tmp/stuck/m$i/warm" bs=64k count=64 conv=fsync 2>/dev/null ||
			{ bench_error "writing to FUSE mount $i failed"; return; }
	done
	# then stops answering WRITEs; each writer stops in
	# balance_dirty_pages() once its bdi holds its share
	: >/tmp/stuck/hold
	for ((i = 0; i < n; i++)); do
		dd if=/dev/zero of="/tmp/stuck/m$i/f" bs=64k count=512 2>/dev/null &
		echo $! >>"$BENCH_OUT/pids"
	done
	# until the held writeback stops growing (3 s unchanged, 120 s at most)
	last=-1
	for ((i = 0; i < 120 && same < 3; i++)); do
		sleep 1
		now=$(awk '$1 == "nr_writeback" || $1 == "nr_writeback_temp" { s += $2 }
			END { print s }' /proc/vmstat)
		if [ "$now" = "$last" ]; then same=$((same + 1)); else same=0; fi
		last=$now
	done
	bench_info held_pages "$last"
	bench_info dirty_thresh "$(awk '$1 == "nr_dirty_threshold" { print $2 }' /proc/vmstat)"
	DIR=$BENCH_MNT SIZE=$(bench_quick && echo 64M || echo 256M) bench_fio beside-stuck.fio
	rm -f /tmp/stuck/hold
	for ((i = 0; i < n; i++)); do
		umount -l "/tmp/stuck/m$i" 2>/dev/null
	done
	return 0
}
