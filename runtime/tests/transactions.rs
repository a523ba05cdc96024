//! The bytes docs/PROTOCOL.md gives client writers: a general transaction
//! (`compact(length) ‖ 0x45 ‖ 0x00 ‖ 0x00 0x00 0x00 ‖ pallet index ‖ call index ‖
//! arguments`), the signed `register_key`, validity answers, and where a new chat's id is.

use codec::{Compact, Encode};
use sealchat_runtime::{Runtime, RuntimeCall, TxExtension, UncheckedExtrinsic};

/// The runtime's transaction extensions with the explicit values `era`, `nonce` and tip 0.
fn extension(era: sp_runtime::generic::Era, nonce: u32) -> TxExtension {
	(
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(era),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

#[test]
fn a_general_transaction_is_laid_out_as_the_protocol_document_says() {
	let extension = extension(sp_runtime::generic::Era::Immortal, 0);
	let (part, seq, ciphertext, signature) = ([0xaa; 32], 3u32, vec![0xcc; 5], [0x55; 64]);
	let call = RuntimeCall::Chat(pallet_chat::Call::post_message {
		part,
		seq,
		ciphertext: ciphertext.clone(),
		signature: sp_core::ed25519::Signature::from_raw(signature),
	});
	let encoded = UncheckedExtrinsic::new_transaction(call, extension).encode();

	let mut body = vec![0x45, 0x00, 0x00, 0x00, 0x00, 8, 3];
	(part, seq, ciphertext, signature).encode_to(&mut body);
	let mut expected = Compact(body.len() as u32).encode();
	expected.extend(body);
	assert_eq!(encoded, expected);
}

/// The signed `register_key`: `compact(length) ‖ 0x84 ‖ 0x00 ‖ account ‖ 0x01 ‖ signature ‖
/// explicit ‖ call`, the signature over `call ‖ explicit ‖ implicit`, the era mortal for 64
/// blocks from its birth block, as docs/PROTOCOL.md gives them.
#[test]
fn a_signed_register_key_is_laid_out_as_the_protocol_document_says() {
	use sp_core::Pair as _;
	use sp_runtime::{generic::Era, traits::Verify};
	let signer = sp_core::sr25519::Pair::from_string("//Alice", None).unwrap();
	let account = signer.public().0;
	let (nonce, birth) = (5u32, 100u64);
	let era = Era::mortal(64, birth);
	let extension = extension(era, nonce);
	let call = RuntimeCall::Connector(pallet_connector::Call::register_key {
		key: [0x11; 32],
		ring_key: [0x22; 32],
		possession: [0x33; 64],
	});
	let (genesis, birth_hash) = (sp_core::H256([0x47; 32]), sp_core::H256([0xbb; 32]));
	let version = sealchat_runtime::VERSION;
	let implicit = ((), (), version.spec_version, version.transaction_version, genesis, birth_hash, (), (), (), ());

	// The era: 5 | phase << 4, phase = birth mod 64.
	let era_bytes = ((5 | ((birth % 64) << 4)) as u16).to_le_bytes();
	assert_eq!(era.encode(), era_bytes);
	let mut explicit = era_bytes.to_vec();
	Compact(nonce).encode_to(&mut explicit);
	explicit.push(0x00);
	let call_bytes = [&[0x07, 0x00][..], &[0x11; 32], &[0x22; 32], &[0x33; 64]].concat();
	assert_eq!(call.encode(), call_bytes);

	// The payload is the call, the explicit values, then the implicit ones, signed as it is
	// (at most 256 bytes).
	let mut payload = [call_bytes.clone(), explicit.clone()].concat();
	payload.extend(version.spec_version.to_le_bytes());
	payload.extend(version.transaction_version.to_le_bytes());
	payload.extend(genesis.0);
	payload.extend(birth_hash.0);
	let signed = sealchat_runtime::SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	assert_eq!(signed.encode(), payload);
	assert!(payload.len() <= 210, "a register_key payload is signed as it is");
	// The largest: a nonce of five bytes.
	assert_eq!(payload.len() - Compact(nonce).encoded_size() + 5, 210);

	let signature = sp_runtime::MultiSignature::Sr25519(signer.sign(&payload));
	assert!(signature.verify(&payload[..], &sp_runtime::AccountId32::from(account)));
	let address = sp_runtime::MultiAddress::Id(sp_runtime::AccountId32::from(account));
	let encoded = UncheckedExtrinsic::new_signed(call, address, signature.clone(), extension).encode();
	let sp_runtime::MultiSignature::Sr25519(raw) = signature else { unreachable!() };
	let body = [&[0x84, 0x00][..], &account, &[0x01], &raw.0, &explicit, &call_bytes].concat();
	let mut expected = Compact(body.len() as u32).encode();
	expected.extend(body);
	assert_eq!(encoded, expected);
}

/// The document's example of a `register_key` signing payload, from fixed inputs: the
/// runtime's own payload type makes the same bytes.
#[test]
fn the_register_key_example_is_the_runtimes_payload() {
	let doc = include_str!("../../docs/PROTOCOL.md");
	let vectors = include_str!("../../docs/protocol-vectors.txt");
	fn vector<const N: usize>(vectors: &str, name: &str) -> [u8; N] {
		let line = vectors.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(" = ")).expect(name);
		let byte = |i: usize| u8::from_str_radix(&line[2 * i..2 * i + 2], 16).expect("hex");
		core::array::from_fn(byte)
	}
	let (key, ring_key) = (vector(vectors, "alice.encryption_key"), vector(vectors, "alice.ring_key"));
	// Alice's ring key signs her account on the example's chain (genesis 47 × 32).
	let possession = vector(vectors, "alice.ring_sign(register_message above)");
	let message = pallet_connector::register_message(&sp_core::H256([0x47; 32]), &sp_runtime::AccountId32::from(
		vector::<32>(vectors, "alice.account"),
	));
	assert_eq!(
		message[..],
		vector::<{ 20 + 64 }>(vectors, "register_message([0x47; 32], alice.account)")[..],
		"the client's register_message is the runtime's"
	);
	assert!(<sealchat_runtime::UserRing as pallet_ring::Enroll<[u8; 32]>>::is_signed_by(&ring_key, &message, &possession));
	let call = RuntimeCall::Connector(pallet_connector::Call::register_key { key, ring_key, possession });
	let extension = extension(sp_runtime::generic::Era::mortal(64, 70), 0);
	let (genesis, birth_hash) = (sp_core::H256([0x47; 32]), sp_core::H256([0x48; 32]));
	let implicit = ((), (), 105u32, 2u32, genesis, birth_hash, (), (), (), ());
	let payload = sealchat_runtime::SignedPayload::from_raw(call.clone(), extension.clone(), implicit).encode();
	// Whatever the signature, the extrinsic is 233 bytes after its length.
	let account = sp_runtime::AccountId32::from([0xd4; 32]);
	let signature = sp_runtime::MultiSignature::Sr25519(sp_core::sr25519::Signature::from_raw([0x5a; 64]));
	let extrinsic =
		UncheckedExtrinsic::new_signed(call, sp_runtime::MultiAddress::Id(account), signature, extension).encode();
	assert_eq!((&extrinsic[..2], extrinsic.len()), (&[0xa5, 0x03][..], 2 + 233));
	assert!(doc.contains("233 bytes with `compact(233)` = `a5 03`"));
	let example: String = payload.iter().map(|b| format!("{b:02x}")).collect();
	// The document wraps it over lines of at most 80 characters.
	let flat: String = doc.split_whitespace().collect();
	assert!(flat.contains(&example), "docs/PROTOCOL.md does not give the payload {example}");
	assert!(flat.contains(&format!("Thepayloaditsigns,{}bytes,is:", payload.len())), "the payload's length");
	assert!(flat.contains("payloadisatmost210bytes"), "the largest payload");
}

/// A validity answer, byte for byte, and the document's examples of it.
#[test]
fn validity_answers_are_encoded_as_the_protocol_document_says() {
	use sp_runtime::transaction_validity::{
		InvalidTransaction, TransactionValidity, UnknownTransaction, ValidTransaction,
	};
	let doc = include_str!("../../docs/PROTOCOL.md");
	let refused = |e: InvalidTransaction| TransactionValidity::Err(e.into()).encode();
	assert_eq!(refused(InvalidTransaction::Custom(205)), [0x01, 0x00, 0x07, 0xcd]);
	assert_eq!(refused(InvalidTransaction::Custom(200)), [0x01, 0x00, 0x07, 0xc8]);
	assert_eq!(refused(InvalidTransaction::Custom(218)), [0x01, 0x00, 0x07, 0xda]);
	assert!(doc.contains("`01 00 07 c8` … `01 00 07 cd`") && doc.contains("`01 00 07 d2` … `01 00 07 da`"));
	for (refusal, bytes) in [
		(InvalidTransaction::Payment, "`01 00 01`"),
		(InvalidTransaction::Future, "`01 00 02`"),
		(InvalidTransaction::Stale, "`01 00 03`"),
		(InvalidTransaction::BadProof, "`01 00 04`"),
		(InvalidTransaction::ExhaustsResources, "`01 00 06`"),
		(InvalidTransaction::UnknownOrigin, "`01 00 0c`"),
	] {
		let hex: Vec<String> = refused(refusal).iter().map(|b| format!("{b:02x}")).collect();
		assert_eq!(format!("`{}`", hex.join(" ")), bytes, "{refusal:?}");
		assert!(doc.contains(bytes), "docs/PROTOCOL.md does not give {refusal:?} as {bytes}");
	}
	assert_eq!(TransactionValidity::Err(UnknownTransaction::CannotLookup.into()).encode(), [0x01, 0x01, 0x00]);
	let valid = ValidTransaction { priority: 7, requires: vec![vec![1]], provides: vec![vec![2, 3]], longevity: 9, propagate: true };
	let mut expected = vec![0x00];
	expected.extend(7u64.to_le_bytes());
	expected.extend([0x04, 0x04, 0x01, 0x04, 0x08, 0x02, 0x03]);
	expected.extend(9u64.to_le_bytes());
	expected.push(0x01);
	assert_eq!(TransactionValidity::Ok(valid).encode(), expected);
}

/// The new chat's id, where docs/PROTOCOL.md says a client finds it: the `System::Events`
/// key, the `ChatCreated` record's bytes, and the `Chat::NextChatId` key.
#[test]
fn the_new_chats_id_is_where_the_protocol_document_says() {
	let doc = include_str!("../../docs/PROTOCOL.md");
	let hex = |bytes: &[u8]| format!("0x{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
	let events = hex(&frame_support::storage::storage_prefix(b"System", b"Events"));
	let next_chat = hex(&frame_support::storage::storage_prefix(b"Chat", b"NextChatId"));
	assert!(doc.contains(&events), "docs/PROTOCOL.md gives another System::Events key than {events}");
	assert!(doc.contains(&next_chat), "docs/PROTOCOL.md gives another Chat::NextChatId key than {next_chat}");
	let record = |event: sealchat_runtime::RuntimeEvent| {
		frame_system::EventRecord::<sealchat_runtime::RuntimeEvent, sp_core::H256> {
			phase: frame_system::Phase::ApplyExtrinsic(3),
			event,
			topics: vec![],
		}
		.encode()
	};
	let created = record(sealchat_runtime::RuntimeEvent::Connector(pallet_connector::Event::ChatCreated { chat: 9 }));
	assert_eq!(created, [&[0x00][..], &3u32.to_le_bytes(), &[0x07, 0x05], &9u64.to_le_bytes(), &[0x00]].concat());
	let spawned = record(sealchat_runtime::RuntimeEvent::Chat(pallet_chat::Event::ChatSpawned { chat: 9 }));
	assert_eq!(spawned, [&[0x00][..], &3u32.to_le_bytes(), &[0x08, 0x00], &9u64.to_le_bytes(), &[0x00]].concat());
}
