//! Unit tests of the connector: every call's success path and every error, events,
//! deposits held and released, records posted by chats and joins only, pruning order and
//! bounds, origin checks. Every test
//! ends with the pallet's `do_try_state` invariants (see `mock::build_and_execute`).

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Hooks},
	weights::Weight,
};
use sp_runtime::{traits::BadOrigin, DispatchError};

/// A valid X25519 public key (an arbitrary point of large order).
fn key(n: u8) -> EncryptionKey {
	let mut k = [n; 32];
	k[31] = 0x10;
	k
}

/// The ring key of an account in these tests.
fn ring(who: AccountId) -> RingKey {
	[who as u8; 32]
}

/// `ring_key`'s signature of `who`'s registration (the mock VRF's key is its own secret,
/// so any key can sign here).
fn possession(who: AccountId, ring_key: RingKey) -> [u8; 32] {
	use verifiable::GenerateVerifiable;
	verifiable::mock::Mock::sign(&ring_key, &Connector::register_message(&who)).unwrap()
}

fn held(reason: HoldReason, who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Connector(reason), &who)
}

/// A payload of the record length, all bytes `b`.
fn record(b: u8) -> Vec<u8> {
	vec![b; RECORD_LEN as usize]
}

fn chat_origin(chat: u64) -> RuntimeOrigin {
	mock_chat::Origin::Chat(chat).into()
}

/// Record `id` as stored in its page, if it is there.
fn stored(id: RecordId) -> Option<Record<Test>> {
	let (page, index) = Connector::locate(id, OldestRecordId::<Test>::get())?;
	RecordPages::<Test>::get(page)?.get(index).cloned()
}

/// How many records each stored page holds, by page.
fn page_lengths() -> Vec<(u64, usize)> {
	let mut pages: Vec<_> = RecordPages::<Test>::iter().map(|(page, records)| (page, records.len())).collect();
	pages.sort();
	pages
}

fn run_to(block: u64) {
	System::set_block_number(block);
	Connector::on_idle(block, Weight::MAX);
}

/// Pages of three records (the mock's `RecordsPerPage`): where an id is, given the
/// oldest kept.
#[test]
fn locate_finds_a_record_by_page_and_index() {
	assert_eq!(crate::mock::RECORDS_PER_PAGE, 3);
	assert_eq!(Connector::locate(0, 0), Some((0, 0)));
	assert_eq!(Connector::locate(7, 0), Some((2, 1)));
	// The oldest page is short at its start.
	assert_eq!(Connector::locate(7, 7), Some((2, 0)));
	assert_eq!(Connector::locate(8, 7), Some((2, 1)));
	assert_eq!(Connector::locate(9, 7), Some((3, 0)));
	// Pruned.
	assert_eq!(Connector::locate(6, 7), None);
}

mod keys {
	use super::*;

	#[test]
	fn valid_and_malformed_keys() {
		assert!(is_valid_encryption_key(&key(7)));
		// libsodium's small-order points.
		assert!(!is_valid_encryption_key(&[0; 32]));
		let mut one = [0u8; 32];
		one[0] = 1;
		assert!(!is_valid_encryption_key(&one));
		let order8 = [
			0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
			0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
			0xb8, 0x00,
		];
		assert!(!is_valid_encryption_key(&order8));
		// The top bit set: not a canonical encoding.
		let mut high = key(7);
		high[31] |= 0x80;
		assert!(!is_valid_encryption_key(&high));
		// p + 2 and 2^255 - 1: at or above the field prime.
		let mut above_p = [0xff; 32];
		above_p[31] = 0x7f;
		assert!(!is_valid_encryption_key(&above_p));
		above_p[0] = 0xef;
		assert!(!is_valid_encryption_key(&above_p));
		// p - 20, just below the prime and not of small order, is fine.
		above_p[0] = 0xd9;
		assert!(is_valid_encryption_key(&above_p));
	}

