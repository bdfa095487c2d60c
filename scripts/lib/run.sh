# SPDX-License-Identifier: GPL-2.0
# Harness commands: checks, builds, boots and suite runs.
# shellcheck disable=SC2153 # VARIANT, FLAVOUR, SUITES, CMD are set by scripts/harness
# shellcheck shell=bash

# The kernel of $VARIANT/$FLAVOUR, built; prints its build directory.
variant_build() {
	local src out name=$VARIANT
	[ "$FLAVOUR" = debug ] && name=$VARIANT-debug
	if [ "$VARIANT" = baseline ]; then
		src=$(baseline_tree)
	else
		src=$(apply_series) || exit 1
	fi
	out=$(build_dir "$name")
	build_kernel "$src" "$out" "$FLAVOUR" "$VARIANT"
	printf '%s\n' "$out"
}

# The kernel image to boot: WB_KERNEL (a control build, a distro kernel
# built with the guest config) as it is, or the variant built now.
suite_kernel() {
	local out
	if [ -n "${WB_KERNEL:-}" ]; then
		[ -r "$WB_KERNEL" ] || die "WB_KERNEL=$WB_KERNEL: no such kernel image"
		info "booting $WB_KERNEL as it is (WB_KERNEL), no build"
		printf '%s\n' "$WB_KERNEL"
	else
		out=$(variant_build) || exit 1
		printf '%s\n' "$out/arch/x86/boot/bzImage"
	fi
}

# suite_var SUITE VAR: a variable a suite file declares.
suite_var() {
	local file=$WB_REPO/scripts/suites/$1.suite
	[ -r "$file" ] || die "no suite '$1' (scripts/suites/$1.suite)"
	# shellcheck source=/dev/null
	(. "$file" && eval "printf '%s\n' \"\${$2:-}\"")
}

