//! The user-level flows: register, create pair and group chats, add members, send, and
//! rebuild everything from the chain after `login`. Reading the chain (the sync engine)
//! is in [`crate::sync`].

use api::runtime_types::pallet_chat::pallet::Error as ChatError;

use crate::{
	chain::{api, Chain, ChainError, Invalidity, Ticket, TicketRefusal},
	crypto::{self, AccountBytes, ChatKey, Identity},
	profile::{ProfileError, SubmitGuard, SubmitLock},
	scan::Scanner,
	store::{ChatRow, MessageRow, Store, StoreError},
	sync::SyncReport,
	wire::{self, ChatId, ChatKind, Invitation, Message, PartBlob, PartId, WireError},
};

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
	pub(crate) scanner: Scanner,
	pub(crate) record_page: u32,
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
		let record_page = chain.limits().record_page;
		Ok(Self { identity, store, chain, scanner: Scanner::new(threads), record_page, submit_lock })
	}

	/// Takes the profile's submission lock, waiting while another process holds it.
	pub(crate) async fn submitting(&self) -> Result<SubmitGuard> {
		let lock = self.submit_lock.clone();
		Ok(tokio::task::spawn_blocking(move || lock.acquire())
			.await
			.map_err(|e| ClientError::Unexpected(format!("waiting for the profile's lock: {e}")))??)
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
				Err(e) if matches!(e.module(), Some(api::Error::Chat(ChatError::StaleNonce))) => continue,
				Err(ChainError::Invalid(Invalidity::ExhaustsResources)) => return Err(ClientError::InvitationLimit(chat)),
				Err(e) => return Err(e.into()),
			}
		}
		Err(ClientError::Contended)
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

		// Members learned since my blob was written ride on this write of mine: the blob
		// then lists them too, for members who missed a response. Reading never writes, so
		// nothing moves on chain in reaction to someone else's join.
		let others: Vec<PartId> =
			self.store.parts(chat)?.into_iter().map(|p| p.part).filter(|p| *p != row.my_part).collect();
		let relist = others.len() as u32 > row.listed;
		let mut batch = self.chain.batch(&self.identity).await?;
		if relist {
			let blob = PartBlob::seal(&self.identity, &row.my_part, row.kind, chat, &row.key, &others)?;
			batch.push(&api::tx().chat().set_part_blob(row.my_part, blob)).await?;
		}
		batch.push(&api::tx().chat().post_message(row.my_part, ciphertext)).await?;
		let mut results = batch.finish().await;
		let included = results.pop().expect("post_message was pushed last; qed")?;
		// A blob that could not be rewritten (say, its larger deposit) is tried again at the
		// next send; the message went through either way.
		if relist && matches!(results.pop(), Some(Ok(_))) {
			self.store.set_listed(chat, others.len() as u32)?;
		}
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
