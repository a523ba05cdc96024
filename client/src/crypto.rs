//! All of the client's cryptography, and the only module that touches libsodium or the
//! account's signing key.
//!
//! - Account: sr25519 from a recovery phrase or secret URI (Substrate's standard
//!   derivation, so the phrase works in any Substrate wallet).
//! - Encryption key: X25519, derived deterministically from the account's secret.
//! - Invitations: libsodium sealed boxes (`crypto_box_seal`) to the recipient's X25519 key.
//! - Everything under a chat key: XChaCha20-Poly1305 (IETF) with a random 24-byte nonce
//!   and the context (part id, sequence number, tag) as associated data.
//! - Membership proofs: Ed25519 with a key derived from the chat key.
//! - Part keys: Ed25519, derived from the account's secret and a counter; a part's id is
//!   its key's public key, and the key signs every write into the part.
//! - Local key file: Argon2id + XChaCha20-Poly1305.
//!
//! docs/PROTOCOL.md gives every derivation byte for byte.

use libsodium_rs::{
	crypto_aead::xchacha20poly1305 as aead, crypto_box, crypto_generichash, crypto_pwhash::argon2id,
	crypto_sign, random,
};
use sp_core::{crypto::Pair as _, sr25519};
use zeroize::{Zeroize, Zeroizing};

/// A 32-byte account id (the sr25519 public key).
pub type AccountBytes = [u8; 32];

/// Bytes added by a sealed box: ephemeral public key and authentication tag.
pub const SEAL_OVERHEAD: usize = crypto_box::SEALBYTES;
/// Bytes added by [`ChatKey::encrypt`]: nonce and authentication tag.
pub const AEAD_OVERHEAD: usize = aead::NPUBBYTES + aead::ABYTES;

/// Domain of the encryption-key derivation.
pub const ENCRYPTION_KEY_CONTEXT: &[u8] = b"sealchat/v1/encryption-key";
/// Domain of the ring-key derivation.
pub const RING_KEY_CONTEXT: &[u8] = b"sealchat/v2/ring-key";
/// Domain of the part-key derivation.
pub const PART_KEY_CONTEXT: &[u8] = b"sealchat/v2/part-key";
/// Domain of the local database's key.
pub const LOCAL_DATABASE_CONTEXT: &[u8] = b"sealchat/v2/local-database";
/// Domain of the key my renewal times are drawn with.
pub const SCHEDULE_CONTEXT: &[u8] = b"sealchat/v3/schedule";
/// Domain of the AEAD subkey of a chat key.
pub const CHAT_AEAD_CONTEXT: &[u8] = b"sealchat/v1/chat-aead";
/// Domain of the membership signing key of a chat key.
pub const CHAT_MEMBERSHIP_CONTEXT: &[u8] = b"sealchat/v1/membership";
/// Domain of a chat's rendezvous tags.
pub const CHAT_TAG_CONTEXT: &[u8] = b"sealchat/v1/tag";
/// Domain of the key a response slot's secret gives.
pub const SLOT_KEY_CONTEXT: &[u8] = b"sealchat/v4/slot-key";

/// What can go wrong in this module.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
	/// The recovery phrase or secret URI does not parse.
	#[error("invalid recovery phrase or secret URI")]
	InvalidSecret,
	/// Decryption failed: wrong key, wrong context or tampered data.
	#[error("decryption failed")]
	Decrypt,
	/// The passphrase does not open the key file.
	#[error("wrong passphrase")]
	WrongPassphrase,
	/// libsodium refused an operation (out of memory, malformed key).
	#[error("cryptographic operation failed: {0}")]
	Sodium(String),
	/// A ring proof could not be made (the key is not in the ring given).
	#[error("ring proof failed: {0}")]
	Ring(String),
}

fn sodium(e: libsodium_rs::SodiumError) -> CryptoError {
	CryptoError::Sodium(e.to_string())
}

/// Initializes libsodium, once per process: it picks the fastest implementations for
/// this CPU and seeds its random generator, and must have run before libsodium is used
/// from several threads. Every entry point of this module that reaches libsodium first
/// calls it ([`Identity::from_suri`], [`random_32`], [`seal`], [`ChatKey::generate`]),
/// so callers need not; binaries call it at start-up to fail early.
pub fn init() -> Result<(), CryptoError> {
	static INIT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
	if *INIT.get_or_init(|| libsodium_rs::ensure_init().is_ok()) {
		Ok(())
	} else {
		Err(CryptoError::Sodium("libsodium could not be initialized".into()))
	}
}

