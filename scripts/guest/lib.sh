# SPDX-License-Identifier: GPL-2.0
# Guest-side helpers for suite files (scripts/suites/*.suite).
# shellcheck shell=bash

kmsg() {
	echo "wb-harness: $*" >/dev/kmsg
}

# ksft_prog NAME TIMEOUT CMD...: run one test program; its stdout (TAP, if
# it speaks it) goes to $WB_OUT/NAME.tap, its exit code to NAME.rc.
ksft_prog() {
	local name=$1 secs=$2 rc=0
	shift 2
	kmsg "test $name begin"
	# Line-buffered: tests that fork would otherwise print lines twice.
	timeout -k 10 "$secs" stdbuf -oL -eL "$@" >"$WB_OUT/$name.tap" 2>"$WB_OUT/$name.err" || rc=$?
	echo "$rc" >"$WB_OUT/$name.rc"
	kmsg "test $name end rc=$rc"
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
