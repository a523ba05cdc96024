//! The interactive client's state and what each key and each worker event does to it:
//! no terminal and no node here, so all of it is tested directly.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sealchat::wire::{ChatId, ChatKind};

use super::engine::{ChatView, Event, Job, Local, MessageView, Outcome, Snapshot};

/// Which pane the keys go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Focus {
	Chats,
	History,
	Composer,
}

/// A window over the panes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Popup {
	Help,
	Invitations { selected: usize },
	Contacts { selected: usize },
	Prompt(Prompt),
}

/// A one-line question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Prompt {
	pub kind: PromptKind,
	pub input: Input,
	/// Why the last answer was refused.
	pub error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PromptKind {
	NewPair,
	NewGroup,
	AddMember(ChatId),
	AddContact,
	/// Which message of mine to delete from the chat.
	Delete(ChatId),
	/// Whether to leave the chat.
	Leave(ChatId),
	/// The chat's disappearing-messages timer.
	Timer(ChatId),
}

impl PromptKind {
	pub(crate) fn question(self) -> String {
		match self {
			PromptKind::NewPair => "Start a pair chat with (an address or a nickname):".into(),
			PromptKind::NewGroup => "Start a group with (addresses or nicknames, separated by spaces):".into(),
			PromptKind::AddMember(chat) => format!("Add to chat {chat} (an address or a nickname):"),
			PromptKind::AddContact => "New contact (a nickname, a space, then the address):".into(),
			PromptKind::Delete(chat) =>
				format!("Delete which message of yours from chat {chat}, for everyone? (the [number] ending its line):"),
			PromptKind::Timer(chat) =>
				format!("Disappearing messages in chat {chat}, for everyone: how long (30m, 8h, 1d, 1w) or off:"),
			PromptKind::Leave(chat) =>
				format!("Leave chat {chat}? Its members read that you left, and nothing new reaches you. Type yes:"),
		}
	}
}

/// Editable text with a cursor (a byte offset at a character boundary).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Input {
	text: String,
	cursor: usize,
}

impl Input {
	pub(crate) fn text(&self) -> &str {
		&self.text
	}

	pub(crate) fn is_empty(&self) -> bool {
		self.text.is_empty()
	}

	/// The cursor's line and its column in characters.
	pub(crate) fn cursor(&self) -> (usize, usize) {
		let before = &self.text[..self.cursor];
		let line = before.matches('\n').count();
		let column = before.rsplit('\n').next().unwrap_or("").chars().count();
		(line, column)
	}

	pub(crate) fn set(&mut self, text: String) {
		self.cursor = text.len();
		self.text = text;
	}

	pub(crate) fn take(&mut self) -> String {
		self.cursor = 0;
		std::mem::take(&mut self.text)
	}

	fn insert(&mut self, c: char) {
		self.text.insert(self.cursor, c);
		self.cursor += c.len_utf8();
	}

	fn backspace(&mut self) {
		if let Some(c) = self.text[..self.cursor].chars().next_back() {
			self.cursor -= c.len_utf8();
			self.text.remove(self.cursor);
		}
	}

	fn delete(&mut self) {
		if self.cursor < self.text.len() {
			self.text.remove(self.cursor);
		}
	}

	fn left(&mut self) {
		if let Some(c) = self.text[..self.cursor].chars().next_back() {
			self.cursor -= c.len_utf8();
		}
	}

	fn right(&mut self) {
		if let Some(c) = self.text[self.cursor..].chars().next() {
			self.cursor += c.len_utf8();
		}
	}

	/// To the start of the cursor's line.
	fn home(&mut self) {
		self.cursor = self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1);
	}

	/// To the end of the cursor's line.
	fn end(&mut self) {
		self.cursor = self.text[self.cursor..].find('\n').map_or(self.text.len(), |i| self.cursor + i);
	}

	/// Edits with `key`; whether it was an editing key.
	fn edit(&mut self, key: &KeyEvent) -> bool {
		let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
		match key.code {
			KeyCode::Char('a') if ctrl => self.home(),
			KeyCode::Char('e') if ctrl => self.end(),
			KeyCode::Char('u') if ctrl => {
				self.text.drain(..self.cursor);
				self.cursor = 0;
			},
			KeyCode::Char(_) if ctrl => return false,
			KeyCode::Char(c) => self.insert(c),
			KeyCode::Backspace => self.backspace(),
			KeyCode::Delete => self.delete(),
			KeyCode::Left => self.left(),
			KeyCode::Right => self.right(),
			KeyCode::Home => self.home(),
			KeyCode::End => self.end(),
			_ => return false,
		}
		true
	}
}

