//! One function per command: each sets up what it needs from [`Ctx`], calls the
//! library, and hands the result to [`crate::output`] or [`Ctx::print`].

use std::io::{IsTerminal, Read};

use anyhow::{Context, Result};
use futures::StreamExt;
use sealchat::{
	chain::{Chain, RingPlacement},
	crypto,
	profile::Profile,
	session::Until,
	wire::ChatKind,
};
use serde_json::json;
use zeroize::Zeroizing;

use crate::{
	cli::{ChatCommand, Cli, Command, ContactCommand, GroupCommand},
	context::{read_secret, Ctx},
	output::{
		display_name, invitation_json, invitation_line, message_json, message_line, one_line, progress_bar,
		report_live, report_sync,
	},
	usage,
};

/// Runs the command the command line names.
pub(crate) async fn run(cli: Cli) -> Result<()> {
	let profile = Profile::locate(cli.global.data_dir.clone(), &cli.global.profile)?;
	let ctx = Ctx { cli: cli.global, profile, passphrase: std::sync::OnceLock::new() };
	let Some(command) = cli.command else { return crate::tui::run(&ctx).await };
	match command {
		Command::Tui => crate::tui::run(&ctx).await,
		Command::Register { phrase_stdin, no_passphrase, wait } => register(&ctx, phrase_stdin, no_passphrase, wait).await,
		Command::Login { no_passphrase } => login(&ctx, no_passphrase).await,
		Command::Whoami => whoami(&ctx).await,
		Command::ExportPhrase => export_phrase(&ctx),
		Command::Passphrase { none } => change_passphrase(&ctx, none),
		Command::Chat(ChatCommand::New { with, wait_finalized }) =>
			create(&ctx, ChatKind::Pair, &[with], until(wait_finalized)).await,
		Command::Group(GroupCommand::New { members, wait_finalized }) =>
			create(&ctx, ChatKind::Group, &members, until(wait_finalized)).await,
		Command::Group(GroupCommand::Add { chat, who }) => add_member(&ctx, chat, &who).await,
		Command::Send { chat, text, wait_finalized } => send(&ctx, chat, text, wait_finalized).await,
		Command::Show { chat, last, sync } => show(&ctx, chat, last, sync).await,
		Command::Delete { chat, seq, part } => delete(&ctx, chat, seq, part.as_deref()).await,
		Command::Timer { chat, timer } => set_timer(&ctx, chat, &timer).await,
		Command::Leave { chat } => leave(&ctx, chat).await,
		Command::Chats => chats(&ctx).await,
		Command::Invites => invites(&ctx).await,
		Command::Accept { invitation, wait_finalized } => accept(&ctx, invitation, until(wait_finalized)).await,
		Command::Decline { invitation } => decline(&ctx, invitation).await,
		Command::Sync => sync(&ctx).await,
		Command::Watch => watch(&ctx).await,
		Command::Contact(cmd) => contact(&ctx, cmd),
	}
}

/// Prints the recovery phrase.
fn export_phrase(ctx: &Ctx) -> Result<()> {
	let passphrase = ctx.key_file_passphrase()?;
	let suri = ctx.profile.reveal_secret(|| passphrase)?;
	println!("{}", *suri);
	Ok(())
}

/// Changes the key file's passphrase: the current one from the usual sources, the new
/// one at the terminal (typed twice) unless `none`.
fn change_passphrase(ctx: &Ctx, none: bool) -> Result<()> {
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
}

/// Invites `who` into group `chat`.
async fn add_member(ctx: &Ctx, chat: u64, who: &str) -> Result<()> {
	let mut session = ctx.session().await?;
	let account = session.resolve(who)?;
	session.add_member(chat, &account).await?;
	ctx.print(
		format!("invited {} to chat {chat}", display_name(&session, &account)),
		json!({ "chat": chat, "invited": sealchat::address(&account) }),
	);
	Ok(())
}

