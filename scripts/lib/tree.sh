# SPDX-License-Identifier: GPL-2.0
# Base tree: Debian's linux-source-<base> (linux-source-6.1, -6.12) turned
# into a reproducible git commit, or a user's own git tree of that line,
# plus the two worktrees the harness builds: "baseline" (the base commit)
# and "patched" (the series branch).
# shellcheck shell=bash

# Debian revises linux-source-6.1 without changing the upstream version
# (6.1.192-1, -2, -3 in one month), each revision a different tree. Every
# tarball the harness meets becomes a commit of its own in one
# repository, $WB_CACHE/base (its own work tree stays empty; not bare,
# because checkpatch's spdxcheck.py refuses worktrees of a bare one), made
# with a fixed identity and date and a
# message naming the package revision: the same tarball gives the same
# commit on every machine, and a new revision gives a new base without
# touching the old one. refs/wb-base/<sha256> records which is which.
# Every base's tarballs go into that one repository: their objects are
# mostly the same.

# base_tarball: Debian's tarball of the base (DEBIAN_TARBALL overrides).
base_tarball() {
	printf '%s\n' "${DEBIAN_TARBALL:-$BASE_TARBALL}"
}

# tarball_key TARBALL: its sha256, remembered per (path, size, mtime).
tarball_key() {
	local tarball=$1 repo=$2 id key
	id="$(realpath "$tarball") $(stat -Lc '%s %Y' "$tarball")"
	key=$(awk -v id="$id" 'substr($0, 1, length(id) + 1) == id " " { k = $NF } END { print k }' \
		"$repo/wb-tarballs" 2>/dev/null)
	if [ -z "$key" ]; then
		key=$(sha256sum "$tarball" | cut -c1-16)
		printf '%s %s\n' "$id" "$key" >>"$repo/wb-tarballs"
	fi
	printf '%s\n' "$key"
}

# tarball_origin TARBALL: the Debian package (and revision) it came from.
tarball_origin() {
	local pkg
	pkg=$(dpkg-query -S "$(realpath "$1")" 2>/dev/null | cut -d: -f1) && [ -n "$pkg" ] &&
		printf 'Debian %s %s\n' "$pkg" "$(dpkg-query -W -f='${Version}' "$pkg")" && return
	printf '%s\n' "$(basename "$1")"
}

# package_version TARBALL: the upstream version of the Debian package that
# installed TARBALL (6.12.118 of 6.12.118-1~deb12u1), if one did.
package_version() {
	local pkg
	pkg=$(dpkg-query -S "$(realpath "$1")" 2>/dev/null | cut -d: -f1) && [ -n "$pkg" ] &&
		dpkg-query -W -f='${Version}' "$pkg" | sed 's/-.*//'
}

# debian_base: sets SRC_REPO and BASE_REV for the base's tarball.
debian_base() {
	local repo=$WB_CACHE/base tarball key tmp ver tree origin
	tarball=$(base_tarball)
	[ -r "$tarball" ] ||
		die "$tarball missing: install it with 'apt-get install $BASE_PACKAGE', or set KERNEL_SRC to a v$BASE_KERNEL.y git tree"
	# the package's version says in a second what unpacking would say
	# in minutes
	ver=$(package_version "$tarball") || true
	[ -z "$ver" ] || check_version "$ver" "$tarball"
	[ -d "$repo/.git" ] || git init -q "$repo"
	key=$(tarball_key "$tarball" "$repo/.git")
	SRC_REPO=$repo
	if BASE_REV=$(git -C "$repo" rev-parse -q --verify "refs/wb-base/$key^{commit}"); then
		return
	fi
	need xz xz-utils
	# one per base: two bases may be committed at once
	tmp=$WB_CACHE/base-unpack${BASE_CACHE_NAME:+-$BASE_CACHE_NAME}.tmp
	rm -rf "$tmp" "$tmp.index"
	mkdir -p "$tmp"
	info "unpacking $tarball"
	tar -xJf "$tarball" -C "$tmp" --strip-components=1
	ver=$(kernel_version <"$tmp/Makefile")
	check_version "$ver" "$tarball"
	origin=$(tarball_origin "$tarball")
	info "committing the base tree (Linux $ver, $origin)"
	# Debian's top-level .gitignore ignores everything ("/*"): force-add.
	GIT_INDEX_FILE=$tmp.index git --git-dir="$repo/.git" --work-tree="$tmp" \
		-c core.autocrlf=false add -f -A
	tree=$(GIT_INDEX_FILE=$tmp.index git --git-dir="$repo/.git" write-tree)
	BASE_REV=$(git_fixed --git-dir="$repo/.git" commit-tree "$tree" \
		-m "Linux $ver ($origin)" \
		-m "Unpacked from $(basename "$tarball") (sha256 $key...) by the writeback-series harness.")
	git -C "$repo" update-ref "refs/wb-base/$key" "$BASE_REV"
	rm -rf "$tmp" "$tmp.index"
}