/// The first sync's progress.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum SyncState {
	Starting,
	Scanning { done: u64, total: u64, per_second: f64 },
	Synced,
}

/// A message being sent: shown at the end of its chat until its block is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Outgoing {
	pub job: u64,
	pub chat: ChatId,
	pub text: String,
}

/// What the main loop does for the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Action {
	Job(u64, Job),
	Local(Local),
	Quit,
}

/// The whole screen's state.
#[derive(Debug)]
pub(crate) struct App {
	/// My address.
	pub me: String,
	/// The node's address.
	pub node: String,
	pub snapshot: Snapshot,
	/// The chat shown, by id (so that a new chat does not move the selection).
	pub selected: Option<ChatId>,
	pub focus: Focus,
	pub composer: Input,
	/// History lines scrolled back from the newest.
	pub scroll: usize,
	pub popup: Option<Popup>,
	/// Best and final block numbers.
	pub head: Option<(u32, u32)>,
	/// How many users my tickets are proved among, once known.
	pub anonymity_set: Option<u32>,
	pub sync: SyncState,
	sync_started: Option<Instant>,
	/// Why the node is not reachable, while it is not.
	pub connection: Option<String>,
	/// The last error, shown until the next key.
	pub error: Option<String>,
	/// The last thing done, shown until the next key.
	pub notice: Option<String>,
	/// Writes under way, with what the status line says of each.
	pub jobs: Vec<(u64, String)>,
	/// What the write under way waits for on purpose, by job.
	pub waiting: Option<(u64, String)>,
	pub outbox: Vec<Outgoing>,
	/// Messages sent from this screen, oldest first, for Up/Down in the composer.
	sent: Vec<String>,
	/// Where Up/Down is in `sent`.
	recall: Option<usize>,
	next_job: u64,
	/// q was pressed once while writes were under way.
	quit_armed: bool,
}

impl App {
	pub(crate) fn new(me: String, node: String) -> Self {
		Self {
			me,
			node,
			snapshot: Snapshot::default(),
			selected: None,
			focus: Focus::Chats,
			composer: Input::default(),
			scroll: 0,
			popup: None,
			head: None,
			anonymity_set: None,
			sync: SyncState::Starting,
			sync_started: None,
			connection: None,
			error: None,
			notice: None,
			jobs: Vec::new(),
			waiting: None,
			outbox: Vec::new(),
			sent: Vec::new(),
			recall: None,
			next_job: 0,
			quit_armed: false,
		}
	}

	/// The chat shown.
	pub(crate) fn chat(&self) -> Option<&ChatView> {
		self.selected.and_then(|id| self.snapshot.chats.iter().find(|c| c.id == id))
	}

	fn chat_index(&self) -> Option<usize> {
		self.selected.and_then(|id| self.snapshot.chats.iter().position(|c| c.id == id))
	}

	/// Shows the chat at `index` of the list.
	fn select(&mut self, index: usize) -> Vec<Action> {
		let Some(chat) = self.snapshot.chats.get(index) else { return vec![] };
		if self.selected != Some(chat.id) {
			self.selected = Some(chat.id);
			self.scroll = 0;
		}
		self.mark_read()
	}

	/// The chat shown is read up to its last message.
	fn mark_read(&mut self) -> Vec<Action> {
		let Some(chat) = self.selected.and_then(|id| self.snapshot.chats.iter_mut().find(|c| c.id == id)) else {
			return vec![];
		};
		if chat.unread == 0 {
			return vec![];
		}
		chat.unread = 0;
		let block = chat.messages.iter().map(|m| m.block).max().unwrap_or(0);
		vec![Action::Local(Local::MarkRead { chat: chat.id, block })]
	}

	fn job(&mut self, job: Job, label: String) -> Action {
		self.next_job += 1;
		self.jobs.push((self.next_job, label));
		Action::Job(self.next_job, job)
	}

