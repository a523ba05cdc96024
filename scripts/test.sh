#!/usr/bin/env bash
# Sets up (if needed), builds and runs every test: unit tests of all crates and the
# tests in tests/ that drive real sealchat-node processes.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$SEALCHAT_ROOT/scripts/build.sh"
cd "$SEALCHAT_ROOT"
"$SEALCHAT_ROOT/scripts/check-deps.sh"

# Release profile: the node's dependencies are then shared with the build above
# instead of compiled a second time in the debug profile.
export SEALCHAT_NODE="$(sealchat_node_bin)"
cargo test --locked --release --workspace -- --test-threads=1
# Every criterion benchmark once, in criterion's test mode: they keep building and running
# between the runs of scripts/bench.sh.
cargo test --locked --release --workspace --benches