# shellcheck disable=SC2034 # SRC_REPO, BASE_REV, BASE_VERSION are its results
# Sets SRC_REPO (a git repository) and BASE_REV (the commit the series
# applies to) from KERNEL_SRC/KERNEL_REF, or from Debian's package.
resolve_base() {
	local ver
	if [ -n "${KERNEL_SRC:-}" ]; then
		SRC_REPO=$(cd "$KERNEL_SRC" 2>/dev/null && git rev-parse --show-toplevel 2>/dev/null) ||
			die "KERNEL_SRC=$KERNEL_SRC is not a git tree"
		BASE_REV=$(git -C "$SRC_REPO" rev-parse --verify -q "${KERNEL_REF:-HEAD}^{commit}") ||
			die "KERNEL_REF=${KERNEL_REF:-HEAD} is not a commit in $SRC_REPO"
		ver=$(git -C "$SRC_REPO" show "$BASE_REV:Makefile" | kernel_version)
		check_version "$ver" "$SRC_REPO at ${KERNEL_REF:-HEAD}"
	else
		debian_base
	fi
	BASE_VERSION=$(git -C "$SRC_REPO" show "$BASE_REV:Makefile" | kernel_version)
}

# worktree_unexported DIR: DIR has uncommitted changes, or commits made
# after the last apply (DIR.stamp).
worktree_unexported() {
	local dir=$1
	[ -n "$(git -C "$dir" status --porcelain --untracked-files=no 2>/dev/null)" ] && return 0
	[ -r "$dir.stamp" ] && [ "$(git -C "$dir" rev-parse HEAD 2>/dev/null)" != "$(sed -n 2p "$dir.stamp")" ]
}

# ensure_worktree NAME: a worktree of SRC_REPO under the cache, detached at
# BASE_REV. Worktrees are ours; the user's checkout is never touched.
ensure_worktree() {
	local name=$1 dir
	dir=$(tree_dir "$name")
	if [ -e "$dir/.git" ] &&
		[ "$(git -C "$dir" rev-parse --git-common-dir 2>/dev/null)" = "$(git -C "$SRC_REPO" rev-parse --path-format=absolute --git-common-dir)" ]; then
		printf '%s\n' "$dir"
		return
	fi
	if [ -f "$dir/.git" ] && ! git -C "$dir" rev-parse -q HEAD >/dev/null 2>&1; then
		die "$dir is a worktree of a repository that is not there ($(sed 's/^gitdir: //' "$dir/.git")): the cache was moved, or its base repository removed; remove $dir (the harness makes it again from $BASE_PATCHES/)"
	fi
	if [ -e "$dir" ]; then
		# a worktree of another base (an older cache, another KERNEL_SRC):
		# replaced, unless it holds work that is not in the series yet
		worktree_unexported "$dir" &&
			die "$dir belongs to another base and has work that is not in $BASE_PATCHES/: export it with that base (the same KERNEL_SRC), or remove $dir"
		git -C "$dir" worktree remove --force "$dir" 2>/dev/null || rm -rf "$dir"
		rm -f "$dir.stamp"
	fi
	git -C "$SRC_REPO" worktree prune
	mkdir -p "$(dirname "$dir")"
	info "creating worktree $dir"
	git -C "$SRC_REPO" worktree add -q --detach "$dir" "$BASE_REV" >&2
	printf '%s\n' "$dir"
}

# The baseline tree: always exactly the base commit.
baseline_tree() {
	local dir
	dir=$(ensure_worktree baseline)
	if [ "$(git -C "$dir" rev-parse HEAD)" != "$BASE_REV" ] ||
		! git -C "$dir" diff --quiet HEAD; then
		git -C "$dir" checkout -q --detach -f "$BASE_REV"
	fi
	printf '%s\n' "$dir"
}
