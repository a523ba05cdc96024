//! Transaction gossip in which every peer gets a bounded, fair share of the node's
//! validation, and a peer that sends junk at any rate that matters is banned.
//!
//! Every SealChat transaction but registration carries no fee and no account: what a
//! peer relays costs the receiving node a validation (a ring proof about 6.7 ms, a part
//! or membership signature about 50 µs) and costs the peer nothing. Substrate's own
//! transactions protocol validates what all peers send in one queue of 8,192, in arrival
//! order, and charges 4,096 reputation per refused transaction. Reputation decays by
//! 1/200 of its value a second, so a peer settles at 200 × 4,096 × its refusals per
//! second, and is banned only below 71% of `i32::MIN` (about −1.52e9): at 1,860 refusals
//! a second, three times what a two-core node can verify. One peer could fill the queue
//! ahead of everyone else's transactions and never be banned.
//!
//! This chain's nodes gossip over a protocol of their own, `/<genesis>/sealchat/tx/1`,
//! open to the full peers a node syncs with, whose notifications are one SCALE-encoded
//! transaction in a one-element vector (as Substrate's are), and receive as follows:
//! - each peer's transactions wait in a backlog of its own, at most [`PEER_BACKLOG`]
//!   transactions and [`PEER_BACKLOG_BYTES`]; what does not fit is dropped unvalidated;
//! - at most [`VALIDATING`] transactions are validated at once, taken from the peers'
//!   backlogs in turn, so a flooding peer gets the share of validation of any other
//!   peer that has something waiting. A transaction sent by several peers waits in each
//!   one's backlog, is validated once, at whichever turn comes first, and its verdict
//!   reaches every sender, one that disconnected meanwhile included;
//! - a ring proof that does not verify (6.7 ms of work) costs each peer that sent it
//!   [`rep::FORGED`] (2^24): an honest node relays only what its own pool accepted, and a
//!   proof that verified against a ring's root at one node fails at another only if the
//!   two are on forks where that ring's root differs, which a peer cannot make happen
//!   ninety times over. 91 at once ban a peer; reputation settling at 200 × rate ×
//!   cost, one every 2.2 s keeps it banned: at most 0.45 proofs a second per peer
//!   identity, 0.3% of a core;
//! - any other refusal (a signature that does not verify, about 50 µs; stale, spent,
//!   out of quota: a few storage reads) costs [`rep::REFUSED`] (2^16): 23,300 at once or
//!   117 a second sustained ban a peer, while the honest races (a transaction relayed as
//!   it is included, a counter just used) come a few per block at most;
//! - a notification that is not exactly one transaction costs [`rep::MALFORMED`] (2^24).
//!
//! A banned peer is disconnected and its backlog dropped. It is let back once its
//! reputation has decayed above the threshold, so over time one identity gets at most
//! 0.45 ring proofs a second verified in vain; a new identity gets a new connection and
//! an empty backlog, and about 91 proofs plus the [`VALIDATING`] under way verified
//! before its ban (0.7 s of one core). Connections are bounded by the node's full peer
//! slots (`--in-peers`, `--out-peers`). docs/CHAIN.md "What bounds a validator's cost"
//! has the figures.
//!
//! Substrate's protocol stays registered (`sc_service::build_network` always builds it)
//! but is given [`Elsewhere`], a view of the pool that offers nothing and takes nothing,
//! so no transaction enters or leaves this node through it.

use std::{
	collections::{HashMap, HashSet, VecDeque},
	num::NonZeroUsize,
	pin::Pin,
	sync::Arc,
	time::Duration,
};

use codec::{Decode, Encode};
use futures::{future::BoxFuture, prelude::*, stream::FuturesUnordered};
use sc_network::{
	config::{NonReservedPeerMode, SetConfig},
	multiaddr,
	peer_store::PeerStoreProvider,
	service::traits::{NetworkService, NotificationEvent, NotificationService, ValidationResult},
	types::ProtocolName,
	utils::{interval, LruHashSet},
	NetworkBackend, NotificationMetrics, ObservedRole, PeerId,
};
use sc_network_sync::{SyncEvent, SyncEventStream, SyncingService};
use sc_transaction_pool_api::{
	error::{Error as PoolError, IntoPoolError},
	InPoolTransaction, TransactionPool, TransactionSource,
};
use sealchat_runtime::opaque::Block;
use sp_blockchain::HeaderBackend;
use sp_consensus::SyncOracle;
use sp_runtime::{traits::Block as BlockT, transaction_validity::InvalidTransaction};

