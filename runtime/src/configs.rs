//! Configuration of every pallet in the runtime.

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		ConstantMultiplier, IdentityFee, Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::Bounded, FixedPointNumber, Perbill, Perquintill};
use sp_version::RuntimeVersion;

use super::{
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Chat, Hash, Nonce, PalletInfo, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask,
	System, UserRing, BLOCK_HASH_COUNT, DAYS, EXISTENTIAL_DEPOSIT, MICRO_UNIT, MILLI_UNIT, MINUTES, SLOT_DURATION,
	SS58_PREFIX, VERSION,
};

/// Share of a block that ordinary (non-operational) transactions may fill.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// Compute time a block may use: half of the 2 s slot. The author must build the
/// block within 2/3 of the slot and every other validator must import it before the
/// next one, so a block that takes the whole slot would stall the chain on slower
/// validators.
const MAXIMUM_BLOCK_WEIGHT: Weight =
	Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX);

parameter_types! {
	pub const BlockHashCount: BlockNumber = BLOCK_HASH_COUNT;
	pub const Version: RuntimeVersion = VERSION;
	pub const SS58Prefix: u16 = SS58_PREFIX;

	pub RuntimeBlockWeights: BlockWeights =
		BlockWeights::with_sensible_defaults(MAXIMUM_BLOCK_WEIGHT, NORMAL_DISPATCH_RATIO);
	/// 5 MiB blocks, as on the relay chain: far above what a 2 s block of chat traffic needs.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	// No session or staking pallet: the authority set is fixed in the chain spec, so
	// there is nothing to slash and equivocation reports are not accepted.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fee per byte of an extrinsic: chat traffic is bytes, so length is priced.
	pub const TransactionByteFee: Balance = MICRO_UNIT;
	/// Fees rise when blocks are more than a quarter full and fall back when they are
	/// not, so a flood of transactions becomes expensive for its sender.
	pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(3, 100_000);
	pub MinimumMultiplier: Multiplier = Multiplier::saturating_from_rational(1, 1_000_000u128);
	pub MaximumMultiplier: Multiplier = Bounded::max_value();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = TargetedFeeAdjustment<
		Self,
		TargetBlockFullness,
		AdjustmentVariable,
		MinimumMultiplier,
		MaximumMultiplier,
	>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

/// The council: the validators' operators. A motion of two thirds of its members acts as
/// root through `Governance::dispatch_as_root` (a runtime upgrade, a validator change, a
/// change of the council itself); there is no other root on a production chain.
pub type CouncilCollective = pallet_collective::Instance1;

/// Two thirds of the council (at least): the only origin that acts as root without sudo.
pub type CouncilTwoThirds = pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>;

parameter_types! {
	/// After three days anyone may close a motion without enough ayes, and it fails (until
	/// closed it stays open and can still gather votes).
	pub const CouncilMotionDuration: BlockNumber = 3 * DAYS;
	/// A council call may use at most half a block.
	pub CouncilMaxProposalWeight: Weight = Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
	/// GRANDPA's new voters take over once the block this many after a validator
	/// change's is final.
	pub const GrandpaChangeDelay: BlockNumber = 10;
	/// GRANDPA's nodes take the voters of a forced validator change (finality stalled)
	/// once the block this many after the change's is on their best chain: ten minutes
	/// for every node to import the change first. One forced change per twenty minutes.
	pub const ForcedChangeDelay: BlockNumber = 10 * MINUTES;
}

/// A council member who does not vote counts as against, whoever the prime is: a motion
/// gets root only with the ayes of two thirds of the members, never by default.
pub struct AbsentVotesNay;
impl pallet_collective::DefaultVote for AbsentVotesNay {
	fn default_vote(_prime_vote: Option<bool>, _yes_votes: u32, _no_votes: u32, _len: u32) -> bool {
		false
	}
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = ConstU32<16>;
	type MaxMembers = ConstU32<32>;
	type DefaultVote = AbsentVotesNay;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	type SetMembersOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxProposalWeight = CouncilMaxProposalWeight;
	type DisapproveOrigin = frame_system::EnsureRoot<AccountId>;
	type KillOrigin = frame_system::EnsureRoot<AccountId>;
	// Members are the validators' operators, few and known: no deposit per motion.
	type Consideration = ();
}

impl pallet_governance::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type CouncilOrigin = CouncilTwoThirds;
	type GrandpaChangeDelay = GrandpaChangeDelay;
	type ForcedChangeDelay = ForcedChangeDelay;
	type MaxValidators = ConstU32<32>;
	type WeightInfo = pallet_governance::weights::SubstrateWeight<Runtime>;
}

/// Storage deposit of an item an account keeps in state (its registration and its key
/// history): a base per item plus a price per byte, so that filling state costs in
/// proportion to what it takes from every node's disk. 0.01 SEAL per item and 0.1 mSEAL
/// per byte.
pub const DEPOSIT_PER_ITEM: Balance = 10 * MILLI_UNIT;
pub const DEPOSIT_PER_BYTE: Balance = 100 * MICRO_UNIT;

