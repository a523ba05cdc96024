//! Test vectors quoted in docs/PROTOCOL.md: every deterministic derivation and layout.

use codec::Encode;

use sp_core::Pair as _;
use verifiable::GenerateVerifiable;

use crate::{
	crypto::{self, ChatKey, Identity, RingVrf},
	wire::{self, ChatKind, Invitation, Message},
};

fn hex(bytes: &[u8]) -> String {
	hex::encode(bytes)
}

/// The well-known development phrase (never use it for anything real).
pub const DEV_PHRASE: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

/// Every vector, as (name, hex value).
pub fn all() -> Vec<(&'static str, String)> {
	let phrase = Identity::from_suri(DEV_PHRASE).unwrap();
	let alice = Identity::from_suri("//Alice").unwrap();
	let bob = Identity::from_suri("//Bob").unwrap();
	let key = ChatKey::from_bytes([0x01; 32]);
	let part = [0xaa; 32];
	let message = Message::new(1_700_000_000_000, wire::Body::Text("hello".into()));
	let genesis = [0x47; 32];
	let mut invitation = Invitation::new(&alice, &genesis, ChatKind::Pair, 7, 0, &key, bob.account(), vec![part]);
	// Signatures are sr25519 (randomized) and the slot secret is random: fixed here.
	invitation.slot_secret = [0x05; 32];
	invitation.slot_signature = [0; 64];
	invitation.signature = [0; 64];
	let slot_key = crypto::slot_key(&[0x05; 32]);
	let proof_payload = wire::Response::proof_payload(&genesis, 7, 0, &part);
	let register = wire::register_message(&genesis, &alice.account());
	let part_key = alice.part_key(0);
	let post = wire::part_message(&genesis, &part_key.public(), &wire::PartAction::post_message(5, 3, b"c"));
	let add_member = wire::add_member_message(&genesis, 7, 0, b"inv", &[0x7a; 32]);
	let alice_secret = sp_core::sr25519::Pair::from_string("//Alice", None).unwrap().to_raw_vec();
	let alice_entropy = crypto::blake2b_256(None, &[crypto::RING_KEY_CONTEXT, &alice_secret]);
	let one = RingVrf::new_secret([0x01; 32]);
	let one_alias = RingVrf::alias_in_context(&one, &wire::ticket_context(3, 1)).unwrap();
	vec![
		("phrase.account", hex(&phrase.account())),
		("phrase.encryption_key", hex(&phrase.encryption_key())),
		("alice.account", hex(&alice.account())),
		("alice.encryption_key", hex(&alice.encryption_key())),
		("bob.encryption_key", hex(&bob.encryption_key())),
		("alice.ring_key", hex(&alice.ring_key())),
		("chat.membership_key", hex(&key.membership_key().public())),
		("chat.response_tag(0)", hex(&key.response_tag(0))),
		("chat.response_tag(1)", hex(&key.response_tag(1))),
		("chat.response_tag(CREATOR_RESPONSE)", hex(&key.response_tag(wire::CREATOR_RESPONSE))),
		("add_member_message([0x47; 32], 7, 0, \"inv\", [0x7a; 32])", hex(&add_member)),
		("chat.membership_proof(add_member_message above)", hex(&key.membership_key().sign(&add_member))),
		("alice.part_key(0)", hex(&part_key.public())),
		("alice.part_key(1)", hex(&alice.part_key(1).public())),
		("part_message([0x47; 32], alice.part_key(0), PostMessage(5, 3, \"c\"))", hex(&post)),
		("alice.part_key(0).sign(part_message above)", hex(&part_key.sign(&post))),
		(
			"part_message([0x47; 32], [0xaa; 32], Join(\"blob\", \"response\", [0x03; 32]))",
			hex(&wire::part_message(&genesis, &part, &wire::PartAction::join(b"blob", b"response", [3; 32]))),
		),
		("renew_message([0x47; 32], Part([0xaa; 32]))", hex(&wire::renew_message(&genesis, &wire::Lease::Part(part)))),
		("renew_message([0x47; 32], Chat(7))", hex(&wire::renew_message(&genesis, &wire::Lease::Chat(7)))),
		("part_owner_payload([0x47; 32], 7, [0xaa; 32])", hex(&wire::PartListing::owner_payload(&genesis, 7, &part))),
		("message.encoded", hex(&message.encode())),
		("message.padded", hex(&message.padded())),
		("left.encoded (sent_at 1_700_000_000_000)", hex(&Message::new(1_700_000_000_000, wire::Body::Left).encode())),
		(
			"timer.encoded (sent_at 1_700_000_000_000, Timer(Some(86_400)))",
			hex(&Message::new(1_700_000_000_000, wire::Body::Timer(Some(86_400))).encode()),
		),
		(
			"message.disappearing(Some(86_400)).encoded",
			hex(&message.clone().disappearing(Some(86_400)).encode()),
		),
		("message.context(part, 3)", hex(&Message::context(&part, 3))),
		(
			"message.ciphertext(nonce 0x02..)",
			hex(&key.encrypt_with_nonce(&message.padded(), &Message::context(&part, 3), &[0x02; 24]).unwrap()),
		),
		("invitation.signing_payload([0x47; 32])", hex(&invitation.signing_payload(&genesis))),
		("slot_key(secret [0x05; 32])", hex(&slot_key.public())),
		(
			"slot_claim_payload([0x47; 32], 7, 0, slot_key above)",
			hex(&wire::SlotClaim::signing_payload(&genesis, 7, 0, &slot_key.public())),
		),
		("response_proof_payload([0x47; 32], 7, 0, [0xaa; 32])", hex(&proof_payload)),
		("slot_key.sign(response_proof_payload above)", hex(&slot_key.sign(&proof_payload))),
		("register_message([0x47; 32], alice.account)", hex(&register)),
		("alice.ring_sign(register_message above)", hex(&alice.ring_sign(&register).unwrap())),
		("create_chat_message([0x47; 32], [0x4b; 32], \"sealed\")", hex(&wire::create_chat_message(&[0x47; 32], &[0x4b; 32], b"sealed"))),
		("ticket_context(3, 1)", hex(&wire::ticket_context(3, 1))),
		("alice.ring_entropy", hex(&alice_entropy)),
		("ring_key(entropy [0x01; 32])", hex(&RingVrf::member_from_secret(&one))),
		("ring_alias(entropy [0x01; 32], ticket_context(3, 1))", hex(&one_alias)),
		("alice.ring_alias(ticket_context(3, 1))", hex(&alice.ring_alias(&wire::ticket_context(3, 1)).unwrap())),
	]
}

#[cfg(test)]
mod tests {
	/// The vectors as docs/PROTOCOL.md lists them; a change to any derivation or layout
	/// fails here and must be reflected in the document (and is a protocol change).
	const EXPECTED: &str = include_str!("../../docs/protocol-vectors.txt");

	#[test]
	fn vectors_match_the_document() {
		let actual: String = super::all().into_iter().map(|(name, value)| format!("{name} = {value}\n")).collect();
		if std::env::var_os("SEALCHAT_UPDATE_VECTORS").is_some() {
			let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol-vectors.txt");
			std::fs::write(path, &actual).expect("write the vectors file");
			return;
		}
		assert_eq!(actual, EXPECTED, "protocol vectors changed");
	}

	#[test]
	fn sr25519_derivation_matches_substrate_wallets() {
		let account = crate::crypto::Identity::from_suri(super::DEV_PHRASE).unwrap().account();
		assert_eq!(crate::address(&account), "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV");
	}

	#[test]
	fn the_document_quotes_every_vector() {
		let doc = include_str!("../../docs/PROTOCOL.md");
		for (name, value) in super::all() {
			assert!(doc.contains(&value), "docs/PROTOCOL.md does not quote {name}");
		}
	}
}
