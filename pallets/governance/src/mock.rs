//! A test runtime: System, Timestamp, Aura and GRANDPA as the chain runs them, and
//! governance whose council is accounts 1 and 2 (either stands for a motion that passed).

use crate as pallet_governance;
use frame_support::{
	derive_impl, ord_parameter_types, parameter_types,
	traits::{ConstBool, ConstU32, ConstU64},
};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::Pair as _;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;
	#[runtime::pallet_index(4)]
	pub type Governance = pallet_governance;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<1_000>;
	type WeightInfo = ();
}

pub const MAX_VALIDATORS: u32 = 8;

impl pallet_aura::Config for Test {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Test>;
}

impl pallet_grandpa::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

pub const DELAY: u64 = 3;
/// The forced change's delay in the mock.
pub const FORCED_DELAY: u64 = 5;

ord_parameter_types! {
	pub const CouncilAccount: u64 = 1;
}
parameter_types! {
	pub const GrandpaChangeDelay: u64 = DELAY;
	pub const ForcedChangeDelay: u64 = FORCED_DELAY;
}

impl pallet_governance::Config for Test {
	type RuntimeCall = RuntimeCall;
	type CouncilOrigin = frame_system::EnsureSignedBy<CouncilAccount, u64>;
	type GrandpaChangeDelay = GrandpaChangeDelay;
	type ForcedChangeDelay = ForcedChangeDelay;
	type MaxValidators = ConstU32<MAX_VALIDATORS>;
	type WeightInfo = ();
}

/// The keys of validator `n`: Aura and GRANDPA keys of its own.
pub fn validator(n: u8) -> (AuraId, GrandpaId) {
	let seed = [n; 32];
	(sp_core::sr25519::Pair::from_seed(&seed).public().into(), sp_core::ed25519::Pair::from_seed(&seed).public().into())
}

/// Validators 1 and 2 author and finalize.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let genesis = RuntimeGenesisConfig {
		aura: pallet_aura::GenesisConfig { authorities: vec![validator(1).0, validator(2).0] },
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: vec![(validator(1).1, 1), (validator(2).1, 1)],
			..Default::default()
		},
		..Default::default()
	};
	let mut ext: sp_io::TestExternalities = genesis.build_storage().unwrap().into();
	ext.execute_with(|| System::set_block_number(1));
	ext
}
