//! Unit tests of the ring pallet: enrollment and its errors, batched and delayed
//! onboarding, shuffled positions, full rings and the next ring starting with their last
//! keys, root revisions and their grace period,
//! every ticket check and refusal, spending, pruning within weight, the read functions.
//! Every test ends with `do_try_state` (see `mock::build_and_execute`).

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::Hooks, weights::Weight};
use sp_runtime::BuildStorage;
use verifiable::{mock::Mock, GenerateVerifiable};

fn run_to(block: u64) {
	while System::block_number() < block {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		System::set_parent_hash(sp_core::H256::repeat_byte(next as u8));
		Ring::on_initialize(next);
	}
}

fn enroll(range: core::ops::Range<u32>) {
	for i in range {
		assert_ok!(Ring::enroll(key(i)));
	}
}

/// Enrolls `rounds` batches of keys, `0..rounds × BATCH`, one batch a block.
fn enroll_in_rounds(rounds: u32) {
	for round in 0..rounds {
		enroll(round * BATCH..(round + 1) * BATCH);
		run_to(System::block_number() + 1);
	}
}

/// A ticket by member `i` of `ring` at its current revision, for `slot` of `epoch`,
/// over `message`.
fn ticket(i: u32, ring: RingIndex, epoch: Epoch, slot: u32, message: &[u8]) -> (TicketOf<Test>, Alias) {
	let revision = Roots::<Test>::get(ring).expect("ring").revision;
	let members = Ring::ring_keys(ring, 0, u32::MAX);
	let commitment = Mock::open((), &key(i), members.into_iter()).expect("member of the ring");
	let (proof, alias) = Mock::create(commitment, &key(i), &ticket_context(DOMAIN, epoch, slot), message).unwrap();
	(Ticket { ring, revision, epoch, slot, alias, proof }, alias)
}

mod enrollment {
	use super::*;

	#[test]
	fn keys_are_queued_once() {
		build_and_execute(|| {
			assert_ok!(Ring::enroll(key(1)));
			System::assert_last_event(Event::Enrolled { queued: 1 }.into());
			assert_eq!(Ring::placement(key(1)), Some(Placement::Queued));
			assert_eq!(QueuedSince::<Test>::get(), Some(1));
			assert_noop!(Ring::enroll(key(1)), Error::<Test>::AlreadyEnrolled);
			assert_eq!(Ring::placement(key(2)), None);
		});
	}

	#[test]
	fn a_full_queue_refuses_more() {
		build_and_execute(|| {
			// Onboarding happens in on_initialize, which does not run here.
			enroll(0..MAX_QUEUE);
			assert_noop!(Ring::enroll(key(MAX_QUEUE)), Error::<Test>::QueueFull);
		});
	}
}

mod onboarding {
	use super::*;

	#[test]
	fn a_batch_waits_for_its_size_then_lands_shuffled() {
		build_and_execute(|| {
			enroll(0..BATCH - 1);
			run_to(2);
			assert!(Roots::<Test>::get(0).is_none(), "a short batch waits");
			assert_ok!(Ring::enroll(key(BATCH - 1)));
			run_to(3);
			let view = Ring::ring(0).expect("ring 0");
			assert_eq!((view.size, view.revision), (BATCH, 0));
			System::assert_last_event(Event::Onboarded { ring: 0, count: BATCH, revision: 0 }.into());
			assert!(Queue::<Test>::get().is_empty());
			assert_eq!(QueuedSince::<Test>::get(), None);

			// Every key is in the ring, once, at the position its placement names, and
			// the root commits to exactly these keys.
			let keys = Ring::ring_keys(0, 0, 100);
			let mut sorted = keys.clone();
			sorted.sort();
			let mut expected: Vec<_> = (0..BATCH).map(key).collect();
			expected.sort();
			assert_eq!(sorted, expected);
			for (position, k) in keys.iter().enumerate() {
				assert_eq!(Ring::placement(*k), Some(Placement::InRing { ring: 0, position: position as u32 }));
			}
			assert_eq!(view.root.0.to_vec(), keys);
		});
	}

	#[test]
	fn positions_do_not_follow_registration_order() {
		build_and_execute(|| {
			// Over a few batches with different parent hashes, some batch comes out in an
			// order other than the one its keys registered in.
			let mut reordered = false;
			for batch in 0..2u32 {
				enroll(batch * BATCH..(batch + 1) * BATCH);
				run_to(System::block_number() + 1);
				let keys = Ring::ring_keys(0, batch * BATCH, BATCH);
				reordered |= keys != (batch * BATCH..(batch + 1) * BATCH).map(key).collect::<Vec<_>>();
			}
			assert!(reordered, "two shuffled batches of four both kept registration order");
		});
	}

