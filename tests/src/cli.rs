//! Driving the real `sealchat` binary as separate processes, one profile per user, the
//! way people use it.

use std::{
	io::{Read, Write},
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use serde_json::Value;

use crate::TestDir;

/// How long one CLI command may take (every transaction waits for finality).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(180);

/// The CLI under test: `$SEALCHAT_CLI`, or `sealchat` next to the node binary.
pub fn cli_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("SEALCHAT_CLI") {
		return PathBuf::from(path);
	}
	let bin = crate::node_binary().with_file_name("sealchat");
	assert!(bin.exists(), "{} does not exist: build the workspace first or set SEALCHAT_CLI", bin.display());
	bin
}

/// What a command did.
#[derive(Debug)]
pub struct Output {
	pub success: bool,
	pub stdout: String,
	pub stderr: String,
}

impl Output {
	/// The stdout lines parsed as JSON.
	pub fn json_lines(&self) -> Vec<Value> {
		self.stdout
			.lines()
			.filter(|l| !l.trim().is_empty())
			.map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
			.collect()
	}
}

/// One user: a profile directory, a secret URI, the passphrase of its key file and the
/// node the user talks to.
pub struct User {
	pub name: String,
	pub suri: String,
	pub account: [u8; 32],
	pub address: String,
	/// Given to every command through SEALCHAT_PASSPHRASE, as an unattended user would.
	pub passphrase: String,
	dir: PathBuf,
	log: PathBuf,
	node: String,
}

impl User {
	/// A user `name` with the secret URI `suri` (e.g. `//Alice`), talking to `node`.
	pub fn new(test: &TestDir, name: &str, suri: &str, node: &str) -> Self {
		let identity = sealchat::crypto::Identity::from_suri(suri).expect("a valid secret URI");
		Self {
			name: name.into(),
			suri: suri.into(),
			account: identity.account(),
			address: sealchat::address(&identity.account()),
			passphrase: format!("correct horse battery staple of {name}"),
			dir: test.path().join(format!("user-{name}")),
			log: test.path().join(format!("user-{name}.log")),
			node: node.into(),
		}
	}

	/// The same user and profile, giving `passphrase` instead of the right one.
	pub fn with_passphrase(&self, passphrase: &str) -> User {
		User {
			name: self.name.clone(),
			suri: self.suri.clone(),
			account: self.account,
			address: self.address.clone(),
			passphrase: passphrase.into(),
			dir: self.dir.clone(),
			log: self.log.clone(),
			node: self.node.clone(),
		}
	}

	/// The profile directory.
	pub fn dir(&self) -> &Path {
		&self.dir
	}

	/// Talks to another node from now on.
	pub fn set_node(&mut self, node: &str) {
		self.node = node.into();
	}

	/// Starts `sealchat --json <args>` with `stdin` piped in; the caller waits.
	pub fn spawn(&self, args: &[&str]) -> Child {
		self.spawn_with(args, &[])
	}

	/// Starts `sealchat --json <args>` with `env` on top of the user's; the caller waits.
	fn spawn_with(&self, args: &[&str], env: &[(&str, &str)]) -> Child {
		Command::new(cli_binary())
			.arg("--data-dir")
			.arg(&self.dir)
			.args(["--node", &self.node, "--json"])
			.args(args)
			.env("SEALCHAT_PASSPHRASE", &self.passphrase)
			// No random pauses before writes in tests, unless a test asks for them.
			.env("SEALCHAT_DELAY_WINDOW", "0")
			.envs(env.iter().copied())
			.stdin(Stdio::piped())
			.stdout(Stdio::piped())
			.stderr(Stdio::piped())
			.spawn()
			.expect("start the sealchat binary")
	}

	/// Runs `sealchat args` in a terminal of its own, with `env` on top of the user's.
	pub fn in_terminal(&self, args: &[&str], env: &[(&str, &str)]) -> crate::tui::Tui {
		let mut all: Vec<String> =
			vec!["--data-dir".into(), self.dir.to_string_lossy().into_owned(), "--node".into(), self.node.clone()];
		all.extend(args.iter().map(|a| a.to_string()));
		let mut vars = vec![("SEALCHAT_PASSPHRASE", self.passphrase.as_str()), ("SEALCHAT_DELAY_WINDOW", "0")];
		for (key, value) in env {
			vars.retain(|(k, _)| k != key);
			vars.push((key, value));
		}
		crate::tui::Tui::start(&cli_binary(), &all, &vars)
	}

	/// Opens the interactive client (`sealchat tui`) in a terminal of its own.
	pub fn tui(&self) -> crate::tui::Tui {
		let args: Vec<String> = vec![
			"--data-dir".into(),
			self.dir.to_string_lossy().into_owned(),
			"--node".into(),
			self.node.clone(),
			"tui".into(),
		];
		crate::tui::Tui::start(
			&cli_binary(),
			&args,
			&[("SEALCHAT_PASSPHRASE", &self.passphrase), ("SEALCHAT_DELAY_WINDOW", "0")],
		)
	}

