//! # Ring pallet
//!
//! Anonymous membership for SealChat: sets ("rings") of member keys, and *tickets* that
//! prove "one of the members of this ring, within its quota" without saying which.
//!
//! ## Overview
//!
//! A member key is a ring-VRF public key ([`Config::Crypto`]: Bandersnatch ring proofs
//! in the runtime, a mock in unit tests). Another pallet enrolls keys
//! ([`Pallet::enroll`]); the connector does so when a user registers. Keys wait in a
//! queue and are onboarded into the current ring in batches of
//! [`Config::OnboardingBatch`] (or fewer after [`Config::OnboardingDelay`] blocks, so a
//! lone registrant on a quiet chain is not kept waiting; a chain spec may set another delay
//! at genesis), in an order shuffled with the
//! parent block hash: a key's position in its ring does not reveal when it registered.
//! A ring holds at most [`Config::MaxRingSize`] keys; then the next one starts.
//!
//! A ring after the first starts with the last [`Config::RingOverlap`] keys of the full
//! ring before it, copied in ([`Config::SeedBatch`] a block) before any new key, and those
//! keys are placed in the new ring from then on: the new ring's first tickets are proved
//! among at least `RingOverlap` members, and the ring before keeps the
//! `MaxRingSize - RingOverlap` members who still prove in it. Until it holds them all,
//! the new ring has no root (its tickets are refused as `UnknownRing`) and the queue
//! waits. So every ticket's anonymity set is the whole ring of users while the chain has
//! fewer than `MaxRingSize` members, and at least `RingOverlap` after.
//!
//! A ring is summarized by its *root* (the ring-VRF commitment to its keys). Every
//! onboarding gives the ring a new root and bumps its *revision*; the previous root
//! stays valid for [`Config::RootGrace`] blocks, so a proof made just before a batch
//! landed still counts.
//!
//! ## Tickets
//!
//! Time is cut into epochs of [`Config::EpochLength`] blocks. A member may spend
//! [`Config::TicketsPerEpoch`] tickets per epoch: ticket `(epoch, slot)` is a ring proof
//! under the context [`ticket_context`]`(Config::Domain, epoch, slot)`, whose alias is
//! the same every time the same member proves the same context, and unlinkable to the
//! member and to its aliases under any other context. A spent alias is recorded for its
//! epoch, so each member has exactly `TicketsPerEpoch` tickets an epoch, and nobody
//! learns which member spent which.
//!
//! The proof also signs a message the calling pallet chooses (a hash of the call's
//! other arguments), so a ticket cannot be moved to another call. Calling pallets check
//! tickets in their `#[pallet::authorize]` functions ([`Pallet::check_ticket`], which
//! reads only) and spend them in the call itself ([`Pallet::spend_ticket`]).
//!
//! Refused tickets are transaction validity errors, `InvalidTransaction::Custom` with a
//! [`TicketError`] code.
//!
//! ## State growth
//!
//! Rings: one root, one builder and one key per member. Spent aliases: at most
//! `members × TicketsPerEpoch` per epoch; aliases of past epochs are removed in
//! `on_idle` (no ticket of a past epoch is accepted).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod bandersnatch;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod host;
#[cfg(test)]
mod mock;
#[cfg(feature = "std")]
pub mod testing;
#[cfg(test)]
mod tests;
pub mod weights;

pub use verifiable::{Alias, GenerateVerifiable};
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::ops::Range;
use frame_support::{
	pallet_prelude::{InvalidTransaction, TransactionValidityError, ValidTransaction},
	weights::Weight,
};
use scale_info::TypeInfo;

/// Index of a ring; rings are numbered from 0 in the order they were started.
pub type RingIndex = u32;

/// Index of an epoch: block number / [`Config::EpochLength`].
pub type Epoch = u32;

/// The static data a ring needs to take in keys: [`GenerateVerifiable::StaticChunk`]s,
/// one per ring position (for ring VRFs, points of the trusted setup).
pub trait RingChunks<Chunk> {
	/// How many ring positions the chunks cover.
	fn capacity() -> u32;

	/// The chunks of the positions in `range`; `Err` beyond [`Self::capacity`].
	fn chunks(range: Range<usize>) -> Result<Vec<Chunk>, ()>;
}

/// The chunks of a ring VRF that needs no static data (its `StaticChunk` is `()`, as
/// `verifiable`'s mock's is), for up to `CAPACITY` ring positions.
pub struct NoChunks<const CAPACITY: u32>;

impl<const CAPACITY: u32> RingChunks<()> for NoChunks<CAPACITY> {
	fn capacity() -> u32 {
		CAPACITY
	}

	fn chunks(range: Range<usize>) -> Result<Vec<()>, ()> {
		if range.end > CAPACITY as usize {
			return Err(());
		}
		Ok(alloc::vec![(); range.len()])
	}
}

/// What an anonymous call carries: a ring proof, by one member of `ring` as of its root
/// `revision`, of ticket `slot` of `epoch`, and the alias it proves (so the call can spend
/// the ticket without verifying the proof again).
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Ticket<Proof> {
	/// The prover's ring.
	pub ring: RingIndex,
	/// The revision of the ring's root the proof was made against.
	pub revision: u32,
	/// The current epoch.
	pub epoch: Epoch,
	/// Which of the member's tickets of the epoch: below [`Config::TicketsPerEpoch`].
	pub slot: u32,
	/// The alias the proof proves: the member's for this `(epoch, slot)`.
	pub alias: Alias,
	/// The ring proof.
	pub proof: Proof,
}

