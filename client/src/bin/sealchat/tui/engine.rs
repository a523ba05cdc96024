//! The interactive client's two workers, each with its own session of the profile (and
//! its own connection to the node): the *reader* follows the chain and hands the screen
//! a fresh [`Snapshot`] whenever something moved; the *writer* runs the user's writes
//! ([`Job`]) one at a time, so a message waiting for its block never holds up the live
//! view. Everything they show comes from the library; neither implements a flow.

use std::time::Duration;

use futures::StreamExt;
use sealchat::{
	chain::Chain,
	session::{Session, Until},
	store::MessageRow,
	sync::Live,
	wire::{Body, ChatId, ChatKind},
};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::output;

/// How long the reader waits before connecting again to a node it lost.
const RECONNECT: Duration = Duration::from_secs(3);

/// Everything the screen shows of the profile, as of one moment.
#[derive(Clone, Debug, Default)]
pub(crate) struct Snapshot {
	pub chats: Vec<ChatView>,
	pub invitations: Vec<InvitationView>,
	/// Nicknames and their addresses, by name.
	pub contacts: Vec<(String, String)>,
}

/// One chat: its summary and its messages in chain order.
#[derive(Clone, Debug)]
pub(crate) struct ChatView {
	pub id: ChatId,
	pub kind: &'static str,
	/// Whether my part is on chain (a write to a chat being set up finishes its join first).
	pub joined: bool,
	/// Whether I left it: nothing more is written to it.
	pub left: bool,
	/// Its disappearing-messages timer, in seconds.
	pub disappearing: Option<u32>,
	/// The other members, by nickname or address.
	pub members: Vec<String>,
	pub unread: usize,
	pub messages: Vec<MessageView>,
}

/// One message as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MessageView {
	pub sender: String,
	pub mine: bool,
	/// `YYYY-MM-DD HH:MM` (UTC) of the sender's clock.
	pub sent_at: String,
	pub text: String,
	pub block: u32,
	/// Whether its block is final.
	pub confirmed: bool,
	/// Its number in my part, for a message of mine that is final: what `d` deletes.
	pub seq: Option<u32>,
}

/// An invitation waiting for the user's answer.
#[derive(Clone, Debug)]
pub(crate) struct InvitationView {
	pub id: u64,
	/// What `sealchat invites` says of it.
	pub line: String,
}

/// A write the user asked for; the writer runs them in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Job {
	Send { chat: ChatId, text: String },
	/// A new chat with these users (addresses or nicknames).
	Create { kind: ChatKind, with: Vec<String> },
	AddMember { chat: ChatId, who: String },
	Accept(u64),
	/// My message `seq` of `chat`, deleted for everyone.
	Delete { chat: ChatId, seq: u32 },
	Leave(ChatId),
	/// The disappearing-messages timer of `chat`, in seconds (`None`: off).
	Timer { chat: ChatId, timer: Option<u32> },
}

/// A change to the local database only; the reader makes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Local {
	/// The user has seen `chat` up to `block`.
	MarkRead { chat: ChatId, block: u32 },
	Decline(u64),
	SetContact { name: String, address: String },
	RemoveContact(String),
	/// Nothing to change: a write landed, show it.
	Refresh,
}

/// What a job came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
	/// A message is in a block (not final yet).
	Sent(ChatId, MessageView),
	/// Done; what to tell the user.
	Done(String),
	/// Failed; why.
	Failed(String),
}

/// What the workers tell the screen.
#[derive(Clone, Debug)]
pub(crate) enum Event {
	Snapshot(Snapshot),
	/// The node's best and final block numbers.
	Head { best: u32, finalized: u32 },
	/// How many users my tickets are proved among (my ring's size); `None` while my key
	/// waits for its ring, or is not registered.
	AnonymitySet(Option<u32>),
	/// Scanning the connector's records: `done` of `total` since the cursor.
	Progress { done: u64, total: u64 },
	/// The first sync is done.
	Synced,
	/// `None`: connected to the node; `Some`: the node is lost, and why.
	Connection(Option<String>),
	/// Job number `job` waits on purpose for `what` (a random pause, its write on the way
	/// into a block); `None`: that wait is over.
	Waiting { job: u64, what: Option<String> },
	/// Job number `job` is over.
	Done { job: u64, outcome: Outcome },
	/// Something went wrong in the background; the workers go on.
	Error(String),
}

