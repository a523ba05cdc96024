//! Chain-level benchmarks on a real dev node, printed as the table of
//! docs/BENCHMARKS.md: bytes on chain per message, blocks filled with `post_message` vs
//! balance transfers, anonymous creations (ring-proof tickets) per block and the pool's
//! rate of refusing junk tickets, send-to-`watch` latency through the real CLI, and the
//! client's full resync of a chain holding a million records plus an incremental sync;
//! on a second dev node, one attacker spending its whole allowance beside ten ordinary
//! users (`abuse`); then, on the four-validator network, many users chatting at once
//! (`load`). With the
//! criterion results of `cargo bench -p sealchat-client` present, their figures
//! (scan rate vs the X25519 limit, tag lookups) head the table.
//!
//! Where a benchmark needs state that is not what it measures (parts to post messages
//! into, a million records to scan), it writes that state straight into storage through
//! the development chain's sudo key.
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
	crypto::{self, ChatKey, Identity},
	wire::{self, Body, Message, PartAction},
};
use sealchat_runtime::{Runtime, RuntimeCall};
use sealchat_tests::{cli::User, hex, read, tx::general, Node, Role, Rpc, TestDir};
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
	const OPTIONS: [&str; 9] = [
		"--abuse",
		"--fill",
		"--tickets",
		"--junk",
		"--latency-messages",
		"--resync",
		"--incremental",
		"--load",
		"--load-seconds",
	];
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
	let tickets = option(&args, "--tickets", 200);
	let junk = option(&args, "--junk", 500);
	let resync_records = option(&args, "--resync", 1_000_000);
	let incremental_records = option(&args, "--incremental", 1_000);
	let load_users = option(&args, "--load", 50) as usize;
	let load_seconds = option(&args, "--load-seconds", 300);
	let abuse_seconds = option(&args, "--abuse", 300);

	println!("| benchmark | figure | notes |");
	println!("|---|---|---|");
	let scan_rate = criterion_rows();

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
	if tickets > 0 || junk > 0 {
		anonymous(&rpc, &node.ws_url(), tickets, junk).await;
	}
	if latency_messages > 0 {
		latency(&dir, &node.ws_url(), latency_messages);
	}
	if resync_records > 0 {
		let node_pid = node.pid().expect("the dev node runs");
		resync(&dir, &rpc, &node.ws_url(), node_pid, resync_records, incremental_records, scan_rate).await;
	}
	drop(rpc);
	node.stop();
	if abuse_seconds > 0 {
		abuse(&dir, abuse_seconds).await;
	}
	if load_users > 0 {
		load(&dir, load_users, load_seconds).await;
	}
}

