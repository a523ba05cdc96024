// This file is part of SealChat.
// SPDX-License-Identifier: Apache-2.0

//! Weights for `pallet_governance`.
//!
//! Not yet measured on the reference machine (`scripts/benchmark-weights.sh STEPS REPEAT
//! pallet_governance` writes this file from the benchmarks in `benchmarking.rs`). Until
//! then they are upper bounds by the work done, with the runtime's database weights:
//! - `dispatch_as_root`: an origin check, a dispatch and an event, the work of
//!   `pallet_sudo`'s `sudo` (7.9 µs on polkadot-sdk's reference hardware), taken at
//!   twice that and no storage read (the council's origin carries its own proof);
//! - `set_validators(n)` (and `force_validators(n)`): GRANDPA's pending change and next
//!   forced change read, its pending change and set id written, Aura's authorities
//!   written, two digest items appended, and per validator two keys compared and copied.
//!   Both are charged at a block's cost in no case: they run at most once per motion.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_governance`.
pub trait WeightInfo {
	fn dispatch_as_root() -> Weight;
	fn set_validators(n: u32, ) -> Weight;
}

/// Weights for `pallet_governance` with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn dispatch_as_root() -> Weight {
		Weight::from_parts(16_000_000, 0)
	}
	/// Storage: `Grandpa::PendingChange` (r:1 w:1)
	/// Storage: `Grandpa::NextForced` (r:1 w:1)
	/// Storage: `Grandpa::CurrentSetId` (r:1 w:1)
	/// Storage: `Aura::Authorities` (r:0 w:1)
	/// Storage: `System::Digest` (r:0 w:1, appended)
	/// The range of component `n` is `[1, 32]`.
	fn set_validators(n: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(2_000_000, 100).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn dispatch_as_root() -> Weight {
		Weight::from_parts(16_000_000, 0)
	}
	fn set_validators(n: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(2_000_000, 100).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
}