	#[test]
	fn a_lone_key_is_onboarded_after_the_delay() {
		build_and_execute(|| {
			assert_ok!(Ring::enroll(key(7)));
			run_to(1 + DELAY - 1);
			assert!(Roots::<Test>::get(0).is_none());
			run_to(1 + DELAY);
			assert_eq!(Ring::ring(0).map(|r| r.size), Some(1));
			assert_eq!(Ring::placement(key(7)), Some(Placement::InRing { ring: 0, position: 0 }));
		});
	}

	#[test]
	fn a_chain_spec_may_choose_another_delay() {
		let storage = GenesisConfig::<Test> { onboarding_delay: Some(1), ..Default::default() }
			.build_storage()
			.unwrap();
		sp_io::TestExternalities::new(storage).execute_with(|| {
			System::set_block_number(1);
			assert_eq!(Ring::onboarding_delay(), 1);
			assert_ok!(Ring::enroll(key(3)));
			run_to(2);
			assert_eq!(Ring::placement(key(3)), Some(Placement::InRing { ring: 0, position: 0 }));
			Ring::do_try_state().unwrap();
		});
		build_and_execute(|| assert_eq!(Ring::onboarding_delay(), DELAY));
	}

	#[test]
	fn a_full_ring_is_followed_by_a_new_one_that_starts_with_its_last_keys() {
		build_and_execute(|| {
			// 10 keys per ring, batches of 4: 4 + 4 + 2 fill ring 0.
			enroll_in_rounds(3);
			assert_eq!(Ring::ring(0).map(|v| (v.size, v.revision)), Some((MAX_RING_SIZE, 2)));
			let ring_0 = Ring::ring_keys(0, 0, 100);
			let last = ring_0[(MAX_RING_SIZE - OVERLAP) as usize..].to_vec();

			// The next batch is due: ring 1 starts by taking ring 0's last four keys, three
			// a block. Meanwhile it has no root, and the queue waits.
			enroll(3 * BATCH..4 * BATCH);
			run_to(System::block_number() + 1);
			assert_eq!(CurrentRing::<Test>::get(), 1);
			assert_eq!(Seeding::<Test>::get(), Some(SEED_BATCH));
			assert_eq!(Ring::ring(1), None);
			Ring::do_try_state().expect("the invariants hold while a ring is being started");
			let (early, _) = ticket(0, 0, 0, 0, b"call");
			let early = Ticket { ring: 1, ..early };
			assert_eq!(Ring::check_ticket(&early, b"call"), Err(TicketError::UnknownRing));
			assert_eq!(Queue::<Test>::get().len(), 6);
			// A key already copied still stands, and proves, where it was: ring 1 cannot
			// serve it yet.
			let first = MAX_RING_SIZE - OVERLAP;
			let copied = (0..3 * BATCH).find(|i| key(*i) == last[0]).expect("a registered key");
			assert_eq!(Ring::placement(last[0]), Some(Placement::InRing { ring: 0, position: first }));
			let epoch = Ring::current_epoch();
			let (meanwhile, alias) = ticket(copied, 0, epoch, 1, b"call");
			assert_eq!(Ring::check_ticket(&meanwhile, b"call"), Ok(alias));
			run_to(System::block_number() + 1);
			System::assert_last_event(Event::RingStarted { ring: 1, count: OVERLAP }.into());
			assert_eq!(Seeding::<Test>::get(), None);
			assert_eq!(Ring::ring(1).map(|v| (v.size, v.revision)), Some((OVERLAP, 0)));
			assert_eq!(Ring::ring_keys(1, 0, 100), last);
			assert_eq!(Queue::<Test>::get().len(), 6);

			// The copied keys are placed in ring 1 now; ring 0 keeps its keys and root, its
			// first six placed there.
			for (position, k) in last.iter().enumerate() {
				assert_eq!(Ring::placement(*k), Some(Placement::InRing { ring: 1, position: position as u32 }));
			}
			for (position, k) in ring_0.iter().enumerate().take((MAX_RING_SIZE - OVERLAP) as usize) {
				assert_eq!(Ring::placement(*k), Some(Placement::InRing { ring: 0, position: position as u32 }));
			}
			assert_eq!(Ring::ring(0).map(|v| (v.size, v.revision)), Some((MAX_RING_SIZE, 2)));
			// Ring 0's tickets are proved among the six who stay, ring 1's among the four.
			assert_eq!(Ring::ring(0).map(|v| v.members), Some(MAX_RING_SIZE - OVERLAP));
			assert_eq!(Ring::ring(1).map(|v| v.members), Some(OVERLAP));

			// Then new keys join ring 1 after them.
			run_to(System::block_number() + 1);
			assert_eq!(Ring::ring(1).map(|v| (v.size, v.revision, v.members)), Some((OVERLAP + BATCH, 1, OVERLAP + BATCH)));
			assert_eq!(Ring::ring_keys(1, 0, OVERLAP), last);
			assert_eq!(Queue::<Test>::get().len(), 2);
		});
	}

