//! The SealChat client library: keys and cryptography ([`crypto`]), the on-chain byte
//! layouts ([`wire`]), the connection to the user's own node ([`chain`]), the local
//! database ([`store`]), the profile on disk ([`profile`]), the parallel invitation scanner
//! ([`scan`]), the user-level flows ([`session`]) that the `sealchat` command drives, and
//! the sync engine that reads the chain for them ([`sync`]).
//!
//! docs/PROTOCOL.md describes the protocol these modules implement.

#![forbid(unsafe_code)]

pub mod chain;
pub mod crypto;
pub mod profile;
pub mod renew;
pub mod scan;
pub mod session;
pub mod store;
pub mod sync;
#[cfg(test)]
mod vectors;
pub mod wire;

use sp_core::crypto::{AccountId32, Ss58AddressFormat, Ss58Codec};

/// The chain's SS58 address prefix.
pub const SS58_PREFIX: u16 = 42;

/// The SS58 address of an account.
pub fn address(account: &[u8; 32]) -> String {
	AccountId32::from(*account).to_ss58check_with_version(Ss58AddressFormat::custom(SS58_PREFIX))
}

/// Parses an SS58 address of this chain.
pub fn parse_address(text: &str) -> Result<[u8; 32], String> {
	let (account, format) = AccountId32::from_ss58check_with_version(text.trim())
		.map_err(|e| format!("not a valid address: {text} ({e:?})"))?;
	if u16::from(format) != SS58_PREFIX {
		return Err(format!("{text} is an address of another network (prefix {})", u16::from(format)));
	}
	Ok(account.into())
}

#[cfg(test)]
mod tests {
	#[test]
	fn addresses_round_trip_and_reject_garbage() {
		let alice = crate::crypto::Identity::from_suri("//Alice").unwrap().account();
		let text = super::address(&alice);
		assert_eq!(text, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		assert_eq!(super::parse_address(&text).unwrap(), alice);
		assert!(super::parse_address("5Grwva").is_err());
		// Polkadot (prefix 0) address of Alice.
		assert!(super::parse_address("15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5").is_err());
	}
}
