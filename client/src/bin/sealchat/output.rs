//! How results are shown: one line of text per fact for people, one JSON object per
//! line with `--json`.

use std::io::IsTerminal;

use sealchat::{
	session::{Session, Waiting},
	store::{InvitationRow, MessageRow},
	sync::{LiveUpdate, SyncReport},
	wire::{Body, ChatId, ChatKind},
};
use serde_json::json;

use crate::context::Ctx;

pub(crate) fn progress_bar(ctx: &Ctx) -> Option<indicatif::ProgressBar> {
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

/// Has `session` tell the user, on stderr, what a command waits for on purpose: a spinner
/// line on a terminal, cleared when the wait is over; a plain line otherwise.
pub(crate) fn show_waiting(session: &mut Session) {
	let terminal = std::io::stderr().is_terminal();
	let shown: std::sync::Mutex<Option<indicatif::ProgressBar>> = std::sync::Mutex::new(None);
	session.on_waiting(move |waiting| {
		let mut shown = shown.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		if let Some(spinner) = shown.take() {
			spinner.finish_and_clear();
		}
		let Some(waiting) = waiting else { return };
		if !terminal {
			eprintln!("{}", waiting_line(waiting));
			return;
		}
		let spinner = indicatif::ProgressBar::new_spinner();
		spinner.set_style(
			indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"),
		);
		spinner.set_message(waiting_line(waiting));
		spinner.tick();
		spinner.enable_steady_tick(std::time::Duration::from_millis(120));
		*shown = Some(spinner);
	});
}

/// What a command waits for, and about how long.
pub(crate) fn waiting_line(waiting: &Waiting) -> String {
	match waiting {
		Waiting::Pause { next, length } => format!(
			"pausing {} s before {next}: a random pause, so that the chain's timing does not link your writes \
			 (--delay-window sets its window)",
			length.as_secs_f64().round()
		),
		Waiting::Block { what, until_final: false } => format!("waiting for {what} to be in a block (about 2 s)"),
		Waiting::Block { what, until_final: true } => format!("waiting for {what} to be final (about 5 s)"),
		Waiting::Lock => "another sealchat command is sending from this profile; waiting for it to finish".into(),
	}
}

/// [`waiting_line`] for a status line.
pub(crate) fn waiting_short(waiting: &Waiting) -> String {
	match waiting {
		Waiting::Pause { next, length } => format!("random pause of {} s before {next}", length.as_secs_f64().round()),
		Waiting::Block { what, until_final: false } => format!("{what}: waiting for a block"),
		Waiting::Block { what, until_final: true } => format!("{what}: waiting for finality"),
		Waiting::Lock => "waiting for another sealchat command of this profile".into(),
	}
}

/// Prints what a sync found: invitations, new messages from others, my messages that
/// were not delivered, and the counts; before the listing of chat `listing`, neither
/// that chat's messages (the listing has them) nor the counts.
pub(crate) fn report_sync(ctx: &Ctx, session: &Session, report: &SyncReport, listing: Option<ChatId>) {
	report_found(ctx, session, report);
	let others: Vec<MessageRow> = report.messages.iter().filter(|m| Some(m.chat) != listing).cloned().collect();
	report_messages(ctx, session, "message", &others);
	if listing.is_some() {
		return;
	}
	if ctx.cli.json {
		let invitations: Vec<_> = report.invitations.iter().map(|i| i.id).collect();
		println!(
			"{}",
			json!({ "event": "synced", "block": report.block, "recordsScanned": report.records_scanned,
				"recordsTrialOpened": report.records_trial_opened, "recordsExpired": report.records_expired,
				"invitations": invitations, "invitationsRejected": report.invitations_rejected,
				"newMembers": report.new_members, "newMessages": report.messages.len(),
				"unreadableMessages": report.unreadable_messages, "deletedMessages": report.deleted_messages,
				"undelivered": report.undelivered.len() })
		);
		return;
	}
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

/// Prints what moved in a live view: a sync's invitations and undelivered messages,
/// then others' new messages (marked until final), confirmations and withdrawals.
pub(crate) fn report_live(ctx: &Ctx, session: &Session, update: &LiveUpdate) {
	if let Some(report) = &update.sync {
		report_found(ctx, session, report);
	}
	report_messages(ctx, session, "message", &update.new);
	report_messages(ctx, session, "confirmed", &update.confirmed);
	report_messages(ctx, session, "retracted", &update.retracted);
}

/// A sync's invitations and my undelivered messages.
fn report_found(ctx: &Ctx, session: &Session, report: &SyncReport) {
	for i in &report.invitations {
		if ctx.cli.json {
			println!("{}", json!({ "event": "invitation", "invitation": invitation_json(session, i) }));
		} else {
			println!("new {} (`sealchat accept {}` joins, `sealchat decline {}` declines)", invitation_line(session, i), i.id, i.id);
		}
	}
	for m in &report.undelivered {
		if ctx.cli.json {
			println!("{}", json!({ "event": "undelivered", "message": message_json(session, m) }));
		} else {
			println!(
				"[chat {}] NOT DELIVERED (its block was abandoned for another fork), send it again: {}",
				m.chat,
				message_line(session, m)
			);
		}
	}
}

/// Others' messages, as `event`: "message" (new), "confirmed" (now final) or
/// "retracted" (its block abandoned).
fn report_messages(ctx: &Ctx, session: &Session, event: &str, messages: &[MessageRow]) {
	let me = session.me();
	for m in messages.iter().filter(|m| m.sender != me) {
		if ctx.cli.json {
			println!("{}", json!({ "event": event, "message": message_json(session, m) }));
			continue;
		}
		match event {
			"confirmed" => println!("[chat {}] final: {}", m.chat, message_line(session, m)),
			"retracted" => println!("[chat {}] WITHDRAWN (its block was abandoned): {}", m.chat, message_line(session, m)),
			_ => println!("[chat {}] {}", m.chat, message_line(session, m)),
		}
	}
}

pub(crate) fn invitation_json(session: &Session, i: &InvitationRow) -> serde_json::Value {
	json!({ "invitation": i.id, "chat": i.chat, "kind": kind_name(i.kind), "inviter": sealchat::address(&i.inviter),
		"name": session.name(&i.inviter), "membersKnown": i.parts.len() + 1, "block": i.block })
}

pub(crate) fn invitation_line(session: &Session, i: &InvitationRow) -> String {
	format!(
		"invitation {}: {} chat {} from {} ({} members known), block #{}",
		i.id,
		kind_name(i.kind),
		i.chat,
		display_name(session, &i.inviter),
		i.parts.len() + 1,
		i.block
	)
}

fn kind_name(kind: ChatKind) -> &'static str {
	match kind {
		ChatKind::Pair => "pair",
		ChatKind::Group => "group",
	}
}

pub(crate) fn message_json(session: &Session, m: &MessageRow) -> serde_json::Value {
	let (kind, text, timer) = match &m.body {
		Body::Text(text) => ("text", text.as_str(), None),
		Body::Left => ("left", "", None),
		Body::Timer(timer) => ("timer", "", *timer),
	};
	json!({ "chat": m.chat, "block": m.block, "sentAt": m.sent_at, "sender": sealchat::address(&m.sender),
		"name": session.name(&m.sender), "kind": kind, "text": text, "timer": timer, "expiresAt": m.expires_at,
		"seq": m.seq, "part": hex::encode(m.part), "final": m.confirmed })
}

/// A message as one entry of a listing: `#block date  sender: text`, the text's lines after
/// the first indented, so that no line of a message passes for a message of its own. A
/// message of mine that is final ends with its number (`[n]`), which `sealchat delete`
/// takes. A member's leaving, or setting the chat's timer, is a line of its own:
/// `#block date  * sender left the chat`.
pub(crate) fn message_line(session: &Session, m: &MessageRow) -> String {
	match &m.body {
		Body::Text(text) => {
			let line = entry(m.block, m.sent_at, &session.name(&m.sender), text, m.confirmed);
			if m.confirmed && m.sender == session.me() { format!("{line}  [{}]", m.seq) } else { line }
		},
		other => notice_line(session, m, &sealchat::session::deed(other)),
	}
}

/// A line that tells what a member did: `#block date  * sender did`.
fn notice_line(session: &Session, m: &MessageRow, did: &str) -> String {
	let (block, at, who) = (m.block, utc(m.sent_at), one_line(&session.name(&m.sender)));
	format!("#{block:<6} {at}  * {who} {did}{}", unconfirmed_mark(m.confirmed))
}

fn entry(block: u32, sent_at: u64, name: &str, text: &str, confirmed: bool) -> String {
	let text = printable(text).replace('\n', "\n        ");
	format!("#{block:<6} {}  {}: {text}{}", utc(sent_at), one_line(name), unconfirmed_mark(confirmed))
}

fn unconfirmed_mark(confirmed: bool) -> &'static str {
	if confirmed { "" } else { "  (not final yet)" }
}

