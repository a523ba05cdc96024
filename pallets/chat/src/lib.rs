//! # Chat pallet
//!
//! Chats as actors, and the chat parts that hold each member's encrypted messages. No
//! account signs, pays for or owns anything here: every call is a general transaction
//! (no signer, no fee) that authorizes itself with a ring ticket, a chat's membership
//! key or a part's own key (`#[pallet::authorize]`).
//!
//! ## Overview
//!
//! **Chat actors.** A chat has an id, its own state and its own identity when it talks
//! to other pallets: the pallet origin [`Origin::Chat`], checked by [`EnsureChat`]. Chats
//! are spawned only by the connector (through [`pallet_connector::ChatSpawner`]), never
//! by a call of this pallet. A chat's public state does not reveal its members: it holds
//! a *membership verification key* (Ed25519) whose secret the members derive from the
//! chat's symmetric key, a nonce, the creator's copy of the chat key sealed to the
//! creator, and when its lease ends.
//!
//! To add someone, a member sends the chat the sealed invitation with a signature by
//! the membership key over `(genesis hash, chat, nonce, hash of the invitation, tag)`:
//! the signature is the whole authorization, so the chat does not learn which member
//! asks. The chat checks it, bumps its nonce (a proof is good once) and dispatches the
//! connector's `add_member` with its own chat origin ([`Config::Connector`]). The chat,
//! not the user, is the connector's caller. A chat sends at most
//! [`Config::MaxInvitations`] invitations in its life.
//!
//! **Chat parts.** A part is a member's mailbox in one chat. Its id is the public key of
//! an Ed25519 *part key* that the member derives from the recovery phrase; only that key
//! writes into the part, and nobody can take a part id without its key. Nothing on chain
//! links a part to its chat or to an account. A member creates its part with
//! [`Pallet::join`], which takes a ticket of the ring of users and also posts the
//! member's response to the connector (one call, so a part and its response cannot be
//! told apart from any other join, and nobody can answer for someone else). After that,
//! the part key signs every write: [`Pallet::post_message`] with the message's sequence
//! number, [`Pallet::set_part_blob`], [`Pallet::delete_message`] and
//! [`Pallet::close_part`] with the part's nonce; a signature is good for one call, in
//! order. A part carries an opaque, owner-written blob (for the client: its sealed copy
//! of the chat key, and under the chat key its owner's account and the other members'
//! parts), so that a user can rebuild every chat from the recovery phrase.
//!
//! ## What bounds the state
//!
//! Nothing here holds a deposit. Instead, everything a call can create is bounded by
//! the ring's tickets (a constant number per registered user per epoch) and by a
//! *lease*: a chat or a part lives [`Pallet::lifetime`] blocks from its creation or its
//! last [`Pallet::renew`] (a ticket each), and is then removed, with every message of
//! the part, in `on_idle`. A part holds at most [`Config::PartQuota`] bytes of messages
//! (each message counts its ciphertext and [`MESSAGE_OVERHEAD`]), a chat at most
//! [`Config::MaxInvitations`] invitations. So one registered user keeps at most
//! `tickets per epoch × lifetime in epochs` chats and parts alive at once, each of a
//! bounded size; docs/CHAIN.md gives the figures and the registration deposit that pays
//! for them.
//!
//! ## What bounds a user's writes
//!
//! Every write draws on an allowance counted per epoch (the ring's: a day) in the part or
//! chat written to ([`Usage`]): a part makes [`Config::WritesPerEpoch`] part-key-signed
//! writes (messages, deletes, blobs, closes) of [`Config::WriteBytesPerEpoch`] bytes in
//! all, a chat sends [`Config::InvitationsPerEpoch`] invitations; each renewal (a ticket)
//! adds [`Config::TopUpWrites`] writes and [`Config::TopUpBytes`] bytes to a part's,
//! [`Config::InvitationsPerEpoch`] invitations to a chat's, for the epoch it is made in.
//! A user holds a bounded number of leases and spends a bounded number of tickets a day,
//! so what one registration writes in a day is bounded, without any write naming its
//! user or linking to another part's. The pool orders writes by what their part or chat
//! wrote this epoch ([`Usage::priority`]): light writers first.
//!
//! Events carry chat ids, part ids, sequence numbers and leases only.
//!
//! ## Dispatchable functions
//!
//! - [`Pallet::add_member`] — with a membership proof: ask a chat to send an invitation.
//! - [`Pallet::join`] — with a ticket and the part key: create a part and post its
//!   response.
//! - [`Pallet::set_part_blob`] — with the part key: replace a part's blob.
//! - [`Pallet::post_message`] — with the part key: append an encrypted message.
//! - [`Pallet::delete_message`] — with the part key: delete one of the part's messages.
//! - [`Pallet::close_part`] — with the part key: delete a part's messages, then the part.
//! - [`Pallet::renew`] — with a ticket: extend the lease of a chat or a part.
//!
//! Refusals before a transaction enters the pool are transaction validity errors: the
//! standard `BadProof` (a signature that does not verify), `Stale` (a nonce or sequence
//! number already used), `Future` (one too far ahead), `ExhaustsResources` (a chat out
//! of invitations), the ring's ticket codes (200–205) and this pallet's [`Refusal`]
//! codes (210–218).
//!
//! ## Reading
//!
//! Clients read through the pallet's view functions: [`Pallet::chat`], [`Pallet::part`],
//! [`Pallet::parts`] (many at once, as a login probes them) and [`Pallet::messages`].

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

pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	dispatch::DispatchResult,
	pallet_prelude::{InvalidTransaction, TransactionValidityError},
	traits::{EnsureOrigin, OriginTrait},
};
use pallet_connector::RendezvousTag;
use scale_info::TypeInfo;
use sp_core::ed25519;

/// Identifier of a chat actor.
pub type ChatId = u64;

/// Identifier of a chat part: the public key of its Ed25519 part key.
pub type PartId = [u8; 32];

/// Sequence number of a message within its part.
pub type Seq = u32;

/// How many part-key-signed calls other than `post_message` a part has accepted.
pub type PartNonce = u32;

/// Bytes of a message's storage key: the pallet's and the item's prefixes (16 each), the
/// part id after its Blake2-128 hash (16 + 32) and the sequence number after its Twox64
/// hash (8 + 4).
pub const MESSAGE_KEY_LEN: u32 = 92;

/// Bytes a message's value takes besides its ciphertext: the ciphertext's length prefix
/// (up to 2) and the block it was posted in (4).
pub const MESSAGE_VALUE_OVERHEAD: u32 = 6;

/// Bytes of the state trie's own that hold a stored item, as counted here: the 32-byte
/// hash of its node in its parent, its node's header and hash, and its value's hash.
pub const TRIE_ITEM_OVERHEAD: u32 = 62;

/// Bytes of state a message takes besides its ciphertext, and counts against its part's
/// quota with it: so the quota bounds the state a part's messages take, however short
/// they are.
pub const MESSAGE_OVERHEAD: u32 = MESSAGE_KEY_LEN + MESSAGE_VALUE_OVERHEAD + TRIE_ITEM_OVERHEAD;

/// Domain separator of the membership proof.
pub const ADD_MEMBER_CONTEXT: &[u8] = b"sealchat/v2/add-member";

/// The bytes a membership proof signs: the domain separator, then the SCALE encoding
/// of `(genesis, chat, nonce, blake2_256(invitation), tag)`, where `genesis` is the
/// chain's genesis hash (32 bytes).
pub fn add_member_message(
	genesis: &impl Encode,
	chat: ChatId,
	nonce: u64,
	invitation: &[u8],
	tag: &RendezvousTag,
) -> Vec<u8> {
	let mut message = ADD_MEMBER_CONTEXT.to_vec();
	(genesis, chat, nonce, sp_io::hashing::blake2_256(invitation), tag).encode_to(&mut message);
	message
}

/// Domain separator of every signature by a part key.
pub const PART_CONTEXT: &[u8] = b"sealchat/v3/part";

/// Which creation of a part id a write is for: [`PartInfo::incarnation`], unique to each
/// [`Pallet::join`] on the chain. A part id that ends and is created again is another
/// incarnation, where none of the writes signed for the one before are valid.
pub type Incarnation = u64;

