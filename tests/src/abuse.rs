//! Registered users driving the chat pallet's calls directly, for the abuse scenario
//! (docs/CHAIN.md "What bounds a user"): an attacker who spends everything the chain
//! gives them as fast as the pool takes it, and ordinary users who post one message at
//! a time beside it.
//!
//! Every round the attacker ([`RawUser::flood`]) offers the node, all at once and without waiting for
//! inclusion: a chat creation with a sealed key one byte over the limit, junk tickets (a
//! valid ring, epoch and proof, an alias it does not prove), the next writes of each of
//! its parts (messages, deletions of those posted, 4 KiB blob rewrites), the chat's next
//! invitations, and, once a part or the chat has used its allowance, a renewal that
//! tops it up while tickets last. What it may write is the allowance; what the pool
//! refuses is counted by its reason; what was included is read back from the chain.

use std::{
	collections::{BTreeMap, HashMap},
	time::{Duration, Instant},
};

use jsonrpsee::{core::client::ClientT, rpc_params};
use pallet_chat::{add_member_message, ChatParams};
use sealchat::{
	chain::{Chain, RingPlacement},
	crypto::{Identity, SigningKey},
	wire::{self, PartAction},
};
use sealchat_runtime::{configs, RuntimeCall};
use serde_json::Value;
use sp_core::{ed25519, Pair as _};

use crate::{hex, tx, Rpc};

/// A ticket of the runtime's ring of users.
type Ticket = pallet_ring::TicketOf<sealchat_runtime::Runtime, pallet_ring::Instance1>;

/// Writes the pool takes ahead of a part's counter (the chat pallet's window).
const AHEAD: u32 = 16;

/// One of the user's parts.
struct Part {
	key: SigningKey,
	id: [u8; 32],
	incarnation: u64,
}

/// What the attacker offered and what the pool said.
#[derive(Debug, Default)]
pub struct Tally {
	/// Transactions the pool took, by kind.
	pub taken: BTreeMap<&'static str, usize>,
	/// Transactions the pool refused, by kind and reason.
	pub refused: BTreeMap<(&'static str, String), usize>,
	/// Tickets the pool took (each one spent once included).
	pub tickets: Vec<Ticket>,
	/// Every transaction the pool took, encoded, with its kind: to find them in blocks.
	pub sent: HashMap<Vec<u8>, &'static str>,
}

impl Tally {
	/// Whether the pool already took `extrinsic` (offered again, it would be refused as
	/// already imported or, once included or dropped, as banned for a while).
	fn offered(&self, extrinsic: &[u8]) -> bool {
		self.sent.contains_key(extrinsic)
	}

	fn note(&mut self, kind: &'static str, extrinsic: Vec<u8>, verdict: Result<(), String>) -> bool {
		match verdict {
			Ok(()) => {
				*self.taken.entry(kind).or_default() += 1;
				self.sent.insert(extrinsic, kind);
				true
			},
			Err(reason) => {
				*self.refused.entry((kind, reason)).or_default() += 1;
				false
			},
		}
	}

	/// Refusals of `kind` for a reason containing `reason`.
	pub fn refusals(&self, kind: &str, reason: &str) -> usize {
		self.refused.iter().filter(|((k, r), _)| *k == kind && r.contains(reason)).map(|(_, n)| n).sum()
	}
}

/// A registered identity in its ring, with one chat and some parts, writing without the
/// client: the attacker ([`RawUser::flood`]) or an ordinary user ([`RawUser::post`]).
pub struct RawUser {
	identity: Identity,
	genesis: [u8; 32],
	ring: u32,
	revision: u32,
	members: Vec<[u8; 32]>,
	epoch: u32,
	/// The next ticket slot to try, and the epoch's number of slots.
	slot: u32,
	per_epoch: u32,
	membership: ed25519::Pair,
	chat: Option<u64>,
	parts: Vec<Part>,
	/// The next part key index.
	next_part: u32,
	/// The ticket oversized creations and junk are made from, for the current root and
	/// slot.
	junk_base: Option<Ticket>,
	/// Flood rounds so far: each round's messages, blobs and invitations differ, so that
	/// what the pool dropped is offered again as new transactions.
	rounds: u32,
	pub tally: Tally,
}

impl RawUser {
	/// `identity`, registered, once its key is in a ring (up to `timeout`); its tickets
	/// start at `slot` (those before were spent), its part keys at `first_part`.
	pub async fn enrolled(chain: &Chain, identity: Identity, slot: u32, first_part: u32, timeout: Duration) -> Self {
		let deadline = Instant::now() + timeout;
		let ring = loop {
			match chain.ring_placement(&identity.ring_key()).await.expect("placement") {
				Some(RingPlacement::InRing { ring, .. }) => break ring,
				_ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(500)).await,
				other => panic!("the ring key is not onboarded: {other:?}"),
			}
		};
		let (revision, members) = chain.ring_members(ring).await.expect("the ring's keys");
		let (epoch, _, per_epoch) = chain.ticket_epoch().await.expect("the epoch");
		RawUser {
			genesis: chain.genesis_hash(),
			identity,
			ring,
			revision,
			members,
			epoch,
			slot,
			per_epoch,
			membership: ed25519::Pair::from_seed(&[0xa7; 32]),
			chat: None,
			parts: Vec::new(),
			next_part: first_part,
			rounds: 0,
			junk_base: None,
			tally: Tally::default(),
		}
	}

