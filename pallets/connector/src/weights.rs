//! Weights for `pallet_connector`: replaced wholesale by `scripts/benchmark-weights.sh`.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_connector`.
pub trait WeightInfo {
	fn register_key() -> Weight;
	fn clear_keys() -> Weight;
	fn post_record(l: u32, ) -> Weight;
	fn create_chat() -> Weight;
	fn add_member(l: u32, ) -> Weight;
	fn prune_records(n: u32, ) -> Weight;
}

impl WeightInfo for () {
	fn register_key() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(2, 2)) }
	fn clear_keys() -> Weight { Weight::from_parts(40_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(2, 2)) }
	fn post_record(l: u32, ) -> Weight { Weight::from_parts(60_000_000, 4000).saturating_add(Weight::from_parts(1_000, 0).saturating_mul(l.into())).saturating_add(RocksDbWeight::get().reads_writes(3, 4)) }
	fn create_chat() -> Weight { Weight::from_parts(60_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(3, 3)) }
	fn add_member(l: u32, ) -> Weight { Weight::from_parts(60_000_000, 4000).saturating_add(Weight::from_parts(1_000, 0).saturating_mul(l.into())).saturating_add(RocksDbWeight::get().reads_writes(4, 4)) }
	fn prune_records(n: u32, ) -> Weight { Weight::from_parts(10_000_000, 4000).saturating_add(Weight::from_parts(40_000_000, 3000).saturating_mul(n.into())).saturating_add(RocksDbWeight::get().reads(2)).saturating_add(RocksDbWeight::get().reads_writes(2, 3).saturating_mul(n.into())) }
}
