//! End to end: real `sealchat-node` processes and the real `sealchat` binary, one profile
//! per user, asserting on what users see. Scenarios:
//!
//! 1. pair chat, messages both ways, `show` and `chats` on both sides;
//! 2. group of three, a member adds a fourth, everyone reads everything, a non-member
//!    reads nothing;
//! 3. login from the recovery phrase alone rebuilds chats and history;
//! 4. offline delivery;
//! 5. privacy audit of the whole chain state and every block after 1-3;
//! 6. bad input of every kind;
//! 7. faults: node killed mid-conversation, client killed mid-sync, a validator down.

use std::{collections::HashSet, time::Duration};

use codec::{Compact, Decode, Encode};
use jsonrpsee::rpc_params;
use pallet_chat::add_member_message;
use sealchat::{
	crypto::{ChatKey, Identity},
	wire::{ChatKind, Invitation},
};
use sealchat_runtime::RuntimeCall;
use sealchat_tests::{cli::User, hex, start_local_network, unhex, Node, Role, Rpc, TestDir};
use serde_json::Value;
use frame_support::storage::storage_prefix;
use sp_core::{crypto::Pair as _, sr25519};

const STARTUP: Duration = Duration::from_secs(60);
const PROGRESS: Duration = Duration::from_secs(90);

async fn dev_node(dir: &TestDir) -> (Node, Rpc) {
	let mut node = Node::start(dir, "dev", Role::Dev, vec![]);
	let rpc = node.rpc(STARTUP).await;
	rpc.wait_finalized(1, PROGRESS).await;
	(node, rpc)
}

/// Users named after dev accounts (`"bob"` is `//Bob`) on the node at `url`, registered.
fn registered<const N: usize>(dir: &TestDir, url: &str, names: [&str; N]) -> [User; N] {
	let users = names.map(|name| {
		let mut suri = format!("//{name}");
		suri[2..3].make_ascii_uppercase();
		User::new(dir, name, &suri, url)
	});
	for user in &users {
		user.register();
	}
	// Registered keys join the ring in one batch: after the first wait, the others are in.
	for user in &users {
		user.wait_in_ring();
	}
	users
}

fn pair(suri: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(suri, None).expect("a dev URI")
}

fn expected(pairs: &[(&User, &str)]) -> Vec<(String, String)> {
	pairs.iter().map(|(u, t)| (u.address.clone(), t.to_string())).collect()
}

fn chat_ids(user: &User) -> Vec<u64> {
	user.chats().iter().map(|c| c["chat"].as_u64().expect("chat id")).collect()
}

fn joined(summary: &Value) -> Vec<u64> {
	summary["joined"].as_array().expect("joined").iter().map(|c| c.as_u64().unwrap()).collect()
}

/// The account's parts, read from the node.
async fn parts_of(rpc: &Rpc, user: &User) -> Vec<String> {
	let parts = rpc.call("chat_partsOf", rpc_params![user.address.clone()]).await;
	parts.as_array().expect("parts").iter().map(|p| p.as_str().unwrap().to_string()).collect()
}

/// Every connector record's payload.
async fn all_records(rpc: &Rpc) -> Vec<Vec<u8>> {
	let mut out = Vec::new();
	let mut from = 0u64;
	loop {
		let page = rpc.call("connector_records", rpc_params![from, 2048]).await;
		let records = page["records"].as_array().expect("records");
		if records.is_empty() {
			return out;
		}
		for r in records {
			out.push(unhex(r["payload"].as_str().unwrap()));
			from = r["id"].as_u64().unwrap() + 1;
		}
	}
}

