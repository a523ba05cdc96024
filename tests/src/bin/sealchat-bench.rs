//! Chain-level benchmarks on a real dev node, printed as the table of
//! docs/BENCHMARKS.md: bytes on chain per message, blocks filled with `post_message` vs
//! balance transfers, send-to-`watch` latency through the real CLI, and the client's
//! full resync of a chain holding a million records plus an incremental sync. With the
//! criterion results of `cargo bench -p sealchat-client` present, their figures (scan
//! rate vs the X25519 limit, tag lookups) head the table.
//!
//! Run through `scripts/bench.sh`. Benchmarks print figures; they do not fail on a slow
//! machine.

use std::{
	collections::HashMap,
	path::PathBuf,
	sync::mpsc,
	time::{Duration, Instant},
};

use codec::Encode;
use jsonrpsee::rpc_params;
use sealchat::{
	crypto::{self, ChatKey},
	wire::{Message, VERSION},
};
use sealchat_runtime::{Runtime, RuntimeCall};
use sealchat_tests::{cli::User, hex, Node, Role, Rpc, TestDir};
use serde_json::Value;
use sp_core::{crypto::Pair as _, sr25519};

const STARTUP: Duration = Duration::from_secs(60);
const BLOCK_TIME_S: f64 = 2.0;

fn pair(suri: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(suri, None).expect("a dev URI")
}

fn row(name: &str, value: String, note: &str) {
	println!("| {name} | {value} | {note} |");
}

/// The value of `--name N`, or `default`.
fn option(args: &[String], name: &str, default: u32) -> u32 {
	match args.iter().position(|a| a == name) {
		None => default,
		Some(i) => args
			.get(i + 1)
			.and_then(|v| v.parse().ok())
			.unwrap_or_else(|| panic!("{name} takes a whole number")),
	}
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
	let args: Vec<String> = std::env::args().skip(1).collect();
	const OPTIONS: [&str; 4] = ["--fill", "--latency-messages", "--resync", "--incremental"];
	for pair in args.chunks(2) {
		assert!(
			OPTIONS.contains(&pair[0].as_str()) && pair.len() == 2,
			"unknown option or missing value: {}; options (each takes a number, 0 skips): {}",
			pair.join(" "),
			OPTIONS.join(", ")
		);
	}
	let latency_messages = option(&args, "--latency-messages", 100) as usize;
	let fill = option(&args, "--fill", 12_000);
	let resync_records = option(&args, "--resync", 1_000_000);
	let incremental_records = option(&args, "--incremental", 1_000);

	println!("| benchmark | figure | notes |");
	println!("|---|---|---|");
	criterion_rows();

	let dir = TestDir::new("bench");
	// The single-state pool: the default fork-aware pool stops including a single
	// account's pre-signed extrinsics after about two blocks' worth when thousands are
	// submitted at once (docs/BENCHMARKS.md), which would measure the pool, not the chain.
	let mut node = Node::start_with_args(&dir, "dev", Role::Dev, vec![], &["--pool-type", "single-state"]);
	let rpc = node.rpc(STARTUP).await;
	rpc.wait_finalized(1, STARTUP).await;

	overhead(&rpc).await;
	if fill > 0 {
		throughput(&rpc, fill).await;
	}
	if latency_messages > 0 {
		latency(&dir, &node.ws_url(), latency_messages);
	}
	if resync_records > 0 {
		resync(&dir, &rpc, &node.ws_url(), resync_records, incremental_records).await;
	}
	drop(rpc);
	node.stop();
}

