#!/usr/bin/env bash
# Runs every benchmark and prints one table (docs/BENCHMARKS.md records the figures):
# the client's criterion micro-benchmarks (trial decryption against the raw X25519
# rate, on one and on all cores; rendezvous-tag lookups; making a ring proof for rings
# of 1,024 and 16,000 users; unlocking the key file), then the chain benchmarks on
# a fresh dev node (bytes per message, blocks filled with messages vs transfers,
# anonymous creations per block, the pool's rate of refusing junk tickets,
# send-to-watch latency through the CLI, a full resync of a million records and an
# incremental sync on top), then an attacker spending its whole allowance beside ten
# ordinary users on a fresh dev node, then the load on the four-validator network (simulated
# users chatting in pairs and groups through the client library, one validator killed
# for a minute halfway). Figures only: nothing fails on a slow machine.
#
# Options go to the chain benchmarks, each a number where 0 skips that part: --fill N
# (extrinsics per kind, default 12000), --tickets N (anonymous creations, default 200),
# --junk N (junk tickets sent to the pool, default 500), --latency-messages N (default
# 100), --resync N (records, default 1000000), --incremental N (default 1000), --abuse N
# (seconds of flood, default 300), --load N (users, default 50), --load-seconds N
# (default 300).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$SEALCHAT_ROOT/scripts/build.sh"
cd "$SEALCHAT_ROOT"
cargo bench --locked --workspace --bench scan --bench ring --bench key_file
SEALCHAT_NODE="$(sealchat_node_bin)"
export SEALCHAT_NODE
"$CARGO_TARGET_DIR/release/sealchat-bench" "$@"