	/// The ticket for `message` in the next unused slot, if any is left.
	fn ticket(&self, message: &[u8]) -> Option<Ticket> {
		(self.slot < self.per_epoch).then(|| self.ticket_in(self.slot, message))
	}

	fn ticket_in(&self, slot: u32, message: &[u8]) -> Ticket {
		let context = wire::ticket_context(self.epoch, slot);
		let (proof, alias) = self.identity.ring_prove(&self.members, &context, message).expect("a proof");
		pallet_ring::Ticket {
			ring: self.ring,
			revision: self.revision,
			epoch: self.epoch,
			slot,
			alias,
			proof: proof.try_into().expect("a proof fits"),
		}
	}

	/// Offers a ticketed call: a refusal because the slot was spent moves on to the next.
	async fn offer_ticketed(&mut self, rpc: &Rpc, kind: &'static str, message: &[u8], call: impl Fn(Ticket) -> RuntimeCall) -> bool {
		while let Some(ticket) = self.ticket(message) {
			let extrinsic = tx::general(call(ticket.clone()));
			let verdict = offer(rpc, &extrinsic).await;
			if verdict.as_ref().is_err_and(|r| r.contains("Custom error: 205")) {
				self.slot += 1;
				continue;
			}
			let taken = self.tally.note(kind, extrinsic, verdict);
			if taken {
				self.tally.tickets.push(ticket);
				self.slot += 1;
			}
			return taken;
		}
		false
	}

	/// Tickets left in this epoch.
	pub fn tickets_left(&self) -> u32 {
		self.per_epoch.saturating_sub(self.slot)
	}

	/// Creates the chat and joins `parts` parts (waiting for each to be final).
	pub async fn settle(&mut self, rpc: &Rpc, chain: &Chain, parts: usize) {
		let params = ChatParams { membership_key: self.membership.public(), sealed_key: vec![0xa7; 80] };
		let message = pallet_connector::create_chat_message(&sp_core::H256(self.genesis), &params);
		let chat = chain.next_chat_id(None).await.expect("next chat id");
		let ticket = self.ticket(&message).expect("a ticket for the chat");
		self.slot += 1;
		let call = RuntimeCall::Connector(pallet_connector::Call::create_chat { ticket, params });
		let outcome = rpc.submit_general(call).await.expect("a chat");
		assert!(outcome.result.is_ok(), "{:?}", outcome.result);
		assert!(chain.chat(chat, None).await.expect("read").is_some(), "chat {chat} is this user's");
		self.chat = Some(chat);
		for _ in 0..parts {
			let key = self.identity.part_key(self.next_part);
			self.next_part += 1;
			let id = key.public();
			let (blob, response, tag) = (vec![0xb1; 64], vec![0xb2; 512], [0xb3; 32]);
			let message = wire::part_message(&self.genesis, &id, &PartAction::join(&blob, &response, tag));
			let ticket = self.ticket(&message).expect("a ticket for a part");
			self.slot += 1;
			let signature = ed25519::Signature::from_raw(key.sign(&message));
			let call = RuntimeCall::Chat(pallet_chat::Call::join { ticket, part: id, blob, response, tag, signature });
			let outcome = rpc.submit_general(call).await.expect("a part");
			assert!(outcome.result.is_ok(), "{:?}", outcome.result);
			let info = chain.part(&id, None).await.expect("read").expect("the part");
			self.parts.push(Part { key, id, incarnation: info.incarnation });
		}
	}