/// Tickets as the pallets that accept them see them: checked in a call's
/// `#[pallet::authorize]` function, spent when the call is dispatched.
///
/// The authorize function runs for every general transaction, in the pool and again when
/// a block applies it, so the dispatch may rely on [`Tickets::check`] having passed for
/// the same state: it spends the ticket's alias without verifying the proof again.
pub trait Tickets {
	/// What a call carries.
	type Ticket: codec::FullCodec + DecodeWithMemTracking + TypeInfo + Clone + PartialEq + Eq + core::fmt::Debug;

	/// Checks `ticket` for a call whose other arguments are summed up by `message`,
	/// reading only; returns the pool's validity for the transaction (it provides the
	/// ticket's alias, so two transactions spending one ticket never share a block).
	fn check(ticket: &Self::Ticket, message: &[u8]) -> Result<ValidTransaction, TicketError>;

	/// Spends a ticket that [`Tickets::check`] accepted in this block's state.
	fn spend(ticket: &Self::Ticket) -> frame_support::dispatch::DispatchResult;

	/// The current epoch: the period whose tickets are accepted now, and over which
	/// pallets that take tickets count their other allowances.
	fn epoch() -> Epoch;

	/// The most [`Tickets::check`] costs.
	fn check_weight() -> Weight;

	/// The most [`Tickets::spend`] costs.
	fn spend_weight() -> Weight;

	/// An unspent ticket of the current epoch for dispatch benchmarks (its proof need not
	/// verify: dispatching does not verify it).
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_ticket(i: u32) -> Self::Ticket;
}

/// Why a ticket is refused; the `InvalidTransaction::Custom` code of the refusal.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum TicketError {
	/// No ring with that index.
	UnknownRing = 200,
	/// The ring's root has moved on: the proof was made against a revision that is no
	/// longer accepted. Prove again against the current root.
	StaleRoot = 201,
	/// The ticket is not of the current epoch.
	WrongEpoch = 202,
	/// The slot is not below [`Config::TicketsPerEpoch`].
	NoSuchSlot = 203,
	/// The proof does not verify for that ring, context and message.
	BadProof = 204,
	/// This ticket (its alias in this epoch) was spent already.
	Spent = 205,
}

impl TicketError {
	/// The refusal's code.
	pub fn code(self) -> u8 {
		self as u8
	}

	/// The error with `code`, if any.
	pub fn from_code(code: u8) -> Option<Self> {
		[Self::UnknownRing, Self::StaleRoot, Self::WrongEpoch, Self::NoSuchSlot, Self::BadProof, Self::Spent]
			.into_iter()
			.find(|e| e.code() == code)
	}
}

impl From<TicketError> for TransactionValidityError {
	fn from(e: TicketError) -> Self {
		TransactionValidityError::Invalid(InvalidTransaction::Custom(e.code()))
	}
}

/// The pool priority of an anonymous call by someone who has used none of an allowance:
/// a ticket's, and a chat part's first write of an epoch. Calls that draw on an allowance
/// get less the more of it has been used, so that light users go first when blocks are
/// full.
pub const FRESH_PRIORITY: frame_support::pallet_prelude::TransactionPriority = 1 << 20;

/// The ring-proof context of ticket `slot` of `epoch`: `domain`, then the SCALE
/// encoding of `(epoch, slot)` (both `u32`, little-endian).
pub fn ticket_context(domain: &[u8], epoch: Epoch, slot: u32) -> Vec<u8> {
	let mut context = domain.to_vec();
	(epoch, slot).encode_to(&mut context);
	context
}

/// Where an enrolled key stands.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Placement {
	/// Waiting in the onboarding queue.
	Queued,
	/// At `position` of `ring`.
	InRing { ring: RingIndex, position: u32 },
}

/// Enrollment into a ring set, as other pallets use it.
pub trait Enroll<Key> {
	/// A signature by a member key (not a ring proof: it names its signer).
	type Signature: frame_support::Parameter + MaxEncodedLen;

	/// Queues `key` for onboarding into a ring; fails for a key that is not valid,
	/// already enrolled, or when the queue is full.
	fn enroll(key: Key) -> frame_support::dispatch::DispatchResult;

	/// Whether `signature` is `key`'s over `message`: proof that whoever presents it
	/// holds `key`'s secret.
	fn is_signed_by(key: &Key, message: &[u8], signature: &Self::Signature) -> bool;

	/// A valid key, different for every `i`.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_key(i: u32) -> Key;

	/// [`Self::benchmark_key`]`(i)`'s signature over `message`.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_signature(i: u32, message: &[u8]) -> Self::Signature;

	/// Makes the next [`Self::enroll`] as costly as it gets (a full queue, but for one).
	#[cfg(feature = "runtime-benchmarks")]
	fn prepare_worst_case();
}

/// A ring's public state, for clients.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct RingView<Root> {
	/// The current root.
	pub root: Root,
	/// Its revision.
	pub revision: u32,
	/// How many keys the ring holds: what a prover proves among.
	pub size: u32,
	/// How many of them prove in this ring: its keys, less the last ones a ring after it
	/// started with (those are placed there). A ticket's anonymity set.
	pub members: u32,
}

/// Randomness from the parent block's hash: known to the block's author a moment
/// before, which is enough to keep ring positions from following registration order.
pub struct ParentHashRandomness<T>(core::marker::PhantomData<T>);

