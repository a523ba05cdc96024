//! # Chat pallet
//!
//! Chats as actors, and the per-user chat parts that hold each user's encrypted
//! messages.
//!
//! ## Overview
//!
//! **Chat actors.** A chat has an id, its own state and its own identity when it talks
//! to other pallets: the pallet origin [`Origin::Chat`], checked by [`EnsureChat`]. Chats
//! are spawned only by the connector (through [`pallet_connector::ChatSpawner`]), never
//! by a user extrinsic. A chat's public state does not reveal its members: it holds a
//! *membership verification key* (ed25519) whose secret the members derive from the
//! chat's symmetric key, a nonce, and the creator's copy of the chat key sealed to the
//! creator (so the creator can recover the chat from the chain alone).
//!
//! To add someone, a member sends the chat the sealed invitation with a signature by
//! the membership key over `(genesis hash, chat, nonce, hash of the invitation, tag)`,
//! as a general transaction with no signer: the signature is the whole authorization
//! (`#[pallet::authorize]`), so no account pays, holds or appears. The chat checks it,
//! bumps its nonce (a proof is good once) and dispatches the connector's `add_member`
//! with its own chat origin ([`Config::Connector`]). The chat, not the user, is the
//! connector's caller. A chat sends at most [`Config::MaxInvitations`] invitations in
//! its life, which bounds the records it can put in the connector for free.
//!
//! Chats are created through the connector with a ticket of the ring of users (the
//! connector's `create_chat`), and hold no deposit: the ticket quota bounds them.
//!
//! **Chat parts.** A part belongs to one account, which alone writes into it. Its id is
//! chosen by the client and random-looking: nothing links a part to a chat without the
//! chat key. A part carries an opaque, owner-written blob (for the client: its sealed
//! copy of the chat key and the encrypted list of the other members' parts) so that a
//! user can rebuild every chat from the recovery phrase. Messages are appended with a
//! per-part sequence number; each holds a deposit until its owner deletes it or closes
//! the part. Message deposits come out of the part's *credit*, a deposit held from the
//! owner in steps of [`Config::MessageCredit`]: most messages leave the owner's balance
//! untouched, which keeps posting about as cheap as the message's own storage.
//!
//! Events carry chat ids, part ids and sequence numbers only.
//!
//! ## Dispatchable functions
//!
//! - [`Pallet::add_member`] — ask a chat, with a membership proof and no signer, to send
//!   an invitation.
//! - [`Pallet::create_part`] — create a chat part owned by the caller.
//! - [`Pallet::set_part_blob`] — replace a part's owner-written blob.
//! - [`Pallet::post_message`] — append an encrypted message to the caller's own part.
//! - [`Pallet::delete_message`] — delete one of the caller's messages.
//! - [`Pallet::close_part`] — delete a part's messages and then the part itself.
//!
//! ## Reading
//!
//! Clients read through [`runtime_api::ChatApi`] (the node's `chat_*` JSON-RPC
//! methods): a chat's public state, a part, a part's messages in pages, and an account's
//! parts.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	dispatch::DispatchResult,
	traits::{EnsureOrigin, OriginTrait},
};
use pallet_connector::RendezvousTag;
use scale_info::TypeInfo;
use sp_core::ed25519;

/// Identifier of a chat actor.
pub type ChatId = u64;

/// Identifier of a chat part: 32 bytes chosen by the owner's client.
pub type PartId = [u8; 32];