/// The abuse scenario on a fresh dev node (`sealchat_tests::abuse`), with the node's
/// default transaction pool, as users' and validators' nodes run: ten ordinary users
/// post a message every 10 s on average, alone for half of `seconds` (at least a
/// minute), then for `seconds` beside an attacker who spends its whole allowance as fast
/// as the pool takes it (oversized creations, junk tickets, post/delete cycles, 4 KiB blob
/// rewrites, invitations, top-up renewals). Measured: the ordinary messages'
/// submission-to-final time in both phases, the attacker's share of each block's normal
/// weight and length (from the blocks and their events), the node's processor time, the
/// pool's size.
async fn abuse(dir: &TestDir, seconds: u32) {
	use sealchat_tests::abuse::{register, RawUser};
	let mut node = Node::start(dir, "abuse", Role::Dev, vec![]);
	let rpc = node.rpc(STARTUP).await;
	rpc.wait_finalized(1, STARTUP).await;
	let chain = read::connect(&node.ws_url()).await;
	let genesis = chain.genesis_hash();
	let names = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie", "Alice//stash", "Bob//stash", "Charlie//stash", "Dave//stash", "Eve//stash"];
	let identities: Vec<Identity> = names.iter().map(|n| Identity::from_suri(&format!("//{n}")).expect("a URI")).collect();
	futures::future::join_all(identities.iter().zip(names).map(|(identity, name)| {
		let (rpc, account) = (&rpc, pair(&format!("//{name}")));
		async move { register(rpc, &genesis, identity, &account).await }
	}))
	.await;
	let mut users = Vec::new();
	for identity in identities {
		let mut user = RawUser::enrolled(&chain, identity, 0, 0, STARTUP).await;
		if users.is_empty() {
			user.settle(&rpc, &chain, 4).await;
		} else {
			// One part, topped up once: a day's 264 writes, enough for the run.
			user.settle(&rpc, &chain, 1).await;
			user.top_up(&rpc).await;
		}
		users.push(user);
	}
	let mut attacker = users.remove(0);

	// Ordinary users: a message every 10 s on average (exponential gaps), until `until`.
	async fn ordinary(rpc: &Rpc, chain: &sealchat::chain::Chain, users: &mut [RawUser], until: Instant) -> Vec<(f64, u64)> {
		let per_user = futures::future::join_all(users.iter_mut().enumerate().map(|(i, user)| async move {
			let mut figures = Vec::new();
			let mut n = i as u64 + 1;
			loop {
				n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
				let u = (n >> 11) as f64 / (1u64 << 53) as f64;
				tokio::time::sleep(Duration::from_secs_f64((-(1.0 - u).ln() * 10.0).min(40.0))).await;
				if Instant::now() >= until {
					break figures;
				}
				figures.push(user.post(rpc, chain, vec![0x42; 120]).await);
			}
		}))
		.await;
		per_user.into_iter().flatten().collect()
	}
	let quiet_for = Duration::from_secs(u64::from(seconds / 2).max(60));
	let quiet = ordinary(&rpc, &chain, &mut users, Instant::now() + quiet_for).await;

	let node_pid = node.pid().expect("the node runs");
	let cpu = Cpu::start(node_pid);
	let first = rpc.best_number().await + 1;
	let started = Instant::now();
	let until = started + Duration::from_secs(u64::from(seconds));
	// The attacker on a task and a connection of its own: its ring proofs take processor
	// time, not the ordinary users' turn.
	let (attacker_rpc, attacker_chain) = (node.rpc(STARTUP).await, read::connect(&node.ws_url()).await);
	let flood = tokio::spawn(async move {
		attacker.flood(&attacker_rpc, &attacker_chain, (seconds as f64 / BLOCK_TIME_S) as u32, 32).await;
		attacker
	});
	let pool_sizes = async {
		let mut sizes = Vec::new();
		while Instant::now() < until {
			sizes.push(rpc.call("author_pendingExtrinsics", rpc_params![]).await.as_array().map_or(0, Vec::len) as f64);
			tokio::time::sleep(Duration::from_secs(1)).await;
		}
		sizes
	};
	let (flooded, mut pool_sizes) = futures::join!(ordinary(&rpc, &chain, &mut users, until), pool_sizes);
	let attacker = flood.await.expect("the flood ran");
	let wall = started.elapsed().as_secs_f64();
	let node_cpu = cpu.node();
	let last = attacker.drain(&rpc, STARTUP).await;
	let (writes, invitations) = attacker.assert_bounded(&rpc, &chain).await;

	// The attacker's share of each block: its extrinsics found by their bytes, their
	// weight from their events (dispatch and extensions) plus the base of an extrinsic.
	let tally = &attacker.tally;
	let limits = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = limits.get(frame_support::dispatch::DispatchClass::Normal);
	let max_weight = normal.max_total.expect("a normal limit").ref_time() as f64;
	let base = normal.base_extrinsic.ref_time();
	let max_length = *<Runtime as frame_system::Config>::BlockLength::get().max.get(frame_support::dispatch::DispatchClass::Normal) as f64;
	let (mut weight_shares, mut length_shares) = (Vec::new(), Vec::new());
	let mut included: std::collections::BTreeMap<&str, usize> = Default::default();
	for number in first..=last {
		let hash = rpc.block_hash(number).await.expect("a block");
		let block = rpc.call("chain_getBlock", rpc_params![hash.clone()]).await;
		let events = rpc.events(sp_core::H256::from_slice(&sealchat_tests::unhex(&hash))).await;
		let (mut weight, mut length) = (0u64, 0usize);
		for (index, xt) in block["block"]["extrinsics"].as_array().expect("extrinsics").iter().enumerate() {
			let bytes = sealchat_tests::unhex(xt.as_str().expect("hex"));
			let Some(kind) = tally.sent.get(&bytes) else { continue };
			*included.entry(kind).or_default() += 1;
			length += bytes.len();
			weight += base;
			for record in events.iter().filter(|r| r.phase == frame_system::Phase::ApplyExtrinsic(index as u32)) {
				use sealchat_runtime::RuntimeEvent::System;
				if let System(frame_system::Event::ExtrinsicSuccess { dispatch_info } | frame_system::Event::ExtrinsicFailed { dispatch_info, .. }) = &record.event {
					weight += dispatch_info.weight.ref_time();
				}
			}
		}
		weight_shares.push(weight as f64 / max_weight * 100.0);
		length_shares.push(length as f64 / max_length * 100.0);
	}
	let blocks = weight_shares.len();
	let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
	let max = |v: &[f64]| v.iter().cloned().fold(0.0, f64::max);
	let day_blocks = 86_400.0 / BLOCK_TIME_S;
	let what = format!("beside 1 attacker; {} ordinary users, {seconds} s", users.len());
	let mut quiet_final: Vec<f64> = quiet.iter().map(|f| f.0).collect();
	let mut flood_final: Vec<f64> = flooded.iter().map(|f| f.0).collect();
	let mut flood_blocks: Vec<f64> = flooded.iter().map(|f| f.1 as f64).collect();
	row(&format!("abuse: ordinary message, submission to final, quiet ({} messages)", quiet.len()), spread(&mut quiet_final, " s"), "the same users, before the attacker starts");
	row(&format!("abuse: ordinary message, submission to final, flood ({} messages)", flooded.len()), spread(&mut flood_final, " s"), &what);
	row("abuse: ordinary message, blocks from submission to inclusion, flood", spread(&mut flood_blocks, ""), "counted from the best block at submission");
	row(
		"abuse: attacker's share of normal block weight",
		format!("mean {:.2}%, max {:.2}% per block ({blocks} blocks)", mean(&weight_shares), max(&weight_shares)),
		&format!("all it got in this run is {:.4}% of a day's blocks", weight_shares.iter().sum::<f64>() / day_blocks),
	);
	row(
		"abuse: attacker's share of normal block length",
		format!("mean {:.2}%, max {:.2}% per block", mean(&length_shares), max(&length_shares)),
		&format!("all it got in this run is {:.4}% of a day's blocks", length_shares.iter().sum::<f64>() / day_blocks),
	);
	row(
		"abuse: attacker's transactions included",
		included.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", "),
		&format!("{writes} part writes and {invitations} invitations counted on chain; {} of the epoch's tickets used (5 for its chat and parts)", attacker.tickets_used()),
	);
	let refused: usize = tally.refused.values().sum();
	let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
	for ((kind, reason), n) in &tally.refused {
		let reason = reason.split("data: Some(RawValue(").nth(1).map_or(reason.as_str(), |r| r.trim_end_matches(")) }")).to_string();
		*reasons.entry(format!("{kind}: {reason}")).or_default() += n;
	}
	row("abuse: attacker's transactions refused by the pool", refused.to_string(), &reasons.iter().map(|(r, n)| format!("{r} ×{n}")).collect::<Vec<_>>().join("; "));
	row("abuse: node processor time during the flood", format!("{:.0}% of one core", node_cpu / wall * 100.0), "dev node, all threads; the attacker and users run on the same two cores");
	row("abuse: pool size during the flood", spread(&mut pool_sizes, ""), "transactions, sampled each second");
	drop(rpc);
	node.stop();
}