/// Figures of the criterion benchmarks, from their saved estimates.
fn criterion_rows() {
	let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target"));
	let read = |name: &str| -> Option<f64> {
		let path = target.join("criterion/scan").join(name).join("new/estimates.json");
		let json: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
		json["mean"]["point_estimate"].as_f64()
	};
	let Some(x25519_ns) = read("x25519_scalarmult") else {
		row("scan", "not run".into(), "run `cargo bench -p sealchat-client --bench scan` first (scripts/bench.sh does)");
		return;
	};
	let per_s = |ns: f64, elements: f64| elements * 1e9 / ns;
	let limit = per_s(x25519_ns, 1.0);
	row("X25519 scalar multiplications (the limit)", format!("{limit:.0}/s"), "one core, libsodium");
	if let Some(ns) = read("trial_open_one_record") {
		let rate = per_s(ns, 1.0);
		row("trial-open one record", format!("{rate:.0}/s ({:.2}x limit)", rate / limit), "one core, sealed-box open that fails");
	}
	let page = 2048.0;
	if let Some(ns) = read("scanner_page_1_thread") {
		let rate = per_s(ns, page);
		row("scanner, 1 thread", format!("{rate:.0} records/s ({:.2}x limit)", rate / limit), "goal >= 0.9x");
	}
	if let Some(ns) = read("scanner_page_all_cores") {
		let rate = per_s(ns, page);
		let cores = std::thread::available_parallelism().map_or(1, usize::from);
		row(
			&format!("scanner, all {cores} cores"),
			format!("{rate:.0} records/s ({:.2}x limit)", rate / limit),
			"goal >= 1.8x on 2 cores",
		);
	}
	if let Some(ns) = read("tag_lookup_page_10k_expected") {
		row("rendezvous-tag lookups", format!("{:.0}/s", per_s(ns, page)), "10,000 expected tags; no decryption");
	}
}

/// On-chain bytes of one message, state and block body, against its plaintext.
async fn overhead(rpc: &Rpc) {
	let bob = pair("//Bob");
	let part = [0x42u8; 32];
	let outcome = rpc
		.submit(&bob, RuntimeCall::Chat(pallet_chat::Call::create_part { part, blob: vec![0; 200] }))
		.await;
	assert!(outcome.result.is_ok(), "create_part: {:?}", outcome.result);
	let key = ChatKey::generate();
	for (seq, len) in [10usize, 100, 1024].into_iter().enumerate() {
		let seq = seq as u32;
		let message = Message { version: VERSION, sent_at: 1_700_000_000_000, text: "x".repeat(len) };
		let ciphertext = message.seal(&key, &part, seq).expect("seal");
		let call = RuntimeCall::Chat(pallet_chat::Call::post_message { part, ciphertext: ciphertext.clone() });
		let extrinsic = rpc.sign(&bob, call).await;
		let outcome = rpc.submit_encoded(&extrinsic).await;
		assert!(outcome.result.is_ok(), "post_message: {:?}", outcome.result);
		let storage_key = pallet_chat::Messages::<Runtime>::hashed_key_for(part, seq);
		let value = rpc.call("state_getStorage", rpc_params![hex(&storage_key)]).await;
		let value_len = sealchat_tests::unhex(value.as_str().expect("the message is stored")).len();
		row(
			&format!("bytes per {len} B message"),
			format!(
				"state {} (key {} + value {}), block {}",
				storage_key.len() + value_len,
				storage_key.len(),
				value_len,
				extrinsic.len()
			),
			&format!(
				"ciphertext {} = plaintext + {} framing (version, time, length) + 40 nonce and tag",
				ciphertext.len(),
				message.encoded_size() - len
			),
		);
	}
}

