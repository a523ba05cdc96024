//! The one connection to the user's own node, through subxt with the types generated
//! from the runtime's metadata (`client/metadata/sealchat.scale`): transactions (general
//! ones with no signer for every chat operation; signed only to register), reads through
//! the pallets' view functions (SCALE, the pallets' own types) and, for the record log,
//! from its stored pages ([`Chain::records`]), and a few standard JSON-RPC methods.
//!
//! Reads are made at the latest finalized block unless said otherwise: the client acts
//! only on what cannot be reverted.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use subxt::{
	backend::LegacyBackend,
	config::DefaultExtrinsicParamsBuilder,
	error::{DispatchError, TransactionEventsError},
	rpcs::{rpc_params, RpcClient},
	transactions::Payload,
	OnlineClient, PolkadotConfig,
};

use crate::{crypto::Identity, wire::PartId};

/// The runtime's types and calls, generated from its metadata.
// Pages of records and of messages are read in bulk: their types also get SCALE's own
// decoder, which `view_page` uses (the metadata-driven decoder visits every byte of
// every payload one at a time).
#[subxt::subxt(
	runtime_metadata_path = "metadata/sealchat.scale",
	derive_for_type(path = "pallet_connector::pallet::RecordsPage", derive = "::subxt::ext::codec::Decode", recursive),
	attributes_for_type(
		path = "pallet_connector::pallet::RecordsPage",
		attributes = "#[codec(crate = ::subxt::ext::codec)]",
		recursive
	),
	derive_for_type(path = "pallet_chat::pallet::MessagesPage", derive = "::subxt::ext::codec::Decode", recursive),
	attributes_for_type(
		path = "pallet_chat::pallet::MessagesPage",
		attributes = "#[codec(crate = ::subxt::ext::codec)]",
		recursive
	)
)]
pub mod api {}

// The macro does not track the file; this makes a changed file rebuild the crate.
const _: &[u8] = include_bytes!("../metadata/sealchat.scale");

/// Failures talking to the node.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	#[error("{0:?} is not a node address: expected ws://host:port or wss://host:port")]
	BadUrl(String),
	#[error("cannot reach the node at {url} ({reason}); is it running? (--node to choose another)")]
	Unreachable { url: String, reason: String },
	#[error("the account cannot pay the fee or deposit (insufficient balance)")]
	InsufficientBalance,
	#[error("the chain refused the transaction: {0:?}")]
	Module(Box<api::Error>),
	#[error("the chain refused the transaction: {0}")]
	Refused(String),
	#[error("the node refused the transaction: {0}")]
	Invalid(Invalidity),
	#[error("the node's runtime does not match this client: {0}")]
	Incompatible(String),
	#[error("node request failed: {0}")]
	Rpc(String),
}

impl ChainError {
	/// A stable, machine-readable name of the error's kind.
	pub fn kind(&self) -> &'static str {
		match self {
			ChainError::BadUrl(_) => "bad_node_address",
			ChainError::Unreachable { .. } => "node_unreachable",
			ChainError::InsufficientBalance => "insufficient_balance",
			ChainError::Module(_) | ChainError::Refused(_) => "refused_by_chain",
			ChainError::Invalid(Invalidity::Ticket(_)) => "ticket_refused",
			ChainError::Invalid(_) => "refused_by_node",
			ChainError::Incompatible(_) => "incompatible_runtime",
			ChainError::Rpc(_) => "node_request_failed",
		}
	}

	/// The pallet error the transaction failed with, if that is why.
	pub fn module(&self) -> Option<&api::Error> {
		match self {
			ChainError::Module(error) => Some(error),
			_ => None,
		}
	}
}

type Result<T> = std::result::Result<T, ChainError>;

/// Why the node refused a transaction without a signer before it entered a block: its
/// validity, as the runtime's `validate_transaction` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Invalidity {
	#[error("its ticket was refused: {0}")]
	Ticket(TicketRefusal),
	#[error("{0}")]
	Chat(ChatRefusal),
	#[error("it was overtaken (a nonce or ticket it uses was used meanwhile)")]
	Stale,
	#[error("it comes too early (it waits for a transaction that is not there)")]
	Future,
	#[error("its proof does not verify")]
	BadProof,
	#[error("it names something that does not exist")]
	Call,
	#[error("a limit is reached")]
	ExhaustsResources,
	#[error("invalid ({0})")]
	Other(&'static str),
}

/// Why the ring refused a ticket: the ring pallet's `TicketError`, whose codes are the
/// `InvalidTransaction::Custom` codes of the refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TicketRefusal {
	#[error("no such ring")]
	UnknownRing,
	#[error("the ring changed while the proof was made; try again")]
	StaleRoot,
	#[error("the epoch changed while the proof was made; try again")]
	WrongEpoch,
	#[error("no such ticket slot")]
	NoSuchSlot,
	#[error("the ring proof does not verify")]
	BadProof,
	#[error("the ticket was spent already")]
	Spent,
}

impl TicketRefusal {
	fn from_code(code: u8) -> Option<Self> {
		Some(match code {
			200 => Self::UnknownRing,
			201 => Self::StaleRoot,
			202 => Self::WrongEpoch,
			203 => Self::NoSuchSlot,
			204 => Self::BadProof,
			205 => Self::Spent,
			_ => return None,
		})
	}
}

/// Why the chat pallet refused a call before it entered a block: its `Refusal`, whose
/// codes are the `InvalidTransaction::Custom` codes of the refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChatRefusal {
	#[error("the part exists already")]
	PartExists,
	#[error("no such part (or its lease ended)")]
	UnknownPart,
	#[error("no such chat (or its lease ended)")]
	UnknownChat,
	#[error("the part's quota of message bytes is used up")]
	QuotaExceeded,
	#[error("too large for the chain")]
	TooLarge,
	#[error("empty")]
	Empty,
	#[error("no such message")]
	UnknownMessage,
	#[error("a record of another length than the chain's")]
	RecordLength,
	#[error("today's allowance of writes (or invitations) is used up")]
	AllowanceSpent,
}