	/// What a worker's event changes; `now` times the sync's rate.
	pub(crate) fn on_event(&mut self, event: Event, now: Instant) -> Vec<Action> {
		match event {
			Event::Snapshot(snapshot) => {
				self.snapshot = snapshot;
				if self.chat().is_none() {
					self.selected = self.snapshot.chats.first().map(|c| c.id);
					self.scroll = 0;
				}
				if let Some(Popup::Invitations { selected }) = &mut self.popup {
					*selected = (*selected).min(self.snapshot.invitations.len().saturating_sub(1));
				}
				if let Some(Popup::Contacts { selected }) = &mut self.popup {
					*selected = (*selected).min(self.snapshot.contacts.len().saturating_sub(1));
				}
				return self.mark_read();
			},
			Event::Head { best, finalized } => self.head = Some((best, finalized)),
			Event::AnonymitySet(size) => self.anonymity_set = size,
			Event::Progress { done, total } => {
				let started = *self.sync_started.get_or_insert(now);
				let seconds = now.duration_since(started).as_secs_f64();
				let per_second = if seconds > 0.0 { done as f64 / seconds } else { 0.0 };
				if self.sync != SyncState::Synced {
					self.sync = SyncState::Scanning { done, total, per_second };
				}
			},
			Event::Synced => self.sync = SyncState::Synced,
			Event::Connection(state) => self.connection = state,
			Event::Error(e) => self.error = Some(e),
			Event::Waiting { job, what } => self.waiting = what.map(|what| (job, what)),
			Event::Done { job, outcome } => {
				self.jobs.retain(|(j, _)| *j != job);
				self.waiting.take_if(|(j, _)| *j == job);
				let outgoing = self.outbox.iter().position(|o| o.job == job).map(|i| self.outbox.remove(i));
				match outcome {
					Outcome::Sent(chat, message) => {
						// Shown at once; the reader's next snapshot has it from the database.
						if let Some(view) = self.snapshot.chats.iter_mut().find(|c| c.id == chat) {
							if !view.messages.contains(&message) {
								view.messages.push(message);
							}
						}
					},
					Outcome::Done(said) => self.notice = Some(said),
					Outcome::Failed(why) => match outgoing {
						// Nothing typed is lost: the text comes back to the composer.
						Some(o) if self.composer.is_empty() => {
							self.composer.set(o.text);
							self.error = Some(format!("not sent: {why}; the text is back in the composer"));
						},
						Some(_) => self.error = Some(format!("not sent: {why}; Up in the composer recalls it")),
						None => self.error = Some(why),
					},
				}
			},
		}
		vec![]
	}

	/// What a key does.
	pub(crate) fn on_key(&mut self, key: KeyEvent) -> Vec<Action> {
		let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
		if ctrl && key.code == KeyCode::Char('c') {
			return vec![Action::Quit];
		}
		self.error = None;
		self.notice = None;
		if self.popup.is_some() {
			return self.on_popup_key(key);
		}
		if self.focus == Focus::Composer {
			return self.on_composer_key(key);
		}
		let chats = self.snapshot.chats.len();
		match key.code {
			KeyCode::Char('q') => {
				if !self.jobs.is_empty() && !self.quit_armed {
					self.quit_armed = true;
					self.notice = Some("a write is still under way and would be cut short: q again quits anyway".into());
					return vec![];
				}
				return vec![Action::Quit];
			},
			KeyCode::Char('?') => self.popup = Some(Popup::Help),
			KeyCode::Tab => self.focus = if self.focus == Focus::Chats { Focus::History } else { Focus::Composer },
			KeyCode::BackTab => self.focus = if self.focus == Focus::History { Focus::Chats } else { Focus::Composer },
			KeyCode::Char('i') => self.popup = Some(Popup::Invitations { selected: 0 }),
			KeyCode::Char('c') => self.popup = Some(Popup::Contacts { selected: 0 }),
			KeyCode::Char('n') => self.prompt(PromptKind::NewPair),
			KeyCode::Char('N') => self.prompt(PromptKind::NewGroup),
			KeyCode::Char('a') => match self.chat() {
				Some(chat) if chat.kind == "group" => {
					let id = chat.id;
					self.prompt(PromptKind::AddMember(id));
				},
				Some(_) => self.error = Some("members are added to groups only; N starts a group".into()),
				None => self.error = Some("no chat selected".into()),
			},
			KeyCode::Char(c @ ('d' | 't' | 'L')) => match self.chat() {
				Some(chat) if chat.left => self.error = Some(format!("you left chat {}", chat.id)),
				Some(chat) => {
					let id = chat.id;
					self.prompt(match c {
						'd' => PromptKind::Delete(id),
						't' => PromptKind::Timer(id),
						_ => PromptKind::Leave(id),
					});
				},
				None => self.error = Some("no chat selected".into()),
			},
			KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right if self.focus == Focus::Chats =>
				self.focus = Focus::Composer,
			KeyCode::Down | KeyCode::Char('j') if self.focus == Focus::Chats && chats > 0 => {
				let next = self.chat_index().map_or(0, |i| (i + 1).min(chats - 1));
				return self.select(next);
			},
			KeyCode::Up | KeyCode::Char('k') if self.focus == Focus::Chats && chats > 0 => {
				let next = self.chat_index().map_or(0, |i| i.saturating_sub(1));
				return self.select(next);
			},
			KeyCode::Up | KeyCode::Char('k') => self.scroll += 1,
			KeyCode::Down | KeyCode::Char('j') => self.scroll = self.scroll.saturating_sub(1),
			KeyCode::PageUp => self.scroll += 10,
			KeyCode::PageDown => self.scroll = self.scroll.saturating_sub(10),
			KeyCode::Char('g') | KeyCode::Home if self.focus == Focus::History => self.scroll = usize::MAX / 2,
			KeyCode::Char('G') | KeyCode::End if self.focus == Focus::History => self.scroll = 0,
			KeyCode::Esc | KeyCode::Left | KeyCode::Char('h') if self.focus == Focus::History => self.focus = Focus::Chats,
			_ => {},
		}
		vec![]
	}