	/// One round of every flood, against the node's best state.
	pub async fn round(&mut self, rpc: &Rpc, chain: &Chain, junk: usize) {
		self.rounds += 1;
		let varied = |len: usize, fill: u8, round: u32| {
			let mut bytes = vec![fill; len];
			bytes[..4].copy_from_slice(&round.to_le_bytes());
			bytes
		};
		let round = self.rounds;
		// Proofs against the ring's current root (it changes as users are onboarded).
		let (revision, members) = chain.ring_members(self.ring).await.expect("the ring's keys");
		if revision != self.revision {
			(self.revision, self.members) = (revision, members);
		}
		// A real proof against the current root, in the next slot (the last one once all
		// are used): what the oversized creation carries, and what junk is made from.
		let slot = self.slot.min(self.per_epoch - 1);
		if self.junk_base.as_ref().is_none_or(|t| (t.revision, t.slot) != (self.revision, slot)) {
			self.junk_base = Some(self.ticket_in(slot, b"junk"));
		}
		let base = self.junk_base.clone().expect("made above");
		// Oversized: a chat whose sealed key is one byte over the limit (refused on its
		// size, before its ticket is looked at); another key each round.
		let over = <<sealchat_runtime::Runtime as pallet_chat::Config>::MaxSealedKeyLen as sp_core::Get<u32>>::get() + 1;
		let params = ChatParams { membership_key: self.membership.public(), sealed_key: varied(over as usize, 0xee, round) };
		let extrinsic = tx::general(RuntimeCall::Connector(pallet_connector::Call::create_chat { ticket: base.clone(), params }));
		let verdict = offer(rpc, &extrinsic).await;
		self.tally.note("oversized create_chat", extrinsic, verdict);
		// Junk: the current ring, revision, epoch and slot, a well-formed proof, and an
		// alias never spent and never proved: the pool verifies the proof to refuse it.
		if let Some(chat) = self.chat {
			for i in 0..junk {
				let mut ticket = base.clone();
				ticket.alias[..4].copy_from_slice(&round.to_le_bytes());
				ticket.alias[4..8].copy_from_slice(&(i as u32).to_le_bytes());
				ticket.alias[8] ^= 0x55;
				let lease = pallet_chat::Lease::Chat(chat);
				let extrinsic = tx::general(RuntimeCall::Chat(pallet_chat::Call::renew { ticket, lease }));
				let verdict = offer(rpc, &extrinsic).await;
				self.tally.note("junk ticket", extrinsic, verdict);
			}
		}
		// Writes: each part's next messages and deletions, and a blob rewrite, as far
		// ahead as the pool takes them; a renewal when the part's allowance is spent.
		let best = chain.best().await.expect("best");
		for p in 0..self.parts.len() {
			let id = self.parts[p].id;
			let Some(info) = chain.part(&id, Some(&best)).await.expect("read") else { continue };
			// Offered from the chain's counters each round: what the pool still holds is
			// refused again (already imported), what it dropped is offered anew (each
			// round's contents differ).
			let part = &self.parts[p];
			let mut offered = Vec::new();
			for seq in info.next_seq..info.next_seq + AHEAD {
				let ciphertext = varied(100, 0xc0, round);
				let action = PartAction::post_message(part.incarnation, seq, &ciphertext);
				let signature = ed25519::Signature::from_raw(part.key.sign(&wire::part_message(&self.genesis, &id, &action)));
				offered.push(("post_message", RuntimeCall::Chat(pallet_chat::Call::post_message { part: id, seq, ciphertext, signature })));
			}
			for nonce in info.nonce..info.nonce + AHEAD {
				// Delete the message of the same number while there is one (each deletion
				// offered once: offered again it would be the same transaction), else
				// rewrite the blob.
				let seq = nonce;
				let action = PartAction::DeleteMessage { incarnation: part.incarnation, nonce, seq };
				let signature = ed25519::Signature::from_raw(part.key.sign(&wire::part_message(&self.genesis, &id, &action)));
				let delete = RuntimeCall::Chat(pallet_chat::Call::delete_message { part: id, nonce, seq, signature });
				let call = if seq < info.next_seq && !self.tally.offered(&tx::general(delete.clone())) {
					("delete_message", delete)
				} else {
					let blob = varied(4096, 0xb1, round);
					let action = PartAction::set_blob(part.incarnation, nonce, &blob);
					let signature = ed25519::Signature::from_raw(part.key.sign(&wire::part_message(&self.genesis, &id, &action)));
					("set_part_blob", RuntimeCall::Chat(pallet_chat::Call::set_part_blob { part: id, nonce, blob, signature }))
				};
				offered.push(call);
			}
			let mut spent = false;
			for (kind, call) in offered {
				spent |= self.offer_write(rpc, kind, call).await;
			}
			if spent {
				self.offer_top_up(rpc, pallet_chat::Lease::Part(id)).await;
			}
		}
		// Invitations: the chat's next ones; a renewal when they are spent.
		if let Some(chat) = self.chat {
			let Some(info) = chain.chat(chat, Some(&best)).await.expect("read") else { return };
			let mut spent = false;
			for nonce in info.nonce..info.nonce + u64::from(AHEAD) {
				let (invitation, tag) = (varied(512, 0xab, round), [0x7b; 32]);
				let proof = self.membership.sign(&add_member_message(&self.genesis, chat, nonce, &invitation, &tag));
				let call = RuntimeCall::Chat(pallet_chat::Call::add_member { chat, nonce, invitation, tag, proof });
				spent |= self.offer_write(rpc, "add_member", call).await;
			}
			if spent {
				self.offer_top_up(rpc, pallet_chat::Lease::Chat(chat)).await;
			}
		}
	}