/// Sequence number of a message within its part.
pub type Seq = u32;

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
	tag: &Option<RendezvousTag>,
) -> Vec<u8> {
	let mut message = ADD_MEMBER_CONTEXT.to_vec();
	(genesis, chat, nonce, sp_io::hashing::blake2_256(invitation), tag).encode_to(&mut message);
	message
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

/// The connector's "add user", as the chat pallet calls it.
pub trait AddMember<RuntimeOrigin> {
	/// Dispatches the connector's `add_member` with `origin`, a chat's origin.
	fn add_member(
		origin: RuntimeOrigin,
		payload: Vec<u8>,
		tag: Option<RendezvousTag>,
	) -> DispatchResult;
}

/// [`AddMember`] for a runtime that has the connector pallet: dispatches
/// `pallet_connector::Call::add_member` through the runtime's `Call` with the chat's
/// origin, so the connector checks that origin like any other caller's.
pub struct DispatchToConnector<T, Call>(core::marker::PhantomData<(T, Call)>);

impl<T, Call> AddMember<<T as frame_system::Config>::RuntimeOrigin> for DispatchToConnector<T, Call>
where
	T: pallet_connector::Config,
	Call: From<pallet_connector::Call<T>>
		+ sp_runtime::traits::Dispatchable<
			RuntimeOrigin = <T as frame_system::Config>::RuntimeOrigin,
			PostInfo = frame_support::dispatch::PostDispatchInfo,
		>,
{
	fn add_member(
		origin: <T as frame_system::Config>::RuntimeOrigin,
		payload: Vec<u8>,
		tag: Option<RendezvousTag>,
	) -> DispatchResult {
		Call::from(pallet_connector::Call::<T>::add_member { payload, tag })
			.dispatch(origin)
			.map(|_| ())
			.map_err(|e| e.error)
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
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, Mutate, MutateHold},
			tokens::Precision,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{Saturating, Zero},
		SaturatedConversion,
	};

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	/// Balance of the currency deposits are held in.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

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
	}

	/// A chat part.
	#[derive(
		Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
	)]
	#[scale_info(skip_type_params(T))]
	pub struct PartInfo<T: Config> {
		/// The only account that writes into the part.
		pub owner: T::AccountId,
		/// Sequence number of the next message.
		pub next_seq: Seq,
		/// How many messages the part holds now.
		pub messages: u32,
		/// The owner's opaque blob.
		pub blob: BoundedVec<u8, T::MaxPartBlobLen>,
		/// Deposit held from the owner for the part itself (not its messages).
		pub deposit: BalanceOf<T>,
		/// Deposit held from the owner for messages not posted yet; each message's
		/// deposit is drawn from it.
		pub credit: BalanceOf<T>,
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
		/// Deposit held from the part's owner.
		pub deposit: BalanceOf<T>,
	}

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>, RuntimeOrigin: From<RawOrigin>>
	{
		/// The currency deposits are held in.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The connector that chats send "add user" to.
		type Connector: AddMember<<Self as frame_system::Config>::RuntimeOrigin>;

		/// Most invitations a chat sends in its life: it bounds the free records a chat
		/// puts in the connector.
		#[pallet::constant]
		type MaxInvitations: Get<u64>;

		/// How many blocks a pending `add_member` stays valid in the pool.
		#[pallet::constant]
		type AddMemberLongevity: Get<u64>;

		/// Largest creator-sealed chat key, in bytes.
		#[pallet::constant]
		type MaxSealedKeyLen: Get<u32>;

		/// Largest owner-written blob of a part, in bytes.
		#[pallet::constant]
		type MaxPartBlobLen: Get<u32>;

		/// Largest message ciphertext, in bytes.
		#[pallet::constant]
		type MaxMessageLen: Get<u32>;

		/// Deposit for every chat, part or message, whatever its size.
		#[pallet::constant]
		type DepositBase: Get<BalanceOf<Self>>;

		/// Deposit per byte stored.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// How much message deposit a part's owner has held at once when the part's
		/// credit cannot cover the next message (at least that message's deposit; just
		/// that when the owner cannot afford more). Posting draws each message's deposit
		/// from the credit, so only one message in many writes to the owner's balance.
		#[pallet::constant]
		type MessageCredit: Get<BalanceOf<Self>>;

		/// Most messages (or parts) the runtime API covers in one page.
		#[pallet::constant]
		type MaxPageLen: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// A chat actor as a caller.
	#[pallet::origin]
	pub type Origin = RawOrigin;

	/// Why the chat pallet holds a deposit.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A chat part, held from its owner.
		Part,
		/// Messages and the credit for messages to come, held from their part's owner.
		Message,
	}

	/// Chat actors by id.
	#[pallet::storage]
	pub type Chats<T: Config> = StorageMap<_, Twox64Concat, ChatId, ChatInfo<T>>;

	/// Id of the next chat.
	#[pallet::storage]
	pub type NextChatId<T: Config> = StorageValue<_, ChatId, ValueQuery>;

	/// Chat parts by id.
	#[pallet::storage]
	pub type Parts<T: Config> = StorageMap<_, Blake2_128Concat, PartId, PartInfo<T>>;

	/// The parts of every account.
	#[pallet::storage]
	pub type PartsOf<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Blake2_128Concat, PartId, ()>;

	/// Messages by part and sequence number.
	#[pallet::storage]
	pub type Messages<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, PartId, Twox64Concat, Seq, Message<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A chat actor was spawned (by the connector).
		ChatSpawned { chat: ChatId },
		/// A chat accepted a membership proof and sent an invitation to the connector.
		InvitationSent { chat: ChatId, nonce: u64 },
		/// A part was created.
		PartCreated { part: PartId },
		/// A part's blob was replaced.
		PartBlobSet { part: PartId },
		/// A message was appended to a part.
		MessagePosted { part: PartId, seq: Seq },
		/// A message was deleted by its owner.
		MessageDeleted { part: PartId, seq: Seq },
		/// `count` messages of a part being closed were deleted; `remaining` are left.
		PartClearing { part: PartId, count: u32, remaining: u32 },
		/// A part was closed and all its deposits released.
		PartClosed { part: PartId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No chat with this id.
		UnknownChat,
		/// The membership proof's nonce is not the chat's current one (replayed or stale).
		StaleNonce,
		/// The membership proof does not verify with the chat's membership key.
		BadProof,
		/// The chat has sent its `MaxInvitations` invitations.
		InvitationLimit,
		/// The sealed chat key is longer than `MaxSealedKeyLen`.
		SealedKeyTooLarge,
		/// A part with this id exists.
		PartExists,
		/// No part with this id.
		UnknownPart,
		/// The caller does not own the part.
		NotOwner,
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
		/// The payer cannot afford the deposit.
		InsufficientBalance,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
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
		/// - `invitation`: the sealed invitation (opaque).
		/// - `tag`: an optional rendezvous tag for the record.
		/// - `proof`: the membership proof.
		///
		/// Refused before dispatch (transaction validity): an unknown chat
		/// (`InvalidTransaction::Call`), a used nonce (`Stale`), a nonce beyond
		/// [`Config::MaxInvitations`] (`ExhaustsResources`), a proof that does not verify
		/// (`BadProof`).
		///
		/// Errors: [`Error::UnknownChat`], [`Error::StaleNonce`],
		/// [`Error::InvitationLimit`], and the connector's errors (`UnknownChat` for a
		/// chat it did not create, `RecordTooLarge`, ...).
		///
		/// Emits [`Event::InvitationSent`] (and the connector's `RecordPosted`).
		///
		/// ## Complexity
		/// O(L), L = invitation length: authorizing hashes the invitation and checks one
		/// signature; the dispatch stores the record.
		#[pallet::call_index(0)]
		#[pallet::authorize(|_source, chat, nonce, invitation, tag, proof| {
			Pallet::<T>::authorize_add_member(*chat, *nonce, invitation, tag, proof)
		})]
		#[pallet::weight_of_authorize(T::WeightInfo::add_member(invitation.len().saturated_into()))]
		#[pallet::weight(T::WeightInfo::add_member(invitation.len().saturated_into()))]
		pub fn add_member(
			origin: OriginFor<T>,
			chat: ChatId,
			nonce: u64,
			invitation: Vec<u8>,
			tag: Option<RendezvousTag>,
			proof: ed25519::Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			// The proof was checked by the authorization, in this block's state.
			let _ = proof;
			let mut info = Chats::<T>::get(chat).ok_or(Error::<T>::UnknownChat)?;
			ensure!(nonce == info.nonce, Error::<T>::StaleNonce);
			ensure!(nonce < T::MaxInvitations::get(), Error::<T>::InvitationLimit);
			info.nonce = info.nonce.saturating_add(1);
			Chats::<T>::insert(chat, info);

			T::Connector::add_member(RawOrigin::Chat(chat).into(), invitation, tag)?;
			Self::deposit_event(Event::InvitationSent { chat, nonce });
			Ok(())
		}

		/// Creates the chat part `part`, owned by the caller.
		///
		/// The origin must be _Signed_; its deposit for the part and the blob is held.
		///
		/// - `part`: a fresh, random-looking id chosen by the client.
		/// - `blob`: opaque owner data, up to [`Config::MaxPartBlobLen`] bytes.
		///
		/// Errors: [`Error::PartExists`], [`Error::BlobTooLarge`],
		/// [`Error::InsufficientBalance`].
		///
		/// Emits [`Event::PartCreated`].
		///
		/// ## Complexity
		/// O(B), B = blob length.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::create_part(blob.len().saturated_into()))]
		pub fn create_part(origin: OriginFor<T>, part: PartId, blob: Vec<u8>) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			ensure!(!Parts::<T>::contains_key(part), Error::<T>::PartExists);
			let blob: BoundedVec<u8, T::MaxPartBlobLen> =
				blob.try_into().map_err(|_| Error::<T>::BlobTooLarge)?;
			let deposit = Self::deposit_for(blob.len());
			Self::hold(HoldReason::Part, &owner, deposit)?;
			PartsOf::<T>::insert(&owner, part, ());
			Parts::<T>::insert(
				part,
				PartInfo { owner, next_seq: 0, messages: 0, blob, deposit, credit: Zero::zero() },
			);
			Self::deposit_event(Event::PartCreated { part });
			Ok(())
		}

		/// Replaces the blob of the caller's part `part`.
		///
		/// The origin must be _Signed_ by the part's owner; the deposit is adjusted to the
		/// new size.
		///
		/// Errors: [`Error::UnknownPart`], [`Error::NotOwner`], [`Error::BlobTooLarge`],
		/// [`Error::InsufficientBalance`].
		///
		/// Emits [`Event::PartBlobSet`].
		///
		/// ## Complexity
		/// O(B), B = the larger of the old and new blob lengths.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_part_blob(blob.len().saturated_into()))]
		pub fn set_part_blob(origin: OriginFor<T>, part: PartId, blob: Vec<u8>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Self::owned_part(&who, &part)?;
			let blob: BoundedVec<u8, T::MaxPartBlobLen> =
				blob.try_into().map_err(|_| Error::<T>::BlobTooLarge)?;
			let deposit = Self::deposit_for(blob.len());
			if deposit > info.deposit {
				Self::hold(HoldReason::Part, &who, deposit.saturating_sub(info.deposit))?;
			} else {
				Self::release(HoldReason::Part, &who, info.deposit.saturating_sub(deposit));
			}
			info.blob = blob;
			info.deposit = deposit;
			Parts::<T>::insert(part, info);
			Self::deposit_event(Event::PartBlobSet { part });
			Ok(())
		}

		/// Appends an encrypted message to the caller's own part.
		///
		/// The origin must be _Signed_ by the part's owner. The message's deposit is
		/// drawn from the part's credit; when the credit falls short, a new step of
		/// [`Config::MessageCredit`] (at least the shortfall) is held from the owner
		/// first, or just the shortfall when the owner cannot afford the step.
		///
		/// - `part`: the caller's part.
		/// - `ciphertext`: 1 to [`Config::MaxMessageLen`] bytes.
		///
		/// Errors: [`Error::UnknownPart`], [`Error::NotOwner`], [`Error::EmptyMessage`],
		/// [`Error::MessageTooLarge`], [`Error::PartFull`], [`Error::InsufficientBalance`].
		///
		/// Emits [`Event::MessagePosted`] with the message's sequence number.
		///
		/// ## Complexity
		/// O(M), M = ciphertext length. Charged as if the credit were topped up; the
		/// difference is refunded when it is not.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::post_message(ciphertext.len().saturated_into()))]
		pub fn post_message(
			origin: OriginFor<T>,
			part: PartId,
			ciphertext: Vec<u8>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut info = Self::owned_part(&who, &part)?;
			ensure!(!ciphertext.is_empty(), Error::<T>::EmptyMessage);
			let ciphertext: BoundedVec<u8, T::MaxMessageLen> =
				ciphertext.try_into().map_err(|_| Error::<T>::MessageTooLarge)?;
			let len = ciphertext.len() as u32;
			let seq = info.next_seq;
			info.next_seq = seq.checked_add(1).ok_or(Error::<T>::PartFull)?;
			info.messages.saturating_inc();

			let deposit = Self::deposit_for(ciphertext.len());
			let topped_up = info.credit < deposit;
			if topped_up {
				let shortfall = deposit.saturating_sub(info.credit);
				let step = T::MessageCredit::get().max(shortfall);
				let added = match Self::hold(HoldReason::Message, &who, step) {
					Ok(()) => step,
					Err(_) if step > shortfall => {
						Self::hold(HoldReason::Message, &who, shortfall)?;
						shortfall
					},
					Err(e) => return Err(e.into()),
				};
				info.credit.saturating_accrue(added);
			}
			info.credit.saturating_reduce(deposit);
			let block = frame_system::Pallet::<T>::block_number();
			Messages::<T>::insert(part, seq, Message { ciphertext, block, deposit });
			Parts::<T>::insert(part, info);
			Self::deposit_event(Event::MessagePosted { part, seq });
			let actual = if topped_up {
				T::WeightInfo::post_message(len)
			} else {
				T::WeightInfo::post_message_from_credit(len)
			};
			Ok(Some(actual).into())
		}

		/// Deletes one of the caller's messages and releases its deposit.
		///
		/// The origin must be _Signed_ by the part's owner. Sequence numbers are never
		/// reused.
		///
		/// Errors: [`Error::UnknownPart`], [`Error::NotOwner`], [`Error::UnknownMessage`].
		///
		/// Emits [`Event::MessageDeleted`].
		///
		/// ## Complexity
		/// O(1).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::delete_message())]
		pub fn delete_message(origin: OriginFor<T>, part: PartId, seq: Seq) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Self::owned_part(&who, &part)?;
			let message = Messages::<T>::take(part, seq).ok_or(Error::<T>::UnknownMessage)?;
			Self::release(HoldReason::Message, &who, message.deposit);
			info.messages.saturating_dec();
			Parts::<T>::insert(part, info);
			Self::deposit_event(Event::MessageDeleted { part, seq });
			Ok(())
		}

		/// Closes the caller's part: deletes up to `max_messages` of its messages and,
		/// once none are left, the part itself, releasing every deposit and the credit.
		///
		/// The origin must be _Signed_ by the part's owner. A part with more messages
		/// than `max_messages` is closed by calling again.
		///
		/// Errors: [`Error::UnknownPart`], [`Error::NotOwner`].
		///
		/// Emits [`Event::PartClearing`] while messages remain, then
		/// [`Event::PartClosed`].
		///
		/// ## Complexity
		/// O(N), N = `max_messages`; the unused weight is refunded.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::close_part(*max_messages))]
		pub fn close_part(
			origin: OriginFor<T>,
			part: PartId,
			max_messages: u32,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut info = Self::owned_part(&who, &part)?;

			let mut deleted = 0u32;
			let mut released: BalanceOf<T> = Zero::zero();
			for (_, message) in Messages::<T>::drain_prefix(part).take(max_messages as usize) {
				released.saturating_accrue(message.deposit);
				deleted.saturating_inc();
			}
			Self::release(HoldReason::Message, &who, released);
			info.messages.saturating_reduce(deleted);

			if info.messages == 0 {
				Parts::<T>::remove(part);
				PartsOf::<T>::remove(&who, part);
				Self::release(HoldReason::Part, &who, info.deposit);
				Self::release(HoldReason::Message, &who, info.credit);
				Self::deposit_event(Event::PartClosed { part });
			} else {
				let remaining = info.messages;
				Parts::<T>::insert(part, info);
				Self::deposit_event(Event::PartClearing { part, count: deleted, remaining });
			}
			Ok(Some(T::WeightInfo::close_part(deleted)).into())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The chain's genesis hash, which membership proofs sign.
		pub fn genesis_hash() -> T::Hash {
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}

		/// Authorizes [`Pallet::add_member`]: the chat exists, the nonce is its current one
		/// or one of the next (which wait in the pool for the ones before), the chat has
		/// invitations left, and the membership proof verifies.
		fn authorize_add_member(
			chat: ChatId,
			nonce: u64,
			invitation: &[u8],
			tag: &Option<RendezvousTag>,
			proof: &ed25519::Signature,
		) -> TransactionValidityWithRefund {
			/// How far ahead of the chat's nonce the pool keeps proofs.
			const AHEAD: u64 = 16;
			let info = Chats::<T>::get(chat).ok_or(InvalidTransaction::Call)?;
			ensure!(nonce >= info.nonce, InvalidTransaction::Stale);
			ensure!(nonce < info.nonce.saturating_add(AHEAD), InvalidTransaction::Future);
			ensure!(nonce < T::MaxInvitations::get(), InvalidTransaction::ExhaustsResources);
			let message = add_member_message(&Self::genesis_hash(), chat, nonce, invitation, tag);
			ensure!(
				sp_io::crypto::ed25519_verify(proof, &message, &info.membership_key),
				InvalidTransaction::BadProof
			);
			let mut validity = ValidTransaction::with_tag_prefix("sealchat/add-member")
				.and_provides((chat, nonce))
				.longevity(T::AddMemberLongevity::get())
				.propagate(true);
			if nonce > info.nonce {
				validity = validity.and_requires((chat, nonce - 1));
			}
			Ok((validity.into(), Weight::zero()))
		}

		/// The deposit for an item of `bytes` bytes.
		pub fn deposit_for(bytes: usize) -> BalanceOf<T> {
			let bytes: BalanceOf<T> = (bytes as u32).into();
			T::DepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul(bytes))
		}

		fn owned_part(who: &T::AccountId, part: &PartId) -> Result<PartInfo<T>, DispatchError> {
			let info = Parts::<T>::get(part).ok_or(Error::<T>::UnknownPart)?;
			ensure!(&info.owner == who, Error::<T>::NotOwner);
			Ok(info)
		}

		fn hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			T::Currency::hold(&reason.into(), who, amount)
				.map_err(|_| Error::<T>::InsufficientBalance.into())
		}

		fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
			if amount.is_zero() {
				return;
			}
			let released = T::Currency::release(&reason.into(), who, amount, Precision::BestEffort);
			debug_assert!(released == Ok(amount), "deposits are released as held");
		}

		/// Spawns a chat actor. Called by the connector only, which authorized the
		/// creation with a ticket: nothing is paid or held.
		pub(crate) fn spawn(params: ChatParams) -> Result<ChatId, DispatchError> {
			let sealed_key: BoundedVec<u8, T::MaxSealedKeyLen> =
				params.sealed_key.try_into().map_err(|_| Error::<T>::SealedKeyTooLarge)?;
			let chat = NextChatId::<T>::get();
			NextChatId::<T>::put(chat.saturating_add(1));
			Chats::<T>::insert(chat, ChatInfo { membership_key: params.membership_key, nonce: 0, sealed_key });
			Self::deposit_event(Event::ChatSpawned { chat });
			Ok(chat)
		}

		/// A chat's public state.
		pub fn chat_view(chat: ChatId) -> Option<runtime_api::ChatView> {
			Chats::<T>::get(chat).map(|c| runtime_api::ChatView {
				membership_key: c.membership_key.0,
				nonce: c.nonce,
				sealed_key: c.sealed_key.into_inner(),
			})
		}

		/// A part's public state.
		pub fn part_view(part: PartId) -> Option<runtime_api::PartView<T::AccountId>> {
			Parts::<T>::get(part).map(|p| runtime_api::PartView {
				owner: p.owner,
				next_seq: p.next_seq,
				messages: p.messages,
				blob: p.blob.into_inner(),
			})
		}

		/// The messages of `part` with sequence numbers in
		/// `from_seq .. from_seq + max_count` (at most [`Config::MaxPageLen`] numbers),
		/// and the part's next sequence number. Deleted messages are absent.
		pub fn messages_page(
			part: PartId,
			from_seq: Seq,
			max_count: u32,
		) -> runtime_api::MessagesPage<BlockNumberFor<T>> {
			let next_seq = Parts::<T>::get(part).map(|p| p.next_seq).unwrap_or(0);
			let end = from_seq.saturating_add(max_count.min(T::MaxPageLen::get())).min(next_seq);
			let messages = (from_seq..end)
				.filter_map(|seq| {
					Messages::<T>::get(part, seq).map(|m| runtime_api::MessageView {
						seq,
						block: m.block,
						ciphertext: m.ciphertext.into_inner(),
					})
				})
				.collect();
			runtime_api::MessagesPage { messages, next_seq }
		}

		/// The parts `who` owns (at most [`Config::MaxPageLen`] after `after`, in storage
		/// order; pass the last id of a page to get the next).
		pub fn parts_of(who: &T::AccountId, after: Option<PartId>) -> Vec<PartId> {
			let limit = T::MaxPageLen::get() as usize;
			match after {
				None => PartsOf::<T>::iter_key_prefix(who).take(limit).collect(),
				Some(after) => {
					let start = PartsOf::<T>::hashed_key_for(who, after);
					PartsOf::<T>::iter_key_prefix_from(who, start).take(limit).collect()
				},
			}
		}

		/// Checks the pallet's invariants:
		/// - every chat id is below `NextChatId`, and its nonce within `MaxInvitations`;
		/// - every part is listed under its owner and every listed part exists with that
		///   owner;
		/// - a part's message count equals its stored messages, all below `next_seq`;
		/// - deposits match sizes, and the amounts held for chats, parts and messages
		///   equal the deposits stored (for messages: theirs plus their parts' credit).
		#[cfg(any(feature = "try-runtime", feature = "std", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;

			let next_chat = NextChatId::<T>::get();
			for (chat, info) in Chats::<T>::iter() {
				ensure!(chat < next_chat, "a chat id is not below NextChatId");
				ensure!(info.nonce <= T::MaxInvitations::get(), "a chat sent more than MaxInvitations");
			}

			let mut held_part: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			let mut held_message: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			for (part, info) in Parts::<T>::iter() {
				ensure!(PartsOf::<T>::contains_key(&info.owner, part), "a part is not listed under its owner");
				ensure!(info.deposit == Self::deposit_for(info.blob.len()), "a part's deposit does not match its size");
				held_part.entry(info.owner.clone()).or_default().saturating_accrue(info.deposit);
				held_message.entry(info.owner.clone()).or_default().saturating_accrue(info.credit);
				let mut count = 0u32;
				for (seq, message) in Messages::<T>::iter_prefix(part) {
					ensure!(seq < info.next_seq, "a message's sequence number is not below next_seq");
					ensure!(!message.ciphertext.is_empty(), "an empty message is stored");
					ensure!(
						message.deposit == Self::deposit_for(message.ciphertext.len()),
						"a message's deposit does not match its size"
					);
					held_message.entry(info.owner.clone()).or_default().saturating_accrue(message.deposit);
					count += 1;
				}
				ensure!(count == info.messages, "a part's message count is wrong");
			}
			for (owner, part, ()) in PartsOf::<T>::iter() {
				let info = Parts::<T>::get(part).ok_or("a listed part does not exist")?;
				ensure!(info.owner == owner, "a part is listed under another account");
			}
			for (part, _, _) in Messages::<T>::iter() {
				ensure!(Parts::<T>::contains_key(part), "a message belongs to no part");
			}

			for (reason, expected) in [
				(HoldReason::Part, held_part),
				(HoldReason::Message, held_message),
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

	impl<T: Config> pallet_connector::ChatSpawner for Pallet<T> {
		type ChatId = ChatId;
		type Params = ChatParams;

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