type Hash = <Block as BlockT>::Hash;
type Extrinsic = <Block as BlockT>::Extrinsic;

const LOG_TARGET: &str = "sealchat::gossip";

/// Transactions of one peer that wait for validation, at most.
pub const PEER_BACKLOG: usize = 512;
/// Bytes of one peer's transactions that wait for validation, at most: a full block's
/// length (3.75 MiB) fits.
pub const PEER_BACKLOG_BYTES: usize = 4 * 1024 * 1024;
/// Transactions validated at once, across all peers.
pub const VALIDATING: usize = 16;
/// A notification's largest size (a transaction is at most a block's length).
const MAX_NOTIFICATION: u64 = 16 * 1024 * 1024;
/// Hashes of the transactions a peer is known to have, per peer.
const KNOWN_PER_PEER: usize = 10_240;
/// How often every ready transaction is offered again to the peers that lack it.
const PROPAGATE_EVERY: Duration = Duration::from_millis(2_900);

/// Reputation changes; see the module's documentation for the arithmetic.
pub mod rep {
	use sc_network::ReputationChange as Rep;
	/// Any transaction received: validating it is work for this node. Refunded when it
	/// turns out known and good.
	pub const RECEIVED: Rep = Rep::new(-(1 << 4), "SealChat: transaction received");
	/// A good transaction this node already had.
	pub const KNOWN: Rep = Rep::new(1 << 4, "SealChat: known transaction");
	/// A good transaction new to this node.
	pub const NEW: Rep = Rep::new(1 << 7, "SealChat: new transaction");
	/// A transaction refused for any reason but a ring proof that does not verify.
	pub const REFUSED: Rep = Rep::new(-(1 << 16), "SealChat: refused transaction");
	/// A transaction whose ring proof does not verify.
	pub const FORGED: Rep = Rep::new(-(1 << 24), "SealChat: forged ring proof");
	/// A notification that is not exactly one transaction.
	pub const MALFORMED: Rep = Rep::new(-(1 << 24), "SealChat: malformed notification");
}

/// What a validation said of a transaction, as far as its senders are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
	/// Entered the pool.
	New,
	/// Already in the pool.
	Known,
	/// Refused: a signature that does not verify, stale, spent, out of quota, ...
	Refused,
	/// Refused because its ring proof does not verify: the one costly refusal.
	Forged,
	/// Not judged: the pool is full, the node failed, or the transaction was refused
	/// moments ago (the pool keeps no verdict, only the hash).
	Unjudged,
}

impl Verdict {
	/// The verdict of the pool's answer to one submission.
	pub fn of<E: IntoPoolError>(answer: Result<Hash, E>) -> Self {
		match answer {
			Ok(_) => Self::New,
			Err(error) => match error.into_pool_error() {
				Ok(error) => Self::of_error(&error),
				Err(_) => Self::Unjudged,
			},
		}
	}

	/// The verdict of one of the pool's refusals.
	pub fn of_error(error: &PoolError) -> Self {
		let forged_ticket = pallet_ring::TicketError::BadProof.code();
		match error {
			PoolError::AlreadyImported(_) => Self::Known,
			PoolError::InvalidTransaction(InvalidTransaction::Custom(code))
				if *code == forged_ticket =>
			{
				Self::Forged
			}
			PoolError::InvalidTransaction(_)
			| PoolError::UnknownTransaction(_)
			| PoolError::NoTagsProvided
			| PoolError::CycleDetected => Self::Refused,
			_ => Self::Unjudged,
		}
	}

	/// What the verdict does to a sender's reputation (on top of [`rep::RECEIVED`]).
	pub fn reputation(self) -> Option<sc_network::ReputationChange> {
		match self {
			Self::New => Some(rep::NEW),
			Self::Known => Some(rep::KNOWN),
			Self::Refused => Some(rep::REFUSED),
			Self::Forged => Some(rep::FORGED),
			Self::Unjudged => None,
		}
	}
}

/// What [`Backlogs::offer`] did with a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offer {
	/// Waits in the peer's backlog, where no other peer's copy of it waits.
	Queued,
	/// Waits or is being validated already, for another peer; the peer is told the
	/// verdict too (and its copy waits in its backlog as well, if there is room, so the
	/// transaction is validated at whichever sender's turn comes first).
	Joined,
	/// New, and the peer's backlog is full: dropped unvalidated.
	Dropped,
}