/// Sends `text` (or, without it, what stdin gives) to `chat`; returns once it is in a
/// block, or with `wait_finalized` once that block is final.
async fn send(ctx: &Ctx, chat: u64, text: Vec<String>, wait_finalized: bool) -> Result<()> {
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
	let sent = if wait_finalized { session.confirm(sent).await? } else { sent.message };
	let state = if sent.confirmed { "final" } else { "not final yet; the next sync confirms it" };
	ctx.print(
		format!("sent to chat {chat} (block #{}, {state})", sent.block),
		json!({ "chat": chat, "block": sent.block, "seq": sent.seq, "final": sent.confirmed }),
	);
	Ok(())
}

/// Deletes my message `seq` of `chat` (in `part`, given in hex), for every member.
async fn delete(ctx: &Ctx, chat: u64, seq: u32, part: Option<&str>) -> Result<()> {
	let part = match part {
		Some(text) => {
			let bytes = hex::decode(text.trim_start_matches("0x")).ok().and_then(|b| <[u8; 32]>::try_from(b).ok());
			Some(bytes.ok_or_else(|| crate::usage("usage", format!("--part {text}: not the 64 hex digits of a part")))?)
		},
		None => None,
	};
	let mut session = ctx.session().await?;
	let part = session.delete(chat, seq, part).await?;
	ctx.print(
		format!("deleted message {seq} of chat {chat}"),
		json!({ "chat": chat, "deleted": seq, "part": hex::encode(part) }),
	);
	Ok(())
}

/// Sets the disappearing-messages timer of `chat`.
async fn set_timer(ctx: &Ctx, chat: u64, timer: &str) -> Result<()> {
	let timer = sealchat::parse_timer(timer).map_err(|e| crate::usage("bad_timer", e))?;
	let mut session = ctx.session().await?;
	let sent = session.set_timer(chat, timer).await?;
	session.confirm(sent).await?;
	ctx.print(
		format!("disappearing messages in chat {chat}: {}", sealchat::timer_name(timer)),
		json!({ "chat": chat, "disappearing": timer }),
	);
	Ok(())
}

/// Leaves `chat`.
async fn leave(ctx: &Ctx, chat: u64) -> Result<()> {
	let mut session = ctx.session().await?;
	session.leave(chat).await?;
	ctx.print(format!("left chat {chat}"), json!({ "chat": chat, "left": true }));
	Ok(())
}

/// Prints a chat's messages, after a sync with `sync`.
async fn show(ctx: &Ctx, chat: u64, last: Option<usize>, sync: bool) -> Result<()> {
	let mut session = ctx.session().await?;
	if sync {
		let report = session.sync(|_, _| {}).await?;
		// This chat's new messages are in the listing below, once.
		report_sync(ctx, &session, &report, Some(chat));
	}
	// With the messages of others the node has and no sync stored yet, as `watch` shows
	// them: marked until final.
	let ahead = session.look_ahead().await?;
	let mut messages = session.messages_with(chat, Some(&ahead))?;
	if let Some(n) = last {
		messages.drain(..messages.len().saturating_sub(n));
	}
	if let Some(last) = messages.last() {
		session.mark_read(chat, last.block)?;
	}
	ctx.print_list(
		&messages,
		|| json!({ "chat": chat, "messages": messages.iter().map(|m| message_json(&session, m)).collect::<Vec<_>>() }),
		&format!("no messages in chat {chat} yet"),
		|m| message_line(&session, m),
	);
	renew_due(ctx, &mut session).await;
	Ok(())
}

/// Renews the lease of mine whose time came first, if one came (see
/// [`sealchat::renew`]): the commands that only read give it the chance, after their
/// output. Said on stderr; a failure is only a warning, the next command tries again.
async fn renew_due(ctx: &Ctx, session: &mut sealchat::session::Session) {
	match session.renew_due().await {
		Ok(found) if !ctx.cli.json => {
			if let Some(renewal) = found.renewed {
				eprintln!("{}", renewal_line(&renewal));
			}
			if let Some((chat, seq)) = found.deleted {
				eprintln!("{}", disappeared_line(chat, seq));
			}
		},
		Ok(_) => {},
		Err(e) =>
			if !ctx.cli.json {
				eprintln!("warning: a scheduled write (a renewal, or deleting a message whose time came) could not be made now ({e}); the next command tries again");
			},
	}
}