/// Many users at once on the four-validator network, one validator killed for a minute
/// halfway (`sealchat_tests::load`).
async fn load(dir: &TestDir, users: usize, seconds: u32) {
	let interval = Duration::from_secs(10);
	let started = Instant::now();
	let r = sealchat_tests::load::run(dir, users, seconds as u64, interval).await;
	let setup = started.elapsed().as_secs_f64() - r.seconds;
	let who = format!("{} users in {} chats, {} s", r.users, r.chats, r.seconds);
	row(
		&format!("load: messages sent, {who}"),
		format!("{} ({:.2}/s), {} failed", r.sent, r.sent as f64 / r.seconds, r.send_failures),
		&format!(
			"each user writes every {} s on average; 4 validators, users on 3 of them; setup {setup:.0} s{}",
			interval.as_secs(),
			if r.failure_reasons.is_empty() { String::new() } else { format!("; failures: {:?}", r.failure_reasons) }
		),
	);
	for (phase, name) in ["before the outage", "validator down (60 s)", "after it is back"].iter().enumerate() {
		row(
			&format!("load: send -> shown at each other member, {name}"),
			format!("{} ({} deliveries)", percentiles(&mut r.shown[phase].clone()), r.shown[phase].len()),
			"at import, not final yet",
		);
		row(
			&format!("load: send -> final at each other member, {name}"),
			format!("{} ({} deliveries)", percentiles(&mut r.finals[phase].clone()), r.finals[phase].len()),
			"GRANDPA",
		);
	}
	let mut lag = r.finality_lag.clone();
	lag.sort();
	let mean = lag.iter().map(|l| *l as f64).sum::<f64>() / lag.len().max(1) as f64;
	row(
		"load: finality lag (best - finalized)",
		format!("mean {mean:.1} blocks, max {}", lag.last().copied().unwrap_or(0)),
		"sampled every second on Alice's validator",
	);
	row(
		"load: delivered exactly once",
		format!(
			"{} of {} (missing {}, duplicated {}, unexpected {})",
			r.delivered_once, r.expected_deliveries, r.missing, r.duplicated, r.unexpected
		),
		&format!(
			"every message at every other member of its chat, final; {} shown then withdrawn; {} failed live-view steps",
			r.retracted, r.follow_errors
		),
	);
}

