# SPDX-License-Identifier: GPL-2.0
# The memcg-v2 workload under a cgroup v1 memory.limit_in_bytes, in a cgroup
# v1 boot, with global dirty limits above RAM: v1 has no per-cgroup dirty
# throttling, so the cgroup fills with dirty page cache (6.1's MGLRU
# OOM-kills a plain dd there).
# shellcheck shell=bash disable=SC2034 # the variables are read by scripts/lib/bench.sh
# shellcheck source=bench/workloads/memcg-v2.sh
. "$WB_REPO/bench/workloads/memcg-v2.sh"
cgroups=v1
cases='memcg-v1-ext4-lru memcg-v1-ext4-mglru memcg-v1-xfs-lru memcg-v1-xfs-mglru'
