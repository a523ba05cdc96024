// This file is part of SealChat.
// SPDX-License-Identifier: Apache-2.0


//! Weights for `pallet_chat`, generated from its benchmarks.
//!
//! Regenerate with `scripts/benchmark-weights.sh`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_chat`.
pub trait WeightInfo {
	fn add_member(l: u32, ) -> Weight;
	fn authorize_part_call(l: u32, ) -> Weight;
	fn join(b: u32, r: u32, ) -> Weight;
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
	fn add_member(l: u32, ) -> Weight {
		Weight::from_parts(104033171, 3779)
			.saturating_add(Weight::from_parts(2614, 0).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn authorize_part_call(l: u32, ) -> Weight {
		Weight::from_parts(60000000, 3600)
			.saturating_add(Weight::from_parts(1200, 0).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
	}
	fn join(b: u32, r: u32, ) -> Weight {
		Weight::from_parts(70000000, 7683)
			.saturating_add(Weight::from_parts(723, 0).saturating_mul(b.into()))
			.saturating_add(Weight::from_parts(754, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn set_part_blob(b: u32, ) -> Weight {
		Weight::from_parts(30000000, 7683)
			.saturating_add(Weight::from_parts(723, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn post_message(m: u32, ) -> Weight {
		Weight::from_parts(20000000, 7683)
			.saturating_add(Weight::from_parts(600, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn delete_message() -> Weight {
		Weight::from_parts(30000000, 7683)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn close_part(n: u32, ) -> Weight {
		Weight::from_parts(40000000, 7683)
			.saturating_add(Weight::from_parts(8541245, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn renew() -> Weight {
		Weight::from_parts(30000000, 7683)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn expire_step() -> Weight {
		Weight::from_parts(5000000, 3500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
	}
	fn expire_chat() -> Weight {
		Weight::from_parts(30000000, 3500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn expire_part(n: u32, ) -> Weight {
		Weight::from_parts(40000000, 7683)
			.saturating_add(Weight::from_parts(8541245, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn add_member(l: u32, ) -> Weight {
		Weight::from_parts(104033171, 3779)
			.saturating_add(Weight::from_parts(2614, 0).saturating_mul(l.into()))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn authorize_part_call(l: u32, ) -> Weight {
		Weight::from_parts(60000000, 3600)
			.saturating_add(Weight::from_parts(1200, 0).saturating_mul(l.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
	}
	fn join(b: u32, r: u32, ) -> Weight {
		Weight::from_parts(70000000, 7683)
			.saturating_add(Weight::from_parts(723, 0).saturating_mul(b.into()))
			.saturating_add(Weight::from_parts(754, 0).saturating_mul(r.into()))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn set_part_blob(b: u32, ) -> Weight {
		Weight::from_parts(30000000, 7683)
			.saturating_add(Weight::from_parts(723, 0).saturating_mul(b.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn post_message(m: u32, ) -> Weight {
		Weight::from_parts(20000000, 7683)
			.saturating_add(Weight::from_parts(600, 0).saturating_mul(m.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn delete_message() -> Weight {
		Weight::from_parts(30000000, 7683)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn close_part(n: u32, ) -> Weight {
		Weight::from_parts(40000000, 7683)
			.saturating_add(Weight::from_parts(8541245, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn renew() -> Weight {
		Weight::from_parts(30000000, 7683)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn expire_step() -> Weight {
		Weight::from_parts(5000000, 3500)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
	}
	fn expire_chat() -> Weight {
		Weight::from_parts(30000000, 3500)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn expire_part(n: u32, ) -> Weight {
		Weight::from_parts(40000000, 7683)
			.saturating_add(Weight::from_parts(8541245, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
}
