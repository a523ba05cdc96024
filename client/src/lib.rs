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

/// A disappearing-messages timer as a user types it: a number and a unit (`30s`, `5m`,
/// `8h`, `1d`, `2w`; seconds without one), or `off`. Within [`wire::TIMER_RANGE`].
pub fn parse_timer(text: &str) -> Result<Option<u32>, String> {
	let text = text.trim();
	if text.eq_ignore_ascii_case("off") {
		return Ok(None);
	}
	let unit_at = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
	let (number, unit) = text.split_at(unit_at);
	let scale = match unit {
		"" | "s" => 1,
		"m" => 60,
		"h" => 3_600,
		"d" => 86_400,
		"w" => 7 * 86_400,
		_ => return Err(format!("{text}: not a time (30s, 5m, 8h, 1d, 2w) nor off")),
	};
	let seconds = number.parse::<u32>().ok().and_then(|n| n.checked_mul(scale));
	match seconds {
		Some(seconds) if wire::TIMER_RANGE.contains(&seconds) => Ok(Some(seconds)),
		_ => Err(format!(
			"{text}: a timer runs from {} to {}",
			timer_name(Some(*wire::TIMER_RANGE.start())),
			timer_name(Some(*wire::TIMER_RANGE.end()))
		)),
	}
}

/// A timer as [`parse_timer`] takes it, in its largest whole unit (`90m` stays `90m`):
/// `off` for none.
pub fn timer_name(timer: Option<u32>) -> String {
	let Some(seconds) = timer else { return "off".into() };
	if seconds == 0 {
		return "0s".into();
	}
	let (scale, unit) = [(7 * 86_400, "w"), (86_400, "d"), (3_600, "h"), (60, "m")]
		.into_iter()
		.find(|(scale, _)| seconds % scale == 0)
		.unwrap_or((1, "s"));
	format!("{}{unit}", seconds / scale)
}

#[cfg(test)]
mod tests {
	#[test]
	fn timers_are_read_as_typed_and_named_as_read() {
		for (typed, seconds, named) in
			[("30m", 1_800, "30m"), ("90m", 5_400, "90m"), ("1d", 86_400, "1d"), ("14d", 1_209_600, "2w"), ("120", 120, "2m")]
		{
			assert_eq!(super::parse_timer(typed), Ok(Some(seconds)), "{typed}");
			assert_eq!(super::timer_name(Some(seconds)), named);
		}
		assert_eq!(super::parse_timer(" OFF "), Ok(None));
		assert_eq!(super::timer_name(None), "off");
		assert_eq!(super::timer_name(Some(0)), "0s");
		for wrong in ["", "1y", "d", "-1d", "59s", "91d", "99999999999w", "1.5h"] {
			assert!(super::parse_timer(wrong).is_err(), "{wrong}");
		}
		assert_eq!(super::parse_timer("90d"), Ok(Some(90 * 86_400)));
	}

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
