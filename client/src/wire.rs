//! Every byte layout the client puts on chain, and how each is sealed and opened.
//!
//! Structures are SCALE-encoded; docs/PROTOCOL.md describes each field, and the tests at
//! the bottom hold the test vectors that the document quotes.

use codec::{Decode, Encode};

use crate::crypto::{self, AccountBytes, ChatKey, CryptoError, Identity};

/// The protocol version every structure starts with.
pub const VERSION: u8 = 5;
/// The oldest version a client still reads, invitations and responses excepted: blobs
/// have the same layout in versions 2 to 5 and messages in versions 2 to 4 (a message of
/// version 5 on has a [`Body`]), so a chain upgraded in place keeps its chats.
pub const OLDEST_READ_VERSION: u8 = 2;
/// The oldest version of invitations and responses a client reads: from version 4 on,
/// an invitation carries a claim on its response slot, and a response proves it holds
/// that claim's secret. Their layout is the same in versions 4 and 5.
pub const OLDEST_CLAIM_VERSION: u8 = 4;
/// The first version whose messages have a [`Body`] (before: a text alone).
pub const BODY_VERSION: u8 = 5;

/// A chat id (the chat actor's id in the chat pallet).
pub type ChatId = u64;
/// A part id: the public key of its owner's part key ([`Identity::part_key`]).
pub type PartId = [u8; 32];

/// Bytes a message counts against its part's quota besides its ciphertext (the chat
/// pallet's `MESSAGE_OVERHEAD`; the quota itself is the metadata's `PartQuota`).
pub const MESSAGE_OVERHEAD: u32 = 160;

/// The response slot of a chat's creator: the creator's part is announced like a
/// joiner's, by a response under [`ChatKey::response_tag`]`(CREATOR_RESPONSE)`, so the
/// creator's join looks like any other.
pub const CREATOR_RESPONSE: u64 = u64::MAX;

/// Domain of the inviter's signature.
pub const INVITATION_CONTEXT: &[u8] = b"sealchat/v1/invitation";
/// Associated-data domain of a response.
pub const RESPONSE_CONTEXT: &[u8] = b"sealchat/v1/response";
/// Associated-data domain of a message.
pub const MESSAGE_CONTEXT: &[u8] = b"sealchat/v1/message";
/// Associated-data domain of a part's listing.
pub const PART_LIST_CONTEXT: &[u8] = b"sealchat/v1/part-list";
/// Domain of a part owner's signature, which binds the owner's account to the part.
pub const PART_OWNER_CONTEXT: &[u8] = b"sealchat/v2/part-owner";
/// Domain of an inviter's claim on a response slot ([`SlotClaim`]).
pub const SLOT_CLAIM_CONTEXT: &[u8] = b"sealchat/v4/slot-claim";
/// Domain of a response's proof that its poster holds the slot secret of its claim.
pub const RESPONSE_PROOF_CONTEXT: &[u8] = b"sealchat/v4/response-proof";

/// Why a record or a part could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WireError {
	#[error("not addressed to this key")]
	NotForUs,
	#[error("malformed: {0}")]
	Malformed(&'static str),
	#[error("unsupported version {0}")]
	Version(u8),
	#[error("invitation not signed by its stated inviter for this chain")]
	BadSignature,
	#[error("invitation addressed to another account")]
	WrongInvitee,
	#[error("part not signed by the owner it names")]
	BadOwner,
	#[error("response without a valid claim on its slot, or not proven by the claim's secret")]
	BadClaim,
	#[error(transparent)]
	Crypto(#[from] CryptoError),
}

/// Domain of the ring key's signature at registration (the connector's
/// `REGISTER_CONTEXT`).
pub const REGISTER_CONTEXT: &[u8] = b"sealchat/v2/register";

/// What the ring key signs when its holder registers `account` on the chain with
/// `genesis`: the domain, then the SCALE encoding of `(genesis, account)` (the
/// connector's `register_message`).
pub fn register_message(genesis: &[u8; 32], account: &AccountBytes) -> Vec<u8> {
	let mut message = REGISTER_CONTEXT.to_vec();
	(genesis, account).encode_to(&mut message);
	message
}

/// Domain of the membership proof (the chat pallet's `ADD_MEMBER_CONTEXT`).
pub const ADD_MEMBER_CONTEXT: &[u8] = b"sealchat/v2/add-member";

/// What a membership proof signs: the domain, then the SCALE encoding of
/// `(genesis, chat, nonce, blake2_256(invitation), tag)` (the chat pallet's
/// `add_member_message`).
pub fn add_member_message(
	genesis: &[u8; 32],
	chat: ChatId,
	nonce: u64,
	invitation: &[u8],
	tag: &[u8; 32],
) -> Vec<u8> {
	let mut out = ADD_MEMBER_CONTEXT.to_vec();
	(genesis, chat, nonce, crypto::hash(invitation), tag).encode_to(&mut out);
	out
}

/// Domain of the message a chat-creation ticket signs (the connector's
/// `CREATE_CHAT_CONTEXT`).
pub const CREATE_CHAT_CONTEXT: &[u8] = b"sealchat/v2/create-chat";

/// What a ticket for creating a chat signs: the domain, then the SCALE encoding of
/// `(genesis, params)`, the chat pallet's `ChatParams` being `(membership_key,
/// sealed_key)` (the connector's `create_chat_message`).
pub fn create_chat_message(genesis: &[u8; 32], membership_key: &[u8; 32], sealed_key: &[u8]) -> Vec<u8> {
	let mut out = CREATE_CHAT_CONTEXT.to_vec();
	(genesis, membership_key, sealed_key).encode_to(&mut out);
	out
}

/// Domain of every signature by a part key (the chat pallet's `PART_CONTEXT`).
pub const PART_CONTEXT: &[u8] = b"sealchat/v3/part";

/// What a part key signs for (the chat pallet's `PartAction`): the call and the counter
/// it carries, and for a write into a part that exists the part's incarnation (its
/// `PartInfo::incarnation`: which creation of the part id it is for), byte strings as
/// their BLAKE2-256 hash.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum PartAction {
	/// `chat.join`: create the part with this blob, post this response under `tag`.
	Join { blob: [u8; 32], response: [u8; 32], tag: [u8; 32] },
	/// `chat.set_part_blob`.
	SetBlob { incarnation: u64, nonce: u32, blob: [u8; 32] },
	/// `chat.post_message`.
	PostMessage { incarnation: u64, seq: u32, ciphertext: [u8; 32] },
	/// `chat.delete_message`.
	DeleteMessage { incarnation: u64, nonce: u32, seq: u32 },
	/// `chat.close_part`.
	Close { incarnation: u64, nonce: u32, max_messages: u32 },
}

