#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# watch_guest (boot.sh) on stand-ins for QEMU: a guest that exits gives its
# status, one that outlives WB_TIMEOUT gives 124, one whose heartbeat stops
# for WB_STALL seconds gives 126, each within seconds; the stall limit grows
# with the host's load.
set -euo pipefail
WB_REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/common.sh
. "$WB_REPO/scripts/lib/common.sh"
# shellcheck source=scripts/lib/boot.sh
. "$WB_REPO/scripts/lib/boot.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0

# expect NAME STATUS MAX_SECONDS CMD...: watch_guest CMD ends with STATUS
expect() {
	local name=$1 want=$2 max=$3 rc=0 start=$SECONDS
	shift 3
	mkdir -p "$dir/mon"
	watch_guest "$dir" "$dir/mon/monitor" "$@" || rc=$?
	if [ "$rc" = "$want" ] && [ $((SECONDS - start)) -le "$max" ]; then
		echo "ok $name"
	else
		echo "not ok $name: status $rc after $((SECONDS - start))s (want $want within ${max}s)"
		fails=$((fails + 1))
	fi
}

expect exit-status 3 20 bash -c "for i in 1 2 3; do echo \$i >'$dir/heartbeat'; sleep 1; done; exit 3"
WB_TIMEOUT=3 expect timeout 124 20 sleep 120
WB_STALL=3 WB_STALL_LOAD=0 expect stalled 126 20 bash -c "echo 1 >'$dir/heartbeat'; sleep 120"
# the limit grows with the host's load, never below WB_STALL
limit=$(WB_STALL=10 stall_limit)
if [ "$limit" -ge 10 ] && [ "$(WB_STALL=10 WB_STALL_LOAD=0 stall_limit)" = 10 ]; then
	echo "ok stall-limit ($limit s at load $(cut -d' ' -f1 /proc/loadavg))"
else
	echo "not ok stall-limit: $limit"
	fails=$((fails + 1))
fi
[ "$fails" = 0 ]
