//! Benchmarks of the connector's calls and of `on_idle` pruning.

use super::*;
use crate::Pallet as Connector;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, EnsureOrigin};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{traits::Bounded, Saturating};

/// An account with as much balance as benchmarks can use.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

/// A valid X25519 key, distinct for every `n`.
fn key(n: u32) -> EncryptionKey {
	let mut k = [0x42; 32];
	k[..4].copy_from_slice(&n.to_le_bytes());
	k[31] = 0x10;
	k
}

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(<T as frame_system::Config>::RuntimeEvent::from(event).into());
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: the first registration (deposit held, ring key enrolled into a ring
	/// queue one short of full) with the longest key history there can be at that point
	/// (none: it is the first), plus the history cost of a full history, which the
	/// rotation case below (`rotate_key`) would need on its own; the first registration
	/// is the dearer of the two.
	#[benchmark]
	fn register_key() {
		use pallet_ring::Enroll;
		let caller = funded::<T>("caller", 0);
		T::Ring::prepare_worst_case();
		let ring_key = T::Ring::benchmark_key(0);
		let possession = T::Ring::benchmark_signature(0, &Connector::<T>::register_message(&caller));
		let new = key(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), new, ring_key, possession);

		assert_last_event::<T>(Event::KeyRegistered { who: caller, key: new });
	}

	/// A rotation when the history is one short of full, so the deposit grows and the
	/// longest history is read and written.
	#[benchmark]
	fn rotate_key() {
		use pallet_ring::Enroll;
		let caller = funded::<T>("caller", 0);
		let ring_key = T::Ring::benchmark_key(0);
		let possession = T::Ring::benchmark_signature(0, &Connector::<T>::register_message(&caller));
		for n in 1..T::MaxKeyHistory::get() {
			Connector::<T>::register_key(RawOrigin::Signed(caller.clone()).into(), key(n), ring_key, possession.clone())
				.expect("valid key");
		}
		let new = key(0);

		#[extrinsic_call]
		register_key(RawOrigin::Signed(caller.clone()), new, ring_key, possession);

		assert_last_event::<T>(Event::KeyRegistered { who: caller, key: new });
	}

	#[benchmark]
	fn clear_keys() {
		use pallet_ring::Enroll;
		let caller = funded::<T>("caller", 0);
		let ring_key = T::Ring::benchmark_key(0);
		let possession = T::Ring::benchmark_signature(0, &Connector::<T>::register_message(&caller));
		for n in 0..T::MaxKeyHistory::get() {
			Connector::<T>::register_key(RawOrigin::Signed(caller.clone()).into(), key(n), ring_key, possession.clone())
				.expect("valid key");
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_last_event::<T>(Event::KeysCleared { who: caller });
	}

	/// The dispatch after authorization (spending the ticket is weighed by the ring).
	#[benchmark]
	fn create_chat() {
		let params = T::Chats::benchmark_params();
		let ticket = <T::Tickets as pallet_ring::Tickets>::benchmark_ticket(0);

		#[extrinsic_call]
		_(RawOrigin::Authorized, ticket, params);

		assert_eq!(CreatedChats::<T>::iter().count(), 1);
	}

	#[benchmark]
	fn add_member() -> Result<(), BenchmarkError> {
		let origin =
			T::AddMemberOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let chat = T::AddMemberOrigin::ensure_origin(origin.clone())
			.map_err(|_| BenchmarkError::Weightless)?;
		CreatedChats::<T>::insert(chat, ());
		let payload = vec![0xcd; T::RecordLen::get() as usize];
		let id = NextRecordId::<T>::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, payload, [8; 32]);

		assert_last_event::<T>(Event::RecordPosted { id, tag: [8; 32] });
		Ok(())
	}

	/// `on_idle` pruning `n` expired pages, full of records.
	#[benchmark]
	fn prune_pages(n: Linear<0, 16>) {
		let payload = vec![0xef; T::RecordLen::get() as usize];
		let per_page = T::RecordsPerPage::get();
		let start = frame_system::Pallet::<T>::block_number();
		let mut posted = 0u32;
		let mut post = |payload: &[u8]| {
			let mut tag = [0u8; 32];
			tag[..4].copy_from_slice(&posted.to_le_bytes());
			Connector::<T>::post_response(payload.to_vec(), tag).expect("a record of the record length");
			posted += 1;
		};
		for _ in 0..n * per_page {
			post(&payload);
		}
		// A full page a block younger that has not expired yet, so the loop also pays for
		// the read that stops it.
		frame_system::Pallet::<T>::set_block_number(start.saturating_add(1u32.into()));
		for _ in 0..per_page {
			post(&payload);
		}
		let now: BlockNumberFor<T> = start.saturating_add(T::RecordLifetime::get());

		#[block]
		{
			Connector::<T>::prune_expired(now, Weight::MAX);
		}

		assert_eq!(OldestRecordId::<T>::get(), u64::from(n * per_page));
	}

	impl_benchmark_test_suite!(Connector, crate::mock::new_test_ext(), crate::mock::Test);
}
