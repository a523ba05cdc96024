#!/usr/bin/env bash
# Sets up (if needed), builds and starts the development chain: one validator (Alice)
# producing a block every 2 s and finalizing it, JSON-RPC on ws://127.0.0.1:9944.
# Arguments are passed to the node (default: --dev); the chain lives in a temporary
# directory unless you pass --base-path.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# The node and the `sealchat` client, with the runtime and pallets they are built from:
# the whole workspace but the tests crate (its end-to-end drivers, `sealchat-bench` and
# their terminal emulators). Every shared dependency gets the features the whole
# workspace gives it, so `scripts/test.sh` afterwards reuses all of it.
"$SEALCHAT_ROOT/scripts/build.sh" --exclude sealchat-tests
[ $# -eq 0 ] && set -- --dev
sealchat_log "starting: sealchat-node $*"
exec "$(sealchat_node_bin)" "$@"
