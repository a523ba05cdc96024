//! The local database: chats, parts, messages, contacts and the scan cursor, in SQLite.
//!
//! Everything here can be rebuilt from the chain and the recovery phrase (`login`); the
//! database only saves work and remembers nicknames. It holds every chat key and every
//! message, so it is encrypted as a whole (SQLCipher: every page, the write-ahead log
//! included, under a 256-bit key derived from the identity,
//! [`crate::crypto::Identity::local_database_key`]); a copy of the file reads nothing
//! without the recovery phrase (or the passphrase-protected key file). It is also
//! created readable only by its owner.

use std::path::Path;

use codec::{Decode, Encode};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{
	crypto::{AccountBytes, ChatKey},
	wire::{Body, ChatId, ChatKind, PartId, SlotClaim},
};

/// Errors of the local database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	#[error("local database: {0}")]
	Sqlite(#[from] rusqlite::Error),
	#[error("local database: {0}")]
	Io(#[from] std::io::Error),
	#[error("local database holds state of account {stored}, not of this identity")]
	OtherAccount { stored: String },
	#[error("local database is corrupt: {0}")]
	Corrupt(&'static str),
	#[error("local database {0} does not open with this identity's key (another profile's file, or damaged)")]
	WrongKey(std::path::PathBuf),
}

type Result<T> = std::result::Result<T, StoreError>;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
	key TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS chats (
	id INTEGER PRIMARY KEY,
	kind INTEGER NOT NULL,
	key BLOB NOT NULL,
	my_part BLOB NOT NULL,
	-- the index of my part's key (the part id is its public key)
	my_part_index INTEGER NOT NULL,
	-- 0: my part and response are being created; 1: joined
	state INTEGER NOT NULL,
	-- the response slot my join answers: the invitation's nonce, or the creator's
	response_slot INTEGER NOT NULL,
	-- the claim my response answers it under (a SCALE-encoded `SlotClaim`; none in a
	-- chat joined before claims: a pending join then claims its slot itself)
	response_claim BLOB,
	-- 1 once I left the chat: nothing of mine is written to it any more
	left INTEGER NOT NULL DEFAULT 0
	-- (databases of earlier versions also have a column `listed`, no longer used)
);
-- The parts of each chat, one row per (chat, part): what a listing of one chat names
-- says nothing of another chat. A part whose listing has not verified (under the chat's
-- key, with its owner's certificate) has no owner yet, and its messages are not read.
CREATE TABLE IF NOT EXISTS parts (
	chat INTEGER NOT NULL REFERENCES chats(id),
	part BLOB NOT NULL,
	owner BLOB,
	next_seq INTEGER NOT NULL DEFAULT 0,
	-- 1 once its listing verified in this chat (a member's part, even if it lost its
	-- owner since); 0 while it is only named
	verified INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (chat, part)
);
CREATE TABLE IF NOT EXISTS messages (
	part BLOB NOT NULL,
	seq INTEGER NOT NULL,
	chat INTEGER NOT NULL,
	block INTEGER NOT NULL,
	sender BLOB NOT NULL,
	sent_at INTEGER NOT NULL,
	-- a text's text; empty for a message that says something else (`body`)
	text TEXT NOT NULL,
	-- the SCALE encoding of what a message that is not a text says (a `wire::Body`)
	body BLOB,
	-- when it disappears, ms since 1970 (`wire::Message::expires_at`); NULL: never
	expires_at INTEGER,
	PRIMARY KEY (part, seq)
);
CREATE INDEX IF NOT EXISTS messages_by_chat ON messages(chat, block);
-- Messages of mine in a block that was not final yet when `send` returned: listed as
-- unconfirmed until a sync finds them final, or finds their block abandoned.
CREATE TABLE IF NOT EXISTS unconfirmed (
	part BLOB NOT NULL,
	seq INTEGER NOT NULL,
	chat INTEGER NOT NULL,
	block INTEGER NOT NULL,
	block_hash BLOB NOT NULL,
	sender BLOB NOT NULL,
	sent_at INTEGER NOT NULL,
	text TEXT NOT NULL,
	body BLOB,
	expires_at INTEGER,
	PRIMARY KEY (part, seq)
);
CREATE TABLE IF NOT EXISTS seen_invitations (
	id BLOB PRIMARY KEY
);
-- Every response read, by the claim it answers under: at most MAX_PARTS_PER_CLAIM
-- parts per (chat, slot, claimant), and no response hides another.
CREATE TABLE IF NOT EXISTS responses (
	chat INTEGER NOT NULL,
	slot INTEGER NOT NULL,
	claimant BLOB NOT NULL,
	part BLOB NOT NULL,
	PRIMARY KEY (chat, slot, claimant, part)
);
CREATE TABLE IF NOT EXISTS contacts (
	name TEXT PRIMARY KEY,
	account BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS invitations (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	-- the hash of the record it came in
	record BLOB NOT NULL UNIQUE,
	chat INTEGER NOT NULL,
	kind INTEGER NOT NULL,
	nonce INTEGER NOT NULL,
	key BLOB NOT NULL,
	inviter BLOB NOT NULL,
	-- the parts it lists, SCALE-encoded
	parts BLOB NOT NULL,
	block INTEGER NOT NULL,
	-- 0: pending, 1: accepted, 2: declined
	state INTEGER NOT NULL DEFAULT 0,
	-- its claim on its response slot (a SCALE-encoded `SlotClaim`; none in an invitation
	-- stored before claims)
	slot_claim BLOB
);
CREATE TABLE IF NOT EXISTS used_tickets (
	epoch INTEGER NOT NULL,
	slot INTEGER NOT NULL,
	PRIMARY KEY (epoch, slot)
);
-- Chats being created: kept from before the creation is submitted until every invitation
-- of it is sent, so that a creation interrupted at any step resumes.
CREATE TABLE IF NOT EXISTS creations (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind INTEGER NOT NULL,
	key BLOB NOT NULL,
	-- every invitee, SCALE-encoded in their order, and those not invited yet
	invitees BLOB NOT NULL,
	waiting BLOB NOT NULL,
	-- the chain's next chat id before the creation was submitted: the chat's is not lower
	first_chat INTEGER NOT NULL,
	-- the chat's id once it is stored
	chat INTEGER
);
-- Messages of mine that disappear, from when they are sent until they are deleted from
-- the chain (`Session::renew_due`) or found gone: their part, number, chat and time.
CREATE TABLE IF NOT EXISTS expiring (
	part BLOB NOT NULL,
	seq INTEGER NOT NULL,
	chat INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	PRIMARY KEY (part, seq)
);
-- How far the user has read each chat: the messages in blocks up to `block` are read.
CREATE TABLE IF NOT EXISTS read_marks (
	chat INTEGER PRIMARY KEY,
	block INTEGER NOT NULL
);
";

/// The layout [`SCHEMA`] creates. A database of layout "1" holds state of an earlier
/// protocol's chain: its chats, parts, messages and cursor are dropped when it is opened
/// (contacts are kept), and the next sync or login rebuilds them. Layouts "2" to "4"
/// are migrated ([`LAYOUT_2_TO_3`], [`LAYOUT_3_TO_4`], then [`LAYOUT_4_TO_5`]); layouts
/// "5" and later only gain columns ([`ADDED_COLUMNS`]).
const SCHEMA_VERSION: &[u8] = b"6";

/// Layout "2" kept one row per part id, whatever chat named it first: its parts move
/// into the (chat, part) table as they are.
const LAYOUT_2_TO_3: &str = "
ALTER TABLE parts RENAME TO parts_by_id;
DROP INDEX IF EXISTS parts_by_chat;
CREATE TABLE parts (
	chat INTEGER NOT NULL REFERENCES chats(id),
	part BLOB NOT NULL,
	owner BLOB,
	next_seq INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (chat, part)
);
INSERT INTO parts (chat, part, owner, next_seq) SELECT chat, part, owner, next_seq FROM parts_by_id ORDER BY rowid;
DROP TABLE parts_by_id;
";

/// Layout "3" did not tell a part only named to a chat from a member's part that lost its
/// owner: a part with an owner, or with messages read, has verified.
const LAYOUT_3_TO_4: &str = "
ALTER TABLE parts ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
UPDATE parts SET verified = 1 WHERE owner IS NOT NULL OR next_seq > 0;
";

/// Layout "4" marked a slot answered by its first response, and had no claims: the
/// columns for claims are added after [`SCHEMA`] (as [`ADDED_COLUMNS`]), since a
/// database of layout "2" may have no table of invitations yet.
const LAYOUT_4_TO_5: &str = "
DROP TABLE IF EXISTS answered;
";

/// The columns layouts "5" (claims) and "6" (messages that are not texts, messages that
/// disappear, chats left) added to tables that existed before: (table, column, type).
const ADDED_COLUMNS: [(&str, &str, &str); 7] = [
	("chats", "response_claim", "BLOB"),
	("invitations", "slot_claim", "BLOB"),
	("chats", "left", "INTEGER NOT NULL DEFAULT 0"),
	("messages", "body", "BLOB"),
	("messages", "expires_at", "INTEGER"),
	("unconfirmed", "body", "BLOB"),
	("unconfirmed", "expires_at", "INTEGER"),
];

/// The most parts of one chat that one claim on one response slot adds: the invitee's
/// part, the part of another device of theirs, and room for a re-join. A claim is
/// answered only by who holds its invitation's secret, so nobody else fills these.
pub const MAX_PARTS_PER_CLAIM: i64 = 4;

/// The most parts one chat keeps that have not verified yet (named by a listing, a
/// response or an invitation): a chat invites at most 256 members, so this bounds what
/// hostile listings can make a client store. Parts that verified are bounded by the
/// chain: each is a join, paid with a ticket.
pub const MAX_UNVERIFIED_PARTS: usize = 1024;

/// What a database of an earlier layout has that this one rebuilds.
const EARLIER_TABLES: &str = "
DROP TABLE IF EXISTS chats;
DROP TABLE IF EXISTS parts;
DROP TABLE IF EXISTS messages;
DROP TABLE IF EXISTS seen_invitations;
DROP TABLE IF EXISTS answered;
DROP TABLE IF EXISTS responses;
DROP TABLE IF EXISTS invitations;
DROP TABLE IF EXISTS read_marks;
DROP TABLE IF EXISTS creations;
DELETE FROM meta WHERE key = 'record_cursor';
";

/// A chat as stored.
#[derive(Clone, Debug)]
pub struct ChatRow {
	pub id: ChatId,
	pub kind: ChatKind,
	pub key: ChatKey,
	/// My part: the public key of my part key number `my_part_index`.
	pub my_part: PartId,
	pub my_part_index: u32,
	/// Whether my part (and its response) is on chain.
	pub joined: bool,
	/// The response slot my join answers: the nonce of the invitation I joined with, or
	/// [`crate::wire::CREATOR_RESPONSE`] for the chat's creator.
	pub response_slot: u64,
	/// The claim my response answers that slot under: the invitation's, or mine (the
	/// creator's slot). `None` in a chat stored before claims: a join still to be made
	/// claims the slot itself.
	pub response_claim: Option<SlotClaim>,
	/// Whether I left the chat ([`Store::set_left`]): its history stays, and nothing of
	/// mine is written to it any more.
	pub left: bool,
}

/// A re-join of a chat begun (my part of it ended while the chat lives): the part key it
/// takes, and the tag of the invitation to myself whose response slot the new part
/// answers. Kept before that invitation is sent, so that a re-join interrupted at any
/// step resumes with the same key and finds its invitation by the tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejoining {
	pub index: u32,
	pub tag: [u8; 32],
}

fn rejoining_key(chat: ChatId) -> String {
	format!("rejoining/{chat}")
}

/// What became of an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvitationState {
	/// Waiting for the user to accept or decline it.
	Pending,
	/// Accepted: the chat is (being) joined.
	Accepted,
	/// Declined: nothing was sent, nothing will be.
	Declined,
}

/// An invitation found on chain, checked (signature, addressee, the chat's key) and
/// waiting for the user's answer.
#[derive(Clone, Debug)]
pub struct InvitationRow {
	/// Its number in this profile (what `sealchat accept` takes).
	pub id: u64,
	pub chat: ChatId,
	pub kind: ChatKind,
	/// The chat's nonce it was sent with: the response slot of the join.
	pub nonce: u64,
	pub key: ChatKey,
	pub inviter: AccountBytes,
	/// The parts of the members it lists, the inviter's first.
	pub parts: Vec<PartId>,
	/// Its claim on its response slot; `None` in an invitation stored before claims.
	pub slot_claim: Option<SlotClaim>,
	/// The block of the record it came in.
	pub block: u32,
	pub state: InvitationState,
}

/// A chat being created ([`Store::add_creation`]): what resumes it after an interruption.
#[derive(Clone, Debug)]
pub struct CreationRow {
	pub id: u64,
	pub kind: ChatKind,
	pub key: ChatKey,
	/// Every invitee, in the order they are invited.
	pub invitees: Vec<AccountBytes>,
	/// The invitees not invited yet.
	pub waiting: Vec<AccountBytes>,
	/// The chain's next chat id before the creation was submitted.
	pub first_chat: ChatId,
	/// The chat's id, once the chat is stored.
	pub chat: Option<ChatId>,
}

/// A part as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartRow {
	pub part: PartId,
	pub chat: ChatId,
	pub owner: Option<AccountBytes>,
	pub next_seq: u32,
	/// Whether its listing verified in this chat (since then it is a member's part, even
	/// when it has lost its owner).
	pub verified: bool,
}

/// A decrypted message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRow {
	pub part: PartId,
	pub seq: u32,
	pub chat: ChatId,
	pub block: u32,
	pub sender: AccountBytes,
	pub sent_at: u64,
	pub body: Body,
	/// When it disappears, in ms since 1970 ([`crate::wire::Message::expires_at`]).
	pub expires_at: Option<u64>,
	/// Whether its block is final. A message in a block that is not final yet is shown
	/// marked; it may still be withdrawn if another fork takes over.
	pub confirmed: bool,
}