/// Fills blocks with `post_message` and then with transfers; extrinsics per block.
async fn throughput(rpc: &Rpc, n: u32) {
	let charlie = pair("//Charlie");
	let part = [0x43u8; 32];
	let outcome = rpc.submit(&charlie, RuntimeCall::Chat(pallet_chat::Call::create_part { part, blob: vec![] })).await;
	assert!(outcome.result.is_ok());
	let key = ChatKey::generate();
	let nonce = rpc.next_nonce(&charlie).await;
	let context = rpc.signing_context().await;
	let mut messages = Vec::with_capacity(n as usize);
	let mut message_len = 0;
	for seq in 0..n {
		let message = Message { version: VERSION, sent_at: 0, text: "x".repeat(100) };
		let ciphertext = message.seal(&key, &part, seq).expect("seal");
		message_len = ciphertext.len();
		let call = RuntimeCall::Chat(pallet_chat::Call::post_message { part, ciphertext });
		messages.push(context.sign(&charlie, call, nonce + seq));
	}
	let dave = pair("//Dave");
	let ferdie = sp_runtime::AccountId32::from(pair("//Ferdie").public());
	let nonce = rpc.next_nonce(&dave).await;
	let mut transfers = Vec::with_capacity(n as usize);
	for i in 0..n {
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: ferdie.clone().into(),
			value: 1_000_000_000,
		});
		transfers.push(context.sign(&dave, call, nonce + i));
	}
	let weight_of = |xt: &Vec<u8>| {
		let xt = hex(xt);
		async move { rpc.call("payment_queryInfo", rpc_params![xt]).await["weight"]["ref_time"].as_u64().unwrap_or(0) }
	};
	let message_weight = weight_of(&messages[0]).await;
	// What post_message refunds when the deposit comes out of the part's credit.
	let credit_refund = {
		use pallet_chat::WeightInfo;
		type Weights = pallet_chat::weights::SubstrateWeight<Runtime>;
		let len = message_len as u32;
		Weights::post_message(len).ref_time() - Weights::post_message_from_credit(len).ref_time()
	};
	let transfer_weight = weight_of(&transfers[0]).await;
	let max_normal = <Runtime as frame_system::Config>::BlockWeights::get()
		.get(frame_support::dispatch::DispatchClass::Normal)
		.max_total
		.map(|w| w.ref_time())
		.unwrap_or(0);

	let m = fill_blocks(rpc, messages.len(), |i| messages[i].clone()).await;
	let t = fill_blocks(rpc, transfers.len(), |i| transfers[i].clone()).await;
	row(
		"post_message (100 B text) per block",
		format!("{:.0} ({:.0}/s)", m, m / BLOCK_TIME_S),
		&format!(
			"weight {:.1} µs declared, {:.1} µs used when the part's credit covers the deposit; \
			 normal-class block limit {:.0} ms",
			message_weight as f64 / 1e6,
			(message_weight - credit_refund) as f64 / 1e6,
			max_normal as f64 / 1e9
		),
	);
	row(
		"balance transfers per block",
		format!("{:.0} ({:.0}/s)", t, t / BLOCK_TIME_S),
		&format!("weight {:.1} µs each", transfer_weight as f64 / 1e6),
	);
	row("post_message / transfers", format!("{:.2}", m / t), "goal >= 1.0");
}

/// Submits `count` signed extrinsics, made on demand by `make(i)`, in waves that keep
/// about two blocks' worth in the pool, until all are included. Returns the mean count
/// of the blocks that were full (within 5% of the fullest).
async fn fill_blocks(rpc: &Rpc, count: usize, mut make: impl FnMut(usize) -> Vec<u8>) -> f64 {
	let start = rpc.best_number().await;
	let wave = 2000;
	let mut submitted = 0;
	let mut counts: Vec<usize> = Vec::new();
	let mut included = 0;
	let mut block = start;
	let started = Instant::now();
	while included < count {
		while submitted < count && submitted < included + wave * 2 {
			let end = (submitted + wave).min(count);
			for i in submitted..end {
				let _: Value = rpc.call("author_submitExtrinsic", rpc_params![hex(&make(i))]).await;
			}
			submitted = end;
		}
		block += 1;
		rpc.wait_best(block, Duration::from_secs(60)).await;
		let hash = rpc.block_hash(block).await.expect("best block");
		let body = rpc.call("chain_getBlock", rpc_params![hash]).await;
		let in_block = body["block"]["extrinsics"].as_array().map_or(0, |x| x.len().saturating_sub(1));
		counts.push(in_block);
		included += in_block;
		if counts.len() % 100 == 0 {
			eprintln!("{included} of {count} included after {} blocks, {:.0} s", counts.len(), started.elapsed().as_secs_f64());
		}
		if counts.len() >= 5 && counts[counts.len() - 5..].iter().all(|c| *c == 0) {
			panic!("the pool stopped including: {included} of {count} extrinsics included");
		}
	}
	let max = counts.iter().copied().max().unwrap_or(0);
	let full: Vec<usize> = counts.iter().copied().filter(|c| *c as f64 >= max as f64 * 0.95).collect();
	if counts.len() <= 50 {
		eprintln!("extrinsics per block: {counts:?}");
	}
	full.iter().sum::<usize>() as f64 / full.len().max(1) as f64
}

