//! The chain's own JSON-RPC methods: reading the connector's records and keys and the
//! chat pallet's chats, parts and messages, through their runtime APIs, at the best
//! block or at a given one.
//!
//! Byte strings are `0x`-prefixed hex; block numbers and ids are JSON numbers.

use std::sync::Arc;

use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObject, ErrorObjectOwned},
};
use pallet_chat::{runtime_api::ChatApi, ChatId, PartId, Seq};
use pallet_connector::{runtime_api::ConnectorApi, RecordId};
use sealchat_runtime::{opaque::Block, AccountId, BlockNumber};
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{Bytes, H256};

/// One connector record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
	pub id: RecordId,
	pub block: BlockNumber,
	pub tag: Option<H256>,
	pub payload: Bytes,
}

/// A page of connector records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordsPage {
	/// Records in id order.
	pub records: Vec<Record>,
	/// Every record below this id has been posted.
	pub next_id: RecordId,
	/// The oldest record still kept; a cursor below it missed expired records.
	pub oldest_id: RecordId,
}

/// One entry of a key history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyEntry {
	pub key: H256,
	pub since: BlockNumber,
}

/// A chat actor's public state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Chat {
	pub membership_key: H256,
	pub nonce: u64,
	pub sealed_key: Bytes,
}

/// A chat part's public state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Part {
	pub owner: AccountId,
	pub next_seq: Seq,
	pub messages: u32,
	pub blob: Bytes,
}

/// One message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
	pub seq: Seq,
	pub block: BlockNumber,
	pub ciphertext: Bytes,
}

/// A page of a part's messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagesPage {
	pub messages: Vec<Message>,
	pub next_seq: Seq,
}

#[rpc(server)]
pub trait SealChatApi {
	/// Up to `maxCount` connector records from `fromId` on, in id order, with the next
	/// and the oldest id.
	#[method(name = "connector_records")]
	fn records(&self, from_id: RecordId, max_count: u32, at: Option<H256>) -> RpcResult<RecordsPage>;

	/// The connector records carrying `tag`.
	#[method(name = "connector_recordsByTag")]
	fn records_by_tag(&self, tag: H256, at: Option<H256>) -> RpcResult<Vec<Record>>;

	/// An account's encryption keys, oldest first.
	#[method(name = "connector_encryptionKeys")]
	fn encryption_keys(&self, who: AccountId, at: Option<H256>) -> RpcResult<Vec<KeyEntry>>;

	/// A chat actor's public state.
	#[method(name = "chat_chat")]
	fn chat(&self, chat: ChatId, at: Option<H256>) -> RpcResult<Option<Chat>>;

	/// A chat part's public state.
	#[method(name = "chat_part")]
	fn part(&self, part: H256, at: Option<H256>) -> RpcResult<Option<Part>>;

	/// Messages of a part from `fromSeq` on.
	#[method(name = "chat_messages")]
	fn messages(
		&self,
		part: H256,
		from_seq: Seq,
		max_count: u32,
		at: Option<H256>,
	) -> RpcResult<MessagesPage>;

	/// The parts an account owns, a page at a time (`after`: last id of the previous page).
	#[method(name = "chat_partsOf")]
	fn parts_of(&self, who: AccountId, after: Option<H256>, at: Option<H256>) -> RpcResult<Vec<H256>>;
}

/// Implements [`SealChatApiServer`] with a client's runtime APIs.
pub struct SealChat<C> {
	client: Arc<C>,
}

impl<C> SealChat<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

/// JSON-RPC error code for a failed runtime API call.
const RUNTIME_ERROR: i32 = 1;

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "runtime API call failed", Some(e.to_string()))
}

fn record(r: pallet_connector::runtime_api::RecordView<BlockNumber>) -> Record {
	Record { id: r.id, block: r.block, tag: r.tag.map(H256), payload: r.payload.into() }
}

impl<C> SealChat<C>
where
	C: HeaderBackend<Block>,
{
	fn at(&self, at: Option<H256>) -> H256 {
		at.unwrap_or_else(|| self.client.info().best_hash)
	}
}

impl<C> SealChatApiServer for SealChat<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ConnectorApi<Block, AccountId, BlockNumber> + ChatApi<Block, AccountId, BlockNumber>,
{
	fn records(&self, from_id: RecordId, max_count: u32, at: Option<H256>) -> RpcResult<RecordsPage> {
		let page = self
			.client
			.runtime_api()
			.records(self.at(at), from_id, max_count)
			.map_err(runtime_error)?;
		Ok(RecordsPage {
			records: page.records.into_iter().map(record).collect(),
			next_id: page.next_id,
			oldest_id: page.oldest_id,
		})
	}

	fn records_by_tag(&self, tag: H256, at: Option<H256>) -> RpcResult<Vec<Record>> {
		let records =
			self.client.runtime_api().records_by_tag(self.at(at), tag.0).map_err(runtime_error)?;
		Ok(records.into_iter().map(record).collect())
	}

	fn encryption_keys(&self, who: AccountId, at: Option<H256>) -> RpcResult<Vec<KeyEntry>> {
		let keys =
			self.client.runtime_api().encryption_keys(self.at(at), who).map_err(runtime_error)?;
		Ok(keys.into_iter().map(|k| KeyEntry { key: H256(k.key), since: k.since }).collect())
	}

	fn chat(&self, chat: ChatId, at: Option<H256>) -> RpcResult<Option<Chat>> {
		let chat = self.client.runtime_api().chat(self.at(at), chat).map_err(runtime_error)?;
		Ok(chat.map(|c| Chat {
			membership_key: H256(c.membership_key),
			nonce: c.nonce,
			sealed_key: c.sealed_key.into(),
		}))
	}

	fn part(&self, part: H256, at: Option<H256>) -> RpcResult<Option<Part>> {
		let part: PartId = part.0;
		let view = self.client.runtime_api().part(self.at(at), part).map_err(runtime_error)?;
		Ok(view.map(|p| Part {
			owner: p.owner,
			next_seq: p.next_seq,
			messages: p.messages,
			blob: p.blob.into(),
		}))
	}

	fn messages(
		&self,
		part: H256,
		from_seq: Seq,
		max_count: u32,
		at: Option<H256>,
	) -> RpcResult<MessagesPage> {
		let page = self
			.client
			.runtime_api()
			.messages(self.at(at), part.0, from_seq, max_count)
			.map_err(runtime_error)?;
		Ok(MessagesPage {
			messages: page
				.messages
				.into_iter()
				.map(|m| Message { seq: m.seq, block: m.block, ciphertext: m.ciphertext.into() })
				.collect(),
			next_seq: page.next_seq,
		})
	}

	fn parts_of(&self, who: AccountId, after: Option<H256>, at: Option<H256>) -> RpcResult<Vec<H256>> {
		let parts = self
			.client
			.runtime_api()
			.parts_of(self.at(at), who, after.map(|a| a.0))
			.map_err(runtime_error)?;
		Ok(parts.into_iter().map(H256).collect())
	}
}
