//! Storage migrations of the connector.

use super::*;
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};

/// Version 0 stored one item per record.
pub mod v0 {
	use super::*;

	/// The record log of version 0, by id.
	#[frame_support::storage_alias]
	pub type Records<T: Config> = StorageMap<Pallet<T>, Twox64Concat, RecordId, Record<T>>;
}

/// Moves the record log from one storage item per record (version 0) into pages of
/// [`Config::RecordsPerPage`] records ([`RecordPages`], version 1). Ids, records and the
/// tag index are unchanged; the oldest page starts at the oldest record kept.
///
/// It runs in one block: about one read and two writes per record, and a write per page.
/// That suits the logs of the chains that exist; a chain with a log too long for one
/// block's weight would have to move it in steps (a multi-block migration) instead.
pub type MigrateV0ToV1<T> = VersionedMigration<
	0,
	1,
	InnerMigrateV0ToV1<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

/// The migration [`MigrateV0ToV1`] runs once the storage version is 0.
pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
	fn on_runtime_upgrade() -> Weight {
		let next = NextRecordId::<T>::get();
		let mut oldest = OldestRecordId::<T>::get();
		let (mut reads, mut writes) = (2u64, 0u64);
		for id in oldest..next {
			reads += 1;
			let Some(record) = v0::Records::<T>::take(id) else {
				// A hole is unreachable while version 0's invariants hold. A page cannot
				// have one, so the log restarts after it: the records moved so far (the
				// oldest, soonest to expire) are dropped with their tags.
				frame_support::defensive!("the version 0 record log has a hole");
				for page in Pallet::<T>::page_of(oldest)..=Pallet::<T>::page_of(id) {
					let first = Pallet::<T>::first_id(page, oldest);
					for (dropped, record) in (first..).zip(RecordPages::<T>::take(page).unwrap_or_default()) {
						TaggedRecords::<T>::remove(record.tag, dropped);
						writes += 1;
					}
					writes += 1;
				}
				oldest = id + 1;
				OldestRecordId::<T>::put(oldest);
				writes += 1;
				continue;
			};
			writes += 1;
			if RecordPages::<T>::try_append(Pallet::<T>::page_of(id), record).is_err() {
				frame_support::defensive!("a page of the migrated log is full");
			}
			writes += 1;
		}
		T::DbWeight::get().reads_writes(reads, writes)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
		let count = v0::Records::<T>::iter_keys().count() as u64;
		Ok((count, OldestRecordId::<T>::get(), NextRecordId::<T>::get()).encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		let (count, oldest, next) = <(u64, RecordId, RecordId)>::decode(&mut &state[..])
			.map_err(|_| "the state before the upgrade does not decode")?;
		ensure!(v0::Records::<T>::iter_keys().next().is_none(), "version 0 records are left");
		ensure!((OldestRecordId::<T>::get(), NextRecordId::<T>::get()) == (oldest, next), "the log moved");
		let paged: u64 = RecordPages::<T>::iter_values().map(|page| page.len() as u64).sum();
		ensure!(paged == count, "records were lost or added");
		Pallet::<T>::do_try_state()
	}
}
