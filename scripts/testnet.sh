#!/usr/bin/env bash
# Starts the four validators of the `local` chain (Alice, Bob, Charlie, Dave) on
# loopback and stops them all cleanly on Ctrl-C or SIGTERM.
#
#   scripts/testnet.sh [--base-dir DIR] [--keep]
#
# Validator i (0..3) listens for peers on 127.0.0.1:$((30333 + i)) and for JSON-RPC on
# ws://127.0.0.1:$((9944 + i)). Chains and logs live under DIR (default: a new
# temporary directory, removed on exit unless --keep or --base-dir is given).
# Set SEALCHAT_P2P_PORT / SEALCHAT_RPC_PORT to move the port ranges.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

base_dir=""
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--base-dir) base_dir="$2"; keep=1; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) sed -n '2,11p' "$0"; exit 0 ;;
	*) echo "unknown argument: $1" >&2; exit 2 ;;
	esac
done

node="$(sealchat_node_bin)"
if [ ! -x "$node" ]; then
	"$SEALCHAT_ROOT/scripts/build.sh"
fi
[ -n "$base_dir" ] || base_dir="$(mktemp -d -t sealchat-testnet.XXXXXX)"
mkdir -p "$base_dir"

p2p_base="${SEALCHAT_P2P_PORT:-30333}"
rpc_base="${SEALCHAT_RPC_PORT:-9944}"
names=(alice bob charlie dave)
pids=()

stop_all() {
	trap - INT TERM EXIT
	set +e
	if [ ${#pids[@]} -gt 0 ]; then
		sealchat_log "stopping ${#pids[@]} validators"
		kill -TERM "${pids[@]}" 2>/dev/null || true
		for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	fi
	if [ "$keep" -eq 0 ]; then
		rm -rf "$base_dir"
	else
		sealchat_log "chains and logs kept in $base_dir"
	fi
}
trap stop_all EXIT
trap 'sealchat_log "signal received"; exit 0' INT TERM

# A fixed network key per validator (their peer ids are then fixed too) so the others
# can name Alice as their bootnode before she is up. Fine on loopback; a real network
# generates its keys (docs/VALIDATOR.md).
node_key() { printf '%064x' "$(($1 + 1))"; }
alice_peer_id="$(node_key 0 | "$node" key inspect-node-key)"
bootnode="/ip4/127.0.0.1/tcp/${p2p_base}/p2p/${alice_peer_id}"

for i in "${!names[@]}"; do
	name="${names[$i]}"
	args=(
		--chain local --validator "--$name" --name "$name"
		--base-path "$base_dir/$name"
		--node-key "$(node_key "$i")"
		--listen-addr "/ip4/127.0.0.1/tcp/$((p2p_base + i))"
		--rpc-port "$((rpc_base + i))"
		--no-prometheus --no-telemetry --no-mdns
	)
	[ "$i" -eq 0 ] || args+=(--bootnodes "$bootnode")
	"$node" "${args[@]}" >"$base_dir/$name.log" 2>&1 &
	pids+=($!)
	sealchat_log "$name: pid $!, p2p 127.0.0.1:$((p2p_base + i)), rpc ws://127.0.0.1:$((rpc_base + i)), log $base_dir/$name.log"
done
sealchat_log "bootnode: $bootnode"
sealchat_log "4 validators running; Ctrl-C stops them"

# Exit (and stop the others) as soon as any validator dies on its own.
set +e
wait -n "${pids[@]}"
status=$?
sealchat_log "a validator exited with status $status; stopping the network"
exit "$status"
