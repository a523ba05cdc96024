//! docs/CHAIN.md's "What bounds a user" is the runtime's: the most one registration can
//! write in a day, computed here from the runtime's constants, its benchmarked weights and
//! the lengths of real transactions at their largest, is the table the document shows,
//! and filling the chain's blocks for a day takes at least 1,000 registrations.

use codec::Encode;
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::Get,
	weights::Weight,
	BoundedVec,
};
use pallet_chat::{ChatParams, Lease};
use sealchat_runtime::{configs::*, Balance, Runtime, RuntimeCall, DAYS, UNIT};
use sealchat_tests::tx::general_extrinsic;
use sp_core::ed25519;

type ChatCall = pallet_chat::Call<Runtime>;
type Ticket = pallet_chat::TicketOf<Runtime>;

/// Registrations that must act together to fill the chain's blocks for a day.
const MIN_REGISTRATIONS_TO_FILL: u64 = 1_000;

/// A general transaction's weight, as a block counts it (the call, its authorization and
/// the other extensions, and the base weight of an extrinsic), and its length.
fn cost(call: ChatCall) -> (Weight, u64) {
	let xt = general_extrinsic(RuntimeCall::Chat(call));
	let base = <Runtime as frame_system::Config>::BlockWeights::get().get(DispatchClass::Normal).base_extrinsic;
	(xt.get_dispatch_info().total_weight() + base, xt.encoded_size() as u64)
}

fn ticket() -> Ticket {
	let proof = vec![0u8; pallet_ring::ProofOf::<Runtime, pallet_ring::Instance1>::bound()];
	pallet_ring::Ticket { ring: 0, revision: 0, epoch: 0, slot: 0, alias: [0; 32], proof: BoundedVec::truncate_from(proof) }
}

fn sig() -> ed25519::Signature {
	ed25519::Signature::from_raw([0; 64])
}

/// What a write costs as a fixed part and a part per byte written, the largest of any
/// part-key-signed write for each.
struct PerWrite {
	weight: Weight,
	weight_per_byte: Weight,
	length: u64,
}

fn part_writes() -> PerWrite {
	let max_message: u32 = <<Runtime as pallet_chat::Config>::MaxMessageLen as Get<u32>>::get();
	let post = |len: u32| cost(ChatCall::post_message { part: [0; 32], seq: 0, ciphertext: vec![0; len as usize], signature: sig() });
	let blob = |len: u32| cost(ChatCall::set_part_blob { part: [0; 32], nonce: 0, blob: vec![0; len as usize], signature: sig() });
	let delete = cost(ChatCall::delete_message { part: [0; 32], nonce: 0, seq: 0, signature: sig() });
	let close = cost(ChatCall::close_part { part: [0; 32], nonce: 0, max_messages: 0, signature: sig() });
	let (post_1, post_max) = (post(1), post(max_message));
	let (blob_0, blob_max) = (blob(0), blob(MAX_PART_BLOB_LEN));
	let per_byte = |(small, small_len): (Weight, u32), (large, large_len): (Weight, u32)| {
		let bytes = u64::from(large_len - small_len);
		let diff = large.saturating_sub(small);
		Weight::from_parts(diff.ref_time().div_ceil(bytes), diff.proof_size().div_ceil(bytes))
	};
	PerWrite {
		weight: [post_1.0, blob_0.0, delete.0, close.0].into_iter().fold(Weight::zero(), |a, b| a.max(b)),
		weight_per_byte: per_byte((post_1.0, 1), (post_max.0, max_message)).max(per_byte((blob_0.0, 0), (blob_max.0, MAX_PART_BLOB_LEN))),
		// A byte written is a byte of length; what is left is the fixed part.
		length: [post_max.1 - u64::from(max_message), blob_max.1 - u64::from(MAX_PART_BLOB_LEN), delete.1, close.1]
			.into_iter()
			.max()
			.unwrap(),
	}
}