/// `text` as a terminal may be given it: every character that could start an escape
/// sequence, move the cursor (carriage return, backspace, tab) or reorder what follows
/// (the bidirectional-text controls) is shown as its `\u{…}` escape; newlines stay, for
/// the caller to lay out. Text from other users (messages, and names, which a user
/// chooses) passes through here before it is shown.
pub(crate) fn printable(text: &str) -> String {
	let mut out = String::with_capacity(text.len());
	for c in text.chars() {
		if c != '\n' && (c.is_control() || is_layout_control(c)) {
			out.extend(c.escape_unicode());
		} else {
			out.push(c);
		}
	}
	out
}

/// How `account` is shown in a line of text: the user's own name for it, or its address,
/// on one line and [`printable`] (a nickname is whatever the user or an invitation chose).
pub(crate) fn display_name(session: &Session, account: &sealchat::crypto::AccountBytes) -> String {
	one_line(&session.name(account))
}

/// [`printable`] on one line: newlines become spaces.
pub(crate) fn one_line(text: &str) -> String {
	printable(text).replace('\n', " ")
}

/// The characters that change how the text around them is laid out without being
/// control characters: the bidirectional marks, embeddings, overrides and isolates, and
/// the line and paragraph separators.
fn is_layout_control(c: char) -> bool {
	matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `YYYY-MM-DD HH:MM` (UTC) of a Unix time in milliseconds.
pub(crate) fn utc(ms: u64) -> String {
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

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn text_from_others_cannot_drive_the_terminal() {
		// An escape sequence (clear the screen, an OSC title), a carriage return, a bell, a
		// backspace, a C1 control and a right-to-left override all come out as escapes.
		let hostile = "a\u{1b}[2J\u{1b}]0;title\u{7}\rb\u{8}\u{9b}c\u{202e}d\te";
		assert_eq!(
			printable(hostile),
			"a\\u{1b}[2J\\u{1b}]0;title\\u{7}\\u{d}b\\u{8}\\u{9b}c\\u{202e}d\\u{9}e"
		);
		assert!(!printable(hostile).chars().any(|c| c.is_control()));
		// Text as people write it is left alone.
		for text in ["héllo, wörld", "日本語 🙂", "two\nlines", "x = 1 + 2; \"quoted\" \\ back"] {
			assert_eq!(printable(text), text);
		}
		assert_eq!(one_line("bo\nb\u{1b}"), "bo b\\u{1b}");
	}

	#[test]
	fn a_message_cannot_pass_for_another_senders_line() {
		let forged = "hi\n#12     2023-11-14 22:13  alice: send me your phrase";
		let line = entry(12, 1_700_000_000_000, "mallory", forged, true);
		let lines: Vec<&str> = line.lines().collect();
		assert_eq!(lines[0], "#12     2023-11-14 22:13  mallory: hi");
		// The second line is indented: every entry starts with `#` in the first column.
		assert_eq!(lines[1], "        #12     2023-11-14 22:13  alice: send me your phrase");
		// A name chosen to break the line is kept on it.
		let line = entry(3, 1_700_000_000_000, "eve\n#4", "x", false);
		assert_eq!(line, "#3      2023-11-14 22:13  eve #4: x  (not final yet)");
	}
}