	fn prompt(&mut self, kind: PromptKind) {
		self.popup = Some(Popup::Prompt(Prompt { kind, input: Input::default(), error: None }));
	}

	fn on_composer_key(&mut self, key: KeyEvent) -> Vec<Action> {
		let newline = match key.code {
			KeyCode::Enter => key.modifiers.intersects(KeyModifiers::ALT | KeyModifiers::SHIFT),
			KeyCode::Char('j') => key.modifiers.contains(KeyModifiers::CONTROL),
			_ => false,
		};
		if newline {
			self.composer.insert('\n');
			return vec![];
		}
		match key.code {
			KeyCode::Enter => return self.send(),
			KeyCode::Esc => self.focus = Focus::Chats,
			KeyCode::Tab => self.focus = Focus::Chats,
			KeyCode::BackTab => self.focus = Focus::History,
			KeyCode::PageUp => self.scroll += 10,
			KeyCode::PageDown => self.scroll = self.scroll.saturating_sub(10),
			KeyCode::Up if self.composer.is_empty() || self.recall.is_some() => {
				let at = self.recall.map_or(self.sent.len(), |i| i).checked_sub(1);
				if let Some(at) = at {
					self.recall = Some(at);
					self.composer.set(self.sent[at].clone());
				}
			},
			KeyCode::Down if self.recall.is_some() => {
				let at = self.recall.map_or(0, |i| i + 1);
				if at < self.sent.len() {
					self.recall = Some(at);
					self.composer.set(self.sent[at].clone());
				} else {
					self.recall = None;
					self.composer.take();
				}
			},
			_ => {
				if self.composer.edit(&key) {
					self.recall = None;
				}
			},
		}
		vec![]
	}

	/// Sends the composer's text to the chat shown.
	fn send(&mut self) -> Vec<Action> {
		let text = self.composer.text().trim_end_matches('\n').to_string();
		if text.trim().is_empty() {
			return vec![];
		}
		let Some(chat) = self.chat() else {
			self.error = Some("no chat to send to: n starts a pair chat, i lists invitations".into());
			return vec![];
		};
		if chat.left {
			self.error = Some(format!("you left chat {}: nothing more is sent to it", chat.id));
			return vec![];
		}
		let chat = chat.id;
		self.composer.take();
		self.recall = None;
		if self.sent.last() != Some(&text) {
			self.sent.push(text.clone());
		}
		self.scroll = 0;
		let action = self.job(Job::Send { chat, text: text.clone() }, format!("sending to chat {chat}"));
		let Action::Job(job, _) = &action else { unreachable!("job() makes a job; qed") };
		self.outbox.push(Outgoing { job: *job, chat, text });
		vec![action]
	}