impl PartAction {
	/// `Join` of `blob`, with `response` posted under `tag`.
	pub fn join(blob: &[u8], response: &[u8], tag: [u8; 32]) -> Self {
		Self::Join { blob: crypto::hash(blob), response: crypto::hash(response), tag }
	}

	/// `SetBlob` of `blob` with the part's `nonce`, into its `incarnation`.
	pub fn set_blob(incarnation: u64, nonce: u32, blob: &[u8]) -> Self {
		Self::SetBlob { incarnation, nonce, blob: crypto::hash(blob) }
	}

	/// `PostMessage` of `ciphertext` as message `seq`, into the part's `incarnation`.
	pub fn post_message(incarnation: u64, seq: u32, ciphertext: &[u8]) -> Self {
		Self::PostMessage { incarnation, seq, ciphertext: crypto::hash(ciphertext) }
	}
}

/// What a part key signs: the domain, then the SCALE encoding of `(genesis, part,
/// action)` (the chat pallet's `part_message`). A join's ticket signs the same bytes.
pub fn part_message(genesis: &[u8; 32], part: &PartId, action: &PartAction) -> Vec<u8> {
	let mut out = PART_CONTEXT.to_vec();
	(genesis, part, action).encode_to(&mut out);
	out
}

/// A chat or a part, as `chat.renew` names it (the chat pallet's `Lease`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Lease {
	Chat(ChatId),
	Part(PartId),
}

/// Domain of the message a renewal's ticket signs (the chat pallet's `RENEW_CONTEXT`).
pub const RENEW_CONTEXT: &[u8] = b"sealchat/v2/renew";

/// What a renewal's ticket signs: the domain, then the SCALE encoding of `(genesis,
/// lease)` (the chat pallet's `renew_message`).
pub fn renew_message(genesis: &[u8; 32], lease: &Lease) -> Vec<u8> {
	let mut out = RENEW_CONTEXT.to_vec();
	(genesis, lease).encode_to(&mut out);
	out
}

/// The ring-proof domain of the tickets of the ring of users (the runtime's
/// `UserRingDomain`).
pub const USER_TICKET_DOMAIN: &[u8] = b"sealchat/v2/ticket/user";

/// The ring-proof context of ticket `slot` of `epoch` in the ring of users: the domain,
/// then the SCALE encoding of `(epoch, slot)` (the ring pallet's `ticket_context`).
pub fn ticket_context(epoch: u32, slot: u32) -> Vec<u8> {
	let mut out = USER_TICKET_DOMAIN.to_vec();
	(epoch, slot).encode_to(&mut out);
	out
}

/// Whether a chat is between two users or a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum ChatKind {
	Pair,
	Group,
}

/// The plaintext of an invitation, sealed to the invitee's encryption key.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Invitation {
	pub version: u8,
	pub kind: ChatKind,
	/// The chat the invitee is asked into.
	pub chat: ChatId,
	/// The chat's nonce this invitation was sent with: its response carries the tag for it.
	pub nonce: u64,
	pub chat_key: [u8; 32],
	/// Who invites, and who is invited: both are signed, so a copy addressed to someone
	/// else, or claiming another inviter, is rejected.
	pub inviter: AccountBytes,
	pub invitee: AccountBytes,
	/// The parts of the members the inviter knows, its own first.
	pub parts: Vec<PartId>,
	/// The invitation's claim on its response slot (`nonce`): a secret only this
	/// invitation carries, and the inviter's signature on the key it gives. The
	/// invitee's response proves with it ([`SlotClaim`]).
	pub slot_secret: [u8; 32],
	pub slot_signature: [u8; 64],
	/// sr25519 by `inviter` over [`Invitation::signing_payload`] on this chain.
	pub signature: [u8; 64],
}

impl Invitation {
	/// Builds and signs an invitation from `inviter`, for the chain with `genesis`.
	#[allow(clippy::too_many_arguments)]
	pub fn new(
		inviter: &Identity,
		genesis: &[u8; 32],
		kind: ChatKind,
		chat: ChatId,
		nonce: u64,
		chat_key: &ChatKey,
		invitee: AccountBytes,
		parts: Vec<PartId>,
	) -> Self {
		let claim = SlotClaim::new(inviter, genesis, chat, nonce);
		let mut invitation = Self {
			version: VERSION,
			kind,
			chat,
			nonce,
			chat_key: *chat_key.expose(),
			inviter: inviter.account(),
			invitee,
			parts,
			slot_secret: claim.secret,
			slot_signature: claim.signature,
			signature: [0; 64],
		};
		invitation.signature = inviter.sign(&invitation.signing_payload(genesis));
		invitation
	}

	/// What the inviter signs: the domain, then the SCALE encoding of the chain's
	/// `genesis` hash and every field but the signature. The genesis hash is not in the
	/// invitation: an invitation signed for another chain does not verify on this one.
	pub fn signing_payload(&self, genesis: &[u8; 32]) -> Vec<u8> {
		let mut out = INVITATION_CONTEXT.to_vec();
		(
			genesis,
			self.version,
			self.kind,
			self.chat,
			self.nonce,
			self.chat_key,
			self.inviter,
			self.invitee,
			&self.parts,
			self.slot_secret,
			self.slot_signature,
		)
			.encode_to(&mut out);
		out
	}

	/// Seals the invitation to the invitee's encryption key, padded with zeros inside
	/// the box to a record of `record_len` bytes (the connector's `RecordLen`).
	pub fn seal(&self, invitee_key: &[u8; 32], record_len: usize) -> Result<Vec<u8>, WireError> {
		let plain = zeroize::Zeroizing::new(pad(self.encode(), record_len.saturating_sub(crypto::SEAL_OVERHEAD))?);
		Ok(crypto::seal(&plain, invitee_key)?)
	}

	/// How many parts an invitation lists in a record of `record_len` bytes.
	pub fn max_parts(record_len: usize) -> usize {
		let empty = Self {
			version: VERSION,
			kind: ChatKind::Pair,
			chat: 0,
			nonce: 0,
			chat_key: [0; 32],
			inviter: [0; 32],
			invitee: [0; 32],
			parts: Vec::new(),
			slot_secret: [0; 32],
			slot_signature: [0; 64],
			signature: [0; 64],
		};
		// Up to 63 parts the length prefix stays one byte.
		(record_len.saturating_sub(crypto::SEAL_OVERHEAD + empty.encoded_size()) / 32).min(63)
	}

	/// Opens a record as an invitation for `me` on the chain with `genesis`, checking its
	/// signature and addressee.
	pub fn open(me: &Identity, genesis: &[u8; 32], record: &[u8]) -> Result<Self, WireError> {
		let plain = zeroize::Zeroizing::new(me.open_sealed(record).ok_or(WireError::NotForUs)?);
		Self::decode_checked(me, genesis, &plain)
	}

