// This file is part of SealChat.
// SPDX-License-Identifier: Apache-2.0


//! Weights for `pallet_chat`, generated from its benchmarks.
//!
//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: 2026-11-25, STEPS: `20`, REPEAT: `10`, LOW RANGE: `[]`, HIGH RANGE: `[]`
//! WORST CASE MAP SIZE: `1000000`
//! HOSTNAME: `vm`, CPU: `Intel(R) Xeon(R) Processor`
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
	fn add_member(l: u32, ) -> Weight;
	fn create_part(b: u32, ) -> Weight;
	fn set_part_blob(b: u32, ) -> Weight;
	fn post_message(m: u32, ) -> Weight;
	fn post_message_from_credit(m: u32, ) -> Weight;
	fn delete_message() -> Weight;
	fn close_part(n: u32, ) -> Weight;
}

/// Weights for `pallet_chat` measured on the reference machine, with the runtime's
/// database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Chat::Chats` (r:1 w:1)
	/// Proof: `Chat::Chats` (`max_values`: None, `max_size`: Some(314), added: 2789, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Connector::CreatedChats` (r:1 w:0)
	/// Proof: `Connector::CreatedChats` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `Connector::NextRecordId` (r:1 w:1)
	/// Proof: `Connector::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Connector::TaggedRecords` (r:0 w:1)
	/// Proof: `Connector::TaggedRecords` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Connector::Records` (r:0 w:1)
	/// Proof: `Connector::Records` (`max_values`: None, `max_size`: Some(1128), added: 3603, mode: `MaxEncodedLen`)
	/// The range of component `l` is `[1, 1024]`.
	fn add_member(l: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `483`
		//  Estimated: `3779`
		// Minimum execution time: 91_139_000 picoseconds.
		Weight::from_parts(104_033_171, 3779)
			// Standard Error: 304
			.saturating_add(Weight::from_parts(2_614, 0).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4218), added: 6693, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	/// Storage: `Chat::PartsOf` (r:0 w:1)
	/// Proof: `Chat::PartsOf` (`max_values`: None, `max_size`: Some(96), added: 2571, mode: `MaxEncodedLen`)
	/// The range of component `b` is `[0, 4096]`.
	fn create_part(b: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `109`
		//  Estimated: `7683`
		// Minimum execution time: 65_041_000 picoseconds.
		Weight::from_parts(69_764_099, 7683)
			// Standard Error: 10
			.saturating_add(Weight::from_parts(723, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4218), added: 6693, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	/// The range of component `b` is `[0, 4096]`.
	fn set_part_blob(b: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `347`
		//  Estimated: `7683`
		// Minimum execution time: 16_764_000 picoseconds.
		Weight::from_parts(61_596_707, 7683)
			// Standard Error: 86
			.saturating_add(Weight::from_parts(4_156, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4218), added: 6693, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:0 w:1)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4178), added: 6653, mode: `MaxEncodedLen`)
	/// The range of component `m` is `[1, 4096]`.
	fn post_message(m: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4444`
		//  Estimated: `7683`
		// Minimum execution time: 74_901_000 picoseconds.
		Weight::from_parts(79_832_046, 7683)
			// Standard Error: 10
			.saturating_add(Weight::from_parts(657, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4218), added: 6693, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:0 w:1)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4178), added: 6653, mode: `MaxEncodedLen`)
	/// The range of component `m` is `[1, 4096]`.
	fn post_message_from_credit(m: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4286`
		//  Estimated: `7683`
		// Minimum execution time: 24_279_000 picoseconds.
		Weight::from_parts(26_804_045, 7683)
			// Standard Error: 5
			.saturating_add(Weight::from_parts(585, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4218), added: 6693, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:1 w:1)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4178), added: 6653, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	fn delete_message() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `8705`
		//  Estimated: `7683`
		// Minimum execution time: 72_383_000 picoseconds.
		Weight::from_parts(77_283_000, 7683)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4218), added: 6693, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:1001 w:1000)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4178), added: 6653, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	/// Storage: `Chat::PartsOf` (r:0 w:1)
	/// Proof: `Chat::PartsOf` (`max_values`: None, `max_size`: Some(96), added: 2571, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 1000]`.
	fn close_part(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `8652 + n * (47 ±0)`
		//  Estimated: `7683 + n * (6653 ±0)`
		// Minimum execution time: 65_556_000 picoseconds.
		Weight::from_parts(61_338_131, 7683)
			// Standard Error: 14_456
			.saturating_add(Weight::from_parts(8_541_245, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(4_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6653).saturating_mul(n.into()))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn add_member(l: u32, ) -> Weight {
		Weight::from_parts(104_033_171, 3779)
			.saturating_add(Weight::from_parts(2_614, 0).saturating_mul(l.into()))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn create_part(b: u32, ) -> Weight {
		Weight::from_parts(69_764_099, 7683)
			.saturating_add(Weight::from_parts(723, 0).saturating_mul(b.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn set_part_blob(b: u32, ) -> Weight {
		Weight::from_parts(61_596_707, 7683)
			.saturating_add(Weight::from_parts(4_156, 0).saturating_mul(b.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn post_message(m: u32, ) -> Weight {
		Weight::from_parts(79_832_046, 7683)
			.saturating_add(Weight::from_parts(657, 0).saturating_mul(m.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn post_message_from_credit(m: u32, ) -> Weight {
		Weight::from_parts(26_804_045, 7683)
			.saturating_add(Weight::from_parts(585, 0).saturating_mul(m.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn delete_message() -> Weight {
		Weight::from_parts(77_283_000, 7683)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn close_part(n: u32, ) -> Weight {
		Weight::from_parts(61_338_131, 7683)
			.saturating_add(Weight::from_parts(8_541_245, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6653).saturating_mul(n.into()))
	}
}
