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
//!   ended within [`spacing`] and no other renewal of mine either; a write waits until
//!   my last renewal is at least two blocks old ([`Session::submitting`]). So no block
//!   holds a renewal and another write of mine, and two leases of mine due at once are
//!   renewed apart.
//! - **What it costs.** A ticket per renewal: each lease about every 5/8 of a lease.

use crate::{
	session::{ClientError, Result, Session},
	store::ChatRow,
	wire::{ChatId, Lease},
};

/// The block from which `lease`, ending in block `expires`, is renewed by `identity`:
/// in `[expires − lifetime/2, expires − lifetime/4)`, drawn from the identity's secret.
pub fn due(identity: &crate::crypto::Identity, lease: &Lease, expires: u32, lifetime: u32) -> u32 {
	let (from, until) = (expires.saturating_sub(lifetime / 2), expires.saturating_sub(lifetime / 4));
	let width = u64::from(until.saturating_sub(from)).max(1);
	let what = match lease {
		Lease::Chat(chat) => [&[0u8][..], &chat.to_le_bytes()[..]].concat(),
		Lease::Part(part) => [&[1u8][..], &part[..]].concat(),
	};
	from + identity.secret_draw(&[b"renew", &what, &expires.to_le_bytes()], width) as u32
}

/// The least time between a renewal of mine and any other write of mine (renewal or
/// not), in milliseconds: a sixty-fourth of the lease, at least two blocks, at most ten
/// minutes.
pub fn spacing(lifetime: u32, block_ms: u64) -> u64 {
	(u64::from(lifetime) * block_ms / 64).clamp(2 * block_ms, 10 * 60 * 1000)
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
}

impl Session {
	/// Renews the lease of mine whose time ([`due`]) came first, if any came and nothing
	/// of mine was written within [`spacing`]: alone in its transaction, waiting for it
	/// to be in a block. Call it from time to time from every process that runs long
	/// enough (once per block is plenty), never right before or after a write of one's
	/// own: the spacing is kept across processes, but the caller knows best.
	pub async fn renew_due(&mut self) -> Result<Renewals> {
		let limits = self.chain.limits();
		let best = self.chain.best().await?;
		let mut found = Renewals::default();
		let mut due_now: Vec<(u32, ChatId, Lease)> = Vec::new();
		let joined: Vec<ChatRow> = self.store.chats()?.into_iter().filter(|row| row.joined).collect();
		let parts = self.chain.parts(&joined.iter().map(|row| row.my_part).collect::<Vec<_>>(), &best).await?;
		for (row, part) in joined.iter().zip(parts) {
			let Some(part) = part else {
				found.lapsed.push(row.id);
				continue;
			};
			let Some(chat) = self.chain.chat(row.id, Some(&best)).await? else {
				found.lapsed.push(row.id);
				continue;
			};
			for (lease, expires) in [(Lease::Part(row.my_part), part.expires), (Lease::Chat(row.id), chat.expires)] {
				let at = due(&self.identity, &lease, expires, limits.lease);
				if best.number >= at {
					due_now.push((at, row.id, lease));
				}
			}
		}
		due_now.sort_by_key(|(at, ..)| *at);
		let Some(&(_, chat, lease)) = due_now.first() else { return Ok(found) };
		found.waiting = due_now.len() - 1;

		// Another process of mine writing now is a write within the spacing: its turn
		// comes later (and a command that only reads never waits for the lock).
		let Some(lock) = self.submit_lock.try_acquire()? else {
			found.waiting += 1;
			return Ok(found);
		};
		let spacing = std::time::Duration::from_millis(spacing(limits.lease, limits.block_ms));
		let now = std::time::SystemTime::now();
		let quiet = |since: Option<std::time::SystemTime>| {
			since.is_none_or(|t| now.duration_since(t).is_ok_and(|elapsed| elapsed >= spacing))
		};
		if !quiet(lock.last_write_end()) || !quiet(self.store.last_renewal()?) {
			found.waiting += 1;
			lock.release_unused();
			return Ok(found);
		}
		let mut batch = self.chain.batch().await?;
		let pushed = self.push_renewal(&mut batch, lease).await;
		if let Err(ClientError::NoTicketsLeft { .. } | ClientError::Contended) = pushed {
			// Today's tickets are spent: tomorrow's renew it, well before it ends.
			found.waiting += 1;
			lock.release_unused();
			return Ok(found);
		}
		pushed?;
		self.store.set_last_renewal(std::time::SystemTime::now())?;
		let included = batch.finish_included().await.into_iter().next().expect("one call in the batch; qed");
		// Kept however it went: a renewal was announced, and the next write keeps its
		// distance from it.
		self.store.set_last_renewal(std::time::SystemTime::now())?;
		let included = included?;
		// The batch holds this renewal alone: its event is the renewal's.
		let expires = crate::session::event::<crate::chain::api::chat::events::Renewed>(&included.included)?.expires;
		found.renewed = Some(Renewal { chat, lease, expires });
		Ok(found)
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
	}
}
