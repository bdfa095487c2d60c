# SPDX-License-Identifier: GPL-2.0
# The series: patches/<base>/series (quilt order) applied with git am onto
# the base, on branch $WB_BRANCH of a worktree of ours; exported back with
# format-patch.
# shellcheck shell=bash

# series_dir: the directory of the loaded base's series.
series_dir() {
	printf '%s/%s\n' "$WB_REPO" "$BASE_PATCHES"
}

series_patches() {
	grep -vE '^[[:space:]]*(#|$)' "$(series_dir)/series" 2>/dev/null || true
}

# Hash of what the applied branch depends on: base commit + patch contents.
series_stamp() {
	{
		printf '%s\n' "$BASE_REV"
		series_patches | while IFS= read -r p; do
			cat "$(series_dir)/$p"
		done
	} | sha256sum | cut -d' ' -f1
}

# apply_series: (re)creates $WB_BRANCH = base + series in the "patched"
# worktree; prints that worktree. A patch that fails names itself and the
# hunk git reports. Work not yet exported (uncommitted changes, commits
# after the last apply) is never thrown away: apply refuses instead.
apply_series() {
	local dir lock rc=0
	dir=$(ensure_worktree patched)
	# one apply at a time per cache: two commands run at once (a test and
	# an fstests run, say) would otherwise both reset the worktree and
	# run git am in it
	exec {lock}>"$dir.lock"
	flock "$lock"
	apply_series_locked "$dir" || rc=$?
	exec {lock}>&-
	return "$rc"
}

# apply_series_locked DIR: apply_series' work, under its lock.
apply_series_locked() {
	local dir=$1 stamp p log other pdir
	pdir=$(series_dir)
	stamp=$(series_stamp)
	other=$(git -C "$dir" worktree list --porcelain | awk -v b="branch refs/heads/$WB_BRANCH" -v me="$dir" '
		/^worktree / { wt = substr($0, 10) } $0 == b && wt != me { print wt }')
	[ -z "$other" ] ||
		die "branch $WB_BRANCH is checked out in $other: set WB_BRANCH to another name for this cache"
	if [ "$(git -C "$dir" symbolic-ref -q --short HEAD)" = "$WB_BRANCH" ] &&
		[ -r "$dir.stamp" ]; then
		# the branch as the series made it, or work on top of that
		[ "$(head -n1 "$dir.stamp")" = "$stamp" ] && { printf '%s\n' "$dir"; return; }
	fi
	worktree_unexported "$dir" &&
		die "$dir has work that is not in $BASE_PATCHES/ (uncommitted changes or new commits on $WB_BRANCH): run 'scripts/harness export$(base_option)' first, or discard it with 'git -C $dir reset --hard' and 'rm $dir.stamp'"
	git -C "$dir" am --abort >/dev/null 2>&1 || true
	git -C "$dir" checkout -q -f -B "$WB_BRANCH" "$BASE_REV"
	rm -f "$dir.stamp"
	log=$(mktemp)
	while IFS= read -r p; do
		[ -r "$pdir/$p" ] || die "$BASE_PATCHES/series names $p, which does not exist"
		if ! GIT_COMMITTER_NAME=$WB_IDENT_NAME GIT_COMMITTER_EMAIL=$WB_IDENT_EMAIL \
			git -C "$dir" -c commit.gpgsign=false am -q --committer-date-is-author-date \
			"$pdir/$p" >"$log" 2>&1; then
			git -C "$dir" am --abort >/dev/null 2>&1 || true
			printf 'error: patch %s does not apply to %s (Linux %s):\n' "$p" "$BASE_REV" "$BASE_VERSION" >&2
			grep -E '^(error|CONFLICT)' "$log" | sed 's/^/  /' >&2
			rm -f "$log"
			return 1
		fi
	done < <(series_patches)
	rm -f "$log"
	printf '%s\n%s\n' "$stamp" "$(git -C "$dir" rev-parse HEAD)" >"$dir.stamp"
	printf '%s\n' "$dir"
}

# add_cc TREE DIR: a Cc: header per address get_maintainer.pl (of TREE)
# finds for each patch in DIR; the cover letter gets all of them.
add_cc() {
	local tree=$1 out=$2 p all
	all=$(mktemp)
	for p in "$out"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$p" ] || continue
		case ${p##*/} in 0000-*) continue ;; esac
		(cd "$tree" && ./scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats "$p") | tee -a "$all" | insert_cc "$p"
	done
	[ ! -e "$out/0000-cover-letter.patch" ] || sort -u "$all" | insert_cc "$out/0000-cover-letter.patch"
	rm -f "$all"
}

# insert_cc PATCH: Cc: headers for the addresses on stdin, after Subject:.
insert_cc() {
	awk -v patch="$1" '
		FILENAME == "-" { if ($0 != "") cc[++n] = $0; next }
		!done && /^$/ { for (i = 1; i <= n; i++) print "Cc: " cc[i]; done = 1 }
		{ print }' - "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}

# export_series DIR OUT: format-patch base..branch into OUT with the cover
# letter filled from the base's cover letter text (BASE_COVER: subject
# line, blank line, body), each patch's notes for reviewers (what
# checkpatch reports and why it stays) from BASE_NOTES/<patch slug>.txt
# below its "---", and the quilt series file.
export_series() {
	local dir=$1 out=$2 cover=$WB_REPO/$BASE_COVER p notes
	mkdir -p "$out"
	rm -f "$out"/*.patch "$out/series"
	git -C "$dir" -c core.abbrev=12 format-patch -q --zero-commit --no-signature --cover-letter \
		--base="$BASE_REV" -o "$out" "$BASE_REV..$WB_BRANCH"
	for p in "$out"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$p" ] || continue
		notes=${p##*/}
		notes=$WB_REPO/$BASE_NOTES/${notes#[0-9][0-9][0-9][0-9]-}
		notes=${notes%.patch}.txt
		[ -r "$notes" ] || continue
		# after the first "---" line, before the diffstat
		awk -v notes="$notes" '
			!done && $0 == "---" {
				print; while ((getline l < notes) > 0) print l; print ""; done = 1; next
			}
			{ print }' "$p" >"$p.tmp" && mv "$p.tmp" "$p"
	done
	add_cc "$dir" "$out"
	if [ -r "$out/0000-cover-letter.patch" ]; then
		# From: and Date: of the series' last commit, so that the cover
		# letter is the same on every export.
		python3 - "$out/0000-cover-letter.patch" "$cover" \
			"$(git -C "$dir" log -1 --format='%an <%ae>' "$WB_BRANCH")" \
			"$(git -C "$dir" log -1 --format='%aD' "$WB_BRANCH")" <<'PY'
import re
import sys
path, src, author, date = sys.argv[1:5]
subject, _, body = open(src).read().partition('\n\n')
text = open(path).read()
head, sep, rest = text.partition('\n\n')
head = re.sub(r'^From: .*(\n[ \t].*)*', lambda m: 'From: ' + author, head, count=1, flags=re.M)
head = re.sub(r'^Date: .*', lambda m: 'Date: ' + date, head, count=1, flags=re.M)
text = head + sep + rest
text = text.replace('*** SUBJECT HERE ***', subject.strip())
text = text.replace('*** BLURB HERE ***', body.rstrip('\n'))
open(path, 'w').write(text)
PY
	fi
	local p
	for p in "$out"/*.patch; do
		case ${p##*/} in
		0000-cover-letter.patch | "*.patch") ;;
		*) printf '%s\n' "${p##*/}" ;;
		esac
	done >"$out/series"
}

