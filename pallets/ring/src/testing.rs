//! A [`Tickets`] implementation for the unit tests of pallets that accept tickets, which
//! need tickets without ring keys or proofs.
//!
//! A [`HashTicket`]'s "proof" is the BLAKE2-256 hash of its ticket context and the call's
//! message: anyone can make one, so this is never for a runtime.

use crate::{ticket_context, Alias, Ticket, TicketError, Tickets};
use frame_support::{dispatch::DispatchResult, pallet_prelude::ValidTransaction, weights::Weight};

/// A test ticket (see the module's documentation).
pub type HashTicket = Ticket<[u8; 32]>;

/// Tickets checked by hash; at most [`HashTickets::SLOTS`] per epoch, all of epoch 0.
pub struct HashTickets;

impl HashTickets {
	/// Slots per epoch.
	pub const SLOTS: u32 = 4;
	const DOMAIN: &'static [u8] = b"test-tickets";

	/// The ticket of `slot` spent as `alias` for a call with `message`.
	pub fn ticket(slot: u32, alias: Alias, message: &[u8]) -> HashTicket {
		let mut input = ticket_context(Self::DOMAIN, 0, slot);
		input.extend_from_slice(message);
		Ticket { ring: 0, revision: 0, epoch: 0, slot, alias, proof: sp_io::hashing::blake2_256(&input) }
	}

	fn spent_key(ticket: &HashTicket) -> alloc::vec::Vec<u8> {
		codec::Encode::encode(&(Self::DOMAIN, ticket.epoch, ticket.alias))
	}
}

impl Tickets for HashTickets {
	type Ticket = HashTicket;

	fn check(ticket: &HashTicket, message: &[u8]) -> Result<ValidTransaction, TicketError> {
		frame_support::ensure!(ticket.epoch == 0, TicketError::WrongEpoch);
		frame_support::ensure!(ticket.slot < Self::SLOTS, TicketError::NoSuchSlot);
		let expected = Self::ticket(ticket.slot, ticket.alias, message);
		frame_support::ensure!(expected.proof == ticket.proof, TicketError::BadProof);
		frame_support::ensure!(
			!frame_support::storage::unhashed::exists(&Self::spent_key(ticket)),
			TicketError::Spent
		);
		Ok(ValidTransaction::with_tag_prefix("test-ticket").and_provides(ticket.alias).into())
	}

	fn spend(ticket: &HashTicket) -> DispatchResult {
		let key = Self::spent_key(ticket);
		frame_support::ensure!(!frame_support::storage::unhashed::exists(&key), "ticket spent");
		frame_support::storage::unhashed::put(&key, &());
		Ok(())
	}

	fn check_weight() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}

	fn spend_weight() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_ticket(i: u32) -> HashTicket {
		let mut alias = [0u8; 32];
		alias[..4].copy_from_slice(&i.to_le_bytes());
		Ticket { ring: 0, revision: 0, epoch: 0, slot: 0, alias, proof: [0; 32] }
	}
}
