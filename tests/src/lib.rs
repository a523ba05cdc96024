//! Harness for tests that run real `sealchat-node` processes and talk to them over
//! JSON-RPC, the way users and clients do.
//!
//! Every node gets free loopback ports and its own base path under a temporary
//! directory. Nodes are killed when dropped, even when a test fails; the logs of a
//! failed test are kept and their path printed.

use std::{
	fs::{self, File},
	io::{BufRead, BufReader},
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	sync::atomic::{AtomicUsize, Ordering},
	time::{Duration, Instant},
};

use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use serde_json::Value;

/// The node binary under test: `$SEALCHAT_NODE`, or `sealchat-node` next to the test
/// executable's profile directory (`target/release/deps/..` -> `target/release`).
pub fn node_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("SEALCHAT_NODE") {
		return PathBuf::from(path);
	}
	let exe = std::env::current_exe().expect("the test executable has a path");
	let profile_dir = exe.parent().and_then(Path::parent).expect("test executables live in target/<profile>/deps");
	let bin = profile_dir.join("sealchat-node");
	assert!(
		bin.exists(),
		"{} does not exist: build the node first (cargo build --release -p sealchat-node) \
		 or set SEALCHAT_NODE",
		bin.display()
	);
	bin
}

/// `n` distinct free TCP ports on 127.0.0.1, never one handed out before in this process:
/// a port given to a node that has not bound it yet is free again in the kernel's eyes,
/// and handing it to the next node would make the two collide.
pub fn free_ports(n: usize) -> Vec<u16> {
	static ISSUED: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
	let mut issued = ISSUED.lock().unwrap_or_else(|e| e.into_inner());
	// Hold every listener until all ports are chosen, so no port is handed out twice.
	let mut listeners = Vec::new();
	let mut ports = Vec::new();
	while ports.len() < n {
		let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
		let port = listener.local_addr().expect("bound socket has an address").port();
		if !issued.contains(&port) {
			issued.push(port);
			ports.push(port);
		}
		listeners.push(listener);
	}
	ports
}

/// A scratch directory for one test, removed at the end unless the test failed.
pub struct TestDir {
	path: PathBuf,
}

impl TestDir {
	pub fn new(name: &str) -> Self {
		static COUNTER: AtomicUsize = AtomicUsize::new(0);
		let path = std::env::temp_dir().join(format!(
			"sealchat-test-{}-{}-{}",
			name,
			std::process::id(),
			COUNTER.fetch_add(1, Ordering::Relaxed)
		));
		let _ = fs::remove_dir_all(&path);
		fs::create_dir_all(&path).expect("create the test directory");
		Self { path }
	}

	pub fn path(&self) -> &Path {
		&self.path
	}
}

impl Drop for TestDir {
	fn drop(&mut self) {
		if std::thread::panicking() {
			eprintln!("test failed: node logs and databases kept in {}", self.path.display());
		} else {
			let _ = fs::remove_dir_all(&self.path);
		}
	}
}

/// Which chain a node runs and as whom.
#[derive(Clone, Debug)]
pub enum Role {
	/// `--dev`: the single-authority development chain.
	Dev,
	/// `--chain dev` without authoring: a user's own node on the development chain.
	DevFull,
	/// `--chain local --<name> --validator`: one of the four local testnet validators.
	LocalValidator { authority: &'static str, node_key: [u8; 32] },
	/// `--chain local` without authoring: a user's own node on the local testnet.
	LocalFull,
}

/// A running `sealchat-node` process.
pub struct Node {
	name: String,
	role: Role,
	base_path: PathBuf,
	log_path: PathBuf,
	bootnodes: Vec<String>,
	extra_args: Vec<String>,
	child: Option<Child>,
	/// JSON-RPC port (HTTP and WebSocket) on 127.0.0.1.
	pub rpc_port: u16,
	/// libp2p port on 127.0.0.1.
	pub p2p_port: u16,
	starts: usize,
}

impl Node {
	/// Starts a node whose data lives in `dir/<name>`.
	pub fn start(dir: &TestDir, name: &str, role: Role, bootnodes: Vec<String>) -> Node {
		Self::start_with_args(dir, name, role, bootnodes, &[])
	}

