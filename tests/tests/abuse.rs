//! The abuse scenario, short form (the benchmark runs it for minutes: `sealchat-bench
//! --abuse`): one registered user spends everything the chain gives them, as fast as the
//! pool takes it, while another posts ordinary messages. The attacker gets its allowance
//! and no more, every ticket the pool took is spent, and the ordinary messages go into
//! the next block or the one after, as on a quiet chain.

use std::time::Duration;

use sealchat::crypto::Identity;
use sealchat_tests::{
	abuse::{register, RawUser},
	read, Node, Role, TestDir,
};
use sp_keyring::Sr25519Keyring;

#[tokio::test(flavor = "multi_thread")]
async fn a_user_flooding_every_call_gets_its_allowance_and_ordinary_messages_still_go_through() {
	let dir = TestDir::new("abuse");
	let mut node = Node::start(&dir, "dev", Role::Dev, vec![]);
	let rpc = node.rpc(Duration::from_secs(60)).await;
	rpc.wait_finalized(1, Duration::from_secs(60)).await;
	let chain = read::connect(&node.ws_url()).await;
	let genesis = chain.genesis_hash();

	let (mallory, bob) = (Identity::from_suri("//Alice").unwrap(), Identity::from_suri("//Bob").unwrap());
	register(&rpc, &genesis, &mallory, &Sr25519Keyring::Alice.pair()).await;
	register(&rpc, &genesis, &bob, &Sr25519Keyring::Bob.pair()).await;
	let mut attacker = RawUser::enrolled(&chain, mallory, 0, 0, Duration::from_secs(60)).await;
	let mut ordinary = RawUser::enrolled(&chain, bob, 0, 0, Duration::from_secs(60)).await;
	attacker.settle(&rpc, &chain, 2).await;
	ordinary.settle(&rpc, &chain, 1).await;

	// Quiet: the ordinary user's messages alone.
	let mut quiet = Vec::new();
	for i in 0..2 {
		quiet.push(ordinary.post(&rpc, &chain, vec![i; 120]).await);
	}
	// The flood, a round per block for eight blocks, on a task and a connection of its own
	// (its ring proofs take processor time), with the ordinary user posting beside it.
	let (attacker_rpc, attacker_chain) = (node.rpc(Duration::from_secs(10)).await, read::connect(&node.ws_url()).await);
	let flood = tokio::spawn(async move {
		attacker.flood(&attacker_rpc, &attacker_chain, 8, 8).await;
		attacker
	});
	let mut flooded = Vec::new();
	for i in 0..4 {
		tokio::time::sleep(Duration::from_secs(2)).await;
		flooded.push(ordinary.post(&rpc, &chain, vec![0x80 + i; 120]).await);
	}
	let attacker = flood.await.expect("the flood ran");
	// What the pool still holds is included or dropped; then read what the attacker got.
	attacker.drain(&rpc, Duration::from_secs(60)).await;
	let (writes, invitations) = attacker.assert_bounded(&rpc, &chain).await;
	let tally = &attacker.tally;
	eprintln!("attacker: {writes} writes and {invitations} invitations included; pool took {:?}; refused {:?}", tally.taken, tally.refused);
	eprintln!("ordinary messages, (seconds to final, blocks to inclusion): quiet {quiet:?}, during the flood {flooded:?}");

	// The attacker hit its allowance, and got writes and invitations up to it.
	let over_allowance: usize =
		["post_message", "delete_message", "set_part_blob"].iter().map(|kind| tally.refusals(kind, "Custom error: 218")).sum();
	assert!(over_allowance > 0 && tally.refusals("add_member", "Custom error: 218") > 0, "{tally:?}");
	assert!(writes > 0 && invitations > 0);
	// Nothing over a limit or with a junk proof got past the pool.
	// (The oversized creation carries a valid ticket for other parameters: only its size
	// is refused first, 214.)
	let refused = |kind: &str| tally.refused.iter().filter(|((k, _), _)| *k == kind).map(|(_, n)| n).sum::<usize>();
	assert!(!tally.taken.contains_key("oversized create_chat"), "{tally:?}");
	assert!(refused("oversized create_chat") > 0, "{tally:?}");
	assert_eq!(tally.refusals("oversized create_chat", "Custom error: 214"), refused("oversized create_chat"), "{tally:?}");
	// Every junk ticket is refused for its proof, after the pool verified it (204).
	assert!(!tally.taken.contains_key("junk ticket"), "{tally:?}");
	assert!(refused("junk ticket") > 0, "{tally:?}");
	assert_eq!(tally.refusals("junk ticket", "Custom error: 204"), refused("junk ticket"), "{tally:?}");
	// Ordinary messages: into the next block or the one after, flood or not.
	for (_, blocks) in quiet.iter().chain(&flooded) {
		assert!(*blocks <= 2, "an ordinary message waited {blocks} blocks: quiet {quiet:?}, flooded {flooded:?}");
	}

	drop(rpc);
	assert!(node.stop().success());
}