/// [`init`] where a failure cannot be returned: libsodium fails to initialize only when
/// the process cannot read random bytes, and nothing here is safe without them.
fn ensure_sodium() {
	init().expect("libsodium initializes where the OS provides randomness");
}

/// BLAKE2b-256 of `parts` concatenated, keyed with `key` when given.
pub(crate) fn blake2b_256(key: Option<&[u8]>, parts: &[&[u8]]) -> [u8; 32] {
	let mut state = crypto_generichash::blake2b::State::new(key, 32)
		.expect("32-byte output and a 32-byte key are valid BLAKE2b parameters; qed");
	for part in parts {
		state.update(part);
	}
	state.finalize().try_into().expect("output length is 32; qed")
}

/// BLAKE2b-256, unkeyed (the runtime's `blake2_256`).
pub fn hash(data: &[u8]) -> [u8; 32] {
	blake2b_256(None, &[data])
}

/// 32 random bytes (part ids, chat keys).
pub fn random_32() -> [u8; 32] {
	ensure_sodium();
	let mut out = [0u8; 32];
	random::fill_bytes(&mut out);
	out
}

/// A number drawn uniformly from `0..bound` (`bound` > 0; the modulo bias of a 64-bit
/// draw is below 2^-32 for any bound a client uses).
pub fn random_below(bound: u64) -> u64 {
	let draw = u64::from_le_bytes(random_32()[..8].try_into().expect("8 of 32 bytes; qed"));
	draw % bound
}

/// `items` in an order drawn uniformly at random (Fisher-Yates).
pub fn shuffle<T>(items: &mut [T]) {
	for i in (1..items.len()).rev() {
		items.swap(i, random_below(i as u64 + 1) as usize);
	}
}

/// A new 12-word English BIP-39 recovery phrase.
pub fn generate_phrase() -> Zeroizing<String> {
	let (_, phrase, _) = sr25519::Pair::generate_with_phrase(None);
	Zeroizing::new(phrase)
}

/// The ring VRF of the chain's rings (Bandersnatch, `verifiable` 0.4).
pub type RingVrf = verifiable::ring::bandersnatch::BandersnatchVrfVerifiable;

/// The ring domain of the chain's rings (the ring pallet's `CryptoConfig`: 2^16).
pub const RING_DOMAIN: verifiable::ring::RingDomainSize = verifiable::ring::RingDomainSize::Domain16;

/// A user's keys: the sr25519 account, the X25519 encryption key and the Bandersnatch
/// ring key.
pub struct Identity {
	account: sr25519::Pair,
	encryption: SealedBoxKey,
	ring: <RingVrf as verifiable::GenerateVerifiable>::Secret,
	database: Zeroizing<[u8; 32]>,
	/// The root of the part keys: BLAKE2b-256(domain ‖ secret64).
	parts: Zeroizing<[u8; 32]>,
	/// The key my scheduled times are drawn with: BLAKE2b-256(domain ‖ secret64).
	schedule: Zeroizing<[u8; 32]>,
}

impl Identity {
	/// Derives every key from a recovery phrase or secret URI (`//Alice`,
	/// `<phrase>//hard/soft`, `0x<seed>`).
	pub fn from_suri(suri: &str) -> Result<Self, CryptoError> {
		use verifiable::GenerateVerifiable;
		init()?;
		let account =
			sr25519::Pair::from_string(suri.trim(), None).map_err(|_| CryptoError::InvalidSecret)?;
		// Every other key derives from the sr25519 secret key's 64 bytes (schnorrkel's
		// `SecretKey::to_bytes`: the canonical scalar, then the nonce):
		// - X25519: libsodium's crypto_box_seed_keypair of BLAKE2b-256(domain ‖ secret);
		// - ring key: `verifiable`'s new_secret of BLAKE2b-256(domain ‖ secret).
		let secret = Zeroizing::new(account.to_raw_vec());
		let mut seed = blake2b_256(None, &[ENCRYPTION_KEY_CONTEXT, &secret]);
		let encryption = SealedBoxKey(std::sync::Arc::new(crypto_box::KeyPair::from_seed(&seed).map_err(sodium)?));
		seed.zeroize();
		let mut entropy = blake2b_256(None, &[RING_KEY_CONTEXT, &secret]);
		let ring = RingVrf::new_secret(entropy);
		entropy.zeroize();
		let database = Zeroizing::new(blake2b_256(None, &[LOCAL_DATABASE_CONTEXT, &secret]));
		let parts = Zeroizing::new(blake2b_256(None, &[PART_KEY_CONTEXT, &secret]));
		let schedule = Zeroizing::new(blake2b_256(None, &[SCHEDULE_CONTEXT, &secret]));
		Ok(Self { account, encryption, ring, database, parts, schedule })
	}

