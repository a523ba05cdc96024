//! End to end: real `sealchat-node` processes and the real `sealchat` binary, one profile
//! per user, asserting on what users see. Scenarios:
//!
//! 1. pair chat, messages both ways, `show` and `chats` on both sides;
//! 2. group of three, a member adds a fourth, everyone reads everything, a non-member
//!    reads nothing;
//! 3. login from the recovery phrase alone rebuilds chats and history;
//! 4. offline delivery;
//! 5. an observer reads every block, every event and all state after 1-3, and finds no
//!    account on any chat operation and no fee paid for one;
//! 6. bad input of every kind, and a join relayed first by someone else;
//! 7. faults: node killed mid-conversation, client killed mid-sync, a validator down;
//!    a crash at each step of creating and of joining a chat, then the command again;
//!    a busy day that takes a part past its daily writes;
//! 8. messages shown before they are final: confirmed when final, withdrawn when their
//!    block is abandoned (a validator cut off from the others builds a fork of its own);
//! 9. two users in the interactive client, each in a terminal of its own: a chat started,
//!    accepted and written to from the keyboard, and the terminal given back on quit.

use std::{collections::HashSet, time::Duration};

use codec::{Compact, Decode, Encode};
use frame_support::storage::storage_prefix;
use jsonrpsee::rpc_params;
use pallet_chat::add_member_message;
use sealchat::{
	crypto::{ChatKey, Identity},
	wire::{self, ChatKind, Invitation, PartAction},
};
use sealchat_runtime::{RuntimeCall, RuntimeEvent};
use sealchat_tests::{
	cli::User, hex, read, start_local_network, start_local_network_with, unhex, Node, Role, Rpc, TestDir,
};
use serde_json::Value;
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

/// The numbers of the invitations a sync found.
fn invitations(summary: &Value) -> Vec<u64> {
	summary["invitations"].as_array().expect("invitations").iter().map(|c| c.as_u64().unwrap()).collect()
}