	/// Checks an opened invitation's version, encoding, signature (for the chain with
	/// `genesis`) and addressee.
	pub fn decode_checked(me: &Identity, genesis: &[u8; 32], plain: &[u8]) -> Result<Self, WireError> {
		check_claim_version(plain)?;
		let invitation = decode_padded::<Self>(plain).ok_or(WireError::Malformed("invitation encoding"))?;
		if !crypto::verify_account_signature(
			&invitation.inviter,
			&invitation.signing_payload(genesis),
			&invitation.signature,
		) {
			return Err(WireError::BadSignature);
		}
		if invitation.invitee != me.account() {
			return Err(WireError::WrongInvitee);
		}
		Ok(invitation)
	}

	/// The chat key it carries.
	pub fn key(&self) -> ChatKey {
		ChatKey::from_bytes(self.chat_key)
	}

	/// Its claim on its response slot, which the invitee's response proves with.
	pub fn slot_claim(&self) -> SlotClaim {
		SlotClaim { inviter: self.inviter, secret: self.slot_secret, signature: self.slot_signature }
	}
}

/// A claim on one response slot of a chat: a random secret, and the signature of the
/// account that claims the slot (the inviter who sent the slot's invitation; the
/// creator, on the creator's slot) on the slot's key, the Ed25519 key the secret gives
/// ([`crypto::slot_key`]). Only who holds the secret (the invitation's invitee, and its
/// inviter) can post a response under the claim: a member who knows the chat key can
/// answer a slot only under a claim of its own, which every member files apart.
#[derive(Clone, PartialEq, Eq, Encode, Decode)]
pub struct SlotClaim {
	pub inviter: AccountBytes,
	pub secret: [u8; 32],
	/// sr25519 by `inviter` over [`SlotClaim::signing_payload`].
	pub signature: [u8; 64],
}

impl core::fmt::Debug for SlotClaim {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("SlotClaim").field("inviter", &hex::encode(self.inviter)).finish_non_exhaustive()
	}
}

impl SlotClaim {
	/// A new claim of `inviter`'s on slot `slot` of `chat`, with a fresh secret.
	pub fn new(inviter: &Identity, genesis: &[u8; 32], chat: ChatId, slot: u64) -> Self {
		let secret = crypto::random_32();
		let slot_key = crypto::slot_key(&secret).public();
		let signature = inviter.sign(&Self::signing_payload(genesis, chat, slot, &slot_key));
		Self { inviter: inviter.account(), secret, signature }
	}

	/// What the claimant signs: the domain, then the SCALE encoding of `(genesis, chat,
	/// slot, slot key)`.
	pub fn signing_payload(genesis: &[u8; 32], chat: ChatId, slot: u64, slot_key: &[u8; 32]) -> Vec<u8> {
		let mut out = SLOT_CLAIM_CONTEXT.to_vec();
		(genesis, chat, slot, slot_key).encode_to(&mut out);
		out
	}

	/// The response naming `part` under this claim, for slot `slot` of `chat`.
	pub fn respond(&self, genesis: &[u8; 32], chat: ChatId, slot: u64, part: PartId) -> Response {
		let key = crypto::slot_key(&self.secret);
		Response {
			version: VERSION,
			part,
			inviter: self.inviter,
			slot_key: key.public(),
			claim: self.signature,
			proof: key.sign(&Response::proof_payload(genesis, chat, slot, &part)),
		}
	}
}

/// A joiner's answer to an invitation, posted under the chat key with the rendezvous tag
/// [`ChatKey::response_tag`]`(slot)`: the joiner's part, under the slot's claim
/// ([`SlotClaim::respond`]).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Response {
	pub version: u8,
	/// The joiner's new part.
	pub part: PartId,
	/// Who claims the slot, the key of the claim's secret, and the claimant's signature
	/// on it ([`SlotClaim::signing_payload`]).
	pub inviter: AccountBytes,
	pub slot_key: [u8; 32],
	pub claim: [u8; 64],
	/// Ed25519 by the slot key over [`Response::proof_payload`]: the poster holds the
	/// claim's secret.
	pub proof: [u8; 64],
}

impl Response {
	fn context(tag: &[u8; 32]) -> Vec<u8> {
		[RESPONSE_CONTEXT, tag].concat()
	}

	/// What the slot key signs: the domain, then the SCALE encoding of `(genesis, chat,
	/// slot, part)`.
	pub fn proof_payload(genesis: &[u8; 32], chat: ChatId, slot: u64, part: &PartId) -> Vec<u8> {
		let mut out = RESPONSE_PROOF_CONTEXT.to_vec();
		(genesis, chat, slot, part).encode_to(&mut out);
		out
	}

	/// Encrypts the response for the record with `tag`, padded with zeros inside the
	/// encryption to a record of `record_len` bytes.
	pub fn seal(&self, key: &ChatKey, tag: &[u8; 32], record_len: usize) -> Result<Vec<u8>, WireError> {
		let plain = pad(self.encode(), record_len.saturating_sub(crypto::AEAD_OVERHEAD))?;
		Ok(key.encrypt(&plain, &Self::context(tag))?)
	}

	/// Opens a record found under the tag of slot `slot` of `chat` (whose key is `key`)
	/// on the chain with `genesis`, and checks its claim and proof.
	pub fn open(key: &ChatKey, genesis: &[u8; 32], chat: ChatId, slot: u64, record: &[u8]) -> Result<Self, WireError> {
		let plain = key.decrypt(record, &Self::context(&key.response_tag(slot)))?;
		check_claim_version(&plain)?;
		let response: Self = decode_padded(&plain).ok_or(WireError::Malformed("response encoding"))?;
		let claimed = crypto::verify_account_signature(
			&response.inviter,
			&SlotClaim::signing_payload(genesis, chat, slot, &response.slot_key),
			&response.claim,
		);
		let proven = crypto::verify_ed25519(
			&response.slot_key,
			&Self::proof_payload(genesis, chat, slot, &response.part),
			&response.proof,
		);
		if !(claimed && proven) {
			return Err(WireError::BadClaim);
		}
		Ok(response)
	}
}

/// What the owner alone can read in its part: which chat it belongs to and the chat key.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct OwnerSecret {
	pub version: u8,
	pub kind: ChatKind,
	pub chat: ChatId,
	pub chat_key: [u8; 32],
}

/// The lengths a part's blob comes in: the smallest that holds the listing (1 KiB holds
/// 24 other members, 4 KiB 120), so a blob's length does not tell its chat's size until
/// the chat is larger than 25.
pub const PART_BLOB_SIZES: [usize; 2] = [1024, 4096];