/// Figures of the criterion benchmarks, from their saved estimates; the scanner's rate on
/// all cores (records/s), which the resync is compared with.
fn criterion_rows() -> Option<f64> {
	let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target"));
	let read = |name: &str| -> Option<f64> {
		let path = target.join("criterion/scan").join(name).join("new/estimates.json");
		let json: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
		json["mean"]["point_estimate"].as_f64()
	};
	let Some(x25519_ns) = read("x25519_scalarmult") else {
		row("scan", "not run".into(), "run `cargo bench -p sealchat-client --bench scan` first (scripts/bench.sh does)");
		return None;
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
	let all_cores = read("scanner_page_all_cores").map(|ns| per_s(ns, page));
	if let Some(rate) = all_cores {
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
	all_cores
}

/// Parts of the chat pallet written straight into storage: `count` parts of the keys
/// `identity.part_key(first..)`, empty, with a lease as long as a joined part's, all of
/// incarnation [`BENCH_INCARNATION`].
async fn parts_in_storage(rpc: &Rpc, identity: &Identity, first: u32, count: u32) -> Vec<[u8; 32]> {
	let best = rpc.best_number().await as u32;
	let expires = best + sealchat_runtime::configs::LEASE;
	// Each part topped up once for the day: 264 writes, not the day's base 8, for the
	// benchmarks that post many messages into each.
	let epoch = best / sealchat_runtime::configs::TicketEpoch::get();
	let usage = pallet_chat::Usage { epoch, writes: 0, bytes: 0, top_ups: 1 };
	let parts: Vec<[u8; 32]> = (first..first + count).map(|i| identity.part_key(i).public()).collect();
	let mut items = Vec::new();
	for part in &parts {
		let info = pallet_chat::PartInfo::<Runtime> {
			next_seq: 0,
			nonce: 0,
			messages: 0,
			used: 0,
			blob: Default::default(),
			expires,
			usage,
			incarnation: BENCH_INCARNATION,
		};
		items.push((pallet_chat::Parts::<Runtime>::hashed_key_for(part), info.encode()));
		items.push((pallet_chat::Expiries::<Runtime>::hashed_key_for(expires, pallet_chat::Lease::Part(*part)), ().encode()));
	}
	// Parts joined later count on from above it, so every incarnation stays its own.
	items.push((pallet_chat::PartsCreated::<Runtime>::hashed_key().to_vec(), (BENCH_INCARNATION + 1).encode()));
	let call = RuntimeCall::Sudo(pallet_sudo::Call::sudo {
		call: Box::new(RuntimeCall::System(frame_system::Call::set_storage { items })),
	});
	let outcome = rpc.submit(&pair("//Alice"), call).await;
	assert!(outcome.result.is_ok(), "writing parts: {:?}", outcome.result);
	parts
}

/// The incarnation of every part [`parts_in_storage`] writes: far above any a join of the
/// benchmark's chain takes.
const BENCH_INCARNATION: u64 = 1 << 32;

/// `post_message` of `ciphertext` as message `seq` of part key `index` of `identity` (a
/// part [`parts_in_storage`] wrote), as an encoded general transaction.
fn post_message(genesis: &[u8; 32], identity: &Identity, index: u32, seq: u32, ciphertext: Vec<u8>) -> Vec<u8> {
	let key = identity.part_key(index);
	let part = key.public();
	let signature = key.sign(&wire::part_message(genesis, &part, &PartAction::post_message(BENCH_INCARNATION, seq, &ciphertext)));
	general(RuntimeCall::Chat(pallet_chat::Call::post_message {
		part,
		seq,
		ciphertext,
		signature: sp_core::ed25519::Signature::from_raw(signature),
	}))
}

/// On-chain bytes of one message, state and block body, against its plaintext.
async fn overhead(rpc: &Rpc) {
	let writer = Identity::from_suri("//Bob//stash").expect("a dev URI");
	let part = parts_in_storage(rpc, &writer, 0, 1).await[0];
	let genesis = rpc.signing_context().await.genesis.0;
	let key = ChatKey::generate();
	for (seq, len) in [10usize, 100, 1024].into_iter().enumerate() {
		let seq = seq as u32;
		let message = Message::new(1_700_000_000_000, Body::Text("x".repeat(len)));
		let ciphertext = message.seal(&key, &part, seq).expect("seal");
		let extrinsic = post_message(&genesis, &writer, 0, seq, ciphertext.clone());
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
				"ciphertext {} padded, {} unpadded: padme(plaintext + {} framing (version, time, length)) + 40 nonce and tag",
				ciphertext.len(),
				message.encoded_size() + crypto::AEAD_OVERHEAD,
				message.encoded_size() - len
			),
		);
	}
	let (mean, max) = padding_cost(1..=4000);
	row(
		"padding per message, texts of 1 to 4,000 B",
		format!("mean {:.1} %, at most {:.1} % of the unpadded ciphertext", mean * 100.0, max * 100.0),
		&format!("{} ciphertext lengths in all", padded_lengths(1..=4000)),
	);
}

/// Bytes the padding adds to a message's ciphertext, as a fraction of the unpadded
/// ciphertext: mean and maximum over every text length in `lengths`.
fn padding_cost(lengths: std::ops::RangeInclusive<usize>) -> (f64, f64) {
	let (mut sum, mut max, mut n) = (0.0, 0.0f64, 0);
	for len in lengths {
		let plain = Message::new(0, Body::Text("x".repeat(len))).encoded_size();
		let unpadded = plain + crypto::AEAD_OVERHEAD;
		let extra = (Message::sealed_len(len) - unpadded) as f64 / unpadded as f64;
		sum += extra;
		max = max.max(extra);
		n += 1;
	}
	(sum / n as f64, max)
}

/// How many distinct ciphertext lengths texts of `lengths` bytes produce.
fn padded_lengths(lengths: std::ops::RangeInclusive<usize>) -> usize {
	lengths.map(Message::sealed_len).collect::<std::collections::BTreeSet<_>>().len()
}