/// The user's own parts, from its local database: nothing on chain lists them.
fn my_parts(user: &User) -> Vec<[u8; 32]> {
	user.store().chats().expect("the user's chats").into_iter().map(|c| c.my_part).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
	!needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The calls of every extrinsic but the timestamp inherent in blocks `from..=to`.
async fn calls_in(rpc: &Rpc, from: u64, to: u64) -> Vec<RuntimeCall> {
	let mut calls = Vec::new();
	for n in from..=to {
		let hash = rpc.block_hash(n).await.expect("an imported block");
		let block = rpc.call("chain_getBlock", rpc_params![hash]).await;
		for xt in block["block"]["extrinsics"].as_array().unwrap() {
			let bytes = unhex(xt.as_str().unwrap());
			let xt = sealchat_runtime::UncheckedExtrinsic::decode(&mut &bytes[..]).expect("an extrinsic");
			if !matches!(xt.function, RuntimeCall::Timestamp(_)) {
				calls.push(xt.function);
			}
		}
	}
	calls
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
		if rings.iter().all(|r| r["ring"] == 0 && r["members"] == 5) {
			break;
		}
		assert!(rings.iter().all(|r| r["queued"] == true || r["ring"] == 0), "{rings:?}");
		assert!(std::time::Instant::now() < deadline, "not all onboarded: {rings:?}");
		std::thread::sleep(Duration::from_secs(2));
	}

	// 1. Pair chat: Bob invites Charlie; messages both ways.
	let pair_chat = bob.pair_chat(&charlie);
	// Charlie's sync finds the invitation and waits for Charlie's answer: nothing is
	// joined until Charlie accepts.
	assert_eq!(invitations(&charlie.sync()).len(), 1);
	assert!(chat_ids(&charlie).is_empty());
	let invites = charlie.invites();
	assert_eq!((invites[0]["chat"].as_u64(), invites[0]["inviter"].as_str()), (Some(pair_chat), Some(bob.address.as_str())));
	assert_eq!((invites[0]["kind"].as_str(), invites[0]["membersKnown"].as_u64()), (Some("pair"), Some(2)));
	charlie.join(pair_chat);
	assert!(charlie.invites().is_empty());
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
	charlie.join(group);
	dave.join(group);
	bob.sync();
	charlie.add(group, &eve);
	eve.join(group);
	// Reading never writes: learning of Eve's join, the members' syncs, shows and a
	// watch submit no transaction (their blobs list her from their next message drawn
	// to carry a rewrite on).
	let before = rpc.best_number().await;
	for user in [&bob, &charlie, &dave] {
		user.sync();
		user.ok(&["show", &group.to_string(), "--sync"]);
	}
	let (mut watching, _) = dave.watch();
	std::thread::sleep(Duration::from_secs(6));
	let _ = watching.kill();
	let _ = watching.wait();
	let after = rpc.best_number().await;
	rpc.wait_finalized(after + 1, PROGRESS).await;
	let submitted = calls_in(&rpc, before + 1, after + 1).await;
	assert!(submitted.is_empty(), "a client that only read submitted {submitted:?}");
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
	assert!(invitations(&summary).is_empty());
	assert!(ferdie.chats().is_empty() && ferdie.invites().is_empty());
	assert!(ferdie.fails(&["show", &group.to_string()]).contains("no chat"));
	let ferdie_keys = Identity::from_suri("//Ferdie").unwrap();
	let chain = read::connect(&node.ws_url()).await;
	let mut parts = Vec::new();
	for user in [&bob, &charlie, &dave, &eve] {
		parts.extend(my_parts(user));
	}
	let records: Vec<Vec<u8>> = read::all_records(&chain).await.into_iter().map(|(_, r)| r.payload.0).collect();
	let ciphertexts = read::all_messages(&chain, &parts).await;
	assert!(records.len() >= 7 && ciphertexts.len() == 7, "{} records, {} messages", records.len(), ciphertexts.len());
	for data in records.iter().chain(&ciphertexts) {
		assert!(ferdie_keys.open_sealed(data).is_none());
		assert!(Invitation::open(&ferdie_keys, &chain.genesis_hash(), data).is_err());
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

	// 5. What an observer of the whole chain learns.
	let mut plaintexts: Vec<String> = pair_history.iter().chain(&group_history).map(|(_, t)| t.clone()).collect();
	plaintexts.push("pair 4: back on a new machine".into());
	let mut keys: Vec<[u8; 32]> = bob.chat_keys();
	keys.extend(charlie.chat_keys());
	let members = [&bob, &charlie, &dave, &eve];
	observer_audit(&rpc, &plaintexts, &keys, &members).await;

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

/// The storage items that may hold a member's account, and why: the member's own
/// balance and holds, and its registration and registered keys: the one public act of a
/// user. Nothing of the chat pallet, and nothing else of the connector.
fn allowed_item(prefix: &[u8]) -> Option<&'static str> {
	[
		("System", "Account"),
		("Balances", "Holds"),
		("Balances", "Freezes"),
		("Balances", "Locks"),
		("Balances", "Reserves"),
		("Connector", "Keys"),
		("Connector", "Registrations"),
	]
	.into_iter()
	.find(|(p, n)| prefix == storage_prefix(p.as_bytes(), n.as_bytes()).as_slice())
	.map(|(_, n)| n)
}

/// Whether `call` is a chat operation: any call of the connector or the chat pallet but
/// registering.
fn is_chat_operation(call: &RuntimeCall) -> bool {
	match call {
		RuntimeCall::Connector(pallet_connector::Call::register_key { .. } | pallet_connector::Call::clear_keys {}) =>
			false,
		RuntimeCall::Connector(_) | RuntimeCall::Chat(_) => true,
		_ => false,
	}
}

/// The epoch, slot and alias of the ticket a call carries, if it carries one.
fn ticket_of(call: &RuntimeCall) -> Option<(u32, u32, [u8; 32])> {
	match call {
		RuntimeCall::Connector(pallet_connector::Call::create_chat { ticket, .. })
		| RuntimeCall::Chat(pallet_chat::Call::join { ticket, .. } | pallet_chat::Call::renew { ticket, .. }) =>
			Some((ticket.epoch, ticket.slot, ticket.alias)),
		_ => None,
	}
}

/// What an observer learns from every block, every event and all state after a
/// multi-user run: the members' accounts appear only where they registered (their own
/// signed `register_key`, the key registry, their balances); every chat operation is a
/// general transaction with no signer; no chat-pallet or connector state or event (but
/// the key registry's) holds an account; no fee is paid for a chat operation; no
/// plaintext or chat key appears anywhere; every message is a padding bucket long and
/// every part blob has one length.
async fn observer_audit(rpc: &Rpc, plaintexts: &[String], keys: &[[u8; 32]], members: &[&User]) {
	// Audit a block after the last transaction.
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
	// Every record has one length and a tag, invitation or response, pair or group.
	let pages_prefix = storage_prefix(b"Connector", b"RecordPages");
	let mut records = 0;
	for (key, value) in state.iter().filter(|(k, _)| k.starts_with(&pages_prefix)) {
		let page = pallet_connector::PageOf::<sealchat_runtime::Runtime>::decode(&mut &value[..]).expect("a page of records");
		for record in page {
			assert_eq!(record.payload.len(), sealchat_runtime::configs::RECORD_LEN as usize, "a record in page {}", hex(key));
			records += 1;
		}
	}
	assert!(records >= 10, "{records} records in state");
	// Every part blob has one length whatever its chat's size (pairs and a group of four).
	let parts_prefix = storage_prefix(b"Chat", b"Parts");
	let mut blobs = 0;
	for (key, value) in state.iter().filter(|(k, _)| k.starts_with(&parts_prefix)) {
		let part = pallet_chat::PartInfo::<sealchat_runtime::Runtime>::decode(&mut &value[..]).expect("a part");
		assert_eq!(part.blob.len(), sealchat::wire::PART_BLOB_SIZES[0], "part {} blob", hex(key));
		blobs += 1;
	}
	assert!(blobs >= 6, "{blobs} parts in state");

	// Every extrinsic of every block, with its signer, and every event.
	let finalized = rpc.finalized_number().await;
	let events_key = storage_prefix(b"System", b"Events");
	let mut extrinsics: Vec<(Option<[u8; 32]>, Vec<u8>)> = Vec::new();
	let mut anonymous = 0;
	let mut fees = 0;
	let mut chat_events = 0;
	for n in 0..=finalized {
		let hash = rpc.block_hash(n).await.expect("finalized block");
		let block = rpc.call("chain_getBlock", rpc_params![hash.clone()]).await;
		let mut calls = Vec::new();
		for xt in block["block"]["extrinsics"].as_array().unwrap() {
			let bytes = unhex(xt.as_str().unwrap());
			let signer = signer_of(&bytes);
			let decoded = sealchat_runtime::UncheckedExtrinsic::decode(&mut &bytes[..]).expect("an extrinsic");
			// No chat operation is signed by an account: all are general transactions.
			if is_chat_operation(&decoded.function) {
				assert!(signer.is_none(), "a chat operation signed by an account: {:?}", decoded.function);
				assert!(matches!(decoded.preamble, sp_runtime::generic::Preamble::General(..)), "not a general transaction");
				anonymous += 1;
			}
			calls.push(decoded.function);
			extrinsics.push((signer, bytes));
		}
		let raw = rpc.call("state_getStorage", rpc_params![hex(&events_key), hash]).await;
		let Some(raw) = raw.as_str() else { continue };
		let records: Vec<frame_system::EventRecord<RuntimeEvent, sp_core::H256>> =
			Decode::decode(&mut &unhex(raw)[..]).expect("events decode");
		for record in records {
			match &record.event {
				// Nobody pays a fee for a chat operation.
				RuntimeEvent::TransactionPayment(pallet_transaction_payment::Event::TransactionFeePaid { .. }) => {
					let frame_system::Phase::ApplyExtrinsic(index) = record.phase else { panic!("a fee outside an extrinsic") };
					let call = &calls[index as usize];
					assert!(!is_chat_operation(call), "a fee was paid for {call:?}");
					fees += 1;
				},
				// No event of the chat pallets names an account, but registering's.
				RuntimeEvent::Connector(
					pallet_connector::Event::Registered { .. }
					| pallet_connector::Event::KeyRegistered { .. }
					| pallet_connector::Event::KeysCleared { .. },
				) => {},
				event @ (RuntimeEvent::Connector(_) | RuntimeEvent::Chat(_)) => {
					let encoded = event.encode();
					for member in members {
						assert!(!contains(&encoded, &member.account), "{}'s account in {event:?}", member.name);
					}
					chat_events += 1;
				},
				_ => {},
			}
		}
	}
	// A user's tickets do not take the slots of the epoch in order: the slot of one says
	// nothing of the same user's others. (The test knows whose each is; the observer does
	// not. A user's first k tickets land on slots 0, 1, …, k−1 in that order by chance
	// with probability 1/(32·31·…), which for k ≥ 3 is below 1/29,000.)
	let mut slots_of: Vec<Vec<u32>> = vec![Vec::new(); members.len()];
	for (_, bytes) in &extrinsics {
		let call = sealchat_runtime::UncheckedExtrinsic::decode(&mut &bytes[..]).expect("an extrinsic").function;
		let Some((epoch, slot, alias)) = ticket_of(&call) else { continue };
		let context = wire::ticket_context(epoch, slot);
		let whose = members.iter().position(|m| m.identity().ring_alias(&context).expect("an alias") == alias);
		slots_of[whose.expect("every ticket is a member's")].push(slot);
	}
	for (member, slots) in members.iter().zip(&slots_of) {
		if slots.len() >= 3 {
			let in_order: Vec<u32> = (0..slots.len() as u32).collect();
			assert_ne!(*slots, in_order, "{}'s tickets took the slots in order", member.name);
		}
	}
	assert!(slots_of.iter().any(|s| s.len() >= 3), "a user with three tickets or more: {slots_of:?}");
	assert!(extrinsics.iter().filter(|(s, _)| s.is_some()).count() >= members.len(), "read every block");
	assert!(anonymous >= 15, "chats created, joined, invited into and written ({anonymous} such extrinsics)");
	assert!(fees >= members.len(), "the registrations paid their fees ({fees})");
	assert!(chat_events >= 15, "{chat_events} chat events");

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
			// Outside the allowed items (and in no item of the chat pallets but the key
			// registry), no account appears.
			allowed_item(&key[..32.min(key.len())]).unwrap_or_else(|| {
				panic!("{}'s account in storage item {} (key {})", member.name, hex(&key[..32.min(key.len())]), hex(key))
			});
		}
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
	// Charlie's client is not running while Bob invites it twice and writes. Bob starts
	// the pair chat at a terminal, with pauses: each is announced as it begins, and the
	// command ends once its last write, the invitation, is in a block.
	let chain = read::connect(&node.ws_url()).await;
	let terminal = bob.in_terminal(&["chat", "new", &charlie.address], &[("SEALCHAT_DELAY_WINDOW", "2")]);
	let created = terminal.wait_for("exited with", 3 * PROGRESS);
	assert!(created.contains("exited with 0"), "{created}");
	let said = String::from_utf8_lossy(&terminal.output()).into_owned();
	for line in ["waiting for the chat's creation to be final", "before your part of the chat: a random pause", "before the invitations", "waiting for the invitations to be in a block"] {
		assert!(said.contains(line), "`chat new` did not say {line:?}: {said}");
	}
	let pair_chat: u64 = created
		.split("created chat ")
		.nth(1)
		.and_then(|rest| rest.split_whitespace().next())
		.and_then(|id| id.parse().ok())
		.unwrap_or_else(|| panic!("no chat id: {created}"));
	assert_eq!(chain.chat(pair_chat, None).await.unwrap().expect("the chat").nonce, 1, "the invitation is in a block");
	bob.send(pair_chat, "are you there?");
	bob.send(pair_chat, "write when you are back");
	let group = bob.group_chat(&[&charlie, &dave]);
	dave.join(group);
	dave.send(group, "dave here");

	let summary = charlie.sync();
	assert_eq!(invitations(&summary).len(), 2, "{summary}");
	// Charlie accepts at a terminal too: the pause is announced, and the command ends
	// once the join is in a block.
	let invitation = charlie.invitation_to(pair_chat).expect("Bob's invitation").to_string();
	let terminal = charlie.in_terminal(&["accept", &invitation], &[("SEALCHAT_DELAY_WINDOW", "2")]);
	let accepted = terminal.wait_for("exited with", 3 * PROGRESS);
	assert!(accepted.contains(&format!("joined chat {pair_chat}")) && accepted.contains("exited with 0"), "{accepted}");
	let said = String::from_utf8_lossy(&terminal.output()).into_owned();
	for line in ["before your part of the chat: a random pause", "waiting for your part of the chat to be in a block"] {
		assert!(said.contains(line), "`accept` did not say {line:?}: {said}");
	}
	let part = charlie.store().chat(pair_chat).unwrap().expect("the chat").my_part;
	assert!(chain.part(&part, None).await.unwrap().is_some(), "the join is in a block");
	charlie.join(group);
	charlie.sync();
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
	use sealchat_tests::tx::{general_refusal, Outcome};
	let dir = TestDir::new("e2e-bad");
	let (node, rpc) = dev_node(&dir).await;
	let [bob, charlie, dave, ferdie] = registered(&dir, &node.ws_url(), ["bob", "charlie", "dave", "ferdie"]);
	let url = node.ws_url();
	let chain = read::connect(&url).await;
	let pair_chat = bob.pair_chat(&charlie);
	charlie.join(pair_chat);
	bob.send(pair_chat, "first");
	charlie.send(pair_chat, "second");
	let group = bob.group_chat(&[&charlie]);
	charlie.join(group);
	bob.sync();
	let history = expected(&[(&bob, "first"), (&charlie, "second")]);
	assert_eq!(bob.show(pair_chat), history);

	let error = |o: &Outcome| o.error_name().unwrap_or_else(|| format!("{:?}", o.result));
	let bob_store = bob.store();
	let bob_pair = bob_store.chat(pair_chat).unwrap().unwrap();
	let bob_group = bob_store.chat(group).unwrap().unwrap();
	drop(bob_store);
	let chat_call = |c| RuntimeCall::Chat(c);
	let connector_call = |c| RuntimeCall::Connector(c);
	let genesis = chain.genesis_hash();

	// Writes into a part are signed by its part key, for one sequence number.
	let part = bob_pair.my_part;
	let bob_part_key = Identity::from_suri("//Bob").unwrap().part_key(bob_pair.my_part_index);
	let ferdie_part_key = Identity::from_suri("//Ferdie").unwrap().part_key(7);
	let incarnation = chain.part(&part, None).await.unwrap().expect("Bob's part").incarnation;
	let post = |key: &sealchat::crypto::SigningKey, seq: u32, ciphertext: Vec<u8>| {
		let action = PartAction::post_message(incarnation, seq, &ciphertext);
		let signature = key.sign(&wire::part_message(&genesis, &part, &action));
		chat_call(pallet_chat::Call::post_message {
			part,
			seq,
			ciphertext,
			signature: sp_core::ed25519::Signature::from_raw(signature),
		})
	};
	let seq = chain.part(&part, None).await.unwrap().expect("Bob's part").next_seq;
	// Oversize messages: the CLI says so before anything is sent; the node refuses too.
	let long = "x".repeat(5000);
	assert!(bob.fails(&["send", &pair_chat.to_string(), &long]).contains("message too long"));
	let refused = general_refusal(&rpc, post(&bob_part_key, seq, vec![1; 5000])).await;
	assert!(refused.contains("Custom error: 214"), "too large: {refused}");
	// Writing into someone else's part: the part key did not sign it.
	let refused = general_refusal(&rpc, post(&ferdie_part_key, seq, vec![1; 64])).await;
	assert!(refused.contains("bad signature"), "{refused}");
	// A signed transaction writes nothing (and its signer pays for trying).
	assert_eq!(error(&rpc.submit(&pair("//Ferdie"), post(&bob_part_key, seq, vec![1; 64])).await), "BadOrigin");
	// A valid write lands once; replayed it is outdated, far ahead it is refused, and a
	// part that does not exist is named as such. (The bytes are no message: Bob's readers
	// skip them as unreadable.)
	let valid = post(&bob_part_key, seq, vec![2; 64]);
	assert!(rpc.submit_general(valid.clone()).await.expect("a valid write").result.is_ok());
	assert!(general_refusal(&rpc, valid).await.contains("outdated"));
	assert!(general_refusal(&rpc, post(&bob_part_key, seq + 20, vec![2; 64])).await.contains("future"));
	let missing = chat_call(pallet_chat::Call::post_message {
		part: ferdie_part_key.public(),
		seq: 0,
		ciphertext: vec![1],
		signature: sp_core::ed25519::Signature::from_raw(ferdie_part_key.sign(b"x")),
	});
	assert!(general_refusal(&rpc, missing).await.contains("Custom error: 211"));
	// "Add user" straight to the connector, not from a chat.
	let o = rpc.submit(&pair("//Ferdie"), connector_call(pallet_connector::Call::add_member { payload: vec![1; 512], tag: [1; 32] })).await;
	assert_eq!(error(&o), "BadOrigin");
	// Adding through the chat with a wrong membership proof: the node refuses it before
	// it enters a block.
	let nonce = chain.chat(group, None).await.unwrap().expect("the group").nonce;
	let wrong = ChatKey::generate().membership_key().sign(&add_member_message(&genesis, group, nonce, &[7; 512], &[0x7a; 32]));
	let add = |proof: [u8; 64], nonce: u64| {
		chat_call(pallet_chat::Call::add_member {
			chat: group,
			nonce,
			invitation: vec![7; 512],
			tag: [0x7a; 32],
			proof: sp_core::ed25519::Signature::from_raw(proof),
		})
	};
	let refused = rpc.submit_general(add(wrong, nonce)).await.expect_err("a wrong proof is refused");
	assert!(refused.contains("bad signature"), "{refused}");
	// A valid proof works once, with no signer; replaying it is refused as outdated. A
	// signed transaction cannot add members at all.
	let proof = bob_group.key.membership_key().sign(&add_member_message(&genesis, group, nonce, &[7; 512], &[0x7a; 32]));
	assert_eq!(error(&rpc.submit(&pair("//Ferdie"), add(proof, nonce)).await), "BadOrigin");
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

	// Forged invitations: the only way to put a record on chain is through a chat, so a
	// registered user (Ferdie) creates a chat of his own and has it send whatever he likes
	// to Charlie: an invitation claiming to be Bob's, one addressed to Dave, an unsigned
	// one, one signed for another chain, a copy of Bob's real invitation and garbage
	// (Ferdie's chat has eight invitations a day: Dave's, these six and the squat below).
	// Charlie's client ignores every one.
	let ferdie_chat = ferdie.group_chat(&[&dave]);
	// Dave declines Ferdie's invitation: nothing goes on chain, it is no longer listed,
	// and an answer to an invitation that does not exist is refused by name.
	dave.sync();
	let invitation = dave.invitation_to(ferdie_chat).expect("Ferdie's invitation to Dave");
	let before = rpc.best_number().await;
	dave.ok(&["decline", &invitation.to_string()]);
	assert!(dave.invites().is_empty());
	assert!(!chat_ids(&dave).contains(&ferdie_chat));
	assert_eq!(json_error(dave.fails(&["accept", "999"]))["kind"], "unknown_invitation");
	// A declined invitation is gone: answering it again is refused by name, and writes
	// nothing (checked with the rest below).
	let id = invitation.to_string();
	assert_eq!(json_error(dave.fails(&["decline", &id]))["kind"], "declined_invitation");
	assert_eq!(json_error(dave.fails(&["accept", &id]))["kind"], "declined_invitation");
	assert!(!chat_ids(&dave).contains(&ferdie_chat));
	dave.sync();
	assert!(dave.invites().is_empty(), "a declined invitation comes back");
	let after = rpc.best_number().await;
	rpc.wait_finalized(after + 1, PROGRESS).await;
	let submitted = calls_in(&rpc, before + 1, after + 1).await;
	assert!(submitted.is_empty(), "declining submitted {submitted:?}");
	let ferdie_membership = ferdie.store().chat(ferdie_chat).unwrap().expect("Ferdie's chat").key.membership_key();
	let send_through_ferdies_chat = |payload: Vec<u8>| {
		let (chain, rpc, membership) = (&chain, &rpc, &ferdie_membership);
		async move {
			let nonce = chain.chat(ferdie_chat, None).await.unwrap().expect("Ferdie's chat").nonce;
			// Padded to the record length, as every record is, or the chain refuses it.
			let mut payload = payload;
			payload.resize(sealchat_runtime::configs::RECORD_LEN as usize, 0);
			let proof = membership.sign(&add_member_message(&genesis, ferdie_chat, nonce, &payload, &[0x7a; 32]));
			let call = chat_call(pallet_chat::Call::add_member {
				chat: ferdie_chat,
				nonce,
				invitation: payload,
				tag: [0x7a; 32],
				proof: sp_core::ed25519::Signature::from_raw(proof),
			});
			let o = rpc.submit_general(call).await.expect("Ferdie's chat takes his proof");
			assert!(o.result.is_ok(), "{:?}", o.result);
		}
	};
	let ferdie_id = Identity::from_suri("//Ferdie").unwrap();
	let invite = |genesis: &[u8; 32], chat, to| {
		Invitation::new(&ferdie_id, genesis, ChatKind::Pair, chat, 0, &ChatKey::generate(), to, vec![])
	};
	let mut claims_bob = invite(&genesis, pair_chat, charlie.account);
	claims_bob.inviter = bob.account;
	let misdirected = invite(&genesis, 77, dave.account);
	let mut unsigned = invite(&genesis, 78, charlie.account);
	unsigned.signature = [0; 64];
	let other_chain = invite(&[0x99; 32], 79, charlie.account);
	let charlie_id = Identity::from_suri("//Charlie").unwrap();
	let charlie_key = charlie_id.encryption_key();
	let legit = read::all_records(&chain)
		.await
		.into_iter()
		.map(|(_, record)| record.payload.0)
		.find(|payload| Invitation::open(&charlie_id, &genesis, payload).is_ok())
		.expect("Bob's first invitation to Charlie");
	let forged_payloads = vec![
		claims_bob.seal(&charlie_key, 512).unwrap(),
		misdirected.seal(&charlie_key, 512).unwrap(),
		unsigned.seal(&charlie_key, 512).unwrap(),
		other_chain.seal(&charlie_key, 512).unwrap(),
		legit,
		vec![0xde; 512],
	];
	for payload in forged_payloads {
		send_through_ferdies_chat(payload).await;
	}
	let summary = charlie.sync();
	assert!(invitations(&summary).is_empty() && charlie.invites().is_empty(), "{summary}");
	assert!(summary["invitationsRejected"].as_u64().unwrap() >= 5, "{summary}");
	let mut ids = chat_ids(&charlie);
	ids.sort();
	assert_eq!(ids, [pair_chat, group]);

	// A registered user signs an invitation naming a chat that exists, with a key of
	// their own: the invitee checks the chat's membership key on chain and ignores it,
	// so the chat's real invitation still gets through.
	let taken = bob.group_chat(&[&dave]);
	let squat = Invitation::new(&ferdie_id, &genesis, ChatKind::Group, taken, 0, &ChatKey::generate(), charlie.account, vec![]);
	send_through_ferdies_chat(squat.seal(&charlie_key, 512).unwrap()).await;
	let summary = charlie.sync();
	assert!(invitations(&summary).is_empty(), "{summary}");
	assert!(!chat_ids(&charlie).contains(&taken) && charlie.invitation_to(taken).is_none());
	bob.add(taken, &charlie);
	charlie.join(taken);
	assert!(chat_ids(&charlie).contains(&taken));

	// A member squats a slot: Charlie, in the chat, answers Dave's pending invitation
	// (slot 0) first, under a claim of his own, naming a part that is no member's. Bob
	// reads it, and still learns Dave's part when Dave accepts: nothing answers Dave's
	// slot but the invitation's secret, and no response hides another.
	let taken_key = charlie.store().chat(taken).unwrap().expect("Charlie's copy of the chat").key;
	let squatter_part = [0x5c; 32];
	let squat = wire::SlotClaim::new(&charlie_id, &genesis, taken, 0)
		.respond(&genesis, taken, 0, squatter_part)
		.seal(&taken_key, &taken_key.response_tag(0), 512)
		.unwrap();
	let nonce = chain.chat(taken, None).await.unwrap().expect("the chat").nonce;
	let tag = taken_key.response_tag(0);
	let proof = taken_key.membership_key().sign(&add_member_message(&genesis, taken, nonce, &squat, &tag));
	let call = chat_call(pallet_chat::Call::add_member {
		chat: taken,
		nonce,
		invitation: squat,
		tag,
		proof: sp_core::ed25519::Signature::from_raw(proof),
	});
	assert!(rpc.submit_general(call).await.expect("the squat").result.is_ok());
	bob.sync();
	dave.join(taken);
	dave.ok(&["send", "--wait-finalized", &taken.to_string(), "dave made it"]);
	bob.sync();
	assert_eq!(bob.show(taken), expected(&[(&dave, "dave made it")]), "the squat hid Dave");
	let taken_parts: Vec<[u8; 32]> = bob.store().parts(taken).unwrap().into_iter().map(|p| p.part).collect();
	assert!(!taken_parts.contains(&squatter_part), "a part that is not on chain is forgotten");

	// Nothing already stored was lost, and the chat still works; the bytes that were no
	// message were skipped.
	assert_eq!(bob.show(pair_chat), history);
	assert_eq!(charlie.show(pair_chat), history);
	charlie.send(pair_chat, "still here");
	bob.sync();
	assert_eq!(bob.show(pair_chat).len(), 3);

	// Two sends from one profile at the same time: one waits for the other, and both land.
	let first = bob.spawn(&["send", "--wait-finalized", &pair_chat.to_string(), "at once 1"]);
	let second = bob.spawn(&["send", "--wait-finalized", &pair_chat.to_string(), "at once 2"]);
	for child in [first, second] {
		let out = child.wait_with_output().expect("wait for send");
		assert!(out.status.success(), "concurrent send failed: {}", String::from_utf8_lossy(&out.stderr));
	}
	charlie.sync();
	let mut texts: Vec<String> = charlie.show(pair_chat).into_iter().map(|(_, t)| t).collect();
	texts[3..].sort();
	assert_eq!(texts[3..], ["at once 1".to_string(), "at once 2".to_string()]);

	// A part whose listing stops verifying has no owner: its messages, those read before
	// included, are no longer shown, and new ones are not read. (Charlie's part key
	// rewrites his blob with a listing signed for another chain.)
	charlie.send(group, "before the forgery");
	bob.sync();
	assert_eq!(bob.show(group), expected(&[(&charlie, "before the forgery")]));
	let charlie_group = charlie.store().chat(group).unwrap().expect("Charlie's group");
	let charlie_part = charlie_group.my_part;
	let charlie_part_key = charlie_id.part_key(charlie_group.my_part_index);
	// One message in eight rewrites its part's blob (drawn per sequence number): the
	// message after the forgery must not, or it would write a true listing over it.
	let next_seq = || async { chain.part(&charlie_part, None).await.unwrap().expect("Charlie's part").next_seq };
	while sealchat::session::carries_blob(&charlie_id, &charlie_part, next_seq().await) {
		charlie.send(group, "one more before the forgery");
	}
	let forged =
		wire::PartBlob::seal(&charlie_id, &[0x66; 32], &charlie_part, ChatKind::Group, group, &charlie_group.key, &[bob_group.my_part])
			.unwrap();
	let state = chain.part(&charlie_part, None).await.unwrap().expect("Charlie's part");
	let action = PartAction::set_blob(state.incarnation, state.nonce, &forged);
	let nonce = state.nonce;
	let signature = charlie_part_key.sign(&wire::part_message(&genesis, &charlie_part, &action));
	let rewrite = chat_call(pallet_chat::Call::set_part_blob {
		part: charlie_part,
		nonce,
		blob: forged,
		signature: sp_core::ed25519::Signature::from_raw(signature),
	});
	let o = rpc.submit_general(rewrite).await.expect("the part key's rewrite");
	assert!(o.result.is_ok(), "{:?}", o.result);
	charlie.ok(&["send", "--wait-finalized", &group.to_string(), "after the forgery"]);
	bob.sync();
	assert_eq!(bob.show(group), [], "messages of a part whose listing does not verify");
	let ahead = bob.ok(&["show", &group.to_string(), "--sync"]);
	assert_eq!(ahead.last().unwrap()["messages"], serde_json::json!([]), "{ahead:?}");

	// A member's listing names another chat's parts, and ids of no part at all: neither
	// chat changes. (Charlie lists, in his part of the pair chat, the parts of Dave's
	// group, which Bob has not joined yet, and two made-up ids.)
	let other = dave.group_chat(&[&ferdie, &bob]);
	ferdie.join(other);
	dave.send(other, "in the other group");
	ferdie.send(other, "me too");
	let other_parts: Vec<[u8; 32]> =
		[&dave, &ferdie].iter().map(|u| u.store().chat(other).unwrap().expect("the other group").my_part).collect();
	let charlie_pair = charlie.store().chat(pair_chat).unwrap().expect("Charlie's pair chat");
	let mut listed = vec![bob_pair.my_part, [0x5a; 32], [0x5b; 32]];
	listed.extend(&other_parts);
	let hostile = wire::PartBlob::seal(
		&charlie_id,
		&genesis,
		&charlie_pair.my_part,
		ChatKind::Pair,
		pair_chat,
		&charlie_pair.key,
		&listed,
	)
	.unwrap();
	let state = chain.part(&charlie_pair.my_part, None).await.unwrap().expect("Charlie's part");
	let nonce = state.nonce;
	let charlie_pair_key = charlie_id.part_key(charlie_pair.my_part_index);
	let action = PartAction::set_blob(state.incarnation, nonce, &hostile);
	let signature = charlie_pair_key.sign(&wire::part_message(&genesis, &charlie_pair.my_part, &action));
	let rewrite = chat_call(pallet_chat::Call::set_part_blob {
		part: charlie_pair.my_part,
		nonce,
		blob: hostile,
		signature: sp_core::ed25519::Signature::from_raw(signature),
	});
	assert!(rpc.submit_general(rewrite).await.expect("the rewrite").result.is_ok());
	bob.sync();
	let parts_of = |chat: u64| -> Vec<[u8; 32]> {
		bob.store().parts(chat).unwrap().into_iter().map(|p| p.part).collect()
	};
	assert_eq!(parts_of(pair_chat).len(), 2, "only Bob's and Charlie's parts are the pair chat's");
	let pair = bob.chats().into_iter().find(|c| c["chat"] == pair_chat).expect("the pair chat");
	assert_eq!(pair["members"].as_array().map(Vec::len), Some(2), "{pair}");
	bob.join(other);
	bob.sync();
	assert_eq!(bob.show(other), expected(&[(&dave, "in the other group"), (&ferdie, "me too")]));
	assert!(other_parts.iter().all(|p| parts_of(other).contains(p)));
	// Charlie's group part, whose listing stopped verifying syncs ago, is still a member's
	// part without an owner: kept, its messages hidden, not forgotten like a named one.
	let kept = bob.store().parts(group).unwrap().into_iter().find(|p| p.part == charlie_part);
	assert!(kept.as_ref().is_some_and(|p| p.verified && p.owner.is_none()), "{kept:?}");
	assert_eq!(bob.show(group), []);
}

