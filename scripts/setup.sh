#!/usr/bin/env bash
# Installs what building SealChat needs, and only what is missing. Safe to run again.
#
# - Debian packages for the node build: clang/libclang (bindgen), protoc (networking).
# - A WASM toolchain for the runtime, by the first route that works:
#   1. rustup: `rustup target add wasm32v1-none` and `rustup component add rust-src`;
#   2. offline: Debian's Rust (rustc-web, with its library sources) and lld; core,
#      alloc and compiler_builtins are built for wasm32v1-none from those sources
#      and the toolchain is linked into rustup as `debian-web`.
# The build scripts detect the route themselves (scripts/env.sh).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

did=()

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
	local missing=()
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if ! command -v apt-get >/dev/null 2>&1; then
		sealchat_log "missing packages ${missing[*]} and no apt-get: install them by hand"
		return 1
	fi
	if [ $apt_updated -eq 0 ]; then
		as_root apt-get update -qq
		apt_updated=1
	fi
	sealchat_log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
	did+=("installed Debian packages: ${missing[*]}")
}

if ! command -v cargo >/dev/null 2>&1 || ! command -v rustup >/dev/null 2>&1; then
	sealchat_log "rustup and cargo are required: see https://rustup.rs"
	exit 1
fi

# Build dependencies of the node.
apt_install clang libclang-dev protobuf-compiler build-essential pkg-config libssl-dev

try_rustup_route() {
	(cd "$SEALCHAT_ROOT" && rustup target list --installed 2>/dev/null) | grep -qx wasm32v1-none && return 0
	sealchat_log "trying: rustup target add wasm32v1-none"
	if (cd "$SEALCHAT_ROOT" && timeout 300 rustup target add wasm32v1-none >/dev/null 2>&1 &&
		timeout 300 rustup component add rust-src >/dev/null 2>&1); then
		did+=("added the wasm32v1-none target and rust-src with rustup")
		return 0
	fi
	sealchat_log "rustup could not add the wasm32v1-none target (offline?)"
	return 1
}

build_debian_route() {
	apt_install rustc-web cargo-web rust-web-src lld-22
	if ! compgen -G "$SEALCHAT_DEBIAN_WASM_LIB/libcore-*.rlib" >/dev/null; then
		sealchat_log "building core/alloc for wasm32v1-none with Debian's Rust"
		local work
		work="$(mktemp -d)"
		mkdir -p "$work/src"
		cat >"$work/Cargo.toml" <<'TOML'
[package]
name = "wasm32v1-none-sysroot"
version = "0.0.0"
edition = "2021"
[lib]
crate-type = ["cdylib"]
[profile.release]
panic = "abort"
TOML
		cat >"$work/src/lib.rs" <<'RS'
#![no_std]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
	loop {}
}
RS
		# embed-bitcode: the runtime is built with LTO, which needs the bitcode.
		(cd "$work" && RUSTC=/usr/bin/rustc RUSTFLAGS="-C embed-bitcode=yes" RUSTC_BOOTSTRAP=1 \
			CARGO_TARGET_WASM32V1_NONE_LINKER=rust-lld CARGO_TARGET_DIR="$work/target" \
			/usr/bin/cargo build -q --release --target wasm32v1-none -Z build-std=core,alloc)
		as_root mkdir -p "$SEALCHAT_DEBIAN_WASM_LIB"
		as_root cp "$work"/target/wasm32v1-none/release/deps/lib{core,alloc,compiler_builtins}-*.rlib \
			"$SEALCHAT_DEBIAN_WASM_LIB/"
		rm -rf "$work"
		did+=("built core/alloc/compiler_builtins for wasm32v1-none into $SEALCHAT_DEBIAN_WASM_LIB")
	fi
	if ! rustup toolchain list | grep -q '^debian-web'; then
		rustup toolchain link debian-web /usr
		did+=("linked Debian's Rust into rustup as debian-web")
	fi
}

case "${SEALCHAT_WASM_ROUTE:-}" in
debian) build_debian_route ;;
rustup) try_rustup_route ;;
*) try_rustup_route || build_debian_route ;;
esac

route="$(sealchat_wasm_route)"
if [ -z "$route" ]; then
	sealchat_log "setup failed: no working WASM toolchain"
	exit 1
fi
if [ ${#did[@]} -eq 0 ]; then
	sealchat_log "setup: everything was already in place (WASM route: $route)"
else
	for line in "${did[@]}"; do sealchat_log "setup: $line"; done
	sealchat_log "setup: done (WASM route: $route)"
fi
