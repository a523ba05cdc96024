//! Storage migrations of the chat pallet.

use super::*;
use frame_support::{
	migrations::VersionedMigration,
	pallet_prelude::*,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::Saturating;

/// Version 1: chats and parts without a count of what they wrote per epoch, messages
/// counting 64 bytes besides their ciphertext against their part's quota.
pub mod v1 {
	use super::*;

	/// What a message counted against its part's quota besides its ciphertext.
	pub const MESSAGE_OVERHEAD: u32 = 64;

	/// A chat of version 1.
	#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
	#[scale_info(skip_type_params(T))]
	pub struct ChatInfo<T: Config> {
		pub membership_key: ed25519::Public,
		pub nonce: u64,
		pub sealed_key: BoundedVec<u8, T::MaxSealedKeyLen>,
		pub expires: BlockNumberFor<T>,
	}

	/// A part of version 1.
	#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
	#[scale_info(skip_type_params(T))]
	pub struct PartInfo<T: Config> {
		pub next_seq: Seq,
		pub nonce: PartNonce,
		pub messages: u32,
		pub used: u32,
		pub blob: BoundedVec<u8, T::MaxPartBlobLen>,
		pub expires: BlockNumberFor<T>,
	}
}

/// Version 2: parts without an incarnation.
pub mod v2 {
	use super::*;

	/// The parts as version 2 stores them.
	#[frame_support::storage_alias]
	pub type Parts<T: Config> = StorageMap<Pallet<T>, Blake2_128Concat, PartId, PartInfo<T>>;

	/// A part of version 2.
	#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
	#[scale_info(skip_type_params(T))]
	pub struct PartInfo<T: Config> {
		pub next_seq: Seq,
		pub nonce: PartNonce,
		pub messages: u32,
		pub used: u32,
		pub blob: BoundedVec<u8, T::MaxPartBlobLen>,
		pub expires: BlockNumberFor<T>,
		pub usage: Usage,
	}
}

/// Gives every chat and part a [`Usage`] (version 2), counting from the current epoch
/// with nothing written: allowances start full on the day of the upgrade. Every part's
/// quota use counts its messages at [`MESSAGE_OVERHEAD`] (the state they take) instead of
/// version 1's 64 bytes each; a part that is over its quota then takes no message until
/// enough are deleted.
///
/// It runs in one block: a read and a write per chat and per part. That suits the chains
/// that exist; a chain with more leases than one block's weight moves would have to move
/// them in steps (a multi-block migration) instead.
pub type MigrateV1ToV2<T> =
	VersionedMigration<1, 2, InnerMigrateV1ToV2<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;

/// The migration [`MigrateV1ToV2`] runs once the storage version is 1.
pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
	fn on_runtime_upgrade() -> Weight {
		let usage = Usage { epoch: <T::Tickets as pallet_ring::Tickets>::epoch(), ..Usage::default() };
		let mut moved = 0u64;
		Chats::<T>::translate::<v1::ChatInfo<T>, _>(|_, old| {
			moved += 1;
			Some(ChatInfo {
				membership_key: old.membership_key,
				nonce: old.nonce,
				sealed_key: old.sealed_key,
				expires: old.expires,
				usage,
			})
		});
		v2::Parts::<T>::translate::<v1::PartInfo<T>, _>(|_, old| {
			moved += 1;
			Some(v2::PartInfo {
				next_seq: old.next_seq,
				nonce: old.nonce,
				messages: old.messages,
				used: old.used.saturating_add(old.messages.saturating_mul(MESSAGE_OVERHEAD - v1::MESSAGE_OVERHEAD)),
				blob: old.blob,
				expires: old.expires,
				usage,
			})
		});
		T::DbWeight::get().reads_writes(moved + 1, moved)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
		Ok((Chats::<T>::iter_keys().count() as u64, Parts::<T>::iter_keys().count() as u64).encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		let (chats, parts) =
			<(u64, u64)>::decode(&mut &state[..]).map_err(|_| "the state before the upgrade does not decode")?;
		ensure!(Chats::<T>::iter_values().count() as u64 == chats, "chats were lost or added");
		// In the layout of version 2: the pallet's invariants are checked after the
		// upgrade to the version of this code.
		ensure!(v2::Parts::<T>::iter_values().count() as u64 == parts, "parts were lost or added");
		Ok(())
	}
}

/// Gives every part an incarnation (version 3), each its own, and counts them in
/// [`PartsCreated`]: the writes signed before the upgrade were signed under the previous
/// part context, so none of them is valid after it whatever the incarnation.
///
/// It runs in one block, a read and a write per part, as [`MigrateV1ToV2`] does.
pub type MigrateV2ToV3<T> =
	VersionedMigration<2, 3, InnerMigrateV2ToV3<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;

/// The migration [`MigrateV2ToV3`] runs once the storage version is 2.
pub struct InnerMigrateV2ToV3<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV2ToV3<T> {
	fn on_runtime_upgrade() -> Weight {
		let mut created = PartsCreated::<T>::get();
		let mut moved = 0u64;
		Parts::<T>::translate::<v2::PartInfo<T>, _>(|_, old| {
			moved += 1;
			let incarnation = created;
			created.saturating_inc();
			Some(PartInfo {
				next_seq: old.next_seq,
				nonce: old.nonce,
				messages: old.messages,
				used: old.used,
				blob: old.blob,
				expires: old.expires,
				usage: old.usage,
				incarnation,
			})
		});
		PartsCreated::<T>::put(created);
		T::DbWeight::get().reads_writes(moved + 1, moved + 1)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
		Ok((Parts::<T>::iter_keys().count() as u64).encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		let parts = u64::decode(&mut &state[..]).map_err(|_| "the state before the upgrade does not decode")?;
		ensure!(Parts::<T>::iter_values().count() as u64 == parts, "parts were lost or added");
		Pallet::<T>::do_try_state()
	}
}
