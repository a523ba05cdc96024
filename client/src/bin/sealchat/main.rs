//! `sealchat`: the command-line client.

#![forbid(unsafe_code)]

mod cli;

use std::io::{IsTerminal, Read};

use anyhow::{Context, Result};
use clap::Parser;
use futures::StreamExt;
use sealchat::{
	chain::{Chain, RingPlacement},
	session::Session,
	sync::SyncReport,
	crypto,
	profile::{Profile, Protection},
	store::{MessageRow, Store},
	wire::ChatKind,
};
use serde_json::json;
use zeroize::Zeroizing;

use cli::{ChatCommand, Cli, Command, ContactCommand, GroupCommand};

fn main() {
	// `--json` asks for machine-readable errors too, including bad arguments.
	let json = std::env::args().any(|a| a == "--json");
	let cli = match Cli::try_parse() {
		Ok(cli) => cli,
		Err(e) if json && e.use_stderr() => fail_json(&e.to_string(), "usage", 2),
		Err(e) => e.exit(),
	};
	let result = crypto::init().map_err(anyhow::Error::from).and_then(|()| {
		let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
		runtime.block_on(run(cli))
	});
	if let Err(e) = result {
		if json {
			fail_json(&format!("{e:#}"), error_kind(&e), 1);
		}
		eprintln!("error: {e:#}");
		std::process::exit(1);
	}
}

/// Prints `{"error": message, "kind": kind}` on stderr and exits with `code`.
fn fail_json(message: &str, kind: &str, code: i32) -> ! {
	eprintln!("{}", json!({ "error": message.trim_end(), "kind": kind }));
	std::process::exit(code);
}

/// The machine-readable kind of an error: that of the library error behind it, if any.
fn error_kind(e: &anyhow::Error) -> &'static str {
	for cause in e.chain() {
		if let Some(e) = cause.downcast_ref::<sealchat::session::ClientError>() {
			return e.kind();
		}
		if let Some(e) = cause.downcast_ref::<sealchat::chain::ChainError>() {
			return e.kind();
		}
		if let Some(e) = cause.downcast_ref::<sealchat::profile::ProfileError>() {
			return e.kind();
		}
		if cause.downcast_ref::<sealchat::store::StoreError>().is_some() {
			return "local_database";
		}
		if cause.downcast_ref::<crypto::CryptoError>().is_some() {
			return "crypto";
		}
		if let Some(e) = cause.downcast_ref::<UsageError>() {
			return e.kind;
		}
	}
	"failed"
}

/// A refusal of the command line's own, with its kind.
#[derive(Debug)]
struct UsageError {
	kind: &'static str,
	message: String,
}

impl std::fmt::Display for UsageError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.message)
	}
}

impl std::error::Error for UsageError {}

fn usage(kind: &'static str, message: impl Into<String>) -> anyhow::Error {
	UsageError { kind, message: message.into() }.into()
}

/// Where the passphrase comes from, in this order: `--passphrase-fd`, SEALCHAT_PASSPHRASE,
/// a prompt on the terminal (confirmed when `confirm`). `None` when none of them gives
/// one.
fn read_passphrase(fd: Option<u32>, confirm: bool) -> Result<Option<Zeroizing<String>>> {
	if let Some(fd) = fd {
		// The descriptor's first line, without its line ending.
		let path = format!("/dev/fd/{fd}");
		let mut text = Zeroizing::new(String::new());
		std::fs::File::open(&path)
			.and_then(|mut f| f.read_to_string(&mut text))
			.with_context(|| format!("reading the passphrase from file descriptor {fd}"))?;
		let line = text.lines().next().unwrap_or("");
		return Ok(Some(Zeroizing::new(line.to_string())));
	}
	if let Ok(p) = std::env::var("SEALCHAT_PASSPHRASE") {
		return Ok(Some(Zeroizing::new(p)));
	}
	if !std::io::stdin().is_terminal() {
		return Ok(None);
	}
	let first = Zeroizing::new(rpassword::prompt_password("Passphrase: ").context("reading the passphrase")?);
	if confirm {
		let second =
			Zeroizing::new(rpassword::prompt_password("Passphrase again: ").context("reading the passphrase")?);
		if *first != *second {
			return Err(usage("passphrase_mismatch", "the passphrases differ"));
		}
	}
	Ok(Some(first))
}

