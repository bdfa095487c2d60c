# SPDX-License-Identifier: GPL-2.0
# Boot a kernel in QEMU with the host's root filesystem read-only over 9p
# (the virtme approach), run OUT/job.sh in the guest and return its status.
# shellcheck shell=bash

# KVM when it really works (a nested /dev/kvm can exist and still fail to
# run a guest), TCG otherwise or when WB_ACCEL=tcg. The probe boots KERNEL
# to its "no init" panic once per host boot and caches the answer.
qemu_accel() {
	local kernel=$1 cache boot_id
	if [ "${WB_ACCEL:-}" = tcg ] || [ -n "${WB_ICOUNT:-}" ] || [ ! -c /dev/kvm ] || ! { : <>/dev/kvm; } 2>/dev/null; then
		echo tcg
		return
	fi
	boot_id=$(cat /proc/sys/kernel/random/boot_id)
	cache=$WB_CACHE/kvm-probe
	if [ "$(head -n1 "$cache" 2>/dev/null)" != "$boot_id" ]; then
		mkdir -p "$WB_CACHE"
		if timeout 30 qemu-system-x86_64 -nodefaults -nographic -no-reboot \
			-machine pc,accel=kvm -cpu host -m 256M -kernel "$kernel" \
			-append "console=ttyS0 panic=-1 init=/wb-no-such-init" -serial stdio \
			</dev/null 2>&1 | grep -q 'Kernel panic'; then
			printf '%s\nkvm\n' "$boot_id" >"$cache"
		else
			info "/dev/kvm exists but cannot run a guest here: using TCG"
			printf '%s\ntcg\n' "$boot_id" >"$cache"
		fi
	fi
	sed -n 2p "$cache"
}

# icount_check: WB_ICOUNT, when set, is an icount shift (0-9). With it each
# guest instruction advances the guest's clock by 2^SHIFT ns, as fast as
# the host runs it (sleep=off, align=off): guest time is counted in
# instructions, not in host time. TCG only (qemu_accel picks TCG when
# WB_ICOUNT is set); QEMU then runs the vCPUs in one thread, round-robin.
icount_check() {
	[ -z "${WB_ICOUNT:-}" ] || [[ $WB_ICOUNT =~ ^[0-9]$ ]] ||
		die "WB_ICOUNT=$WB_ICOUNT: the icount shift is a number 0-9"
}

# guest_path_ok PATH: the guest gets PATH on the kernel command line, which
# splits at white space.
guest_path_ok() {
	case $1 in
	*[[:space:]]*) die "'$1' contains white space, which the guest's kernel command line cannot carry: use a path without it (or set WB_CACHE)" ;;
	esac
}

# qemu_path PATH: PATH as a QEMU option value (commas doubled).
qemu_path() {
	printf '%s\n' "${1//,/,,}"
}

# running_test CONSOLE: the last test the guest began and did not end.
running_test() {
	awk '/wb-harness: test [^ ]* begin/ { t = $0; sub(/.*wb-harness: test /, "", t); sub(/ begin.*/, "", t) }
	     /wb-harness: test [^ ]* end/ { t = "" }
	     END { print (t == "" ? "no test" : "test " t) }' "$1" 2>/dev/null
}

# stall_limit: WB_STALL seconds, times how oversubscribed the host is
# (its 1-minute load average per CPU, at least 1): on a host loaded 5x a
# TCG guest runs about 5x slower, and its heartbeat with it.
# WB_STALL_LOAD=0 turns the scaling off.
stall_limit() {
	local load
	read -r load _ </proc/loadavg
	[ "${WB_STALL_LOAD:-1}" != 0 ] || load=0
	awk -v l="$load" -v n="$(nproc)" -v s="${WB_STALL:-180}" \
		'BEGIN { f = l / n; if (f < 1) f = 1; printf "%d\n", s * f }'
}

