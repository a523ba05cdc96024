//! Unit tests of the chat pallet, run against the real connector: spawning through
//! the connector, membership proofs, origins, parts and messages, deposits. Every test
//! ends with both pallets' invariants (see `mock::build_and_execute`).

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError, ValidTransaction},
	traits::{fungible::InspectHold, Authorize},
};
use pallet_ring::testing::HashTickets;
use sp_core::Pair;
use sp_runtime::{traits::BadOrigin, DispatchError};

fn held(reason: HoldReason, who: &AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Chat(reason), who)
}

fn deposit(bytes: usize) -> Balance {
	DEPOSIT_BASE + DEPOSIT_PER_BYTE * bytes as Balance
}

fn credit(part: PartId) -> Balance {
	Parts::<Test>::get(part).expect("the part exists").credit
}

fn params(n: u8) -> ChatParams {
	ChatParams { membership_key: membership_pair(n).public(), sealed_key: vec![n; 80] }
}

/// Spawns a chat through the connector with a ticket, as users do; returns its id.
fn create_chat(n: u8) -> ChatId {
	let chat = NextChatId::<Test>::get();
	let params = params(n);
	let ticket = HashTickets::ticket(0, [n; 32], &Connector::create_chat_message(&params));
	assert_ok!(Connector::create_chat(frame_system::RawOrigin::Authorized.into(), ticket, params));
	chat
}

/// A membership proof by chat key pair `n`.
fn proof(n: u8, chat: ChatId, nonce: u64, invitation: &[u8], tag: &Option<[u8; 32]>) -> ed25519::Signature {
	membership_pair(n).sign(&add_member_message(&Chat::genesis_hash(), chat, nonce, invitation, tag))
}

/// What the pool and the block say of `add_member` with these arguments.
fn authorize(
	chat: ChatId,
	nonce: u64,
	invitation: &[u8],
	tag: Option<[u8; 32]>,
	proof: ed25519::Signature,
) -> Result<ValidTransaction, TransactionValidityError> {
	let call = Call::<Test>::add_member { chat, nonce, invitation: invitation.to_vec(), tag, proof };
	call.authorize(TransactionSource::External).expect("add_member is authorized by proofs").map(|(v, _)| v)
}

/// Authorizes and dispatches `add_member` as a general transaction would be.
fn add(chat: ChatId, n: u8, nonce: u64, invitation: Vec<u8>) -> sp_runtime::DispatchResult {
	let p = proof(n, chat, nonce, &invitation, &None);
	authorize(chat, nonce, &invitation, None, p).map_err(|_| DispatchError::Other("refused by authorize"))?;
	Chat::add_member(frame_system::RawOrigin::Authorized.into(), chat, nonce, invitation, None, p)
}

mod chats {
	use super::*;

	#[test]
	fn a_chat_is_spawned_through_the_connector() {
		build_and_execute(|| {
			let chat = create_chat(1);
			System::assert_has_event(Event::ChatSpawned { chat }.into());
			System::assert_last_event(pallet_connector::Event::ChatCreated { chat }.into());
			assert!(pallet_connector::CreatedChats::<Test>::contains_key(chat));

			let info = Chats::<Test>::get(chat).unwrap();
			assert_eq!(info.membership_key, membership_pair(1).public());
			assert_eq!(info.nonce, 0);
			assert_eq!(info.sealed_key.to_vec(), vec![1; 80]);
			// Nobody paid for it.
			assert_eq!(Balances::free_balance(alice()), INITIAL_BALANCE);

			// The chat's public state names no member.
			let view = Chat::chat_view(chat).unwrap();
			assert_eq!(view.membership_key, membership_pair(1).public().0);
			assert_eq!(view.sealed_key, vec![1; 80]);
		});
	}

