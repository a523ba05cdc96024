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
		assert_noop!(Governance::dispatch_as_root(RuntimeOrigin::signed(2), call.clone()), DispatchError::BadOrigin);
		assert_noop!(Governance::dispatch_as_root(RuntimeOrigin::none(), call.clone()), DispatchError::BadOrigin);
		// Root itself is not the council: the council's origin is its own.
		assert_noop!(Governance::dispatch_as_root(RuntimeOrigin::root(), call), DispatchError::BadOrigin);
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
		System::assert_has_event(Event::ValidatorsChanged { count: 3, grandpa_from: DELAY }.into());
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
