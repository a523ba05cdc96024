//! Making a ring proof in the client: the prover key of the user's ring (`open`, from
//! every key of the ring) and the proof itself (`create`), for rings of 1,024 and 16,000
//! members of the 2^16 domain (which holds at most 16,127), and its verification: one
//! proof, and a batch of [`BATCH`] proofs together (`batch_validate`, all or nothing, and
//! `batch_validate_per_item`, which names the proofs that fail), against the same proofs
//! one by one; and the ring key's plain signature (registration's proof of possession).
//!
//! `cargo bench -p sealchat-client --bench ring`; `scripts/bench.sh` runs it.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use sealchat::crypto::RingVrf;
use verifiable::{ring::RingDomainSize, GenerateVerifiable};

const DOMAIN: RingDomainSize = RingDomainSize::Domain16;

fn ring_of(n: u32) -> (Vec<[u8; 32]>, <RingVrf as GenerateVerifiable>::Secret) {
	let secret = |i: u32| {
		let mut entropy = [0x33; 32];
		entropy[..4].copy_from_slice(&i.to_le_bytes());
		RingVrf::new_secret(entropy)
	};
	let members = (0..n).map(|i| RingVrf::member_from_secret(&secret(i))).collect();
	(members, secret(n / 2))
}

fn prove(c: &mut Criterion) {
	let mut group = c.benchmark_group("ring");
	group.sample_size(10);
	for n in [1_024u32, 16_000] {
		let (members, secret) = ring_of(n);
		let me = RingVrf::member_from_secret(&secret);
		group.bench_function(format!("open_{n}"), |b| {
			b.iter(|| RingVrf::open(DOMAIN, black_box(&me), members.iter().cloned()).unwrap())
		});
		let commitment = RingVrf::open(DOMAIN, &me, members.iter().cloned()).unwrap();
		group.bench_function(format!("create_{n}"), |b| {
			b.iter(|| RingVrf::create(commitment.clone(), black_box(&secret), b"context", b"message").unwrap())
		});
	}
	group.finish();
}

fn verify(c: &mut Criterion) {
	let (members, secret) = ring_of(1_024);
	let me = RingVrf::member_from_secret(&secret);
	let chunks = verifiable::ring::ring_verifier_builder_params::<verifiable::ring::bandersnatch::BandersnatchSha512Ell2>(DOMAIN);
	let mut builder = RingVrf::start_members(DOMAIN);
	RingVrf::push_members(&mut builder, members.iter().cloned(), |range| {
		Ok(chunks.0[range].iter().map(|p| verifiable::ring::StaticChunk(*p)).collect())
	})
	.unwrap();
	let root = RingVrf::finish_members(builder);
	let commitment = RingVrf::open(DOMAIN, &me, members.iter().cloned()).unwrap();
	let (proof, _) = RingVrf::create(commitment, &secret, b"context", b"message").unwrap();
	let mut group = c.benchmark_group("ring");
	group.bench_function("validate_native", |b| {
		b.iter(|| RingVrf::validate(DOMAIN, black_box(&proof), &root, b"context", b"message").unwrap())
	});

	// A block's worth of tickets: one member's proofs of different messages (each
	// ticket signs its own call), under one context.
	let commitment = RingVrf::open(DOMAIN, &me, members.iter().cloned()).unwrap();
	let batch: Vec<_> = (0..BATCH)
		.map(|i| {
			let message = format!("call {i}").into_bytes();
			let (proof, _) = RingVrf::create(commitment.clone(), &secret, b"context", &message).unwrap();
			verifiable::BatchProofItem { proof, config: DOMAIN, members: root.clone(), context: b"context".to_vec(), message }
		})
		.collect();
	group.sample_size(10);
	group.bench_function(format!("validate_{BATCH}_one_by_one"), |b| {
		b.iter(|| {
			for item in &batch {
				RingVrf::validate(item.config, black_box(&item.proof), &item.members, &item.context, &item.message)
					.unwrap();
			}
		})
	});
	group.bench_function(format!("batch_validate_{BATCH}"), |b| {
		b.iter(|| RingVrf::batch_validate(black_box(&batch)).unwrap())
	});
	group.bench_function(format!("batch_validate_per_item_{BATCH}"), |b| {
		b.iter(|| assert!(RingVrf::batch_validate_per_item(black_box(&batch)).iter().all(Result::is_ok)))
	});
	// One forged proof among them: the all-or-nothing check refuses the lot, the
	// per-item one pays to find which.
	let mut forged = batch.clone();
	forged[BATCH / 2].message = b"another call".to_vec();
	group.bench_function(format!("batch_validate_per_item_{BATCH}_one_forged"), |b| {
		b.iter(|| assert_eq!(RingVrf::batch_validate_per_item(black_box(&forged)).iter().filter(|r| r.is_err()).count(), 1))
	});
	group.finish();
}

/// Proofs in a batch: about what one block carries at the chain's target of 50
/// anonymous operations (docs/BENCHMARKS.md), rounded down to keep the setup short
/// (each proof takes 1.5 s to make).
const BATCH: usize = 16;

/// The ring key's plain signature: what the client makes once to register
/// (`register_key`'s `possession`), and what the runtime verifies, in its WASM, for a
/// first registration.
fn signature(c: &mut Criterion) {
	let (_, secret) = ring_of(1);
	let member = RingVrf::member_from_secret(&secret);
	let message = [0x47u8; 84];
	let signature = RingVrf::sign(&secret, &message).unwrap();
	let mut group = c.benchmark_group("ring");
	group.bench_function("sign", |b| b.iter(|| RingVrf::sign(black_box(&secret), &message).unwrap()));
	group.bench_function("verify_signature_native", |b| {
		b.iter(|| assert!(RingVrf::verify_signature(black_box(&signature), &message, &member)))
	});
}

criterion_group!(benches, prove, verify, signature);
criterion_main!(benches);