/// Anyone who sees a join on its way can relay it first with a ticket of their own (its
/// part key's signature covers everything but the ticket): the part is then the joiner's
/// all the same, and the joiner's client, whose own transaction is dropped, is in the chat.
#[tokio::test(flavor = "multi_thread")]
async fn a_join_relayed_first_by_someone_else_still_joins() {
	use sealchat::chain::RingPlacement;
	let dir = TestDir::new("e2e-preempted-join");
	// Eve uses a node of her own, which talks only to the validator, so that it can be cut
	// off while her join waits in its pool.
	let only_told = ["--reserved-only", "--network-backend", "libp2p"];
	let mut validator = Node::start_with_args(&dir, "dev", Role::Dev, vec![], &only_told);
	let chain_rpc = validator.rpc(STARTUP).await;
	let mut own = Node::start_with_args(&dir, "own", Role::DevFull, vec![], &only_told);
	let own_rpc = own.rpc(STARTUP).await;
	let addresses = [
		chain_rpc.bootnode_address(validator.p2p_port).await,
		own_rpc.bootnode_address(own.p2p_port).await,
	];
	let link = |on: bool| sealchat_tests::link(on, (&chain_rpc, &addresses[0]), (&own_rpc, &addresses[1]));
	link(true).await;
	own_rpc.wait_finalized(1, PROGRESS).await;
	let [ferdie, _dave, mut eve] = registered(&dir, &validator.ws_url(), ["ferdie", "dave", "eve"]);
	eve.set_node(&own.ws_url());
	let chat = ferdie.pair_chat(&eve);
	eve.sync();
	let invitation = eve.invitation_to(chat).expect("Eve's invitation");
	own_rpc.wait_best(chain_rpc.best_number().await, PROGRESS).await;

	link(false).await;
	let mut accept = eve.spawn(&["accept", &invitation.to_string()]);
	let deadline = std::time::Instant::now() + PROGRESS;
	let (part, blob, response, tag, signature) = loop {
		assert!(std::time::Instant::now() < deadline, "Eve's join never reached her node's pool");
		let pending = own_rpc.call("author_pendingExtrinsics", rpc_params![]).await;
		let join = pending.as_array().expect("extrinsics").iter().find_map(|xt| {
			let bytes = unhex(xt.as_str().expect("hex"));
			match sealchat_runtime::UncheckedExtrinsic::decode(&mut &bytes[..]).expect("an extrinsic").function {
				RuntimeCall::Chat(pallet_chat::Call::join { part, blob, response, tag, signature, .. }) =>
					Some((part, blob, response, tag, signature)),
				_ => None,
			}
		});
		if let Some(join) = join {
			break join;
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	};

	// Dave copies it, with a ticket of his own, to the validator.
	let chain = read::connect(&validator.ws_url()).await;
	let dave_identity = Identity::from_suri("//Dave").expect("Dave's identity");
	let Some(RingPlacement::InRing { ring, .. }) = chain.ring_placement(&dave_identity.ring_key()).await.unwrap() else {
		panic!("Dave is in a ring");
	};
	let (revision, members) = chain.ring_members(ring).await.expect("the ring's keys");
	let (epoch, _, _) = chain.ticket_epoch().await.expect("the epoch");
	let message = wire::part_message(&chain.genesis_hash(), &part, &PartAction::join(&blob, &response, tag));
	let (proof, alias) =
		dave_identity.ring_prove(&members, &wire::ticket_context(epoch, 0), &message).expect("Dave proves");
	let ticket = pallet_ring::Ticket { ring, revision, epoch, slot: 0, alias, proof: proof.try_into().expect("fits") };
	let copy = RuntimeCall::Chat(pallet_chat::Call::join { ticket, part, blob, response, tag, signature });
	let outcome = chain_rpc.submit_general(copy).await.expect("the copy is valid");
	assert_eq!(outcome.error_name(), None, "{:?}", outcome.result);

	// Eve's node hears of it: her own join is dropped, and she is in the chat.
	link(true).await;
	let deadline = std::time::Instant::now() + PROGRESS;
	while accept.try_wait().expect("the accept command").is_none() {
		assert!(std::time::Instant::now() < deadline, "accept ended within {PROGRESS:?}");
		std::thread::sleep(Duration::from_millis(200));
	}
	let output = accept.wait_with_output().expect("accept's output");
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "accept failed: {stderr}");
	let stdout = String::from_utf8_lossy(&output.stdout);
	let joined: Value = serde_json::from_str(stdout.lines().last().expect("a line")).expect("accept's JSON");
	assert_eq!(joined["joined"], chat, "{joined}");
	// The part on chain came in once, with Dave's ticket.
	let joins: Vec<_> = calls_in(&chain_rpc, 1, chain_rpc.best_number().await)
		.await
		.into_iter()
		.filter_map(|call| match call {
			RuntimeCall::Chat(pallet_chat::Call::join { ticket, part: p, .. }) if p == part => Some(ticket.alias),
			_ => None,
		})
		.collect();
	assert_eq!(joins, [alias]);
	eve.send(chat, "in, all the same");
	ferdie.sync();
	assert_eq!(ferdie.show(chat), expected(&[(&eve, "in, all the same")]));
}