	fn on_popup_key(&mut self, key: KeyEvent) -> Vec<Action> {
		let Some(popup) = self.popup.take() else { return vec![] };
		let close = matches!(key.code, KeyCode::Esc | KeyCode::Char('q'));
		match popup {
			Popup::Help => {},
			Popup::Invitations { selected } => {
				let count = self.snapshot.invitations.len();
				let chosen = self.snapshot.invitations.get(selected).map(|i| i.id);
				match (key.code, chosen) {
					_ if close || key.code == KeyCode::Char('i') => {},
					(KeyCode::Down | KeyCode::Char('j'), _) =>
						self.popup = Some(Popup::Invitations { selected: (selected + 1).min(count.saturating_sub(1)) }),
					(KeyCode::Up | KeyCode::Char('k'), _) =>
						self.popup = Some(Popup::Invitations { selected: selected.saturating_sub(1) }),
					(KeyCode::Enter | KeyCode::Char('a'), Some(id)) => {
						let action = self.job(Job::Accept(id), format!("joining (invitation {id})"));
						return vec![action];
					},
					(KeyCode::Char('d'), Some(id)) => {
						self.popup = Some(Popup::Invitations { selected });
						self.notice = Some(format!("declined invitation {id}"));
						return vec![Action::Local(Local::Decline(id))];
					},
					_ => self.popup = Some(Popup::Invitations { selected }),
				}
			},
			Popup::Contacts { selected } => {
				let count = self.snapshot.contacts.len();
				let chosen = self.snapshot.contacts.get(selected).map(|(name, _)| name.clone());
				match (key.code, chosen) {
					_ if close || key.code == KeyCode::Char('c') => {},
					(KeyCode::Down | KeyCode::Char('j'), _) =>
						self.popup = Some(Popup::Contacts { selected: (selected + 1).min(count.saturating_sub(1)) }),
					(KeyCode::Up | KeyCode::Char('k'), _) =>
						self.popup = Some(Popup::Contacts { selected: selected.saturating_sub(1) }),
					(KeyCode::Char('a'), _) => self.prompt(PromptKind::AddContact),
					(KeyCode::Char('d'), Some(name)) => {
						self.popup = Some(Popup::Contacts { selected });
						return vec![Action::Local(Local::RemoveContact(name))];
					},
					(KeyCode::Enter, Some(name)) => {
						let action =
							self.job(Job::Create { kind: ChatKind::Pair, with: vec![name.clone()] }, format!("starting a chat with {name}"));
						return vec![action];
					},
					_ => self.popup = Some(Popup::Contacts { selected }),
				}
			},
			Popup::Prompt(mut prompt) => {
				if key.code == KeyCode::Esc {
					return vec![];
				}
				if key.code != KeyCode::Enter {
					prompt.input.edit(&key);
					prompt.error = None;
					self.popup = Some(Popup::Prompt(prompt));
					return vec![];
				}
				let words: Vec<String> = prompt.input.text().split_whitespace().map(str::to_string).collect();
				let answer = match (prompt.kind, words.len()) {
					(_, 0) => Err("type an answer, or Esc to cancel".to_string()),
					(PromptKind::NewPair, 1) => Ok(self.job(
						Job::Create { kind: ChatKind::Pair, with: words.clone() },
						format!("starting a chat with {}", words[0]),
					)),
					(PromptKind::NewGroup, _) =>
						Ok(self.job(Job::Create { kind: ChatKind::Group, with: words }, "starting a group".into())),
					(PromptKind::AddMember(chat), 1) => Ok(self.job(
						Job::AddMember { chat, who: words[0].clone() },
						format!("inviting {} to chat {chat}", words[0]),
					)),
					(PromptKind::AddContact, 2) => match sealchat::parse_address(&words[1]) {
						Ok(_) => {
							self.notice = Some(format!("{} = {}", words[0], words[1]));
							Ok(Action::Local(Local::SetContact { name: words[0].clone(), address: words[1].clone() }))
						},
						Err(e) => Err(format!("{}: {e}", words[1])),
					},
					(PromptKind::AddContact, _) => Err("a nickname without spaces, then the address".into()),
					(PromptKind::Delete(chat), 1) => match words[0].trim_matches(|c| c == '[' || c == ']').parse::<u32>() {
						Ok(seq) => Ok(self.job(Job::Delete { chat, seq }, format!("deleting message {seq} of chat {chat}"))),
						Err(_) => Err(format!("{}: not a message number ([n] ends each line of yours)", words[0])),
					},
					(PromptKind::Delete(_), _) => Err("one message number".into()),
					(PromptKind::Timer(chat), 1) => match sealchat::parse_timer(&words[0]) {
						Ok(timer) => Ok(self.job(
							Job::Timer { chat, timer },
							format!("setting disappearing messages in chat {chat} to {}", sealchat::timer_name(timer)),
						)),
						Err(e) => Err(e),
					},
					(PromptKind::Timer(_), _) => Err("one time (30m, 8h, 1d, 1w), or off".into()),
					(PromptKind::Leave(chat), 1) if words[0].eq_ignore_ascii_case("yes") =>
						Ok(self.job(Job::Leave(chat), format!("leaving chat {chat}"))),
					(PromptKind::Leave(_), _) => Err("type yes to leave, or Esc to stay".into()),
					_ => Err("one address or nickname".into()),
				};
				match answer {
					Ok(action) => {
						if matches!(prompt.kind, PromptKind::AddContact) {
							self.popup = Some(Popup::Contacts { selected: 0 });
						}
						return vec![action];
					},
					Err(why) => {
						prompt.error = Some(why);
						self.popup = Some(Popup::Prompt(prompt));
					},
				}
			},
		}
		vec![]
	}

