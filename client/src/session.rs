//! The user-level flows: register, create pair and group chats, add members, send, and
//! rebuild everything from the chain after `login`. Reading the chain (the sync engine)
//! is in [`crate::sync`].
//!
//! Only registering is signed by the user's account. Every chat operation is a general
//! transaction with no signer: creating a chat, joining one and renewing a lease carry a
//! ticket of the ring of users; invitations carry the chat's membership proof; writes
//! into a part carry the signature of its part key.

use std::collections::HashMap;

use api::runtime_types::pallet_chat::pallet::Error as ChatError;

use crate::{
	chain::{api, Batch, Chain, ChainError, ChatRefusal, Invalidity, Ticket, TicketRefusal},
	crypto::{self, AccountBytes, ChatKey, Identity},
	profile::{ProfileError, SubmitGuard, SubmitLock},
	scan::Scanner,
	store::{ChatRow, CreationRow, InvitationRow, InvitationState, MessageRow, Store, StoreError},
	sync::{Live, SyncReport},
	wire::{self, Body, ChatId, ChatKind, Invitation, Lease, Message, PartAction, PartBlob, PartId, SlotClaim, WireError},
};

/// How often a flow is retried when the chain moved under it: another member used the
/// chat's nonce first, or the ring took in a batch (or the epoch turned) while a ticket
/// was being proved.
const RETRIES: usize = 5;

/// Blocks a resumed creation waits for the chat its interrupted command submitted to
/// turn up, before it concludes that the chat was not created and submits it again.
const CREATION_SETTLES: u32 = 6;

/// A step of a flow at which a crash is simulated when `SEALCHAT_CRASH_AT` names it: the
/// process stops dead there, as on a power loss, leaving the local database as the
/// step left it. The tests check that the same command run again finishes the flow.
fn crash_point(step: &str) {
	if std::env::var("SEALCHAT_CRASH_AT").is_ok_and(|at| at == step) {
		// The exit status of an abort, without a core file.
		std::process::exit(134);
	}
}

/// One message in this many carries a rewrite of its part's blob (see [`carries_blob`]).
pub const BLOB_SHARE: u64 = 8;

/// Whether my message `seq` of `part` carries a rewrite of the part's blob: one in
/// [`BLOB_SHARE`], drawn from my secret, whatever happened in the chat, so that an
/// observer learns nothing from when blobs are rewritten.
pub fn carries_blob(identity: &Identity, part: &PartId, seq: u32) -> bool {
	identity.secret_draw(&[b"blob", part, &seq.to_le_bytes()], BLOB_SHARE) == 0
}

/// Part keys of one ticket epoch (a day): the part keys taken in epoch `e` are numbered
/// from `e × PART_KEYS_PER_EPOCH` on ([`first_part_index`]), so `login` finds every part
/// by trying every day's keys since the chain began, whatever the gaps that parts which
/// ended leave. A user takes far fewer in a day (each needs a ticket, 32 a day); more
/// run on into the next day's keys, which a login tries too ([`probe_end`]), and none
/// further ([`ClientError::NoNewChatsLeft`]).
pub const PART_KEYS_PER_EPOCH: u32 = 64;

/// The first part key index of ticket epoch `epoch`.
pub fn first_part_index(epoch: u32) -> u32 {
	epoch.saturating_mul(PART_KEYS_PER_EPOCH)
}

/// Where the part key indices a login tries, in order from 0, end on a chain in ticket
/// epoch `epoch`: past every day's keys up to tomorrow's (today's may have run on into
/// them), and on as long as a part turned up in the last [`PROBE_GAP`] (`used`: one past
/// the highest index found so far).
fn probe_end(epoch: u32, used: u32) -> u32 {
	first_part_index(epoch.saturating_add(2)).max(used.saturating_add(PROBE_GAP))
}

/// Part keys a login tries at once, and how many unused ones past the last part found
/// end the search beyond tomorrow's keys (see [`PART_KEYS_PER_EPOCH`]).
const PROBE_BATCH: u32 = 1000;
const PROBE_GAP: u32 = PART_KEYS_PER_EPOCH;

/// The default window of the random pauses before a join and between the steps of a
/// chat's creation.
pub const DEFAULT_DELAY_WINDOW: std::time::Duration = std::time::Duration::from_secs(20);

