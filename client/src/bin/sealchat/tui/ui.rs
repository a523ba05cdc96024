//! Drawing the interactive client: the chat list on the left, the history and the
//! composer on the right, the status line at the bottom, windows over them.

use ratatui::{
	layout::{Constraint, Layout, Position, Rect},
	style::{Color, Modifier, Style, Stylize},
	text::{Line, Span, Text},
	widgets::{Block, BorderType, Clear, LineGauge, List, ListItem, ListState, Paragraph, Wrap},
	Frame,
};
use unicode_width::UnicodeWidthChar;

use super::app::{App, Focus, Input, Popup, SyncState};

/// The keys, as the help window lists them.
pub(crate) const KEYS: &[(&str, &str)] = &[
	("Tab / Shift-Tab", "next / previous pane: chats, history, composer"),
	("↑ ↓  j k", "move in the chat list, scroll the history"),
	("PgUp PgDn  g G", "scroll the history; its start, its end"),
	("Enter", "chat list: write to the chat; composer: send"),
	("Alt-Enter  Ctrl-J", "a new line in the message"),
	("↑ ↓ in the composer", "earlier messages sent from here, to edit and send again"),
	("Esc", "leave the composer, close a window"),
	("n  N", "start a pair chat, a group"),
	("a", "add a member to the group shown"),
	("d", "delete a message of yours from the chat shown, by its [number]"),
	("t", "disappearing messages in the chat shown: how long, or off"),
	("L", "leave the chat shown"),
	("i", "invitations: Enter accepts, d declines"),
	("c", "contacts: a adds, d removes, Enter starts a chat"),
	("?", "this help"),
	("q  Ctrl-C", "quit"),
];

const ACCENT: Color = Color::Cyan;

pub(crate) fn draw(frame: &mut Frame, app: &App) {
	let scanning = matches!(app.sync, SyncState::Scanning { .. });
	let [main, progress, status] =
		Layout::vertical([Constraint::Min(3), Constraint::Length(u16::from(scanning)), Constraint::Length(1)])
			.areas(frame.area());
	let list_width = (main.width / 3).clamp(20, 36);
	let [list, right] = Layout::horizontal([Constraint::Length(list_width), Constraint::Min(10)]).areas(main);
	let composer_lines = (app.composer.text().split('\n').count() as u16).clamp(1, 6);
	let [history, composer] =
		Layout::vertical([Constraint::Min(3), Constraint::Length(composer_lines + 2)]).areas(right);

	draw_chats(frame, app, list);
	draw_history(frame, app, history);
	draw_composer(frame, app, composer);
	if let SyncState::Scanning { done, total, per_second } = app.sync {
		let ratio = if total == 0 { 0.0 } else { (done as f64 / total as f64).min(1.0) };
		frame.render_widget(
			LineGauge::default()
				.filled_style(Style::new().fg(ACCENT))
				.label(format!("scanning {done}/{total} records, {per_second:.0}/s"))
				.ratio(ratio),
			progress,
		);
	}
	draw_status(frame, app, status);
	match &app.popup {
		None => {},
		Some(Popup::Help) => draw_help(frame, app),
		Some(Popup::Invitations { selected }) => draw_invitations(frame, app, *selected),
		Some(Popup::Contacts { selected }) => draw_contacts(frame, app, *selected),
		Some(Popup::Prompt(prompt)) => {
			let area = centered(frame.area(), 70, 7);
			frame.render_widget(Clear, area);
			let block = pane("", true).title(" ? ").title_bottom(" Enter: ok  Esc: cancel ");
			let inner = block.inner(area);
			frame.render_widget(block, area);
			let mut lines = vec![Line::from(prompt.kind.question()), Line::from(prompt.input.text().to_string())];
			if let Some(e) = &prompt.error {
				lines.push(Line::from(e.clone()).fg(Color::Red));
			}
			frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
			place_cursor(frame, &prompt.input, Rect { y: inner.y + 1, height: 1, ..inner });
		},
	}
}

