//! A test runtime with the real connector: chats are spawned through it and send their
//! invitations to it with their own origin.

use crate as pallet_chat;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_core::ed25519;
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = AccountId32;
pub type Balance = u64;

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
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Connector = pallet_connector;
	#[runtime::pallet_index(3)]
	pub type Chat = pallet_chat;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type Balance = Balance;
	type ExistentialDeposit = frame_support::traits::ConstU64<1>;
}

pub const RECORD_LIFETIME: u64 = 100;
parameter_types! {
	pub const RecordLifetime: u64 = RECORD_LIFETIME;
}

impl pallet_connector::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Chats = Chat;
	type AddMemberOrigin = pallet_chat::EnsureChat<Test>;
	type RecordLen = ConstU32<RECORD_LEN>;
	type MaxKeyHistory = ConstU32<4>;
	type RecordLifetime = RecordLifetime;
	type KeyDeposit = frame_support::traits::ConstU64<50>;
	type RegistrationDeposit = frame_support::traits::ConstU64<200>;
	type Ring = NoRing;
	type Tickets = pallet_ring::testing::HashTickets;
	type MaxPageLen = ConstU32<16>;
	type RecordsPerPage = ConstU32<4>;
	type WeightInfo = ();
}

/// The chat pallet's tests register nobody: a ring that takes every key.
pub struct NoRing;

impl pallet_connector::Enroll<pallet_connector::RingKey> for NoRing {
	type Signature = ();

	fn enroll(_: pallet_connector::RingKey) -> sp_runtime::DispatchResult {
		Ok(())
	}

	fn is_signed_by(_: &pallet_connector::RingKey, _: &[u8], _: &()) -> bool {
		true
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_key(i: u32) -> pallet_connector::RingKey {
		let mut key = [0; 32];
		key[..4].copy_from_slice(&i.to_le_bytes());
		key
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_signature(_: u32, _: &[u8]) {}

	#[cfg(feature = "runtime-benchmarks")]
	fn prepare_worst_case() {}
}

/// Every record's length.
pub const RECORD_LEN: u32 = 64;
pub const MAX_SEALED_KEY_LEN: u32 = 128;
pub const MAX_PART_BLOB_LEN: u32 = 256;
pub const MAX_MESSAGE_LEN: u32 = 512;
/// Room for three messages of the largest size (each counts its overhead too).
pub const PART_QUOTA: u32 = 3 * (MAX_MESSAGE_LEN + pallet_chat::MESSAGE_OVERHEAD);
pub const LIFETIME: u64 = 50;
pub const MAX_PAGE_LEN: u32 = 4;
pub const MAX_INVITATIONS: u64 = 5;
/// A part's writes per epoch: more than the tests of a single part make, but for the
/// allowance's own tests.
pub const WRITES_PER_EPOCH: u32 = 12;
/// A part's bytes per epoch: four messages of the largest size.
pub const WRITE_BYTES_PER_EPOCH: u32 = 4 * MAX_MESSAGE_LEN;
pub const TOP_UP_WRITES: u32 = 6;
pub const TOP_UP_BYTES: u32 = 2 * MAX_MESSAGE_LEN;
pub const INVITATIONS_PER_EPOCH: u32 = 3;

parameter_types! {
	pub const Lifetime: u64 = LIFETIME;
}

impl pallet_chat::Config for Test {
	type Connector = pallet_chat::DispatchToConnector<Test, RuntimeCall>;
	type Tickets = pallet_ring::testing::HashTickets;
	type MaxInvitations = frame_support::traits::ConstU64<MAX_INVITATIONS>;
	type ProofLongevity = frame_support::traits::ConstU64<64>;
	type MaxSealedKeyLen = ConstU32<MAX_SEALED_KEY_LEN>;
	type MaxPartBlobLen = ConstU32<MAX_PART_BLOB_LEN>;
	type MaxMessageLen = ConstU32<MAX_MESSAGE_LEN>;
	type PartQuota = ConstU32<PART_QUOTA>;
	type Lifetime = Lifetime;
	type WritesPerEpoch = ConstU32<WRITES_PER_EPOCH>;
	type WriteBytesPerEpoch = ConstU32<WRITE_BYTES_PER_EPOCH>;
	type TopUpWrites = ConstU32<TOP_UP_WRITES>;
	type TopUpBytes = ConstU32<TOP_UP_BYTES>;
	type InvitationsPerEpoch = ConstU32<INVITATIONS_PER_EPOCH>;
	type MaxPageLen = ConstU32<MAX_PAGE_LEN>;
	type WeightInfo = ();
}

pub fn account(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}
pub fn alice() -> AccountId {
	account(1)
}
pub const INITIAL_BALANCE: Balance = 1_000_000;

/// The membership key pair of test chat `n` (clients derive it from the chat key).
pub fn membership_pair(n: u8) -> ed25519::Pair {
	use sp_core::Pair;
	ed25519::Pair::from_seed(&[n; 32])
}

/// The part key pair of test part `n` (clients derive it from the recovery phrase).
pub fn part_pair(n: u8) -> ed25519::Pair {
	use sp_core::Pair;
	ed25519::Pair::from_seed(&[0x80 | n; 32])
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(alice(), INITIAL_BALANCE)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	// Benchmarks sign membership proofs and part calls with the keystore.
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` and then checks both pallets' invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Chat::do_try_state().expect("chat invariants hold");
		Connector::do_try_state().expect("connector invariants hold");
	});
}