	#[test]
	fn spawn_errors() {
		build_and_execute(|| {
			let too_long = ChatParams {
				membership_key: membership_pair(1).public(),
				sealed_key: vec![0; MAX_SEALED_KEY_LEN as usize + 1],
			};
			let ticket = HashTickets::ticket(0, [1; 32], &Connector::create_chat_message(&too_long));
			assert_noop!(
				Connector::create_chat(frame_system::RawOrigin::Authorized.into(), ticket, too_long),
				Error::<Test>::SealedKeyTooLarge
			);
		});
	}

	#[test]
	fn a_member_adds_a_user_through_the_chat_with_no_signer() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let invitation = vec![9; 200];
			let tag = Some([3; 32]);
			let p = proof(1, chat, 0, &invitation, &tag);
			// The proof alone authorizes: the chat does not know or care who asks.
			let validity = authorize(chat, 0, &invitation, tag, p).expect("a valid proof");
			assert!(validity.requires.is_empty());
			assert_eq!(validity.provides.len(), 1);
			assert_ok!(Chat::add_member(frame_system::RawOrigin::Authorized.into(), chat, 0, invitation.clone(), tag, p));
			System::assert_last_event(Event::InvitationSent { chat, nonce: 0 }.into());
			System::assert_has_event(pallet_connector::Event::RecordPosted { id: 0, tag }.into());