	/// The account id (sr25519 public key).
	pub fn account(&self) -> AccountBytes {
		self.account.public().0
	}

	/// The X25519 public key to register in the connector.
	pub fn encryption_key(&self) -> [u8; 32] {
		*self.encryption.0.public_key.as_bytes()
	}

	/// The key of the local database (SQLCipher, raw key): only this identity opens it.
	pub fn local_database_key(&self) -> Zeroizing<[u8; 32]> {
		self.database.clone()
	}

	/// The ring key to register in the connector: the Bandersnatch public key (compressed,
	/// 32 bytes) that the chain puts into a ring of users.
	pub fn ring_key(&self) -> [u8; 32] {
		<RingVrf as verifiable::GenerateVerifiable>::member_from_secret(&self.ring)
	}

	/// My alias under a ring-proof `context`: what a ring proof of mine under it proves.
	pub fn ring_alias(&self, context: &[u8]) -> Result<[u8; 32], CryptoError> {
		<RingVrf as verifiable::GenerateVerifiable>::alias_in_context(&self.ring, context)
			.map_err(|e| CryptoError::Ring(format!("{e:?}")))
	}

	/// A ring proof that I am one of `members` (a ring's keys in ring order), under
	/// `context`, signing `message`: the SCALE-free proof bytes and the alias it proves.
	/// About two seconds of CPU (docs/BENCHMARKS.md): call it off the async runtime.
	pub fn ring_prove(
		&self,
		members: &[[u8; 32]],
		context: &[u8],
		message: &[u8],
	) -> Result<(Vec<u8>, [u8; 32]), CryptoError> {
		use verifiable::GenerateVerifiable;
		let me = self.ring_key();
		let commitment = RingVrf::open(RING_DOMAIN, &me, members.iter().copied())
			.map_err(|e| CryptoError::Ring(format!("not in the ring ({e:?})")))?;
		let (proof, alias) = RingVrf::create(commitment, &self.ring, context, message)
			.map_err(|e| CryptoError::Ring(format!("{e:?}")))?;
		Ok((proof.into_inner(), alias))
	}

	/// Signs `message` with my ring key, naming it (a plain VRF signature, not a ring
	/// proof): how registration proves that I hold the ring key I enroll.
	pub fn ring_sign(&self, message: &[u8]) -> Result<[u8; 64], CryptoError> {
		<RingVrf as verifiable::GenerateVerifiable>::sign(&self.ring, message)
			.map_err(|e| CryptoError::Ring(format!("{e:?}")))
	}

	/// My part key number `index`: the Ed25519 key whose seed is BLAKE2b-256, keyed with
	/// the part-key root, of `index` (u32, little-endian). A part's id is its public key,
	/// so the phrase alone finds every part again by counting (docs/PROTOCOL.md).
	pub fn part_key(&self, index: u32) -> SigningKey {
		let seed = Zeroizing::new(blake2b_256(Some(&self.parts[..]), &[&index.to_le_bytes()]));
		SigningKey::from_seed(&seed)
	}

	/// A number in `0..bound` (`bound` > 0) drawn from my secret and `what`: every device
	/// of mine draws the same, and to anyone else it is as good as random. Scheduled
	/// writes take their times from it, so every process of mine agrees on them without
	/// keeping them anywhere.
	pub fn secret_draw(&self, what: &[&[u8]], bound: u64) -> u64 {
		let draw = blake2b_256(Some(&self.schedule[..]), what);
		u64::from_le_bytes(draw[..8].try_into().expect("8 of 32 bytes; qed")) % bound
	}

	/// Signs `message` with the account key (sr25519, Substrate's signing context).
	pub fn sign(&self, message: &[u8]) -> [u8; 64] {
		self.account.sign(message).0
	}