all_suites() {
	local f
	for f in "$WB_REPO"/scripts/suites/*.suite; do
		basename "$f" .suite
	done
}

# Build the selftest programs the suites name (dir/prog), from the patched
# tree against its UAPI headers, into the base's $WB_KSFT_DIR.
build_selftests() {
	local ptree=$1 hdr out=$WB_KSFT_DIR t dir
	hdr=$(build_dir headers)
	shift
	make -C "$ptree" O="$hdr" ARCH=x86_64 -s headers_install INSTALL_HDR_PATH="$hdr/usr" >/dev/null
	for t in "$@"; do
		dir=${t%/*}
		mkdir -p "$out/$dir"
		make -C "$ptree/tools/testing/selftests/$dir" -s OUTPUT="$out/$dir" \
			KHDR_INCLUDES="-isystem $hdr/usr/include" "$out/$t" >"$out/build-${t//\//_}.log" 2>&1 || {
			cat "$out/build-${t//\//_}.log" >&2
			die "selftest $t failed to build (missing a -dev package? see above)"
		}
	done
}

# new_rundir NAME: a new results directory, NAME-<date>, with the base in
# front of NAME for a base other than 6.1.
new_rundir() {
	local d
	d=$WB_CACHE/results/${BASE_CACHE_NAME:+$BASE_CACHE_NAME-}$1-$(date +%Y%m%d-%H%M%S)
	mkdir -p "$d"
	ln -sfn "$d" "$WB_CACHE/results/latest"
	printf '%s\n' "$d"
}

# run_suites RUNDIR KERNEL SUITE...: one boot per (cgroup mode, memory size,
# disk options) the suites declare.
run_suites() {
	local rundir=$1 kernel=$2 s key n=0 bdir timeout rc cgroups mem disk_opts
	shift 2
	local -A groups=() secs=()
	for s in "$@"; do
		key="$(suite_var "$s" cgroups) $(suite_var "$s" mem) $(suite_var "$s" disk_opts)"
		groups[$key]="${groups[$key]:-} $s"
		timeout=$(suite_var "$s" timeout)
		secs[$key]=$(( ${secs[$key]:-120} + ${timeout:-900} ))
	done
	for key in $(printf '%s\n' "${!groups[@]}" | sort | tr ' ' '@'); do
		key=${key//@/ }
		n=$((n + 1))
		bdir=$rundir/boot-$n
		mkdir -p "$bdir"
		# shellcheck disable=SC2086
		printf '%s\n' ${groups[$key]} >"$bdir/plan"
		{
			printf "export WB_REPO='%s' WB_KSFT='%s' WB_KSFT_MM='%s' WB_VARIANT='%s'\n" \
				"$WB_REPO" "$WB_KSFT_DIR" "$WB_KSFT_MM" "$VARIANT"
			# what a suite's guest half needs from the host (fstests)
			for v in ${WB_JOB_VARS:-}; do
				printf 'export %s=%q\n' "$v" "${!v}"
			done
			printf "exec bash '%s' %s\n" "$WB_REPO/scripts/guest/run-suites" "${groups[$key]}"
		} >"$bdir/job.sh"
		rc=0
		read -r cgroups mem disk_opts <<<"$key"
		WB_CGROUPS=$cgroups WB_MEM=$mem WB_DISK_OPTS=$disk_opts WB_DISKS="a:4G b:4G" \
			WB_TIMEOUT=${secs[$key]} boot_guest "$kernel" "$bdir" || rc=$?
		echo "$rc" >"$bdir/boot.rc"
		rm -f "$bdir"/disk-*.img
	done
}

# summarize RUNDIR: the results table of the run, against the base's known
# failures; WB_RESULTS_PREFIX (ci of more than one base) names its suites.
summarize() {
	python3 "$WB_REPO/scripts/lib/results.py" "$1" "$WB_REPO/$BASE_KNOWN_FAILURES" "$VARIANT" \
		"${WB_RESULTS_PREFIX:-}"
}

# host_case DIR NAME RC: record a host-side check as one test case.
host_case() {
	mkdir -p "$1"
	echo "$3" >"$1/$2.rc"
}

# The series checks, as test cases in RUNDIR/host/series.
run_checks() {
	local rundir=$1 dir=$1/host/series ptree tmp p rc total count n=0 pdir line
	pdir=$(series_dir)
	mkdir -p "$dir"
	resolve_base
	if ! ptree=$(apply_series); then
		host_case "$dir" apply 1
		return
	fi
	host_case "$dir" apply 0
	# checkpatch --strict: no ERROR; warnings and checks are listed.
	: >"$dir/checkpatch.tap"
	while IFS= read -r p; do
		rc=0
		# Debian's python3 (python3-ply, python3-git for spdxcheck.py),
		# not another one earlier in PATH
		total=$(cd "$ptree" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --no-color "$pdir/$p" 2>&1 |
			tee "$dir/checkpatch-$p.log" | grep -E '^total:') || true
		case $total in
		"total: 0 errors"*) ;;
		*) rc=1 ;;
		esac
		printf '%s %s %s # %s\n' "$([ $rc = 0 ] && echo ok || echo not ok)" "$((++n))" "$p" "$total" >>"$dir/checkpatch.tap"
		grep -E '^(WARNING|CHECK|ERROR):' "$dir/checkpatch-$p.log" | sed "s|^|  $p: |" >&2 || true
	done < <(series_patches)
	echo 0 >"$dir/checkpatch.rc"
	# the series' directory is exactly what export produces from the branch.
	tmp=$(mktemp -d)
	export_series "$ptree" "$tmp"
	rc=0
	# What depends on the base tree does not count: Cc: lines (its
	# MAINTAINERS), the base-commit (Debian's revision, or a user's tree),
	# blob ids and hunk positions (a revision that changed a file the
	# series touches, elsewhere in it). The changes themselves, the
	# changelogs and the cover letter do.
	diff -ru -I '^Cc: ' -I '^base-commit: ' -I '^index [0-9a-f]*\.\.[0-9a-f]*' -I '^@@ ' \
		--exclude=.gitignore "$pdir" "$tmp" >"$dir/fresh.log" 2>&1 || rc=1
	[ $rc = 0 ] || { echo "$BASE_PATCHES/ is stale: run 'scripts/harness export$(base_option)'" >&2; head -40 "$dir/fresh.log" >&2; }
	host_case "$dir" patches-fresh "$rc"
	# selftests/ and kunit/ are what export writes from the branch: the
	# copies of the series' test files and the READMEs' catalogue of them
	rc=0
	export_tests "$ptree" "$tmp" "$tmp/tree"
	tests_stale "$tmp/tree" >"$dir/tests-fresh.log" 2>&1 || rc=1
	[ $rc = 0 ] || {
		echo "$BASE_SELFTESTS/ or $BASE_KUNIT/ differs from the series: run 'scripts/harness export$(base_option)' (edit the series on its branch, not the copies)" >&2
		head -40 "$dir/tests-fresh.log" >&2
	}
	host_case "$dir" tests-fresh "$rc"
	rm -rf "$tmp"
	rc=0
	maintainers_expected "$ptree" | cmp -s - <(git -C "$ptree" show "$WB_BRANCH:MAINTAINERS") || {
		rc=1
		echo "MAINTAINERS of the series differs from MAINTAINERS.snippet: run 'scripts/harness maintainers$(base_option)'" >&2
	}
	host_case "$dir" maintainers-fresh "$rc"
	# the README says how many patches there are, in the base's line
	rc=0
	count=$(series_patches | grep -vc "^0000-" || true)
	# shellcheck disable=SC2059 # the format is the base's
	line=$(printf "$BASE_README_LINE" "$count")
	awk -v l="$line" 'index($0, l) == 1 { found = 1 } END { exit !found }' "$WB_REPO/README.md" || {
		rc=1
		echo "README.md has no line starting '$line'" >&2
	}
	host_case "$dir" readme-count "$rc"
	rc=0
	(cd "$WB_REPO" && shellcheck -x scripts/harness scripts/lib/*.sh scripts/guest/* bench/workloads/*.sh .ci/run) >"$dir/shellcheck.log" 2>&1 || rc=1
	[ $rc = 0 ] || cat "$dir/shellcheck.log" >&2
	host_case "$dir" shellcheck "$rc"
	# scripts/harness bench's summary on a made-up run (no guest needed)
	rc=0
	python3 "$WB_REPO/scripts/lib/test_bench.py" >"$dir/bench-summary.log" 2>&1 || rc=1
	[ $rc = 0 ] || cat "$dir/bench-summary.log" >&2
	host_case "$dir" bench-summary "$rc"
	# the host's guest watchdog, on stand-ins for QEMU
	rc=0
	"$WB_REPO/scripts/lib/test_watchdog.sh" >"$dir/guest-watchdog.log" 2>&1 || rc=1
	[ $rc = 0 ] || cat "$dir/guest-watchdog.log" >&2
	host_case "$dir" guest-watchdog "$rc"
}

cmd_export() {
	local ptree
	resolve_base
	ptree=$(apply_series_from_branch)
	export_series "$ptree" "$(series_dir)"
	install_tests "$ptree"
	# The branch is now what the series says: apply may reuse it.
	printf '%s\n%s\n' "$(series_stamp)" "$(git -C "$ptree" rev-parse HEAD)" >"$ptree.stamp"
	info "$BASE_PATCHES/ regenerated from $WB_BRANCH ($(series_patches | wc -l) patches); $BASE_SELFTESTS/ and $BASE_KUNIT/: copies of its $(series_test_files "$ptree" | wc -l) test files"
}

# export takes the branch as the developer left it (commits made on top
# of the applied series are kept), so it must not re-apply.
apply_series_from_branch() {
	local dir
	dir=$(tree_dir patched)
	[ -e "$dir/.git" ] || die "no patched tree: run 'scripts/harness apply$(base_option)' and commit your changes on $WB_BRANCH in $dir"
	git -C "$dir" merge-base --is-ancestor "$BASE_REV" "$WB_BRANCH" ||
		die "$WB_BRANCH in $dir is not based on $BASE_REV"
	printf '%s\n' "$dir"
}

# The series' MAINTAINERS: the base's, with MAINTAINERS.snippet merged in.
maintainers_expected() {
	local ptree=$1 tmp
	tmp=$(mktemp)
	git -C "$ptree" show "$BASE_REV:MAINTAINERS" >"$tmp"
	python3 "$WB_REPO/scripts/lib/maintainers.py" "$WB_REPO/MAINTAINERS.snippet" "$tmp"
	rm -f "$tmp"
}

MAINTAINERS_SUBJECT="MAINTAINERS: add the reclaim writeback tests"

# Regenerate the series' MAINTAINERS commit from MAINTAINERS.snippet:
# amend the commit if the series has one, add it at the end otherwise.
cmd_maintainers() {
	local ptree rev
	resolve_base
	ptree=$(apply_series) || exit 1
	git -C "$ptree" diff --quiet HEAD || die "$ptree has uncommitted changes: commit them first"
	maintainers_expected "$ptree" >"$ptree/MAINTAINERS"
	if git -C "$ptree" diff --quiet -- MAINTAINERS; then
		info "MAINTAINERS is current"
		return
	fi
	rev=$(git -C "$ptree" log --format=%H --fixed-strings --grep="$MAINTAINERS_SUBJECT" "$BASE_REV..HEAD" | head -1)
	if [ -n "$rev" ]; then
		git -C "$ptree" commit -q --fixup="$rev" -- MAINTAINERS
		GIT_SEQUENCE_EDITOR=: git -C "$ptree" rebase -q -i --autosquash "$BASE_REV"
	else
		git -C "$ptree" commit -q -s -F - -- MAINTAINERS <<MSG
$MAINTAINERS_SUBJECT

The series adds KUnit tests to mm/ and kselftests to
tools/testing/selftests/. Name who looks after them and where they are
discussed, so that get_maintainer.pl copies the right people on changes
to them.
MSG
	fi
	info "MAINTAINERS commit updated: run 'scripts/harness export$(base_option)'"
}

cmd_check() {
	local rundir
	need shellcheck shellcheck
	rundir=$(new_rundir check)
	run_checks "$rundir"
	summarize "$rundir"
}

cmd_test() {
	local rundir kernel ptree s
	local -a suites ksft=()
	resolve_base
	# shellcheck disable=SC2206
	suites=(${SUITES:-$(all_suites)})
	kernel=$(suite_kernel)
	ptree=$(apply_series) || exit 1
	[ -z "${FSTESTS_SKIP:-}" ] || mapfile -t suites < <(printf '%s\n' "${suites[@]}" | grep -vx fstests)
	case " ${suites[*]} " in
	# scripts/harness fstests prepared its own selection; test and CI run the smoke list
	*" fstests "*) [ -n "${WB_FSTESTS_PLAN:-}" ] || FSTESTS_LIST=${FSTESTS_LIST:-smoke} fstests_prepare ;;
	esac
	for s in "${suites[@]}"; do
		# shellcheck disable=SC2207
		ksft+=($(suite_var "$s" ksft))
	done
	build_selftests "$ptree" "${ksft[@]}"
	rundir=${WB_RUNDIR:-$(new_rundir "$VARIANT$([ "$FLAVOUR" = debug ] && echo -debug)")}
	if [ -n "${FSTESTS_SKIP:-}" ]; then
		mkdir -p "$rundir/host/fstests"
		printf '1..1\nok 1 fstests # SKIP %s\n' "$FSTESTS_SKIP" >"$rundir/host/fstests/fstests.tap"
		echo 0 >"$rundir/host/fstests/fstests.rc"
	fi
	run_suites "$rundir" "$kernel" "${suites[@]}"
	info "results in $rundir"
	summarize "$rundir"
}

cmd_boot() {
	local rundir kernel rc=0
	resolve_base
	kernel=$(suite_kernel)
	rundir=$(new_rundir "boot-$VARIANT")
	mkdir -p "$rundir/boot-1"
	# the command runs from the repository, with the suites' variables
	{
		printf "export WB_REPO='%s' WB_KSFT='%s' WB_KSFT_MM='%s'\ncd \"\$WB_REPO\"\n" \
			"$WB_REPO" "$WB_KSFT_DIR" "$WB_KSFT_MM"
		if [ ${#CMD[@]} -gt 0 ]; then
			printf '%s\n' "${CMD[*]}"
		else
			printf 'uname -a\ncat /proc/cmdline\n'
		fi
	} >"$rundir/boot-1/job.sh"
	WB_VERBOSE=1 boot_guest "$kernel" "$rundir/boot-1" || rc=$?
	info "guest exit status $rc; console log $rundir/boot-1/console.log"
	return "$rc"
}

# ci_bases: the bases ci and all run, one a line: the one named (--base,
# WB_BASE) or whose tree KERNEL_SRC is (one tree is one base), else every
# base that has a series: a base's series, once in patches/<base>/, is
# in CI without a change here.
ci_bases() {
	local b found=''
	if [ -n "$WB_BASE_GIVEN" ] || [ -n "${KERNEL_SRC:-}" ]; then
		need_series
		printf '%s\n' "$WB_BASE"
		return
	fi
	for b in $(known_bases); do
		if with_base "$b" base_has_series; then
			printf '%s\n' "$b"
			found=1
		fi
	done
	[ -n "$found" ] || die "no base has a series (patches/<base>/series)"
}

# ci_base RUNDIR: check, bisect and test of the loaded base, into RUNDIR.
ci_base() {
	local rundir=$1
	mkdir -p "$rundir"
	run_checks "$rundir"
	# every patch compiles on its own: the directories it touches, normal
	# config (scripts/harness bisect adds the no-swap and no-shmem ones)
	WB_BISECT_FLAVOURS=${WB_BISECT_FLAVOURS:-normal} bisect_series "$rundir/host/bisect" || true
	WB_RUNDIR=$rundir cmd_test
}

# ci_totals RUNDIR BASE...: the sum of the bases' results (their
# RUNDIR/<base>/results.json), the line CI ends with.
ci_totals() {
	local rundir=$1
	shift
	python3 - "$rundir" "$@" <<'PY'
import json
import os
import sys
rundir, bases = sys.argv[1], sys.argv[2:]
total = {'pass': 0, 'fail': 0, 'skip': 0, 'known': 0}
for base in bases:
    path = os.path.join(rundir, base, 'results.json')
    if not os.path.exists(path):
        total['fail'] += 1
        print(f'{base}: no results.json (the run stopped before its results)')
        continue
    with open(path) as f:
        for k, v in json.load(f)['totals'].items():
            total[k] += v
print(f"all bases ({' '.join(bases)}): {total['pass']} passed, {total['fail']} failed, "
      f"{total['skip'] + total['known']} skipped")
sys.exit(1 if total['fail'] else 0)
PY
}

# ci: every base of ci_bases. One base: its results as they always were.
# More: each in RUNDIR/<base>, its suites named <base>/suite, and the sum.
cmd_ci() {
	local rundir b rc=0
	local -a bases
	need shellcheck shellcheck
	mapfile -t bases < <(ci_bases)
	rundir=$(new_rundir ci)
	if [ ${#bases[@]} = 1 ]; then
		with_base "${bases[0]}" ci_base "$rundir"
		return
	fi
	for b in "${bases[@]}"; do
		info "ci of the $b series"
		WB_RESULTS_PREFIX=$b/ with_base "$b" ci_base "$rundir/$b" || rc=1
	done
	ci_totals "$rundir" "${bases[@]}" || rc=1
	return "$rc"
}

# baseline_test: the suites on the unpatched kernel of the loaded base.
baseline_test() {
	VARIANT=baseline cmd_test
}

cmd_all() {
	local rc=0 b
	cmd_ci || rc=$?
	for b in $(ci_bases); do
		info "the same suites on the unpatched $b kernel, for comparison"
		with_base "$b" baseline_test || true
	done
	return "$rc"
}

# bisect_targets USERS: the make targets that compile what the changed
# files (stdin) can break: a .c file's object (only that object compiles
# it), a private header's directory, and for a header under include/ the
# objects of USERS, the .c files the series changes that exist at this
# revision (the series' own users of what it declares there; all of mm/
# took most of a cold CI run, and --full builds everything).
bisect_targets() {
	awk -v users="$1" '
		/^include\/.*\.h$/ { n = split(users, u, " "); for (i = 1; i <= n; i++) { sub("\\.c$", ".o", u[i]); print u[i] }; next }
		/\.h$/ { sub("/[^/]*$", "/"); print; next }
		/\.c$/ { sub("\\.c$", ".o"); print }' |
		sort -u | awk '
		/\/$/ { dir[$0] = 1 }
		{ t[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				d = t[i]; sub("[^/]*$", "", d)
				if (t[i] ~ /\.o$/ && (d in dir)) continue
				print t[i]
			}
		}'
}

# bisect_key TREE REV FLAVOUR TARGETS: what decides whether REV builds in
# FLAVOUR: the trees of REV and its parent, the configuration fragments, the
# compiler and the targets. A build that passed is remembered under it in
# $WB_CACHE/bisect-ok, and not repeated: the same inputs build the same.
bisect_key() {
	local tree=$1 rev=$2 flavour=$3 targets=$4 f
	{
		git -C "$tree" rev-parse "$rev~1^{tree}" "$rev^{tree}"
		printf '%s\n' "$flavour" "$targets"
		while read -r f; do cat "$f"; done < <(config_fragments "$flavour" bisect)
		gcc --version | head -1
	} | sha1sum | cut -d' ' -f1
}

# Every patch of the series must build on its own, also without swap and
# without shmem (WB_BISECT_FLAVOURS). Quick mode compiles what each patch
# can break (bisect_targets), with the filesystems of
# scripts/kconfig/fs-build.config enabled; --full builds bzImage. A
# worktree of its own keeps the patched tree untouched. One case per patch
# and flavour in DIR (host/bisect/NNNN-FLAVOUR), with its build log.
bisect_series() {
	local dir=$1 ptree btree i=0 fails=0 rev flavour out dirs subj name rc series_c users
	local keep kconfig key ok=$WB_CACHE/bisect-ok
	# per flavour: configured in this run; a Kconfig changed since
	local -A configured=() stale=()
	mkdir -p "$dir"
	resolve_base
	ptree=$(apply_series) || return 1
	btree=$(ensure_worktree bisect)
	series_c=$(git -C "$ptree" diff --name-only "$BASE_REV" "$WB_BRANCH" -- '*.c' ':!tools' | tr '\n' ' ')
	for rev in $(git -C "$ptree" rev-list --reverse "$BASE_REV..$WB_BRANCH"); do
		i=$((i + 1))
		git -C "$btree" checkout -q --detach -f "$rev"
		subj=$(git -C "$btree" log -1 --format=%s "$rev")
		users=$(cd "$btree" && for f in $series_c; do [ ! -e "$f" ] || printf '%s ' "$f"; done)
		dirs=$(git -C "$btree" diff --name-only --diff-filter=d "$rev~1" "$rev" -- '*.c' '*.h' ':!tools' |
			bisect_targets "$users")
		if [ -z "$dirs${BISECT_FULL:-}" ]; then
			info "patch $i: no kernel source touched"
			continue
		fi
		kconfig=
		git -C "$btree" diff --quiet "$rev~1" "$rev" -- '*Kconfig*' || kconfig=1
		for flavour in ${WB_BISECT_FLAVOURS:-normal noswap noshmem}; do
			[ -z "$kconfig" ] || stale[$flavour]=1
			name=$(printf '%04d-%s' "$i" "$flavour")
			key=$(bisect_key "$btree" "$rev" "$flavour" "${BISECT_FULL:-$dirs}")
			if [ -e "$ok/$key" ]; then
				info "patch $i ($flavour): built before from the same trees and configuration"
				printf 'built before: %s\n' "$(cat "$ok/$key")" >"$dir/$name.log"
				host_case "$dir" "$name" 0
				continue
			fi
			info "patch $i ($flavour): $subj"
			out=$(build_dir "bisect-$flavour")
			rc=0
			# configure the first build, and again after a Kconfig
			# change (of this patch or of one whose build was
			# remembered)
			keep=1
			[ -n "${configured[$flavour]:-}" ] && [ -z "${stale[$flavour]:-}" ] || keep=0
			configured[$flavour]=1
			stale[$flavour]=
			# shellcheck disable=SC2086 # a list of directories
			(WB_KEEP_CONFIG=$keep build_kernel "$btree" "$out" "$flavour" bisect ${BISECT_FULL:-$dirs}) \
				>"$dir/$name.log" 2>&1 || rc=1
			if [ $rc != 0 ]; then
				fails=$((fails + 1))
				cat "$out/build.log" >>"$dir/$name.log" 2>/dev/null || true
				grep -E 'error|Error' "$dir/$name.log" | head -20 >&2
				printf 'error: patch %s (%s) does not build (%s): see %s\n' \
					"$i" "$subj" "$flavour" "$dir/$name.log" >&2
			else
				mkdir -p "$ok"
				printf '%s %s\n' "$(date -u +%FT%TZ)" "$subj" >"$ok/$key"
			fi
			host_case "$dir" "$name" "$rc"
		done
	done
	[ "$fails" = 0 ] || return 1
	info "all $i patches build (${WB_BISECT_FLAVOURS:-normal noswap noshmem})"
}

cmd_bisect() {
	local rundir rc=0
	rundir=$(new_rundir bisect)
	bisect_series "$rundir/host/bisect" || rc=$?
	summarize "$rundir"
	return "$rc"
}