/// Every ciphertext in the given parts.
async fn all_messages(rpc: &Rpc, parts: &[String]) -> Vec<Vec<u8>> {
	let mut out = Vec::new();
	for part in parts {
		let page = rpc.call("chat_messages", rpc_params![part.clone(), 0, 1000]).await;
		for m in page["messages"].as_array().expect("messages") {
			out.push(unhex(m["ciphertext"].as_str().unwrap()));
		}
	}
	out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
	!needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread")]
async fn pair_group_login_then_privacy_audit() {
	let dir = TestDir::new("e2e-chat");
	let (node, rpc) = dev_node(&dir).await;
	let [bob, charlie, dave, eve, ferdie] =
		registered(&dir, &node.ws_url(), ["bob", "charlie", "dave", "eve", "ferdie"]);

	// 0. Registering put every user's ring key into the ring of users (the development
	// chain onboards within two blocks); whoami says where it stands.
	let deadline = std::time::Instant::now() + PROGRESS;
	loop {
		let rings: Vec<Value> = [&bob, &charlie, &dave, &eve, &ferdie].iter().map(|u| u.ok(&["whoami"])[0]["ring"].clone()).collect();
		if rings.iter().all(|r| r["ring"] == 0 && r["size"] == 5) {
			break;
		}
		assert!(rings.iter().all(|r| r["queued"] == true || r["ring"] == 0), "{rings:?}");
		assert!(std::time::Instant::now() < deadline, "not all onboarded: {rings:?}");
		std::thread::sleep(Duration::from_secs(2));
	}

	// 1. Pair chat: Bob invites Charlie; messages both ways.
	let pair_chat = bob.pair_chat(&charlie);
	assert_eq!(joined(&charlie.sync()), [pair_chat]);
	charlie.send(pair_chat, "pair 1: hello bob");
	bob.sync();
	bob.send(pair_chat, "pair 2: hi charlie");
	charlie.send(pair_chat, "pair 3: how are you?");
	bob.sync();
	charlie.sync();
	let pair_history =
		expected(&[(&charlie, "pair 1: hello bob"), (&bob, "pair 2: hi charlie"), (&charlie, "pair 3: how are you?")]);
	assert_eq!(bob.show(pair_chat), pair_history);
	assert_eq!(charlie.show(pair_chat), pair_history);
	assert_eq!(chat_ids(&bob), [pair_chat]);
	assert_eq!(chat_ids(&charlie), [pair_chat]);
	let members: HashSet<String> =
		bob.chats()[0]["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect();
	assert_eq!(members, HashSet::from(["you".to_string(), charlie.address.clone()]));

	// 2. Group: Bob, Charlie and Dave; Charlie adds Eve through the chat actor.
	let group = bob.group_chat(&[&charlie, &dave]);
	assert_eq!(joined(&charlie.sync()), [group]);
	assert_eq!(joined(&dave.sync()), [group]);
	bob.sync();
	charlie.add(group, &eve);
	assert_eq!(joined(&eve.sync()), [group]);
	// Learning of Eve's join writes nothing: the members' syncs submit no transaction
	// (their blobs list her from their next message on).
	let nonces_before = [rpc.next_nonce(&pair("//Bob")).await, rpc.next_nonce(&pair("//Dave")).await];
	for user in [&bob, &charlie, &dave] {
		user.sync();
	}
	let nonces_after = [rpc.next_nonce(&pair("//Bob")).await, rpc.next_nonce(&pair("//Dave")).await];
	assert_eq!(nonces_after, nonces_before, "a sync that only learned a member submitted something");
	let mut group_history = Vec::new();
	for user in [&bob, &charlie, &dave, &eve] {
		let text = format!("group: {} says hello", user.name);
		user.send(group, &text);
		group_history.push((user.address.clone(), text));
	}
	for user in [&bob, &charlie, &dave, &eve] {
		user.sync();
		assert_eq!(user.show(group), group_history, "{} sees the group history", user.name);
	}
	let group_members = bob.chats().into_iter().find(|c| c["chat"] == group).unwrap()["members"].clone();
	assert_eq!(group_members.as_array().unwrap().len(), 4, "Bob knows all four members: {group_members}");

	// A non-member reads nothing: Ferdie's client finds no chat, and Ferdie's keys open
	// no record and no message on chain.
	let summary = ferdie.sync();
	assert!(joined(&summary).is_empty());
	assert!(ferdie.chats().is_empty());
	assert!(ferdie.fails(&["show", &group.to_string()]).contains("no chat"));
	let ferdie_keys = Identity::from_suri("//Ferdie").unwrap();
	let mut parts = Vec::new();
	for user in [&bob, &charlie, &dave, &eve] {
		parts.extend(parts_of(&rpc, user).await);
	}
	let records = all_records(&rpc).await;
	let ciphertexts = all_messages(&rpc, &parts).await;
	assert!(records.len() >= 7 && ciphertexts.len() == 7);
	for data in records.iter().chain(&ciphertexts) {
		assert!(ferdie_keys.open_sealed(data).is_none());
		assert!(Invitation::open(&ferdie_keys, data).is_err());
	}

	// 3. Login: Charlie and Dave lose every local file and log in with the phrase alone.
	let charlie_chats = chat_ids(&charlie);
	charlie.wipe();
	let summary = charlie.login();
	assert_eq!(summary["chats"], 2);
	assert_eq!(chat_ids(&charlie), charlie_chats);
	assert_eq!(charlie.show(pair_chat), pair_history);
	assert_eq!(charlie.show(group), group_history);
	dave.wipe();
	dave.login();
	assert_eq!(dave.show(group), group_history);
	// The restored profiles keep working.
	charlie.send(pair_chat, "pair 4: back on a new machine");
	bob.sync();
	assert_eq!(bob.show(pair_chat).last().unwrap().1, "pair 4: back on a new machine");

	// 5. Privacy audit of everything the chain holds.
	let mut plaintexts: Vec<String> = pair_history.iter().chain(&group_history).map(|(_, t)| t.clone()).collect();
	plaintexts.push("pair 4: back on a new machine".into());
	let mut keys: Vec<[u8; 32]> = bob.chat_keys();
	keys.extend(charlie.chat_keys());
	let members = [&bob, &charlie, &dave, &eve];
	privacy_audit(&rpc, &plaintexts, &keys, &members, &parts).await;

	// 6. Secrets at rest: no file of any profile holds a message, a chat key, the phrase
	// or the passphrase; the key file opens only with its passphrase.
	for user in [&bob, &charlie, &dave, &eve, &ferdie] {
		let mut needles: Vec<Vec<u8>> = plaintexts.iter().map(|t| t.as_bytes().to_vec()).collect();
		needles.extend(keys.iter().map(|k| k.to_vec()));
		needles.push(user.suri.as_bytes().to_vec());
		needles.push(hex(user.suri.as_bytes()).trim_start_matches("0x").as_bytes().to_vec());
		needles.push(user.passphrase.as_bytes().to_vec());
		let files: Vec<_> = std::fs::read_dir(user.dir()).unwrap().map(|e| e.unwrap().path()).collect();
		assert!(files.iter().any(|f| f.ends_with("state.sqlite")), "{:?}", files);
		for file in files {
			let bytes = std::fs::read(&file).unwrap();
			for needle in &needles {
				assert!(!contains(&bytes, needle), "{} holds {:?} in the clear", file.display(), String::from_utf8_lossy(needle));
			}
		}
		assert_eq!(user.ok(&["whoami"])[0]["protected"], true);
	}
	let wrong = bob.with_passphrase("not the passphrase");
	let error: Value = serde_json::from_str(wrong.fails(&["chats"]).trim()).unwrap();
	assert_eq!(error["kind"], "wrong_passphrase", "{error}");
	// The passphrase from a file descriptor wins over the environment.
	let out = wrong.run_with_input(&["--passphrase-fd", "0", "chats"], &format!("{}\n", bob.passphrase));
	assert!(out.success, "{}", out.stderr);
	assert_eq!(out.json_lines()[0]["chats"].as_array().map(Vec::len), Some(2));
}

/// Which storage items may hold a member's account, and why: the member's own balance,
/// holds, registration and registered key, owned parts, and records it posted itself.
fn allowed_item(prefix: &[u8]) -> Option<&'static str> {
	[
		("System", "Account"),
		("Balances", "Holds"),
		("Balances", "Freezes"),
		("Balances", "Locks"),
		("Balances", "Reserves"),
		("Connector", "Keys"),
		("Connector", "Registrations"),
		("Connector", "Records"),
		("Chat", "PartsOf"),
		("Chat", "Parts"),
	]
	.into_iter()
	.find(|(p, n)| prefix == storage_prefix(p.as_bytes(), n.as_bytes()).as_slice())
	.map(|(_, n)| n)
}

async fn privacy_audit(rpc: &Rpc, plaintexts: &[String], keys: &[[u8; 32]], members: &[&User], parts: &[String]) {
	// Audit a block after the last transaction, so `System::Events` holds no fee events.
	let best = rpc.best_number().await;
	rpc.wait_finalized(best + 1, PROGRESS).await;
	let at = rpc.finalized_hash().await;

	// Every storage key and value.
	let mut state: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
	let mut start: Option<String> = None;
	loop {
		let page = rpc.call("state_getKeysPaged", rpc_params!["0x", 1000, start.clone(), at.clone()]).await;
		let keys_page: Vec<String> = page.as_array().unwrap().iter().map(|k| k.as_str().unwrap().into()).collect();
		if keys_page.is_empty() {
			break;
		}
		let values = rpc.call("state_queryStorageAt", rpc_params![keys_page.clone(), at.clone()]).await;
		for change in values[0]["changes"].as_array().unwrap() {
			let key = unhex(change[0].as_str().unwrap());
			let value = change[1].as_str().map(unhex).unwrap_or_default();
			state.push((key, value));
		}
		start = keys_page.last().cloned();
	}
	assert!(state.len() > 50, "read the whole state: {} items", state.len());

	// Every message's length is a padding bucket: padme(plaintext) + nonce and tag.
	let messages_prefix = storage_prefix(b"Chat", b"Messages");
	let mut messages = 0;
	for (key, value) in state.iter().filter(|(k, _)| k.starts_with(&messages_prefix)) {
		let message = pallet_chat::Message::<sealchat_runtime::Runtime>::decode(&mut &value[..]).expect("a message");
		let plain = message.ciphertext.len() - sealchat::crypto::AEAD_OVERHEAD;
		assert_eq!(sealchat::wire::padme(plain), plain, "message {} is not padded", hex(key));
		messages += 1;
	}
	assert!(messages >= 5, "{messages} messages in state");
	// Every part blob has one length whatever its chat's size (pairs and a group of four).
	let parts_prefix = storage_prefix(b"Chat", b"Parts");
	let mut blobs = 0;
	for (key, value) in state.iter().filter(|(k, _)| k.starts_with(&parts_prefix)) {
		let part = pallet_chat::PartInfo::<sealchat_runtime::Runtime>::decode(&mut &value[..]).expect("a part");
		assert_eq!(part.blob.len(), sealchat::wire::PART_BLOB_SIZES[0], "part {} blob", hex(key));
		blobs += 1;
	}
	assert!(blobs >= 6, "{blobs} parts in state");

	// Every extrinsic of every block, with its signer.
	let finalized = rpc.finalized_number().await;
	let mut extrinsics: Vec<(Option<[u8; 32]>, Vec<u8>)> = Vec::new();
	for n in 0..=finalized {
		let hash = rpc.block_hash(n).await.expect("finalized block");
		let block = rpc.call("chain_getBlock", rpc_params![hash]).await;
		for xt in block["block"]["extrinsics"].as_array().unwrap() {
			let bytes = unhex(xt.as_str().unwrap());
			extrinsics.push((signer_of(&bytes), bytes));
		}
	}
	assert!(extrinsics.iter().filter(|(s, _)| s.is_some()).count() > 15, "read every block");

	// Creating a chat and inviting into one are general transactions: no signer.
	let mut anonymous = 0;
	for (signer, bytes) in &extrinsics {
		let xt = sealchat_runtime::UncheckedExtrinsic::decode(&mut &bytes[..]).expect("an extrinsic");
		if matches!(
			xt.function,
			RuntimeCall::Connector(pallet_connector::Call::create_chat { .. })
				| RuntimeCall::Chat(pallet_chat::Call::add_member { .. })
		) {
			assert!(signer.is_none(), "a chat was created or a member invited by a signed extrinsic");
			assert!(matches!(xt.preamble, sp_runtime::generic::Preamble::General(..)), "not a general transaction");
			anonymous += 1;
		}
	}
	assert!(anonymous >= 5, "chats were created and members invited ({anonymous} such extrinsics)");

	for text in plaintexts {
		for (key, value) in &state {
			assert!(!contains(key, text.as_bytes()) && !contains(value, text.as_bytes()), "plaintext {text:?} in state");
		}
		for (_, xt) in &extrinsics {
			assert!(!contains(xt, text.as_bytes()), "plaintext {text:?} in a block");
		}
	}
	assert!(keys.len() >= 3);
	for key in keys {
		for (k, v) in &state {
			assert!(!contains(k, key) && !contains(v, key), "a chat key in state");
		}
		for (_, xt) in &extrinsics {
			assert!(!contains(xt, key), "a chat key in a block");
		}
	}

	for member in members {
		let raw = member.account;
		let ss58 = member.address.as_bytes();
		for (signer, xt) in &extrinsics {
			if *signer != Some(raw) {
				assert!(!contains(xt, &raw) && !contains(xt, ss58), "{}'s address in an extrinsic it did not sign", member.name);
			}
		}
		for (key, value) in &state {
			// The runtime's code holds the well-known development accounts (the genesis
			// presets name them); the test users are those accounts. It is not chat state.
			if key.as_slice() == sp_core::storage::well_known_keys::CODE {
				continue;
			}
			assert!(!contains(key, ss58) && !contains(value, ss58), "{}'s SS58 address in state", member.name);
			if !contains(key, &raw) && !contains(value, &raw) {
				continue;
			}
			let item = allowed_item(&key[..32.min(key.len())]).unwrap_or_else(|| {
				panic!("{}'s account in storage item {} (key {})", member.name, hex(&key[..32.min(key.len())]), hex(key))
			});
			match item {
				// The owner of a part: the member created it. Nothing else in it names anyone.
				"Parts" => assert!(value.starts_with(&raw) && !contains(&value[32..], &raw)),
				// A record holds its depositor: the member posted it (its own response).
				// Invitations, sent by chats, hold nothing and name nobody.
				"Records" => {
					let record = pallet_connector::pallet::Record::<sealchat_runtime::Runtime>::decode(&mut &value[..])
						.expect("a record");
					let depositor = record.deposit.clone().map(|(who, _)| <[u8; 32]>::from(who));
					assert_eq!(depositor, Some(raw), "{} named in another's record", member.name);
					assert!(!contains(&record.payload, &raw));
				},
				_ => assert!(!contains(value, &raw), "{}'s account inside a {item} value", member.name),
			}
		}
	}

	// Chat state lists no members, and a part does not name its chat.
	for chat in 0..2u64 {
		let state = rpc.call("chat_chat", rpc_params![chat]).await;
		let fields: HashSet<&str> = state.as_object().unwrap().keys().map(String::as_str).collect();
		assert_eq!(fields, HashSet::from(["membershipKey", "nonce", "sealedKey"]));
	}
	for part in parts {
		let state = rpc.call("chat_part", rpc_params![part.clone()]).await;
		let fields: HashSet<&str> = state.as_object().unwrap().keys().map(String::as_str).collect();
		assert_eq!(fields, HashSet::from(["owner", "nextSeq", "messages", "blob"]));
	}
}

/// The signer of a signed extrinsic (v4, `MultiAddress::Id`), `None` for inherents.
fn signer_of(xt: &[u8]) -> Option<[u8; 32]> {
	let mut input = xt;
	let _len = Compact::<u32>::decode(&mut input).ok()?;
	let (&version, rest) = input.split_first()?;
	if version & 0x80 == 0 {
		return None;
	}
	let (&address_kind, rest) = rest.split_first()?;
	assert_eq!(address_kind, 0, "signed by MultiAddress::Id");
	rest.get(..32)?.try_into().ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_user_finds_everything_on_next_sync() {
	let dir = TestDir::new("e2e-offline");
	let (node, _rpc) = dev_node(&dir).await;
	let [bob, charlie, dave] = registered(&dir, &node.ws_url(), ["bob", "charlie", "dave"]);
	// Charlie's client is not running while Bob invites it twice and writes.
	let pair_chat = bob.pair_chat(&charlie);
	bob.send(pair_chat, "are you there?");
	bob.send(pair_chat, "write when you are back");
	let group = bob.group_chat(&[&charlie, &dave]);
	dave.sync();
	dave.send(group, "dave here");

	let summary = charlie.sync();
	let mut found = joined(&summary);
	found.sort();
	assert_eq!(found, [pair_chat, group]);
	assert_eq!(charlie.show(pair_chat), expected(&[(&bob, "are you there?"), (&bob, "write when you are back")]));
	assert_eq!(charlie.show(group), expected(&[(&dave, "dave here")]));
	charlie.send(pair_chat, "back now");
	bob.sync();
	assert_eq!(bob.show(pair_chat).last().unwrap(), &(charlie.address.clone(), "back now".to_string()));

	// Now online: `watch` prints Bob's next message as it is finalized.
	let (mut watch, events) = charlie.watch();
	bob.send(pair_chat, "live");
	let deadline = std::time::Instant::now() + PROGRESS;
	let seen = loop {
		let left = deadline.saturating_duration_since(std::time::Instant::now());
		match events.recv_timeout(left) {
			Ok(event) if event["event"] == "message" && event["message"]["text"] == "live" => break event,
			Ok(_) => {},
			Err(_) => panic!("watch did not show the message within {PROGRESS:?}"),
		}
	};
	let _ = watch.kill();
	let _ = watch.wait();
	assert_eq!(seen["message"]["sender"], bob.address.as_str());
	assert_eq!(seen["message"]["chat"], pair_chat);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused_or_ignored_and_nothing_is_lost() {
	use sealchat_tests::tx::Outcome;
	let dir = TestDir::new("e2e-bad");
	let (node, rpc) = dev_node(&dir).await;
	let [bob, charlie, dave] = registered(&dir, &node.ws_url(), ["bob", "charlie", "dave"]);
	let url = node.ws_url();
	let pair_chat = bob.pair_chat(&charlie);
	charlie.sync();
	bob.send(pair_chat, "first");
	charlie.send(pair_chat, "second");
	let group = bob.group_chat(&[&charlie]);
	charlie.sync();
	bob.sync();
	let history = expected(&[(&bob, "first"), (&charlie, "second")]);
	assert_eq!(bob.show(pair_chat), history);

	let error = |o: &Outcome| o.error_name().unwrap_or_else(|| format!("{:?}", o.result));
	let ferdie = pair("//Ferdie");
	let bob_store = bob.store();
	let bob_pair = bob_store.chat(pair_chat).unwrap().unwrap();
	let bob_group = bob_store.chat(group).unwrap().unwrap();
	drop(bob_store);
	let chat_call = |c| RuntimeCall::Chat(c);
	let connector_call = |c| RuntimeCall::Connector(c);

	// Oversize messages: the CLI says so before anything is sent; the chain refuses too.
	let long = "x".repeat(5000);
	assert!(bob.fails(&["send", &pair_chat.to_string(), &long]).contains("message too long"));
	let o = rpc
		.submit(&pair("//Bob"), chat_call(pallet_chat::Call::post_message { part: bob_pair.my_part, ciphertext: vec![1; 5000] }))
		.await;
	assert_eq!(error(&o), "MessageTooLarge");
	// Oversize and empty records.
	let o = rpc.submit(&ferdie, connector_call(pallet_connector::Call::post_record { payload: vec![1; 1025], tag: None })).await;
	assert_eq!(error(&o), "RecordTooLarge");
	let o = rpc.submit(&ferdie, connector_call(pallet_connector::Call::post_record { payload: vec![], tag: None })).await;
	assert_eq!(error(&o), "EmptyRecord");
	// Writing into someone else's part.
	let o = rpc
		.submit(&ferdie, chat_call(pallet_chat::Call::post_message { part: bob_pair.my_part, ciphertext: vec![1; 64] }))
		.await;
	assert_eq!(error(&o), "NotOwner");
	// "Add user" straight to the connector, not from a chat.
	let o = rpc.submit(&ferdie, connector_call(pallet_connector::Call::add_member { payload: vec![1; 64], tag: None })).await;
	assert_eq!(error(&o), "BadOrigin");
	// Adding through the chat with a wrong membership proof: the node refuses it before
	// it enters a block.
	let genesis = rpc.signing_context().await.genesis;
	let nonce = rpc.call("chat_chat", rpc_params![group]).await["nonce"].as_u64().unwrap();
	let wrong = ChatKey::generate().membership_key().sign(&add_member_message(&genesis, group, nonce, &[7; 80], &None));
	let add = |proof: [u8; 64], nonce: u64| {
		chat_call(pallet_chat::Call::add_member {
			chat: group,
			nonce,
			invitation: vec![7; 80],
			tag: None,
			proof: sp_core::ed25519::Signature::from_raw(proof),
		})
	};
	let refused = rpc.submit_general(add(wrong, nonce)).await.expect_err("a wrong proof is refused");
	assert!(refused.contains("bad signature"), "{refused}");
	// A valid proof works once, with no signer; replaying it is refused as outdated. A
	// signed transaction cannot add members at all.
	let proof = bob_group.key.membership_key().sign(&add_member_message(&genesis, group, nonce, &[7; 80], &None));
	assert_eq!(error(&rpc.submit(&ferdie, add(proof, nonce)).await), "BadOrigin");
	let o = rpc.submit_general(add(proof, nonce)).await.expect("a valid proof is accepted");
	assert!(o.result.is_ok(), "valid proof: {:?}", o.result);
	let refused = rpc.submit_general(add(proof, nonce)).await.expect_err("a replayed proof is refused");
	assert!(refused.contains("outdated"), "{refused}");
	// Inviting an address without a key; unknown chats; garbage addresses; no node.
	let unregistered = sealchat::address(&Identity::from_suri("//Unregistered").unwrap().account());
	assert!(bob.fails(&["chat", "new", &unregistered]).contains("has not registered"));
	assert!(bob.fails(&["send", "999", "hello"]).contains("no chat 999"));
	assert!(bob.fails(&["chat", "new", "not-an-address"]).contains("not a valid address"));
	assert!(bob.fails(&["chat", "new", &bob.address]).contains("yourself"));
	let mut offline = User::new(&dir, "bob", "//Bob", &url);
	offline.set_node(&format!("ws://127.0.0.1:{}", sealchat_tests::free_ports(1)[0]));
	assert!(offline.fails(&["sync"]).contains("cannot reach the node"));
	// With --json every error is a JSON object with a kind, and the exit code says failure.
	let json_error = |stderr: String| -> Value {
		serde_json::from_str(stderr.trim()).unwrap_or_else(|e| panic!("not a JSON error ({e}): {stderr}"))
	};
	assert_eq!(json_error(bob.fails(&["send", "999", "hello"]))["kind"], "unknown_chat");
	assert_eq!(json_error(offline.fails(&["sync"]))["kind"], "node_unreachable");
	assert_eq!(json_error(bob.fails(&["send", "not-a-number", "hello"]))["kind"], "usage");
	// A malformed node address is called malformed, not unreachable.
	offline.set_node("not-a-url");
	let error = json_error(offline.fails(&["sync"]));
	assert_eq!(error["kind"], "bad_node_address", "{error}");
	assert!(error["error"].as_str().unwrap().contains("not a node address"), "{error}");
	// An account with no funds cannot register, is told why, and the failed register
	// leaves no profile behind; so does one against an unreachable node.
	let poor = User::new(&dir, "poor", "//Poor", &url);
	let out = poor.run_with_input(&["register", "--phrase-stdin"], "//Poor\n");
	assert!(!out.success && out.stderr.contains("insufficient balance"), "{}", out.stderr);
	assert_eq!(json_error(out.stderr)["kind"], "insufficient_balance");
	assert!(!poor.dir().exists(), "a failed register left {:?}", std::fs::read_dir(poor.dir()).map(|d| d.count()));
	let mut nowhere = User::new(&dir, "nowhere", "//Nowhere", &url);
	nowhere.set_node(&format!("ws://127.0.0.1:{}", sealchat_tests::free_ports(1)[0]));
	let out = nowhere.run_with_input(&["register", "--phrase-stdin"], "//Nowhere\n");
	assert_eq!(json_error(out.stderr)["kind"], "node_unreachable");
	assert!(!nowhere.dir().exists());
	// A key file is encrypted unless the user says otherwise: no passphrase, no profile;
	// --no-passphrase makes one that whoami reports as unprotected.
	let plain = User::new(&dir, "plain", "//Plain", &url).with_passphrase("");
	let out = plain.run_with_input(&["register", "--phrase-stdin"], "//Plain\n");
	assert_eq!(json_error(out.stderr)["kind"], "passphrase_needed");
	assert!(!plain.dir().exists());
	let out = plain.run_with_input(&["register", "--phrase-stdin", "--no-passphrase"], "//Plain\n");
	assert_eq!(json_error(out.stderr)["kind"], "insufficient_balance", "the choice was accepted; //Plain has no funds");
	let out = plain.run_with_input(&["login", "--no-passphrase"], "//Plain\n");
	assert!(out.success, "{}", out.stderr);
	assert_eq!(plain.ok(&["whoami"])[0]["protected"], false);

	// Forged invitations posted by a third party, garbage and a truncated record: the
	// invitee's client ignores all of them.
	let ferdie_id = Identity::from_suri("//Ferdie").unwrap();
	let charlie_key = Identity::from_suri("//Charlie").unwrap().encryption_key();
	let mut claims_bob = Invitation::new(&ferdie_id, ChatKind::Pair, pair_chat, 0, &ChatKey::generate(), charlie.account, vec![]);
	claims_bob.inviter = bob.account;
	let misdirected = Invitation::new(&ferdie_id, ChatKind::Pair, 77, 0, &ChatKey::generate(), dave.account, vec![]);
	let mut unsigned = Invitation::new(&ferdie_id, ChatKind::Pair, 78, 0, &ChatKey::generate(), charlie.account, vec![]);
	unsigned.signature = [0; 64];
	let legit = all_records(&rpc).await.into_iter().next().expect("Bob's first invitation to Charlie");
	let forged_payloads = vec![
		claims_bob.seal(&charlie_key).unwrap(),
		misdirected.seal(&charlie_key).unwrap(),
		unsigned.seal(&charlie_key).unwrap(),
		legit.clone(),
		legit[..legit.len() - 10].to_vec(),
		vec![0xde; 300],
	];
	for payload in forged_payloads {
		let o = rpc.submit(&ferdie, connector_call(pallet_connector::Call::post_record { payload, tag: None })).await;
		assert!(o.result.is_ok());
	}
	let summary = charlie.sync();
	assert!(joined(&summary).is_empty(), "{summary}");
	assert!(summary["invitationsRejected"].as_u64().unwrap() >= 4, "{summary}");
	let mut ids = chat_ids(&charlie);
	ids.sort();
	assert_eq!(ids, [pair_chat, group]);

	// A registered user signs an invitation naming a chat that exists, with a key of
	// their own: the invitee checks the chat's membership key on chain and ignores it,
	// so the chat's real invitation still gets through.
	let taken = bob.group_chat(&[&dave]);
	let squat = Invitation::new(&ferdie_id, ChatKind::Group, taken, 0, &ChatKey::generate(), charlie.account, vec![]);
	let payload = squat.seal(&charlie_key).unwrap();
	let o = rpc.submit(&ferdie, connector_call(pallet_connector::Call::post_record { payload, tag: None })).await;
	assert!(o.result.is_ok());
	let summary = charlie.sync();
	assert!(joined(&summary).is_empty(), "{summary}");
	assert!(!chat_ids(&charlie).contains(&taken));
	bob.add(taken, &charlie);
	let summary = charlie.sync();
	assert_eq!(joined(&summary), [taken], "{summary}");

	// Nothing already stored was lost, and the chat still works.
	assert_eq!(bob.show(pair_chat), history);
	assert_eq!(charlie.show(pair_chat), history);
	charlie.send(pair_chat, "still here");
	bob.sync();
	assert_eq!(bob.show(pair_chat).len(), 3);

	// Two sends from one profile at the same time: one waits for the other, and both land.
	let first = bob.spawn(&["send", &pair_chat.to_string(), "at once 1"]);
	let second = bob.spawn(&["send", &pair_chat.to_string(), "at once 2"]);
	for child in [first, second] {
		let out = child.wait_with_output().expect("wait for send");
		assert!(out.status.success(), "concurrent send failed: {}", String::from_utf8_lossy(&out.stderr));
	}
	charlie.sync();
	let mut texts: Vec<String> = charlie.show(pair_chat).into_iter().map(|(_, t)| t).collect();
	texts[3..].sort();
	assert_eq!(texts[3..], ["at once 1".to_string(), "at once 2".to_string()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn node_killed_mid_conversation_loses_and_duplicates_nothing() {
	let dir = TestDir::new("e2e-node-kill");
	let (mut node, rpc) = dev_node(&dir).await;
	drop(rpc);
	let [bob, charlie] = registered(&dir, &node.ws_url(), ["bob", "charlie"]);
	let chat = bob.pair_chat(&charlie);
	charlie.sync();
	bob.send(chat, "one");
	charlie.send(chat, "two");

	node.kill();
	assert!(bob.fails(&["sync"]).contains("cannot reach the node"));
	node.restart();
	let rpc = node.rpc(STARTUP).await;
	let best = rpc.best_number().await;
	rpc.wait_finalized(best + 1, PROGRESS).await;

	bob.send(chat, "three");
	bob.sync();
	charlie.sync();
	charlie.send(chat, "four");
	bob.sync();
	charlie.sync();
	let history = expected(&[(&bob, "one"), (&charlie, "two"), (&bob, "three"), (&charlie, "four")]);
	assert_eq!(bob.show(chat), history);
	assert_eq!(charlie.show(chat), history);
}

#[tokio::test(flavor = "multi_thread")]
async fn client_killed_during_sync_resumes_from_its_cursor() {
	use std::io::{BufRead, BufReader};
	let dir = TestDir::new("e2e-client-kill");
	let (node, rpc) = dev_node(&dir).await;
	let [bob, charlie] = registered(&dir, &node.ws_url(), ["bob", "charlie"]);

	// Hundreds of records from others before Bob's invitation (one block's worth: the
	// pool takes them all at once).
	let ferdie = pair("//Ferdie");
	let first = rpc.next_nonce(&ferdie).await;
	let noise = 600u32;
	for i in 0..noise {
		let call = RuntimeCall::Connector(pallet_connector::Call::post_record { payload: i.encode().repeat(8), tag: None });
		let xt = rpc.sign_with_nonce(&ferdie, call, first + i).await;
		let _: Value = rpc.call("author_submitExtrinsic", rpc_params![hex(&xt)]).await;
	}
	let deadline = std::time::Instant::now() + PROGRESS;
	loop {
		let page = rpc.call("connector_records", rpc_params![0, 1]).await;
		if page["nextId"].as_u64().unwrap() >= noise as u64 {
			break;
		}
		assert!(std::time::Instant::now() < deadline, "noise records not included: {page}");
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	let chat = bob.pair_chat(&charlie);
	bob.send(chat, "hidden among the noise");
	let total = rpc.call("connector_records", rpc_params![0, 1]).await["nextId"].as_u64().unwrap();

	// Charlie's sync is killed after its first page of 10 records is stored.
	let mut child = charlie.spawn(&["sync", "--record-page", "10"]);
	let stdout = child.stdout.take().unwrap();
	let mut lines = BufReader::new(stdout).lines();
	let first_progress = lines.next().expect("a progress line").expect("readable");
	child.kill().expect("kill the client");
	let _ = child.wait();
	let progress: Value = serde_json::from_str(&first_progress).unwrap();
	assert_eq!(progress["event"], "progress", "{first_progress}");

	// The rerun continues from the cursor: it reads fewer records than there are, and
	// finds the invitation and the message exactly once.
	let summary = charlie.sync();
	let rescanned = summary["recordsScanned"].as_u64().unwrap();
	assert!(rescanned < total, "resync read {rescanned} of {total} records");
	assert_eq!(joined(&summary), [chat]);
	assert_eq!(charlie.show(chat), expected(&[(&bob, "hidden among the noise")]));
	let again = charlie.sync();
	assert!(again["recordsScanned"].as_u64().unwrap() <= 1, "{again}");
	assert!(joined(&again).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn chatting_goes_on_with_a_validator_down() {
	let dir = TestDir::new("e2e-network");
	let (mut nodes, rpcs) = start_local_network(&dir, STARTUP).await;
	rpcs[0].wait_finalized(3, PROGRESS).await;

	// Each user talks to their own node.
	let eve = User::new(&dir, "eve", "//Eve", &nodes[0].ws_url());
	let ferdie = User::new(&dir, "ferdie", "//Ferdie", &nodes[1].ws_url());
	eve.register();
	ferdie.register();
	eve.wait_in_ring();
	let chat = eve.pair_chat(&ferdie);
	ferdie.sync();
	eve.send(chat, "before");

	// Dave's validator goes down; finality continues and so does the chat.
	nodes[3].kill();
	let before = rpcs[0].finalized_number().await;
	ferdie.send(chat, "during 1");
	eve.sync();
	eve.send(chat, "during 2");
	let after = rpcs[0].wait_finalized(before + 3, PROGRESS).await;
	assert!(after > before);

	// It comes back and catches up; Ferdie switches to it and reads everything there.
	nodes[3].restart();
	let dave_rpc = nodes[3].rpc(STARTUP).await;
	let target = rpcs[0].finalized_number().await;
	dave_rpc.wait_finalized(target, PROGRESS).await;
	let mut ferdie = ferdie;
	ferdie.set_node(&nodes[3].ws_url());
	ferdie.sync();
	let history = expected(&[(&eve, "before"), (&ferdie, "during 1"), (&eve, "during 2")]);
	assert_eq!(ferdie.show(chat), history);
	eve.sync();
	assert_eq!(eve.show(chat), history);
}
