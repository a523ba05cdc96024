//! The runtime API through which clients read the connector.

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;

use crate::{Config, KeyEntry, Record, RecordId, RendezvousTag};
use frame_system::pallet_prelude::BlockNumberFor;

/// One record as clients see it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct RecordView<BlockNumber> {
	/// The record's id.
	pub id: RecordId,
	/// The block it was posted in.
	pub block: BlockNumber,
	/// Its rendezvous tag, if any.
	pub tag: Option<RendezvousTag>,
	/// The opaque payload.
	pub payload: Vec<u8>,
}

/// The view of a stored record.
pub(crate) fn record_view<T: Config>(
	id: RecordId,
	record: Record<T>,
) -> RecordView<BlockNumberFor<T>> {
	RecordView { id, block: record.block, tag: record.tag, payload: record.payload.into_inner() }
}

/// A page of the record log.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct RecordsPage<BlockNumber> {
	/// Records in id order. Fewer than asked for when the log ends (or the page limit is
	/// reached): continue from the last id + 1 until `next_id`.
	pub records: Vec<RecordView<BlockNumber>>,
	/// The id the next record will get: every record below it has been posted.
	pub next_id: RecordId,
	/// The oldest record id still kept: a client whose cursor is below it missed the
	/// records in between (they expired).
	pub oldest_id: RecordId,
}

sp_api::decl_runtime_apis! {
	/// Reading the connector's state.
	pub trait ConnectorApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// Up to `max_count` records (capped by the runtime's page limit) with ids from
		/// `from_id` on, in id order, with the next and oldest ids.
		fn records(from_id: RecordId, max_count: u32) -> RecordsPage<BlockNumber>;

		/// The records carrying `tag`, in id order.
		fn records_by_tag(tag: RendezvousTag) -> Vec<RecordView<BlockNumber>>;

		/// `who`'s encryption keys, oldest first; the last one is current.
		fn encryption_keys(who: AccountId) -> Vec<KeyEntry<BlockNumber>>;
	}
}
