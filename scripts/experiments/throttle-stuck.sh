#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side: how long reclaim sleeps in reclaim_throttle() while file
# writeback cannot make progress. A FUSE server holds every WRITE
# (fuse_wb_server --hold, bdi max_ratio lifted), 40% of RAM is written to
# it and pushed to writeback, then a process touches 50% of RAM of
# anonymous memory twice (no swap). Prints, per reclaimer (kswapd, the
# toucher, others) and reason, the mm_vmscan_throttled events and the time
# they slept, and whether the toucher was OOM-killed.
#
#   scripts/harness boot -- bash scripts/experiments/throttle-stuck.sh LRU WHERE
#   LRU: lru | mglru     WHERE: global | memcg (cgroup v2, 30% of RAM, the
#   writer and the toucher in it)
#   HOLD_PCT (40) and TOUCH_PCT (50): what is held and what is touched, in
#   percent of RAM
set -euo pipefail
lru=${1:-mglru}
where=${2:-global}
server=${WB_KSFT:?WB_KSFT is not set: run through scripts/harness boot}/filesystems/fuse/fuse_wb_server
tr=/sys/kernel/tracing
d=/tmp/throttle-stuck

[ -x "$server" ] || { echo "no $server" >&2; exit 4; }
[ -e $tr/trace ] || mount -t tracefs nodev $tr
case $lru in
lru) echo n >/sys/kernel/mm/lru_gen/enabled ;;
mglru) echo y >/sys/kernel/mm/lru_gen/enabled ;;
*) echo "LRU must be lru or mglru" >&2; exit 2 ;;
esac
mem_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
mkdir -p $d/b $d/m
"$server" --writeback-cache --discard --hold $d/hold $d/b $d/m >/dev/null
echo 100 >"/sys/class/bdi/$(stat -c '%Hd:%Ld' $d/m)/max_ratio"
# dirty limits above what is written, and a bdi that has earned its share
# of them (strictlimit throttles a bdi without writeout history at once)
echo 80 >/proc/sys/vm/dirty_ratio
echo 60 >/proc/sys/vm/dirty_background_ratio
dd if=/dev/zero of=$d/m/warm bs=1M count=16 conv=fsync 2>/dev/null
: >$d/hold
cg=
if [ "$where" = memcg ]; then
	cg=/sys/fs/cgroup/throttle-stuck
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p $cg
	echo $((mem_mib * 30 / 100))M >$cg/memory.max
	echo $$ >$cg/cgroup.procs
fi

# Dirty the file through a mapping, then sync(2): it starts the writeback
# and does not wait for a FUSE server. The file stays open and mapped
# until the end (close() and munmap() would wait for the server, by
# design, and Python's mmap closes a duplicate of the fd).
python3 -c '
import mmap, os, signal, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
n = int(sys.argv[2]) << 20
os.ftruncate(fd, n)
m = mmap.mmap(fd, n)
for i in range(0, n, 4096):
    m[i] = 1
os.sync()
print("written", flush=True)
signal.pause()
' $d/m/f $((mem_mib * ${HOLD_PCT:-40} / 100)) >$d/writer.out &
writer=$!
until [ -s $d/writer.out ]; do sleep 1; done
echo "held: $(grep -E '^nr_(dirty|writeback|writeback_temp) ' /proc/vmstat | tr '\n' ' ')"
echo "before: $(grep -E '^(MemTotal|MemFree|MemAvailable):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"

echo 0 >$tr/tracing_on
: >$tr/trace
echo 8192 >$tr/buffer_size_kb
echo 1 >$tr/events/vmscan/mm_vmscan_throttled/enable
echo 1 >$tr/tracing_on
start=$SECONDS
rc=0
timeout 300 python3 -c '
import sys
n = int(sys.argv[1]) << 20
for _ in range(2):
    b = bytearray(n)
    for i in range(0, n, 4096):
        b[i] = 1
    del b
' $((mem_mib * ${TOUCH_PCT:-50} / 100)) &
toucher=$!
wait $toucher || rc=$?
secs=$((SECONDS - start))
echo 0 >$tr/tracing_on
echo 0 >$tr/events/vmscan/mm_vmscan_throttled/enable
echo "toucher pid $toucher: exit $rc after ${secs}s, oom_kill $(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)"
awk '
/mm_vmscan_throttled:/ {
	split($1, a, "-"); pid = a[length(a)]; comm = substr($1, 1, length($1) - length(pid) - 1)
	# the toucher is python3 under timeout(1); the writer is paused by then
	who = comm == "python3" ? "toucher" : comm ~ /^kswapd/ ? "kswapd" : "other:" comm
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^usect?_delayed=/) { split($i, u, "="); us = u[2] }
		if ($i ~ /^reason=/) { split($i, r, "="); why = r[2] }
	}
	n[who " " why]++; s[who " " why] += us
}
END {
	for (k in n) printf "throttled: %-28s %6d times, %8.1f s\n", k, n[k], s[k] / 1e6
}' $tr/trace | sort
rm -f $d/hold
kill -9 "$writer"
