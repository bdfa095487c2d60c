# SPDX-License-Identifier: GPL-2.0
# Base tree: Debian's linux-source-6.1 turned into a reproducible git commit,
# or a user's own v6.1.y git tree, plus the two worktrees the harness builds:
# "baseline" (the base commit) and "patched" (the series branch).
# shellcheck shell=bash

DEBIAN_TARBALL=${DEBIAN_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

# Unpack Debian's tarball once into $WB_CACHE/debian-linux and commit it with
# a fixed identity and date: the commit id is the same on every machine that
# has the same package version.
debian_repo() {
	local repo=$WB_CACHE/debian-linux ver tmp
	if [ -e "$repo/.git/wb-complete" ]; then
		printf '%s\n' "$repo"
		return
	fi
	if [ ! -r "$DEBIAN_TARBALL" ]; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			info "installing linux-source-6.1"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-source-6.1 >&2 ||
				die "apt-get install linux-source-6.1 failed"
		fi
		[ -r "$DEBIAN_TARBALL" ] ||
			die "$DEBIAN_TARBALL missing: install it with 'apt-get install linux-source-6.1', or set KERNEL_SRC to a v6.1.y git tree"
	fi
	need xz xz-utils
	rm -rf "$repo"
	tmp=$repo.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	info "unpacking $DEBIAN_TARBALL"
	tar -xJf "$DEBIAN_TARBALL" -C "$tmp" --strip-components=1
	ver=$(kernel_version <"$tmp/Makefile")
	check_version "$ver" "$DEBIAN_TARBALL"
	info "committing the base tree (Linux $ver)"
	git -C "$tmp" init -q -b base
	# Debian's top-level .gitignore ignores everything ("/*"): force-add.
	git -C "$tmp" add -f -A
	git_fixed -C "$tmp" commit -q -m "Linux $ver (Debian linux-source-6.1)" \
		-m "Unpacked from $(basename "$DEBIAN_TARBALL") by the writeback-series harness."
	git -C "$tmp" tag "v$ver"
	touch "$tmp/.git/wb-complete"
	mv "$tmp" "$repo"
	printf '%s\n' "$repo"
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
		SRC_REPO=$(debian_repo)
		BASE_REV=$(git -C "$SRC_REPO" rev-parse "base^{commit}")
	fi
	BASE_VERSION=$(git -C "$SRC_REPO" show "$BASE_REV:Makefile" | kernel_version)
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
	if [ -e "$dir" ]; then
		git -C "$dir" worktree remove --force "$dir" 2>/dev/null || rm -rf "$dir"
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