/// A name for the screen: a nickname or "you" as it is, an address shortened to its
/// first six and last four characters (the help window shows the whole of mine; `c`
/// gives others a nickname).
pub(crate) fn short_name(name: String) -> String {
	if sealchat::parse_address(&name).is_err() {
		return name;
	}
	let chars: Vec<char> = name.chars().collect();
	format!("{}…{}", chars[..6].iter().collect::<String>(), chars[chars.len() - 4..].iter().collect::<String>())
}

/// A message as the screen shows it.
pub(crate) fn message_view(session: &Session, m: &MessageRow) -> MessageView {
	MessageView {
		sender: short_name(output::display_name(session, &m.sender)),
		mine: m.sender == session.me(),
		sent_at: output::utc(m.sent_at),
		text: match &m.body {
			Body::Text(text) => output::printable(text),
			other => format!("({})", sealchat::session::deed(other)),
		},
		// What `d` takes: the number of a message of mine that is final.
		seq: (m.confirmed && m.sender == session.me() && matches!(m.body, Body::Text(_))).then_some(m.seq),
		block: m.block,
		confirmed: m.confirmed,
	}
}

/// The profile as of now, with what `live` shows ahead of finality.
fn snapshot(session: &Session, live: &Live) -> Result<Snapshot, sealchat::session::ClientError> {
	let mut chats = Vec::new();
	for summary in session.chats_with(Some(live))? {
		let messages = session.messages_with(summary.chat, Some(live))?.iter().map(|m| message_view(session, m)).collect();
		chats.push(ChatView {
			id: summary.chat,
			kind: summary.kind,
			joined: summary.joined,
			left: summary.left,
			disappearing: summary.disappearing,
			members: summary.members.iter().filter(|m| *m != "you").map(|m| short_name(output::one_line(m))).collect(),
			unread: summary.unread,
			messages,
		});
	}
	by_last_activity(&mut chats);
	let invitations = session
		.invitations()?
		.iter()
		.map(|i| InvitationView { id: i.id, line: output::invitation_line(session, i) })
		.collect();
	let contacts = session
		.store
		.contacts()?
		.into_iter()
		.map(|(name, account)| (output::one_line(&name), sealchat::address(&account)))
		.collect();
	Ok(Snapshot { chats, invitations, contacts })
}

/// Orders chats as the list shows them: by last activity, the chat whose newest message is
/// in the latest block first; chats with no message yet (just started, or being set up)
/// above those, the newest first.
fn by_last_activity(chats: &mut [ChatView]) {
	chats.sort_by_key(|c| {
		std::cmp::Reverse((c.messages.is_empty(), c.messages.iter().map(|m| m.block).max().unwrap_or(0), c.id))
	});
}

fn send_snapshot(session: &Session, live: &Live, events: &UnboundedSender<Event>) {
	let _ = events.send(match snapshot(session, live) {
		Ok(s) => Event::Snapshot(s),
		Err(e) => Event::Error(format!("reading the local database: {e}")),
	});
}

/// Tells the screen how many users my tickets are proved among (`sealchat whoami` says the
/// same).
async fn send_anonymity_set(session: &Session, events: &UnboundedSender<Event>) {
	use sealchat::chain::RingPlacement;
	let _ = events.send(match session.chain.ring_placement(&session.identity.ring_key()).await {
		Ok(Some(RingPlacement::InRing { members, .. })) => Event::AnonymitySet(Some(members)),
		Ok(_) => Event::AnonymitySet(None),
		Err(e) => Event::Error(format!("reading my ring: {e}")),
	});
}

/// Makes a local change and shows the profile after it (or why it failed).
fn apply(session: &Session, live: &Live, change: Local, events: &UnboundedSender<Event>) {
	if let Err(e) = local(session, change) {
		let _ = events.send(Event::Error(format!("{e:#}")));
	}
	send_snapshot(session, live, events);
}

/// Makes a local change.
fn local(session: &Session, change: Local) -> anyhow::Result<()> {
	match change {
		Local::MarkRead { chat, block } => session.mark_read(chat, block)?,
		Local::Decline(id) => session.decline(id)?,
		Local::SetContact { name, address } => {
			let account = sealchat::parse_address(&address).map_err(anyhow::Error::msg)?;
			session.store.set_contact(&name, &account)?;
		},
		Local::RemoveContact(name) =>
			if !session.store.remove_contact(&name)? {
				anyhow::bail!("no contact named {name}");
			},
		Local::Refresh => {},
	}
	Ok(())
}