	/// Opens a sealed box addressed to this identity; `None` when it is not for us.
	pub fn open_sealed(&self, sealed: &[u8]) -> Option<Vec<u8>> {
		self.encryption.open(sealed)
	}

	/// A handle on the X25519 key pair alone, to open sealed boxes on other threads (the
	/// scanner's) while the identity stays where it is.
	pub fn sealed_box_key(&self) -> SealedBoxKey {
		self.encryption.clone()
	}
}

/// The X25519 key pair that sealed boxes to a user are opened with; cloning shares it.
#[derive(Clone)]
pub struct SealedBoxKey(std::sync::Arc<crypto_box::KeyPair>);

impl SealedBoxKey {
	/// Opens a sealed box to this key; `None` when it is not for us.
	pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
		crypto_box::open_sealed_box(sealed, &self.0.public_key, &self.0.secret_key).ok()
	}
}

/// Checks an sr25519 signature by `account` over `message`.
pub fn verify_account_signature(account: &AccountBytes, message: &[u8], signature: &[u8; 64]) -> bool {
	sr25519::Pair::verify(
		&sr25519::Signature::from_raw(*signature),
		message,
		&sr25519::Public::from_raw(*account),
	)
}

/// Seals `message` to the X25519 public key `recipient` (anonymous sender).
pub fn seal(message: &[u8], recipient: &[u8; 32]) -> Result<Vec<u8>, CryptoError> {
	init()?;
	crypto_box::seal_box(message, &crypto_box::PublicKey::from_bytes_exact(*recipient)).map_err(sodium)
}

/// A chat's symmetric key. Every chat secret is derived from it.
#[derive(Clone, Zeroize)]
#[zeroize(drop)]
pub struct ChatKey([u8; 32]);

impl core::fmt::Debug for ChatKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("ChatKey(***)")
	}
}

impl ChatKey {
	/// A fresh random chat key.
	pub fn generate() -> Self {
		Self(random_32())
	}

	/// The key with these bytes.
	pub fn from_bytes(bytes: [u8; 32]) -> Self {
		Self(bytes)
	}

	/// The raw key, for sealing it to a member or storing it locally.
	pub fn expose(&self) -> &[u8; 32] {
		&self.0
	}

	fn subkey(&self, context: &[u8]) -> Zeroizing<[u8; 32]> {
		Zeroizing::new(blake2b_256(Some(&self.0), &[context]))
	}

	fn aead_key(&self) -> aead::Key {
		aead::Key::from(*self.subkey(CHAT_AEAD_CONTEXT))
	}

	/// Encrypts `plaintext` bound to `context`: returns nonce (24) ‖ ciphertext ‖ tag (16).
	pub fn encrypt(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, CryptoError> {
		self.encrypt_with_nonce(plaintext, context, aead::Nonce::generate().as_bytes())
	}

	/// [`Self::encrypt`] with a caller-chosen nonce: only for test vectors.
	pub fn encrypt_with_nonce(
		&self,
		plaintext: &[u8],
		context: &[u8],
		nonce: &[u8; 24],
	) -> Result<Vec<u8>, CryptoError> {
		let nonce = aead::Nonce::from_bytes(*nonce);
		let sealed = aead::encrypt(plaintext, Some(context), &nonce, &self.aead_key()).map_err(sodium)?;
		let mut out = Vec::with_capacity(aead::NPUBBYTES + sealed.len());
		out.extend_from_slice(nonce.as_bytes());
		out.extend_from_slice(&sealed);
		Ok(out)
	}

	/// Decrypts what [`Self::encrypt`] made with the same `context`.
	pub fn decrypt(&self, data: &[u8], context: &[u8]) -> Result<Vec<u8>, CryptoError> {
		if data.len() < AEAD_OVERHEAD {
			return Err(CryptoError::Decrypt);
		}
		let (nonce, sealed) = data.split_at(aead::NPUBBYTES);
		let nonce = aead::Nonce::try_from_slice(nonce).map_err(|_| CryptoError::Decrypt)?;
		aead::decrypt(sealed, Some(context), &nonce, &self.aead_key()).map_err(|_| CryptoError::Decrypt)
	}

	/// The rendezvous tag of the response to the invitation the chat sent with `nonce`.
	pub fn response_tag(&self, nonce: u64) -> [u8; 32] {
		blake2b_256(Some(&self.0), &[CHAT_TAG_CONTEXT, &nonce.to_le_bytes()])
	}

	/// The Ed25519 key that proves membership to the chat actor.
	pub fn membership_key(&self) -> SigningKey {
		SigningKey::from_seed(&self.subkey(CHAT_MEMBERSHIP_CONTEXT))
	}
}

/// The Ed25519 key of a response slot's secret (an invitation's `slot_secret`): its
/// seed is BLAKE2b-256, keyed with the secret, of the domain. A response proves with it
/// that its poster holds the invitation ([`crate::wire::SlotClaim`]).
pub fn slot_key(secret: &[u8; 32]) -> SigningKey {
	let seed = Zeroizing::new(blake2b_256(Some(&secret[..]), &[SLOT_KEY_CONTEXT]));
	SigningKey::from_seed(&seed)
}

/// An Ed25519 key: a chat's membership key, a part key, or a response slot's key.
pub struct SigningKey(crypto_sign::KeyPair);

impl SigningKey {
	fn from_seed(seed: &[u8; 32]) -> Self {
		ensure_sodium();
		Self(crypto_sign::KeyPair::from_seed(seed).expect("a 32-byte seed is a valid Ed25519 seed; qed"))
	}

