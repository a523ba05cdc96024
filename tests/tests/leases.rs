//! Chats that last: on a development chain whose genesis shortens the lease to 80 s,
//! members keep their chat alive by renewals on a schedule of their own, made by the
//! processes they run (`watch`), never in a block with another write of theirs; a member
//! whose part ended anyway joins again with a new part when they next write.

use std::{collections::BTreeMap, path::PathBuf, time::Duration};

use sealchat_tests::{cli::User, node_binary, read, Node, Role, TestDir};
use serde_json::Value;

const STARTUP: Duration = Duration::from_secs(60);
const PROGRESS: Duration = Duration::from_secs(90);
/// The lease of this chain, in blocks (two seconds each).
const LEASE: u64 = 40;

/// The development chain's spec with the chat pallet's lease shortened to `lease` blocks
/// in its genesis.
fn short_lease_spec(dir: &TestDir, lease: u64) -> PathBuf {
	let out = std::process::Command::new(node_binary())
		.args(["build-spec", "--chain", "dev"])
		.output()
		.expect("run sealchat-node build-spec");
	assert!(out.status.success(), "build-spec: {}", String::from_utf8_lossy(&out.stderr));
	let mut spec: Value = serde_json::from_slice(&out.stdout).expect("a JSON chain spec");
	spec["genesis"]["runtimeGenesis"]["patch"]["chat"] = serde_json::json!({ "lifetime": lease });
	let path = dir.path().join("short-lease.json");
	std::fs::write(&path, serde_json::to_vec(&spec).unwrap()).expect("write the chain spec");
	path
}

