//! The development chain: `sealchat-node --dev` produces and finalizes blocks from the
//! first seconds, answers JSON-RPC, stops cleanly, and keeps its chain across restarts.

use std::time::Duration;

use jsonrpsee::rpc_params;
use sealchat_tests::{Node, Role, TestDir};

const STARTUP: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread")]
async fn dev_chain_produces_and_finalizes_blocks() {
	let dir = TestDir::new("dev");
	let mut node = Node::start(&dir, "dev", Role::Dev, vec![]);
	let rpc = node.rpc(STARTUP).await;

	// Chain identity and the properties wallets read.
	assert_eq!(rpc.call("system_chain", rpc_params![]).await, "SealChat Development");
	let properties = rpc.call("system_properties", rpc_params![]).await;
	assert_eq!(properties["tokenSymbol"], "SEAL");
	assert_eq!(properties["tokenDecimals"], 12);
	assert_eq!(properties["ss58Format"], 42);
	let version = rpc.call("state_getRuntimeVersion", rpc_params![]).await;
	assert_eq!(version["specName"], "sealchat");

	// Blocks every 2 s and GRANDPA finality without any manual step: block #5 is
	// finalized well within a minute of startup.
	let finalized = rpc.wait_finalized(5, Duration::from_secs(60)).await;
	assert!(finalized >= 5);
	let best = rpc.best_number().await;
	assert!(best >= finalized, "best #{best} behind finalized #{finalized}");

	// The finalized block is on the best chain and can be fetched whole.
	let hash = rpc.block_hash(finalized).await.expect("finalized block is on the best chain");
	let block = rpc.call("chain_getBlock", rpc_params![hash.clone()]).await;
	assert_eq!(block["block"]["header"]["parentHash"].as_str().map(str::len), Some(66));
	assert!(
		!block["block"]["extrinsics"].as_array().expect("extrinsics").is_empty(),
		"every block carries at least the timestamp inherent"
	);

	// The runtime-dependent RPC modules are merged: nonce and fee queries answer.
	let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	assert_eq!(rpc.call("system_accountNextIndex", rpc_params![alice]).await, 0);
	let methods = rpc.call("rpc_methods", rpc_params![]).await;
	let methods: Vec<&str> =
		methods["methods"].as_array().expect("methods").iter().filter_map(|m| m.as_str()).collect();
	for method in [
		"payment_queryInfo",
		"payment_queryFeeDetails",
		"system_accountNextIndex",
		"sealchat_viewFunction",
		"sealchat_storage",
	] {
		assert!(methods.contains(&method), "RPC method {method} missing");
	}

	// `sealchat_viewFunction` answers in base64 what `state_call` answers in hex, and
	// refuses what the runtime cannot run with a clear error.
	view_functions_answer_in_base64(&rpc, &hash).await;

	drop(rpc);
	let status = node.stop();
	assert!(status.success(), "node exited with {status} after SIGTERM");
}

/// `Connector::records(0, 16)` through both methods at `at`, and the refusals.
async fn view_functions_answer_in_base64(rpc: &sealchat_tests::Rpc, at: &str) {
	use base64::Engine;
	use codec::{Decode, Encode};
	const RECORDS: &str = "0xe723c20ad6a63ed10f0a4ed51db2b77286d4c3298bb6bc8b35f79637d4fcfb61";
	let args = (0u64, 16u32).encode();
	let answer = rpc.call("sealchat_viewFunction", rpc_params![RECORDS, format!("0x{}", hex::encode(&args)), at]).await;
	let answer = base64::engine::general_purpose::STANDARD.decode(answer.as_str().expect("a string")).expect("base64");
	let call = format!("0x{}{}", &RECORDS[2..], hex::encode(args.encode()));
	let hex_answer = rpc.call("state_call", rpc_params!["RuntimeViewFunction_execute_view_function", call, at]).await;
	let hex_answer = hex::decode(&hex_answer.as_str().expect("a string")[2..]).expect("hex");
	let expected = Result::<Vec<u8>, ()>::decode(&mut &hex_answer[..]).ok().and_then(Result::ok).expect("Ok");
	assert_eq!(answer, expected);
	// At least the count of records and the two ids.
	assert!(answer.len() >= 17, "{answer:?}");

	let refused = |params| rpc.refusal("sealchat_viewFunction", params);
	let unknown = format!("0x{}", "11".repeat(32));
	let (code, message) = refused(rpc_params![unknown, "0x", at]).await;
	assert_eq!(code, 1, "{message}");
	assert!(message.contains("no view function"), "{message}");
	let (code, message) = refused(rpc_params![RECORDS, "0x00", at]).await;
	assert_eq!((code, message.contains("cannot decode the arguments")), (1, true), "{message}");
	let (code, message) = refused(rpc_params!["0x1234", "0x", at]).await;
	assert_eq!((code, message.contains("32 bytes")), (-32602, true), "{message}");
}

