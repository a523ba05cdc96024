use crate::{mock::*, Error, Event};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_runtime::DispatchError;

fn set(validators: &[u8]) -> BoundedVec<crate::ValidatorOf<Test>, frame_support::traits::ConstU32<MAX_VALIDATORS>> {
	validators.iter().map(|n| validator(*n)).collect::<Vec<_>>().try_into().unwrap()
}

fn set_validators_call(validators: &[u8]) -> Box<RuntimeCall> {
	Box::new(RuntimeCall::Governance(crate::Call::set_validators { validators: set(validators) }))
}

#[test]
fn the_council_runs_a_call_as_root() {
	new_test_ext().execute_with(|| {
		let remark = Box::new(RuntimeCall::System(frame_system::Call::set_storage { items: vec![(b"k".to_vec(), b"v".to_vec())] }));
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::signed(1), remark));
		assert_eq!(sp_io::storage::get(b"k").as_deref(), Some(&b"v"[..]));
		System::assert_last_event(Event::DispatchedAsRoot { result: Ok(()) }.into());
	});
}

#[test]
fn nobody_else_runs_a_call_as_root() {
	new_test_ext().execute_with(|| {
		let call = set_validators_call(&[3]);
		assert_noop!(Governance::dispatch_as_root(RuntimeOrigin::signed(2), call.clone()).map_err(|e| e.error), DispatchError::BadOrigin);
		assert_noop!(Governance::dispatch_as_root(RuntimeOrigin::none(), call.clone()).map_err(|e| e.error), DispatchError::BadOrigin);
		// Root itself is not the council: the council's origin is its own.
		assert_noop!(Governance::dispatch_as_root(RuntimeOrigin::root(), call).map_err(|e| e.error), DispatchError::BadOrigin);
		// Nor does anyone but root change the validators.
		assert_noop!(Governance::set_validators(RuntimeOrigin::signed(1), set(&[3])), DispatchError::BadOrigin);
		assert_eq!(pallet_aura::Authorities::<Test>::get().to_vec(), vec![validator(1).0, validator(2).0]);
	});
}

#[test]
fn a_failing_call_is_reported_and_the_motion_still_closes() {
	new_test_ext().execute_with(|| {
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::signed(1), set_validators_call(&[])));
		System::assert_last_event(Event::DispatchedAsRoot { result: Err(Error::<Test>::NoValidators.into()) }.into());
		assert_eq!(pallet_aura::Authorities::<Test>::get().len(), 2);
	});
}

#[test]
fn new_validators_author_at_once_and_finalize_after_the_delay() {
	new_test_ext().execute_with(|| {
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::signed(1), set_validators_call(&[2, 3, 4])));
		assert_eq!(
			pallet_aura::Authorities::<Test>::get().to_vec(),
			vec![validator(2).0, validator(3).0, validator(4).0]
		);
		let pending = pallet_grandpa::PendingChange::<Test>::get().expect("a GRANDPA change is scheduled");
		assert_eq!(pending.delay, DELAY);
		assert_eq!(pending.forced, None);
		assert_eq!(
			pending.next_authorities.to_vec(),
			vec![(validator(2).1, 1), (validator(3).1, 1), (validator(4).1, 1)]
		);
		System::assert_has_event(Event::ValidatorsChanged { count: 3, grandpa_at: 1 + DELAY, forced: false }.into());
		assert_eq!(pallet_grandpa::CurrentSetId::<Test>::get(), 1, "the next set's id");
		// Both consensus engines are told in this block's digest.
		let logs = System::digest().logs;
		assert!(logs.iter().any(|log| log.consensus_try_to::<sp_consensus_aura::ConsensusLog<sp_consensus_aura::sr25519::AuthorityId>>(&sp_consensus_aura::AURA_ENGINE_ID).is_some()));
		use frame_support::traits::Hooks as _;
		pallet_grandpa::Pallet::<Test>::on_finalize(1);
		let logs = System::digest().logs;
		assert!(logs.iter().any(|log| log.consensus_try_to::<sp_consensus_grandpa::ConsensusLog<u64>>(&sp_consensus_grandpa::GRANDPA_ENGINE_ID).is_some()));
	});
}

