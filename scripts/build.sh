#!/usr/bin/env bash
# Sets up (if needed) and builds the release node and every workspace crate. Building the
# whole workspace in one go gives every shared dependency the same features in the
# build, the tests and the dev chain, so nothing is compiled twice. Extra arguments go to
# cargo (`scripts/run.sh` passes `--exclude sealchat-tests`, which leaves every shared
# dependency's features as they are).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$SEALCHAT_ROOT/scripts/setup.sh"
sealchat_wasm_env
sealchat_log "building sealchat-node (target dir: $CARGO_TARGET_DIR)"
cd "$SEALCHAT_ROOT"
cargo build --locked --release --workspace "$@"