/// A recovery phrase or secret URI from stdin (one line) or, on a terminal, a hidden prompt.
fn read_secret() -> Result<Zeroizing<String>> {
	let secret = if std::io::stdin().is_terminal() {
		Zeroizing::new(rpassword::prompt_password("Recovery phrase: ").context("reading the phrase")?)
	} else {
		let mut text = Zeroizing::new(String::new());
		std::io::stdin().read_to_string(&mut text).context("reading the phrase from stdin")?;
		Zeroizing::new(text.lines().next().unwrap_or("").trim().to_string())
	};
	if secret.is_empty() {
		return Err(usage("no_phrase", "no recovery phrase given"));
	}
	Ok(secret)
}

struct Ctx {
	cli: cli::Global,
	profile: Profile,
	/// The passphrase, once read (a file descriptor can be read only once).
	passphrase: std::sync::OnceLock<Option<Zeroizing<String>>>,
}

impl Ctx {
	/// The passphrase, from wherever it comes (see [`read_passphrase`]), read once.
	fn passphrase(&self, confirm: bool) -> Result<Option<Zeroizing<String>>> {
		if let Some(known) = self.passphrase.get() {
			return Ok(known.clone());
		}
		let read = read_passphrase(self.cli.passphrase_fd, confirm)?;
		Ok(self.passphrase.get_or_init(|| read).clone())
	}

	/// The passphrase for a new key file: required, unless the user chose none.
	fn new_passphrase(&self, none: bool) -> Result<Option<Zeroizing<String>>> {
		if none {
			return Ok(None);
		}
		match self.passphrase(true)? {
			Some(p) if !p.is_empty() => Ok(Some(p)),
			_ => Err(usage(
				"passphrase_needed",
				"a passphrase protects your key file: type one at the prompt, or give it with \
				 SEALCHAT_PASSPHRASE or --passphrase-fd; --no-passphrase stores the key file \
				 unencrypted (anyone who can read the profile can then use your account)",
			)),
		}
	}

	/// The key file's passphrase, read only when the key file is encrypted.
	fn key_file_passphrase(&self) -> Result<Option<Zeroizing<String>>> {
		match self.profile.protection()? {
			Protection::Passphrase(_) => self.passphrase(false),
			Protection::None => Ok(None),
		}
	}

	/// The profile's identity, unlocked.
	fn identity(&self) -> Result<sealchat::crypto::Identity> {
		let passphrase = self.key_file_passphrase()?;
		Ok(self.profile.load_identity(|| passphrase)?)
	}

	/// The profile's local database, opened with the identity's key.
	fn store(&self, identity: &sealchat::crypto::Identity) -> Result<Store> {
		Ok(Store::open(&self.profile.state_path(), &identity.local_database_key())?)
	}

	async fn session(&self) -> Result<Session> {
		let identity = self.identity()?;
		let chain = Chain::connect(&self.cli.node).await?;
		self.session_with(identity, chain)
	}

	fn session_with(&self, identity: sealchat::crypto::Identity, chain: Chain) -> Result<Session> {
		let store = self.store(&identity)?;
		let lock = self.profile.submit_lock().with_notice(|| {
			eprintln!("another sealchat command is sending from this profile; waiting for it to finish")
		});
		let mut session = Session::new(identity, store, chain, lock, self.cli.threads)?;
		if let Some(records) = self.cli.record_page {
			session.set_record_page(records);
		}
		Ok(session)
	}

	fn print(&self, human: impl std::fmt::Display, json: serde_json::Value) {
		if self.cli.json {
			println!("{json}");
		} else {
			println!("{human}");
		}
	}
}

