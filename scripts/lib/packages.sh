# SPDX-License-Identifier: GPL-2.0
# The Debian packages of scripts/packages: find every missing one at once,
# before any long step; install them when root on Debian, or name them all
# in one apt-get line.
# shellcheck shell=bash

# wb_packages STEP...: the packages that any of these steps needs.
wb_packages() {
	awk -v steps=" $* " '
		/^[[:space:]]*(#|$)/ { next }
		{ for (i = 2; i <= NF; i++) if (index(steps, " " $i " ")) { print $1; next } }' \
		"$WB_REPO/scripts/packages"
}

# missing_packages PACKAGE...: those dpkg does not have installed.
missing_packages() {
	local -A ok=()
	local p st
	while read -r p st; do
		[ "$st" = installed ] && ok[$p]=1
	done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null)
	for p in "$@"; do
		[ -n "${ok[$p]:-}" ] || printf '%s\n' "$p"
	done
}

# apt_install PACKAGE...: one 'apt-get update' only when the lists are stale.
apt_install() {
	local -a apt=(apt-get install -y -q --no-install-recommends)
	export DEBIAN_FRONTEND=noninteractive
	"${apt[@]}" "$@" >&2 && return
	info "apt-get install failed: updating the package lists and trying again"
	apt-get update -q >&2 || true
	"${apt[@]}" "$@" >&2
}

# need_steps STEP...: every package these steps need is installed, or is
# installed now (root), or the command stops here naming all of them.
need_steps() {
	local -a pkgs
	mapfile -t pkgs < <(wb_packages "$@")
	need_packages "${pkgs[@]}"
}

# need_packages PACKAGE...: need_steps for a list of packages (those of
# steps, and the kernel source package of each base).
need_packages() {
	local -a missing
	command -v dpkg-query >/dev/null 2>&1 || {
		info "not a Debian system: not checking packages (scripts/packages lists what the harness needs)"
		return 0
	}
	mapfile -t missing < <(missing_packages "$@")
	[ ${#missing[@]} -gt 0 ] || return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		info "installing ${#missing[@]} missing package(s): ${missing[*]}"
		apt_install "${missing[@]}" ||
			die "could not install: apt-get install ${missing[*]}"
		return 0
	fi
	die "missing package(s); as root run: apt-get install ${missing[*]}"
}