/// Follows the chain until `changes` closes: a first sync with progress, then one step
/// of the live view per new best or final block; local changes in between. A lost node is
/// connected to again.
pub(crate) async fn reader(
	mut session: Session,
	node: String,
	mut changes: UnboundedReceiver<Local>,
	events: UnboundedSender<Event>,
) {
	let mut live = Live::default();
	send_snapshot(&session, &live, &events);
	let progress = events.clone();
	match session.sync(|done, total| drop(progress.send(Event::Progress { done, total }))).await {
		Ok(_) => drop(events.send(Event::Synced)),
		Err(e) => drop(events.send(Event::Error(format!("sync: {e}")))),
	}
	send_snapshot(&session, &live, &events);
	loop {
		let subscribed = async {
			// Subscribed before the first look, so no block is missed in between.
			let best = session.chain.best_blocks().await?;
			let finalized = session.chain.finalized_blocks().await?;
			Ok::<_, sealchat::chain::ChainError>((best, finalized))
		}
		.await;
		let lost = match subscribed {
			Ok((best, finalized)) => {
				let _ = events.send(Event::Connection(None));
				let (mut best, mut finalized) = (Box::pin(best), Box::pin(finalized));
				let (mut best_number, mut final_number) = (0, 0);
				let mut ring_read_at = u32::MAX;
				let mut moved = true;
				loop {
					if moved {
						match session.follow(&mut live).await {
							Ok(_) => send_snapshot(&session, &live, &events),
							Err(e) => drop(events.send(Event::Error(format!("following the chain: {e}")))),
						}
					}
					moved = tokio::select! {
						block = best.next() => match block {
							Some(Ok(b)) => { best_number = b.number; true },
							Some(Err(e)) => break e.to_string(),
							None => break "the node closed the block subscription".to_string(),
						},
						block = finalized.next() => match block {
							Some(Ok(b)) => { final_number = b.number; true },
							Some(Err(e)) => break e.to_string(),
							None => break "the node closed the block subscription".to_string(),
						},
						change = changes.recv() => {
							let Some(change) = change else { return };
							apply(&session, &live, change, &events);
							false
						},
					};
					if moved {
						let _ = events.send(Event::Head { best: best_number.max(final_number), finalized: final_number });
					}
					// My ring as of each final block (it grows with every batch of new users).
					if moved && final_number != ring_read_at {
						ring_read_at = final_number;
						send_anonymity_set(&session, &events).await;
					}
				}
			},
			Err(e) => e.to_string(),
		};
		let _ = events.send(Event::Connection(Some(lost)));
		// Connect again, still making local changes meanwhile.
		loop {
			tokio::select! {
				_ = tokio::time::sleep(RECONNECT) => {},
				change = changes.recv() => {
					let Some(change) = change else { return };
					apply(&session, &live, change, &events);
					continue;
				},
			}
			match Chain::connect(&node).await {
				Ok(chain) => {
					session.chain = chain;
					break;
				},
				Err(e) => drop(events.send(Event::Connection(Some(e.to_string())))),
			}
		}
	}
}

