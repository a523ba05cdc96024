//! A test runtime: System, Balances, the connector, and a minimal chat pallet that
//! provides a chat origin and spawns chats.

use crate as pallet_connector;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, EnsureOrigin, OriginTrait},
};
use sp_runtime::{
	transaction_validity::{InvalidTransaction, TransactionValidityError},
	BuildStorage, DispatchError,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

/// A minimal chat pallet: just enough to be the connector's chat spawner and to give
/// chats an origin of their own.
#[frame_support::pallet]
pub mod mock_chat {
	use frame_support::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	/// A chat actor as a caller.
	#[pallet::origin]
	#[derive(
		PartialEq, Eq, Clone, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
	)]
	pub enum Origin {
		Chat(u64),
	}

	/// Id of the next chat spawned.
	#[pallet::storage]
	pub type NextChat<T> = StorageValue<_, u64, ValueQuery>;
}

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
	pub type MockChat = mock_chat;
	#[runtime::pallet_index(3)]
	pub type Connector = pallet_connector;
	#[runtime::pallet_index(4)]
	pub type Ring = pallet_ring;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type Balance = Balance;
	type ExistentialDeposit = ConstU64<1>;
}

impl mock_chat::Config for Test {}

/// Chat params in the mock: 0 is refused, anything else accepted.
pub const BAD_CHAT_PARAMS: u32 = 0;

/// The validity code the mock refuses [`BAD_CHAT_PARAMS`] with.
pub const BAD_CHAT_PARAMS_CODE: u8 = 99;

/// The chat spawner of the mock.
pub struct MockChats;

impl pallet_connector::ChatSpawner for MockChats {
	type ChatId = u64;
	type Params = u32;

	fn check(params: &u32) -> Result<(), TransactionValidityError> {
		if *params == BAD_CHAT_PARAMS {
			return Err(InvalidTransaction::Custom(BAD_CHAT_PARAMS_CODE).into());
		}
		Ok(())
	}

	fn spawn(params: u32) -> Result<u64, DispatchError> {
		if params == BAD_CHAT_PARAMS {
			return Err(DispatchError::Other("mock chat pallet refuses these params"));
		}
		Ok(mock_chat::NextChat::<Test>::mutate(|n| {
			let id = *n;
			*n += 1;
			id
		}))
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_params() -> u32 {
		1
	}
}

/// Accepts only the mock chat origin; its success value is the chat id.
pub struct EnsureMockChat;
impl EnsureOrigin<RuntimeOrigin> for EnsureMockChat {
	type Success = u64;

	fn try_origin(o: RuntimeOrigin) -> Result<u64, RuntimeOrigin> {
		match o.caller() {
			OriginCaller::MockChat(mock_chat::Origin::Chat(id)) => Ok(*id),
			_ => Err(o),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(mock_chat::Origin::Chat(0).into())
	}
}

parameter_types! {
	pub const RecordLifetime: u64 = 100;
}

pub const RECORD_LEN: u32 = 64;
pub const MAX_KEY_HISTORY: u32 = 3;
pub const KEY_DEPOSIT: Balance = 50;
pub const REGISTRATION_DEPOSIT: Balance = 200;
pub const MAX_PAGE_LEN: u32 = 4;
pub const RECORDS_PER_PAGE: u32 = 3;

impl pallet_connector::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Chats = MockChats;
	type AddMemberOrigin = EnsureMockChat;
	type RecordLen = ConstU32<RECORD_LEN>;
	type MaxKeyHistory = ConstU32<MAX_KEY_HISTORY>;
	type RecordLifetime = RecordLifetime;
	type KeyDeposit = ConstU64<KEY_DEPOSIT>;
	type RegistrationDeposit = ConstU64<REGISTRATION_DEPOSIT>;
	type Ring = Ring;
	type Tickets = pallet_ring::testing::HashTickets;
	type MaxPageLen = ConstU32<MAX_PAGE_LEN>;
	type RecordsPerPage = ConstU32<RECORDS_PER_PAGE>;
	type WeightInfo = ();
}


parameter_types! {
	pub const RingDomain: &'static [u8] = b"test/users";
	pub const Blocks: u64 = 10;
}

/// The ring of users, on the mock ring VRF.
impl pallet_ring::Config for Test {
	type Crypto = verifiable::mock::Mock;
	type CryptoConfig = ();
	type Chunks = pallet_ring::NoChunks<{ verifiable::mock::MAX_MEMBERS }>;
	type Randomness = pallet_ring::ParentHashRandomness<Test>;
	type Domain = RingDomain;
	type MaxRingSize = ConstU32<16>;
	type OnboardingBatch = ConstU32<4>;
	type RingOverlap = ConstU32<8>;
	type SeedBatch = ConstU32<4>;
	type OnboardingDelay = Blocks;
	type MaxQueue = ConstU32<16>;
	type EpochLength = Blocks;
	type TicketsPerEpoch = ConstU32<2>;
	type RootGrace = Blocks;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockRingKeys;
}

/// Distinct ring keys for the benchmark tests.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockRingKeys;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_ring::BenchmarkHelper<verifiable::mock::Mock> for MockRingKeys {
	fn member(i: u32) -> [u8; 32] {
		let mut key = [0x77; 32];
		key[..4].copy_from_slice(&i.to_le_bytes());
		key
	}

	fn sign(i: u32, message: &[u8]) -> [u8; 32] {
		use verifiable::GenerateVerifiable;
		// The mock VRF's member key is its own secret.
		verifiable::mock::Mock::sign(&Self::member(i), message).expect("the mock VRF signs anything")
	}

	fn proof() -> (Vec<[u8; 32]>, verifiable::mock::MockProof, Vec<u8>, Vec<u8>, verifiable::Alias) {
		unimplemented!("the connector's benchmarks verify no proof")
	}
}

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
/// An account with less than a key deposit.
pub const POOR: AccountId = 3;
pub const INITIAL_BALANCE: Balance = 1_000_000;

/// Genesis: Alice and Bob are funded; POOR has 10.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let balances = vec![(ALICE, INITIAL_BALANCE), (BOB, INITIAL_BALANCE), (POOR, 10)];
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` in a fresh externality and checks the pallet's invariants afterwards.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Connector::do_try_state().expect("connector invariants hold");
		Ring::do_try_state().expect("ring invariants hold");
	});
}
