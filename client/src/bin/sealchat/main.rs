//! `sealchat`: the command-line client. The library does all the work; this binary
//! parses the command line ([`cli`]), sets up the profile and the session
//! ([`context`]), runs the command ([`commands`]) and prints what it did ([`output`]),
//! or opens the interactive client ([`tui`]).

#![forbid(unsafe_code)]

mod cli;
mod commands;
mod context;
mod output;
mod tui;

use anyhow::Context;
use clap::Parser;
use sealchat::crypto;
use serde_json::json;

use cli::Cli;

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
		runtime.block_on(commands::run(cli))
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
pub(crate) struct UsageError {
	kind: &'static str,
	message: String,
}

impl std::fmt::Display for UsageError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.message)
	}
}

impl std::error::Error for UsageError {}

pub(crate) fn usage(kind: &'static str, message: impl Into<String>) -> anyhow::Error {
	UsageError { kind, message: message.into() }.into()
}
