//! Benchmarks of the chat pallet's calls, of the authorization of part-signed calls and
//! of lease expiry.

use super::*;
use crate::Pallet as Chat;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::{BoundedVec, TransactionSource, Weight},
	traits::{Authorize, Get},
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin as SystemOrigin};
use sp_core::crypto::KeyTypeId;
use sp_runtime::traits::{Saturating, Zero};

/// Key type of the membership and part keys benchmarks generate in the keystore.
const BENCH_KEY_TYPE: KeyTypeId = KeyTypeId(*b"scbm");

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(<T as frame_system::Config>::RuntimeEvent::from(event).into());
}

/// A part with the largest blob and `messages` messages of the largest size (as many as
/// the quota allows), its lease indexed like a joined part's.
fn part_with_messages<T: Config>(part: PartId, messages: u32) -> PartId {
	let len = T::MaxMessageLen::get();
	let expires = frame_system::Pallet::<T>::block_number().saturating_add(Pallet::<T>::lifetime());
	for seq in 0..messages {
		let block = frame_system::Pallet::<T>::block_number();
		Messages::<T>::insert(part, seq, Message { ciphertext: BoundedVec::truncate_from(vec![0x33; len as usize]), block });
	}
	let info = PartInfo::<T> {
		next_seq: messages,
		nonce: 0,
		messages,
		used: messages.saturating_mul(Chat::<T>::footprint(len as usize)),
		blob: BoundedVec::truncate_from(vec![0x22; T::MaxPartBlobLen::get() as usize]),
		expires,
		usage: Usage::default(),
		incarnation: PartsCreated::<T>::mutate(|created| {
			created.saturating_inc();
			*created - 1
		}),
	};
	Parts::<T>::insert(part, info);
	Expiries::<T>::insert(expires, Lease::Part(part), ());
	part
}

/// The most messages of the largest size a part holds.
fn most_messages<T: Config>() -> u32 {
	T::PartQuota::get() / Chat::<T>::footprint(T::MaxMessageLen::get() as usize)
}

#[benchmarks(where T: pallet_connector::Config<Chats = Pallet<T>>)]
mod benchmarks {
	use super::*;