# watch_guest OUT MONITOR QEMU...: run QEMU until it exits (its status), or until
# WB_TIMEOUT seconds pass (124), or until the guest's heartbeat file
# (scripts/guest/init) is stall_limit seconds old (126): a guest that stops
# (the unpatched kernel's cgroup-v1 MGLRU livelock) costs minutes, not the
# boot's timeout. A stopped guest gets an NMI first, which it answers
# with a panic (unknown_nmi_panic), every CPU's stack and every task's
# state and stack (panic_print=0x41).
watch_guest() {
	local out=$1 mon=$2 pid start=$SECONDS rc=0 st=0 t hb=$1/heartbeat
	shift 2
	rm -f "$hb"
	"$@" </dev/null &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		if [ $((SECONDS - start)) -ge "${WB_TIMEOUT:-1800}" ]; then
			rc=124
		elif [ -e "$hb" ] && [ $(($(date +%s) - $(stat -c %Y "$hb"))) -ge "$(stall_limit)" ]; then
			rc=126
			t=0
			python3 - "$mon" <<'NMI' 2>/dev/null || t=30
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"nmi\n")
NMI
			while kill -0 "$pid" 2>/dev/null && [ "$t" -lt 30 ]; do
				sleep 1
				t=$((t + 1))
			done
		else
			continue
		fi
		kill -TERM "$pid" 2>/dev/null
		t=0
		while kill -0 "$pid" 2>/dev/null && [ "$t" -lt 5 ]; do
			sleep 1
			t=$((t + 1))
		done
		kill -KILL "$pid" 2>/dev/null
		break
	done
	wait "$pid" || st=$?
	rm -rf "${mon%/*}"
	[ "$rc" != 0 ] || rc=$st
	return "$rc"
}