	#[test]
	fn register_key_stores_key_and_holds_deposit() {
		build_and_execute(|| {
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(1), ring(ALICE), possession(ALICE, ring(ALICE))));
			System::assert_last_event(Event::KeyRegistered { who: ALICE, key: key(1) }.into());
			assert_eq!(Connector::encryption_keys(ALICE), vec![KeyEntry { key: key(1), since: 1 }]);
			assert_eq!(held(HoldReason::Keys, ALICE), KEY_DEPOSIT);
		});
	}

	#[test]
	fn the_first_registration_enrolls_the_ring_key_for_good() {
		build_and_execute(|| {
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(1), ring(ALICE), possession(ALICE, ring(ALICE))));
			System::assert_has_event(Event::Registered { who: ALICE, ring_key: ring(ALICE) }.into());
			assert_eq!(Registrations::<Test>::get(ALICE).map(|r| r.ring_key), Some(ring(ALICE)));
			assert_eq!(held(HoldReason::Registration, ALICE), REGISTRATION_DEPOSIT);
			assert_eq!(Ring::placement(ring(ALICE)), Some(pallet_ring::Placement::Queued));

			// A rotation keeps the registration; another ring key is refused.
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(2), ring(ALICE), possession(ALICE, ring(ALICE))));
			assert_noop!(
				Connector::register_key(RuntimeOrigin::signed(ALICE), key(3), ring(BOB), possession(ALICE, ring(BOB))),
				Error::<Test>::RingKeyChanged
			);
			assert_eq!(held(HoldReason::Registration, ALICE), REGISTRATION_DEPOSIT);

			// A ring key is one account's: even holding Alice's ring key, Bob cannot
			// enroll it again.
			assert_noop!(
				Connector::register_key(RuntimeOrigin::signed(BOB), key(4), ring(ALICE), possession(BOB, ring(ALICE))),
				pallet_ring::Error::<Test>::AlreadyEnrolled
			);

			// Clearing the keys keeps the registration (the ring key stays in its ring);
			// registering again needs no new deposit.
			assert_ok!(Connector::clear_keys(RuntimeOrigin::signed(ALICE)));
			assert_eq!(held(HoldReason::Registration, ALICE), REGISTRATION_DEPOSIT);
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(1), ring(ALICE), possession(ALICE, ring(ALICE))));
			assert_eq!(held(HoldReason::Registration, ALICE), REGISTRATION_DEPOSIT);
			assert_eq!(Balances::free_balance(ALICE), INITIAL_BALANCE - REGISTRATION_DEPOSIT - KEY_DEPOSIT);
		});
	}

	#[test]
	fn registering_the_same_key_again_is_a_no_op() {
		build_and_execute(|| {
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(1), ring(ALICE), possession(ALICE, ring(ALICE))));
			let events = System::events().len();
			System::set_block_number(5);
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(1), ring(ALICE), possession(ALICE, ring(ALICE))));
			assert_eq!(System::events().len(), events, "no event for a no-op");
			assert_eq!(Connector::encryption_keys(ALICE), vec![KeyEntry { key: key(1), since: 1 }]);
			assert_eq!(held(HoldReason::Keys, ALICE), KEY_DEPOSIT);
		});
	}

	#[test]
	fn rotation_keeps_history_and_drops_oldest_when_full() {
		build_and_execute(|| {
			for (block, n) in [(1, 1), (2, 2), (3, 3)] {
				System::set_block_number(block);
				assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(n), ring(ALICE), possession(ALICE, ring(ALICE))));
			}
			assert_eq!(
				Connector::encryption_keys(ALICE).iter().map(|e| (e.key, e.since)).collect::<Vec<_>>(),
				vec![(key(1), 1), (key(2), 2), (key(3), 3)]
			);
			assert_eq!(held(HoldReason::Keys, ALICE), 3 * KEY_DEPOSIT);

			// The history holds MAX_KEY_HISTORY (3) keys: the fourth drops the first, and
			// the deposit stays at three keys' worth.
			System::set_block_number(4);
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(4), ring(ALICE), possession(ALICE, ring(ALICE))));
			assert_eq!(
				Connector::encryption_keys(ALICE).iter().map(|e| e.key).collect::<Vec<_>>(),
				vec![key(2), key(3), key(4)]
			);
			assert_eq!(held(HoldReason::Keys, ALICE), 3 * KEY_DEPOSIT);

			// Going back to an earlier key is a rotation like any other.
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(3), ring(ALICE), possession(ALICE, ring(ALICE))));
			assert_eq!(Connector::encryption_keys(ALICE).last().map(|e| e.key), Some(key(3)));
		});
	}

	#[test]
	fn register_key_errors() {
		build_and_execute(|| {
			assert_noop!(
				Connector::register_key(RuntimeOrigin::signed(ALICE), [0; 32], ring(ALICE), possession(ALICE, ring(ALICE))),
				Error::<Test>::MalformedKey
			);
			assert_noop!(
				Connector::register_key(RuntimeOrigin::signed(POOR), key(1), ring(POOR), possession(POOR, ring(POOR))),
				Error::<Test>::InsufficientBalance
			);
			assert_noop!(Connector::register_key(RuntimeOrigin::none(), key(1), ring(ALICE), possession(ALICE, ring(ALICE))), BadOrigin);
			assert_noop!(Connector::register_key(RuntimeOrigin::root(), key(1), ring(ALICE), possession(ALICE, ring(ALICE))), BadOrigin);
		});
	}

	/// Whoever copies a pending registration's ring key cannot enroll it first: the ring
	/// key must sign the account that registers it, on this chain.
	#[test]
	fn a_ring_key_is_enrolled_only_by_its_holder() {
		build_and_execute(|| {
			let copied = possession(ALICE, ring(ALICE));
			// Alice's signature, presented by Bob; a signature for Bob by another key;
			// one for Bob on another chain; bytes that are no signature.
			let elsewhere = {
				use verifiable::GenerateVerifiable;
				let message = crate::register_message(&[0x99u8; 32], &BOB);
				verifiable::mock::Mock::sign(&ring(ALICE), &message).unwrap()
			};
			for forged in [copied, possession(BOB, ring(BOB)), elsewhere, [0; 32]] {
				assert_noop!(
					Connector::register_key(RuntimeOrigin::signed(BOB), key(4), ring(ALICE), forged),
					Error::<Test>::RingKeyNotProven
				);
			}
			assert_eq!(Ring::placement(ring(ALICE)), None);
			assert!(Registrations::<Test>::get(BOB).is_none());
			assert_eq!(held(HoldReason::Registration, BOB), 0);

			// Alice's own registration goes through. A rotation names the ring key proven
			// then, and is not asked to prove it again.
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(1), ring(ALICE), copied));
			assert_eq!(Ring::placement(ring(ALICE)), Some(pallet_ring::Placement::Queued));
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(2), ring(ALICE), [0; 32]));
			assert_eq!(Connector::encryption_keys(ALICE).last().map(|e| e.key), Some(key(2)));
		});
	}

	#[test]
	fn clear_keys_releases_the_deposit() {
		build_and_execute(|| {
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(1), ring(ALICE), possession(ALICE, ring(ALICE))));
			assert_ok!(Connector::register_key(RuntimeOrigin::signed(ALICE), key(2), ring(ALICE), possession(ALICE, ring(ALICE))));
			assert_ok!(Connector::clear_keys(RuntimeOrigin::signed(ALICE)));
			System::assert_last_event(Event::KeysCleared { who: ALICE }.into());
			assert!(Connector::encryption_keys(ALICE).is_empty());
			assert_eq!(held(HoldReason::Keys, ALICE), 0);
			// The registration's deposit stays: the ring key stays in its ring.
			assert_eq!(Balances::free_balance(ALICE), INITIAL_BALANCE - REGISTRATION_DEPOSIT);

			assert_noop!(Connector::clear_keys(RuntimeOrigin::signed(ALICE)), Error::<Test>::NoKey);
			assert_noop!(Connector::clear_keys(RuntimeOrigin::none()), BadOrigin);
		});
	}
}

