# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness: sourced, never executed.
# shellcheck shell=bash

WB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export WB_REPO
WB_CACHE=${WB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/writeback-series}
# The series to work on: a base is a file of settings in scripts/bases/
# (load_base). WB_BASE from the environment, or --base, which wins.
# WB_BASE_GIVEN: a base was named (ci then runs that one only).
# shellcheck disable=SC2034 # read by run.sh (ci_bases)
WB_BASE_GIVEN=${WB_BASE:+1}
WB_DEFAULT_BASE=6.1
WB_BASE=${WB_BASE:-$WB_DEFAULT_BASE}
# The user's branch name is the 6.1 series' one; other bases append their
# name: the bases share $WB_CACHE/base, where a branch name is global.
WB_BRANCH_NAME=${WB_BRANCH:-writeback-series}
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

# The settings every scripts/bases/<base> file sets (see scripts/bases/6.1).
BASE_SETTINGS='BASE_KERNEL WB_MIN_SUBLEVEL BASE_MIN_REASON BASE_PACKAGE BASE_TARBALL
BASE_PATCHES BASE_COVER BASE_NOTES BASE_README_LINE BASE_KSFT_MM BASE_SELFTESTS
BASE_KUNIT BASE_KCONFIG BASE_KNOWN_FAILURES BASE_CACHE_NAME'

# known_bases: the bases there is a settings file for, one a line.
known_bases() {
	local f
	for f in "$WB_REPO"/scripts/bases/*; do
		if [ -f "$f" ]; then
			basename "$f"
		fi
	done
}

# load_base [BASE]: the settings of BASE (default $WB_BASE), which becomes
# WB_BASE, and what derives from them. Runs before anything else, so an
# unknown base stops the command at once.
load_base() {
	local file v
	WB_BASE=${1:-$WB_BASE}
	file=$WB_REPO/scripts/bases/$WB_BASE
	case $WB_BASE in
	'' | */* | .*) file='' ;;
	esac
	if [ -z "$file" ] || [ ! -f "$file" ]; then
		die "unknown base '$WB_BASE': the bases are $(known_bases | paste -sd ' ') (scripts/bases/)"
	fi
	# shellcheck disable=SC2086 # a list of names
	unset $BASE_SETTINGS
	# shellcheck source=scripts/bases/6.1
	. "$file"
	for v in $BASE_SETTINGS; do
		[ -n "${!v+set}" ] || die "scripts/bases/$WB_BASE does not set $v"
	done
	WB_BRANCH=$WB_BRANCH_NAME${BASE_CACHE_NAME:+-$BASE_CACHE_NAME}
	# where the selftest programs are built, which the guest mounts
	WB_KSFT_DIR=$WB_CACHE/kselftest${BASE_CACHE_NAME:+/$BASE_CACHE_NAME}
	# the suites' directory of the mm selftests, on the host (their ksft
	# lists) and in the guest (job.sh)
	WB_KSFT_MM=$BASE_KSFT_MM
	export WB_BASE WB_KSFT_DIR WB_KSFT_MM
}

# with_base BASE CMD...: CMD with the settings of BASE: in this shell for
# the base loaded, in a subshell for another (its settings stay there).
with_base() {
	local base=$1
	shift
	if [ "$base" = "$WB_BASE" ]; then
		"$@"
	else
		(load_base "$base" && "$@")
	fi
}

# base_has_series: the base's series exists (patches/<base>/series).
base_has_series() {
	[ -r "$WB_REPO/$BASE_PATCHES/series" ]
}

# base_option: the --base option that names the loaded base in a command
# the user is told to run ('' for the default).
base_option() {
	[ "$WB_BASE" = "$WB_DEFAULT_BASE" ] || printf ' --base %s' "$WB_BASE"
}

# need_series: commands that apply the series stop here when the base has
# none yet (a base is added before its series is ported).
need_series() {
	base_has_series || die "no $WB_BASE series in $BASE_PATCHES/ yet"
}

# Refuse anything that is not a recent enough $BASE_KERNEL.y, naming the
# base that would take it.
check_version() {
	local ver=$1 where=$2 other
	case $ver in
	"$BASE_KERNEL".*) ;;
	*)
		other=$(known_bases | grep -xF "${ver%.*}" || true)
		die "$where is Linux ${ver:-<unknown>}, not $BASE_KERNEL.y: the $WB_BASE series targets $BASE_KERNEL LTS${other:+ (for this tree: --base $other)}"
		;;
	esac
	[ "${ver##*.}" -ge "$WB_MIN_SUBLEVEL" ] ||
		die "$where is Linux $ver: the $WB_BASE series needs $BASE_KERNEL.$WB_MIN_SUBLEVEL or later ($BASE_MIN_REASON)"
}

# cache_path KIND NAME: KIND/NAME under the cache (KIND: trees, build);
# a base with a name in the cache (BASE_CACHE_NAME; not 6.1) gets
# KIND/<name>/NAME.
cache_path() {
	printf '%s/%s/%s%s\n' "$WB_CACHE" "$1" "${BASE_CACHE_NAME:+$BASE_CACHE_NAME/}" "$2"
}

# Worktree directories: baseline = base commit, patched = series branch.
tree_dir() {
	cache_path trees "$1"
}

build_dir() {
	cache_path build "$1"
}
