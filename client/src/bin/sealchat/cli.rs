//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Private messaging on the SealChat chain: chat with one person or a group, end-to-end
/// encrypted, without anyone watching the chain learning who talks to whom.
///
/// Start with `sealchat register` (a new account; write down the recovery phrase it
/// shows), give people your address (`sealchat whoami`), then `sealchat chat new
/// <address>` to start a conversation and `sealchat send <chat>` to write. `sealchat
/// sync` or `sealchat watch` picks up invitations and messages; `sealchat invites` lists
/// the invitations waiting for your answer, `sealchat accept N` joins. Your recovery
/// phrase alone restores everything on a new machine (`sealchat login`).
///
/// Without a command, on a terminal, `sealchat` opens the interactive client (`sealchat
/// tui`): your chats, their messages live, a composer, invitations; `?` there lists the
/// keys.
#[derive(Debug, Parser)]
#[command(name = "sealchat", version, about, long_about, max_term_width = 100)]
pub struct Cli {
	#[command(flatten)]
	pub global: Global,

	/// Without one: the interactive client.
	#[command(subcommand)]
	pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
	/// Your own node's WebSocket RPC address.
	#[arg(long, global = true, env = "SEALCHAT_NODE", default_value = "ws://127.0.0.1:9944")]
	pub node: String,

	/// Profile name: each profile has its own keys and chats.
	#[arg(long, global = true, env = "SEALCHAT_PROFILE", default_value = "default")]
	pub profile: String,

	/// Keep the profile in this directory instead of $XDG_DATA_HOME/sealchat/<profile>.
	#[arg(long, global = true, env = "SEALCHAT_DATA_DIR")]
	pub data_dir: Option<PathBuf>,

	/// Print results as JSON (one object per line for `watch`).
	#[arg(long, global = true)]
	pub json: bool,

	/// Connector records fetched per request while syncing (default and most: the
	/// chain's page size).
	#[arg(long, global = true)]
	pub record_page: Option<u32>,

	/// Seconds a random pause before a join (after `accept`) and between the steps of
	/// creating a chat is drawn from: so that your writes do not follow others' by a fixed
	/// time that someone watching the chain could match (0: no pause).
	#[arg(long, global = true, env = "SEALCHAT_DELAY_WINDOW", value_name = "SECONDS", default_value_t = 20)]
	pub delay_window: u64,

	/// Threads for trial decryption (0: one per core).
	#[arg(long, global = true, default_value_t = 0)]
	pub threads: usize,