/// A heavy writer fills their part of a chat: the message that does not fit goes into a
/// fresh part of theirs, joined on the way (a part rotation), with nothing for the user
/// to do, and every member reads everything, in order, from the same sender.
#[tokio::test(flavor = "multi_thread")]
async fn a_full_part_hands_over_to_a_fresh_one() {
	use sealchat_runtime::configs::PART_QUOTA;
	let dir = TestDir::new("e2e-rotation");
	let (node, _rpc) = dev_node(&dir).await;
	let [bob, charlie] = registered(&dir, &node.ws_url(), ["bob", "charlie"]);
	let chain = read::connect(&node.ws_url()).await;
	let chat = bob.pair_chat(&charlie);
	charlie.join(chat);
	let first = my_parts(&bob)[0];
	// The longest text a message holds (its ciphertext at most the chain's 4,096 bytes).
	let longest = (1..4096).rev().find(|len| wire::Message::sealed_len(*len) <= 4096).unwrap();
	let most = (PART_QUOTA as usize / longest) + 2;
	let mut texts = Vec::new();
	while my_parts(&bob)[0] == first {
		assert!(texts.len() <= most, "{} messages and still the first part", texts.len());
		let text = format!("{:04} {}", texts.len(), "x".repeat(longest - 5));
		bob.send_in_block(chat, &text);
		texts.push(text);
	}
	let full = chain.part(&first, None).await.unwrap().expect("the full part lives on");
	assert!(full.used + 4096 > PART_QUOTA, "rotated at {} of {PART_QUOTA} bytes", full.used);
	let second = my_parts(&bob)[0];
	let text = "after the rotation".to_string();
	bob.send(chat, &text);
	texts.push(text);
	assert_eq!(my_parts(&bob)[0], second, "one rotation");
	charlie.sync();
	bob.sync();
	for (who, shown) in [("charlie", charlie.show(chat)), ("bob", bob.show(chat))] {
		assert_eq!(shown.len(), texts.len(), "{who}");
		assert!(shown.iter().all(|(sender, _)| *sender == bob.address), "{who}: one sender");
		assert!(shown.iter().map(|(_, t)| t).eq(texts.iter()), "{who}: in order");
	}
}

