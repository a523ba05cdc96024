//! Unit tests of the chat pallet, run against the real connector: spawning through the
//! connector, membership proofs, origins, parts written with their own keys, tickets,
//! quotas and leases. Every test ends with both pallets' invariants (see
//! `mock::build_and_execute`).

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError, ValidTransaction},
	traits::{Authorize, Hooks},
	weights::Weight,
};
use pallet_ring::testing::{HashTicket, HashTickets};
use sp_core::Pair;
use sp_runtime::{traits::BadOrigin, DispatchError};

type Validity = Result<ValidTransaction, TransactionValidityError>;

fn authorized() -> RuntimeOrigin {
	frame_system::RawOrigin::Authorized.into()
}

fn invalid(e: InvalidTransaction) -> Validity {
	Err(TransactionValidityError::Invalid(e))
}

fn refused(r: Refusal) -> Validity {
	Err(r.into())
}

/// What the pool and the block say of `call`.
fn validity(call: Call<Test>) -> Validity {
	call.authorize(TransactionSource::External).expect("every call of the pallet authorizes itself").map(|(v, _)| v)
}

/// Authorizes `call` and, if the pool would take it, dispatches it as a general
/// transaction would be.
fn submit(call: Call<Test>) -> sp_runtime::DispatchResultWithInfo<frame_support::dispatch::PostDispatchInfo> {
	use sp_runtime::traits::Dispatchable;
	validity(call.clone()).map_err(|_| DispatchError::Other("refused by authorize"))?;
	RuntimeCall::Chat(call).dispatch(authorized())
}

fn params(n: u8) -> ChatParams {
	ChatParams { membership_key: membership_pair(n).public(), sealed_key: vec![n; 80] }
}

/// Spawns a chat through the connector with a ticket, as users do; returns its id.
fn create_chat(n: u8) -> ChatId {
	let chat = NextChatId::<Test>::get();
	let params = params(n);
	let ticket = HashTickets::ticket(0, [n; 32], &Connector::create_chat_message(&params));
	assert_ok!(Connector::create_chat(authorized(), ticket, params));
	chat
}

/// A membership proof by chat key pair `n`.
/// A record of the connector's length, all bytes `b`.
fn rec(b: u8) -> Vec<u8> {
	vec![b; RECORD_LEN as usize]
}

/// The tag the tests' invitations carry.
const TAG: [u8; 32] = [0x7a; 32];

fn proof(n: u8, chat: ChatId, nonce: u64, invitation: &[u8], tag: &[u8; 32]) -> ed25519::Signature {
	membership_pair(n).sign(&add_member_message(&Chat::genesis_hash(), chat, nonce, invitation, tag))
}

fn add_member_call(chat: ChatId, nonce: u64, invitation: &[u8], tag: [u8; 32], proof: ed25519::Signature) -> Call<Test> {
	Call::<Test>::add_member { chat, nonce, invitation: invitation.to_vec(), tag, proof }
}

/// Authorizes and dispatches `add_member` as a general transaction would be.
fn add(chat: ChatId, n: u8, nonce: u64, invitation: Vec<u8>) -> sp_runtime::DispatchResult {
	let p = proof(n, chat, nonce, &invitation, &TAG);
	submit(add_member_call(chat, nonce, &invitation, TAG, p)).map(|_| ()).map_err(|e| e.error)
}

/// The id of test part `n`: its part key's public key.
fn part_id(n: u8) -> PartId {
	part_pair(n).public().0
}

/// Part key `n`'s signature over `action` for part `part`.
fn part_sign(n: u8, part: PartId, action: &PartAction) -> ed25519::Signature {
	part_pair(n).sign(&part_message(&Chat::genesis_hash(), &part, action))
}

fn hash(bytes: &[u8]) -> [u8; 32] {
	sp_io::hashing::blake2_256(bytes)
}

/// The incarnation of test part `n` as it is now (0 when it does not exist).
fn incarnation(n: u8) -> Incarnation {
	Chat::part(part_id(n)).map_or(0, |info| info.incarnation)
}

/// A `join` of part `n` with `blob` and a response under `tag`, signed by its key, with a
/// ticket of slot 0 spent as alias `alias`.
fn join_call(n: u8, alias: u8, blob: &[u8], response: &[u8], tag: [u8; 32]) -> Call<Test> {
	let part = part_id(n);
	let action = PartAction::Join { blob: hash(blob), response: hash(response), tag };
	let ticket = HashTickets::ticket(0, [alias; 32], &part_message(&Chat::genesis_hash(), &part, &action));
	Call::<Test>::join {
		ticket,
		part,
		blob: blob.to_vec(),
		response: response.to_vec(),
		tag,
		signature: part_sign(n, part, &action),
	}
}

/// Joins with part `n`; returns its id.
fn join(n: u8) -> PartId {
	assert_ok!(submit(join_call(n, 0x40 + n, &[n; 100], &rec(n), [n; 32])));
	part_id(n)
}

fn post_call(n: u8, seq: Seq, ciphertext: &[u8]) -> Call<Test> {
	let part = part_id(n);
	let action = PartAction::PostMessage { incarnation: incarnation(n), seq, ciphertext: hash(ciphertext) };
	let signature = part_sign(n, part, &action);
	Call::<Test>::post_message { part, seq, ciphertext: ciphertext.to_vec(), signature }
}

fn post(n: u8, seq: Seq, ciphertext: &[u8]) -> sp_runtime::DispatchResult {
	submit(post_call(n, seq, ciphertext)).map(|_| ()).map_err(|e| e.error)
}

fn blob_call(n: u8, nonce: PartNonce, blob: &[u8]) -> Call<Test> {
	let part = part_id(n);
	let signature = part_sign(n, part, &PartAction::SetBlob { incarnation: incarnation(n), nonce, blob: hash(blob) });
	Call::<Test>::set_part_blob { part, nonce, blob: blob.to_vec(), signature }
}

fn delete_call(n: u8, nonce: PartNonce, seq: Seq) -> Call<Test> {
	let part = part_id(n);
	let signature = part_sign(n, part, &PartAction::DeleteMessage { incarnation: incarnation(n), nonce, seq });
	Call::<Test>::delete_message { part, nonce, seq, signature }
}

fn close_call(n: u8, nonce: PartNonce, max_messages: u32) -> Call<Test> {
	let part = part_id(n);
	let signature = part_sign(n, part, &PartAction::Close { incarnation: incarnation(n), nonce, max_messages });
	Call::<Test>::close_part { part, nonce, max_messages, signature }
}

fn renew_call(alias: u8, lease: Lease) -> Call<Test> {
	let ticket: HashTicket = HashTickets::ticket(1, [0x60 + alias; 32], &renew_message(&Chat::genesis_hash(), &lease));
	Call::<Test>::renew { ticket, lease }
}

/// Runs blocks up to `n`, with `on_idle` given a block's worth of weight each.
fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Chat::on_idle(next, Weight::from_parts(1_000_000_000_000, u64::MAX));
	}
}

