//! Unlocking the key file: Argon2id at the limits new key files use (libsodium's
//! MODERATE), the cost of every command that needs the identity, and of every guess at
//! the passphrase. `cargo bench -p sealchat-client --bench key_file`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use sealchat::crypto::{lock_with_passphrase, unlock_with_passphrase, PassphraseKdf};

fn unlock(c: &mut Criterion) {
	let kdf = PassphraseKdf::new();
	let locked = lock_with_passphrase(b"bottom drive obey lake curtain smoke basket hold race lonely fit walk", "pw", &kdf)
		.unwrap();
	let mut group = c.benchmark_group("key_file");
	group.sample_size(10);
	group.bench_function("unlock_moderate", |b| {
		b.iter(|| unlock_with_passphrase(black_box(&locked), "pw", &kdf).unwrap())
	});
	group.finish();
}

criterion_group!(benches, unlock);
criterion_main!(benches);