mod records {
	use super::*;

	/// A record as a joiner's response (under `tag`) or as chat 0's invitation (under a
	/// tag of its own, random in real use); chat 0 must be registered.
	fn post(payload: Vec<u8>, tag: RendezvousTag, invitation: bool) -> DispatchResult {
		if invitation {
			Connector::add_member(chat_origin(0), payload, tag)
		} else {
			Connector::post_response(payload, tag).map(|_| ())
		}
	}

	fn build_with_chat(test: impl FnOnce()) {
		build_and_execute(|| {
			CreatedChats::<Test>::insert(0, ());
			test()
		})
	}

	#[test]
	fn records_are_appended_with_increasing_ids_and_name_nobody() {
		build_with_chat(|| {
			assert_ok!(post(record(1), [8; 32], true));
			System::assert_last_event(Event::RecordPosted { id: 0, tag: [8; 32] }.into());
			System::set_block_number(2);
			assert_ok!(post(record(2), [9; 32], false));
			System::assert_last_event(Event::RecordPosted { id: 1, tag: [9; 32] }.into());

			assert_eq!(NextRecordId::<Test>::get(), 2);
			assert_eq!(OldestRecordId::<Test>::get(), 0);
			let first = stored(0).unwrap();
			assert_eq!((first.payload.to_vec(), first.block, first.tag), (record(1), 1, [8; 32]));
			let second = stored(1).unwrap();
			assert_eq!((second.block, second.tag), (2, [9; 32]));
			assert!(TaggedRecords::<Test>::contains_key([8; 32], 0) && TaggedRecords::<Test>::contains_key([9; 32], 1));
			// Nobody paid for them.
			assert_eq!(Balances::free_balance(ALICE), INITIAL_BALANCE);
		});
	}

