//! How results are shown: one line of text per fact for people, one JSON object per
//! line with `--json`.

use std::io::IsTerminal;

use sealchat::{
	session::Session,
	store::{InvitationRow, MessageRow},
	sync::{LiveUpdate, SyncReport},
	wire::{ChatId, ChatKind},
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
				"unreadableMessages": report.unreadable_messages, "undelivered": report.undelivered.len() })
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
		session.name(&i.inviter),
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
	json!({ "chat": m.chat, "block": m.block, "sentAt": m.sent_at, "sender": sealchat::address(&m.sender),
		"name": session.name(&m.sender), "text": m.text, "seq": m.seq, "final": m.confirmed })
}

pub(crate) fn message_line(session: &Session, m: &MessageRow) -> String {
	let mark = if m.confirmed { "" } else { "  (not final yet)" };
	format!("#{:<6} {}  {}: {}{mark}", m.block, utc(m.sent_at), session.name(&m.sender), m.text)
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
