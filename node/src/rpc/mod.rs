//! The node's JSON-RPC API: the standard Substrate methods plus the runtime-dependent
//! modules merged here. `sc-service` adds the `system_*`, `chain_*`, `state_*` and
//! `author_*` methods itself; this module adds nonces, fees, `sealchat_viewFunction` and
//! `sealchat_storage`.
//!
//! The chain's own reads (connector records, keys, chats, parts, messages, rings) are the
//! pallets' view functions, with the types the runtime's metadata describes: there is no
//! second, JSON copy of them here. `state_call` (`RuntimeViewFunction_execute_view_function`)
//! answers them in hex; [`view_function`] answers the same call in base64, a third less
//! text than hex and cheaper to write and to read on both sides, which matters for the
//! bulk reads (a page of 2,048 records is a megabyte of SCALE).
//!
//! [`storage`] answers stored values by their keys, in base64, as `state_getStorage`
//! answers one in hex: the client reads the connector's record log (the one read that
//! moves a megabyte per call) from its stored pages, without a runtime call, which would
//! fault in a fresh WebAssembly memory, copy the records into it, decode them, encode
//! them again and copy them out: reading a million records costs the node 1.5 s of
//! processor time this way, 6.6 s through the view function (docs/BENCHMARKS.md).

use std::sync::Arc;

use codec::Decode;
use frame_support::view_functions::{runtime_api::RuntimeViewFunction, ViewFunctionDispatchError, ViewFunctionId};
use jsonrpsee::{
	types::{error::INVALID_PARAMS_CODE, ErrorObject, ErrorObjectOwned},
	RpcModule,
};
use sc_transaction_pool_api::TransactionPool;
use sealchat_runtime::{opaque::Block, AccountId, Balance, Hash, Nonce};
use serde_json::value::RawValue;
use sc_client_api::backend::StateBackend;
use sp_api::{CallApiAt, ProvideRuntimeApi};
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_core::Bytes;

/// What the RPC methods need from the node.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The longest answer the RPC server sends, in bytes (`--rpc-max-response-size`): the
	/// node's own methods stop building an answer that would not fit, rather than hold it
	/// all in memory only for the server to refuse it.
	pub max_answer: usize,
}

/// What the node's own methods need: the client and the answer limit.
struct Views<C> {
	client: Arc<C>,
	max_answer: usize,
}

/// Every RPC module of a full node, merged into one.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block> + CallApiAt<Block>,
	C: HeaderBackend<Block> + HeaderMetadata<Block, Error = BlockChainError> + 'static,
	C: Send + Sync + 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: RuntimeViewFunction<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, max_answer } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	let mut views = RpcModule::new(Views { client, max_answer });
	views.register_blocking_method(VIEW_FUNCTION, |params, views, _| {
		let (query, input, at): (Bytes, Bytes, Option<Hash>) = params.parse()?;
		view_function(&*views.client, &query, input.0, at, views.max_answer)
	})?;
	views.register_blocking_method(STORAGE, |params, views, _| {
		let mut params = params.sequence();
		let keys: Vec<Bytes> = params.next()?;
		storage(&*views.client, &keys, params.optional_next()?, views.max_answer)
	})?;
	module.merge(views)?;

	Ok(module)
}

/// The method's name.
pub const VIEW_FUNCTION: &str = "sealchat_viewFunction";

/// The error code of a call the runtime refused: no such view function, or arguments it
/// cannot decode.
pub const VIEW_FUNCTION_REFUSED: i32 = 1;

/// `sealchat_viewFunction(query, input, at)`: calls the view function `query` (its 32-byte
/// id) with the SCALE-encoded `input` at block `at` (the best block when absent) and
/// answers the SCALE encoding of its return value as a base64 string (standard alphabet,
/// padded).
///
/// What one call costs is bounded by the runtime: every view function returns at most a
/// page of its pallet's `MaxPageLen` items, computed in the runtime's bounded memory. An
/// answer longer than `max_answer` is refused ([`TOO_LONG`]).
pub fn view_function<C>(
	client: &C,
	query: &[u8],
	input: Vec<u8>,
	at: Option<Hash>,
	max_answer: usize,
) -> Result<Box<RawValue>, ErrorObjectOwned>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
	C::Api: RuntimeViewFunction<Block>,
{
	let bad_query = || ErrorObject::owned(INVALID_PARAMS_CODE, "a view function id is 32 bytes", None::<()>);
	if query.len() != 32 {
		return Err(bad_query());
	}
	let query = ViewFunctionId::decode(&mut &query[..]).map_err(|_| bad_query())?;
	let at = at.unwrap_or_else(|| client.info().best_hash);
	let answer = client
		.runtime_api()
		.execute_view_function(at, query, input)
		.map_err(|e| internal_error(format!("the view function could not be called at {at:?}: {e}")))?
		.map_err(|e| {
			let why = match e {
				ViewFunctionDispatchError::NotImplemented => "the runtime has no view functions".to_string(),
				ViewFunctionDispatchError::NotFound(id) => format!("the runtime has no view function {:?}", <[u8; 32]>::from(id)),
				ViewFunctionDispatchError::Codec => "the runtime cannot decode the arguments".to_string(),
			};
			ErrorObject::owned(VIEW_FUNCTION_REFUSED, why, None::<()>)
		})?;
	if base64_len(answer.len()) > max_answer {
		return Err(too_long(max_answer));
	}
	let mut json = String::with_capacity(base64_len(answer.len()));
	push_base64(&mut json, &answer);
	raw_json(json)
}

