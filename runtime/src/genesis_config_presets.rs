//! Genesis presets: the named starting states a chain spec can be built from.
//!
//! - `development`: one authority (Alice), for `sealchat-node --dev`.
//! - `local_testnet`: four authorities (Alice, Bob, Charlie, Dave). GRANDPA finalizes
//!   only with votes from more than two thirds of the voters, so four is the smallest
//!   set that keeps finalizing while one validator is down.
//!
//! Both prefund the well-known development accounts, seat the authorities' accounts on
//! the council (as a production chain does) and make Alice the sudo key as well, and a
//! registered user's ring key joins its ring within two blocks instead of waiting minutes
//! for a batch of sixteen.
//!
//! - `production`: the template of a real network. No sudo key (nobody can bypass the
//!   chain's rules; two thirds of the council act as root), no development account and
//!   no authority: the operators fill in their validators' Aura and GRANDPA keys, the
//!   council's members and the initial balances before making the chain spec raw
//!   (docs/VALIDATOR.md).

use crate::{AccountId, BalancesConfig, CouncilConfig, RuntimeGenesisConfig, SudoConfig, UNIT};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Balance of every prefunded development account: enough for any test or benchmark.
pub const ENDOWMENT: crate::Balance = 1_000_000_000 * UNIT;

/// Blocks a registered key waits for its ring on the development chains.
pub const DEV_ONBOARDING_DELAY: crate::BlockNumber = 2;

/// A genesis state with the given authorities (each with its operator's account, which
/// sits on the council), prefunded accounts and sudo key.
pub fn testnet_genesis(
	initial_authorities: Vec<(AccountId, AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.1.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.2.clone(), 1)).collect::<Vec<_>>(),
		},
		council: CouncilConfig { members: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>() },
		sudo: SudoConfig { key: Some(root) },
		// A development chain has a handful of users: a key joins its ring two blocks
		// after registering instead of waiting minutes for a batch.
		user_ring: pallet_ring::GenesisConfig { onboarding_delay: Some(DEV_ONBOARDING_DELAY) },
	})
}

/// The account, Aura and GRANDPA keys of a well-known development authority.
fn authority_keys(who: Sr25519Keyring) -> (AccountId, AuraId, GrandpaId) {
	(who.to_account_id(), who.public().into(), ed25519_twin(who).public().into())
}

/// The ed25519 key of the same development seed (`//Alice`, ...), used for GRANDPA.
fn ed25519_twin(who: Sr25519Keyring) -> Ed25519Keyring {
	match who {
		Sr25519Keyring::Alice => Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		Sr25519Keyring::Eve => Ed25519Keyring::Eve,
		Sr25519Keyring::Ferdie => Ed25519Keyring::Ferdie,
		Sr25519Keyring::AliceStash => Ed25519Keyring::AliceStash,
		Sr25519Keyring::BobStash => Ed25519Keyring::BobStash,
		Sr25519Keyring::CharlieStash => Ed25519Keyring::CharlieStash,
		Sr25519Keyring::DaveStash => Ed25519Keyring::DaveStash,
		Sr25519Keyring::EveStash => Ed25519Keyring::EveStash,
		Sr25519Keyring::FerdieStash => Ed25519Keyring::FerdieStash,
		Sr25519Keyring::One => Ed25519Keyring::One,
		Sr25519Keyring::Two => Ed25519Keyring::Two,
	}
}

/// Every well-known development account (`//Alice` ... `//Ferdie//stash`).
fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter()
		.filter(|k| *k != Sr25519Keyring::One && *k != Sr25519Keyring::Two)
		.map(|k| k.to_account_id())
		.collect()
}

/// `development`: Alice alone authors and finalizes.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority_keys(Sr25519Keyring::Alice)],
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// `local_testnet`: Alice, Bob, Charlie and Dave author and finalize.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
			.into_iter()
			.map(authority_keys)
			.collect(),
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The name of the preset for a real network.
pub const PRODUCTION_RUNTIME_PRESET: &str = "production";

/// `production`: no sudo key, no balances, no authorities, no council. Every field a
/// network needs is present and empty, so the operators' chain spec names exactly what
/// they set.
pub fn production_config_genesis() -> Value {
	serde_json::json!({
		"aura": { "authorities": [] },
		"grandpa": { "authorities": [] },
		"balances": { "balances": [] },
		"council": { "members": [] },
		"sudo": { "key": null },
	})
}

/// The JSON patch of a named preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		PRODUCTION_RUNTIME_PRESET => production_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("a JSON value always serializes; qed")
			.into_bytes(),
	)
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(PRODUCTION_RUNTIME_PRESET),
	]
}