# boot_guest KERNEL OUT: OUT holds job.sh; the console goes to OUT/console.log.
# The guest sees the host's root read-only, and the repository and the
# selftest programs at their own paths through 9p shares of their own, so
# they may live anywhere, also under the directories the guest covers with
# tmpfs (/tmp, /run, ...).
# Knobs (environment): WB_MEM (1G), WB_CPUS (2), WB_CGROUPS (v2|v1),
# WB_DISKS ("name:size ..." raw virtio disks, /dev/vda on in that order),
# WB_DISK_OPTS (extra -drive options, e.g. throttling.bps-write=N),
# WB_SHARES (more host directories, read-only at the same paths: 9p tags
# wbshare1, ...), WB_TIMEOUT (seconds of wall clock), WB_STALL (seconds without a
# heartbeat from the guest, 180), WB_APPEND (extra kernel arguments),
# WB_ICOUNT (QEMU -icount shift=N,sleep=off,align=off: guest time counted in
# instructions; TCG only), WB_VERBOSE=1 (console on stdout too).
boot_guest() {
	local kernel=$1 out=$2 accel rc d name size status mon n=0 shared=''
	local -a qemu disks=() shares=() icount
	need qemu-system-x86_64 qemu-system-x86
	need busybox busybox-static
	[ -r "$kernel" ] || die "no kernel image $kernel: run 'scripts/harness build' first"
	[ -r "$out/job.sh" ] || die "internal: $out/job.sh missing"
	mkdir -p "$WB_KSFT_DIR"
	rm -f "$out/exit-status" "$out/console.log"
	for d in ${WB_DISKS:-}; do
		name=${d%%:*}
		size=${d#*:}
		rm -f "$out/disk-$name.img"
		truncate -s "$size" "$out/disk-$name.img"
		disks+=(-drive "file=$out/disk-$name.img,if=virtio,format=raw,cache=unsafe${WB_DISK_OPTS:+,$WB_DISK_OPTS}")
	done
	for d in ${WB_SHARES:-}; do
		[ -d "$d" ] || die "internal: share $d is not a directory"
		guest_path_ok "$d"
		n=$((n + 1))
		shares+=(-fsdev "local,id=share$n,path=$(qemu_path "$d"),security_model=none,readonly=on"
			-device "virtio-9p-pci,fsdev=share$n,mount_tag=wbshare$n")
		shared="$shared wb.share=$d"
	done
	accel=$(qemu_accel "$kernel")
	# TCG on a loaded host runs the guest's code many times slower than
	# its clock (the HPET, which follows the host's) goes: with a 15 s
	# timeout (the default is 21 s) fuse_writeback's server copying one
	# reply in fuse_dev_do_write() was reported as an RCU CPU stall at
	# host load 8; the hung-task timeout is raised in scripts/guest/init
	local slow=''
	[ "$accel" = kvm ] || slow=' rcupdate.rcu_cpu_stall_timeout=300'
	icount_check
	icount=()
	if [ -n "${WB_ICOUNT:-}" ]; then
		[ "$accel" = tcg ] || die "internal: icount with $accel"
		icount=(-icount "shift=$WB_ICOUNT,sleep=off,align=off")
	fi
	# the QEMU monitor, for watch_guest's NMI (a socket path must be short)
	mon=$(mktemp -d "${TMPDIR:-/tmp}/wb-qemu.XXXXXX")/monitor
	# shellcheck disable=SC2054 # commas are QEMU option syntax
	qemu=(qemu-system-x86_64 -nodefaults -nographic -no-reboot
		-machine "pc,accel=$accel" -cpu "$([ "$accel" = kvm ] && echo host || echo max)"
		-smp "${WB_CPUS:-2}" -m "${WB_MEM:-1G}"
		-kernel "$kernel"
		-append "console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro init=$WB_REPO/scripts/guest/init panic=-1 oops=panic unknown_nmi_panic panic_print=0x41 numa=fake=2 wb.cpus=${WB_CPUS:-2} wb.cgroups=${WB_CGROUPS:-v2} wb.repo=$WB_REPO wb.ksft=$WB_KSFT_DIR$shared$slow ${WB_APPEND:-}"
		-monitor "unix:$(qemu_path "$mon"),server=on,wait=off"
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
		-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root
		-fsdev "local,id=results,path=$out,security_model=none"
		-device virtio-9p-pci,fsdev=results,mount_tag=results
		-fsdev "local,id=repo,path=$(qemu_path "$WB_REPO"),security_model=none,readonly=on"
		-device virtio-9p-pci,fsdev=repo,mount_tag=wbrepo
		-fsdev "local,id=ksft,path=$(qemu_path "$WB_KSFT_DIR"),security_model=none,readonly=on"
		-device virtio-9p-pci,fsdev=ksft,mount_tag=wbksft
		"${icount[@]}" "${shares[@]}" "${disks[@]}")
	if [ "${WB_VERBOSE:-0}" = 1 ]; then
		qemu+=(-chardev "stdio,id=con,signal=off,logfile=$out/console.log" -serial chardev:con)
	else
		qemu+=(-serial "file:$out/console.log")
	fi
	printf '%q ' "${qemu[@]}" >"$out/qemu.cmdline"
	info "booting $(basename "$kernel") ($accel${WB_ICOUNT:+ icount shift=$WB_ICOUNT}, ${WB_MEM:-1G}, cgroup ${WB_CGROUPS:-v2}), console: $out/console.log"
	rc=0
	watch_guest "$out" "$mon" "${qemu[@]}" || rc=$?
	case $rc in
	124)
		printf 'error: guest timed out after %ss; console log kept: %s\n' \
			"${WB_TIMEOUT:-1800}" "$out/console.log" >&2
		tail -n 20 "$out/console.log" >&2 || true
		return 124
		;;
	126)
		printf 'error: the guest stopped (no heartbeat for %ss) in %s; console log kept: %s\n' \
			"${WB_STALL:-180}" "$(running_test "$out/console.log")" "$out/console.log" >&2
		tail -n 30 "$out/console.log" >&2 || true
		return 126
		;;
	esac
	[ "$rc" = 0 ] || { printf 'error: qemu exited with %s; see %s\n' "$rc" "$out/console.log" >&2; return "$rc"; }
	if [ ! -s "$out/exit-status" ]; then
		printf 'error: guest crashed before finishing its job; console log kept: %s\n' \
			"$out/console.log" >&2
		grep -m1 -A25 -E 'Kernel panic|BUG:|Oops|general protection' "$out/console.log" >&2 ||
			tail -n 25 "$out/console.log" >&2
		return 125
	fi
	status=$(cat "$out/exit-status")
	return "$status"
}
