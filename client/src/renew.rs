//! Keeping my leases alive: my part of every chat I joined, and the chat itself.
//!
//! A chat or a part lives a lease ([`crate::chain::Limits::lease`]) from its creation or
//! its last renewal, then the chain removes it. A member who only reads must not lose
//! the chat, and a renewal must not tell an observer what else is mine: so renewals run
//! on a schedule of their own, never with my other writes.
//!
//! - **When.** A lease ending in block `e` is renewed from block [`due`]: drawn from my
//!   secret, per lease and per lease end, in `[e − lease/2, e − lease/4)`. Nothing I
//!   write or read moves it, and every process of mine (the interactive client, `watch`,
//!   any command that only reads) finds the same block without keeping it anywhere. A
//!   chat's lease is renewed by whichever member's time comes first; the others then
//!   find a later end, and a later time.
//! - **Alone.** A renewal is a transaction of its own, made only when no write of mine
//!   and no other renewal of mine ended within a [`gap`] (the [`spacing`] and a draw of
//!   mine below it again), held until final; a write waits until my last renewal is at
//!   least two blocks old (`Session::submitting`). So no block holds a renewal and
//!   another write of mine, two leases of mine due at once are renewed apart, and a
//!   renewal put off by a write does not follow it by a fixed time.
//! - **What it costs.** A ticket per renewal: each lease about every 5/8 of a lease.
//!
//! (A write tops up its part's daily allowance with a renewal of that part when it needs
//! one, right before it: that renewal names the part the write names, and links nothing.)
//!
//! The same schedule deletes my messages that disappear ([`crate::wire::Body::Timer`])
//! from the chain: each from a time drawn from my secret in the [`spacing`] after its
//! time came, alone in its transaction and kept apart from my other writes as a renewal
//! is, when no renewal is due.

use crate::{
	session::{ClientError, Result, Session},
	store::ChatRow,
	wire::{ChatId, Lease, PartId},
};

/// Whether a lease that ends in block `expires` is still worth writing to at block
/// `best`: a lease whose end comes with the next block is as good as ended (`on_idle` may
/// remove what it held before a write gets in).
pub fn lives(expires: u32, best: u32) -> bool {
	expires > best.saturating_add(1)
}

/// The block from which `lease`, ending in block `expires`, is renewed by `identity`:
/// in `[expires − lifetime/2, expires − lifetime/4)`, drawn from the identity's secret.
pub fn due(identity: &crate::crypto::Identity, lease: &Lease, expires: u32, lifetime: u32) -> u32 {
	let (from, until) = (expires.saturating_sub(lifetime / 2), expires.saturating_sub(lifetime / 4));
	let width = u64::from(until.saturating_sub(from)).max(1);
	from + identity.secret_draw(&[b"renew", &lease_bytes(lease), &expires.to_le_bytes()], width) as u32
}

/// The least time between a renewal of mine and the write or renewal of mine before it,
/// in milliseconds: a sixty-fourth of the lease, at least two blocks, at most ten
/// minutes. (A write waits only until my last renewal is two blocks old.)
pub fn spacing(lifetime: u32, block_ms: u64) -> u64 {
	let least = 2 * block_ms;
	(u64::from(lifetime) * block_ms / 64).min(10 * 60 * 1000).max(least)
}

/// How long after my write or renewal that ended at `since` my renewal of `lease` waits:
/// [`spacing`] and a draw of mine below it again, so that a renewal put off by a write
/// does not follow it by a fixed time.
pub fn gap(identity: &crate::crypto::Identity, lease: &Lease, since: std::time::SystemTime, spacing: u64) -> u64 {
	let since_ms = since.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
	spacing + identity.secret_draw(&[b"gap", &lease_bytes(lease), &since_ms.to_le_bytes()], spacing.max(1))
}

/// When my message `seq` of `part`, which disappears at `expires_at` (ms since 1970),
/// is deleted from the chain: in the [`spacing`] after, at a time drawn from my secret.
pub fn deletion_due(identity: &crate::crypto::Identity, part: &PartId, seq: u32, expires_at: u64, spacing: u64) -> u64 {
	expires_at + identity.secret_draw(&[b"disappear", part, &seq.to_le_bytes()], spacing.max(1))
}