/// A transaction that waits or is being validated.
struct Pending {
	/// Which pending round of this transaction (it may come again once judged): the
	/// copies in backlogs carry it, so a copy left over from an earlier round is skipped.
	round: u64,
	/// Every peer that sent it, told the verdict (even one that left meanwhile).
	senders: Vec<PeerId>,
	/// The peers in whose backlogs a copy of it waits.
	holders: Vec<PeerId>,
	/// Whether its validation is under way.
	validating: bool,
}

/// The transactions waiting for validation: one backlog per peer, served in turn.
#[derive(Default)]
pub struct Backlogs<T> {
	/// Each peer's waiting transactions (with their round and size), and their total size.
	queues: HashMap<PeerId, (VecDeque<(Hash, u64, T, usize)>, usize)>,
	/// Peers with something waiting, in the order they are served.
	turns: VecDeque<PeerId>,
	/// Every transaction that waits or is being validated.
	pending: HashMap<Hash, Pending>,
	/// The next [`Pending::round`].
	rounds: u64,
}

impl<T> Backlogs<T> {
	/// Takes `transaction` (of `len` bytes, with `hash`) from `peer`.
	pub fn offer(&mut self, peer: PeerId, hash: Hash, transaction: T, len: usize) -> Offer {
		let known = match self.pending.get_mut(&hash) {
			Some(pending) => {
				if !pending.senders.contains(&peer) {
					pending.senders.push(peer);
				}
				if pending.validating || pending.holders.contains(&peer) {
					return Offer::Joined;
				}
				true
			},
			None => {
				self.rounds += 1;
				false
			},
		};
		let fits = self.queues.get(&peer).map_or(len <= PEER_BACKLOG_BYTES, |(queue, bytes)| {
			queue.len() < PEER_BACKLOG && *bytes + len <= PEER_BACKLOG_BYTES
		});
		if fits {
			let (queue, bytes) = self.queues.entry(peer).or_default();
			if queue.is_empty() {
				self.turns.push_back(peer);
			}
			let round = self.rounds;
			let pending = self
				.pending
				.entry(hash)
				.or_insert_with(|| Pending { round, senders: vec![peer], holders: Vec::new(), validating: false });
			pending.holders.push(peer);
			queue.push_back((hash, pending.round, transaction, len));
			*bytes += len;
		}
		match (known, fits) {
			(true, _) => Offer::Joined,
			(false, true) => Offer::Queued,
			(false, false) => Offer::Dropped,
		}
	}

	/// The next transaction to validate: the oldest of the peer whose turn it is that is
	/// not under way or judged already (at another sender's turn).
	pub fn next(&mut self) -> Option<(Hash, T)> {
		while let Some(peer) = self.turns.pop_front() {
			let Some((queue, bytes)) = self.queues.get_mut(&peer) else { continue };
			let mut found = None;
			while let Some((hash, round, transaction, len)) = queue.pop_front() {
				*bytes -= len;
				let Some(pending) = self.pending.get_mut(&hash).filter(|p| p.round == round) else { continue };
				pending.holders.retain(|p| *p != peer);
				if !pending.validating {
					pending.validating = true;
					found = Some((hash, transaction));
					break;
				}
			}
			if queue.is_empty() {
				self.queues.remove(&peer);
			} else {
				self.turns.push_back(peer);
			}
			if found.is_some() {
				return found;
			}
		}
		None
	}

	/// The senders of `hash`, once its validation is over. Copies still waiting in
	/// other backlogs are skipped when their turn comes.
	pub fn judged(&mut self, hash: &Hash) -> Vec<PeerId> {
		self.pending.remove(hash).map(|pending| pending.senders).unwrap_or_default()
	}

	/// Drops `peer`'s backlog when it disconnects. What it sent is still validated if
	/// another peer's copy waits or its validation is under way, and the verdict still
	/// reaches `peer`'s reputation.
	pub fn forget(&mut self, peer: &PeerId) {
		let Some((queue, _)) = self.queues.remove(peer) else { return };
		self.turns.retain(|p| p != peer);
		for (hash, round, ..) in queue {
			if let Some(pending) = self.pending.get_mut(&hash).filter(|p| p.round == round) {
				pending.holders.retain(|p| p != peer);
				if pending.holders.is_empty() && !pending.validating {
					self.pending.remove(&hash);
				}
			}
		}
	}

	/// Transactions waiting, across all peers (copies included).
	#[cfg(test)]
	pub fn len(&self) -> usize {
		self.queues.values().map(|(queue, _)| queue.len()).sum()
	}
}

