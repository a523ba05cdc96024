//! Micro-benchmarks of finding one's records: trial decryption of invitations (against
//! the raw X25519 rate, its limit) on one and on all cores, and the rendezvous-tag lookup
//! that finds responses without any decryption.
//!
//! `cargo bench -p sealchat-client --bench scan`; `scripts/bench.sh` runs it and prints
//! the table of docs/BENCHMARKS.md.

use std::{collections::HashMap, hint::black_box};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sealchat::{
	crypto::{self, ChatKey, Identity},
	scan::Scanner,
	wire::{ChatKind, Invitation},
};

/// Records per scanner batch: the connector's page size.
const PAGE: usize = 2048;

/// Every connector record's length: the runtime's `RecordLen` (docs/CHAIN.md).
const RECORD_LEN: usize = 512;

/// `n` sealed invitations, none of them to `me`: what a scan mostly sees.
fn foreign_records(n: usize) -> Vec<Vec<u8>> {
	let alice = Identity::from_suri("//Alice").unwrap();
	let someone = Identity::from_suri("//Someone").unwrap();
	let key = ChatKey::generate();
	let invitation = Invitation::new(&alice, &[0x47; 32], ChatKind::Pair, 1, 0, &key, someone.account(), vec![[1; 32]]);
	(0..n).map(|_| invitation.seal(&someone.encryption_key(), RECORD_LEN).unwrap()).collect()
}

fn x25519_limit(c: &mut Criterion) {
	let mut group = c.benchmark_group("scan");
	group.throughput(Throughput::Elements(1));
	let secret = crypto::random_32();
	let point = Identity::from_suri("//Bob").unwrap().encryption_key();
	group.bench_function("x25519_scalarmult", |b| b.iter(|| crypto::x25519(black_box(&secret), black_box(&point))));

	let me = Identity::from_suri("//Charlie").unwrap();
	let records = foreign_records(64);
	let mut i = 0;
	group.bench_function("trial_open_one_record", |b| {
		b.iter(|| {
			i = (i + 1) % records.len();
			me.open_sealed(black_box(&records[i]))
		})
	});
	group.finish();
}

fn scanner(c: &mut Criterion) {
	let me = Identity::from_suri("//Charlie").unwrap();
	let records = foreign_records(PAGE);
	let payloads: Vec<Option<&[u8]>> = records.iter().map(|r| Some(r.as_slice())).collect();
	let cores = std::thread::available_parallelism().map_or(1, usize::from);
	let mut group = c.benchmark_group("scan");
	group.throughput(Throughput::Elements(PAGE as u64));
	group.sample_size(20);
	for (name, threads) in [("scanner_page_1_thread", 1), ("scanner_page_all_cores", cores)] {
		let scanner = Scanner::new(threads);
		group.bench_function(name, |b| b.iter(|| scanner.open_all(&me, black_box(&payloads))));
	}
	group.finish();
}

fn tags(c: &mut Criterion) {
	// A user in 1,000 chats, each expecting responses to 10 invitations.
	let mut expected = HashMap::new();
	for chat in 0..1000u64 {
		let key = ChatKey::generate();
		for nonce in 0..10 {
			expected.insert(key.response_tag(nonce), (chat, nonce));
		}
	}
	let mut group = c.benchmark_group("scan");
	group.throughput(Throughput::Elements(PAGE as u64));
	group.bench_function("tag_lookup_page_10k_expected", |b| {
		b.iter_batched(
			|| (0..PAGE).map(|_| crypto::random_32()).collect::<Vec<_>>(),
			|tags| tags.iter().filter(|t| expected.contains_key(*t)).count(),
			BatchSize::SmallInput,
		)
	});
	group.finish();
}

criterion_group!(benches, x25519_limit, scanner, tags);
criterion_main!(benches);