/// The most a ticket-carrying call costs: a join with the largest blob, a renewal, or a
/// creation (the connector's).
fn ticket_call() -> (Weight, u64) {
	let record = vec![0u8; RECORD_LEN as usize];
	let join = cost(ChatCall::join {
		ticket: ticket(),
		part: [0; 32],
		blob: vec![0; MAX_PART_BLOB_LEN as usize],
		response: record,
		tag: [0; 32],
		signature: sig(),
	});
	let renew = cost(ChatCall::renew { ticket: ticket(), lease: Lease::Part([0; 32]) });
	let params = ChatParams {
		membership_key: ed25519::Public::from_raw([0; 32]),
		sealed_key: vec![0u8; <<Runtime as pallet_chat::Config>::MaxSealedKeyLen as Get<u32>>::get() as usize],
	};
	let create = general_extrinsic(RuntimeCall::Connector(pallet_connector::Call::create_chat { ticket: ticket(), params }));
	let base = <Runtime as frame_system::Config>::BlockWeights::get().get(DispatchClass::Normal).base_extrinsic;
	let create = (create.get_dispatch_info().total_weight() + base, create.encoded_size() as u64);
	(join.0.max(renew.0).max(create.0), join.1.max(renew.1).max(create.1))
}

fn invitation() -> (Weight, u64) {
	cost(ChatCall::add_member {
		chat: 0,
		nonce: 0,
		invitation: vec![0; RECORD_LEN as usize],
		tag: [0; 32],
		proof: sig(),
	})
}

/// `n` with thousands separated by commas.
fn commas(n: u64) -> String {
	let digits = n.to_string();
	let mut out = String::new();
	for (i, c) in digits.chars().enumerate() {
		if i > 0 && (digits.len() - i) % 3 == 0 {
			out.push(',');
		}
		out.push(c);
	}
	out
}

