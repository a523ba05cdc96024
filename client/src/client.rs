//! The user-level flows: register, create pair and group chats, add members, send, sync
//! (scan the connector, answer invitations, read responses and messages), and rebuild
//! everything from the chain after `login`.

use std::collections::{HashMap, HashSet};

use crate::{
	chain::{api, BlockRef, Chain, ChainError, Invalidity, Ticket, TicketRefusal},
	crypto::{self, AccountBytes, ChatKey, Identity},
	profile::{ProfileError, SubmitGuard, SubmitLock},
	scan::Scanner,
	store::{ChatRow, MessageRow, Store, StoreError},
	wire::{self, ChatId, ChatKind, Invitation, Message, PartBlob, PartId, Response, WireError},
};

/// Records fetched per request (the connector's `MaxPageLen`).
pub const RECORD_PAGE: u32 = 2048;
/// Messages fetched per request (the chat pallet's `MaxPageLen`).
const MESSAGE_PAGE: u32 = 1000;
/// How often adding a member is retried when another member used the chat's nonce first.
const NONCE_RETRIES: usize = 5;

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
	#[error("chat {0} is still being set up; run `sealchat sync` to finish")]
	NotJoined(ChatId),
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
	#[error("your part of chat {0} is missing on chain")]
	PartMissing(ChatId),
	#[error("the chat's nonce kept changing while adding the member (other members are adding too); try again")]
	Contended,
	#[error("your registration is waiting to join the ring of users (keys join in batches, within minutes); try again shortly")]
	NotInRingYet,
	#[error("you have used all {per_epoch} anonymous operations of today; more from block {next_epoch}")]
	NoTicketsLeft { per_epoch: u32, next_epoch: u32 },
	#[error("chat {0} has sent all the invitations a chat may send")]
	InvitationLimit(ChatId),
	#[error("unexpected chain answer: {0}")]
	Unexpected(String),
}

type Result<T> = std::result::Result<T, ClientError>;

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
			ClientError::NotJoined(_) => "not_joined",
			ClientError::NotAGroup(_) => "not_a_group",
			ClientError::MessageTooLong { .. } => "message_too_long",
			ClientError::EmptyMessage => "empty_message",
			ClientError::SelfInvite => "self_invite",
			ClientError::AlreadyMember(..) => "already_member",
			ClientError::BadAddress(_) => "bad_address",
			ClientError::NoInvitees => "no_invitees",
			ClientError::PartMissing(_) => "part_missing",
			ClientError::Contended => "contended",
			ClientError::NotInRingYet => "not_in_ring_yet",
			ClientError::NoTicketsLeft { .. } => "no_tickets_left",
			ClientError::InvitationLimit(_) => "invitation_limit",
			ClientError::Unexpected(_) => "unexpected",
		}
	}
}

/// A created chat.
#[derive(Debug, serde::Serialize)]
pub struct Created {
	pub chat: ChatId,
	/// Invitees that were invited, and those whose invitation failed, with the reason.
	pub invited: Vec<String>,
	pub failed: Vec<(String, String)>,
}

/// What a sync did.
#[derive(Debug, Default)]
pub struct SyncReport {
	/// The finalized block it read.
	pub block: u32,
	/// Connector records read (tagged and untagged).
	pub records_scanned: u64,
	/// Untagged records trial-decrypted.
	pub records_trial_opened: u64,
	/// Records that expired before this client could read them.
	pub records_expired: u64,
	/// Chats joined from invitations found.
	pub joined: Vec<ChatId>,
	/// Invitations ignored: forged, misdirected, or replayed.
	pub invitations_rejected: u64,
	/// New member parts learned.
	pub new_members: u64,
	/// New messages, in chain order.
	pub messages: Vec<MessageRow>,
	/// Messages that did not decrypt (not from this chat, or tampered).
	pub unreadable_messages: u64,
	/// Chats accepted but not yet joined, with the reason (retried at the next sync).
	pub join_errors: Vec<(ChatId, String)>,
}

