# SPDX-License-Identifier: GPL-2.0
# fstests (xfstests) as a suite of the harness: the host's half. Build
# fstests from FSTESTS_SRC (a user's checkout, copied: never built in place)
# or from the upstream tarball (FSTESTS_TARBALL), build libfuse3's
# passthrough_ll example, and pick the tests; scripts/suites/fstests.suite
# and scripts/guest/fstests run them in the guest.
# shellcheck shell=bash
# shellcheck disable=SC2153 # FSTESTS_* options are set by scripts/harness

# The copy of upstream fstests that CI uses when the user names no checkout
# (see ../shared/third_party/README.md next to the repository).
FSTESTS_TARBALL=${FSTESTS_TARBALL:-$WB_REPO/../shared/third_party/fstests-63a29724.tar.gz}
FSTESTS_FILESYSTEMS='ext4 xfs fuse fuse-nowb'

# fstests_list_file NAME: scripts/fstests/NAME.list.
fstests_list_file() {
	printf '%s/scripts/fstests/%s.list\n' "$WB_REPO" "$1"
}

# fstests_list_tests FILE: the tests of a list file (first word of each
# line that is not a comment).
fstests_list_tests() {
	awk '!/^[[:space:]]*(#|$)/ { print $1 }' "$1"
}

# fstests_available: there is an fstests to build (FSTESTS_SRC or the tarball).
fstests_available() {
	[ -n "${FSTESTS_SRC:-}" ] || [ -r "$FSTESTS_TARBALL" ]
}

# fstests_step: "fstests" when the suites to run include a runnable
# fstests suite (test, ci, all), for the packages it needs.
fstests_step() {
	[ -z "$FSTESTS_SKIP" ] || return 0
	case " ${SUITES:-fstests} " in
	*" fstests "*) echo fstests ;;
	esac
}

# fstests_check_opts: the options make sense, before anything long.
fstests_check_opts() {
	local fs src
	[ -n "$FSTESTS_FS" ] || die "--fs needs at least one of: $FSTESTS_FILESYSTEMS"
	for fs in $FSTESTS_FS; do
		case " $FSTESTS_FILESYSTEMS " in
		*" $fs "*) ;;
		*) die "--fs: unknown filesystem '$fs' (one of: $FSTESTS_FILESYSTEMS)" ;;
		esac
	done
	[ -z "$FSTESTS_TESTS" ] || [ -z "$FSTESTS_GROUP" ] || die "--tests and --group exclude each other"
	[ -z "$FSTESTS_TESTS" ] || [ -z "$FSTESTS_LIST" ] || die "--tests and --list exclude each other"
	[ -z "$FSTESTS_GROUP" ] || [ -z "$FSTESTS_LIST" ] || die "--group and --list exclude each other"
	if [ -n "$FSTESTS_LIST" ]; then
		[ -r "$(fstests_list_file "$FSTESTS_LIST")" ] ||
			die "--list $FSTESTS_LIST: no scripts/fstests/$FSTESTS_LIST.list (there are: $(find "$WB_REPO/scripts/fstests" -name '*.list' -printf '%f ' | sed 's|\.list||g'))"
	fi
	case $FSTESTS_GROUP in
	*[!a-z0-9_]*) die "--group '$FSTESTS_GROUP': a group is one word of [a-z0-9_]" ;;
	esac
	if [ -n "${FSTESTS_SRC:-}" ]; then
		src=$FSTESTS_SRC
		{ [ -x "$src/check" ] && [ -d "$src/tests/generic" ]; } ||
			die "FSTESTS_SRC=$src is not an fstests checkout (no ./check, no tests/generic)"
	else
		[ -r "$FSTESTS_TARBALL" ] ||
			die "no fstests: set FSTESTS_SRC to your fstests checkout, or FSTESTS_TARBALL to the upstream tarball (default $FSTESTS_TARBALL)"
	fi
	fstests_check_names
	# shellcheck disable=SC2034 # read by scripts/harness after preflight
	FSTESTS_CHECKED=1
}

