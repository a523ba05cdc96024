//! The sync engine: reads what is new at the latest finalized block (connector records:
//! invitations to the user, kept for the user's answer, and responses that name new
//! members; then every part's owner, listing and new messages) and keeps the local
//! database in step with it. Reading never writes: a sync submits nothing.

use std::{
	collections::{HashMap, HashSet},
	sync::Arc,
};

use futures::{future::RemoteHandle, FutureExt as _};

use crate::{
	chain::{BlockRef, ChainError, Record},
	crypto,
	session::{Result, Session},
	store::{ChatRow, InvitationRow, MessageRow, Store},
	wire::{self, Body, ChatId, Invitation, Message, PartBlob, PartId, Response},
};

/// A page of connector records read and queued on the scanner's threads.
struct QueuedPage {
	/// The oldest record still kept at the block read.
	oldest_id: u64,
	/// The end of the log at the block read.
	end: u64,
	/// The id after its last record, the cursor once it is handled; `None`: no records.
	next: Option<u64>,
	/// Its records back, with what opened of each (`Scanner::open_page`).
	scan: futures::future::BoxFuture<'static, (Vec<(u64, Record)>, Vec<Option<Vec<u8>>>)>,
}

/// What a sync did.
#[derive(Debug, Default)]
pub struct SyncReport {
	/// The finalized block it read.
	pub block: u32,
	/// Connector records read (tagged and untagged).
	pub records_scanned: u64,
	/// Records trial-decrypted (those whose tag was not one this client expected).
	pub records_trial_opened: u64,
	/// Records that expired before this client could read them.
	pub records_expired: u64,
	/// New invitations, waiting for the user's answer (`Session::accept`).
	pub invitations: Vec<InvitationRow>,
	/// Invitations ignored: forged, misdirected, or replayed.
	pub invitations_rejected: u64,
	/// Members learned: parts of new responses, and parts first named by a listing in this
	/// sync whose own listing verified.
	pub new_members: u64,
	/// New messages, in chain order.
	pub messages: Vec<MessageRow>,
	/// Messages that did not decrypt (not from this chat, or tampered).
	pub unreadable_messages: u64,
	/// Messages read before that their senders deleted since: no longer stored.
	pub deleted_messages: u64,
	/// Messages whose disappearing time came (before or as they were read): blanked,
	/// their text gone, kept only as a place in their part.
	pub disappeared_messages: u64,
	/// Messages of mine that were not final when sent and never will be: their block was
	/// abandoned for another fork, which does not hold them. They are forgotten.
	pub undelivered: Vec<MessageRow>,
}

impl Session {
	/// Reads everything new at the latest finalized block: connector records
	/// (invitations to me, kept for my answer; responses naming new members), then every
	/// part's owner, listing and new messages. `progress(scanned, total)` is called as
	/// records are scanned. Nothing is submitted.
	pub async fn sync(&mut self, mut progress: impl FnMut(u64, u64)) -> Result<SyncReport> {
		let at = self.chain.finalized().await?;
		let mut report = SyncReport { block: at.number, ..Default::default() };
		report.disappeared_messages += self.store.remove_expired(crate::session::now_ms())? as u64;
		self.scan_records(&at, &mut report, &mut progress).await?;
		self.read_parts(&at, &mut report).await?;
		self.settle_unconfirmed(&at, &mut report).await?;
		report.messages.sort_by(|a, b| (a.block, a.sent_at, a.part, a.seq).cmp(&(b.block, b.sent_at, b.part, b.seq)));
		Ok(report)
	}

