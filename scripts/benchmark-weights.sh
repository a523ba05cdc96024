#!/usr/bin/env bash
# Regenerates the weights.rs of the chain's own pallets from their benchmarks, run on
# this machine with a node built with `--features runtime-benchmarks`.
#
#   scripts/benchmark-weights.sh [STEPS] [REPEAT] [PALLET...]
#
# Defaults: 50 steps, 20 repeats, every pallet of the chain's own (pallet_ring
# pallet_connector pallet_chat pallet_governance).
#
# The node binary of that build replaces the normal one in the target directory until
# the next `scripts/build.sh`.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

steps="${1:-50}"
repeat="${2:-20}"
shift $(($# < 2 ? $# : 2))
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_ring pallet_connector pallet_chat pallet_governance)

"$SEALCHAT_ROOT/scripts/setup.sh"
sealchat_wasm_env
# The benchmarking CLI carries a test runtime for the storage benchmark, which this node
# does not offer; its WASM build cannot find itself through WASM_BUILD_WORKSPACE_HINT.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
cd "$SEALCHAT_ROOT"
cargo build --locked --release -p sealchat-node --features runtime-benchmarks
node="$(sealchat_node_bin)"

for pallet in "${pallets[@]}"; do
	case "$pallet" in
		pallet_connector) dir=pallets/connector ;;
		pallet_chat) dir=pallets/chat ;;
		pallet_ring) dir=pallets/ring ;;
		pallet_governance) dir=pallets/governance ;;
		*) sealchat_log "unknown pallet $pallet (pallet_ring, pallet_connector, pallet_chat or pallet_governance)"; exit 2 ;;
	esac
	sealchat_log "benchmarking $pallet ($steps steps, $repeat repeats)"
	"$node" benchmark pallet \
		--chain dev \
		--pallet "$pallet" \
		--extrinsic '*' \
		--steps "$steps" \
		--repeat "$repeat" \
		--wasm-execution compiled \
		--heap-pages 4096 \
		--template scripts/benchmark/weight-template.hbs \
		--header scripts/benchmark/HEADER \
		--output "$dir/src/weights.rs"
done
sealchat_log "weights written; rebuild the node with scripts/build.sh"
