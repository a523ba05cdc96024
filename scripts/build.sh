#!/usr/bin/env bash
# Sets up (if needed) and builds the release node. Extra arguments go to cargo.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$SEALCHAT_ROOT/scripts/setup.sh"
sealchat_wasm_env
sealchat_log "building sealchat-node (target dir: $CARGO_TARGET_DIR)"
cd "$SEALCHAT_ROOT"
cargo build --locked --release -p sealchat-node "$@"
