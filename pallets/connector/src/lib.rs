//! # Connector pallet (MAIN-CONNECTOR)
//!
//! The rendezvous of the SealChat chain: connections between users are established
//! through it, but it has no chat logic. It is storage for records that only their
//! recipients can read.
//!
//! ## Overview
//!
//! The connector keeps three things, all of them public:
//!
//! - **Registrations and encryption keys.** Registering is the one public act of a
//!   SealChat user ("this account uses SealChat"): the user publishes an X25519 public
//!   key (the libsodium `crypto_box` key), which invitations are sealed to, and a ring
//!   key, which the connector enrolls in the ring of users ([`Config::Ring`]) so the user
//!   can later prove "one of the registered users" without saying which. Rotations of the
//!   encryption key are kept as a history of `(key, since block)` entries, so invitations
//!   sealed to an older key can still be opened and audited (key transparency); the ring
//!   key is the account's for good.
//! - **Records.** An append-only log of opaque byte strings with increasing `u64` ids:
//!   sealed invitations, which chats send ([`Pallet::add_member`]), and responses, which
//!   the chat pallet posts when someone joins a chat ([`Pallet::post_response`]). No
//!   account posts a record. The pallet never interprets a payload. Every record is
//!   exactly [`Config::RecordLen`] bytes and carries a 32-byte *rendezvous tag*: a client
//!   that already shares a key with the poster finds a response with one lookup instead
//!   of trial decryption, and an invitation's tag is random, so nothing tells the two
//!   kinds apart. The log is stored in pages of [`Config::RecordsPerPage`] records, so a
//!   client reading it pays one storage lookup per page rather than per record. Records
//!   expire after [`Config::RecordLifetime`] blocks and are pruned in `on_idle`, oldest
//!   first, a page at a time: a page goes once its newest record has expired, and the
//!   last page, still filling, stays until it is full.
//! - **The register of chats it created.** Chats are spawned through the connector,
//!   which asks the chat pallet (through [`ChatSpawner`]) to create the actor and
//!   remembers its id. Creating one takes a ticket of the ring of users
//!   ([`Config::Tickets`]) in a general transaction with no signer, so nobody learns who
//!   created which chat. "Add user" is accepted only from such a chat, dispatched with
//!   the chat's own origin ([`Config::AddMemberOrigin`]).
//!
//! Nothing stored names a recipient, a chat's members or any account but in the key
//! registry: a record is a payload, a block number and an optional tag. Records hold no
//! deposit: the chat pallet bounds how many invitations a chat sends and how many
//! responses (one per part) the ring's tickets allow.
//!
//! Registrations and keys hold a storage deposit from their account (a hold with
//! [`HoldReason`]), released when the item is removed.
//!
//! ## Dispatchable functions
//!
//! - [`Pallet::register_key`] — register or rotate the caller's encryption key.
//! - [`Pallet::clear_keys`] — remove the caller's key history and release its deposit.
//! - [`Pallet::create_chat`] — with a ticket and no signer: spawn a chat actor and
//!   register it.
//! - [`Pallet::add_member`] — from a registered chat only: append a sealed invitation.
//!
//! ## Reading
//!
//! Clients read through the pallet's view functions: pages of records in id order with
//! the next and the oldest unpruned id ([`Pallet::records`]), records by tag
//! ([`Pallet::records_by_tag`]), and a user's key history ([`Pallet::encryption_keys`]).
//!
//! ## What a client offline for longer than the record lifetime can recover
//!
//! Records are the rendezvous only: invitations and responses. A client that was
//! offline for more than [`Config::RecordLifetime`] blocks misses the records that
//! expired meanwhile, and learns that it did (the oldest unpruned id is past its
//! cursor). Everything a user needs to rebuild chats it already joined lives in the chat
//! pallet, which does not expire: each of the user's chat parts carries the user's own
//! sealed copy of the chat key and the encrypted list of the other members' parts, and
//! every message stays in its part. A chat the user was invited to but never answered
//! within the lifetime is lost; the inviter has to invite again.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use pallet_ring::Enroll;
pub use weights::WeightInfo;

use frame_support::{dispatch::DispatchResult, pallet_prelude::*};
use sp_runtime::DispatchError;

/// An X25519 public key: the libsodium `crypto_box` public key invitations are sealed to.
pub type EncryptionKey = [u8; 32];

/// A ring key: a Bandersnatch public key (compressed) of the ring VRF.
pub type RingKey = [u8; 32];

/// A rendezvous tag: a value both ends of a conversation can compute from a key they
/// share, and nobody else can link to them.
pub type RendezvousTag = [u8; 32];

/// Identifier of a record in the log; ids increase by one with every record.
pub type RecordId = u64;

