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
	for method in ["payment_queryInfo", "payment_queryFeeDetails", "system_accountNextIndex", "sealchat_viewFunction"] {
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
	use jsonrpsee::core::client::ClientT;
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

	let refused = |params: jsonrpsee::core::params::ArrayParams| async move {
		match rpc.client().request::<serde_json::Value, _>("sealchat_viewFunction", params).await {
			Err(jsonrpsee::core::ClientError::Call(e)) => (e.code(), e.message().to_string()),
			other => panic!("refused call answered {other:?}"),
		}
	};
	let unknown = format!("0x{}", "11".repeat(32));
	let (code, message) = refused(rpc_params![unknown, "0x", at]).await;
	assert_eq!(code, 1, "{message}");
	assert!(message.contains("no view function"), "{message}");
	let (code, message) = refused(rpc_params![RECORDS, "0x00", at]).await;
	assert_eq!((code, message.contains("cannot decode the arguments")), (1, true), "{message}");
	let (code, message) = refused(rpc_params!["0x1234", "0x", at]).await;
	assert_eq!((code, message.contains("32 bytes")), (-32602, true), "{message}");
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