/// What every member reads in a part, under the chat key: who owns it (the owner's
/// account, bound to this part of this chat by the owner's signature, so nobody passes
/// a part off as someone else's) and the other members' parts the owner knows (so
/// members who missed a response learn them).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct PartListing {
	pub owner: AccountBytes,
	/// sr25519 by `owner` over [`PartListing::owner_payload`].
	pub owner_signature: [u8; 64],
	pub parts: Vec<PartId>,
}

impl PartListing {
	/// What the owner signs: the domain, then the SCALE encoding of `(genesis, chat,
	/// part)`.
	pub fn owner_payload(genesis: &[u8; 32], chat: ChatId, part: &PartId) -> Vec<u8> {
		let mut out = PART_OWNER_CONTEXT.to_vec();
		(genesis, chat, part).encode_to(&mut out);
		out
	}
}

/// A part's blob: the owner's sealed [`OwnerSecret`] and, under the chat key, the
/// [`PartListing`], padded with zeros inside the encryption to one of
/// [`PART_BLOB_SIZES`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct PartBlob {
	pub version: u8,
	pub owner_secret: Vec<u8>,
	pub listing: Vec<u8>,
}

impl PartBlob {
	fn context(part: &PartId) -> Vec<u8> {
		[PART_LIST_CONTEXT, part].concat()
	}

	/// The blob of `part` of `chat`, owned by `owner`, listing `members` (the other parts
	/// `owner` knows) on the chain with genesis hash `genesis`.
	#[allow(clippy::too_many_arguments)]
	pub fn seal(
		owner: &Identity,
		genesis: &[u8; 32],
		part: &PartId,
		kind: ChatKind,
		chat: ChatId,
		key: &ChatKey,
		members: &[PartId],
	) -> Result<Vec<u8>, WireError> {
		let secret = zeroize::Zeroizing::new(
			OwnerSecret { version: VERSION, kind, chat, chat_key: *key.expose() }.encode(),
		);
		let owner_secret = crypto::seal(&secret, &owner.encryption_key())?;
		let listing = PartListing {
			owner: owner.account(),
			owner_signature: owner.sign(&PartListing::owner_payload(genesis, chat, part)),
			parts: members.to_vec(),
		}
		.encode();
		// Every field's length but the listing's is fixed. With a `listing` field of n
		// bytes (64 ≤ n < 16384: a two-byte length prefix) the blob takes fixed + 2 + n
		// bytes; take the smallest size whose n holds the listing, and pad it to fill it.
		let fixed = Self { version: VERSION, owner_secret: owner_secret.clone(), listing: Vec::new() }.encoded_size() - 1;
		let (size, plain_len) = PART_BLOB_SIZES
			.into_iter()
			.map(|size| (size, size.saturating_sub(fixed + 2 + crypto::AEAD_OVERHEAD)))
			.find(|(_, plain_len)| *plain_len >= listing.len())
			.ok_or(WireError::Malformed("too many members for a part blob"))?;
		let mut plain = listing;
		plain.resize(plain_len, 0);
		let blob = Self { version: VERSION, owner_secret, listing: key.encrypt(&plain, &Self::context(part))? }.encode();
		debug_assert_eq!(blob.len(), size, "the blob fills its size exactly");
		Ok(blob)
	}

	fn decode_blob(blob: &[u8]) -> Result<Self, WireError> {
		check_version(blob)?;
		decode_all(blob).ok_or(WireError::Malformed("part blob encoding"))
	}

	/// The owner's view: the chat and its key.
	pub fn open_owner(owner: &Identity, blob: &[u8]) -> Result<OwnerSecret, WireError> {
		let blob = Self::decode_blob(blob)?;
		let plain = zeroize::Zeroizing::new(owner.open_sealed(&blob.owner_secret).ok_or(WireError::NotForUs)?);
		check_version(&plain)?;
		decode_all(&plain).ok_or(WireError::Malformed("owner secret encoding"))
	}

	/// Any member's view of `part` of `chat`: its listing, whose owner signature is
	/// checked.
	pub fn open_listing(
		key: &ChatKey,
		genesis: &[u8; 32],
		chat: ChatId,
		part: &PartId,
		blob: &[u8],
	) -> Result<PartListing, WireError> {
		let blob = Self::decode_blob(blob)?;
		let plain = key.decrypt(&blob.listing, &Self::context(part))?;
		let mut input = &plain[..];
		let listing = PartListing::decode(&mut input).map_err(|_| WireError::Malformed("part listing encoding"))?;
		if input.iter().any(|b| *b != 0) {
			return Err(WireError::Malformed("part listing padding"));
		}
		let payload = PartListing::owner_payload(genesis, chat, part);
		if !crypto::verify_account_signature(&listing.owner, &payload, &listing.owner_signature) {
			return Err(WireError::BadOwner);
		}
		Ok(listing)
	}
}

/// A chat message, encrypted under the chat key into its sender's part.
#[derive(Clone, Debug, PartialEq, Eq, Encode)]
pub struct Message {
	pub version: u8,
	/// The sender's clock, milliseconds since the Unix epoch.
	pub sent_at: u64,
	/// Seconds after `sent_at` when every member's client drops it, and its sender
	/// deletes it from the chain; `None`: it stays (the chat's disappearing-messages
	/// timer when it was sent, see [`Body::Timer`]).
	pub disappears_after: Option<u32>,
	pub body: Body,
}

/// What a message says.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Body {
	/// A text written by its sender.
	#[codec(index = 0)]
	Text(String),
	/// Its sender left the chat: their last message in it.
	#[codec(index = 1)]
	Left,
	/// Its sender set the chat's disappearing-messages timer: the texts members send
	/// after it disappear this many seconds after they were sent; `None` turns it off.
	/// The latest in chain order rules.
	#[codec(index = 2)]
	Timer(Option<u32>),
}

/// The shortest and the longest disappearing-messages timer, in seconds: a minute, and
/// the 90 days a part lives unless renewed.
pub const TIMER_RANGE: std::ops::RangeInclusive<u32> = 60..=90 * 86_400;

impl Message {
	/// A message of this version with `body`, sent now by the clock `sent_at`, that does
	/// not disappear.
	pub fn new(sent_at: u64, body: Body) -> Self {
		Self { version: VERSION, sent_at, disappears_after: None, body }
	}

	/// The message, disappearing `after` seconds after it was sent (`None`: never).
	pub fn disappearing(self, after: Option<u32>) -> Self {
		Self { disappears_after: after, ..self }
	}

	/// When every member's client drops it, in milliseconds since the Unix epoch.
	pub fn expires_at(&self) -> Option<u64> {
		self.disappears_after.map(|after| self.sent_at.saturating_add(u64::from(after) * 1000))
	}

