// This file is part of SealChat.
// SPDX-License-Identifier: Apache-2.0

//! # Governance
//!
//! What repairs a running chain without a sudo key: the council (a `pallet-collective`
//! of the validators' operators) acts as root when two thirds of its members agree, and
//! root changes the validators.
//!
//! - [`Pallet::dispatch_as_root`]: a call the council approved runs as root. The
//!   council's motion (`Council::propose`, `vote`, `close`) names this call wrapping the
//!   one to run, e.g. `System::authorize_upgrade(hash)` for a runtime upgrade, after
//!   which anyone submits the code (`System::apply_authorized_upgrade`).
//! - [`Pallet::set_validators`]: the validators that author (Aura) and finalize (GRANDPA)
//!   from now on. Aura takes the new set from the next block; GRANDPA hands over once
//!   the block [`Config::GrandpaChangeDelay`] after the change's is final.
//!   [`Pallet::force_validators`] does the same when finality is stalled. Who sits on
//!   the council is the collective's own call (`Council::set_members`, root as well).
//!
//! The council is the only way to root on a production chain: its genesis has no sudo
//! key. The development chains keep a sudo key as well.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

#[frame_support::pallet]
pub mod pallet {
	use super::WeightInfo;
	use alloc::{boxed::Box, collections::BTreeSet, vec::Vec};
	use frame_support::{
		dispatch::{DispatchErrorWithPostInfo, GetDispatchInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::UnfilteredDispatchable,
	};
	use frame_system::{pallet_prelude::*, RawOrigin};
	use sp_runtime::traits::{Dispatchable, Saturating};

	/// An Aura key, as the runtime's Aura pallet names its authorities.
	pub type AuraIdOf<T> = <T as pallet_aura::Config>::AuthorityId;

	/// A validator: the key it authors blocks with (Aura, sr25519) and the key it votes on
	/// finality with (GRANDPA, ed25519).
	pub type ValidatorOf<T> = (AuraIdOf<T>, sp_consensus_grandpa::AuthorityId);

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>> + pallet_aura::Config + pallet_grandpa::Config
	{
		/// The calls the council may run as root.
		type RuntimeCall: Parameter
			+ Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
			+ UnfilteredDispatchable<RuntimeOrigin = Self::RuntimeOrigin>
			+ GetDispatchInfo;

		/// The council's decision that acts as root: at least two thirds of its members.
		type CouncilOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Blocks after a validator change's block until GRANDPA's new voters take over
		/// (once that later block is final), so that they see the change coming.
		#[pallet::constant]
		type GrandpaChangeDelay: Get<BlockNumberFor<Self>>;

		/// Blocks after a forced validator change's block until GRANDPA's nodes take the
		/// new voters (once that later block is on their best chain): long enough for
		/// every node, the new validators' included, to import the change first. One
		/// forced change per twice this many blocks.
		#[pallet::constant]
		type ForcedChangeDelay: Get<BlockNumberFor<Self>>;

		/// The most validators a set may have: no more than Aura and GRANDPA hold.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A call the council approved ran as root, with this result.
		DispatchedAsRoot { result: DispatchResult },
		/// The validators from the next block on (Aura); GRANDPA's voters change once block
		/// `grandpa_at` is final (`forced`: once it is on the best chain).
		ValidatorsChanged { count: u32, grandpa_at: BlockNumberFor<T>, forced: bool },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A validator set must have at least one validator.
		NoValidators,
		/// The same Aura or GRANDPA key appears twice in the set.
		DuplicateValidator,
		/// More validators than Aura and GRANDPA hold.
		TooManyValidators,
		/// The last change's GRANDPA hand-over block is not imported yet: change again
		/// after it is.
		ChangePending,
		/// A forced change came less than `2 × ForcedChangeDelay` blocks after the last
		/// forced one.
		ForcedTooSoon,
		/// A forced change named a `finalized` block that is not below the current one,
		/// which no node can have finalized: a mistaken reading of the finalized head.
		FinalizedAhead,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Runs `call` as root.
		///
		/// - **Origin:** [`Config::CouncilOrigin`], two thirds of the council (a motion of
		///   `pallet-collective` that passed).
		/// - **Weight:** this call's own (an origin check and an event) plus `call`'s, in
		///   the normal class whatever `call`'s: the council's `close`, which runs it, is
		///   operational itself, and no one else gets past the origin.
		/// - **Result:** `Ok` once `call` ran, whatever it returned: its result is in
		///   [`Event::DispatchedAsRoot`], so that a motion that passed is closed either way.
		#[pallet::call_index(0)]
		#[pallet::weight({
			let info = call.get_dispatch_info();
			(<T as Config>::WeightInfo::dispatch_as_root().saturating_add(info.call_weight), DispatchClass::Normal)
		})]
		pub fn dispatch_as_root(origin: OriginFor<T>, call: Box<<T as Config>::RuntimeCall>) -> DispatchResultWithPostInfo {
			// Refused: only this call's own work is charged, not `call`'s.
			T::CouncilOrigin::ensure_origin(origin).map_err(|e| DispatchErrorWithPostInfo {
				post_info: Some(<T as Config>::WeightInfo::dispatch_as_root()).into(),
				error: e.into(),
			})?;
			let result = call.dispatch_bypass_filter(RawOrigin::Root.into());
			let used = result.map_or_else(|e| e.post_info.actual_weight, |info| info.actual_weight);
			Self::deposit_event(Event::DispatchedAsRoot { result: result.map(|_| ()).map_err(|e| e.error) });
			Ok(used.map(|w| w.saturating_add(<T as Config>::WeightInfo::dispatch_as_root())).into())
		}

		/// Sets the validators: `validators`, in the order they take turns authoring.
		///
		/// - **Origin:** root (the council through [`Pallet::dispatch_as_root`]; sudo on a
		///   development chain).
		/// - **Effect:** Aura's authorities are replaced from the next block; GRANDPA's
		///   voters change once block `now + GrandpaChangeDelay` is final (a standard
		///   change: the old voters finalize up to it). Each new validator's node must
		///   hold its keys by then (docs/VALIDATOR.md).
		/// - **Errors:** [`Error::NoValidators`], [`Error::DuplicateValidator`],
		///   [`Error::ChangePending`] (the previous change's block `now + delay` is not
		///   imported yet). Nothing changes on an error.
		/// - **Weight:** `O(n)` in the number of validators.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::set_validators(validators.len() as u32))]
		pub fn set_validators(
			origin: OriginFor<T>,
			validators: BoundedVec<ValidatorOf<T>, T::MaxValidators>,
		) -> DispatchResult {
			ensure_root(origin)?;
			Self::change_validators(validators, None)
		}

		/// Sets the validators when finality is stalled: as [`Pallet::set_validators`], but
		/// GRANDPA's nodes take the new voters once block `now + ForcedChangeDelay` is on
		/// their best chain, final or not, and go on from block `finalized`. For a GRANDPA
		/// set that cannot finalize (its keys missing from the nodes, or more than a third
		/// of its voters down) while some validator of the Aura set still authors, so that
		/// a motion still runs.
		///
		/// `finalized` must be a block the nodes have finalized: at most the number of
		/// the finalized head (`chain_getFinalizedHead`, then `chain_getHeader`). The
		/// nodes go on from the lower of their own finalized block and `finalized`, so a
		/// lower one is harmless (re-finalized); but one at or above the hand-over block of
		/// a validator change the nodes have not finalized makes every node refuse the
		/// forced change's block, and the chain halts. The runtime cannot tell which
		/// changes the nodes finalized: it refuses only what no node can have finalized
		/// ([`Error::FinalizedAhead`]).
		///
		/// - **Origin:** root.
		/// - **Errors:** as [`Pallet::set_validators`]; [`Error::FinalizedAhead`]
		///   (`finalized` not below the current block); [`Error::ForcedTooSoon`]: one
		///   forced change per `2 × ForcedChangeDelay` blocks.
		/// - **Weight:** `O(n)` in the number of validators.
		#[pallet::call_index(2)]
		#[pallet::weight(<T as Config>::WeightInfo::set_validators(validators.len() as u32))]
		pub fn force_validators(
			origin: OriginFor<T>,
			validators: BoundedVec<ValidatorOf<T>, T::MaxValidators>,
			finalized: BlockNumberFor<T>,
		) -> DispatchResult {
			ensure_root(origin)?;
			Self::change_validators(validators, Some(finalized))
		}
	}

	impl<T: Config> Pallet<T> {
		/// Schedules the GRANDPA change (`forced`: from which finalized block, for a forced
		/// one) and changes Aura's authorities, or changes nothing if it cannot.
		fn change_validators(
			validators: BoundedVec<ValidatorOf<T>, T::MaxValidators>,
			forced: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			ensure!(!validators.is_empty(), Error::<T>::NoValidators);
			// (Aura keys are compared by their encoding: the runtime's key type need not be `Ord`.)
			let aura: BTreeSet<Vec<u8>> = validators.iter().map(|(aura, _)| aura.encode()).collect();
			let grandpa: BTreeSet<&sp_consensus_grandpa::AuthorityId> = validators.iter().map(|(_, g)| g).collect();
			ensure!(aura.len() == validators.len() && grandpa.len() == validators.len(), Error::<T>::DuplicateValidator);
			ensure!(!pallet_grandpa::PendingChange::<T>::exists(), Error::<T>::ChangePending);
			let now = frame_system::Pallet::<T>::block_number();
			if let Some(finalized) = forced {
				ensure!(finalized < now, Error::<T>::FinalizedAhead);
				ensure!(pallet_grandpa::NextForced::<T>::get().is_none_or(|next| next <= now), Error::<T>::ForcedTooSoon);
			}
			let authorities: BoundedVec<AuraIdOf<T>, <T as pallet_aura::Config>::MaxAuthorities> =
				validators.iter().map(|(aura, _)| aura.clone()).collect::<Vec<_>>().try_into().map_err(|_| Error::<T>::TooManyValidators)?;
			ensure!(
				validators.len() <= <T as pallet_grandpa::Config>::MaxAuthorities::get() as usize,
				Error::<T>::TooManyValidators
			);
			let voters: sp_consensus_grandpa::AuthorityList = validators.iter().map(|(_, g)| (g.clone(), 1)).collect();
			let delay = if forced.is_some() { T::ForcedChangeDelay::get() } else { T::GrandpaChangeDelay::get() };
			// Checked above (no change pending, no forced change too soon): this cannot fail.
			pallet_grandpa::Pallet::<T>::schedule_change(voters, delay, forced)?;
			// Every signalled change starts a new set on the nodes; the runtime counts it
			// as a session change would (what `GrandpaApi::current_set_id` answers). A
			// forced change that overrides a standard one the nodes have not finalized yet
			// counts one more here than on the nodes; only equivocation reports use this
			// count, and the runtime accepts none (docs/CHAIN.md).
			pallet_grandpa::CurrentSetId::<T>::mutate(|id| *id += 1);
			pallet_aura::Pallet::<T>::change_authorities(authorities);
			Self::deposit_event(Event::ValidatorsChanged {
				count: validators.len() as u32,
				grandpa_at: now.saturating_add(delay),
				forced: forced.is_some(),
			});
			Ok(())
		}
	}
}