impl ChatRefusal {
	fn from_code(code: u8) -> Option<Self> {
		Some(match code {
			210 => Self::PartExists,
			211 => Self::UnknownPart,
			212 => Self::UnknownChat,
			213 => Self::QuotaExceeded,
			214 => Self::TooLarge,
			215 => Self::Empty,
			216 => Self::UnknownMessage,
			217 => Self::RecordLength,
			218 => Self::AllowanceSpent,
			_ => return None,
		})
	}
}

impl From<&subxt::transactions::TransactionInvalid> for Invalidity {
	fn from(e: &subxt::transactions::TransactionInvalid) -> Self {
		use subxt::transactions::TransactionInvalid as I;
		match e {
			I::Custom(code) => TicketRefusal::from_code(*code)
				.map(Self::Ticket)
				.or_else(|| ChatRefusal::from_code(*code).map(Self::Chat))
				.unwrap_or(Self::Other("custom")),
			I::Stale => Self::Stale,
			I::Future => Self::Future,
			I::BadProof => Self::BadProof,
			I::Call => Self::Call,
			I::ExhaustsResources => Self::ExhaustsResources,
			I::Payment => Self::Other("payment"),
			I::AncientBirthBlock => Self::Other("ancient birth block"),
			I::BadMandatory | I::MandatoryValidation => Self::Other("mandatory"),
			I::BadSigner => Self::Other("bad signer"),
		}
	}
}

/// A ticket of the ring of users, as the calls that take one carry it.
pub type Ticket = api::runtime_types::pallet_ring::Ticket<
	api::runtime_types::bounded_collections::bounded_vec::BoundedVec<u8>,
>;

fn rpc_error(e: impl std::fmt::Display) -> ChainError {
	ChainError::Rpc(e.to_string())
}

/// A block: number and hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockRef {
	pub number: u32,
	pub hash: [u8; 32],
}

/// One connector record, as the connector's view functions give it (with its id).
pub type Record = api::runtime_types::pallet_connector::pallet::Record;

/// A page of connector records.
pub type RecordsPage = api::runtime_types::pallet_connector::pallet::RecordsPage;

/// One registered encryption key and the block it was registered in.
pub type KeyEntry = api::runtime_types::pallet_connector::pallet::KeyEntry<u32>;

/// Where a ring key stands in the ring of users.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RingPlacement {
	/// Waiting for the next onboarding batch.
	Queued,
	/// At `position` of `ring`, whose tickets are proved among `members` users (its
	/// keys, less those a ring after it started with).
	InRing { ring: u32, position: u32, members: u32 },
}

/// A chat actor's public state, as the chat pallet's view functions give it.
pub type ChatInfo = api::runtime_types::pallet_chat::pallet::ChatInfo;

/// A part's public state.
pub type PartInfo = api::runtime_types::pallet_chat::pallet::PartInfo;

/// A page of a part's messages.
pub type MessagesPage = api::runtime_types::pallet_chat::pallet::MessagesPage;

/// A chat or a part, as `chat.renew` names it.
pub type Lease = api::runtime_types::pallet_chat::Lease;

/// The events of an included extrinsic.
pub type Events = subxt::extrinsics::ExtrinsicEvents<PolkadotConfig>;

/// A finalized extrinsic: where it landed and what it emitted.
pub struct Included {
	pub block: u32,
	pub events: Events,
}

/// The pallets' limits the client works within, read from the runtime's metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
	/// Largest message ciphertext (the chat pallet's `MaxMessageLen`).
	pub max_message_len: u32,
	/// Bytes of messages a part holds (the chat pallet's `PartQuota`; every message
	/// counts its ciphertext and `MESSAGE_OVERHEAD`).
	pub part_quota: u32,
	/// How long a chat or a part lives after its creation or renewal, in blocks (the
	/// chat pallet's `lifetime`: its `Lifetime`, or the shorter one of the chain's genesis).
	pub lease: u32,
	/// The time between blocks, in milliseconds (twice the timestamp pallet's
	/// `MinimumPeriod`).
	pub block_ms: u64,
	/// The length of every connector record (the connector's `RecordLen`).
	pub record_len: u32,
	/// Most records one request returns (the connector's `MaxPageLen`).
	pub record_page: u32,
	/// Most sequence numbers one request for messages covers (the chat pallet's
	/// `MaxPageLen`).
	pub message_page: u32,
	/// What a part writes per epoch, and what each renewal adds: writes and bytes (the
	/// chat pallet's `WritesPerEpoch`, `WriteBytesPerEpoch`, `TopUpWrites`, `TopUpBytes`).
	pub part_writes: Allowance,
	/// Invitations a chat sends per epoch, and each renewal adds (`InvitationsPerEpoch`).
	pub invitations: u32,
}

/// What a part writes per epoch without a top-up, and what each renewal adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
	pub writes: u32,
	pub bytes: u32,
	pub top_up_writes: u32,
	pub top_up_bytes: u32,
}

/// What a part or a chat wrote in an epoch (the chat pallet's `Usage`).
pub type Usage = api::runtime_types::pallet_chat::Usage;

impl Limits {
	/// Whether `writes` more writes of `bytes` bytes fit what a part with `usage` may
	/// still write in `epoch` (the chat pallet's own check).
	pub fn part_allows(&self, usage: &Usage, epoch: u32, writes: u32, bytes: usize) -> bool {
		let a = self.part_writes;
		let (used_writes, used_bytes, top_ups) =
			if usage.epoch == epoch { (usage.writes, usage.bytes, usage.top_ups) } else { (0, 0, 0) };
		let allowed = |base: u32, top_up: u32| u64::from(base) + u64::from(top_up) * u64::from(top_ups);
		u64::from(used_writes) + u64::from(writes) <= allowed(a.writes, a.top_up_writes) &&
			u64::from(used_bytes) + bytes as u64 <= allowed(a.bytes, a.top_up_bytes)
	}
}