/// A lease as the draws of [`due`] and [`gap`] name it.
fn lease_bytes(lease: &Lease) -> Vec<u8> {
	match lease {
		Lease::Chat(chat) => [&[0u8][..], &chat.to_le_bytes()[..]].concat(),
		Lease::Part(part) => [&[1u8][..], &part[..]].concat(),
	}
}

/// A renewal made by [`Session::renew_due`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Renewal {
	/// The chat whose lease, or whose part of mine, was renewed.
	pub chat: ChatId,
	pub lease: Lease,
	/// The block the lease now ends in.
	pub expires: u32,
}

/// What [`Session::renew_due`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renewals {
	/// The renewal made, if one was due and could be made now.
	pub renewed: Option<Renewal>,
	/// Leases due that wait for their turn (one renewal at a time, [`spacing`] apart).
	pub waiting: usize,
	/// Joined chats whose lease ended, or whose part of mine did.
	pub lapsed: Vec<ChatId>,
	/// My message deleted from the chain because its time came (no renewal was due):
	/// (chat, its number in my part).
	pub deleted: Option<(ChatId, u32)>,
}

impl Session {
	/// Renews the lease of mine whose time ([`due`]) came first, if any came and nothing
	/// of mine was written within [`spacing`]: alone in its transaction, waiting for it
	/// to be in a block. When no lease is due, deletes from the chain the message of mine
	/// whose time to disappear came first ([`deletion_due`]), the same way. Call it from
	/// time to time from every process that runs long enough (once per block is plenty),
	/// never right before or after a write of one's own: the spacing is kept across
	/// processes, but the caller knows best.
	pub async fn renew_due(&mut self) -> Result<Renewals> {
		let limits = self.chain.limits();
		let best = self.chain.best().await?;
		let mut found = Renewals::default();
		let mut due_now: Vec<(u32, ChatId, Lease)> = Vec::new();
		// A chat I left is not kept: my part of it ends with its lease, and the chat with
		// its members' renewals.
		let joined: Vec<ChatRow> = self.store.chats()?.into_iter().filter(|row| row.joined && !row.left).collect();
		let parts = self.chain.parts(&joined.iter().map(|row| row.my_part).collect::<Vec<_>>(), &best).await?;
		for (row, part) in joined.iter().zip(parts) {
			// A lease whose end has come is not renewed any more, even while `on_idle`
			// has not removed what it held yet.
			let live = |expires: u32| lives(expires, best.number);
			let (Some(part), Some(chat)) = (part, self.chain.chat(row.id, Some(&best)).await?) else {
				found.lapsed.push(row.id);
				continue;
			};
			if !live(part.expires) || !live(chat.expires) {
				found.lapsed.push(row.id);
				continue;
			}
			for (lease, expires) in [(Lease::Part(row.my_part), part.expires), (Lease::Chat(row.id), chat.expires)] {
				let at = due(&self.identity, &lease, expires, limits.lease);
				if best.number >= at {
					due_now.push((at, row.id, lease));
				}
			}
		}
		due_now.sort_by_key(|(at, ..)| *at);
		let Some(&(_, chat, lease)) = due_now.first() else {
			found.deleted = self.delete_expired_due().await?;
			return Ok(found);
		};
		found.waiting = due_now.len() - 1;

		// Another process of mine writing now is a write within the spacing: its turn
		// comes later (and a command that only reads never waits for the lock).
		let Some(lock) = self.submit_lock.try_acquire()? else {
			found.waiting += 1;
			return Ok(found);
		};
		// Another process of mine may have left the chat meanwhile.
		if self.store.chat(chat)?.is_none_or(|row| row.left) {
			lock.release_unused();
			return Ok(found);
		}
		if !self.quiet_for(&lock, &lease, spacing(limits.lease, limits.block_ms))? {
			found.waiting += 1;
			lock.release_unused();
			return Ok(found);
		}
		// Read again at the newest block: another member may have just renewed the chat.
		let now_best = self.chain.best().await?;
		let expires = match lease {
			Lease::Chat(chat) => self.chain.chat(chat, Some(&now_best)).await?.map(|c| c.expires),
			Lease::Part(part) => self.chain.part(&part, Some(&now_best)).await?.map(|p| p.expires),
		};
		if !expires.is_some_and(|e| now_best.number >= due(&self.identity, &lease, e, limits.lease)) {
			lock.release_unused();
			return Ok(found);
		}
		let mut batch = self.chain.batch().await?;
		match self.push_renewal(&mut batch, lease).await {
			Ok(()) => {},
			// Today's tickets are spent: tomorrow's renew it, well before it ends.
			Err(ClientError::NoTicketsLeft { .. } | ClientError::Contended) => {
				found.waiting += 1;
				lock.release_unused();
				return Ok(found);
			},
			// Refused before it was announced: nothing was written.
			Err(e) => {
				lock.release_unused();
				return Err(e);
			},
		}
		self.store.set_last_renewal(std::time::SystemTime::now())?;
		// Held until final, so that no fork puts it into a block with my next write.
		let included = batch.finish().await.into_iter().next().expect("one call in the batch; qed");
		// Kept however it went: a renewal was announced, and the next write keeps its
		// distance from it.
		self.store.set_last_renewal(std::time::SystemTime::now())?;
		// The batch holds this renewal alone: its event is the renewal's.
		let expires = crate::session::event::<crate::chain::api::chat::events::Renewed>(&included?)?.expires;
		drop(lock);
		found.renewed = Some(Renewal { chat, lease, expires });
		Ok(found)
	}