	#[test]
	fn every_record_has_the_record_length() {
		build_with_chat(|| {
			let len = RECORD_LEN as usize;
			assert_ok!(post(vec![7; len], [1; 32], false));
			assert_ok!(post(vec![7; len], [1; 32], true));
			for wrong in [0, 1, len - 1, len + 1] {
				for invitation in [false, true] {
					assert_noop!(post(vec![7; wrong], [1; 32], invitation), Error::<Test>::WrongRecordLength);
				}
			}
		});
	}

	#[test]
	fn pages_follow_id_order_and_report_next_and_oldest() {
		build_with_chat(|| {
			for i in 0..6u8 {
				assert_ok!(post(record(i), [i; 32], true));
			}
			let ids = |page: &RecordsPage<Test>| page.records.iter().map(|(id, _)| *id).collect::<Vec<_>>();
			let page = Connector::records(0, 100);
			// Capped at MAX_PAGE_LEN.
			assert_eq!(ids(&page), vec![0, 1, 2, 3]);
			assert_eq!((page.next_id, page.oldest_id), (6, 0));
			assert_eq!(page.records[2].1.payload.to_vec(), record(2));
			assert_eq!(page.records[2].1.block, 1);

			// Two pages of three records; a page of the view crosses them.
			assert_eq!(page_lengths(), vec![(0, 3), (1, 3)]);
			assert_eq!(ids(&Connector::records(2, 3)), vec![2, 3, 4]);
			assert_eq!(ids(&Connector::records(4, 100)), vec![4, 5]);
			assert_eq!(ids(&Connector::records(1, 2)), vec![1, 2]);
			assert!(Connector::records(6, 10).records.is_empty());
			assert!(Connector::records(u64::MAX, 10).records.is_empty());
		});
	}

	#[test]
	fn records_by_tag_finds_every_record_with_the_tag() {
		build_with_chat(|| {
			let tag = [5; 32];
			assert_ok!(post(record(1), tag, false));
			assert_ok!(post(record(2), [6; 32], true));
			// A tag may be reused; clients tell genuine records apart cryptographically.
			assert_ok!(post(record(3), tag, true));
			// And in another page.
			assert_ok!(post(record(4), [6; 32], false));
			assert_ok!(post(record(5), tag, false));
			let found = Connector::records_by_tag(tag);
			assert_eq!(found.iter().map(|(id, r)| (*id, r.payload.to_vec())).collect::<Vec<_>>(), vec![
				(0, record(1)),
				(2, record(3)),
				(4, record(5))
			]);
			assert!(Connector::records_by_tag([7; 32]).is_empty());
		});
	}
}