async fn run(cli: Cli) -> Result<()> {
	let profile = Profile::locate(cli.global.data_dir.clone(), &cli.global.profile)?;
	let ctx = Ctx { cli: cli.global, profile, passphrase: std::sync::OnceLock::new() };
	match cli.command {
		Command::Register { phrase_stdin, no_passphrase, wait } => register(&ctx, phrase_stdin, no_passphrase, wait).await,
		Command::Login { no_passphrase } => login(&ctx, no_passphrase).await,
		Command::Whoami => whoami(&ctx).await,
		Command::ExportPhrase => {
			let passphrase = ctx.key_file_passphrase()?;
			let suri = ctx.profile.reveal_secret(|| passphrase)?;
			println!("{}", *suri);
			Ok(())
		},
		Command::Passphrase { none } => {
			// The current passphrase from the usual sources, the new one at the terminal
			// (typed twice) unless --none.
			let current = ctx.key_file_passphrase()?;
			let new = if none {
				None
			} else {
				if !std::io::stdin().is_terminal() {
					return Err(usage("passphrase_needed", "type the new passphrase at a terminal, or choose --none"));
				}
				let first = Zeroizing::new(rpassword::prompt_password("New passphrase: ").context("reading the passphrase")?);
				let second =
					Zeroizing::new(rpassword::prompt_password("New passphrase again: ").context("reading the passphrase")?);
				if *first != *second {
					return Err(usage("passphrase_mismatch", "the passphrases differ"));
				}
				if first.is_empty() {
					return Err(usage("passphrase_needed", "an empty passphrase protects nothing; --none removes it"));
				}
				Some(first)
			};
			ctx.profile.change_passphrase(|| current, new.as_deref().map(|p| p.as_str()))?;
			ctx.print(
				if none { "the key file is now unencrypted".to_string() } else { "passphrase changed".to_string() },
				json!({ "protected": !none }),
			);
			Ok(())
		},
		Command::Chat(ChatCommand::New { with }) => create(&ctx, ChatKind::Pair, &[with]).await,
		Command::Group(GroupCommand::New { members }) => create(&ctx, ChatKind::Group, &members).await,
		Command::Group(GroupCommand::Add { chat, who }) => {
			let mut session = ctx.session().await?;
			let account = session.resolve(&who)?;
			session.add_member(chat, &account).await?;
			ctx.print(
				format!("invited {} to chat {chat}", session.name(&account)),
				json!({ "chat": chat, "invited": sealchat::address(&account) }),
			);
			Ok(())
		},
		Command::Send { chat, text } => {
			let text = if text.is_empty() || (text.len() == 1 && text[0] == "-") {
				if std::io::stdin().is_terminal() {
					eprintln!("Type the message; end it with Ctrl-D on a line of its own.");
				}
				let mut buf = String::new();
				std::io::stdin().read_to_string(&mut buf).context("reading the message from stdin")?;
				buf.trim_end_matches('\n').to_string()
			} else {
				text.join(" ")
			};
			let mut session = ctx.session().await?;
			let sent = session.send(chat, &text).await?;
			ctx.print(
				format!("sent to chat {chat} (block #{})", sent.block),
				json!({ "chat": chat, "block": sent.block, "seq": sent.seq }),
			);
			Ok(())
		},
		Command::Show { chat, last, sync } => {
			let mut session = ctx.session().await?;
			if sync {
				let report = session.sync(|_, _| {}).await?;
				report_sync(&ctx, &session, &report, false);
			}
			let mut messages = session.messages(chat)?;
			if let Some(n) = last {
				messages.drain(..messages.len().saturating_sub(n));
			}
			if ctx.cli.json {
				let list: Vec<_> = messages.iter().map(|m| message_json(&session, m)).collect();
				println!("{}", json!({ "chat": chat, "messages": list }));
			} else if messages.is_empty() {
				println!("no messages in chat {chat} yet");
			} else {
				for m in &messages {
					println!("{}", message_line(&session, m));
				}
			}
			Ok(())
		},
		Command::Chats => {
			let session = ctx.session().await?;
			let chats = session.chats()?;
			if ctx.cli.json {
				println!("{}", json!({ "chats": chats }));
			} else if chats.is_empty() {
				println!("no chats yet: `sealchat chat new <address>` starts one, `sealchat sync` finds invitations");
			} else {
				for c in chats {
					let state = if c.joined { "" } else { " (setting up)" };
					println!("{:>5}  {:<5}  {}{}", c.chat, c.kind, c.members.join(", "), state);
					if let Some(last) = c.last {
						println!("       {} messages, last: {}", c.messages, last);
					}
				}
			}
			Ok(())
		},
		Command::Sync => {
			let mut session = ctx.session().await?;
			let bar = progress_bar(&ctx);
			let json = ctx.cli.json;
			let mut last = 0;
			let report = session
				.sync(|done, total| {
					if let Some(bar) = &bar {
						bar.set_length(total);
						bar.set_position(done);
					}
					if json && done > last {
						last = done;
						println!("{}", json!({ "event": "progress", "scanned": done, "total": total }));
					}
				})
				.await?;
			if let Some(bar) = bar {
				bar.finish_and_clear();
			}
			report_sync(&ctx, &session, &report, true);
			Ok(())
		},
		Command::Watch => watch(&ctx).await,
		Command::Contact(cmd) => {
			let store = ctx.store(&ctx.identity()?)?;
			match cmd {
				ContactCommand::Add { name, address } => {
					let account = sealchat::parse_address(&address).map_err(anyhow::Error::msg)?;
					store.set_contact(&name, &account)?;
					ctx.print(format!("{name} = {address}"), json!({ "name": name, "address": address }));
				},
				ContactCommand::Remove { name } =>
					if !store.remove_contact(&name)? {
						return Err(usage("unknown_contact", format!("no contact named {name}")));
					},
				ContactCommand::List => {
					let contacts = store.contacts()?;
					if ctx.cli.json {
						let list: Vec<_> = contacts
							.iter()
							.map(|(n, a)| json!({ "name": n, "address": sealchat::address(a) }))
							.collect();
						println!("{}", json!({ "contacts": list }));
					} else {
						for (name, account) in contacts {
							println!("{name}  {}", sealchat::address(&account));
						}
					}
				},
			}
			Ok(())
		},
	}
}