	/// The verification key: a chat's membership key as the chat actor stores it, or a
	/// part's id.
	pub fn public(&self) -> [u8; 32] {
		*self.0.public_key.as_bytes()
	}

	/// Signs `message` (the message itself, not a hash of it).
	pub fn sign(&self, message: &[u8]) -> [u8; 64] {
		crypto_sign::sign_detached(message, &self.0.secret_key)
			.expect("signing with a well-formed key does not fail; qed")
	}
}

/// Checks an Ed25519 signature (what the chat pallet checks).
pub fn verify_ed25519(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
	crypto_sign::verify_detached(signature, message, &crypto_sign::PublicKey::from_bytes_exact(*public))
}

/// How a passphrase is stretched into the key file's key: Argon2id (libsodium's
/// `crypto_pwhash`, algorithm `argon2id13`) with these limits and salt. Stored with the
/// key file, so files written with other limits stay readable.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PassphraseKdf {
	/// Argon2id passes (`opslimit`).
	pub opslimit: u64,
	/// Argon2id memory, in bytes (`memlimit`).
	pub memlimit: usize,
	/// 16 random bytes, hex.
	#[serde(with = "hex::serde")]
	pub salt: [u8; 16],
}

impl PassphraseKdf {
	/// libsodium's MODERATE limits (3 passes over 256 MiB): about a second to unlock on
	/// the reference machine (docs/BENCHMARKS.md), and as much for every guess.
	pub const OPSLIMIT: u64 = argon2id::OPSLIMIT_MODERATE;
	/// See [`Self::OPSLIMIT`].
	pub const MEMLIMIT: usize = argon2id::MEMLIMIT_MODERATE;

	/// The limits new key files use, with a fresh salt.
	pub fn new() -> Self {
		let mut salt = [0u8; 16];
		salt.copy_from_slice(&random_32()[..16]);
		Self { opslimit: Self::OPSLIMIT, memlimit: Self::MEMLIMIT, salt }
	}

	/// The limits of version-1 key files (libsodium's INTERACTIVE), to read them.
	pub fn interactive(salt: [u8; 16]) -> Self {
		Self { opslimit: argon2id::OPSLIMIT_INTERACTIVE, memlimit: argon2id::MEMLIMIT_INTERACTIVE, salt }
	}

	fn key(&self, passphrase: &str) -> Result<aead::Key, CryptoError> {
		init()?;
		let mut raw = argon2id::pwhash(32, passphrase.as_bytes(), &self.salt, self.opslimit, self.memlimit)
			.map_err(sodium)?;
		let key = aead::Key::from_bytes(&raw).map_err(sodium);
		raw.zeroize();
		key
	}
}

impl Default for PassphraseKdf {
	fn default() -> Self {
		Self::new()
	}
}

const PW_CONTEXT: &[u8] = b"sealchat/v1/key-file";

