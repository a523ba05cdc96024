//! Chain-level benchmarks on a real dev node, printed as the table of
//! docs/BENCHMARKS.md: bytes on chain per message, blocks filled with `post_message` vs
//! balance transfers, and send-to-`watch` latency through the real CLI. With the
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
	crypto::ChatKey,
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

#[tokio::main(flavor = "multi_thread")]
async fn main() {
	let args: Vec<String> = std::env::args().collect();
	let latency_messages: usize =
		args.iter().position(|a| a == "--latency-messages").and_then(|i| args.get(i + 1)?.parse().ok()).unwrap_or(100);
	let fill: u32 = args.iter().position(|a| a == "--fill").and_then(|i| args.get(i + 1)?.parse().ok()).unwrap_or(12_000);

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
	throughput(&rpc, fill).await;
	if latency_messages > 0 {
		latency(&dir, &node.ws_url(), latency_messages);
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
	let mut messages = Vec::with_capacity(n as usize);
	for seq in 0..n {
		let message = Message { version: VERSION, sent_at: 0, text: "x".repeat(100) };
		let ciphertext = message.seal(&key, &part, seq).expect("seal");
		let call = RuntimeCall::Chat(pallet_chat::Call::post_message { part, ciphertext });
		messages.push(rpc.sign_with_nonce(&charlie, call, nonce + seq).await);
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
		transfers.push(rpc.sign_with_nonce(&dave, call, nonce + i).await);
	}
	let weight_of = |xt: &Vec<u8>| {
		let xt = hex(xt);
		async move { rpc.call("payment_queryInfo", rpc_params![xt]).await["weight"]["ref_time"].as_u64().unwrap_or(0) }
	};
	let message_weight = weight_of(&messages[0]).await;
	let transfer_weight = weight_of(&transfers[0]).await;
	let max_normal = <Runtime as frame_system::Config>::BlockWeights::get()
		.get(frame_support::dispatch::DispatchClass::Normal)
		.max_total
		.map(|w| w.ref_time())
		.unwrap_or(0);

	let m = fill_blocks(rpc, &messages).await;
	let t = fill_blocks(rpc, &transfers).await;
	row(
		"post_message (100 B text) per block",
		format!("{:.0} ({:.0}/s)", m, m / BLOCK_TIME_S),
		&format!("weight {:.1} µs each; normal-class block limit {:.0} ms", message_weight as f64 / 1e6, max_normal as f64 / 1e9),
	);
	row(
		"balance transfers per block",
		format!("{:.0} ({:.0}/s)", t, t / BLOCK_TIME_S),
		&format!("weight {:.1} µs each", transfer_weight as f64 / 1e6),
	);
	row("post_message / transfers", format!("{:.2}", m / t), "goal >= 1.0");
}

/// Submits the signed extrinsics in waves and returns the mean count of the blocks that
/// were full (within 5% of the fullest).
async fn fill_blocks(rpc: &Rpc, extrinsics: &[Vec<u8>]) -> f64 {
	let start = rpc.best_number().await;
	let wave = 2000;
	let mut submitted = 0;
	let mut counts: Vec<usize> = Vec::new();
	let mut included = 0;
	let mut block = start;
	while included < extrinsics.len() {
		// Keep about two blocks' worth waiting in the pool.
		while submitted < extrinsics.len() && submitted < included + wave * 2 {
			let end = (submitted + wave).min(extrinsics.len());
			for xt in &extrinsics[submitted..end] {
				let _: Value = rpc.call("author_submitExtrinsic", rpc_params![hex(xt)]).await;
			}
			submitted = end;
		}
		block += 1;
		rpc.wait_best(block, Duration::from_secs(60)).await;
		let hash = rpc.block_hash(block).await.expect("best block");
		let body = rpc.call("chain_getBlock", rpc_params![hash]).await;
		let count = body["block"]["extrinsics"].as_array().map_or(0, |x| x.len().saturating_sub(1));
		counts.push(count);
		included += count;
		if counts.len() >= 5 && counts[counts.len() - 5..].iter().all(|c| *c == 0) {
			eprintln!("the pool stopped including: {included} of {} extrinsics included", extrinsics.len());
			break;
		}
	}
	let max = counts.iter().copied().max().unwrap_or(0);
	let full: Vec<usize> = counts.iter().copied().filter(|c| *c as f64 >= max as f64 * 0.95).collect();
	eprintln!("extrinsics per block: {counts:?}");
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