mod chats {
	use super::*;

	#[test]
	fn a_chat_is_spawned_through_the_connector() {
		build_and_execute(|| {
			let first = Chat::next_chat_id();
			let chat = create_chat(1);
			assert_eq!((chat, Chat::next_chat_id()), (first, first + 1), "the view names the id the next chat gets");
			System::assert_has_event(Event::ChatSpawned { chat }.into());
			System::assert_last_event(pallet_connector::Event::ChatCreated { chat }.into());
			assert!(pallet_connector::CreatedChats::<Test>::contains_key(chat));

			let info = Chat::chat(chat).unwrap();
			assert_eq!(info.membership_key, membership_pair(1).public());
			assert_eq!(info.nonce, 0);
			assert_eq!(info.sealed_key.to_vec(), vec![1; 80]);
			assert_eq!(info.expires, 1 + LIFETIME);
			assert!(Expiries::<Test>::contains_key(1 + LIFETIME, Lease::Chat(chat)));
			// Nobody paid for it.
			assert_eq!(Balances::free_balance(alice()), INITIAL_BALANCE);
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
			// Refused at the pool, before its ticket is looked at ...
			let call = pallet_connector::Call::<Test>::create_chat { ticket: ticket.clone(), params: too_long.clone() };
			assert_eq!(call.authorize(TransactionSource::External).unwrap().map(|_| ()), Err(Refusal::TooLarge.into()));
			// ... and the spawn refuses it too, should it ever be dispatched.
			assert_noop!(Connector::create_chat(authorized(), ticket, too_long), Error::<Test>::SealedKeyTooLarge);
		});
	}

	#[test]
	fn a_member_adds_a_user_through_the_chat_with_no_signer() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let invitation = rec(9);
			let tag = [3; 32];
			let p = proof(1, chat, 0, &invitation, &tag);
			// The proof alone authorizes: the chat does not know or care who asks.
			let v = validity(add_member_call(chat, 0, &invitation, tag, p)).expect("a valid proof");
			assert!(v.requires.is_empty());
			assert_eq!(v.provides.len(), 1);
			assert_ok!(Chat::add_member(authorized(), chat, 0, invitation.clone(), tag, p));
			System::assert_last_event(Event::InvitationSent { chat, nonce: 0 }.into());
			System::assert_has_event(pallet_connector::Event::RecordPosted { id: 0, tag }.into());