# series_test_files DIR: the test files the series adds, as the branch of
# DIR has them: what it adds under tools/testing/selftests/ and its KUnit
# files (*kunit*). Dot files (.gitignore) are left out: in this repository
# they would act on the repository itself.
series_test_files() {
	git -C "$1" diff --name-only --diff-filter=A "$BASE_REV" "$WB_BRANCH" -- \
		tools/testing/selftests/ ':(glob)**/*kunit*' ':(exclude,glob)**/.*'
}

# test_copy_path PATH: where the repository keeps its copy of test file
# PATH (the base's BASE_SELFTESTS and BASE_KUNIT directories).
test_copy_path() {
	case $1 in
	tools/testing/selftests/*) printf '%s/%s\n' "$BASE_SELFTESTS" "${1#tools/testing/selftests/}" ;;
	*) printf '%s/%s\n' "$BASE_KUNIT" "${1##*/}" ;;
	esac
}

# test_copy_dirs: the directories of the copies, selftests first.
test_copy_dirs() {
	printf '%s\n' "$BASE_SELFTESTS" "$BASE_KUNIT"
}

# file_patches DIR PATCHES PATH: the patches (named as in PATCHES/series)
# whose commits on the branch of DIR change PATH, in series order.
file_patches() {
	local dir=$1 pdir=$2 path=$3
	awk 'FILENAME == ARGV[1] { name[FNR] = $0; next }
		FILENAME == ARGV[2] { nr[$0] = FNR; next }
		{ print name[nr[$0]] }' "$pdir/series" \
		<(git -C "$dir" rev-list --reverse "$BASE_REV..$WB_BRANCH") \
		<(git -C "$dir" rev-list --reverse "$BASE_REV..$WB_BRANCH" -- "$path")
}