mod pruning {
	use super::*;

	#[test]
	fn expired_pages_are_pruned_oldest_first() {
		build_and_execute(|| {
			// Records at blocks 1 to 7, lifetime 100: pages [1, 2, 3], [4, 5, 6] and [7],
			// the last still filling.
			for block in 1..=7u64 {
				System::set_block_number(block);
				assert_ok!(Connector::post_response(record(block as u8), [block as u8; 32]));
			}

			run_to(102);
			assert_eq!(OldestRecordId::<Test>::get(), 0, "the first page's newest record expires at block 103");

			run_to(103);
			assert_eq!(OldestRecordId::<Test>::get(), 3);
			assert!(stored(0).is_none() && stored(2).is_none());
			assert!(!TaggedRecords::<Test>::contains_key([1; 32], 0));
			assert!(stored(3).is_some());
			System::assert_last_event(Event::RecordsPruned { count: 3, oldest: 3 }.into());

			// The last page stays until it is full, however old its records are.
			run_to(500);
			assert_eq!(OldestRecordId::<Test>::get(), 6);
			assert_eq!(page_lengths(), vec![(2, 1)]);
			let page = Connector::records(0, 10);
			assert_eq!(page.records.iter().map(|(id, r)| (*id, r.block)).collect::<Vec<_>>(), vec![(6, 7)]);
			assert_eq!((page.oldest_id, page.next_id), (6, 7));

			// Filled at block 500, it expires at block 600.
			assert_ok!(Connector::post_response(record(8), [8; 32]));
			assert_ok!(Connector::post_response(record(9), [9; 32]));
			run_to(599);
			assert_eq!(OldestRecordId::<Test>::get(), 6);
			run_to(600);
			assert_eq!(OldestRecordId::<Test>::get(), 9);
			assert!(page_lengths().is_empty());
			let page = Connector::records(0, 10);
			assert!(page.records.is_empty());
			assert_eq!((page.oldest_id, page.next_id), (9, 9));

			// The log goes on in the next page.
			assert_ok!(Connector::post_response(record(10), [10; 32]));
			assert_eq!(page_lengths(), vec![(3, 1)]);
			assert_eq!(stored(9).unwrap().tag, [10; 32]);
		});
	}

	#[test]
	fn pruning_stays_within_the_weight_given() {
		build_and_execute(|| {
			// Five full pages.
			for i in 0..15u8 {
				assert_ok!(Connector::post_response(record(1), [i; 32]));
			}
			System::set_block_number(200);

			// Not even the base weight: nothing happens.
			assert_eq!(Connector::prune_expired(200, Weight::zero()), Weight::zero());
			assert_eq!(OldestRecordId::<Test>::get(), 0);

			// Room for exactly two pages.
			let two = <() as WeightInfo>::prune_pages(2);
			assert_eq!(Connector::prune_expired(200, two), two);
			assert_eq!(OldestRecordId::<Test>::get(), 6);
			System::assert_last_event(Event::RecordsPruned { count: 6, oldest: 6 }.into());

			// The rest with plenty of weight.
			let used = Connector::prune_expired(200, Weight::MAX);
			assert_eq!(used, <() as WeightInfo>::prune_pages(3));
			assert_eq!(OldestRecordId::<Test>::get(), 15);

			// An empty log costs only the base.
			assert_eq!(Connector::prune_expired(201, Weight::MAX), <() as WeightInfo>::prune_pages(0));
		});
	}