/// A deletion of a message of mine whose time to disappear came, as the CLI says it.
fn disappeared_line(chat: u64, seq: u32) -> String {
	format!("deleted your message {seq} of chat {chat} from the chain: its time to disappear came")
}

/// A renewal, as the CLI says it.
fn renewal_line(renewal: &sealchat::renew::Renewal) -> String {
	let what = match renewal.lease {
		sealchat::wire::Lease::Chat(_) => "chat",
		sealchat::wire::Lease::Part(_) => "my part of chat",
	};
	format!("renewed the lease of {what} {} (now ends in block #{})", renewal.chat, renewal.expires)
}

/// Lists the chats.
async fn chats(ctx: &Ctx) -> Result<()> {
	let mut session = ctx.session().await?;
	let ahead = session.look_ahead().await?;
	let chats = session.chats_with(Some(&ahead))?;
	if ctx.cli.json {
		println!("{}", json!({ "chats": chats }));
	} else if chats.is_empty() {
		println!("no chats yet: `sealchat chat new <address>` starts one, `sealchat sync` finds invitations");
	} else {
		for c in chats {
			let state = match (c.left, c.joined) {
				(true, _) => " (you left)",
				(false, true) => "",
				(false, false) => " (setting up)",
			};
			let mut unread = if c.unread > 0 { format!(" ({} unread)", c.unread) } else { String::new() };
			if c.disappearing.is_some() {
				unread.push_str(&format!(" (disappearing: {})", sealchat::timer_name(c.disappearing)));
			}
			let members: Vec<String> = c.members.iter().map(|m| one_line(m)).collect();
			println!("{:>5}  {:<5}  {}{}{}", c.chat, c.kind, members.join(", "), state, unread);
			if let Some(last) = c.last {
				println!("       {} messages, last: {}", c.messages, one_line(&last));
			}
		}
	}
	renew_due(ctx, &mut session).await;
	Ok(())
}

/// Lists the invitations waiting for an answer.
async fn invites(ctx: &Ctx) -> Result<()> {
	let session = ctx.session().await?;
	let invitations = session.invitations()?;
	ctx.print_list(
		&invitations,
		|| json!({ "invitations": invitations.iter().map(|i| invitation_json(&session, i)).collect::<Vec<_>>() }),
		"no invitations waiting (`sealchat sync` looks for new ones)",
		|i| invitation_line(&session, i),
	);
	Ok(())
}

/// How long a command with `--wait-finalized` waits for its last write.
fn until(wait_finalized: bool) -> Until {
	if wait_finalized { Until::Final } else { Until::InBlock }
}

/// Accepts an invitation: joins its chat.
async fn accept(ctx: &Ctx, invitation: u64, until: Until) -> Result<()> {
	let mut session = ctx.session().await?;
	let chat = session.accept(invitation, until).await?;
	ctx.print(format!("joined chat {chat}"), json!({ "invitation": invitation, "joined": chat }));
	Ok(())
}

/// Declines an invitation.
async fn decline(ctx: &Ctx, invitation: u64) -> Result<()> {
	let session = ctx.session().await?;
	session.decline(invitation)?;
	ctx.print(format!("declined invitation {invitation}"), json!({ "invitation": invitation, "declined": true }));
	Ok(())
}

/// Syncs, showing progress.
async fn sync(ctx: &Ctx) -> Result<()> {
	let mut session = ctx.session().await?;
	let bar = progress_bar(ctx);
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
	report_sync(ctx, &session, &report, None);
	renew_due(ctx, &mut session).await;
	Ok(())
}