impl<T: frame_system::Config> frame_support::traits::Randomness<T::Hash, frame_system::pallet_prelude::BlockNumberFor<T>>
	for ParentHashRandomness<T>
{
	fn random(subject: &[u8]) -> (T::Hash, frame_system::pallet_prelude::BlockNumberFor<T>) {
		use sp_runtime::traits::Hash;
		let parent = frame_system::Pallet::<T>::parent_hash();
		let now = frame_system::Pallet::<T>::block_number();
		(T::Hashing::hash_of(&(subject, parent)), now)
	}
}

/// What benchmarks need of the ring VRF: keys and a valid proof, made off chain.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<C: GenerateVerifiable> {
	/// A valid member key, different for every `i`.
	fn member(i: u32) -> C::Member;

	/// [`Self::member`]`(i)`'s signature over `message`.
	fn sign(i: u32, message: &[u8]) -> C::Signature;

	/// The keys of a ring, and a proof by one of them under `context` over `message`,
	/// with the alias it proves.
	fn proof() -> (Vec<C::Member>, C::Proof, Vec<u8>, Vec<u8>, Alias);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::Randomness as _};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{Saturating, Zero},
		SaturatedConversion,
	};

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	/// A member key.
	pub type MemberOf<T, I = ()> = <<T as Config<I>>::Crypto as GenerateVerifiable>::Member;
	/// A ring root.
	pub type RootOf<T, I = ()> = <<T as Config<I>>::Crypto as GenerateVerifiable>::Members;
	/// A ring being built.
	pub type BuilderOf<T, I = ()> = <<T as Config<I>>::Crypto as GenerateVerifiable>::Intermediate;
	/// A ring proof.
	pub type ProofOf<T, I = ()> = <<T as Config<I>>::Crypto as GenerateVerifiable>::Proof;
	/// A signature by a member key.
	pub type SignatureOf<T, I = ()> = <<T as Config<I>>::Crypto as GenerateVerifiable>::Signature;
	/// A ticket of this ring set.
	pub type TicketOf<T, I = ()> = Ticket<ProofOf<T, I>>;

	/// A ring's roots: the current one and, for a while, the one before.
	#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
	#[scale_info(skip_type_params(T, I))]
	pub struct RingRoots<T: Config<I>, I: 'static = ()> {
		/// The root of all the ring's keys.
		pub root: RootOf<T, I>,
		/// The revision of `root`: how many batches the ring has taken in.
		pub revision: u32,
		/// How many keys the ring holds.
		pub size: u32,
		/// The root before the last batch, accepted until the block given.
		pub previous: Option<(RootOf<T, I>, BlockNumberFor<T>)>,
	}

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T, I = ()>(_);

	#[pallet::config]
	pub trait Config<I: 'static = ()>: frame_system::Config<RuntimeEvent: From<Event<Self, I>>> {
		/// The ring VRF.
		type Crypto: GenerateVerifiable;

		/// The ring VRF's parameters (for Bandersnatch: the domain size).
		type CryptoConfig: Get<<Self::Crypto as GenerateVerifiable>::Config>;

		/// The static data rings are built with.
		type Chunks: RingChunks<<Self::Crypto as GenerateVerifiable>::StaticChunk>;

		/// Seeds the shuffle of each onboarding batch (the runtime uses the parent hash).
		type Randomness: frame_support::traits::Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// What ticket contexts of this ring set start with: separates the ring sets of
		/// one chain from each other.
		type Domain: Get<&'static [u8]>;

		/// Most keys in one ring; at most what [`Config::Chunks`] covers.
		#[pallet::constant]
		type MaxRingSize: Get<u32>;

		/// Keys onboarded together: the queue is onboarded once it holds this many.
		#[pallet::constant]
		type OnboardingBatch: Get<u32>;

		/// Keys a ring after the first starts with: the last ones of the full ring before
		/// it (see the pallet's docs). At most half of [`Config::MaxRingSize`]; 0 starts
		/// every ring empty.
		#[pallet::constant]
		type RingOverlap: Get<u32>;

		/// Keys of the ring before copied into a new ring per block, until it holds
		/// [`Config::RingOverlap`]: what bounds the weight of starting a ring.
		#[pallet::constant]
		type SeedBatch: Get<u32>;

		/// After this many blocks in the queue, keys are onboarded even in a smaller
		/// batch, unless the chain's genesis set another delay.
		#[pallet::constant]
		type OnboardingDelay: Get<BlockNumberFor<Self>>;

		/// Most keys waiting to be onboarded.
		#[pallet::constant]
		type MaxQueue: Get<u32>;

		/// Blocks per epoch.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;

		/// Tickets each member may spend per epoch.
		#[pallet::constant]
		type TicketsPerEpoch: Get<u32>;

		/// How long a ring's previous root stays valid after a batch changed it.
		#[pallet::constant]
		type RootGrace: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet.
		type WeightInfo: WeightInfo;

		/// Keys and proofs for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::Crypto>;
	}

	/// The roots of every ring.
	#[pallet::storage]
	pub type Roots<T: Config<I>, I: 'static = ()> = StorageMap<_, Twox64Concat, RingIndex, RingRoots<T, I>>;

	/// The ring being filled, as the ring VRF builds it.
	#[pallet::storage]
	pub type Builder<T: Config<I>, I: 'static = ()> = StorageValue<_, BuilderOf<T, I>>;

	/// The index of the ring being filled.
	#[pallet::storage]
	pub type CurrentRing<T: Config<I>, I: 'static = ()> = StorageValue<_, RingIndex, ValueQuery>;

	/// While the current ring is being started: how many keys of the ring before it it
	/// holds so far (it has no root until it holds [`Config::RingOverlap`]).
	#[pallet::storage]
	pub type Seeding<T: Config<I>, I: 'static = ()> = StorageValue<_, u32>;

	/// How many keys of the full ring before it each ring started with (rings that
	/// started empty have none).
	#[pallet::storage]
	pub type Copied<T: Config<I>, I: 'static = ()> = StorageMap<_, Twox64Concat, RingIndex, u32, ValueQuery>;

	/// Every ring's keys, by position: what a prover needs to prove.
	#[pallet::storage]
	pub type RingKeys<T: Config<I>, I: 'static = ()> =
		StorageDoubleMap<_, Twox64Concat, RingIndex, Twox64Concat, u32, MemberOf<T, I>>;

	/// Where every enrolled key stands.
	#[pallet::storage]
	pub type Placements<T: Config<I>, I: 'static = ()> =
		StorageMap<_, Blake2_128Concat, MemberOf<T, I>, Placement>;

	/// Keys waiting to be onboarded, in the order they came.
	#[pallet::storage]
	pub type Queue<T: Config<I>, I: 'static = ()> =
		StorageValue<_, BoundedVec<MemberOf<T, I>, T::MaxQueue>, ValueQuery>;

	/// The block the oldest queued key came in.
	#[pallet::storage]
	pub type QueuedSince<T: Config<I>, I: 'static = ()> = StorageValue<_, BlockNumberFor<T>>;

	/// The onboarding delay the chain's genesis chose instead of [`Config::OnboardingDelay`]
	/// (development chains with a handful of users onboard within a block or two).
	#[pallet::storage]
	pub type GenesisOnboardingDelay<T: Config<I>, I: 'static = ()> = StorageValue<_, BlockNumberFor<T>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config<I>, I: 'static = ()> {
		/// Another onboarding delay than [`Config::OnboardingDelay`], in blocks.
		pub onboarding_delay: Option<BlockNumberFor<T>>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<I>,
	}

	#[pallet::genesis_build]
	impl<T: Config<I>, I: 'static> BuildGenesisConfig for GenesisConfig<T, I> {
		fn build(&self) {
			if let Some(delay) = self.onboarding_delay {
				GenesisOnboardingDelay::<T, I>::put(delay);
			}
		}
	}

	/// Spent tickets: aliases by epoch.
	#[pallet::storage]
	pub type Spent<T: Config<I>, I: 'static = ()> =
		StorageDoubleMap<_, Twox64Concat, Epoch, Identity, Alias, ()>;

	/// Epochs below this one have no spent aliases left in storage.
	#[pallet::storage]
	pub type PrunedBelow<T: Config<I>, I: 'static = ()> = StorageValue<_, Epoch, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config<I>, I: 'static = ()> {
		/// A key joined the onboarding queue.
		Enrolled { queued: u32 },
		/// `count` keys were onboarded into `ring`, which now has root `revision`.
		Onboarded { ring: RingIndex, count: u32, revision: u32 },
		/// `ring` started with the last `count` keys of the ring before it, placed in it
		/// from now on; its first root is revision 0.
		RingStarted { ring: RingIndex, count: u32 },
		/// Spent aliases of epochs below `below` were removed.
		SpentPruned { below: Epoch, count: u32 },
	}

	#[pallet::error]
	pub enum Error<T, I = ()> {
		/// The key is not a valid ring-VRF public key.
		InvalidMember,
		/// The key is enrolled already.
		AlreadyEnrolled,
		/// The onboarding queue is full; try again in a few blocks.
		QueueFull,
		/// The ticket was spent already.
		TicketSpent,
	}

	#[pallet::hooks]
	impl<T: Config<I>, I: 'static> Hooks<BlockNumberFor<T>> for Pallet<T, I> {
		/// Onboards a batch when one is due, or copies the next keys into a ring being
		/// started. Its weight is bounded by [`Config::OnboardingBatch`] keys, or
		/// [`Config::SeedBatch`].
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::onboard_if_due(now)
		}

		/// Removes spent aliases of past epochs, as far as the weight left allows.
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::prune_spent(Self::epoch_at(now), remaining)
		}

		fn integrity_test() {
			assert!(T::MaxRingSize::get() > 0, "rings hold at least one key");
			assert!(
				T::MaxRingSize::get() <= T::Chunks::capacity(),
				"MaxRingSize exceeds the positions the chunks cover"
			);
			assert!(T::OnboardingBatch::get() > 0, "a batch holds at least one key");
			assert!(T::OnboardingBatch::get() <= T::MaxQueue::get(), "a batch fits the queue");
			assert!(T::RingOverlap::get() <= T::MaxRingSize::get() / 2, "a ring keeps at least half its keys");
			assert!(T::RingOverlap::get() == 0 || T::SeedBatch::get() > 0, "a new ring takes its keys in");
			assert!(!T::EpochLength::get().is_zero(), "epochs last at least a block");
			assert!(T::TicketsPerEpoch::get() > 0, "members have tickets");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::view_functions]
	impl<T: Config<I>, I: 'static> Pallet<T, I> {
		/// Where `member` stands: queued, in a ring at a position, or not enrolled. A key
		/// already copied into a ring that is still being started (and has no root yet)
		/// stands where it proves until then: in the ring before.
		pub fn placement(member: MemberOf<T, I>) -> Option<Placement> {
			let placement = Placements::<T, I>::get(member)?;
			let current = CurrentRing::<T, I>::get();
			Some(match placement {
				Placement::InRing { ring, position } if ring == current && Seeding::<T, I>::get().is_some() => {
					Placement::InRing { ring: ring.saturating_sub(1), position: Self::first_copied().saturating_add(position) }
				},
				other => other,
			})
		}

		/// A ring's current root, revision, size and members.
		pub fn ring(ring: RingIndex) -> Option<RingView<RootOf<T, I>>> {
			let roots = Roots::<T, I>::get(ring)?;
			// Keys the next ring took in prove there once it has a root.
			let moved = match Roots::<T, I>::contains_key(ring.saturating_add(1)) {
				true => Copied::<T, I>::get(ring.saturating_add(1)),
				false => 0,
			};
			Some(RingView {
				root: roots.root,
				revision: roots.revision,
				size: roots.size,
				members: roots.size.saturating_sub(moved),
			})
		}

		/// The keys of `ring` from position `from` on, at most `max` (and at most 4096).
		pub fn ring_keys(ring: RingIndex, from: u32, max: u32) -> Vec<MemberOf<T, I>> {
			let size = Roots::<T, I>::get(ring).map(|r| r.size).unwrap_or(0);
			let end = from.saturating_add(max.min(4096)).min(size);
			(from..end).filter_map(|p| RingKeys::<T, I>::get(ring, p)).collect()
		}

		/// The current epoch and the first block of the next one.
		pub fn epoch() -> (Epoch, BlockNumberFor<T>) {
			let now = frame_system::Pallet::<T>::block_number();
			let epoch = Self::epoch_at(now);
			let next = T::EpochLength::get().saturating_mul((epoch.saturating_add(1)).into());
			(epoch, next)
		}

		/// Whether `alias` was spent in `epoch`.
		pub fn is_spent(epoch: Epoch, alias: Alias) -> bool {
			Spent::<T, I>::contains_key(epoch, alias)
		}
	}

	impl<T: Config<I>, I: 'static> Enroll<MemberOf<T, I>> for Pallet<T, I>
	where
		SignatureOf<T, I>: DecodeWithMemTracking + MaxEncodedLen,
	{
		type Signature = SignatureOf<T, I>;

		fn enroll(key: MemberOf<T, I>) -> DispatchResult {
			Self::enroll(key)
		}

		fn is_signed_by(key: &MemberOf<T, I>, message: &[u8], signature: &SignatureOf<T, I>) -> bool {
			T::Crypto::verify_signature(signature, message, key)
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn benchmark_key(i: u32) -> MemberOf<T, I> {
			<T::BenchmarkHelper as BenchmarkHelper<T::Crypto>>::member(i)
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn benchmark_signature(i: u32, message: &[u8]) -> SignatureOf<T, I> {
			<T::BenchmarkHelper as BenchmarkHelper<T::Crypto>>::sign(i, message)
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn prepare_worst_case() {
			// The queue's size is what costs; its keys need not be distinct for that.
			let filler = <T::BenchmarkHelper as BenchmarkHelper<T::Crypto>>::member(u32::MAX);
			let full = alloc::vec![filler; T::MaxQueue::get().saturating_sub(1) as usize];
			Queue::<T, I>::put(BoundedVec::truncate_from(full));
			QueuedSince::<T, I>::put(frame_system::Pallet::<T>::block_number());
		}
	}

	impl<T: Config<I>, I: 'static> Tickets for Pallet<T, I>
	where
		ProofOf<T, I>: DecodeWithMemTracking,
	{
		type Ticket = TicketOf<T, I>;

		fn check(ticket: &TicketOf<T, I>, message: &[u8]) -> Result<ValidTransaction, TicketError> {
			let alias = Self::check_ticket(ticket, message)?;
			Ok(Self::ticket_validity(ticket, &alias))
		}

		fn spend(ticket: &TicketOf<T, I>) -> DispatchResult {
			Self::spend_ticket(ticket.epoch, ticket.alias)
		}

		fn epoch() -> Epoch {
			Self::current_epoch()
		}

		fn check_weight() -> Weight {
			// The epoch (block number), the ring's roots and the spent alias, and a proof.
			T::WeightInfo::validate_proof().saturating_add(T::DbWeight::get().reads(3))
		}

		fn spend_weight() -> Weight {
			T::DbWeight::get().reads_writes(1, 1)
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn benchmark_ticket(i: u32) -> TicketOf<T, I> {
			let (_, proof, _, _, _) = <T::BenchmarkHelper as BenchmarkHelper<T::Crypto>>::proof();
			let mut alias = [0u8; 32];
			alias[..4].copy_from_slice(&i.to_le_bytes());
			Ticket { ring: 0, revision: 0, epoch: Self::current_epoch(), slot: 0, alias, proof }
		}
	}

	impl<T: Config<I>, I: 'static> Pallet<T, I> {
		/// How long a key waits for a full batch before it is onboarded anyway.
		pub fn onboarding_delay() -> BlockNumberFor<T> {
			GenesisOnboardingDelay::<T, I>::get().unwrap_or_else(T::OnboardingDelay::get)
		}

		/// The epoch of block `n`.
		pub fn epoch_at(n: BlockNumberFor<T>) -> Epoch {
			(n / T::EpochLength::get()).saturated_into()
		}

		/// The current epoch.
		pub fn current_epoch() -> Epoch {
			Self::epoch_at(frame_system::Pallet::<T>::block_number())
		}

		/// Queues `member` for onboarding into a ring.
		///
		/// Errors: [`Error::InvalidMember`], [`Error::AlreadyEnrolled`],
		/// [`Error::QueueFull`].
		pub fn enroll(member: MemberOf<T, I>) -> DispatchResult {
			ensure!(T::Crypto::is_member_valid(&member), Error::<T, I>::InvalidMember);
			ensure!(!Placements::<T, I>::contains_key(&member), Error::<T, I>::AlreadyEnrolled);
			let queued = Queue::<T, I>::try_mutate(|queue| {
				queue.try_push(member.clone()).map_err(|_| Error::<T, I>::QueueFull)?;
				Ok::<_, Error<T, I>>(queue.len() as u32)
			})?;
			if QueuedSince::<T, I>::get().is_none() {
				QueuedSince::<T, I>::put(frame_system::Pallet::<T>::block_number());
			}
			Placements::<T, I>::insert(member, Placement::Queued);
			Self::deposit_event(Event::Enrolled { queued });
			Ok(())
		}

		/// Checks `ticket` for a call whose other arguments hash to `message`, reading
		/// only: the ring and the root revision, the epoch and the slot, the proof, and
		/// that the alias it proves is unspent. Returns the alias.
		pub fn check_ticket(ticket: &TicketOf<T, I>, message: &[u8]) -> Result<Alias, TicketError> {
			// The cheap checks first: a flood of bad tickets costs a storage read each,
			// not a proof verification, unless it names the current epoch, an unspent alias
			// and a live root. The alias is the one the ticket claims; the proof must prove
			// exactly that one below, so a replayed ticket never costs a verification.
			ensure!(ticket.epoch == Self::current_epoch(), TicketError::WrongEpoch);
			ensure!(ticket.slot < T::TicketsPerEpoch::get(), TicketError::NoSuchSlot);
			ensure!(!Spent::<T, I>::contains_key(ticket.epoch, ticket.alias), TicketError::Spent);
			let roots = Roots::<T, I>::get(ticket.ring).ok_or(TicketError::UnknownRing)?;
			let now = frame_system::Pallet::<T>::block_number();
			let root = if ticket.revision == roots.revision {
				roots.root
			} else {
				match roots.previous {
					Some((root, until)) if ticket.revision.saturating_add(1) == roots.revision && now <= until =>
						root,
					_ => return Err(TicketError::StaleRoot),
				}
			};
			let context = ticket_context(T::Domain::get(), ticket.epoch, ticket.slot);
			let alias = T::Crypto::validate(T::CryptoConfig::get(), &ticket.proof, &root, &context, message)
				.map_err(|_| TicketError::BadProof)?;
			ensure!(alias == ticket.alias, TicketError::BadProof);
			Ok(alias)
		}

		/// The pool's view of a valid ticket: it provides its alias, so two transactions
		/// spending the same ticket never both enter a block, has [`FRESH_PRIORITY`] (each
		/// ticket is a whole allowance of its own), and lives until the end of its epoch.
		pub fn ticket_validity(ticket: &TicketOf<T, I>, alias: &Alias) -> ValidTransaction {
			let now = frame_system::Pallet::<T>::block_number();
			let epoch_end = T::EpochLength::get().saturating_mul(ticket.epoch.saturating_add(1).into());
			let longevity: u64 = epoch_end.saturating_sub(now).saturated_into();
			ValidTransaction::with_tag_prefix("sealchat/ticket")
				.priority(FRESH_PRIORITY)
				.and_provides((T::Domain::get(), ticket.epoch, alias))
				.longevity(longevity.max(1))
				.propagate(true)
				.into()
		}

		/// Marks the ticket with `alias` of `epoch` as spent.
		///
		/// Errors: [`Error::TicketSpent`].
		pub fn spend_ticket(epoch: Epoch, alias: Alias) -> DispatchResult {
			ensure!(!Spent::<T, I>::contains_key(epoch, alias), Error::<T, I>::TicketSpent);
			Spent::<T, I>::insert(epoch, alias, ());
			Ok(())
		}

		/// Onboards the queue's first keys into the current ring when a batch is due:
		/// `OnboardingBatch` keys are waiting, or the oldest waited `OnboardingDelay`
		/// blocks. Returns the weight used.
		pub(crate) fn onboard_if_due(now: BlockNumberFor<T>) -> Weight {
			if let Some(copied) = Seeding::<T, I>::get() {
				return Self::seed(copied).saturating_add(T::DbWeight::get().reads(1));
			}
			let mut queue = Queue::<T, I>::get();
			let Some(since) = QueuedSince::<T, I>::get() else {
				return T::DbWeight::get().reads(3);
			};
			let batch = T::OnboardingBatch::get();
			let due = queue.len() as u32 >= batch || now >= since.saturating_add(Self::onboarding_delay());
			if queue.is_empty() || !due {
				return T::DbWeight::get().reads(3);
			}

			let mut ring = CurrentRing::<T, I>::get();
			let mut roots = Roots::<T, I>::get(ring);
			let mut size = roots.as_ref().map(|r| r.size).unwrap_or(0);
			if size >= T::MaxRingSize::get() {
				ring.saturating_inc();
				CurrentRing::<T, I>::put(ring);
				Builder::<T, I>::kill();
				// The new ring takes the last keys of this one first; the queue waits.
				if T::RingOverlap::get() > 0 {
					Seeding::<T, I>::put(0);
					return Self::seed(0).saturating_add(T::DbWeight::get().reads_writes(6, 3));
				}
				roots = None;
				size = 0;
			}
			let room = T::MaxRingSize::get().saturating_sub(size);
			let count = (queue.len() as u32).min(batch).min(room);
			let mut keys: Vec<MemberOf<T, I>> = queue.drain(..count as usize).collect();
			Self::shuffle(&mut keys);

			let mut builder =
				Builder::<T, I>::get().unwrap_or_else(|| T::Crypto::start_members(T::CryptoConfig::get()));
			if T::Crypto::push_members(&mut builder, keys.iter().cloned(), T::Chunks::chunks).is_err() {
				// Every key was checked when enrolled and the ring has room, so this does
				// not happen; should it, the keys stay queued rather than being lost.
				frame_support::defensive!("onboarding a checked batch into a ring with room failed");
				return T::WeightInfo::onboard(count);
			}
			for (offset, key) in keys.into_iter().enumerate() {
				let position = size.saturating_add(offset as u32);
				RingKeys::<T, I>::insert(ring, position, key.clone());
				Placements::<T, I>::insert(key, Placement::InRing { ring, position });
			}
			let root = T::Crypto::finish_members(builder.clone());
			Builder::<T, I>::put(builder);
			let revision = roots.as_ref().map(|r| r.revision.saturating_add(1)).unwrap_or(0);
			let previous = roots.map(|r| (r.root, now.saturating_add(T::RootGrace::get())));
			Roots::<T, I>::insert(ring, RingRoots { root, revision, size: size.saturating_add(count), previous });
			if queue.is_empty() {
				QueuedSince::<T, I>::kill();
			} else {
				QueuedSince::<T, I>::put(now);
			}
			Queue::<T, I>::put(queue);
			Self::deposit_event(Event::Onboarded { ring, count, revision });
			T::WeightInfo::onboard(count)
		}

		/// Copies the next [`Config::SeedBatch`] keys of the ring before into the current
		/// ring, which holds `copied` of them so far, and places them there; once it holds
		/// [`Config::RingOverlap`], gives it its first root. Returns the weight used.
		fn seed(copied: u32) -> Weight {
			let ring = CurrentRing::<T, I>::get();
			let overlap = T::RingOverlap::get();
			let previous = ring.saturating_sub(1);
			let first = Self::first_copied();
			let count = T::SeedBatch::get().min(overlap.saturating_sub(copied));
			let keys: Vec<MemberOf<T, I>> = (copied..copied.saturating_add(count))
				.filter_map(|position| RingKeys::<T, I>::get(previous, first.saturating_add(position)))
				.collect();
			// The keys read, and the count of copies written when the ring starts.
			let weight = T::WeightInfo::onboard(count).saturating_add(T::DbWeight::get().reads_writes(count.into(), 1));
			let start_members = || T::Crypto::start_members(T::CryptoConfig::get());
			let mut builder = Builder::<T, I>::get().unwrap_or_else(start_members);
			if T::Crypto::push_members(&mut builder, keys.iter().cloned(), T::Chunks::chunks).is_err() {
				// The keys were valid when the ring before took them, and the new ring has
				// room. Should this fail anyway, the ring starts with what it holds rather
				// than keep the queue waiting: the keys not copied stay in the ring before.
				frame_support::defensive!("copying keys into a new ring failed");
				Self::start_ring(ring, copied, Builder::<T, I>::get().unwrap_or_else(start_members));
				return weight;
			}
			let start = copied;
			let copied = start.saturating_add(keys.len() as u32);
			for (offset, key) in keys.into_iter().enumerate() {
				let position = start.saturating_add(offset as u32);
				RingKeys::<T, I>::insert(ring, position, key.clone());
				Placements::<T, I>::insert(key, Placement::InRing { ring, position });
			}
			if copied >= overlap || copied == start {
				// All of them, or none left to copy (a key of the ring before missing,
				// which does not happen): the ring starts.
				Self::start_ring(ring, copied, builder);
			} else {
				Seeding::<T, I>::put(copied);
				Builder::<T, I>::put(builder);
			}
			weight
		}

		/// Ends the start of `ring`, which holds the first `copied` keys of the ring
		/// before's last [`Config::RingOverlap`] in `builder`: gives it its first root if
		/// it holds any, and lets the queue in.
		fn start_ring(ring: RingIndex, copied: u32, builder: BuilderOf<T, I>) {
			Seeding::<T, I>::kill();
			if copied == 0 {
				Builder::<T, I>::kill();
				return;
			}
			let root = T::Crypto::finish_members(builder.clone());
			Roots::<T, I>::insert(ring, RingRoots { root, revision: 0, size: copied, previous: None });
			Copied::<T, I>::insert(ring, copied);
			Builder::<T, I>::put(builder);
			Self::deposit_event(Event::RingStarted { ring, count: copied });
		}

		/// The position in a full ring of the first of its last [`Config::RingOverlap`]
		/// keys, which the ring after it starts with.
		fn first_copied() -> u32 {
			T::MaxRingSize::get().saturating_sub(T::RingOverlap::get())
		}

		/// Fisher-Yates with indices drawn from BLAKE2 of the randomness seed and a counter.
		fn shuffle(keys: &mut [MemberOf<T, I>]) {
			let (seed, _) = T::Randomness::random(b"sealchat/ring/onboard");
			for i in (1..keys.len()).rev() {
				let draw = sp_io::hashing::blake2_256(&(seed, i as u32).encode());
				let j = (u64::from_le_bytes(draw[..8].try_into().expect("8 of 32 bytes; qed")) % (i as u64 + 1)) as usize;
				keys.swap(i, j);
			}
		}

		/// Removes spent aliases of epochs before `current` within `limit`. Returns the
		/// weight used.
		pub(crate) fn prune_spent(current: Epoch, limit: Weight) -> Weight {
			let base = T::WeightInfo::prune_spent(0);
			let mut below = PrunedBelow::<T, I>::get();
			if below >= current || !limit.all_gte(base) {
				return Weight::zero();
			}
			let per_alias = T::WeightInfo::prune_spent(1).saturating_sub(base);
			let budget = limit.saturating_sub(base);
			let max = if per_alias.is_zero() {
				u32::MAX
			} else {
				budget.checked_div_per_component(&per_alias).unwrap_or(u64::MAX).saturated_into::<u32>()
			};
			let mut removed = 0u32;
			while below < current && removed < max {
				let drained = Spent::<T, I>::drain_prefix(below).take((max - removed) as usize).count() as u32;
				removed = removed.saturating_add(drained);
				if Spent::<T, I>::iter_prefix(below).next().is_some() {
					break;
				}
				below.saturating_inc();
			}
			PrunedBelow::<T, I>::put(below);
			if removed > 0 {
				Self::deposit_event(Event::SpentPruned { below, count: removed });
			}
			T::WeightInfo::prune_spent(removed)
		}

		/// Checks the pallet's invariants:
		/// - rings `0..=CurrentRing` have sizes within `MaxRingSize` (the ring being started
		///   counts what it holds so far, and has no root yet), and every position below
		///   the size holds a key placed there, or in the next ring (the first keys of a
		///   full ring's last `RingOverlap`, as many as the next ring took in);
		/// - every placement points at that key, and queued keys are exactly the queue;
		/// - the queue has a start block exactly when it is not empty;
		/// - no spent alias is older than `PrunedBelow`.
		#[cfg(any(feature = "try-runtime", feature = "std", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let current = CurrentRing::<T, I>::get();
			let seeding = Seeding::<T, I>::get();
			let first_copied = Self::first_copied();
			// How many keys `ring` holds, a ring being started included.
			let size_of = |ring: RingIndex| match (Roots::<T, I>::get(ring), seeding) {
				(Some(roots), _) => roots.size,
				(None, Some(copied)) if ring == current => copied,
				(None, _) => 0,
			};
			// How many keys of the ring before `ring` took in so far.
			let copies_of = |ring: RingIndex| match seeding {
				Some(copied) if ring == current => copied,
				_ => Copied::<T, I>::get(ring),
			};
			ensure!(seeding.is_none() || Roots::<T, I>::get(current).is_none(), "a ring being started has a root");
			ensure!(seeding.is_none_or(|copied| copied < T::RingOverlap::get()), "a ring started and still seeding");
			for ring in 0..=current {
				let size = size_of(ring);
				ensure!(size <= T::MaxRingSize::get(), "a ring above MaxRingSize");
				ensure!(copies_of(ring) <= size && copies_of(ring) <= T::RingOverlap::get(), "a ring took more keys than it holds");
				ensure!(ring > 0 || copies_of(ring) == 0, "the first ring took keys in");
				let moved = if ring < current { copies_of(ring.saturating_add(1)) } else { 0 };
				for position in 0..size {
					let key = RingKeys::<T, I>::get(ring, position).ok_or("a ring position without a key")?;
					let placed = match position.checked_sub(first_copied) {
						Some(offset) if offset < moved => Placement::InRing { ring: ring.saturating_add(1), position: offset },
						_ => Placement::InRing { ring, position },
					};
					ensure!(Placements::<T, I>::get(&key) == Some(placed), "a ring key placed elsewhere");
				}
			}
			for (ring, _) in Roots::<T, I>::iter() {
				ensure!(ring <= current, "a ring past the current one");
			}
			for (ring, _) in Copied::<T, I>::iter() {
				ensure!(ring <= current && Roots::<T, I>::contains_key(ring), "copies into a ring with no root");
			}
			for (ring, position, _) in RingKeys::<T, I>::iter() {
				ensure!(position < size_of(ring), "a ring key beyond its ring's size");
			}
			let queue = Queue::<T, I>::get();
			let mut queued = 0usize;
			for (key, placement) in Placements::<T, I>::iter() {
				match placement {
					Placement::Queued => {
						ensure!(queue.contains(&key), "a queued placement missing from the queue");
						queued += 1;
					},
					Placement::InRing { ring, position } => ensure!(
						RingKeys::<T, I>::get(ring, position).as_ref() == Some(&key),
						"a placement points at another key"
					),
				}
			}
			ensure!(queued == queue.len(), "the queue holds keys not placed as queued");
			ensure!(QueuedSince::<T, I>::get().is_some() == !queue.is_empty(), "queue start and queue disagree");
			let below = PrunedBelow::<T, I>::get();
			for (epoch, _, ()) in Spent::<T, I>::iter() {
				ensure!(epoch >= below, "a spent alias of a pruned epoch");
			}
			Ok(())
		}
	}
}
