//! Benchmarks of the chat pallet's calls.

use super::*;
use crate::Pallet as Chat;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{InspectHold, Mutate, MutateHold},
	Get,
};
use frame_system::RawOrigin as SystemOrigin;
use sp_core::crypto::KeyTypeId;
use sp_runtime::traits::{Bounded, Zero};

/// Key type of the membership keys benchmarks generate in the keystore.
const BENCH_KEY_TYPE: KeyTypeId = KeyTypeId(*b"scbm");

fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(<T as frame_system::Config>::RuntimeEvent::from(event).into());
}

/// A part owned by a funded account, with `messages` messages of the largest size.
fn part_with_messages<T: Config>(messages: u32) -> (T::AccountId, PartId) {
	let owner = funded::<T>("owner");
	let part = [0x11; 32];
	Chat::<T>::create_part(SystemOrigin::Signed(owner.clone()).into(), part, vec![0x22; T::MaxPartBlobLen::get() as usize])
		.expect("funded owner");
	for _ in 0..messages {
		Chat::<T>::post_message(
			SystemOrigin::Signed(owner.clone()).into(),
			part,
			vec![0x33; T::MaxMessageLen::get() as usize],
		)
		.expect("funded owner");
	}
	(owner, part)
}

#[benchmarks(where T: pallet_connector::Config<Chats = Pallet<T>>)]
mod benchmarks {
	use super::*;

	/// Authorizing and dispatching an invitation of length `l` with a tag, into a fresh
	/// chat with the largest sealed key: the membership proof checked, the connector's
	/// `add_member` dispatched. Both the authorization and the call are charged this.
	#[benchmark]
	fn add_member(l: Linear<1, { <T as pallet_connector::Config>::MaxRecordLen::get() }>) {
		use frame_support::{pallet_prelude::TransactionSource, traits::Authorize};
		let key = sp_io::crypto::ed25519_generate(BENCH_KEY_TYPE, Some(b"//SealChatBenchmark".to_vec()));
		let params = ChatParams {
			membership_key: key,
			sealed_key: vec![0x44; T::MaxSealedKeyLen::get() as usize],
		};
		let chat = Chat::<T>::spawn(params).expect("valid params");
		pallet_connector::CreatedChats::<T>::insert(chat, ());
		let invitation = vec![0x55; l as usize];
		let tag = Some([0x66; 32]);
		let message = add_member_message(&Chat::<T>::genesis_hash(), chat, 0, &invitation, &tag);
		let proof = sp_io::crypto::ed25519_sign(BENCH_KEY_TYPE, &key, &message)
			.expect("the key was generated in the keystore above");
		let call = Call::<T>::add_member { chat, nonce: 0, invitation: invitation.clone(), tag, proof };

		#[block]
		{
			call.authorize(TransactionSource::External)
				.expect("add_member is authorized by proofs")
				.expect("the proof is valid");
			Chat::<T>::add_member(SystemOrigin::Authorized.into(), chat, 0, invitation, tag, proof)
				.expect("the chat was created by the connector");
		}

		assert_last_event::<T>(Event::InvitationSent { chat, nonce: 0 });
	}

	#[benchmark]
	fn create_part(b: Linear<0, { T::MaxPartBlobLen::get() }>) {
		let owner = funded::<T>("owner");
		let part = [0x77; 32];

		#[extrinsic_call]
		_(SystemOrigin::Signed(owner), part, vec![0x88; b as usize]);

		assert_last_event::<T>(Event::PartCreated { part });
	}

	/// Growing the blob from empty to `b` bytes: the deposit is topped up.
	#[benchmark]
	fn set_part_blob(b: Linear<0, { T::MaxPartBlobLen::get() }>) {
		let owner = funded::<T>("owner");
		let part = [0x77; 32];
		Chat::<T>::create_part(SystemOrigin::Signed(owner.clone()).into(), part, vec![])
			.expect("funded owner");

		#[extrinsic_call]
		_(SystemOrigin::Signed(owner), part, vec![0x99; b as usize]);

		assert_last_event::<T>(Event::PartBlobSet { part });
	}

	/// The part's credit is used up: a new step of credit is held first.
	#[benchmark]
	fn post_message(m: Linear<1, { T::MaxMessageLen::get() }>) {
		let (owner, part) = part_with_messages::<T>(0);
		let before = Parts::<T>::get(part).expect("created").credit;
		assert!(before.is_zero());

		#[extrinsic_call]
		_(SystemOrigin::Signed(owner), part, vec![0xaa; m as usize]);

		assert_last_event::<T>(Event::MessagePosted { part, seq: 0 });
	}

	/// The part's credit covers the message: the owner's balance is not touched.
	#[benchmark]
	fn post_message_from_credit(m: Linear<1, { T::MaxMessageLen::get() }>) {
		let (owner, part) = part_with_messages::<T>(0);
		let credit = Chat::<T>::deposit_for(T::MaxMessageLen::get() as usize);
		<T as Config>::Currency::hold(&HoldReason::Message.into(), &owner, credit).expect("funded owner");
		Parts::<T>::mutate(part, |p| p.as_mut().expect("created").credit = credit);

		#[extrinsic_call]
		post_message(SystemOrigin::Signed(owner.clone()), part, vec![0xaa; m as usize]);

		assert_last_event::<T>(Event::MessagePosted { part, seq: 0 });
		assert_eq!(
			<T as Config>::Currency::balance_on_hold(&HoldReason::Message.into(), &owner),
			credit,
			"nothing more was held"
		);
	}

	#[benchmark]
	fn delete_message() {
		let (owner, part) = part_with_messages::<T>(2);

		#[extrinsic_call]
		_(SystemOrigin::Signed(owner), part, 1);

		assert_last_event::<T>(Event::MessageDeleted { part, seq: 1 });
	}

	/// Deleting `n` messages and then the part itself.
	#[benchmark]
	fn close_part(n: Linear<0, 1_000>) {
		let (owner, part) = part_with_messages::<T>(n);

		#[extrinsic_call]
		_(SystemOrigin::Signed(owner), part, n);

		assert_last_event::<T>(Event::PartClosed { part });
	}

	impl_benchmark_test_suite!(Chat, crate::mock::new_test_ext(), crate::mock::Test);
}
