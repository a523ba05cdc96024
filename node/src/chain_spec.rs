//! Chain specifications: the built-in `dev`, `local` and `production` chains, or any
//! JSON file.

use sealchat_runtime::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY};
use sc_service::ChainType;

/// A chain specification of this node's runtime.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token symbol, decimals and SS58 prefix, so wallets display balances and addresses.
fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"the WASM runtime is not in this build (it was built with SKIP_WASM_BUILD); \
		 rebuild the node without it"
			.to_string()
	})
}

/// `--dev`: one authority (Alice) that authors and finalizes.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("SealChat Development")
		.with_id("sealchat_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain local`: four authorities (Alice, Bob, Charlie, Dave) on one machine.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("SealChat Local Testnet")
		.with_id("sealchat_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain production`: the template of a real network, with no sudo key, no
/// development account and no authority. Operators fill in their validators and initial
/// balances, then make it raw (docs/VALIDATOR.md); as it is, it authors nothing.
pub fn production_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("SealChat")
		.with_id("sealchat")
		.with_chain_type(ChainType::Live)
		.with_genesis_config_preset_name(sealchat_runtime::genesis_config_presets::PRODUCTION_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}