/// Send -> shown on the recipient's `watch`, through the real CLI.
fn latency(dir: &TestDir, url: &str, messages: usize) {
	let watcher = User::new(dir, "watcher", "//Eve", url);
	let senders: Vec<User> = ["//Alice", "//Bob", "//Charlie", "//Dave"]
		.iter()
		.enumerate()
		.map(|(i, s)| User::new(dir, &format!("sender{i}"), s, url))
		.collect();
	watcher.register();
	for s in &senders {
		s.register();
	}
	let refs: Vec<&User> = senders.iter().collect();
	let chat = watcher.group_chat(&refs);
	for s in &senders {
		s.sync();
	}
	watcher.sync();

	let (mut watch, events) = watcher.watch();
	// Stamp each message when it is printed, not when this thread gets to it.
	let (tx, rx) = mpsc::channel::<(String, Instant)>();
	std::thread::spawn(move || {
		for event in events {
			if event["event"] == "message" {
				let text = event["message"]["text"].as_str().unwrap_or_default().to_string();
				if tx.send((text, Instant::now())).is_err() {
					break;
				}
			}
		}
	});
	std::thread::sleep(Duration::from_secs(3));

	let per_sender = messages.div_ceil(senders.len());
	let sent: HashMap<String, Instant> = std::thread::scope(|scope| {
		let handles: Vec<_> = senders
			.iter()
			.map(|s| {
				scope.spawn(move || {
					let mut sent = Vec::new();
					for i in 0..per_sender {
						let text = format!("latency {} {i}", s.name);
						let start = Instant::now();
						s.send(chat, &text);
						sent.push((text, start));
					}
					sent
				})
			})
			.collect();
		handles.into_iter().flat_map(|h| h.join().expect("sender thread")).collect()
	});
	let mut latencies = Vec::new();
	let deadline = Instant::now() + Duration::from_secs(120);
	while latencies.len() < sent.len() && Instant::now() < deadline {
		if let Ok((text, at)) = rx.recv_timeout(Duration::from_secs(5)) {
			if let Some(start) = sent.get(&text) {
				latencies.push(at.duration_since(*start).as_secs_f64());
			}
		}
	}
	let _ = watch.kill();
	let _ = watch.wait();
	latencies.sort_by(|a, b| a.total_cmp(b));
	let pct = |p: f64| latencies.get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(f64::NAN);
	row(
		&format!("send -> recipient's watch ({} messages)", latencies.len()),
		format!("p50 {:.1} s, p95 {:.1} s", pct(0.5), pct(0.95)),
		"4 senders in parallel; includes waiting for finality (2 s blocks, GRANDPA one block behind)",
	);
}

