//! The interactive client (`sealchat` on a terminal, or `sealchat tui`): a chat list, a
//! scrolling history, a composer and live updates, full screen. [`app`] is its state,
//! [`ui`] draws it, [`engine`] runs the library in the background.

mod app;
mod engine;
mod ui;

use std::io::IsTerminal;

use anyhow::{Context, Result};
use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use futures::StreamExt;
use ratatui::DefaultTerminal;
use sealchat::{chain::Chain, crypto::Identity, session::Session};
use tokio::sync::mpsc;

use crate::{context::Ctx, usage};
use app::{Action, App};
use engine::Event;

/// Runs the interactive client until the user quits. The key file is unlocked (a
/// passphrase asked for) and the node reached before the screen is taken over, so that
/// those errors are plain lines on the terminal.
pub(crate) async fn run(ctx: &Ctx) -> Result<()> {
	if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
		return Err(usage(
			"no_terminal",
			"the interactive client needs a terminal; `sealchat --help` lists the commands for scripts",
		));
	}
	let passphrase = ctx.key_file_passphrase()?;
	let secret = ctx.profile.reveal_secret(|| passphrase)?;
	let reader = session(ctx, Identity::from_suri(secret.as_str())?).await?;
	let writer = session(ctx, Identity::from_suri(secret.as_str())?).await?;
	drop(secret);
	let me = sealchat::address(&reader.me());

	let mut terminal = ratatui::try_init().context("taking over the terminal")?;
	let result = interact(&mut terminal, ctx, me, reader, writer).await;
	let _ = terminal.show_cursor();
	ratatui::restore();
	result
}

/// A session of its own, without notices on the terminal (the status line says what is
/// under way).
async fn session(ctx: &Ctx, identity: Identity) -> Result<Session> {
	let chain = Chain::connect(&ctx.cli.node).await?;
	ctx.quiet_session(identity, chain)
}

/// The screen's loop, with the workers beside it; ends when the user quits.
async fn interact(terminal: &mut DefaultTerminal, ctx: &Ctx, me: String, reader: Session, writer: Session) -> Result<()> {
	let (events_tx, mut events) = mpsc::unbounded_channel::<Event>();
	let (changes_tx, changes) = mpsc::unbounded_channel();
	let (jobs_tx, jobs) = mpsc::unbounded_channel();
	let node = ctx.cli.node.clone();
	let workers = async {
		tokio::join!(
			engine::reader(reader, node.clone(), changes, events_tx.clone()),
			engine::writer(writer, node.clone(), jobs, changes_tx.clone(), events_tx.clone()),
		)
	};
	let screen = async {
		let mut app = App::new(me, ctx.cli.node.clone());
		let mut keys = EventStream::new();
		loop {
			terminal.draw(|frame| ui::draw(frame, &app)).context("drawing")?;
			let mut actions = tokio::select! {
				key = keys.next() => match key {
					Some(Ok(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => app.on_key(key),
					// A resize, focus or mouse event: drawn again.
					Some(Ok(_)) => vec![],
					Some(Err(e)) => return Err(anyhow::Error::from(e).context("reading the terminal")),
					None => return Ok(()),
				},
				event = events.recv() => match event {
					Some(event) => app.on_event(event, std::time::Instant::now()),
					None => vec![],
				},
			};
			// What else has arrived is taken in before drawing again.
			while let Ok(event) = events.try_recv() {
				actions.extend(app.on_event(event, std::time::Instant::now()));
			}
			for action in actions {
				match action {
					Action::Quit => return Ok(()),
					Action::Job(id, job) => drop(jobs_tx.send((id, job))),
					Action::Local(change) => drop(changes_tx.send(change)),
				}
			}
		}
	};
	tokio::select! {
		result = screen => result,
		_ = workers => Ok(()),
	}
}