			assert_eq!(Chats::<Test>::get(chat).unwrap().nonce, 1);
			let record = pallet_connector::Pallet::<Test>::records(0, 1).records.remove(0).1;
			assert_eq!(record.payload.to_vec(), invitation);
			assert_eq!(Balances::free_balance(alice()), INITIAL_BALANCE);
		});
	}

	#[test]
	fn only_an_authorized_transaction_adds_members() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let p = proof(1, chat, 0, &rec(1), &TAG);
			for origin in [RuntimeOrigin::signed(alice()), RuntimeOrigin::none(), RuntimeOrigin::root()] {
				assert_noop!(Chat::add_member(origin, chat, 0, rec(1), TAG, p), BadOrigin);
			}
		});
	}

	#[test]
	fn wrong_and_replayed_proofs_are_refused() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let invitation = rec(5);
			let bad = invalid(InvalidTransaction::BadProof);
			let check = |nonce, tag, p| validity(add_member_call(chat, nonce, &invitation, tag, p));

			// Signed by another chat's key.
			assert_eq!(check(0, TAG, proof(2, chat, 0, &invitation, &TAG)), bad);
			// A proof for other bytes than those sent.
			assert_eq!(check(0, TAG, proof(1, chat, 0, &rec(6), &TAG)), bad);
			// A proof for another tag than the one sent.
			assert_eq!(check(0, [1; 32], proof(1, chat, 0, &invitation, &TAG)), bad);
			// A proof for another chain (another genesis hash).
			let elsewhere = membership_pair(1).sign(&add_member_message(&[7u8; 32], chat, 0, &invitation, &TAG));
			assert_eq!(check(0, TAG, elsewhere), bad);

			assert_ok!(add(chat, 1, 0, invitation.clone()));
			// Replaying it: its nonce is stale, in the pool and at dispatch ...
			let good = proof(1, chat, 0, &invitation, &TAG);
			assert_eq!(check(0, TAG, good), invalid(InvalidTransaction::Stale));
			assert_noop!(
				Chat::add_member(authorized(), chat, 0, invitation.clone(), TAG, good),
				Error::<Test>::StaleNonce
			);
			// ... and with the current nonce it no longer verifies.
			assert_eq!(check(1, TAG, good), bad);
			assert_eq!(pallet_connector::NextRecordId::<Test>::get(), 1, "only one record stored");
		});
	}

	#[test]
	fn proofs_for_the_next_nonces_wait_for_the_ones_before() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let next = validity(add_member_call(chat, 1, &rec(1), TAG, proof(1, chat, 1, &rec(1), &TAG))).expect("ahead");
			let first = validity(add_member_call(chat, 0, &rec(1), TAG, proof(1, chat, 0, &rec(1), &TAG))).expect("current");
			// The second requires what the first provides, as account nonces do.
			assert_eq!(next.requires, first.provides);
			// Too far ahead is refused as future.
			assert_eq!(
				validity(add_member_call(chat, 16, &rec(1), TAG, proof(1, chat, 16, &rec(1), &TAG))),
				invalid(InvalidTransaction::Future)
			);
		});
	}

	#[test]
	fn a_chat_sends_at_most_max_invitations() {
		build_and_execute(|| {
			let chat = create_chat(1);
			// Over as many days as the daily allowance needs: the limit is for life.
			for nonce in 0..MAX_INVITATIONS {
				HashTickets::set_epoch((nonce / u64::from(INVITATIONS_PER_EPOCH)) as u32);
				assert_ok!(add(chat, 1, nonce, rec(1)));
			}
			HashTickets::set_epoch(9);
			let p = proof(1, chat, MAX_INVITATIONS, &rec(1), &TAG);
			assert_eq!(
				validity(add_member_call(chat, MAX_INVITATIONS, &rec(1), TAG, p)),
				invalid(InvalidTransaction::ExhaustsResources)
			);
			assert_noop!(
				Chat::add_member(authorized(), chat, MAX_INVITATIONS, rec(1), TAG, p),
				Error::<Test>::InvitationLimit
			);
		});
	}

	#[test]
	fn add_member_errors() {
		build_and_execute(|| {
			let chat = create_chat(1);
			// An unknown chat: refused by the pool, and at dispatch.
			let p = proof(1, 7, 0, &rec(1), &TAG);
			assert_eq!(validity(add_member_call(7, 0, &rec(1), TAG, p)), refused(Refusal::UnknownChat));
			assert_noop!(Chat::add_member(authorized(), 7, 0, rec(1), TAG, p), Error::<Test>::UnknownChat);
			// Every invitation has the record length: refused by the pool, and by the
			// connector (its error comes back) if it got that far; nothing is kept.
			for len in [0, 1, RECORD_LEN as usize - 1, RECORD_LEN as usize + 1] {
				let p = proof(1, chat, 0, &vec![1; len], &TAG);
				assert_eq!(validity(add_member_call(chat, 0, &vec![1; len], TAG, p)), refused(Refusal::RecordLength));
				assert_noop!(
					Chat::add_member(authorized(), chat, 0, vec![1; len], TAG, p),
					pallet_connector::Error::<Test>::WrongRecordLength
				);
			}
		});
	}

	#[test]
	fn users_cannot_impersonate_a_chat() {
		build_and_execute(|| {
			let chat = create_chat(1);
			// Straight to the connector, as a user: refused.
			assert_noop!(Connector::add_member(RuntimeOrigin::signed(alice()), rec(1), TAG), BadOrigin);
			assert_noop!(Connector::add_member(RuntimeOrigin::root(), rec(1), TAG), BadOrigin);
			// Only the chat's own origin passes.
			assert_ok!(Connector::add_member(RawOrigin::Chat(chat).into(), rec(1), TAG));
		});
	}

	#[test]
	fn the_connector_refuses_a_chat_it_did_not_create() {
		build_and_execute(|| {
			// A chat actor spawned behind the connector's back (not through
			// `create_chat`) has a valid chat origin, but the connector does not know it.
			let rogue = Chat::spawn(params(1)).unwrap();
			assert!(!pallet_connector::CreatedChats::<Test>::contains_key(rogue));
			// Refused at the pool ...
			let p = proof(1, rogue, 0, &rec(1), &TAG);
			assert_eq!(validity(add_member_call(rogue, 0, &rec(1), TAG, p)), refused(Refusal::UnknownChat));
			// ... and by the connector itself, should it be dispatched: everything is
			// reverted, the nonce included.
			assert_noop!(Chat::add_member(authorized(), rogue, 0, rec(1), TAG, p), pallet_connector::Error::<Test>::UnknownChat);
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

	#[test]
	fn join_creates_the_part_and_posts_its_response() {
		build_and_execute(|| {
			let v = validity(join_call(1, 9, &[7; 100], &rec(8), [3; 32])).expect("a valid join");
			// It provides the ticket's alias and the part id: neither enters a block twice.
			assert_eq!(v.provides.len(), 2);
			assert_ok!(submit(join_call(1, 9, &[7; 100], &rec(8), [3; 32])));
			let part = part_id(1);
			System::assert_last_event(Event::PartCreated { part }.into());
			System::assert_has_event(pallet_connector::Event::RecordPosted { id: 0, tag: [3; 32] }.into());
			let info = Chat::part(part).unwrap();
			assert_eq!((info.next_seq, info.nonce, info.messages, info.used), (0, 0, 0, 0));
			assert_eq!(info.blob.to_vec(), vec![7; 100]);
			assert_eq!(info.expires, 1 + LIFETIME);
			let record = pallet_connector::Pallet::<Test>::records(0, 1).records.remove(0).1;
			assert_eq!((record.payload.to_vec(), record.tag), (rec(8), [3; 32]));
			// Nobody paid for it.
			assert_eq!(Balances::free_balance(alice()), INITIAL_BALANCE);
		});
	}

	#[test]
	fn nobody_takes_a_part_id_without_its_key() {
		build_and_execute(|| {
			// The ticket is fine, but the part is signed by another key.
			let mut call = join_call(1, 9, &[7; 10], &rec(8), [3; 32]);
			let Call::join { signature, .. } = &mut call else { unreachable!() };
			let action = PartAction::Join { blob: hash(&[7; 10]), response: hash(&rec(8)), tag: [3; 32] };
			*signature = part_sign(2, part_id(1), &action);
			assert_eq!(validity(call), invalid(InvalidTransaction::BadProof));
			// A copy of a valid join with another response does not verify either: the
			// part key signed the response it posts.
			let mut copy = join_call(1, 9, &[7; 10], &rec(8), [3; 32]);
			let Call::join { response, .. } = &mut copy else { unreachable!() };
			*response = rec(9);
			assert_eq!(validity(copy), invalid(InvalidTransaction::BadProof));
			assert!(Chat::part(part_id(1)).is_none());
		});
	}

	#[test]
	fn a_join_needs_a_good_unspent_ticket_for_exactly_its_arguments() {
		build_and_execute(|| {
			// A ticket for other arguments.
			let mut call = join_call(1, 9, &[7; 10], &rec(8), [3; 32]);
			let Call::join { ticket, .. } = &mut call else { unreachable!() };
			*ticket = HashTickets::ticket(0, [9; 32], b"something else");
			assert_eq!(validity(call), Err(pallet_ring::TicketError::BadProof.into()));
			// A valid one, once.
			assert_ok!(submit(join_call(1, 9, &[7; 10], &rec(8), [3; 32])));
			assert_eq!(
				validity(join_call(2, 9, &[7; 10], &rec(8), [3; 32])),
				Err(pallet_ring::TicketError::Spent.into())
			);
			// Dispatched without a check (two in one block), the second finds it spent.
			let second = join_call(2, 9, &[7; 10], &rec(8), [3; 32]);
			use sp_runtime::traits::Dispatchable;
			assert_noop!(RuntimeCall::Chat(second).dispatch(authorized()).map_err(|e| e.error), Error::<Test>::TicketSpent);
		});
	}

	#[test]
	fn join_errors() {
		build_and_execute(|| {
			join(1);
			assert_eq!(validity(join_call(1, 10, &[1], &rec(1), [1; 32])), refused(Refusal::PartExists));
			let blob = vec![0; MAX_PART_BLOB_LEN as usize + 1];
			assert_eq!(validity(join_call(2, 11, &blob, &rec(1), [1; 32])), refused(Refusal::TooLarge));
			assert_eq!(validity(join_call(2, 12, &[1], &[], [1; 32])), refused(Refusal::RecordLength));
			assert_eq!(validity(join_call(2, 13, &[1], &[1; 1025], [1; 32])), refused(Refusal::RecordLength));
			// At dispatch, as a second join of the same part in one block would be.
			use sp_runtime::traits::Dispatchable;
			let again = join_call(1, 14, &[1], &rec(1), [1; 32]);
			assert_noop!(RuntimeCall::Chat(again).dispatch(authorized()).map_err(|e| e.error), Error::<Test>::PartExists);
		});
	}

	#[test]
	fn signed_and_unsigned_origins_write_nothing() {
		build_and_execute(|| {
			let part = join(1);
			let signature = part_sign(1, part, &PartAction::PostMessage { incarnation: 0, seq: 0, ciphertext: hash(&[1]) });
			for origin in [RuntimeOrigin::signed(alice()), RuntimeOrigin::none(), RuntimeOrigin::root()] {
				assert_noop!(Chat::post_message(origin.clone(), part, 0, vec![1], signature), BadOrigin);
				assert_noop!(Chat::set_part_blob(origin.clone(), part, 0, vec![1], signature), BadOrigin);
				assert_noop!(Chat::delete_message(origin.clone(), part, 0, 0, signature), BadOrigin);
				assert_noop!(Chat::close_part(origin, part, 0, 1, signature), BadOrigin);
			}
		});
	}

	#[test]
	fn the_part_key_posts_messages_in_order() {
		build_and_execute(|| {
			let part = join(1);
			assert_ok!(post(1, 0, &[0xc1; 60]));
			System::assert_last_event(Event::MessagePosted { part, seq: 0 }.into());
			assert_ok!(post(1, 1, &[0xc2; 20]));
			let info = Chat::part(part).unwrap();
			assert_eq!((info.next_seq, info.messages, info.used), (2, 2, 60 + 20 + 2 * MESSAGE_OVERHEAD));
			let page = Chat::messages(part, 0, 10);
			assert_eq!(page.next_seq, 2);
			assert_eq!(page.messages.iter().map(|(s, m)| (*s, m.ciphertext.to_vec())).collect::<Vec<_>>(), vec![
				(0, vec![0xc1; 60]),
				(1, vec![0xc2; 20])
			]);
		});
	}

	#[test]
	fn replayed_reordered_and_foreign_part_calls_are_refused() {
		build_and_execute(|| {
			join(1);
			join(2);
			assert_ok!(post(1, 0, &[1; 10]));
			// The same call again: its sequence number is used.
			assert_eq!(validity(post_call(1, 0, &[1; 10])), invalid(InvalidTransaction::Stale));
			// Signed for another sequence number than it carries.
			let mut moved = post_call(1, 2, &[1; 10]);
			let Call::post_message { seq, .. } = &mut moved else { unreachable!() };
			*seq = 1;
			assert_eq!(validity(moved), invalid(InvalidTransaction::BadProof));
			// Another part's key writing into part 1.
			let signature = part_sign(2, part_id(1), &PartAction::PostMessage { incarnation: 0, seq: 1, ciphertext: hash(&[1]) });
			let foreign = Call::<Test>::post_message { part: part_id(1), seq: 1, ciphertext: vec![1], signature };
			assert_eq!(validity(foreign), invalid(InvalidTransaction::BadProof));
			// Part 1's signature replayed into part 2.
			let action = PartAction::PostMessage { incarnation: incarnation(2), seq: 0, ciphertext: hash(&[1]) };
			let signature = part_sign(1, part_id(1), &action);
			let replayed = Call::<Test>::post_message { part: part_id(2), seq: 0, ciphertext: vec![1], signature };
			assert_eq!(validity(replayed), invalid(InvalidTransaction::BadProof));
			// One ahead waits for the one before; far ahead is future.
			let ahead = validity(post_call(1, 2, &[1])).expect("ahead");
			let current = validity(post_call(1, 1, &[1])).expect("current");
			assert_eq!(ahead.requires, current.provides);
			assert_eq!(validity(post_call(1, 17, &[1])), invalid(InvalidTransaction::Future));
			// Dispatched out of order (a reorder inside one block), it fails and stores
			// nothing.
			use sp_runtime::traits::Dispatchable;
			assert_noop!(
				RuntimeCall::Chat(post_call(1, 2, &[1])).dispatch(authorized()).map_err(|e| e.error),
				Error::<Test>::WrongCounter
			);
			assert_eq!(Chat::part(part_id(1)).unwrap().messages, 1);
		});
	}

	#[test]
	fn message_limits() {
		build_and_execute(|| {
			let part = join(1);
			assert_eq!(validity(post_call(1, 0, &[])), refused(Refusal::Empty));
			assert_eq!(validity(post_call(1, 0, &vec![1; MAX_MESSAGE_LEN as usize + 1])), refused(Refusal::TooLarge));
			assert_eq!(validity(post_call(9, 0, &[1])), refused(Refusal::UnknownPart));
			// The quota: three messages of the largest size fill the part.
			let largest = vec![1; MAX_MESSAGE_LEN as usize];
			for seq in 0..3 {
				assert_ok!(post(1, seq, &largest));
			}
			assert_eq!(Chat::part(part).unwrap().used, PART_QUOTA);
			assert_eq!(validity(post_call(1, 3, &[1])), refused(Refusal::QuotaExceeded));
			// A message waiting in the pool behind one that fills the part fails when it
			// lands.
			use sp_runtime::traits::Dispatchable;
			assert_noop!(
				RuntimeCall::Chat(post_call(1, 3, &[1])).dispatch(authorized()).map_err(|e| e.error),
				Error::<Test>::QuotaExceeded
			);
			// Deleting one makes room again.
			assert_ok!(submit(delete_call(1, 0, 1)));
			assert_ok!(post(1, 3, &[1]));
		});
	}

	#[test]
	fn blobs_deletes_and_closes_take_the_part_nonce() {
		build_and_execute(|| {
			let part = join(1);
			assert_ok!(submit(blob_call(1, 0, &[5; 50])));
			System::assert_last_event(Event::PartBlobSet { part }.into());
			assert_eq!(Chat::part(part).unwrap().blob.to_vec(), vec![5; 50]);
			assert_eq!(validity(blob_call(1, 0, &[5; 50])), invalid(InvalidTransaction::Stale));
			assert_eq!(validity(blob_call(1, 1, &vec![0; MAX_PART_BLOB_LEN as usize + 1])), refused(Refusal::TooLarge));

			for seq in 0..3 {
				assert_ok!(post(1, seq, &[seq as u8 + 1; 10]));
			}
			assert_eq!(validity(delete_call(1, 1, 7)), refused(Refusal::UnknownMessage));
			assert_ok!(submit(delete_call(1, 1, 1)));
			System::assert_last_event(Event::MessageDeleted { part, seq: 1 }.into());
			assert_eq!(validity(delete_call(1, 1, 0)), invalid(InvalidTransaction::Stale));
			let info = Chat::part(part).unwrap();
			assert_eq!((info.messages, info.used, info.nonce), (2, 2 * (10 + MESSAGE_OVERHEAD), 2));
			// Sequence numbers are not reused.
			assert_ok!(post(1, 3, &[4; 10]));

			// Closing: one message a call, then the part.
			assert_ok!(submit(close_call(1, 2, 1)));
			System::assert_last_event(Event::PartClearing { part, count: 1, remaining: 2 }.into());
			assert_ok!(submit(close_call(1, 3, 5)));
			System::assert_last_event(Event::PartClosed { part }.into());
			assert!(Chat::part(part).is_none());
			assert!(Chat::messages(part, 0, 10).messages.is_empty());
			assert_eq!(validity(close_call(1, 4, 1)), refused(Refusal::UnknownPart));
		});
	}

	#[test]
	fn writes_of_an_ended_part_are_not_valid_in_its_id_created_again() {
		build_and_execute(|| {
			let part = join(1);
			assert_eq!(Chat::part(part).unwrap().incarnation, 0);
			// Everything the first part wrote, as anyone who watched the chain kept it.
			let old = [post_call(1, 0, &[1; 10]), blob_call(1, 0, &[2; 10]), delete_call(1, 1, 0), close_call(1, 2, 5)];
			for call in old.clone() {
				assert_ok!(submit(call));
			}
			System::assert_last_event(Event::PartClosed { part }.into());

			// The same part key joins again (a stale device, say): another incarnation,
			// where none of the old writes is valid, in the order they were made or any.
			join(2);
			assert_ok!(submit(join_call(1, 0x51, &[1; 100], &rec(1), [9; 32])));
			assert_eq!(Chat::part(part).unwrap().incarnation, 2);
			let info = Chat::part(part).unwrap();
			assert_eq!((info.next_seq, info.nonce, info.blob.to_vec()), (0, 0, vec![1; 100]));
			let [old_post, old_blob, old_delete, old_close] = old;
			for call in [old_post, old_blob, old_close] {
				assert_eq!(validity(call), invalid(InvalidTransaction::BadProof));
			}
			// Its own writes are; then the old delete finds its message, and is refused too.
			assert_ok!(post(1, 0, &[3; 10]));
			assert_eq!(validity(old_delete), invalid(InvalidTransaction::BadProof));
			assert_ok!(submit(blob_call(1, 0, &[4; 10])));
		});
	}

	#[test]
	fn many_parts_are_read_at_once() {
		build_and_execute(|| {
			join(1);
			join(2);
			let read = Chat::parts(vec![part_id(1), part_id(3), part_id(2)]);
			assert_eq!(read.iter().map(Option::is_some).collect::<Vec<_>>(), [true, false, true]);
			// At most a page.
			assert_eq!(Chat::parts(vec![part_id(1); 10]).len(), MAX_PAGE_LEN as usize);
		});
	}
}

mod leases {
	use super::*;

	#[test]
	fn chats_and_parts_end_with_their_lease() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let part = join(1);
			for seq in 0..3 {
				assert_ok!(post(1, seq, &[1; 10]));
			}
			run_to(LIFETIME);
			assert!(Chat::chat(chat).is_some() && Chat::part(part).is_some());
			run_to(LIFETIME + 1);
			// Both ended in block 1 + LIFETIME.
			assert!(Chat::chat(chat).is_none());
			assert!(!pallet_connector::CreatedChats::<Test>::contains_key(chat));
			assert!(Chat::part(part).is_none());
			assert!(Chat::messages(part, 0, 10).messages.is_empty());
			System::assert_has_event(Event::Expired { lease: Lease::Chat(chat) }.into());
			System::assert_has_event(Event::Expired { lease: Lease::Part(part) }.into());
			assert_eq!(Expiries::<Test>::iter().count(), 0);
		});
	}

	#[test]
	fn an_ended_lease_takes_no_more_writes_before_it_is_removed() {
		build_and_execute(|| {
			let chat = create_chat(1);
			join(1);
			System::set_block_number(1 + LIFETIME);
			assert_eq!(validity(post_call(1, 0, &[1])), refused(Refusal::UnknownPart));
			let p = proof(1, chat, 0, &rec(1), &TAG);
			assert_eq!(validity(add_member_call(chat, 0, &rec(1), TAG, p)), refused(Refusal::UnknownChat));
			assert_eq!(validity(renew_call(1, Lease::Part(part_id(1)))), refused(Refusal::UnknownPart));
			// The expiry pass then removes them.
			Chat::on_idle(1 + LIFETIME, Weight::from_parts(1_000_000_000_000, u64::MAX));
			assert_eq!(Expiries::<Test>::iter().count(), 0);
		});
	}

	#[test]
	fn a_ticket_renews_a_lease() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let part = join(1);
			run_to(30);
			assert_ok!(submit(renew_call(1, Lease::Part(part))));
			System::assert_last_event(Event::Renewed { lease: Lease::Part(part), expires: 30 + LIFETIME }.into());
			assert_ok!(submit(renew_call(2, Lease::Chat(chat))));
			// The same ticket twice: spent.
			assert_eq!(validity(renew_call(2, Lease::Chat(chat))), Err(pallet_ring::TicketError::Spent.into()));
			// A ticket for another lease does not verify.
			let Call::renew { ticket, .. } = renew_call(3, Lease::Chat(chat)) else { unreachable!() };
			let moved = Call::<Test>::renew { ticket, lease: Lease::Part(part) };
			assert_eq!(validity(moved), Err(pallet_ring::TicketError::BadProof.into()));
			assert_eq!(validity(renew_call(4, Lease::Chat(99))), refused(Refusal::UnknownChat));

			run_to(LIFETIME + 1);
			assert!(Chat::chat(chat).is_some() && Chat::part(part).is_some(), "renewed: still there");
			run_to(30 + LIFETIME);
			assert!(Chat::chat(chat).is_none() && Chat::part(part).is_none());
		});
	}

	#[test]
	fn a_genesis_lease_is_shorter_and_never_longer_than_the_configured_one() {
		use sp_runtime::BuildStorage;
		const SHORT: u64 = MIN_GENESIS_LIFETIME as u64;
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		crate::GenesisConfig::<Test> { lifetime: Some(SHORT) }.assimilate_storage(&mut storage).unwrap();
		sp_io::TestExternalities::new(storage).execute_with(|| {
			System::set_block_number(1);
			assert_eq!(Chat::lifetime(), SHORT);
			let chat = create_chat(1);
			let part = join(1);
			assert_eq!((Chat::chat(chat).unwrap().expires, Chat::part(part).unwrap().expires), (1 + SHORT, 1 + SHORT));
			run_to(5);
			assert_ok!(submit(renew_call(1, Lease::Part(part))));
			System::assert_last_event(Event::Renewed { lease: Lease::Part(part), expires: 5 + SHORT }.into());
			run_to(1 + SHORT);
			assert!(Chat::chat(chat).is_none() && Chat::part(part).is_some(), "only the renewed lease lives on");
		});
		// Without one, the configured lease.
		new_test_ext().execute_with(|| assert_eq!(Chat::lifetime(), LIFETIME));
		// Longer than the configured lease would break the bounds of a user's state.
		let longer = std::panic::catch_unwind(|| {
			let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
			crate::GenesisConfig::<Test> { lifetime: Some(LIFETIME + 1) }.assimilate_storage(&mut storage)
		});
		assert!(longer.is_err(), "a genesis lease longer than Config::Lifetime is refused");
		let shorter = std::panic::catch_unwind(|| {
			let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
			crate::GenesisConfig::<Test> { lifetime: Some(SHORT - 1) }.assimilate_storage(&mut storage)
		});
		assert!(shorter.is_err(), "a genesis lease shorter than MIN_GENESIS_LIFETIME is refused");
	}

	#[test]
	fn a_large_part_is_removed_over_several_blocks_within_the_weight_given() {
		build_and_execute(|| {
			use crate::weights::WeightInfo as _;
			join(1);
			for seq in 0..3 {
				assert_ok!(post(1, seq, &[1; 10]));
			}
			System::set_block_number(1 + LIFETIME);
			// Room for the pass and one message a call.
			let one = <() as crate::WeightInfo>::expire_step().saturating_add(<()>::expire_part(1));
			for left in [2u32, 1, 0] {
				let used = Chat::on_idle(1 + LIFETIME, one);
				assert!(one.all_gte(used), "used {used:?} of {one:?}");
				match Chat::part(part_id(1)) {
					Some(info) => assert_eq!(info.messages, left),
					None => assert_eq!(left, 0),
				}
			}
			assert!(Chat::part(part_id(1)).is_none());
			// Given nothing, it does nothing.
			assert_eq!(Chat::on_idle(2 + LIFETIME, Weight::zero()), Weight::zero());
		});
	}

	#[test]
	fn a_closed_part_leaves_no_lease_behind() {
		build_and_execute(|| {
			join(1);
			assert_ok!(submit(close_call(1, 0, 0)));
			assert_eq!(Expiries::<Test>::iter().count(), 0);
			run_to(LIFETIME + 2);
		});
	}
}

