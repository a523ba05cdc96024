//! A [`Tickets`] implementation for the unit tests of pallets that accept tickets, which
//! need tickets without ring keys or proofs.
//!
//! A [`HashTicket`]'s "proof" is the BLAKE2-256 hash of its ticket context and the call's
//! message: anyone can make one, so this is never for a runtime. The epoch is 0 until a
//! test moves it ([`HashTickets::set_epoch`]).

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
		Ticket { ring: 0, revision: 0, epoch: 0, slot, alias, proof: Self::proof(0, slot, message) }
	}

	fn spent_key(ticket: &HashTicket) -> alloc::vec::Vec<u8> {
		codec::Encode::encode(&(Self::DOMAIN, ticket.epoch, ticket.alias))
	}

	const EPOCH_KEY: &'static [u8] = b"test-tickets/epoch";

	/// Moves the tests' clock to `epoch` (it starts at 0): tickets of other epochs are
	/// refused, and pallets count their allowances in the new one.
	pub fn set_epoch(epoch: crate::Epoch) {
		frame_support::storage::unhashed::put(Self::EPOCH_KEY, &epoch);
	}

	/// [`HashTickets::ticket`] for the current epoch.
	pub fn ticket_now(slot: u32, alias: Alias, message: &[u8]) -> HashTicket {
		let mut ticket = Self::ticket(slot, alias, message);
		ticket.epoch = <Self as Tickets>::epoch();
		ticket.proof = Self::proof(ticket.epoch, slot, message);
		ticket
	}

	fn proof(epoch: crate::Epoch, slot: u32, message: &[u8]) -> [u8; 32] {
		let mut input = ticket_context(Self::DOMAIN, epoch, slot);
		input.extend_from_slice(message);
		sp_io::hashing::blake2_256(&input)
	}
}

impl Tickets for HashTickets {
	type Ticket = HashTicket;

	fn check(ticket: &HashTicket, message: &[u8]) -> Result<ValidTransaction, TicketError> {
		frame_support::ensure!(ticket.epoch == <Self as Tickets>::epoch(), TicketError::WrongEpoch);
		frame_support::ensure!(ticket.slot < Self::SLOTS, TicketError::NoSuchSlot);
		frame_support::ensure!(Self::proof(ticket.epoch, ticket.slot, message) == ticket.proof, TicketError::BadProof);
		frame_support::ensure!(
			!frame_support::storage::unhashed::exists(&Self::spent_key(ticket)),
			TicketError::Spent
		);
		Ok(ValidTransaction::with_tag_prefix("test-ticket")
			.priority(crate::FRESH_PRIORITY)
			.and_provides(ticket.alias)
			.into())
	}

	fn epoch() -> crate::Epoch {
		frame_support::storage::unhashed::get(Self::EPOCH_KEY).unwrap_or(0)
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
