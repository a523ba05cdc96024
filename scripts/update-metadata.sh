#!/usr/bin/env bash
# Regenerates client/metadata/sealchat.scale, the runtime metadata the client's typed
# chain access is generated from. Run it after changing the runtime; the test
# `client_metadata_matches_the_runtime` fails until it is run.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
sealchat_wasm_env
cd "$SEALCHAT_ROOT"
SEALCHAT_UPDATE_METADATA=1 cargo test --locked --release -p sealchat-runtime --test metadata client_metadata
sealchat_log "wrote client/metadata/sealchat.scale ($(wc -c <client/metadata/sealchat.scale) bytes)"
