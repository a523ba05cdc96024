#!/usr/bin/env bash
# Fails when the dependency tree holds two versions of a polkadot-sdk crate (sp-*,
# sc-*, frame-*, pallet-*) or of jsonrpsee, or when RocksDB slipped in.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SEALCHAT_ROOT"

dups="$(cargo tree --locked --workspace -d --prefix none --format '{p}' 2>/dev/null |
	awk '{print $1, $2}' | sort -u |
	grep -E '^(sp-|sc-|frame-|pallet-|substrate-|jsonrpsee)' |
	awk '{n[$1]++; v[$1]=v[$1] " " $2} END {for (k in n) if (n[k] > 1) print k ":" v[k]}' || true)"
if [ -n "$dups" ]; then
	echo "duplicate polkadot-sdk/jsonrpsee crates in the dependency tree:" >&2
	echo "$dups" >&2
	exit 1
fi
if cargo tree --locked --workspace -e normal --prefix none --format '{p}' 2>/dev/null | grep -q '^kvdb-rocksdb\|^librocksdb-sys'; then
	echo "RocksDB is in the dependency tree; ParityDB is the only database" >&2
	exit 1
fi
echo "dependency check: one version of each polkadot-sdk and jsonrpsee crate, no RocksDB"