/// The connection to the node.
#[derive(Clone)]
pub struct Chain {
	url: String,
	/// The connection itself, for the bulk reads: asked for a `String`, jsonrpsee hands
	/// over the one it parsed, where subxt's `RpcClient` (on the same connection) writes
	/// the answer out as JSON again and parses it once more.
	ws: Arc<jsonrpsee::ws_client::WsClient>,
	rpc: RpcClient,
	api: OnlineClient<PolkadotConfig>,
	limits: Limits,
	/// The last block read at by number and hash: a scan reads hundreds of pages at one
	/// block, and subxt asks the node for the runtime's version each time it is handed a
	/// block.
	last_read: Arc<std::sync::Mutex<Option<(BlockRef, ReadAt)>>>,
}

impl Chain {
	/// Connects to the node at `url` (`ws://` or `wss://`).
	pub async fn connect(url: &str) -> Result<Self> {
		check_url(url)?;
		let unreachable = |e: &dyn std::fmt::Display| ChainError::Unreachable {
			url: url.to_string(),
			reason: e.to_string(),
		};
		let ws = jsonrpsee::ws_client::WsClientBuilder::default()
			.max_buffer_capacity_per_subscription(4096)
			.max_response_size(64 * 1024 * 1024)
			.connection_timeout(std::time::Duration::from_secs(10))
			.build(url)
			.await
			.map_err(|e| unreachable(&e))?;
		let ws = Arc::new(ws);
		let rpc = RpcClient::new(ws.clone());
		let backend = LegacyBackend::builder().build(rpc.clone());
		let client = OnlineClient::<PolkadotConfig>::from_backend(Arc::new(backend))
			.await
			.map_err(|e| unreachable(&e))?;
		let at = client.at_current_block().await.map_err(|e| unreachable(&e))?;
		let constants = at.constants();
		let incompatible = |e: subxt::error::ConstantError| ChainError::Incompatible(e.to_string());
		let limits = Limits {
			max_message_len: constants.entry(api::constants().chat().max_message_len()).map_err(incompatible)?,
			part_quota: constants.entry(api::constants().chat().part_quota()).map_err(incompatible)?,
			lease: 0,
			block_ms: 2 * constants.entry(api::constants().timestamp().minimum_period()).map_err(incompatible)?,
			record_len: constants.entry(api::constants().connector().record_len()).map_err(incompatible)?,
			record_page: constants.entry(api::constants().connector().max_page_len()).map_err(incompatible)?,
			message_page: constants.entry(api::constants().chat().max_page_len()).map_err(incompatible)?,
			part_writes: Allowance {
				writes: constants.entry(api::constants().chat().writes_per_epoch()).map_err(incompatible)?,
				bytes: constants.entry(api::constants().chat().write_bytes_per_epoch()).map_err(incompatible)?,
				top_up_writes: constants.entry(api::constants().chat().top_up_writes()).map_err(incompatible)?,
				top_up_bytes: constants.entry(api::constants().chat().top_up_bytes()).map_err(incompatible)?,
			},
			invitations: constants.entry(api::constants().chat().invitations_per_epoch()).map_err(incompatible)?,
		};
		let mut chain = Self { url: url.to_string(), ws, rpc, api: client, limits, last_read: Default::default() };
		chain.limits.lease = chain.view(&at, api::view_functions().chat().lifetime()).await?;
		Ok(chain)
	}

	/// The pallets' limits.
	pub fn limits(&self) -> Limits {
		self.limits
	}

	/// The node's address.
	pub fn url(&self) -> &str {
		&self.url
	}

	/// The state at `at`, or at the best block.
	async fn read_at(&self, at: Option<&BlockRef>) -> Result<ReadAt> {
		let read = match at {
			Some(block) => {
				let last = self.last_read.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
				if let Some((_, read)) = last.filter(|(last, _)| last == block) {
					return Ok(read);
				}
				let read = self.api.at_block_hash_and_number(subxt::utils::H256(block.hash), block.number.into()).await;
				if let Ok(read) = &read {
					*self.last_read.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((*block, read.clone()));
				}
				read
			},
			None => {
				let best: subxt::utils::H256 = self.request("chain_getBlockHash", rpc_params![]).await?;
				self.api.at_block(best).await
			},
		};
		read.map_err(|e| ChainError::Unreachable { url: self.url.clone(), reason: e.to_string() })
	}

	async fn request<T: DeserializeOwned>(&self, method: &str, params: subxt::rpcs::client::RpcParams) -> Result<T> {
		self.rpc.request(method, params).await.map_err(|e| match e {
			subxt::rpcs::Error::Client(inner) => ChainError::Unreachable { url: self.url.clone(), reason: inner.to_string() },
			e => rpc_error(e),
		})
	}

	/// The latest finalized block.
	pub async fn finalized(&self) -> Result<BlockRef> {
		let at = self.api.at_current_block().await.map_err(rpc_error)?;
		Ok(BlockRef { number: at.block_number() as u32, hash: at.block_ref().hash().0 })
	}