	/// Decodes a message of version `plain[0]`: a text alone before [`BODY_VERSION`].
	fn decode_versioned(input: &mut &[u8]) -> Result<Self, WireError> {
		let malformed = |_| WireError::Malformed("message encoding");
		match input.first() {
			Some(v) if *v < BODY_VERSION => {
				let (version, sent_at, text) = <(u8, u64, String)>::decode(input).map_err(malformed)?;
				Ok(Self { version, sent_at, disappears_after: None, body: Body::Text(text) })
			},
			_ => {
				let (version, sent_at, disappears_after, body) =
					<(u8, u64, Option<u32>, Body)>::decode(input).map_err(malformed)?;
				Ok(Self { version, sent_at, disappears_after, body })
			},
		}
	}
}

impl Message {
	/// Associated data: the message is bound to its part and sequence number, so it cannot
	/// be replayed into another part or position.
	pub fn context(part: &PartId, seq: u32) -> Vec<u8> {
		let mut out = [MESSAGE_CONTEXT, part].concat();
		out.extend_from_slice(&seq.to_le_bytes());
		out
	}

	/// The plaintext of the message: its SCALE encoding, then zero bytes up to the next
	/// Padmé length ([`padme`]), so the ciphertext's length tells only a size bucket.
	pub fn padded(&self) -> Vec<u8> {
		let mut plain = self.encode();
		plain.resize(padme(plain.len()), 0);
		plain
	}

	/// The ciphertext to post as message `seq` of `part`.
	pub fn seal(&self, key: &ChatKey, part: &PartId, seq: u32) -> Result<Vec<u8>, WireError> {
		let plain = zeroize::Zeroizing::new(self.padded());
		Ok(key.encrypt(&plain, &Self::context(part, seq))?)
	}

	/// Opens message `seq` of `part`, dropping its padding (which must be zeros).
	pub fn open(key: &ChatKey, part: &PartId, seq: u32, data: &[u8]) -> Result<Self, WireError> {
		let plain = zeroize::Zeroizing::new(key.decrypt(data, &Self::context(part, seq))?);
		check_version(&plain)?;
		let mut input = &plain[..];
		let message = Self::decode_versioned(&mut input)?;
		if input.iter().any(|b| *b != 0) {
			return Err(WireError::Malformed("message padding"));
		}
		Ok(message)
	}

	/// Ciphertext length for a text of `len` bytes in a message that disappears (the
	/// longest framing; for limits and the docs).
	pub fn sealed_len(text_len: usize) -> usize {
		padme(Self::new(0, Body::Text("x".repeat(text_len))).disappearing(Some(u32::MAX)).encoded_size())
			+ crypto::AEAD_OVERHEAD
	}
}

/// Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
/// Communication with PURBs", PETS 2019): `len` rounded up so that only the top
/// ⌊log2 ⌊log2 len⌋⌋ + 1 bits of the result may be non-zero. At most 12% is added, and a
/// length reveals O(log log len) bits instead of O(log len).
pub fn padme(len: usize) -> usize {
	if len < 2 {
		return len;
	}
	let e = usize::BITS - 1 - len.leading_zeros(); // ⌊log2 len⌋
	let s = u32::BITS - 1 - e.leading_zeros() + 1; // ⌊log2 e⌋ + 1
	let last_bits = e - s;
	let mask = (1usize << last_bits) - 1;
	(len + mask) & !mask
}

/// Checks the version byte of a message or a blob (or a blob's owner secret).
fn check_version(plain: &[u8]) -> Result<(), WireError> {
	match plain.first() {
		Some(v) if (OLDEST_READ_VERSION..=VERSION).contains(v) => Ok(()),
		Some(v) => Err(WireError::Version(*v)),
		None => Err(WireError::Malformed("empty")),
	}
}

/// Checks the version byte of an invitation or a response ([`OLDEST_CLAIM_VERSION`]).
fn check_claim_version(plain: &[u8]) -> Result<(), WireError> {
	match plain.first() {
		Some(v) if (OLDEST_CLAIM_VERSION..=VERSION).contains(v) => Ok(()),
		Some(v) => Err(WireError::Version(*v)),
		None => Err(WireError::Malformed("empty")),
	}
}

/// `plain` followed by zeros up to `len` bytes; an error when it is longer.
fn pad(mut plain: Vec<u8>, len: usize) -> Result<Vec<u8>, WireError> {
	if plain.len() > len {
		return Err(WireError::Malformed("too long for a record"));
	}
	plain.resize(len, 0);
	Ok(plain)
}

/// Decodes `T` from the start of `bytes`, the rest of which must be zeros (padding).
fn decode_padded<T: Decode>(mut bytes: &[u8]) -> Option<T> {
	let value = T::decode(&mut bytes).ok()?;
	bytes.iter().all(|b| *b == 0).then_some(value)
}