fn pane(title: &str, focused: bool) -> Block<'_> {
	let block = Block::bordered().border_type(BorderType::Rounded).title(title);
	if focused {
		block.border_style(Style::new().fg(ACCENT))
	} else {
		block.border_style(Style::new().fg(Color::DarkGray))
	}
}

/// A chat's name in the list: its other members.
fn chat_name(members: &[String]) -> String {
	if members.is_empty() {
		"(only you so far)".into()
	} else {
		members.join(", ")
	}
}

fn draw_chats(frame: &mut Frame, app: &App, area: Rect) {
	let block = pane(" Chats ", app.focus == Focus::Chats);
	if app.snapshot.chats.is_empty() {
		let text = Text::from(vec![
			Line::from("No chats yet."),
			Line::from(""),
			Line::from("n  start a pair chat"),
			Line::from("N  start a group"),
			Line::from(format!("i  invitations ({})", app.snapshot.invitations.len())),
		]);
		frame.render_widget(Paragraph::new(text).block(block).wrap(Wrap { trim: false }), area);
		return;
	}
	let width = area.width.saturating_sub(2) as usize;
	let items: Vec<ListItem> = app
		.snapshot
		.chats
		.iter()
		.map(|chat| {
			let number = format!("#{} ", chat.id);
			let kind = if chat.kind == "group" { "group: " } else { "" };
			let unread = if chat.unread > 0 { format!(" ({})", chat.unread) } else { String::new() };
			// The unread count stays in sight: the name is cut first.
			let room = width.saturating_sub(number.len() + kind.len() + unread.len());
			let head = vec![
				Span::raw(number),
				Span::raw(kind).dim(),
				Span::raw(truncate(&chat_name(&chat.members), room)).bold(),
				Span::raw(unread).fg(ACCENT).bold(),
			];
			let last = match chat.messages.last() {
				_ if chat.left => "you left".to_string(),
				_ if !chat.joined => "setting up...".to_string(),
				Some(m) => format!("{}: {}", m.sender, m.text.replace('\n', " ")),
				None => "no messages yet".into(),
			};
			ListItem::new(vec![Line::from(head), Line::from(truncate(&format!("  {last}"), width)).dim()])
		})
		.collect();
	let mut state = ListState::default().with_selected(app.snapshot.chats.iter().position(|c| Some(c.id) == app.selected));
	let list = List::new(items).block(block).highlight_style(Style::new().add_modifier(Modifier::REVERSED));
	frame.render_stateful_widget(list, area, &mut state);
}

