# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness: sourced, never executed.
# shellcheck shell=bash

WB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export WB_REPO
WB_CACHE=${WB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/writeback-series}
# The oldest 6.1.y the series applies to: it relies on the 6.1.119
# backport of batched migration (migrate_pages_batch()) and the 6.1.76
# per-mapping AS_STABLE_WRITES flag.
WB_MIN_SUBLEVEL=119
WB_BRANCH=${WB_BRANCH:-writeback-series}
# Fixed identity and date for commits the harness creates itself, so the
# base commit and the applied series have the same SHAs on every machine.
WB_IDENT_NAME="writeback-series harness"
WB_IDENT_EMAIL="harness@writeback-series.invalid"
WB_IDENT_DATE="2026-11-01T00:00:00Z"

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

info() {
	printf '==> %s\n' "$*" >&2
}

# need CMD PACKAGE: fail with the Debian package that provides CMD.
need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found: install it with 'apt-get install $2'"
}

# Run git with the harness identity (base commit, applied series).
git_fixed() {
	GIT_AUTHOR_NAME=$WB_IDENT_NAME GIT_AUTHOR_EMAIL=$WB_IDENT_EMAIL \
	GIT_COMMITTER_NAME=$WB_IDENT_NAME GIT_COMMITTER_EMAIL=$WB_IDENT_EMAIL \
	GIT_AUTHOR_DATE=$WB_IDENT_DATE GIT_COMMITTER_DATE=$WB_IDENT_DATE \
		git -c core.autocrlf=false -c commit.gpgsign=false "$@"
}

# Version "6.1.N" of the Makefile given on stdin.
kernel_version() {
	awk -F' *= *' '
		$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 }
		END { if (v != "") printf "%s.%s.%s\n", v, p, s }'
}

# Refuse anything that is not a recent enough 6.1.y.
check_version() {
	local ver=$1 where=$2
	case $ver in
	6.1.*) ;;
	*) die "$where is Linux ${ver:-<unknown>}, not 6.1.y: the series targets 6.1 LTS" ;;
	esac
	[ "${ver#6.1.}" -ge "$WB_MIN_SUBLEVEL" ] ||
		die "$where is Linux $ver: the series needs 6.1.$WB_MIN_SUBLEVEL or later (batched migration and AS_STABLE_WRITES backports)"
}

# Worktree directories: baseline = base commit, patched = series branch.
tree_dir() {
	printf '%s/trees/%s\n' "$WB_CACHE" "$1"
}

build_dir() {
	printf '%s/build/%s\n' "$WB_CACHE" "$1"
}