	/// The latest block (not yet final): what a transaction about to be submitted is
	/// validated against.
	pub async fn best(&self) -> Result<BlockRef> {
		let hash: subxt::utils::H256 = self.request("chain_getBlockHash", rpc_params![]).await?;
		let header: serde_json::Value = self.request("chain_getHeader", rpc_params![hash]).await?;
		let number = header["number"]
			.as_str()
			.and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok())
			.ok_or_else(|| ChainError::Rpc(format!("a header without a number: {header}")))?;
		Ok(BlockRef { number, hash: hash.0 })
	}

	/// Connector records from `from` on, at `at`: what the connector's `records` view
	/// function answers. They are read from the log's stored pages when the connector's
	/// storage version is [`RECORD_LOG_LAYOUT`], which spares the node a runtime call per
	/// page (about 40% of what a resync cost it); through the view function otherwise.
	pub async fn records(&self, from: u64, max: u32, at: &BlockRef) -> Result<RecordsPage> {
		let read = self.read_at(Some(at)).await?;
		match self.stored_records(&read, from, max).await? {
			Some(page) => Ok(page),
			None => self.view_page(&read, api::view_functions().connector().records(from, max)).await,
		}
	}

	/// [`Chain::records`] through the connector's `records` view function, always.
	pub async fn records_view(&self, from: u64, max: u32, at: &BlockRef) -> Result<RecordsPage> {
		self.view_page(&self.read_at(Some(at)).await?, api::view_functions().connector().records(from, max)).await
	}

	/// The `records` view function's answer, computed from the connector's stored pages
	/// (`Connector::RecordPages`, `OldestRecordId`, `NextRecordId`) read in one request
	/// with the connector's storage version: `None` when that version is not
	/// [`RECORD_LOG_LAYOUT`], whose layout this follows.
	async fn stored_records(&self, read: &ReadAt, from: u64, max: u32) -> Result<Option<RecordsPage>> {
		fn incompatible(e: impl std::fmt::Display) -> ChainError {
			ChainError::Incompatible(e.to_string())
		}
		let per_page =
			read.constants().entry(api::constants().connector().records_per_page()).map_err(incompatible)?.max(1) as u64;
		let count = u64::from(max.min(self.limits.record_page));
		let storage = read.storage();
		let pages = storage.entry(api::storage().connector().record_pages()).map_err(incompatible)?;
		let ids = [api::storage().connector().oldest_record_id(), api::storage().connector().next_record_id()];
		let mut keys = vec![subxt::ext::frame_decode::storage::encode_storage_key_prefix("Connector", ":__STORAGE_VERSION__:").to_vec()];
		for id in ids {
			keys.push(storage.entry(id).map_err(incompatible)?.fetch_key(()).map_err(incompatible)?);
		}
		let mut from = from;
		loop {
			// The pages `from`'s records are in, when nothing before them was pruned.
			let first = from / per_page;
			let last = from.saturating_add(count.max(1) - 1) / per_page;
			keys.truncate(3);
			for page in first..=last {
				keys.push(pages.fetch_key((page,)).map_err(incompatible)?);
			}
			let values = self.storage_values(read, &keys).await?;
			if !matches!(decode_stored::<u16>(&values[0], "storage version"), Ok(Some(RECORD_LOG_LAYOUT))) {
				return Ok(None);
			}
			let oldest = decode_stored::<u64>(&values[1], "OldestRecordId")?.unwrap_or(0);
			let next = decode_stored::<u64>(&values[2], "NextRecordId")?.unwrap_or(0);
			let start = from.max(oldest);
			if start != from {
				// Pruned past `from`: read the pages from the oldest record on.
				from = start;
				continue;
			}
			let end = start.saturating_add(count).min(next);
			let mut records = Vec::with_capacity(end.saturating_sub(start) as usize);
			let mut id = start;
			while id < end {
				// Page `page` holds the ids from `max(page * per_page, oldest)` on.
				let page = id / per_page;
				let index = id - (page * per_page).max(oldest);
				let stored = decode_stored::<Vec<Record>>(&values[3 + (page - first) as usize], &format!("RecordPages({page})"))?;
				for record in stored.unwrap_or_default().into_iter().skip(index as usize) {
					if id == end {
						break;
					}
					records.push((id, record));
					id += 1;
				}
				if id < end && id / per_page == page {
					// A page shorter than the layout says: what is there, as the view
					// function answers, rather than skipped ids.
					break;
				}
			}
			return Ok(Some(RecordsPage { records, next_id: next, oldest_id: oldest }));
		}
	}

	/// Connector records carrying `tag`, with their ids, at `at`.
	pub async fn records_by_tag(&self, tag: &[u8; 32], at: &BlockRef) -> Result<Vec<(u64, Record)>> {
		self.view_page(&self.read_at(Some(at)).await?, api::view_functions().connector().records_by_tag(*tag)).await
	}

	/// An account's registered encryption keys, oldest first (at the best block: used
	/// before sending to someone, where a key registered a moment ago should count).
	pub async fn encryption_keys(&self, account: &[u8; 32]) -> Result<Vec<KeyEntry>> {
		let who = subxt::utils::AccountId32(*account);
		self.view(&self.read_at(None).await?, api::view_functions().connector().encryption_keys(who)).await
	}

	/// Where `ring_key` stands in the ring of users, at the latest finalized block:
	/// `None` when it is not enrolled.
	pub async fn ring_placement(&self, ring_key: &[u8; 32]) -> Result<Option<RingPlacement>> {
		use api::runtime_types::pallet_ring::Placement;
		let at = self.api.at_current_block().await.map_err(rpc_error)?;
		let placement = self.view(&at, api::view_functions().user_ring().placement(*ring_key)).await?;
		let Some(placement) = placement else { return Ok(None) };
		Ok(Some(match placement {
			Placement::Queued => RingPlacement::Queued,
			Placement::InRing { ring, position } => {
				let view = self.view(&at, api::view_functions().user_ring().ring(ring))
					.await?
					.ok_or_else(|| ChainError::Rpc(format!("ring {ring} has no root")))?;
				RingPlacement::InRing { ring, position, members: view.members }
			},
		}))
	}

	/// The chain's genesis hash, which the proofs of calls without a signer sign.
	pub fn genesis_hash(&self) -> [u8; 32] {
		self.api.genesis_hash().0
	}

	/// The current root revision and the keys of `ring`, in ring order, at the latest
	/// finalized block.
	pub async fn ring_members(&self, ring: u32) -> Result<(u32, Vec<[u8; 32]>)> {
		let at = self.api.at_current_block().await.map_err(rpc_error)?;
		let current = self.view(&at, api::view_functions().user_ring().ring(ring))
			.await?
			.ok_or_else(|| ChainError::Rpc(format!("ring {ring} has no root")))?;
		let mut keys = Vec::with_capacity(current.size as usize);
		while (keys.len() as u32) < current.size {
			// As many as the view gives in one call (it caps the page itself).
			let page = self.view(&at, api::view_functions().user_ring().ring_keys(ring, keys.len() as u32, u32::MAX)).await?;
			if page.is_empty() {
				break;
			}
			keys.extend(page);
		}
		Ok((current.revision, keys))
	}

	/// The current ticket epoch, the block the next one starts at, and how many tickets
	/// each user has per epoch, at the latest finalized block.
	pub async fn ticket_epoch(&self) -> Result<(u32, u32, u32)> {
		let at = self.api.at_current_block().await.map_err(rpc_error)?;
		let (epoch, next) = self.view(&at, api::view_functions().user_ring().epoch()).await?;
		let per_epoch = at
			.constants()
			.entry(api::constants().user_ring().tickets_per_epoch())
			.map_err(|e| ChainError::Incompatible(e.to_string()))?;
		Ok((epoch, next, per_epoch))
	}

	/// Whether the ticket with `alias` of `epoch` was spent, at the latest finalized block.
	pub async fn ticket_spent(&self, epoch: u32, alias: [u8; 32]) -> Result<bool> {
		let at = self.api.at_current_block().await.map_err(rpc_error)?;
		self.view(&at, api::view_functions().user_ring().is_spent(epoch, alias)).await
	}

	/// Submits `call` as a general transaction, with no signer and no fee (the call
	/// authorizes itself with a ticket or a key's proof), and waits until it is
	/// finalized. The node's refusal comes back typed, as [`ChainError::Invalid`].
	pub async fn submit_general<Call: Payload>(&self, call: &Call) -> Result<Included> {
		let tx = self.api.tx().await.map_err(rpc_error)?;
		let progress = self.start_general(&tx, call).await?;
		finalize(progress).await
	}

	/// Encodes `call` as a general transaction, has the node validate it (a refusal comes
	/// back typed) and submits it.
	async fn start_general<Call: Payload>(
		&self,
		tx: &subxt::transactions::TransactionsClient<PolkadotConfig, AtBlock>,
		call: &Call,
	) -> Result<subxt::transactions::TransactionProgress<PolkadotConfig, AtBlock>> {
		use subxt::config::{ClientState, TransactionExtensions};
		let at = self.api.at_current_block().await.map_err(rpc_error)?;
		let metadata = at.metadata_ref();
		let state = ClientState::<PolkadotConfig> {
			genesis_hash: self.api.genesis_hash(),
			spec_version: at.spec_version(),
			transaction_version: at.transaction_version(),
			metadata: at.metadata(),
		};
		// A general transaction still carries the extensions' explicit values: immortal,
		// nonce 0 and no tip (the nonce and fee extensions skip transactions without a
		// signer).
		let params = DefaultExtrinsicParamsBuilder::<PolkadotConfig>::new().immortal().nonce(0).build();
		let extensions =
			<<PolkadotConfig as subxt::Config>::TransactionExtensions as TransactionExtensions<PolkadotConfig>>::new(
				&state, params,
			)
			.map_err(|e| ChainError::Incompatible(e.to_string()))?;
		let version = metadata.extrinsic().transaction_extension_version_to_use_for_encoding();
		let bytes = subxt::ext::frame_decode::extrinsics::encode_v5_general(
			call.pallet_name(),
			call.call_name(),
			call.call_data(),
			version,
			&extensions,
			metadata,
			metadata.types(),
		)
		.map_err(|e| ChainError::Incompatible(e.to_string()))?;
		let submittable = tx.from_bytes(bytes);
		validity(submittable.validate().await.map_err(rpc_error)?)?;
		submittable.submit_and_watch().await.map_err(submission_error)
	}

	/// A chat's public state; `at` `None` reads the best block.
	pub async fn chat(&self, chat: u64, at: Option<&BlockRef>) -> Result<Option<ChatInfo>> {
		self.view(&self.read_at(at).await?, api::view_functions().chat().chat(chat)).await
	}

	/// The id the next chat created gets (every chat created so far has a lower one);
	/// `at` `None` reads the best block.
	pub async fn next_chat_id(&self, at: Option<&BlockRef>) -> Result<u64> {
		self.view(&self.read_at(at).await?, api::view_functions().chat().next_chat_id()).await
	}

	/// A part's public state; `at` `None` reads the best block.
	pub async fn part(&self, part: &PartId, at: Option<&BlockRef>) -> Result<Option<PartInfo>> {
		self.view(&self.read_at(at).await?, api::view_functions().chat().part(*part)).await
	}

	/// The state of each of `parts`, in their order, at `at` (any number: asked for a page
	/// at a time).
	pub async fn parts(&self, parts: &[PartId], at: &BlockRef) -> Result<Vec<Option<PartInfo>>> {
		let read = self.read_at(Some(at)).await?;
		let mut out = Vec::with_capacity(parts.len());
		for page in parts.chunks(self.limits.message_page.max(1) as usize) {
			out.extend(self.view(&read, api::view_functions().chat().parts(page.to_vec())).await?);
		}
		Ok(out)
	}

	/// Messages of `part` from `from` on, at `at`.
	pub async fn messages(&self, part: &PartId, from: u32, max: u32, at: &BlockRef) -> Result<MessagesPage> {
		self.view_page(&self.read_at(Some(at)).await?, api::view_functions().chat().messages(*part, from, max)).await
	}

	/// The next nonce of `account`, counting its transactions in the pool.
	async fn next_nonce(&self, account: &[u8; 32]) -> Result<u64> {
		self.request("system_accountNextIndex", rpc_params![crate::address(account)]).await
	}

	/// Signs `call` by `signer`, submits it and waits until it is finalized: only
	/// registering is signed. A dispatch error is returned as [`ChainError::Module`].
	pub async fn submit_signed<Call: Payload>(&self, signer: &Identity, call: &Call) -> Result<Included> {
		let nonce = self.next_nonce(&signer.account()).await?;
		let mut tx = self.api.tx().await.map_err(rpc_error)?;
		let params = DefaultExtrinsicParamsBuilder::<PolkadotConfig>::new().nonce(nonce).mortal(64).build();
		let signed = tx.create_signed(call, signer, params).await.map_err(submission_error)?;
		validity(signed.validate().await.map_err(rpc_error)?)?;
		finalize(signed.submit_and_watch().await.map_err(submission_error)?).await
	}

	/// Starts a batch of general transactions, submitted back to back and awaited
	/// together.
	pub async fn batch(&self) -> Result<Batch<'_>> {
		let tx = self.api.tx().await.map_err(rpc_error)?;
		Ok(Batch { chain: self, tx, pending: Vec::new() })
	}

	/// Follows finalized blocks.
	pub async fn finalized_blocks(&self) -> Result<impl futures::Stream<Item = Result<BlockRef>>> {
		use futures::StreamExt;
		let blocks = self.api.stream_blocks().await.map_err(rpc_error)?;
		Ok(blocks.map(|b| {
			let b = b.map_err(rpc_error)?;
			Ok(BlockRef { number: b.number() as u32, hash: b.hash().0 })
		}))
	}

	/// Follows the head of the best chain: each block that becomes the best one, also
	/// when another fork takes over (the blocks it replaces are abandoned unless they
	/// come back).
	pub async fn best_blocks(&self) -> Result<impl futures::Stream<Item = Result<BlockRef>>> {
		use futures::StreamExt;
		let blocks = self.api.stream_best_blocks().await.map_err(rpc_error)?;
		Ok(blocks.map(|b| {
			let b = b.map_err(rpc_error)?;
			Ok(BlockRef { number: b.number() as u32, hash: b.hash().0 })
		}))
	}

	/// The hash of the block at height `number` on the node's best chain (for a height
	/// at or below the finalized block: the block that is final there), if it has one.
	pub async fn block_hash(&self, number: u32) -> Result<Option<[u8; 32]>> {
		let hash: Option<subxt::utils::H256> = self.request("chain_getBlockHash", rpc_params![number]).await?;
		Ok(hash.map(|h| h.0))
	}
}