/// Everything that can go wrong in a flow, with a message for the user.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
	#[error(transparent)]
	Chain(#[from] ChainError),
	#[error(transparent)]
	Store(#[from] StoreError),
	#[error(transparent)]
	Profile(#[from] ProfileError),
	#[error("unreadable data: {0}")]
	Wire(#[from] WireError),
	#[error(transparent)]
	Crypto(#[from] crypto::CryptoError),
	#[error("your account {0} has no encryption key on chain: run `sealchat register` first")]
	NotRegistered(String),
	#[error("{0} has not registered an encryption key, so they cannot be invited yet (they must run `sealchat register`)")]
	NoKey(String),
	#[error("no chat {0} here: `sealchat chats` lists yours (`sealchat sync` picks up new ones)")]
	UnknownChat(ChatId),
	#[error("chat {0} is a pair chat; members can only be added to group chats")]
	NotAGroup(ChatId),
	#[error("message too long: {len} bytes, at most {max} fit in one message")]
	MessageTooLong { len: usize, max: usize },
	#[error("empty message")]
	EmptyMessage,
	#[error("you cannot invite yourself")]
	SelfInvite,
	#[error("{0} is already a member of chat {1}")]
	AlreadyMember(String, ChatId),
	#[error("{0}")]
	BadAddress(String),
	#[error("name at least one other user")]
	NoInvitees,
	#[error("your part of chat {0} is missing on chain (its lease ended?)")]
	PartMissing(ChatId),
	#[error("chat {0} has ended on chain (nobody renewed its lease in time); nothing was sent")]
	ChatEnded(ChatId),
	#[error("your part of chat {chat} holds all the messages it can ({quota} bytes); nothing was sent")]
	PartFull { chat: ChatId, quota: u32 },
	#[error("the chain kept changing while this was being sent (other members writing, or a new ring root); try again")]
	Contended,
	#[error("your registration is waiting to join the ring of users (keys join in batches, within minutes); try again shortly")]
	NotInRingYet,
	#[error("you have used all {per_epoch} anonymous operations of today; more from block {next_epoch}")]
	NoTicketsLeft { per_epoch: u32, next_epoch: u32 },
	#[error("you have started as many chats as can be started for now (creations, accepted invitations and joins again count, {per_epoch} a day); more from block {next_epoch}")]
	NoNewChatsLeft { per_epoch: u32, next_epoch: u32 },
	#[error("chat {0} has sent all the invitations a chat may send")]
	InvitationLimit(ChatId),
	#[error("chat {chat} has used today's allowance of {what}, and no ticket is left to add more; more from block {next_epoch}")]
	AllowanceSpent { chat: ChatId, what: &'static str, next_epoch: u32 },
	#[error("a chat sends at most {max} invitations a day; invite the others tomorrow with `group add`")]
	TooManyInvitees { max: u32 },
	#[error("no invitation {0} here: `sealchat invites` lists the pending ones")]
	UnknownInvitation(u64),
	#[error("invitation {0} was accepted already: its chat is joined")]
	AlreadyAccepted(u64),
	#[error("invitation {0} was declined, and is gone; ask the inviter for another")]
	DeclinedInvitation(u64),
	#[error("your message to chat {chat} was not delivered: {reason} (its block was abandoned for another fork?); send it again")]
	NotDelivered { chat: ChatId, reason: String },
	#[error("no message {seq} in chat {chat} here (`sealchat show {chat}` numbers your messages; one not final yet can be deleted once a sync stored it)")]
	UnknownMessage { chat: ChatId, seq: u32 },
	#[error("that part of chat {chat} is another member's: only its sender can delete message {seq}")]
	NotYourMessage { chat: ChatId, seq: u32 },
	#[error("two parts of yours in chat {chat} have a message {seq}: say which with --part (`sealchat show {chat} --json` gives each message's part)")]
	AmbiguousMessage { chat: ChatId, seq: u32 },
	#[error("you left chat {0}: nothing more of yours is written to it (its history stays; `sealchat show {0}`)")]
	LeftChat(ChatId),
	#[error("{0} left chat {1} and takes no invitation to it again; start a new chat with them")]
	MemberLeft(String, ChatId),
	#[error("{0}")]
	BadTimer(String),
	#[error("unexpected chain answer: {0}")]
	Unexpected(String),
}

pub(crate) type Result<T> = std::result::Result<T, ClientError>;

impl ClientError {
	/// A stable, machine-readable name of the error's kind (the `kind` of `--json` errors).
	pub fn kind(&self) -> &'static str {
		match self {
			ClientError::Chain(e) => e.kind(),
			ClientError::Store(_) => "local_database",
			ClientError::Profile(e) => e.kind(),
			ClientError::Wire(_) => "unreadable_data",
			ClientError::Crypto(_) => "crypto",
			ClientError::NotRegistered(_) => "not_registered",
			ClientError::NoKey(_) => "invitee_not_registered",
			ClientError::UnknownChat(_) => "unknown_chat",
			ClientError::NotAGroup(_) => "not_a_group",
			ClientError::MessageTooLong { .. } => "message_too_long",
			ClientError::EmptyMessage => "empty_message",
			ClientError::SelfInvite => "self_invite",
			ClientError::AlreadyMember(..) => "already_member",
			ClientError::BadAddress(_) => "bad_address",
			ClientError::NoInvitees => "no_invitees",
			ClientError::PartMissing(_) => "part_missing",
			ClientError::ChatEnded(_) => "chat_ended",
			ClientError::PartFull { .. } => "part_full",
			ClientError::Contended => "contended",
			ClientError::NotInRingYet => "not_in_ring_yet",
			ClientError::NoTicketsLeft { .. } => "no_tickets_left",
			ClientError::NoNewChatsLeft { .. } => "no_new_chats_left",
			ClientError::InvitationLimit(_) => "invitation_limit",
			ClientError::AllowanceSpent { .. } => "allowance_spent",
			ClientError::TooManyInvitees { .. } => "too_many_invitees",
			ClientError::UnknownInvitation(_) => "unknown_invitation",
			ClientError::AlreadyAccepted(_) => "already_accepted",
			ClientError::UnknownMessage { .. } => "unknown_message",
			ClientError::NotYourMessage { .. } => "not_your_message",
			ClientError::AmbiguousMessage { .. } => "ambiguous_message",
			ClientError::DeclinedInvitation(_) => "declined_invitation",
			ClientError::NotDelivered { .. } => "not_delivered",
			ClientError::LeftChat(_) => "left_chat",
			ClientError::MemberLeft(..) => "member_left",
			ClientError::BadTimer(_) => "bad_timer",
			ClientError::Unexpected(_) => "unexpected",
		}
	}
}

/// The senders of `messages` (a chat's, in chain order) who left: their last message
/// says so. One who joined again and wrote since is a member again.
pub fn leavers(messages: &[MessageRow]) -> Vec<AccountBytes> {
	let mut last: HashMap<AccountBytes, &Body> = HashMap::new();
	for m in messages {
		last.insert(m.sender, &m.body);
	}
	let mut left: Vec<AccountBytes> = last.into_iter().filter(|(_, body)| **body == Body::Left).map(|(who, _)| who).collect();
	left.sort();
	left
}

/// What a member did, in words, by a message that is not a text: "left the chat", "set
/// disappearing messages to 1d" (or "… off"). A text is "wrote": the text itself speaks.
/// Each view frames it its own way (`X left the chat`, `* X left the chat`).
pub fn deed(body: &Body) -> String {
	match body {
		Body::Text(_) => "wrote".into(),
		Body::Left => "left the chat".into(),
		Body::Timer(None) => "set disappearing messages off".into(),
		Body::Timer(timer) => format!("set disappearing messages to {}", crate::timer_name(*timer)),
	}
}

/// The disappearing-messages timer of a chat whose messages are `messages` (in chain
/// order): the latest [`Body::Timer`]'s, with who set it; `None` if nobody ever did.
pub fn chat_timer(messages: &[MessageRow]) -> Option<(Option<u32>, AccountBytes)> {
	messages.iter().rev().find_map(|m| match m.body {
		// One outside the range a client sets (a hostile member's zero) is passed over.
		Body::Timer(Some(t)) if !wire::TIMER_RANGE.contains(&t) => None,
		Body::Timer(timer) => Some((timer, m.sender)),
		_ => None,
	})
}

/// Whether the chain refused a transaction because a ticket it carries went stale while
/// it was being proved (a new ring root, a new epoch): proving again fixes it.
fn stale_ticket(e: &ChainError) -> bool {
	matches!(e, ChainError::Invalid(Invalidity::Ticket(TicketRefusal::StaleRoot | TicketRefusal::WrongEpoch)))
}

/// A created chat.
#[derive(Debug, serde::Serialize)]
pub struct Created {
	pub chat: ChatId,
	/// Invitees that were invited, and those whose invitation failed, with the reason.
	pub invited: Vec<String>,
	pub failed: Vec<(String, String)>,
}

/// A message that is in a block of the best chain, not final yet (`Session::send`);
/// [`Session::confirm`] waits for its finality.
pub struct Sent {
	/// The message as sent, in its block (`confirmed` is false).
	pub message: MessageRow,
	finality: crate::chain::Finality,
}

/// A summary of one chat.
#[derive(Debug, serde::Serialize)]
pub struct ChatSummary {
	pub chat: ChatId,
	pub kind: &'static str,
	pub joined: bool,
	/// Whether I left it.
	pub left: bool,
	/// Its disappearing-messages timer, in seconds, if one is set.
	pub disappearing: Option<u32>,
	/// Its members, without those who left (me too when I did).
	pub members: Vec<String>,
	pub messages: usize,
	/// Messages of others after the chat's read mark (see [`Session::mark_read`]).
	pub unread: usize,
	pub last: Option<String>,
}

/// A user's session: identity, local database and node connection.
pub struct Session {
	pub identity: Identity,
	pub store: Store,
	pub chain: Chain,
	pub(crate) scanner: Scanner,
	pub(crate) record_page: u32,
	pub(crate) submit_lock: SubmitLock,
	/// The window a random pause before a write that follows another event is drawn from
	/// (see [`Session::set_delay_window`]).
	delay_window: std::time::Duration,
	/// Told what a flow waits for, and when the wait is over (see [`Session::on_waiting`]).
	waiting: WaitingNotice,
}

/// What a flow waits for on purpose, for the user to see while it waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Waiting {
	/// A random pause of `length` before `next` (see [`Session::set_delay_window`]), so
	/// that the chain's timing does not link the write before it to the next one.
	Pause { next: &'static str, length: std::time::Duration },
	/// `what` was submitted: waiting for it to be in a block, and with `until_final` for
	/// that block to be final.
	Block { what: &'static str, until_final: bool },
	/// Another process of the profile is submitting: waiting for it to finish (see
	/// [`SubmitLock`]).
	Lock,
}

/// How long a flow waits for its last write: until it is in a block of the best chain,
/// or until that block is final.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
	InBlock,
	Final,
}

/// Receives each [`Waiting`] as it begins, and `None` when it is over.
pub type WaitingNotice = std::sync::Arc<dyn Fn(Option<&Waiting>) + Send + Sync>;

/// A wait under way: the notice hears `None` when it is dropped.
struct WaitingGuard(WaitingNotice);

impl Drop for WaitingGuard {
	fn drop(&mut self) {
		(self.0)(None)
	}
}

pub(crate) fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_millis() as u64)
		.unwrap_or(0)
}

/// Checks that a message landed at the sequence number it was sealed for.
fn check_posted(included: &crate::chain::Included, seq: u32) -> Result<()> {
	let posted = event::<api::chat::events::MessagePosted>(included)?;
	if posted.seq != seq {
		return Err(ClientError::Unexpected(format!(
			"message landed at position {} instead of {seq} (sent from two places at once?); resend it",
			posted.seq
		)));
	}
	Ok(())
}

pub(crate) fn event<E: subxt::events::DecodeAsEvent>(included: &crate::chain::Included) -> Result<E> {
	included
		.events
		.find_first::<E>()
		.ok_or_else(|| ClientError::Unexpected("expected event missing".into()))?
		.map_err(|e| ClientError::Unexpected(e.to_string()))
}

impl Session {
	/// A session for `identity` on `store` and `chain`; `submit_lock` is the profile's
	/// (see [`SubmitLock`]), held while a flow submits.
	pub fn new(identity: Identity, store: Store, chain: Chain, submit_lock: SubmitLock, threads: usize) -> Result<Self> {
		store.bind_account(&identity.account(), crate::address)?;
		let record_page = chain.limits().record_page;
		Ok(Self {
			identity,
			store,
			chain,
			scanner: Scanner::new(threads),
			record_page,
			submit_lock,
			delay_window: DEFAULT_DELAY_WINDOW,
			waiting: std::sync::Arc::new(|_| {}),
		})
	}

	/// Has `notice` told of every wait a flow makes on purpose (its random pauses, its
	/// writes on their way into a block), so a user can tell a pause from a hang.
	pub fn on_waiting(&mut self, notice: impl Fn(Option<&Waiting>) + Send + Sync + 'static) {
		self.waiting = std::sync::Arc::new(notice);
	}

	/// Tells of `what` until the returned guard is dropped.
	fn waiting_for(&self, what: Waiting) -> WaitingGuard {
		(self.waiting)(Some(&what));
		WaitingGuard(self.waiting.clone())
	}

	/// Takes the profile's submission lock for a write, waiting while another process
	/// holds it (a [`Waiting::Lock`] while it does), and then until my last renewal is at
	/// least two blocks old, so that no block holds both (see [`crate::renew`], which
	/// takes the lock only when it is free).
	pub(crate) async fn submitting(&self) -> Result<SubmitGuard> {
		let guard = self.submitting_unspaced().await?;
		if let Some(renewed) = self.store.last_renewal()? {
			let apart = std::time::Duration::from_millis(2 * self.chain.limits().block_ms);
			let since = std::time::SystemTime::now().duration_since(renewed).unwrap_or_default();
			if since < apart {
				tokio::time::sleep(apart - since).await;
			}
		}
		Ok(guard)
	}

	/// Takes the profile's submission lock, waiting while another process holds it.
	async fn submitting_unspaced(&self) -> Result<SubmitGuard> {
		let blocked = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
		let lock = self.submit_lock.clone().with_notice({
			let (waiting, blocked) = (self.waiting.clone(), blocked.clone());
			move || {
				if !blocked.swap(true, std::sync::atomic::Ordering::Relaxed) {
					waiting(Some(&Waiting::Lock));
				}
			}
		});
		let guard = tokio::task::spawn_blocking(move || lock.acquire())
			.await
			.map_err(|e| ClientError::Unexpected(format!("waiting for the profile's lock: {e}")));
		if blocked.load(std::sync::atomic::Ordering::Relaxed) {
			(self.waiting)(None);
		}
		Ok(guard??)
	}

	/// Sets the window of the random pauses before a join (after accepting an invitation)
	/// and between the steps of creating a chat: so that a join does not follow its
	/// invitation, nor a creator's part its chat, by a fixed time an observer could match.
	pub fn set_delay_window(&mut self, window: std::time::Duration) {
		self.delay_window = window;
	}

	/// Waits a time drawn uniformly from the delay window before `next`.
	async fn pause(&self, next: &'static str) {
		let window = self.delay_window.as_millis() as u64;
		if window == 0 {
			return;
		}
		let length = std::time::Duration::from_millis(crypto::random_below(window + 1));
		let _waiting = self.waiting_for(Waiting::Pause { next, length });
		tokio::time::sleep(length).await;
	}

	/// Sets how many records one request fetches (at most the connector's page, which is
	/// also the default).
	pub fn set_record_page(&mut self, records: u32) {
		self.record_page = records.clamp(1, self.chain.limits().record_page);
	}

	/// My account.
	pub fn me(&self) -> AccountBytes {
		self.identity.account()
	}

	/// A name for `account`: its nickname, "you", or its address.
	pub fn name(&self, account: &AccountBytes) -> String {
		if *account == self.me() {
			return "you".into();
		}
		match self.store.nickname(account) {
			Ok(Some(name)) => name,
			_ => crate::address(account),
		}
	}

	/// Resolves an address or a nickname.
	pub fn resolve(&self, who: &str) -> Result<AccountBytes> {
		if let Some(account) = self.store.contact(who)? {
			return Ok(account);
		}
		crate::parse_address(who).map_err(|e| ClientError::BadAddress(format!("{e}; not a nickname either")))
	}

	/// Publishes my encryption key in the connector (and, the first time, enrolls my ring
	/// key, which signs my account to show that I hold it): the one signed transaction of
	/// a user; `false` when it was already there.
	pub async fn register(&self) -> Result<bool> {
		let _lock = self.submitting().await?;
		let keys = self.chain.encryption_keys(&self.me()).await?;
		if keys.last().map(|k| k.key) == Some(self.identity.encryption_key()) {
			return Ok(false);
		}
		let possession = self.identity.ring_sign(&wire::register_message(&self.chain.genesis_hash(), &self.me()))?;
		let call =
			api::tx().connector().register_key(self.identity.encryption_key(), self.identity.ring_key(), possession);
		self.chain.submit_signed(&self.identity, &call).await?;
		Ok(true)
	}

	/// Waits until my ring key is in a ring (registering queues it for the next
	/// onboarding batch), at most `timeout`; then [`ClientError::NotInRingYet`].
	pub async fn wait_in_ring(&self, timeout: std::time::Duration) -> Result<crate::chain::RingPlacement> {
		use crate::chain::RingPlacement;
		let deadline = tokio::time::Instant::now() + timeout;
		loop {
			match self.chain.ring_placement(&self.identity.ring_key()).await? {
				Some(placement @ RingPlacement::InRing { .. }) => return Ok(placement),
				Some(RingPlacement::Queued) if tokio::time::Instant::now() < deadline => {},
				Some(RingPlacement::Queued) => return Err(ClientError::NotInRingYet),
				None => return Err(ClientError::NotRegistered(crate::address(&self.me()))),
			}
			tokio::time::sleep(std::time::Duration::from_secs(1)).await;
		}
	}

	async fn ensure_registered(&self) -> Result<()> {
		let keys = self.chain.encryption_keys(&self.me()).await?;
		if keys.last().map(|k| k.key) != Some(self.identity.encryption_key()) {
			return Err(ClientError::NotRegistered(crate::address(&self.me())));
		}
		Ok(())
	}

	async fn key_of(&self, account: &AccountBytes) -> Result<[u8; 32]> {
		let keys = self.chain.encryption_keys(account).await?;
		keys.last().map(|k| k.key).ok_or_else(|| ClientError::NoKey(crate::address(account)))
	}

	/// A ticket of the ring of users for a call summed up by `message`: a slot of this
	/// epoch that neither the chain nor this profile has used, drawn at random among them
	/// (so a ticket's slot says nothing of the order of my tickets), proved against my
	/// ring's current root (about two seconds). The slot is marked used here, so the next
	/// ticket of the same flow takes another.
	pub(crate) async fn ticket(&self, message: &[u8]) -> Result<Ticket> {
		use crate::chain::RingPlacement;
		let ring = match self.chain.ring_placement(&self.identity.ring_key()).await? {
			Some(RingPlacement::InRing { ring, .. }) => ring,
			Some(RingPlacement::Queued) => return Err(ClientError::NotInRingYet),
			None => return Err(ClientError::NotRegistered(crate::address(&self.me()))),
		};
		let (revision, members) = self.chain.ring_members(ring).await?;
		let (epoch, next_epoch, per_epoch) = self.chain.ticket_epoch().await?;
		let mut slots = Vec::with_capacity(per_epoch as usize);
		for slot in 0..per_epoch {
			if !self.store.ticket_used(epoch, slot)? {
				slots.push(slot);
			}
		}
		crypto::shuffle(&mut slots);
		let mut unspent = None;
		for slot in slots {
			let context = wire::ticket_context(epoch, slot);
			let alias = self.identity.ring_alias(&context)?;
			if !self.chain.ticket_spent(epoch, alias).await? {
				unspent = Some((slot, context));
				break;
			}
		}
		let (slot, context) = unspent.ok_or(ClientError::NoTicketsLeft { per_epoch, next_epoch })?;
		let prove = || self.identity.ring_prove(&members, &context, message);
		let (proof, alias) = match tokio::runtime::Handle::current().runtime_flavor() {
			tokio::runtime::RuntimeFlavor::CurrentThread => prove(),
			_ => tokio::task::block_in_place(prove),
		}?;
		self.store.mark_ticket_used(epoch, slot)?;
		Ok(Ticket {
			ring,
			revision,
			epoch,
			slot,
			alias,
			proof: api::runtime_types::bounded_collections::bounded_vec::BoundedVec(proof),
		})
	}

	/// Submits into `batch` the join of my part of `row`'s chat: the part, its blob
	/// listing `members`, and my response under the tag of `row.response_slot`, with a
	/// ticket and my part key's signature. When the part key turns out to be taken (by a
	/// part another device of mine created since this one counted), the next key is
	/// taken instead and `row` says so.
	pub(crate) async fn push_join(&self, batch: &mut Batch<'_>, row: &mut ChatRow, members: &[PartId]) -> Result<()> {
		let genesis = self.chain.genesis_hash();
		for _ in 0..RETRIES {
			let blob = PartBlob::seal(&self.identity, &genesis, &row.my_part, row.kind, row.id, &row.key, members)?;
			let tag = row.key.response_tag(row.response_slot);
			let record_len = self.chain.limits().record_len as usize;
			// A join stored before claims claims its slot itself.
			let claim = match &row.response_claim {
				Some(claim) => claim.clone(),
				None => SlotClaim::new(&self.identity, &genesis, row.id, row.response_slot),
			};
			let response = claim.respond(&genesis, row.id, row.response_slot, row.my_part).seal(&row.key, &tag, record_len)?;
			let message = wire::part_message(&genesis, &row.my_part, &PartAction::join(&blob, &response, tag));
			let signature = self.identity.part_key(row.my_part_index).sign(&message);
			let ticket = self.ticket(&message).await?;
			let call = api::tx().chat().join(ticket, row.my_part, blob, response, tag, signature);
			match batch.push(&call).await {
				Err(e) if stale_ticket(&e) => continue,
				Err(ChainError::Invalid(Invalidity::Chat(ChatRefusal::PartExists))) => {
					// Anyone who saw this join on its way may relay it first, with a ticket
					// of their own: the part is then mine, for this chat, and I am in.
					if self.is_my_part_of(&row.my_part, row.id).await? {
						return Ok(());
					}
					let (identity, me) = (&self.identity, self.me());
					let previous = row.my_part;
					let floor = self.part_index_floor().await?;
					self.store.atomically(|s| {
						row.my_part_index = s.take_part_index(floor)?;
						row.my_part = identity.part_key(row.my_part_index).public();
						s.remove_part(row.id, &previous)?;
						s.set_my_part(row.id, &row.my_part, row.my_part_index)?;
						s.add_part(&row.my_part, row.id, Some(&me))?;
						Ok(())
					})?;
				},
				other => return Ok(other?),
			}
		}
		Err(ClientError::Contended)
	}

	/// The lowest part key index to take now: the first of the current ticket epoch's
	/// ([`first_part_index`]). Keys run on into tomorrow's, never further, so a login
	/// that tries every day's keys up to tomorrow's finds them all: past that,
	/// [`ClientError::NoNewChatsLeft`] until the next epoch.
	async fn part_index_floor(&self) -> Result<u32> {
		let (epoch, next_epoch, _) = self.chain.ticket_epoch().await?;
		if self.store.next_part_index()? >= first_part_index(epoch.saturating_add(2)) {
			return Err(ClientError::NoNewChatsLeft { per_epoch: PART_KEYS_PER_EPOCH, next_epoch });
		}
		Ok(first_part_index(epoch))
	}

	/// Whether `part` is on chain (at the best block) with a blob only I could have
	/// written, for chat `chat`.
	async fn is_my_part_of(&self, part: &PartId, chat: ChatId) -> Result<bool> {
		self.is_my_part_at(part, chat, None).await
	}

	/// [`Self::is_my_part_of`] at block `at` (`None`: the best block).
	async fn is_my_part_at(&self, part: &PartId, chat: ChatId, at: Option<&crate::chain::BlockRef>) -> Result<bool> {
		Ok(match self.chain.part(part, at).await? {
			Some(state) => PartBlob::open_owner(&self.identity, &state.blob.0).is_ok_and(|s| s.chat == chat),
			None => false,
		})
	}

	/// After my join of `row`'s chat failed: whether my part turns up on chain anyway
	/// (a copy of my join, relayed first with someone else's ticket, may still be in a
	/// pool when mine is refused or dropped) within a few blocks, in a block or `until` it
	/// is final.
	async fn my_part_turns_up(&self, row: &ChatRow, until: Until) -> bool {
		let blocks = match until {
			Until::InBlock => 5,
			Until::Final => 10,
		};
		let _waiting =
			self.waiting_for(Waiting::Block { what: "your part of the chat", until_final: until == Until::Final });
		let turned_up = self
			.within_blocks(blocks, async |best| {
				let at = match until {
					Until::InBlock => best.clone(),
					Until::Final => self.chain.finalized().await?,
				};
				Ok(self.is_my_part_at(&row.my_part, row.id, Some(&at)).await.unwrap_or(false).then_some(()))
			})
			.await;
		matches!(turned_up, Ok(Some(())))
	}

	/// What `found` finds at the best block it is given, asked again every half second
	/// until it finds something, for at most `blocks` blocks past the best block now and
	/// at most a minute: for a transaction that may still be on its way. `None` when
	/// nothing turned up up to the last best block asked about.
	async fn within_blocks<T>(
		&self,
		blocks: u32,
		mut found: impl AsyncFnMut(&crate::chain::BlockRef) -> Result<Option<T>>,
	) -> Result<Option<T>> {
		let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
		let start = self.chain.best().await?;
		loop {
			let best = self.chain.best().await?;
			if let Some(found) = found(&best).await? {
				return Ok(Some(found));
			}
			if best.number >= start.number + blocks || tokio::time::Instant::now() >= deadline {
				return Ok(None);
			}
			tokio::time::sleep(std::time::Duration::from_millis(500)).await;
		}
	}

	/// Submits into `batch` a renewal of `lease` with a ticket.
	pub(crate) async fn push_renewal(&self, batch: &mut Batch<'_>, lease: Lease) -> Result<()> {
		let message = wire::renew_message(&self.chain.genesis_hash(), &lease);
		let call_lease = || match lease {
			Lease::Chat(chat) => crate::chain::Lease::Chat(chat),
			Lease::Part(part) => crate::chain::Lease::Part(part),
		};
		for _ in 0..RETRIES {
			let ticket = self.ticket(&message).await?;
			match batch.push(&api::tx().chat().renew(ticket, call_lease())).await {
				Err(e) if stale_ticket(&e) => continue,
				other => return Ok(other?),
			}
		}
		Err(ClientError::Contended)
	}

	/// Renews `lease` of my chat `chat` and waits for the renewal to be in a block: it tops
	/// up today's allowance of the part's writes (or the chat's invitations), which the
	/// next write draws on. `what` names that allowance in the error when no ticket is
	/// left.
	async fn top_up(&self, chat: ChatId, lease: Lease, what: &'static str) -> Result<()> {
		let mut batch = self.chain.batch().await?;
		match self.push_renewal(&mut batch, lease).await {
			Err(ClientError::NoTicketsLeft { next_epoch, .. }) =>
				return Err(ClientError::AllowanceSpent { chat, what, next_epoch }),
			other => other?,
		}
		for result in batch.finish_included().await {
			result?;
		}
		Ok(())
	}

	/// Creates a chat with `invitees` (one for a pair chat) and invites them; returns once
	/// the invitations are in a block, or `until` that block is final.
	///
	/// Resumable at every step: the chat key and the invitees are kept before anything is
	/// submitted ([`crate::store::CreationRow`]), and until every invitee is invited. The
	/// same command again (the same kind, the same invitees) finishes that creation
	/// instead of starting another: it finds the chat it created (among the chat ids from
	/// the one read before submitting, by its membership key), joins it if my part is not
	/// on chain, and invites whoever is not invited yet (an invitation that failed too).
	pub async fn create_chat(&mut self, kind: ChatKind, invitees: &[AccountBytes], until: Until) -> Result<Created> {
		if invitees.is_empty() {
			return Err(ClientError::NoInvitees);
		}
		let mut unique = Vec::new();
		for who in invitees {
			if *who == self.me() {
				return Err(ClientError::SelfInvite);
			}
			if !unique.contains(who) {
				unique.push(*who);
			}
		}
		let max = self.chain.limits().invitations;
		if unique.len() > max as usize {
			return Err(ClientError::TooManyInvitees { max });
		}
		let _lock = self.submitting().await?;
		self.ensure_registered().await?;
		let mut keys = HashMap::new();
		for who in &unique {
			keys.insert(*who, self.key_of(who).await?);
		}

		// An unfinished creation of this chat is finished, unless its chat ended meanwhile
		// or I left it: then it is begun anew.
		let mut unfinished = self.store.creation_for(kind, &unique)?;
		if let Some((id, chat)) = unfinished.as_ref().and_then(|c| Some((c.id, c.chat?))) {
			let left = self.store.chat(chat)?.is_some_and(|row| row.left);
			if left || !self.chat_lives(chat).await? {
				self.store.set_creation_waiting(id, &[])?;
				unfinished = None;
			}
		}
		let resumed = unfinished.is_some();
		let creation = match unfinished {
			Some(creation) => creation,
			None => {
				let first_chat = self.chain.next_chat_id(None).await?;
				let key = ChatKey::generate();
				let id = self.store.add_creation(kind, &key, &unique, first_chat)?;
				CreationRow { id, kind, key, invitees: unique.clone(), waiting: unique.clone(), first_chat, chat: None }
			},
		};
		let chat = match creation.chat {
			Some(chat) => chat,
			None if resumed => match self.created_chat(&creation).await? {
				Some(chat) => chat,
				None => self.submit_creation(&creation.key).await?,
			},
			None => self.submit_creation(&creation.key).await?,
		};
		crash_point("create:created");

		// My part is joined like anyone's: a part key of mine, a response under the
		// creator's slot. The chat is stored first, so an interrupted creation is finished
		// by the same command again, or by a write of mine to the chat.
		let mut row = match self.store.chat(chat)? {
			Some(row) => row,
			None => {
				let (identity, me, genesis) = (&self.identity, self.me(), self.chain.genesis_hash());
				let floor = self.part_index_floor().await?;
				self.store.atomically(|s| {
					let index = s.take_part_index(floor)?;
					let row = ChatRow {
						id: chat,
						kind,
						key: creation.key.clone(),
						my_part: identity.part_key(index).public(),
						my_part_index: index,
						joined: false,
						response_slot: wire::CREATOR_RESPONSE,
						response_claim: Some(SlotClaim::new(identity, &genesis, chat, wire::CREATOR_RESPONSE)),
						left: false,
					};
					s.add_chat(&row)?;
					s.add_part(&row.my_part, chat, Some(&me))?;
					s.set_creation_chat(creation.id, chat)?;
					Ok(row)
				})?
			},
		};
		crash_point("create:stored");

		// My part after a pause, and the invitations after another: not in the block that
		// created the chat, nor in one block together. The command ends once the
		// invitations, its last write, are in a block.
		if !row.joined {
			self.pause("your part of the chat").await;
			self.join_chat(&mut row, Until::Final).await?;
		}
		crash_point("create:joined");
		self.pause("the invitations").await;
		let waiting = creation.waiting.clone();
		let waiting_keys = waiting
			.iter()
			.map(|who| keys.get(who).copied().ok_or(StoreError::Corrupt("creation")))
			.collect::<std::result::Result<Vec<_>, _>>()?;
		let results = self.send_first_invitations(&row, &waiting, &waiting_keys, until).await?;

		let mut created = Created { chat, invited: Vec::new(), failed: Vec::new() };
		let mut still_waiting = Vec::new();
		for (who, result) in waiting.iter().zip(results) {
			match result {
				Ok(()) => {},
				Err(e) => {
					still_waiting.push(*who);
					created.failed.push((crate::address(who), e.to_string()));
				},
			}
		}
		// Everyone invited by this command or an earlier one, in their order.
		created.invited =
			creation.invitees.iter().filter(|who| !still_waiting.contains(who)).map(|who| crate::address(who)).collect();
		self.store.set_creation_waiting(creation.id, &still_waiting)?;
		Ok(created)
	}

	/// Submits the creation of a chat with `key` with a ticket, and waits until it is
	/// final; the chat's id. Created by a transaction with no signer: nothing on chain
	/// says who.
	async fn submit_creation(&self, key: &ChatKey) -> Result<ChatId> {
		let genesis = self.chain.genesis_hash();
		let membership_key = key.membership_key().public();
		let sealed_key = crypto::seal(key.expose(), &self.identity.encryption_key())?;
		let _waiting = self.waiting_for(Waiting::Block { what: "the chat's creation", until_final: true });
		for _ in 0..RETRIES {
			let ticket = self.ticket(&wire::create_chat_message(&genesis, &membership_key, &sealed_key)).await?;
			let params = api::runtime_types::pallet_chat::ChatParams { membership_key, sealed_key: sealed_key.clone() };
			match self.chain.submit_general(&api::tx().connector().create_chat(ticket, params)).await {
				Ok(included) => return Ok(event::<api::connector::events::ChatCreated>(&included)?.chat),
				Err(e) if stale_ticket(&e) => continue,
				Err(e) => return Err(e.into()),
			}
		}
		Err(ClientError::Contended)
	}

	/// The chat an interrupted `creation` created, if it did: the chat among the ids from
	/// the one read before it was submitted whose membership key is the creation's. Its
	/// transaction may still be on its way (the command stopped right after submitting
	/// it): a few blocks (at most a minute) are waited for before concluding that it was
	/// not created.
	async fn created_chat(&self, creation: &CreationRow) -> Result<Option<ChatId>> {
		let membership_key = creation.key.membership_key().public();
		let mut from = creation.first_chat;
		self.within_blocks(CREATION_SETTLES, async |best| {
			let end = self.chain.next_chat_id(Some(best)).await?;
			for chat in from..end {
				if self.chain.chat(chat, Some(best)).await?.is_some_and(|c| c.membership_key == membership_key) {
					return Ok(Some(chat));
				}
			}
			from = from.max(end);
			Ok(None)
		})
		.await
	}

	/// Sends the first invitations of `row`'s chat, to `invitees` (whose encryption keys
	/// are `keys`, in their order): general transactions authorized by the membership proof alone,
	/// from the chat's nonce on (the pool orders them), each record under a random tag,
	/// back to back; waits `until` they are in a block or final. One result per invitee.
	async fn send_first_invitations(
		&self,
		row: &ChatRow,
		invitees: &[AccountBytes],
		keys: &[[u8; 32]],
		until: Until,
	) -> Result<Vec<Result<()>>> {
		if invitees.is_empty() {
			return Ok(Vec::new());
		}
		let first = self.chain.chat(row.id, None).await?.ok_or(ClientError::UnknownChat(row.id))?.nonce;
		let parts = self.invitation_parts(row)?;
		let mut batch = self.chain.batch().await?;
		for ((nonce, who), who_key) in (first..).zip(invitees).zip(keys) {
			let (call, _claim) = self.invitation(row, nonce, who, who_key, &parts, crypto::random_32())?;
			batch.push(&call).await?;
		}
		let _waiting = self.waiting_for(Waiting::Block { what: "the invitations", until_final: until == Until::Final });
		Ok(match until {
			Until::InBlock => batch.finish_included().await.into_iter().map(|r| r.map(drop).map_err(Into::into)).collect(),
			Until::Final => batch.finish().await.into_iter().map(|r| r.map(drop).map_err(Into::into)).collect(),
		})
	}

	/// My chat `chat`, before a write of mine to it: refused if it is unknown, or if I
	/// left it (nothing of mine is written to a chat I left).
	fn writable_chat(&self, chat: ChatId) -> Result<ChatRow> {
		let row = self.store.chat(chat)?.ok_or(ClientError::UnknownChat(chat))?;
		if row.left {
			return Err(ClientError::LeftChat(chat));
		}
		Ok(row)
	}

	/// My chat `chat`, joined, with my part on chain, before a write of mine to it: a join
	/// an earlier command left unfinished (it was interrupted, or failed) is finished
	/// first, and a part of mine whose lease ended is replaced ([`Self::rejoin`]). Both
	/// under the submission lock, where the chat is read again: another process of mine
	/// may have done either meanwhile.
	async fn joined_chat(&mut self, chat: ChatId) -> Result<ChatRow> {
		let row = self.writable_chat(chat)?;
		if row.joined && self.my_part_lives(&row).await? {
			return Ok(row);
		}
		let lock = self.submitting().await?;
		let mut row = self.store.chat(chat)?.ok_or(ClientError::UnknownChat(chat))?;
		if row.joined && self.my_part_lives(&row).await? {
			// Another process of mine finished it meanwhile: nothing was written here.
			lock.release_unused();
			return Ok(row);
		}
		if !self.chat_lives(chat).await? {
			return Err(ClientError::ChatEnded(chat));
		}
		if !row.joined {
			self.join_chat(&mut row, Until::Final).await?;
		}
		// A part missing from the best chain may only be in a block that was abandoned,
		// its join back in the pool: it is re-joined only when it does not turn up.
		if !self.my_part_lives(&row).await? && !self.my_part_turns_up(&row, Until::InBlock).await {
			self.rejoin(&mut row).await?;
		}
		Ok(row)
	}

	/// Whether chat `chat` is on chain at the best block, its lease not ending with the
	/// next block.
	async fn chat_lives(&self, chat: ChatId) -> Result<bool> {
		let best = self.chain.best().await?;
		Ok(self.chain.chat(chat, Some(&best)).await?.is_some_and(|c| crate::renew::lives(c.expires, best.number)))
	}

	/// Whether my part of `row`'s chat is on chain at the best block, for this chat, its
	/// lease not ending with the next block.
	async fn my_part_lives(&self, row: &ChatRow) -> Result<bool> {
		let best = self.chain.best().await?;
		Ok(self.chain.part(&row.my_part, Some(&best)).await?.is_some_and(|p| {
			// Its owner section names this chat: a part of the same key that another device
			// of mine created since, for another chat, is not mine to write here.
			let for_this_chat = PartBlob::open_owner(&self.identity, &p.blob.0).is_ok_and(|s| s.chat == row.id);
			for_this_chat && crate::renew::lives(p.expires, best.number)
		}))
	}

	/// Joins `row`'s chat: my part, listing the parts I know, and my response, in one
	/// transaction, waited for `until` it is in a block or final; nothing when my part is
	/// on chain already (a join whose transaction was still pending when its command
	/// ended). A part of my key for another chat is another device's: the join takes the
	/// next key.
	pub(crate) async fn join_chat(&mut self, row: &mut ChatRow, until: Until) -> Result<()> {
		let parts = self.others_parts(row)?;
		if !self.is_my_part_of(&row.my_part, row.id).await? {
			// My join can be relayed first by anyone who saw it on its way, with a ticket
			// of theirs: mine is then refused by the pool, or dropped from it, but the part
			// on chain is mine, for this chat.
			if let Err(error) = self.submit_join(row, &parts, until).await {
				if !matches!(error, ClientError::Chain(_)) || !self.my_part_turns_up(row, until).await {
					return Err(error);
				}
			}
		}
		crash_point("join:submitted");
		self.store.set_joined(row.id, &row.my_part)?;
		row.joined = true;
		Ok(())
	}

	/// Submits the join of my part of `row`'s chat, listing `parts`, and waits `until` it
	/// is in a block or final.
	async fn submit_join(&self, row: &mut ChatRow, parts: &[PartId], until: Until) -> Result<()> {
		let mut batch = self.chain.batch().await?;
		self.push_join(&mut batch, row, parts).await?;
		let _waiting =
			self.waiting_for(Waiting::Block { what: "your part of the chat", until_final: until == Until::Final });
		let failed = match until {
			Until::Final => batch.finish().await.into_iter().find_map(|r| r.err()),
			Until::InBlock => batch.finish_included().await.into_iter().find_map(|r| r.err()),
		};
		failed.map_or(Ok(()), |error| Err(error.into()))
	}

	/// The invitations waiting for my answer.
	pub fn invitations(&self) -> Result<Vec<InvitationRow>> {
		Ok(self.store.pending_invitations()?)
	}

	/// Accepts invitation `id`: after a random pause (so that the join does not follow the
	/// invitation by a time an observer could match), joins its chat; returns once the join
	/// is in a block, or `until` that block is final. An accepted invitation whose join did
	/// not finish is joined again.
	pub async fn accept(&mut self, id: u64, until: Until) -> Result<ChatId> {
		let invitation = self.store.invitation(id)?.ok_or(ClientError::UnknownInvitation(id))?;
		if invitation.state == InvitationState::Declined {
			return Err(ClientError::DeclinedInvitation(id));
		}
		if let Some(row) = self.store.chat(invitation.chat)? {
			if row.left {
				return Err(ClientError::LeftChat(row.id));
			}
			if row.joined {
				return Err(ClientError::AlreadyAccepted(id));
			}
		}
		let _lock = self.submitting().await?;
		let (identity, me) = (&self.identity, self.me());
		let floor = self.part_index_floor().await?;
		let mut row = self.store.atomically(|s| {
			if let Some(row) = s.chat(invitation.chat)? {
				return Ok(row);
			}
			// A part key of mine, used for this chat only.
			let index = s.take_part_index(floor)?;
			let row = ChatRow {
				id: invitation.chat,
				kind: invitation.kind,
				key: invitation.key.clone(),
				my_part: identity.part_key(index).public(),
				my_part_index: index,
				joined: false,
				response_slot: invitation.nonce,
				response_claim: invitation.slot_claim.clone(),
				left: false,
			};
			s.add_chat(&row)?;
			s.add_part(&row.my_part, row.id, Some(&me))?;
			for part in &invitation.parts {
				s.add_part(part, row.id, None)?;
			}
			s.set_invitation_state(id, InvitationState::Accepted)?;
			s.settle_invitations(row.id)?;
			Ok(row)
		})?;
		crash_point("accept:stored");
		// Another device of mine that accepted already: its part, answering the same
		// claim, is mine here too. Reading the responses also learns the members who
		// joined since the invitation was sent: my blob lists them too.
		if let Some((part, index)) = self.other_device_part(&row).await? {
			self.store.atomically(|s| s.adopt_part(row.id, &part, index))?;
			return Ok(row.id);
		}
		self.pause("your part of the chat").await;
		// A join whose block is abandoned goes back into the node's pool and lands in the
		// new best chain.
		self.join_chat(&mut row, until).await?;
		Ok(row.id)
	}

	/// Declines invitation `id`: nothing is sent, and it is no longer listed.
	pub fn decline(&self, id: u64) -> Result<()> {
		let invitation = self.store.invitation(id)?.ok_or(ClientError::UnknownInvitation(id))?;
		match invitation.state {
			InvitationState::Accepted => return Err(ClientError::AlreadyAccepted(id)),
			InvitationState::Declined => return Err(ClientError::DeclinedInvitation(id)),
			InvitationState::Pending => {},
		}
		Ok(self.store.set_invitation_state(id, InvitationState::Declined)?)
	}

	/// Adds `invitee` to group `chat`: the chat actor checks my membership proof and sends
	/// the sealed invitation to the connector.
	pub async fn add_member(&mut self, chat: ChatId, invitee: &AccountBytes) -> Result<()> {
		// Refused before anything is written (a join finished, a part re-joined).
		let row = self.store.chat(chat)?.ok_or(ClientError::UnknownChat(chat))?;
		if row.kind != ChatKind::Group {
			return Err(ClientError::NotAGroup(chat));
		}
		if *invitee == self.me() {
			return Err(ClientError::SelfInvite);
		}
		if row.left {
			return Err(ClientError::LeftChat(chat));
		}
		// Who left a chat does not take invitations to it again (it keeps the chat, and
		// its client passes over invitations to a chat it has).
		// (On the stored rows: a message whose time came keeps its place there.)
		if leavers(&self.store.messages(chat)?).contains(invitee) {
			return Err(ClientError::MemberLeft(crate::address(invitee), chat));
		}
		if self.store.parts(chat)?.iter().any(|p| p.owner == Some(*invitee)) {
			return Err(ClientError::AlreadyMember(crate::address(invitee), chat));
		}
		let invitee_key = self.key_of(invitee).await?;
		let row = self.joined_chat(chat).await?;
		let _lock = self.submitting().await?;
		self.send_invitation(&row, invitee, &invitee_key, crypto::random_32()).await.map(drop)
	}

	/// The parts of `row`'s chat that my blob and my invitations list: every member part I
	/// know but mine (my part of it names itself, and a part of mine that ended, or that
	/// another device of mine left, is of no use to anyone).
	fn others_parts(&self, row: &ChatRow) -> Result<Vec<PartId>> {
		let me = self.me();
		Ok(self.store.parts(row.id)?.into_iter().filter(|p| p.owner != Some(me)).map(|p| p.part).collect())
	}

	/// The parts an invitation into `row`'s chat names: mine first, then the others I
	/// know, as many as a record holds (the invitee learns the rest from the members'
	/// listings).
	fn invitation_parts(&self, row: &ChatRow) -> Result<Vec<PartId>> {
		let mut parts = vec![row.my_part];
		parts.extend(self.others_parts(row)?);
		parts.truncate(Invitation::max_parts(self.chain.limits().record_len as usize));
		Ok(parts)
	}

	/// The call that invites `invitee` (whose encryption key is `invitee_key`) into
	/// `row`'s chat with the chat's nonce `nonce`, under `tag`, naming `parts`: my signed
	/// invitation sealed to the invitee, with the chat's membership proof, the whole
	/// authorization (no signer). With the invitation's claim on its response slot.
	fn invitation(
		&self,
		row: &ChatRow,
		nonce: u64,
		invitee: &AccountBytes,
		invitee_key: &[u8; 32],
		parts: &[PartId],
		tag: [u8; 32],
	) -> Result<(impl subxt::transactions::Payload, SlotClaim)> {
		let genesis = self.chain.genesis_hash();
		let invitation = Invitation::new(&self.identity, &genesis, row.kind, row.id, nonce, &row.key, *invitee, parts.to_vec());
		let claim = invitation.slot_claim();
		let sealed = invitation.seal(invitee_key, self.chain.limits().record_len as usize)?;
		let proof = row.key.membership_key().sign(&wire::add_member_message(&genesis, row.id, nonce, &sealed, &tag));
		Ok((api::tx().chat().add_member(row.id, nonce, sealed, tag, proof), claim))
	}

	/// Sends an invitation to `invitee` (whose encryption key is `invitee_key`) into
	/// `row`'s chat under `tag` with my membership proof, and waits for it to be final;
	/// returns the nonce it took, the response slot of the invitee's join, and the
	/// invitation's claim on it. The caller holds the submission lock.
	async fn send_invitation(
		&self,
		row: &ChatRow,
		invitee: &AccountBytes,
		invitee_key: &[u8; 32],
		tag: [u8; 32],
	) -> Result<(u64, SlotClaim)> {
		let chat = row.id;
		let parts = self.invitation_parts(row)?;
		for _ in 0..RETRIES {
			let state = self.chain.chat(chat, None).await?.ok_or(ClientError::UnknownChat(chat))?;
			let (call, claim) = self.invitation(row, state.nonce, invitee, invitee_key, &parts, tag)?;
			match self.chain.submit_general(&call).await {
				Ok(_) => return Ok((state.nonce, claim)),
				// Another member used the nonce first.
				Err(ChainError::Invalid(Invalidity::Stale)) => continue,
				Err(e) if matches!(e.module(), Some(api::Error::Chat(ChatError::StaleNonce))) => continue,
				Err(ChainError::Invalid(Invalidity::ExhaustsResources)) => return Err(ClientError::InvitationLimit(chat)),
				// The chat's invitations of today are sent: a renewal of the chat adds more.
				Err(ChainError::Invalid(Invalidity::Chat(ChatRefusal::AllowanceSpent))) =>
					self.top_up(chat, Lease::Chat(chat), "invitations").await?,
				Err(e) => return Err(e.into()),
			}
		}
		Err(ClientError::Contended)
	}

	/// Joins `row`'s chat again with a new part: my part of it is gone from the chain (its
	/// lease ended while nothing of mine ran to renew it), or full (a part rotation: the
	/// full part stays, read by every member, until its lease ends), and the chat lives.
	/// An invitation to myself,
	/// sent with the chat's membership key, takes the chat's next response slot, and a new
	/// part of mine answers it after a random pause, as an invitee's join does: every
	/// member learns my new part as they learn any join, and its listing, signed by my
	/// account, keeps me the sender. My messages of the old part stay in my database.
	///
	/// Resumable at every step: the new part key and the invitation's tag are kept before
	/// the invitation is sent ([`crate::store::Rejoining`]), the invitation is found again
	/// by its tag, and the join is finished like any join left unfinished. A part that
	/// another device of mine joined with already is taken as mine instead. The caller
	/// holds the submission lock, and has seen the chat live.
	async fn rejoin(&mut self, row: &mut ChatRow) -> Result<()> {
		let chat = row.id;
		if let Some((part, index)) = self.other_device_part(row).await? {
			self.store.atomically(|s| s.adopt_part(chat, &part, index))?;
			*row = self.store.chat(chat)?.ok_or(ClientError::UnknownChat(chat))?;
			return Ok(());
		}
		let rejoining = match self.store.rejoining(chat)? {
			Some(rejoining) => rejoining,
			None => {
				let floor = self.part_index_floor().await?;
				self.store.atomically(|s| s.begin_rejoin(chat, crypto::random_32(), floor))?
			},
		};
		let (slot, claim) = match self.self_invitation(row, &rejoining.tag).await? {
			Some(found) => found,
			None => {
				let me = self.me();
				self.send_invitation(row, &me, &self.identity.encryption_key(), rejoining.tag).await?
			},
		};
		let (identity, me) = (&self.identity, self.me());
		let part = identity.part_key(rejoining.index).public();
		self.store.atomically(|s| {
			s.rejoin(chat, &part, rejoining.index, slot, &claim)?;
			s.add_part(&part, chat, Some(&me))?;
			Ok(())
		})?;
		*row = self.store.chat(chat)?.ok_or(ClientError::UnknownChat(chat))?;
		self.pause("your new part of the chat").await;
		self.join_chat(row, Until::Final).await
	}

	/// The response slot of the invitation to myself under `tag` into `row`'s chat, and
	/// its claim, when it is final (a re-join interrupted after it was sent). One in a
	/// block that is not final yet is waited for: [`ClientError::Contended`], try again.
	async fn self_invitation(&self, row: &ChatRow, tag: &[u8; 32]) -> Result<Option<(u64, SlotClaim)>> {
		let genesis = self.chain.genesis_hash();
		let slot_at = |at| async move {
			for (_, record) in self.chain.records_by_tag(tag, &at).await? {
				let Some(plain) = self.identity.open_sealed(&record.payload.0) else { continue };
				match Invitation::decode_checked(&self.identity, &genesis, &plain) {
					Ok(inv) if inv.chat == row.id && inv.inviter == self.me() => return Ok(Some((inv.nonce, inv.slot_claim()))),
					_ => continue,
				}
			}
			Ok::<_, ClientError>(None)
		};
		if let Some(slot) = slot_at(self.chain.finalized().await?).await? {
			return Ok(Some(slot));
		}
		match slot_at(self.chain.best().await?).await? {
			Some(_) => Err(ClientError::Contended),
			None => Ok(None),
		}
	}

	/// A part of `row`'s chat, on chain and not ending, that another device of mine joined
	/// with (its blob seals the chat to me), with the index of its part key: found among
	/// the responses to the chat's invitations ([`Self::part_key_index`]).
	async fn other_device_part(&self, row: &ChatRow) -> Result<Option<(PartId, u32)>> {
		self.read_responses(row).await?;
		let best = self.chain.best().await?;
		let me = self.me();
		let candidates: Vec<PartId> = self
			.store
			.parts(row.id)?
			.into_iter()
			.filter(|p| p.part != row.my_part && p.owner.is_none_or(|owner| owner == me))
			.map(|p| p.part)
			.collect();
		// While my part of this chat lives (it is full: a rotation), only a part joined
		// after it is another device's successor of it; an earlier one is a part it
		// rotated from. Of those, the latest, and only one with room for a message.
		let for_this_chat = |blob: &[u8]| PartBlob::open_owner(&self.identity, blob).is_ok_and(|s| s.chat == row.id);
		let after = match self.chain.part(&row.my_part, Some(&best)).await? {
			Some(state) if for_this_chat(&state.blob.0) => Some(state.incarnation),
			_ => None,
		};
		let limits = self.chain.limits();
		let room = limits.part_quota.saturating_sub(limits.max_message_len + wire::MESSAGE_OVERHEAD);
		let mut latest: Option<(PartId, u64)> = None;
		for (part, state) in candidates.iter().zip(self.chain.parts(&candidates, &best).await?) {
			let Some(state) = state else { continue };
			let newer = after.is_none_or(|after| state.incarnation > after);
			if for_this_chat(&state.blob.0)
				&& newer && state.used <= room
				&& crate::renew::lives(state.expires, best.number)
				&& latest.is_none_or(|(_, incarnation)| state.incarnation > incarnation)
			{
				latest = Some((*part, state.incarnation));
			}
		}
		let Some((part, _)) = latest else { return Ok(None) };
		Ok(self.part_key_index(&part).await?.map(|index| (part, index)))
	}

	/// The index of my part key whose public key is `part`, among my part keys up to where
	/// a login stops trying ([`probe_end`]; another device of mine takes the same days'
	/// keys): `None` when it is not mine.
	pub(crate) async fn part_key_index(&self, part: &PartId) -> Result<Option<u32>> {
		let (epoch, _, _) = self.chain.ticket_epoch().await?;
		let end = probe_end(epoch, self.store.next_part_index()?);
		Ok((0..end).rev().find(|index| self.identity.part_key(*index).public() == *part))
	}

	/// Deletes my message `seq` of `chat`, for every member: `chat.delete_message`, signed
	/// by the key of the part that holds it (`part`, or whichever part of mine in the
	/// chat holds a message `seq`), frees its room in the part; every member's next sync
	/// drops it. The part's day of writes is topped up first if it is spent. Returns the
	/// part. Only a message a sync stored can be deleted; another member's is refused.
	pub async fn delete(&mut self, chat: ChatId, seq: u32, part: Option<PartId>) -> Result<PartId> {
		let row = self.writable_chat(chat)?;
		let me = self.me();
		// Numbers are per part: without `part`, SEQ names a message of mine.
		if let Some(part) = part {
			let owner = self.store.parts(chat)?.into_iter().find(|p| p.part == part).and_then(|p| p.owner);
			if owner.is_some_and(|owner| owner != me) {
				return Err(ClientError::NotYourMessage { chat, seq });
			}
		}
		let mine: Vec<PartId> = self
			.store
			.messages(chat)?
			.into_iter()
			.filter(|m| m.sender == me && m.seq == seq && part.is_none_or(|p| p == m.part))
			.map(|m| m.part)
			.collect();
		let part = match mine.as_slice() {
			[part] => *part,
			[] => return Err(ClientError::UnknownMessage { chat, seq }),
			_ => return Err(ClientError::AmbiguousMessage { chat, seq }),
		};
		let index = match part == row.my_part {
			true => row.my_part_index,
			false => self.part_key_index(&part).await?.ok_or(ClientError::NotYourMessage { chat, seq })?,
		};
		let _lock = self.submitting().await?;
		self.delete_on_chain(chat, &part, index, seq).await?;
		self.store.atomically(|s| {
			s.remove_message(chat, &part, seq)?;
			s.remove_expiring(&part, seq)
		})?;
		Ok(part)
	}

	/// Deletes message `seq` of my part `part` of `chat` (whose key is my part key number
	/// `index`) from the chain, topping up the part's day of writes first if it is spent.
	/// A message gone already is deleted. The caller holds the submission lock.
	pub(crate) async fn delete_on_chain(&mut self, chat: ChatId, part: &PartId, index: u32, seq: u32) -> Result<()> {
		let part = *part;
		let genesis = self.chain.genesis_hash();
		let part_key = self.identity.part_key(index);
		let (mut topped_up, mut waited) = (false, 0);
		loop {
			let best = self.chain.best().await?;
			let state = self.chain.part(&part, Some(&best)).await?.ok_or(ClientError::PartMissing(chat))?;
			let (epoch, _, _) = self.chain.ticket_epoch().await?;
			if !topped_up && !self.chain.limits().part_allows(&state.usage, epoch, 1, 0) {
				self.top_up(chat, Lease::Part(part), "writes").await?;
				topped_up = true;
				continue;
			}
			let action = PartAction::DeleteMessage { incarnation: state.incarnation, nonce: state.nonce, seq };
			let signature = part_key.sign(&wire::part_message(&genesis, &part, &action));
			match self.chain.submit_general(&api::tx().chat().delete_message(part, state.nonce, seq, signature)).await {
				Ok(_) => break,
				// Gone on chain already (deleted from another device): gone here too.
				Err(ChainError::Invalid(Invalidity::Chat(ChatRefusal::UnknownMessage))) => break,
				// Another device of mine wrote to the part since it was read.
				Err(ChainError::Invalid(Invalidity::Stale)) if waited < RETRIES => {
					waited += 1;
					continue;
				},
				// Right after a top-up the pool may still check against the block before it.
				Err(ChainError::Invalid(Invalidity::Chat(ChatRefusal::AllowanceSpent))) if topped_up && waited < RETRIES => {
					waited += 1;
					tokio::time::sleep(std::time::Duration::from_secs(1)).await;
					continue;
				},
				Err(e) => return Err(e.into()),
			}
		}
		Ok(())
	}

	/// The longest text that fits in one message.
	pub fn max_text_len(&self) -> usize {
		// The chat pallet's MaxMessageLen bounds the ciphertext.
		let max_ciphertext = self.chain.limits().max_message_len as usize;
		let mut len = max_ciphertext.saturating_sub(crypto::AEAD_OVERHEAD);
		while len > 0 && Message::sealed_len(len) > max_ciphertext {
			len -= 1;
		}
		len
	}

	/// Sends `text` to `chat`: encrypted under the chat key into my own part, signed by
	/// my part key for the part's next sequence number. Returns once the message is in a
	/// block of the best chain, kept as unconfirmed; [`Session::confirm`] waits for it to
	/// be final (or the next sync finds it so).
	pub async fn send(&mut self, chat: ChatId, text: &str) -> Result<Sent> {
		if text.is_empty() {
			return Err(ClientError::EmptyMessage);
		}
		let max = self.max_text_len();
		if text.len() > max {
			return Err(ClientError::MessageTooLong { len: text.len(), max });
		}
		self.post(chat, Body::Text(text.to_string())).await
	}

	/// Leaves `chat`: my last message to it says so ([`Body::Left`]); the chat is marked
	/// left as it is posted (taken back if it is not delivered). Nothing of mine is
	/// written to it after but the deletion of my messages whose time to disappear came:
	/// no message, no invitation, no renewal of my part or of the chat (my part ends with
	/// its lease, so members read its history and my leaving until then), and it is no
	/// longer read. Its history stays. A chat that ended on chain is only marked left.
	/// Another device of mine, or a login, leaves it too when its sync reads that message.
	pub async fn leave(&mut self, chat: ChatId) -> Result<()> {
		let row = self.writable_chat(chat)?;
		// Not joined, and no part of mine on chain (an invitation accepted, or a creation,
		// left unfinished before the join): nobody counts me a member, and none is made.
		if !row.joined && !self.my_part_lives(&row).await? {
			return Ok(self.store.set_left(chat, true)?);
		}
		// `post` marks the chat left as it posts, under the submission lock, so that no
		// other process of mine writes to it after my `Left`.
		match self.post(chat, Body::Left).await {
			Ok(sent) => match self.confirm(sent).await {
				Ok(_) => Ok(()),
				// Not delivered: I am still a member, and may try again. (Any other error,
				// a lost connection say, leaves the chat left: the `Left` may be final.)
				Err(e @ ClientError::NotDelivered { .. }) => {
					self.store.set_left(chat, false)?;
					Err(e)
				},
				Err(e) => Err(e),
			},
			Err(ClientError::ChatEnded(_)) => Ok(self.store.set_left(chat, true)?),
			Err(e) => Err(e),
		}
	}

	/// Sets the disappearing-messages timer of `chat` for every member: the texts sent
	/// after it (by anyone) disappear `timer` seconds after they were sent; `None` turns it
	/// off. Posted as a message ([`Body::Timer`]), so every member shows who set it; the
	/// latest in chain order rules.
	pub async fn set_timer(&mut self, chat: ChatId, timer: Option<u32>) -> Result<Sent> {
		if let Some(seconds) = timer {
			if !wire::TIMER_RANGE.contains(&seconds) {
				return Err(ClientError::BadTimer(format!(
					"a timer runs from {} to {}",
					crate::timer_name(Some(*wire::TIMER_RANGE.start())),
					crate::timer_name(Some(*wire::TIMER_RANGE.end()))
				)));
			}
		}
		self.post(chat, Body::Timer(timer)).await
	}

	/// Posts a message saying `body` into my part of `chat` (see [`Session::send`]). A
	/// text disappears as the chat's timer says ([`chat_timer`]), as far as this device
	/// knows it.
	async fn post(&mut self, chat: ChatId, body: Body) -> Result<Sent> {
		let mut row = self.joined_chat(chat).await?;
		// Held from reading the sequence number to its inclusion, so a second send from
		// this profile waits and encrypts for the next one.
		let _lock = self.submitting().await?;
		// Another process of mine may have left the chat meanwhile.
		if self.store.chat(chat)?.is_some_and(|row| row.left) {
			return Err(ClientError::LeftChat(chat));
		}
		let mut best = self.chain.best().await?;
		let mut part = self.chain.part(&row.my_part, Some(&best)).await?.ok_or(ClientError::PartMissing(chat))?;
		let disappears_after = match body {
			Body::Text(_) => chat_timer(&self.messages(chat)?).and_then(|(timer, _)| timer),
			_ => None,
		};
		let message = Message::new(now_ms(), body).disappearing(disappears_after);
		let mut ciphertext = message.seal(&row.key, &row.my_part, part.next_seq)?;
		let limits = self.chain.limits();
		let footprint = ciphertext.len() as u32 + wire::MESSAGE_OVERHEAD;
		if part.used.saturating_add(footprint) > limits.part_quota {
			// A full part hands over to a fresh one: a new part of mine joins the chat as a
			// re-join does, and the message goes there. Its listing keeps me the sender, and
			// members read both parts, in chain order.
			self.rejoin(&mut row).await?;
			best = self.chain.best().await?;
			part = self.chain.part(&row.my_part, Some(&best)).await?.ok_or(ClientError::PartMissing(chat))?;
			if part.used.saturating_add(footprint) > limits.part_quota {
				return Err(ClientError::PartFull { chat, quota: limits.part_quota });
			}
			ciphertext = message.seal(&row.key, &row.my_part, part.next_seq)?;
		}
		let genesis = self.chain.genesis_hash();
		let part_key = self.identity.part_key(row.my_part_index);

		// One message in [`BLOB_SHARE`], drawn from my secret per part and sequence number,
		// carries a rewrite of my blob, listing every member I know then (for members who
		// missed a response): whether or not I learned anyone since, so that rewrites tell
		// nothing of joins. Reading never writes, so nothing moves on chain in reaction to
		// someone else's join. (Leases are renewed on a schedule of their own, never with a
		// write: see `crate::renew`.)
		let blob = match carries_blob(&self.identity, &row.my_part, part.next_seq) {
			true => {
				let others = self.others_parts(&row)?;
				Some(PartBlob::seal(&self.identity, &genesis, &row.my_part, row.kind, chat, &row.key, &others)?)
			},
			false => None,
		};

		// Today's writes of my part are counted: when they are used up, a renewal of the
		// part (a ticket) adds more, and must be in a block before the writes it pays for
		// are checked against it.
		let (epoch, _, _) = self.chain.ticket_epoch().await?;
		let writes = 1 + u32::from(blob.is_some());
		let bytes = ciphertext.len() + blob.as_ref().map_or(0, Vec::len);
		if !limits.part_allows(&part.usage, epoch, writes, bytes) {
			self.top_up(chat, Lease::Part(row.my_part), "writes").await?;
			best = self.chain.best().await?;
			part = self.chain.part(&row.my_part, Some(&best)).await?.ok_or(ClientError::PartMissing(chat))?;
		}

		// Right after a top-up, the node's transaction pool may still check against the
		// block before it for a moment: an allowance refusal then is tried again shortly.
		let mut waited = 0;
		let (batch, posted_with) = loop {
			let lagging = |e: &ChainError| {
				matches!(e, ChainError::Invalid(Invalidity::Chat(ChatRefusal::AllowanceSpent)))
			};
			let mut batch = self.chain.batch().await?;
			if let Some(blob) = &blob {
				let signature =
					part_key.sign(&wire::part_message(&genesis, &row.my_part, &PartAction::set_blob(part.incarnation, part.nonce, blob)));
				let call = api::tx().chat().set_part_blob(row.my_part, part.nonce, blob.clone(), signature);
				match batch.push(&call).await {
					Err(e) if lagging(&e) && waited < RETRIES => {
						waited += 1;
						tokio::time::sleep(std::time::Duration::from_secs(1)).await;
						continue;
					},
					other => other?,
				}
			}
			let action = PartAction::post_message(part.incarnation, part.next_seq, &ciphertext);
			let signature = part_key.sign(&wire::part_message(&genesis, &row.my_part, &action));
			let posted_with = batch.len();
			match batch.push(&api::tx().chat().post_message(row.my_part, part.next_seq, ciphertext.clone(), signature)).await {
				Err(ChainError::Invalid(Invalidity::Chat(ChatRefusal::QuotaExceeded))) =>
					return Err(ClientError::PartFull { chat, quota: limits.part_quota }),
				Err(e) if lagging(&e) && batch.is_empty() && waited < RETRIES => {
					waited += 1;
					tokio::time::sleep(std::time::Duration::from_secs(1)).await;
					continue;
				},
				// Another device of mine wrote to the part since it was read.
				Err(e) if lagging(&e) => return Err(ClientError::Contended),
				other => other?,
			}
			break (batch, posted_with);
		};
		let mut results = batch.finish_included().await;
		let in_block = results.remove(posted_with)?;
		// The blob's own result is not needed: one that could not be rewritten is written
		// again with the next message drawn for it; the message went through either way. (So is a blob whose block is
		// abandoned: the members it lists still learn each other from their responses.)
		check_posted(&in_block.included, part.next_seq)?;
		let sent = MessageRow {
			part: row.my_part,
			seq: part.next_seq,
			chat,
			block: in_block.included.block,
			sender: self.me(),
			sent_at: message.sent_at,
			expires_at: message.expires_at(),
			body: message.body,
			confirmed: false,
		};
		let leaving = sent.body == Body::Left;
		self.store.atomically(|s| {
			s.add_unconfirmed(&sent, &in_block.hash)?;
			s.add_expiring(&sent)?;
			if leaving {
				s.set_left(chat, true)?;
			}
			Ok(())
		})?;
		Ok(Sent { message: sent, finality: in_block.finality })
	}

	/// Waits until a sent message is final and stores it so. A message whose block was
	/// abandoned and that did not make it into another one is [`ClientError::NotDelivered`]
	/// and forgotten. Not waiting is fine too: the next sync settles it either way.
	pub async fn confirm(&mut self, sent: Sent) -> Result<MessageRow> {
		let Sent { mut message, finality } = sent;
		let included = match finality.wait().await {
			Ok(included) => included,
			Err(ChainError::Refused(reason)) => {
				self.store.remove_unconfirmed(&message.part, message.seq)?;
				return Err(ClientError::NotDelivered { chat: message.chat, reason });
			},
			Err(e) => return Err(e.into()),
		};
		check_posted(&included, message.seq)?;
		message.block = included.block;
		message.confirmed = true;
		self.store.atomically(|s| {
			s.add_message(&message)?;
			s.remove_unconfirmed(&message.part, message.seq)
		})?;
		Ok(message)
	}

	/// Rebuilds my chats from the chain: my parts, found by trying my part keys of every
	/// day since the chain began ([`PART_KEYS_PER_EPOCH`]; no index on chain says which
	/// parts are mine), carry each chat's id and key sealed to me; then a full sync reads
	/// records, members and messages.
	pub async fn restore(&mut self) -> Result<(Vec<ChatId>, SyncReport)> {
		let at = self.chain.finalized().await?;
		let (epoch, _, _) = self.chain.ticket_epoch().await?;
		let mut found: Vec<(u32, PartId, crate::chain::PartInfo)> = Vec::new();
		let (mut next, mut used) = (0u32, 0u32);
		while next < probe_end(epoch, used) {
			let indices: Vec<u32> = (next..probe_end(epoch, used).min(next.saturating_add(PROBE_BATCH))).collect();
			let ids: Vec<PartId> = indices.iter().map(|i| self.identity.part_key(*i).public()).collect();
			for ((index, id), state) in indices.iter().zip(&ids).zip(self.chain.parts(&ids, &at).await?) {
				if let Some(state) = state {
					found.push((*index, *id, state));
				}
			}
			next = next.saturating_add(indices.len() as u32);
			used = found.last().map_or(0, |(index, _, _)| index + 1);
		}
		self.store.raise_part_index(used)?;

		let genesis = self.chain.genesis_hash();
		let me = self.me();
		let mut chats = Vec::new();
		// Oldest part first: a chat where I rotated parts keeps the newest as mine.
		for (index, part, state) in found {
			let Ok(secret) = PartBlob::open_owner(&self.identity, &state.blob.0) else { continue };
			let key = ChatKey::from_bytes(secret.chat_key);
			let listing = PartBlob::open_listing(&key, &genesis, secret.chat, &part, &state.blob.0).ok();
			let row = ChatRow {
				id: secret.chat,
				kind: secret.kind,
				key,
				my_part: part,
				my_part_index: index,
				joined: true,
				// Only an unfinished join uses the slot and claim, and this part is on chain.
				response_slot: wire::CREATOR_RESPONSE,
				response_claim: None,
				left: false,
			};
			self.store.atomically(|s| {
				if !s.add_chat(&row)? {
					s.set_my_part(row.id, &part, index)?;
				}
				s.add_part(&part, row.id, Some(&me))?;
				for other in listing.iter().flat_map(|l| &l.parts) {
					s.add_part(other, row.id, None)?;
				}
				Ok(())
			})?;
			if !chats.contains(&secret.chat) {
				chats.push(secret.chat);
			}
		}
		let report = self.sync(|_, _| {}).await?;
		Ok((chats, report))
	}

	/// My chats with their members, unread count and last message.
	pub fn chats(&self) -> Result<Vec<ChatSummary>> {
		self.chats_with(None)
	}

	/// [`Session::chats`], counting in the messages of others a live view shows before
	/// they are final.
	pub fn chats_with(&self, live: Option<&Live>) -> Result<Vec<ChatSummary>> {
		let me = self.me();
		let mut out = Vec::new();
		for row in self.store.chats()? {
			let messages = self.messages_with(row.id, live)?;
			let left = leavers(&messages);
			let mut members: Vec<String> = Vec::new();
			for part in self.store.parts(row.id)?.into_iter().filter(|p| p.owner.is_none_or(|owner| !left.contains(&owner))) {
				// A part without an owner is either only named so far (its listing not read
				// yet) or a member's whose listing stopped verifying.
				let name = match (part.owner, part.verified) {
					(Some(owner), _) => self.name(&owner),
					(None, false) => "(joining)".into(),
					(None, true) => "(unverified)".into(),
				};
				if !members.contains(&name) {
					members.push(name);
				}
			}
			let read = self.store.read_mark(row.id)?;
			out.push(ChatSummary {
				chat: row.id,
				kind: match row.kind {
					ChatKind::Pair => "pair",
					ChatKind::Group => "group",
				},
				joined: row.joined,
				left: row.left,
				disappearing: chat_timer(&messages).and_then(|(timer, _)| timer),
				members,
				messages: messages.len(),
				unread: messages.iter().filter(|m| m.sender != me && read.is_none_or(|r| m.block > r)).count(),
				last: messages.last().map(|m| match &m.body {
					Body::Text(text) => format!("{}: {text}", self.name(&m.sender)),
					other => format!("{} {}", self.name(&m.sender), deed(other)),
				}),
			});
		}
		Ok(out)
	}

	/// Marks `chat` read up to block `block` (the block of the last message the user
	/// saw): its messages there and before no longer count as unread. Only the local
	/// database changes.
	pub fn mark_read(&self, chat: ChatId, block: u32) -> Result<()> {
		self.store.chat(chat)?.ok_or(ClientError::UnknownChat(chat))?;
		Ok(self.store.mark_read(chat, block)?)
	}

	/// A chat's messages in chain order, mine that are not final yet among them
	/// (`confirmed` false).
	pub fn messages(&self, chat: ChatId) -> Result<Vec<MessageRow>> {
		self.messages_with(chat, None)
	}

	/// [`Session::messages`] with the messages of others that `live` shows before they
	/// are final (`confirmed` false).
	pub fn messages_with(&self, chat: ChatId, live: Option<&Live>) -> Result<Vec<MessageRow>> {
		self.store.chat(chat)?.ok_or(ClientError::UnknownChat(chat))?;
		let mut messages = self.store.messages(chat)?;
		messages.extend(self.store.unconfirmed(Some(chat))?.into_iter().map(|(m, _)| m));
		if let Some(live) = live {
			// A message the view shows unconfirmed may be final and stored by now.
			let stored: std::collections::HashSet<(PartId, u32)> = messages.iter().map(|m| (m.part, m.seq)).collect();
			messages.extend(live.unconfirmed(chat).filter(|m| !stored.contains(&(m.part, m.seq))).cloned());
		}
		messages.sort_by(|a, b| (a.block, a.sent_at, a.part, a.seq).cmp(&(b.block, b.sent_at, b.part, b.seq)));
		// Those whose time came since the last sync dropped them are not shown either.
		let now = now_ms();
		messages.retain(|m| m.expires_at.is_none_or(|at| at > now));
		Ok(messages)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_member_whose_last_message_is_a_leaving_has_left() {
		let message = |sender: u8, body: Body| MessageRow {
			part: [sender; 32],
			seq: 0,
			chat: 1,
			block: 1,
			sender: [sender; 32],
			sent_at: 0,
			body,
			expires_at: None,
			confirmed: true,
		};
		let text = || Body::Text("hi".into());
		// 1 left; 2 left and wrote again (invited again); 3 never left.
		let messages =
			[message(1, text()), message(2, Body::Left), message(1, Body::Left), message(3, text()), message(2, text())];
		assert_eq!(leavers(&messages), vec![[1; 32]]);
		assert!(leavers(&messages[..3]).len() == 2 && leavers(&[]).is_empty());
	}

	#[test]
	fn one_message_in_eight_rewrites_the_blob_whatever_happened() {
		let alice = Identity::from_suri("//Alice").unwrap();
		let part = [5; 32];
		let carrying: Vec<u32> = (0..8_000).filter(|&seq| carries_blob(&alice, &part, seq)).collect();
		// About 1,000, and not on a fixed stride.
		assert!((850..1150).contains(&carrying.len()), "{}", carrying.len());
		let strides: std::collections::BTreeSet<u32> = carrying.windows(2).map(|w| w[1] - w[0]).collect();
		assert!(strides.len() > 10, "{strides:?}");
		// Every device of mine draws the same; another user or another part draws otherwise.
		let again = Identity::from_suri("//Alice").unwrap();
		assert!((0..8_000).all(|seq| carries_blob(&again, &part, seq) == carrying.contains(&seq)));
		let bob = Identity::from_suri("//Bob").unwrap();
		assert_ne!(carrying, (0..8_000).filter(|&seq| carries_blob(&bob, &part, seq)).collect::<Vec<_>>());
		assert_ne!(carrying, (0..8_000).filter(|&seq| carries_blob(&alice, &[6; 32], seq)).collect::<Vec<_>>());
	}

	/// A login tries every day's part keys up to today's, however long ago the last part
	/// that still lives was taken, and on past today's while parts keep turning up.
	#[test]
	fn a_login_tries_every_days_part_keys() {
		// Day 0 of a chain: the first two days' keys, so a gap of 100 unused keys after
		// the first parts hides nothing; past them, the gap after the last part found.
		assert_eq!(probe_end(0, 0), 2 * PART_KEYS_PER_EPOCH);
		assert!(probe_end(0, 6) > 6 + 100);
		assert_eq!(probe_end(0, 100), 100 + PROBE_GAP);
		// A year on, with my only live part taken on day 200 after every earlier part
		// ended: found, whatever the gap before it.
		let part_of_day_200 = first_part_index(200) + 3;
		assert!(probe_end(365, 0) > part_of_day_200);
		// A day whose keys ran over into the next day's: the search goes on past today.
		let ran_over = first_part_index(366) + 5;
		assert!(probe_end(365, 0) > ran_over);
		let far = first_part_index(367) + 5;
		assert_eq!(probe_end(365, far + 1), far + 1 + PROBE_GAP);
		// Keys taken on a later day never fall below that day's first.
		let store = crate::store::Store::in_memory().unwrap();
		assert_eq!(store.take_part_index(first_part_index(3)).unwrap(), 3 * PART_KEYS_PER_EPOCH);
	}
}