/// Nothing is authorized for free: a call that passes its authorization in a block
/// succeeds and spends the ticket or counter that authorized it, and every argument past
/// its limit is refused before that, with a named validity error.
mod nothing_for_free {
	use super::*;
	use pallet_ring::TicketError;
	use sp_runtime::traits::Dispatchable;

	/// What a block does with a call: it applies `call` only if its authorization passes
	/// in the block's state (source `InBlock`), and such a call must then succeed.
	fn in_block(call: RuntimeCall) -> Validity {
		let validity = match &call {
			RuntimeCall::Chat(c) => c.authorize(TransactionSource::InBlock),
			RuntimeCall::Connector(c) => c.authorize(TransactionSource::InBlock),
			_ => None,
		};
		let (validity, _) = validity.expect("every anonymous call authorizes itself")?;
		let result = call.clone().dispatch(authorized());
		assert!(result.is_ok(), "{call:?} passed its authorization in a block, then failed: {result:?}");
		Ok(validity)
	}

	fn chat_call(call: Call<Test>) -> Validity {
		in_block(RuntimeCall::Chat(call))
	}

	fn create_call(params: ChatParams, alias: u8) -> RuntimeCall {
		let ticket = HashTickets::ticket(0, [alias; 32], &Connector::create_chat_message(&params));
		RuntimeCall::Connector(pallet_connector::Call::create_chat { ticket, params })
	}

