//! The council at work: motions put, voted and closed with the runtime's own calls, and a
//! runtime to upgrade to.

use codec::{Decode, Encode};
use frame_support::dispatch::GetDispatchInfo;
use sealchat_runtime::{RuntimeCall, RuntimeEvent};
use sp_core::sr25519;

use crate::{tx::Outcome, Rpc};

/// The event of the council (the `Council` collective) of the runtime.
type CouncilEvent = pallet_collective::Event<sealchat_runtime::Runtime, pallet_collective::Instance1>;

/// Puts `call` before the council to run as root (`Governance::dispatch_as_root`):
/// `proposer` proposes it, needing `threshold` ayes, `proposer` and each of `ayes` vote
/// for it, then `proposer` closes the motion. Returns the closing's outcome,
/// whose events tell whether the motion passed and what the call did. Every step is
/// waited for until final.
pub async fn council_decides(
	rpc: &Rpc,
	proposer: &sr25519::Pair,
	ayes: &[&sr25519::Pair],
	threshold: u32,
	call: RuntimeCall,
) -> Outcome {
	let proposal = RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root { call: Box::new(call) });
	let length_bound = proposal.encoded_size() as u32;
	let propose =
		pallet_collective::Call::propose { threshold, proposal: Box::new(proposal.clone()), length_bound };
	let proposed = rpc.submit(proposer, RuntimeCall::Council(propose)).await;
	assert_eq!(proposed.result, Ok(()), "the motion is put");
	let (index, hash) = proposed
		.events
		.iter()
		.find_map(|event| match event {
			RuntimeEvent::Council(CouncilEvent::Proposed { proposal_index, proposal_hash, .. }) =>
				Some((*proposal_index, *proposal_hash)),
			_ => None,
		})
		.expect("a Proposed event");
	for voter in std::iter::once(&proposer).chain(ayes) {
		let vote = pallet_collective::Call::vote { proposal: hash, index, approve: true };
		let voted = rpc.submit(voter, RuntimeCall::Council(vote)).await;
		assert_eq!(voted.result, Ok(()), "the vote is counted");
	}
	let close = pallet_collective::Call::close {
		proposal_hash: hash,
		index,
		proposal_weight_bound: proposal.get_dispatch_info().call_weight,
		length_bound,
	};
	rpc.submit(proposer, RuntimeCall::Council(close)).await
}

/// What a closed motion's call returned, if the motion passed and its call ran.
pub fn executed(closed: &Outcome) -> Option<Result<(), sp_runtime::DispatchError>> {
	closed.events.iter().find_map(|event| match event {
		RuntimeEvent::Council(CouncilEvent::Executed { result, .. }) => Some(*result),
		_ => None,
	})
}

/// What the call a motion ran as root returned (`Governance::DispatchedAsRoot`).
pub fn dispatched_as_root(closed: &Outcome) -> Option<Result<(), sp_runtime::DispatchError>> {
	closed.events.iter().find_map(|event| match event {
		RuntimeEvent::Governance(pallet_governance::Event::DispatchedAsRoot { result }) => Some(*result),
		_ => None,
	})
}

/// This chain's runtime as a newer version: the same code (compressed as built) whose
/// embedded version (the `runtime_version` section, what the chain reads to accept an
/// upgrade and what nodes report) says `spec_version`. The code itself still says the
/// version it was built with, which transactions are checked against
/// (`CheckSpecVersion`): after such an upgrade a transaction signed for the reported
/// version is refused, so a test submits none. (A real upgrade is a new build.)
pub fn runtime_with_spec_version(spec_version: u32) -> Vec<u8> {
	let built = sealchat_runtime::WASM_BINARY.expect("the runtime is built with its WASM");
	let limit = sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT;
	let mut code = sp_maybe_compressed_blob::decompress(built, limit).expect("the built runtime decompresses").into_owned();
	let section = custom_section(&code, "runtime_version").expect("the runtime embeds its version");
	// The section is a `RuntimeVersion`: spec name, impl name and authoring version come
	// before the spec version.
	let mut input = &code[section.clone()];
	let (spec_name, impl_name, authoring) = <(String, String, u32)>::decode(&mut input).expect("a runtime version");
	assert_eq!(spec_name, "sealchat");
	let at = section.start + (spec_name, impl_name, authoring).encoded_size();
	code[at..at + 4].copy_from_slice(&spec_version.to_le_bytes());
	sp_maybe_compressed_blob::compress_strongly(&code, limit).expect("the runtime compresses")
}

/// Where the contents of the custom section `name` of WASM module `code` are.
fn custom_section(code: &[u8], name: &str) -> Option<std::ops::Range<usize>> {
	fn leb128(code: &[u8], at: &mut usize) -> usize {
		let (mut value, mut shift) = (0usize, 0);
		loop {
			let byte = code[*at];
			*at += 1;
			value |= usize::from(byte & 0x7f) << shift;
			if byte & 0x80 == 0 {
				return value;
			}
			shift += 7;
		}
	}
	assert_eq!(&code[..4], b"\0asm", "a WASM module");
	let mut at = 8;
	while at < code.len() {
		let id = code[at];
		at += 1;
		let size = leb128(code, &mut at);
		let end = at + size;
		if id == 0 {
			let mut content = at;
			let len = leb128(code, &mut content);
			if &code[content..content + len] == name.as_bytes() {
				return Some(content + len..end);
			}
		}
		at = end;
	}
	None
}