/// The client reads the record log from its stored pages (`sealchat_storage`); that must
/// answer exactly what the connector's `records` view function answers, from every
/// cursor, for every page length, on a log whose oldest page was pruned at its start.
#[tokio::test(flavor = "multi_thread")]
async fn the_record_log_reads_the_same_from_its_stored_pages_as_through_the_view_function() {
	use codec::Encode;
	use frame_support::traits::Get;
	use sealchat_runtime::{Runtime, RuntimeCall};
	type Record = pallet_connector::Record<Runtime>;
	// A page as plain values, to compare.
	let flat = |page: sealchat::chain::RecordsPage| {
		let records: Vec<_> = page.records.into_iter().map(|(id, r)| (id, r.payload.0, r.block, r.tag)).collect();
		(records, page.next_id, page.oldest_id)
	};
	let dir = TestDir::new("record-pages");
	// Answers of at most a MiB: what the log reads here fits, a flood of keys does not.
	let mut node = Node::start_with_args(&dir, "dev", Role::Dev, vec![], &["--rpc-max-response-size", "1"]);
	let rpc = node.rpc(STARTUP).await;
	let chain = sealchat_tests::read::connect(&node.ws_url()).await;
	let per_page = u64::from(<<Runtime as pallet_connector::Config>::RecordsPerPage as Get<u32>>::get());

	let same_everywhere = |what: &'static str| {
		let chain = chain.clone();
		async move {
			let at = chain.finalized().await.expect("finalized");
			let next = chain.records_view(0, 0, &at).await.expect("the log").next_id;
			let cursors =
				[0, 1, per_page - 1, per_page, per_page + 5, per_page + 6, per_page + 7, 2 * per_page, next.saturating_sub(1), next, next + 9];
			for from in cursors {
				for max in [0, 1, 5, per_page as u32, per_page as u32 + 1, 130, 2048, 5000] {
					let stored = chain.records(from, max, &at).await.expect("records from the stored pages");
					let viewed = chain.records_view(from, max, &at).await.expect("records through the view function");
					assert_eq!(flat(stored), flat(viewed), "{what}: {max} records from {from}");
				}
			}
			next
		}
	};

	// An empty log, then one of 200 records (pages of 64: three full, one filling).
	assert_eq!(same_everywhere("empty").await, 0);
	rpc.fill_records((0..200u32).map(|i| i.encode()).collect()).await;
	assert_eq!(same_everywhere("200 records").await, 200);

	// Pruned up to id `per_page + 6`, in the middle of page 1, as a log migrated from
	// one record per item is until its oldest page is pruned: page 0 gone, page 1 short
	// at its start.
	let oldest = per_page + 6;
	let page_key = |page: u64| pallet_connector::RecordPages::<Runtime>::hashed_key_for(page);
	let page_one: Vec<Record> = rpc.storage(&page_key(1)).await.expect("page 1");
	let call = |call| RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(RuntimeCall::System(call)) });
	let alice = sp_keyring::Sr25519Keyring::Alice.pair();
	let outcome = rpc
		.submit(
			&alice,
			call(frame_system::Call::set_storage {
				items: vec![
					(page_key(1), page_one[6..].to_vec().encode()),
					(pallet_connector::OldestRecordId::<Runtime>::hashed_key().to_vec(), oldest.encode()),
				],
			}),
		)
		.await;
	assert!(outcome.result.is_ok(), "{:?}", outcome.result);
	let outcome = rpc.submit(&alice, call(frame_system::Call::kill_storage { keys: vec![page_key(0)] })).await;
	assert!(outcome.result.is_ok(), "{:?}", outcome.result);
	let at = chain.finalized().await.expect("finalized");
	let page = chain.records(0, 10, &at).await.expect("records");
	assert_eq!((page.oldest_id, page.records.first().map(|(id, _)| *id)), (oldest, Some(oldest)));
	assert_eq!(same_everywhere("pruned mid-page").await, 200);

	// `sealchat_storage` itself: the values `state_getStorage` answers in hex, in base64,
	// `null` where nothing is stored, and clear refusals.
	use base64::Engine;
	let keys = [page_key(2), page_key(0), pallet_connector::NextRecordId::<Runtime>::hashed_key().to_vec()];
	let hex_keys: Vec<String> = keys.iter().map(|k| format!("0x{}", hex::encode(k))).collect();
	let answer = rpc.call("sealchat_storage", rpc_params![hex_keys.clone()]).await;
	let answer = answer.as_array().expect("an array");
	assert_eq!(answer.len(), 3);
	for (key, value) in hex_keys.iter().zip(answer) {
		let expected = rpc.call("state_getStorage", rpc_params![key]).await;
		let expected = expected.as_str().map(|h| hex::decode(&h[2..]).expect("hex"));
		let value = value.as_str().map(|b| base64::engine::general_purpose::STANDARD.decode(b).expect("base64"));
		assert_eq!(value, expected, "{key}");
	}
	assert!(answer[1].is_null(), "page 0 was pruned");
	let refused = |params| rpc.refusal("sealchat_storage", params);
	let (code, message) = refused(rpc_params![vec!["0x00"; 257]]).await;
	assert_eq!((code, message.contains("at most 256")), (-32602, true), "{message}");
	let unknown = format!("0x{}", "11".repeat(32));
	let (code, message) = refused(rpc_params![hex_keys.clone(), unknown]).await;
	assert_eq!((code, message.contains("no state of block")), (-32603, true), "{message}");
	// A key asked for twice is read once and answered twice.
	let twice = vec![hex_keys[0].clone(), hex_keys[2].clone(), hex_keys[0].clone()];
	let answer = rpc.call("sealchat_storage", rpc_params![twice]).await;
	let answer = answer.as_array().expect("an array");
	assert_eq!((answer.len(), &answer[0]), (3, &answer[2]));
	assert!(answer[0].is_string());
	// Only the connector's storage is answered.
	let number = format!("0x{}", hex::encode(frame_support::storage::storage_prefix(b"System", b"Number")));
	let (code, message) = refused(rpc_params![vec![hex_keys[0].clone(), number]]).await;
	assert_eq!((code, message.contains("key 1 is not in the Connector")), (-32602, true), "{message}");
	// An answer longer than the node sends is refused as it is built, with a clear error.
	let (code, message) = refused(rpc_params![vec![hex_keys[0].clone(); 256]]).await;
	assert_eq!((code, message.contains("ask for less")), (2, true), "{message}");

	drop(rpc);
	assert!(node.stop().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn chain_survives_a_restart_on_the_same_base_path() {
	let dir = TestDir::new("restart");
	let mut node = Node::start(&dir, "dev", Role::Dev, vec![]);

	let rpc = node.rpc(STARTUP).await;
	let finalized = rpc.wait_finalized(3, Duration::from_secs(60)).await;
	let hash = rpc.block_hash(finalized).await.expect("finalized block hash");
	drop(rpc);
	assert!(node.stop().success());

	node.restart();
	let rpc = node.rpc(STARTUP).await;
	// The chain is still there: the same block at the same height, already finalized,
	// before the node has had time to author anything new.
	assert_eq!(rpc.block_hash(finalized).await.as_deref(), Some(hash.as_str()));
	assert!(rpc.finalized_number().await >= finalized);
	// And it carries on from there.
	rpc.wait_finalized(finalized + 2, Duration::from_secs(60)).await;
	assert_eq!(rpc.block_hash(finalized).await.as_deref(), Some(hash.as_str()));
	drop(rpc);
	assert!(node.stop().success());
	assert_eq!(node.starts(), 2);
}

#[test]
fn production_preset_has_no_sudo_and_no_development_accounts() {
	let out = std::process::Command::new(sealchat_tests::node_binary())
		.args(["build-spec", "--chain", "production", "--disable-default-bootnode"])
		.output()
		.expect("run sealchat-node build-spec");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let spec: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON chain spec");
	assert_eq!(spec["chainType"], "Live");
	let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
	assert!(patch["sudo"]["key"].is_null(), "production has a sudo key: {}", patch["sudo"]);
	assert_eq!(patch["balances"]["balances"], serde_json::json!([]));
	assert_eq!(patch["aura"]["authorities"], serde_json::json!([]));
	assert_eq!(patch["grandpa"]["authorities"], serde_json::json!([]));
	// No well-known development account anywhere in it.
	let text = String::from_utf8_lossy(&out.stdout);
	for dev in sp_keyring::Sr25519Keyring::iter() {
		let address = dev.to_account_id().to_string();
		assert!(!text.contains(&address), "{dev:?} ({address}) is in the production spec");
	}

	// The development chains keep theirs.
	let dev = std::process::Command::new(sealchat_tests::node_binary())
		.args(["build-spec", "--chain", "dev"])
		.output()
		.expect("run sealchat-node build-spec");
	let spec: serde_json::Value = serde_json::from_slice(&dev.stdout).expect("a JSON chain spec");
	assert!(!spec["genesis"]["runtimeGenesis"]["patch"]["sudo"]["key"].is_null());
}