/// Tickets each registered user may spend per epoch (a day) on anonymous operations:
/// creating a chat, joining one, renewing a lease.
pub const TICKETS_PER_EPOCH: u32 = 32;
/// How long a chat or a part lives after its creation or its last renewal.
pub const LEASE: BlockNumber = 90 * DAYS;
/// State one part's messages take at once (each message counts its ciphertext and the
/// 160 bytes of state it takes besides, `pallet_chat::MESSAGE_OVERHEAD`): about 840
/// messages of a line or two, or 61 of the largest size.
pub const PART_QUOTA: u32 = 256 * 1024;
/// The length of every connector record, invitation or response: a sealed invitation
/// listing up to five parts (docs/CHAIN.md).
pub const RECORD_LEN: u32 = 512;
/// Invitations a chat sends in its life.
pub const MAX_INVITATIONS: u64 = 256;
/// The largest blob of a part.
pub const MAX_PART_BLOB_LEN: u32 = 4096;
/// Writes a part makes a day without a top-up: the reference user's five messages a day
/// in each chat (docs/SCALE.md) with room to spare. With the figures below, filling the
/// chain's blocks for a day takes over a thousand registrations (docs/CHAIN.md, "What
/// bounds a user", checked by tests/tests/bounds.rs).
pub const WRITES_PER_EPOCH: u32 = 8;
/// Bytes a part writes a day without a top-up: eight messages of a kilobyte.
pub const WRITE_BYTES_PER_EPOCH: u32 = 8 * 1024;
/// Writes each renewal of a part adds for its day: a heavy user's 1,000 messages a day
/// in one chat take four renewals (of 32 tickets a day).
pub const TOP_UP_WRITES: u32 = 256;
/// Bytes each renewal of a part adds for its day: 256 messages of a kilobyte.
pub const TOP_UP_BYTES: u32 = 256 * 1024;
/// Invitations a chat sends a day, and each renewal of the chat adds for its day: a new
/// group of nine.
pub const INVITATIONS_PER_EPOCH: u32 = 8;
/// Bytes of storage key, length prefixes and trie overhead counted for every item.
const ITEM_OVERHEAD: u64 = 128;

/// The most one chat keeps in state: its own state and, at the worst, every one of its
/// invitations at once (records expire after `RecordLifetime`, but a chat may send all
/// of them in a day).
const CHAT_FOOTPRINT: u64 = (8 + 32 + 8 + 256 + 4 + ITEM_OVERHEAD) + MAX_INVITATIONS * (RECORD_LEN as u64 + ITEM_OVERHEAD);
/// The most one part keeps in state: its blob, its messages up to the quota, and the
/// response record its join posted.
const PART_FOOTPRINT: u64 =
	(MAX_PART_BLOB_LEN as u64 + 24 + ITEM_OVERHEAD) + PART_QUOTA as u64 + (RECORD_LEN as u64 + ITEM_OVERHEAD);
/// Leases one user can hold at once: each was taken or renewed with a ticket spent
/// within the last `LEASE` blocks, which span at most `LEASE / DAYS + 1` epochs.
const LEASES_PER_USER: u64 = TICKETS_PER_EPOCH as u64 * (LEASE / DAYS + 1) as u64;
/// The most state one registered user's anonymous operations keep at once: about 742 MiB
/// with the figures above (docs/CHAIN.md, "What bounds the state").
pub const ANONYMOUS_FOOTPRINT: u64 =
	LEASES_PER_USER * if CHAT_FOOTPRINT > PART_FOOTPRINT { CHAT_FOOTPRINT } else { PART_FOOTPRINT };
/// The deposit per byte of that bound: it expires on its own and is prepaid once, so it
/// is priced at a ten-thousandth of an account's per-byte deposit (10 nSEAL).
pub const ANONYMOUS_DEPOSIT_PER_BYTE: Balance = DEPOSIT_PER_BYTE / 10_000;

parameter_types! {
	/// Records are the rendezvous only (invitations and responses): a client that is
	/// offline for up to 30 days still finds them. See `docs/CHAIN.md`.
	pub const RecordLifetime: BlockNumber = 30 * DAYS;
	/// Leases of chats and parts (docs/CHAIN.md).
	pub const Lease: BlockNumber = LEASE;
}

