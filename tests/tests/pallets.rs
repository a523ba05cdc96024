//! The connector and chat pallets on a running dev chain: registration signed by an
//! account, every chat operation a general transaction authorized by a ticket, a
//! membership proof or a part key, read back through the pallets' view functions.

use std::time::Duration;

use pallet_chat::{add_member_message, ChatParams};
use sealchat::{
	chain::RingPlacement,
	crypto::Identity,
	wire::{self, PartAction},
};
use sealchat_runtime::RuntimeCall;
use sealchat_tests::{
	read,
	tx::{general_refusal, Outcome},
	Node, Role, TestDir,
};
use sp_core::{ed25519, Pair};
use sp_keyring::Sr25519Keyring;

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

#[tokio::test(flavor = "multi_thread")]
async fn connector_and_chat_pallets_on_the_dev_chain() {
	let dir = TestDir::new("pallets");
	let mut node = Node::start(&dir, "dev", Role::Dev, vec![]);
	let rpc = node.rpc(Duration::from_secs(60)).await;
	rpc.wait_finalized(1, Duration::from_secs(60)).await;

	let alice = Sr25519Keyring::Alice.pair();
	let bob = Sr25519Keyring::Bob.pair();
	let charlie = Sr25519Keyring::Charlie.pair();
	let chain = read::connect(&node.ws_url()).await;
	let genesis = chain.genesis_hash();

	// Keys: a valid key is stored with its block; a malformed one is refused by name.
	let mut key = [7u8; 32];
	key[31] = 0x10;
	// The ring key signs the account that registers it, on this chain.
	let alice_identity = Identity::from_suri("//Alice").unwrap();
	let bob_identity = Identity::from_suri("//Bob").unwrap();
	let ring_key = alice_identity.ring_key();
	let possession = |holder: &Identity, account: &sp_core::sr25519::Pair| {
		holder.ring_sign(&wire::register_message(&genesis, &account.public().0)).unwrap()
	};
	// Bob copies Alice's pending registration (her ring key and its signature) and sends
	// it first: refused by name, and Alice's registration goes through.
	let copied = possession(&alice_identity, &alice);
	let outcome = rpc.submit(&bob, connector(pallet_connector::Call::register_key { key, ring_key, possession: copied })).await;
	assert_error(&outcome, "RingKeyNotProven");
	// A signature made for another chain proves nothing here either.
	let elsewhere = alice_identity.ring_sign(&wire::register_message(&[0x99; 32], &alice.public().0)).unwrap();
	let outcome = rpc.submit(&alice, connector(pallet_connector::Call::register_key { key, ring_key, possession: elsewhere })).await;
	assert_error(&outcome, "RingKeyNotProven");
	assert!(chain.ring_placement(&ring_key).await.unwrap().is_none(), "an unproven ring key was enrolled");
	let outcome = rpc.submit(&alice, connector(pallet_connector::Call::register_key { key, ring_key, possession: copied })).await;
	assert_ok(&outcome);
	let keys = chain.encryption_keys(&alice.public().0).await.unwrap();
	assert_eq!(keys[0].key, key);
	assert!(keys[0].since >= 1);
	let outcome =
		rpc.submit(&alice, connector(pallet_connector::Call::register_key { key: [0; 32], ring_key, possession: copied })).await;
	assert_error(&outcome, "MalformedKey");
	// A ring key is the account's for good, and one account's only: not even its holder
	// enrolls it for a second account.
	let other = bob_identity.ring_key();
	let outcome = rpc
		.submit(&alice, connector(pallet_connector::Call::register_key { key, ring_key: other, possession: possession(&bob_identity, &alice) }))
		.await;
	assert_error(&outcome, "RingKeyChanged");
	let outcome = rpc
		.submit(&bob, connector(pallet_connector::Call::register_key { key, ring_key, possession: possession(&alice_identity, &bob) }))
		.await;
	assert_error(&outcome, "AlreadyEnrolled");

	// Tickets of the ring of users: Alice's, once her ring key has joined the ring.
	let deadline = std::time::Instant::now() + Duration::from_secs(60);
	let ring = loop {
		match chain.ring_placement(&ring_key).await.expect("placement") {
			Some(RingPlacement::InRing { ring, .. }) => break ring,
			_ if std::time::Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(500)).await,
			other => panic!("Alice's ring key is not onboarded: {other:?}"),
		}
	};
	let (revision, members) = chain.ring_members(ring).await.expect("the ring's keys");
	let (epoch, _, per_epoch) = chain.ticket_epoch().await.expect("the epoch");
	let ticket = |slot: u32, message: &[u8]| {
		let context = wire::ticket_context(epoch, slot);
		let (proof, alias) = alice_identity.ring_prove(&members, &context, message).expect("Alice proves");
		pallet_ring::Ticket { ring, revision, epoch, slot, alias, proof: proof.try_into().expect("a proof fits") }
	};

	// A chat is spawned through the connector by a general transaction with a ticket.
	let membership = ed25519::Pair::from_seed(&[9; 32]);
	let params = ChatParams { membership_key: membership.public(), sealed_key: vec![0x5e; 80] };
	let create_message = |params: &ChatParams| pallet_connector::create_chat_message(&sp_core::H256(genesis), params);
	let create = |ticket, params| connector(pallet_connector::Call::create_chat { ticket, params });
	// Signed by an account, it is refused: creating chats names nobody.
	let outcome = rpc.submit(&alice, create(ticket(0, &create_message(&params)), params.clone())).await;
	assert_error(&outcome, "BadOrigin");
	// A ticket for other parameters does not verify: the node refuses it outright. So do
	// a ticket beyond the quota of the epoch and one against a root the ring never had.
	let other = ChatParams { membership_key: membership.public(), sealed_key: vec![0x5f; 80] };
	let refused = general_refusal(&rpc, create(ticket(0, &create_message(&other)), params.clone())).await;
	assert!(refused.contains("Custom error: 204"), "{refused}");
	let over_quota = ticket(per_epoch, &create_message(&params));
	assert!(general_refusal(&rpc, create(over_quota, params.clone())).await.contains("Custom error: 203"));
	let mut stale = ticket(0, &create_message(&params));
	stale.revision += 5;
	assert!(general_refusal(&rpc, create(stale, params.clone())).await.contains("Custom error: 201"));
	let outcome = rpc.submit_general(create(ticket(0, &create_message(&params)), params.clone())).await.expect("a valid ticket");
	assert_ok(&outcome);
	// The same ticket again: spent.
	let refused = general_refusal(&rpc, create(ticket(0, &create_message(&params)), params.clone())).await;
	assert!(refused.contains("Custom error: 205"), "{refused}");
	let view = chain.chat(0, None).await.unwrap().expect("chat 0");
	assert_eq!((view.membership_key, view.nonce, view.sealed_key.0), (membership.public().0, 0, vec![0x5e; 80]));

	// Whoever holds the membership key has the chat send an invitation, with no signer.
	let invitation = vec![0xab; 512];
	let tag = [0x7a; 32];
	let proof = membership.sign(&add_member_message(&genesis, 0, 0, &invitation, &tag));
	let add = |nonce: u64, proof: ed25519::Signature| {
		chat(pallet_chat::Call::add_member { chat: 0, nonce, invitation: invitation.clone(), tag, proof })
	};
	assert_ok(&rpc.submit_general(add(0, proof)).await.expect("a valid proof"));
	let records = read::all_records(&chain).await;
	assert_eq!(records.len(), 1);
	assert_eq!((records[0].0, records[0].1.payload.0.clone(), records[0].1.tag), (0, invitation.clone(), tag));
	assert_eq!(chain.chat(0, None).await.unwrap().unwrap().nonce, 1);

	// A proof by another key, a replayed proof, a signed call, and a user calling the
	// connector's `add_member` directly are all refused, and store nothing.
	let wrong = ed25519::Pair::from_seed(&[8; 32]).sign(&add_member_message(&genesis, 0, 1, &invitation, &tag));
	assert!(general_refusal(&rpc, add(1, wrong)).await.contains("bad signature"));
	assert!(general_refusal(&rpc, add(0, proof)).await.contains("outdated"));
	assert_error(&rpc.submit(&charlie, add(1, wrong)).await, "BadOrigin");
	let direct = connector(pallet_connector::Call::add_member { payload: invitation.clone(), tag });
	assert_error(&rpc.submit(&charlie, direct).await, "BadOrigin");
	assert_eq!(read::all_records(&chain).await.len(), 1);

	// A part is created by joining: a ticket and the part key, which is the part's id;
	// the join posts its response too.
	let part_key = alice_identity.part_key(0);
	let part = part_key.public();
	let (blob, response, tag) = (vec![1u8; 64], vec![2u8; 512], [3u8; 32]);
	let join_message = wire::part_message(&genesis, &part, &PartAction::join(&blob, &response, tag));
	let join = |ticket, signature: [u8; 64]| {
		chat(pallet_chat::Call::join {
			ticket,
			part,
			blob: blob.clone(),
			response: response.clone(),
			tag,
			signature: ed25519::Signature::from_raw(signature),
		})
	};
	// Signed by another key than the part's: refused.
	let by_other = alice_identity.part_key(1).sign(&join_message);
	assert!(general_refusal(&rpc, join(ticket(1, &join_message), by_other)).await.contains("bad signature"));
	assert_ok(&rpc.submit_general(join(ticket(1, &join_message), part_key.sign(&join_message))).await.expect("a join"));
	let state = chain.part(&part, None).await.unwrap().expect("the part");
	assert_eq!((state.next_seq, state.nonce, state.blob.0.clone()), (0, 0, blob.clone()));
	let tagged = chain.records_by_tag(&tag, &chain.finalized().await.unwrap()).await.unwrap();
	assert_eq!(tagged.iter().map(|(_, r)| r.payload.0.clone()).collect::<Vec<_>>(), vec![response.clone()]);
	// The same part again: it exists.
	assert!(general_refusal(&rpc, join(ticket(2, &join_message), part_key.sign(&join_message))).await.contains("Custom error: 210"));

	// Messages: signed by the part key for one sequence number each.
	let incarnation = state.incarnation;
	let post = |seq: u32, ciphertext: Vec<u8>, key: &sealchat::crypto::SigningKey| {
		let action = PartAction::post_message(incarnation, seq, &ciphertext);
		let signature = key.sign(&wire::part_message(&genesis, &part, &action));
		chat(pallet_chat::Call::post_message { part, seq, ciphertext, signature: ed25519::Signature::from_raw(signature) })
	};
	assert_ok(&rpc.submit_general(post(0, vec![0xc1; 60], &part_key)).await.expect("a message"));
	assert!(general_refusal(&rpc, post(0, vec![0xc1; 60], &part_key)).await.contains("outdated"));
	assert!(general_refusal(&rpc, post(1, vec![0xc2; 60], &alice_identity.part_key(1))).await.contains("bad signature"));
	assert!(general_refusal(&rpc, post(1, vec![0; 4097], &part_key)).await.contains("Custom error: 214"));
	assert_error(&rpc.submit(&bob, post(1, vec![0xc2; 60], &part_key)).await, "BadOrigin");
	let page = chain.messages(&part, 0, 10, &chain.finalized().await.unwrap()).await.unwrap();
	assert_eq!(page.next_seq, 1);
	assert_eq!(page.messages.iter().map(|(s, m)| (*s, m.ciphertext.0.clone())).collect::<Vec<_>>(), vec![(0, vec![0xc1; 60])]);

	// A ticket renews the part's lease.
	let lease = pallet_chat::Lease::Part(part);
	let renew_message = pallet_chat::renew_message(&sp_core::H256(genesis), &lease);
	let before = chain.part(&part, None).await.unwrap().unwrap().expires;
	let renew = chat(pallet_chat::Call::renew { ticket: ticket(2, &renew_message), lease });
	assert_ok(&rpc.submit_general(renew).await.expect("a renewal"));
	assert!(chain.part(&part, None).await.unwrap().unwrap().expires > before);

	// Closed, then joined again with the same part key: another incarnation, where none
	// of the writes signed for the part before is valid.
	let old_post = post(0, vec![0xc1; 60], &part_key);
	let close = PartAction::Close { incarnation, nonce: 0, max_messages: 5 };
	let signature = ed25519::Signature::from_raw(part_key.sign(&wire::part_message(&genesis, &part, &close)));
	assert_ok(&rpc.submit_general(chat(pallet_chat::Call::close_part { part, nonce: 0, max_messages: 5, signature })).await.expect("a close"));
	assert!(chain.part(&part, None).await.unwrap().is_none());
	let again_tag = [4u8; 32];
	let again_message = wire::part_message(&genesis, &part, &PartAction::join(&blob, &response, again_tag));
	let again = chat(pallet_chat::Call::join {
		ticket: ticket(3, &again_message),
		part,
		blob: blob.clone(),
		response: response.clone(),
		tag: again_tag,
		signature: ed25519::Signature::from_raw(part_key.sign(&again_message)),
	});
	assert_ok(&rpc.submit_general(again).await.expect("the part joined again"));
	let state = chain.part(&part, None).await.unwrap().expect("the part again");
	assert_eq!(state.next_seq, 0);
	assert!(state.incarnation > incarnation, "{} after {incarnation}", state.incarnation);
	assert!(general_refusal(&rpc, old_post).await.contains("bad signature"));

	drop(rpc);
	assert!(node.stop().success());
}