	/// Whether a scheduled write for `lease` may go now: no write of mine (the last one
	/// `lock` knows of) and no renewal of mine ended within a [`gap`] before now. (A time
	/// ahead of the clock, which was set back since, does not hold anything up.)
	fn quiet_for(&self, lock: &crate::profile::SubmitGuard, lease: &Lease, spacing: u64) -> Result<bool> {
		let now = std::time::SystemTime::now();
		let quiet = |since: Option<std::time::SystemTime>| match since {
			Some(since) => now.duration_since(since).map_or(true, |elapsed| {
				elapsed >= std::time::Duration::from_millis(gap(&self.identity, lease, since, spacing))
			}),
			None => true,
		};
		Ok(quiet(lock.last_write_end()) && quiet(self.store.last_renewal()?))
	}

	/// Deletes from the chain the message of mine whose [`deletion_due`] came first, if
	/// one came and nothing of mine was written within a [`gap`]. One whose part is gone,
	/// or that is gone from its part (deleted by hand, or its block abandoned and its
	/// number taken by another message), is only forgotten.
	async fn delete_expired_due(&mut self) -> Result<Option<(ChatId, u32)>> {
		let limits = self.chain.limits();
		let spacing = spacing(limits.lease, limits.block_ms);
		let now = crate::session::now_ms();
		let due_now = self
			.store
			.expired_on_chain(now)?
			.into_iter()
			.map(|(chat, part, seq, expires_at)| (deletion_due(&self.identity, &part, seq, expires_at, spacing), chat, part, seq))
			.filter(|(at, ..)| *at <= now)
			.min_by_key(|(at, ..)| *at);
		let Some((_, chat, part, seq)) = due_now else { return Ok(None) };
		let Some(lock) = self.submit_lock.try_acquire()? else { return Ok(None) };
		if !self.quiet_for(&lock, &Lease::Part(part), spacing)? {
			lock.release_unused();
			return Ok(None);
		}
		// Still there, and still the message that disappears (an abandoned block may have
		// given its number to another one).
		let (index, key) = match self.store.chat(chat)? {
			Some(row) if row.my_part == part => (Some(row.my_part_index), Some(row.key)),
			Some(row) => (self.part_key_index(&part).await?, Some(row.key)),
			None => (None, None),
		};
		let best = self.chain.best().await?;
		let on_chain = match (index, key) {
			(Some(_), Some(key)) => match self.chain.part(&part, Some(&best)).await? {
				Some(state) if lives(state.expires, best.number) => {
					let page = self.chain.messages(&part, seq, 1, &best).await?;
					page.messages.iter().find(|(at, _)| *at == seq).is_some_and(|(_, m)| {
						crate::wire::Message::open(&key, &part, seq, &m.ciphertext.0)
							.is_ok_and(|m| m.expires_at().is_some_and(|at| at <= now))
					})
				},
				_ => false,
			},
			_ => false,
		};
		let (Some(index), true) = (index, on_chain) else {
			self.store.remove_expiring(&part, seq)?;
			lock.release_unused();
			return Ok(None);
		};
		self.store.set_last_renewal(std::time::SystemTime::now())?;
		let deleted = self.delete_on_chain(chat, &part, index, seq).await;
		// Kept however it went: a write was announced, and the next one keeps its distance.
		self.store.set_last_renewal(std::time::SystemTime::now())?;
		drop(lock);
		match deleted {
			Ok(()) => {
				self.store.remove_expiring(&part, seq)?;
				Ok(Some((chat, seq)))
			},
			// No ticket left to top the part's writes up: a later turn deletes it.
			Err(ClientError::AllowanceSpent { .. } | ClientError::Contended) => Ok(None),
			Err(e) => Err(e),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::crypto::Identity;

	#[test]
	fn a_lease_is_due_in_the_second_half_of_its_course_at_a_time_of_its_own() {
		let alice = Identity::from_suri("//Alice").unwrap();
		let bob = Identity::from_suri("//Bob").unwrap();
		let lifetime = 90 * 43_200;
		let expires = 5_000_000;
		let mut seen = std::collections::BTreeSet::new();
		for chat in 0..200u64 {
			let at = due(&alice, &Lease::Chat(chat), expires, lifetime);
			assert!((expires - lifetime / 2..expires - lifetime / 4).contains(&at), "{at}");
			// Every device of mine draws the same.
			assert_eq!(at, due(&Identity::from_suri("//Alice").unwrap(), &Lease::Chat(chat), expires, lifetime));
			seen.insert(at);
		}
		assert!(seen.len() > 190, "times of their own, not one time for all: {}", seen.len());
		let part = Lease::Part([7; 32]);
		// Another user, another lease end, another lease: another time.
		assert_ne!(due(&alice, &part, expires, lifetime), due(&bob, &part, expires, lifetime));
		assert_ne!(due(&alice, &part, expires, lifetime), due(&alice, &part, expires + 1, lifetime) - 1);
		assert_ne!(due(&alice, &part, expires, lifetime), due(&alice, &Lease::Chat(7), expires, lifetime));
		// A short lease still leaves a window.
		let at = due(&alice, &part, 100, 40);
		assert!((80..90).contains(&at), "{at}");
	}

	#[test]
	fn renewals_are_spaced_by_a_share_of_the_lease_within_bounds() {
		assert_eq!(spacing(40, 2_000), 4_000, "at least two blocks");
		assert_eq!(spacing(64 * 30, 2_000), 60_000);
		assert_eq!(spacing(90 * 43_200, 2_000), 600_000, "at most ten minutes");
		assert_eq!(spacing(90 * 43_200, 400_000), 800_000, "two blocks, however long");
	}

	#[test]
	fn a_renewal_put_off_follows_the_write_by_a_time_of_its_own() {
		let alice = Identity::from_suri("//Alice").unwrap();
		let lease = Lease::Chat(3);
		let gaps: std::collections::BTreeSet<u64> = (0..100u64)
			.map(|i| gap(&alice, &lease, std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_000_000 + i), 600_000))
			.collect();
		assert!(gaps.iter().all(|g| (600_000..1_200_000).contains(g)), "{gaps:?}");
		assert!(gaps.len() > 95, "not one fixed delay: {}", gaps.len());
	}
}