	fn refusal<T>(result: Result<T, TransactionValidityError>) -> TransactionValidityError {
		result.err().expect("refused")
	}

	#[test]
	fn create_chat_at_and_past_its_limits() {
		build_and_execute(|| {
			let key = |len: u32| ChatParams { membership_key: membership_pair(1).public(), sealed_key: vec![1; len as usize] };
			assert_eq!(refusal(in_block(create_call(key(MAX_SEALED_KEY_LEN + 1), 1))), Refusal::TooLarge.into());
			assert_ok!(in_block(create_call(key(MAX_SEALED_KEY_LEN), 1)));
			// The ticket is spent: the same one creates nothing more.
			assert_eq!(refusal(in_block(create_call(key(MAX_SEALED_KEY_LEN), 1))), TicketError::Spent.into());
			assert_eq!(NextChatId::<Test>::get(), 1);
		});
	}

	#[test]
	fn add_member_at_and_past_its_limits() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let call = |chat: ChatId, nonce: u64, invitation: Vec<u8>| {
				add_member_call(chat, nonce, &invitation, TAG, proof(1, chat, nonce, &invitation, &TAG))
			};
			for len in [RECORD_LEN - 1, RECORD_LEN + 1] {
				assert_eq!(refusal(chat_call(call(chat, 0, vec![9; len as usize]))), Refusal::RecordLength.into());
			}
			assert_eq!(refusal(chat_call(call(chat + 1, 0, rec(9)))), Refusal::UnknownChat.into());
			// The pool keeps a proof for a later nonce; a block takes only the current one.
			assert!(validity(call(chat, 1, rec(9))).is_ok());
			assert_eq!(refusal(chat_call(call(chat, 1, rec(9)))), InvalidTransaction::Future.into());
			for nonce in 0..MAX_INVITATIONS {
				if nonce == INVITATIONS_PER_EPOCH as u64 {
					// The chat's invitations for the epoch are spent; a renewal tops them up.
					assert_eq!(refusal(chat_call(call(chat, nonce, rec(9)))), Refusal::AllowanceSpent.into());
					assert_ok!(chat_call(renew_call(9, Lease::Chat(chat))));
				}
				assert_ok!(chat_call(call(chat, nonce, rec(9))));
				// The nonce is spent.
				assert_eq!(refusal(chat_call(call(chat, nonce, rec(9)))), InvalidTransaction::Stale.into());
			}
			assert_eq!(
				refusal(chat_call(call(chat, MAX_INVITATIONS, rec(9)))),
				InvalidTransaction::ExhaustsResources.into()
			);
			// A chat the connector does not know (here: forgotten by it alone) sends nothing.
			let other = create_chat(2);
			pallet_connector::CreatedChats::<Test>::remove(other);
			let invitation = rec(9);
			let p = proof(2, other, 0, &invitation, &TAG);
			assert_eq!(refusal(chat_call(add_member_call(other, 0, &invitation, TAG, p))), Refusal::UnknownChat.into());
			pallet_connector::CreatedChats::<Test>::insert(other, ());
		});
	}

	#[test]
	fn join_at_and_past_its_limits() {
		build_and_execute(|| {
			let blob = |len: u32| vec![3; len as usize];
			assert_eq!(
				refusal(chat_call(join_call(3, 0x43, &blob(MAX_PART_BLOB_LEN + 1), &rec(3), [3; 32]))),
				Refusal::TooLarge.into()
			);
			for len in [RECORD_LEN - 1, RECORD_LEN + 1] {
				let response = vec![3; len as usize];
				assert_eq!(
					refusal(chat_call(join_call(3, 0x43, &blob(1), &response, [3; 32]))),
					Refusal::RecordLength.into()
				);
			}
			assert_ok!(chat_call(join_call(3, 0x43, &blob(MAX_PART_BLOB_LEN), &rec(3), [3; 32])));
			// The part exists, and the ticket is spent for any other part.
			assert_eq!(refusal(chat_call(join_call(3, 0x44, &blob(1), &rec(3), [3; 32]))), Refusal::PartExists.into());
			assert_eq!(refusal(chat_call(join_call(4, 0x43, &blob(1), &rec(4), [4; 32]))), TicketError::Spent.into());
		});
	}

	#[test]
	fn blob_writes_at_and_past_their_limits() {
		build_and_execute(|| {
			let part = join(1);
			assert_eq!(refusal(chat_call(blob_call(1, 0, &vec![1; MAX_PART_BLOB_LEN as usize + 1]))), Refusal::TooLarge.into());
			assert!(validity(blob_call(1, 1, &[1])).is_ok());
			assert_eq!(refusal(chat_call(blob_call(1, 1, &[1]))), InvalidTransaction::Future.into());
			assert_ok!(chat_call(blob_call(1, 0, &vec![1; MAX_PART_BLOB_LEN as usize])));
			assert_eq!(refusal(chat_call(blob_call(1, 0, &[2]))), InvalidTransaction::Stale.into());
			// The last nonce would leave the part none for its next call.
			Parts::<Test>::mutate(part, |p| p.as_mut().unwrap().nonce = PartNonce::MAX);
			assert_eq!(refusal(chat_call(blob_call(1, PartNonce::MAX, &[2]))), InvalidTransaction::ExhaustsResources.into());
			assert_eq!(refusal(chat_call(close_call(1, PartNonce::MAX, 10))), InvalidTransaction::ExhaustsResources.into());
		});
	}

	#[test]
	fn messages_at_and_past_their_limits() {
		build_and_execute(|| {
			let part = join(1);
			let full = vec![7; MAX_MESSAGE_LEN as usize];
			assert_eq!(refusal(chat_call(post_call(1, 0, &[]))), Refusal::Empty.into());
			assert_eq!(refusal(chat_call(post_call(1, 0, &vec![7; MAX_MESSAGE_LEN as usize + 1]))), Refusal::TooLarge.into());
			// Three messages of the largest size fill the mock's quota. The pool takes the
			// fourth while the part is still empty; the block does not, nor what follows it.
			for seq in 0..5 {
				assert!(validity(post_call(1, seq, &full)).is_ok());
			}
			for seq in 0..3 {
				assert_ok!(chat_call(post_call(1, seq, &full)));
			}
			assert_eq!(refusal(chat_call(post_call(1, 3, &full))), Refusal::QuotaExceeded.into());
			assert_eq!(refusal(chat_call(post_call(1, 4, &full))), InvalidTransaction::Future.into());
			assert_eq!(refusal(chat_call(post_call(1, 2, &[1]))), InvalidTransaction::Stale.into());
			// Deletes: a message once, an unknown one never.
			assert_ok!(chat_call(delete_call(1, 0, 1)));
			assert_eq!(refusal(chat_call(delete_call(1, 1, 1))), Refusal::UnknownMessage.into());
			assert_eq!(refusal(chat_call(delete_call(1, 1, 9))), Refusal::UnknownMessage.into());
			assert_eq!(refusal(chat_call(delete_call(1, 0, 0))), InvalidTransaction::Stale.into());
			// The last sequence number is never handed out.
			Parts::<Test>::mutate(part, |p| p.as_mut().unwrap().next_seq = Seq::MAX);
			assert_eq!(refusal(chat_call(post_call(1, Seq::MAX, &[1]))), InvalidTransaction::ExhaustsResources.into());
			// A closed part takes nothing more.
			assert_ok!(chat_call(close_call(1, 1, 10)));
			assert_eq!(refusal(chat_call(close_call(1, 2, 10))), Refusal::UnknownPart.into());
			assert_eq!(refusal(chat_call(post_call(1, Seq::MAX, &[1]))), Refusal::UnknownPart.into());
		});
	}

	#[test]
	fn renewals_at_and_past_their_limits() {
		build_and_execute(|| {
			let chat = create_chat(1);
			let part = join(1);
			assert_eq!(refusal(chat_call(renew_call(1, Lease::Chat(chat + 1)))), Refusal::UnknownChat.into());
			assert_eq!(refusal(chat_call(renew_call(1, Lease::Part(part_id(2))))), Refusal::UnknownPart.into());
			assert_ok!(chat_call(renew_call(1, Lease::Chat(chat))));
			assert_eq!(refusal(chat_call(renew_call(1, Lease::Chat(chat)))), TicketError::Spent.into());
			assert_ok!(chat_call(renew_call(2, Lease::Part(part))));
			// A lease that ended is not renewed, not even before `on_idle` removed it.
			System::set_block_number(Chat::part(part).unwrap().expires);
			assert_eq!(refusal(chat_call(renew_call(3, Lease::Part(part)))), Refusal::UnknownPart.into());
		});
	}
}