/// What a part key signs for, with the counter the call carries and, for a write into a
/// part that exists, the part's incarnation; byte strings appear as their BLAKE2-256 hash.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub enum PartAction {
	/// [`Pallet::join`]: create the part with this blob and post this response under `tag`.
	Join { blob: [u8; 32], response: [u8; 32], tag: RendezvousTag },
	/// [`Pallet::set_part_blob`].
	SetBlob { incarnation: Incarnation, nonce: PartNonce, blob: [u8; 32] },
	/// [`Pallet::post_message`].
	PostMessage { incarnation: Incarnation, seq: Seq, ciphertext: [u8; 32] },
	/// [`Pallet::delete_message`].
	DeleteMessage { incarnation: Incarnation, nonce: PartNonce, seq: Seq },
	/// [`Pallet::close_part`].
	Close { incarnation: Incarnation, nonce: PartNonce, max_messages: u32 },
}

/// The bytes a part key signs: [`PART_CONTEXT`], then the SCALE encoding of
/// `(genesis, part, action)`. For [`Pallet::join`] the ticket's proof signs the same
/// bytes.
pub fn part_message(genesis: &impl Encode, part: &PartId, action: &PartAction) -> Vec<u8> {
	let mut message = PART_CONTEXT.to_vec();
	(genesis, part, action).encode_to(&mut message);
	message
}

/// What a part (or a chat) has written in one epoch, and how many renewals topped its
/// allowance up in that epoch. A part may make [`Config::WritesPerEpoch`] part-key-signed
/// writes of [`Config::WriteBytesPerEpoch`] bytes in all an epoch, plus
/// [`Config::TopUpWrites`] and [`Config::TopUpBytes`] for every renewal in the epoch; a
/// chat sends [`Config::InvitationsPerEpoch`] invitations an epoch, and as many again for
/// every renewal. So what one registration writes in a day is bounded by its live leases
/// and its tickets (docs/CHAIN.md, "What bounds a user").
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, Default, PartialEq, Eq, Debug,
)]
pub struct Usage {
	/// The epoch counted (the ring's, [`pallet_ring::Tickets::epoch`]); the counts of any
	/// earlier epoch count as zero.
	pub epoch: pallet_ring::Epoch,
	/// Writes (or invitations) made in `epoch`.
	pub writes: u32,
	/// Bytes written in `epoch` (message ciphertexts and blobs).
	pub bytes: u32,
	/// Renewals in `epoch`, each a top-up.
	pub top_ups: u32,
}

impl Usage {
	/// This usage as of `epoch`: the same if it counts `epoch`, nothing used otherwise.
	pub fn in_epoch(self, epoch: pallet_ring::Epoch) -> Self {
		if self.epoch == epoch {
			self
		} else {
			Self { epoch, ..Self::default() }
		}
	}

	/// Whether `writes` more writes of `bytes` bytes in all fit in the allowance of a base
	/// of `(writes, bytes)` plus `top_ups` times `top_up`.
	pub fn fits(&self, writes: u32, bytes: u32, base: (u32, u32), top_up: (u32, u32)) -> bool {
		let allowed = |base: u32, top_up: u32| u64::from(base) + u64::from(top_up) * u64::from(self.top_ups);
		u64::from(self.writes) + u64::from(writes) <= allowed(base.0, top_up.0) &&
			u64::from(self.bytes) + u64::from(bytes) <= allowed(base.1, top_up.1)
	}

	/// Counts `writes` more writes of `bytes` bytes.
	pub fn record(&mut self, writes: u32, bytes: u32) {
		self.writes = self.writes.saturating_add(writes);
		self.bytes = self.bytes.saturating_add(bytes);
	}

	/// The pool priority of the next write: [`pallet_ring::FRESH_PRIORITY`] less what was
	/// written this epoch (a write, and a KiB, count one each), so light writers go first
	/// when blocks are full.
	pub fn priority(&self) -> frame_support::pallet_prelude::TransactionPriority {
		pallet_ring::FRESH_PRIORITY.saturating_sub(u64::from(self.writes) + u64::from(self.bytes / 1024))
	}
}

/// The shortest lease a chain's genesis may choose, in blocks: a client renews a lease
/// between half and three quarters of its course, which takes a ticket and a block or
/// two, so a lease much shorter than this could not be kept alive.
pub const MIN_GENESIS_LIFETIME: u32 = 16;

/// A chat or a part: what a lease is held on.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
pub enum Lease {
	/// A chat actor.
	Chat(ChatId),
	/// A chat part.
	Part(PartId),
}

/// Domain separator of the message a ticket for [`Pallet::renew`] signs.
pub const RENEW_CONTEXT: &[u8] = b"sealchat/v2/renew";

/// The bytes a ticket for [`Pallet::renew`] signs: [`RENEW_CONTEXT`], then the SCALE
/// encoding of `(genesis, lease)`.
pub fn renew_message(genesis: &impl Encode, lease: &Lease) -> Vec<u8> {
	let mut message = RENEW_CONTEXT.to_vec();
	(genesis, lease).encode_to(&mut message);
	message
}

/// Why the pool refuses a call of this pallet (beyond the standard validity errors): the
/// `InvalidTransaction::Custom` code of the refusal.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Refusal {
	/// [`Pallet::join`] names a part that exists.
	PartExists = 210,
	/// No part with this id (or its lease ended).
	UnknownPart = 211,
	/// No chat with this id (or its lease ended).
	UnknownChat = 212,
	/// The message would take the part past [`Config::PartQuota`].
	QuotaExceeded = 213,
	/// A blob or message is longer than the chain takes.
	TooLarge = 214,
	/// A message is empty.
	Empty = 215,
	/// No message with this sequence number in the part.
	UnknownMessage = 216,
	/// An invitation or response is not the connector's `RecordLen` bytes long.
	RecordLength = 217,
	/// The part (or chat) has used its allowance of writes, bytes or invitations for this
	/// epoch: a renewal (a ticket) tops it up, or the next epoch renews it.
	AllowanceSpent = 218,
}

impl Refusal {
	/// The refusal's code.
	pub fn code(self) -> u8 {
		self as u8
	}
}

impl From<Refusal> for TransactionValidityError {
	fn from(r: Refusal) -> Self {
		TransactionValidityError::Invalid(InvalidTransaction::Custom(r.code()))
	}
}

/// What a user supplies, through the connector, to create a chat.
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ChatParams {
	/// The membership verification key: members derive its secret from the chat key.
	pub membership_key: ed25519::Public,
	/// The chat key sealed to the creator's encryption key (opaque).
	pub sealed_key: Vec<u8>,
}

/// The caller of a call dispatched by a chat actor.
#[derive(
	PartialEq, Eq, Clone, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub enum RawOrigin {
	/// The chat with this id.
	Chat(ChatId),
}

/// The connector, as the chat pallet uses it.
pub trait ConnectorApi<RuntimeOrigin> {
	/// The connector's "add user": dispatches its `add_member` with `origin`, a chat's.
	fn add_member(origin: RuntimeOrigin, payload: Vec<u8>, tag: RendezvousTag) -> DispatchResult;

	/// Appends a joiner's response under `tag`.
	fn post_response(payload: Vec<u8>, tag: RendezvousTag) -> DispatchResult;

	/// The length of every record the connector takes.
	fn record_len() -> u32;

	/// Whether the connector registered `chat` as one it created: only such a chat may
	/// send it "add user".
	fn is_created_chat(chat: ChatId) -> bool;

	/// Removes a chat whose lease ended from the connector's register of chats.
	fn forget_chat(chat: ChatId);
}

/// [`ConnectorApi`] for a runtime that has the connector pallet: "add user" is dispatched as
/// `pallet_connector::Call::add_member` through the runtime's `Call` with the chat's
/// origin, so the connector checks that origin like any other caller's.
pub struct DispatchToConnector<T, Call>(core::marker::PhantomData<(T, Call)>);

impl<T, Call> ConnectorApi<<T as frame_system::Config>::RuntimeOrigin> for DispatchToConnector<T, Call>
where
	T: pallet_connector::Config<Chats = Pallet<T>> + Config,
	Call: From<pallet_connector::Call<T>>
		+ sp_runtime::traits::Dispatchable<
			RuntimeOrigin = <T as frame_system::Config>::RuntimeOrigin,
			PostInfo = frame_support::dispatch::PostDispatchInfo,
		>,
{
	fn add_member(
		origin: <T as frame_system::Config>::RuntimeOrigin,
		payload: Vec<u8>,
		tag: RendezvousTag,
	) -> DispatchResult {
		Call::from(pallet_connector::Call::<T>::add_member { payload, tag })
			.dispatch(origin)
			.map(|_| ())
			.map_err(|e| e.error)
	}

	fn post_response(payload: Vec<u8>, tag: RendezvousTag) -> DispatchResult {
		pallet_connector::Pallet::<T>::post_response(payload, tag).map(|_| ())
	}

	fn record_len() -> u32 {
		<<T as pallet_connector::Config>::RecordLen as frame_support::traits::Get<u32>>::get()
	}

	fn is_created_chat(chat: ChatId) -> bool {
		pallet_connector::Pallet::<T>::is_created_chat(chat)
	}

	fn forget_chat(chat: ChatId) {
		pallet_connector::Pallet::<T>::forget_chat(chat)
	}
}