#[test]
fn a_bad_set_is_refused_and_nothing_changes() {
	new_test_ext().execute_with(|| {
		assert_noop!(Governance::set_validators(RuntimeOrigin::root(), set(&[])), Error::<Test>::NoValidators);
		assert_noop!(Governance::set_validators(RuntimeOrigin::root(), set(&[3, 4, 3])), Error::<Test>::DuplicateValidator);
		// The same GRANDPA key under two Aura keys.
		let mut twice = set(&[3, 4]);
		twice[1].1 = validator(3).1;
		assert_noop!(Governance::set_validators(RuntimeOrigin::root(), twice), Error::<Test>::DuplicateValidator);
		assert_ok!(Governance::set_validators(RuntimeOrigin::root(), set(&[3])));
		// A second change before GRANDPA took over the first: Aura keeps the first.
		assert_noop!(Governance::set_validators(RuntimeOrigin::root(), set(&[4])), Error::<Test>::ChangePending);
		assert_eq!(pallet_aura::Authorities::<Test>::get().to_vec(), vec![validator(3).0]);
		assert_eq!(pallet_grandpa::CurrentSetId::<Test>::get(), 1);
	});
}

#[test]
fn wrapping_an_operational_call_does_not_make_it_operational() {
	use frame_support::dispatch::{DispatchClass, GetDispatchInfo};
	let upgrade = RuntimeCall::System(frame_system::Call::set_code { code: vec![0; 8] });
	assert_eq!(upgrade.get_dispatch_info().class, DispatchClass::Operational);
	let wrapped = RuntimeCall::Governance(crate::Call::dispatch_as_root { call: Box::new(upgrade) });
	assert_eq!(wrapped.get_dispatch_info().class, DispatchClass::Normal);
}

#[test]
fn a_refused_council_call_is_charged_only_its_own_work() {
	new_test_ext().execute_with(|| {
		let refused = Governance::dispatch_as_root(RuntimeOrigin::signed(2), set_validators_call(&[3])).unwrap_err();
		assert_eq!(refused.error, DispatchError::BadOrigin);
		assert_eq!(refused.post_info.actual_weight, Some(<() as crate::WeightInfo>::dispatch_as_root()));
	});
}

#[test]
fn a_stalled_set_is_replaced_by_a_forced_change() {
	new_test_ext().execute_with(|| {
		// A standard change to a set that will not finalize ...
		assert_ok!(Governance::set_validators(RuntimeOrigin::root(), set(&[7])));
		// ... is enacted in the runtime at its block; then the council forces a working set,
		// naming the last block the old voters finalized.
		use frame_support::traits::Hooks as _;
		System::set_block_number(1 + DELAY);
		pallet_grandpa::Pallet::<Test>::on_finalize(1 + DELAY);
		System::set_block_number(2 + DELAY);
		// The block it names must be below the current one: a higher one stalls the nodes.
		for ahead in [2 + DELAY, 3 + DELAY] {
			assert_noop!(Governance::force_validators(RuntimeOrigin::root(), set(&[1, 2]), ahead), Error::<Test>::FinalizedAhead);
		}
		assert_ok!(Governance::force_validators(RuntimeOrigin::root(), set(&[1, 2]), 1));
		let pending = pallet_grandpa::PendingChange::<Test>::get().expect("a forced change");
		assert_eq!(pending.forced, Some(1));
		assert_eq!(pending.delay, FORCED_DELAY);
		assert_eq!(pending.next_authorities.len(), 2);
		assert_eq!(pallet_aura::Authorities::<Test>::get().to_vec(), vec![validator(1).0, validator(2).0]);
		assert_eq!(pallet_grandpa::CurrentSetId::<Test>::get(), 2);
		System::assert_has_event(Event::ValidatorsChanged { count: 2, grandpa_at: 2 + DELAY + FORCED_DELAY, forced: true }.into());
		// One forced change per twice its delay: refused after the first is enacted ...
		pallet_grandpa::Pallet::<Test>::on_finalize(2 + DELAY + FORCED_DELAY);
		assert!(pallet_grandpa::PendingChange::<Test>::get().is_none());
		let next = 2 + DELAY + 2 * FORCED_DELAY;
		System::set_block_number(next - 1);
		assert_noop!(Governance::force_validators(RuntimeOrigin::root(), set(&[3]), 2), Error::<Test>::ForcedTooSoon);
		// ... and taken from then on.
		System::set_block_number(next);
		assert_ok!(Governance::force_validators(RuntimeOrigin::root(), set(&[3]), 2));
		// Only root forces.
		assert_noop!(Governance::force_validators(RuntimeOrigin::signed(1), set(&[3]), 2), DispatchError::BadOrigin);
	});
}
