// This file is part of SealChat.
// SPDX-License-Identifier: Apache-2.0


//! Weights for `pallet_chat`, generated from its benchmarks.
//!
//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: 2026-12-02, STEPS: `20`, REPEAT: `10`, LOW RANGE: `[]`, HIGH RANGE: `[]`
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
	/// Proof: `Chat::Chats` (`max_values`: None, `max_size`: Some(318), added: 2793, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Connector::CreatedChats` (r:1 w:0)
	/// Proof: `Connector::CreatedChats` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `Connector::NextRecordId` (r:1 w:1)
	/// Proof: `Connector::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Connector::TaggedRecords` (r:0 w:1)
	/// Proof: `Connector::TaggedRecords` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Connector::Records` (r:0 w:1)
	/// Proof: `Connector::Records` (`max_values`: None, `max_size`: Some(566), added: 3041, mode: `MaxEncodedLen`)
	fn add_member() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `520`
		//  Estimated: `3783`
		// Minimum execution time: 77_080_000 picoseconds.
		Weight::from_parts(85_741_000, 3783)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:0)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4166), added: 6641, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// The range of component `l` is `[1, 4096]`.
	fn authorize_part_call(l: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4288`
		//  Estimated: `7631`
		// Minimum execution time: 52_804_000 picoseconds.
		Weight::from_parts(58_058_794, 7631)
			// Standard Error: 35
			.saturating_add(Weight::from_parts(944, 0).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4166), added: 6641, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::Spent` (r:1 w:1)
	/// Proof: `UserRing::Spent` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Connector::NextRecordId` (r:1 w:1)
	/// Proof: `Connector::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:0 w:1)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	/// Storage: `Connector::TaggedRecords` (r:0 w:1)
	/// Proof: `Connector::TaggedRecords` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Connector::Records` (r:0 w:1)
	/// Proof: `Connector::Records` (`max_values`: None, `max_size`: Some(566), added: 3041, mode: `MaxEncodedLen`)
	/// The range of component `b` is `[0, 4096]`.
	fn join(b: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `43`
		//  Estimated: `7631`
		// Minimum execution time: 36_484_000 picoseconds.
		Weight::from_parts(39_655_104, 7631)
			// Standard Error: 17
			.saturating_add(Weight::from_parts(615, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4166), added: 6641, mode: `MaxEncodedLen`)
	/// The range of component `b` is `[0, 4096]`.
	fn set_part_blob(b: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4234`
		//  Estimated: `7631`
		// Minimum execution time: 15_933_000 picoseconds.
		Weight::from_parts(17_408_080, 7631)
			// Standard Error: 1
			.saturating_add(Weight::from_parts(434, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4166), added: 6641, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:0 w:1)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4162), added: 6637, mode: `MaxEncodedLen`)
	/// The range of component `m` is `[1, 4096]`.
	fn post_message(m: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4234`
		//  Estimated: `7631`
		// Minimum execution time: 20_111_000 picoseconds.
		Weight::from_parts(21_729_214, 7631)
			// Standard Error: 1
			.saturating_add(Weight::from_parts(449, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4166), added: 6641, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:1 w:1)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4162), added: 6637, mode: `MaxEncodedLen`)
	fn delete_message() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `8459`
		//  Estimated: `7631`
		// Minimum execution time: 23_940_000 picoseconds.
		Weight::from_parts(25_675_000, 7631)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4166), added: 6641, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:64 w:63)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4162), added: 6637, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:0 w:1)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 63]`.
	fn close_part(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `8376 + n * (47 ±0)`
		//  Estimated: `7631 + n * (6637 ±0)`
		// Minimum execution time: 19_543_000 picoseconds.
		Weight::from_parts(20_673_191, 7631)
			// Standard Error: 2_335
			.saturating_add(Weight::from_parts(6_684_059, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6637).saturating_mul(n.into()))
	}
	/// Storage: `UserRing::Spent` (r:1 w:1)
	/// Proof: `UserRing::Spent` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4166), added: 6641, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:0 w:2)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	fn renew() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4265`
		//  Estimated: `7631`
		// Minimum execution time: 33_939_000 picoseconds.
		Weight::from_parts(37_471_000, 7631)
			.saturating_add(T::DbWeight::get().reads(2_u64))
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
		// Minimum execution time: 6_008_000 picoseconds.
		Weight::from_parts(6_797_000, 3526)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Chat::ExpiryCursor` (r:1 w:1)
	/// Proof: `Chat::ExpiryCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:2 w:1)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Chats` (r:0 w:1)
	/// Proof: `Chat::Chats` (`max_values`: None, `max_size`: Some(318), added: 2793, mode: `MaxEncodedLen`)
	/// Storage: `Connector::CreatedChats` (r:0 w:1)
	/// Proof: `Connector::CreatedChats` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	fn expire_chat() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `151`
		//  Estimated: `6062`
		// Minimum execution time: 20_695_000 picoseconds.
		Weight::from_parts(22_211_000, 6062)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Chat::ExpiryCursor` (r:1 w:1)
	/// Proof: `Chat::ExpiryCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Expiries` (r:2 w:1)
	/// Proof: `Chat::Expiries` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Parts` (r:1 w:1)
	/// Proof: `Chat::Parts` (`max_values`: None, `max_size`: Some(4166), added: 6641, mode: `MaxEncodedLen`)
	/// Storage: `Chat::Messages` (r:64 w:63)
	/// Proof: `Chat::Messages` (`max_values`: None, `max_size`: Some(4162), added: 6637, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 63]`.
	fn expire_part(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `8449 + n * (47 ±0)`
		//  Estimated: `7631 + n * (6637 ±0)`
		// Minimum execution time: 29_026_000 picoseconds.
		Weight::from_parts(30_787_710, 7631)
			// Standard Error: 2_304
			.saturating_add(Weight::from_parts(6_343_330, 0).saturating_mul(n.into()))
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
		Weight::from_parts(85_741_000, 3783)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn authorize_part_call(l: u32, ) -> Weight {
		Weight::from_parts(58_058_794, 7631)
			.saturating_add(Weight::from_parts(944, 0).saturating_mul(l.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
	}
	fn join(b: u32, ) -> Weight {
		Weight::from_parts(39_655_104, 7631)
			.saturating_add(Weight::from_parts(615, 0).saturating_mul(b.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn set_part_blob(b: u32, ) -> Weight {
		Weight::from_parts(17_408_080, 7631)
			.saturating_add(Weight::from_parts(434, 0).saturating_mul(b.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn post_message(m: u32, ) -> Weight {
		Weight::from_parts(21_729_214, 7631)
			.saturating_add(Weight::from_parts(449, 0).saturating_mul(m.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn delete_message() -> Weight {
		Weight::from_parts(25_675_000, 7631)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn close_part(n: u32, ) -> Weight {
		Weight::from_parts(20_673_191, 7631)
			.saturating_add(Weight::from_parts(6_684_059, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6637).saturating_mul(n.into()))
	}
	fn renew() -> Weight {
		Weight::from_parts(37_471_000, 7631)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn expire_step() -> Weight {
		Weight::from_parts(6_797_000, 3526)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn expire_chat() -> Weight {
		Weight::from_parts(22_211_000, 6062)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn expire_part(n: u32, ) -> Weight {
		Weight::from_parts(30_787_710, 7631)
			.saturating_add(Weight::from_parts(6_343_330, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6637).saturating_mul(n.into()))
	}
}