fn draw_history(frame: &mut Frame, app: &App, area: Rect) {
	let title = match app.chat() {
		Some(chat) => match chat.disappearing {
			Some(_) => format!(
				" #{} {}: {} · disappearing after {} ",
				chat.id,
				chat.kind,
				chat_name(&chat.members),
				sealchat::timer_name(chat.disappearing)
			),
			None => format!(" #{} {}: {} ", chat.id, chat.kind, chat_name(&chat.members)),
		},
		None => " SealChat ".into(),
	};
	let block = pane(&title, app.focus == Focus::History);
	let inner = block.inner(area);
	frame.render_widget(block, area);
	let Some(_) = app.chat() else {
		let text = vec![
			Line::from("Welcome to SealChat."),
			Line::from(""),
			Line::from("Give people your address, so that they can invite you:"),
			Line::from(app.me.clone()).fg(ACCENT),
			Line::from(""),
			Line::from("? lists the keys."),
		];
		frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
		return;
	};
	let width = inner.width as usize;
	let mut lines: Vec<Line> = Vec::new();
	let mut day = String::new();
	let history = app.history();
	if history.is_empty() {
		lines.push(Line::from("No messages yet: Enter, then type.").dim());
	}
	for (index, m) in history.iter().enumerate() {
		if let Some((date, _)) = m.sent_at.split_once(' ') {
			if date != day {
				day = date.to_string();
				lines.push(Line::from(format!("── {date} ──")).dim());
			}
		}
		let time = m.sent_at.split_once(' ').map_or("", |(_, t)| t);
		let state = if app.is_outgoing(index) {
			" sending...".to_string()
		} else if !m.confirmed {
			" (not final yet)".to_string()
		} else if let Some(seq) = m.seq {
			format!(" [{seq}]")
		} else {
			String::new()
		};
		let name_style = if m.mine { Style::new().fg(Color::Green).bold() } else { Style::new().fg(ACCENT).bold() };
		let prefix = format!("{time:>5} {}: ", m.sender);
		let indent = 6;
		let body = wrap(&format!("{prefix}{}", m.text), width, indent);
		for (i, text) in body.into_iter().enumerate() {
			let mut spans = Vec::new();
			if i == 0 {
				let rest: String = text.chars().skip(prefix.chars().count()).collect();
				spans.push(Span::raw(format!("{time:>5} ")).dim());
				spans.push(Span::styled(format!("{}: ", m.sender), name_style));
				spans.push(Span::raw(rest));
			} else {
				spans.push(Span::raw(text));
			}
			lines.push(Line::from(spans));
		}
		if !state.is_empty() {
			if let Some(last) = lines.last_mut() {
				last.push_span(Span::raw(state).dim().italic());
			}
		}
	}
	let height = inner.height as usize;
	let back = app.scroll.min(lines.len().saturating_sub(height));
	let start = lines.len().saturating_sub(height + back);
	// Pinned to the bottom: a history shorter than the pane ends at its last row, as a
	// longer one does.
	let shown: Vec<Line> = lines.into_iter().skip(start).take(height).collect();
	let mut pinned = vec![Line::from(""); height.saturating_sub(shown.len())];
	pinned.extend(shown);
	frame.render_widget(Paragraph::new(pinned), inner);
}

fn draw_composer(frame: &mut Frame, app: &App, area: Rect) {
	let focused = app.focus == Focus::Composer;
	let title = match app.chat() {
		Some(chat) if focused => format!(" Message to #{} (Enter sends, Alt-Enter: new line) ", chat.id),
		Some(chat) => format!(" Message to #{} ", chat.id),
		None => " Message ".into(),
	};
	let block = pane(&title, focused);
	let inner = block.inner(area);
	frame.render_widget(block, area);
	let (line, _) = app.composer.cursor();
	let skip = line.saturating_sub(inner.height.saturating_sub(1) as usize);
	let text: Vec<Line> = app.composer.text().split('\n').skip(skip).map(|l| Line::from(l.to_string())).collect();
	frame.render_widget(Paragraph::new(text), inner);
	if focused && app.popup.is_none() {
		let (line, column) = app.composer.cursor();
		let y = inner.y + (line - skip) as u16;
		let x = inner.x + (column as u16).min(inner.width.saturating_sub(1));
		frame.set_cursor_position(Position { x, y });
	}
}

fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
	let mut spans = vec![Span::raw(format!(" {} ", app.node)).reversed()];
	match (&app.connection, app.head) {
		(Some(lost), _) => spans.push(Span::raw(format!(" node lost: {lost}; reconnecting ")).fg(Color::Red)),
		(None, Some((best, finalized))) => spans.push(Span::raw(format!(" best #{best}  final #{finalized} "))),
		(None, None) => spans.push(Span::raw(" connecting... ").dim()),
	}
	if let Some(size) = app.anonymity_set {
		spans.push(Span::raw(format!(" anonymous among {size} user{} ", if size == 1 { "" } else { "s" })).dim());
	}
	let waiting = app.snapshot.invitations.len();
	if waiting > 0 {
		spans.push(Span::raw(format!(" {waiting} invitation{} (i) ", if waiting == 1 { "" } else { "s" })).fg(Color::Yellow));
	}
	for (job, label) in &app.jobs {
		match &app.waiting {
			Some((waiting, what)) if waiting == job => spans.push(Span::raw(format!(" {label}: {what}... ")).dim()),
			_ => spans.push(Span::raw(format!(" {label}... ")).dim()),
		}
	}
	if let Some(e) = &app.error {
		spans.push(Span::raw(format!(" {e} ")).fg(Color::Red).bold());
	} else if let Some(n) = &app.notice {
		spans.push(Span::raw(format!(" {n} ")).fg(Color::Green));
	} else if app.jobs.is_empty() {
		spans.push(Span::raw(" ? help  q quit ").dim());
	}
	frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_help(frame: &mut Frame, app: &App) {
	let area = centered(frame.area(), 76, KEYS.len() as u16 + 5);
	frame.render_widget(Clear, area);
	let mut lines: Vec<Line> = KEYS
		.iter()
		.map(|(keys, what)| Line::from(vec![Span::raw(format!("{keys:>20}  ")).fg(ACCENT).bold(), Span::raw(*what)]))
		.collect();
	lines.push(Line::from(""));
	lines.push(Line::from(format!("Your address: {}", app.me)));
	let block = pane(" Keys ", true).title_bottom(" any key closes ");
	frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}

fn draw_invitations(frame: &mut Frame, app: &App, selected: usize) {
	let lines = app.snapshot.invitations.iter().map(|i| i.line.clone()).collect();
	let window = ListWindow {
		title: " Invitations ",
		keys: " Enter: accept  d: decline  Esc: close ",
		empty: "No invitations waiting. New ones appear here as the chain is followed.",
		width: 90,
	};
	window.draw(frame, lines, selected);
}

fn draw_contacts(frame: &mut Frame, app: &App, selected: usize) {
	let lines = app.snapshot.contacts.iter().map(|(name, address)| format!("{name:<16} {address}")).collect();
	let window = ListWindow {
		title: " Contacts ",
		keys: " Enter: chat  a: add  d: remove  Esc: close ",
		empty: "No contacts yet: a gives an address a nickname.",
		width: 80,
	};
	window.draw(frame, lines, selected);
}

/// A window over the panes that lists lines to choose from.
struct ListWindow {
	title: &'static str,
	/// What the keys do, at its bottom.
	keys: &'static str,
	/// What it says when there is nothing to list.
	empty: &'static str,
	width: u16,
}

impl ListWindow {
	fn draw(&self, frame: &mut Frame, lines: Vec<String>, selected: usize) {
		let area = centered(frame.area(), self.width, 12);
		frame.render_widget(Clear, area);
		let block = pane(self.title, true).title_bottom(self.keys);
		if lines.is_empty() {
			frame.render_widget(Paragraph::new(self.empty).block(block).wrap(Wrap { trim: false }), area);
			return;
		}
		let mut state = ListState::default().with_selected(Some(selected));
		frame.render_stateful_widget(
			List::new(lines.into_iter().map(ListItem::new))
				.block(block)
				.highlight_style(Style::new().add_modifier(Modifier::REVERSED)),
			area,
			&mut state,
		);
	}
}

/// The cursor at `input`'s position in a one-line `area`.
fn place_cursor(frame: &mut Frame, input: &Input, area: Rect) {
	let (_, column) = input.cursor();
	frame.set_cursor_position(Position { x: area.x + (column as u16).min(area.width.saturating_sub(1)), y: area.y });
}

/// A `width` by `height` rectangle in the middle of `area` (smaller if it does not fit).
fn centered(area: Rect, width: u16, height: u16) -> Rect {
	let width = width.min(area.width);
	let height = height.min(area.height);
	Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height }
}

/// `text` cut to `width` columns, with an ellipsis when cut.
fn truncate(text: &str, width: usize) -> String {
	let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
	if total <= width {
		return text.to_string();
	}
	let mut out = String::new();
	let mut used = 0;
	for c in text.chars() {
		let w = c.width().unwrap_or(0);
		if used + w + 1 > width {
			break;
		}
		used += w;
		out.push(c);
	}
	out.push('…');
	out
}