	#[test]
	fn an_on_idle_pass_never_uses_more_than_it_was_given() {
		build_and_execute(|| {
			let pages = 4u32;
			for i in 0..pages * RECORDS_PER_PAGE {
				assert_ok!(Connector::post_response(record(9), [i as u8; 32]));
			}
			let full = <() as WeightInfo>::prune_pages(pages);
			// Every limit from nothing to more than the whole log needs, in small steps.
			let steps = 97u64;
			for step in 0..=steps {
				let limit = Weight::from_parts(
					full.ref_time() * step / (steps - 10),
					full.proof_size() * step / (steps - 10),
				);
				let used = frame_support::storage::with_transaction(|| {
					let used = Connector::on_idle(200, limit);
					let pruned = OldestRecordId::<Test>::get() as u32 / RECORDS_PER_PAGE;
					sp_runtime::TransactionOutcome::Rollback(Ok::<_, DispatchError>((used, pruned)))
				})
				.unwrap();
				let (used, pruned) = used;
				assert!(limit.all_gte(used), "step {step}: used {used:?} of {limit:?}");
				// It prunes as many pages as the limit pays for, not fewer.
				let affordable = (0..=pages)
					.take_while(|k| limit.all_gte(<() as WeightInfo>::prune_pages(*k)))
					.last();
				assert_eq!(affordable.unwrap_or(0), pruned, "step {step}");
			}
			run_to(200);
			assert_eq!(OldestRecordId::<Test>::get(), u64::from(pages * RECORDS_PER_PAGE));
		});
	}
}

mod migration {
	use super::*;
	use crate::migrations::{v0, MigrateV0ToV1};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	/// A version 0 log of the ids `oldest..next`, record `id` at block `id` with tag `[id; 32]`.
	fn old_log(oldest: u64, next: u64) {
		StorageVersion::new(0).put::<Connector>();
		for id in oldest..next {
			let record = Record::<Test> {
				payload: record(id as u8).try_into().unwrap(),
				block: id,
				tag: [id as u8; 32],
			};
			v0::Records::<Test>::insert(id, record);
			TaggedRecords::<Test>::insert([id as u8; 32], id, ());
		}
		OldestRecordId::<Test>::put(oldest);
		NextRecordId::<Test>::put(next);
	}

	#[test]
	fn the_log_moves_into_pages_with_its_ids() {
		build_and_execute(|| {
			old_log(5, 12);
			MigrateV0ToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Connector::on_chain_storage_version(), 1);
			assert_eq!(v0::Records::<Test>::iter().count(), 0);

			// The oldest page starts at the oldest record kept.
			assert_eq!(page_lengths(), vec![(1, 1), (2, 3), (3, 3)]);
			let page = Connector::records(0, 4);
			assert_eq!(page.records.iter().map(|(id, r)| (*id, r.block)).collect::<Vec<_>>(), vec![
				(5, 5),
				(6, 6),
				(7, 7),
				(8, 8)
			]);
			assert_eq!((page.oldest_id, page.next_id), (5, 12));
			assert_eq!(Connector::records_by_tag([9; 32]).iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![9]);
			Connector::do_try_state().unwrap();

			// It ran once: a second upgrade changes nothing.
			MigrateV0ToV1::<Test>::on_runtime_upgrade();
			assert_eq!(page_lengths(), vec![(1, 1), (2, 3), (3, 3)]);

			// Pruning goes on from there, then appending.
			run_to(106);
			assert_eq!(OldestRecordId::<Test>::get(), 6, "the oldest page's one record has expired");
			System::assert_last_event(Event::RecordsPruned { count: 1, oldest: 6 }.into());
			assert_ok!(Connector::post_response(record(12), [12; 32]));
			assert_eq!(page_lengths(), vec![(2, 3), (3, 3), (4, 1)]);
			assert_eq!(stored(12).unwrap().tag, [12; 32]);
		});
	}

	#[cfg(feature = "try-runtime")]
	#[test]
	fn the_migration_checks_itself() {
		build_and_execute(|| {
			old_log(5, 12);
			MigrateV0ToV1::<Test>::try_on_runtime_upgrade(true).expect("pre- and post-upgrade checks pass");
			assert_eq!(page_lengths(), vec![(1, 1), (2, 3), (3, 3)]);
		});
	}

	#[test]
	fn an_empty_log_moves_too() {
		build_and_execute(|| {
			old_log(7, 7);
			MigrateV0ToV1::<Test>::on_runtime_upgrade();
			assert_eq!(Connector::on_chain_storage_version(), 1);
			assert!(page_lengths().is_empty());
			// The next record starts its page at its own id.
			assert_ok!(Connector::post_response(record(7), [7; 32]));
			assert_eq!(page_lengths(), vec![(2, 1)]);
			assert_eq!(Connector::records(0, 4).records.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![7]);
			assert_ok!(Connector::post_response(record(8), [8; 32]));
			assert_ok!(Connector::post_response(record(9), [9; 32]));
			assert_eq!(page_lengths(), vec![(2, 2), (3, 1)]);
		});
	}
}