/// Decodes `T` from all of `bytes` (trailing bytes are an error).
fn decode_all<T: Decode>(mut bytes: &[u8]) -> Option<T> {
	let value = T::decode(&mut bytes).ok()?;
	bytes.is_empty().then_some(value)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The runtime's record length.
	const RECORD: usize = 512;
	/// The genesis hash of the chain these tests run on.
	const GENESIS: [u8; 32] = [0x47; 32];

	fn alice() -> Identity {
		Identity::from_suri("//Alice").unwrap()
	}
	fn bob() -> Identity {
		Identity::from_suri("//Bob").unwrap()
	}
	fn charlie() -> Identity {
		Identity::from_suri("//Charlie").unwrap()
	}

	fn invitation_to_bob() -> (ChatKey, Invitation) {
		let key = ChatKey::generate();
		let inv = Invitation::new(&alice(), &GENESIS, ChatKind::Pair, 7, 0, &key, bob().account(), vec![[1; 32]]);
		(key, inv)
	}

	#[test]
	fn invitation_round_trips_for_its_invitee() {
		let (_, inv) = invitation_to_bob();
		let sealed = inv.seal(&bob().encryption_key(), RECORD).unwrap();
		assert_eq!(sealed.len(), RECORD);
		assert_eq!(Invitation::open(&bob(), &GENESIS, &sealed).unwrap(), inv);
	}

	/// Invitations and responses are one length whatever they carry; an invitation lists
	/// as many parts as fit, and no more.
	#[test]
	fn records_have_one_length() {
		let key = ChatKey::generate();
		let max = Invitation::max_parts(RECORD);
		assert_eq!(max, 5);
		for n in [0, 1, max] {
			let inv = Invitation::new(&alice(), &GENESIS, ChatKind::Group, 7, 0, &key, bob().account(), vec![[1; 32]; n]);
			let sealed = inv.seal(&bob().encryption_key(), RECORD).unwrap();
			assert_eq!(sealed.len(), RECORD, "{n} parts");
			assert_eq!(Invitation::open(&bob(), &GENESIS, &sealed).unwrap().parts.len(), n);
		}
		let too_many = Invitation::new(&alice(), &GENESIS, ChatKind::Group, 7, 0, &key, bob().account(), vec![[1; 32]; max + 1]);
		assert!(too_many.seal(&bob().encryption_key(), RECORD).is_err());
		// Padding that is not zeros is refused.
		let mut plain = Invitation::new(&alice(), &GENESIS, ChatKind::Pair, 7, 0, &key, bob().account(), vec![]).encode();
		plain.resize(RECORD - crypto::SEAL_OVERHEAD, 0);
		*plain.last_mut().unwrap() = 1;
		let bad = crypto::seal(&plain, &bob().encryption_key()).unwrap();
		assert!(matches!(Invitation::open(&bob(), &GENESIS, &bad), Err(WireError::Malformed(_))));
	}

	#[test]
	fn invitation_for_someone_else_is_not_for_us() {
		let (_, inv) = invitation_to_bob();
		let sealed = inv.seal(&bob().encryption_key(), RECORD).unwrap();
		assert_eq!(Invitation::open(&charlie(), &GENESIS, &sealed), Err(WireError::NotForUs));
	}

	#[test]
	fn misdirected_invitation_is_rejected() {
		// Sealed to Charlie, but addressed (and signed) for Bob: Charlie must not accept it.
		let (_, inv) = invitation_to_bob();
		let sealed = inv.seal(&charlie().encryption_key(), RECORD).unwrap();
		assert_eq!(Invitation::open(&charlie(), &GENESIS, &sealed), Err(WireError::WrongInvitee));
	}

	#[test]
	fn tampered_or_foreign_signed_invitation_is_rejected() {
		let (_, mut inv) = invitation_to_bob();
		inv.chat = 8;
		let sealed = inv.seal(&bob().encryption_key(), RECORD).unwrap();
		assert_eq!(Invitation::open(&bob(), &GENESIS, &sealed), Err(WireError::BadSignature));

		// Charlie claims to be Alice: signed by Charlie, inviter field Alice.
		let (key, _) = invitation_to_bob();
		let mut forged = Invitation::new(&charlie(), &GENESIS, ChatKind::Pair, 7, 0, &key, bob().account(), vec![]);
		forged.inviter = alice().account();
		let sealed = forged.seal(&bob().encryption_key(), RECORD).unwrap();
		assert_eq!(Invitation::open(&bob(), &GENESIS, &sealed), Err(WireError::BadSignature));

		// Unsigned.
		let (_, mut unsigned) = invitation_to_bob();
		unsigned.signature = [0; 64];
		let sealed = unsigned.seal(&bob().encryption_key(), RECORD).unwrap();
		assert_eq!(Invitation::open(&bob(), &GENESIS, &sealed), Err(WireError::BadSignature));
	}

	/// An invitation signed on another chain (a test network, a fork with its own
	/// genesis) does not verify on this one: nothing links the two chains' users.
	#[test]
	fn invitation_from_another_chain_is_rejected() {
		let key = ChatKey::generate();
		let elsewhere = Invitation::new(&alice(), &[0x99; 32], ChatKind::Pair, 7, 0, &key, bob().account(), vec![]);
		let sealed = elsewhere.seal(&bob().encryption_key(), RECORD).unwrap();
		assert_eq!(Invitation::open(&bob(), &GENESIS, &sealed), Err(WireError::BadSignature));
		assert_eq!(Invitation::open(&bob(), &[0x99; 32], &sealed).unwrap(), elsewhere);
	}

	#[test]
	fn garbage_and_truncated_records_are_rejected() {
		let (_, inv) = invitation_to_bob();
		let sealed = inv.seal(&bob().encryption_key(), RECORD).unwrap();
		assert_eq!(Invitation::open(&bob(), &GENESIS, &sealed[..sealed.len() - 1]), Err(WireError::NotForUs));
		assert_eq!(Invitation::open(&bob(), &GENESIS, &[]), Err(WireError::NotForUs));
		// Well sealed but not an invitation.
		let junk = crypto::seal(&[VERSION, 2, 3], &bob().encryption_key()).unwrap();
		assert!(matches!(Invitation::open(&bob(), &GENESIS, &junk), Err(WireError::Malformed(_))));
		for other in [OLDEST_CLAIM_VERSION - 1, VERSION + 1] {
			let other_version = crypto::seal(&[other, 0, 0], &bob().encryption_key()).unwrap();
			assert_eq!(Invitation::open(&bob(), &GENESIS, &other_version), Err(WireError::Version(other)));
		}
	}

	#[test]
	fn padme_rounds_up_a_little_and_lands_on_its_own_buckets() {
		assert_eq!([0, 1, 2, 8, 9, 100, 1000, 4000].map(padme), [0, 1, 2, 8, 10, 104, 1024, 4096]);
		for len in 1..20_000usize {
			let padded = padme(len);
			assert!(padded >= len && padme(padded) == padded, "{len}");
			assert!((padded - len) * 100 <= len * 12, "{len} -> {padded}: more than 12%");
			assert!(padme(len + 1) >= padded, "monotonic at {len}");
		}
		// Lengths up to a message's 4 KiB fall into a few dozen buckets.
		let buckets: std::collections::BTreeSet<usize> = (1..=4096).map(padme).collect();
		assert!(buckets.len() < 200, "{} buckets", buckets.len());
	}

	#[test]
	fn message_padding_must_be_zeros() {
		let key = ChatKey::generate();
		// 15 bytes encoded, padded to 16.
		let msg = Message::new(5, Body::Text("pad".into()));
		let mut plain = msg.padded();
		assert_eq!((msg.encode().len(), plain.len()), (15, 16));
		let sealed = key.encrypt(&plain, &Message::context(&[1; 32], 0)).unwrap();
		assert_eq!(Message::open(&key, &[1; 32], 0, &sealed).unwrap(), msg);
		*plain.last_mut().unwrap() = 1;
		let tampered = key.encrypt(&plain, &Message::context(&[1; 32], 0)).unwrap();
		assert_eq!(Message::open(&key, &[1; 32], 0, &tampered), Err(WireError::Malformed("message padding")));
	}

	#[test]
	fn response_is_bound_to_its_slot_and_claim() {
		let key = ChatKey::generate();
		let genesis = [0x47; 32];
		let claim = SlotClaim::new(&alice(), &genesis, 7, 3);
		let response = claim.respond(&genesis, 7, 3, [9; 32]);
		let sealed = response.seal(&key, &key.response_tag(3), RECORD).unwrap();
		assert_eq!(sealed.len(), RECORD);
		assert_eq!(Response::open(&key, &genesis, 7, 3, &sealed).unwrap(), response);
		// Under another slot's tag, another chat's key, for another chat or chain: no.
		assert!(Response::open(&key, &genesis, 7, 4, &sealed).is_err());
		assert!(Response::open(&ChatKey::generate(), &genesis, 7, 3, &sealed).is_err());
		let moved = response.seal(&key, &key.response_tag(3), RECORD).unwrap();
		assert_eq!(Response::open(&key, &genesis, 8, 3, &moved), Err(WireError::BadClaim));
		assert_eq!(Response::open(&key, &[0x48; 32], 7, 3, &moved), Err(WireError::BadClaim));
	}

	/// A member who knows the chat key, not the invitation's secret, cannot answer under
	/// the inviter's claim: neither with a part of its own under the claim copied from
	/// the real response, nor with a key of its own under the inviter's name.
	#[test]
	fn only_the_holder_of_the_secret_answers_under_a_claim() {
		let key = ChatKey::generate();
		let genesis = [0x47; 32];
		let real = SlotClaim::new(&alice(), &genesis, 7, 3).respond(&genesis, 7, 3, [9; 32]);
		let seal = |r: &Response| r.seal(&key, &key.response_tag(3), RECORD).unwrap();
		let copied = Response { part: [6; 32], ..real.clone() };
		assert_eq!(Response::open(&key, &genesis, 7, 3, &seal(&copied)), Err(WireError::BadClaim));
		let own = SlotClaim::new(&charlie(), &genesis, 7, 3).respond(&genesis, 7, 3, [6; 32]);
		let forged = Response { inviter: alice().account(), ..own.clone() };
		assert_eq!(Response::open(&key, &genesis, 7, 3, &seal(&forged)), Err(WireError::BadClaim));
		// Under its own name it is a response, filed apart from the inviter's.
		assert_eq!(Response::open(&key, &genesis, 7, 3, &seal(&own)).unwrap().inviter, charlie().account());
		// The invitation's claim is the one its invitee answers with.
		let (_, invitation) = invitation_to_bob();
		let answer = invitation.slot_claim().respond(&GENESIS, invitation.chat, invitation.nonce, [5; 32]);
		let sealed = answer.seal(&invitation.key(), &invitation.key().response_tag(invitation.nonce), RECORD).unwrap();
		assert_eq!(Response::open(&invitation.key(), &GENESIS, invitation.chat, invitation.nonce, &sealed).unwrap(), answer);
	}

	/// Messages of versions 2 to 4 (a text alone) are still read, so a chain upgraded in
	/// place keeps its chats; versions before and after are refused by name, and so is a
	/// response of a version before claims. A response of version 4 (the same layout) is
	/// read.
	#[test]
	fn the_previous_version_is_still_read() {
		let key = ChatKey::generate();
		let sealed_plain = |plain: Vec<u8>| key.encrypt(&plain, &Message::context(&[1; 32], 5)).unwrap();
		for version in OLDEST_READ_VERSION..BODY_VERSION {
			let sealed = sealed_plain((version, 1u64, "from before".to_string()).encode());
			let expected = Message { version, ..Message::new(1, Body::Text("from before".into())) };
			assert_eq!(Message::open(&key, &[1; 32], 5, &sealed).unwrap(), expected);
		}
		for now in [Message::new(1, Body::Left), Message::new(1, Body::Timer(Some(60))), Message::new(1, Body::Timer(None))] {
			assert_eq!(Message::open(&key, &[1; 32], 5, &now.seal(&key, &[1; 32], 5).unwrap()).unwrap(), now);
		}
		let fleeting = Message::new(1_000, Body::Text("soon gone".into())).disappearing(Some(60));
		assert_eq!(fleeting.expires_at(), Some(61_000));
		assert_eq!(Message::open(&key, &[1; 32], 5, &fleeting.seal(&key, &[1; 32], 5).unwrap()).unwrap(), fleeting);
		let tag = key.response_tag(3);
		let mut old_response = vec![OLDEST_CLAIM_VERSION - 1];
		old_response.extend([9; 32]);
		let sealed = key.encrypt(&pad(old_response, RECORD - crypto::AEAD_OVERHEAD).unwrap(), &Response::context(&tag)).unwrap();
		assert_eq!(Response::open(&key, &[0x47; 32], 7, 3, &sealed), Err(WireError::Version(OLDEST_CLAIM_VERSION - 1)));
		let genesis = [0x47; 32];
		let mut previous = SlotClaim::new(&alice(), &genesis, 7, 3).respond(&genesis, 7, 3, [9; 32]);
		previous.version = OLDEST_CLAIM_VERSION;
		let sealed = previous.seal(&key, &tag, RECORD).unwrap();
		assert_eq!(Response::open(&key, &genesis, 7, 3, &sealed).unwrap(), previous);
		for other in [OLDEST_READ_VERSION - 1, VERSION + 1] {
			let msg = Message { version: other, ..Message::new(1, Body::Text("x".into())) };
			let sealed = msg.seal(&key, &[1; 32], 5).unwrap();
			assert_eq!(Message::open(&key, &[1; 32], 5, &sealed), Err(WireError::Version(other)));
		}
	}

	#[test]
	fn message_is_bound_to_part_and_sequence() {
		let key = ChatKey::generate();
		let msg = Message::new(1, Body::Text("hi".into())).disappearing(Some(60));
		let sealed = msg.seal(&key, &[1; 32], 5).unwrap();
		assert_eq!(sealed.len(), Message::sealed_len(2));
		assert_eq!(padme(sealed.len() - crypto::AEAD_OVERHEAD), sealed.len() - crypto::AEAD_OVERHEAD);
		assert_eq!(Message::open(&key, &[1; 32], 5, &sealed).unwrap(), msg);
		assert!(Message::open(&key, &[1; 32], 6, &sealed).is_err());
		assert!(Message::open(&key, &[2; 32], 5, &sealed).is_err());
	}

	#[test]
	fn part_blob_owner_and_listing_views() {
		let key = ChatKey::generate();
		let genesis = [0x47; 32];
		let part = [4; 32];
		let seal = |members: &[PartId]| PartBlob::seal(&alice(), &genesis, &part, ChatKind::Group, 3, &key, members);
		let open = |blob: &[u8]| PartBlob::open_listing(&key, &genesis, 3, &part, blob);
		let blob = seal(&[[5; 32], [6; 32]]).unwrap();
		// Padded to a size that does not depend on the members listed, up to 24 of them.
		assert_eq!(blob.len(), PART_BLOB_SIZES[0]);
		for n in [0usize, 1, 24] {
			let members = vec![[7; 32]; n];
			let padded = seal(&members).unwrap();
			assert_eq!(padded.len(), PART_BLOB_SIZES[0], "{n} members");
			assert_eq!(open(&padded).unwrap().parts, members);
		}
		let many = vec![[7; 32]; 25];
		let larger = seal(&many).unwrap();
		assert_eq!(larger.len(), PART_BLOB_SIZES[1]);
		assert_eq!(open(&larger).unwrap().parts, many);
		assert!(seal(&vec![[7; 32]; 121]).is_err());
		let secret = PartBlob::open_owner(&alice(), &blob).unwrap();
		assert_eq!((secret.kind, secret.chat, secret.chat_key), (ChatKind::Group, 3, *key.expose()));
		assert_eq!(PartBlob::open_owner(&bob(), &blob), Err(WireError::NotForUs));
		let listing = open(&blob).unwrap();
		assert_eq!((listing.owner, listing.parts.clone()), (alice().account(), vec![[5; 32], [6; 32]]));
		assert!(PartBlob::open_listing(&key, &genesis, 3, &[0; 32], &blob).is_err());
		assert!(PartBlob::open_listing(&ChatKey::generate(), &genesis, 3, &part, &blob).is_err());
		// The owner's signature binds the part to its chat and chain: moved to another
		// chat id or chain, or claiming another owner, the listing is refused.
		assert_eq!(PartBlob::open_listing(&key, &genesis, 4, &part, &blob), Err(WireError::BadOwner));
		assert_eq!(PartBlob::open_listing(&key, &[0x48; 32], 3, &part, &blob), Err(WireError::BadOwner));
		let mut claims_bob = listing.clone();
		claims_bob.owner = bob().account();
		let mut plain = claims_bob.encode();
		let decoded = PartBlob::decode_blob(&blob).unwrap();
		let plain_len = decoded.listing.len() - crypto::AEAD_OVERHEAD;
		plain.resize(plain_len, 0);
		let forged = PartBlob { listing: key.encrypt(&plain, &PartBlob::context(&part)).unwrap(), ..decoded }.encode();
		assert_eq!(open(&forged), Err(WireError::BadOwner));
	}
}

