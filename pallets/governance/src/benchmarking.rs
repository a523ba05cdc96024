//! Benchmarks of the governance calls.

use super::*;
use alloc::{boxed::Box, vec::Vec};
use codec::Decode;
use frame_benchmarking::v2::*;
use frame_support::{traits::{EnsureOrigin, Get}, BoundedVec};
use frame_system::RawOrigin;

/// A key of 32 bytes of its own for each `i` (Aura and GRANDPA keys decode from any).
fn key<K: Decode>(i: u32, of: u8) -> K {
	let mut bytes = [of; 32];
	bytes[..4].copy_from_slice(&i.to_le_bytes());
	K::decode(&mut &bytes[..]).expect("a 32-byte public key decodes from any 32 bytes")
}

#[benchmarks(where <T as Config>::RuntimeCall: From<frame_system::Call<T>>)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn dispatch_as_root() -> Result<(), BenchmarkError> {
		let origin = T::CouncilOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		// The lightest call there is: what is measured is this call's own work.
		let call: Box<<T as Config>::RuntimeCall> = Box::new(frame_system::Call::<T>::remark { remark: Vec::new() }.into());
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, call);
		Ok(())
	}

	#[benchmark]
	fn set_validators(n: Linear<1, { T::MaxValidators::get() }>) -> Result<(), BenchmarkError> {
		let validators: Vec<ValidatorOf<T>> = (0..n).map(|i| (key(i, 1), key(i, 2))).collect();
		let validators = BoundedVec::try_from(validators).map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(RawOrigin::Root, validators);
		assert!(pallet_grandpa::PendingChange::<T>::exists());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