/// A full resync of a chain holding `records` records (besides one invitation to the
/// reader), then an incremental sync of `more` new ones, through the real CLI: wall time
/// and peak resident memory of the client.
///
/// The filler records are sealed boxes of an invitation's size, each to a fresh random
/// key: the worst case for the reader, who has to trial-open every one of them.
async fn resync(dir: &TestDir, rpc: &Rpc, url: &str, records: u32, more: u32) {
	let reader = User::new(dir, "reader", "//Alice//stash", url);
	let inviter = User::new(dir, "inviter", "//Bob//stash", url);
	reader.register();
	inviter.register();
	inviter.pair_chat(&reader);

	let page = rpc.call("connector_records", rpc_params![0, 100]).await;
	let invitation_len = page["records"]
		.as_array()
		.expect("records")
		.iter()
		.map(|r| sealchat_tests::unhex(r["payload"].as_str().expect("a payload")).len())
		.max()
		.expect("the invitation is on chain");
	let filler = pair("//Dave//stash");
	let context = rpc.signing_context().await;
	let plaintext = vec![0u8; invitation_len - crypto::SEAL_OVERHEAD];
	// Record `nonce + i`: a sealed box of the invitation's size to a fresh random key.
	let make = |nonce: u32| {
		let (plaintext, filler) = (&plaintext, &filler);
		move |i: usize| {
			let payload = crypto::seal(plaintext, &crypto::random_32()).expect("seal");
			let call = RuntimeCall::Connector(pallet_connector::Call::post_record { payload, tag: None });
			context.sign(filler, call, nonce + i as u32)
		}
	};

	let started = Instant::now();
	let per_block = fill_blocks(rpc, records as usize, make(rpc.next_nonce(&filler).await)).await;
	rpc.wait_finalized(rpc.best_number().await, Duration::from_secs(60)).await;
	let filled_in = started.elapsed().as_secs_f64();

	// Every user would need this whole log on a new device; the reader has never synced.
	for (what, found, note) in [
		(
			"first login",
			"the invitation among the records was found",
			"new device; trial-opens every record, finds and joins one invitation (two transactions waited for)",
		),
		(
			"login on another device",
			"the chat is restored",
			"the chat comes back from the reader's part; nothing to join",
		),
	] {
		reader.wipe();
		let login = measure(&reader, &["login"], &format!("{}\n", reader.suri));
		let summary = login.lines.last().expect("login prints a summary");
		assert_eq!(summary["chats"], 1, "{found}: {summary}");
		let scanned = summary["recordsScanned"].as_u64().unwrap_or(0);
		row(&format!("full resync: {what}, {scanned} records"), login.figure(scanned), note);
	}

	fill_blocks(rpc, more as usize, make(rpc.next_nonce(&filler).await)).await;
	rpc.wait_finalized(rpc.best_number().await, Duration::from_secs(60)).await;
	let incremental = measure(&reader, &["sync"], "");
	let summary = incremental.lines.iter().find(|l| l["event"] == "synced").expect("sync prints a summary");
	let scanned = summary["recordsScanned"].as_u64().unwrap_or(0);
	assert_eq!(scanned, u64::from(more), "only the new records are scanned: {summary}");
	row(
		&format!("incremental sync, {scanned} new records"),
		incremental.figure(scanned),
		"on top of the full resync; nothing new for the reader",
	);
	row(
		"filling the chain for the resync",
		format!("{per_block:.0} post_record per block"),
		&format!("{records} records of {invitation_len} B in {:.0} min", filled_in / 60.0),
	);
}

/// What one CLI run took.
struct Measured {
	/// Its stdout, line by line.
	lines: Vec<Value>,
	seconds: f64,
	/// Peak resident memory (the kernel's high-water mark, sampled every 10 ms).
	peak_kib: u64,
}

impl Measured {
	fn figure(&self, records: u64) -> String {
		format!(
			"{:.2} s ({:.0} records/s), peak memory {:.0} MiB",
			self.seconds,
			records as f64 / self.seconds,
			self.peak_kib as f64 / 1024.0
		)
	}
}

/// Runs `sealchat --json <args>` as `user` with `stdin`, timing it and sampling its
/// resident-memory high-water mark until it exits. Panics if it fails.
fn measure(user: &User, args: &[&str], stdin: &str) -> Measured {
	let started = Instant::now();
	let mut peak_kib = 0;
	let out = user.run_observed(args, stdin, None, |pid| peak_kib = peak_kib.max(high_water_kib(pid).unwrap_or(0)));
	let seconds = started.elapsed().as_secs_f64();
	assert!(out.success, "`sealchat {}` failed: {}{}", args.join(" "), out.stdout, out.stderr);
	Measured { lines: out.json_lines(), seconds, peak_kib }
}

/// `VmHWM` of a running process, in KiB.
fn high_water_kib(pid: u32) -> Option<u64> {
	let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
	let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
	line.split_whitespace().nth(1)?.parse().ok()
}
