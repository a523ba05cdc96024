//! Trial decryption of connector records on all cores.
//!
//! An invitation is a sealed box to its invitee's X25519 key under a random tag, so the
//! only way to find one's invitations is to try to open every record whose tag is not one
//! the client expects (its chats' response tags). Opening
//! costs one X25519 scalar multiplication (plus a hash and a Poly1305 check that fail
//! fast), so the scanner's rate is bounded by the X25519 rate times the cores used.

use std::{future::Future, sync::Arc};

use rayon::prelude::*;

use crate::crypto::{Identity, SealedBoxKey};

/// A pool of threads that trial-open records; cloning shares it.
#[derive(Clone)]
pub struct Scanner {
	pool: Arc<rayon::ThreadPool>,
}

impl Scanner {
	/// A scanner on `threads` threads (0: one per core).
	pub fn new(threads: usize) -> Self {
		let pool = rayon::ThreadPoolBuilder::new()
			.num_threads(threads)
			.thread_name(|i| format!("sealchat-scan-{i}"))
			.build()
			.expect("building a thread pool does not fail with a valid thread count; qed");
		Self { pool: Arc::new(pool) }
	}

	/// How many threads it uses.
	pub fn threads(&self) -> usize {
		self.pool.current_num_threads()
	}

	/// Tries to open each payload as a sealed box to `me`; the result has one entry per
	/// payload, `Some(plaintext)` for those that opened. `None` payloads (tagged records,
	/// which are never invitations) are skipped.
	pub fn open_all(&self, me: &Identity, payloads: &[Option<&[u8]>]) -> Vec<Option<Vec<u8>>> {
		let key = me.sealed_box_key();
		self.pool.install(|| open_each(&key, payloads, |p| *p))
	}

	/// Starts trial-opening a page of `items` on the pool and returns at once, so that the
	/// caller can fetch the next page meanwhile. `payload` picks what to try of each item
	/// (`None`: skip it). The future yields the items back with one entry per item, as
	/// [`Scanner::open_all`]; it needs no particular async runtime.
	///
	/// The page is queued as chunks of [`CHUNK`] items behind the chunks of the pages
	/// queued before it, so the threads go from one page to the next without waiting for
	/// anyone to collect the first.
	pub fn open_page<T, F>(
		&self,
		key: SealedBoxKey,
		items: Vec<T>,
		payload: F,
	) -> impl Future<Output = (Vec<T>, Vec<Option<Vec<u8>>>)> + Send + 'static
	where
		T: Send + 'static,
		F: Fn(&T) -> Option<&[u8]> + Send + Sync + 'static,
	{
		let payload = Arc::new(payload);
		let (done, mut parts) = futures::channel::mpsc::unbounded();
		let mut chunks = 0;
		let mut items = items.into_iter().peekable();
		while items.peek().is_some() {
			let chunk: Vec<T> = items.by_ref().take(CHUNK).collect();
			let (done, payload, key, index) = (done.clone(), payload.clone(), key.clone(), chunks);
			self.pool.spawn_fifo(move || {
				let opened = chunk.iter().map(|item| payload(item).and_then(|p| key.open(p))).collect::<Vec<_>>();
				// The receiver is gone only if the sync was dropped; then nobody needs this.
				let _ = done.unbounded_send((index, chunk, opened));
			});
			chunks += 1;
		}
		drop(done);
		async move {
			use futures::StreamExt as _;
			// A panic in a job aborts the process (rayon's default), so every chunk comes
			// back before the last sender is dropped.
			let mut back = Vec::with_capacity(chunks);
			while let Some(part) = parts.next().await {
				back.push(part);
			}
			back.sort_unstable_by_key(|(index, ..)| *index);
			let (mut items, mut opened) = (Vec::new(), Vec::new());
			for (_, chunk, results) in back {
				items.extend(chunk);
				opened.extend(results);
			}
			(items, opened)
		}
	}
}

/// How many items of a page one job trial-opens (about 2 ms of one core).
pub const CHUNK: usize = 64;

/// Trial-opens `payload(item)` of every item with `key`, in parallel on the current
/// rayon pool.
fn open_each<T: Sync>(key: &SealedBoxKey, items: &[T], payload: impl Fn(&T) -> Option<&[u8]> + Sync) -> Vec<Option<Vec<u8>>> {
	items.par_iter().with_min_len(64).map(|item| payload(item).and_then(|p| key.open(p))).collect()
}

