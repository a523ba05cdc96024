//! The bytes of a general transaction, as docs/PROTOCOL.md gives them to client writers:
//! `compact(length) ‖ 0x45 ‖ 0x00 ‖ 0x00 0x00 0x00 ‖ pallet index ‖ call index ‖ arguments`.

use codec::{Compact, Encode};
use sealchat_runtime::{Runtime, RuntimeCall, TxExtension, UncheckedExtrinsic};

#[test]
fn a_general_transaction_is_laid_out_as_the_protocol_document_says() {
	let extension: TxExtension = (
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(0),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		frame_system::WeightReclaim::<Runtime>::new(),
	);
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