	/// Messages of the chat shown, with those being sent at the end.
	pub(crate) fn history(&self) -> Vec<MessageView> {
		let Some(chat) = self.chat() else { return vec![] };
		let mut messages = chat.messages.clone();
		for o in self.outbox.iter().filter(|o| o.chat == chat.id) {
			messages.push(MessageView {
				sender: "you".into(),
				mine: true,
				sent_at: String::new(),
				text: o.text.clone(),
				block: 0,
				confirmed: false,
				seq: None,
			});
		}
		messages
	}

	/// Whether the message at `index` of [`App::history`] is still being sent.
	pub(crate) fn is_outgoing(&self, index: usize) -> bool {
		let Some(chat) = self.chat() else { return false };
		index >= chat.messages.len()
	}
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;

	pub(crate) fn key(code: KeyCode) -> KeyEvent {
		KeyEvent::new(code, KeyModifiers::NONE)
	}

	pub(crate) fn message(sender: &str, text: &str, block: u32, confirmed: bool) -> MessageView {
		MessageView {
			sender: sender.into(),
			mine: sender == "you",
			sent_at: "2026-12-03 14:05".into(),
			text: text.into(),
			block,
			confirmed,
			seq: None,
		}
	}

	pub(crate) fn chats() -> Snapshot {
		Snapshot {
			chats: vec![
				ChatView {
					id: 1,
					kind: "pair",
					joined: true,
					left: false,
					disappearing: None,
					members: vec!["bob".into()],
					unread: 0,
					messages: vec![message("bob", "hello", 10, true), message("you", "hi bob", 11, true)],
				},
				ChatView {
					id: 2,
					kind: "group",
					joined: true,
					left: false,
					disappearing: None,
					members: vec!["bob".into(), "charlie".into()],
					unread: 2,
					messages: vec![message("charlie", "lunch?", 12, true), message("bob", "yes", 13, false)],
				},
			],
			invitations: vec![],
			contacts: vec![("bob".into(), "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty".into())],
		}
	}

	fn app() -> App {
		let mut app = App::new("5Grw".into(), "ws://127.0.0.1:9944".into());
		app.on_event(Event::Snapshot(chats()), Instant::now());
		app
	}

	fn typed(app: &mut App, text: &str) -> Vec<Action> {
		text.chars().flat_map(|c| app.on_key(key(KeyCode::Char(c)))).collect()
	}

	#[test]
	fn the_first_chat_is_shown_and_moving_marks_the_next_read() {
		let mut app = app();
		assert_eq!(app.selected, Some(1));
		assert_eq!(app.on_key(key(KeyCode::Char('j'))), [Action::Local(Local::MarkRead { chat: 2, block: 13 })]);
		assert_eq!(app.selected, Some(2));
		assert_eq!(app.chat().unwrap().unread, 0);
		// At the end of the list it stays; back up needs no mark (nothing unread).
		assert!(app.on_key(key(KeyCode::Down)).is_empty());
		assert!(app.on_key(key(KeyCode::Char('k'))).is_empty());
		assert_eq!(app.selected, Some(1));
	}

