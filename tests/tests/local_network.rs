//! The four-validator `local` network on loopback: all validators import and finalize
//! the same chain; with one validator down the other three keep producing and
//! finalizing blocks; the restarted validator catches up.

use std::time::Duration;

use sealchat_tests::{start_local_network, Rpc, TestDir};

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
async fn four_validators_finalize_and_survive_one_failure() {
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

	drop(rpcs);
	for node in &mut nodes {
		let status = node.stop();
		assert!(status.success(), "{} exited with {status}", node.name());
	}
}
