//! The four-validator `local` network on loopback: all validators import and finalize
//! the same chain; with one validator down the other three keep producing and
//! finalizing blocks; the restarted validator catches up. Then their council governs
//! them without the sudo key: two of four cannot act as root, three of four change the
//! validators and upgrade the runtime, and the network goes on.

use std::time::Duration;

use codec::{Decode, Encode};
use jsonrpsee::rpc_params;
use sealchat_runtime::{Runtime, RuntimeCall, RuntimeEvent};
use sealchat_tests::{
	governance::{council_decides, dispatched_as_root, executed, runtime_with_spec_version},
	start_local_network, unhex, Rpc, TestDir,
};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

const STARTUP: Duration = Duration::from_secs(60);
const PROGRESS: Duration = Duration::from_secs(90);

/// Asserts that every node has the same block at `number`.
async fn assert_same_block(rpcs: &[&Rpc], number: u64) {
	let mut hashes = Vec::new();
	for rpc in rpcs {
		hashes.push(rpc.block_hash(number).await.unwrap_or_else(|| panic!("no block #{number}")));
	}
	assert!(hashes.windows(2).all(|w| w[0] == w[1]), "validators disagree on block #{number}: {hashes:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_finalize_survive_one_failure_and_are_governed_by_their_council() {
	let dir = TestDir::new("local");
	let (mut nodes, mut rpcs) = start_local_network(&dir, STARTUP).await;

	// All four import and finalize the same blocks.
	let target = 6;
	for rpc in &rpcs {
		rpc.wait_finalized(target, PROGRESS).await;
	}
	let all: Vec<&Rpc> = rpcs.iter().collect();
	for n in 1..=target {
		assert_same_block(&all, n).await;
	}

	// Dave goes down hard. Three of four validators are more than two thirds, so
	// GRANDPA keeps finalizing and Aura keeps producing (Dave's slots stay empty).
	drop(rpcs.pop().expect("dave's rpc"));
	nodes[3].kill();
	let before = rpcs[0].finalized_number().await;
	let after = rpcs[0].wait_finalized(before + 4, PROGRESS).await;
	for rpc in &rpcs[1..] {
		rpc.wait_finalized(after, PROGRESS).await;
	}
	let three: Vec<&Rpc> = rpcs.iter().collect();
	assert_same_block(&three, after).await;

	// Dave comes back on the same base path and catches up with the others.
	nodes[3].restart();
	rpcs.push(nodes[3].rpc(STARTUP).await);
	let head = rpcs[0].finalized_number().await;
	rpcs[3].wait_finalized(head, PROGRESS).await;
	let all: Vec<&Rpc> = rpcs.iter().collect();
	assert_same_block(&all, head).await;
	// ... and the network as a whole keeps finalizing with him back.
	let next = rpcs[0].wait_finalized(head + 2, PROGRESS).await;
	rpcs[3].wait_finalized(next, PROGRESS).await;
	assert_same_block(&all, next).await;

	council_governs(&rpcs).await;

	drop(rpcs);
	for node in &mut nodes {
		let status = node.stop();
		assert!(status.success(), "{} exited with {status}", node.name());
	}
}

/// What a runtime API answers at the best block, decoded.
async fn runtime_api<T: Decode>(rpc: &Rpc, method: &str) -> T {
	let answer = rpc.call("state_call", rpc_params![method, "0x"]).await;
	T::decode(&mut &unhex(answer.as_str().expect("a hex answer"))[..]).expect("an answer of its type")
}

async fn spec_version(rpc: &Rpc) -> u64 {
	rpc.call("state_getRuntimeVersion", rpc_params![]).await["specVersion"].as_u64().expect("specVersion")
}

/// The council of the `local` chain (Alice, Bob, Charlie and Dave, as on a production
/// chain its validators' operators) at work, every step through `Council` motions and
/// never through the sudo key.
async fn council_governs(rpcs: &[Rpc]) {
	let [alice, bob, charlie, dave, eve] = [
		Sr25519Keyring::Alice,
		Sr25519Keyring::Bob,
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Dave,
		Sr25519Keyring::Eve,
	]
	.map(|k| k.pair());
	let rpc = &rpcs[0];
	let code = runtime_with_spec_version(sealchat_runtime::VERSION.spec_version + 1);
	let code_hash = <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&code);
	let authorize = || RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash });

	// Two of four pass their motion, but two are not two thirds: no root.
	let closed = council_decides(rpc, &alice, &[&bob], 2, authorize()).await;
	assert_eq!(executed(&closed), Some(Err(sp_runtime::DispatchError::BadOrigin)), "{:?}", closed.events);
	assert_eq!(dispatched_as_root(&closed), None);
	let upgrade = || RuntimeCall::System(frame_system::Call::apply_authorized_upgrade { code: code.clone() });
	let refused = rpc.submit(&eve, upgrade()).await;
	assert_eq!(refused.error_name().as_deref(), Some("NothingAuthorized"), "{:?}", refused.result);

	// Three of four drop Dave from the validators: Aura takes the set at once, GRANDPA
	// once the change is final and its delay passed.
	let keys = |who: Sr25519Keyring, twin: Ed25519Keyring| {
		pallet_governance::ValidatorOf::<Runtime>::decode(&mut &(who.public().0, twin.public().0).encode()[..])
			.expect("an Aura and a GRANDPA key")
	};
	let three = vec![
		keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		keys(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		keys(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
	];
	let set = RuntimeCall::Governance(pallet_governance::Call::set_validators {
		validators: three.clone().try_into().expect("within the bound"),
	});
	let closed = council_decides(rpc, &bob, &[&charlie, &dave], 3, set).await;
	assert_eq!(dispatched_as_root(&closed), Some(Ok(())), "{:?}", closed.events);
	let aura: Vec<[u8; 32]> = runtime_api(rpc, "AuraApi_authorities").await;
	assert_eq!(aura, three.iter().map(|(aura, _)| aura.encode().try_into().unwrap()).collect::<Vec<[u8; 32]>>());

	// Three of four authorize the upgrade; anyone (Eve, no member) then brings the code.
	let closed = council_decides(rpc, &charlie, &[&alice, &bob], 3, authorize()).await;
	assert_eq!(dispatched_as_root(&closed), Some(Ok(())), "{:?}", closed.events);
	let applied = rpc.submit(&eve, upgrade()).await;
	assert_eq!(applied.result, Ok(()));
	assert!(
		applied.events.iter().any(|e| matches!(e, RuntimeEvent::System(frame_system::Event::CodeUpdated { hash }) if *hash == code_hash)),
		"{:?}",
		applied.events
	);

	// Every node runs the new runtime, and the three validators left go on authoring and
	// finalizing with GRANDPA's new set (Dave's node follows). (No transaction after it:
	// see `runtime_with_spec_version`.)
	let upgraded = u64::from(sealchat_runtime::VERSION.spec_version + 1);
	for rpc in rpcs {
		let deadline = tokio::time::Instant::now() + PROGRESS;
		while spec_version(rpc).await != upgraded {
			assert!(tokio::time::Instant::now() < deadline, "a node still runs the old runtime");
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}
	let head = rpc.finalized_number().await;
	let next = rpc.wait_finalized(head + 4, PROGRESS).await;
	for other in &rpcs[1..] {
		other.wait_finalized(next, PROGRESS).await;
	}
	let all: Vec<&Rpc> = rpcs.iter().collect();
	assert_same_block(&all, next).await;
	// GRANDPA takes over the new set once the change's block and the delay after it
	// are final; the three left keep finalizing.
	let three_voters: Vec<[u8; 32]> = three.iter().map(|(_, g)| g.encode().try_into().unwrap()).collect();
	let deadline = tokio::time::Instant::now() + PROGRESS;
	loop {
		let voters: Vec<([u8; 32], u64)> = runtime_api(rpc, "GrandpaApi_grandpa_authorities").await;
		if voters.iter().map(|(key, _)| *key).collect::<Vec<_>>() == three_voters {
			break;
		}
		assert!(tokio::time::Instant::now() < deadline, "GRANDPA did not take over the new set: {voters:?}");
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	assert_eq!(runtime_api::<u64>(rpc, "GrandpaApi_current_set_id").await, 1, "the new set's id");
	let head = rpc.best_number().await;
	let next = rpc.wait_finalized(head + 2, PROGRESS).await;
	for other in &rpcs[1..] {
		other.wait_finalized(next, PROGRESS).await;
	}
	assert_same_block(&all, next).await;
}