/// Every write draws on its part's (or chat's) allowance for the epoch: a base per epoch,
/// topped up by renewals, renewed by the next epoch; the pool serves light writers first.
mod allowances {
	use super::*;

	fn usage(part: PartId) -> Usage {
		Chat::part(part).unwrap().usage
	}

	fn priority(call: Call<Test>) -> u64 {
		validity(call).expect("valid").priority
	}

	#[test]
	fn a_part_writes_its_allowance_a_day_and_a_renewal_tops_it_up() {
		build_and_execute(|| {
			let part = join(1);
			// Messages and deletes alike count: freeing quota is not free.
			for seq in 0..WRITES_PER_EPOCH - 2 {
				assert_ok!(post(1, seq, &[seq as u8]));
			}
			assert_ok!(submit(delete_call(1, 0, 0)));
			assert_ok!(submit(blob_call(1, 1, &[1])));
			assert_eq!(usage(part), Usage { epoch: 0, writes: WRITES_PER_EPOCH, bytes: WRITES_PER_EPOCH - 1, top_ups: 0 });
			let seq = WRITES_PER_EPOCH - 2;
			assert_eq!(validity(post_call(1, seq, &[1])), refused(Refusal::AllowanceSpent));
			assert_eq!(validity(delete_call(1, 2, 1)), refused(Refusal::AllowanceSpent));
			assert_eq!(validity(blob_call(1, 2, &[1])), refused(Refusal::AllowanceSpent));
			assert_eq!(validity(close_call(1, 2, 100)), refused(Refusal::AllowanceSpent));

			// A renewal (a ticket) adds a top-up for this epoch: deletes here, which count
			// like any write.
			assert_ok!(submit(renew_call(1, Lease::Part(part))));
			assert_eq!(usage(part).top_ups, 1);
			for i in 0..TOP_UP_WRITES {
				assert_ok!(submit(delete_call(1, 2 + i, 1 + i)));
			}
			assert_eq!(validity(delete_call(1, 2 + TOP_UP_WRITES, 1 + TOP_UP_WRITES)), refused(Refusal::AllowanceSpent));
			assert_eq!(validity(post_call(1, seq, &[1])), refused(Refusal::AllowanceSpent));

			// The next epoch starts from nothing written, and no top-up.
			HashTickets::set_epoch(1);
			assert_ok!(post(1, seq, &[1]));
			assert_eq!(usage(part), Usage { epoch: 1, writes: 1, bytes: 1, top_ups: 0 });
		});
	}