	#[test]
	fn t_sets_the_timer_d_deletes_a_message_by_its_number_and_leaving_asks_first() {
		let mut app = app();
		app.on_key(key(KeyCode::Char('t')));
		typed(&mut app, "1y");
		assert!(app.on_key(key(KeyCode::Enter)).is_empty(), "not a timer");
		app.on_key(key(KeyCode::Esc));
		app.on_key(key(KeyCode::Char('t')));
		typed(&mut app, "1d");
		assert_eq!(app.on_key(key(KeyCode::Enter)), [Action::Job(1, Job::Timer { chat: 1, timer: Some(86_400) })]);
		app.on_key(key(KeyCode::Char('d')));
		assert!(matches!(&app.popup, Some(Popup::Prompt(p)) if p.kind == PromptKind::Delete(1)));
		typed(&mut app, "two");
		assert!(app.on_key(key(KeyCode::Enter)).is_empty(), "not a number");
		assert!(matches!(&app.popup, Some(Popup::Prompt(p)) if p.error.is_some()));
		for _ in 0..3 {
			app.on_key(key(KeyCode::Backspace));
		}
		typed(&mut app, "[4]");
		assert_eq!(app.on_key(key(KeyCode::Enter)), [Action::Job(2, Job::Delete { chat: 1, seq: 4 })]);

		app.on_key(key(KeyCode::Char('L')));
		typed(&mut app, "no");
		assert!(app.on_key(key(KeyCode::Enter)).is_empty(), "only yes leaves");
		app.on_key(key(KeyCode::Esc));
		assert!(app.popup.is_none());
		app.on_key(key(KeyCode::Char('L')));
		typed(&mut app, "yes");
		assert_eq!(app.on_key(key(KeyCode::Enter)), [Action::Job(3, Job::Leave(1))]);

		// A chat left takes no message, delete or leave.
		app.snapshot.chats[0].left = true;
		assert!(app.on_key(key(KeyCode::Char('d'))).is_empty());
		assert!(app.popup.is_none() && app.error.is_some());
		app.on_key(key(KeyCode::Enter));
		typed(&mut app, "still there?");
		assert!(app.on_key(key(KeyCode::Enter)).is_empty());
		assert!(app.error.as_deref().is_some_and(|e| e.contains("nothing more is sent")), "{:?}", app.error);
		// Nor a timer or a leaving.
		app.on_key(key(KeyCode::Esc));
		for c in ['t', 'L'] {
			assert!(app.on_key(key(KeyCode::Char(c))).is_empty());
			assert!(app.popup.is_none() && app.error.as_deref() == Some("you left chat 1"), "{c}");
		}
		assert_eq!(app.composer.text(), "still there?", "nothing typed is lost");
	}

