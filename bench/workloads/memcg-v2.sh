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
	DIR=$BENCH_MNT SIZE=$size bench_fio memcg-seqwrite.fio
}
