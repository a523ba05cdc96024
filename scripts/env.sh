# shellcheck shell=bash
# Sourced by the other scripts: where things live and which WASM toolchain builds the
# runtime. Nothing here installs anything; `scripts/setup.sh` does that.

SEALCHAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SEALCHAT_ROOT

# One cargo target directory outside the clone, so fresh clones (and CI runs on the
# same machine) reuse earlier builds. Override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sealchat/target}"
# The runtime's WASM build looks for Cargo.lock upwards from the target directory; with
# the target directory outside the clone it must be told where the workspace is, or it
# would resolve dependency versions of its own.
export WASM_BUILD_WORKSPACE_HINT="$SEALCHAT_ROOT"

sealchat_log() { printf '[sealchat] %s\n' "$*" >&2; }

# Where the Debian route keeps the wasm32v1-none core/alloc/compiler_builtins it built.
SEALCHAT_DEBIAN_WASM_LIB=/usr/lib/rustlib/wasm32v1-none/lib

# Prints the WASM route that works on this machine: "rustup" (a rustup toolchain with
# the wasm32v1-none target) or "debian" (Debian's Rust with a self-built
# wasm32v1-none core library, linked into rustup as `debian-web`); nothing if neither.
sealchat_wasm_route() {
	if [ "${SEALCHAT_WASM_ROUTE:-}" = debian ] || [ "${SEALCHAT_WASM_ROUTE:-}" = rustup ]; then
		echo "$SEALCHAT_WASM_ROUTE"
		return
	fi
	if command -v rustup >/dev/null 2>&1 &&
		(cd "$SEALCHAT_ROOT" && rustup target list --installed 2>/dev/null) | grep -qx wasm32v1-none; then
		echo rustup
	elif compgen -G "$SEALCHAT_DEBIAN_WASM_LIB/libcore-*.rlib" >/dev/null &&
		command -v rustup >/dev/null 2>&1 && rustup toolchain list 2>/dev/null | grep -q '^debian-web'; then
		echo debian
	fi
}

# Exports what cargo needs to build the runtime with the detected route. After a
# change of route the runtime's WASM build directory is stale and is removed.
sealchat_wasm_env() {
	local route
	route="$(sealchat_wasm_route)"
	case "$route" in
	rustup)
		unset WASM_BUILD_TOOLCHAIN WASM_BUILD_RUSTFLAGS
		;;
	debian)
		export WASM_BUILD_TOOLCHAIN=debian-web
		# Rust >= 1.96's wasm linker no longer leaves host functions undefined.
		export WASM_BUILD_RUSTFLAGS="-C link-arg=--allow-undefined"
		;;
	*)
		sealchat_log "no WASM toolchain found; run scripts/setup.sh"
		return 1
		;;
	esac
	unset SKIP_WASM_BUILD
	mkdir -p "$CARGO_TARGET_DIR"
	local marker="$CARGO_TARGET_DIR/.sealchat-wasm-route"
	if [ -f "$marker" ] && [ "$(cat "$marker")" != "$route" ]; then
		sealchat_log "WASM route changed to $route: removing stale runtime WASM builds"
		rm -rf "$CARGO_TARGET_DIR"/*/wbuild/sealchat-runtime/target
	fi
	echo "$route" >"$marker"
	sealchat_log "WASM runtime toolchain: $route"
}

# The node binary that `cargo build --release -p sealchat-node` produces.
sealchat_node_bin() { echo "$CARGO_TARGET_DIR/release/sealchat-node"; }
