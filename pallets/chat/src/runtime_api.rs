//! The runtime API through which clients read chats and parts.

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;

use crate::{ChatId, PartId, Seq};

/// A chat actor's public state.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ChatView {
	/// The ed25519 membership verification key.
	pub membership_key: [u8; 32],
	/// The nonce the next membership proof must sign.
	pub nonce: u64,
	/// The chat key sealed to the creator (opaque).
	pub sealed_key: Vec<u8>,
}

/// A chat part's public state.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct PartView<AccountId> {
	/// The part's owner.
	pub owner: AccountId,
	/// Sequence number of the next message.
	pub next_seq: Seq,
	/// Messages the part holds.
	pub messages: u32,
	/// The owner's opaque blob.
	pub blob: Vec<u8>,
}

/// One message.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct MessageView<BlockNumber> {
	/// Its sequence number in the part.
	pub seq: Seq,
	/// The block it was posted in.
	pub block: BlockNumber,
	/// The ciphertext (opaque).
	pub ciphertext: Vec<u8>,
}

/// A page of a part's messages.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct MessagesPage<BlockNumber> {
	/// Messages in sequence order within the range asked for (deleted ones absent).
	pub messages: Vec<MessageView<BlockNumber>>,
	/// The part's next sequence number: continue until here.
	pub next_seq: Seq,
}

sp_api::decl_runtime_apis! {
	/// Reading chats and chat parts.
	pub trait ChatApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// A chat's public state.
		fn chat(chat: ChatId) -> Option<ChatView>;

		/// A part's public state.
		fn part(part: PartId) -> Option<PartView<AccountId>>;

		/// Messages of `part` with sequence numbers from `from_seq` on, up to `max_count`
		/// numbers (capped by the runtime's page limit).
		fn messages(part: PartId, from_seq: Seq, max_count: u32) -> MessagesPage<BlockNumber>;

		/// The parts `who` owns, a page at a time: pass the last id of the previous page
		/// as `after`.
		fn parts_of(who: AccountId, after: Option<PartId>) -> Vec<PartId>;
	}
}