/// The blocks `watch` said it renewed a lease in, by what it renewed ("part" or "chat").
fn renewals(events: &std::sync::mpsc::Receiver<Value>) -> BTreeMap<u64, &'static str> {
	let mut blocks = BTreeMap::new();
	for event in events.try_iter().filter(|e| e["event"] == "renewed") {
		let block = event["expires"].as_u64().expect("expires") - LEASE;
		let lease = if event["lease"] == "part" { "part" } else { "chat" };
		assert!(blocks.insert(block, lease).is_none(), "two renewals of one user in block {block}");
	}
	blocks
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_who_only_reads_keeps_the_chat_across_three_leases() {
	let dir = TestDir::new("leases");
	let spec = short_lease_spec(&dir, LEASE);
	let mut node = Node::start_with_args(&dir, "dev", Role::Dev, vec![], &["--chain", spec.to_str().unwrap()]);
	let rpc = node.rpc(STARTUP).await;
	rpc.wait_finalized(1, PROGRESS).await;
	let url = node.ws_url();
	let chain = read::connect(&url).await;
	assert_eq!(u64::from(chain.limits().lease), LEASE, "the client reads the genesis's lease");

	let charlie = User::new(&dir, "charlie", "//Charlie", &url);
	let dave = User::new(&dir, "dave", "//Dave", &url);
	for user in [&charlie, &dave] {
		user.register();
	}
	for user in [&charlie, &dave] {
		user.wait_in_ring();
	}
	// Each runs `watch` from the moment they hold a lease: it renews them.
	let chat = charlie.pair_chat(&dave);
	let (mut charlie_watch, charlie_events) = charlie.watch();
	dave.join(chat);
	let (mut dave_watch, dave_events) = dave.watch();
	let first = &charlie.ok(&["send", "--wait-finalized", &chat.to_string(), "before three leases"])[0];
	let first_block = first["block"].as_u64().expect("the send's block");
	let dave_part = dave.store().chat(chat).unwrap().expect("Dave's chat").my_part;
	// Dave only reads from now on.
	let start = rpc.best_number().await;
	let end = start + 3 * LEASE + 5;
	rpc.wait_best(end, Duration::from_secs(2 * 3 * LEASE + 120)).await;
	assert!(chain.part(&dave_part, None).await.unwrap().is_some(), "Dave's part outlived three leases");
	assert!(chain.chat(chat, None).await.unwrap().is_some(), "the chat outlived three leases");

	// A write while `watch` may renew: never in a block with a renewal of the same user.
	let sent = charlie.send_in_block(chat, "after three leases");
	let sent_block = sent["block"].as_u64().expect("the send's block");
	rpc.wait_finalized(sent_block, PROGRESS).await;

	// Dave runs nothing for a whole lease: his part ends, the chat (Charlie renews it)
	// lives on. His next message joins again with a new part, which Charlie learns.
	let _ = dave_watch.kill();
	let _ = dave_watch.wait();
	let dave_renewed = renewals(&dave_events);
	let deadline = std::time::Instant::now() + Duration::from_secs(2 * LEASE + 120);
	while chain.part(&dave_part, None).await.unwrap().is_some() {
		assert!(std::time::Instant::now() < deadline, "Dave's part did not end");
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	assert!(chain.chat(chat, None).await.unwrap().is_some(), "Charlie keeps the chat");
	dave.send(chat, "back with a new part");
	let new_part = dave.store().chat(chat).unwrap().expect("Dave's chat").my_part;
	assert_ne!(new_part, dave_part, "a part key is never used twice");
	assert!(chain.part(&new_part, None).await.unwrap().is_some());

	// Charlie makes the chat's messages disappear after a minute: his next one is on both
	// screens, then on neither once its minute is up, and his `watch` deletes it from the
	// chain soon after (a scheduled write of his, like a renewal).
	let chat_arg = chat.to_string();
	assert_eq!(charlie.ok(&["timer", &chat_arg, "1m"])[0]["disappearing"], 60);
	let fleeting = charlie.ok(&["send", "--wait-finalized", &chat_arg, "gone in a minute"]).remove(0);
	let sent_at = std::time::Instant::now();
	let charlie_part = charlie.store().chat(chat).unwrap().expect("Charlie's chat").my_part;
	let held = chain.part(&charlie_part, None).await.unwrap().expect("Charlie's part").messages;
	dave.sync();
	let shown = dave.ok(&["show", &chat_arg]).remove(0)["messages"].as_array().unwrap().clone();
	let timer = &shown[shown.len() - 2];
	assert_eq!((timer["kind"].as_str(), timer["timer"].as_u64()), (Some("timer"), Some(60)), "{shown:?}");
	let last = shown.last().unwrap();
	assert_eq!(last["text"], "gone in a minute");
	assert!(last["expiresAt"].as_u64().unwrap() > last["sentAt"].as_u64().unwrap());
	let summary = dave.chats().into_iter().find(|c| c["chat"] == chat).expect("the chat");
	assert_eq!(summary["disappearing"], 60);
	std::thread::sleep(Duration::from_secs(61).saturating_sub(sent_at.elapsed()));
	for user in [&charlie, &dave] {
		assert!(user.show(chat).iter().all(|(_, text)| text != "gone in a minute"), "{}: still shown", user.name);
	}
	// That message, and only it, leaves the chain: the timer's message before it stays.
	let seq = fleeting["seq"].as_u64().expect("the message's number") as u32;
	let deadline = std::time::Instant::now() + PROGRESS;
	loop {
		let best = chain.best().await.unwrap();
		let page = chain.messages(&charlie_part, seq - 1, 2, &best).await.unwrap();
		let there: Vec<u32> = page.messages.iter().map(|(at, _)| *at).collect();
		assert!(there.contains(&(seq - 1)), "the timer's message stays: {there:?}");
		if !there.contains(&seq) {
			break;
		}
		assert!(std::time::Instant::now() < deadline, "Charlie's watch did not delete message {seq}");
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	assert_eq!(chain.part(&charlie_part, None).await.unwrap().expect("Charlie's part").messages, held - 1);
	std::thread::sleep(Duration::from_secs(4));
	let _ = charlie_watch.kill();
	let _ = charlie_watch.wait();
	let charlie_renewed = renewals(&charlie_events);
	eprintln!("blocks {start}..{end}: Charlie renewed {charlie_renewed:?}, Dave {dave_renewed:?}; Charlie wrote in {sent_block}");
	// Each lease lives 40 blocks and is renewed 10 to 20 blocks before its end: its own
	// renewals alone are at least three in the 125 blocks.
	let count = |renewed: &BTreeMap<u64, &str>, what: &str| renewed.values().filter(|l| **l == what).count();
	assert!(count(&dave_renewed, "part") >= 3, "Dave's part renewals: {dave_renewed:?}");
	assert!(count(&charlie_renewed, "part") >= 3, "Charlie's part renewals: {charlie_renewed:?}");
	assert!(
		count(&dave_renewed, "chat") + count(&charlie_renewed, "chat") >= 3,
		"chat renewals: Charlie {charlie_renewed:?}, Dave {dave_renewed:?}"
	);
	for block in [first_block, sent_block] {
		assert!(!charlie_renewed.contains_key(&block), "Charlie's renewal in block {block}, with his message");
	}
	// Both members read everything, Dave without writing for three leases, and Dave's
	// message from his new part as his.
	// (The timer's setting is a line of its own, with no text.)
	let history = vec![
		(charlie.address.clone(), "before three leases".to_string()),
		(charlie.address.clone(), "after three leases".to_string()),
		(dave.address.clone(), "back with a new part".to_string()),
		(charlie.address.clone(), String::new()),
	];
	dave.sync();
	charlie.sync();
	assert_eq!(dave.show(chat), history);
	assert_eq!(charlie.show(chat), history);
	drop(node);
}
