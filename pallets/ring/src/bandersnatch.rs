//! The ring VRF of the chain: Bandersnatch ring proofs over a BLS12-381 KZG commitment
//! (`verifiable` 0.4, Parity's ring-VRF stack of the same release), and the static data
//! the runtime builds rings with.
//!
//! A ring root (288 bytes) commits to an ordered list of member keys (32 bytes each).
//! Taking a key in at position `i` needs the `i`-th point of the trusted setup in
//! Lagrangian basis (a "chunk", an uncompressed G1 point of 96 bytes); verifying a proof
//! needs only the root. The chunks of the first [`RING_CHUNKS`] positions of the 2^16
//! domain are compiled into the runtime (`ring-chunks.bin`, checked byte for byte
//! against the builder parameters `verifiable` publishes, by the tests below), which
//! bounds every ring the chain builds.

use alloc::vec::Vec;
use core::ops::Range;

pub use verifiable::ring::{
	bandersnatch::{BandersnatchSha512Ell2, BandersnatchVrfVerifiable},
	RingDomainSize, StaticChunk,
};
use verifiable::DecodeUnchecked;

/// The ring VRF of the chain, entirely in the runtime.
pub type Bandersnatch = BandersnatchVrfVerifiable;

/// [`Bandersnatch`] with proofs verified by the node ([`crate::host`]): the runtime's
/// `Config::Crypto`. Everything else (rings, keys) runs in the runtime as is.
pub struct HostVerified;

type B = Bandersnatch;

impl verifiable::GenerateVerifiable for HostVerified {
	type Members = <B as verifiable::GenerateVerifiable>::Members;
	type Intermediate = <B as verifiable::GenerateVerifiable>::Intermediate;
	type Member = <B as verifiable::GenerateVerifiable>::Member;
	type Secret = <B as verifiable::GenerateVerifiable>::Secret;
	type Commitment = <B as verifiable::GenerateVerifiable>::Commitment;
	type Proof = <B as verifiable::GenerateVerifiable>::Proof;
	type StaticChunk = <B as verifiable::GenerateVerifiable>::StaticChunk;
	type Signature = <B as verifiable::GenerateVerifiable>::Signature;
	type Config = <B as verifiable::GenerateVerifiable>::Config;

	fn start_members(config: Self::Config) -> Self::Intermediate {
		B::start_members(config)
	}

	fn push_members(
		intermediate: &mut Self::Intermediate,
		members: impl Iterator<Item = Self::Member>,
		lookup: impl Fn(Range<usize>) -> Result<Vec<Self::StaticChunk>, ()>,
	) -> Result<(), verifiable::Error> {
		B::push_members(intermediate, members, lookup)
	}

	fn finish_members(intermediate: Self::Intermediate) -> Self::Members {
		B::finish_members(intermediate)
	}

	fn new_secret(entropy: verifiable::Entropy) -> Self::Secret {
		B::new_secret(entropy)
	}

	fn member_from_secret(secret: &Self::Secret) -> Self::Member {
		B::member_from_secret(secret)
	}

	#[cfg(feature = "std")]
	fn open(
		config: Self::Config,
		member: &Self::Member,
		members: impl Iterator<Item = Self::Member>,
	) -> Result<Self::Commitment, verifiable::Error> {
		B::open(config, member, members)
	}

	#[cfg(feature = "std")]
	fn create_multi_context(
		commitment: Self::Commitment,
		secret: &Self::Secret,
		contexts: &[&[u8]],
		message: &[u8],
	) -> Result<(Self::Proof, verifiable::AliasVec), verifiable::Error> {
		B::create_multi_context(commitment, secret, contexts, message)
	}

	/// Single-context proofs only (the chain uses no others), verified by the node.
	fn validate_multi_context(
		config: Self::Config,
		proof: &Self::Proof,
		members: &Self::Members,
		contexts: &[&[u8]],
		message: &[u8],
	) -> Result<verifiable::AliasVec, verifiable::Error> {
		use codec::Encode;
		let [context] = contexts else { return Err(verifiable::Error::Unsupported) };
		if config != RING_DOMAIN {
			return Err(verifiable::Error::Unsupported);
		}
		let alias = crate::host::sealchat_ring_vrf::validate(&members.encode(), proof, context, message)
			.ok_or(verifiable::Error::VerificationFailed)?;
		Ok(core::iter::once(alias).collect())
	}

	fn alias_in_context(secret: &Self::Secret, context: &[u8]) -> Result<verifiable::Alias, verifiable::Error> {
		B::alias_in_context(secret, context)
	}

	fn is_member_valid(member: &Self::Member) -> bool {
		B::is_member_valid(member)
	}

	fn sign(secret: &Self::Secret, message: &[u8]) -> Result<Self::Signature, verifiable::Error> {
		B::sign(secret, message)
	}

	fn verify_signature(signature: &Self::Signature, message: &[u8], member: &Self::Member) -> bool {
		B::verify_signature(signature, message, member)
	}
}

/// The PCS domain rings are built in: 2^16, up to 16,127 members per ring.
pub const RING_DOMAIN: RingDomainSize = RingDomainSize::Domain16;