	/// Offers a write (or invitation) not offered before; whether the pool refused it
	/// because the day's allowance is spent.
	async fn offer_write(&mut self, rpc: &Rpc, kind: &'static str, call: RuntimeCall) -> bool {
		let extrinsic = tx::general(call);
		if self.tally.offered(&extrinsic) {
			return false;
		}
		let verdict = offer(rpc, &extrinsic).await;
		let spent = verdict.as_ref().is_err_and(|r| r.contains("Custom error: 218"));
		self.tally.note(kind, extrinsic, verdict);
		spent
	}

	/// Offers a renewal of `lease` with the next ticket, if any is left: a top-up of its
	/// allowance for the day.
	async fn offer_top_up(&mut self, rpc: &Rpc, lease: pallet_chat::Lease) {
		let message = pallet_chat::renew_message(&sp_core::H256(self.genesis), &lease);
		self.offer_ticketed(rpc, "renew (top-up)", &message, |ticket| {
			RuntimeCall::Chat(pallet_chat::Call::renew { ticket, lease: lease.clone() })
		})
		.await;
	}

	/// Renews each part once (a ticket each, waited for until final): a day's top-up of
	/// writes for an ordinary user who posts more than the day's base allowance.
	pub async fn top_up(&mut self, rpc: &Rpc) {
		for p in 0..self.parts.len() {
			let lease = pallet_chat::Lease::Part(self.parts[p].id);
			let message = pallet_chat::renew_message(&sp_core::H256(self.genesis), &lease);
			let ticket = self.ticket(&message).expect("a ticket for a renewal");
			self.slot += 1;
			let outcome = rpc.submit_general(RuntimeCall::Chat(pallet_chat::Call::renew { ticket, lease })).await.expect("a renewal");
			assert!(outcome.result.is_ok(), "{:?}", outcome.result);
		}
	}

	/// An ordinary user's message: `ciphertext` posted from the first part at its next
	/// sequence number on the best chain, waited for until final. Returns the seconds
	/// from submission to finality and the blocks from the best block at submission to
	/// the one that included it.
	pub async fn post(&mut self, rpc: &Rpc, chain: &Chain, ciphertext: Vec<u8>) -> (f64, u64) {
		let genesis = self.genesis;
		let part = self.parts.first().expect("a part");
		let seq = chain.part(&part.id, None).await.expect("read").expect("the part").next_seq;
		let action = PartAction::post_message(part.incarnation, seq, &ciphertext);
		let signature = ed25519::Signature::from_raw(part.key.sign(&wire::part_message(&genesis, &part.id, &action)));
		let call = RuntimeCall::Chat(pallet_chat::Call::post_message { part: part.id, seq, ciphertext, signature });
		let (started, best) = (Instant::now(), rpc.best_number().await);
		let outcome = rpc.submit_general(call).await.expect("the pool takes an ordinary message");
		assert!(outcome.result.is_ok(), "{:?}", outcome.result);
		let header = rpc.call("chain_getHeader", rpc_params![format!("{:?}", outcome.block)]).await;
		let number = u64::from_str_radix(header["number"].as_str().expect("a number").trim_start_matches("0x"), 16).expect("hex");
		(started.elapsed().as_secs_f64(), number.saturating_sub(best))
	}

	/// Floods for `rounds` rounds, one per new best block.
	pub async fn flood(&mut self, rpc: &Rpc, chain: &Chain, rounds: u32, junk: usize) {
		let mut last = rpc.best_number().await;
		for _ in 0..rounds {
			while rpc.best_number().await <= last {
				tokio::time::sleep(Duration::from_millis(200)).await;
			}
			last = rpc.best_number().await;
			self.round(rpc, chain, junk).await;
		}
	}