/// The method's name.
pub const STORAGE: &str = "sealchat_storage";

/// Most keys one `sealchat_storage` call reads.
pub const MAX_STORAGE_KEYS: usize = 256;

/// The error code of an answer longer than the node sends (`--rpc-max-response-size`):
/// ask for less.
pub const TOO_LONG: i32 = 2;

/// The name of the pallet whose storage `sealchat_storage` answers.
const ANSWERED_PALLET: &str = "Connector";

/// `sealchat_storage(keys, at)`: the values stored under `keys` (each a full storage key
/// of the connector pallet) in the state of block `at` (the best block when absent), in
/// the order asked: each value as a base64 string (standard alphabet, padded), `null`
/// where nothing is stored. The state of one block answers them all.
///
/// Bounded per call: at most [`MAX_STORAGE_KEYS`] keys, each read once however often it
/// is asked for, only under the connector's prefix (the one bulk read, its record log;
/// `state_getStorage` answers the rest one key at a time), and the answer is refused
/// ([`TOO_LONG`]) as soon as what has been read would not fit in `max_answer` bytes.
pub fn storage<C>(client: &C, keys: &[Bytes], at: Option<Hash>, max_answer: usize) -> Result<Box<RawValue>, ErrorObjectOwned>
where
	C: CallApiAt<Block> + HeaderBackend<Block>,
{
	let bad_params = |why: String| ErrorObject::owned(INVALID_PARAMS_CODE, why, None::<()>);
	if keys.len() > MAX_STORAGE_KEYS {
		return Err(bad_params(format!("{} keys asked for; at most {MAX_STORAGE_KEYS} in one call", keys.len())));
	}
	let prefix = sp_io::hashing::twox_128(ANSWERED_PALLET.as_bytes());
	if let Some(i) = keys.iter().position(|key| !key.starts_with(&prefix)) {
		return Err(bad_params(format!(
			"key {i} is not in the {ANSWERED_PALLET} pallet's storage (prefix 0x{}); read other state with state_getStorage",
			sp_core::hexdisplay::HexDisplay::from(&prefix)
		)));
	}
	let at = at.unwrap_or_else(|| client.info().best_hash);
	let state = client.state_at(at).map_err(|e| internal_error(format!("no state of block {at:?}: {e}")))?;
	// Each distinct key is read once; `answer` is the index of each key's value in `values`.
	let mut first: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::with_capacity(keys.len());
	let mut values: Vec<Option<Vec<u8>>> = Vec::new();
	let mut answer = Vec::with_capacity(keys.len());
	// '[', ']' and a ',' per value.
	let mut len = 1 + keys.len().max(1);
	for key in keys {
		let index = match first.get(&key[..]) {
			Some(index) => *index,
			None => {
				let value = state.storage(key).map_err(|e| internal_error(format!("reading the state of block {at:?}: {e}")))?;
				values.push(value);
				first.insert(&key[..], values.len() - 1);
				values.len() - 1
			},
		};
		len += values[index].as_ref().map_or(4, |v| base64_len(v.len()));
		if len > max_answer {
			return Err(too_long(max_answer));
		}
		answer.push(index);
	}
	// Exactly the answer's length: `RawValue` keeps the string as it is, without a copy.
	let mut json = String::with_capacity(len);
	json.push('[');
	for (i, index) in answer.into_iter().enumerate() {
		if i > 0 {
			json.push(',');
		}
		match &values[index] {
			Some(value) => push_base64(&mut json, value),
			None => json.push_str("null"),
		}
	}
	json.push(']');
	raw_json(json)
}

/// The refusal of an answer longer than `max_answer` bytes.
fn too_long(max_answer: usize) -> ErrorObjectOwned {
	ErrorObject::owned(
		TOO_LONG,
		format!("the answer would be longer than the {max_answer} bytes this node sends in one answer: ask for less"),
		None::<()>,
	)
}

/// The length of `len` bytes as a quoted base64 string.
fn base64_len(len: usize) -> usize {
	base64_simd::STANDARD.encoded_length(len) + 2
}

/// Appends `bytes` to `json` as a quoted base64 string. Base64 needs no JSON escaping, so
/// the answer goes out as it is, not escaped again.
fn push_base64(json: &mut String, bytes: &[u8]) {
	json.push('"');
	base64_simd::STANDARD.encode_append(bytes, json);
	json.push('"');
}

/// `json` as the method's answer.
fn raw_json(json: String) -> Result<Box<RawValue>, ErrorObjectOwned> {
	RawValue::from_string(json).map_err(|e| internal_error(format!("the answer is not JSON: {e}")))
}

/// JSON-RPC's internal error, saying `why`.
fn internal_error(why: String) -> ErrorObjectOwned {
	ErrorObject::owned(jsonrpsee::types::error::INTERNAL_ERROR_CODE, why, None::<()>)
}