/// [`RING_DOMAIN`] as a `Get`, for `Config::CryptoConfig`.
pub struct Domain16;

impl frame_support::traits::Get<RingDomainSize> for Domain16 {
	fn get() -> RingDomainSize {
		RING_DOMAIN
	}
}

/// Bytes of one chunk: a G1 point of BLS12-381, uncompressed.
pub const CHUNK_SIZE: usize = 96;

/// The trusted-setup points behind the first ring positions, in order.
static CHUNKS: &[u8] = include_bytes!("ring-chunks.bin");

/// How many ring positions the compiled-in chunks cover.
pub const RING_CHUNKS: u32 = (include_bytes!("ring-chunks.bin").len() / CHUNK_SIZE) as u32;

/// The compiled-in chunks, as `Config::Chunks`.
pub struct Chunks;

impl crate::RingChunks<StaticChunk<BandersnatchSha512Ell2>> for Chunks {
	fn capacity() -> u32 {
		RING_CHUNKS
	}

	fn chunks(range: Range<usize>) -> Result<Vec<StaticChunk<BandersnatchSha512Ell2>>, ()> {
		let start = range.start.checked_mul(CHUNK_SIZE).ok_or(())?;
		let end = range.end.checked_mul(CHUNK_SIZE).ok_or(())?;
		// The chunks are compiled in and checked by the tests below: trusted, so the
		// curve checks of a normal decode would only repeat work.
		CHUNKS
			.get(start..end)
			.ok_or(())?
			.chunks_exact(CHUNK_SIZE)
			.map(|mut chunk| StaticChunk::decode_unchecked(&mut chunk).map_err(|_| ()))
			.collect()
	}
}

/// A ring proof made off chain, for the benchmarks: by member 3 of a ring of
/// [`BenchmarkProof::MEMBERS`] members, under [`BenchmarkProof::CONTEXT`] over
/// [`BenchmarkProof::MESSAGE`], with its alias.
#[cfg(any(feature = "runtime-benchmarks", test))]
#[derive(codec::Encode, codec::Decode)]
pub struct BenchmarkProof {
	pub root: <Bandersnatch as verifiable::GenerateVerifiable>::Members,
	pub proof: <Bandersnatch as verifiable::GenerateVerifiable>::Proof,
	pub alias: verifiable::Alias,
}

#[cfg(any(feature = "runtime-benchmarks", test))]
impl BenchmarkProof {
	pub const MEMBERS: u8 = 8;
	pub const CONTEXT: &'static [u8] = b"sealchat/benchmark/context";
	pub const MESSAGE: &'static [u8] = b"sealchat/benchmark/message";

	/// The proof in `benchmark-ring-proof.bin`.
	pub fn load() -> Self {
		codec::Decode::decode(&mut &include_bytes!("benchmark-ring-proof.bin")[..])
			.expect("the benchmark proof file decodes")
	}

	/// The entropy of ring member `i`'s secret.
	pub fn member_entropy(i: u8) -> [u8; 32] {
		[i + 1; 32]
	}

	/// The keys of the ring the proof was made in.
	pub fn members() -> Vec<[u8; 32]> {
		use verifiable::GenerateVerifiable;
		(0..Self::MEMBERS)
			.map(|i| Bandersnatch::member_from_secret(&Bandersnatch::new_secret(Self::member_entropy(i))))
			.collect()
	}
}