/// Encrypts `secret` under `passphrase` stretched by `kdf`: nonce (24) ‖ ciphertext ‖
/// tag (16), with the key file's context as associated data.
pub fn lock_with_passphrase(secret: &[u8], passphrase: &str, kdf: &PassphraseKdf) -> Result<Vec<u8>, CryptoError> {
	let key = kdf.key(passphrase)?;
	let nonce = aead::Nonce::generate();
	let sealed = aead::encrypt(secret, Some(PW_CONTEXT), &nonce, &key).map_err(sodium)?;
	let mut out = nonce.as_bytes().to_vec();
	out.extend_from_slice(&sealed);
	Ok(out)
}

/// Opens what [`lock_with_passphrase`] made with the same `kdf`.
pub fn unlock_with_passphrase(
	locked: &[u8],
	passphrase: &str,
	kdf: &PassphraseKdf,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
	if locked.len() < AEAD_OVERHEAD {
		return Err(CryptoError::WrongPassphrase);
	}
	let (nonce, sealed) = locked.split_at(aead::NPUBBYTES);
	let key = kdf.key(passphrase)?;
	let nonce = aead::Nonce::try_from_slice(nonce).map_err(|_| CryptoError::WrongPassphrase)?;
	aead::decrypt(sealed, Some(PW_CONTEXT), &nonce, &key)
		.map(Zeroizing::new)
		.map_err(|_| CryptoError::WrongPassphrase)
}