	/// Read the key file's passphrase from this file descriptor (its first line), for
	/// scripts and `watch` running unattended; SEALCHAT_PASSPHRASE works too; otherwise
	/// it is asked for on the terminal.
	#[arg(long, global = true, value_name = "FD")]
	pub passphrase_fd: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
	/// The interactive client, full screen: chats, live messages, a composer,
	/// invitations and contacts (what `sealchat` with no command opens).
	Tui,
	/// Publish your keys so others can invite you. On a new profile this first creates
	/// your account: a new recovery phrase, shown once, or one read from stdin; the key
	/// file is encrypted under a passphrase you choose.
	Register {
		/// Read the recovery phrase (or a dev URI like //Alice) from stdin instead of
		/// generating one.
		#[arg(long)]
		phrase_stdin: bool,
		/// Keep the key file unencrypted (no passphrase): anyone who can read the
		/// profile directory can then use the account.
		#[arg(long)]
		no_passphrase: bool,
		/// Wait until your key has joined the ring of users (new keys join in batches,
		/// within minutes): only then can you create chats.
		#[arg(long)]
		wait: bool,
	},
	/// Restore your account on this machine from its recovery phrase (read from stdin or
	/// a prompt) and rebuild every chat and message from the chain.
	Login {
		/// Keep the key file unencrypted (no passphrase): anyone who can read the
		/// profile directory can then use the account.
		#[arg(long)]
		no_passphrase: bool,
	},
	/// Change the passphrase of the key file (asks for the new one on the terminal).
	Passphrase {
		/// Remove the passphrase: store the key file unencrypted.
		#[arg(long)]
		none: bool,
	},
	/// Show your address, whether your keys are registered, and whether the key file is
	/// encrypted.
	Whoami,
	/// Print the recovery phrase of this profile (asks for the passphrase if set).
	ExportPhrase,
	/// Pair chats.
	#[command(subcommand)]
	Chat(ChatCommand),
	/// Group chats.
	#[command(subcommand)]
	Group(GroupCommand),
	/// Send a message to a chat. Without TEXT (or with "-") the message is read from
	/// stdin, which keeps it out of the process list and your shell history.
	Send {
		/// The chat's number, as `sealchat chats` lists it.
		chat: u64,
		/// The message. Prefer stdin: words given here are visible to other local users
		/// while the command runs and stay in your shell history.
		#[arg(num_args = 0..)]
		text: Vec<String>,
		/// Return only once the message is final (GRANDPA), not as soon as it is in a
		/// block; until then `show` lists it as not final yet, and the next sync
		/// confirms it.
		#[arg(long)]
		wait_finalized: bool,
	},
	/// Show a chat's messages, all members merged in chain order.
	Show {
		/// The chat's number, as `sealchat chats` lists it.
		chat: u64,
		/// Only the last N messages.
		#[arg(long)]
		last: Option<usize>,
		/// Sync first.
		#[arg(long)]
		sync: bool,
	},
	/// Delete a message of yours from a chat, for every member (it frees room in your
	/// part). SEQ is the number `show` gives your messages (`[n]` at the end of the line,
	/// "seq" in --json).
	Delete {
		/// The chat's number, as `sealchat chats` lists it.
		chat: u64,
		/// The message's number in your part.
		seq: u32,
		/// Which part of yours holds it, in hex ("part" in `show --json`): needed only
		/// when two parts of yours in the chat (after a rotation) have a message SEQ.
		#[arg(long)]
		part: Option<String>,
	},
	/// Set a chat's disappearing messages, for every member: texts sent after it
	/// disappear that long after they were sent (from every member's device, and from the
	/// chain as each sender deletes theirs). `off` turns it off.
	Timer {
		/// The chat's number, as `sealchat chats` lists it.
		chat: u64,
		/// How long messages last: 30m, 8h, 1d, 1w (from 1m to 90d), or off.
		timer: String,
	},
	/// Leave a chat: your last message to it tells every member, and nothing more of
	/// yours is written to it or read from it. Its history stays here.
	Leave {
		/// The chat's number, as `sealchat chats` lists it.
		chat: u64,
	},
	/// List your chats.
	Chats,
	/// List the invitations waiting for your answer.
	Invites,
	/// Accept an invitation: join its chat (after a random pause, see --delay-window).
	Accept {
		/// The invitation's number, as `sealchat invites` lists it.
		invitation: u64,
		/// Return only once the last write is final (GRANDPA), not as soon as it is in a
		/// block.
		#[arg(long)]
		wait_finalized: bool,
	},
	/// Decline an invitation: nothing is sent, and it is no longer listed.
	Decline {
		/// The invitation's number, as `sealchat invites` lists it.
		invitation: u64,
	},
	/// Scan new connector records and fetch new messages; nothing is sent.
	Sync,
	/// Follow the chain and print incoming messages as their blocks arrive (marked until
	/// final, withdrawn if their block is abandoned) and invitations once final (Ctrl-C
	/// stops); nothing is sent.
	Watch,
	/// Your address book: local nicknames for addresses.
	#[command(subcommand)]
	Contact(ContactCommand),
}

#[derive(Debug, Subcommand)]
pub enum ChatCommand {
	/// Start a pair chat with a user (or finish one with them that an earlier command
	/// left unfinished).
	New {
		/// The other user: an SS58 address or a nickname from `sealchat contact`.
		with: String,
		/// Return only once the last write is final (GRANDPA), not as soon as it is in a
		/// block.
		#[arg(long)]
		wait_finalized: bool,
	},
}

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
	/// Start a group chat with these users (or finish one with them that an earlier
	/// command left unfinished).
	New {
		/// The other members: SS58 addresses or nicknames from `sealchat contact`.
		#[arg(required = true, num_args = 1..)]
		members: Vec<String>,
		/// Return only once the last write is final (GRANDPA), not as soon as it is in a
		/// block.
		#[arg(long)]
		wait_finalized: bool,
	},
	/// Add a user to a group chat you are in.
	Add {
		/// The group's number, as `sealchat chats` lists it.
		chat: u64,
		/// The user to add: an SS58 address or a nickname.
		who: String,
	},
}

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
	/// Give an address a nickname.
	Add {
		/// The nickname (any text without spaces is easiest to type).
		name: String,
		/// The user's SS58 address.
		address: String,
	},
	/// Forget a nickname.
	Remove {
		/// The nickname to forget.
		name: String,
	},
	/// List nicknames.
	List,
}

#[cfg(test)]
mod tests {
	use clap::CommandFactory;

	use super::Cli;

	#[test]
	fn the_command_line_is_consistent() {
		Cli::command().debug_assert();
	}

	/// Every command and every argument says what it is for.
	#[test]
	fn every_command_and_argument_has_help() {
		fn check(cmd: &clap::Command, path: &str) {
			for arg in cmd.get_arguments().filter(|a| !["help", "version"].contains(&a.get_id().as_str())) {
				assert!(arg.get_help().is_some(), "{path} {}: no help text", arg.get_id());
			}
			for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
				let path = format!("{path} {}", sub.get_name());
				assert!(sub.get_about().is_some(), "{path}: no help text");
				check(sub, &path);
			}
		}
		check(&Cli::command(), "sealchat");
	}
}
