//! Trial decryption of connector records on all cores.
//!
//! An invitation is a sealed box to its invitee's X25519 key and carries no tag, so the
//! only way to find one's invitations is to try to open every untagged record. Opening
//! costs one X25519 scalar multiplication (plus a hash and a Poly1305 check that fail
//! fast), so the scanner's rate is bounded by the X25519 rate times the cores used.

use rayon::prelude::*;

use crate::crypto::Identity;

/// A pool of threads that trial-open records.
pub struct Scanner {
	pool: rayon::ThreadPool,
}

impl Scanner {
	/// A scanner on `threads` threads (0: one per core).
	pub fn new(threads: usize) -> Self {
		let pool = rayon::ThreadPoolBuilder::new()
			.num_threads(threads)
			.thread_name(|i| format!("sealchat-scan-{i}"))
			.build()
			.expect("building a thread pool does not fail with a valid thread count; qed");
		Self { pool }
	}

	/// How many threads it uses.
	pub fn threads(&self) -> usize {
		self.pool.current_num_threads()
	}

	/// Tries to open each payload as a sealed box to `me`; the result has one entry per
	/// payload, `Some(plaintext)` for those that opened. `None` payloads (tagged records,
	/// which are never invitations) are skipped.
	pub fn open_all(&self, me: &Identity, payloads: &[Option<&[u8]>]) -> Vec<Option<Vec<u8>>> {
		self.pool.install(|| {
			payloads
				.par_iter()
				.with_min_len(64)
				.map(|p| p.and_then(|p| me.open_sealed(p)))
				.collect()
		})
	}
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
}