mod chats {
	use super::*;
	use frame_support::{
		pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
		traits::Authorize,
	};
	use pallet_ring::testing::HashTickets;

	/// A ticket of `slot` (alias `alias`) for creating a chat with `params`.
	fn ticket(alias: u8, params: u32) -> pallet_ring::testing::HashTicket {
		HashTickets::ticket(0, [alias; 32], &Connector::create_chat_message(&params))
	}

	/// Authorizes and dispatches `create_chat` as the transaction extension does.
	fn create(alias: u8, params: u32) -> DispatchResult {
		let call = Call::<Test>::create_chat { ticket: ticket(alias, params), params };
		call.authorize(TransactionSource::External)
			.expect("create_chat is authorized by tickets")
			.map_err(|_| DispatchError::Other("refused by authorize"))?;
		Connector::create_chat(frame_system::RawOrigin::Authorized.into(), ticket(alias, params), params)
	}

	fn authorize(ticket: pallet_ring::testing::HashTicket, params: u32) -> Result<(), TransactionValidityError> {
		let call = Call::<Test>::create_chat { ticket, params };
		call.authorize(TransactionSource::External).expect("authorized by tickets").map(|_| ())
	}

	#[test]
	fn create_chat_registers_the_spawned_chat() {
		build_and_execute(|| {
			assert_ok!(create(1, 7));
			System::assert_last_event(Event::ChatCreated { chat: 0 }.into());
			assert!(CreatedChats::<Test>::contains_key(0));
			assert_ok!(create(2, 7));
			assert!(CreatedChats::<Test>::contains_key(1));
			// Nobody paid or holds anything for it.
			assert_eq!(Balances::free_balance(ALICE), INITIAL_BALANCE);
		});
	}

	#[test]
	fn a_ticket_authorizes_one_creation_of_the_params_it_signs() {
		build_and_execute(|| {
			// The ticket signs the params: moved to other params, it is refused.
			let bad_proof = TransactionValidityError::Invalid(InvalidTransaction::Custom(
				pallet_ring::TicketError::BadProof.code(),
			));
			assert_eq!(authorize(ticket(1, 7), 8), Err(bad_proof));
			assert_eq!(authorize(ticket(1, 7), 7), Ok(()));
			assert_ok!(create(1, 7));
			// Spent: refused before dispatch, and at dispatch if it got that far.
			let spent = TransactionValidityError::Invalid(InvalidTransaction::Custom(
				pallet_ring::TicketError::Spent.code(),
			));
			assert_eq!(authorize(ticket(1, 7), 7), Err(spent));
			assert_noop!(
				Connector::create_chat(frame_system::RawOrigin::Authorized.into(), ticket(1, 7), 7),
				Error::<Test>::TicketSpent
			);
		});
	}

	#[test]
	fn a_chat_id_is_registered_once() {
		build_and_execute(|| {
			assert_ok!(create(1, 7));
			// A chat pallet that handed out the same id twice is refused.
			mock_chat::NextChat::<Test>::put(0);
			assert_noop!(
				Connector::create_chat(frame_system::RawOrigin::Authorized.into(), ticket(2, 7), 7),
				Error::<Test>::ChatExists
			);
		});
	}