/// The one transaction a notification carries: a SCALE vector of exactly one
/// transaction and nothing after it (as Substrate's protocol sends since RFC 56; a
/// vector of many would let one notification cost the node as many hashes).
fn one_transaction(mut notification: &[u8]) -> Option<Extrinsic> {
	let count = codec::Compact::<u32>::decode(&mut notification).ok()?;
	if count.0 != 1 {
		return None;
	}
	let transaction = Extrinsic::decode(&mut notification).ok()?;
	notification.is_empty().then_some(transaction)
}

/// The gossip protocol's name on a chain with `genesis` (and `fork_id`, if any).
pub fn protocol_name(genesis: &Hash, fork_id: Option<&str>) -> ProtocolName {
	let genesis = sp_core::hexdisplay::HexDisplay::from(&genesis.as_ref()).to_string();
	match fork_id {
		Some(fork) => format!("/{genesis}/{fork}/sealchat/tx/1"),
		None => format!("/{genesis}/sealchat/tx/1"),
	}
	.into()
}

/// The protocol's configuration for the network, and the handle [`Gossip`] listens on.
/// [`Gossip`] opens it to the full peers the node syncs with.
pub fn protocol_config<N: NetworkBackend<Block, Hash>>(
	name: ProtocolName,
	metrics: NotificationMetrics,
	peer_store: Arc<dyn PeerStoreProvider>,
) -> (N::NotificationProtocolConfig, Box<dyn NotificationService>) {
	N::notification_config(
		name,
		Vec::new(),
		MAX_NOTIFICATION,
		None,
		SetConfig {
			in_peers: 0,
			out_peers: 0,
			reserved_nodes: Vec::new(),
			non_reserved_mode: NonReservedPeerMode::Deny,
		},
		metrics,
		peer_store,
	)
}

/// A full peer the protocol is open with.
struct Peer {
	/// Hashes of the transactions it has: sent to us, or by us.
	known: LruHashSet<Hash>,
}

/// The node's transaction gossip; [`Gossip::run`] drives it.
pub struct Gossip<P, C> {
	protocol: ProtocolName,
	notifications: Box<dyn NotificationService>,
	network: Arc<dyn NetworkService>,
	sync: Arc<SyncingService<Block>>,
	pool: Arc<P>,
	client: Arc<C>,
	peers: HashMap<PeerId, Peer>,
	/// The peers the protocol was opened to (full peers the node syncs with).
	reserved: HashSet<PeerId>,
	backlogs: Backlogs<Extrinsic>,
	validating: FuturesUnordered<BoxFuture<'static, (Hash, Verdict)>>,
}