/// A block the client reads at.
type ReadAt = subxt::client::ClientAtBlock<PolkadotConfig, subxt::client::OnlineClientAtBlockImpl<PolkadotConfig>>;

impl Chain {
	/// Calls a `#[pallet::view_functions]` function at `at` and decodes its answer with the
	/// metadata.
	async fn view<P: subxt::view_functions::Payload>(&self, at: &ReadAt, payload: P) -> Result<P::ReturnType> {
		use subxt::ext::scale_decode::IntoVisitor;
		let value = self.view_answer(at, &payload).await?;
		let metadata = at.metadata_ref();
		subxt::ext::frame_decode::view_functions::decode_view_function_response(
			payload.pallet_name(),
			payload.function_name(),
			&mut &value[..],
			metadata,
			metadata.types(),
			P::ReturnType::into_visitor(),
		)
		.map_err(rpc_error)
	}

	/// [`Chain::view`] for the bulk reads (pages of records and of messages): the answer is
	/// decoded by the generated type's own SCALE decoder, about 25 times faster for a page
	/// of records. `view_answer` has checked that the node's view function has the shape
	/// the type was generated from.
	async fn view_page<P>(&self, at: &ReadAt, payload: P) -> Result<P::ReturnType>
	where
		P: subxt::view_functions::Payload,
		P::ReturnType: codec::Decode,
	{
		use codec::DecodeAll;
		let value = self.view_answer(at, &payload).await?;
		P::ReturnType::decode_all(&mut &value[..]).map_err(|e| {
			ChainError::Incompatible(format!("{}::{} answered {e}", payload.pallet_name(), payload.function_name()))
		})
	}