	#[test]
	fn create_chat_errors() {
		build_and_execute(|| {
			// Params the chat pallet refuses never reach a block: the refusal comes before
			// the ticket is checked, so a ticket is never left unspent by a failed call.
			assert_eq!(
				authorize(ticket(1, BAD_CHAT_PARAMS), BAD_CHAT_PARAMS),
				Err(InvalidTransaction::Custom(BAD_CHAT_PARAMS_CODE).into())
			);
			assert_noop!(
				Connector::create_chat(frame_system::RawOrigin::Authorized.into(), ticket(1, BAD_CHAT_PARAMS), BAD_CHAT_PARAMS),
				DispatchError::Other("mock chat pallet refuses these params")
			);
			// Only an authorized (ticket-carrying, signer-less) transaction creates chats:
			// not a signed one, not a bare one, not a chat.
			for origin in [RuntimeOrigin::signed(ALICE), RuntimeOrigin::none(), chat_origin(0)] {
				assert_noop!(Connector::create_chat(origin, ticket(1, 7), 7), BadOrigin);
			}
		});
	}

	#[test]
	fn a_created_chat_adds_a_member_without_any_deposit() {
		build_and_execute(|| {
			assert_ok!(create(1, 7));
			assert_ok!(Connector::add_member(chat_origin(0), record(3), [4; 32]));
			System::assert_last_event(Event::RecordPosted { id: 0, tag: [4; 32] }.into());

			let record = stored(0).unwrap();
			assert_eq!(record.payload.to_vec(), super::record(3));
			assert_eq!(Balances::free_balance(ALICE), INITIAL_BALANCE);
		});
	}

	#[test]
	fn a_forgotten_chat_adds_no_more_members() {
		build_and_execute(|| {
			assert_ok!(create(1, 7));
			assert!(Connector::is_created_chat(0));
			Connector::forget_chat(0);
			assert!(!Connector::is_created_chat(0));
			assert_noop!(Connector::add_member(chat_origin(0), record(1), [1; 32]), Error::<Test>::UnknownChat);
		});
	}

	#[test]
	fn only_chats_created_by_the_connector_may_add_members() {
		build_and_execute(|| {
			// Users, root and unsigned origins are not chats.
			assert_noop!(Connector::add_member(RuntimeOrigin::signed(ALICE), record(1), [1; 32]), BadOrigin);
			assert_noop!(Connector::add_member(RuntimeOrigin::root(), record(1), [1; 32]), BadOrigin);
			assert_noop!(Connector::add_member(RuntimeOrigin::none(), record(1), [1; 32]), BadOrigin);
			// A chat origin for a chat this connector never created.
			assert_noop!(Connector::add_member(chat_origin(3), record(1), [1; 32]), Error::<Test>::UnknownChat);

			assert_ok!(create(1, 7));
			assert_noop!(Connector::add_member(chat_origin(1), record(1), [1; 32]), Error::<Test>::UnknownChat);
			assert_ok!(Connector::add_member(chat_origin(0), record(1), [1; 32]));
		});
	}

	#[test]
	fn add_member_payload_errors() {
		build_and_execute(|| {
			assert_ok!(create(1, 7));
			assert_noop!(
				Connector::add_member(chat_origin(0), vec![1; RECORD_LEN as usize + 1], [1; 32]),
				Error::<Test>::WrongRecordLength
			);
			assert_noop!(Connector::add_member(chat_origin(0), vec![], [1; 32]), Error::<Test>::WrongRecordLength);
		});
	}

	#[test]
	fn invitations_are_pruned_like_any_record() {
		build_and_execute(|| {
			assert_ok!(create(1, 7));
			for i in 0..RECORDS_PER_PAGE {
				assert_ok!(Connector::add_member(chat_origin(0), record(1), [i as u8; 32]));
			}
			let later = 1 + RecordLifetime::get();
			Connector::on_idle(later, Weight::MAX);
			assert_eq!(stored(0), None);
			assert_eq!(OldestRecordId::<Test>::get(), u64::from(RECORDS_PER_PAGE));
		});
	}
}