impl<P, C> Gossip<P, C>
where
	P: TransactionPool<Block = Block, Hash = Hash> + 'static,
	C: HeaderBackend<Block> + 'static,
{
	/// Gossip over `protocol`, whose handle is `notifications`.
	pub fn new(
		protocol: ProtocolName,
		notifications: Box<dyn NotificationService>,
		network: Arc<dyn NetworkService>,
		sync: Arc<SyncingService<Block>>,
		pool: Arc<P>,
		client: Arc<C>,
	) -> Self {
		Self {
			protocol,
			notifications,
			network,
			sync,
			pool,
			client,
			peers: HashMap::new(),
			reserved: HashSet::new(),
			backlogs: Backlogs::default(),
			validating: FuturesUnordered::new(),
		}
	}

	/// Runs until the network or the pool shuts down.
	pub async fn run(mut self) {
		let mut sync_events = self.sync.event_stream("sealchat-gossip").fuse();
		let mut imported = self.pool.import_notification_stream().fuse();
		let mut tick = interval(PROPAGATE_EVERY).fuse();
		loop {
			self.start_validations();
			futures::select! {
				_ = tick.next() => self.propagate_ready(),
				hash = imported.next() => match hash {
					Some(hash) => self.propagate_one(hash),
					None => return,
				},
				(hash, verdict) = self.validating.select_next_some() => self.judged(hash, verdict),
				event = sync_events.next() => match event {
					Some(event) => self.on_sync_event(event),
					None => return,
				},
				event = self.notifications.next_event().fuse() => match event {
					Some(event) => self.on_notification_event(event),
					None => return,
				},
			}
		}
	}

	fn start_validations(&mut self) {
		while self.validating.len() < VALIDATING {
			let Some((hash, transaction)) = self.backlogs.next() else {
				break;
			};
			let pool = self.pool.clone();
			let at = self.client.info().best_hash;
			self.validating.push(
				async move {
					let answer = pool
						.submit_one(at, TransactionSource::External, transaction)
						.await;
					(hash, Verdict::of(answer))
				}
				.boxed(),
			);
		}
	}

	fn judged(&mut self, hash: Hash, verdict: Verdict) {
		let senders = self.backlogs.judged(&hash);
		if verdict == Verdict::Forged {
			log::debug!(target: LOG_TARGET, "{hash:?} does not verify; sent by {senders:?}");
		}
		if let Some(change) = verdict.reputation() {
			for peer in senders {
				self.network.report_peer(peer, change);
			}
		}
	}

	fn on_sync_event(&mut self, event: SyncEvent) {
		// Open the protocol to the full peers the node syncs with (a light client neither
		// validates nor relays transactions, and is not counted in the node's full peer
		// slots: it gets no backlog).
		let result = match event {
			SyncEvent::PeerConnected { roles, .. } if roles.is_light() => return,
			SyncEvent::PeerConnected { peer_id, .. } => {
				self.reserved.insert(peer_id);
				let address: multiaddr::Multiaddr =
					std::iter::once(multiaddr::Protocol::P2p(peer_id.into())).collect();
				self.network
					.add_peers_to_reserved_set(self.protocol.clone(), HashSet::from([address]))
			}
			SyncEvent::PeerDisconnected(peer_id) if self.reserved.remove(&peer_id) =>
				self.network.remove_peers_from_reserved_set(self.protocol.clone(), vec![peer_id]),
			SyncEvent::PeerDisconnected(_) => return,
		};
		if let Err(error) = result {
			log::error!(target: LOG_TARGET, "cannot change the gossip peer set: {error}");
		}
	}

	fn on_notification_event(&mut self, event: NotificationEvent) {
		match event {
			NotificationEvent::ValidateInboundSubstream {
				peer,
				handshake,
				result_tx,
			} => {
				let result = match self.network.peer_role(peer, handshake) {
					Some(ObservedRole::Light) | None => ValidationResult::Reject,
					Some(_) => ValidationResult::Accept,
				};
				let _ = result_tx.send(result);
			}
			NotificationEvent::NotificationStreamOpened {
				peer, handshake, ..
			} => {
				match self.network.peer_role(peer, handshake) {
					Some(ObservedRole::Light) | None => {},
					Some(_) => {
						let known = LruHashSet::new(NonZeroUsize::new(KNOWN_PER_PEER).expect("not zero"));
						self.peers.insert(peer, Peer { known });
					},
				}
			}
			NotificationEvent::NotificationStreamClosed { peer } => {
				self.peers.remove(&peer);
				self.backlogs.forget(&peer);
			}
			NotificationEvent::NotificationReceived { peer, notification } => {
				self.on_transactions(peer, &notification)
			}
		}
	}

	fn on_transactions(&mut self, peer: PeerId, notification: &[u8]) {
		// While far behind, the node cannot judge transactions: it takes none.
		if self.sync.is_major_syncing() {
			return;
		}
		let Some(state) = self.peers.get_mut(&peer) else {
			return;
		};
		self.network.report_peer(peer, rep::RECEIVED);
		let Some(transaction) = one_transaction(notification) else {
			self.network.report_peer(peer, rep::MALFORMED);
			return;
		};
		let hash = self.pool.hash_of(&transaction);
		state.known.insert(hash);
		if self.backlogs.offer(peer, hash, transaction, notification.len()) == Offer::Dropped {
			log::trace!(target: LOG_TARGET, "{peer}'s backlog is full; {hash:?} dropped");
		}
	}

	/// Offers `hash`, just imported into the pool, to the peers that lack it.
	fn propagate_one(&mut self, hash: Hash) {
		if let Some(transaction) = self.pool.ready_transaction(&hash) {
			if transaction.is_propagable() {
				self.propagate(&[(hash, transaction.data().clone())]);
			}
		}
	}

	/// Offers every ready transaction to the peers that lack it.
	fn propagate_ready(&mut self) {
		let ready: Vec<_> = self
			.pool
			.ready()
			.filter(|transaction| transaction.is_propagable())
			.map(|transaction| (*transaction.hash(), transaction.data().clone()))
			.collect();
		if !ready.is_empty() {
			self.propagate(&ready);
		}
	}

	fn propagate(&mut self, transactions: &[(Hash, Arc<Extrinsic>)]) {
		if self.sync.is_major_syncing() {
			return;
		}
		let mut sent_to = HashMap::<Hash, Vec<String>>::new();
		for (who, peer) in self.peers.iter_mut() {
			for (hash, transaction) in transactions {
				if peer.known.insert(*hash) {
					self.notifications
						.send_sync_notification(who, vec![transaction.as_ref()].encode());
					sent_to.entry(*hash).or_default().push(who.to_base58());
				}
			}
		}
		if !sent_to.is_empty() {
			self.pool.on_broadcasted(sent_to);
		}
	}
}