/// Fills blocks with `post_message` (general transactions signed by part keys, into
/// `PARTS` parts so that none is more than a few sequence numbers ahead in the pool) and
/// then with transfers; extrinsics per block.
async fn throughput(rpc: &Rpc, n: u32) {
	const PARTS: u32 = 1000;
	let writer = Identity::from_suri("//Charlie//stash").expect("a dev URI");
	parts_in_storage(rpc, &writer, 0, PARTS).await;
	let genesis = rpc.signing_context().await.genesis.0;
	let key = ChatKey::generate();
	let mut messages = Vec::with_capacity(n as usize);
	for i in 0..n {
		let (index, seq) = (i % PARTS, i / PARTS);
		let message = Message::new(0, Body::Text("x".repeat(100)));
		let ciphertext = message.seal(&key, &writer.part_key(index).public(), seq).expect("seal");
		messages.push(post_message(&genesis, &writer, index, seq, ciphertext));
	}
	let context = rpc.signing_context().await;
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
			"weight {:.1} µs (authorization by the part key's signature and the dispatch; no fee, no account); \
			 normal-class block limit {:.0} ms",
			message_weight as f64 / 1e6,
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

/// Anonymous creations per block: `count` chats created with tickets (ring proofs made by
/// registered users of the ring, 32 each), submitted at once; and how fast the pool
/// refuses `junk` creations whose ticket names the current ring and epoch but whose proof
/// is garbage (each costs a validator a proof verification).
async fn anonymous(rpc: &Rpc, url: &str, count: u32, junk: u32) {
	let chain = read::connect(url).await;
	let per_user = chain.ticket_epoch().await.expect("the epoch").2;
	let suris: Vec<String> = (0..count.div_ceil(per_user).max(1)).map(|i| format!("//Eve//anonymous{i}")).collect();
	let users: Vec<Identity> = suris.iter().map(|s| Identity::from_suri(s).expect("a URI")).collect();
	// Fund and register them (the registration is the one signed act of a user).
	let eve = pair("//Eve");
	for (suri, user) in suris.iter().zip(&users) {
		let dest = sp_runtime::AccountId32::from(user.account());
		let value = 100 * sealchat_runtime::UNIT;
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { dest: dest.into(), value });
		assert!(rpc.submit(&eve, call).await.result.is_ok());
		let call = RuntimeCall::Connector(pallet_connector::Call::register_key {
			key: user.encryption_key(),
			ring_key: user.ring_key(),
			possession: user
				.ring_sign(&wire::register_message(&chain.genesis_hash(), &user.account()))
				.expect("a ring signature"),
		});
		assert!(rpc.submit(&pair(suri), call).await.result.is_ok());
	}
	let deadline = Instant::now() + Duration::from_secs(120);
	let ring = loop {
		let mut rings: Vec<u32> = Vec::new();
		for user in &users {
			if let Some(sealchat::chain::RingPlacement::InRing { ring, .. }) = chain.ring_placement(&user.ring_key()).await.expect("placement") {
				rings.push(ring);
			}
		}
		if rings.len() == users.len() {
			break rings[0];
		}
		assert!(Instant::now() < deadline, "the users were not onboarded");
		tokio::time::sleep(Duration::from_secs(1)).await;
	};
	let (revision, members) = chain.ring_members(ring).await.expect("the ring");
	let (epoch, _, _) = chain.ticket_epoch().await.expect("the epoch");
	let genesis = chain.genesis_hash();

	if count > 0 {
		// Each ticket signs its own chat's parameters; proofs are made on every core.
		let started = Instant::now();
		let jobs: Vec<(usize, u32, u32)> = (0..count).map(|i| ((i / per_user) as usize, i % per_user, i)).collect();
		let creations: Vec<Vec<u8>> = std::thread::scope(|scope| {
			let threads = std::thread::available_parallelism().map_or(1, usize::from);
			let chunks: Vec<Vec<(usize, u32, u32)>> = jobs.chunks(jobs.len().div_ceil(threads)).map(|c| c.to_vec()).collect();
			let handles: Vec<_> = chunks
				.into_iter()
				.map(|chunk| {
					let (users, members, genesis) = (&users, &members, &genesis);
					scope.spawn(move || {
						chunk
							.into_iter()
							.map(|(user, slot, i)| {
								let membership = ChatKey::from_bytes([i as u8; 32]).membership_key().public();
								let sealed_key = i.encode().repeat(20);
								let message = wire::create_chat_message(genesis, &membership, &sealed_key);
								let (proof, alias) = users[user]
									.ring_prove(members, &wire::ticket_context(epoch, slot), &message)
									.expect("a member proves");
								let ticket = pallet_ring::Ticket { ring, revision, epoch, slot, alias, proof: proof.try_into().expect("fits") };
								let params = pallet_chat::ChatParams {
									membership_key: sp_core::ed25519::Public::from_raw(membership),
									sealed_key,
								};
								general(RuntimeCall::Connector(pallet_connector::Call::create_chat { ticket, params }))
							})
							.collect::<Vec<_>>()
					})
				})
				.collect();
			handles.into_iter().flat_map(|h| h.join().expect("a prover thread")).collect()
		});
		let proving = started.elapsed().as_secs_f64();
		let per_block = fill_blocks(rpc, creations.len(), |i| creations[i].clone()).await;
		row(
			&format!("anonymous creations (create_chat with a ticket) per block, {count} submitted"),
			format!("{per_block:.0}"),
			&format!(
				"ring of {} users; goal >= 50; making the {count} proofs took {proving:.0} s on all cores",
				members.len()
			),
		);
	}

	if junk > 0 {
		// Junk creations for the current ring, root and epoch, each a distinct transaction
		// with an alias of its own that nobody spent (a spent one is refused before its
		// proof is looked at): with garbage in place of the proof (refused when the proof
		// does not decode), and with a well-formed proof made for another message (refused
		// only after the whole verification: the dearest junk there is).
		let (proof, alias) = users[0]
			.ring_prove(&members, &wire::ticket_context(epoch, 0), b"another message")
			.expect("a member proves");
		let garbage = |_: u32| (0..proof.len()).map(|_| crypto::random_32()[0]).collect::<Vec<u8>>();
		let well_formed = |_: u32| proof.clone();
		let mut refusals = Vec::new();
		for (what, make_proof) in [("garbage proof", &garbage as &dyn Fn(u32) -> Vec<u8>), ("a proof of another message", &well_formed)] {
			let junk_calls: Vec<Vec<u8>> = (0..junk)
				.map(|i| {
					let ticket = pallet_ring::Ticket {
						ring,
						revision,
						epoch,
						slot: 0,
						alias: {
							let mut fresh = alias;
							fresh[..4].copy_from_slice(&(i ^ 0x5eed_0000).to_le_bytes());
							fresh
						},
						proof: make_proof(i).try_into().expect("fits"),
					};
					let params = pallet_chat::ChatParams {
						membership_key: sp_core::ed25519::Public::from_raw([1; 32]),
						sealed_key: i.encode(),
					};
					general(RuntimeCall::Connector(pallet_connector::Call::create_chat { ticket, params }))
				})
				.collect();
			let started = Instant::now();
			let refused = futures::future::join_all(junk_calls.iter().map(|xt| async move {
				use jsonrpsee::core::client::ClientT;
				let result: Result<Value, _> = rpc.client().request("author_submitExtrinsic", rpc_params![hex(xt)]).await;
				result.is_err()
			}))
			.await
			.into_iter()
			.filter(|r| *r)
			.count();
			assert_eq!(refused, junk as usize, "every junk ticket is refused");
			refusals.push((what, junk as f64 / started.elapsed().as_secs_f64()));
		}
		for (what, rate) in refusals {
			row(
				&format!("junk tickets refused by the pool, {what} ({junk} submitted at once)"),
				format!("{rate:.0}/s"),
				"for the live ring, root and epoch, so the proof is checked; two cores",
			);
		}
	}
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
	watcher.wait_in_ring();
	for s in &senders {
		s.wait_in_ring();
	}
	let refs: Vec<&User> = senders.iter().collect();
	let chat = watcher.group_chat(&refs);
	for s in &senders {
		s.join(chat);
	}
	watcher.sync();

	let (mut watch, events) = watcher.watch();
	// Stamp each message when it is printed, not when this thread gets to it: when it is
	// first shown (in a block not final yet, or final) and when it is final.
	let (tx, rx) = mpsc::channel::<(String, bool, Instant)>();
	std::thread::spawn(move || {
		for event in events {
			let text = event["message"]["text"].as_str().unwrap_or_default().to_string();
			let now = Instant::now();
			let mut stamps = Vec::new();
			match event["event"].as_str() {
				Some("message") => {
					stamps.push((false, now));
					if event["message"]["final"] == true {
						stamps.push((true, now));
					}
				},
				Some("confirmed") => stamps.push((true, now)),
				_ => {},
			}
			for (is_final, at) in stamps {
				if tx.send((text.clone(), is_final, at)).is_err() {
					return;
				}
			}
		}
	});
	std::thread::sleep(Duration::from_secs(3));

	for group in [&senders[..1], &senders[..]] {
		let per_sender = messages.div_ceil(group.len());
		let sent: HashMap<String, Instant> = std::thread::scope(|scope| {
			let handles: Vec<_> = group
				.iter()
				.map(|s| {
					scope.spawn(move || {
						let mut sent = Vec::new();
						for i in 0..per_sender {
							let text = format!("latency {} {} {i}", group.len(), s.name);
							let start = Instant::now();
							s.send_in_block(chat, &text);
							sent.push((text, start));
						}
						sent
					})
				})
				.collect();
			handles.into_iter().flat_map(|h| h.join().expect("sender thread")).collect()
		});
		let (mut shown, mut finals) = (Vec::new(), Vec::new());
		let deadline = Instant::now() + Duration::from_secs(120);
		while finals.len() < sent.len() && Instant::now() < deadline {
			if let Ok((text, is_final, at)) = rx.recv_timeout(Duration::from_secs(5)) {
				if let Some(start) = sent.get(&text) {
					let latency = at.duration_since(*start).as_secs_f64();
					if is_final { finals.push(latency) } else { shown.push(latency) }
				}
			}
		}
		let who = if group.len() == 1 { "1 sender".to_string() } else { format!("{} senders in parallel", group.len()) };
		row(
			&format!("send -> shown on the recipient's `watch`, {who} ({} messages)", shown.len()),
			percentiles(&mut shown),
			"at import, marked not final yet; `send` returns once its message is in a block (2 s slots)",
		);
		row(
			&format!("send -> final on the recipient's `watch`, {who} ({} messages)", finals.len()),
			percentiles(&mut finals),
			"GRANDPA finality; what both ends waited for before",
		);
	}
	let _ = watch.kill();
	let _ = watch.wait();
}