#[cfg(test)]
mod pallet_agreement {
	/// The proof the client signs is the message the chat pallet verifies.
	#[test]
	fn add_member_message_matches_the_chat_pallet() {
		let genesis = [0x47; 32];
		for tag in [[3u8; 32], [0; 32]] {
			assert_eq!(
				super::add_member_message(&genesis, 5, 9, b"invitation", &tag),
				pallet_chat::add_member_message(&sp_core::H256(genesis), 5, 9, b"invitation", &tag)
			);
		}
	}

	/// A creation ticket signs the message the connector checks it against.
	#[test]
	fn create_chat_message_matches_the_connector() {
		let genesis = [0x47; 32];
		let params = pallet_chat::ChatParams {
			membership_key: sp_core::ed25519::Public::from_raw([0x4b; 32]),
			sealed_key: b"sealed".to_vec(),
		};
		assert_eq!(
			super::create_chat_message(&genesis, &[0x4b; 32], b"sealed"),
			pallet_connector::create_chat_message(&sp_core::H256(genesis), &params)
		);
	}

	/// The ring key signs, at registration, the message the connector checks, with the
	/// account as the runtime encodes it; and the runtime's ring VRF takes the signature.
	#[test]
	fn register_message_matches_the_connector() {
		use verifiable::GenerateVerifiable;
		type Runtime = pallet_ring::bandersnatch::HostVerified;
		let genesis = [0x47; 32];
		let alice = crate::crypto::Identity::from_suri("//Alice").unwrap();
		let message = super::register_message(&genesis, &alice.account());
		let account = sp_core::crypto::AccountId32::from(alice.account());
		assert_eq!(message, pallet_connector::register_message(&sp_core::H256(genesis), &account));
		let signature = alice.ring_sign(&message).unwrap();
		assert!(Runtime::verify_signature(&signature, &message, &alice.ring_key()));
		let elsewhere = super::register_message(&[0x48; 32], &alice.account());
		assert!(!Runtime::verify_signature(&signature, &elsewhere, &alice.ring_key()));
	}