	/// Starts `sealchat --json watch`: each line it prints arrives, parsed, on the
	/// receiver. Kill the child to stop it.
	pub fn watch(&self) -> (Child, std::sync::mpsc::Receiver<Value>) {
		use std::io::BufRead;
		let mut child = self.spawn(&["watch"]);
		let stdout = child.stdout.take().expect("piped stdout");
		let (lines, received) = std::sync::mpsc::channel();
		std::thread::spawn(move || {
			for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
				let event = serde_json::from_str(&line).unwrap_or_else(|e| panic!("watch printed non-JSON ({e}): {line}"));
				if lines.send(event).is_err() {
					break;
				}
			}
		});
		(child, received)
	}

	/// Runs `sealchat --json <args>`, feeding `stdin`, and returns what it did.
	pub fn run_with_input(&self, args: &[&str], stdin: &str) -> Output {
		self.run_observed(args, stdin, Some(COMMAND_TIMEOUT), |_| {})
	}

	/// Runs `sealchat --json <args>`, feeding `stdin`, calling `observe(pid)` every 10 ms
	/// while it runs (say, to sample its memory), and returns what it did. Panics when it
	/// outlives `timeout`. The output is read as it comes, so no amount of it blocks the
	/// command, and goes to the user's log.
	pub fn run_observed(&self, args: &[&str], stdin: &str, timeout: Option<Duration>, observe: impl FnMut(u32)) -> Output {
		self.run_in(args, &[], stdin, timeout, observe)
	}

	/// Runs `sealchat --json <args>` with a crash simulated at `step` of its flow
	/// (`SEALCHAT_CRASH_AT`): it must stop dead there, failing, and leave the profile as
	/// that step left it.
	pub fn crashes_at(&self, step: &str, args: &[&str]) {
		let out = self.run_in(args, &[("SEALCHAT_CRASH_AT", step)], "", Some(COMMAND_TIMEOUT), |_| {});
		assert!(!out.success, "{}: `sealchat {}` ran past {step}: {}", self.name, args.join(" "), out.stdout);
	}

	fn run_in(
		&self,
		args: &[&str],
		env: &[(&str, &str)],
		stdin: &str,
		timeout: Option<Duration>,
		mut observe: impl FnMut(u32),
	) -> Output {
		let mut child = self.spawn_with(args, env);
		// A command that exits before reading its input (say, on a bad argument) closes
		// the pipe; its output still tells what happened.
		let mut input = child.stdin.take().expect("piped stdin");
		if let Err(e) = input.write_all(stdin.as_bytes()) {
			assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
		}
		drop(input);
		let drain = |mut pipe: Box<dyn Read + Send>| {
			std::thread::spawn(move || {
				let mut text = String::new();
				pipe.read_to_string(&mut text).expect("read the output");
				text
			})
		};
		let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
		let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
		let started = Instant::now();
		let status = loop {
			observe(child.id());
			if let Some(status) = child.try_wait().expect("wait for sealchat") {
				break status;
			}
			if timeout.is_some_and(|t| started.elapsed() > t) {
				let _ = child.kill();
				panic!("{}: `sealchat {}` did not finish within {timeout:?}", self.name, args.join(" "));
			}
			std::thread::sleep(Duration::from_millis(10));
		};
		let stdout = stdout.join().expect("stdout reader");
		let stderr = stderr.join().expect("stderr reader");
		let mut log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).expect("log file");
		let _ = writeln!(log, "$ sealchat {} -> {status}\n{stdout}{stderr}", args.join(" "));
		Output { success: status.success(), stdout, stderr }
	}

	/// Runs `sealchat --json <args>`.
	pub fn run(&self, args: &[&str]) -> Output {
		self.run_with_input(args, "")
	}

	/// Runs a command that must succeed; returns its JSON lines.
	pub fn ok(&self, args: &[&str]) -> Vec<Value> {
		let out = self.run(args);
		assert!(out.success, "{}: `sealchat {}` failed: {}{}", self.name, args.join(" "), out.stdout, out.stderr);
		out.json_lines()
	}

	/// Runs a command that must fail; returns its error message.
	pub fn fails(&self, args: &[&str]) -> String {
		let out = self.run(args);
		assert!(!out.success, "{}: `sealchat {}` should have failed: {}", self.name, args.join(" "), out.stdout);
		out.stderr
	}

	/// Creates the profile from the user's secret URI and registers the encryption key.
	pub fn register(&self) {
		let out = self.run_with_input(&["register", "--phrase-stdin"], &format!("{}\n", self.suri));
		assert!(out.success, "{}: register failed: {}", self.name, out.stderr);
		assert_eq!(out.json_lines()[0]["address"], self.address.as_str());
	}

	/// Waits until the user's ring key has joined the ring of users (`register --wait`
	/// on the registered profile): creating chats needs it.
	pub fn wait_in_ring(&self) {
		let out = self.run(&["register", "--wait"]);
		assert!(out.success, "{}: register --wait failed: {}", self.name, out.stderr);
		assert!(out.json_lines()[0]["ring"]["members"].as_u64().is_some(), "{}: not in a ring: {}", self.name, out.stdout);
	}

	/// Restores the profile from the secret URI alone.
	pub fn login(&self) -> Value {
		let out = self.run_with_input(&["login"], &format!("{}\n", self.suri));
		assert!(out.success, "{}: login failed: {}", self.name, out.stderr);
		out.json_lines().pop().expect("login prints a summary")
	}

	/// Syncs; returns the summary (`recordsScanned`, `joined`, ...).
	pub fn sync(&self) -> Value {
		let lines = self.ok(&["sync"]);
		lines.into_iter().find(|l| l["event"] == "synced").expect("sync prints a summary")
	}

	/// The pending invitations, as `invites` lists them.
	pub fn invites(&self) -> Vec<Value> {
		self.ok(&["invites"])[0]["invitations"].as_array().expect("invitations").clone()
	}

	/// The number of the pending invitation to `chat`, if there is one.
	pub fn invitation_to(&self, chat: u64) -> Option<u64> {
		self.invites().iter().find(|i| i["chat"] == chat).map(|i| i["invitation"].as_u64().expect("a number"))
	}

	/// Syncs, then accepts the invitation to `chat` it found (the test fails if there is
	/// none): the user joins the chat, and the join is final.
	pub fn join(&self, chat: u64) {
		self.sync();
		let id = self.invitation_to(chat).unwrap_or_else(|| panic!("{}: no invitation to chat {chat}", self.name));
		let out = &self.ok(&["accept", "--wait-finalized", &id.to_string()])[0];
		assert_eq!(out["joined"], chat, "{}: {out}", self.name);
	}

	/// Starts a pair chat with `other`; returns the chat id once the invitation is final.
	pub fn pair_chat(&self, other: &User) -> u64 {
		let created = &self.ok(&["chat", "new", "--wait-finalized", &other.address])[0];
		assert_eq!(created["invited"][0], other.address.as_str());
		created["chat"].as_u64().expect("a chat id")
	}

	/// Starts a group chat with `others`; returns the chat id once the invitations are
	/// final.
	pub fn group_chat(&self, others: &[&User]) -> u64 {
		let mut args = vec!["group", "new", "--wait-finalized"];
		args.extend(others.iter().map(|u| u.address.as_str()));
		let created = &self.ok(&args)[0];
		assert_eq!(created["invited"].as_array().map(Vec::len), Some(others.len()));
		created["chat"].as_u64().expect("a chat id")
	}

	/// Adds `other` to group `chat`.
	pub fn add(&self, chat: u64, other: &User) {
		self.ok(&["group", "add", &chat.to_string(), &other.address]);
	}

	/// Sends `text` to `chat` and waits until it is final (`--wait-finalized`), so that
	/// every later step reads it.
	pub fn send(&self, chat: u64, text: &str) {
		let out = &self.ok(&["send", "--wait-finalized", &chat.to_string(), text])[0];
		assert_eq!(out["final"], true, "{}: {out}", self.name);
	}

	/// Sends `text` to `chat` as users do: `send` returns once the message is in a block,
	/// not final yet. What it printed.
	pub fn send_in_block(&self, chat: u64, text: &str) -> Value {
		self.ok(&["send", &chat.to_string(), text]).remove(0)
	}

	/// The chat's messages as (sender address, text), in the order `show` lists them.
	pub fn show(&self, chat: u64) -> Vec<(String, String)> {
		let out = &self.ok(&["show", &chat.to_string()])[0];
		out["messages"]
			.as_array()
			.expect("messages")
			.iter()
			.map(|m| (m["sender"].as_str().unwrap().to_string(), m["text"].as_str().unwrap().to_string()))
			.collect()
	}

	/// The ids of the user's chats.
	pub fn chats(&self) -> Vec<Value> {
		self.ok(&["chats"])[0]["chats"].as_array().expect("chats").clone()
	}

	/// Deletes every local file of the user.
	pub fn wipe(&self) {
		let _ = std::fs::remove_dir_all(&self.dir);
	}

	/// The user's keys, from the secret URI.
	pub fn identity(&self) -> sealchat::crypto::Identity {
		sealchat::crypto::Identity::from_suri(&self.suri).expect("a valid secret URI")
	}

	/// The user's local database, opened with the key of the user's identity.
	pub fn store(&self) -> sealchat::store::Store {
		sealchat::store::Store::open(&self.dir.join("state.sqlite"), &self.identity().local_database_key())
			.expect("open the user's database")
	}

	/// The chat keys in the user's local database.
	pub fn chat_keys(&self) -> Vec<[u8; 32]> {
		let store = self.store();
		store.chats().expect("read chats").into_iter().map(|c| *c.key.expose()).collect()
	}
}
