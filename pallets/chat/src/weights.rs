// This file is part of SealChat.
// SPDX-License-Identifier: Apache-2.0


//! Weights for `pallet_chat`, generated from its benchmarks.
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
// pallet_chat
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
// pallets/chat/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_chat`.
pub trait WeightInfo {
	fn add_member() -> Weight;
	fn authorize_part_call(l: u32, ) -> Weight;
	fn join(b: u32, ) -> Weight;
	fn set_part_blob(b: u32, ) -> Weight;
	fn post_message(m: u32, ) -> Weight;
	fn delete_message() -> Weight;
	fn close_part(n: u32, ) -> Weight;
	fn renew() -> Weight;
	fn expire_step() -> Weight;
	fn expire_chat() -> Weight;
	fn expire_part(n: u32, ) -> Weight;
}

/// Weights for `pallet_chat` measured on the reference machine, with the runtime's
/// database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Chat::Chats` (r:1 w:1)
	/// Proof: `Chat::Chats` (`max_values`: None, `max_size`: Some(334), added: 2809, mode: `MaxEncodedLen`)
	/// Storage: `Connector::CreatedChats` (r:1 w:0)
	/// Proof: `Connector::CreatedChats` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Connector::NextRecordId` (r:1 w:1)
	/// Proof: `Connector::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Connector::RecordPages` (r:1 w:1)
	/// Proof: `Connector::RecordPages` (`max_values`: None, `max_size`: Some(35218), added: 37693, mode: `MaxEncodedLen`)
	/// Storage: `Connector::TaggedRecords` (r:0 w:1)
	/// Proof: `Connector::TaggedRecords` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn add_member() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `536`
		//  Estimated: `38683`
		// Minimum execution time: 92_998_000 picoseconds.
		Weight::from_parts(100_820_000, 38683)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:0)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4182), added: 6657, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// The range of component `l` is `[1, 4096]`.
	fn authorize_part_call(l: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4304`
		//  Estimated: `7647`
		// Minimum execution time: 55_492_000 picoseconds.
		Weight::from_parts(59_650_362, 7647)
			// Standard Error: 20
			.saturating_add(Weight::from_parts(845, 0).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4182), added: 6657, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::Spent` (r:1 w:1)
	/// Proof: `UserRing::Spent` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Connector::NextRecordId` (r:1 w:1)
	/// Proof: `Connector::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Connector::RecordPages` (r:1 w:1)
	/// Proof: `Connector::RecordPages` (`max_values`: None, `max_size`: Some(35218), added: 37693, mode: `MaxEncodedLen`)
	/// Storage: `Chat::GenesisLifetime` (r:1 w:0)
	/// Proof: `Chat::GenesisLifetime` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:0 w:1)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	/// Storage: `Connector::TaggedRecords` (r:0 w:1)
	/// Proof: `Connector::TaggedRecords` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Chat::PartsCreated` (r:1 w:1): added by hand since the measurement (the
	/// part's incarnation), one read and one write of 8 bytes.
	/// The range of component `b` is `[0, 4096]`.
	fn join(b: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `43`
		//  Estimated: `38683`
		// Minimum execution time: 43_024_000 picoseconds.
		Weight::from_parts(52_147_745, 38683)
			// Standard Error: 78
			.saturating_add(Weight::from_parts(679, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4182), added: 6657, mode: `MaxEncodedLen`)
	/// The range of component `b` is `[0, 4096]`.
	fn set_part_blob(b: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4250`
		//  Estimated: `7647`
		// Minimum execution time: 16_574_000 picoseconds.
		Weight::from_parts(18_212_629, 7647)
			// Standard Error: 2
			.saturating_add(Weight::from_parts(515, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4182), added: 6657, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:0 w:1)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4162), added: 6637, mode: `MaxEncodedLen`)
	/// The range of component `m` is `[1, 4096]`.
	fn post_message(m: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4250`
		//  Estimated: `7647`
		// Minimum execution time: 21_071_000 picoseconds.
		Weight::from_parts(23_074_078, 7647)
			// Standard Error: 4
			.saturating_add(Weight::from_parts(516, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4182), added: 6657, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:1 w:1)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4162), added: 6637, mode: `MaxEncodedLen`)
	fn delete_message() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `8475`
		//  Estimated: `7647`
		// Minimum execution time: 25_047_000 picoseconds.
		Weight::from_parts(27_020_000, 7647)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4182), added: 6657, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:62 w:61)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4162), added: 6637, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:0 w:1)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 61]`.
	fn close_part(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `8391 + n * (47 ±0)`
		//  Estimated: `7647 + n * (6637 ±0)`
		// Minimum execution time: 20_030_000 picoseconds.
		Weight::from_parts(20_432_053, 7647)
			// Standard Error: 4_385
			.saturating_add(Weight::from_parts(7_080_878, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6637).saturating_mul(n.into()))
	}
	/// Storage: `UserRing::Spent` (r:1 w:1)
	/// Proof: `UserRing::Spent` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Chat::GenesisLifetime` (r:1 w:0)
	/// Proof: `Chat::GenesisLifetime` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4182), added: 6657, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:0 w:2)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	fn renew() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4281`
		//  Estimated: `7647`
		// Minimum execution time: 38_637_000 picoseconds.
		Weight::from_parts(46_359_000, 7647)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Chat::ExpiryCursor` (r:1 w:1)
	/// Proof: `Chat::ExpiryCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:1 w:0)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	fn expire_step() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `32`
		//  Estimated: `3526`
		// Minimum execution time: 6_539_000 picoseconds.
		Weight::from_parts(7_281_000, 3526)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Chat::ExpiryCursor` (r:1 w:1)
	/// Proof: `Chat::ExpiryCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:2 w:1)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Chats` (r:0 w:1)
	/// Proof: `Chat::Chats` (`max_values`: None, `max_size`: Some(334), added: 2809, mode: `MaxEncodedLen`)
	/// Storage: `Connector::CreatedChats` (r:0 w:1)
	/// Proof: `Connector::CreatedChats` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	fn expire_chat() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `151`
		//  Estimated: `6062`
		// Minimum execution time: 21_472_000 picoseconds.
		Weight::from_parts(23_285_000, 6062)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Chat::ExpiryCursor` (r:1 w:1)
	/// Proof: `Chat::ExpiryCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:2 w:1)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4182), added: 6657, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:62 w:61)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4162), added: 6637, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 61]`.
	fn expire_part(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `8464 + n * (47 ±0)`
		//  Estimated: `7647 + n * (6637 ±0)`
		// Minimum execution time: 29_594_000 picoseconds.
		Weight::from_parts(30_603_498, 7647)
			// Standard Error: 3_043
			.saturating_add(Weight::from_parts(6_763_272, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6637).saturating_mul(n.into()))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn add_member() -> Weight {
		Weight::from_parts(100_820_000, 38683)
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn authorize_part_call(l: u32, ) -> Weight {
		Weight::from_parts(59_650_362, 7647)
			.saturating_add(Weight::from_parts(845, 0).saturating_mul(l.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
	}
	fn join(b: u32, ) -> Weight {
		Weight::from_parts(52_147_745, 38683)
			.saturating_add(Weight::from_parts(679, 0).saturating_mul(b.into()))
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(7_u64))
	}
	fn set_part_blob(b: u32, ) -> Weight {
		Weight::from_parts(18_212_629, 7647)
			.saturating_add(Weight::from_parts(515, 0).saturating_mul(b.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn post_message(m: u32, ) -> Weight {
		Weight::from_parts(23_074_078, 7647)
			.saturating_add(Weight::from_parts(516, 0).saturating_mul(m.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn delete_message() -> Weight {
		Weight::from_parts(27_020_000, 7647)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn close_part(n: u32, ) -> Weight {
		Weight::from_parts(20_432_053, 7647)
			.saturating_add(Weight::from_parts(7_080_878, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6637).saturating_mul(n.into()))
	}
	fn renew() -> Weight {
		Weight::from_parts(46_359_000, 7647)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn expire_step() -> Weight {
		Weight::from_parts(7_281_000, 3526)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn expire_chat() -> Weight {
		Weight::from_parts(23_285_000, 6062)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn expire_part(n: u32, ) -> Weight {
		Weight::from_parts(30_603_498, 7647)
			.saturating_add(Weight::from_parts(6_763_272, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6637).saturating_mul(n.into()))
	}
}