/// The address book.
fn contact(ctx: &Ctx, cmd: ContactCommand) -> Result<()> {
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
					println!("{}  {}", one_line(&name), sealchat::address(&account));
				}
			}
		},
	}
	Ok(())
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
		if let RingPlacement::InRing { ring: index, members, .. } = session.wait_in_ring(RING_WAIT).await? {
			ring = json!({ "ring": index, "members": members });
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
	let identity = ctx.profile.prepare_identity(&secret)?;
	// The key file's Argon2id (half a second of one core) is computed while the resync
	// keeps the other cores busy.
	let saving = {
		let (profile, secret, pass) = (ctx.profile.clone(), secret.clone(), pass.clone());
		tokio::task::spawn_blocking(move || profile.save_identity(&secret, pass.as_deref().map(|p| p.as_str())))
	};
	let restored = async {
		let mut session = ctx.session_with(identity, chain)?;
		let restored = session.restore().await?;
		anyhow::Ok((session, restored))
	}
	.await;
	// The key file first, whatever the resync did: without it the profile has no identity.
	saving.await.context("writing the key file")??;
	let (session, (chats, report)) = restored?;
	let address = sealchat::address(&session.me());
	let total = session.chats()?.len();
	let waiting = session.invitations()?.len();
	ctx.print(
		format!(
			"logged in as {address}: {total} chats ({} from your parts), {} messages, {} records scanned, \
			 {waiting} invitations waiting (`sealchat invites`)",
			chats.len(),
			report.messages.len(),
			report.records_scanned
		),
		json!({ "address": address, "chats": total, "messages": report.messages.len(), "invitations": waiting,
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
		Some(RingPlacement::InRing { ring, members, .. }) => {
			human.push_str(&format!("\nring {ring}: one of {members} users"));
			json!({ "ring": ring, "members": members })
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

async fn create(ctx: &Ctx, kind: ChatKind, who: &[String], until: Until) -> Result<()> {
	let mut session = ctx.session().await?;
	let accounts = who.iter().map(|w| session.resolve(w)).collect::<Result<Vec<_>, _>>()?;
	let created = session.create_chat(kind, &accounts, until).await?;
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
	let mut live = sealchat::sync::Live::default();
	// Subscribed before the first look, so no block is missed in between.
	let mut best = Box::pin(session.chain.best_blocks().await?);
	let mut finalized = Box::pin(session.chain.finalized_blocks().await?);
	let update = session.follow(&mut live).await?;
	report_live(ctx, &session, &update);
	if !ctx.cli.json {
		eprintln!("watching the chain (Ctrl-C stops)");
	}
	let closed = || usage("node_request_failed", "the node closed the block subscription");
	let mut lapsed = std::collections::BTreeSet::new();
	loop {
		let new_best = tokio::select! {
			_ = tokio::signal::ctrl_c() => return Ok(()),
			block = best.next() => { block.ok_or_else(closed)??; true },
			block = finalized.next() => { block.ok_or_else(closed)??; false },
		};
		let update = session.follow(&mut live).await?;
		report_live(ctx, &session, &update);
		// Once per block is plenty: a lease is renewed over days, or minutes on a chain
		// whose genesis shortened it.
		if !new_best {
			continue;
		}
		match session.renew_due().await {
			Ok(found) => {
				if let Some((chat, seq)) = found.deleted {
					ctx.print(disappeared_line(chat, seq), json!({ "event": "disappeared", "chat": chat, "seq": seq }));
				}
				if let Some(renewal) = found.renewed {
					let lease = match renewal.lease {
						sealchat::wire::Lease::Chat(_) => "chat",
						sealchat::wire::Lease::Part(_) => "part",
					};
					ctx.print(
						renewal_line(&renewal),
						json!({ "event": "renewed", "chat": renewal.chat, "lease": lease, "expires": renewal.expires }),
					);
				}
				// Said once per lapse: a chat that lapses again after it came back is said again.
				let now_lapsed: std::collections::BTreeSet<_> = found.lapsed.iter().copied().collect();
				for &chat in &now_lapsed {
					if !lapsed.contains(&chat) {
						ctx.print(
							format!(
								"warning: chat {chat} or your part of it has ended on chain \
								 (while the chat lives, your next message to it joins again)"
							),
							json!({ "event": "lapsed", "chat": chat }),
						);
					}
				}
				lapsed = now_lapsed;
			},
			Err(e) => ctx.print(
				format!("warning: a scheduled write (a renewal, or deleting a message whose time came) could not be made now ({e}); trying again"),
				json!({ "event": "renewal_failed", "reason": e.to_string() }),
			),
		}
	}
}