/// `text` in lines of at most `width` columns: broken at spaces where it can, inside a
/// word where a word is longer than a line, and at every newline; the lines after the
/// first are indented by `indent` columns.
pub(crate) fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
	let width = width.max(indent + 8);
	let mut lines = Vec::new();
	let mut first = true;
	for paragraph in text.split('\n') {
		let mut line = if first { String::new() } else { " ".repeat(indent) };
		let mut used = line.len();
		let mut start = true;
		for word in paragraph.split(' ') {
			let word_width: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
			if !start && used + 1 + word_width > width {
				lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
				used = indent;
			} else if !start {
				line.push(' ');
				used += 1;
			}
			for c in word.chars() {
				let w = c.width().unwrap_or(0);
				if used + w > width {
					lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
					used = indent;
				}
				line.push(c);
				used += w;
			}
			start = false;
		}
		lines.push(line);
		first = false;
	}
	lines
}

#[cfg(test)]
mod tests {
	use std::time::Instant;

	use crossterm::event::KeyCode;
	use ratatui::{backend::TestBackend, Terminal};

	use super::{super::app::tests::*, *};
	use crate::tui::engine::{Event, InvitationView, Outcome};

	/// The screen as text, one string per row.
	fn render(app: &App, width: u16, height: u16) -> Vec<String> {
		let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
		terminal.draw(|f| draw(f, app)).unwrap();
		let buffer = terminal.backend().buffer().clone();
		(0..height)
			.map(|y| (0..width).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>().trim_end().to_string())
			.collect()
	}

	fn screen(rows: &[String]) -> String {
		rows.join("\n")
	}

	fn app_with_chats() -> App {
		let mut app = App::new("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY".into(), "ws://127.0.0.1:9944".into());
		app.on_event(Event::Snapshot(chats()), Instant::now());
		app.on_event(Event::Head { best: 42, finalized: 40 }, Instant::now());
		app.on_event(Event::Synced, Instant::now());
		app
	}