	/// [`Node::start`] with extra command-line options.
	pub fn start_with_args(dir: &TestDir, name: &str, role: Role, bootnodes: Vec<String>, args: &[&str]) -> Node {
		let ports = free_ports(2);
		let mut node = Node {
			name: name.to_string(),
			role,
			base_path: dir.path().join(name),
			log_path: dir.path().join(format!("{name}.log")),
			bootnodes,
			extra_args: args.iter().map(|a| a.to_string()).collect(),
			child: None,
			rpc_port: ports[0],
			p2p_port: ports[1],
			starts: 0,
		};
		node.spawn();
		node
	}

	fn spawn(&mut self) {
		assert!(self.child.is_none(), "{} is already running", self.name);
		self.starts += 1;
		let log = File::options()
			.create(true)
			.append(true)
			.open(&self.log_path)
			.expect("open the node log");
		let mut cmd = Command::new(node_binary());
		match &self.role {
			Role::Dev => {
				cmd.arg("--dev");
			},
			Role::DevFull => {
				cmd.args(["--chain", "dev"]);
			},
			Role::LocalValidator { authority, node_key } => {
				cmd.args(["--chain", "local", "--validator", &format!("--{authority}")])
					.args(["--node-key", &::hex::encode(node_key)]);
			},
			Role::LocalFull => {
				cmd.args(["--chain", "local"]);
			},
		}
		cmd.arg("--base-path")
			.arg(&self.base_path)
			.args(["--rpc-port", &self.rpc_port.to_string()])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{}", self.p2p_port)])
			.args(["--no-prometheus", "--no-telemetry", "--no-mdns", "--name", &self.name])
			.stdin(Stdio::null())
			.stdout(log.try_clone().expect("clone the log handle"))
			.stderr(log);
		for bootnode in &self.bootnodes {
			cmd.args(["--bootnodes", bootnode]);
		}
		cmd.args(&self.extra_args);
		// Extra node options for experiments, e.g. SEALCHAT_NODE_ARGS="--pool-limit 20000".
		if let Ok(extra) = std::env::var("SEALCHAT_NODE_ARGS") {
			cmd.args(extra.split_whitespace());
		}
		self.child = Some(cmd.spawn().expect("start sealchat-node"));
	}

	pub fn name(&self) -> &str {
		&self.name
	}

	/// The node's process id, while it runs.
	pub fn pid(&self) -> Option<u32> {
		self.child.as_ref().map(Child::id)
	}

	/// The WebSocket JSON-RPC endpoint.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// Connects to the node's RPC server, waiting until it accepts connections.
	/// Fails the test if the process exits first or the deadline passes.
	pub async fn rpc(&mut self, timeout: Duration) -> Rpc {
		let deadline = Instant::now() + timeout;
		loop {
			if let Some(status) = self.try_exit_status() {
				panic!("{} exited with {status} before its RPC server came up\n{}", self.name, self.log_tail(40));
			}
			match WsClientBuilder::default().build(self.ws_url()).await {
				Ok(client) => return Rpc { client, name: self.name.clone() },
				// Not listening yet: the node is still opening its database.
				Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
				Err(e) => panic!("{}: RPC server not reachable: {e}\n{}", self.name, self.log_tail(40)),
			}
		}
	}

	fn try_exit_status(&mut self) -> Option<ExitStatus> {
		self.child.as_mut().and_then(|c| c.try_wait().expect("poll the node process"))
	}

	/// Stops the node the way an operator does (SIGTERM) and waits for it to exit.
	/// Returns its exit status.
	pub fn stop(&mut self) -> ExitStatus {
		let mut child = self.child.take().expect("stop: node is not running");
		let status = Command::new("kill")
			.args(["-TERM", &child.id().to_string()])
			.status()
			.expect("run kill");
		assert!(status.success(), "could not signal {}", self.name);
		let deadline = Instant::now() + Duration::from_secs(60);
		loop {
			if let Some(status) = child.try_wait().expect("poll the node process") {
				return status;
			}
			if Instant::now() > deadline {
				let _ = child.kill();
				let _ = child.wait();
				panic!("{} did not stop within 60 s of SIGTERM\n{}", self.name, self.log_tail(40));
			}
			std::thread::sleep(Duration::from_millis(100));
		}
	}

	/// Kills the node without warning (SIGKILL), as a crash or power loss would.
	pub fn kill(&mut self) {
		let mut child = self.child.take().expect("kill: node is not running");
		child.kill().expect("kill the node");
		child.wait().expect("reap the node");
	}

	/// Starts the node again on the same base path, ports and keys.
	pub fn restart(&mut self) {
		self.spawn();
	}