	#[test]
	fn bytes_count_too() {
		build_and_execute(|| {
			let part = join(1);
			let full = vec![7; MAX_MESSAGE_LEN as usize];
			for seq in 0..3 {
				assert_ok!(post(1, seq, &full));
			}
			// 3 × 512 of 4 × 512 bytes: a blob of 256 fits twice, a byte more does not.
			assert_ok!(submit(blob_call(1, 0, &[2; 256])));
			assert_ok!(submit(blob_call(1, 1, &[3; 256])));
			assert_eq!(usage(part).bytes, WRITE_BYTES_PER_EPOCH);
			assert_eq!(validity(blob_call(1, 2, &[4])), refused(Refusal::AllowanceSpent));
			// A delete writes no bytes, so it still fits.
			assert_ok!(submit(delete_call(1, 2, 0)));
			assert_ok!(submit(renew_call(1, Lease::Part(part))));
			assert_ok!(submit(blob_call(1, 3, &[4])));
		});
	}

	#[test]
	fn the_pool_serves_light_writers_first() {
		build_and_execute(|| {
			join(1);
			join(2);
			for seq in 0..5 {
				assert_ok!(post(1, seq, &[1]));
			}
			// Part 2 has written nothing today: its next message goes before part 1's.
			assert_eq!(priority(post_call(2, 0, &[1])), pallet_ring::FRESH_PRIORITY);
			assert_eq!(priority(post_call(1, 5, &[1])), pallet_ring::FRESH_PRIORITY - 5);
			// Bytes weigh too: a KiB counts as a write.
			assert_ok!(post(2, 0, &vec![1; MAX_MESSAGE_LEN as usize]));
			assert_ok!(post(2, 1, &vec![1; MAX_MESSAGE_LEN as usize]));
			assert_eq!(priority(post_call(2, 2, &[1])), pallet_ring::FRESH_PRIORITY - 3);
			// A ticket is an allowance of its own.
			assert_eq!(priority(renew_call(1, Lease::Part(part_id(1)))), pallet_ring::FRESH_PRIORITY);
		});
	}

