// This file is part of SealChat.
// SPDX-License-Identifier: Apache-2.0


//! Weights for `pallet_connector`, generated from its benchmarks.
//!
//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: 2026-12-07, STEPS: `20`, REPEAT: `10`, LOW RANGE: `[]`, HIGH RANGE: `[]`
//! WORST CASE MAP SIZE: `1000000`
//! HOSTNAME: `vm`, CPU: `AMD EPYC`
//! WASM-EXECUTION: `Compiled`, CHAIN: `Some("dev")`, DB CACHE: 1024
//!
//! Regenerate with `scripts/benchmark-weights.sh`.

// Executed Command:
// /root/.cache/sealchat/target/release/sealchat-node
// benchmark
// pallet
// --chain
// dev
// --pallet
// pallet_connector
// --extrinsic
// *
// --steps
// 20
// --repeat
// 10
// --wasm-execution
// compiled
// --heap-pages
// 4096
// --template
// scripts/benchmark/weight-template.hbs
// --header
// scripts/benchmark/HEADER
// --output
// pallets/connector/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_connector`.
pub trait WeightInfo {
	fn register_key() -> Weight;
	fn rotate_key() -> Weight;
	fn clear_keys() -> Weight;
	fn create_chat() -> Weight;
	fn add_member() -> Weight;
	fn prune_pages(n: u32, ) -> Weight;
}

/// Weights for `pallet_connector` measured on the reference machine, with the runtime's
/// database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Connector::Registrations` (r:1 w:1)
	/// Proof: `Connector::Registrations` (`max_values`: None, `max_size`: Some(96), added: 2571, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::Placements` (r:1 w:1)
	/// Proof: `UserRing::Placements` (`max_values`: None, `max_size`: Some(57), added: 2532, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::Queue` (r:1 w:1)
	/// Proof: `UserRing::Queue` (`max_values`: Some(1), `max_size`: Some(32770), added: 33265, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::QueuedSince` (r:1 w:0)
	/// Proof: `UserRing::QueuedSince` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Connector::Keys` (r:1 w:1)
	/// Proof: `Connector::Keys` (`max_values`: None, `max_size`: Some(641), added: 3116, mode: `MaxEncodedLen`)
	fn register_key() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `32979`
		//  Estimated: `34255`
		// Minimum execution time: 1_983_291_000 picoseconds.
		Weight::from_parts(2_077_912_000, 34255)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Connector::Registrations` (r:1 w:0)
	/// Proof: `Connector::Registrations` (`max_values`: None, `max_size`: Some(96), added: 2571, mode: `MaxEncodedLen`)
	/// Storage: `Connector::Keys` (r:1 w:1)
	/// Proof: `Connector::Keys` (`max_values`: None, `max_size`: Some(641), added: 3116, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	fn rotate_key() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `935`
		//  Estimated: `4106`
		// Minimum execution time: 71_096_000 picoseconds.
		Weight::from_parts(76_584_000, 4106)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Connector::Keys` (r:1 w:1)
	/// Proof: `Connector::Keys` (`max_values`: None, `max_size`: Some(641), added: 3116, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	fn clear_keys() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `885`
		//  Estimated: `4106`
		// Minimum execution time: 57_786_000 picoseconds.
		Weight::from_parts(64_866_000, 4106)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `UserRing::Spent` (r:1 w:1)
	/// Proof: `UserRing::Spent` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Chat::NextChatId` (r:1 w:1)
	/// Proof: `Chat::NextChatId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Chat::GenesisLifetime` (r:1 w:0)
	/// Proof: `Chat::GenesisLifetime` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Connector::CreatedChats` (r:1 w:1)
	/// Proof: `Connector::CreatedChats` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Chats` (r:0 w:1)
	/// Proof: `Chat::Chats` (`max_values`: None, `max_size`: Some(334), added: 2809, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:0 w:1)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	fn create_chat() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `43`
		//  Estimated: `3509`
		// Minimum execution time: 37_996_000 picoseconds.
		Weight::from_parts(52_047_000, 3509)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Connector::CreatedChats` (r:1 w:0)
	/// Proof: `Connector::CreatedChats` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `Connector::NextRecordId` (r:1 w:1)
	/// Proof: `Connector::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Connector::RecordPages` (r:1 w:1)
	/// Proof: `Connector::RecordPages` (`max_values`: None, `max_size`: Some(35218), added: 37693, mode: `MaxEncodedLen`)
	/// Storage: `Connector::TaggedRecords` (r:0 w:1)
	/// Proof: `Connector::TaggedRecords` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn add_member() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `54`
		//  Estimated: `38683`
		// Minimum execution time: 17_956_000 picoseconds.
		Weight::from_parts(23_235_000, 38683)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Connector::NextRecordId` (r:1 w:0)
	/// Proof: `Connector::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Connector::OldestRecordId` (r:1 w:1)
	/// Proof: `Connector::OldestRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Connector::RecordPages` (r:17 w:16)
	/// Proof: `Connector::RecordPages` (`max_values`: None, `max_size`: Some(35218), added: 37693, mode: `MaxEncodedLen`)
	/// Storage: `Connector::TaggedRecords` (r:0 w:1024)
	/// Proof: `Connector::TaggedRecords` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 16]`.
	fn prune_pages(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `35317 + n * (35227 ±0)`
		//  Estimated: `38683 + n * (37693 ±0)`
		// Minimum execution time: 32_488_000 picoseconds.
		Weight::from_parts(31_899_906, 38683)
			// Standard Error: 2_523_079
			.saturating_add(Weight::from_parts(191_582_281, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((65_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 37693).saturating_mul(n.into()))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn register_key() -> Weight {
		Weight::from_parts(2_077_912_000, 34255)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn rotate_key() -> Weight {
		Weight::from_parts(76_584_000, 4106)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn clear_keys() -> Weight {
		Weight::from_parts(64_866_000, 4106)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn create_chat() -> Weight {
		Weight::from_parts(52_047_000, 3509)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn add_member() -> Weight {
		Weight::from_parts(23_235_000, 38683)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn prune_pages(n: u32, ) -> Weight {
		Weight::from_parts(31_899_906, 38683)
			.saturating_add(Weight::from_parts(191_582_281, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(ParityDbWeight::get().writes((65_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 37693).saturating_mul(n.into()))
	}
}