/// A crash at any step of creating a chat, or of joining one, and then the same command
/// again: the flow is finished where it stopped, the chat is created once, and it works.
#[tokio::test(flavor = "multi_thread")]
async fn a_crash_at_any_step_of_creating_or_joining_a_chat_is_finished_by_the_command_again() {
	let dir = TestDir::new("e2e-crash");
	let (node, _rpc) = dev_node(&dir).await;
	let [bob, charlie] = registered(&dir, &node.ws_url(), ["bob", "charlie"]);
	let chain = read::connect(&node.ws_url()).await;
	let first = chain.next_chat_id(None).await.unwrap();
	// Stopped after the creation is final, after the chat is stored, after the creator's
	// join is submitted, and after it is joined (before the invitation).
	let mut chats = Vec::new();
	for step in ["create:created", "create:stored", "join:submitted", "create:joined"] {
		bob.crashes_at(step, &["chat", "new", "--wait-finalized", &charlie.address]);
		let chat = bob.pair_chat(&charlie);
		assert!(!chats.contains(&chat), "{step}: the command again made chat {chat} again");
		chats.push(chat);
	}
	assert_eq!(chain.next_chat_id(None).await.unwrap(), first + chats.len() as u64, "one chat per creation");
	let mut mine = chat_ids(&bob);
	mine.sort();
	assert_eq!(mine, chats);
	// Accepting, stopped after the chat is stored, and after the join is submitted.
	charlie.sync();
	for (chat, step) in chats.iter().zip(["accept:stored", "join:submitted"]) {
		let id = charlie.invitation_to(*chat).expect("Bob's invitation").to_string();
		charlie.crashes_at(step, &["accept", "--wait-finalized", &id]);
		assert_eq!(charlie.ok(&["accept", "--wait-finalized", &id])[0]["joined"], *chat, "{step}");
	}
	for chat in &chats[2..] {
		charlie.join(*chat);
	}
	for (i, chat) in chats.iter().enumerate() {
		let (there, back) = (format!("to chat {i}"), format!("back in chat {i}"));
		bob.send(*chat, &there);
		charlie.send(*chat, &back);
		bob.sync();
		charlie.sync();
		let both = expected(&[(&bob, there.as_str()), (&charlie, back.as_str())]);
		assert_eq!(bob.show(*chat), both, "chat {i}");
		assert_eq!(charlie.show(*chat), both, "chat {i}");
	}

	// Bob deletes his message of the first chat, for both of them, and frees its room.
	let chat = chats[0];
	let listed = bob.ok(&["show", &chat.to_string()]).remove(0);
	let message = |who: &User| -> (u64, String) {
		let m = listed["messages"].as_array().unwrap().iter().find(|m| m["sender"] == who.address.as_str()).expect("a message");
		(m["seq"].as_u64().unwrap(), m["part"].as_str().unwrap().to_string())
	};
	let ((seq, part), (charlie_seq, charlie_part)) = (message(&bob), message(&charlie));
	let bob_part = my_parts(&bob)[0];
	let used = || async { chain.part(&bob_part, None).await.unwrap().expect("Bob's part").used };
	let before = used().await;
	let deleted = bob.ok(&["delete", &chat.to_string(), &seq.to_string()]).remove(0);
	assert_eq!((deleted["deleted"].as_u64(), deleted["part"].as_str()), (Some(seq), Some(part.as_str())));
	assert!(used().await < before, "the delete freed the message's room");
	charlie.sync();
	let left = expected(&[(&charlie, "back in chat 0")]);
	assert_eq!(charlie.show(chat), left, "gone for Charlie");
	assert_eq!(bob.show(chat), left, "gone for Bob");
	// Deleting it again, or Charlie's message, is refused by name.
	let kind = |stderr: String| serde_json::from_str::<Value>(stderr.trim()).expect("a JSON error")["kind"].clone();
	assert_eq!(kind(bob.fails(&["delete", &chat.to_string(), &seq.to_string()])), "unknown_message");
	let (chat_arg, charlie_seq) = (chat.to_string(), charlie_seq.to_string());
	assert_eq!(kind(bob.fails(&["delete", &chat_arg, &charlie_seq, "--part", &charlie_part])), "not_your_message");
	assert_eq!(charlie.show(chat), left, "nothing else moved");

	// Charlie leaves the second chat: Bob reads that he left, and no longer counts him a
	// member; Charlie writes nothing more to it, nor reads what Bob writes after.
	let (chat, chat_arg) = (chats[1], chats[1].to_string());
	assert_eq!(charlie.ok(&["leave", &chat_arg])[0]["left"], true);
	bob.sync();
	let last = bob.ok(&["show", &chat_arg]).remove(0)["messages"].as_array().unwrap().last().unwrap().clone();
	assert_eq!((last["sender"].as_str(), last["kind"].as_str()), (Some(charlie.address.as_str()), Some("left")));
	let summary = |user: &User| user.chats().into_iter().find(|c| c["chat"] == chat).expect("the chat");
	let members = summary(&bob)["members"].clone();
	assert!(!members.to_string().contains(&charlie.address), "Charlie is no member after leaving: {members}");
	assert_eq!(summary(&charlie)["left"], true);
	assert_eq!(kind(charlie.fails(&["send", &chat_arg, "still here?"])), "left_chat");
	assert_eq!(kind(charlie.fails(&["leave", &chat_arg])), "left_chat");
	bob.send(chat, "after Charlie left");
	charlie.sync();
	let history = charlie.show(chat);
	assert!(history.iter().all(|(_, text)| text != "after Charlie left"), "a chat left is not read: {history:?}");
	assert!(history.iter().any(|(_, text)| text == "to chat 1"), "its history stays: {history:?}");
}