/// The pool as Substrate's own transactions protocol sees it on this node: nothing
/// ready to offer, and every transaction a peer sends there refused as handled
/// elsewhere, without validation; the sender's reputation is charged 16 and refunded
/// (the protocol takes an error that is not the pool's as "known and good").
pub struct Elsewhere<P>(pub Arc<P>);

/// [`Elsewhere`]'s only answer.
#[derive(Debug)]
pub struct HandledElsewhere;

impl std::fmt::Display for HandledElsewhere {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("transactions travel over the SealChat gossip protocol")
	}
}

impl std::error::Error for HandledElsewhere {}

impl From<PoolError> for HandledElsewhere {
	fn from(_: PoolError) -> Self {
		Self
	}
}

impl IntoPoolError for HandledElsewhere {}

type Ready<P> = Box<
	dyn sc_transaction_pool_api::ReadyTransactions<
			Item = Arc<<P as TransactionPool>::InPoolTransaction>,
		> + Send,
>;
/// A block hash of `P`'s chain, and a transaction of it.
type At<P> = <<P as TransactionPool>::Block as BlockT>::Hash;
type Transaction<P> = sc_transaction_pool_api::TransactionFor<P>;
type Refused<T> = Result<T, HandledElsewhere>;

#[async_trait::async_trait]
impl<P: TransactionPool + 'static> TransactionPool for Elsewhere<P> {
	type Block = P::Block;
	type Hash = P::Hash;
	type InPoolTransaction = P::InPoolTransaction;
	type Error = HandledElsewhere;

	async fn submit_at(&self, _: At<Self>, _: TransactionSource, _: Vec<Transaction<Self>>) -> Refused<Vec<Refused<P::Hash>>> {
		Err(HandledElsewhere)
	}

	async fn submit_one(&self, _: At<Self>, _: TransactionSource, _: Transaction<Self>) -> Refused<P::Hash> {
		Err(HandledElsewhere)
	}

	async fn submit_and_watch(
		&self,
		_: At<Self>,
		_: TransactionSource,
		_: Transaction<Self>,
	) -> Refused<Pin<Box<sc_transaction_pool_api::TransactionStatusStreamFor<Self>>>> {
		Err(HandledElsewhere)
	}

	async fn ready_at(&self, _: At<Self>) -> Ready<Self> {
		Box::new(std::iter::empty())
	}

	fn ready(&self) -> Ready<Self> {
		Box::new(std::iter::empty())
	}

	async fn report_invalid(
		&self,
		_: Option<At<Self>>,
		_: sc_transaction_pool_api::TxInvalidityReportMap<Self::Hash>,
	) -> Vec<Arc<Self::InPoolTransaction>> {
		Vec::new()
	}

	fn futures(&self) -> Vec<Self::InPoolTransaction> {
		Vec::new()
	}

	fn status(&self) -> sc_transaction_pool_api::PoolStatus {
		self.0.status()
	}

	fn import_notification_stream(
		&self,
	) -> sc_transaction_pool_api::ImportNotificationStream<Self::Hash> {
		// Nobody takes imports from this view: a stream that ends at once.
		futures::channel::mpsc::channel(0).1
	}

	fn on_broadcasted(&self, _: HashMap<Self::Hash, Vec<String>>) {}

	fn hash_of(&self, transaction: &Transaction<Self>) -> Self::Hash {
		self.0.hash_of(transaction)
	}

	fn ready_transaction(&self, _: &Self::Hash) -> Option<Arc<Self::InPoolTransaction>> {
		None
	}

	async fn ready_at_with_timeout(&self, _: At<Self>, _: Duration) -> Ready<Self> {
		Box::new(std::iter::empty())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn peer() -> PeerId {
		PeerId::random()
	}

	fn hash(n: u8) -> Hash {
		Hash::repeat_byte(n)
	}

	#[test]
	fn a_flooding_peer_gets_its_turn_and_no_more() {
		let mut backlogs = Backlogs::default();
		let (flood, honest) = (peer(), peer());
		for n in 0..100 {
			assert_eq!(backlogs.offer(flood, hash(n), n, 10), Offer::Queued);
		}
		assert_eq!(backlogs.offer(honest, hash(200), 200, 10), Offer::Queued);
		// The flood's first, then the honest peer's, whatever the flood still holds.
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(0));
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(200));
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(1));
		assert_eq!(backlogs.len(), 98);
	}

	#[test]
	fn a_backlog_is_bounded_in_count_and_bytes() {
		let mut backlogs = Backlogs::default();
		let (many, large) = (peer(), peer());
		let mut n = 0u32;
		let hash_of = |n: u32| Hash::from_low_u64_be(n as u64);
		while backlogs.offer(many, hash_of(n), (), 1) == Offer::Queued {
			n += 1;
		}
		assert_eq!(n as usize, PEER_BACKLOG);
		assert_eq!(
			backlogs.offer(large, hash_of(1 << 20), (), PEER_BACKLOG_BYTES),
			Offer::Queued
		);
		assert_eq!(
			backlogs.offer(large, hash_of(1 << 21), (), 1),
			Offer::Dropped
		);
		// Another peer's backlog is its own.
		assert_eq!(
			backlogs.offer(peer(), hash_of(1 << 22), (), 1),
			Offer::Queued
		);
		// Served, a backlog takes again.
		backlogs.next();
		backlogs.next();
		assert_eq!(
			backlogs.offer(large, hash_of(1 << 21), (), 1),
			Offer::Queued
		);
	}

	#[test]
	fn a_transaction_sent_twice_is_validated_once_and_judged_for_both() {
		let mut backlogs = Backlogs::default();
		let (first, second) = (peer(), peer());
		assert_eq!(backlogs.offer(first, hash(1), 1, 10), Offer::Queued);
		assert_eq!(backlogs.offer(second, hash(1), 1, 10), Offer::Joined);
		assert_eq!(backlogs.offer(second, hash(1), 1, 10), Offer::Joined);
		let (hash1, _) = backlogs.next().expect("one waits");
		assert!(backlogs.next().is_none());
		// Still validating: one more sender joins.
		let third = peer();
		assert_eq!(backlogs.offer(third, hash(1), 1, 10), Offer::Joined);
		assert_eq!(backlogs.judged(&hash1), vec![first, second, third]);
		// Judged, it can come again.
		assert_eq!(backlogs.offer(second, hash(1), 1, 10), Offer::Queued);
	}

	#[test]
	fn a_peer_that_leaves_takes_its_backlog_along_but_not_its_verdicts() {
		let mut backlogs = Backlogs::default();
		let (gone, stays) = (peer(), peer());
		backlogs.offer(gone, hash(4), 4, 10);
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(4));
		backlogs.offer(gone, hash(1), 1, 10);
		backlogs.offer(gone, hash(2), 2, 10);
		backlogs.offer(stays, hash(2), 2, 10);
		backlogs.offer(stays, hash(3), 3, 10);
		backlogs.forget(&gone);
		// What only it sent is dropped; what another peer sent too waits in that
		// peer's backlog.
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(2));
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(3));
		assert!(backlogs.next().is_none());
		assert!(backlogs.judged(&hash(1)).is_empty());
		// Verdicts still reach it: a peer cannot dodge one by leaving.
		assert_eq!(backlogs.judged(&hash(2)), vec![gone, stays]);
		assert_eq!(backlogs.judged(&hash(4)), vec![gone]);
	}

	#[test]
	fn a_transaction_relayed_first_by_a_flooding_peer_waits_in_the_honest_backlog_too() {
		let mut backlogs = Backlogs::default();
		let (flood, honest) = (peer(), peer());
		for n in 0..100 {
			backlogs.offer(flood, hash(n), n, 10);
		}
		backlogs.offer(flood, hash(200), 200, 10);
		assert_eq!(backlogs.offer(honest, hash(200), 200, 10), Offer::Joined);
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(0));
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(200));
		assert_eq!(backlogs.judged(&hash(200)), vec![flood, honest]);
		// The flood's own copy is skipped at its turn.
		let rest: Vec<u8> = std::iter::from_fn(|| backlogs.next().map(|(_, t)| t)).collect();
		assert_eq!(rest, (1..100).collect::<Vec<u8>>());
		// Offered again once judged, it is new again, and the leftovers of the earlier
		// round count for nothing.
		assert_eq!(backlogs.offer(honest, hash(200), 200, 10), Offer::Queued);
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(200));
		assert!(backlogs.next().is_none());
	}

	#[test]
	fn a_sender_without_a_copy_queues_one_when_it_sends_again() {
		let mut backlogs = Backlogs::default();
		let (flood, honest) = (peer(), peer());
		backlogs.offer(honest, hash(200), 200, 10);
		for n in 0..100 {
			backlogs.offer(flood, hash(n), n, 10);
		}
		backlogs.offer(flood, hash(200), 200, 10);
		// The honest peer reconnects: its copy is gone, the flood's waits at the back.
		backlogs.forget(&honest);
		assert_eq!(backlogs.offer(honest, hash(200), 200, 10), Offer::Joined);
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(0));
		assert_eq!(backlogs.next().map(|(_, t)| t), Some(200));
		assert_eq!(backlogs.judged(&hash(200)), vec![honest, flood]);
	}

	#[test]
	fn one_notification_is_one_transaction() {
		let transaction = Extrinsic::from_blob(vec![1, 2, 3, 4]);
		let one = vec![&transaction].encode();
		assert_eq!(one_transaction(&one), Some(transaction.clone()));
		assert_eq!(one_transaction(&vec![&transaction, &transaction].encode()), None);
		assert_eq!(one_transaction(&Vec::<Extrinsic>::new().encode()), None);
		assert_eq!(one_transaction(&[one.as_slice(), &[0]].concat()), None);
		assert_eq!(one_transaction(&one[..one.len() - 1]), None);
		assert_eq!(one_transaction(&[]), None);
	}

	#[test]
	fn only_a_ring_proof_that_does_not_verify_counts_as_forged() {
		let invalid = |i| Verdict::of_error(&PoolError::InvalidTransaction(i));
		assert_eq!(invalid(InvalidTransaction::Custom(pallet_ring::TicketError::BadProof.code())), Verdict::Forged);
		for refused in [
			// A part-key or membership signature, or an account's (whose era an honest
			// node a few blocks behind can read otherwise): cheap, and not always junk.
			InvalidTransaction::BadProof,
			InvalidTransaction::BadSigner,
			InvalidTransaction::Stale,
			InvalidTransaction::Future,
			InvalidTransaction::ExhaustsResources,
			InvalidTransaction::Custom(pallet_ring::TicketError::Spent.code()),
			InvalidTransaction::Custom(pallet_ring::TicketError::StaleRoot.code()),
			InvalidTransaction::Custom(pallet_ring::TicketError::WrongEpoch.code()),
		] {
			assert_eq!(invalid(refused), Verdict::Refused, "{refused:?}");
		}
		assert_eq!(
			Verdict::of_error(&PoolError::TemporarilyBanned),
			Verdict::Unjudged
		);
		assert_eq!(
			Verdict::of_error(&PoolError::ImmediatelyDropped),
			Verdict::Unjudged
		);
		assert_eq!(
			Verdict::of_error(&PoolError::AlreadyImported(Box::new(()))),
			Verdict::Known
		);
		assert_eq!(Verdict::of::<PoolError>(Ok(hash(1))), Verdict::New);
		assert_eq!(Verdict::of(Err(HandledElsewhere)), Verdict::Unjudged);
	}

	/// The figures in the module's documentation and docs/CHAIN.md.
	#[test]
	fn forged_proofs_and_junk_ban_at_rates_far_below_a_nodes_pace() {
		// sc-network's peer store: banned below 71% of i32::MIN; reputation decays by
		// 1/200 of its value each second, so a steady rate r of changes c settles at
		// 200 × r × c.
		let threshold = -(71.0 / 100.0) * i32::MIN as f64;
		let settles = |per_second: f64, change: i32| 200.0 * per_second * change as f64;
		let forged = -rep::FORGED.value;
		let refused = -rep::REFUSED.value;
		// 91 forged proofs at once ban.
		assert!(90.0 * (forged as f64) < threshold && 91.0 * (forged as f64) > threshold);
		// One every 2.2 s keeps a peer banned: 0.45 a second, 3 ms of one core's work.
		assert!(settles(1.0 / 2.2, forged) > threshold && settles(0.45, forged) < threshold);
		// Refusals: 117 a second sustained ban, and what a node verifies at most (470
		// ring proofs a second, docs/BENCHMARKS.md) is far above that.
		assert!(settles(117.0, refused) > threshold && settles(116.0, refused) < threshold);
		assert!(23_300.0 * (refused as f64) > threshold && 23_200.0 * (refused as f64) < threshold);
		assert!(settles(470.0, refused) > threshold);
		// Honest races, a few per block (one every 2 s), stay far from a ban.
		assert!(settles(3.0 / 2.0, refused) < threshold / 50.0);
	}
}