	/// Calls the view function of `payload` at `at`: the SCALE encoding of its answer.
	///
	/// The call goes to the node's `sealchat_viewFunction` (the view function's id and its
	/// arguments, encoded by subxt from the metadata), which answers in base64: a page of
	/// records is a megabyte of SCALE, and `state_call`'s hex costs both sides more to
	/// write and to read (subxt 0.50's own `ViewFunctionsClient::call` also does not match
	/// this SDK release's runtime API, which answers a `Result`).
	async fn view_answer<P: subxt::view_functions::Payload>(&self, at: &ReadAt, payload: &P) -> Result<Vec<u8>> {
		let views = at.view_functions();
		views.validate(payload).map_err(|e| ChainError::Incompatible(e.to_string()))?;
		let encoded = views.encode_args(payload).map_err(rpc_error)?;
		if encoded.len() < 32 {
			return Err(ChainError::Rpc("short view function id".into()));
		}
		let (query_id, arguments) = encoded.split_at(32);
		let params = jsonrpsee::rpc_params![
			format!("0x{}", hex::encode(query_id)),
			format!("0x{}", hex::encode(arguments)),
			at.block_ref().hash()
		];
		let answer: String = self
			.bulk_request(VIEW_FUNCTION, params, |e| {
				(e.code() == VIEW_FUNCTION_REFUSED).then(|| {
					ChainError::Incompatible(format!(
						"the runtime refused the view function {}::{}: {}",
						payload.pallet_name(),
						payload.function_name(),
						e.message()
					))
				})
			})
			.await?;
		bytes_from_base64(&answer)
	}