	#[test]
	fn a_ring_that_cannot_take_all_its_keys_starts_with_those_it_holds() {
		build_and_execute(|| {
			enroll_in_rounds(3);
			enroll(3 * BATCH..4 * BATCH);
			run_to(System::block_number() + 1);
			assert_eq!(Seeding::<Test>::get(), Some(SEED_BATCH));
			// The rest of ring 0's last keys are gone (which does not happen): rather than
			// keep the queue waiting, ring 1 starts with the three it holds.
			let first = MAX_RING_SIZE - OVERLAP;
			let missing = Ring::ring_keys(0, first + SEED_BATCH, 100);
			for position in first + SEED_BATCH..MAX_RING_SIZE {
				RingKeys::<Test>::remove(0, position);
			}
			run_to(System::block_number() + 1);
			System::assert_last_event(Event::RingStarted { ring: 1, count: SEED_BATCH }.into());
			assert_eq!(Seeding::<Test>::get(), None);
			assert_eq!(Copied::<Test>::get(1), SEED_BATCH);
			assert_eq!(Ring::ring(1).map(|v| (v.size, v.members)), Some((SEED_BATCH, SEED_BATCH)));
			for (offset, k) in missing.into_iter().enumerate() {
				let position = first + SEED_BATCH + offset as u32;
				assert_eq!(Ring::placement(k), Some(Placement::InRing { ring: 0, position }));
				RingKeys::<Test>::insert(0, position, k);
			}
			Ring::do_try_state().expect("the keys not copied stay in ring 0");
			run_to(System::block_number() + 1);
			assert_eq!(Ring::ring(1).map(|v| v.size), Some(SEED_BATCH + BATCH));
		});
	}

	#[test]
	fn a_key_in_two_rings_has_one_alias_per_slot() {
		build_and_execute(|| {
			enroll_in_rounds(4);
			run_to(System::block_number() + 1);
			assert!(Ring::ring(1).is_some());
			let moved = Ring::ring_keys(1, 0, 1)[0];
			let i = (0..4 * BATCH).find(|i| key(*i) == moved).expect("a registered key");
			let epoch = Ring::current_epoch();
			// The same member's ticket for one slot proves in either ring, with one alias:
			// spent in one, it is spent in both.
			let (in_old, alias) = ticket(i, 0, epoch, 0, b"call");
			let (in_new, same) = ticket(i, 1, epoch, 0, b"call");
			assert_eq!(alias, same);
			assert_eq!(Ring::check_ticket(&in_new, b"call"), Ok(alias));
			assert_ok!(Ring::spend_ticket(epoch, alias));
			assert_eq!(Ring::check_ticket(&in_old, b"call"), Err(TicketError::Spent));
			assert_eq!(Ring::check_ticket(&in_new, b"call"), Err(TicketError::Spent));
		});
	}
}

mod tickets {
	use super::*;

	/// Ring 0 with members 0..4, at block 3 of epoch 0.
	pub(super) fn ring_of_four() {
		enroll(0..BATCH);
		run_to(3);
		assert_eq!(Ring::ring(0).unwrap().size, BATCH);
	}

