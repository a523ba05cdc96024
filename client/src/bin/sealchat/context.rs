//! What every command starts from: the profile, the passphrase (read once, from
//! wherever it comes), the identity, the local database and the session.

use std::io::{IsTerminal, Read};

use anyhow::{Context, Result};
use sealchat::{
	chain::Chain,
	crypto::Identity,
	profile::{Profile, Protection},
	session::Session,
	store::Store,
};
use zeroize::Zeroizing;

use crate::{cli, usage};

/// Where the passphrase comes from, in this order: `--passphrase-fd`, SEALCHAT_PASSPHRASE,
/// a prompt on the terminal (confirmed when `confirm`). `None` when none of them gives
/// one.
pub(crate) fn read_passphrase(fd: Option<u32>, confirm: bool) -> Result<Option<Zeroizing<String>>> {
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
pub(crate) fn read_secret() -> Result<Zeroizing<String>> {
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

pub(crate) struct Ctx {
	pub(crate) cli: cli::Global,
	pub(crate) profile: Profile,
	/// The passphrase, once read (a file descriptor can be read only once).
	pub(crate) passphrase: std::sync::OnceLock<Option<Zeroizing<String>>>,
}

impl Ctx {
	/// The passphrase, from wherever it comes (see [`read_passphrase`]), read once.
	pub(crate) fn passphrase(&self, confirm: bool) -> Result<Option<Zeroizing<String>>> {
		if let Some(known) = self.passphrase.get() {
			return Ok(known.clone());
		}
		let read = read_passphrase(self.cli.passphrase_fd, confirm)?;
		Ok(self.passphrase.get_or_init(|| read).clone())
	}

	/// The passphrase for a new key file: required, unless the user chose none.
	pub(crate) fn new_passphrase(&self, none: bool) -> Result<Option<Zeroizing<String>>> {
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
	pub(crate) fn key_file_passphrase(&self) -> Result<Option<Zeroizing<String>>> {
		match self.profile.protection()? {
			Protection::Passphrase(_) => self.passphrase(false),
			Protection::None => Ok(None),
		}
	}

	/// The profile's identity, unlocked.
	pub(crate) fn identity(&self) -> Result<Identity> {
		let passphrase = self.key_file_passphrase()?;
		Ok(self.profile.load_identity(|| passphrase)?)
	}

	/// The profile's local database, opened with the identity's key.
	pub(crate) fn store(&self, identity: &Identity) -> Result<Store> {
		Ok(Store::open(&self.profile.state_path(), &identity.local_database_key())?)
	}

	pub(crate) async fn session(&self) -> Result<Session> {
		let identity = self.identity()?;
		let chain = Chain::connect(&self.cli.node).await?;
		self.session_with(identity, chain)
	}

	pub(crate) fn session_with(&self, identity: Identity, chain: Chain) -> Result<Session> {
		let mut session = self.quiet_session(identity, chain)?;
		if !self.cli.json {
			crate::output::show_waiting(&mut session);
		}
		Ok(session)
	}

	/// A session that says nothing on the terminal of what it waits for (the interactive
	/// client's status line does).
	pub(crate) fn quiet_session(&self, identity: Identity, chain: Chain) -> Result<Session> {
		let store = self.store(&identity)?;
		let mut session = Session::new(identity, store, chain, self.profile.submit_lock(), self.cli.threads)?;
		session.set_delay_window(std::time::Duration::from_secs(self.cli.delay_window));
		if let Some(records) = self.cli.record_page {
			session.set_record_page(records);
		}
		Ok(session)
	}

	pub(crate) fn print(&self, human: impl std::fmt::Display, json: serde_json::Value) {
		if self.cli.json {
			println!("{json}");
		} else {
			println!("{human}");
		}
	}

	/// Prints a list: `json()` with --json, else `empty` when there is nothing to list,
	/// else one line per item.
	pub(crate) fn print_list<T>(
		&self,
		items: &[T],
		json: impl FnOnce() -> serde_json::Value,
		empty: &str,
		line: impl Fn(&T) -> String,
	) {
		if self.cli.json {
			println!("{}", json());
		} else if items.is_empty() {
			println!("{empty}");
		} else {
			for item in items {
				println!("{}", line(item));
			}
		}
	}
}
