# SPDX-License-Identifier: GPL-2.0
# ext4 and xfs buffered write + end_fsync (bench/fio/memcg-seqwrite.fio) in
# a cgroup v2 memory.max four times smaller than the data written, classic
# LRU and MGLRU. Read by scripts/lib/bench.sh (cgroups, mem, case_timeout,
# cases) and run in the guest by scripts/guest/bench (case_run).
# shellcheck shell=bash disable=SC2034 # the variables are read by scripts/lib/bench.sh
cgroups=v2
mem=1G
# seconds of guest time one case may take (the boot's timeout adds them up)
case_timeout=900
cases='memcg-v2-ext4-lru memcg-v2-ext4-mglru memcg-v2-xfs-lru memcg-v2-xfs-mglru'

# case_run memcg-vN-FS-LRU
case_run() {
	local fs lru limit size
	IFS=- read -r _ _ fs lru <<<"$1"
	bench_lru "$lru" || return
	bench_scratch /dev/vda "$fs" || return
	if bench_quick; then
		limit=32M size=64M
	else
		limit=128M size=256M
	fi
	bench_cgroup "$limit" || return
	if [ "$cgroups" = v1 ]; then
		# Yafang Shao's reproducer of 6.1's MGLRU OOM kills: global dirty
		# limits above RAM, so that only reclaim (and the 30 s expiry)
		# starts writeback of the cgroup's dirty pages; cgroup v1 has no
		# dirty throttling of its own.
		echo 2147483648 >/proc/sys/vm/dirty_background_bytes
		echo 4294967296 >/proc/sys/vm/dirty_bytes
		bench_info sysctl "vm.dirty_background_bytes=2G vm.dirty_bytes=4G"
	fi
	DIR=$BENCH_MNT SIZE=$size bench_fio memcg-seqwrite.fio
}
