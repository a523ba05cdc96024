//! Ring-proof verification as a host function.
//!
//! Verifying a Bandersnatch ring proof inside the runtime's WebAssembly takes about
//! 30 ms on the reference machine, plus about 190 ms to build the verifier's data (the
//! ring context of the 2^16 domain) in every runtime call that verifies one; and every
//! transaction-pool validation, and every transaction applied while authoring, is a
//! runtime call of its own (docs/BENCHMARKS.md). That allows three anonymous operations
//! per block and lets anyone burn a fifth of a validator's second per invalid proof.
//! The node verifies natively instead, through this runtime interface: the verifier's
//! data is built once per process, and a proof takes a few milliseconds.
//!
//! The node must offer [`HostFunctions`] to the runtime (its executor's host functions,
//! and those of the benchmarking command); a node without them cannot run this runtime.
//! Verification is a pure function of its arguments, so every node reaches the same
//! result.

use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndRead},
	runtime_interface,
};

/// Ring-VRF verification on the host.
#[runtime_interface]
pub trait SealchatRingVrf {
	/// Verifies a Bandersnatch ring proof (`verifiable` 0.4, 2^16 domain) made in the ring
	/// whose root is `root` (SCALE, 288 bytes) under `context` over `message`. Returns the
	/// alias it proves, or `None` when the proof, or the root, is not valid.
	fn validate(
		root: PassFatPointerAndRead<&[u8]>,
		proof: PassFatPointerAndRead<&[u8]>,
		context: PassFatPointerAndRead<&[u8]>,
		message: PassFatPointerAndRead<&[u8]>,
	) -> AllocateAndReturnByCodec<Option<[u8; 32]>> {
		native::validate(root, proof, context, message)
	}
}

/// The native side.
#[cfg(feature = "std")]
pub mod native {
	use crate::bandersnatch::{Bandersnatch, RING_DOMAIN};
	use codec::Decode;
	use verifiable::GenerateVerifiable;

	type Root = <Bandersnatch as GenerateVerifiable>::Members;
	type Proof = <Bandersnatch as GenerateVerifiable>::Proof;

	/// See [`super::sealchat_ring_vrf::validate`]. Never panics: a panic deep in the
	/// curve arithmetic on hostile input is caught and counts as an invalid proof.
	pub fn validate(root: &[u8], proof: &[u8], context: &[u8], message: &[u8]) -> Option<[u8; 32]> {
		std::panic::catch_unwind(|| {
			let root = Root::decode(&mut &root[..]).ok()?;
			let proof = Proof::try_from(proof.to_vec()).ok()?;
			Bandersnatch::validate(RING_DOMAIN, &proof, &root, context, message).ok()
		})
		.ok()
		.flatten()
	}

	/// Builds the verifier's data now rather than in the first block that verifies a
	/// proof (it takes a second or so, once per process).
	pub fn warm_up() {
		let root = Bandersnatch::finish_members(Bandersnatch::start_members(RING_DOMAIN));
		let proof = Proof::default();
		let _ = Bandersnatch::validate(RING_DOMAIN, &proof, &root, b"", b"");
	}
}

/// The host functions a node must offer the runtime, in addition to Substrate's.
#[cfg(feature = "std")]
pub type HostFunctions = sealchat_ring_vrf::HostFunctions;
