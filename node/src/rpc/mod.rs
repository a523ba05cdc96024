//! The node's JSON-RPC API: the standard Substrate methods plus the runtime-dependent
//! modules merged here. `sc-service` adds the `system_*`, `chain_*`, `state_*` and
//! `author_*` methods itself; this module adds nonces, fees and `sealchat_viewFunction`.
//!
//! The chain's own reads (connector records, keys, chats, parts, messages, rings) are the
//! pallets' view functions, with the types the runtime's metadata describes: there is no
//! second, JSON copy of them here. `state_call` (`RuntimeViewFunction_execute_view_function`)
//! answers them in hex; [`view_function`] answers the same call in base64, a third less
//! text than hex and cheaper to write and to read on both sides, which matters for the
//! bulk reads (a page of 2,048 records is a megabyte of SCALE).

use std::sync::Arc;

use base64::Engine;
use codec::Decode;
use frame_support::view_functions::{runtime_api::RuntimeViewFunction, ViewFunctionDispatchError, ViewFunctionId};
use jsonrpsee::{
	types::{error::INVALID_PARAMS_CODE, ErrorObject, ErrorObjectOwned},
	RpcModule,
};
use sc_transaction_pool_api::TransactionPool;
use sealchat_runtime::{opaque::Block, AccountId, Balance, Hash, Nonce};
use serde_json::value::RawValue;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_core::Bytes;

/// What the RPC methods need from the node.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
}

/// Every RPC module of a full node, merged into one.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>,
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
	let FullDeps { client, pool } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	let mut views = RpcModule::new(client);
	views.register_blocking_method(VIEW_FUNCTION, |params, client, _| {
		let (query, input, at): (Bytes, Bytes, Option<Hash>) = params.parse()?;
		view_function(&**client, &query, input.0, at)
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
/// padded). The string is written into the response as it is: base64 needs no JSON
/// escaping, so the answer is not scanned again on its way out.
pub fn view_function<C>(client: &C, query: &[u8], input: Vec<u8>, at: Option<Hash>) -> Result<Box<RawValue>, ErrorObjectOwned>
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
	let failed = |e: String| ErrorObject::owned(jsonrpsee::types::error::INTERNAL_ERROR_CODE, e, None::<()>);
	let answer = client
		.runtime_api()
		.execute_view_function(at, query, input)
		.map_err(|e| failed(format!("the view function could not be called at {at:?}: {e}")))?
		.map_err(|e| {
			let why = match e {
				ViewFunctionDispatchError::NotImplemented => "the runtime has no view functions".to_string(),
				ViewFunctionDispatchError::NotFound(id) => format!("the runtime has no view function {:?}", <[u8; 32]>::from(id)),
				ViewFunctionDispatchError::Codec => "the runtime cannot decode the arguments".to_string(),
			};
			ErrorObject::owned(VIEW_FUNCTION_REFUSED, why, None::<()>)
		})?;
	let engine = &base64::engine::general_purpose::STANDARD;
	let mut json = String::with_capacity(base64::encoded_len(answer.len(), true).unwrap_or(0) + 2);
	json.push('"');
	engine.encode_string(&answer, &mut json);
	json.push('"');
	RawValue::from_string(json).map_err(|e| failed(format!("the answer is not a JSON string: {e}")))
}