	/// Authorizing and dispatching an invitation, into a fresh chat with the largest
	/// sealed key: the membership proof checked, the connector's `add_member`
	/// dispatched. Both the authorization and the call are charged this.
	#[benchmark]
	fn add_member() {
		let key = sp_io::crypto::ed25519_generate(BENCH_KEY_TYPE, Some(b"//SealChatBenchmark".to_vec()));
		let params = ChatParams {
			membership_key: key,
			sealed_key: vec![0x44; T::MaxSealedKeyLen::get() as usize],
		};
		let chat = Chat::<T>::spawn(params).expect("valid params");
		pallet_connector::CreatedChats::<T>::insert(chat, ());
		let invitation = vec![0x55; <T as pallet_connector::Config>::RecordLen::get() as usize];
		let tag = [0x66; 32];
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

	/// The authorization of a part-signed call over `l` bytes of payload: the part read,
	/// the payload hashed, the part key's signature checked (here: a message of `l`
	/// bytes; every part-signed call is charged this for its payload).
	#[benchmark]
	fn authorize_part_call(l: Linear<1, { T::MaxMessageLen::get() }>) {
		let key = sp_io::crypto::ed25519_generate(BENCH_KEY_TYPE, Some(b"//SealChatPart".to_vec()));
		let part = part_with_messages::<T>(key.0, 0);
		let ciphertext = vec![0x77; l as usize];
		let incarnation = Parts::<T>::get(part).expect("just created").incarnation;
		let action = PartAction::PostMessage { incarnation, seq: 0, ciphertext: sp_io::hashing::blake2_256(&ciphertext) };
		let signature = sp_io::crypto::ed25519_sign(BENCH_KEY_TYPE, &key, &part_message(&Chat::<T>::genesis_hash(), &part, &action))
			.expect("the key was generated in the keystore above");
		let call = Call::<T>::post_message { part, seq: 0, ciphertext, signature };

		#[block]
		{
			call.authorize(TransactionSource::External)
				.expect("post_message is authorized by the part key")
				.expect("the signature is valid");
		}
	}

	/// Creating a part with a blob of `b` bytes and posting its response (spending the
	/// ticket is weighed by the ring).
	#[benchmark]
	fn join(b: Linear<0, { T::MaxPartBlobLen::get() }>) {
		let ticket = <<T as Config>::Tickets as pallet_ring::Tickets>::benchmark_ticket(0);
		let part = [0x11; 32];
		let response = vec![0x99; <T as pallet_connector::Config>::RecordLen::get() as usize];

		#[extrinsic_call]
		_(SystemOrigin::Authorized, ticket, part, vec![0x88; b as usize], response, [0xaa; 32], ed25519::Signature::from_raw([0; 64]));

		assert_last_event::<T>(Event::PartCreated { part });
	}

	#[benchmark]
	fn set_part_blob(b: Linear<0, { T::MaxPartBlobLen::get() }>) {
		let part = part_with_messages::<T>([0x11; 32], 0);

		#[extrinsic_call]
		_(SystemOrigin::Authorized, part, 0, vec![0x99; b as usize], ed25519::Signature::from_raw([0; 64]));

		assert_last_event::<T>(Event::PartBlobSet { part });
	}

	#[benchmark]
	fn post_message(m: Linear<1, { T::MaxMessageLen::get() }>) {
		let part = part_with_messages::<T>([0x11; 32], 0);

		#[extrinsic_call]
		_(SystemOrigin::Authorized, part, 0, vec![0xaa; m as usize], ed25519::Signature::from_raw([0; 64]));

		assert_last_event::<T>(Event::MessagePosted { part, seq: 0 });
	}

	#[benchmark]
	fn delete_message() {
		let part = part_with_messages::<T>([0x11; 32], 2);

		#[extrinsic_call]
		_(SystemOrigin::Authorized, part, 0, 1, ed25519::Signature::from_raw([0; 64]));

		assert_last_event::<T>(Event::MessageDeleted { part, seq: 1 });
	}

	/// Deleting `n` messages and then the part itself.
	#[benchmark]
	fn close_part(n: Linear<0, { most_messages::<T>() }>) {
		let part = part_with_messages::<T>([0x11; 32], n);

		#[extrinsic_call]
		_(SystemOrigin::Authorized, part, 0, n, ed25519::Signature::from_raw([0; 64]));

		assert_last_event::<T>(Event::PartClosed { part });
	}

	/// Moving a part's lease (spending the ticket is weighed by the ring).
	#[benchmark]
	fn renew() {
		let part = part_with_messages::<T>([0x11; 32], 0);
		let ticket = <<T as Config>::Tickets as pallet_ring::Tickets>::benchmark_ticket(0);
		frame_system::Pallet::<T>::set_block_number(frame_system::Pallet::<T>::block_number().saturating_add(1u32.into()));
		let lease = Lease::Part(part);

		#[extrinsic_call]
		_(SystemOrigin::Authorized, ticket, lease);

		assert!(Expiries::<T>::iter().count() == 1);
	}

	/// An expiry pass over a block in which no lease ends.
	#[benchmark]
	fn expire_step() {
		let now = frame_system::Pallet::<T>::block_number();
		ExpiryCursor::<T>::put(now);

		#[block]
		{
			Chat::<T>::expire(now, Weight::MAX);
		}

		assert_eq!(ExpiryCursor::<T>::get(), Some(now.saturating_add(1u32.into())));
	}

	/// Removing a chat whose lease ended, and its entry in the connector's register.
	#[benchmark]
	fn expire_chat() {
		let chat = Chat::<T>::spawn(<Pallet<T> as pallet_connector::ChatSpawner>::benchmark_params())
			.expect("valid params");
		pallet_connector::CreatedChats::<T>::insert(chat, ());
		let end: BlockNumberFor<T> = frame_system::Pallet::<T>::block_number().saturating_add(Pallet::<T>::lifetime());
		ExpiryCursor::<T>::put(end);

		#[block]
		{
			Chat::<T>::expire(end, Weight::MAX);
		}

		assert!(Chats::<T>::get(chat).is_none());
	}

	/// Removing a part with `n` messages whose lease ended.
	#[benchmark]
	fn expire_part(n: Linear<0, { most_messages::<T>() }>) {
		let part = part_with_messages::<T>([0x11; 32], n);
		let end: BlockNumberFor<T> = frame_system::Pallet::<T>::block_number().saturating_add(Pallet::<T>::lifetime());
		ExpiryCursor::<T>::put(end);

		#[block]
		{
			Chat::<T>::expire(end, Weight::MAX);
		}

		assert!(Parts::<T>::get(part).is_none());
		assert!(Messages::<T>::iter_prefix(part).next().is_none() || n.is_zero());
	}

	impl_benchmark_test_suite!(Chat, crate::mock::new_test_ext(), crate::mock::Test);
}