impl Default for Scanner {
	fn default() -> Self {
		Self::new(0)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn finds_exactly_the_records_for_us() {
		let bob = Identity::from_suri("//Bob").unwrap();
		let charlie = Identity::from_suri("//Charlie").unwrap();
		let mut payloads = Vec::new();
		for i in 0..500u32 {
			let to = if i % 97 == 0 { &bob } else { &charlie };
			payloads.push(crate::crypto::seal(&i.to_le_bytes(), &to.encryption_key()).unwrap());
		}
		let garbage = vec![7u8; 10];
		let mut refs: Vec<Option<&[u8]>> = payloads.iter().map(|p| Some(p.as_slice())).collect();
		refs.push(Some(&garbage));
		refs.push(None);
		for threads in [1, 2] {
			let found = Scanner::new(threads).open_all(&bob, &refs);
			assert_eq!(found.len(), refs.len());
			let ids: Vec<u32> = found
				.iter()
				.flatten()
				.map(|p| u32::from_le_bytes(p.as_slice().try_into().unwrap()))
				.collect();
			assert_eq!(ids, [0, 97, 194, 291, 388, 485]);
		}
	}

	#[test]
	fn a_page_opened_in_the_background_gives_the_same_result() {
		let bob = Identity::from_suri("//Bob").unwrap();
		let charlie = Identity::from_suri("//Charlie").unwrap();
		let items: Vec<(u32, Vec<u8>)> = (0..300u32)
			.map(|i| {
				let to = if i % 50 == 7 { &bob } else { &charlie };
				(i, crate::crypto::seal(&i.to_le_bytes(), &to.encryption_key()).unwrap())
			})
			.collect();
		let scanner = Scanner::new(2);
		let expected = scanner.open_all(&bob, &items.iter().map(|(i, p)| (i % 3 != 0).then_some(&p[..])).collect::<Vec<_>>());
		let (back, opened) = futures::executor::block_on(scanner.open_page(bob.sealed_box_key(), items.clone(), |(i, p)| {
			(i % 3 != 0).then_some(&p[..])
		}));
		assert_eq!(back, items, "the items come back in order");
		assert_eq!(opened, expected);
		// 7, 57, 107, ... are Bob's; those divisible by 3 (57, 207) were skipped.
		let found: Vec<u32> = opened.iter().flatten().map(|p| u32::from_le_bytes(p[..].try_into().unwrap())).collect();
		assert_eq!(found, [7, 107, 157, 257]);
	}

	#[test]
	fn pages_queued_one_behind_the_other_each_come_back_whole() {
		let bob = Identity::from_suri("//Bob").unwrap();
		let charlie = Identity::from_suri("//Charlie").unwrap();
		let page = |from: u32, len: u32| -> Vec<(u32, Vec<u8>)> {
			(from..from + len)
				.map(|i| {
					let to = if i % 61 == 0 { &bob } else { &charlie };
					(i, crate::crypto::seal(&i.to_le_bytes(), &to.encryption_key()).unwrap())
				})
				.collect()
		};
		let scanner = Scanner::new(2);
		// A page of a whole number of chunks, one of a part of a chunk, an empty one and
		// one of a chunk and a bit, all queued before any is collected.
		let pages = [page(0, 2 * CHUNK as u32), page(1000, 5), page(2000, 0), page(3000, CHUNK as u32 + 1)];
		let scans: Vec<_> =
			pages.iter().map(|p| scanner.open_page(bob.sealed_box_key(), p.clone(), |(_, sealed)| Some(&sealed[..]))).collect();
		for (scan, page) in scans.into_iter().rev().zip(pages.iter().rev()) {
			let (back, opened) = futures::executor::block_on(scan);
			assert_eq!(&back, page);
			let found: Vec<u32> = back.iter().zip(&opened).filter(|(_, o)| o.is_some()).map(|((i, _), _)| *i).collect();
			let expected: Vec<u32> = page.iter().map(|(i, _)| *i).filter(|i| i % 61 == 0).collect();
			assert_eq!(found, expected);
			for ((i, _), o) in back.iter().zip(&opened).filter(|(_, o)| o.is_some()) {
				assert_eq!(o.as_deref(), Some(&i.to_le_bytes()[..]));
			}
		}
	}
}
