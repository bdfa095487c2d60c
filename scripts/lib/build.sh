# SPDX-License-Identifier: GPL-2.0
# Kernel build: tinyconfig + kvm_guest.config + our fragments, out of tree,
# through ccache.
# shellcheck shell=bash

# config_fragments FLAVOUR VARIANT: the base's own fragment (what its
# Kconfig needs said differently), "debug" adds the lockdep/KASAN set, the
# patched kernel the symbols (KUnit tests) the series adds, bisect the
# filesystems the series touches, which the guest kernel leaves out.
config_fragments() {
	local flavour=$1 variant=$2
	printf '%s\n' "$WB_REPO/scripts/kconfig/qemu.config"
	[ -z "$BASE_KCONFIG" ] || printf '%s\n' "$WB_REPO/$BASE_KCONFIG"
	case $variant in
	patched) printf '%s\n' "$WB_REPO/scripts/kconfig/series.config" ;;
	bisect) printf '%s\n' "$WB_REPO/scripts/kconfig/fs-build.config" ;;
	esac
	[ "$variant" = bisect ] || printf '%s\n' "$WB_REPO/scripts/kconfig/boot.config"
	if [ "$flavour" != normal ]; then
		printf '%s\n' "$WB_REPO/scripts/kconfig/$flavour.config"
	fi
}

# The last CONFIG_X=value or "# CONFIG_X is not set" line of the fragments
# for each symbol must be in the final .config; print those that are not.
missing_symbols() {
	local config=$1
	shift
	grep -hE '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$@" |
		awk '{ s = $1 == "#" ? $2 : substr($0, 1, index($0, "=") - 1); last[s] = $0 }
		     END { for (s in last) print last[s] }' |
		sort | while IFS= read -r line; do
			case $line in
			"# "*) sym=${line#"# "}; sym=${sym%% *}
			       grep -q "^$sym=" "$config" && printf '%s\n' "$line" ;;
			*=n) grep -q "^${line%=n}=" "$config" && printf '%s\n' "$line" ;;
			*) grep -qxF "$line" "$config" || printf '%s\n' "$line" ;;
			esac
		done
	return 0
}

# gated_off SRC OUT TARGET: the symbol that leaves a directory above TARGET
# (an object or a directory) out of OUT's .config, as in fs/Makefile's
# "obj-$(CONFIG_HOSTFS) += hostfs/" for a UML-only filesystem; fails when
# none does.
gated_off() {
	local src=$1 out=$2 t=${3%/} dir parent sym
	case $3 in */) dir=$t ;; *) dir=${t%/*} ;; esac
	while [ "${dir#*/}" != "$dir" ]; do
		parent=${dir%/*}
		sym=$(sed -nE 's@^obj-\$\((CONFIG_[A-Za-z0-9_]+)\)[[:space:]]*[+:]=(.*[[:space:]])?'"${dir##*/}"'/([[:space:]].*)?$@\1@p' \
			"$src/$parent/Makefile" 2>/dev/null | head -1)
		if [ -n "$sym" ] && ! grep -qE "^$sym=[ym]$" "$out/.config"; then
			printf '%s\n' "$sym"
			return 0
		fi
		dir=$parent
	done
	return 1
}

# configured_targets SRC OUT TARGET...: the targets the configuration
# builds; 'make dir/file.o' compiles a file even when its directory is
# disabled, and fails when that directory is for another architecture.
configured_targets() {
	local src=$1 out=$2 t sym
	shift 2
	for t; do
		if sym=$(gated_off "$src" "$out" "$t"); then
			info "not building $t: $sym is not set (not for ARCH=x86_64 or not in the fragments)"
		else
			printf '%s\n' "$t"
		fi
	done
}

# build_kernel SRC OUT FLAVOUR VARIANT [DIR/...]: bzImage, or only the
# directories given (object files, no link).
build_kernel() {
	local src=$1 out=$2 flavour=$3 variant=$4 frags missing ccache_dir jobs
	shift 4
	need make make
	need gcc gcc
	need flex flex
	need bison bison
	need bc bc
	need ccache ccache
	need perl perl
	[ -e /usr/include/libelf.h ] || die "libelf.h missing: install it with 'apt-get install libelf-dev'"
	[ -e /usr/include/openssl/ssl.h ] || die "openssl headers missing: install them with 'apt-get install libssl-dev'"
	mkdir -p "$out"
	mapfile -t frags < <(config_fragments "$flavour" "$variant")
	# one cache for every flavour but the debug one, whose objects never match
	ccache_dir=$WB_CACHE/ccache/$([ "$flavour" = debug ] && echo debug || echo normal)
	jobs=${JOBS:-$(nproc)}
	local -a mk=(make -C "$src" O="$out" ARCH=x86_64 "CC=ccache gcc" -j"$jobs" -s)
	export CCACHE_DIR=$ccache_dir CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
	# bisect: no Kconfig file changed since the last configuration of
	# OUT, whose .config then still holds (make syncs the rest)
	if [ "${WB_KEEP_CONFIG:-0}" != 1 ] || [ ! -s "$out/.config" ]; then
		info "configuring $out ($flavour)"
		"${mk[@]}" tinyconfig >/dev/null
		(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" .config \
			"$src/kernel/configs/kvm_guest.config" "${frags[@]}") >"$out/merge_config.log" 2>&1 ||
			die "merge_config.sh failed: see $out/merge_config.log"
		"${mk[@]}" olddefconfig >>"$out/merge_config.log" 2>&1
		missing=$(missing_symbols "$out/.config" "${frags[@]}")
		[ -z "$missing" ] ||
			die "config symbols lost by olddefconfig (unmet dependencies?):"$'\n'"$missing"
	fi
	if [ $# -gt 0 ]; then
		local -a targets
		mapfile -t targets < <(configured_targets "$src" "$out" "$@")
		set -- "${targets[@]}"
		if [ $# = 0 ]; then
			git -C "$src" rev-parse HEAD >"$out/source-commit"
			return 0
		fi
	fi
	info "building ${*:-bzImage} in $out (ccache $ccache_dir, -j$jobs)"
	"${mk[@]}" "${@:-bzImage}" >"$out/build.log" 2>&1 || {
		grep -E 'error|Error' "$out/build.log" | head -20 >&2
		die "kernel build failed: see $out/build.log"
	}
	git -C "$src" rev-parse HEAD >"$out/source-commit"
}