	#[test]
	fn a_valid_ticket_is_accepted_once_and_aliases_are_per_slot() {
		build_and_execute(|| {
			ring_of_four();
			let (t, alias) = ticket(2, 0, 0, 0, b"call");
			assert_eq!(Ring::check_ticket(&t, b"call"), Ok(alias));
			// The same member's other slots have other aliases; another member's slot 0 too.
			let (_, alias_slot1) = ticket(2, 0, 0, 1, b"call");
			let (_, alias_other) = ticket(1, 0, 0, 0, b"call");
			assert_ne!(alias, alias_slot1);
			assert_ne!(alias, alias_other);
			// The alias of a slot does not depend on the message.
			assert_eq!(ticket(2, 0, 0, 0, b"other call").1, alias);

			assert_ok!(Ring::spend_ticket(0, alias));
			assert!(Ring::is_spent(0, alias));
			assert_eq!(Ring::check_ticket(&t, b"call"), Err(TicketError::Spent));
			assert_noop!(Ring::spend_ticket(0, alias), Error::<Test>::TicketSpent);
			// A spent alias is refused before its proof is looked at: junk under it costs
			// no verification.
			let mut junk = t.clone();
			junk.proof = ticket(1, 0, 0, 0, b"other").0.proof;
			assert_eq!(Ring::check_ticket(&junk, b"call"), Err(TicketError::Spent));
			// Another slot of the same member is still good.
			let (t1, a1) = ticket(2, 0, 0, 1, b"call");
			assert_eq!(Ring::check_ticket(&t1, b"call"), Ok(a1));
		});
	}

	#[test]
	fn bad_tickets_are_refused_with_their_reason() {
		build_and_execute(|| {
			ring_of_four();
			let (t, _) = ticket(2, 0, 0, 0, b"call");
			// Another message: the proof does not sign it.
			assert_eq!(Ring::check_ticket(&t, b"other"), Err(TicketError::BadProof));
			// A proof for another context (slot 1) presented as slot 0.
			let (mut moved, _) = ticket(2, 0, 0, 1, b"call");
			moved.slot = 0;
			assert_eq!(Ring::check_ticket(&moved, b"call"), Err(TicketError::BadProof));
			// Slots beyond the quota.
			let (over, _) = ticket(2, 0, 0, TICKETS, b"call");
			assert_eq!(Ring::check_ticket(&over, b"call"), Err(TicketError::NoSuchSlot));
			// A ticket of another epoch.
			let (next, _) = ticket(2, 0, 1, 0, b"call");
			assert_eq!(Ring::check_ticket(&next, b"call"), Err(TicketError::WrongEpoch));
			// An unknown ring.
			let mut elsewhere = t.clone();
			elsewhere.ring = 5;
			assert_eq!(Ring::check_ticket(&elsewhere, b"call"), Err(TicketError::UnknownRing));
			// A revision the ring never had.
			let mut future = t.clone();
			future.revision = 9;
			assert_eq!(Ring::check_ticket(&future, b"call"), Err(TicketError::StaleRoot));
			// A claimed alias that is not the one the proof proves (another slot's).
			let mut claimed = t.clone();
			claimed.alias = ticket(2, 0, 0, 1, b"call").1;
			assert_eq!(Ring::check_ticket(&claimed, b"call"), Err(TicketError::BadProof));
			// Someone outside the ring cannot prove at all.
			let outsider = Mock::open((), &key(99), Ring::ring_keys(0, 0, 100).into_iter());
			assert!(outsider.is_err());

			// The codes are the transaction validity errors the pool reports.
			assert_eq!(
				TransactionValidityError::from(TicketError::Spent),
				TransactionValidityError::Invalid(InvalidTransaction::Custom(205))
			);
			assert_eq!(TicketError::from_code(204), Some(TicketError::BadProof));
			assert_eq!(TicketError::from_code(7), None);
		});
	}

	#[test]
	fn the_previous_root_is_accepted_for_the_grace_period_only() {
		build_and_execute(|| {
			ring_of_four();
			let (old, alias) = ticket(2, 0, 0, 0, b"call");
			// A second batch moves the root on at block 4.
			enroll(BATCH..2 * BATCH);
			run_to(4);
			assert_eq!(Ring::ring(0).unwrap().revision, 1);
			assert_eq!(Ring::check_ticket(&old, b"call"), Ok(alias));
			run_to(4 + GRACE);
			assert_eq!(Ring::check_ticket(&old, b"call"), Ok(alias));
			run_to(4 + GRACE + 1);
			assert_eq!(Ring::check_ticket(&old, b"call"), Err(TicketError::StaleRoot));
			// A new proof against the current root works, with the same alias.
			let (new, new_alias) = ticket(2, 0, 0, 0, b"call");
			assert_eq!(new_alias, alias);
			assert_eq!(Ring::check_ticket(&new, b"call"), Ok(alias));
			// Two revisions back is stale even inside a grace period.
			enroll(2 * BATCH..3 * BATCH);
			run_to(4 + GRACE + 2);
			assert_eq!(Ring::ring(0).unwrap().revision, 2);
			let mut two_back = new.clone();
			two_back.revision = 0;
			assert_eq!(Ring::check_ticket(&two_back, b"call"), Err(TicketError::StaleRoot));
		});
	}

