//! Benchmarks of the ring pallet: onboarding a batch, pruning spent aliases, and
//! verifying a ring proof.

use super::*;
use crate::Pallet as Ring;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{Get, Hooks},
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::Saturating;

#[instance_benchmarks]
mod benchmarks {
	use super::*;

	/// Onboarding a batch of `n` keys into a ring that already holds some, so the
	/// builder and root are read and written.
	#[benchmark]
	fn onboard(n: Linear<1, { T::OnboardingBatch::get() }>) {
		let helper = |i| <T::BenchmarkHelper as BenchmarkHelper<T::Crypto>>::member(i);
		let batch = T::OnboardingBatch::get();
		for i in 0..batch {
			Ring::<T, I>::enroll(helper(i)).expect("valid keys");
		}
		let now: BlockNumberFor<T> = frame_system::Pallet::<T>::block_number();
		Ring::<T, I>::onboard_if_due(now);
		for i in 0..n {
			Ring::<T, I>::enroll(helper(batch + i)).expect("valid keys");
		}
		// Due by the delay, whatever `n`.
		let later = now.saturating_add(T::OnboardingDelay::get());

		#[block]
		{
			Ring::<T, I>::onboard_if_due(later);
		}

		assert_eq!(Roots::<T, I>::get(0).map(|r| r.size), Some(batch + n));
	}

	/// `on_idle` removing `n` spent aliases of a past epoch.
	#[benchmark]
	fn prune_spent(n: Linear<0, 1_000>) {
		for i in 0..n {
			let mut alias = [0u8; 32];
			alias[..4].copy_from_slice(&i.to_le_bytes());
			Ring::<T, I>::spend_ticket(0, alias).expect("fresh alias");
		}
		let next_epoch: BlockNumberFor<T> = T::EpochLength::get();

		#[block]
		{
			Ring::<T, I>::on_idle(next_epoch, Weight::MAX);
		}

		assert_eq!(Spent::<T, I>::iter_prefix(0).count(), 0);
	}

	/// Verifying one ring proof (by the node, see `host`), its data already built.
	#[benchmark]
	fn validate_proof() -> Result<(), BenchmarkError> {
		let (members, proof, context, message, alias) =
			<T::BenchmarkHelper as BenchmarkHelper<T::Crypto>>::proof();
		let mut builder = T::Crypto::start_members(T::CryptoConfig::get());
		T::Crypto::push_members(&mut builder, members.into_iter(), T::Chunks::chunks)
			.map_err(|_| BenchmarkError::Stop("benchmark keys do not fit a ring"))?;
		let root = T::Crypto::finish_members(builder);
		// Build the verifier's caches.
		let _ = T::Crypto::validate(T::CryptoConfig::get(), &proof, &root, &context, &message);
		let result;

		#[block]
		{
			result = T::Crypto::validate(T::CryptoConfig::get(), &proof, &root, &context, &message);
		}

		assert_eq!(result, Ok(alias));
		Ok(())
	}

	impl_benchmark_test_suite!(Ring, crate::mock::new_test_ext(), crate::mock::Test);
}
