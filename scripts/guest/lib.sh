# SPDX-License-Identifier: GPL-2.0
# Guest-side helpers for suite files (scripts/suites/*.suite).
# shellcheck shell=bash

kmsg() {
	echo "wb-harness: $*" >/dev/kmsg
}

# ksft_prog NAME TIMEOUT CMD...: run one test program; its stdout (TAP, if
# it speaks it) goes to $WB_OUT/NAME.tap, its exit code to NAME.rc. A
# program still running after TIMEOUT seconds is killed; one that cannot
# die (stuck in the kernel: a known hang of the unpatched kernel, say) is
# left behind with the stacks of the blocked tasks and of every CPU in the
# console log, NAME.rc says 124, and the suite goes on.
ksft_prog() {
	local name=$1 secs=$2 rc=0 pid start=$SECONDS
	shift 2
	kmsg "test $name begin"
	# Line-buffered: tests that fork would otherwise print lines twice.
	setsid stdbuf -oL -eL "$@" >"$WB_OUT/$name.tap" 2>"$WB_OUT/$name.err" </dev/null &
	pid=$!
	# by the clock: a guest whose other CPU spins in the kernel may take
	# minutes for what should be a second's sleep
	while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - start)) -lt "$secs" ]; do
		sleep 1
	done
	if kill -0 "$pid" 2>/dev/null; then
		watchdog "$name" "$pid" "$secs"
		rc=124
	else
		wait "$pid" || rc=$?
	fi
	echo "$rc" >"$WB_OUT/$name.rc"
	kmsg "test $name end rc=$rc"
	return 0
}

# watchdog NAME PID SECS: end the process group PID of a test that ran out
# of time, or record why it cannot end.
watchdog() {
	local name=$1 pid=$2 secs=$3 start=$SECONDS
	kmsg "test $name: watchdog after ${secs}s, killing it"
	echo "watchdog: still running after ${secs}s: killed" >>"$WB_OUT/$name.err"
	kill -KILL -- "-$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - start)) -lt 15 ]; do
		sleep 1
	done
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	echo "watchdog: still there 15s after SIGKILL (stuck in the kernel): left behind" >>"$WB_OUT/$name.err"
	kmsg "test $name: stuck after SIGKILL: blocked tasks and CPUs follow"
	echo w >/proc/sysrq-trigger 2>/dev/null
	echo l >/proc/sysrq-trigger 2>/dev/null
	return 0
}

# scratch_fs DEVICE FSTYPE MOUNTPOINT: make a fresh filesystem and mount it.
scratch_fs() {
	local dev=$1 fs=$2 mnt=$3
	case $fs in
	ext4) mkfs.ext4 -q -F "$dev" ;;
	xfs) mkfs.xfs -q -f "$dev" ;;
	*) mkfs -t "$fs" "$dev" ;;
	esac >/dev/null || return 1
	mkdir -p "$mnt"
	mount -t "$fs" "$dev" "$mnt"
}