/// Ensures the origin is a chat actor; succeeds with the chat's id.
pub struct EnsureChat<T>(core::marker::PhantomData<T>);

impl<T, O> EnsureOrigin<O> for EnsureChat<T>
where
	O: OriginTrait + From<RawOrigin>,
	for<'a> &'a O::PalletsOrigin: TryInto<&'a RawOrigin>,
{
	type Success = ChatId;

	fn try_origin(o: O) -> Result<ChatId, O> {
		let chat = match o.caller().try_into() {
			Ok(RawOrigin::Chat(chat)) => Some(*chat),
			Err(_) => None,
		};
		chat.ok_or(o)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<O, ()> {
		Ok(O::from(RawOrigin::Chat(0)))
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use pallet_ring::Tickets as _;
	use sp_runtime::{
		traits::{Saturating, Zero},
		SaturatedConversion,
	};

	/// The in-code storage version.
	///
	/// - 1: chats and parts with leases.
	/// - 2: chats and parts count what they wrote per epoch ([`Usage`]);
	///   [`crate::migrations::MigrateV1ToV2`].
	/// - 3: parts have an incarnation ([`PartInfo::incarnation`]);
	///   [`crate::migrations::MigrateV2ToV3`].
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	/// A ticket of the ring of users.
	pub type TicketOf<T> = <<T as Config>::Tickets as pallet_ring::Tickets>::Ticket;

	/// A chat actor's public state.
	#[derive(
		Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
	)]
	#[scale_info(skip_type_params(T))]
	pub struct ChatInfo<T: Config> {
		/// Verifies membership proofs.
		pub membership_key: ed25519::Public,
		/// The nonce the next membership proof must sign: how many invitations the chat
		/// has sent.
		pub nonce: u64,
		/// The chat key sealed to the creator (opaque).
		pub sealed_key: BoundedVec<u8, T::MaxSealedKeyLen>,
		/// The block the chat's lease ends in: it is removed then, unless renewed.
		pub expires: BlockNumberFor<T>,
		/// Invitations sent this epoch, and its top-ups (`bytes` unused).
		pub usage: Usage,
	}

	/// A chat part.
	#[derive(
		Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
	)]
	#[scale_info(skip_type_params(T))]
	pub struct PartInfo<T: Config> {
		/// Sequence number of the next message.
		pub next_seq: Seq,
		/// The nonce the next blob, delete or close call must sign.
		pub nonce: PartNonce,
		/// How many messages the part holds now.
		pub messages: u32,
		/// Bytes the part's messages count against [`Config::PartQuota`].
		pub used: u32,
		/// The owner's opaque blob.
		pub blob: BoundedVec<u8, T::MaxPartBlobLen>,
		/// The block the part's lease ends in: it is removed then, with its messages,
		/// unless renewed.
		pub expires: BlockNumberFor<T>,
		/// What the part wrote this epoch, and its top-ups.
		pub usage: Usage,
		/// Which creation of this part id it is ([`PartsCreated`] when it was joined): every
		/// part-key-signed write names it, so writes signed for an earlier part of the same
		/// id are not valid in this one.
		pub incarnation: Incarnation,
	}

	/// A message in a part.
	#[derive(
		Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
	)]
	#[scale_info(skip_type_params(T))]
	pub struct Message<T: Config> {
		/// The ciphertext (opaque).
		pub ciphertext: BoundedVec<u8, T::MaxMessageLen>,
		/// The block it was posted in.
		pub block: BlockNumberFor<T>,
	}

	/// A page of a part's messages, as [`Pallet::messages`] returns it.
	#[derive(Encode, Decode, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
	#[scale_info(skip_type_params(T))]
	pub struct MessagesPage<T: Config> {
		/// Messages with their sequence numbers, in sequence order within the range asked
		/// for (deleted ones absent).
		pub messages: Vec<(Seq, Message<T>)>,
		/// The part's next sequence number: continue until here.
		pub next_seq: Seq,
	}

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>, RuntimeOrigin: From<RawOrigin>>
	{
		/// The connector that chats send "add user" to and joins post responses to.
		type Connector: ConnectorApi<<Self as frame_system::Config>::RuntimeOrigin>;

		/// The tickets of the ring of users, which authorize [`Pallet::join`] and
		/// [`Pallet::renew`].
		type Tickets: pallet_ring::Tickets;

		/// Most invitations a chat sends in its life: it bounds the records a chat puts in
		/// the connector.
		#[pallet::constant]
		type MaxInvitations: Get<u64>;

		/// How many blocks a call authorized by a proof (a membership proof or a part
		/// key's signature) stays valid in the pool.
		#[pallet::constant]
		type ProofLongevity: Get<u64>;

		/// Largest creator-sealed chat key, in bytes.
		#[pallet::constant]
		type MaxSealedKeyLen: Get<u32>;

		/// Largest owner-written blob of a part, in bytes.
		#[pallet::constant]
		type MaxPartBlobLen: Get<u32>;

		/// Largest message ciphertext, in bytes.
		#[pallet::constant]
		type MaxMessageLen: Get<u32>;

		/// Most bytes of messages a part holds at once: every message counts its ciphertext
		/// plus [`MESSAGE_OVERHEAD`].
		#[pallet::constant]
		type PartQuota: Get<u32>;

		/// How long a chat or a part lives after its creation or its last renewal, unless
		/// the chain's genesis chose a shorter lease ([`GenesisConfig::lifetime`]).
		#[pallet::constant]
		type Lifetime: Get<BlockNumberFor<Self>>;

		/// Part-key-signed writes (messages, deletes, blobs, closes) a part makes per epoch
		/// without a top-up.
		#[pallet::constant]
		type WritesPerEpoch: Get<u32>;

		/// Bytes (message ciphertexts and blobs) a part writes per epoch without a top-up.
		#[pallet::constant]
		type WriteBytesPerEpoch: Get<u32>;

		/// Writes each renewal of a part adds to its allowance for the epoch it is made in.
		#[pallet::constant]
		type TopUpWrites: Get<u32>;

		/// Bytes each renewal of a part adds to its allowance for the epoch it is made in.
		#[pallet::constant]
		type TopUpBytes: Get<u32>;

		/// Invitations a chat sends per epoch; each renewal of the chat adds as many for
		/// the epoch it is made in.
		#[pallet::constant]
		type InvitationsPerEpoch: Get<u32>;

		/// Most messages (or parts) one view function call returns.
		#[pallet::constant]
		type MaxPageLen: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// A chat actor as a caller.
	#[pallet::origin]
	pub type Origin = RawOrigin;

	/// Chat actors by id.
	#[pallet::storage]
	pub type Chats<T: Config> = StorageMap<_, Twox64Concat, ChatId, ChatInfo<T>>;

	/// Id of the next chat.
	#[pallet::storage]
	pub type NextChatId<T: Config> = StorageValue<_, ChatId, ValueQuery>;

	/// Chat parts by id.
	#[pallet::storage]
	pub type Parts<T: Config> = StorageMap<_, Blake2_128Concat, PartId, PartInfo<T>>;

	/// How many parts were ever created: the next part's incarnation.
	#[pallet::storage]
	pub type PartsCreated<T: Config> = StorageValue<_, Incarnation, ValueQuery>;

	/// Messages by part and sequence number.
	#[pallet::storage]
	pub type Messages<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, PartId, Twox64Concat, Seq, Message<T>>;

	/// Every lease by the block it ends in.
	#[pallet::storage]
	pub type Expiries<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Blake2_128Concat, Lease, ()>;

	/// The first block whose ended leases have not all been removed yet.
	#[pallet::storage]
	pub type ExpiryCursor<T: Config> = StorageValue<_, BlockNumberFor<T>>;

	/// The lease the chain's genesis chose instead of [`Config::Lifetime`] (development
	/// chains on which leases run out within minutes). Never longer than
	/// [`Config::Lifetime`], which the bounds of a user's state are computed from, nor
	/// shorter than [`MIN_GENESIS_LIFETIME`].
	#[pallet::storage]
	pub type GenesisLifetime<T: Config> = StorageValue<_, BlockNumberFor<T>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// A shorter lease than [`Config::Lifetime`], in blocks.
		pub lifetime: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(lifetime) = self.lifetime {
				assert!(lifetime >= MIN_GENESIS_LIFETIME.into(), "a genesis lease lasts at least MIN_GENESIS_LIFETIME");
				assert!(lifetime <= T::Lifetime::get(), "the genesis lease is at most Config::Lifetime");
				GenesisLifetime::<T>::put(lifetime);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A chat actor was spawned (by the connector).
		ChatSpawned { chat: ChatId },
		/// A chat accepted a membership proof and sent an invitation to the connector.
		InvitationSent { chat: ChatId, nonce: u64 },
		/// A part was created (and its response posted).
		PartCreated { part: PartId },
		/// A part's blob was replaced.
		PartBlobSet { part: PartId },
		/// A message was appended to a part.
		MessagePosted { part: PartId, seq: Seq },
		/// A message was deleted by its part's key.
		MessageDeleted { part: PartId, seq: Seq },
		/// `count` messages of a part being closed were deleted; `remaining` are left.
		PartClearing { part: PartId, count: u32, remaining: u32 },
		/// A part was closed.
		PartClosed { part: PartId },
		/// A lease was renewed; it now ends in block `expires`.
		Renewed { lease: Lease, expires: BlockNumberFor<T> },
		/// A lease ended and what it held was removed.
		Expired { lease: Lease },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No chat with this id (or its lease ended).
		UnknownChat,
		/// The membership proof's nonce is not the chat's current one (replayed or stale).
		StaleNonce,
		/// The chat has sent its `MaxInvitations` invitations.
		InvitationLimit,
		/// The sealed chat key is longer than `MaxSealedKeyLen`.
		SealedKeyTooLarge,
		/// A part with this id exists.
		PartExists,
		/// No part with this id (or its lease ended).
		UnknownPart,
		/// The blob is longer than `MaxPartBlobLen`.
		BlobTooLarge,
		/// The message is longer than `MaxMessageLen`.
		MessageTooLarge,
		/// The message is empty.
		EmptyMessage,
		/// No message with this sequence number in the part.
		UnknownMessage,
		/// The part has used every sequence number.
		PartFull,
		/// The message would take the part past `PartQuota`.
		QuotaExceeded,
		/// The part-signed call's nonce or sequence number is not the part's next one.
		WrongCounter,
		/// The ticket was spent already (by another transaction in the same block).
		TicketSpent,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Removes chats and parts whose lease ended, oldest first, within the weight left.
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::expire(now, remaining)
		}

		fn integrity_test() {
			assert!(!T::Lifetime::get().is_zero(), "leases last at least a block");
			assert!(
				T::PartQuota::get() >= T::MaxMessageLen::get().saturating_add(MESSAGE_OVERHEAD),
				"a part holds at least one message of the largest size"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Asks `chat` to send a sealed invitation to the connector.
		///
		/// The origin must be _Authorized_: a general transaction with no signer, no fee
		/// and no deposit. Its authorization is the membership proof, a signature by the
		/// chat's membership key over [`add_member_message`]`(genesis, chat, nonce,
		/// invitation, tag)`; the chat does not learn which member asks. The chat bumps
		/// its nonce and dispatches the connector's `add_member` with its own origin.
		///
		/// - `chat`: the chat.
		/// - `nonce`: the chat's current nonce. The pool also keeps proofs for the next
		///   nonces, in order, as it does account nonces.
		/// - `invitation`: the sealed invitation (opaque), the connector's `RecordLen` bytes.
		/// - `tag`: the record's rendezvous tag (random for an invitation).
		/// - `proof`: the membership proof.
		///
		/// Refused before dispatch (transaction validity): an unknown chat
		/// ([`Refusal::UnknownChat`]), an invitation of another length
		/// ([`Refusal::RecordLength`]), a used nonce (`Stale`), a nonce beyond
		/// [`Config::MaxInvitations`] (`ExhaustsResources`), a chat that sent its
		/// [`Config::InvitationsPerEpoch`] (and its top-ups') this epoch
		/// ([`Refusal::AllowanceSpent`]), a proof that does not verify (`BadProof`).
		///
		/// Errors: [`Error::UnknownChat`], [`Error::StaleNonce`],
		/// [`Error::InvitationLimit`], and the connector's errors (`UnknownChat` for a
		/// chat it did not create, `WrongRecordLength`, ...).
		///
		/// Emits [`Event::InvitationSent`] (and the connector's `RecordPosted`).
		///
		/// ## Complexity
		/// O(1): authorizing hashes the invitation (of one length) and checks one
		/// signature; the dispatch stores the record.
		#[pallet::call_index(0)]
		#[pallet::authorize(|source, chat, nonce, invitation, tag, proof| {
			Pallet::<T>::authorize_add_member(source, *chat, *nonce, invitation, tag, proof)
		})]
		// Authorizing is the work of a part key's: two reads, a hash of the record and one
		// Ed25519 verification.
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_part_call(invitation.len().saturated_into()))]
		#[pallet::weight(T::WeightInfo::add_member())]
		pub fn add_member(
			origin: OriginFor<T>,
			chat: ChatId,
			nonce: u64,
			invitation: Vec<u8>,
			tag: RendezvousTag,
			proof: ed25519::Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			// The proof was checked by the authorization, in this block's state.
			let _ = proof;
			let mut info = Self::live_chat(chat).ok_or(Error::<T>::UnknownChat)?;
			ensure!(nonce == info.nonce, Error::<T>::StaleNonce);
			ensure!(nonce < T::MaxInvitations::get(), Error::<T>::InvitationLimit);
			info.nonce = info.nonce.saturating_add(1);
			Self::count_write(&mut info.usage, 0);
			Chats::<T>::insert(chat, info);

			T::Connector::add_member(RawOrigin::Chat(chat).into(), invitation, tag)?;
			Self::deposit_event(Event::InvitationSent { chat, nonce });
			Ok(())
		}

		/// Creates the part `part` and posts its owner's response to the connector.
		///
		/// The origin must be _Authorized_: a general transaction with no signer, no fee
		/// and no deposit, authorized by a ticket of the ring of users and by the part key
		/// itself, both over [`part_message`]`(genesis, part, PartAction::Join { .. })`: a
		/// registered user made it, within their quota, and holds the part's key. The part
		/// lives [`Pallet::lifetime`] blocks unless renewed.
		///
		/// - `ticket`: an unspent ticket of the current epoch.
		/// - `part`: the part key's public key, the part's id.
		/// - `blob`: opaque owner data, up to [`Config::MaxPartBlobLen`] bytes.
		/// - `response`: the response record, the connector's `RecordLen` bytes.
		/// - `tag`: the response's rendezvous tag.
		/// - `signature`: the part key's signature.
		///
		/// Refused before dispatch: [`Refusal::PartExists`], [`Refusal::TooLarge`] (the
		/// blob), [`Refusal::RecordLength`], a signature that does not verify (`BadProof`),
		/// and the ticket's refusals (the ring's codes).
		///
		/// Errors: [`Error::PartExists`], [`Error::TicketSpent`], [`Error::BlobTooLarge`],
		/// and the connector's for the record.
		///
		/// Emits [`Event::PartCreated`] (and the connector's `RecordPosted`).
		///
		/// ## Complexity
		/// O(B), B = blob length (the response has one length); authorizing verifies one
		/// ring proof and one signature.
		#[pallet::call_index(1)]
		#[pallet::authorize(|_source, ticket, part, blob, response, tag, signature| {
			Pallet::<T>::authorize_join(ticket, part, blob, response, tag, signature)
		})]
		#[pallet::weight_of_authorize(
			T::WeightInfo::authorize_part_call(blob.len().saturating_add(response.len()).saturated_into())
				.saturating_add(T::Tickets::check_weight())
		)]
		#[pallet::weight(
			T::WeightInfo::join(blob.len().saturated_into()).saturating_add(T::Tickets::spend_weight())
		)]
		pub fn join(
			origin: OriginFor<T>,
			ticket: TicketOf<T>,
			part: PartId,
			blob: Vec<u8>,
			response: Vec<u8>,
			tag: RendezvousTag,
			signature: ed25519::Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			let _ = signature;
			ensure!(!Parts::<T>::contains_key(part), Error::<T>::PartExists);
			let blob: BoundedVec<u8, T::MaxPartBlobLen> =
				blob.try_into().map_err(|_| Error::<T>::BlobTooLarge)?;
			T::Tickets::spend(&ticket).map_err(|_| Error::<T>::TicketSpent)?;
			T::Connector::post_response(response, tag)?;
			let expires = Self::lease_end();
			let usage = Usage { epoch: Self::epoch(), ..Usage::default() };
			let incarnation = PartsCreated::<T>::mutate(|created| {
				let incarnation = *created;
				created.saturating_inc();
				incarnation
			});
			Parts::<T>::insert(
				part,
				PartInfo { next_seq: 0, nonce: 0, messages: 0, used: 0, blob, expires, usage, incarnation },
			);
			Expiries::<T>::insert(expires, Lease::Part(part), ());
			Self::deposit_event(Event::PartCreated { part });
			Ok(())
		}

		/// Replaces the blob of `part`.
		///
		/// The origin must be _Authorized_, by the part key's signature over
		/// [`part_message`]`(genesis, part, PartAction::SetBlob { incarnation, nonce, blob })`.
		///
		/// - `nonce`: the part's current nonce (the pool keeps the next ones too, in order).
		///
		/// Refused before dispatch: [`Refusal::UnknownPart`], [`Refusal::TooLarge`],
		/// [`Refusal::AllowanceSpent`] (the blob counts a write and its bytes), a used
		/// nonce (`Stale`), one too far ahead (`Future`), a bad signature (`BadProof`).
		///
		/// Errors: [`Error::UnknownPart`], [`Error::WrongCounter`], [`Error::BlobTooLarge`].
		///
		/// Emits [`Event::PartBlobSet`].
		///
		/// ## Complexity
		/// O(B), B = the larger of the old and new blob lengths.
		#[pallet::call_index(2)]
		#[pallet::authorize(|source, part, nonce, blob, signature| {
			Pallet::<T>::authorize_set_blob(source, part, *nonce, blob, signature)
		})]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_part_call(blob.len().saturated_into()))]
		#[pallet::weight(T::WeightInfo::set_part_blob(blob.len().saturated_into()))]
		pub fn set_part_blob(
			origin: OriginFor<T>,
			part: PartId,
			nonce: PartNonce,
			blob: Vec<u8>,
			signature: ed25519::Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			let _ = signature;
			let mut info = Self::live_part(&part).ok_or(Error::<T>::UnknownPart)?;
			ensure!(nonce == info.nonce, Error::<T>::WrongCounter);
			Self::count_write(&mut info.usage, blob.len());
			info.blob = blob.try_into().map_err(|_| Error::<T>::BlobTooLarge)?;
			info.nonce.saturating_inc();
			Parts::<T>::insert(part, info);
			Self::deposit_event(Event::PartBlobSet { part });
			Ok(())
		}

		/// Appends an encrypted message to `part` as message `seq`.
		///
		/// The origin must be _Authorized_, by the part key's signature over
		/// [`part_message`]`(genesis, part, PartAction::PostMessage { incarnation, seq, ciphertext })`.
		/// The signature is good for that sequence number only, so a replay, a reordering
		/// or two messages racing for one number are refused.
		///
		/// - `seq`: the part's next sequence number (the pool keeps the next ones too, in
		///   order).
		/// - `ciphertext`: 1 to [`Config::MaxMessageLen`] bytes, within the part's quota.
		///
		/// Refused before dispatch: [`Refusal::UnknownPart`], [`Refusal::Empty`],
		/// [`Refusal::TooLarge`], [`Refusal::QuotaExceeded`], [`Refusal::AllowanceSpent`],
		/// a used sequence number (`Stale`), one too far ahead (`Future`), a bad signature
		/// (`BadProof`).
		///
		/// Errors: [`Error::UnknownPart`], [`Error::WrongCounter`], [`Error::EmptyMessage`],
		/// [`Error::MessageTooLarge`], [`Error::QuotaExceeded`], [`Error::PartFull`].
		///
		/// Emits [`Event::MessagePosted`].
		///
		/// ## Complexity
		/// O(M), M = ciphertext length.
		#[pallet::call_index(3)]
		#[pallet::authorize(|source, part, seq, ciphertext, signature| {
			Pallet::<T>::authorize_post_message(source, part, *seq, ciphertext, signature)
		})]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_part_call(ciphertext.len().saturated_into()))]
		#[pallet::weight(T::WeightInfo::post_message(ciphertext.len().saturated_into()))]
		pub fn post_message(
			origin: OriginFor<T>,
			part: PartId,
			seq: Seq,
			ciphertext: Vec<u8>,
			signature: ed25519::Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			let _ = signature;
			let mut info = Self::live_part(&part).ok_or(Error::<T>::UnknownPart)?;
			ensure!(seq == info.next_seq, Error::<T>::WrongCounter);
			ensure!(!ciphertext.is_empty(), Error::<T>::EmptyMessage);
			let ciphertext: BoundedVec<u8, T::MaxMessageLen> =
				ciphertext.try_into().map_err(|_| Error::<T>::MessageTooLarge)?;
			let used = info.used.saturating_add(Self::footprint(ciphertext.len()));
			ensure!(used <= T::PartQuota::get(), Error::<T>::QuotaExceeded);
			info.next_seq = seq.checked_add(1).ok_or(Error::<T>::PartFull)?;
			info.messages.saturating_inc();
			info.used = used;
			Self::count_write(&mut info.usage, ciphertext.len());
			let block = frame_system::Pallet::<T>::block_number();
			Messages::<T>::insert(part, seq, Message { ciphertext, block });
			Parts::<T>::insert(part, info);
			Self::deposit_event(Event::MessagePosted { part, seq });
			Ok(())
		}

		/// Deletes message `seq` of `part`; its bytes count against the quota no more.
		///
		/// The origin must be _Authorized_, by the part key's signature over
		/// [`part_message`]`(genesis, part, PartAction::DeleteMessage { incarnation, nonce, seq })`.
		/// Sequence numbers are never reused.
		///
		/// Refused before dispatch: [`Refusal::UnknownPart`], [`Refusal::UnknownMessage`],
		/// [`Refusal::AllowanceSpent`] (a delete counts a write: freeing quota is not
		/// free), a used nonce (`Stale`), one too far ahead (`Future`), a bad signature
		/// (`BadProof`).
		///
		/// Errors: [`Error::UnknownPart`], [`Error::WrongCounter`], [`Error::UnknownMessage`].
		///
		/// Emits [`Event::MessageDeleted`].
		///
		/// ## Complexity
		/// O(1).
		#[pallet::call_index(4)]
		#[pallet::authorize(|source, part, nonce, seq, signature| {
			Pallet::<T>::authorize_delete_message(source, part, *nonce, *seq, signature)
		})]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_part_call(0))]
		#[pallet::weight(T::WeightInfo::delete_message())]
		pub fn delete_message(
			origin: OriginFor<T>,
			part: PartId,
			nonce: PartNonce,
			seq: Seq,
			signature: ed25519::Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			let _ = signature;
			let mut info = Self::live_part(&part).ok_or(Error::<T>::UnknownPart)?;
			ensure!(nonce == info.nonce, Error::<T>::WrongCounter);
			let message = Messages::<T>::take(part, seq).ok_or(Error::<T>::UnknownMessage)?;
			info.messages.saturating_dec();
			info.used.saturating_reduce(Self::footprint(message.ciphertext.len()));
			info.nonce.saturating_inc();
			Self::count_write(&mut info.usage, 0);
			Parts::<T>::insert(part, info);
			Self::deposit_event(Event::MessageDeleted { part, seq });
			Ok(())
		}

		/// Closes `part`: deletes up to `max_messages` of its messages and, once none are
		/// left, the part itself.
		///
		/// The origin must be _Authorized_, by the part key's signature over
		/// [`part_message`]`(genesis, part, PartAction::Close { incarnation, nonce, max_messages })`. A
		/// part with more messages than `max_messages` is closed by calling again with the
		/// next nonce.
		///
		/// Refused before dispatch: [`Refusal::UnknownPart`], [`Refusal::AllowanceSpent`],
		/// a used nonce (`Stale`), one too far ahead (`Future`), a bad signature
		/// (`BadProof`).
		///
		/// Errors: [`Error::UnknownPart`], [`Error::WrongCounter`].
		///
		/// Emits [`Event::PartClearing`] while messages remain, then [`Event::PartClosed`].
		///
		/// ## Complexity
		/// O(N), N = `max_messages`; the unused weight is refunded.
		#[pallet::call_index(5)]
		#[pallet::authorize(|source, part, nonce, max_messages, signature| {
			Pallet::<T>::authorize_close_part(source, part, *nonce, *max_messages, signature)
		})]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_part_call(0))]
		#[pallet::weight(T::WeightInfo::close_part(*max_messages))]
		pub fn close_part(
			origin: OriginFor<T>,
			part: PartId,
			nonce: PartNonce,
			max_messages: u32,
			signature: ed25519::Signature,
		) -> DispatchResultWithPostInfo {
			ensure_authorized(origin)?;
			let _ = signature;
			let mut info = Self::live_part(&part).ok_or(Error::<T>::UnknownPart)?;
			ensure!(nonce == info.nonce, Error::<T>::WrongCounter);
			let deleted = Self::drain_messages(&part, &mut info, max_messages);
			if info.messages == 0 {
				Parts::<T>::remove(part);
				Expiries::<T>::remove(info.expires, Lease::Part(part));
				Self::deposit_event(Event::PartClosed { part });
			} else {
				info.nonce.saturating_inc();
				Self::count_write(&mut info.usage, 0);
				let remaining = info.messages;
				Parts::<T>::insert(part, info);
				Self::deposit_event(Event::PartClearing { part, count: deleted, remaining });
			}
			Ok(Some(T::WeightInfo::close_part(deleted)).into())
		}

		/// Extends the lease of a chat or a part: it then ends [`Pallet::lifetime`] blocks
		/// from now. It also tops up the allowance of the epoch it is made in: a part may
		/// write [`Config::TopUpWrites`] more times, [`Config::TopUpBytes`] more bytes, a
		/// chat send [`Config::InvitationsPerEpoch`] more invitations.
		///
		/// The origin must be _Authorized_, by a ticket of the ring of users over
		/// [`renew_message`]`(genesis, lease)`. Anyone may renew anything: it costs them a
		/// ticket, and says nothing about who they are.
		///
		/// Refused before dispatch: [`Refusal::UnknownChat`] or [`Refusal::UnknownPart`]
		/// (also when the lease has ended), and the ticket's refusals.
		///
		/// Errors: [`Error::UnknownChat`], [`Error::UnknownPart`], [`Error::TicketSpent`].
		///
		/// Emits [`Event::Renewed`].
		///
		/// ## Complexity
		/// O(1); authorizing verifies one ring proof.
		#[pallet::call_index(6)]
		#[pallet::authorize(|_source, ticket, lease| Pallet::<T>::authorize_renew(ticket, lease))]
		#[pallet::weight_of_authorize(T::Tickets::check_weight().saturating_add(T::DbWeight::get().reads(1)))]
		#[pallet::weight(T::WeightInfo::renew().saturating_add(T::Tickets::spend_weight()))]
		pub fn renew(origin: OriginFor<T>, ticket: TicketOf<T>, lease: Lease) -> DispatchResult {
			ensure_authorized(origin)?;
			T::Tickets::spend(&ticket).map_err(|_| Error::<T>::TicketSpent)?;
			let expires = Self::lease_end();
			let previous = match lease {
				Lease::Chat(chat) => {
					let mut info = Self::live_chat(chat).ok_or(Error::<T>::UnknownChat)?;
					let previous = core::mem::replace(&mut info.expires, expires);
					Self::top_up(&mut info.usage);
					Chats::<T>::insert(chat, info);
					previous
				},
				Lease::Part(part) => {
					let mut info = Self::live_part(&part).ok_or(Error::<T>::UnknownPart)?;
					let previous = core::mem::replace(&mut info.expires, expires);
					Self::top_up(&mut info.usage);
					Parts::<T>::insert(part, info);
					previous
				},
			};
			Expiries::<T>::remove(previous, lease);
			Expiries::<T>::insert(expires, lease, ());
			Self::deposit_event(Event::Renewed { lease, expires });
			Ok(())
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// How long a chat or a part lives after its creation or its last renewal: the
		/// genesis's lease, or else [`Config::Lifetime`].
		pub fn lifetime() -> BlockNumberFor<T> {
			GenesisLifetime::<T>::get().unwrap_or_else(T::Lifetime::get)
		}

		/// A chat's public state.
		pub fn chat(chat: ChatId) -> Option<ChatInfo<T>> {
			Chats::<T>::get(chat)
		}

		/// The id the next chat created gets: every chat created so far has a lower one.
		/// A client that lost track of a creation it submitted finds the chat among the
		/// ids from the one it read before submitting.
		pub fn next_chat_id() -> ChatId {
			NextChatId::<T>::get()
		}

		/// A part's public state.
		pub fn part(part: PartId) -> Option<PartInfo<T>> {
			Parts::<T>::get(part)
		}

		/// The state of each of `parts` (at most [`Config::MaxPageLen`]), in their order.
		pub fn parts(parts: Vec<PartId>) -> Vec<Option<PartInfo<T>>> {
			parts.into_iter().take(T::MaxPageLen::get() as usize).map(Parts::<T>::get).collect()
		}

		/// The messages of `part` with sequence numbers in
		/// `from_seq .. from_seq + max_count` (at most [`Config::MaxPageLen`] numbers),
		/// and the part's next sequence number. Deleted messages are absent.
		pub fn messages(part: PartId, from_seq: Seq, max_count: u32) -> MessagesPage<T> {
			let next_seq = Parts::<T>::get(part).map(|p| p.next_seq).unwrap_or(0);
			let end = from_seq.saturating_add(max_count.min(T::MaxPageLen::get())).min(next_seq);
			let messages = (from_seq..end).filter_map(|seq| Messages::<T>::get(part, seq).map(|m| (seq, m))).collect();
			MessagesPage { messages, next_seq }
		}
	}

	impl<T: Config> Pallet<T> {
		/// The chain's genesis hash, which every proof of this pallet signs.
		pub fn genesis_hash() -> T::Hash {
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}

		/// The block a lease taken or renewed now ends in.
		fn lease_end() -> BlockNumberFor<T> {
			frame_system::Pallet::<T>::block_number().saturating_add(Self::lifetime())
		}

		/// What a message of `len` bytes of ciphertext counts against its part's quota.
		pub fn footprint(len: usize) -> u32 {
			(len as u32).saturating_add(MESSAGE_OVERHEAD)
		}

		/// A chat whose lease has not ended.
		fn live_chat(chat: ChatId) -> Option<ChatInfo<T>> {
			let now = frame_system::Pallet::<T>::block_number();
			Chats::<T>::get(chat).filter(|c| c.expires > now)
		}

		/// A part whose lease has not ended.
		fn live_part(part: &PartId) -> Option<PartInfo<T>> {
			let now = frame_system::Pallet::<T>::block_number();
			Parts::<T>::get(part).filter(|p| p.expires > now)
		}

		/// The pool's view of a call authorized by a proof: it provides `(scope, counter)`
		/// (so one proof enters a block once), requires the previous counter when it is
		/// ahead of `current`, lives [`Config::ProofLongevity`] blocks, and has the
		/// priority of what its part or chat has written this epoch (`usage`).
		fn counter_validity(
			prefix: &'static str,
			scope: impl Encode,
			counter: u64,
			current: u64,
			usage: &Usage,
		) -> ValidTransaction {
			let mut validity = ValidTransaction::with_tag_prefix(prefix)
				.priority(usage.priority())
				.and_provides((&scope, counter))
				.longevity(T::ProofLongevity::get())
				.propagate(true);
			if counter > current {
				validity = validity.and_requires((&scope, counter - 1));
			}
			validity.into()
		}

		/// Checks a counter against the current one: a used one is `Stale`, one 16 or more
		/// ahead `Future` (the pool keeps the current one and 15 after it in order, as it
		/// does account nonces),
		/// and one that would leave no next counter `ExhaustsResources`. In a block
		/// (`InBlock`) only the current one passes, so a call whose predecessor did not make
		/// it into the block is never included only to fail.
		fn check_counter(source: TransactionSource, counter: u64, current: u64, last: u64) -> Result<(), TransactionValidityError> {
			/// How far ahead of the current counter the pool keeps calls.
			const AHEAD: u64 = 16;
			ensure!(counter >= current, InvalidTransaction::Stale);
			let ahead = if source == TransactionSource::InBlock { 1 } else { AHEAD };
			ensure!(counter < current.saturating_add(ahead), InvalidTransaction::Future);
			ensure!(counter < last, InvalidTransaction::ExhaustsResources);
			Ok(())
		}

		/// The current epoch, which allowances are counted in.
		fn epoch() -> pallet_ring::Epoch {
			T::Tickets::epoch()
		}

		/// Checks that a part can make one more write of `bytes` bytes this epoch; returns
		/// its usage this epoch.
		fn check_part_allowance(info: &PartInfo<T>, bytes: usize) -> Result<Usage, TransactionValidityError> {
			let usage = info.usage.in_epoch(Self::epoch());
			let base = (T::WritesPerEpoch::get(), T::WriteBytesPerEpoch::get());
			let top_up = (T::TopUpWrites::get(), T::TopUpBytes::get());
			ensure!(usage.fits(1, bytes.saturated_into(), base, top_up), Refusal::AllowanceSpent);
			Ok(usage)
		}

		/// Checks that a chat can send one more invitation this epoch; returns its usage
		/// this epoch.
		fn check_chat_allowance(info: &ChatInfo<T>) -> Result<Usage, TransactionValidityError> {
			let usage = info.usage.in_epoch(Self::epoch());
			let per_epoch = T::InvitationsPerEpoch::get();
			ensure!(usage.fits(1, 0, (per_epoch, u32::MAX), (per_epoch, 0)), Refusal::AllowanceSpent);
			Ok(usage)
		}

		/// Counts one write of `bytes` bytes against `usage` in the current epoch.
		fn count_write(usage: &mut Usage, bytes: usize) {
			*usage = usage.in_epoch(Self::epoch());
			usage.record(1, bytes.saturated_into());
		}

		/// Adds a renewal's top-up to `usage` in the current epoch.
		fn top_up(usage: &mut Usage) {
			*usage = usage.in_epoch(Self::epoch());
			usage.top_ups.saturating_inc();
		}

		/// Checks the part key's signature over `action`.
		fn check_part_signature(
			part: &PartId,
			action: &PartAction,
			signature: &ed25519::Signature,
		) -> Result<(), TransactionValidityError> {
			let message = part_message(&Self::genesis_hash(), part, action);
			ensure!(
				sp_io::crypto::ed25519_verify(signature, &message, &ed25519::Public::from_raw(*part)),
				InvalidTransaction::BadProof
			);
			Ok(())
		}

		/// Authorizes [`Pallet::add_member`]: the chat exists (here and in the connector's
		/// register), the invitation has the record length, the nonce is its current one
		/// or one of the next (which wait in the pool for the ones before; in a block only
		/// the current one), the chat has invitations left in its life and in this epoch,
		/// and the membership proof verifies: everything the dispatch checks, so an
		/// authorized call cannot fail.
		fn authorize_add_member(
			source: TransactionSource,
			chat: ChatId,
			nonce: u64,
			invitation: &[u8],
			tag: &RendezvousTag,
			proof: &ed25519::Signature,
		) -> TransactionValidityWithRefund {
			let info = Self::live_chat(chat).ok_or(Refusal::UnknownChat)?;
			ensure!(T::Connector::is_created_chat(chat), Refusal::UnknownChat);
			ensure!(invitation.len() == T::Connector::record_len() as usize, Refusal::RecordLength);
			Self::check_counter(source, nonce, info.nonce, T::MaxInvitations::get())?;
			let usage = Self::check_chat_allowance(&info)?;
			let message = add_member_message(&Self::genesis_hash(), chat, nonce, invitation, tag);
			ensure!(
				sp_io::crypto::ed25519_verify(proof, &message, &info.membership_key),
				InvalidTransaction::BadProof
			);
			Ok((Self::counter_validity("sealchat/add-member", chat, nonce, info.nonce, &usage), Weight::zero()))
		}

		/// Authorizes [`Pallet::join`]: the cheap checks first (the part is new, the sizes
		/// fit), then the part key's signature, then the ticket's ring proof.
		fn authorize_join(
			ticket: &TicketOf<T>,
			part: &PartId,
			blob: &[u8],
			response: &[u8],
			tag: &RendezvousTag,
			signature: &ed25519::Signature,
		) -> TransactionValidityWithRefund {
			ensure!(!Parts::<T>::contains_key(part), Refusal::PartExists);
			ensure!(blob.len() <= T::MaxPartBlobLen::get() as usize, Refusal::TooLarge);
			ensure!(response.len() == T::Connector::record_len() as usize, Refusal::RecordLength);
			let action = PartAction::Join {
				blob: sp_io::hashing::blake2_256(blob),
				response: sp_io::hashing::blake2_256(response),
				tag: *tag,
			};
			Self::check_part_signature(part, &action, signature)?;
			let message = part_message(&Self::genesis_hash(), part, &action);
			let ticket = T::Tickets::check(ticket, &message)?;
			let validity: ValidTransaction =
				ValidTransaction::with_tag_prefix("sealchat/join").and_provides(part).into();
			Ok((ticket.combine_with(validity), Weight::zero()))
		}

		/// Authorizes a part-key-signed call that carries the part's nonce: the part is live,
		/// the nonce is its current one or one of the next (in a block: the current one),
		/// `check` passes, a write of `bytes` bytes fits the part's allowance, and the part
		/// key signed the action `action` makes (called only once the cheap checks passed,
		/// as it may hash the call's bytes).
		fn authorize_with_part_nonce(
			source: TransactionSource,
			part: &PartId,
			nonce: PartNonce,
			bytes: usize,
			check: impl FnOnce(&PartInfo<T>) -> Result<(), TransactionValidityError>,
			action: impl FnOnce(Incarnation) -> PartAction,
			signature: &ed25519::Signature,
		) -> TransactionValidityWithRefund {
			let info = Self::live_part(part).ok_or(Refusal::UnknownPart)?;
			Self::check_counter(source, nonce.into(), info.nonce.into(), PartNonce::MAX.into())?;
			check(&info)?;
			let usage = Self::check_part_allowance(&info, bytes)?;
			Self::check_part_signature(part, &action(info.incarnation), signature)?;
			let validity = Self::counter_validity("sealchat/part-nonce", part, nonce.into(), info.nonce.into(), &usage);
			Ok((validity, Weight::zero()))
		}

		/// Authorizes [`Pallet::set_part_blob`].
		fn authorize_set_blob(
			source: TransactionSource,
			part: &PartId,
			nonce: PartNonce,
			blob: &[u8],
			signature: &ed25519::Signature,
		) -> TransactionValidityWithRefund {
			let fits = |_: &PartInfo<T>| {
				ensure!(blob.len() <= T::MaxPartBlobLen::get() as usize, Refusal::TooLarge);
				Ok(())
			};
			let action = |incarnation| PartAction::SetBlob { incarnation, nonce, blob: sp_io::hashing::blake2_256(blob) };
			Self::authorize_with_part_nonce(source, part, nonce, blob.len(), fits, action, signature)
		}

		/// Authorizes [`Pallet::post_message`]: the quota is checked against the part as
		/// it is now (messages ahead of it in the pool are checked again in their block,
		/// where only the part's next sequence number passes).
		fn authorize_post_message(
			source: TransactionSource,
			part: &PartId,
			seq: Seq,
			ciphertext: &[u8],
			signature: &ed25519::Signature,
		) -> TransactionValidityWithRefund {
			let info = Self::live_part(part).ok_or(Refusal::UnknownPart)?;
			Self::check_counter(source, seq.into(), info.next_seq.into(), Seq::MAX.into())?;
			ensure!(!ciphertext.is_empty(), Refusal::Empty);
			ensure!(ciphertext.len() <= T::MaxMessageLen::get() as usize, Refusal::TooLarge);
			ensure!(
				info.used.saturating_add(Self::footprint(ciphertext.len())) <= T::PartQuota::get(),
				Refusal::QuotaExceeded
			);
			let usage = Self::check_part_allowance(&info, ciphertext.len())?;
			let action = PartAction::PostMessage {
				incarnation: info.incarnation,
				seq,
				ciphertext: sp_io::hashing::blake2_256(ciphertext),
			};
			Self::check_part_signature(part, &action, signature)?;
			let validity = Self::counter_validity("sealchat/part-seq", part, seq.into(), info.next_seq.into(), &usage);
			Ok((validity, Weight::zero()))
		}

		/// Authorizes [`Pallet::delete_message`].
		fn authorize_delete_message(
			source: TransactionSource,
			part: &PartId,
			nonce: PartNonce,
			seq: Seq,
			signature: &ed25519::Signature,
		) -> TransactionValidityWithRefund {
			let exists = |_: &PartInfo<T>| {
				ensure!(Messages::<T>::contains_key(part, seq), Refusal::UnknownMessage);
				Ok(())
			};
			let action = |incarnation| PartAction::DeleteMessage { incarnation, nonce, seq };
			Self::authorize_with_part_nonce(source, part, nonce, 0, exists, action, signature)
		}

		/// Authorizes [`Pallet::close_part`].
		fn authorize_close_part(
			source: TransactionSource,
			part: &PartId,
			nonce: PartNonce,
			max_messages: u32,
			signature: &ed25519::Signature,
		) -> TransactionValidityWithRefund {
			let action = |incarnation| PartAction::Close { incarnation, nonce, max_messages };
			Self::authorize_with_part_nonce(source, part, nonce, 0, |_| Ok(()), action, signature)
		}

		/// Authorizes [`Pallet::renew`]: the lease is live, then the ticket.
		fn authorize_renew(ticket: &TicketOf<T>, lease: &Lease) -> TransactionValidityWithRefund {
			match lease {
				Lease::Chat(chat) => ensure!(Self::live_chat(*chat).is_some(), Refusal::UnknownChat),
				Lease::Part(part) => ensure!(Self::live_part(part).is_some(), Refusal::UnknownPart),
			}
			let validity = T::Tickets::check(ticket, &renew_message(&Self::genesis_hash(), lease))?;
			Ok((validity, Weight::zero()))
		}

		/// Deletes up to `max` of `part`'s messages, updating `info`; returns how many.
		fn drain_messages(part: &PartId, info: &mut PartInfo<T>, max: u32) -> u32 {
			let mut deleted = 0u32;
			for (_, message) in Messages::<T>::drain_prefix(part).take(max as usize) {
				info.used.saturating_reduce(Self::footprint(message.ciphertext.len()));
				deleted.saturating_inc();
			}
			info.messages.saturating_reduce(deleted);
			deleted
		}

		/// Removes what leases that ended by `now` held, oldest first, using at most
		/// `limit`: a chat (and its entry in the connector's register), or a part with its
		/// messages (a part with more messages than the weight allows is cleared over
		/// several blocks). Returns the weight used.
		pub(crate) fn expire(now: BlockNumberFor<T>, limit: Weight) -> Weight {
			let step = T::WeightInfo::expire_step();
			let mut used = Weight::zero();
			if !limit.all_gte(step) {
				return used;
			}
			used.saturating_accrue(step);
			let mut cursor = ExpiryCursor::<T>::get().unwrap_or(now);
			let start = cursor;
			while cursor <= now {
				let Some((lease, ())) = Expiries::<T>::iter_prefix(cursor).next() else {
					// Nothing (more) ended in that block.
					if !limit.all_gte(used.saturating_add(step)) {
						break;
					}
					used.saturating_accrue(step);
					cursor.saturating_inc();
					continue;
				};
				match lease {
					Lease::Chat(chat) => {
						let cost = T::WeightInfo::expire_chat();
						if !limit.all_gte(used.saturating_add(cost)) {
							break;
						}
						used.saturating_accrue(cost);
						Chats::<T>::remove(chat);
						T::Connector::forget_chat(chat);
					},
					Lease::Part(part) => {
						let base = T::WeightInfo::expire_part(0);
						let per_message = T::WeightInfo::expire_part(1).saturating_sub(base);
						if !limit.all_gte(used.saturating_add(base)) {
							break;
						}
						let room = limit.saturating_sub(used).saturating_sub(base);
						let max = if per_message.is_zero() {
							u32::MAX
						} else {
							room.checked_div_per_component(&per_message).unwrap_or(0).saturated_into::<u32>()
						};
						let Some(mut info) = Parts::<T>::get(part) else {
							// Unreachable while the invariants hold; dropping the entry keeps
							// expiry from stalling on it.
							Expiries::<T>::remove(cursor, lease);
							used.saturating_accrue(base);
							continue;
						};
						let deleted = Self::drain_messages(&part, &mut info, max);
						used.saturating_accrue(T::WeightInfo::expire_part(deleted));
						if info.messages > 0 {
							Parts::<T>::insert(part, info);
							break;
						}
						Parts::<T>::remove(part);
					},
				}
				Expiries::<T>::remove(cursor, lease);
				Self::deposit_event(Event::Expired { lease });
			}
			if cursor != start || ExpiryCursor::<T>::get().is_none() {
				ExpiryCursor::<T>::put(cursor);
			}
			used
		}

		/// Spawns a chat actor. Called by the connector only, which authorized the
		/// creation with a ticket: nothing is paid or held.
		pub(crate) fn spawn(params: ChatParams) -> Result<ChatId, DispatchError> {
			let sealed_key: BoundedVec<u8, T::MaxSealedKeyLen> =
				params.sealed_key.try_into().map_err(|_| Error::<T>::SealedKeyTooLarge)?;
			let chat = NextChatId::<T>::get();
			NextChatId::<T>::put(chat.saturating_add(1));
			let expires = Self::lease_end();
			Chats::<T>::insert(
				chat,
				ChatInfo {
					membership_key: params.membership_key,
					nonce: 0,
					sealed_key,
					expires,
					usage: Usage { epoch: Self::epoch(), ..Usage::default() },
				},
			);
			Expiries::<T>::insert(expires, Lease::Chat(chat), ());
			Self::deposit_event(Event::ChatSpawned { chat });
			Ok(chat)
		}

		/// Checks the pallet's invariants:
		/// - every chat id is below `NextChatId`, its nonce within `MaxInvitations`, and
		///   its lease is indexed under the block it ends in;
		/// - a part's message count and quota use equal its stored messages, all below
		///   `next_seq`; its lease is indexed;
		/// - every lease indexed belongs to a chat or part that ends in that block, and no
		///   lease ended before the expiry cursor is left;
		/// - every message belongs to a part;
		/// - no chat or part counts writes of an epoch after the current one, or more
		///   writes, bytes or invitations in the current one than its allowance.
		///
		/// No account is named anywhere in this pallet's state: no stored type has an
		/// account field (the runtime's metadata test checks it type by type).
		#[cfg(any(feature = "try-runtime", feature = "std", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let next_chat = NextChatId::<T>::get();
			let epoch = Self::epoch();
			let part_allowance = (
				(T::WritesPerEpoch::get(), T::WriteBytesPerEpoch::get()),
				(T::TopUpWrites::get(), T::TopUpBytes::get()),
			);
			let invitations = T::InvitationsPerEpoch::get();
			for (chat, info) in Chats::<T>::iter() {
				ensure!(info.usage.epoch <= epoch, "a chat counts a future epoch");
				ensure!(
					info.usage.in_epoch(epoch).fits(0, 0, (invitations, u32::MAX), (invitations, 0)),
					"a chat sent more invitations this epoch than its allowance"
				);
				ensure!(chat < next_chat, "a chat id is not below NextChatId");
				ensure!(info.nonce <= T::MaxInvitations::get(), "a chat sent more than MaxInvitations");
				ensure!(Expiries::<T>::contains_key(info.expires, Lease::Chat(chat)), "a chat's lease is not indexed");
			}
			for (part, info) in Parts::<T>::iter() {
				ensure!(info.usage.epoch <= epoch, "a part counts a future epoch");
				ensure!(
					info.usage.in_epoch(epoch).fits(0, 0, part_allowance.0, part_allowance.1),
					"a part wrote more this epoch than its allowance"
				);
				let (mut count, mut used) = (0u32, 0u32);
				for (seq, message) in Messages::<T>::iter_prefix(part) {
					ensure!(seq < info.next_seq, "a message's sequence number is not below next_seq");
					ensure!(!message.ciphertext.is_empty(), "an empty message is stored");
					count += 1;
					used += Self::footprint(message.ciphertext.len());
				}
				ensure!(count == info.messages, "a part's message count is wrong");
				ensure!(used == info.used, "a part's quota use is wrong");
				// Not `used <= PartQuota`: the version 2 upgrade recounted messages at the
				// state they take, which may leave a part over its quota. Writes never take
				// one past it (authorization checks), deletes bring it back under.
				ensure!(Expiries::<T>::contains_key(info.expires, Lease::Part(part)), "a part's lease is not indexed");
				ensure!(info.incarnation < PartsCreated::<T>::get(), "a part's incarnation is not below PartsCreated");
			}
			let cursor = ExpiryCursor::<T>::get();
			for (expires, lease, ()) in Expiries::<T>::iter() {
				let actual = match lease {
					Lease::Chat(chat) => Chats::<T>::get(chat).map(|c| c.expires),
					Lease::Part(part) => Parts::<T>::get(part).map(|p| p.expires),
				};
				ensure!(actual == Some(expires), "an indexed lease ends in another block or holds nothing");
				ensure!(cursor.map_or(true, |c| expires >= c), "a lease ended before the expiry cursor is left");
			}
			for (part, _, _) in Messages::<T>::iter() {
				ensure!(Parts::<T>::contains_key(part), "a message belongs to no part");
			}
			Ok(())
		}
	}

	impl<T: Config> pallet_connector::ChatSpawner for Pallet<T> {
		type ChatId = ChatId;
		type Params = ChatParams;

		fn check(params: &ChatParams) -> Result<(), TransactionValidityError> {
			ensure!(params.sealed_key.len() <= T::MaxSealedKeyLen::get() as usize, Refusal::TooLarge);
			Ok(())
		}

		fn spawn(params: ChatParams) -> Result<ChatId, DispatchError> {
			Self::spawn(params)
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn benchmark_params() -> ChatParams {
			ChatParams {
				membership_key: ed25519::Public::from_raw([7; 32]),
				sealed_key: alloc::vec![0x5e; T::MaxSealedKeyLen::get() as usize],
			}
		}
	}
}