	/// Waits until none of the transactions the pool took from this user is still in
	/// it (each was included, or dropped when it no longer held), up to `timeout`, then
	/// until the best block is final. Returns that block's number.
	pub async fn drain(&self, rpc: &Rpc, timeout: Duration) -> u64 {
		let deadline = Instant::now() + timeout;
		loop {
			let pending = rpc.call("author_pendingExtrinsics", rpc_params![]).await;
			let mine = pending
				.as_array()
				.expect("a list")
				.iter()
				.filter(|x| self.tally.offered(&crate::unhex(x.as_str().expect("hex"))))
				.count();
			if mine == 0 || Instant::now() > deadline {
				break;
			}
			tokio::time::sleep(Duration::from_secs(1)).await;
		}
		let best = rpc.best_number().await;
		rpc.wait_finalized(best, timeout).await;
		best
	}

	/// Slots of the epoch this user has used (or found spent).
	pub fn tickets_used(&self) -> u32 {
		self.slot.min(self.per_epoch)
	}

	/// Checks, on the chain's finalized state, that the attacker got no more than its
	/// allowance (each part's writes and bytes, the chat's invitations) and that every
	/// ticket the pool took from its floods is spent. Returns (writes, invitations)
	/// included.
	pub async fn assert_bounded(&self, rpc: &Rpc, chain: &Chain) -> (u64, u64) {
		let at = chain.finalized().await.expect("finalized");
		let (mut writes, mut invitations) = (0, 0);
		for part in &self.parts {
			let info = chain.part(&part.id, Some(&at)).await.expect("read").expect("the part");
			let usage = &info.usage;
			// (A run that crossed into the next day would count from zero there.)
			assert_eq!(usage.epoch, self.epoch, "the run stays in one epoch");
			let top_ups = u64::from(usage.top_ups);
			assert!(u64::from(usage.writes) <= u64::from(configs::WRITES_PER_EPOCH) + top_ups * u64::from(configs::TOP_UP_WRITES), "{usage:?}");
			assert!(u64::from(usage.bytes) <= u64::from(configs::WRITE_BYTES_PER_EPOCH) + top_ups * u64::from(configs::TOP_UP_BYTES), "{usage:?}");
			writes += u64::from(usage.writes);
		}
		if let Some(chat) = self.chat {
			let info = chain.chat(chat, Some(&at)).await.expect("read").expect("the chat");
			let allowed = u64::from(configs::INVITATIONS_PER_EPOCH) * (1 + u64::from(info.usage.top_ups));
			assert!(u64::from(info.usage.writes) <= allowed, "{:?}", info.usage);
			assert_eq!(info.nonce, u64::from(info.usage.writes), "every invitation of the epoch counted");
			invitations = info.nonce;
		}
		// Every ticket the pool took is spent (its alias recorded for the epoch).
		let finalized = rpc.finalized_hash().await;
		for ticket in &self.tally.tickets {
			type Spent = pallet_ring::Spent<sealchat_runtime::Runtime, pallet_ring::Instance1>;
			let key = Spent::hashed_key_for(ticket.epoch, ticket.alias);
			let stored = rpc.call("state_getStorage", rpc_params![hex(&key), finalized.clone()]).await;
			assert!(!stored.is_null(), "the ticket of slot {} was taken by the pool and not spent", ticket.slot);
		}
		(writes, invitations)
	}
}

/// Registers `identity` (its encryption and ring keys) from `account`, waiting until final.
pub async fn register(rpc: &Rpc, genesis: &[u8; 32], identity: &Identity, account: &sp_core::sr25519::Pair) {
	let possession = identity.ring_sign(&wire::register_message(genesis, &account.public().0)).expect("a ring signature");
	let call = RuntimeCall::Connector(pallet_connector::Call::register_key {
		key: identity.encryption_key(),
		ring_key: identity.ring_key(),
		possession,
	});
	let outcome = rpc.submit(account, call).await;
	assert!(outcome.result.is_ok(), "registration: {:?}", outcome.result);
}

/// Offers `extrinsic` to the node's pool: `Ok` if it took it, or its refusal.
pub async fn offer(rpc: &Rpc, extrinsic: &[u8]) -> Result<(), String> {
	let verdict: Result<Value, _> = rpc.client().request("author_submitExtrinsic", rpc_params![hex(extrinsic)]).await;
	verdict.map(|_| ()).map_err(|e| e.to_string())
}