impl MessageRow {
	/// The message as kept once its time to disappear came: its place in its part, no
	/// text ([`Store::remove_expired`]).
	pub fn blanked(&self) -> MessageRow {
		MessageRow { body: Body::Text(String::new()), ..self.clone() }
	}

	/// Whether `other` is the same message (the same position, sender, clock and text),
	/// wherever and however final its block.
	pub fn same_as(&self, other: &MessageRow) -> bool {
		(self.part, self.seq, self.chat, self.sender, self.sent_at, &self.body)
			== (other.part, other.seq, other.chat, other.sender, other.sent_at, &other.body)
	}
}

/// What a stored message says, as its `text` and `body` columns.
fn body_columns(body: &Body) -> (&str, Option<Vec<u8>>) {
	match body {
		Body::Text(text) => (text, None),
		other => ("", Some(other.encode())),
	}
}

/// The body stored in a message's `text` column (at `column` of row `r`) and `body`
/// column (after it).
fn body_from_columns(r: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<Body> {
	match r.get::<_, Option<Vec<u8>>>(column + 1)? {
		None => Ok(Body::Text(r.get(column)?)),
		Some(encoded) => Body::decode(&mut &encoded[..]).map_err(|e| {
			rusqlite::Error::FromSqlConversionFailure(column + 1, rusqlite::types::Type::Blob, Box::new(e))
		}),
	}
}

/// The local database of one profile.
pub struct Store {
	conn: Connection,
}

const CURSOR: &str = "record_cursor";
const ACCOUNT: &str = "account";
const LAST_RENEWAL: &str = "last_renewal";
const SCHEMA_KEY: &str = "schema";
const NEXT_PART_INDEX: &str = "next_part_index";

/// The claim SCALE-encoded in column `index`, if any.
fn decode_claim(r: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Option<SlotClaim>> {
	r.get::<_, Option<Vec<u8>>>(index)?
		.map(|bytes| {
			SlotClaim::decode(&mut &bytes[..])
				.map_err(|_| rusqlite::Error::InvalidColumnType(index, "claim".into(), rusqlite::types::Type::Blob))
		})
		.transpose()
}

fn blob32(bytes: Vec<u8>) -> rusqlite::Result<[u8; 32]> {
	bytes.try_into().map_err(|_| rusqlite::Error::InvalidColumnType(0, "32 bytes".into(), rusqlite::types::Type::Blob))
}

fn kind_from(v: i64) -> ChatKind {
	if v == 0 {
		ChatKind::Pair
	} else {
		ChatKind::Group
	}
}

fn kind_to(kind: ChatKind) -> i64 {
	match kind {
		ChatKind::Pair => 0,
		ChatKind::Group => 1,
	}
}

/// Sets SQLCipher's key: the raw 256-bit key, so SQLCipher derives nothing from it.
fn apply_key(conn: &Connection, key: &[u8; 32]) -> Result<()> {
	let hex_key = zeroize::Zeroizing::new(hex::encode(key));
	let pragma = zeroize::Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", *hex_key));
	conn.execute_batch(&pragma)?;
	Ok(())
}

/// Whether the file at `path` is an unencrypted SQLite database (it starts with SQLite's
/// magic; an encrypted one starts with random salt).
fn is_plaintext_database(path: &Path) -> Result<bool> {
	use std::io::Read;
	let mut head = [0u8; 16];
	match std::fs::File::open(path) {
		Ok(mut file) => Ok(file.read_exact(&mut head).is_ok() && &head == b"SQLite format 3\0"),
		Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
		Err(e) => Err(e.into()),
	}
}

/// Encrypts an unencrypted database: exported into an encrypted copy, which then
/// replaces it (the original is never modified before the copy is complete).
fn encrypt_in_place(path: &Path, key: &[u8; 32]) -> Result<()> {
	let encrypted = path.with_extension("encrypting");
	let _ = std::fs::remove_file(&encrypted);
	{
		let conn = Connection::open(path)?;
		let hex_key = zeroize::Zeroizing::new(hex::encode(key));
		let attach = zeroize::Zeroizing::new(format!(
			"ATTACH DATABASE '{}' AS encrypted KEY \"x'{}'\";",
			encrypted.display().to_string().replace('\'', "''"),
			*hex_key
		));
		conn.execute_batch(&attach)?;
		conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
		conn.execute_batch("DETACH DATABASE encrypted;")?;
	}
	crate::profile::restrict(&encrypted)?;
	std::fs::rename(&encrypted, path)?;
	for suffix in ["-wal", "-shm"] {
		let mut side = path.as_os_str().to_owned();
		side.push(suffix);
		let _ = std::fs::remove_file(std::path::PathBuf::from(side));
	}
	Ok(())
}

impl Store {
	/// Opens (creating if needed) the database at `path`, encrypted with `key`. A
	/// database an earlier version left unencrypted is encrypted in place first.
	pub fn open(path: &Path, key: &[u8; 32]) -> Result<Self> {
		if let Some(dir) = path.parent() {
			crate::profile::create_private_dir(dir)?;
		}
		if is_plaintext_database(path)? {
			encrypt_in_place(path, key)?;
		}
		let conn = Connection::open(path)?;
		crate::profile::restrict(path)?;
		apply_key(&conn, key)?;
		// The first read tells a wrong key (or not a database at all).
		if conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_err() {
			return Err(StoreError::WrongKey(path.to_path_buf()));
		}
		conn.pragma_update(None, "journal_mode", "WAL")?;
		conn.pragma_update(None, "synchronous", "NORMAL")?;
		Self::create(conn)
	}

	/// An in-memory database, for tests.
	pub fn in_memory() -> Result<Self> {
		Self::create(Connection::open_in_memory()?)
	}

	/// Creates the tables, first dropping what an earlier layout left (see
	/// [`SCHEMA_VERSION`]).
	fn create(conn: Connection) -> Result<Self> {
		conn.execute_batch("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);")?;
		let store = Self { conn };
		match store.meta(SCHEMA_KEY)?.as_deref() {
			Some(SCHEMA_VERSION) | Some(b"5") => {},
			Some(b"2") => store.atomically(|s| {
				Ok(s.conn.execute_batch(&[LAYOUT_2_TO_3, LAYOUT_3_TO_4, LAYOUT_4_TO_5].concat())?)
			})?,
			Some(b"3") => store.atomically(|s| Ok(s.conn.execute_batch(&[LAYOUT_3_TO_4, LAYOUT_4_TO_5].concat())?))?,
			Some(b"4") => store.conn.execute_batch(LAYOUT_4_TO_5)?,
			_ => store.conn.execute_batch(EARLIER_TABLES)?,
		}
		store.conn.execute_batch(SCHEMA)?;
		for (table, column, kind) in ADDED_COLUMNS {
			let has: bool = store.conn.query_row(
				"SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
				[table, column],
				|r| r.get(0),
			)?;
			if !has {
				store.conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {kind};"))?;
			}
		}
		store.set_meta(SCHEMA_KEY, SCHEMA_VERSION)?;
		Ok(store)
	}

	/// Binds the database to `account`, refusing one that holds another account's state.
	pub fn bind_account(&self, account: &AccountBytes, display: impl Fn(&AccountBytes) -> String) -> Result<()> {
		match self.meta(ACCOUNT)? {
			Some(stored) if stored.as_slice() != account.as_slice() => {
				let stored: AccountBytes = stored.try_into().map_err(|_| StoreError::Corrupt("account"))?;
				Err(StoreError::OtherAccount { stored: display(&stored) })
			},
			Some(_) => Ok(()),
			None => self.set_meta(ACCOUNT, account),
		}
	}

	fn meta(&self, key: &str) -> Result<Option<Vec<u8>>> {
		Ok(self
			.conn
			.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
			.optional()?)
	}

	fn set_meta(&self, key: &str, value: &[u8]) -> Result<()> {
		self.conn.execute(
			"INSERT INTO meta (key, value) VALUES (?1, ?2)
			 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			params![key, value],
		)?;
		Ok(())
	}

	/// The id of the next connector record to scan.
	pub fn cursor(&self) -> Result<u64> {
		Ok(match self.meta(CURSOR)? {
			Some(v) => u64::from_le_bytes(v.try_into().map_err(|_| StoreError::Corrupt("cursor"))?),
			None => 0,
		})
	}

	/// When my last renewal was submitted or included (see [`crate::renew`]).
	pub fn last_renewal(&self) -> Result<Option<std::time::SystemTime>> {
		Ok(match self.meta(LAST_RENEWAL)? {
			Some(v) => {
				let ms = u64::from_le_bytes(v.try_into().map_err(|_| StoreError::Corrupt("last renewal"))?);
				Some(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms))
			},
			None => None,
		})
	}

	/// Keeps `at` as the time of my last renewal.
	pub fn set_last_renewal(&self, at: std::time::SystemTime) -> Result<()> {
		let ms = at.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
		self.set_meta(LAST_RENEWAL, &ms.to_le_bytes())
	}

	/// Runs `f` in one transaction: either all of its writes land or none.
	pub fn atomically<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
		self.conn.execute_batch("BEGIN IMMEDIATE")?;
		match f(self) {
			Ok(value) => {
				self.conn.execute_batch("COMMIT")?;
				Ok(value)
			},
			Err(e) => {
				let _ = self.conn.execute_batch("ROLLBACK");
				Err(e)
			},
		}
	}

	/// Moves the scan cursor.
	pub fn set_cursor(&self, next: u64) -> Result<()> {
		self.set_meta(CURSOR, &next.to_le_bytes())
	}

	/// The index of the next part key to use, at least `floor` (the first of the current
	/// day's range, see `Session`), counted up: every part key is used for one part only.
	pub fn take_part_index(&self, floor: u32) -> Result<u32> {
		let next = self.next_part_index()?.max(floor);
		self.set_meta(NEXT_PART_INDEX, &next.checked_add(1).ok_or(StoreError::Corrupt("part index"))?.to_le_bytes())?;
		Ok(next)
	}

	/// The index of the next part key to use.
	pub fn next_part_index(&self) -> Result<u32> {
		Ok(match self.meta(NEXT_PART_INDEX)? {
			Some(v) => u32::from_le_bytes(v.try_into().map_err(|_| StoreError::Corrupt("part index"))?),
			None => 0,
		})
	}

	/// Makes sure no part key below `index` is used again (after a login found parts).
	pub fn raise_part_index(&self, index: u32) -> Result<()> {
		if self.next_part_index()? < index {
			self.set_meta(NEXT_PART_INDEX, &index.to_le_bytes())?;
		}
		Ok(())
	}

	/// Records that ticket `slot` of `epoch` was used by a transaction of this profile
	/// (whether or not it made it on chain: the next flow takes another).
	pub fn mark_ticket_used(&self, epoch: u32, slot: u32) -> Result<()> {
		self.conn.execute("INSERT OR IGNORE INTO used_tickets (epoch, slot) VALUES (?1, ?2)", params![epoch, slot])?;
		self.conn.execute("DELETE FROM used_tickets WHERE epoch < ?1", [epoch])?;
		Ok(())
	}

	/// Whether ticket `slot` of `epoch` was used by this profile.
	pub fn ticket_used(&self, epoch: u32, slot: u32) -> Result<bool> {
		Ok(self
			.conn
			.query_row("SELECT 1 FROM used_tickets WHERE epoch = ?1 AND slot = ?2", params![epoch, slot], |_| Ok(()))
			.optional()?
			.is_some())
	}

	/// Adds a chat (ignored when it is already known).
	pub fn add_chat(&self, chat: &ChatRow) -> Result<bool> {
		let added = self.conn.execute(
			"INSERT OR IGNORE INTO chats (id, kind, key, my_part, my_part_index, state, response_slot, response_claim)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			params![
				chat.id as i64,
				kind_to(chat.kind),
				&chat.key.expose()[..],
				&chat.my_part[..],
				chat.my_part_index,
				chat.joined as i64,
				chat.response_slot as i64,
				chat.response_claim.as_ref().map(Encode::encode),
			],
		)?;
		Ok(added == 1)
	}

	/// Makes `part` (of part key `index`) my part of `chat`.
	pub fn set_my_part(&self, chat: ChatId, part: &PartId, index: u32) -> Result<()> {
		self.conn.execute(
			"UPDATE chats SET my_part = ?2, my_part_index = ?3 WHERE id = ?1",
			params![chat as i64, &part[..], index],
		)?;
		Ok(())
	}

	/// Marks a chat as joined (its part and response are on chain), if `part` is still my
	/// part of it (another process of mine may have joined it again since).
	pub fn set_joined(&self, chat: ChatId, part: &PartId) -> Result<()> {
		self.conn.execute("UPDATE chats SET state = 1 WHERE id = ?1 AND my_part = ?2", params![chat as i64, &part[..]])?;
		Ok(())
	}

	/// The re-join of `chat` begun and not yet answered by an invitation to myself (see
	/// [`Rejoining`]).
	pub fn rejoining(&self, chat: ChatId) -> Result<Option<Rejoining>> {
		Ok(match self.meta(&rejoining_key(chat))? {
			Some(v) if v.len() == 36 => Some(Rejoining {
				index: u32::from_le_bytes(v[..4].try_into().expect("4 bytes; qed")),
				tag: v[4..].try_into().expect("32 bytes; qed"),
			}),
			Some(_) => return Err(StoreError::Corrupt("re-join")),
			None => None,
		})
	}

	/// Begins a re-join of `chat`: takes the part key it will use, and keeps it with `tag`,
	/// the tag of the invitation to myself about to be sent.
	pub fn begin_rejoin(&self, chat: ChatId, tag: [u8; 32], floor: u32) -> Result<Rejoining> {
		let rejoining = Rejoining { index: self.take_part_index(floor)?, tag };
		self.set_meta(&rejoining_key(chat), &[&rejoining.index.to_le_bytes()[..], &tag].concat())?;
		Ok(rejoining)
	}

	/// Makes `part` (my part key number `index`) my part of `chat`, to be joined in
	/// response slot `slot` under `claim`: the chat is no longer joined, and the re-join
	/// begun is over.
	pub fn rejoin(&self, chat: ChatId, part: &PartId, index: u32, slot: u64, claim: &SlotClaim) -> Result<()> {
		self.conn.execute(
			"UPDATE chats SET my_part = ?2, my_part_index = ?3, response_slot = ?4, response_claim = ?5, state = 0
			 WHERE id = ?1",
			params![chat as i64, &part[..], index, slot as i64, claim.encode()],
		)?;
		self.conn.execute("DELETE FROM meta WHERE key = ?1", [rejoining_key(chat)])?;
		Ok(())
	}

	/// Makes `part` (my part key number `index`, on chain already: another device of mine
	/// joined with it) my part of `chat`, joined.
	pub fn adopt_part(&self, chat: ChatId, part: &PartId, index: u32) -> Result<()> {
		self.conn.execute(
			"UPDATE chats SET my_part = ?2, my_part_index = ?3, state = 1 WHERE id = ?1",
			params![chat as i64, &part[..], index],
		)?;
		self.conn.execute("DELETE FROM meta WHERE key = ?1", [rejoining_key(chat)])?;
		self.raise_part_index(index.saturating_add(1))
	}

	/// Marks `chat` left (I posted my last message to it, or another device of mine did),
	/// or, with `left` false, not left (that last message was not delivered).
	pub fn set_left(&self, chat: ChatId, left: bool) -> Result<()> {
		self.conn.execute("UPDATE chats SET left = ?2 WHERE id = ?1", params![chat as i64, left])?;
		Ok(())
	}

	fn chat_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ChatRow> {
		Ok(ChatRow {
			id: r.get::<_, i64>(0)? as u64,
			kind: kind_from(r.get(1)?),
			key: ChatKey::from_bytes(blob32(r.get(2)?)?),
			my_part: blob32(r.get(3)?)?,
			my_part_index: r.get(4)?,
			joined: r.get::<_, i64>(5)? == 1,
			response_slot: r.get::<_, i64>(6)? as u64,
			response_claim: decode_claim(r, 7)?,
			left: r.get::<_, i64>(8)? == 1,
		})
	}

	/// One chat.
	pub fn chat(&self, id: ChatId) -> Result<Option<ChatRow>> {
		Ok(self
			.conn
			.query_row(
				"SELECT id, kind, key, my_part, my_part_index, state, response_slot, response_claim, left FROM chats WHERE id = ?1",
				[id as i64],
				Self::chat_from_row,
			)
			.optional()?)
	}

	/// All chats, by id.
	pub fn chats(&self) -> Result<Vec<ChatRow>> {
		let mut stmt = self
			.conn
			.prepare(
			"SELECT id, kind, key, my_part, my_part_index, state, response_slot, response_claim, left FROM chats ORDER BY id",
		)?;
		let rows = stmt.query_map([], Self::chat_from_row)?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Adds a part of `chat` (ignored when `chat` has it; fills in a missing owner). With
	/// an owner, the part has verified. Whether it was new; a chat that has
	/// [`MAX_UNVERIFIED_PARTS`] parts that have not verified takes no more of those.
	pub fn add_part(&self, part: &PartId, chat: ChatId, owner: Option<&AccountBytes>) -> Result<bool> {
		self.insert_part(part, chat, owner, false)
	}

	/// Adds a part of `chat` that a response proven under its claim names (see
	/// [`Store::add_response`]): taken even past [`MAX_UNVERIFIED_PARTS`], so that parts
	/// hostile listings name never hide a member who joined. Each such part is a record
	/// under one of the chat's tags, which its poster paid a ticket or an invitation for.
	pub fn add_answering_part(&self, part: &PartId, chat: ChatId) -> Result<bool> {
		self.insert_part(part, chat, None, true)
	}

	fn insert_part(&self, part: &PartId, chat: ChatId, owner: Option<&AccountBytes>, uncapped: bool) -> Result<bool> {
		let room = owner.is_some() || uncapped || {
			let unverified: i64 = self.conn.query_row(
				"SELECT COUNT(*) FROM parts WHERE chat = ?1 AND verified = 0",
				[chat as i64],
				|r| r.get(0),
			)?;
			unverified < MAX_UNVERIFIED_PARTS as i64
		};
		let added = if room {
			self.conn.execute(
				"INSERT OR IGNORE INTO parts (chat, part, owner, verified) VALUES (?1, ?2, ?3, ?4)",
				params![chat as i64, &part[..], owner.map(|o| o.to_vec()), owner.is_some()],
			)?
		} else {
			0
		};
		if added == 0 {
			if let Some(owner) = owner {
				self.conn.execute(
					"UPDATE parts SET owner = ?3, verified = 1 WHERE chat = ?1 AND part = ?2 AND owner IS NULL",
					params![chat as i64, &part[..], &owner[..]],
				)?;
			}
		}
		Ok(added == 1)
	}

	/// Takes the owner of `chat`'s `part` away (its listing no longer verifies): its
	/// messages are no longer listed, and a listing that verifies again gives it an owner
	/// again.
	pub fn disown_part(&self, chat: ChatId, part: &PartId) -> Result<()> {
		self.conn.execute("UPDATE parts SET owner = NULL WHERE chat = ?1 AND part = ?2", params![chat as i64, &part[..]])?;
		Ok(())
	}

	/// How many messages of `part` below sequence number `below` are stored for `chat`.
	pub fn count_messages(&self, chat: ChatId, part: &PartId, below: u32) -> Result<u64> {
		Ok(self.conn.query_row(
			"SELECT COUNT(*) FROM messages WHERE chat = ?1 AND part = ?2 AND seq < ?3",
			params![chat as i64, &part[..], below],
			|r| r.get::<_, i64>(0),
		)? as u64)
	}

	/// The sequence numbers below `below` of the stored messages of `part` for `chat`, in
	/// order.
	pub fn message_seqs(&self, chat: ChatId, part: &PartId, below: u32) -> Result<Vec<u32>> {
		let mut stmt =
			self.conn.prepare("SELECT seq FROM messages WHERE chat = ?1 AND part = ?2 AND seq < ?3 ORDER BY seq")?;
		let rows = stmt.query_map(params![chat as i64, &part[..], below], |r| r.get(0))?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Forgets message `seq` of `part` in `chat` (its sender deleted it).
	pub fn remove_message(&self, chat: ChatId, part: &PartId, seq: u32) -> Result<()> {
		self.conn.execute(
			"DELETE FROM messages WHERE chat = ?1 AND part = ?2 AND seq = ?3",
			params![chat as i64, &part[..], seq],
		)?;
		Ok(())
	}

	/// Forgets `chat`'s `part` (and what was read of it in `chat`).
	pub fn remove_part(&self, chat: ChatId, part: &PartId) -> Result<()> {
		self.conn.execute("DELETE FROM messages WHERE chat = ?1 AND part = ?2", params![chat as i64, &part[..]])?;
		self.conn.execute("DELETE FROM parts WHERE chat = ?1 AND part = ?2", params![chat as i64, &part[..]])?;
		Ok(())
	}

	/// The parts of `chat`.
	pub fn parts(&self, chat: ChatId) -> Result<Vec<PartRow>> {
		let mut stmt = self
			.conn
			.prepare("SELECT part, chat, owner, next_seq, verified FROM parts WHERE chat = ?1 ORDER BY rowid")?;
		let rows = stmt.query_map([chat as i64], |r| {
			Ok(PartRow {
				part: blob32(r.get(0)?)?,
				chat: r.get::<_, i64>(1)? as u64,
				owner: r.get::<_, Option<Vec<u8>>>(2)?.map(blob32).transpose()?,
				next_seq: r.get(3)?,
				verified: r.get(4)?,
			})
		})?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Records the next unread sequence number of `chat`'s `part`.
	pub fn set_next_seq(&self, chat: ChatId, part: &PartId, next_seq: u32) -> Result<()> {
		self.conn.execute(
			"UPDATE parts SET next_seq = ?3 WHERE chat = ?1 AND part = ?2",
			params![chat as i64, &part[..], next_seq],
		)?;
		Ok(())
	}

	/// Stores a message; `false` when it was already stored.
	pub fn add_message(&self, m: &MessageRow) -> Result<bool> {
		let (text, body) = body_columns(&m.body);
		let added = self.conn.execute(
			"INSERT OR IGNORE INTO messages (part, seq, chat, block, sender, sent_at, text, body, expires_at)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			params![
				&m.part[..],
				m.seq,
				m.chat as i64,
				m.block,
				&m.sender[..],
				m.sent_at as i64,
				text,
				body,
				m.expires_at.map(|e| e as i64)
			],
		)?;
		Ok(added == 1)
	}

	/// A chat's messages in chain order (block, then the sender's clock, then part and
	/// sequence so the order is the same on every device), of the parts whose owner wrote
	/// them ([`Store::disown_part`] hides a part's).
	pub fn messages(&self, chat: ChatId) -> Result<Vec<MessageRow>> {
		let mut stmt = self.conn.prepare(
			"SELECT m.part, m.seq, m.chat, m.block, m.sender, m.sent_at, m.text, m.body, m.expires_at FROM messages m
			 JOIN parts p ON p.chat = m.chat AND p.part = m.part AND p.owner = m.sender
			 WHERE m.chat = ?1 ORDER BY m.block, m.sent_at, m.part, m.seq",
		)?;
		let rows = stmt.query_map([chat as i64], |r| {
			Ok(MessageRow {
				part: blob32(r.get(0)?)?,
				seq: r.get(1)?,
				chat: r.get::<_, i64>(2)? as u64,
				block: r.get(3)?,
				sender: blob32(r.get(4)?)?,
				sent_at: r.get::<_, i64>(5)? as u64,
				body: body_from_columns(r, 6)?,
				expires_at: r.get::<_, Option<i64>>(8)?.map(|e| e as u64),
				confirmed: true,
			})
		})?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Keeps a message of mine that is in block `block_hash`, not final yet.
	pub fn add_unconfirmed(&self, m: &MessageRow, block_hash: &[u8; 32]) -> Result<()> {
		let (text, body) = body_columns(&m.body);
		self.conn.execute(
			"INSERT OR REPLACE INTO unconfirmed (part, seq, chat, block, block_hash, sender, sent_at, text, body, expires_at)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			params![
				&m.part[..],
				m.seq,
				m.chat as i64,
				m.block,
				&block_hash[..],
				&m.sender[..],
				m.sent_at as i64,
				text,
				body,
				m.expires_at.map(|e| e as i64)
			],
		)?;
		Ok(())
	}

	/// My messages not final yet, with the hash of the block each is in: of `chat`, or
	/// of every chat.
	pub fn unconfirmed(&self, chat: Option<ChatId>) -> Result<Vec<(MessageRow, [u8; 32])>> {
		let mut stmt = self.conn.prepare(
			"SELECT part, seq, chat, block, block_hash, sender, sent_at, text, body, expires_at FROM unconfirmed
			 WHERE ?1 IS NULL OR chat = ?1 ORDER BY block, sent_at, part, seq",
		)?;
		let rows = stmt.query_map([chat.map(|c| c as i64)], |r| {
			Ok((
				MessageRow {
					part: blob32(r.get(0)?)?,
					seq: r.get(1)?,
					chat: r.get::<_, i64>(2)? as u64,
					block: r.get(3)?,
					sender: blob32(r.get(5)?)?,
					sent_at: r.get::<_, i64>(6)? as u64,
					body: body_from_columns(r, 7)?,
					expires_at: r.get::<_, Option<i64>>(9)?.map(|e| e as u64),
					confirmed: false,
				},
				blob32(r.get(4)?)?,
			))
		})?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Keeps my message `m`, which disappears, until it is deleted from the chain.
	pub fn add_expiring(&self, m: &MessageRow) -> Result<()> {
		let Some(expires_at) = m.expires_at else { return Ok(()) };
		self.conn.execute(
			"INSERT OR REPLACE INTO expiring (part, seq, chat, expires_at) VALUES (?1, ?2, ?3, ?4)",
			params![&m.part[..], m.seq, m.chat as i64, expires_at as i64],
		)?;
		Ok(())
	}

	/// My messages whose time came by `now` and that are not deleted from the chain yet:
	/// (chat, part, seq, expires_at), the earliest first.
	pub fn expired_on_chain(&self, now: u64) -> Result<Vec<(ChatId, PartId, u32, u64)>> {
		let mut stmt = self.conn.prepare(
			"SELECT chat, part, seq, expires_at FROM expiring WHERE expires_at <= ?1 ORDER BY expires_at, part, seq",
		)?;
		let rows = stmt.query_map([now as i64], |r| {
			Ok((r.get::<_, i64>(0)? as u64, blob32(r.get(1)?)?, r.get(2)?, r.get::<_, i64>(3)? as u64))
		})?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Forgets my message at `part`'s `seq` as one to delete from the chain (deleted, or
	/// gone).
	pub fn remove_expiring(&self, part: &PartId, seq: u32) -> Result<()> {
		self.conn.execute("DELETE FROM expiring WHERE part = ?1 AND seq = ?2", params![&part[..], seq])?;
		Ok(())
	}

	/// Blanks every message that disappeared by `now` (ms since 1970; see
	/// [`MessageRow::expires_at`]): its text is gone, its row stays as its place in its
	/// part (so that a part holding fewer messages than are kept still tells of a delete;
	/// the sender's delete from the chain then removes it), and nothing shows it
	/// (`Session::messages` leaves out what expired). A message of mine not final yet is
	/// forgotten. How many were blanked or forgotten.
	pub fn remove_expired(&self, now: u64) -> Result<usize> {
		let blanked = self.conn.execute(
			"UPDATE messages SET text = '', body = NULL
			 WHERE expires_at IS NOT NULL AND expires_at <= ?1 AND (text != '' OR body IS NOT NULL)",
			[now as i64],
		)?;
		let forgotten = self
			.conn
			.execute("DELETE FROM unconfirmed WHERE expires_at IS NOT NULL AND expires_at <= ?1", [now as i64])?;
		Ok(blanked + forgotten)
	}

	/// Forgets the unconfirmed message at `part`'s `seq` (now final, or gone).
	pub fn remove_unconfirmed(&self, part: &PartId, seq: u32) -> Result<()> {
		self.conn.execute("DELETE FROM unconfirmed WHERE part = ?1 AND seq = ?2", params![&part[..], seq])?;
		Ok(())
	}

	/// Stores a checked invitation, pending, unless its record was stored before; its
	/// number, or `None` when it was.
	#[allow(clippy::too_many_arguments)]
	pub fn add_invitation(
		&self,
		record: &[u8; 32],
		chat: ChatId,
		kind: ChatKind,
		nonce: u64,
		key: &ChatKey,
		inviter: &AccountBytes,
		parts: &[PartId],
		slot_claim: &SlotClaim,
		block: u32,
	) -> Result<Option<u64>> {
		let added = self.conn.execute(
			"INSERT OR IGNORE INTO invitations (record, chat, kind, nonce, key, inviter, parts, block, slot_claim)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			params![
				&record[..],
				chat as i64,
				kind_to(kind),
				nonce as i64,
				&key.expose()[..],
				&inviter[..],
				parts.to_vec().encode(),
				block,
				slot_claim.encode(),
			],
		)?;
		Ok((added == 1).then(|| self.conn.last_insert_rowid() as u64))
	}

	fn invitation_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<InvitationRow> {
		let parts: Vec<u8> = r.get(6)?;
		Ok(InvitationRow {
			id: r.get::<_, i64>(0)? as u64,
			chat: r.get::<_, i64>(1)? as u64,
			kind: kind_from(r.get(2)?),
			nonce: r.get::<_, i64>(3)? as u64,
			key: ChatKey::from_bytes(blob32(r.get(4)?)?),
			inviter: blob32(r.get(5)?)?,
			parts: Vec::<PartId>::decode(&mut &parts[..])
				.map_err(|_| rusqlite::Error::InvalidColumnType(6, "parts".into(), rusqlite::types::Type::Blob))?,
			block: r.get(7)?,
			state: match r.get::<_, i64>(8)? {
				0 => InvitationState::Pending,
				1 => InvitationState::Accepted,
				_ => InvitationState::Declined,
			},
			slot_claim: decode_claim(r, 9)?,
		})
	}

	const INVITATION_COLUMNS: &'static str = "id, chat, kind, nonce, key, inviter, parts, block, state, slot_claim";

	/// One invitation, by its number.
	pub fn invitation(&self, id: u64) -> Result<Option<InvitationRow>> {
		let sql = format!("SELECT {} FROM invitations WHERE id = ?1", Self::INVITATION_COLUMNS);
		Ok(self.conn.query_row(&sql, [id as i64], Self::invitation_from_row).optional()?)
	}

	/// The invitations waiting for an answer, oldest first.
	pub fn pending_invitations(&self) -> Result<Vec<InvitationRow>> {
		let sql = format!("SELECT {} FROM invitations WHERE state = 0 ORDER BY id", Self::INVITATION_COLUMNS);
		let mut stmt = self.conn.prepare(&sql)?;
		let rows = stmt.query_map([], Self::invitation_from_row)?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Marks every invitation to `chat` still waiting as accepted: the chat is (being)
	/// joined, with one of them.
	pub fn settle_invitations(&self, chat: ChatId) -> Result<()> {
		self.conn.execute("UPDATE invitations SET state = 1 WHERE chat = ?1 AND state = 0", [chat as i64])?;
		Ok(())
	}

	/// Keeps a chat about to be created: its kind, its key, its `invitees` (all waiting)
	/// and the chain's next chat id read before submitting. Its number.
	pub fn add_creation(&self, kind: ChatKind, key: &ChatKey, invitees: &[AccountBytes], first_chat: ChatId) -> Result<u64> {
		self.conn.execute(
			"INSERT INTO creations (kind, key, invitees, waiting, first_chat) VALUES (?1, ?2, ?3, ?3, ?4)",
			params![kind_to(kind), &key.expose()[..], invitees.to_vec().encode(), first_chat as i64],
		)?;
		Ok(self.conn.last_insert_rowid() as u64)
	}

	/// The unfinished creation of a chat of `kind` with the same invitees as `invitees`
	/// (in any order), if any.
	pub fn creation_for(&self, kind: ChatKind, invitees: &[AccountBytes]) -> Result<Option<CreationRow>> {
		let mut stmt =
			self.conn.prepare("SELECT id, kind, key, invitees, waiting, first_chat, chat FROM creations ORDER BY id")?;
		let decode = |index: usize, bytes: Vec<u8>| {
			Vec::<AccountBytes>::decode(&mut &bytes[..])
				.map_err(|_| rusqlite::Error::InvalidColumnType(index, "accounts".into(), rusqlite::types::Type::Blob))
		};
		let rows = stmt.query_map([], |r| {
			Ok(CreationRow {
				id: r.get::<_, i64>(0)? as u64,
				kind: kind_from(r.get(1)?),
				key: ChatKey::from_bytes(blob32(r.get(2)?)?),
				invitees: decode(3, r.get(3)?)?,
				waiting: decode(4, r.get(4)?)?,
				first_chat: r.get::<_, i64>(5)? as u64,
				chat: r.get::<_, Option<i64>>(6)?.map(|c| c as u64),
			})
		})?;
		let mut wanted = invitees.to_vec();
		wanted.sort();
		for row in rows {
			let row = row?;
			let mut theirs = row.invitees.clone();
			theirs.sort();
			if row.kind == kind && theirs == wanted {
				return Ok(Some(row));
			}
		}
		Ok(None)
	}

	/// Records the id of creation `id`'s chat (stored in the same transaction).
	pub fn set_creation_chat(&self, id: u64, chat: ChatId) -> Result<()> {
		self.conn.execute("UPDATE creations SET chat = ?2 WHERE id = ?1", params![id as i64, chat as i64])?;
		Ok(())
	}

	/// Records who of creation `id`'s invitees are still to be invited; with nobody
	/// left, the creation is over and forgotten.
	pub fn set_creation_waiting(&self, id: u64, waiting: &[AccountBytes]) -> Result<()> {
		if waiting.is_empty() {
			self.conn.execute("DELETE FROM creations WHERE id = ?1", [id as i64])?;
		} else {
			self.conn
				.execute("UPDATE creations SET waiting = ?2 WHERE id = ?1", params![id as i64, waiting.to_vec().encode()])?;
		}
		Ok(())
	}

	/// Records the user's answer to an invitation.
	pub fn set_invitation_state(&self, id: u64, state: InvitationState) -> Result<()> {
		let state = match state {
			InvitationState::Pending => 0,
			InvitationState::Accepted => 1,
			InvitationState::Declined => 2,
		};
		self.conn.execute("UPDATE invitations SET state = ?2 WHERE id = ?1", params![id as i64, state])?;
		Ok(())
	}

	/// Whether the invitation record with this hash was handled before; marks it seen.
	pub fn check_and_mark_seen(&self, id: &[u8; 32]) -> Result<bool> {
		let added =
			self.conn.execute("INSERT OR IGNORE INTO seen_invitations (id) VALUES (?1)", [&id[..]])?;
		Ok(added == 0)
	}

	/// Records a response to slot `slot` of `chat`, under `claimant`'s claim, naming
	/// `part`: whether it is new, and the claim had room for it ([`MAX_PARTS_PER_CLAIM`]).
	pub fn add_response(&self, chat: ChatId, slot: u64, claimant: &AccountBytes, part: &PartId) -> Result<bool> {
		let added = self.conn.execute(
			"INSERT OR IGNORE INTO responses (chat, slot, claimant, part)
			 SELECT ?1, ?2, ?3, ?4 WHERE (SELECT COUNT(*) FROM responses WHERE chat = ?1 AND slot = ?2 AND claimant = ?3) < ?5",
			params![chat as i64, slot as i64, &claimant[..], &part[..], MAX_PARTS_PER_CLAIM],
		)?;
		Ok(added == 1)
	}

	/// Marks `chat` read up to block `block` (a mark never moves back).
	pub fn mark_read(&self, chat: ChatId, block: u32) -> Result<()> {
		self.conn.execute(
			"INSERT INTO read_marks (chat, block) VALUES (?1, ?2)
			 ON CONFLICT(chat) DO UPDATE SET block = max(block, excluded.block)",
			params![chat as i64, block],
		)?;
		Ok(())
	}

	/// The block up to which `chat` is read (`None`: never opened).
	pub fn read_mark(&self, chat: ChatId) -> Result<Option<u32>> {
		self.conn
			.query_row("SELECT block FROM read_marks WHERE chat = ?1", [chat as i64], |r| r.get(0))
			.optional()
			.map_err(Into::into)
	}

	/// Adds or renames a contact.
	pub fn set_contact(&self, name: &str, account: &AccountBytes) -> Result<()> {
		self.conn.execute(
			"INSERT INTO contacts (name, account) VALUES (?1, ?2)
			 ON CONFLICT(name) DO UPDATE SET account = excluded.account",
			params![name, &account[..]],
		)?;
		Ok(())
	}

	/// Removes a contact; `false` when there was none.
	pub fn remove_contact(&self, name: &str) -> Result<bool> {
		Ok(self.conn.execute("DELETE FROM contacts WHERE name = ?1", [name])? == 1)
	}

	/// The account of a nickname.
	pub fn contact(&self, name: &str) -> Result<Option<AccountBytes>> {
		self.conn
			.query_row("SELECT account FROM contacts WHERE name = ?1", [name], |r| blob32(r.get(0)?))
			.optional()
			.map_err(Into::into)
	}

	/// All contacts, by name.
	pub fn contacts(&self) -> Result<Vec<(String, AccountBytes)>> {
		let mut stmt = self.conn.prepare("SELECT name, account FROM contacts ORDER BY name")?;
		let rows = stmt.query_map([], |r| Ok((r.get(0)?, blob32(r.get(1)?)?)))?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// The nickname of an account, if it has one.
	pub fn nickname(&self, account: &AccountBytes) -> Result<Option<String>> {
		Ok(self
			.conn
			.query_row(
				"SELECT name FROM contacts WHERE account = ?1 ORDER BY name LIMIT 1",
				[&account[..]],
				|r| r.get(0),
			)
			.optional()?)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn chat(id: ChatId) -> ChatRow {
		ChatRow {
			id,
			kind: ChatKind::Pair,
			key: ChatKey::from_bytes([id as u8; 32]),
			my_part: [id as u8; 32],
			my_part_index: id as u32,
			joined: false,
			response_slot: crate::wire::CREATOR_RESPONSE,
			response_claim: Some(claim(id as u8)),
			left: false,
		}
	}

	fn claim(inviter: u8) -> SlotClaim {
		SlotClaim { inviter: [inviter; 32], secret: [inviter.wrapping_add(1); 32], signature: [inviter; 64] }
	}

	fn text(text: &str) -> Body {
		Body::Text(text.into())
	}

	fn message(part: u8, seq: u32, block: u32) -> MessageRow {
		MessageRow {
			part: [part; 32],
			seq,
			chat: 1,
			block,
			sender: [part; 32],
			sent_at: 0,
			body: Body::Text(format!("{part}/{seq}")),
			expires_at: None,
			confirmed: true,
		}
	}

	const KEY: [u8; 32] = [0x4b; 32];

	#[test]
	fn chats_parts_and_messages_persist_and_dedupe() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("db/state.sqlite");
		{
			let store = Store::open(&path, &KEY).unwrap();
			assert!(store.add_chat(&chat(1)).unwrap());
			assert!(!store.add_chat(&chat(1)).unwrap());
			store.set_joined(1, &[1; 32]).unwrap();
			assert!(store.add_part(&[1; 32], 1, None).unwrap());
			assert!(!store.add_part(&[1; 32], 1, Some(&[1; 32])).unwrap());
			assert!(store.add_part(&[2; 32], 1, Some(&[2; 32])).unwrap());
			store.set_next_seq(1, &[1; 32], 3).unwrap();
			assert!(store.add_message(&message(2, 0, 5)).unwrap());
			assert!(store.add_message(&message(1, 0, 4)).unwrap());
			assert!(!store.add_message(&message(1, 0, 4)).unwrap());
			store.set_cursor(42).unwrap();
		}
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			let mode = std::fs::metadata(&path).unwrap().permissions().mode();
			assert_eq!(mode & 0o077, 0, "database readable by others: {mode:o}");
		}
		let store = Store::open(&path, &KEY).unwrap();
		let c = store.chat(1).unwrap().unwrap();
		assert!(c.joined);
		assert_eq!((c.my_part_index, c.response_slot), (1, crate::wire::CREATOR_RESPONSE));
		assert_eq!(c.key.expose(), &[1; 32]);
		assert_eq!(
			store.parts(1).unwrap(),
			vec![
				PartRow { part: [1; 32], chat: 1, owner: Some([1; 32]), next_seq: 3, verified: true },
				PartRow { part: [2; 32], chat: 1, owner: Some([2; 32]), next_seq: 0, verified: true }
			]
		);
		let texts: Vec<_> = store.messages(1).unwrap().into_iter().map(|m| m.body).collect();
		assert_eq!(texts, [text("1/0"), text("2/0")]);
		// A leaving and a timer are kept as what they are, and so is the chat I left.
		assert!(store.add_message(&MessageRow { body: Body::Left, block: 9, ..message(2, 1, 9) }).unwrap());
		assert_eq!(store.messages(1).unwrap().last().unwrap().body, Body::Left);
		let timer = MessageRow { body: Body::Timer(Some(60)), block: 10, ..message(1, 4, 10) };
		assert!(store.add_message(&timer).unwrap());
		assert_eq!(store.messages(1).unwrap().last().unwrap(), &timer);
		// A message that disappears is gone once its time came, not before.
		let fleeting = MessageRow { expires_at: Some(5_000), block: 11, ..message(1, 5, 11) };
		assert!(store.add_message(&fleeting).unwrap());
		store.add_unconfirmed(&MessageRow { confirmed: false, ..fleeting.clone() }, &[1; 32]).unwrap();
		assert_eq!(store.remove_expired(4_999).unwrap(), 0);
		let held = store.count_messages(1, &[1; 32], 6).unwrap();
		assert_eq!(store.messages(1).unwrap().last().unwrap(), &fleeting);
		store.add_expiring(&fleeting).unwrap();
		assert!(store.expired_on_chain(4_999).unwrap().is_empty());
		assert_eq!(store.remove_expired(5_000).unwrap(), 2);
		assert_eq!(store.remove_expired(5_000).unwrap(), 0, "blanked once");
		// Its text is gone; its place stays until its sender deletes it from the chain.
		assert_eq!(store.messages(1).unwrap().last().unwrap(), &fleeting.blanked());
		assert_eq!(store.count_messages(1, &[1; 32], 6).unwrap(), held);
		store.remove_message(1, &[1; 32], 5).unwrap();
		// Still to be deleted from the chain by its sender.
		assert_eq!(store.expired_on_chain(5_000).unwrap(), [(1, [1; 32], 5, 5_000)]);
		store.remove_expiring(&[1; 32], 5).unwrap();
		assert!(store.expired_on_chain(u64::MAX / 2).unwrap().is_empty());
		assert_eq!(store.messages(1).unwrap().last().unwrap(), &timer);
		assert!(store.unconfirmed(Some(1)).unwrap().is_empty());
		assert!(!store.chat(1).unwrap().unwrap().left);
		store.set_left(1, true).unwrap();
		assert!(store.chat(1).unwrap().unwrap().left);
		store.set_left(1, false).unwrap();
		assert!(!store.chat(1).unwrap().unwrap().left);
		assert_eq!(store.cursor().unwrap(), 42);
	}

	/// A re-join begun is kept with its part key and tag until it is over; a join finished
	/// for a part that is no longer mine does not mark the chat joined.
	#[test]
	fn a_rejoin_is_kept_until_it_is_over() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("state.sqlite");
		{
			let store = Store::open(&path, &KEY).unwrap();
			store.add_chat(&chat(1)).unwrap();
			store.set_joined(1, &[1; 32]).unwrap();
			store.raise_part_index(2).unwrap();
			assert_eq!(store.rejoining(1).unwrap(), None);
			assert_eq!(store.begin_rejoin(1, [7; 32], 0).unwrap(), Rejoining { index: 2, tag: [7; 32] });
		}
		// Interrupted: opened again, the same re-join, and its key stays taken.
		let store = Store::open(&path, &KEY).unwrap();
		assert_eq!(store.rejoining(1).unwrap(), Some(Rejoining { index: 2, tag: [7; 32] }));
		assert_eq!(store.next_part_index().unwrap(), 3);
		store.rejoin(1, &[2; 32], 2, 5, &claim(3)).unwrap();
		assert_eq!(store.rejoining(1).unwrap(), None);
		let row = store.chat(1).unwrap().unwrap();
		assert_eq!((row.my_part, row.my_part_index, row.response_slot, row.joined), ([2; 32], 2, 5, false));
		assert_eq!(row.response_claim, Some(claim(3)), "the claim of the invitation to myself");
		// The old part's join, finished late by another process, leaves the chat unjoined.
		store.set_joined(1, &[1; 32]).unwrap();
		assert!(!store.chat(1).unwrap().unwrap().joined);
		store.set_joined(1, &[2; 32]).unwrap();
		assert!(store.chat(1).unwrap().unwrap().joined);
		// Another device's part, found on chain, is taken as mine, with its key's index.
		store.begin_rejoin(1, [8; 32], 0).unwrap();
		store.adopt_part(1, &[9; 32], 9).unwrap();
		let row = store.chat(1).unwrap().unwrap();
		assert_eq!((row.my_part, row.my_part_index, row.joined), ([9; 32], 9, true));
		assert_eq!(store.rejoining(1).unwrap(), None);
		assert_eq!(store.next_part_index().unwrap(), 10);
	}

	/// Only the messages of a part whose owner wrote them are listed: a part that lost its
	/// owner hides its messages until a listing names the same owner again, and an owner
	/// other than the one who wrote them never shows them.
	#[test]
	fn a_part_without_its_owner_shows_no_messages() {
		let store = Store::in_memory().unwrap();
		store.add_chat(&chat(1)).unwrap();
		store.add_part(&[1; 32], 1, Some(&[1; 32])).unwrap();
		store.add_part(&[2; 32], 1, Some(&[2; 32])).unwrap();
		store.add_message(&message(1, 0, 4)).unwrap();
		store.add_message(&message(2, 0, 5)).unwrap();
		let texts = || store.messages(1).unwrap().into_iter().map(|m| m.body).collect::<Vec<_>>();
		assert_eq!(texts(), [text("1/0"), text("2/0")]);
		store.disown_part(1, &[2; 32]).unwrap();
		assert_eq!(texts(), [text("1/0")]);
		assert_eq!(store.parts(1).unwrap()[1].owner, None);
		store.add_part(&[2; 32], 1, Some(&[2; 32])).unwrap();
		assert_eq!(texts(), [text("1/0"), text("2/0")]);
		store.disown_part(1, &[2; 32]).unwrap();
		store.add_part(&[2; 32], 1, Some(&[9; 32])).unwrap();
		assert_eq!(texts(), [text("1/0")]);
	}

	/// A part is a fact about one chat: a listing of one chat naming another chat's part
	/// adds a row of its own, which neither hides nor changes the other chat's; removing
	/// it forgets only that row; a chat takes at most `MAX_UNVERIFIED_PARTS` parts that
	/// have not verified.
	#[test]
	fn parts_are_kept_per_chat_and_capped() {
		let store = Store::in_memory().unwrap();
		store.add_chat(&chat(1)).unwrap();
		store.add_chat(&chat(2)).unwrap();
		// Chat 1's member lists chat 2's part first; then chat 2 learns it, with its owner.
		assert!(store.add_part(&[7; 32], 1, None).unwrap());
		assert!(store.add_part(&[7; 32], 2, Some(&[7; 32])).unwrap());
		store.set_next_seq(2, &[7; 32], 4).unwrap();
		let mut m = message(7, 0, 3);
		m.chat = 2;
		store.add_message(&m).unwrap();
		assert_eq!(
			store.parts(2).unwrap(),
			[PartRow { part: [7; 32], chat: 2, owner: Some([7; 32]), next_seq: 4, verified: true }]
		);
		assert_eq!(
			store.parts(1).unwrap(),
			[PartRow { part: [7; 32], chat: 1, owner: None, next_seq: 0, verified: false }]
		);
		assert_eq!(store.messages(2).unwrap().len(), 1);
		// Chat 1 forgets it (its listing does not verify there): chat 2 keeps all of it.
		store.remove_part(1, &[7; 32]).unwrap();
		assert!(store.parts(1).unwrap().is_empty());
		assert_eq!(store.parts(2).unwrap().len(), 1);
		assert_eq!(store.messages(2).unwrap().len(), 1);
		store.disown_part(1, &[7; 32]).unwrap();
		assert_eq!(store.parts(2).unwrap()[0].owner, Some([7; 32]));

		for i in 0..MAX_UNVERIFIED_PARTS as u32 {
			let mut part = [0u8; 32];
			part[..4].copy_from_slice(&i.to_le_bytes());
			part[31] = 1;
			assert!(store.add_part(&part, 1, None).unwrap());
		}
		assert!(!store.add_part(&[8; 32], 1, None).unwrap(), "a chat full of named parts takes no more");
		assert_eq!(store.parts(1).unwrap().len(), MAX_UNVERIFIED_PARTS);
		assert!(store.add_part(&[8; 32], 2, None).unwrap(), "another chat does");
		// A part that verified is always taken; one that verifies stops counting.
		assert!(store.add_part(&[9; 32], 1, Some(&[9; 32])).unwrap());
		let mut first = [0u8; 32];
		first[31] = 1;
		store.add_part(&first, 1, Some(&[1; 32])).unwrap();
		assert!(store.add_part(&[8; 32], 1, None).unwrap());
		// A member's part that lost its owner is still one that verified.
		store.disown_part(1, &[9; 32]).unwrap();
		let row = store.parts(1).unwrap().into_iter().find(|p| p.part == [9; 32]).unwrap();
		assert_eq!((row.owner, row.verified), (None, true));
	}

	/// A database of layout "2" (one row per part id) keeps its chats, parts and
	/// messages: its parts move into the (chat, part) table as they are, those with an
	/// owner marked verified.
	#[test]
	fn layout_2_is_migrated_keeping_everything() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("state.sqlite");
		{
			let store = Store::open(&path, &KEY).unwrap();
			store.add_chat(&chat(1)).unwrap();
			store.set_cursor(9).unwrap();
			store.add_message(&message(1, 0, 4)).unwrap();
			store
				.conn
				.execute_batch(
					"DROP TABLE parts;
					 CREATE TABLE parts (part BLOB PRIMARY KEY, chat INTEGER NOT NULL REFERENCES chats(id),
					 	owner BLOB, next_seq INTEGER NOT NULL DEFAULT 0);
					 CREATE INDEX parts_by_chat ON parts(chat);",
				)
				.unwrap();
			store
				.conn
				.execute(
					"INSERT INTO parts (part, chat, owner, next_seq) VALUES (?1, 1, ?1, 1), (?2, 1, NULL, 0)",
					params![&[1u8; 32][..], &[2u8; 32][..]],
				)
				.unwrap();
			store.set_meta(SCHEMA_KEY, b"2").unwrap();
		}
		let store = Store::open(&path, &KEY).unwrap();
		assert_eq!(store.chats().unwrap().len(), 1);
		assert_eq!(store.cursor().unwrap(), 9);
		assert_eq!(
			store.parts(1).unwrap(),
			[
				PartRow { part: [1; 32], chat: 1, owner: Some([1; 32]), next_seq: 1, verified: true },
				PartRow { part: [2; 32], chat: 1, owner: None, next_seq: 0, verified: false }
			]
		);
		assert_eq!(store.messages(1).unwrap().len(), 1);
		// The same part id can now be another chat's too.
		store.add_chat(&chat(2)).unwrap();
		assert!(store.add_part(&[1; 32], 2, None).unwrap());
		assert_eq!(store.meta(SCHEMA_KEY).unwrap().as_deref(), Some(SCHEMA_VERSION));
	}

	/// Every byte of the files is encrypted: no text, no key, no part id shows; another
	/// key opens nothing; an old unencrypted database is encrypted with nothing lost.
	#[test]
	fn the_files_hold_nothing_readable() {
		const SECRET_TEXT: &str = "meet me at the old bridge at nine";
		const OLD_CONTACT: &str = "bob from the old database";
		let shows = |bytes: &[u8], needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("state.sqlite");
		{
			let store = Store::open(&path, &KEY).unwrap();
			store.add_chat(&chat(1)).unwrap();
			store.add_message(&MessageRow { body: Body::Text(SECRET_TEXT.into()), ..message(9, 0, 1) }).unwrap();
			store.set_contact("a nickname", &[3; 32]).unwrap();
		}
		// Needles of 10 bytes or more: ciphertext matches a shorter one by chance now
		// and then (a 3-byte needle once in 16 MiB of random bytes).
		let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
		assert!(!files.is_empty());
		for file in &files {
			let bytes = std::fs::read(file).unwrap();
			let needles = [SECRET_TEXT.as_bytes(), &[1; 32], &[9; 32], b"a nickname", b"SQLite format 3", b"CREATE TABLE"];
			for needle in needles {
				assert!(!shows(&bytes, needle), "{} shows {needle:?}", file.display());
			}
		}
		assert!(matches!(Store::open(&path, &[0x4c; 32]), Err(StoreError::WrongKey(_))));
		assert_eq!(Store::open(&path, &KEY).unwrap().chat(1).unwrap().unwrap().key.expose(), &[1; 32]);

		// A database written unencrypted (as before) is encrypted on opening.
		let old = dir.path().join("old.sqlite");
		{
			let conn = Connection::open(&old).unwrap();
			conn.execute_batch(SCHEMA).unwrap();
			conn.execute("INSERT INTO contacts (name, account) VALUES (?1, ?2)", (OLD_CONTACT, &[2u8; 32][..])).unwrap();
		}
		assert!(is_plaintext_database(&old).unwrap());
		assert!(shows(&std::fs::read(&old).unwrap(), OLD_CONTACT.as_bytes()));
		let store = Store::open(&old, &KEY).unwrap();
		assert_eq!(store.contact(OLD_CONTACT).unwrap(), Some([2; 32]));
		drop(store);
		assert!(!is_plaintext_database(&old).unwrap());
		assert!(!shows(&std::fs::read(&old).unwrap(), OLD_CONTACT.as_bytes()));
	}

	#[test]
	fn failed_transaction_leaves_nothing() {
		let store = Store::in_memory().unwrap();
		let r: Result<()> = store.atomically(|s| {
			s.add_chat(&chat(2))?;
			s.set_cursor(9)?;
			Err(StoreError::Corrupt("test"))
		});
		assert!(r.is_err());
		assert!(store.chat(2).unwrap().is_none());
		assert_eq!(store.cursor().unwrap(), 0);
	}

	#[test]
	fn seen_invitations_and_contacts() {
		let store = Store::in_memory().unwrap();
		assert!(!store.check_and_mark_seen(&[1; 32]).unwrap());
		assert!(store.check_and_mark_seen(&[1; 32]).unwrap());
		store.set_contact("bob", &[2; 32]).unwrap();
		assert_eq!(store.contact("bob").unwrap(), Some([2; 32]));
		assert_eq!(store.nickname(&[2; 32]).unwrap().as_deref(), Some("bob"));
		assert!(store.remove_contact("bob").unwrap());
		assert!(!store.remove_contact("bob").unwrap());
		assert_eq!(store.contact("bob").unwrap(), None);
	}

	#[test]
	fn part_indices_and_tickets_are_used_once() {
		let store = Store::in_memory().unwrap();
		assert_eq!(store.take_part_index(0).unwrap(), 0);
		assert_eq!(store.take_part_index(0).unwrap(), 1);
		store.raise_part_index(7).unwrap();
		store.raise_part_index(3).unwrap();
		assert_eq!(store.take_part_index(0).unwrap(), 7);
		// A later day starts at its own range, and counts on from there.
		assert_eq!(store.take_part_index(128).unwrap(), 128);
		assert_eq!(store.take_part_index(64).unwrap(), 129);
		assert!(!store.ticket_used(4, 1).unwrap());
		store.mark_ticket_used(4, 1).unwrap();
		assert!(store.ticket_used(4, 1).unwrap());
		assert!(!store.ticket_used(4, 2).unwrap());
		// A later epoch forgets the earlier ones.
		store.mark_ticket_used(5, 0).unwrap();
		assert!(!store.ticket_used(4, 1).unwrap());
	}

	/// A database of the earlier layout (its chats from another protocol's chain) keeps
	/// its contacts and drops the rest.
	#[test]
	fn an_earlier_layout_is_rebuilt_keeping_contacts() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("state.sqlite");
		{
			let conn = Connection::open(&path).unwrap();
			apply_key(&conn, &KEY).unwrap();
			conn.execute_batch(
				"CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
				 CREATE TABLE chats (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, key BLOB NOT NULL,
				 	my_part BLOB NOT NULL, state INTEGER NOT NULL, join_nonce INTEGER, listed INTEGER);
				 INSERT INTO chats VALUES (1, 0, x'00', x'00', 1, NULL, 0);
				 INSERT INTO meta VALUES ('record_cursor', x'0500000000000000');
				 CREATE TABLE contacts (name TEXT PRIMARY KEY, account BLOB NOT NULL);",
			)
			.unwrap();
			conn.execute("INSERT INTO contacts (name, account) VALUES ('bob', ?1)", [&[2u8; 32][..]]).unwrap();
		}
		let store = Store::open(&path, &KEY).unwrap();
		assert!(store.chats().unwrap().is_empty());
		assert_eq!(store.cursor().unwrap(), 0);
		assert_eq!(store.contact("bob").unwrap(), Some([2; 32]));
		store.add_chat(&chat(1)).unwrap();
		drop(store);
		// Opened again, it is of this layout: nothing is dropped.
		assert_eq!(Store::open(&path, &KEY).unwrap().chats().unwrap().len(), 1);
	}

	#[test]
	fn unconfirmed_messages_are_kept_apart_until_settled() {
		let store = Store::in_memory().unwrap();
		let mut sent = message(1, 3, 9);
		sent.confirmed = false;
		store.add_unconfirmed(&sent, &[5; 32]).unwrap();
		assert_eq!(store.unconfirmed(Some(1)).unwrap(), [(sent.clone(), [5; 32])]);
		assert!(store.unconfirmed(Some(2)).unwrap().is_empty());
		assert!(store.messages(1).unwrap().is_empty(), "not final: not among the messages");
		// Its transaction went into another block of the best chain.
		sent.block = 10;
		store.add_unconfirmed(&sent, &[6; 32]).unwrap();
		assert_eq!(store.unconfirmed(None).unwrap(), [(sent.clone(), [6; 32])]);
		store.remove_unconfirmed(&sent.part, sent.seq).unwrap();
		assert!(store.unconfirmed(None).unwrap().is_empty());
	}

	#[test]
	fn invitations_wait_for_an_answer() {
		let store = Store::in_memory().unwrap();
		let key = ChatKey::from_bytes([4; 32]);
		let add = |record: u8, chat| {
			store.add_invitation(&[record; 32], chat, ChatKind::Group, 3, &key, &[9; 32], &[[1; 32], [2; 32]], &claim(9), 40)
		};
		let first = add(1, 7).unwrap().expect("a new invitation");
		assert_eq!(add(1, 7).unwrap(), None, "the same record again");
		let second = add(2, 8).unwrap().expect("another");
		let row = store.invitation(first).unwrap().unwrap();
		assert_eq!((row.chat, row.nonce, row.inviter, row.parts.len(), row.block), (7, 3, [9; 32], 2, 40));
		assert_eq!(row.slot_claim, Some(claim(9)));
		assert_eq!(row.state, InvitationState::Pending);
		store.set_invitation_state(first, InvitationState::Declined).unwrap();
		assert_eq!(store.pending_invitations().unwrap().iter().map(|i| i.id).collect::<Vec<_>>(), [second]);
		assert_eq!(store.invitation(first).unwrap().unwrap().state, InvitationState::Declined);
		assert!(store.invitation(99).unwrap().is_none());
		// A later invitation to the same chat is kept too; joining settles both.
		let third = add(3, 8).unwrap().expect("a second invitation to chat 8");
		assert_eq!(store.pending_invitations().unwrap().iter().map(|i| i.id).collect::<Vec<_>>(), [second, third]);
		store.settle_invitations(8).unwrap();
		assert!(store.pending_invitations().unwrap().is_empty());
		assert_eq!(store.invitation(third).unwrap().unwrap().state, InvitationState::Accepted);
	}

	#[test]
	fn a_deleted_message_is_dropped() {
		let store = Store::in_memory().unwrap();
		store.add_chat(&chat(1)).unwrap();
		store.add_part(&[1; 32], 1, Some(&[1; 32])).unwrap();
		for seq in 0..3 {
			assert!(store.add_message(&message(1, seq, 5)).unwrap());
		}
		assert_eq!(store.count_messages(1, &[1; 32], 3).unwrap(), 3);
		assert_eq!(store.count_messages(1, &[1; 32], 2).unwrap(), 2, "only those below the number read to");
		store.remove_message(1, &[1; 32], 1).unwrap();
		assert_eq!(store.message_seqs(1, &[1; 32], 10).unwrap(), vec![0, 2]);
		assert_eq!(store.messages(1).unwrap().iter().map(|m| m.seq).collect::<Vec<_>>(), [0, 2]);
	}

	/// A creation is kept until its last invitee is invited, found again by its kind and
	/// invitees in any order, and survives reopening.
	#[test]
	fn a_creation_is_kept_until_everyone_is_invited() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("db");
		let key = ChatKey::from_bytes([4; 32]);
		let id = {
			let store = Store::open(&path, &KEY).unwrap();
			assert!(store.creation_for(ChatKind::Group, &[[1; 32]]).unwrap().is_none());
			store.add_creation(ChatKind::Group, &key, &[[1; 32], [2; 32]], 17).unwrap()
		};
		let store = Store::open(&path, &KEY).unwrap();
		assert!(store.creation_for(ChatKind::Pair, &[[1; 32], [2; 32]]).unwrap().is_none(), "another kind");
		assert!(store.creation_for(ChatKind::Group, &[[1; 32]]).unwrap().is_none(), "other invitees");
		let row = store.creation_for(ChatKind::Group, &[[2; 32], [1; 32]]).unwrap().expect("the same, in another order");
		assert_eq!((row.id, row.first_chat, row.chat, row.key.expose()), (id, 17, None, &[4; 32]));
		assert_eq!((row.invitees.clone(), row.waiting.clone()), (vec![[1; 32], [2; 32]], vec![[1; 32], [2; 32]]));
		store.set_creation_chat(id, 20).unwrap();
		store.set_creation_waiting(id, &[[2; 32]]).unwrap();
		let row = store.creation_for(ChatKind::Group, &[[1; 32], [2; 32]]).unwrap().unwrap();
		assert_eq!((row.chat, row.waiting), (Some(20), vec![[2; 32]]));
		store.set_creation_waiting(id, &[]).unwrap();
		assert!(store.creation_for(ChatKind::Group, &[[1; 32], [2; 32]]).unwrap().is_none(), "over");
	}

	/// Each claim on a slot has room for its own few parts: another claim filling its own
	/// takes nothing from it, and parts that responses name are taken past the cap on
	/// parts that listings name.
	#[test]
	fn responses_are_kept_per_claim_and_none_hides_another() {
		let store = Store::in_memory().unwrap();
		store.add_chat(&chat(1)).unwrap();
		let (squatter, inviter) = ([6; 32], [9; 32]);
		for i in 0..10u8 {
			let added = store.add_response(1, 0, &squatter, &[100 + i; 32]).unwrap();
			assert_eq!(added, i64::from(i) < MAX_PARTS_PER_CLAIM, "squatter's part {i}");
		}
		assert!(store.add_response(1, 0, &inviter, &[1; 32]).unwrap(), "the invitee's is still taken");
		assert!(!store.add_response(1, 0, &inviter, &[1; 32]).unwrap(), "once");
		assert!(store.add_response(1, 1, &squatter, &[200; 32]).unwrap(), "another slot has room of its own");
		assert!(store.add_response(2, 0, &squatter, &[201; 32]).unwrap(), "so has another chat");
		for i in 0..MAX_UNVERIFIED_PARTS {
			store.add_part(&crate::crypto::hash(&i.to_le_bytes()), 1, None).unwrap();
		}
		assert!(!store.add_part(&[2; 32], 1, None).unwrap(), "listings fill the cap");
		assert!(store.add_answering_part(&[1; 32], 1).unwrap(), "a response still adds its part");
	}

	#[test]
	fn database_of_another_account_is_refused() {
		let store = Store::in_memory().unwrap();
		store.bind_account(&[1; 32], |_| "a".into()).unwrap();
		store.bind_account(&[1; 32], |_| "a".into()).unwrap();
		assert!(matches!(store.bind_account(&[2; 32], |_| "a".into()), Err(StoreError::OtherAccount { .. })));
	}

	#[test]
	fn a_read_mark_persists_and_never_moves_back() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("state.sqlite");
		let store = Store::open(&path, &KEY).unwrap();
		assert_eq!(store.read_mark(1).unwrap(), None);
		store.mark_read(1, 10).unwrap();
		store.mark_read(1, 7).unwrap();
		assert_eq!(store.read_mark(1).unwrap(), Some(10));
		assert_eq!(store.read_mark(2).unwrap(), None);
		drop(store);
		let store = Store::open(&path, &KEY).unwrap();
		assert_eq!(store.read_mark(1).unwrap(), Some(10));
		store.mark_read(1, 12).unwrap();
		assert_eq!(store.read_mark(1).unwrap(), Some(12));
	}
}