/// Domain of the message a ticket for `create_chat` signs.
pub const CREATE_CHAT_CONTEXT: &[u8] = b"sealchat/v2/create-chat";

/// The message a ticket for `create_chat` signs: [`CREATE_CHAT_CONTEXT`], then the SCALE
/// encoding of `(genesis, params)`, `genesis` being the chain's genesis hash.
pub fn create_chat_message(genesis: &impl Encode, params: &impl Encode) -> alloc::vec::Vec<u8> {
	let mut message = CREATE_CHAT_CONTEXT.to_vec();
	(genesis, params).encode_to(&mut message);
	message
}

/// Domain of the ring key's signature in [`Pallet::register_key`].
pub const REGISTER_CONTEXT: &[u8] = b"sealchat/v2/register";

/// What the ring key signs in [`Pallet::register_key`]: [`REGISTER_CONTEXT`], then the
/// SCALE encoding of `(genesis, account)`, `genesis` being the chain's genesis hash. It
/// proves that whoever registers a ring key holds its secret, so nobody can enroll a
/// ring key copied from someone else's registration.
pub fn register_message(genesis: &impl Encode, account: &impl Encode) -> alloc::vec::Vec<u8> {
	let mut message = REGISTER_CONTEXT.to_vec();
	(genesis, account).encode_to(&mut message);
	message
}

/// Whether `key` is an X25519 public key a peer can seal to.
///
/// Rejects encodings with the top bit set or of a value at or above the field prime
/// (non-canonical, never produced by libsodium), and the points of small order, which
/// would make the shared secret of a sealed box predictable. The list is libsodium's
/// (`crypto_scalarmult_curve25519`), compared like libsodium does, ignoring the top bit.
pub fn is_valid_encryption_key(key: &EncryptionKey) -> bool {
	const SMALL_ORDER: [[u8; 32]; 7] = [
		// 0 (order 4)
		[0; 32],
		// 1 (order 1)
		[
			1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0,
		],
		// 325606250916557431795983626356110631294008115727848805560023387167927233504 (order 8)
		[
			0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f,
			0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16,
			0x5f, 0x49, 0xb8, 0x00,
		],
		// 39382357235489614581723060781553021112529911719440698176882885853963445705823 (order 8)
		[
			0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83,
			0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd,
			0xd0, 0x9f, 0x11, 0x57,
		],
		// p - 1 (order 2)
		[
			0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0x7f,
		],
		// p (= 0)
		[
			0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0x7f,
		],
		// p + 1 (= 1)
		[
			0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0x7f,
		],
	];
	if key[31] & 0x80 != 0 {
		return false;
	}
	// Values in [p, 2^255): byte 31 is 0x7f, bytes 1..=30 are 0xff, byte 0 >= 0xed.
	if key[31] == 0x7f && key[1..31].iter().all(|b| *b == 0xff) && key[0] >= 0xed {
		return false;
	}
	!SMALL_ORDER.iter().any(|bad| bad == key)
}

/// What the connector needs from the pallet that implements chat actors. The connector
/// treats chat ids and creation parameters as opaque.
pub trait ChatSpawner {
	/// Identifier of a chat actor.
	type ChatId: Parameter + Member + MaxEncodedLen + Copy;
	/// What a user supplies to create a chat (opaque to the connector).
	type Params: Parameter + Member;

	/// Checks `params` before a ticket is checked or spent: what it refuses never reaches
	/// a block. [`Self::spawn`] succeeds for params that pass.
	fn check(params: &Self::Params) -> Result<(), TransactionValidityError>;

	/// Creates a chat actor and returns its id. Fails without side effects, and only for
	/// params that [`Self::check`] refuses.
	fn spawn(params: Self::Params) -> Result<Self::ChatId, DispatchError>;

	/// Parameters with which [`Self::spawn`] succeeds for a well-funded creator, as
	/// large as the chat pallet accepts; used by benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_params() -> Self::Params;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::traits::{
		fungible::{Inspect, InspectHold, Mutate, MutateHold},
		tokens::Precision,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Saturating;

	/// The in-code storage version.
	///
	/// - 0: one storage item per record (`Records`).
	/// - 1: records in pages ([`RecordPages`]); [`crate::migrations::MigrateV0ToV1`].
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	/// Balance of the currency that deposits are held in.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// Identifier of a chat actor.
	pub type ChatIdOf<T> = <<T as Config>::Chats as ChatSpawner>::ChatId;

	/// Parameters to create a chat actor.
	pub type ChatParamsOf<T> = <<T as Config>::Chats as ChatSpawner>::Params;

	/// A ticket of the ring of users.
	pub type TicketOf<T> = <<T as Config>::Tickets as pallet_ring::Tickets>::Ticket;