async fn register(ctx: &Ctx, phrase_stdin: bool, no_passphrase: bool, wait: bool) -> Result<()> {
	// The node first: a register that cannot reach it writes nothing.
	let chain = Chain::connect(&ctx.cli.node).await?;
	let dir_existed = ctx.profile.dir().exists();
	let files_before = ctx.profile.existing_files();
	let mut new_phrase = None;
	let identity = if ctx.profile.has_identity() {
		ctx.identity()?
	} else {
		// The phrase first: with --phrase-stdin it is stdin's, and the passphrase then
		// comes from elsewhere.
		let (secret, generated) =
			if phrase_stdin { (read_secret()?, false) } else { (crypto::generate_phrase(), true) };
		let pass = ctx.new_passphrase(no_passphrase)?;
		let identity = ctx.profile.save_identity(&secret, pass.as_deref().map(|p| p.as_str()))?;
		if generated {
			new_phrase = Some(secret);
		}
		identity
	};
	let registered = async {
		let session = ctx.session_with(identity, chain)?;
		let fresh = session.register().await?;
		anyhow::Ok((sealchat::address(&session.me()), fresh, session))
	}
	.await;
	let (address, fresh, session) = match registered {
		Ok(done) => done,
		Err(e) => {
			// Leave the profile as it was: remove what this command created.
			for file in ctx.profile.existing_files() {
				if !files_before.contains(&file) {
					let _ = std::fs::remove_file(&file);
				}
			}
			if !dir_existed {
				let _ = std::fs::remove_dir(ctx.profile.dir());
			}
			return Err(e);
		},
	};
	if let Some(phrase) = new_phrase {
		// The one time a secret is shown: the user must write the new phrase down.
		eprintln!("New account. Your recovery phrase (write it down; it is not shown again):\n\n    {}\n", *phrase);
	}
	let mut ring = json!(null);
	if wait {
		if !ctx.cli.json {
			eprintln!("waiting for the key to join the ring of users ...");
		}
		if let RingPlacement::InRing { ring: index, size, .. } = session.wait_in_ring(RING_WAIT).await? {
			ring = json!({ "ring": index, "size": size });
		}
	}
	ctx.print(
		if fresh { format!("registered {address}") } else { format!("{address} was already registered") },
		json!({ "address": address, "registered": true, "new": fresh, "ring": ring }),
	);
	Ok(())
}

