//! Many users at once on the four-validator network, through the real client library:
//! each user is two sessions of one identity, a writer that sends and a reader (its
//! other device, restored from the chain) that follows the chain as `watch` does. Pairs
//! and groups of four chat for a while; halfway through, one validator is killed for a
//! minute. Measured: messages per second, send-to-shown and send-to-final latency
//! (before, during and after the outage), finality lag, and whether every message
//! reached every other member exactly once.

use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use futures::StreamExt;
use jsonrpsee::rpc_params;
use sealchat::{
	chain::Chain,
	crypto::{AccountBytes, Identity},
	profile::Profile,
	session::Session,
	store::Store,
	sync::Live,
	wire::{ChatId, ChatKind},
};
use sealchat_runtime::RuntimeCall;
use serde_json::Value;
use sp_core::{crypto::Pair as _, sr25519};

use crate::{hex, start_local_network, Rpc, TestDir};

const STARTUP: Duration = Duration::from_secs(60);
const SETUP: Duration = Duration::from_secs(300);

/// What a load run measured.
#[derive(Debug, Default)]
pub struct LoadReport {
	pub users: usize,
	pub chats: usize,
	pub seconds: f64,
	/// Messages whose `send` returned Ok, and those that failed (with the first reasons).
	pub sent: usize,
	pub send_failures: usize,
	pub failure_reasons: Vec<String>,
	/// Per phase (before, during and after the outage): send -> shown and send -> final
	/// latencies at every other member, in seconds.
	pub shown: [Vec<f64>; 3],
	pub finals: [Vec<f64>; 3],
	/// Best minus finalized block number, sampled every second on a validator that stays up.
	pub finality_lag: Vec<u32>,
	/// (message, member) pairs expected, and how many were final at that member exactly
	/// once, never, or more than once.
	pub expected_deliveries: usize,
	pub delivered_once: usize,
	pub missing: usize,
	pub duplicated: usize,
	/// Messages members saw that no successful `send` accounts for.
	pub unexpected: usize,
	/// Messages shown and then withdrawn (their block abandoned).
	pub retracted: usize,
	/// Steps of the readers' live view that failed (and were retried on the next head).
	pub follow_errors: usize,
}

/// One simulated user's message log: text -> when its send started.
type SentLog = Arc<Mutex<HashMap<String, (Instant, usize)>>>;

/// What a reader saw: text -> (first shown, times final).
type Seen = HashMap<String, (Option<Instant>, Option<Instant>, usize)>;