# fstests_check_example: libfuse3-dev's passthrough_ll.c, the FUSE server
# of the fuse filesystems, is there; after the packages are (preflight).
fstests_check_example() {
	local ex=/usr/share/doc/libfuse3-dev/examples/passthrough_ll.c
	case " $FSTESTS_FS " in
	*" fuse"*) ;;
	*) return 0 ;;
	esac
	[ -r "$ex" ] || [ -r "$ex.gz" ] || ! command -v dpkg-query >/dev/null 2>&1 || {
		grep -qs 'path-exclude.*/usr/share/doc' /etc/dpkg/dpkg.cfg.d/* &&
			die "$ex is missing: a 'path-exclude' in /etc/dpkg/dpkg.cfg.d/ keeps /usr/share/doc out (container images do): allow /usr/share/doc/libfuse3-dev/examples/*, then apt-get install --reinstall libfuse3-dev"
		die "$ex is missing: apt-get install --reinstall libfuse3-dev"
	}
}

# fstests_stamp SRC: what the tree built from SRC was built from: the
# tarball's name and size, or the checkout's commit and uncommitted
# changes (a tree that is not git: its newest file).
fstests_stamp() {
	local src=$1
	if [ -z "$src" ]; then
		printf 'tarball %s %s\n' "$(basename "$FSTESTS_TARBALL")" "$(stat -c %s "$FSTESTS_TARBALL")"
	elif git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
		printf 'git %s\n' "$(git -C "$src" rev-parse HEAD)"
		git -C "$src" status --porcelain=v1 --untracked-files=no | sort | sha1sum
		git -C "$src" diff HEAD | sha1sum
	else
		printf 'dir %s\n' "$(find "$src" -type f -printf '%T@ %p\n' | sort -n | tail -1)"
	fi
}

# fstests_tree: fstests, built, in the cache; prints its directory. The
# tarball is unpacked into $WB_CACHE/fstests-src once; FSTESTS_SRC is copied
# to $WB_CACHE/fstests-user (again when its commit or changes differ) and
# built there: the user's tree is never written.
fstests_tree() {
	local src=${FSTESTS_SRC:-} dir stamp
	if [ -n "$src" ]; then
		dir=$WB_CACHE/fstests-user
	else
		dir=$WB_CACHE/fstests-src
	fi
	stamp=$(fstests_stamp "$src")
	if [ -x "$dir/ltp/fsx" ] && [ "$(cat "$dir.stamp" 2>/dev/null)" = "$stamp" ]; then
		printf '%s\n' "$dir"
		return
	fi
	rm -rf "$dir" "$dir.stamp" "$dir.tmp"
	mkdir -p "$dir.tmp"
	if [ -n "$src" ]; then
		info "copying fstests from $src to $dir"
		(cd "$src" && tar --exclude=.git -cf - .) | tar -C "$dir.tmp" -xf -
	else
		info "unpacking $FSTESTS_TARBALL into $dir"
		tar -C "$dir.tmp" -xzf "$FSTESTS_TARBALL"
		[ -x "$dir.tmp/fstests/check" ] || die "$FSTESTS_TARBALL does not unpack to fstests/"
		mv "$dir.tmp/fstests" "$dir.tmp.fst" && rmdir "$dir.tmp" && mv "$dir.tmp.fst" "$dir.tmp"
	fi
	info "building fstests in $dir (a few minutes; log $dir.build.log)"
	make -C "$dir.tmp" -j"${JOBS:-$(nproc)}" >"$dir.build.log" 2>&1 || {
		tail -20 "$dir.build.log" >&2
		die "fstests failed to build: see $dir.build.log (scripts/packages, step fstests, lists its build dependencies)"
	}
	[ -x "$dir.tmp/ltp/fsx" ] || die "fstests built without ltp/fsx: see $dir.build.log"
	mv "$dir.tmp" "$dir"
	printf '%s\n' "$stamp" >"$dir.stamp"
	printf '%s\n' "$dir"
}

# fstests_fuse_server: libfuse3's passthrough_ll example (Debian's
# libfuse3-dev ships its source), built into the cache; prints its path.
# With fallocate(2) and copy_file_range(2) passed through, as libfuse's
# own build (its config.h) has them: Debian's example Makefile leaves them
# out, and fstests then skips every hole punch and zero range test.
fstests_fuse_server() {
	local ex=/usr/share/doc/libfuse3-dev/examples dir=$WB_CACHE/fstests-fuse src
	local flags='-Wall -O2 -DHAVE_FALLOCATE -DHAVE_COPY_FILE_RANGE'
	mkdir -p "$dir"
	src=$dir/passthrough_ll.c
	if [ -r "$ex/passthrough_ll.c" ]; then
		cmp -s "$ex/passthrough_ll.c" "$src" || cp "$ex/passthrough_ll.c" "$src"
	else
		zcat "$ex/passthrough_ll.c.gz" | cmp -s - "$src" || zcat "$ex/passthrough_ll.c.gz" >"$src"
	fi
	if [ ! -x "$dir/passthrough_ll" ] || [ "$src" -nt "$dir/passthrough_ll" ] ||
		[ "$(cat "$dir/build.flags" 2>/dev/null)" != "$flags" ]; then
		info "building passthrough_ll (libfuse3 example) in $dir"
		# shellcheck disable=SC2046,SC2086 # pkg-config prints several flags
		gcc $flags -I"$ex" $(pkg-config --cflags fuse3) -o "$dir/passthrough_ll" "$src" \
			$(pkg-config --libs fuse3) >"$dir/build.log" 2>&1 || {
			cat "$dir/build.log" >&2
			die "passthrough_ll failed to build (libfuse3-dev installed?)"
		}
		printf '%s\n' "$flags" >"$dir/build.flags"
	fi
	printf '%s\n' "$dir/passthrough_ll"
}

# fstests_select TREE FS: the tests to run on FS, one a line, those of
# generic/ and FS's own directory (ext4/, xfs/) among: --tests, the tests
# of --group, or a list file (--list, default series).
fstests_select() {
	local tree=$1 fs=$2 dirs t
	case $fs in
	fuse*) dirs=generic ;;
	*) dirs="generic $fs" ;;
	esac
	if [ -n "$FSTESTS_TESTS" ]; then
		# shellcheck disable=SC2086 # a list of tests
		printf '%s\n' $FSTESTS_TESTS
	elif [ -n "$FSTESTS_GROUP" ]; then
		for t in $dirs; do
			awk -v d="$t" -v g="$FSTESTS_GROUP" '
				!/^#/ { for (i = 2; i <= NF; i++) if ($i == g) { print d "/" $1; next } }' \
				"$tree/tests/$t/group.list"
		done
	else
		fstests_list_tests "$(fstests_list_file "${FSTESTS_LIST:-series}")"
	fi | awk -v dirs=" $dirs " '{ d = $0; sub("/.*", "", d) } index(dirs, " " d " ")'
}

# fstests_check_names: every test of --tests and of the list exists in
# FSTESTS_SRC or the tarball (before anything is unpacked or built).
fstests_check_names() {
	local t list
	local -A known=()
	local -a bad=()
	[ -n "$FSTESTS_GROUP" ] && return 0
	list=$(fstests_list_file "${FSTESTS_LIST:-series}")
	while read -r t; do
		known[$t]=1
	done < <(if [ -n "${FSTESTS_SRC:-}" ]; then
			(cd "$FSTESTS_SRC/tests" && find . -mindepth 2 -maxdepth 2 -name '[0-9]*' ! -name '*.*' | sed 's|^\./||')
		else
			tar -tzf "$FSTESTS_TARBALL" | sed -n 's|^fstests/tests/\([^/]*/[0-9][0-9]*\)$|\1|p'
		fi)
	# shellcheck disable=SC2046 # a list of tests
	for t in ${FSTESTS_TESTS:-$(fstests_list_tests "$list")}; do
		[ -n "${known[$t]:-}" ] || bad+=("$t")
	done
	[ ${#bad[@]} = 0 ] || die "no such fstests test(s) in ${FSTESTS_SRC:-$FSTESTS_TARBALL}: ${bad[*]} (a test is DIR/NNN, e.g. generic/013)"
}

# fstests_check_tests TREE: something is selected.
fstests_check_tests() {
	local tree=$1 fs n=0
	for fs in $FSTESTS_FS; do
		n=$((n + $(fstests_select "$tree" "$fs" | wc -l)))
	done
	[ "$n" -gt 0 ] || die "no test selected for: $FSTESTS_FS${FSTESTS_GROUP:+ (group $FSTESTS_GROUP)}"
}

# fstests_prepare: build what the fstests suite needs and export what its
# guest half reads: WB_FSTESTS (the tree), WB_FSTESTS_FUSE (the server),
# WB_FSTESTS_PLAN (FS:TEST words), WB_SHARES (9p shares of the tree and
# server, which may be under a directory the guest covers with tmpfs).
fstests_prepare() {
	local tree fuse='' fs t plan=''
	tree=$(fstests_tree) || exit 1
	fstests_check_tests "$tree"
	case " $FSTESTS_FS " in
	*" fuse"*) fuse=$(fstests_fuse_server) || exit 1 ;;
	esac
	for fs in $FSTESTS_FS; do
		for t in $(fstests_select "$tree" "$fs"); do
			plan="$plan $fs:$t"
		done
	done
	WB_FSTESTS=$tree WB_FSTESTS_FUSE=$fuse WB_FSTESTS_PLAN=${plan# }
	WB_SHARES="${WB_SHARES:+$WB_SHARES }$tree${fuse:+ ${fuse%/*}}"
	# each test has WB_FSTESTS_TEST_TIMEOUT seconds; the boot all of them
	WB_FSTESTS_TEST_TIMEOUT=${WB_FSTESTS_TEST_TIMEOUT:-900}
	WB_FSTESTS_TIMEOUT=$(( ($(wc -w <<<"$plan") + 1) * WB_FSTESTS_TEST_TIMEOUT ))
	WB_JOB_VARS="${WB_JOB_VARS:-} WB_FSTESTS WB_FSTESTS_FUSE WB_FSTESTS_PLAN WB_FSTESTS_TEST_TIMEOUT"
	export WB_FSTESTS WB_FSTESTS_FUSE WB_FSTESTS_PLAN WB_SHARES WB_FSTESTS_TEST_TIMEOUT WB_FSTESTS_TIMEOUT WB_JOB_VARS
	info "fstests: $(wc -w <<<"$plan") test runs on $FSTESTS_FS from $tree"
}

cmd_fstests() {
	fstests_prepare
	# 6.1 prints "WARNING: workqueue cpumask: online intersect > possible
	# intersect" under numa=fake at each xfs mount (its unbound
	# workqueues), which fstests' dmesg check counts as a failure of
	# every xfs test; NUMA affinity of workqueues is not what is tested
	export WB_APPEND="${WB_APPEND:-} workqueue.disable_numa=1"
	SUITES=fstests WB_RUNDIR=${WB_RUNDIR:-$(new_rundir "fstests-$VARIANT")} cmd_test
}
