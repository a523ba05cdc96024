//! The four-validator `local` network on loopback: all validators import and finalize
//! the same chain; with one validator down the other three keep producing and
//! finalizing blocks; the restarted validator catches up.

use std::time::Duration;

use sealchat_tests::{Node, Role, Rpc, TestDir};

const AUTHORITIES: [&str; 4] = ["alice", "bob", "charlie", "dave"];
const STARTUP: Duration = Duration::from_secs(60);
const PROGRESS: Duration = Duration::from_secs(90);

fn node_key(index: usize) -> [u8; 32] {
	let mut key = [0u8; 32];
	key[31] = index as u8 + 1;
	key
}

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

	let mut alice = Node::start(
		&dir,
		AUTHORITIES[0],
		Role::LocalValidator { authority: AUTHORITIES[0], node_key: node_key(0) },
		vec![],
	);
	let alice_rpc = alice.rpc(STARTUP).await;
	let bootnode = alice_rpc.bootnode_address(alice.p2p_port).await;

	let mut others: Vec<Node> = AUTHORITIES[1..]
		.iter()
		.enumerate()
		.map(|(i, name)| {
			Node::start(
				&dir,
				name,
				Role::LocalValidator { authority: name, node_key: node_key(i + 1) },
				vec![bootnode.clone()],
			)
		})
		.collect();
	let mut other_rpcs = Vec::new();
	for node in &mut others {
		other_rpcs.push(node.rpc(STARTUP).await);
	}

	// All four import and finalize the same blocks.
	let target = 6;
	alice_rpc.wait_finalized(target, PROGRESS).await;
	for rpc in &other_rpcs {
		rpc.wait_finalized(target, PROGRESS).await;
	}
	let all: Vec<&Rpc> = std::iter::once(&alice_rpc).chain(other_rpcs.iter()).collect();
	for n in 1..=target {
		assert_same_block(&all, n).await;
	}

	// Dave goes down hard. Three of four validators are more than two thirds, so
	// GRANDPA keeps finalizing and Aura keeps producing (Dave's slots stay empty).
	let dave_rpc = other_rpcs.pop().expect("dave's rpc");
	drop(dave_rpc);
	let dave = others.last_mut().expect("dave");
	dave.kill();
	let before = alice_rpc.finalized_number().await;
	let after = alice_rpc.wait_finalized(before + 4, PROGRESS).await;
	let three: Vec<&Rpc> = std::iter::once(&alice_rpc).chain(other_rpcs.iter()).collect();
	for rpc in &three[1..] {
		rpc.wait_finalized(after, PROGRESS).await;
	}
	assert_same_block(&three, after).await;

	// Dave comes back on the same base path and catches up with the others.
	dave.restart();
	let dave_rpc = dave.rpc(STARTUP).await;
	let head = alice_rpc.finalized_number().await;
	dave_rpc.wait_finalized(head, PROGRESS).await;
	let all: Vec<&Rpc> = three.iter().copied().chain(std::iter::once(&dave_rpc)).collect();
	assert_same_block(&all, head).await;
	// ... and the network as a whole keeps finalizing with him back.
	let next = alice_rpc.wait_finalized(head + 2, PROGRESS).await;
	dave_rpc.wait_finalized(next, PROGRESS).await;
	assert_same_block(&all, next).await;

	drop(all);
	drop(dave_rpc);
	drop(other_rpcs);
	drop(alice_rpc);
	for node in others.iter_mut().chain(std::iter::once(&mut alice)) {
		let status = node.stop();
		assert!(status.success(), "{} exited with {status}", node.name());
	}
}
