//! The connector and chat pallets on a running dev chain, driven by signed extrinsics
//! and read back through the node's `connector_*` and `chat_*` JSON-RPC methods.

use std::time::Duration;

use jsonrpsee::rpc_params;
use pallet_chat::{add_member_message, ChatParams};
use sealchat_runtime::RuntimeCall;
use sealchat_tests::{hex, tx::Outcome, Node, Role, Rpc, TestDir};
use serde_json::Value;
use sp_core::{ed25519, sr25519, Pair};
use sp_keyring::Sr25519Keyring;

fn ss58(pair: &sr25519::Pair) -> String {
	sp_runtime::AccountId32::from(pair.public()).to_string()
}

fn connector(call: pallet_connector::Call<sealchat_runtime::Runtime>) -> RuntimeCall {
	RuntimeCall::Connector(call)
}

fn chat(call: pallet_chat::Call<sealchat_runtime::Runtime>) -> RuntimeCall {
	RuntimeCall::Chat(call)
}

fn assert_ok(outcome: &Outcome) {
	assert!(outcome.result.is_ok(), "extrinsic failed: {:?}", outcome.result);
}

fn assert_error(outcome: &Outcome, name: &str) {
	assert_eq!(outcome.error_name().as_deref(), Some(name), "outcome: {:?}", outcome.result);
}

fn ids(page: &Value) -> Vec<u64> {
	page["records"].as_array().expect("records").iter().map(|r| r["id"].as_u64().unwrap()).collect()
}

