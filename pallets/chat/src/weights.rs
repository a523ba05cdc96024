//! Weights for `pallet_chat`: replaced wholesale by `scripts/benchmark-weights.sh`.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_chat`.
pub trait WeightInfo {
	fn add_member(l: u32, ) -> Weight;
	fn create_part(b: u32, ) -> Weight;
	fn set_part_blob(b: u32, ) -> Weight;
	fn post_message(m: u32, ) -> Weight;
	fn delete_message() -> Weight;
	fn close_part(n: u32, ) -> Weight;
}

impl WeightInfo for () {
	fn add_member(l: u32, ) -> Weight { Weight::from_parts(150_000_000, 8000).saturating_add(Weight::from_parts(2_000, 0).saturating_mul(l.into())).saturating_add(RocksDbWeight::get().reads_writes(8, 8)) }
	fn create_part(b: u32, ) -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(Weight::from_parts(1_000, 0).saturating_mul(b.into())).saturating_add(RocksDbWeight::get().reads_writes(3, 4)) }
	fn set_part_blob(b: u32, ) -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(Weight::from_parts(1_000, 0).saturating_mul(b.into())).saturating_add(RocksDbWeight::get().reads_writes(3, 3)) }
	fn post_message(m: u32, ) -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(Weight::from_parts(1_000, 0).saturating_mul(m.into())).saturating_add(RocksDbWeight::get().reads_writes(3, 4)) }
	fn delete_message() -> Weight { Weight::from_parts(40_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(3, 4)) }
	fn close_part(n: u32, ) -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(Weight::from_parts(20_000_000, 3000).saturating_mul(n.into())).saturating_add(RocksDbWeight::get().reads_writes(4, 5)).saturating_add(RocksDbWeight::get().writes(1).saturating_mul(n.into())) }
}