			assert_eq!(Chats::<Test>::get(chat).unwrap().nonce, 1);
			let record = pallet_connector::Records::<Test>::get(0).unwrap();
			assert_eq!(record.payload.to_vec(), invitation);
			// The record names no account and holds nothing.
			assert_eq!(record.deposit, None);
			assert_eq!(Balances::free_balance(bob()), INITIAL_BALANCE);
		});
	}

	#[test]
	fn only_an_authorized_transaction_adds_members() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let p = proof(1, chat, 0, &[1], &None);
			for origin in [RuntimeOrigin::signed(bob()), RuntimeOrigin::none(), RuntimeOrigin::root()] {
				assert_noop!(Chat::add_member(origin, chat, 0, vec![1], None, p), BadOrigin);
			}
		});
	}

	#[test]
	fn wrong_and_replayed_proofs_are_refused() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let invitation = vec![5; 40];
			let bad = Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof));

			// Signed by another chat's key.
			assert_eq!(authorize(chat, 0, &invitation, None, proof(2, chat, 0, &invitation, &None)), bad);
			// A proof for other bytes than those sent.
			assert_eq!(authorize(chat, 0, &invitation, None, proof(1, chat, 0, &[6; 40], &None)), bad);
			// A proof without the tag, sent with one.
			assert_eq!(authorize(chat, 0, &invitation, Some([1; 32]), proof(1, chat, 0, &invitation, &None)), bad);
			// A proof for another chain (another genesis hash).
			let elsewhere = membership_pair(1).sign(&add_member_message(&[7u8; 32], chat, 0, &invitation, &None));
			assert_eq!(authorize(chat, 0, &invitation, None, elsewhere), bad);

			assert_ok!(add(chat, 1, 0, invitation.clone()));
			// Replaying it: its nonce is stale, in the pool and at dispatch ...
			let good = proof(1, chat, 0, &invitation, &None);
			assert_eq!(
				authorize(chat, 0, &invitation, None, good),
				Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
			);
			assert_noop!(
				Chat::add_member(frame_system::RawOrigin::Authorized.into(), chat, 0, invitation.clone(), None, good),
				Error::<Test>::StaleNonce
			);
			// ... and with the current nonce it no longer verifies.
			assert_eq!(authorize(chat, 1, &invitation, None, good), bad);
			assert_eq!(pallet_connector::NextRecordId::<Test>::get(), 1, "only one record stored");
		});
	}

	#[test]
	fn proofs_for_the_next_nonces_wait_for_the_ones_before() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let next = authorize(chat, 1, &[1], None, proof(1, chat, 1, &[1], &None)).expect("ahead is fine");
			let first = authorize(chat, 0, &[1], None, proof(1, chat, 0, &[1], &None)).expect("current");
			// The second requires what the first provides, as account nonces do.
			assert_eq!(next.requires, first.provides);
			// Too far ahead is refused as future.
			assert_eq!(
				authorize(chat, 16, &[1], None, proof(1, chat, 16, &[1], &None)),
				Err(TransactionValidityError::Invalid(InvalidTransaction::Future))
			);
		});
	}

	#[test]
	fn a_chat_sends_at_most_max_invitations() {
		build_and_execute(|| {
			let chat = create_chat(1);
			for nonce in 0..MAX_INVITATIONS {
				assert_ok!(add(chat, 1, nonce, vec![1]));
			}
			assert_eq!(
				authorize(chat, MAX_INVITATIONS, &[1], None, proof(1, chat, MAX_INVITATIONS, &[1], &None)),
				Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
			);
			let p = proof(1, chat, MAX_INVITATIONS, &[1], &None);
			assert_noop!(
				Chat::add_member(frame_system::RawOrigin::Authorized.into(), chat, MAX_INVITATIONS, vec![1], None, p),
				Error::<Test>::InvitationLimit
			);
		});
	}

	#[test]
	fn add_member_errors() {
		build_and_execute(|| {
			let chat = create_chat(1);
			// An unknown chat: refused by the pool, and at dispatch.
			let p = proof(1, 7, 0, &[1], &None);
			assert_eq!(
				authorize(7, 0, &[1], None, p),
				Err(TransactionValidityError::Invalid(InvalidTransaction::Call))
			);
			assert_noop!(
				Chat::add_member(frame_system::RawOrigin::Authorized.into(), 7, 0, vec![1], None, p),
				Error::<Test>::UnknownChat
			);
			// The connector's own limits come back as its errors, and nothing is kept.
			assert_noop!(add(chat, 1, 0, vec![1; 1025]), pallet_connector::Error::<Test>::RecordTooLarge);
		});
	}

	#[test]
	fn users_cannot_impersonate_a_chat() {
		build_and_execute(|| {
			let chat = create_chat(1);
			// Straight to the connector, as a user: refused.
			assert_noop!(
				Connector::add_member(RuntimeOrigin::signed(alice()), vec![1], None),
				BadOrigin
			);
			assert_noop!(Connector::add_member(RuntimeOrigin::root(), vec![1], None), BadOrigin);
			// Only the chat's own origin passes.
			assert_ok!(Connector::add_member(RawOrigin::Chat(chat).into(), vec![1], None));
		});
	}

	#[test]
	fn the_connector_refuses_a_chat_it_did_not_create() {
		build_and_execute(|| {
			// A chat actor spawned behind the connector's back (not through
			// `create_chat`) has a valid chat origin, but the connector does not know it.
			let rogue = Chat::spawn(params(1)).unwrap();
			assert!(!pallet_connector::CreatedChats::<Test>::contains_key(rogue));
			assert_noop!(add(rogue, 1, 0, vec![1; 10]), pallet_connector::Error::<Test>::UnknownChat);
			// Everything was reverted, the nonce included.
			assert_eq!(Chats::<Test>::get(rogue).unwrap().nonce, 0);
		});
	}

	#[test]
	fn ensure_chat_accepts_only_chat_origins() {
		use frame_support::traits::EnsureOrigin;
		type Ensure = EnsureChat<Test>;
		build_and_execute(|| {
			let chat: RuntimeOrigin = RawOrigin::Chat(5).into();
			assert_eq!(<Ensure as EnsureOrigin<RuntimeOrigin>>::try_origin(chat).ok(), Some(5));
			for origin in [RuntimeOrigin::signed(alice()), RuntimeOrigin::root(), RuntimeOrigin::none()] {
				assert!(<Ensure as EnsureOrigin<RuntimeOrigin>>::try_origin(origin).is_err());
			}
		});
	}
}

mod parts {
	use super::*;

	const PART: PartId = [0xaa; 32];
	const OTHER: PartId = [0xbb; 32];