# export_tests DIR PATCHES OUT: OUT/selftests and OUT/kunit (the base's
# test_copy_dirs) as export leaves them in the repository: a copy of each
# of the series' test files (series_test_files) from the branch of DIR,
# with a header naming its patches in the base's series directory
# (PATCHES/series: what export_series wrote from that branch), and the
# two READMEs with their generated part (the catalogue of the copies and
# their test cases, scripts/lib/testcopies.py) regenerated.
export_tests() {
	local dir=$1 pdir=$2 out=$3 tmp path dest kind copies readme mode
	local -a patches
	[ "$(grep -c . "$pdir/series")" = "$(git -C "$dir" rev-list --count "$BASE_REV..$WB_BRANCH")" ] ||
		die "$pdir/series does not list the commits of $WB_BRANCH one for one: run 'scripts/harness export$(base_option)'"
	tmp=$(mktemp -d)
	: >"$tmp/manifest"
	mapfile -t copies < <(test_copy_dirs)
	mkdir -p "${copies[@]/#/$out/}"
	while IFS= read -r path; do
		dest=$(test_copy_path "$path")
		[ ! -e "$out/$dest" ] || die "two test files of the series would be copied to $dest"
		mapfile -t patches < <(file_patches "$dir" "$pdir" "$path")
		mkdir -p "$out/${dest%/*}"
		git -C "$dir" show "$WB_BRANCH:$path" |
			python3 "$WB_REPO/scripts/lib/testcopies.py" copy "$path" "${patches[@]/#/$BASE_PATCHES/}" >"$out/$dest"
		mode=$(git -C "$dir" ls-tree "$WB_BRANCH" -- "$path" | awk '{ print $1 }')
		[ "$mode" != 100755 ] || chmod +x "$out/$dest"
		printf 'A\t%s\t%s\t%s\n' "$path" "$dest" "${patches[*]}" >>"$tmp/manifest"
	done < <(series_test_files "$dir")
	# the lines the series adds to the kernel's own selftest files
	while IFS= read -r path; do
		mapfile -t patches < <(file_patches "$dir" "$pdir" "$path")
		printf 'M\t%s\t-\t%s\n' "$path" "${patches[*]}" >>"$tmp/manifest"
	done < <(git -C "$dir" diff --name-only --diff-filter=M "$BASE_REV" "$WB_BRANCH" -- tools/testing/selftests/)
	git -C "$dir" diff --no-color --no-ext-diff --src-prefix=a/ --dst-prefix=b/ --diff-filter=M \
		"$BASE_REV" "$WB_BRANCH" -- tools/testing/selftests/ >"$tmp/diff"
	# the READMEs of the two kinds, selftests and kunit, in test_copy_dirs'
	# order; a new base may not have its hand-written part yet
	for kind in 0 1; do
		readme=$WB_REPO/${copies[kind]}/README.md
		[ -e "$readme" ] || readme=/dev/null
		python3 "$WB_REPO/scripts/lib/testcopies.py" readme "$([ $kind = 0 ] && echo selftests || echo kunit)" \
			"$readme" "$tmp/manifest" "$tmp/diff" "$out" >"$out/${copies[kind]}/README.md"
	done
	rm -rf "$tmp"
}

# install_tests DIR: the repository's selftests/ and kunit/ (the base's
# test_copy_dirs) regenerated from the branch of DIR (export_tests, after
# export_series wrote the series); copies of files the series no longer
# adds go away.
install_tests() {
	local tmp d
	tmp=$(mktemp -d)
	export_tests "$1" "$(series_dir)" "$tmp"
	for d in $(test_copy_dirs); do
		rm -rf "${WB_REPO:?}/$d"
		mkdir -p "$WB_REPO/$d"
		cp -R "$tmp/$d/." "$WB_REPO/$d/"
	done
	rm -rf "$tmp"
}

# tests_stale GEN: the files of the repository's selftests/ and kunit/
# (test_copy_dirs) that differ from GEN's (export_tests): missing, extra or changed, with
# the diff of a changed one; fails when there is any.
tests_stale() {
	local gen=$1 f rc=0
	while IFS= read -r f; do
		if [ ! -e "$gen/$f" ]; then
			printf 'extra: %s (not a file the series adds)\n' "$f"
		elif [ ! -e "$WB_REPO/$f" ]; then
			printf 'missing: %s\n' "$f"
		elif ! cmp -s "$gen/$f" "$WB_REPO/$f"; then
			printf 'changed: %s\n' "$f"
			diff -u --label "generated $f" --label "$f" "$gen/$f" "$WB_REPO/$f" | head -20 || true
		else
			continue
		fi
		rc=1
	done < <({
		# shellcheck disable=SC2046 # two directory names
		(cd "$WB_REPO" && find $(test_copy_dirs) -type f 2>/dev/null) || true
		# shellcheck disable=SC2046
		(cd "$gen" && find $(test_copy_dirs) -type f)
	} | LC_ALL=C sort -u)
	return "$rc"
}