	/// The tags of the responses of my chats: for each chat, its creator's slot and every
	/// invitation nonce the chat has used. A slot stays expected after it was answered:
	/// every response proven under a claim is learned, and none hides another.
	async fn expected_tags(&self, at: &BlockRef) -> Result<HashMap<[u8; 32], (ChatId, u64)>> {
		let mut tags = HashMap::new();
		for row in self.store.chats()?.into_iter().filter(|row| !row.left) {
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
		for slot in (0..state.nonce).chain([wire::CREATOR_RESPONSE]) {
			tags.insert(row.key.response_tag(slot), (row.id, slot));
		}
		Ok(())
	}

	/// Reads the responses `row`'s chat has received so far, by their tags, and learns the
	/// parts they name: the members who joined while its invitation waited for my answer,
	/// whose responses my syncs passed over then (I did not hold the chat key yet). One
	/// read per slot the chat has used. Returns how many parts were new.
	pub(crate) async fn read_responses(&self, row: &ChatRow) -> Result<u64> {
		let at = self.chain.finalized().await?;
		let mut tags = HashMap::new();
		self.add_chat_tags(&mut tags, row, &at).await?;
		let genesis = self.chain.genesis_hash();
		let mut found = Vec::new();
		for (tag, (_, slot)) in &tags {
			for (_, record) in self.chain.records_by_tag(tag, &at).await? {
				if let Ok(response) = Response::open(&row.key, &genesis, row.id, *slot, &record.payload.0) {
					found.push((*slot, response));
				}
			}
		}
		Ok(self.store.atomically(|s| {
			let mut members = 0;
			for (slot, response) in &found {
				members += u64::from(learn_response(s, row, *slot, response)?);
			}
			Ok(members)
		})?)
	}

	/// Scans the connector records from my cursor on, one page at a time. The next page
	/// is read from the node while this one is trial-opened on the scanner's threads, and
	/// queued on them as soon as it arrives, behind this one: the threads go from page to
	/// page without waiting for this one's results to be handled. At most two pages are
	/// held at once (the one being scanned or handled, and the next).
	async fn scan_records(
		&mut self,
		at: &BlockRef,
		report: &mut SyncReport,
		progress: &mut impl FnMut(u64, u64),
	) -> Result<()> {
		let tags = Arc::new(self.expected_tags(at).await?);
		let genesis = self.chain.genesis_hash();
		let mut cursor = self.store.cursor()?;
		let start = cursor;
		let mut reading = Some(self.read_page(cursor, at, &tags));
		while let Some(read) = reading.take() {
			let page = read.await?;
			if page.oldest_id > cursor {
				report.records_expired += page.oldest_id - cursor;
				cursor = page.oldest_id;
			}
			progress(cursor.saturating_sub(start), page.end.saturating_sub(start));
			let Some(next) = page.next else {
				self.store.set_cursor(cursor)?;
				break;
			};
			if next < page.end {
				reading = Some(self.read_page(next, at, &tags));
			}
			let (records, opened) = page.scan.await;
			report.records_trial_opened += records.iter().filter(|(_, r)| !tags.contains_key(&r.tag)).count() as u64;

			// Invitations are checked here, outside the transaction, and kept for the user's
			// answer: nothing is joined, nothing is sent.
			let mut accepted = Vec::new();
			for ((_, record), plain) in records.iter().zip(&opened) {
				let Some(plain) = plain else { continue };
				match Invitation::decode_checked(&self.identity, &genesis, plain) {
					Ok(inv) if self.chat_matches_invitation(&inv, at).await? =>
						accepted.push((crypto::hash(&record.payload.0), inv, record.block)),
					_ => report.invitations_rejected += 1,
				}
			}

			let me = self.me();
			let outcome = self.store.atomically(|s| {
				let (mut invitations, mut rejected, mut members) = (Vec::new(), 0u64, 0u64);
				for (record_hash, inv, block) in &accepted {
					// A replayed copy of a record read before.
					if s.check_and_mark_seen(record_hash)? {
						rejected += 1;
						continue;
					}
					// A chat I am in already; or an invitation of mine to myself, which another
					// device of mine sent to join a chat again (this device learns that chat
					// from a login, not from an invitation). A second invitation to a chat I
					// was asked into already is kept too: an earlier one hides no later one.
					if s.chat(inv.chat)?.is_some() || inv.inviter == me {
						continue;
					}
					let added = s.add_invitation(
						record_hash,
						inv.chat,
						inv.kind,
						inv.nonce,
						&inv.key(),
						&inv.inviter,
						&inv.parts,
						&inv.slot_claim(),
						*block,
					)?;
					if let Some(id) = added {
						invitations.extend(s.invitation(id)?);
					}
				}
				for (_, record) in &records {
					let Some(&(chat, slot)) = tags.get(&record.tag) else { continue };
					let Some(row) = s.chat(chat)? else { continue };
					if let Ok(response) = Response::open(&row.key, &genesis, chat, slot, &record.payload.0) {
						members += u64::from(learn_response(s, &row, slot, &response)?);
					}
				}
				s.set_cursor(next)?;
				Ok((invitations, rejected, members))
			})?;
			report.invitations.extend(outcome.0);
			report.invitations_rejected += outcome.1;
			report.new_members += outcome.2;
			report.records_scanned += records.len() as u64;
			cursor = next;
			progress(cursor.saturating_sub(start), page.end.saturating_sub(start));
		}
		Ok(())
	}

	/// Starts reading the page of records from `from` at `at` on the async runtime, and
	/// queues it on the scanner's threads as soon as it arrives: every record whose tag is
	/// not one of `tags` (a response of one of my chats) is trial-opened. The handle is to
	/// be awaited later; dropping it cancels the read.
	fn read_page(
		&self,
		from: u64,
		at: &BlockRef,
		tags: &Arc<HashMap<[u8; 32], (ChatId, u64)>>,
	) -> RemoteHandle<std::result::Result<QueuedPage, ChainError>> {
		let (chain, at, max) = (self.chain.clone(), *at, self.record_page);
		let (scanner, key, tags) = (self.scanner.clone(), self.identity.sealed_box_key(), tags.clone());
		let (read, handle) = async move {
			let page = chain.records(from, max, &at).await?;
			let next = page.records.last().map(|(id, _)| id + 1);
			let scan = scanner.open_page(key, page.records, move |(_, r)| {
				(!tags.contains_key(&r.tag)).then_some(r.payload.0.as_slice())
			});
			Ok(QueuedPage { oldest_id: page.oldest_id, end: page.next_id, next, scan: scan.boxed() })
		}
		.remote_handle();
		tokio::spawn(read);
		handle
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

	/// Reads every known part of every chat: its owner and the members it lists (from its
	/// blob, under the chat key, with the owner's signature checked), and the new messages
	/// of every part whose owner is known; in chats whose join of mine is not finished yet
	/// too (reading needs the chat key only).
	async fn read_parts(&mut self, at: &BlockRef, report: &mut SyncReport) -> Result<()> {
		let genesis = self.chain.genesis_hash();
		let mut mine: HashMap<(PartId, u32), MessageRow> =
			self.store.unconfirmed(None)?.into_iter().map(|(m, _)| ((m.part, m.seq), m)).collect();
		let me = self.me();
		for row in self.store.chats()? {
			let mut seen: HashSet<PartId> = HashSet::new();
			// Parts forgotten in this sync: no listing read after brings them back. Parts
			// a listing named for the first time in this sync: new members once they verify.
			let (mut forgotten, mut named): (HashSet<PartId>, HashSet<PartId>) = Default::default();
			loop {
				// Of a chat I left, only my own parts are read (my messages not final yet when I
				// left settle): nothing new of the others is, its history stays as it was.
				let todo: Vec<_> = self
					.store
					.parts(row.id)?
					.into_iter()
					.filter(|p| !seen.contains(&p.part) && (!row.left || p.owner == Some(me)))
					.collect();
				if todo.is_empty() {
					break;
				}
				let ids: Vec<PartId> = todo.iter().map(|p| p.part).collect();
				let states = self.chain.parts(&ids, at).await?;
				for (part, state) in todo.into_iter().zip(states) {
					seen.insert(part.part);
					let Some(state) = state else {
						// A part named to this chat that is not on chain and never verified as
						// one of its members' (a hostile or stale listing named it) is
						// forgotten; a member's part that expired keeps its history.
						if !part.verified && part.part != row.my_part {
							self.store.remove_part(row.id, &part.part)?;
							forgotten.insert(part.part);
						}
						continue;
					};
					// Every blob names its owner and lists the parts its owner knows. A part's
					// owner is the one its listing names and signs now: a listing that does not
					// verify, or names another owner than before, leaves the part with none,
					// and its messages (those read before too) are not shown. A part whose
					// listing never verified under this chat's key is not this chat's: it is
					// forgotten (a member's listing may name it again; it is checked again).
					let listing = PartBlob::open_listing(&row.key, &genesis, row.id, &part.part, &state.blob.0).ok();
					let owner = match (listing.as_ref().map(|l| l.owner), part.owner) {
						(Some(owner), None) => {
							self.store.add_part(&part.part, row.id, Some(&owner))?;
							if named.contains(&part.part) && owner != self.me() {
								report.new_members += 1;
							}
							Some(owner)
						},
						(Some(owner), Some(known)) if owner == known => Some(known),
						// My own part is mine whatever its blob says.
						(_, known) if part.part == row.my_part => known,
						(_, Some(_)) => {
							self.store.disown_part(row.id, &part.part)?;
							None
						},
						// A member's part that lost its owner stays, its messages hidden.
						(_, None) if part.verified => None,
						(_, None) => {
							self.store.remove_part(row.id, &part.part)?;
							forgotten.insert(part.part);
							continue;
						},
					};
					for other in listing.into_iter().flat_map(|l| l.parts).filter(|p| *p != row.my_part && !forgotten.contains(p)) {
						if self.store.add_part(&other, row.id, None)? {
							named.insert(other);
						}
					}
					// Messages of a part whose owner is not known yet wait for its blob.
					let Some(sender) = owner else { continue };
					let mut from = part.next_seq;
					while from < state.next_seq {
						let (page, end, unreadable) = self.read_messages(&row, &part.part, sender, from, (at, true)).await?;
						report.unreadable_messages += unreadable;
						let now = crate::session::now_ms();
						let added = self.store.atomically(|s| {
							let mut added = Vec::new();
							for m in page {
								// A message of mine sent before its block was final is final now;
								// if another one took its place, mine was not delivered.
								if let Some(mine) = mine.remove(&(m.part, m.seq)) {
									s.remove_unconfirmed(&m.part, m.seq)?;
									if !mine.same_as(&m) {
										take_back_leaving(s, &mine)?;
										report.undelivered.push(mine);
									}
								}
								// My last message to a chat, from another device of mine (or from
								// before a login): this device leaves it too.
								if m.sender == me && m.body == Body::Left {
									s.set_left(row.id, true)?;
								}
								// A message of mine that disappears, read from the chain (sent from
								// another device, or before a login): deleted from the chain by my
								// scheduled writes here too, whichever device comes first.
								if m.sender == me {
									s.add_expiring(&m)?;
								}
								// Gone already: its time came before it was read. Kept as a blank
								// in its place, so that the count of a part's messages still tells
								// when its sender deletes one.
								if m.expires_at.is_some_and(|at| at <= now) {
									report.disappeared_messages += 1;
									s.add_message(&m.blanked())?;
									continue;
								}
								if s.add_message(&m)? {
									added.push(m);
								}
							}
							s.set_next_seq(row.id, &part.part, end)?;
							Ok(added)
						})?;
						report.messages.extend(added);
						if end <= from {
							break;
						}
						from = end;
					}
					// Messages their sender deleted since they were read: the part holds
					// fewer than are stored here (it holds the ones that did not decrypt too,
					// so a delete in a part that also holds unreadable messages may wait for
					// another one to be noticed).
					if u64::from(state.messages) < self.store.count_messages(row.id, &part.part, state.next_seq)? {
						report.deleted_messages += self.drop_deleted(&row, &part.part, state.next_seq, at).await?;
					}
				}
			}
		}
		Ok(())
	}

	/// Drops the stored messages of `part` of `row`'s chat that the part no longer holds
	/// at `at` (reading its messages below `next_seq` a page at a time); how many.
	async fn drop_deleted(&self, row: &ChatRow, part: &PartId, next_seq: u32, at: &BlockRef) -> Result<u64> {
		let page_len = self.chain.limits().message_page.max(1);
		let stored = self.store.message_seqs(row.id, part, next_seq)?;
		let mut held = HashSet::new();
		let mut from = stored.first().copied().unwrap_or(next_seq);
		while from < next_seq {
			let page = self.chain.messages(part, from, page_len, at).await?;
			held.extend(page.messages.iter().map(|(seq, _)| *seq));
			from = from.saturating_add(page_len);
		}
		let gone: Vec<u32> = stored.into_iter().filter(|seq| !held.contains(seq)).collect();
		self.store.atomically(|s| {
			for seq in &gone {
				s.remove_message(row.id, part, *seq)?;
			}
			Ok(())
		})?;
		Ok(gone.len() as u64)
	}

	/// Reads the page of `part`'s messages from `from` at `at` (a final block if
	/// `at_final`) and opens them with `row`'s chat key: the messages, the sequence number
	/// the page ends before, and how many did not decrypt.
	async fn read_messages(
		&self,
		row: &ChatRow,
		part: &PartId,
		sender: crate::crypto::AccountBytes,
		from: u32,
		(at, at_final): (&BlockRef, bool),
	) -> Result<(Vec<MessageRow>, u32, u64)> {
		let page_len = self.chain.limits().message_page;
		let page = self.chain.messages(part, from, page_len, at).await?;
		let end = (from + page_len).min(page.next_seq);
		let (mut messages, mut unreadable) = (Vec::new(), 0);
		for (seq, m) in &page.messages {
			match Message::open(&row.key, part, *seq, &m.ciphertext.0) {
				Ok(msg) => messages.push(MessageRow {
					part: *part,
					seq: *seq,
					chat: row.id,
					block: m.block,
					sender,
					sent_at: msg.sent_at,
					// Only a text disappears: a leaving or a timer that claims to stays.
					expires_at: match msg.body {
						Body::Text(_) => msg.expires_at(),
						_ => None,
					},
					body: msg.body,
					confirmed: at_final,
				}),
				Err(_) => unreadable += 1,
			}
		}
		Ok((messages, end, unreadable))
	}

	/// Settles my messages that were not final when sent and that this sync did not find
	/// final: one whose block is final now but holds another chain's block at its height
	/// was abandoned; unless the best chain holds it again, it is undelivered.
	async fn settle_unconfirmed(&mut self, at: &BlockRef, report: &mut SyncReport) -> Result<()> {
		let pending = self.store.unconfirmed(None)?;
		if pending.is_empty() {
			return Ok(());
		}
		let best = self.chain.best().await?;
		for (mine, hash) in pending {
			if mine.block > at.number || self.chain.block_hash(mine.block).await? == Some(hash) {
				continue;
			}
			// Its transaction may have gone into a block of the new best chain.
			let (again, part_lives) = match self.store.chat(mine.chat)? {
				Some(row) => match self.chain.part(&mine.part, Some(&best)).await? {
					Some(state) if state.next_seq > mine.seq => {
						let (page, _, _) = self.read_messages(&row, &mine.part, mine.sender, mine.seq, (&best, false)).await?;
						(page.into_iter().find(|m| m.seq == mine.seq && m.same_as(&mine)), true)
					},
					Some(_) => (None, true),
					None => (None, false),
				},
				None => (None, false),
			};
			match again {
				Some(m) => match self.chain.block_hash(m.block).await? {
					Some(hash) => self.store.add_unconfirmed(&m, &hash)?,
					None => {},
				},
				None => {
					self.store.remove_unconfirmed(&mine.part, mine.seq)?;
					// (A chat whose part is gone ended: left it stays.)
					if part_lives {
						take_back_leaving(&self.store, &mine)?;
					}
					report.undelivered.push(mine);
				},
			}
		}
		Ok(())
	}
}

/// A live view of my chats: messages shown as soon as their block is imported, marked
/// unconfirmed, then confirmed when final or retracted when their block is abandoned.
/// Only messages are read ahead of finality, and nothing read ahead is stored:
/// invitations, joins and members are learned from final blocks only, by the sync
/// [`Session::follow`] runs whenever finality moves.
#[derive(Debug, Default)]
pub struct Live {
	/// The final block last synced.
	synced: Option<u32>,
	/// Messages shown unconfirmed, by part and sequence number.
	shown: HashMap<(PartId, u32), MessageRow>,
}

/// What changed in a [`Live`] view.
#[derive(Debug, Default)]
pub struct LiveUpdate {
	/// The sync run because finality moved: its invitations and counts (its messages are
	/// in `new` or `confirmed`).
	pub sync: Option<SyncReport>,
	/// Messages not shown before, in chain order: final ones first, then those in blocks
	/// that are not final yet (`confirmed` false).
	pub new: Vec<MessageRow>,
	/// Messages shown unconfirmed before, now final.
	pub confirmed: Vec<MessageRow>,
	/// Messages shown unconfirmed before whose block was abandoned: they are not in the
	/// chat (a message that takes the same place is in `new`).
	pub retracted: Vec<MessageRow>,
}

impl Live {
	/// The messages of others in `chat` it shows and that are not stored (in blocks of
	/// the best chain that are not final yet, or, from [`Session::look_ahead`], not
	/// synced yet), in no particular order.
	pub fn unconfirmed(&self, chat: ChatId) -> impl Iterator<Item = &MessageRow> {
		self.shown.values().filter(move |m| m.chat == chat)
	}

	/// Moves the view on: `finalized` are the messages a sync just stored, `at_best` the
	/// messages of the best chain's blocks that are not final, in chain order.
	fn update(&mut self, finalized: &[MessageRow], at_best: Vec<MessageRow>) -> LiveUpdate {
		let mut update = LiveUpdate::default();
		// A message whose time came is shown no more: neither confirmed nor retracted
		// (a retraction would show its text once more, as withdrawn).
		let now = crate::session::now_ms();
		let expired = |m: &MessageRow| m.expires_at.is_some_and(|at| at <= now);
		self.shown.retain(|_, m| !expired(m));
		for m in finalized.iter().filter(|m| !expired(m)) {
			match self.shown.remove(&(m.part, m.seq)) {
				Some(shown) if shown.same_as(m) => update.confirmed.push(m.clone()),
				Some(shown) => {
					update.retracted.push(shown);
					update.new.push(m.clone());
				},
				None => update.new.push(m.clone()),
			}
		}
		let best: HashMap<(PartId, u32), &MessageRow> = at_best.iter().map(|m| ((m.part, m.seq), m)).collect();
		let mut gone: Vec<(PartId, u32)> = self
			.shown
			.iter()
			.filter(|(key, shown)| !best.get(key).is_some_and(|m| m.same_as(shown)))
			.map(|(key, _)| *key)
			.collect();
		gone.sort();
		update.retracted.extend(gone.iter().filter_map(|key| self.shown.remove(key)));
		for m in at_best {
			if let std::collections::hash_map::Entry::Vacant(slot) = self.shown.entry((m.part, m.seq)) {
				slot.insert(m.clone());
				update.new.push(m);
			}
		}
		update
	}
}

impl Session {
	/// Moves `live` on to the node's current best and final blocks: syncs if finality
	/// moved, then reads the messages of others in the best chain's blocks that are not
	/// final yet. Reading never writes, and nothing read ahead of finality is stored.
	pub async fn follow(&mut self, live: &mut Live) -> Result<LiveUpdate> {
		let finalized = self.chain.finalized().await?;
		let sync = match live.synced {
			Some(number) if number == finalized.number => None,
			_ => Some(self.sync(|_, _| {}).await?),
		};
		if let Some(report) = &sync {
			live.synced = Some(report.block);
		}
		let best = self.chain.best().await?;
		let at_best = self.unconfirmed_messages(&best).await?;
		let mut update = live.update(sync.as_ref().map(|r| r.messages.as_slice()).unwrap_or_default(), at_best);
		update.sync = sync;
		Ok(update)
	}

	/// What the node has of my chats beyond the last sync, read without storing: others'
	/// messages past those stored, up to the best block, those in final blocks marked
	/// final (the next sync stores them), the others not. For one listing
	/// ([`Session::messages_with`], [`Session::chats_with`]); [`Session::follow`] keeps a
	/// view up to date instead.
	pub async fn look_ahead(&self) -> Result<Live> {
		let finalized = self.chain.finalized().await?;
		let best = self.chain.best().await?;
		let mut live = Live::default();
		for mut m in self.unconfirmed_messages(&best).await? {
			m.confirmed = m.block <= finalized.number;
			live.shown.insert((m.part, m.seq), m);
		}
		Ok(live)
	}

	/// Others' messages at `best` beyond what is stored (those of blocks that are not
	/// final yet), in chain order, unconfirmed.
	async fn unconfirmed_messages(&self, best: &BlockRef) -> Result<Vec<MessageRow>> {
		let genesis = self.chain.genesis_hash();
		let mut out = Vec::new();
		for row in self.store.chats()?.into_iter().filter(|row| !row.left) {
			let parts: Vec<_> = self
				.store
				.parts(row.id)?
				.into_iter()
				.filter(|p| p.part != row.my_part && p.owner.is_some())
				.collect();
			if parts.is_empty() {
				continue;
			}
			let ids: Vec<PartId> = parts.iter().map(|p| p.part).collect();
			for (part, state) in parts.iter().zip(self.chain.parts(&ids, best).await?) {
				let (Some(state), Some(sender)) = (state, part.owner) else { continue };
				// Read ahead only while the part's listing there still names its owner.
				let listing = PartBlob::open_listing(&row.key, &genesis, row.id, &part.part, &state.blob.0);
				if listing.map_or(true, |l| l.owner != sender) {
					continue;
				}
				let mut from = part.next_seq;
				while from < state.next_seq {
					let (page, end, _) = self.read_messages(&row, &part.part, sender, from, (best, false)).await?;
					let now = crate::session::now_ms();
					out.extend(page.into_iter().filter(|m| m.expires_at.is_none_or(|at| at > now)));
					if end <= from {
						break;
					}
					from = end;
				}
			}
		}
		out.sort_by(|a, b| (a.block, a.sent_at, a.part, a.seq).cmp(&(b.block, b.sent_at, b.part, b.seq)));
		Ok(out)
	}
}

/// Records a response to `row`'s slot `slot`, proven under its claim: the part it names
/// is a member's (unless it is mine), when the claim has room for it
/// ([`crate::store::MAX_PARTS_PER_CLAIM`]). Every response is learned this way, whatever
/// came before under the slot: a member who answers a slot under a claim of its own adds
/// its own part, shown under the owner its listing signs, and takes nothing from the
/// invitee, whose claim only the invitation's secret answers. Whether the part was new.
fn learn_response(
	s: &Store,
	row: &ChatRow,
	slot: u64,
	response: &Response,
) -> std::result::Result<bool, crate::store::StoreError> {
	if !s.add_response(row.id, slot, &response.inviter, &response.part)? {
		return Ok(false);
	}
	Ok(response.part != row.my_part && s.add_answering_part(&response.part, row.id)?)
}

/// `mine`, a message of mine that was not delivered: if it was my leaving, the chat's
/// left mark (set as it was posted) is taken back, unless a Left of mine is stored
/// (delivered before, or from another device). I am still in the chat, and may leave
/// again.
fn take_back_leaving(s: &Store, mine: &MessageRow) -> std::result::Result<(), crate::store::StoreError> {
	if mine.body == Body::Left && !crate::session::leavers(&s.messages(mine.chat)?).contains(&mine.sender) {
		s.set_left(mine.chat, false)?;
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn message(part: u8, seq: u32, block: u32, text: &str, confirmed: bool) -> MessageRow {
		let body = Body::Text(text.into());
		MessageRow { part: [part; 32], seq, chat: 1, block, sender: [part; 32], sent_at: 7, body, expires_at: None, confirmed }
	}

	fn texts(messages: &[MessageRow]) -> Vec<&str> {
		messages.iter().map(|m| if let Body::Text(text) = &m.body { text.as_str() } else { "" }).collect()
	}

	#[test]
	fn a_message_is_shown_unconfirmed_once_then_confirmed() {
		let mut live = Live::default();
		let update = live.update(&[], vec![message(1, 0, 5, "hi", false)]);
		assert_eq!(texts(&update.new), ["hi"]);
		assert!(!update.new[0].confirmed);
		// The next block: still there, not shown again.
		let update = live.update(&[], vec![message(1, 0, 5, "hi", false)]);
		assert!(update.new.is_empty() && update.confirmed.is_empty() && update.retracted.is_empty());
		// Final: confirmed, not new.
		let update = live.update(&[message(1, 0, 5, "hi", true)], vec![]);
		assert_eq!(texts(&update.confirmed), ["hi"]);
		assert!(update.new.is_empty() && update.retracted.is_empty());
		assert!(live.shown.is_empty());
	}

	#[test]
	fn a_message_of_an_abandoned_block_is_retracted() {
		let mut live = Live::default();
		live.update(&[], vec![message(1, 0, 5, "fork a", false), message(2, 0, 5, "stays", false)]);
		// Another fork takes over: it holds the second message, not the first.
		let update = live.update(&[], vec![message(2, 0, 6, "stays", false)]);
		assert_eq!(texts(&update.retracted), ["fork a"]);
		assert!(update.new.is_empty(), "{:?}", update.new);
		// Nothing of it comes back when the other fork is final.
		let update = live.update(&[message(2, 0, 6, "stays", true)], vec![]);
		assert_eq!(texts(&update.confirmed), ["stays"]);
		assert!(update.retracted.is_empty() && update.new.is_empty());
	}

	#[test]
	fn a_message_replaced_in_its_place_is_retracted_and_the_other_shown() {
		let mut live = Live::default();
		live.update(&[], vec![message(1, 0, 5, "fork a", false)]);
		// The new best chain has another message at the same place.
		let update = live.update(&[], vec![message(1, 0, 5, "fork b", false)]);
		assert_eq!(texts(&update.retracted), ["fork a"]);
		assert_eq!(texts(&update.new), ["fork b"]);
		// Or finality jumps straight to a third one.
		let update = live.update(&[message(1, 0, 5, "final", true)], vec![]);
		assert_eq!(texts(&update.retracted), ["fork b"]);
		assert_eq!(texts(&update.new), ["final"]);
		assert!(update.new[0].confirmed && update.confirmed.is_empty());
	}

	#[test]
	fn final_messages_never_shown_are_new_before_unconfirmed_ones() {
		let mut live = Live::default();
		let update = live.update(&[message(1, 0, 4, "final", true)], vec![message(1, 1, 5, "later", false)]);
		assert_eq!(texts(&update.new), ["final", "later"]);
		assert!(update.new[0].confirmed && !update.new[1].confirmed);
		assert!(update.confirmed.is_empty() && update.retracted.is_empty());
	}

	#[test]
	fn a_message_whose_time_came_while_shown_goes_without_a_retraction() {
		let mut live = Live::default();
		let now = crate::session::now_ms();
		let soon = MessageRow { expires_at: Some(now + 60_000), ..message(1, 0, 5, "brief", false) };
		let update = live.update(&[], vec![soon.clone()]);
		assert_eq!(texts(&update.new), ["brief"]);
		// Its time comes before its block is final; the sync stores it blank.
		live.shown.get_mut(&([1; 32], 0)).unwrap().expires_at = Some(now - 1);
		let stored = MessageRow { body: Body::Text(String::new()), expires_at: Some(now - 1), confirmed: true, ..soon };
		let update = live.update(&[stored], vec![]);
		assert!(update.new.is_empty() && update.confirmed.is_empty() && update.retracted.is_empty(), "{update:?}");
		assert!(live.shown.is_empty());
	}
}
