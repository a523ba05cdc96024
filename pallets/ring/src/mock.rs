//! A test runtime: System and one ring set on the mock ring VRF of `verifiable`, whose
//! proofs are hashes (instant to make and check).

use crate as pallet_ring;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::BuildStorage;
use verifiable::mock::Mock;

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
	pub type Ring = pallet_ring;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}


pub const MAX_RING_SIZE: u32 = 10;
pub const BATCH: u32 = 4;
pub const OVERLAP: u32 = 4;
pub const SEED_BATCH: u32 = 3;
pub const DELAY: u64 = 5;
pub const MAX_QUEUE: u32 = 12;
pub const EPOCH: u64 = 10;
pub const TICKETS: u32 = 3;
pub const GRACE: u64 = 2;
pub const DOMAIN: &[u8] = b"test/ring";

parameter_types! {
	pub const Domain: &'static [u8] = DOMAIN;
	pub const OnboardingDelay: u64 = DELAY;
	pub const EpochLength: u64 = EPOCH;
	pub const RootGrace: u64 = GRACE;
}

impl pallet_ring::Config for Test {
	type Crypto = Mock;
	type CryptoConfig = ();
	type Chunks = pallet_ring::NoChunks<{ verifiable::mock::MAX_MEMBERS }>;
	type Randomness = pallet_ring::ParentHashRandomness<Test>;
	type Domain = Domain;
	type MaxRingSize = ConstU32<MAX_RING_SIZE>;
	type OnboardingBatch = ConstU32<BATCH>;
	type RingOverlap = ConstU32<OVERLAP>;
	type SeedBatch = ConstU32<SEED_BATCH>;
	type OnboardingDelay = OnboardingDelay;
	type MaxQueue = ConstU32<MAX_QUEUE>;
	type EpochLength = EpochLength;
	type TicketsPerEpoch = ConstU32<TICKETS>;
	type RootGrace = RootGrace;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockHelper;
}

/// Keys and proofs of the mock VRF, for the benchmark tests.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_ring::BenchmarkHelper<Mock> for MockHelper {
	fn member(i: u32) -> [u8; 32] {
		key(i)
	}

	fn sign(i: u32, message: &[u8]) -> [u8; 32] {
		use verifiable::GenerateVerifiable;
		Mock::sign(&key(i), message).expect("the mock VRF signs anything")
	}

	fn proof() -> (Vec<[u8; 32]>, verifiable::mock::MockProof, Vec<u8>, Vec<u8>, verifiable::Alias) {
		use verifiable::GenerateVerifiable;
		let members: Vec<[u8; 32]> = (0..4).map(key).collect();
		let commitment = Mock::open((), &members[1], members.iter().cloned()).unwrap();
		let (proof, alias) = Mock::create(commitment, &members[1], b"context", b"message").unwrap();
		(members, proof, b"context".to_vec(), b"message".to_vec(), alias)
	}
}

/// The mock VRF's key (and secret) number `i`.
pub fn key(i: u32) -> [u8; 32] {
	let mut k = [0xaa; 32];
	k[..4].copy_from_slice(&i.to_le_bytes());
	k
}

/// A test environment at block 1, with the pallet's invariants checked at the end.
pub fn build_and_execute(test: impl FnOnce()) {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		test();
		Ring::do_try_state().expect("the ring pallet's invariants hold");
	});
}

/// Benchmark tests' environment.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