	/// A ring key's signature ([`Pallet::register_key`]'s proof of possession).
	pub type RingSignatureOf<T> = <<T as Config>::Ring as pallet_ring::Enroll<RingKey>>::Signature;

	/// One registered encryption key and the block from which it is the current one.
	#[derive(
		Encode,
		Decode,
		DecodeWithMemTracking,
		MaxEncodedLen,
		TypeInfo,
		Clone,
		PartialEq,
		Eq,
		Debug,
	)]
	pub struct KeyEntry<BlockNumber> {
		/// The X25519 public key.
		pub key: EncryptionKey,
		/// The block in which it was registered.
		pub since: BlockNumber,
	}

	/// A user's key history (oldest first; the last entry is the current key) and the
	/// deposit it holds.
	#[derive(
		Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
	)]
	#[scale_info(skip_type_params(T))]
	pub struct KeyHistory<T: Config> {
		/// Registered keys, oldest first.
		pub entries: BoundedVec<KeyEntry<BlockNumberFor<T>>, T::MaxKeyHistory>,
		/// The deposit held from the user for this entry.
		pub deposit: BalanceOf<T>,
	}

	/// An account's registration: its ring key, for good, and the deposit it holds.
	#[derive(
		Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
	)]
	#[scale_info(skip_type_params(T))]
	pub struct Registration<T: Config> {
		/// The ring key enrolled in the ring of users.
		pub ring_key: RingKey,
		/// The deposit held from the account while it is registered.
		pub deposit: BalanceOf<T>,
	}

	/// A record in the log.
	#[derive(
		Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
	)]
	#[scale_info(skip_type_params(T))]
	pub struct Record<T: Config> {
		/// The opaque payload.
		pub payload: BoundedVec<u8, T::RecordLen>,
		/// The block it was posted in.
		pub block: BlockNumberFor<T>,
		/// The rendezvous tag.
		pub tag: RendezvousTag,
	}

	/// A stored page of the log: the records with ids from the page's first id on, in id
	/// order (see [`RecordPages`]).
	pub type PageOf<T> = BoundedVec<Record<T>, <T as Config>::RecordsPerPage>;

	/// A page of the record log, as [`Pallet::records`] returns it.
	#[derive(Encode, Decode, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
	#[scale_info(skip_type_params(T))]
	pub struct RecordsPage<T: Config> {
		/// Records with their ids, in id order. Fewer than asked for when the log ends (or
		/// the page limit is reached): continue from the last id + 1 until `next_id`.
		pub records: Vec<(RecordId, Record<T>)>,
		/// The id the next record will get: every record below it has been posted.
		pub next_id: RecordId,
		/// The oldest record id still kept: a client whose cursor is below it missed the
		/// records in between (they expired).
		pub oldest_id: RecordId,
	}

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency deposits are held in.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The chat pallet: spawns chat actors.
		type Chats: ChatSpawner;

		/// The ring of users that registering enrolls ring keys in.
		type Ring: pallet_ring::Enroll<RingKey>;

		/// The tickets of that ring, which authorize [`Pallet::create_chat`].
		type Tickets: pallet_ring::Tickets;

		/// The origin of a chat actor; only it may call [`Pallet::add_member`]. Its
		/// success value is the id of the chat that sent the call.
		type AddMemberOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = ChatIdOf<Self>>;

		/// The length of every record's payload, in bytes: one length for every kind, so
		/// that a record's size tells nothing.
		#[pallet::constant]
		type RecordLen: Get<u32>;

		/// How many keys a user's history keeps; a rotation beyond it drops the oldest.
		#[pallet::constant]
		type MaxKeyHistory: Get<u32>;

		/// How many blocks a record is kept before it is pruned.
		#[pallet::constant]
		type RecordLifetime: Get<BlockNumberFor<Self>>;

		/// Deposit held for a user's key history (one entry's worth per key kept).
		#[pallet::constant]
		type KeyDeposit: Get<BalanceOf<Self>>;

		/// Deposit held from a registered account for its registration and ring entry, and
		/// for everything the account's anonymous operations may keep in state at once
		/// (docs/CHAIN.md: the ring's tickets bound it).
		#[pallet::constant]
		type RegistrationDeposit: Get<BalanceOf<Self>>;

		/// Most records [`Pallet::records`] returns in one page.
		#[pallet::constant]
		type MaxPageLen: Get<u32>;

		/// How many records one storage item of the log holds ([`RecordPages`]). Reading
		/// the log costs a lookup per stored page; appending writes the page it lands in;
		/// pruning removes a whole page at once.
		#[pallet::constant]
		type RecordsPerPage: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Why the connector holds a deposit.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A user's encryption key history.
		Keys,
		/// A user's registration and ring entry.
		Registration,
	}

	/// Every user's encryption key history.
	#[pallet::storage]
	pub type Keys<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, KeyHistory<T>>;

	/// Every registered account's ring key.
	#[pallet::storage]
	pub type Registrations<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Registration<T>>;

	/// The record log in pages: page `p` holds the records with ids from
	/// `max(p * RecordsPerPage, OldestRecordId)` up to the next page's first id or
	/// [`NextRecordId`], in id order. The ids from [`OldestRecordId`] to [`NextRecordId`]
	/// (exclusive) are present; everything older has been pruned. Only the last page is
	/// ever short at its end, and only the oldest at its start (after
	/// [`crate::migrations::MigrateV0ToV1`], until that page is pruned).
	#[pallet::storage]
	pub type RecordPages<T: Config> = StorageMap<_, Twox64Concat, u64, PageOf<T>>;

	/// Records by tag: a client that can compute a tag finds its records here.
	#[pallet::storage]
	pub type TaggedRecords<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, RendezvousTag, Twox64Concat, RecordId, ()>;

	/// Id of the next record.
	#[pallet::storage]
	pub type NextRecordId<T: Config> = StorageValue<_, RecordId, ValueQuery>;

	/// Id of the oldest record not yet pruned (equal to [`NextRecordId`] when the log is
	/// empty).
	#[pallet::storage]
	pub type OldestRecordId<T: Config> = StorageValue<_, RecordId, ValueQuery>;

	/// The chats this connector created; only they may add members.
	#[pallet::storage]
	pub type CreatedChats<T: Config> = StorageMap<_, Blake2_128Concat, ChatIdOf<T>, ()>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` registered, with `ring_key` for the ring of users.
		Registered { who: T::AccountId, ring_key: RingKey },
		/// `who` registered `key` as its current encryption key.
		KeyRegistered { who: T::AccountId, key: EncryptionKey },
		/// `who` removed its key history.
		KeysCleared { who: T::AccountId },
		/// A record was appended to the log.
		RecordPosted { id: RecordId, tag: RendezvousTag },
		/// Expired records were pruned; `oldest` is now the oldest record id kept.
		RecordsPruned { count: u32, oldest: RecordId },
		/// A chat actor was created through the connector.
		ChatCreated { chat: ChatIdOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The key is not a usable X25519 public key (non-canonical or of small order).
		MalformedKey,
		/// The account has no registered key.
		NoKey,
		/// The record's payload is not `RecordLen` bytes long.
		WrongRecordLength,
		/// The account cannot afford the storage deposit.
		InsufficientBalance,
		/// The chat that sent the call was not created by this connector.
		UnknownChat,
		/// The chat pallet returned an id this connector has already registered.
		ChatExists,
		/// The ticket was spent already (by another transaction in the same block).
		TicketSpent,
		/// The account is registered with another ring key; a ring key is for good.
		RingKeyChanged,
		/// The ring key's signature of the registering account does not verify: the
		/// caller did not show that it holds the ring key.
		RingKeyNotProven,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Prunes expired pages of records, oldest first, within the weight left in the
		/// block.
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::prune_expired(now, remaining)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a SealChat user: `key` becomes its current encryption
		/// key and, the first time, `ring_key` is enrolled in the ring of users.
		///
		/// The origin must be _Signed_. The first registration needs `ring_key`'s signature
		/// of the caller's account ([`register_message`] with the genesis hash): whoever
		/// enrolls a ring key holds it, so a ring key copied from another registration
		/// cannot be enrolled first, and blocks nobody. The first registration holds
		/// [`Config::RegistrationDeposit`] and enrolls `ring_key` (which then waits for
		/// the next onboarding batch of the ring); later calls must name the same ring key.
		/// Every new encryption key holds [`Config::KeyDeposit`], up to
		/// [`Config::MaxKeyHistory`] keys, after which the oldest key is dropped from the
		/// history. Registering the current key again is a no-op.
		///
		/// - `key`: an X25519 public key.
		/// - `ring_key`: a ring-VRF public key.
		/// - `possession`: `ring_key`'s signature over [`Pallet::register_message`] of the
		///   caller; checked only when the account registers for the first time (later
		///   calls name a ring key proven already).
		///
		/// Errors: [`Error::MalformedKey`], [`Error::RingKeyNotProven`],
		/// [`Error::RingKeyChanged`],
		/// [`Error::InsufficientBalance`], and the ring's (`InvalidMember`,
		/// `AlreadyEnrolled` for a ring key another account registered, `QueueFull`).
		///
		/// Emits [`Event::Registered`] the first time, [`Event::KeyRegistered`] for a new
		/// encryption key.
		///
		/// ## Complexity
		/// O(K + Q), K = [`Config::MaxKeyHistory`] (the history is read and written
		/// whole), Q = the ring's onboarding queue (enrolling appends to it), and, the
		/// first time, one signature verification.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_key().max(T::WeightInfo::rotate_key()))]
		pub fn register_key(
			origin: OriginFor<T>,
			key: EncryptionKey,
			ring_key: RingKey,
			possession: RingSignatureOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(is_valid_encryption_key(&key), Error::<T>::MalformedKey);
			match Registrations::<T>::get(&who) {
				// The ring key is the account's already: it was proven when it was enrolled.
				Some(registration) => ensure!(registration.ring_key == ring_key, Error::<T>::RingKeyChanged),
				None => {
					ensure!(
						T::Ring::is_signed_by(&ring_key, &Self::register_message(&who), &possession),
						Error::<T>::RingKeyNotProven
					);
					let deposit = T::RegistrationDeposit::get();
					Self::hold(&HoldReason::Registration, &who, deposit)?;
					<T::Ring as pallet_ring::Enroll<RingKey>>::enroll(ring_key)?;
					Registrations::<T>::insert(&who, Registration { ring_key, deposit });
					Self::deposit_event(Event::Registered { who: who.clone(), ring_key });
				},
			}

			let entry = KeyEntry { key, since: frame_system::Pallet::<T>::block_number() };
			let deposit = T::KeyDeposit::get();
			let mut history = match Keys::<T>::get(&who) {
				Some(history) => {
					if history.entries.last().map(|e| e.key) == Some(key) {
						return Ok(());
					}
					history
				},
				None => KeyHistory { entries: BoundedVec::new(), deposit: Zero::zero() },
			};
			if history.entries.is_full() {
				// The dropped key's deposit pays for the new one.
				history.entries.remove(0);
			} else {
				Self::hold(&HoldReason::Keys, &who, deposit)?;
				history.deposit.saturating_accrue(deposit);
			}
			history
				.entries
				.try_push(entry)
				.expect("a slot was freed above if the history was full; qed");
			Keys::<T>::insert(&who, history);

			Self::deposit_event(Event::KeyRegistered { who, key });
			Ok(())
		}

		/// Removes the caller's key history and releases its deposit.
		///
		/// The origin must be _Signed_. Invitations can no longer be sealed to the caller
		/// until it registers again. The registration itself (the ring key, a member of
		/// its ring for good, and its deposit) stays.
		///
		/// Errors: [`Error::NoKey`].
		///
		/// Emits [`Event::KeysCleared`].
		///
		/// ## Complexity
		/// O(K), K = [`Config::MaxKeyHistory`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::clear_keys())]
		pub fn clear_keys(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let history = Keys::<T>::take(&who).ok_or(Error::<T>::NoKey)?;
			Self::release(&HoldReason::Keys, &who, history.deposit);
			Self::deposit_event(Event::KeysCleared { who });
			Ok(())
		}

		/// Creates a chat actor through the chat pallet and registers it as created by
		/// this connector.
		///
		/// The origin must be _Authorized_: a general transaction with no signer, no fee
		/// and no deposit, authorized by a ticket of the ring of users (one of the
		/// registered users made it, within their quota of tickets, and nobody learns
		/// which). The ticket's proof signs [`create_chat_message`] of `params`, so it
		/// cannot be moved to another call or chain. The connector does not interpret
		/// `params`.
		///
		/// - `ticket`: an unspent ticket of the current epoch.
		/// - `params`: the chat pallet's creation parameters.
		///
		/// Refused before dispatch (transaction validity): `params` the chat pallet refuses
		/// ([`ChatSpawner::check`]), a ticket that does not verify, is spent, or is of another
		/// epoch (`InvalidTransaction::Custom` with the ring's `TicketError` code). An
		/// authorized call therefore succeeds and spends its ticket.
		///
		/// Errors (unreachable once authorized in the same state): whatever the chat pallet
		/// refuses `params` with; [`Error::ChatExists`], [`Error::TicketSpent`].
		///
		/// Emits [`Event::ChatCreated`].
		///
		/// ## Complexity
		/// O(1) here, plus the chat pallet's spawn; authorizing verifies one ring proof.
		#[pallet::call_index(3)]
		#[pallet::authorize(|_source, ticket, params| Pallet::<T>::authorize_create_chat(ticket, params))]
		#[pallet::weight_of_authorize(<T::Tickets as pallet_ring::Tickets>::check_weight())]
		#[pallet::weight(T::WeightInfo::create_chat().saturating_add(<T::Tickets as pallet_ring::Tickets>::spend_weight()))]
		pub fn create_chat(origin: OriginFor<T>, ticket: TicketOf<T>, params: ChatParamsOf<T>) -> DispatchResult {
			ensure_authorized(origin)?;
			<T::Tickets as pallet_ring::Tickets>::spend(&ticket).map_err(|_| Error::<T>::TicketSpent)?;
			let chat = T::Chats::spawn(params)?;
			ensure!(!CreatedChats::<T>::contains_key(chat), Error::<T>::ChatExists);
			CreatedChats::<T>::insert(chat, ());
			Self::deposit_event(Event::ChatCreated { chat });
			Ok(())
		}

		/// Appends a sealed invitation, sent by a chat actor, to the log.
		///
		/// The origin must be a chat's ([`Config::AddMemberOrigin`]); signed users get
		/// `BadOrigin`. The chat must have been created by this connector. The record holds
		/// no deposit: the chat pallet bounds how many invitations a chat sends.
		///
		/// - `payload`: the sealed invitation, [`Config::RecordLen`] bytes.
		/// - `tag`: its rendezvous tag (random: an invitation is found by trial decryption).
		///
		/// Errors: `BadOrigin`, [`Error::UnknownChat`], [`Error::WrongRecordLength`].
		///
		/// Emits [`Event::RecordPosted`]: the event does not name the chat.
		///
		/// ## Complexity
		/// O(1): every record has one length.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::add_member())]
		pub fn add_member(origin: OriginFor<T>, payload: Vec<u8>, tag: RendezvousTag) -> DispatchResult {
			let chat = T::AddMemberOrigin::ensure_origin(origin)?;
			ensure!(CreatedChats::<T>::contains_key(chat), Error::<T>::UnknownChat);
			Self::append_record(payload, tag).map(|_| ())
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// A page of the log: up to `max_count` (at most [`Config::MaxPageLen`]) records
		/// with ids from `from_id` on, in id order. Ids below the oldest kept record start
		/// at the oldest.
		///
		/// ## Complexity
		/// O(n / [`Config::RecordsPerPage`] + 1) storage reads for `n` records.
		pub fn records(from_id: RecordId, max_count: u32) -> RecordsPage<T> {
			let oldest_id = OldestRecordId::<T>::get();
			let next_id = NextRecordId::<T>::get();
			let count = max_count.min(T::MaxPageLen::get()) as u64;
			let start = from_id.max(oldest_id);
			let end = start.saturating_add(count).min(next_id);
			let mut records = Vec::with_capacity(end.saturating_sub(start) as usize);
			let mut id = start;
			while id < end {
				let Some((page, index)) = Self::locate(id, oldest_id) else { break };
				let stored = RecordPages::<T>::get(page).unwrap_or_default();
				for record in stored.into_iter().skip(index) {
					if id == end {
						break;
					}
					records.push((id, record));
					id += 1;
				}
				if id < end && Self::page_of(id) == page {
					// A page shorter than the invariants say (see `do_try_state`): return
					// what is there rather than skip ids.
					break;
				}
			}
			RecordsPage { records, next_id, oldest_id }
		}

		/// The records carrying `tag`, with their ids, in id order, at most
		/// [`Config::MaxPageLen`].
		///
		/// ## Complexity
		/// O(n) index reads and one page read per distinct page, for `n` records found.
		pub fn records_by_tag(tag: RendezvousTag) -> Vec<(RecordId, Record<T>)> {
			let mut ids: Vec<RecordId> =
				TaggedRecords::<T>::iter_key_prefix(tag).take(T::MaxPageLen::get() as usize).collect();
			ids.sort_unstable();
			let oldest = OldestRecordId::<T>::get();
			let mut found = Vec::with_capacity(ids.len());
			let mut page: Option<(u64, PageOf<T>)> = None;
			for id in ids {
				let Some((number, index)) = Self::locate(id, oldest) else { continue };
				if page.as_ref().is_none_or(|(n, _)| *n != number) {
					page = RecordPages::<T>::get(number).map(|records| (number, records));
				}
				let record = page.as_ref().and_then(|(_, records)| records.get(index));
				if let Some(record) = record {
					found.push((id, record.clone()));
				}
			}
			found
		}

		/// `who`'s encryption keys, oldest first; the last entry is the current key.
		pub fn encryption_keys(who: T::AccountId) -> Vec<KeyEntry<BlockNumberFor<T>>> {
			Keys::<T>::get(who).map(|h| h.entries.into_inner()).unwrap_or_default()
		}
	}

	impl<T: Config> Pallet<T> {
		/// The chain's genesis hash, which tickets and the ring key's signature sign.
		fn genesis_hash() -> T::Hash {
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}

		/// The message a ticket for [`Pallet::create_chat`] with `params` signs on this
		/// chain ([`create_chat_message`] with the genesis hash).
		pub fn create_chat_message(params: &ChatParamsOf<T>) -> Vec<u8> {
			create_chat_message(&Self::genesis_hash(), params)
		}

		/// The message `who`'s ring key signs in [`Pallet::register_key`] on this chain
		/// ([`register_message`] with the genesis hash).
		pub fn register_message(who: &T::AccountId) -> Vec<u8> {
			register_message(&Self::genesis_hash(), who)
		}

		/// Authorizes [`Pallet::create_chat`]: the chat pallet's check of `params` first (it
		/// costs no proof), then the ticket, over [`Self::create_chat_message`].
		fn authorize_create_chat(ticket: &TicketOf<T>, params: &ChatParamsOf<T>) -> TransactionValidityWithRefund {
			T::Chats::check(params)?;
			let validity = <T::Tickets as pallet_ring::Tickets>::check(ticket, &Self::create_chat_message(params))?;
			Ok((validity, Weight::zero()))
		}

		/// Appends a joiner's response to the log: the chat pallet's `join` posts it, with
		/// the tag the chat's members look for. Like an invitation, it holds no deposit
		/// (each takes a ticket of the ring of users).
		///
		/// Errors: [`Error::WrongRecordLength`].
		pub fn post_response(payload: Vec<u8>, tag: RendezvousTag) -> Result<RecordId, DispatchError> {
			Self::append_record(payload, tag)
		}

		/// Whether `chat` was created by this connector (and has not expired since).
		pub fn is_created_chat(chat: ChatIdOf<T>) -> bool {
			CreatedChats::<T>::contains_key(chat)
		}

		/// Removes an expired chat from the register: it may send no more invitations.
		/// The chat pallet calls it when the chat's lifetime ends.
		pub fn forget_chat(chat: ChatIdOf<T>) {
			CreatedChats::<T>::remove(chat);
		}

		/// Appends a record.
		fn append_record(payload: Vec<u8>, tag: RendezvousTag) -> Result<RecordId, DispatchError> {
			ensure!(payload.len() == T::RecordLen::get() as usize, Error::<T>::WrongRecordLength);
			let payload: BoundedVec<u8, T::RecordLen> =
				payload.try_into().map_err(|_| Error::<T>::WrongRecordLength)?;

			let id = NextRecordId::<T>::get();
			let block = frame_system::Pallet::<T>::block_number();
			// The page holds the ids from its first to `id` exclusive, fewer than a page's
			// worth: there is room (appending reads only the page's length).
			RecordPages::<T>::try_append(Self::page_of(id), Record { payload, block, tag }).map_err(|_| {
				frame_support::defensive!("the page a new record lands in is full");
				DispatchError::Corruption
			})?;
			NextRecordId::<T>::put(id.saturating_add(1));
			TaggedRecords::<T>::insert(tag, id, ());
			Self::deposit_event(Event::RecordPosted { id, tag });
			Ok(id)
		}

		/// Prunes the pages whose newest record is older than the lifetime, oldest first,
		/// using at most `limit`. The last page is kept until it is full, so records may
		/// outlive the lifetime until [`Config::RecordsPerPage`] more have been posted.
		/// Returns the weight used.
		pub(crate) fn prune_expired(now: BlockNumberFor<T>, limit: Weight) -> Weight {
			let mut used = T::WeightInfo::prune_pages(0);
			if !limit.all_gte(used) {
				return Weight::zero();
			}
			let lifetime = T::RecordLifetime::get();
			let next = NextRecordId::<T>::get();
			let oldest_before = OldestRecordId::<T>::get();
			let mut oldest = oldest_before;
			let mut pages = 0u32;
			loop {
				let page = Self::page_of(oldest);
				let end = Self::first_id(page.saturating_add(1), oldest);
				if end > next {
					// The last page, still filling.
					break;
				}
				let with_one_more = T::WeightInfo::prune_pages(pages.saturating_add(1));
				if !limit.all_gte(with_one_more) {
					break;
				}
				let records = RecordPages::<T>::get(page).unwrap_or_default();
				match records.last() {
					Some(newest) if newest.block.saturating_add(lifetime) > now => break,
					// An empty page is unreachable while the invariants hold (see
					// `do_try_state`); removing it keeps pruning from stalling on it.
					_ => {},
				}
				RecordPages::<T>::remove(page);
				for (id, record) in (oldest..).zip(records.iter()) {
					TaggedRecords::<T>::remove(record.tag, id);
				}
				oldest = end;
				pages = pages.saturating_add(1);
				used = with_one_more;
			}
			if pages > 0 {
				OldestRecordId::<T>::put(oldest);
				let count = u32::try_from(oldest - oldest_before).unwrap_or(u32::MAX);
				Self::deposit_event(Event::RecordsPruned { count, oldest });
			}
			used
		}

		/// The page record `id` is stored in.
		pub fn page_of(id: RecordId) -> u64 {
			id / u64::from(T::RecordsPerPage::get().max(1))
		}

		/// The id of the first record page `page` holds while `oldest` is the oldest id
		/// kept (a page is only ever short at its start when it is the oldest).
		pub fn first_id(page: u64, oldest: RecordId) -> RecordId {
			page.saturating_mul(u64::from(T::RecordsPerPage::get().max(1))).max(oldest)
		}

		/// Where record `id` is stored while `oldest` is the oldest id kept: its page and
		/// its index in the page; `None` for an id older than `oldest` (pruned).
		pub fn locate(id: RecordId, oldest: RecordId) -> Option<(u64, usize)> {
			let page = Self::page_of(id);
			let index = id.checked_sub(Self::first_id(page, oldest))?;
			Some((page, index as usize))
		}

		fn hold(reason: &HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			T::Currency::hold(&(*reason).into(), who, amount)
				.map_err(|_| Error::<T>::InsufficientBalance.into())
		}

		fn release(reason: &HoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
			let released =
				T::Currency::release(&(*reason).into(), who, amount, Precision::BestEffort);
			debug_assert!(
				released == Ok(amount),
				"a deposit is released exactly once, in the amount it was held"
			);
		}

		/// Checks the pallet's invariants:
		/// - records exist exactly for the ids in `OldestRecordId..NextRecordId`, each
		///   `RecordLen` bytes long, every page holding the ids from its first to its end;
		/// - every tag index entry points to a record with that tag, and every record is
		///   indexed;
		/// - every key history is non-empty and its deposit is one `KeyDeposit` per key;
		/// - every registration holds `RegistrationDeposit`, and no two share a ring key;
		/// - for every account, the amounts held for keys and for its registration equal
		///   the deposits stored;
		/// - no account is named outside the key registry (`Keys`, `Registrations`): the
		///   records and the register of chats hold no account-typed field at all, which
		///   the runtime's metadata test checks type by type.
		#[cfg(any(feature = "try-runtime", feature = "std", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;

			let oldest = OldestRecordId::<T>::get();
			let next = NextRecordId::<T>::get();
			ensure!(oldest <= next, "oldest record id is past the next id");

			let per_page = u64::from(T::RecordsPerPage::get());
			ensure!(per_page > 0, "pages hold no record");
			let mut stored = 0u64;
			for (page, records) in RecordPages::<T>::iter() {
				let first = Self::first_id(page, oldest);
				let end = Self::first_id(page.saturating_add(1), oldest).min(next);
				ensure!(first < end, "a page lies outside oldest..next");
				ensure!(records.len() as u64 == end - first, "a page does not hold every id from its first to its end");
				for (id, record) in (first..).zip(records.iter()) {
					ensure!(record.payload.len() == T::RecordLen::get() as usize, "a record of another length is stored");
					ensure!(TaggedRecords::<T>::contains_key(record.tag, id), "a record is not indexed by its tag");
				}
				stored += records.len() as u64;
			}
			ensure!(stored == next - oldest, "the log has holes between oldest and next");

			for (tag, id, ()) in TaggedRecords::<T>::iter() {
				ensure!(id >= oldest && id < next, "the tag index points outside oldest..next");
				let (number, index) = Self::locate(id, oldest).ok_or("the tag index points before oldest")?;
				let page = RecordPages::<T>::get(number).ok_or("the tag index points to no page")?;
				let record = page.get(index).ok_or("the tag index points to no record")?;
				ensure!(record.tag == tag, "the tag index points to a record with another tag");
			}

			let mut held_keys: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			for (who, history) in Keys::<T>::iter() {
				ensure!(!history.entries.is_empty(), "an empty key history is stored");
				let expected =
					T::KeyDeposit::get().saturating_mul((history.entries.len() as u32).into());
				ensure!(history.deposit == expected, "a key history's deposit is not one per key");
				held_keys.insert(who, history.deposit);
			}

			let mut held_registrations: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			let mut ring_keys = alloc::collections::btree_set::BTreeSet::new();
			for (who, registration) in Registrations::<T>::iter() {
				ensure!(registration.deposit == T::RegistrationDeposit::get(), "a registration's deposit is not the deposit");
				ensure!(ring_keys.insert(registration.ring_key), "two registrations share a ring key");
				held_registrations.insert(who, registration.deposit);
			}

			for (reason, expected) in [
				(HoldReason::Keys, held_keys),
				(HoldReason::Registration, held_registrations),
			] {
				for (who, amount) in expected {
					ensure!(
						T::Currency::balance_on_hold(&reason.into(), &who) == amount,
						"held deposits differ from the deposits stored"
					);
				}
			}
			Ok(())
		}
	}
}