	/// The last `lines` lines of the node's log.
	pub fn log_tail(&self, lines: usize) -> String {
		let Ok(file) = File::open(&self.log_path) else { return String::new() };
		let all: Vec<String> = BufReader::new(file).lines().map_while(Result::ok).collect();
		let start = all.len().saturating_sub(lines);
		format!("--- last {} lines of {} ---\n{}", all.len() - start, self.log_path.display(), all[start..].join("\n"))
	}

	/// How many times the process was started.
	pub fn starts(&self) -> usize {
		self.starts
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
		if std::thread::panicking() {
			eprintln!("{}", self.log_tail(30));
		}
	}
}

/// The validators of the `local` chain, in the order [`start_local_network`] returns
/// them.
pub const LOCAL_AUTHORITIES: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// Starts the four validators of the `local` chain on loopback (Alice first, the others
/// booting from her) and connects to each; nodes and clients come back in
/// [`LOCAL_AUTHORITIES`] order.
pub async fn start_local_network(dir: &TestDir, startup: std::time::Duration) -> (Vec<Node>, Vec<Rpc>) {
	start_local_network_with(dir, startup, &[]).await
}

/// [`start_local_network`] with extra options for every validator.
pub async fn start_local_network_with(
	dir: &TestDir,
	startup: std::time::Duration,
	args: &[&str],
) -> (Vec<Node>, Vec<Rpc>) {
	let node_key = |i: usize| {
		let mut key = [0u8; 32];
		key[31] = i as u8 + 1;
		key
	};
	let role = |i: usize| Role::LocalValidator { authority: LOCAL_AUTHORITIES[i], node_key: node_key(i) };
	let mut nodes = vec![Node::start_with_args(dir, LOCAL_AUTHORITIES[0], role(0), vec![], args)];
	let first = nodes[0].rpc(startup).await;
	let bootnode = first.bootnode_address(nodes[0].p2p_port).await;
	for (i, name) in LOCAL_AUTHORITIES.iter().enumerate().skip(1) {
		nodes.push(Node::start_with_args(dir, name, role(i), vec![bootnode.clone()], args));
	}
	let mut rpcs = vec![first];
	for node in nodes.iter_mut().skip(1) {
		rpcs.push(node.rpc(startup).await);
	}
	(nodes, rpcs)
}

pub mod abuse;
pub mod cli;
pub mod governance;
pub mod load;
pub mod read;
pub mod tx;
pub mod tui;

/// `0x`-prefixed lowercase hex, as JSON-RPC carries byte strings.
pub fn hex(bytes: &[u8]) -> String {
	format!("0x{}", ::hex::encode(bytes))
}

/// The bytes of `0x`-prefixed hex; panics on anything else (a test failure).
pub fn unhex(s: &str) -> Vec<u8> {
	::hex::decode(s.trim_start_matches("0x")).unwrap_or_else(|e| panic!("not hex ({e}): {s}"))
}

/// A JSON-RPC connection to one node.
pub struct Rpc {
	client: WsClient,
	name: String,
}

/// Parses a hex block number (`"0x1a"`) from a header.
fn header_number(header: &Value) -> u64 {
	let hex = header["number"].as_str().expect("a header has a number");
	u64::from_str_radix(hex.trim_start_matches("0x"), 16).expect("the number is hex")
}

impl Rpc {
	/// The underlying client, for subscriptions.
	pub fn client(&self) -> &WsClient {
		&self.client
	}

	/// Calls `method` and returns its result.
	pub async fn call(&self, method: &str, params: jsonrpsee::core::params::ArrayParams) -> Value {
		self.client
			.request(method, params)
			.await
			.unwrap_or_else(|e| panic!("{}: {method} failed: {e}", self.name))
	}

	/// Calls `method`, which must refuse: the error's code and message.
	pub async fn refusal(&self, method: &str, params: jsonrpsee::core::params::ArrayParams) -> (i32, String) {
		match self.client.request::<Value, _>(method, params).await {
			Err(jsonrpsee::core::ClientError::Call(e)) => (e.code(), e.message().to_string()),
			other => panic!("{}: {method} should have refused, answered {other:?}", self.name),
		}
	}

	/// Number of the best block.
	pub async fn best_number(&self) -> u64 {
		header_number(&self.call("chain_getHeader", rpc_params![]).await)
	}