/// Raw X25519 scalar multiplications, the limit of trial decryption: for benchmarks.
pub fn x25519(secret: &[u8; 32], point: &[u8; 32]) -> Option<[u8; 32]> {
	libsodium_rs::crypto_scalarmult::curve25519::scalarmult(secret, point).ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn shuffles_are_permutations_in_every_order() {
		let mut firsts = std::collections::HashSet::new();
		for _ in 0..200 {
			let mut slots: Vec<u32> = (0..32).collect();
			shuffle(&mut slots);
			firsts.insert(slots[0]);
			slots.sort();
			assert_eq!(slots, (0..32).collect::<Vec<_>>());
		}
		// 200 draws of the first of 32 miss a given value with probability (31/32)^200 < 0.2%:
		// far more than 20 distinct values come first.
		assert!(firsts.len() > 20, "{firsts:?}");
		assert!((0..1000).all(|_| random_below(3) < 3));
		let mut one = [7];
		shuffle(&mut one);
		shuffle::<u8>(&mut []);
		assert_eq!(one, [7]);
	}

	#[test]
	fn init_is_idempotent() {
		init().unwrap();
		init().unwrap();
	}

	#[test]
	fn same_phrase_same_keys_and_dev_uris_work() {
		let phrase = generate_phrase();
		let a = Identity::from_suri(&phrase).unwrap();
		let b = Identity::from_suri(&phrase).unwrap();
		assert_eq!(a.account(), b.account());
		assert_eq!(a.encryption_key(), b.encryption_key());
		let alice = Identity::from_suri("//Alice").unwrap();
		assert_eq!(alice.account(), sp_core::sr25519::Pair::from_string("//Alice", None).unwrap().public().0);
		assert_ne!(alice.encryption_key(), a.encryption_key());
		assert_eq!(Identity::from_suri("not a phrase").err(), Some(CryptoError::InvalidSecret));
	}

	#[test]
	fn sealed_box_opens_only_for_its_recipient() {
		let alice = Identity::from_suri("//Alice").unwrap();
		let bob = Identity::from_suri("//Bob").unwrap();
		let sealed = seal(b"hello", &bob.encryption_key()).unwrap();
		assert_eq!(sealed.len(), 5 + SEAL_OVERHEAD);
		assert_eq!(bob.open_sealed(&sealed).as_deref(), Some(&b"hello"[..]));
		assert_eq!(alice.open_sealed(&sealed), None);
		let mut tampered = sealed.clone();
		tampered[40] ^= 1;
		assert_eq!(bob.open_sealed(&tampered), None);
		assert_eq!(bob.open_sealed(&sealed[..10]), None);
	}

	#[test]
	fn aead_binds_key_and_context() {
		let key = ChatKey::generate();
		let data = key.encrypt(b"text", b"ctx-1").unwrap();
		assert_eq!(data.len(), 4 + AEAD_OVERHEAD);
		assert_eq!(key.decrypt(&data, b"ctx-1").unwrap(), b"text");
		assert_eq!(key.decrypt(&data, b"ctx-2"), Err(CryptoError::Decrypt));
		assert_eq!(ChatKey::generate().decrypt(&data, b"ctx-1"), Err(CryptoError::Decrypt));
		let mut tampered = data.clone();
		*tampered.last_mut().unwrap() ^= 1;
		assert_eq!(key.decrypt(&tampered, b"ctx-1"), Err(CryptoError::Decrypt));
		assert_eq!(key.decrypt(&data[..20], b"ctx-1"), Err(CryptoError::Decrypt));
	}

	#[test]
	fn account_signatures_verify_only_for_signer_and_message() {
		let alice = Identity::from_suri("//Alice").unwrap();
		let bob = Identity::from_suri("//Bob").unwrap();
		let sig = alice.sign(b"m");
		assert!(verify_account_signature(&alice.account(), b"m", &sig));
		assert!(!verify_account_signature(&bob.account(), b"m", &sig));
		assert!(!verify_account_signature(&alice.account(), b"n", &sig));
	}

	#[test]
	fn membership_proofs_verify_as_the_runtime_does() {
		let key = ChatKey::generate();
		let membership = key.membership_key();
		let sig = membership.sign(b"proof");
		assert!(verify_ed25519(&membership.public(), b"proof", &sig));
		// The chat actor verifies with sp_io's ed25519, not libsodium.
		assert!(sp_core::ed25519::Pair::verify(
			&sp_core::ed25519::Signature::from_raw(sig),
			b"proof",
			&sp_core::ed25519::Public::from_raw(membership.public()),
		));
		assert_ne!(ChatKey::generate().membership_key().public(), membership.public());
	}

	#[test]
	fn part_keys_are_the_identitys_own_and_one_per_index() {
		let alice = Identity::from_suri("//Alice").unwrap();
		let again = Identity::from_suri("//Alice").unwrap();
		let bob = Identity::from_suri("//Bob").unwrap();
		assert_eq!(alice.part_key(0).public(), again.part_key(0).public());
		assert_ne!(alice.part_key(0).public(), alice.part_key(1).public());
		assert_ne!(alice.part_key(0).public(), bob.part_key(0).public());
		// The chat pallet verifies part signatures with sp_io's Ed25519.
		let key = alice.part_key(3);
		let sig = key.sign(b"write");
		assert!(sp_core::ed25519::Pair::verify(
			&sp_core::ed25519::Signature::from_raw(sig),
			b"write",
			&sp_core::ed25519::Public::from_raw(key.public()),
		));
	}

	#[test]
	fn tags_differ_per_nonce_and_chat() {
		let key = ChatKey::generate();
		assert_eq!(key.response_tag(0), key.clone().response_tag(0));
		assert_ne!(key.response_tag(0), key.response_tag(1));
		assert_ne!(key.response_tag(0), ChatKey::generate().response_tag(0));
	}

	#[test]
	fn passphrase_lock_round_trips_and_rejects_wrong_passphrase() {
		// Light limits keep the test fast; the code path is the one of the real limits.
		let kdf = PassphraseKdf::interactive([9; 16]);
		let locked = lock_with_passphrase(b"secret phrase", "pw", &kdf).unwrap();
		assert_eq!(&*unlock_with_passphrase(&locked, "pw", &kdf).unwrap(), b"secret phrase");
		assert_eq!(unlock_with_passphrase(&locked, "px", &kdf).err(), Some(CryptoError::WrongPassphrase));
		assert_eq!(unlock_with_passphrase(&locked[..10], "pw", &kdf).err(), Some(CryptoError::WrongPassphrase));
		// Another salt is another key.
		let other = PassphraseKdf::interactive([8; 16]);
		assert_eq!(unlock_with_passphrase(&locked, "pw", &other).err(), Some(CryptoError::WrongPassphrase));
		// New files use libsodium's MODERATE limits or stronger.
		let new = PassphraseKdf::new();
		assert!(new.opslimit >= 3 && new.memlimit >= 256 << 20);
		assert_ne!(new.salt, PassphraseKdf::new().salt);
	}

	#[test]
	fn the_local_database_key_is_the_identitys_own() {
		let alice = Identity::from_suri("//Alice").unwrap();
		assert_eq!(*alice.local_database_key(), *Identity::from_suri("//Alice").unwrap().local_database_key());
		assert_ne!(*alice.local_database_key(), *Identity::from_suri("//Bob").unwrap().local_database_key());
		assert_ne!(*alice.local_database_key(), alice.encryption_key());
	}
}