	/// The values stored under `keys` at `at`, in their order (`None`: nothing stored),
	/// through the node's `sealchat_storage`.
	async fn storage_values(&self, at: &ReadAt, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>> {
		let keys: Vec<String> = keys.iter().map(|key| format!("0x{}", hex::encode(key))).collect();
		let asked = keys.len();
		let values: Vec<Option<String>> =
			self.bulk_request(STORAGE, jsonrpsee::rpc_params![keys, at.block_ref().hash()], |_| None).await?;
		if values.len() != asked {
			return Err(ChainError::Rpc(format!("`{STORAGE}` answered {} values for {asked} keys", values.len())));
		}
		values.iter().map(|value| value.as_deref().map(bytes_from_base64).transpose()).collect()
	}

	/// Calls one of the node's own methods (`sealchat_*`) on the connection itself, whose
	/// answers jsonrpsee hands over as it parsed them. `refused` turns an error the
	/// method answers into the client's, where it has a meaning of its own.
	async fn bulk_request<T: DeserializeOwned>(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
		refused: impl FnOnce(&jsonrpsee::types::ErrorObjectOwned) -> Option<ChainError>,
	) -> Result<T> {
		use jsonrpsee::core::{client::ClientT, ClientError};
		match self.ws.request(method, params).await {
			Ok(answer) => Ok(answer),
			Err(ClientError::Call(e)) if e.code() == METHOD_NOT_FOUND =>
				Err(ChainError::Incompatible(format!("the node at {} has no `{method}`: not a SealChat node", self.url))),
			Err(ClientError::Call(e)) => Err(refused(&e).unwrap_or_else(|| rpc_error(ClientError::Call(e)))),
			Err(e @ (ClientError::ParseError(_) | ClientError::InvalidRequestId(_))) => Err(rpc_error(e)),
			Err(e) => Err(ChainError::Unreachable { url: self.url.clone(), reason: e.to_string() }),
		}
	}
}

/// The node's method for view functions, which answers in base64.
const VIEW_FUNCTION: &str = "sealchat_viewFunction";
/// Its error code for a call the runtime refused (no such function, undecodable arguments).
const VIEW_FUNCTION_REFUSED: i32 = 1;
/// The node's method for stored values by their keys, which answers in base64.
const STORAGE: &str = "sealchat_storage";
/// The connector's storage version whose record log layout [`Chain::records`] reads
/// directly: pages of `RecordsPerPage` records, page `p` holding the ids from
/// `max(p * RecordsPerPage, OldestRecordId)` up to the next page's first id.
pub const RECORD_LOG_LAYOUT: u16 = 1;
/// JSON-RPC's "method not found".
const METHOD_NOT_FOUND: i32 = -32601;

/// A value of the connector's storage (`what`, in errors) as `sealchat_storage` answered
/// it: `None` where nothing is stored.
fn decode_stored<T: codec::DecodeAll>(value: &Option<Vec<u8>>, what: &str) -> Result<Option<T>> {
	value
		.as_deref()
		.map(|mut bytes| T::decode_all(&mut bytes).map_err(|e| ChainError::Incompatible(format!("Connector::{what}: {e}"))))
		.transpose()
}

/// The bytes of a string of base64 (standard alphabet, padded), as the node's
/// `sealchat_viewFunction` and `sealchat_storage` answer.
fn bytes_from_base64(text: &str) -> Result<Vec<u8>> {
	base64_simd::STANDARD.decode_to_vec(text).map_err(|_| {
		ChainError::Rpc(format!("the node answered {:?}, not base64 bytes", text.chars().take(80).collect::<String>()))
	})
}

/// Refuses what cannot be a node's WebSocket address before any connection attempt.
fn check_url(url: &str) -> Result<()> {
	let bad = || ChainError::BadUrl(url.to_string());
	let rest = url.strip_prefix("ws://").or_else(|| url.strip_prefix("wss://")).ok_or_else(bad)?;
	let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
	let host = match authority.rsplit_once(':') {
		// An IPv6 literal without a port: `[::1]`.
		Some((_, port)) if port.ends_with(']') => authority,
		Some((host, port)) => {
			port.parse::<u16>().map_err(|_| bad())?;
			host
		},
		None => authority,
	};
	let valid_char = |c: char| c.is_ascii_alphanumeric() || "-._[]:".contains(c);
	if host.is_empty() || !host.chars().all(valid_char) {
		return Err(bad());
	}
	Ok(())
}

type AtBlock = subxt::client::OnlineClientAtBlockImpl<PolkadotConfig>;

/// General transactions submitted together; see [`Chain::batch`].
pub struct Batch<'a> {
	chain: &'a Chain,
	tx: subxt::transactions::TransactionsClient<PolkadotConfig, AtBlock>,
	pending: Vec<subxt::transactions::TransactionProgress<PolkadotConfig, AtBlock>>,
}

impl Batch<'_> {
	/// Submits `call` as a general transaction (see [`Chain::submit_general`]). The
	/// node's refusal is returned here, typed; what happens on chain is returned by
	/// [`Batch::finish`].
	pub async fn push<Call: Payload>(&mut self, call: &Call) -> Result<()> {
		let progress = self.chain.start_general(&self.tx, call).await?;
		self.pending.push(progress);
		Ok(())
	}

	/// How many transactions were submitted.
	pub fn len(&self) -> usize {
		self.pending.len()
	}

	/// Whether nothing was submitted.
	pub fn is_empty(&self) -> bool {
		self.pending.is_empty()
	}

	/// Waits until every submitted transaction is finalized; one result each, in order.
	pub async fn finish(self) -> Vec<Result<Included>> {
		let mut results = Vec::with_capacity(self.pending.len());
		for progress in self.pending {
			results.push(finalize(progress).await);
		}
		results
	}

	/// Waits until every submitted transaction is in a block of the best chain (not
	/// final yet); one result each, in order, each with what it did in that block and its
	/// [`Finality`] to wait for.
	pub async fn finish_included(self) -> Vec<Result<InBlock>> {
		let mut results = Vec::with_capacity(self.pending.len());
		for progress in self.pending {
			results.push(include(progress).await);
		}
		results
	}
}

type Progress = subxt::transactions::TransactionProgress<PolkadotConfig, AtBlock>;

/// A transaction in a block of the best chain that is not final yet: where it is, what
/// it did there, and its finality to wait for.
pub struct InBlock {
	/// The block it is in, and its events there.
	pub included: Included,
	/// The block's hash.
	pub hash: [u8; 32],
	pub finality: Finality,
}

/// The rest of a transaction's way to finality; see [`Finality::wait`].
pub struct Finality(FinalityState);

enum FinalityState {
	Waiting(Progress),
	Final(TxInBlock),
}

type TxInBlock = subxt::transactions::TransactionInBlock<PolkadotConfig, AtBlock>;

impl Finality {
	/// Waits until the transaction is finalized: where it landed for good (a block
	/// abandoned meanwhile puts it into another one) and what it did there. A
	/// transaction dropped on the way, say because its block was abandoned and another
	/// one took its place, is [`ChainError::Refused`].
	pub async fn wait(self) -> Result<Included> {
		match self.0 {
			FinalityState::Waiting(progress) => finalize(progress).await,
			FinalityState::Final(in_block) => outcome(&in_block).await,
		}
	}
}