async fn records(rpc: &Rpc, from: u64, max: u32) -> Value {
	rpc.call("connector_records", rpc_params![from, max]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn connector_and_chat_pallets_on_the_dev_chain() {
	let dir = TestDir::new("pallets");
	let mut node = Node::start(&dir, "dev", Role::Dev, vec![]);
	let rpc = node.rpc(Duration::from_secs(60)).await;
	rpc.wait_finalized(1, Duration::from_secs(60)).await;

	let alice = Sr25519Keyring::Alice.pair();
	let bob = Sr25519Keyring::Bob.pair();
	let charlie = Sr25519Keyring::Charlie.pair();

	// Keys: a valid key is stored with its block; a malformed one is refused by name.
	let mut key = [7u8; 32];
	key[31] = 0x10;
	let ring_key = sealchat::crypto::Identity::from_suri("//Alice").unwrap().ring_key();
	let outcome = rpc.submit(&alice, connector(pallet_connector::Call::register_key { key, ring_key })).await;
	assert_ok(&outcome);
	let keys = rpc.call("connector_encryptionKeys", rpc_params![ss58(&alice)]).await;
	assert_eq!(keys[0]["key"], hex(&key));
	assert!(keys[0]["since"].as_u64().unwrap() >= 1);
	let outcome = rpc.submit(&alice, connector(pallet_connector::Call::register_key { key: [0; 32], ring_key })).await;
	assert_error(&outcome, "MalformedKey");
	// A ring key is the account's for good, and one account's only.
	let outcome = rpc.submit(&alice, connector(pallet_connector::Call::register_key { key, ring_key: [9; 32] })).await;
	assert_error(&outcome, "RingKeyChanged");
	let outcome = rpc.submit(&bob, connector(pallet_connector::Call::register_key { key, ring_key })).await;
	assert_error(&outcome, "AlreadyEnrolled");

	// Records: three posts, the second tagged, read back in pages and by tag.
	let tag = [0x42u8; 32];
	for (i, tag) in [None, Some(tag), None].into_iter().enumerate() {
		let payload = vec![i as u8 + 1; 100];
		let outcome = rpc.submit(&alice, connector(pallet_connector::Call::post_record { payload, tag })).await;
		assert_ok(&outcome);
	}
	let page = records(&rpc, 0, 2).await;
	assert_eq!(ids(&page), vec![0, 1]);
	assert_eq!((page["nextId"].as_u64(), page["oldestId"].as_u64()), (Some(3), Some(0)));
	assert_eq!(page["records"][1]["payload"], hex(&[2; 100]));
	assert_eq!(page["records"][1]["tag"], hex(&tag));
	assert_eq!(ids(&records(&rpc, 2, 100).await), vec![2]);
	let tagged = rpc.call("connector_recordsByTag", rpc_params![hex(&tag)]).await;
	assert_eq!(tagged.as_array().map(|t| t.len()), Some(1));
	assert_eq!(tagged[0]["id"], 1);
	let outcome = rpc
		.submit(&alice, connector(pallet_connector::Call::post_record { payload: vec![0; 1025], tag: None }))
		.await;
	assert_error(&outcome, "RecordTooLarge");

	// A chat is spawned through the connector, by a general transaction carrying a ticket
	// of the ring of users: Alice's, once her ring key has joined the ring.
	let alice_identity = sealchat::crypto::Identity::from_suri("//Alice").unwrap();
	let chain = sealchat::chain::Chain::connect(&node.ws_url()).await.expect("the client connects");
	let deadline = std::time::Instant::now() + Duration::from_secs(60);
	let ring = loop {
		match chain.ring_placement(&ring_key).await.expect("placement") {
			Some(sealchat::chain::RingPlacement::InRing { ring, .. }) => break ring,
			_ if std::time::Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(500)).await,
			other => panic!("Alice's ring key is not onboarded: {other:?}"),
		}
	};
	let (revision, members) = chain.ring_members(ring).await.expect("the ring's keys");
	let (epoch, _, _) = chain.ticket_epoch().await.expect("the epoch");
	let genesis = rpc.signing_context().await.genesis;
	let membership = ed25519::Pair::from_seed(&[9; 32]);
	let params = ChatParams { membership_key: membership.public(), sealed_key: vec![0x5e; 80] };
	let ticket = |slot: u32, params: &ChatParams| {
		let message = pallet_connector::create_chat_message(&genesis, params);
		let context = sealchat::wire::ticket_context(epoch, slot);
		let (proof, alias) = alice_identity.ring_prove(&members, &context, &message).expect("Alice proves");
		pallet_ring::Ticket { ring, revision, epoch, slot, alias, proof: proof.try_into().expect("a proof fits") }
	};
	let create = |ticket, params| connector(pallet_connector::Call::create_chat { ticket, params });
	// Signed by an account, it is refused: creating chats names nobody.
	let outcome = rpc.submit(&alice, create(ticket(0, &params), params.clone())).await;
	assert_error(&outcome, "BadOrigin");
	// A ticket for other parameters does not verify: the node refuses it outright.
	let other = ChatParams { membership_key: membership.public(), sealed_key: vec![0x5f; 80] };
	let refused = sealchat_tests::tx::general_refusal(&rpc, create(ticket(0, &other), params.clone())).await;
	assert!(refused.contains("Custom error: 204"), "{refused}");
	let outcome = rpc.submit_general(create(ticket(0, &params), params.clone())).await.expect("a valid ticket");
	assert_ok(&outcome);
	// The same ticket again: spent.
	let refused = sealchat_tests::tx::general_refusal(&rpc, create(ticket(0, &params), params.clone())).await;
	assert!(refused.contains("Custom error: 205"), "{refused}");
	let view = rpc.call("chat_chat", rpc_params![0]).await;
	assert_eq!(view["membershipKey"], hex(&membership.public().0));
	assert_eq!(view["nonce"], 0);
	assert_eq!(view["sealedKey"], hex(&[0x5e; 80]));

	// Whoever holds the membership key has the chat send an invitation, with no signer.
	let invitation = vec![0xab; 300];
	let proof = membership.sign(&add_member_message(&genesis, 0, 0, &invitation, &None));
	let add = |nonce: u64, proof: ed25519::Signature| {
		chat(pallet_chat::Call::add_member { chat: 0, nonce, invitation: invitation.clone(), tag: None, proof })
	};
	let outcome = rpc.submit_general(add(0, proof)).await.expect("a valid proof");
	assert_ok(&outcome);
	let page = records(&rpc, 3, 10).await;
	assert_eq!(ids(&page), vec![3]);
	assert_eq!(page["records"][0]["payload"], hex(&invitation));
	assert_eq!(rpc.call("chat_chat", rpc_params![0]).await["nonce"], 1);

	// A proof by another key, a replayed proof, a signed call, and a user calling the
	// connector's `add_member` directly are all refused, and store nothing.
	let wrong = ed25519::Pair::from_seed(&[8; 32]).sign(&add_member_message(&genesis, 0, 1, &invitation, &None));
	assert!(sealchat_tests::tx::general_refusal(&rpc, add(1, wrong)).await.contains("bad signature"));
	assert!(sealchat_tests::tx::general_refusal(&rpc, add(0, proof)).await.contains("outdated"));
	assert_error(&rpc.submit(&charlie, add(1, wrong)).await, "BadOrigin");
	let direct = connector(pallet_connector::Call::add_member { payload: invitation.clone(), tag: None });
	assert_error(&rpc.submit(&charlie, direct).await, "BadOrigin");
	assert_eq!(records(&rpc, 0, 100).await["nextId"], 4);

	// Parts accept messages from their owner only.
	let part = [0x11u8; 32];
	let outcome = rpc.submit(&alice, chat(pallet_chat::Call::create_part { part, blob: vec![1; 64] })).await;
	assert_ok(&outcome);
	let post = |ciphertext: Vec<u8>| chat(pallet_chat::Call::post_message { part, ciphertext });
	assert_ok(&rpc.submit(&alice, post(vec![0xc1; 60])).await);
	assert_error(&rpc.submit(&bob, post(vec![0xc2; 60])).await, "NotOwner");
	assert_error(&rpc.submit(&alice, post(vec![0; 4097])).await, "MessageTooLarge");

	let messages = rpc.call("chat_messages", rpc_params![hex(&part), 0, 10]).await;
	assert_eq!(messages["nextSeq"], 1);
	assert_eq!(messages["messages"].as_array().map(|m| m.len()), Some(1));
	assert_eq!(messages["messages"][0]["ciphertext"], hex(&[0xc1; 60]));
	let view = rpc.call("chat_part", rpc_params![hex(&part)]).await;
	assert_eq!(view["owner"], ss58(&alice));
	assert_eq!(view["blob"], hex(&[1; 64]));
	let parts = rpc.call("chat_partsOf", rpc_params![ss58(&alice)]).await;
	assert_eq!(parts, serde_json::json!([hex(&part)]));
	assert_eq!(rpc.call("chat_partsOf", rpc_params![ss58(&bob)]).await, serde_json::json!([]));

	drop(rpc);
	assert!(node.stop().success());
}