/// A part writes `WritesPerEpoch` times a day; the client tops its allowance up with a
/// renewal of the part (a ticket) when a send needs more, and the conversation goes on.
#[tokio::test(flavor = "multi_thread")]
async fn a_busy_day_in_one_chat_tops_up_the_part_and_goes_on() {
	use sealchat_runtime::configs::WRITES_PER_EPOCH;
	let dir = TestDir::new("e2e-allowance");
	let (node, rpc) = dev_node(&dir).await;
	let [bob, charlie] = registered(&dir, &node.ws_url(), ["bob", "charlie"]);
	let chat = bob.pair_chat(&charlie);
	charlie.join(chat);
	// One message more than a day's writes (a rewrite of Bob's listing, which one message
	// in eight carries, counts too).
	let texts: Vec<String> = (0..=WRITES_PER_EPOCH).map(|i| format!("message {i}")).collect();
	for text in &texts {
		bob.send(chat, text);
	}
	let part = my_parts(&bob)[0];
	let state: pallet_chat::PartInfo<sealchat_runtime::Runtime> =
		rpc.storage(&pallet_chat::Parts::<sealchat_runtime::Runtime>::hashed_key_for(part)).await.expect("Bob's part");
	assert!(state.usage.top_ups == 1 && state.usage.writes > WRITES_PER_EPOCH, "{:?}", state.usage);
	charlie.sync();
	let shown = charlie.show(chat);
	assert_eq!(shown.len(), texts.len());
	assert!(shown.iter().zip(&texts).all(|((sender, text), sent)| *sender == bob.address && text == sent), "{shown:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn node_killed_mid_conversation_loses_and_duplicates_nothing() {
	let dir = TestDir::new("e2e-node-kill");
	let (mut node, rpc) = dev_node(&dir).await;
	drop(rpc);
	let [bob, charlie] = registered(&dir, &node.ws_url(), ["bob", "charlie"]);
	let chat = bob.pair_chat(&charlie);
	charlie.join(chat);
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

	// Hundreds of others' records before Bob's invitation, put straight into the log.
	let noise = 600u32;
	rpc.fill_records((0..noise).map(|i| i.encode().repeat(8)).collect()).await;
	let chat = bob.pair_chat(&charlie);
	bob.send(chat, "hidden among the noise");
	let chain = read::connect(&node.ws_url()).await;
	let total = read::all_records(&chain).await.len() as u64;
	assert!(total > noise as u64, "{total} records");

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
	assert_eq!(invitations(&summary).len(), 1, "{summary}");
	charlie.join(chat);
	charlie.sync();
	assert_eq!(charlie.show(chat), expected(&[(&bob, "hidden among the noise")]));
	let again = charlie.sync();
	assert!(again["recordsScanned"].as_u64().unwrap() <= 1, "{again}");
	assert!(invitations(&again).is_empty());
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
	ferdie.wait_in_ring();
	let chat = eve.pair_chat(&ferdie);
	ferdie.join(chat);
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

/// Waits until `watch` prints an event `pred` accepts, keeping every event in `seen`.
fn wait_event(events: &std::sync::mpsc::Receiver<Value>, seen: &mut Vec<Value>, what: &str, pred: impl Fn(&Value) -> bool) {
	let deadline = std::time::Instant::now() + PROGRESS;
	loop {
		if seen.iter().any(&pred) {
			return;
		}
		let left = deadline.saturating_duration_since(std::time::Instant::now());
		match events.recv_timeout(left) {
			Ok(event) => seen.push(event),
			Err(_) => panic!("watch did not print {what} within {PROGRESS:?}; it printed {seen:#?}"),
		}
	}
}

/// The events `watch` printed about the message `text`, as (event, final).
fn about(seen: &[Value], text: &str) -> Vec<(String, bool)> {
	seen.iter()
		.filter(|e| e["message"]["text"] == text)
		.map(|e| (e["event"].as_str().unwrap_or_default().to_string(), e["message"]["final"] == true))
		.collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_show_at_import_and_an_abandoned_block_takes_its_messages_back() {
	let dir = TestDir::new("e2e-fork");
	// Nodes talk only to the peers they are told about, so some can be cut off. Eve,
	// Dave and Ferdie's laptop use their own node, a full node of the testnet.
	let only_told = ["--reserved-only", "--network-backend", "libp2p"];
	let (mut nodes, mut rpcs) = start_local_network_with(&dir, STARTUP, &only_told).await;
	nodes.push(Node::start_with_args(&dir, "own", Role::LocalFull, vec![], &only_told));
	rpcs.push(nodes[4].rpc(STARTUP).await);
	let mut addresses = Vec::new();
	for (node, rpc) in nodes.iter().zip(&rpcs) {
		addresses.push(rpc.bootnode_address(node.p2p_port).await);
	}
	let link = |on: bool, a: usize, b: usize| {
		sealchat_tests::link(on, (&rpcs[a], &addresses[a]), (&rpcs[b], &addresses[b]))
	};
	for a in 0..rpcs.len() {
		for b in a + 1..rpcs.len() {
			link(true, a, b).await;
		}
	}
	rpcs[4].wait_finalized(3, PROGRESS).await;

	let own = nodes[4].ws_url();
	let eve = User::new(&dir, "eve", "//Eve", &own);
	let ferdie = User::new(&dir, "ferdie", "//Ferdie", &own);
	let dave = User::new(&dir, "dave", "//Dave", &own);
	for user in [&eve, &ferdie, &dave] {
		user.register();
	}
	for user in [&eve, &ferdie, &dave] {
		user.wait_in_ring();
	}
	let chat = ferdie.group_chat(&[&eve, &dave]);
	eve.join(chat);
	dave.join(chat);
	ferdie.send(chat, "hello");
	dave.send(chat, "hi all");
	// Ferdie's phone uses Bob's validator.
	let phone = User::new(&dir, "ferdie-phone", "//Ferdie", &nodes[1].ws_url());
	phone.login();
	eve.sync();
	let (mut watch, events) = eve.watch();
	let mut seen = Vec::new();
	// Its first sync finds nothing new; then it follows the chain.
	std::thread::sleep(Duration::from_secs(3));

	// The own node and Alice's validator are cut off from the other three. Alice builds
	// a fork in her slots (one in four), which cannot be finalized; the other three
	// build and finalize theirs.
	let cut_off = [0, 4];
	for a in cut_off {
		for b in 1..4 {
			link(false, a, b).await;
		}
	}
	// A commit already on its way when the links went down may still finalize a block
	// there: the cut is where the finalized number then stays put.
	let mut cut_at = rpcs[4].finalized_number().await;
	loop {
		tokio::time::sleep(Duration::from_secs(4)).await;
		let now = rpcs[4].finalized_number().await;
		if now == cut_at {
			break;
		}
		cut_at = now;
	}

	// On Alice's fork: Dave writes, and Ferdie writes from his laptop. Eve sees both at
	// once, marked unconfirmed: nothing on this fork can be final.
	let sent = dave.send_in_block(chat, "on the fork, kept");
	assert_eq!(sent["final"], false, "{sent}");
	assert_eq!(ferdie.send_in_block(chat, "on the fork, lost")["final"], false);
	wait_event(&events, &mut seen, "the fork's messages", |e| e["message"]["text"] == "on the fork, lost");
	wait_event(&events, &mut seen, "the fork's messages", |e| e["message"]["text"] == "on the fork, kept");
	assert_eq!(about(&seen, "on the fork, lost"), [("message".into(), false)]);
	assert_eq!(about(&seen, "on the fork, kept"), [("message".into(), false)]);
	// `show --sync` lists what the node has, each message once and the fork's marked:
	// the sync stores nothing of the fork, and prints none of this chat's messages
	// before the listing.
	let lines = eve.ok(&["show", &chat.to_string(), "--sync"]);
	assert!(lines.iter().all(|l| l["event"] != "message"), "{lines:?}");
	let listed: Vec<(String, bool)> = lines.last().expect("a listing")["messages"]
		.as_array()
		.expect("messages")
		.iter()
		.map(|m| (m["text"].as_str().unwrap().to_string(), m["final"].as_bool().unwrap()))
		.collect();
	for (text, is_final) in [("hello", true), ("hi all", true), ("on the fork, kept", false), ("on the fork, lost", false)] {
		let found: Vec<_> = listed.iter().filter(|(t, _)| t == text).collect();
		assert_eq!(found, [&(text.to_string(), is_final)], "{text} listed once: {listed:?}");
	}
	let mine = ferdie.show(chat);
	assert_eq!(mine.last().map(|(_, text)| text.as_str()), Some("on the fork, lost"), "the sender lists it too");

	// Meanwhile Ferdie's phone, on the others' chain, writes in the same place of his
	// part, and that is final there.
	phone.send(chat, "from the phone");
	assert_eq!(rpcs[4].finalized_number().await, cut_at, "the cut-off nodes finalized nothing");

	// The nodes meet again: the cut-off ones take the others' final chain and abandon
	// Alice's fork. Eve sees Ferdie's laptop message withdrawn, his phone's
	// message instead, and Dave's message confirmed (the pool put it into the chain
	// that won).
	for a in cut_off {
		for b in 1..4 {
			link(true, a, b).await;
		}
	}
	wait_event(&events, &mut seen, "the withdrawal", |e| e["event"] == "retracted");
	wait_event(&events, &mut seen, "the phone's message", |e| e["message"]["text"] == "from the phone");
	// (It may be withdrawn with its block and shown again from its new one first.)
	wait_event(&events, &mut seen, "the confirmation", |e| {
		e["message"]["text"] == "on the fork, kept" && e["message"]["final"] == true
	});
	let _ = watch.kill();
	let _ = watch.wait();
	assert_eq!(about(&seen, "on the fork, lost"), [("message".into(), false), ("retracted".into(), false)]);
	let kept = about(&seen, "on the fork, kept");
	assert_eq!(kept.first(), Some(&("message".to_string(), false)), "{kept:?}");
	assert!(kept.last().is_some_and(|(_, fin)| *fin), "{kept:?}");
	assert!(seen.iter().all(|e| e["event"] != "invitation"), "{seen:#?}");

	// Nothing of the abandoned block was kept: Eve's history holds what is final, each
	// message once.
	eve.sync();
	let history = expected(&[
		(&ferdie, "hello"),
		(&dave, "hi all"),
		(&dave, "on the fork, kept"),
		(&ferdie, "from the phone"),
	]);
	let mut shown = eve.show(chat);
	shown[2..].sort();
	let mut want = history.clone();
	want[2..].sort();
	assert_eq!(shown, want);

	// Ferdie's laptop learns that its message was not delivered, and lists the phone's.
	let summary = ferdie.ok(&["sync"]);
	let undelivered: Vec<_> = summary.iter().filter(|e| e["event"] == "undelivered").collect();
	assert_eq!(undelivered.len(), 1, "{summary:?}");
	assert_eq!(undelivered[0]["message"]["text"], "on the fork, lost");
	let mut laptop = ferdie.show(chat);
	laptop[2..].sort();
	assert_eq!(laptop, want);
	dave.sync();
	let mut daves = dave.show(chat);
	daves[2..].sort();
	assert_eq!(daves, want);
}

/// Whether a terminal's settings (as `stty -a` prints them) are those of a shell's
/// terminal: lines edited by the terminal, typed keys echoed.
fn cooked(settings: &str) -> bool {
	let flags: Vec<&str> = settings.split(|c: char| c.is_whitespace() || c == ';').collect();
	flags.contains(&"icanon") && flags.contains(&"echo") && flags.contains(&"isig")
}

#[tokio::test(flavor = "multi_thread")]
async fn two_users_chat_in_the_interactive_client() {
	let dir = TestDir::new("e2e-tui");
	let (node, _rpc) = dev_node(&dir).await;
	let [bob, charlie] = registered(&dir, &node.ws_url(), ["bob", "charlie"]);
	bob.ok(&["contact", "add", "charlie", &charlie.address]);
	charlie.ok(&["contact", "add", "bob", &bob.address]);
	let mut bob_screen = bob.tui();
	let mut charlie_screen = charlie.tui();
	for screen in [&bob_screen, &charlie_screen] {
		screen.wait_for("best #", PROGRESS);
		assert!(screen.full_screen());
	}
	charlie_screen.wait_for("No chats yet.", PROGRESS);

	// Bob starts a pair chat with the contact, from the keyboard.
	bob_screen.keys("n");
	bob_screen.wait_for("Start a pair chat with", PROGRESS);
	bob_screen.type_text("charlie");
	bob_screen.keys("\r");
	bob_screen.wait_for("created chat", 3 * PROGRESS);

	// Charlie's client finds the invitation as the chain moves, and Charlie accepts it.
	charlie_screen.wait_for("1 invitation (i)", PROGRESS);
	charlie_screen.keys("i");
	charlie_screen.wait_for("from bob", PROGRESS);
	charlie_screen.keys("\r");
	charlie_screen.wait_for("joined chat", 3 * PROGRESS);
	charlie_screen.wait_for("pair: bob", PROGRESS);

	// Bob writes; Charlie's screen shows it, then shows it final.
	bob_screen.keys("\r");
	bob_screen.type_text("hello from the terminal");
	bob_screen.keys("\r");
	charlie_screen.wait_until("Bob's message, final", 2 * PROGRESS, |s| {
		s.contains("bob: hello from the terminal") && !s.contains("not final yet")
	});
	bob_screen.wait_until("Bob's own message, final", 2 * PROGRESS, |s| {
		s.contains("you: hello from the terminal") && !s.contains("not final yet") && !s.contains("sending")
	});

	// Charlie answers, and Bob reads it.
	charlie_screen.keys("\r");
	charlie_screen.type_text("hi bob, got it");
	charlie_screen.keys("\r");
	bob_screen.wait_for("charlie: hi bob, got it", 2 * PROGRESS);
	// Both histories hold both messages, the same way the one-shot commands show them.
	let chat = chat_ids(&bob)[0];
	assert_eq!(
		charlie.show(chat),
		expected(&[(&bob, "hello from the terminal"), (&charlie, "hi bob, got it")])
	);

	// Quitting gives the terminal back as it was: the normal screen, the cursor shown,
	// lines edited and echoed again.
	for screen in [&mut bob_screen, &mut charlie_screen] {
		screen.keys("\t");
		std::thread::sleep(Duration::from_millis(300));
		screen.keys("q");
		let after = screen.wait_for("exited with", PROGRESS);
		assert!(after.contains("exited with 0"), "{after}");
		screen.wait_until("the terminal's settings", PROGRESS, cooked);
		assert!(!screen.full_screen(), "{after}");
		let output = screen.output();
		let (hide, show) = (b"\x1b[?25l", b"\x1b[?25h");
		let last = |needle: &[u8]| output.windows(needle.len()).rposition(|w| w == needle);
		assert!(last(show) > last(hide), "the cursor is left hidden");
	}
}