/// Runs the user's writes in order until `jobs` closes; after each, asks the reader
/// (through `changes`) to show what it did.
pub(crate) async fn writer(
	mut session: Session,
	node: String,
	mut jobs: UnboundedReceiver<(u64, Job)>,
	changes: UnboundedSender<Local>,
	events: UnboundedSender<Event>,
) {
	let current = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
	session.on_waiting({
		let (current, events) = (current.clone(), events.clone());
		move |waiting| {
			let job = current.load(std::sync::atomic::Ordering::Relaxed);
			let _ = events.send(Event::Waiting { job, what: waiting.map(output::waiting_short) });
		}
	});
	// My leases are renewed between the user's writes, at their own times (see
	// `sealchat::renew`): the writer looks once per block whether one is due.
	let mut renewals = tokio::time::interval(std::time::Duration::from_millis(session.chain.limits().block_ms));
	renewals.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
	let mut last_failure = None;
	loop {
		let (job, what) = tokio::select! {
			next = jobs.recv() => match next {
				Some(next) => next,
				None => return,
			},
			_ = renewals.tick() => {
				match session.renew_due().await {
					Ok(found) => if found.renewed.is_some() || found.deleted.is_some() {
						let _ = changes.send(Local::Refresh);
					},
					// Said once, not once per block (a lost node is said by the reader).
					Err(e) => {
						let said = format!("a renewal or a scheduled delete: {e}");
						if last_failure.as_ref() != Some(&said) {
							let _ = events.send(Event::Error(said.clone()));
							last_failure = Some(said);
						}
					},
				}
				continue;
			},
		};
		current.store(job, std::sync::atomic::Ordering::Relaxed);
		// A connection the node dropped is made again before the write.
		if session.chain.best().await.is_err() {
			if let Ok(chain) = Chain::connect(&node).await {
				session.chain = chain;
			}
		}
		let outcome = match run(&mut session, what).await {
			Ok(outcome) => outcome,
			Err(e) => Outcome::Failed(format!("{e:#}")),
		};
		let _ = changes.send(Local::Refresh);
		let _ = events.send(Event::Done { job, outcome });
	}
}

async fn run(session: &mut Session, job: Job) -> anyhow::Result<Outcome> {
	Ok(match job {
		Job::Send { chat, text } => {
			let sent = session.send(chat, &text).await?;
			Outcome::Sent(chat, message_view(session, &sent.message))
		},
		Job::Create { kind, with } => {
			let accounts = with.iter().map(|w| session.resolve(w)).collect::<Result<Vec<_>, _>>()?;
			let created = session.create_chat(kind, &accounts, Until::InBlock).await?;
			let mut said = format!("created chat {}", created.chat);
			if !created.invited.is_empty() {
				said.push_str(&format!("; invited {}", created.invited.join(", ")));
			}
			if !created.failed.is_empty() {
				let failed: Vec<String> = created.failed.iter().map(|(who, why)| format!("{who}: {why}")).collect();
				return Ok(Outcome::Failed(format!("{said}; could not invite {}", failed.join("; "))));
			}
			Outcome::Done(said)
		},
		Job::AddMember { chat, who } => {
			let account = session.resolve(&who)?;
			session.add_member(chat, &account).await?;
			Outcome::Done(format!("invited {} to chat {chat}", output::display_name(session, &account)))
		},
		Job::Accept(id) => {
			let chat = session.accept(id, Until::InBlock).await?;
			Outcome::Done(format!("joined chat {chat}"))
		},
		Job::Delete { chat, seq } => {
			session.delete(chat, seq, None).await?;
			Outcome::Done(format!("deleted message {seq} of chat {chat}"))
		},
		Job::Leave(chat) => {
			session.leave(chat).await?;
			Outcome::Done(format!("left chat {chat}"))
		},
		Job::Timer { chat, timer } => {
			session.set_timer(chat, timer).await?;
			Outcome::Done(format!("disappearing messages in chat {chat}: {}", sealchat::timer_name(timer)))
		},
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn addresses_are_shortened_and_nicknames_kept() {
		assert_eq!(short_name("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty".into()), "5FHneW…94ty");
		assert_eq!(short_name("bob".into()), "bob");
		assert_eq!(short_name("you".into()), "you");
		assert_eq!(short_name("(joining)".into()), "(joining)");
	}

	fn chat(id: ChatId, blocks: &[u32]) -> ChatView {
		let messages = blocks
			.iter()
			.map(|&block| MessageView {
				sender: "bob".into(),
				mine: false,
				sent_at: "2026-12-06 10:00".into(),
				text: format!("at {block}"),
				block,
				confirmed: true,
				seq: None,
			})
			.collect();
		ChatView { id, kind: "pair", joined: true, left: false, disappearing: None, members: vec!["bob".into()], unread: 0, messages }
	}

	#[test]
	fn chats_are_listed_by_last_activity() {
		let mut chats = vec![chat(1, &[10, 50]), chat(2, &[20]), chat(3, &[]), chat(4, &[5, 70]), chat(5, &[])];
		by_last_activity(&mut chats);
		let order: Vec<ChatId> = chats.iter().map(|c| c.id).collect();
		assert_eq!(order, [5, 3, 4, 1, 2]);
	}
}
