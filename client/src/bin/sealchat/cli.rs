//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Private chat on the SealChat chain: nobody watching the chain can tell who talks to
/// whom. Everything is read from your own node.
#[derive(Debug, Parser)]
#[command(name = "sealchat", version, about, max_term_width = 100)]
pub struct Cli {
	#[command(flatten)]
	pub global: Global,

	#[command(subcommand)]
	pub command: Command,
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

	/// Connector records fetched per request while syncing (at most 2048).
	#[arg(long, global = true, default_value_t = 2048)]
	pub record_page: u32,

	/// Threads for trial decryption (0: one per core).
	#[arg(long, global = true, default_value_t = 0)]
	pub threads: usize,
}

#[derive(Debug, Subcommand)]
pub enum Command {
	/// Publish your encryption key so others can invite you. On a new profile this first
	/// creates your account: a new recovery phrase, shown once, or one read from stdin.
	Register {
		/// Read the recovery phrase (or a dev URI like //Alice) from stdin instead of
		/// generating one.
		#[arg(long)]
		phrase_stdin: bool,
		/// Encrypt the key file with a passphrase (SEALCHAT_PASSPHRASE or a prompt).
		#[arg(long)]
		encrypt: bool,
	},
	/// Restore your account on this machine from its recovery phrase (read from stdin or
	/// a prompt) and rebuild every chat and message from the chain.
	Login {
		/// Encrypt the key file with a passphrase (SEALCHAT_PASSPHRASE or a prompt).
		#[arg(long)]
		encrypt: bool,
	},
	/// Show your address and whether your key is registered.
	Whoami,
	/// Print the recovery phrase of this profile (asks for the passphrase if set).
	ExportPhrase,
	/// Pair chats.
	#[command(subcommand)]
	Chat(ChatCommand),
	/// Group chats.
	#[command(subcommand)]
	Group(GroupCommand),
	/// Send a message to a chat ("-" reads the text from stdin).
	Send {
		chat: u64,
		#[arg(required = true, num_args = 1..)]
		text: Vec<String>,
	},
	/// Show a chat's messages, all members merged in chain order.
	Show {
		chat: u64,
		/// Only the last N messages.
		#[arg(long)]
		last: Option<usize>,
		/// Sync first.
		#[arg(long)]
		sync: bool,
	},
	/// List your chats.
	Chats,
	/// Scan new connector records and fetch new messages.
	Sync,
	/// Follow finalized blocks and print incoming messages as they arrive (Ctrl-C stops).
	Watch,
	/// Your address book: local nicknames for addresses.
	#[command(subcommand)]
	Contact(ContactCommand),
}

#[derive(Debug, Subcommand)]
pub enum ChatCommand {
	/// Start a pair chat with a user (address or nickname).
	New { with: String },
}

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
	/// Start a group chat with these users (addresses or nicknames).
	New {
		#[arg(required = true, num_args = 1..)]
		members: Vec<String>,
	},
	/// Add a user to a group chat you are in.
	Add { chat: u64, who: String },
}

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
	/// Give an address a nickname.
	Add { name: String, address: String },
	/// Forget a nickname.
	Remove { name: String },
	/// List nicknames.
	List,
}