	#[test]
	fn create_part_holds_a_deposit_and_lists_the_part() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(alice()), PART, vec![7; 100]));
			System::assert_last_event(Event::PartCreated { part: PART }.into());
			let info = Parts::<Test>::get(PART).unwrap();
			assert_eq!((info.owner.clone(), info.next_seq, info.messages), (alice(), 0, 0));
			assert_eq!(info.blob.to_vec(), vec![7; 100]);
			assert_eq!(held(HoldReason::Part, &alice()), deposit(100));
			assert_eq!(Chat::parts_of(&alice(), None), vec![PART]);
			assert!(Chat::parts_of(&bob(), None).is_empty());
		});
	}

	#[test]
	fn create_part_errors() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(alice()), PART, vec![]));
			assert_noop!(
				Chat::create_part(RuntimeOrigin::signed(bob()), PART, vec![]),
				Error::<Test>::PartExists
			);
			assert_noop!(
				Chat::create_part(RuntimeOrigin::signed(bob()), OTHER, vec![0; MAX_PART_BLOB_LEN as usize + 1]),
				Error::<Test>::BlobTooLarge
			);
			assert_noop!(
				Chat::create_part(RuntimeOrigin::signed(poor()), OTHER, vec![0; 100]),
				Error::<Test>::InsufficientBalance
			);
			assert_noop!(Chat::create_part(RuntimeOrigin::none(), OTHER, vec![]), BadOrigin);
		});
	}

	#[test]
	fn set_part_blob_adjusts_the_deposit() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(alice()), PART, vec![1; 10]));
			assert_ok!(Chat::set_part_blob(RuntimeOrigin::signed(alice()), PART, vec![2; 200]));
			System::assert_last_event(Event::PartBlobSet { part: PART }.into());
			assert_eq!(held(HoldReason::Part, &alice()), deposit(200));
			assert_ok!(Chat::set_part_blob(RuntimeOrigin::signed(alice()), PART, vec![3; 5]));
			assert_eq!(held(HoldReason::Part, &alice()), deposit(5));
			assert_eq!(Parts::<Test>::get(PART).unwrap().blob.to_vec(), vec![3; 5]);

			assert_noop!(
				Chat::set_part_blob(RuntimeOrigin::signed(bob()), PART, vec![]),
				Error::<Test>::NotOwner
			);
			assert_noop!(
				Chat::set_part_blob(RuntimeOrigin::signed(alice()), OTHER, vec![]),
				Error::<Test>::UnknownPart
			);
			assert_noop!(
				Chat::set_part_blob(RuntimeOrigin::signed(alice()), PART, vec![0; MAX_PART_BLOB_LEN as usize + 1]),
				Error::<Test>::BlobTooLarge
			);
		});
	}

	#[test]
	fn only_the_owner_posts_into_a_part() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(alice()), PART, vec![]));
			assert_ok!(Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![1; 30]));
			System::assert_last_event(Event::MessagePosted { part: PART, seq: 0 }.into());
			assert_ok!(Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![2; 40]));
			System::assert_last_event(Event::MessagePosted { part: PART, seq: 1 }.into());

			assert_noop!(
				Chat::post_message(RuntimeOrigin::signed(bob()), PART, vec![3]),
				Error::<Test>::NotOwner
			);
			assert_noop!(
				Chat::post_message(RawOrigin::Chat(0).into(), PART, vec![3]),
				BadOrigin
			);

			let info = Parts::<Test>::get(PART).unwrap();
			assert_eq!((info.next_seq, info.messages), (2, 2));
			// One step of credit was held; both deposits came out of it.
			assert_eq!(held(HoldReason::Message, &alice()), MESSAGE_CREDIT);
			assert_eq!(credit(PART), MESSAGE_CREDIT - deposit(30) - deposit(40));
			let message = Messages::<Test>::get(PART, 1).unwrap();
			assert_eq!((message.ciphertext.to_vec(), message.block), (vec![2; 40], 1));
		});
	}

	#[test]
	fn post_message_errors() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(alice()), PART, vec![]));
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(poor()), OTHER, vec![]));
			assert_noop!(
				Chat::post_message(RuntimeOrigin::signed(alice()), [0; 32], vec![1]),
				Error::<Test>::UnknownPart
			);
			assert_noop!(
				Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![]),
				Error::<Test>::EmptyMessage
			);
			assert_noop!(
				Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![0; MAX_MESSAGE_LEN as usize + 1]),
				Error::<Test>::MessageTooLarge
			);
			assert_ok!(Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![0; MAX_MESSAGE_LEN as usize]));
			assert_noop!(
				Chat::post_message(RuntimeOrigin::signed(poor()), OTHER, vec![0; 100]),
				Error::<Test>::InsufficientBalance
			);
		});
	}

	#[test]
	fn message_deposits_come_from_the_part_credit_held_in_steps() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(alice()), PART, vec![]));
			let free = Balances::free_balance(alice());
			let post = |len: usize| {
				let info = Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![7; len]).expect("posted");
				info.actual_weight.expect("the weight used is reported")
			};
			let topped_up = <() as WeightInfo>::post_message(20);
			let from_credit = <() as WeightInfo>::post_message_from_credit(20);
			assert!(from_credit.ref_time() < topped_up.ref_time());

			// The first message finds no credit: one step is held, the deposit drawn.
			assert_eq!(post(20), topped_up);
			assert_eq!(held(HoldReason::Message, &alice()), MESSAGE_CREDIT);
			assert_eq!(credit(PART), MESSAGE_CREDIT - deposit(20));
			// The next two fit in the credit: the balance is untouched and the unused
			// weight of a top-up is refunded.
			assert_eq!(post(20), from_credit);
			assert_eq!(post(20), from_credit);
			assert_eq!(credit(PART), MESSAGE_CREDIT - 3 * deposit(20));
			assert_eq!(Balances::free_balance(alice()), free - MESSAGE_CREDIT);
			// The fourth does not: another step.
			assert_eq!(post(20), topped_up);
			assert_eq!(held(HoldReason::Message, &alice()), 2 * MESSAGE_CREDIT);
			assert_eq!(credit(PART), 2 * MESSAGE_CREDIT - 4 * deposit(20));
			// A message dearer than a step holds at least its shortfall.
			let before = credit(PART);
			post(200);
			assert_eq!(held(HoldReason::Message, &alice()), 2 * MESSAGE_CREDIT + deposit(200) - before);
			assert_eq!(credit(PART), 0);
		});
	}

	#[test]
	fn an_owner_who_cannot_afford_a_step_holds_just_the_deposit() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(thrifty()), PART, vec![]));
			assert!(Balances::free_balance(thrifty()) < MESSAGE_CREDIT);
			assert_ok!(Chat::post_message(RuntimeOrigin::signed(thrifty()), PART, vec![1; 20]));
			assert_eq!(held(HoldReason::Message, &thrifty()), deposit(20));
			assert_eq!(credit(PART), 0);
			// Then nothing is left for another message, and nothing is lost trying.
			assert_noop!(
				Chat::post_message(RuntimeOrigin::signed(thrifty()), PART, vec![1; 20]),
				Error::<Test>::InsufficientBalance
			);
			// Closing the part gives everything back.
			assert_ok!(Chat::close_part(RuntimeOrigin::signed(thrifty()), PART, 10));
			assert_eq!(Balances::free_balance(thrifty()), 60);
		});
	}

	#[test]
	fn a_part_that_used_every_sequence_number_is_full() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(alice()), PART, vec![]));
			Parts::<Test>::mutate(PART, |p| p.as_mut().unwrap().next_seq = Seq::MAX - 1);
			assert_ok!(Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![1]));
			System::assert_last_event(Event::MessagePosted { part: PART, seq: Seq::MAX - 1 }.into());
			assert_noop!(
				Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![2]),
				Error::<Test>::PartFull
			);
		});
	}

	#[test]
	fn deleting_a_message_releases_its_deposit_and_keeps_sequence_numbers() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(alice()), PART, vec![]));
			for len in [10, 20, 30] {
				assert_ok!(Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![1; len]));
			}
			assert_ok!(Chat::delete_message(RuntimeOrigin::signed(alice()), PART, 1));
			System::assert_last_event(Event::MessageDeleted { part: PART, seq: 1 }.into());
			assert_eq!(held(HoldReason::Message, &alice()), deposit(10) + deposit(30) + credit(PART));

			assert_noop!(
				Chat::delete_message(RuntimeOrigin::signed(alice()), PART, 1),
				Error::<Test>::UnknownMessage
			);
			assert_noop!(
				Chat::delete_message(RuntimeOrigin::signed(bob()), PART, 0),
				Error::<Test>::NotOwner
			);
			// The next message gets a new number, never a deleted one's.
			assert_ok!(Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![4]));
			System::assert_last_event(Event::MessagePosted { part: PART, seq: 3 }.into());

			let page = Chat::messages_page(PART, 0, 10);
			assert_eq!(page.messages.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![0, 2, 3]);
			assert_eq!(page.next_seq, 4);
		});
	}

	#[test]
	fn closing_a_part_in_steps_releases_everything() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(alice()), PART, vec![1; 50]));
			for _ in 0..5 {
				assert_ok!(Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![1; 20]));
			}
			assert_noop!(Chat::close_part(RuntimeOrigin::signed(bob()), PART, 10), Error::<Test>::NotOwner);

			assert_ok!(Chat::close_part(RuntimeOrigin::signed(alice()), PART, 2));
			System::assert_last_event(Event::PartClearing { part: PART, count: 2, remaining: 3 }.into());
			assert_eq!(held(HoldReason::Message, &alice()), 3 * deposit(20) + credit(PART));

			assert_ok!(Chat::close_part(RuntimeOrigin::signed(alice()), PART, 10));
			System::assert_last_event(Event::PartClosed { part: PART }.into());
			assert!(Parts::<Test>::get(PART).is_none());
			assert!(Chat::parts_of(&alice(), None).is_empty());
			assert_eq!(held(HoldReason::Message, &alice()), 0);
			assert_eq!(held(HoldReason::Part, &alice()), 0);
			assert_eq!(Balances::free_balance(alice()), INITIAL_BALANCE);

			assert_noop!(Chat::close_part(RuntimeOrigin::signed(alice()), PART, 1), Error::<Test>::UnknownPart);
		});
	}

	#[test]
	fn reading_pages() {
		build_and_execute(|| {
			assert_ok!(Chat::create_part(RuntimeOrigin::signed(alice()), PART, vec![]));
			for i in 0..6u8 {
				assert_ok!(Chat::post_message(RuntimeOrigin::signed(alice()), PART, vec![i]));
			}
			// Pages cover at most MAX_PAGE_LEN sequence numbers.
			let page = Chat::messages_page(PART, 0, 100);
			assert_eq!(page.messages.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
			assert_eq!(page.messages[3].ciphertext, vec![3]);
			let page = Chat::messages_page(PART, 4, 100);
			assert_eq!(page.messages.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![4, 5]);
			assert!(Chat::messages_page(PART, 6, 100).messages.is_empty());
			assert!(Chat::messages_page([0; 32], 0, 100).messages.is_empty());

			// An account's parts, a page at a time.
			for i in 0..6u8 {
				assert_ok!(Chat::create_part(RuntimeOrigin::signed(bob()), [i; 32], vec![]));
			}
			let first = Chat::parts_of(&bob(), None);
			assert_eq!(first.len(), MAX_PAGE_LEN as usize);
			let rest = Chat::parts_of(&bob(), first.last().copied());
			assert_eq!(rest.len(), 2);
			let mut all: Vec<PartId> = first.into_iter().chain(rest).collect();
			all.sort();
			assert_eq!(all, (0..6u8).map(|i| [i; 32]).collect::<Vec<_>>());

			let view = Chat::part_view(PART).unwrap();
			assert_eq!((view.owner, view.next_seq, view.messages), (alice(), 6, 6));
		});
	}
}