/// Waits for `progress` to reach a block of the best chain (or a final one).
async fn include(mut progress: Progress) -> Result<InBlock> {
	use subxt::transactions::TransactionStatus;
	let dropped = |message: String| ChainError::Refused(message);
	while let Some(status) = progress.next().await {
		match status.map_err(|e| ChainError::Refused(e.to_string()))? {
			TransactionStatus::InBestBlock(in_block) => {
				let hash = in_block.block_hash().0;
				let included = outcome(&in_block).await?;
				return Ok(InBlock { included, hash, finality: Finality(FinalityState::Waiting(progress)) });
			},
			TransactionStatus::InFinalizedBlock(in_block) => {
				let hash = in_block.block_hash().0;
				let included = outcome(&in_block).await?;
				return Ok(InBlock { included, hash, finality: Finality(FinalityState::Final(in_block)) });
			},
			TransactionStatus::Error { message }
			| TransactionStatus::Invalid { message }
			| TransactionStatus::Dropped { message } => return Err(dropped(message)),
			_ => continue,
		}
	}
	Err(dropped("the node stopped reporting on the transaction".into()))
}

async fn finalize(progress: Progress) -> Result<Included> {
	// Dropped or found invalid after it was accepted (say, its nonce was used by another
	// transaction of the same account meanwhile).
	let in_block = progress.wait_for_finalized().await.map_err(|e| ChainError::Refused(e.to_string()))?;
	outcome(&in_block).await
}

/// What a transaction did in the block it is in: its events, or its dispatch error typed.
async fn outcome(in_block: &TxInBlock) -> Result<Included> {
	let block = in_block.at().await.map_err(rpc_error)?.block_number() as u32;
	match in_block.wait_for_success().await {
		Ok(events) => Ok(Included { block, events }),
		Err(TransactionEventsError::ExtrinsicFailed(DispatchError::Module(m))) => {
			use api::runtime_types::{pallet_balances, pallet_connector};
			let error = m.as_root_error::<api::Error>().map_err(|e| ChainError::Incompatible(e.to_string()))?;
			Err(match error {
				api::Error::Connector(pallet_connector::pallet::Error::InsufficientBalance)
				| api::Error::Balances(
					pallet_balances::pallet::Error::InsufficientBalance
					| pallet_balances::pallet::Error::ExistentialDeposit
					| pallet_balances::pallet::Error::Expendability,
				) => ChainError::InsufficientBalance,
				error => ChainError::Module(Box::new(error)),
			})
		},
		Err(TransactionEventsError::ExtrinsicFailed(DispatchError::Token(
			subxt::error::TokenError::FundsUnavailable | subxt::error::TokenError::BelowMinimum,
		))) => Err(ChainError::InsufficientBalance),
		Err(TransactionEventsError::ExtrinsicFailed(e)) => Err(ChainError::Refused(e.to_string())),
		Err(e) => Err(rpc_error(e)),
	}
}

/// The node's verdict on a transaction before it is submitted, as a result: a fee that
/// cannot be paid is [`ChainError::InsufficientBalance`], any other refusal typed.
fn validity(result: subxt::transactions::ValidationResult) -> Result<()> {
	use subxt::transactions::{TransactionInvalid, ValidationResult};
	match result {
		ValidationResult::Valid(_) => Ok(()),
		ValidationResult::Invalid(TransactionInvalid::Payment) => Err(ChainError::InsufficientBalance),
		ValidationResult::Invalid(e) => Err(ChainError::Invalid(Invalidity::from(&e))),
		ValidationResult::Unknown(e) => Err(ChainError::Refused(format!("{e:?}"))),
	}
}

/// Classifies a transaction that could not be built or submitted: a call this client's
/// metadata has and the node's runtime does not is an incompatibility.
fn submission_error(e: subxt::error::ExtrinsicError) -> ChainError {
	use subxt::error::ExtrinsicError as E;
	match e {
		E::IncompatibleCodegen | E::PalletNameNotFound(_) | E::CallNameNotFound { .. } =>
			ChainError::Incompatible(e.to_string()),
		e => ChainError::Refused(e.to_string()),
	}
}

#[cfg(test)]
mod tests {
	#[test]
	fn node_addresses_are_checked_before_connecting() {
		for good in ["ws://127.0.0.1:9944", "wss://node.example.org", "ws://localhost:9944/", "ws://[::1]:9944", "ws://[::1]"] {
			assert!(super::check_url(good).is_ok(), "{good}");
		}
		for bad in ["not-a-url", "http://127.0.0.1:9944", "ws://", "ws://:9944", "ws://host:port", "ws://host:99999", "ws://a b"] {
			assert!(matches!(super::check_url(bad), Err(super::ChainError::BadUrl(_))), "{bad}");
		}
	}

	#[test]
	fn base64_answers_decode_and_bad_ones_are_refused() {
		use base64::Engine;
		let bytes: Vec<u8> = (0..=255u8).chain([0, 0x0f, 0xf0, 0xff]).collect();
		for len in [0, 1, 2, 3, 4, bytes.len()] {
			let text = base64::engine::general_purpose::STANDARD.encode(&bytes[..len]);
			assert_eq!(super::bytes_from_base64(&text).unwrap(), &bytes[..len], "{text}");
		}
		assert_eq!(super::bytes_from_base64("AAEC/w==").unwrap(), [0, 1, 2, 0xff]);
		for bad in ["A", "AA", "A*==", "AA==\n", "AA=A", "\"AA==\"", "0x00ff", "AA== "] {
			assert!(matches!(super::bytes_from_base64(bad), Err(super::ChainError::Rpc(_))), "{bad:?}");
		}
	}
}

impl subxt::transactions::Signer<PolkadotConfig> for Identity {
	fn account_id(&self) -> subxt::utils::AccountId32 {
		subxt::utils::AccountId32(self.account())
	}

	fn sign(&self, payload: &[u8]) -> subxt::utils::MultiSignature {
		subxt::utils::MultiSignature::Sr25519(Identity::sign(self, payload))
	}
}