	/// Part keys sign the bytes the chat pallet verifies, for every action.
	#[test]
	fn part_message_matches_the_chat_pallet() {
		use pallet_chat::PartAction as P;
		let genesis = [0x47; 32];
		let part = [0xaa; 32];
		let pairs = [
			(super::PartAction::join(b"blob", b"response", [3; 32]), P::Join {
				blob: crate::crypto::hash(b"blob"),
				response: crate::crypto::hash(b"response"),
				tag: [3; 32],
			}),
			(super::PartAction::set_blob(10, 4, b"blob"), P::SetBlob {
				incarnation: 10,
				nonce: 4,
				blob: crate::crypto::hash(b"blob"),
			}),
			(super::PartAction::post_message(11, 5, b"c"), P::PostMessage {
				incarnation: 11,
				seq: 5,
				ciphertext: crate::crypto::hash(b"c"),
			}),
			(super::PartAction::DeleteMessage { incarnation: 12, nonce: 6, seq: 7 }, P::DeleteMessage {
				incarnation: 12,
				nonce: 6,
				seq: 7,
			}),
			(super::PartAction::Close { incarnation: 13, nonce: 8, max_messages: 9 }, P::Close {
				incarnation: 13,
				nonce: 8,
				max_messages: 9,
			}),
		];
		for (ours, theirs) in pairs {
			assert_eq!(
				super::part_message(&genesis, &part, &ours),
				pallet_chat::part_message(&sp_core::H256(genesis), &part, &theirs)
			);
		}
	}

	/// A renewal's ticket signs what the chat pallet checks it against.
	#[test]
	fn renew_message_matches_the_chat_pallet() {
		let genesis = [0x47; 32];
		for (ours, theirs) in [
			(super::Lease::Chat(7), pallet_chat::Lease::Chat(7)),
			(super::Lease::Part([9; 32]), pallet_chat::Lease::Part([9; 32])),
		] {
			assert_eq!(
				super::renew_message(&genesis, &ours),
				pallet_chat::renew_message(&sp_core::H256(genesis), &theirs)
			);
		}
	}

	#[test]
	fn message_overhead_matches_the_chat_pallet() {
		assert_eq!(super::MESSAGE_OVERHEAD, pallet_chat::MESSAGE_OVERHEAD);
	}

	/// Tickets are proved under the context the ring pallet verifies them with.
	#[test]
	fn ticket_context_matches_the_ring() {
		assert_eq!(super::ticket_context(3, 1), pallet_ring::ticket_context(super::USER_TICKET_DOMAIN, 3, 1));
	}
}