/// How long `register --wait` waits for the key to join a ring: the longest onboarding
/// delay plus a margin.
const RING_WAIT: std::time::Duration = std::time::Duration::from_secs(10 * 60);

async fn login(ctx: &Ctx, no_passphrase: bool) -> Result<()> {
	let secret = read_secret()?;
	let pass = ctx.new_passphrase(no_passphrase)?;
	// Check the node before writing anything, so a failed login leaves no half profile.
	let chain = Chain::connect(&ctx.cli.node).await?;
	let identity = ctx.profile.save_identity(&secret, pass.as_deref().map(|p| p.as_str()))?;
	let mut session = ctx.session_with(identity, chain)?;
	let (chats, report) = session.restore().await?;
	let address = sealchat::address(&session.me());
	let total = session.chats()?.len();
	ctx.print(
		format!(
			"logged in as {address}: {total} chats ({} from your parts), {} messages, {} records scanned",
			chats.len(),
			report.messages.len(),
			report.records_scanned
		),
		json!({ "address": address, "chats": total, "messages": report.messages.len(),
			"recordsScanned": report.records_scanned, "recordsExpired": report.records_expired }),
	);
	Ok(())
}

async fn whoami(ctx: &Ctx) -> Result<()> {
	let address = ctx.profile.address()?;
	let chain = Chain::connect(&ctx.cli.node).await?;
	let account = sealchat::parse_address(&address).map_err(anyhow::Error::msg)?;
	let registered = !chain.encryption_keys(&account).await?.is_empty();
	let protected = matches!(ctx.profile.protection()?, sealchat::profile::Protection::Passphrase(_));
	let mut human = address.clone();
	if !registered {
		human.push_str(" (not registered: run `sealchat register`)");
	}
	// The ring key is public: reading where it stands needs no passphrase.
	let ring = match ctx.profile.ring_key()? {
		Some(ring_key) => chain.ring_placement(&ring_key).await?,
		None => None,
	};
	let ring_json = match ring {
		None => json!(null),
		Some(RingPlacement::Queued) => {
			human.push_str("\nring: waiting for the next batch of new users");
			json!({ "queued": true })
		},
		Some(RingPlacement::InRing { ring, size, .. }) => {
			human.push_str(&format!("\nring {ring}: one of {size} users"));
			json!({ "ring": ring, "size": size })
		},
	};
	if !protected {
		human.push_str(&format!(
			"\nthe key file is not encrypted: anyone who can read {} can use this account \
			 (`sealchat passphrase` sets one)",
			ctx.profile.dir().display()
		));
	}
	ctx.print(human, json!({ "address": address, "registered": registered, "protected": protected, "ring": ring_json }));
	Ok(())
}

async fn create(ctx: &Ctx, kind: ChatKind, who: &[String]) -> Result<()> {
	let mut session = ctx.session().await?;
	let accounts = who.iter().map(|w| session.resolve(w)).collect::<Result<Vec<_>, _>>()?;
	let created = session.create_chat(kind, &accounts).await?;
	if ctx.cli.json {
		println!("{}", json!(created));
	} else {
		println!("created chat {}", created.chat);
		for who in &created.invited {
			println!("  invited {who}");
		}
		for (who, why) in &created.failed {
			println!("  could not invite {who}: {why}");
		}
	}
	if !created.failed.is_empty() {
		return Err(usage("invitations_failed", format!("{} invitation(s) failed", created.failed.len())));
	}
	Ok(())
}