/// p50, p95 and the largest of `figures`, each followed by `unit`.
fn spread(figures: &mut [f64], unit: &str) -> String {
	figures.sort_by(|a, b| a.total_cmp(b));
	let pct = |p: f64| figures.get(((figures.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(f64::NAN);
	format!("p50 {:.2}{unit}, p95 {:.2}{unit}, max {:.2}{unit}", pct(0.5), pct(0.95), pct(1.0))
}

/// "p50 x s, p95 y s" of `figures`.
fn percentiles(figures: &mut [f64]) -> String {
	figures.sort_by(|a, b| a.total_cmp(b));
	let pct = |p: f64| figures.get(((figures.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(f64::NAN);
	format!("p50 {:.2} s, p95 {:.2} s", pct(0.5), pct(0.95))
}

/// A full resync of a chain holding `records` records (besides one invitation to the
/// reader), then an incremental sync of `more` new ones, through the real CLI: wall time
/// and peak resident memory of the client, and the processor time the node (`node_pid`)
/// and the client spent on it; with the scanner's rate on all cores (`scan_rate`), the
/// resync's rate as a share of it.
///
/// The filler records are sealed boxes of the record length, each to a fresh random
/// key: the worst case for the reader, who has to trial-open every one of them. They are
/// written straight into the record log (the benchmark measures reading, not posting).
async fn resync(dir: &TestDir, rpc: &Rpc, url: &str, node_pid: u32, records: u32, more: u32, scan_rate: Option<f64>) {
	let reader = User::new(dir, "reader", "//Alice//stash", url);
	let inviter = User::new(dir, "inviter", "//Bob//stash", url);
	reader.register();
	inviter.register();
	reader.wait_in_ring();
	inviter.wait_in_ring();
	let chat = inviter.pair_chat(&reader);

	let chain = read::connect(url).await;
	// Every record has the record length, the invitation too.
	let invitation_len = chain.limits().record_len as usize;
	let plaintext = vec![0u8; invitation_len - crypto::SEAL_OVERHEAD];
	let started = Instant::now();
	fill(rpc, &chain, records, &plaintext).await;
	let filled_in = started.elapsed().as_secs_f64();

	// The node's share of a resync: every page read and decoded, nothing scanned; through
	// the view function, then from the log's stored pages, as the client reads it (the
	// first read after the fill finds the node's caches cold).
	let at = chain.finalized().await.expect("finalized");
	let page_len = chain.limits().record_page;
	for through_view in [true, false] {
		let (started, cpu) = (Instant::now(), Cpu::start(node_pid));
		let (mut cursor, mut read) = (0, 0u64);
		loop {
			let page = if through_view {
				chain.records_view(cursor, page_len, &at).await
			} else {
				chain.records(cursor, page_len, &at).await
			};
			let page = page.expect("a page of records");
			let Some((last, _)) = page.records.last() else { break };
			read += page.records.len() as u64;
			cursor = last + 1;
		}
		let seconds = started.elapsed().as_secs_f64();
		let (node_cpu, reader_cpu) = (cpu.node(), cpu.this_process());
		let how = if through_view {
			"through the connector's `records` view function (`sealchat_viewFunction`)"
		} else {
			"from the log's stored pages (`sealchat_storage`), as the client reads"
		};
		row(
			&format!("reading the record log alone, {read} records, {}", if through_view { "view function" } else { "stored pages" }),
			format!("{seconds:.2} s ({:.0} records/s)", read as f64 / seconds),
			&format!(
				"pages of {page_len} {how}, one after the other; no trial decryption; processor time: node {node_cpu:.1} s, reader {reader_cpu:.1} s"
			),
		);
	}

	// Every user would need this whole log on a new device; the reader has never synced.
	// The first login finds the invitation; once the reader has joined, a login on
	// another device finds the chat from the reader's part.
	for (what, expected, note) in [
		("first login", ("invitations", 1), "new device; trial-opens every record, finds the one invitation among them"),
		(
			"login on another device",
			("chats", 1),
			"the chat comes back from the reader's part, found by its part key",
		),
	] {
		reader.wipe();
		let cpu = Cpu::start(node_pid);
		let login = measure(&reader, &["login"], &format!("{}\n", reader.suri));
		let (node_cpu, client_cpu) = (cpu.node(), cpu.children());
		let summary = login.lines.last().expect("login prints a summary");
		assert_eq!(summary[expected.0], expected.1, "{what}: {summary}");
		let scanned = summary["recordsScanned"].as_u64().unwrap_or(0);
		let share = scan_rate.map_or(String::new(), |rate| {
			format!(", {:.3}x the scanner's rate on all cores (goal >= 0.85x)", scanned as f64 / login.seconds / rate)
		});
		row(
			&format!("full resync: {what}, {scanned} records"),
			format!("{}{share}", login.figure(scanned)),
			&format!("{note}; processor time: node {node_cpu:.1} s, client {client_cpu:.1} s"),
		);
		if expected.0 == "invitations" {
			reader.join(chat);
		}
	}

	fill(rpc, &chain, more, &plaintext).await;
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
		format!("{records} records of {invitation_len} B in {:.0} min", filled_in / 60.0),
		"written into the log by sudo, a few thousand per block",
	);
}

/// Appends `count` sealed boxes of `plaintext` to fresh random keys to the record log, a
/// few thousand per transaction, and waits until they are final.
async fn fill(rpc: &Rpc, chain: &sealchat::chain::Chain, count: u32, plaintext: &[u8]) {
	const CHUNK: u32 = 4000;
	let alice = pair("//Alice");
	let context = rpc.signing_context().await;
	let mut nonce = rpc.next_nonce(&alice).await;
	let mut writer = sealchat_tests::tx::LogWriter::at_best(rpc).await;
	let block = rpc.best_number().await as u32;
	let target = writer.next_id() + u64::from(count);
	let mut submitted = 0;
	let started = Instant::now();
	while submitted < count {
		let n = CHUNK.min(count - submitted);
		let payloads: Vec<Vec<u8>> = (0..n).map(|_| crypto::seal(plaintext, &crypto::random_32()).expect("seal")).collect();
		let items = writer.append(block, payloads);
		let call = RuntimeCall::Sudo(pallet_sudo::Call::sudo {
			call: Box::new(RuntimeCall::System(frame_system::Call::set_storage { items })),
		});
		let xt = context.sign(&alice, call, nonce);
		let _: Value = rpc.call("author_submitExtrinsic", rpc_params![hex(&xt)]).await;
		nonce += 1;
		submitted += n;
		// Keep a few chunks ahead of the chain, not the whole log in the pool.
		loop {
			let at = chain.finalized().await.expect("finalized");
			let kept = chain.records(0, 1, &at).await.expect("the log").next_id;
			if writer.next_id() - kept <= u64::from(CHUNK) * 4 {
				break;
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
		if submitted % (CHUNK * 25) == 0 {
			eprintln!("{submitted} of {count} records after {:.0} s", started.elapsed().as_secs_f64());
		}
	}
	loop {
		let at = chain.finalized().await.expect("finalized");
		if chain.records(0, 1, &at).await.expect("the log").next_id >= target {
			break;
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// Processor time (user and system, all threads) spent from [`Cpu::start`] on.
struct Cpu {
	node_pid: u32,
	node: f64,
	this_process: f64,
	children: f64,
}

impl Cpu {
	fn start(node_pid: u32) -> Self {
		let this = proc_times("self");
		Self { node_pid, node: proc_times(&node_pid.to_string()).0, this_process: this.0, children: this.1 }
	}

	/// By the node.
	fn node(&self) -> f64 {
		proc_times(&self.node_pid.to_string()).0 - self.node
	}

	/// By this process.
	fn this_process(&self) -> f64 {
		proc_times("self").0 - self.this_process
	}

	/// By the child processes of this one that have exited and been waited for since (the
	/// CLI runs).
	fn children(&self) -> f64 {
		proc_times("self").1 - self.children
	}
}

/// Seconds of processor time of process `pid` ("self": this one) and of its waited-for
/// children, from `/proc/<pid>/stat`.
fn proc_times(pid: &str) -> (f64, f64) {
	let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_else(|e| panic!("/proc/{pid}/stat: {e}"));
	// The fields after the command name, which is in parentheses and may hold spaces:
	// state is field 3, utime 14, stime 15, cutime 16, cstime 17.
	let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
	let fields: Vec<f64> = rest.split_whitespace().skip(11).take(4).map(|f| f.parse().unwrap_or(0.0)).collect();
	assert_eq!(fields.len(), 4, "/proc/{pid}/stat: {stat}");
	let ticks = clock_ticks();
	((fields[0] + fields[1]) / ticks, (fields[2] + fields[3]) / ticks)
}

/// The kernel's clock ticks per second (`getconf CLK_TCK`; 100 on Linux).
fn clock_ticks() -> f64 {
	static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
	*TICKS.get_or_init(|| {
		std::process::Command::new("getconf")
			.arg("CLK_TCK")
			.output()
			.ok()
			.and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
			.unwrap_or(100.0)
	})
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