	#[test]
	fn empty_profile_shows_the_way_in_and_the_address() {
		let mut app = App::new("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY".into(), "ws://127.0.0.1:9944".into());
		app.on_event(Event::Progress { done: 0, total: 0 }, Instant::now());
		let rows = render(&app, 100, 20);
		let text = screen(&rows);
		assert!(text.contains("No chats yet."), "{text}");
		assert!(text.contains("n  start a pair chat"), "{text}");
		assert!(text.contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"), "{text}");
		assert!(text.contains("connecting..."), "{text}");
		assert!(text.contains("scanning 0/0 records"), "{text}");
	}

	/// A write that waits on purpose says for what in the status line, until the wait is
	/// over.
	#[test]
	fn a_wait_on_purpose_is_shown_in_the_status_line() {
		let mut app = app_with_chats();
		app.jobs.push((1, "accepting invitation 2".into()));
		let status = |app: &App| render(app, 120, 20).last().cloned().unwrap_or_default();
		assert!(status(&app).contains("accepting invitation 2..."), "{}", status(&app));
		let pause = "random pause of 3 s before your part of the chat";
		app.on_event(Event::Waiting { job: 1, what: Some(pause.into()) }, Instant::now());
		assert!(status(&app).contains(&format!("accepting invitation 2: {pause}...")), "{}", status(&app));
		app.on_event(Event::Waiting { job: 1, what: None }, Instant::now());
		assert!(!status(&app).contains(pause), "{}", status(&app));
		app.on_event(Event::Waiting { job: 1, what: Some("your part of the chat: waiting for a block".into()) }, Instant::now());
		app.on_event(Event::Done { job: 1, outcome: Outcome::Done("joined chat 3".into()) }, Instant::now());
		assert!(app.waiting.is_none() && app.jobs.is_empty());
		assert!(status(&app).contains("joined chat 3"), "{}", status(&app));
	}

	#[test]
	fn chat_list_and_history() {
		let app = app_with_chats();
		let rows = render(&app, 100, 20);
		let text = screen(&rows);
		// The list: both chats, the group's unread count, last messages.
		assert!(text.contains("#1 bob"), "{text}");
		assert!(text.contains("#2 group: bob, charlie (2)"), "{text}");
		assert!(text.contains("you: hi bob"), "{text}");
		// The history of the first chat, with the day and times.
		assert!(text.contains("#1 pair: bob"), "{text}");
		assert!(text.contains("── 2026-12-03 ──"), "{text}");
		assert!(text.contains("14:05 bob: hello"), "{text}");
		assert!(text.contains("best #42  final #40"), "{text}");
		assert!(!text.contains("scanning"), "{text}");
		// My anonymity set, once the reader has read my ring.
		assert!(!text.contains("anonymous among"), "{text}");
		let mut app = app;
		app.on_event(Event::AnonymitySet(Some(1024)), Instant::now());
		assert!(screen(&render(&app, 120, 20)).contains("anonymous among 1024 users"));
	}

	/// A short history sits at the bottom of its pane, right above the border, with the
	/// empty rows above it.
	#[test]
	fn a_short_history_is_pinned_to_the_bottom() {
		let app = app_with_chats();
		let rows = render(&app, 100, 30);
		let text = screen(&rows);
		let last = rows.iter().rposition(|r| r.contains("14:05 you: hi bob")).unwrap_or_else(|| panic!("{text}"));
		let day = rows.iter().position(|r| r.contains("── 2026-12-03 ──")).unwrap_or_else(|| panic!("{text}"));
		let title = rows.iter().position(|r| r.contains("#1 pair: bob")).unwrap_or_else(|| panic!("{text}"));
		assert!(rows[last + 1].contains('╰'), "not at the bottom:\n{text}");
		assert!(day > title + 5, "drawn from the top:\n{text}");
	}

	#[test]
	fn a_message_not_final_yet_is_marked_and_long_text_wraps() {
		let mut app = app_with_chats();
		app.on_key(key(KeyCode::Char('j')));
		let mut snapshot = chats();
		snapshot.chats[1].messages.push(message("bob", &"word ".repeat(40), 14, true));
		app.on_event(Event::Snapshot(snapshot), Instant::now());
		let rows = render(&app, 100, 24);
		let text = screen(&rows);
		assert!(text.contains("bob: yes (not final yet)"), "{text}");
		let wrapped = rows.iter().filter(|r| r.contains("word word")).count();
		assert!(wrapped >= 3, "{text}");
	}

	#[test]
	fn composer_shows_the_text_and_what_is_being_sent() {
		let mut app = app_with_chats();
		app.on_key(key(KeyCode::Enter));
		for c in "on my way".chars() {
			app.on_key(key(KeyCode::Char(c)));
		}
		app.on_key(key(KeyCode::Enter));
		for c in "draft".chars() {
			app.on_key(key(KeyCode::Char(c)));
		}
		let text = screen(&render(&app, 100, 20));
		assert!(text.contains("Message to #1 (Enter sends"), "{text}");
		assert!(text.contains("you: on my way sending..."), "{text}");
		assert!(text.contains("draft"), "{text}");
		assert!(text.contains("sending to chat 1..."), "{text}");
	}

	#[test]
	fn invitation_prompt() {
		let mut app = app_with_chats();
		let mut snapshot = chats();
		snapshot.invitations =
			vec![InvitationView { id: 3, line: "invitation 3: pair chat 9 from dave (2 members known), block #7".into() }];
		app.on_event(Event::Snapshot(snapshot), Instant::now());
		let text = screen(&render(&app, 100, 20));
		assert!(text.contains("1 invitation (i)"), "{text}");
		app.on_key(key(KeyCode::Char('i')));
		let text = screen(&render(&app, 100, 20));
		assert!(text.contains("Invitations"), "{text}");
		assert!(text.contains("invitation 3: pair chat 9 from dave"), "{text}");
		assert!(text.contains("Enter: accept  d: decline"), "{text}");
	}

	#[test]
	fn contacts_window_lists_nicknames_or_says_how_to_add_one() {
		let mut app = app_with_chats();
		app.on_key(key(KeyCode::Char('c')));
		let text = screen(&render(&app, 100, 20));
		assert!(text.contains("bob              5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"), "{text}");
		assert!(text.contains("Enter: chat  a: add  d: remove"), "{text}");
		let mut snapshot = chats();
		snapshot.contacts.clear();
		app.on_event(Event::Snapshot(snapshot), Instant::now());
		let text = screen(&render(&app, 100, 20));
		assert!(text.contains("No contacts yet"), "{text}");
	}

	#[test]
	fn errors_show_in_the_status_line() {
		let mut app = app_with_chats();
		app.on_event(Event::Connection(Some("connection refused".into())), Instant::now());
		app.on_event(Event::Error("sync: the node's runtime does not match".into()), Instant::now());
		let text = screen(&render(&app, 140, 20));
		assert!(text.contains("node lost: connection refused; reconnecting"), "{text}");
		assert!(text.contains("sync: the node's runtime does not match"), "{text}");
		// A key clears the error; the connection state stays until it changes.
		app.on_key(key(KeyCode::Char('k')));
		let text = screen(&render(&app, 140, 20));
		assert!(!text.contains("does not match"), "{text}");
		assert!(text.contains("node lost"), "{text}");
	}

	#[test]
	fn help_lists_every_key_and_a_prompt_takes_an_answer() {
		let mut app = app_with_chats();
		app.on_key(key(KeyCode::Char('?')));
		let text = screen(&render(&app, 100, 30));
		for (keys, _) in KEYS {
			assert!(text.contains(keys), "{keys}: {text}");
		}
		app.on_key(key(KeyCode::Esc));
		app.on_key(key(KeyCode::Char('n')));
		for c in "dave".chars() {
			app.on_key(key(KeyCode::Char(c)));
		}
		let text = screen(&render(&app, 100, 30));
		assert!(text.contains("Start a pair chat with"), "{text}");
		assert!(text.contains("dave"), "{text}");
	}

	#[test]
	fn a_long_chat_name_is_cut_before_its_unread_count() {
		let mut app = app_with_chats();
		let mut snapshot = chats();
		snapshot.chats[1].members = (0..8).map(|i| format!("member{i}")).collect();
		app.on_event(Event::Snapshot(snapshot), Instant::now());
		let text = screen(&render(&app, 90, 16));
		assert!(text.contains("#2 group: member0, memb… (2)"), "{text}");
	}

	#[test]
	fn a_small_terminal_does_not_panic() {
		let mut app = app_with_chats();
		for (w, h) in [(1, 1), (10, 4), (30, 8)] {
			render(&app, w, h);
			app.on_key(key(KeyCode::Char('?')));
			render(&app, w, h);
			app.on_key(key(KeyCode::Esc));
		}
	}

	#[test]
	fn wrapping_keeps_words_and_indents() {
		assert_eq!(wrap("ab cd ef", 12, 2), ["ab cd ef"]);
		assert_eq!(wrap("aaaa bbbb cccc", 10, 2), ["aaaa bbbb", "  cccc"]);
		assert_eq!(wrap("x\ny", 10, 3), ["x", "   y"]);
		// A word longer than a line is cut.
		let lines = wrap(&"z".repeat(25), 10, 0);
		assert!(lines.iter().all(|l| l.chars().count() <= 10), "{lines:?}");
		assert_eq!(lines.concat(), "z".repeat(25));
	}
}