/// Runs `users` users (a multiple of 2 below 30 of them in pairs, the rest in groups of
/// four) chatting for `seconds`, each writing a message every `interval` on average.
pub async fn run(dir: &TestDir, users: usize, seconds: u64, interval: Duration) -> LoadReport {
	let (mut nodes, rpcs) = start_local_network(dir, STARTUP).await;
	rpcs[0].wait_finalized(3, STARTUP).await;
	// Users talk to Alice's, Bob's and Charlie's validators; Dave's is the one killed.
	let urls: Vec<String> = nodes.iter().take(3).map(|n| n.ws_url()).collect();

	// Each user's two sessions hold the same identity, derived twice.
	let identity = |i: usize| Identity::from_suri(&format!("//Load{i}")).expect("a secret URI");
	let identities: Vec<Identity> = (0..users).map(identity).collect();
	fund(&rpcs[0], &identities).await;

	// Writers: register, wait for the ring.
	let mut writers = Vec::new();
	for i in 0..users {
		writers.push(session(dir, &format!("writer{i}"), identity(i), &urls[i % urls.len()]).await);
	}
	let writers = futures::future::join_all(writers.into_iter().map(|s| async move {
		s.register().await.expect("register");
		s.wait_in_ring(SETUP).await.expect("in the ring");
		s
	}))
	.await;

	// Chats: pairs first, then groups of four; creators invite, the others accept.
	let mut groups: Vec<Vec<usize>> = Vec::new();
	let pairs = (users.min(30) / 2) * 2;
	groups.extend((0..pairs).step_by(2).map(|i| vec![i, i + 1]));
	groups.extend((pairs..users).collect::<Vec<_>>().chunks(4).map(|c| c.to_vec()));
	let mut writers: Vec<Option<Session>> = writers.into_iter().map(Some).collect();
	let accounts: Vec<AccountBytes> = identities.iter().map(|i| i.account()).collect();
	let creators = futures::future::join_all(groups.iter().map(|members| {
		let mut creator = writers[members[0]].take().expect("one chat per user");
		let invitees: Vec<AccountBytes> = members[1..].iter().map(|m| accounts[*m]).collect();
		let kind = if members.len() == 2 { ChatKind::Pair } else { ChatKind::Group };
		async move {
			let created = creator.create_chat(kind, &invitees, sealchat::session::Until::Final).await.expect("create a chat");
			assert!(created.failed.is_empty(), "invitations failed: {:?}", created.failed);
			(creator, created.chat)
		}
	}))
	.await;
	let chat_of: Vec<ChatId> = groups
		.iter()
		.zip(&creators)
		.flat_map(|(members, (_, chat))| members.iter().map(move |m| (*m, *chat)))
		.fold(vec![0; users], |mut v, (m, c)| {
			v[m] = c;
			v
		});
	for (members, (creator, _)) in groups.iter().zip(creators) {
		writers[members[0]] = Some(creator);
	}
	let invitees: Vec<usize> = groups.iter().flat_map(|m| m[1..].to_vec()).collect();
	let joined = futures::future::join_all(invitees.iter().map(|i| {
		let mut s = writers[*i].take().expect("a writer");
		let chat = chat_of[*i];
		async move {
			let deadline = Instant::now() + SETUP;
			loop {
				s.sync(|_, _| {}).await.expect("sync");
				if let Some(inv) = s.invitations().expect("invitations").into_iter().find(|inv| inv.chat == chat) {
					s.accept(inv.id, sealchat::session::Until::Final).await.expect("accept");
					break;
				}
				assert!(Instant::now() < deadline, "no invitation to chat {chat}");
				tokio::time::sleep(Duration::from_secs(2)).await;
			}
			s
		}
	}))
	.await;
	for (i, s) in invitees.iter().zip(joined) {
		writers[*i] = Some(s);
	}
	let mut writers: Vec<Session> = writers.into_iter().map(|s| s.expect("every writer")).collect();
	// Everyone learns every member's part (responses and blobs are read when final).
	let settled = rpcs[0].best_number().await + 3;
	rpcs[0].wait_finalized(settled, SETUP).await;
	for s in &mut writers {
		s.sync(|_, _| {}).await.expect("sync");
	}

	// Readers: each user's other device, restored from the chain.
	let mut readers = Vec::new();
	for i in 0..users {
		let mut reader = session(dir, &format!("reader{i}"), identity(i), &urls[(i + 1) % urls.len()]).await;
		reader.restore().await.expect("restore");
		readers.push(reader);
	}

	// The run.
	let started = Instant::now();
	let run_for = Duration::from_secs(seconds);
	let outage = (run_for / 2).saturating_sub(Duration::from_secs(30));
	let phase_of = move |at: Instant| {
		let t = at.duration_since(started);
		if t < outage {
			0
		} else if t < outage + Duration::from_secs(60) {
			1
		} else {
			2
		}
	};
	let sent: SentLog = Arc::default();
	let failures: Arc<Mutex<Vec<String>>> = Arc::default();
	let stop_writing = started + run_for;
	// Readers follow a little longer, until what was sent last is final.
	let stop_reading = stop_writing + Duration::from_secs(20);

	let writing = futures::future::join_all(writers.iter_mut().enumerate().map(|(i, s)| {
		let (sent, failures, chat) = (sent.clone(), failures.clone(), chat_of[i]);
		async move {
			let mut n = 0;
			// Spread the first messages over the first interval.
			tokio::time::sleep(interval.mul_f64(i as f64 / users as f64)).await;
			while Instant::now() < stop_writing {
				let text = format!("load {i} {n}");
				let start = Instant::now();
				sent.lock().unwrap().insert(text.clone(), (start, i));
				if let Err(e) = s.send(chat, &text).await {
					sent.lock().unwrap().remove(&text);
					failures.lock().unwrap().push(e.to_string());
				}
				n += 1;
				// Exponential gaps with the given mean.
				let u: f64 = rand_unit(i as u64 * 1_000_003 + n);
				tokio::time::sleep(interval.mul_f64(-(1.0 - u).ln()).min(interval * 4)).await;
			}
		}
	}));
	let reading = futures::future::join_all(readers.iter_mut().map(|s| async move {
		let mut live = Live::default();
		let mut seen = Seen::new();
		let (mut retracted, mut errors) = (0, 0);
		let mut best = Box::pin(s.chain.best_blocks().await.expect("best heads"));
		let mut finalized = Box::pin(s.chain.finalized_blocks().await.expect("finalized heads"));
		let me = s.me();
		while Instant::now() < stop_reading {
			let wait = tokio::time::sleep_until(stop_reading.into());
			tokio::select! {
				_ = wait => break,
				head = best.next() => if head.is_none() { break },
				head = finalized.next() => if head.is_none() { break },
			}
			let update = match s.follow(&mut live).await {
				Ok(update) => update,
				Err(_) => {
					errors += 1;
					continue;
				},
			};
			let now = Instant::now();
			for m in update.new.iter().chain(&update.confirmed).filter(|m| m.sender != me) {
				let sealchat::wire::Body::Text(text) = &m.body else { continue };
				let entry = seen.entry(text.clone()).or_default();
				entry.0.get_or_insert(now);
				if m.confirmed {
					entry.1.get_or_insert(now);
					entry.2 += 1;
				}
			}
			retracted += update.retracted.iter().filter(|m| m.sender != me).count();
		}
		(seen, retracted, errors)
	}));
	let lag = async {
		let mut lag = Vec::new();
		while Instant::now() < stop_writing {
			let best = rpcs[0].best_number().await;
			let finalized = rpcs[0].finalized_number().await;
			lag.push(best.saturating_sub(finalized) as u32);
			tokio::time::sleep(Duration::from_secs(1)).await;
		}
		lag
	};
	let outage_run = async {
		tokio::time::sleep_until((started + outage).into()).await;
		nodes[3].kill();
		tokio::time::sleep(Duration::from_secs(60)).await;
		nodes[3].restart();
	};
	let (_, seen, finality_lag, ()) = futures::join!(writing, reading, lag, outage_run);

	// Accounting: every message at every other member of its chat, exactly once final.
	let sent = sent.lock().unwrap().clone();
	let failures = failures.lock().unwrap().clone();
	let members_of: HashMap<ChatId, Vec<usize>> =
		groups.iter().map(|m| (chat_of[m[0]], m.clone())).collect();
	let mut report = LoadReport {
		users,
		chats: groups.len(),
		seconds: run_for.as_secs_f64(),
		sent: sent.len(),
		send_failures: failures.len(),
		failure_reasons: failures.into_iter().take(5).collect(),
		finality_lag,
		..Default::default()
	};
	for (text, (start, sender)) in &sent {
		let phase = phase_of(*start);
		for member in members_of[&chat_of[*sender]].iter().filter(|m| *m != sender) {
			report.expected_deliveries += 1;
			match seen[*member].0.get(text) {
				Some((shown, fin, count)) => {
					if let Some(shown) = shown {
						report.shown[phase].push(shown.duration_since(*start).as_secs_f64());
					}
					if let Some(fin) = fin {
						report.finals[phase].push(fin.duration_since(*start).as_secs_f64());
					}
					match *count {
						0 => report.missing += 1,
						1 => report.delivered_once += 1,
						_ => report.duplicated += 1,
					}
				},
				None => report.missing += 1,
			}
		}
	}
	report.unexpected = seen.iter().map(|(s, _, _)| s.keys().filter(|t| !sent.contains_key(*t)).count()).sum();
	report.retracted = seen.iter().map(|(_, r, _)| r).sum();
	report.follow_errors = seen.iter().map(|(_, _, e)| e).sum();
	drop(rpcs);
	for node in &mut nodes {
		node.stop();
	}
	report
}