/// A summary of one chat.
#[derive(Debug, serde::Serialize)]
pub struct ChatSummary {
	pub chat: ChatId,
	pub kind: &'static str,
	pub joined: bool,
	pub members: Vec<String>,
	pub messages: usize,
	pub last: Option<String>,
}

/// A user's session: identity, local database and node connection.
pub struct Session {
	pub identity: Identity,
	pub store: Store,
	pub chain: Chain,
	scanner: Scanner,
	record_page: u32,
	submit_lock: SubmitLock,
}

fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_millis() as u64)
		.unwrap_or(0)
}

fn event<E: subxt::events::DecodeAsEvent>(included: &crate::chain::Included) -> Result<E> {
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
		Ok(Self { identity, store, chain, scanner: Scanner::new(threads), record_page: RECORD_PAGE, submit_lock })
	}

	/// Takes the profile's submission lock, waiting while another process holds it.
	async fn submitting(&self) -> Result<SubmitGuard> {
		let lock = self.submit_lock.clone();
		Ok(tokio::task::spawn_blocking(move || lock.acquire())
			.await
			.map_err(|e| ClientError::Unexpected(format!("waiting for the profile's lock: {e}")))??)
	}

	/// Sets how many records one request fetches (at most [`RECORD_PAGE`]).
	pub fn set_record_page(&mut self, records: u32) {
		self.record_page = records.clamp(1, RECORD_PAGE);
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

	/// Publishes my encryption key in the connector; `false` when it was already there.
	pub async fn register(&self) -> Result<bool> {
		let _lock = self.submitting().await?;
		let keys = self.chain.encryption_keys(&self.me()).await?;
		if keys.last().map(|k| k.key) == Some(self.identity.encryption_key()) {
			return Ok(false);
		}
		let call = api::tx().connector().register_key(self.identity.encryption_key(), self.identity.ring_key());
		self.chain.submit(&self.identity, &call).await?;
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

	/// A ticket of the ring of users for a call summed up by `message`: the first slot of
	/// this epoch that I have not spent, proved against my ring's current root. Proving
	/// takes about two seconds.
	async fn ticket(&self, message: &[u8]) -> Result<Ticket> {
		use crate::chain::RingPlacement;
		let ring = match self.chain.ring_placement(&self.identity.ring_key()).await? {
			Some(RingPlacement::InRing { ring, .. }) => ring,
			Some(RingPlacement::Queued) => return Err(ClientError::NotInRingYet),
			None => return Err(ClientError::NotRegistered(crate::address(&self.me()))),
		};
		let (revision, members) = self.chain.ring_members(ring).await?;
		let (epoch, next_epoch, per_epoch) = self.chain.ticket_epoch().await?;
		let mut unspent = None;
		for slot in 0..per_epoch {
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
		Ok(Ticket {
			ring,
			revision,
			epoch,
			slot,
			alias,
			proof: api::runtime_types::bounded_collections::bounded_vec::BoundedVec(proof),
		})
	}

	/// Creates a chat with `invitees` (one for a pair chat) and invites them.
	pub async fn create_chat(&mut self, kind: ChatKind, invitees: &[AccountBytes]) -> Result<Created> {
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
		let _lock = self.submitting().await?;
		self.ensure_registered().await?;
		let mut keys = Vec::new();
		for who in &unique {
			keys.push(self.key_of(who).await?);
		}

		// Created with a ticket, by a transaction with no signer: nothing on chain says who.
		let key = ChatKey::generate();
		let genesis = self.chain.genesis_hash();
		let membership_key = key.membership_key().public();
		let sealed_key = crypto::seal(key.expose(), &self.identity.encryption_key())?;
		let mut included = None;
		for _ in 0..NONCE_RETRIES {
			let ticket = self.ticket(&wire::create_chat_message(&genesis, &membership_key, &sealed_key)).await?;
			let params = api::runtime_types::pallet_chat::ChatParams { membership_key, sealed_key: sealed_key.clone() };
			match self.chain.submit_general(&api::tx().connector().create_chat(ticket, params)).await {
				Ok(done) => {
					included = Some(done);
					break;
				},
				// The ring took in a batch or the epoch turned while proving: prove again.
				Err(ChainError::Invalid(Invalidity::Ticket(TicketRefusal::StaleRoot | TicketRefusal::WrongEpoch))) =>
					continue,
				Err(e) => return Err(e.into()),
			}
		}
		let included = included.ok_or(ClientError::Contended)?;
		let chat = event::<api::connector::events::ChatCreated>(&included)?.chat;

		let my_part = crypto::random_32();
		let me = self.me();
		self.store.atomically(|s| {
			s.add_chat(&ChatRow { id: chat, kind, key: key.clone(), my_part, joined: false, join_nonce: None, listed: 0 })?;
			s.add_part(&my_part, chat, Some(&me))?;
			Ok(())
		})?;

		let blob = PartBlob::seal(&self.identity, &my_part, kind, chat, &key, &[])?;
		let mut batch = self.chain.batch(&self.identity).await?;
		batch.push(&api::tx().chat().create_part(my_part, blob)).await?;
		// The invitations: general transactions authorized by the membership proof alone,
		// nonces 0, 1, ... (the pool orders them).
		let membership = key.membership_key();
		for (nonce, (who, who_key)) in unique.iter().zip(&keys).enumerate() {
			let invitation = Invitation::new(&self.identity, kind, chat, nonce as u64, &key, *who, vec![my_part])
				.seal(who_key)?;
			let proof = membership.sign(&wire::add_member_message(&genesis, chat, nonce as u64, &invitation, &None));
			let call = api::tx().chat().add_member(chat, nonce as u64, invitation, None, proof);
			batch.push_general(&call).await?;
		}
		let mut results = batch.finish().await.into_iter();
		results.next().expect("create_part was pushed first; qed")?;
		self.store.set_joined(chat)?;

		let mut created = Created { chat, invited: Vec::new(), failed: Vec::new() };
		for (who, result) in unique.iter().zip(results) {
			match result {
				Ok(_) => created.invited.push(crate::address(who)),
				Err(e) => created.failed.push((crate::address(who), e.to_string())),
			}
		}
		Ok(created)
	}

	fn joined_chat(&self, chat: ChatId) -> Result<ChatRow> {
		let row = self.store.chat(chat)?.ok_or(ClientError::UnknownChat(chat))?;
		if !row.joined {
			return Err(ClientError::NotJoined(chat));
		}
		Ok(row)
	}

	/// Adds `invitee` to group `chat`: the chat actor checks my membership proof and sends
	/// the sealed invitation to the connector.
	pub async fn add_member(&mut self, chat: ChatId, invitee: &AccountBytes) -> Result<()> {
		let row = self.joined_chat(chat)?;
		if row.kind != ChatKind::Group {
			return Err(ClientError::NotAGroup(chat));
		}
		if *invitee == self.me() {
			return Err(ClientError::SelfInvite);
		}
		let parts = self.store.parts(chat)?;
		if parts.iter().any(|p| p.owner == Some(*invitee)) {
			return Err(ClientError::AlreadyMember(crate::address(invitee), chat));
		}
		let invitee_key = self.key_of(invitee).await?;
		let _lock = self.submitting().await?;
		let mut part_ids = vec![row.my_part];
		part_ids.extend(parts.iter().map(|p| p.part).filter(|p| *p != row.my_part));
		let membership = row.key.membership_key();

		let genesis = self.chain.genesis_hash();
		for _ in 0..NONCE_RETRIES {
			let state = self.chain.chat(chat, None).await?.ok_or(ClientError::UnknownChat(chat))?;
			let invitation =
				Invitation::new(&self.identity, row.kind, chat, state.nonce, &row.key, *invitee, part_ids.clone())
					.seal(&invitee_key)?;
			let proof = membership.sign(&wire::add_member_message(&genesis, chat, state.nonce, &invitation, &None));
			let call = api::tx().chat().add_member(chat, state.nonce, invitation, None, proof);
			// No signer: the membership proof is the whole authorization.
			match self.chain.submit_general(&call).await {
				Ok(_) => return Ok(()),
				// Another member used the nonce first.
				Err(ChainError::Invalid(Invalidity::Stale)) => continue,
				Err(e) if e.is("Chat", "StaleNonce") => continue,
				Err(ChainError::Invalid(Invalidity::ExhaustsResources)) => return Err(ClientError::InvitationLimit(chat)),
				Err(e) => return Err(e.into()),
			}
		}
		Err(ClientError::Contended)
	}

	/// The longest text that fits in one message.
	pub fn max_text_len(&self) -> usize {
		// The chat pallet's MaxMessageLen bounds the ciphertext.
		const MAX_CIPHERTEXT: usize = 4096;
		let mut len = MAX_CIPHERTEXT - crypto::AEAD_OVERHEAD;
		while Message::sealed_len(len) > MAX_CIPHERTEXT {
			len -= 1;
		}
		len
	}

	/// Sends `text` to `chat`: encrypted under the chat key into my own part.
	pub async fn send(&mut self, chat: ChatId, text: &str) -> Result<MessageRow> {
		if text.is_empty() {
			return Err(ClientError::EmptyMessage);
		}
		let max = self.max_text_len();
		if text.len() > max {
			return Err(ClientError::MessageTooLong { len: text.len(), max });
		}
		let row = self.joined_chat(chat)?;
		// Held from reading the sequence number to its inclusion, so a second send from
		// this profile waits and encrypts for the next one.
		let _lock = self.submitting().await?;
		let part = self.chain.part(&row.my_part, None).await?.ok_or(ClientError::PartMissing(chat))?;
		let message = Message { version: wire::VERSION, sent_at: now_ms(), text: text.to_string() };
		let ciphertext = message.seal(&row.key, &row.my_part, part.next_seq)?;
		let included =
			self.chain.submit(&self.identity, &api::tx().chat().post_message(row.my_part, ciphertext)).await?;
		let posted = event::<api::chat::events::MessagePosted>(&included)?;
		if posted.seq != part.next_seq {
			return Err(ClientError::Unexpected(format!(
				"message landed at position {} instead of {} (sent from two places at once?); resend it",
				posted.seq, part.next_seq
			)));
		}
		let stored = MessageRow {
			part: row.my_part,
			seq: posted.seq,
			chat,
			block: included.block,
			sender: self.me(),
			sent_at: message.sent_at,
			text: message.text,
		};
		self.store.add_message(&stored)?;
		Ok(stored)
	}

	/// Rebuilds my chats from the chain: my parts (found by account) carry each chat's id
	/// and key sealed to me; then a full sync reads records, members and messages.
	pub async fn restore(&mut self) -> Result<(Vec<ChatId>, SyncReport)> {
		let at = self.chain.finalized().await?;
		let mut chats = Vec::new();
		for part in self.chain.parts_of(&self.me(), &at).await? {
			let Some(state) = self.chain.part(&part, Some(&at)).await? else { continue };
			let Ok(secret) = PartBlob::open_owner(&self.identity, &state.blob) else { continue };
			let key = ChatKey::from_bytes(secret.chat_key);
			let listed = PartBlob::open_members(&key, &part, &state.blob).map(|m| m.len() as u32).unwrap_or(0);
			let row = ChatRow {
				id: secret.chat,
				kind: secret.kind,
				key,
				my_part: part,
				joined: true,
				join_nonce: None,
				listed,
			};
			let me = self.me();
			self.store.atomically(|s| {
				if s.add_chat(&row)? {
					s.add_part(&part, row.id, Some(&me))?;
				}
				Ok(())
			})?;
			chats.push(secret.chat);
		}
		let report = self.sync(|_, _| {}).await?;
		Ok((chats, report))
	}

	/// Reads everything new at the latest finalized block: connector records (joining
	/// chats I am invited to, learning members from responses), then every part's new
	/// messages. `progress(scanned, total)` is called as records are scanned.
	pub async fn sync(&mut self, mut progress: impl FnMut(u64, u64)) -> Result<SyncReport> {
		let at = self.chain.finalized().await?;
		let mut report = SyncReport { block: at.number, ..Default::default() };
		self.scan_records(&at, &mut report, &mut progress).await?;
		{
			let _lock = self.submitting().await?;
			self.finish_joins(&at, &mut report).await?;
		}
		self.read_parts(&at, &mut report).await?;
		{
			let _lock = self.submitting().await?;
			self.update_member_lists().await?;
		}
		report.messages.sort_by(|a, b| (a.block, a.sent_at, a.part, a.seq).cmp(&(b.block, b.sent_at, b.part, b.seq)));
		Ok(report)
	}

	/// The tags of responses I still expect: for each chat, every invitation nonce the chat
	/// has used, except those already answered and my own.
	async fn expected_tags(&self, at: &BlockRef) -> Result<HashMap<[u8; 32], (ChatId, u64)>> {
		let mut tags = HashMap::new();
		for row in self.store.chats()? {
			self.add_chat_tags(&mut tags, &row, at).await?;
		}
		Ok(tags)
	}

	async fn add_chat_tags(
		&self,
		tags: &mut HashMap<[u8; 32], (ChatId, u64)>,
		row: &ChatRow,
		at: &BlockRef,
	) -> Result<()> {
		let Some(state) = self.chain.chat(row.id, Some(at)).await? else { return Ok(()) };
		let answered: HashSet<u64> = self.store.answered(row.id)?.into_iter().collect();
		for nonce in 0..state.nonce {
			if Some(nonce) != row.join_nonce && !answered.contains(&nonce) {
				tags.insert(row.key.response_tag(nonce), (row.id, nonce));
			}
		}
		Ok(())
	}

	async fn scan_records(
		&mut self,
		at: &BlockRef,
		report: &mut SyncReport,
		progress: &mut impl FnMut(u64, u64),
	) -> Result<()> {
		let mut tags = self.expected_tags(at).await?;
		let mut cursor = self.store.cursor()?;
		let start = cursor;
		loop {
			let page = self.chain.records(cursor, self.record_page, at).await?;
			if page.oldest_id > cursor {
				report.records_expired += page.oldest_id - cursor;
				cursor = page.oldest_id;
			}
			progress(cursor.saturating_sub(start), page.next_id.saturating_sub(start));
			if page.records.is_empty() {
				self.store.set_cursor(cursor.max(page.next_id.min(cursor)))?;
				break;
			}
			let payloads: Vec<Option<&[u8]>> =
				page.records.iter().map(|r| r.tag.is_none().then_some(r.payload.as_slice())).collect();
			report.records_trial_opened += payloads.iter().filter(|p| p.is_some()).count() as u64;
			let opened = self.scanner.open_all(&self.identity, &payloads);
			let next = page.records.last().map(|r| r.id + 1).unwrap_or(cursor);

			// Invitations first (checked here, outside the transaction), then the tags of
			// the chats they bring, so responses later in the same page are recognized.
			let mut accepted = Vec::new();
			for (record, plain) in page.records.iter().zip(&opened) {
				let Some(plain) = plain else { continue };
				match Invitation::decode_checked(&self.identity, plain) {
					Ok(inv) if self.chat_matches_invitation(&inv, at).await? =>
						accepted.push((crypto::hash(&record.payload), inv)),
					_ => report.invitations_rejected += 1,
				}
			}
			let mut new_chats = Vec::new();
			for (_, inv) in &accepted {
				if self.store.chat(inv.chat)?.is_none() && !new_chats.iter().any(|r: &ChatRow| r.id == inv.chat) {
					let row = ChatRow {
						id: inv.chat,
						kind: inv.kind,
						key: inv.key(),
						my_part: crypto::random_32(),
						joined: false,
						join_nonce: Some(inv.nonce),
						listed: 0,
					};
					self.add_chat_tags(&mut tags, &row, at).await?;
					new_chats.push(row);
				}
			}

			let me = self.me();
			let records = &page.records;
			let outcome = self.store.atomically(|s| {
				let (mut joined, mut rejected, mut members) = (Vec::new(), 0u64, 0u64);
				for (record_hash, inv) in &accepted {
					// A replayed copy of a record read before.
					if s.check_and_mark_seen(record_hash)? {
						rejected += 1;
						continue;
					}
					let Some(row) = new_chats.iter().find(|r| r.id == inv.chat) else { continue };
					if s.add_chat(row)? {
						s.add_part(&row.my_part, row.id, Some(&me))?;
						for part in &inv.parts {
							s.add_part(part, row.id, None)?;
						}
						joined.push(row.id);
					}
				}
				for record in records {
					let Some(tag) = record.tag else { continue };
					let Some(&(chat, nonce)) = tags.get(&tag) else { continue };
					let Some(row) = s.chat(chat)? else { continue };
					if let Ok(response) = Response::open(&row.key, &tag, &record.payload) {
						s.mark_answered(chat, nonce)?;
						if response.part != row.my_part && s.add_part(&response.part, chat, None)? {
							members += 1;
						}
					}
				}
				s.set_cursor(next)?;
				Ok((joined, rejected, members))
			})?;
			report.joined.extend(outcome.0);
			report.invitations_rejected += outcome.1;
			report.new_members += outcome.2;
			report.records_scanned += page.records.len() as u64;
			cursor = next;
			progress(cursor.saturating_sub(start), page.next_id.saturating_sub(start));
			if cursor >= page.next_id {
				break;
			}
		}
		Ok(())
	}

	/// Whether the chat an invitation names exists at `at` with the membership key of the
	/// chat key it carries, and has sent an invitation with its nonce. A registered user
	/// can sign an invitation naming any chat id with a key of their own; accepting it
	/// would bind that id to the wrong key, and the chat's real invitation would then be
	/// ignored.
	async fn chat_matches_invitation(&self, invitation: &Invitation, at: &BlockRef) -> Result<bool> {
		let Some(state) = self.chain.chat(invitation.chat, Some(at)).await? else { return Ok(false) };
		Ok(state.membership_key == invitation.key().membership_key().public() && invitation.nonce < state.nonce)
	}

	/// Creates my part and posts my response for every chat I accepted but have not
	/// finished joining (also after a crash half-way). A chat that cannot be joined now
	/// (say, the balance is too low) is reported and retried at the next sync.
	async fn finish_joins(&mut self, at: &BlockRef, report: &mut SyncReport) -> Result<()> {
		for row in self.store.chats()?.into_iter().filter(|r| !r.joined) {
			if let Err(e) = self.finish_join(&row, at).await {
				match e {
					ClientError::Chain(ChainError::Unreachable { .. }) => return Err(e),
					e => report.join_errors.push((row.id, e.to_string())),
				}
			}
		}
		Ok(())
	}

	async fn finish_join(&mut self, row: &ChatRow, at: &BlockRef) -> Result<()> {
		let parts: Vec<PartId> =
			self.store.parts(row.id)?.into_iter().map(|p| p.part).filter(|p| *p != row.my_part).collect();
		let mut batch = self.chain.batch(&self.identity).await?;
		if self.chain.part(&row.my_part, None).await?.is_none() {
			let blob = PartBlob::seal(&self.identity, &row.my_part, row.kind, row.id, &row.key, &parts)?;
			batch.push(&api::tx().chat().create_part(row.my_part, blob)).await?;
		}
		if let Some(nonce) = row.join_nonce {
			let tag = row.key.response_tag(nonce);
			if self.chain.records_by_tag(&tag, at).await?.is_empty() {
				let response = Response { version: wire::VERSION, part: row.my_part }.seal(&row.key, &tag)?;
				batch.push(&api::tx().connector().post_record(response, Some(tag))).await?;
			}
		}
		for result in batch.finish().await {
			match result {
				// Created by an earlier run whose transaction was still pending.
				Err(e) if e.is("Chat", "PartExists") => {},
				other => {
					other?;
				},
			}
		}
		self.store.atomically(|s| {
			s.set_joined(row.id)?;
			s.set_listed(row.id, parts.len() as u32)
		})?;
		Ok(())
	}

	/// Reads every known part of every chat: its owner, the members its blob lists, and
	/// its new messages.
	async fn read_parts(&mut self, at: &BlockRef, report: &mut SyncReport) -> Result<()> {
		for row in self.store.chats()?.into_iter().filter(|r| r.joined) {
			let mut seen: HashSet<PartId> = HashSet::new();
			loop {
				let parts = self.store.parts(row.id)?;
				let todo: Vec<_> = parts.into_iter().filter(|p| !seen.contains(&p.part)).collect();
				if todo.is_empty() {
					break;
				}
				for part in todo {
					seen.insert(part.part);
					let Some(state) = self.chain.part(&part.part, Some(at)).await? else { continue };
					if part.owner.is_none() {
						self.store.add_part(&part.part, row.id, Some(&state.owner))?;
					}
					// Every blob lists the parts its owner knows; mine matters after a login.
					if let Ok(listed) = PartBlob::open_members(&row.key, &part.part, &state.blob) {
						for other in listed.into_iter().filter(|p| *p != row.my_part) {
							if self.store.add_part(&other, row.id, None)? {
								report.new_members += 1;
							}
						}
					}
					let mut from = part.next_seq;
					while from < state.next_seq {
						let page = self.chain.messages(&part.part, from, MESSAGE_PAGE, at).await?;
						let end = (from + MESSAGE_PAGE).min(page.next_seq);
						let mut new = Vec::new();
						for m in &page.messages {
							match Message::open(&row.key, &part.part, m.seq, &m.ciphertext) {
								Ok(msg) => new.push(MessageRow {
									part: part.part,
									seq: m.seq,
									chat: row.id,
									block: m.block,
									sender: state.owner,
									sent_at: msg.sent_at,
									text: msg.text,
								}),
								Err(_) => report.unreadable_messages += 1,
							}
						}
						let added = self.store.atomically(|s| {
							let mut added = Vec::new();
							for m in new {
								if s.add_message(&m)? {
									added.push(m);
								}
							}
							s.set_next_seq(&part.part, end)?;
							Ok(added)
						})?;
						report.messages.extend(added);
						if end <= from {
							break;
						}
						from = end;
					}
				}
			}
		}
		Ok(())
	}

	/// Rewrites my part's blob when I know more members than it lists, so members who
	/// missed a response learn them from me.
	async fn update_member_lists(&mut self) -> Result<()> {
		for row in self.store.chats()?.into_iter().filter(|r| r.joined) {
			let others: Vec<PartId> =
				self.store.parts(row.id)?.into_iter().map(|p| p.part).filter(|p| *p != row.my_part).collect();
			if others.len() as u32 <= row.listed {
				continue;
			}
			let blob = PartBlob::seal(&self.identity, &row.my_part, row.kind, row.id, &row.key, &others)?;
			self.chain.submit(&self.identity, &api::tx().chat().set_part_blob(row.my_part, blob)).await?;
			self.store.set_listed(row.id, others.len() as u32)?;
		}
		Ok(())
	}

	/// My chats with their members and last message.
	pub fn chats(&self) -> Result<Vec<ChatSummary>> {
		let mut out = Vec::new();
		for row in self.store.chats()? {
			let members: Vec<String> = self
				.store
				.parts(row.id)?
				.iter()
				.map(|p| p.owner.map(|o| self.name(&o)).unwrap_or_else(|| "(joining)".into()))
				.collect();
			let messages = self.store.messages(row.id)?;
			out.push(ChatSummary {
				chat: row.id,
				kind: match row.kind {
					ChatKind::Pair => "pair",
					ChatKind::Group => "group",
				},
				joined: row.joined,
				members,
				messages: messages.len(),
				last: messages.last().map(|m| format!("{}: {}", self.name(&m.sender), m.text)),
			});
		}
		Ok(out)
	}

	/// A chat's messages in chain order.
	pub fn messages(&self, chat: ChatId) -> Result<Vec<MessageRow>> {
		self.store.chat(chat)?.ok_or(ClientError::UnknownChat(chat))?;
		Ok(self.store.messages(chat)?)
	}
}