impl pallet_connector::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Chats = Chat;
	type AddMemberOrigin = pallet_chat::EnsureChat<Runtime>;
	/// Invitations and responses are padded to one length, so a record's size tells nothing.
	type RecordLen = ConstU32<RECORD_LEN>;
	type MaxKeyHistory = ConstU32<16>;
	type RecordLifetime = RecordLifetime;
	type KeyDeposit = ConstU128<DEPOSIT_PER_ITEM>;
	/// The registration and the ring entry (three items of under 256 bytes together),
	/// and the most state the user's anonymous operations can keep at once, at the
	/// anonymous price: about 7.8 SEAL.
	type RegistrationDeposit = ConstU128<
		{ 3 * DEPOSIT_PER_ITEM + 256 * DEPOSIT_PER_BYTE + ANONYMOUS_FOOTPRINT as Balance * ANONYMOUS_DEPOSIT_PER_BYTE },
	>;
	type Ring = UserRing;
	/// Creating a chat takes a ticket of the ring of users.
	type Tickets = UserRing;
	/// 2048 records of 512 bytes: a page is about 1.2 MiB of SCALE, under the RPC server's
	/// 10 MiB response limit, and a million records sync in under 500 calls.
	type MaxPageLen = ConstU32<2048>;
	/// 64 records of 512 bytes, about 35 KiB a page: a page of the view above reads 32
	/// storage items instead of 2048, and an append rewrites one such item.
	type RecordsPerPage = ConstU32<64>;
	type WeightInfo = pallet_connector::weights::SubstrateWeight<Runtime>;
}

impl pallet_chat::Config for Runtime {
	type Connector = pallet_chat::DispatchToConnector<Runtime, RuntimeCall>;
	/// Joining a chat and renewing a lease take tickets of the ring of users.
	type Tickets = UserRing;
	/// A chat invites at most 256 users in its life: its records in the connector are
	/// bounded by that (docs/CHAIN.md).
	type MaxInvitations = ConstU64<MAX_INVITATIONS>;
	/// A pending proof-authorized call stays in the pool for up to about two minutes.
	type ProofLongevity = ConstU64<64>;
	/// A 32-byte chat key in a sealed box is 80 bytes.
	type MaxSealedKeyLen = ConstU32<256>;
	/// The owner's sealed chat key plus the encrypted owner and list of other members'
	/// parts: 4 KiB holds over a hundred members.
	type MaxPartBlobLen = ConstU32<MAX_PART_BLOB_LEN>;
	/// 4 KiB of ciphertext: about 4 KiB of text after 40 bytes of nonce and tag.
	type MaxMessageLen = ConstU32<4096>;
	type PartQuota = ConstU32<PART_QUOTA>;
	type Lifetime = Lease;
	/// What one registration writes in a day is bounded by its leases and its tickets
	/// (docs/CHAIN.md, "What bounds a user").
	type WritesPerEpoch = ConstU32<WRITES_PER_EPOCH>;
	type WriteBytesPerEpoch = ConstU32<WRITE_BYTES_PER_EPOCH>;
	type TopUpWrites = ConstU32<TOP_UP_WRITES>;
	type TopUpBytes = ConstU32<TOP_UP_BYTES>;
	type InvitationsPerEpoch = ConstU32<INVITATIONS_PER_EPOCH>;
	type MaxPageLen = ConstU32<1000>;
	type WeightInfo = pallet_chat::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Separates the users' ring tickets from every other ring-proof context.
	pub const UserRingDomain: &'static [u8] = b"sealchat/v2/ticket/user";
	/// A key waits at most five minutes for a full batch before it is onboarded anyway.
	pub const UserOnboardingDelay: BlockNumber = 5 * MINUTES;
	/// Ticket quotas renew daily.
	pub const TicketEpoch: BlockNumber = DAYS;
	/// A proof made just before a batch changed its ring's root stays good for a minute:
	/// making one takes a couple of seconds, and it may wait in the pool a few blocks.
	pub const RingRootGrace: BlockNumber = MINUTES;
}

/// The ring of registered users: every user's ring key, enrolled when the user
/// registers. Tickets of this ring authorize the anonymous chat operations.
impl pallet_ring::Config<pallet_ring::Instance1> for Runtime {
	/// Rings are built in the runtime; proofs are verified by the node (pallet_ring::host).
	type Crypto = pallet_ring::bandersnatch::HostVerified;
	type CryptoConfig = pallet_ring::bandersnatch::Domain16;
	type Chunks = pallet_ring::bandersnatch::Chunks;
	type Randomness = pallet_ring::ParentHashRandomness<Runtime>;
	type Domain = UserRingDomain;
	/// 2,048 users per ring: twice the anonymity set the chain promises at least (the
	/// chunks compiled in cover 2,048 positions; docs/CHAIN.md).
	type MaxRingSize = ConstU32<2048>;
	/// Keys join their ring sixteen at a time, in a shuffled order.
	type OnboardingBatch = ConstU32<16>;
	/// A new ring starts with the last 1,024 keys of the ring before: no ticket is proved
	/// among fewer users than that once the chain has them (docs/CHAIN.md).
	type RingOverlap = ConstU32<1024>;
	/// 64 keys copied a block (about 85 ms of weight): a new ring is started in 16 blocks.
	type SeedBatch = ConstU32<64>;
	type OnboardingDelay = UserOnboardingDelay;
	type MaxQueue = ConstU32<1024>;
	type EpochLength = TicketEpoch;
	/// Each user may create or join 32 chats (or renew leases) a day.
	type TicketsPerEpoch = ConstU32<TICKETS_PER_EPOCH>;
	type RootGrace = RingRootGrace;
	type WeightInfo = pallet_ring::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_ring::bandersnatch::BenchmarkHelper;
}