	#[test]
	fn tickets_belong_to_their_epoch() {
		build_and_execute(|| {
			ring_of_four();
			let (t, alias) = ticket(0, 0, 0, 0, b"call");
			run_to(EPOCH);
			assert_eq!(Ring::epoch(), (1, 2 * EPOCH));
			assert_eq!(Ring::check_ticket(&t, b"call"), Err(TicketError::WrongEpoch));
			// The same slot of the new epoch is a fresh ticket with a fresh alias.
			let (t1, alias1) = ticket(0, 0, 1, 0, b"call");
			assert_ne!(alias1, alias);
			assert_eq!(Ring::check_ticket(&t1, b"call"), Ok(alias1));
		});
	}

	#[test]
	fn a_valid_ticket_provides_its_alias_until_its_epoch_ends() {
		build_and_execute(|| {
			ring_of_four();
			let (t, alias) = ticket(0, 0, 0, 0, b"call");
			let validity = Ring::ticket_validity(&t, &alias);
			assert_eq!(validity.longevity, EPOCH - 3);
			assert_eq!(validity.provides.len(), 1);
			let (t2, alias2) = ticket(1, 0, 0, 0, b"call");
			assert_ne!(Ring::ticket_validity(&t2, &alias2).provides, validity.provides);
		});
	}
}

mod pruning {
	use super::*;

	#[test]
	fn spent_aliases_of_past_epochs_go_within_the_weight_given() {
		build_and_execute(|| {
			for i in 0..5u8 {
				assert_ok!(Ring::spend_ticket(0, [i; 32]));
			}
			assert_ok!(Ring::spend_ticket(1, [9; 32]));
			// Nothing is pruned in the epoch itself.
			assert_eq!(Ring::prune_spent(0, Weight::MAX), Weight::zero());
			// Room for two aliases only.
			let two = <() as WeightInfo>::prune_spent(2);
			assert_eq!(Ring::prune_spent(1, two), two);
			assert_eq!(Spent::<Test>::iter_prefix(0).count(), 3);
			assert_eq!(PrunedBelow::<Test>::get(), 0);
			// Not even the base weight: nothing happens.
			assert_eq!(Ring::prune_spent(1, Weight::zero()), Weight::zero());
			// The rest; epoch 1 is current and stays.
			let used = Ring::on_idle(EPOCH + 1, Weight::MAX);
			assert_eq!(used, <() as WeightInfo>::prune_spent(3));
			assert_eq!(Spent::<Test>::iter_prefix(0).count(), 0);
			assert_eq!(PrunedBelow::<Test>::get(), 1);
			assert!(Ring::is_spent(1, [9; 32]));
			System::assert_last_event(Event::SpentPruned { below: 1, count: 3 }.into());
		});
	}
}

mod reading {
	use super::*;

	#[test]
	fn ring_keys_come_in_pages() {
		build_and_execute(|| {
			enroll(0..2 * BATCH);
			run_to(3);
			let all = Ring::ring_keys(0, 0, 100);
			assert_eq!(all.len(), 2 * BATCH as usize);
			assert_eq!(Ring::ring_keys(0, 2, 3), all[2..5]);
			assert_eq!(Ring::ring_keys(0, 7, 10), all[7..]);
			assert!(Ring::ring_keys(0, 8, 10).is_empty());
			assert!(Ring::ring_keys(4, 0, 10).is_empty());
			assert_eq!(Ring::ring(4), None);
		});
	}
}

mod tickets_trait {
	use super::*;
	use crate::Tickets;
	use super::tickets::ring_of_four;

	#[test]
	fn a_checked_ticket_provides_its_alias_and_is_spent_once() {
		build_and_execute(|| {
			ring_of_four();
			let (t, alias) = ticket(3, 0, 0, 2, b"call");
			let validity = <Ring as Tickets>::check(&t, b"call").expect("valid");
			assert_eq!(validity.provides.len(), 1);
			assert!(validity.requires.is_empty());
			assert_ok!(<Ring as Tickets>::spend(&t));
			assert!(Ring::is_spent(0, alias));
			assert_eq!(<Ring as Tickets>::check(&t, b"call"), Err(TicketError::Spent));
			assert_noop!(<Ring as Tickets>::spend(&t), Error::<Test>::TicketSpent);
		});
	}
}