#[test]
fn what_one_registration_writes_in_a_day_is_bounded_as_docs_chain_md_says() {
	let tickets = u64::from(TICKETS_PER_EPOCH);
	// Every lease was taken or renewed with a ticket of the last `LEASE / DAYS + 1` days.
	let leases = tickets * u64::from(LEASE / DAYS + 1);
	let (writes, bytes, top_writes, top_bytes, invitations) = (
		u64::from(WRITES_PER_EPOCH),
		u64::from(WRITE_BYTES_PER_EPOCH),
		u64::from(TOP_UP_WRITES),
		u64::from(TOP_UP_BYTES),
		u64::from(INVITATIONS_PER_EPOCH),
	);
	let write = part_writes();
	let (ticket_weight, ticket_length) = ticket_call();
	let (invitation_weight, invitation_length) = invitation();

	// A lease's day: a part's allowance, or a chat's invitations, whichever costs more;
	// a ticket's: the call it carries and the top-up it buys.
	let part_day = |writes: u64, bytes: u64| {
		(write.weight.mul(writes) + write.weight_per_byte.mul(bytes), write.length * writes + bytes)
	};
	let chat_day = |invitations: u64| (invitation_weight.mul(invitations), invitation_length * invitations);
	let max = |a: (Weight, u64), b: (Weight, u64)| (a.0.max(b.0), a.1.max(b.1));
	let lease_day = max(part_day(writes, bytes), chat_day(invitations));
	let ticket_day = max(part_day(top_writes, top_bytes), chat_day(invitations));
	let weight_day = lease_day.0.mul(leases) + (ticket_day.0 + ticket_weight).mul(tickets);
	let length_day = lease_day.1 * leases + (ticket_day.1 + ticket_length) * tickets;

	let blocks = u64::from(DAYS);
	let normal = <Runtime as frame_system::Config>::BlockWeights::get().get(DispatchClass::Normal).max_total.unwrap();
	let normal_length = u64::from(*<Runtime as frame_system::Config>::BlockLength::get().max.get(DispatchClass::Normal));
	let to_fill_weight = normal.ref_time() * blocks / weight_day.ref_time();
	let to_fill_length = normal_length * blocks / length_day;
	let to_fill = to_fill_weight.min(to_fill_length);
	let deposit: Balance = <Runtime as pallet_connector::Config>::RegistrationDeposit::get();
	let deposits = deposit * Balance::from(to_fill as u32);

	let table = format!(
		"| what | per registration and day | share of a day's blocks |\n\
		 |---|---|---|\n\
		 | part-key writes (messages, deletes, blobs, closes) | {} ({} leases × {} + {} tickets × {}) | |\n\
		 | bytes written | {} MB ({} leases × {} KiB + {} tickets × {} KiB) | |\n\
		 | ticket-carrying calls (create, join, renew) | {} | |\n\
		 | block weight | {} s of the day's {} s | 1 / {} |\n\
		 | block length | {} MB of the day's {} MB | 1 / {} |\n",
		commas(leases * writes + tickets * top_writes),
		commas(leases),
		writes,
		tickets,
		top_writes,
		commas((leases * bytes + tickets * top_bytes) / 1_000_000),
		commas(leases),
		bytes / 1024,
		tickets,
		top_bytes / 1024,
		tickets,
		commas(weight_day.ref_time() / 1_000_000_000_000),
		commas(normal.ref_time() * blocks / 1_000_000_000_000),
		commas(to_fill_weight),
		commas(length_day / 1_000_000),
		commas(normal_length * blocks / 1_000_000),
		commas(to_fill_length),
	);
	let summary = format!(
		"Filling the chain's blocks for a day takes {} registrations acting together, whose\n\
		 deposits hold {} SEAL.",
		commas(to_fill),
		commas((deposits / UNIT) as u64),
	);
	let doc = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/CHAIN.md"))
		.expect("docs/CHAIN.md");
	assert!(doc.contains(&table), "docs/CHAIN.md's table of what bounds a user should read:\n{table}");
	assert!(doc.contains(&summary), "docs/CHAIN.md should say:\n{summary}");
	assert!(to_fill >= MIN_REGISTRATIONS_TO_FILL, "{to_fill} registrations fill the chain for a day");

	// Honest users never meet the limit (docs/SCALE.md): the reference user writes 5
	// messages a day into each of 10 chats, a heavy user 1,000 into one, with five
	// renewals; messages of a 100-byte text are 152 bytes of ciphertext, and one in
	// `BLOB_SHARE` carries a rewrite of the part's blob.
	let message = 152;
	let blob = sealchat::wire::PART_BLOB_SIZES[0] as u64;
	let rewrites = |messages: u64| messages.div_ceil(sealchat::session::BLOB_SHARE);
	let (light, heavy) = (5, 1_000);
	assert!(light + rewrites(light) <= writes && light * message + rewrites(light) * blob <= bytes);
	assert!(heavy + rewrites(heavy) <= writes + 5 * top_writes);
	assert!(heavy * message + rewrites(heavy) * blob <= bytes + 5 * top_bytes);
	assert!(heavy + rewrites(heavy) > writes + 4 * top_writes, "docs/CHAIN.md says five renewals, not four");
}


/// What a message counts against its part's quota besides its ciphertext is at least the
/// state it takes: its real storage key and value framing, and the trie's share.
#[test]
fn a_message_counts_the_state_it_takes() {
	let key = pallet_chat::Messages::<Runtime>::hashed_key_for([7u8; 32], 3);
	assert_eq!(key.len() as u32, pallet_chat::MESSAGE_KEY_LEN);
	for len in [1u32, 63, 64, <<Runtime as pallet_chat::Config>::MaxMessageLen as Get<u32>>::get()] {
		let message =
			pallet_chat::Message::<Runtime> { ciphertext: BoundedVec::truncate_from(vec![0; len as usize]), block: u32::MAX };
		assert!(message.encoded_size() as u32 - len <= pallet_chat::MESSAGE_VALUE_OVERHEAD, "a message of {len} B");
	}
	assert_eq!(
		pallet_chat::MESSAGE_OVERHEAD,
		pallet_chat::MESSAGE_KEY_LEN + pallet_chat::MESSAGE_VALUE_OVERHEAD + pallet_chat::TRIE_ITEM_OVERHEAD
	);
}
