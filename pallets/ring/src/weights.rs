// This file is part of SealChat.
// SPDX-License-Identifier: Apache-2.0


//! Weights for `pallet_ring`, generated from its benchmarks.
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
// pallet_ring
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
// pallets/ring/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_ring`.
pub trait WeightInfo {
	fn onboard(n: u32, ) -> Weight;
	fn prune_spent(n: u32, ) -> Weight;
	fn validate_proof() -> Weight;
}

/// Weights for `pallet_ring` measured on the reference machine, with the runtime's
/// database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `UserRing::Queue` (r:1 w:1)
	/// Proof: `UserRing::Queue` (`max_values`: Some(1), `max_size`: Some(32770), added: 33265, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::QueuedSince` (r:1 w:1)
	/// Proof: `UserRing::QueuedSince` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::CurrentRing` (r:1 w:0)
	/// Proof: `UserRing::CurrentRing` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::Roots` (r:1 w:1)
	/// Proof: `UserRing::Roots` (`max_values`: None, `max_size`: Some(601), added: 3076, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::Builder` (r:1 w:1)
	/// Proof: `UserRing::Builder` (`max_values`: Some(1), `max_size`: Some(848), added: 1343, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::RingKeys` (r:0 w:16)
	/// Proof: `UserRing::RingKeys` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::Placements` (r:0 w:16)
	/// Proof: `UserRing::Placements` (`max_values`: None, `max_size`: Some(57), added: 2532, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 16]`.
	fn onboard(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1304 + n * (32 ±0)`
		//  Estimated: `34255`
		// Minimum execution time: 8_397_449_000 picoseconds.
		Weight::from_parts(7_866_312_460, 34255)
			// Standard Error: 5_631_425
			.saturating_add(Weight::from_parts(1_202_460_008, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(n.into())))
	}
	/// Storage: `UserRing::PrunedBelow` (r:1 w:1)
	/// Proof: `UserRing::PrunedBelow` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `UserRing::Spent` (r:1001 w:1000)
	/// Proof: `UserRing::Spent` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 1000]`.
	fn prune_spent(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1056 + n * (1 ±0)`
		//  Estimated: `3509 + n * (2519 ±0)`
		// Minimum execution time: 12_388_000 picoseconds.
		Weight::from_parts(12_789_000, 3509)
			// Standard Error: 3_173
			.saturating_add(Weight::from_parts(4_215_752, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2519).saturating_mul(n.into()))
	}
	fn validate_proof() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `0`
		//  Estimated: `0`
		// Minimum execution time: 6_284_110_000 picoseconds.
		Weight::from_parts(6_715_469_000, 0)
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn onboard(n: u32, ) -> Weight {
		Weight::from_parts(7_866_312_460, 34255)
			.saturating_add(Weight::from_parts(1_202_460_008, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
			.saturating_add(ParityDbWeight::get().writes((2_u64).saturating_mul(n.into())))
	}
	fn prune_spent(n: u32, ) -> Weight {
		Weight::from_parts(12_789_000, 3509)
			.saturating_add(Weight::from_parts(4_215_752, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2519).saturating_mul(n.into()))
	}
	fn validate_proof() -> Weight {
		Weight::from_parts(6_715_469_000, 0)
	}
}