async fn watch(ctx: &Ctx) -> Result<()> {
	let mut session = ctx.session().await?;
	let report = session.sync(|_, _| {}).await?;
	report_sync(ctx, &session, &report, false);
	let mut blocks = Box::pin(session.chain.finalized_blocks().await?);
	if !ctx.cli.json {
		eprintln!("watching finalized blocks (Ctrl-C stops)");
	}
	loop {
		tokio::select! {
			_ = tokio::signal::ctrl_c() => return Ok(()),
			block = blocks.next() => {
				match block {
					Some(block) => { block?; },
					None => return Err(usage("node_request_failed", "the node closed the block subscription")),
				}
				let report = session.sync(|_, _| {}).await?;
				report_sync(ctx, &session, &report, false);
			}
		}
	}
}

fn progress_bar(ctx: &Ctx) -> Option<indicatif::ProgressBar> {
	if ctx.cli.json || !std::io::stderr().is_terminal() {
		return None;
	}
	let bar = indicatif::ProgressBar::new(0);
	bar.set_style(
		indicatif::ProgressStyle::with_template("scanning {pos}/{len} records [{bar:30}] {per_sec} {eta}")
			.expect("valid template")
			.progress_chars("=> "),
	);
	Some(bar)
}

/// Prints what a sync found: new messages from others, and with `summary` the counts.
fn report_sync(ctx: &Ctx, session: &Session, report: &SyncReport, summary: bool) {
	let me = session.me();
	if ctx.cli.json {
		for m in report.messages.iter().filter(|m| m.sender != me) {
			println!("{}", json!({ "event": "message", "message": message_json(session, m) }));
		}
		if summary {
			println!(
				"{}",
				json!({ "event": "synced", "block": report.block, "recordsScanned": report.records_scanned,
					"recordsTrialOpened": report.records_trial_opened, "recordsExpired": report.records_expired,
					"joined": report.joined, "invitationsRejected": report.invitations_rejected,
					"newMembers": report.new_members, "newMessages": report.messages.len(),
					"unreadableMessages": report.unreadable_messages, "joinErrors": report.join_errors })
			);
		}
		return;
	}
	for chat in &report.joined {
		println!("joined chat {chat}");
	}
	for (chat, why) in &report.join_errors {
		eprintln!("could not finish joining chat {chat} yet: {why}");
	}
	for m in report.messages.iter().filter(|m| m.sender != me) {
		println!("[chat {}] {}", m.chat, message_line(session, m));
	}
	if summary {
		println!(
			"synced to block #{}: {} records scanned, {} new messages{}",
			report.block,
			report.records_scanned,
			report.messages.len(),
			if report.records_expired > 0 {
				format!("; {} records expired before they could be scanned", report.records_expired)
			} else {
				"; none expired before they could be scanned".into()
			}
		);
	}
}

fn message_json(session: &Session, m: &MessageRow) -> serde_json::Value {
	json!({ "chat": m.chat, "block": m.block, "sentAt": m.sent_at, "sender": sealchat::address(&m.sender),
		"name": session.name(&m.sender), "text": m.text, "seq": m.seq })
}

fn message_line(session: &Session, m: &MessageRow) -> String {
	format!("#{:<6} {}  {}: {}", m.block, utc(m.sent_at), session.name(&m.sender), m.text)
}

/// `YYYY-MM-DD HH:MM` (UTC) of a Unix time in milliseconds.
fn utc(ms: u64) -> String {
	let secs = ms / 1000;
	let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
	// Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
	let z = days + 719_468;
	let era = z.div_euclid(146_097);
	let doe = z - era * 146_097;
	let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
	let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	let mp = (5 * doy + 2) / 153;
	let day = doy - (153 * mp + 2) / 5 + 1;
	let month = if mp < 10 { mp + 3 } else { mp - 9 };
	let year = yoe + era * 400 + i64::from(month <= 2);
	format!("{year:04}-{month:02}-{day:02} {:02}:{:02}", rem / 3600, rem % 3600 / 60)
}