	#[test]
	fn enter_sends_what_was_typed_and_a_failure_gives_it_back() {
		let mut app = app();
		app.on_key(key(KeyCode::Enter));
		assert_eq!(app.focus, Focus::Composer);
		// q is text in the composer, not quit.
		assert!(typed(&mut app, "quite ").is_empty());
		app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT));
		typed(&mut app, "two lines");
		assert_eq!(app.composer.cursor(), (1, 9));
		let actions = app.on_key(key(KeyCode::Enter));
		assert_eq!(actions, [Action::Job(1, Job::Send { chat: 1, text: "quite \ntwo lines".into() })]);
		assert!(app.composer.is_empty());
		assert_eq!(app.history().last().unwrap().text, "quite \ntwo lines");
		assert!(app.is_outgoing(app.history().len() - 1));
		assert_eq!(app.jobs.len(), 1);
		app.on_event(Event::Done { job: 1, outcome: Outcome::Failed("the node is gone".into()) }, Instant::now());
		assert_eq!(app.composer.text(), "quite \ntwo lines");
		assert!(app.error.as_deref().unwrap().contains("the node is gone"));
		assert!(app.jobs.is_empty() && app.outbox.is_empty());
	}

	#[test]
	fn a_sent_message_shows_at_once_and_up_recalls_it() {
		let mut app = app();
		app.focus = Focus::Composer;
		typed(&mut app, "first");
		app.on_key(key(KeyCode::Enter));
		let sent = message("you", "first", 20, false);
		app.on_event(Event::Done { job: 1, outcome: Outcome::Sent(1, sent.clone()) }, Instant::now());
		assert_eq!(app.history().last(), Some(&sent));
		assert!(!app.is_outgoing(app.history().len() - 1));
		app.on_key(key(KeyCode::Up));
		assert_eq!(app.composer.text(), "first");
		app.on_key(key(KeyCode::Down));
		assert!(app.composer.is_empty());
		// Nothing to send: nothing sent.
		assert!(app.on_key(key(KeyCode::Enter)).is_empty());
	}

	/// A send needs a chat; one still being set up takes it (the send finishes the join
	/// first).
	#[test]
	fn sending_needs_a_chat() {
		let mut app = App::new("5Grw".into(), "ws://x".into());
		app.focus = Focus::Composer;
		typed(&mut app, "hello");
		assert!(app.on_key(key(KeyCode::Enter)).is_empty());
		assert!(app.error.as_deref().unwrap().starts_with("no chat"));
		assert_eq!(app.composer.text(), "hello");
		let mut snapshot = chats();
		snapshot.chats[0].joined = false;
		app.on_event(Event::Snapshot(snapshot), Instant::now());
		let actions = app.on_key(key(KeyCode::Enter));
		assert!(matches!(actions.as_slice(), [Action::Job(_, Job::Send { text, .. })] if text == "hello"), "{actions:?}");
		assert!(app.composer.is_empty());
	}

	#[test]
	fn invitations_are_accepted_or_declined() {
		let mut app = app();
		let mut snapshot = chats();
		snapshot.invitations = vec![
			super::super::engine::InvitationView { id: 4, line: "invitation 4".into() },
			super::super::engine::InvitationView { id: 5, line: "invitation 5".into() },
		];
		app.on_event(Event::Snapshot(snapshot), Instant::now());
		app.on_key(key(KeyCode::Char('i')));
		assert_eq!(app.on_key(key(KeyCode::Char('d'))), [Action::Local(Local::Decline(4))]);
		app.on_key(key(KeyCode::Char('j')));
		assert_eq!(app.on_key(key(KeyCode::Enter)), [Action::Job(1, Job::Accept(5))]);
		assert!(app.popup.is_none());
		// q with a write under way asks first.
		assert!(app.on_key(key(KeyCode::Char('q'))).is_empty());
		assert_eq!(app.on_key(key(KeyCode::Char('q'))), [Action::Quit]);
	}

	#[test]
	fn prompts_refuse_bad_answers_and_keep_them() {
		let mut app = app();
		app.on_key(key(KeyCode::Char('c')));
		app.on_key(key(KeyCode::Char('a')));
		typed(&mut app, "carol not-an-address");
		assert!(app.on_key(key(KeyCode::Enter)).is_empty());
		let Some(Popup::Prompt(prompt)) = &app.popup else { panic!("the prompt stays: {:?}", app.popup) };
		assert!(prompt.error.is_some());
		assert_eq!(prompt.input.text(), "carol not-an-address");
		app.on_key(key(KeyCode::Esc));
		assert!(app.popup.is_none());
		// A group of two.
		app.on_key(key(KeyCode::Char('N')));
		typed(&mut app, "bob  charlie");
		assert_eq!(
			app.on_key(key(KeyCode::Enter)),
			[Action::Job(1, Job::Create { kind: ChatKind::Group, with: vec!["bob".into(), "charlie".into()] })]
		);
		// Members join groups only.
		assert!(app.on_key(key(KeyCode::Char('a'))).is_empty());
		assert!(app.error.is_some() && app.popup.is_none());
	}

	#[test]
	fn progress_gives_a_rate() {
		let mut app = App::new("5Grw".into(), "ws://x".into());
		let start = Instant::now();
		app.on_event(Event::Progress { done: 0, total: 1000 }, start);
		app.on_event(Event::Progress { done: 500, total: 1000 }, start + std::time::Duration::from_secs(2));
		assert_eq!(app.sync, SyncState::Scanning { done: 500, total: 1000, per_second: 250.0 });
		app.on_event(Event::Synced, start);
		assert_eq!(app.sync, SyncState::Synced);
	}

	#[test]
	fn editing_moves_by_characters() {
		let mut input = Input::default();
		for c in "héllo".chars() {
			input.insert(c);
		}
		input.left();
		input.left();
		input.left();
		input.backspace();
		assert_eq!(input.text(), "hllo");
		input.home();
		input.delete();
		input.end();
		input.insert('!');
		assert_eq!(input.text(), "llo!");
		assert_eq!(input.cursor(), (0, 4));
	}
}