	/// Hash of the best finalized block.
	pub async fn finalized_hash(&self) -> String {
		self.call("chain_getFinalizedHead", rpc_params![]).await.as_str().expect("a hash").to_string()
	}

	/// Number of the best finalized block.
	pub async fn finalized_number(&self) -> u64 {
		let hash = self.finalized_hash().await;
		header_number(&self.call("chain_getHeader", rpc_params![hash]).await)
	}

	/// Hash of the block at `number` on the node's best chain, if it has one.
	pub async fn block_hash(&self, number: u64) -> Option<String> {
		self.call("chain_getBlockHash", rpc_params![number]).await.as_str().map(str::to_string)
	}

	/// Waits until a block at height `number` or above is finalized and returns that
	/// height. Follows the node's finalized-heads subscription instead of polling.
	pub async fn wait_finalized(&self, number: u64, timeout: Duration) -> u64 {
		// Subscribe before reading the current head, so no head is missed in between.
		let mut heads: Subscription<Value> = self
			.client
			.subscribe("chain_subscribeFinalizedHeads", rpc_params![], "chain_unsubscribeFinalizedHeads")
			.await
			.unwrap_or_else(|e| panic!("{}: subscribe to finalized heads: {e}", self.name));
		let current = self.finalized_number().await;
		if current >= number {
			return current;
		}
		let wait = async {
			while let Some(head) = heads.next().await {
				let head = head.unwrap_or_else(|e| panic!("{}: finalized head: {e}", self.name));
				let n = header_number(&head);
				if n >= number {
					return n;
				}
			}
			panic!("{}: finalized-heads subscription closed", self.name)
		};
		tokio::time::timeout(timeout, wait).await.unwrap_or_else(|_| {
			panic!("{}: block #{number} not finalized within {timeout:?}", self.name)
		})
	}

	/// Waits until the best block is at height `number` or above.
	pub async fn wait_best(&self, number: u64, timeout: Duration) -> u64 {
		let mut heads: Subscription<Value> = self
			.client
			.subscribe("chain_subscribeNewHeads", rpc_params![], "chain_unsubscribeNewHeads")
			.await
			.unwrap_or_else(|e| panic!("{}: subscribe to new heads: {e}", self.name));
		let current = self.best_number().await;
		if current >= number {
			return current;
		}
		let wait = async {
			while let Some(head) = heads.next().await {
				let n = header_number(&head.unwrap_or_else(|e| panic!("{}: new head: {e}", self.name)));
				if n >= number {
					return n;
				}
			}
			panic!("{}: new-heads subscription closed", self.name)
		};
		tokio::time::timeout(timeout, wait)
			.await
			.unwrap_or_else(|_| panic!("{}: block #{number} not imported within {timeout:?}", self.name))
	}

	/// Makes the node at `address` (as [`Rpc::bootnode_address`] gives it) a reserved
	/// peer: with `--reserved-only`, the nodes this node talks to.
	pub async fn add_reserved_peer(&self, address: &str) {
		self.call("system_addReservedPeer", rpc_params![address]).await;
	}

	/// Drops the reserved peer at `address`; with `--reserved-only` it is disconnected.
	pub async fn remove_reserved_peer(&self, address: &str) {
		let peer_id = address.rsplit('/').next().expect("an address ending in /p2p/<peer id>");
		self.call("system_removeReservedPeer", rpc_params![peer_id]).await;
	}

	/// The number of peers the node is connected to.
	pub async fn peers(&self) -> u64 {
		self.call("system_health", rpc_params![]).await["peers"].as_u64().expect("a peer count")
	}

	/// The node's libp2p address for others to use as a bootnode.
	pub async fn bootnode_address(&self, p2p_port: u16) -> String {
		let peer_id = self.call("system_localPeerId", rpc_params![]).await;
		format!("/ip4/127.0.0.1/tcp/{p2p_port}/p2p/{}", peer_id.as_str().expect("a peer id"))
	}
}

/// Connects two `--reserved-only` nodes (`on`), each made the other's reserved peer, or
/// disconnects them; each side is a node's RPC and its [`Rpc::bootnode_address`].
pub async fn link(on: bool, a: (&Rpc, &str), b: (&Rpc, &str)) {
	for ((from, _), (_, to)) in [(a, b), (b, a)] {
		if on {
			from.add_reserved_peer(to).await;
		} else {
			from.remove_reserved_peer(to).await;
		}
	}
}