/// Keys and the proof of `benchmark-ring-proof.bin`, as `Config::BenchmarkHelper`.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper {
	fn secret(i: u32) -> <Bandersnatch as verifiable::GenerateVerifiable>::Secret {
		use verifiable::GenerateVerifiable;
		let mut entropy = [0x5a; 32];
		entropy[..4].copy_from_slice(&i.to_le_bytes());
		Bandersnatch::new_secret(entropy)
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<HostVerified> for BenchmarkHelper {
	fn member(i: u32) -> [u8; 32] {
		use verifiable::GenerateVerifiable;
		Bandersnatch::member_from_secret(&Self::secret(i))
	}

	fn sign(i: u32, message: &[u8]) -> [u8; 64] {
		use verifiable::GenerateVerifiable;
		Bandersnatch::sign(&Self::secret(i), message).expect("a benchmark key signs")
	}

	fn proof() -> (Vec<[u8; 32]>, <Bandersnatch as verifiable::GenerateVerifiable>::Proof, Vec<u8>, Vec<u8>, verifiable::Alias) {
		let fixture = BenchmarkProof::load();
		(
			BenchmarkProof::members(),
			fixture.proof,
			BenchmarkProof::CONTEXT.to_vec(),
			BenchmarkProof::MESSAGE.to_vec(),
			fixture.alias,
		)
	}
}

#[cfg(all(test, feature = "std"))]
mod tests {
	use super::*;
	use crate::RingChunks;
	use verifiable::{
		ring::{Bls12_381Params, RingCurveParams},
		GenerateVerifiable,
	};

	/// The builder parameters `verifiable` publishes for the 2^16 domain: an 8-byte
	/// length, then one uncompressed G1 point per ring position.
	fn published() -> &'static [u8] {
		&Bls12_381Params::ring_builder_params(RING_DOMAIN)[8..]
	}

	fn root_of(members: &[[u8; 32]]) -> <Bandersnatch as GenerateVerifiable>::Members {
		let mut builder = Bandersnatch::start_members(RING_DOMAIN);
		Bandersnatch::push_members(&mut builder, members.iter().cloned(), Chunks::chunks).unwrap();
		Bandersnatch::finish_members(builder)
	}

	#[test]
	fn host_verification_agrees_with_the_runtime_one() {
		let fixture = BenchmarkProof::load();
		let host = |context: &[u8], message: &[u8]| {
			HostVerified::validate(RING_DOMAIN, &fixture.proof, &fixture.root, context, message)
		};
		assert_eq!(host(BenchmarkProof::CONTEXT, BenchmarkProof::MESSAGE), Ok(fixture.alias));
		assert_eq!(
			host(b"other", BenchmarkProof::MESSAGE),
			Bandersnatch::validate(RING_DOMAIN, &fixture.proof, &fixture.root, b"other", BenchmarkProof::MESSAGE)
				.map_err(|_| verifiable::Error::VerificationFailed)
		);
		// Garbage for root or proof is refused, never a panic.
		use crate::host::native::validate;
		assert_eq!(validate(&[1; 288], &fixture.proof, BenchmarkProof::CONTEXT, BenchmarkProof::MESSAGE), None);
		assert_eq!(validate(&codec::Encode::encode(&fixture.root), &[7; 785], BenchmarkProof::CONTEXT, b""), None);
		assert_eq!(validate(&[], &[], b"", b""), None);
		crate::host::native::warm_up();
		assert!(!Bandersnatch::is_member_valid(&[0; 32]));
	}

	#[test]
	fn chunks_are_the_published_setup_points() {
		assert!(RING_CHUNKS >= 1024);
		assert!((RING_CHUNKS as usize) <= RING_DOMAIN.max_ring_size::<BandersnatchSha512Ell2>());
		assert_eq!(CHUNKS, &published()[..CHUNKS.len()]);
		assert_eq!(Chunks::chunks(0..3).unwrap().len(), 3);
		assert_eq!(Chunks::chunks(5..5).unwrap().len(), 0);
		assert!(Chunks::chunks(0..RING_CHUNKS as usize + 1).is_err());
	}

	#[test]
	fn the_benchmark_proof_verifies_only_as_made() {
		let fixture = BenchmarkProof::load();
		assert_eq!(root_of(&BenchmarkProof::members()), fixture.root);
		let validate = |context: &[u8], message: &[u8]| {
			Bandersnatch::validate(RING_DOMAIN, &fixture.proof, &fixture.root, context, message)
		};
		assert_eq!(validate(BenchmarkProof::CONTEXT, BenchmarkProof::MESSAGE), Ok(fixture.alias));
		assert!(validate(b"another context", BenchmarkProof::MESSAGE).is_err());
		assert!(validate(BenchmarkProof::CONTEXT, b"another message").is_err());
		// Not valid for a ring without the prover.
		let mut others = BenchmarkProof::members();
		others.remove(3);
		let other_root = root_of(&others);
		assert!(Bandersnatch::validate(
			RING_DOMAIN,
			&fixture.proof,
			&other_root,
			BenchmarkProof::CONTEXT,
			BenchmarkProof::MESSAGE
		)
		.is_err());
	}

	/// Regenerates `benchmark-ring-proof.bin` (`cargo test --release -p pallet-ring --
	/// --ignored write_benchmark_proof --nocapture`), printing how long each step took.
	#[test]
	#[ignore]
	fn write_benchmark_proof() {
		use codec::Encode;
		let secrets: Vec<_> = (0..BenchmarkProof::MEMBERS)
			.map(|i| Bandersnatch::new_secret(BenchmarkProof::member_entropy(i)))
			.collect();
		let members: Vec<[u8; 32]> = secrets.iter().map(Bandersnatch::member_from_secret).collect();
		let root = root_of(&members);
		let prover = 3;
		let started = std::time::Instant::now();
		let commitment = Bandersnatch::open(RING_DOMAIN, &members[prover], members.iter().cloned()).unwrap();
		let (proof, alias) =
			Bandersnatch::create(commitment, &secrets[prover], BenchmarkProof::CONTEXT, BenchmarkProof::MESSAGE)
				.unwrap();
		println!("proved in {:?}; proof {} bytes", started.elapsed(), proof.len());
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/benchmark-ring-proof.bin");
		std::fs::write(path, BenchmarkProof { root, proof, alias }.encode()).unwrap();
	}

	/// Regenerates `ring-chunks.bin` with `n` chunks (`RING_CHUNKS=n cargo test -p
	/// pallet-ring -- --ignored write_ring_chunks`).
	#[test]
	#[ignore]
	fn write_ring_chunks() {
		let n: usize = std::env::var("RING_CHUNKS").map(|v| v.parse().unwrap()).unwrap_or(RING_CHUNKS as usize);
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/ring-chunks.bin");
		std::fs::write(path, &published()[..n * CHUNK_SIZE]).unwrap();
	}
}
