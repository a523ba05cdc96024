//! How results are shown: one line of text per fact for people, one JSON object per
//! line with `--json`.

use std::io::IsTerminal;

use sealchat::{
	session::Session,
	store::{InvitationRow, MessageRow},
	sync::SyncReport,
	wire::ChatKind,
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

/// Prints what a sync found: new messages from others, and with `summary` the counts.
pub(crate) fn report_sync(ctx: &Ctx, session: &Session, report: &SyncReport, summary: bool) {
	let me = session.me();
	if ctx.cli.json {
		for i in &report.invitations {
			println!("{}", json!({ "event": "invitation", "invitation": invitation_json(session, i) }));
		}
		for m in report.messages.iter().filter(|m| m.sender != me) {
			println!("{}", json!({ "event": "message", "message": message_json(session, m) }));
		}
		if summary {
			let invitations: Vec<_> = report.invitations.iter().map(|i| i.id).collect();
			println!(
				"{}",
				json!({ "event": "synced", "block": report.block, "recordsScanned": report.records_scanned,
					"recordsTrialOpened": report.records_trial_opened, "recordsExpired": report.records_expired,
					"invitations": invitations, "invitationsRejected": report.invitations_rejected,
					"newMembers": report.new_members, "newMessages": report.messages.len(),
					"unreadableMessages": report.unreadable_messages })
			);
		}
		return;
	}
	for i in &report.invitations {
		println!("new {} (`sealchat accept {}` joins, `sealchat decline {}` declines)", invitation_line(session, i), i.id, i.id);
	}
	for m in report.messages.iter().filter(|m| m.sender != me) {
		println!("[chat {}] {}", m.chat, message_line(session, m));
	}
	if summary {
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
		"name": session.name(&m.sender), "text": m.text, "seq": m.seq })
}

pub(crate) fn message_line(session: &Session, m: &MessageRow) -> String {
	format!("#{:<6} {}  {}: {}", m.block, utc(m.sent_at), session.name(&m.sender), m.text)
}

/// `YYYY-MM-DD HH:MM` (UTC) of a Unix time in milliseconds.
fn utc(ms: u64) -> String {
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
