//! The pallets whose benchmarks the runtime exposes to `sealchat-node benchmark pallet`.

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_connector, Connector]
	[pallet_chat, Chat]
	[pallet_ring, UserRing]
	[pallet_governance, Governance]
);