/// A session of `identity` on the node at `url`, with an in-memory database and no
/// random pauses.
async fn session(dir: &TestDir, name: &str, identity: Identity, url: &str) -> Session {
	let profile_dir = dir.path().join(name);
	std::fs::create_dir_all(&profile_dir).expect("profile directory");
	let lock = Profile::locate(Some(profile_dir), name).expect("a profile").submit_lock();
	let chain = Chain::connect(url).await.expect("connect");
	let mut session = Session::new(identity, Store::in_memory().expect("a database"), chain, lock, 1).expect("a session");
	session.set_delay_window(Duration::ZERO);
	session
}

/// Gives every identity's account enough to register, from Alice.
async fn fund(rpc: &Rpc, identities: &[Identity]) {
	let alice = sr25519::Pair::from_string("//Alice", None).expect("a dev URI");
	let context = rpc.signing_context().await;
	let nonce = rpc.next_nonce(&alice).await;
	for (i, identity) in identities.iter().enumerate() {
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: sp_runtime::AccountId32::from(identity.account()).into(),
			value: 1_000_000 * sealchat_runtime::UNIT,
		});
		let extrinsic = context.sign(&alice, call, nonce + i as u32);
		let _: Value = rpc.call("author_submitExtrinsic", rpc_params![hex(&extrinsic)]).await;
	}
	// Every transfer is final once Alice's nonce is past them at a final block.
	let deadline = Instant::now() + SETUP;
	loop {
		let finalized = rpc.finalized_hash().await;
		let key = account_key(&alice);
		let info = rpc.call("state_getStorage", rpc_params![hex(&key), finalized]).await;
		let nonce_now = info.as_str().map(|h| crate::unhex(h)).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
		if nonce_now.is_some_and(|n| n >= nonce + identities.len() as u32) {
			return;
		}
		assert!(Instant::now() < deadline, "the transfers to {} users were not final in time", identities.len());
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// The storage key of `who`'s `System::Account` entry (its first four bytes: the nonce).
fn account_key(who: &sr25519::Pair) -> Vec<u8> {
	frame_system::Account::<sealchat_runtime::Runtime>::hashed_key_for(sp_runtime::AccountId32::from(who.public()))
}

/// A number in [0, 1) from `seed` (splitmix64): gaps between messages.
fn rand_unit(seed: u64) -> f64 {
	let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
	z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
	z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
	((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}