	#[test]
	fn a_chat_sends_its_invitations_a_day() {
		build_and_execute(|| {
			let chat = create_chat(1);
			for nonce in 0..INVITATIONS_PER_EPOCH as u64 {
				assert_ok!(add(chat, 1, nonce, rec(9)));
			}
			let nonce = INVITATIONS_PER_EPOCH as u64;
			let p = proof(1, chat, nonce, &rec(9), &TAG);
			assert_eq!(validity(add_member_call(chat, nonce, &rec(9), TAG, p)), refused(Refusal::AllowanceSpent));
			// The next day the chat invites again (up to its MaxInvitations in its life).
			HashTickets::set_epoch(1);
			assert_ok!(add(chat, 1, nonce, rec(9)));
			assert_eq!(Chat::chat(chat).unwrap().usage, Usage { epoch: 1, writes: 1, bytes: 0, top_ups: 0 });
		});
	}

	#[test]
	fn the_upgrade_counts_from_the_current_epoch_with_nothing_written_and_messages_at_their_state() {
		use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
		build_and_execute(|| {
			let chat = create_chat(1);
			let part = join(1);
			assert_ok!(post(1, 0, &[1]));
			let (chat_info, part_info) = (Chat::chat(chat).unwrap(), Chat::part(part).unwrap());
			// The same values as version 1 stored them, without a usage.
			let v1_chat = crate::migrations::v1::ChatInfo::<Test> {
				membership_key: chat_info.membership_key,
				nonce: chat_info.nonce,
				sealed_key: chat_info.sealed_key.clone(),
				expires: chat_info.expires,
			};
			let v1_part = crate::migrations::v1::PartInfo::<Test> {
				next_seq: part_info.next_seq,
				nonce: part_info.nonce,
				messages: part_info.messages,
				// Version 1 counted 64 bytes besides a message's ciphertext.
				used: part_info.used - part_info.messages * (MESSAGE_OVERHEAD - crate::migrations::v1::MESSAGE_OVERHEAD),
				blob: part_info.blob.clone(),
				expires: part_info.expires,
			};
			frame_support::storage::unhashed::put(&Chats::<Test>::hashed_key_for(chat), &v1_chat);
			frame_support::storage::unhashed::put(&Parts::<Test>::hashed_key_for(part), &v1_part);
			StorageVersion::new(1).put::<Chat>();
			HashTickets::set_epoch(3);

			PartsCreated::<Test>::kill();

			crate::migrations::MigrateV1ToV2::<Test>::on_runtime_upgrade();
			assert_eq!(Chat::on_chain_storage_version(), StorageVersion::new(2));
			crate::migrations::MigrateV2ToV3::<Test>::on_runtime_upgrade();
			assert_eq!(Chat::on_chain_storage_version(), StorageVersion::new(3));
			let fresh = Usage { epoch: 3, ..Usage::default() };
			assert_eq!(Chat::chat(chat).unwrap(), ChatInfo { usage: fresh, ..chat_info });
			assert_eq!(Chat::part(part).unwrap(), PartInfo { usage: fresh, ..part_info });
			// Run again, they change nothing.
			crate::migrations::MigrateV1ToV2::<Test>::on_runtime_upgrade();
			crate::migrations::MigrateV2ToV3::<Test>::on_runtime_upgrade();
			assert_eq!(Chat::part(part).unwrap().usage, fresh);
			assert_eq!(PartsCreated::<Test>::get(), 1);
		});
	}

	#[test]
	fn the_upgrade_gives_every_part_an_incarnation_of_its_own() {
		use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
		build_and_execute(|| {
			let parts = [join(1), join(2), join(3)];
			// The parts as version 2 stored them, without an incarnation.
			for part in parts {
				let info = Chat::part(part).unwrap();
				let v2_part = crate::migrations::v2::PartInfo::<Test> {
					next_seq: info.next_seq,
					nonce: info.nonce,
					messages: info.messages,
					used: info.used,
					blob: info.blob.clone(),
					expires: info.expires,
					usage: info.usage,
				};
				frame_support::storage::unhashed::put(&Parts::<Test>::hashed_key_for(part), &v2_part);
			}
			PartsCreated::<Test>::kill();
			StorageVersion::new(2).put::<Chat>();

			crate::migrations::MigrateV2ToV3::<Test>::on_runtime_upgrade();
			assert_eq!(Chat::on_chain_storage_version(), StorageVersion::new(3));
			let mut incarnations: Vec<Incarnation> = parts.iter().map(|p| Chat::part(*p).unwrap().incarnation).collect();
			incarnations.sort();
			assert_eq!(incarnations, vec![0, 1, 2]);
			assert_eq!(PartsCreated::<Test>::get(), 3);
			// Each part writes with its own; the next part is another.
			assert_ok!(post(2, 0, &[1; 10]));
			assert_eq!(Chat::part(join(4)).unwrap().incarnation, 3);
		});
	}
}
