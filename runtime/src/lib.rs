//! # SealChat runtime
//!
//! The FRAME runtime of the SealChat chain: a dedicated chain for private chat on which
//! nobody watching the chain can tell who talks to whom.
//!
//! ## Overview
//!
//! The runtime composes the consensus and accounting pallets every chain needs:
//!
//! | index | pallet                 | role                                              |
//! |-------|------------------------|---------------------------------------------------|
//! | 0     | `System`               | accounts, blocks, events                          |
//! | 1     | `Timestamp`            | block time, drives Aura slots                     |
//! | 2     | `Aura`                 | block authoring, round robin over the authorities |
//! | 3     | `Grandpa`              | finality                                          |
//! | 4     | `Balances`             | the native token (SEAL)                           |
//! | 5     | `TransactionPayment`   | fees from benchmarked weights and length          |
//! | 6     | `Sudo`                 | one privileged account, development chains only   |
//! | 7     | `Connector`            | MAIN-CONNECTOR: keys, sealed records, its chats    |
//! | 8     | `Chat`                 | chat actors and per-user chat parts               |
//! | 9     | `UserRing`             | rings of users' keys, anonymous tickets           |
//! | 10    | `Council`              | the validators' operators; 2/3 of them act as root |
//! | 11    | `Governance`           | root by the council; changing the validators       |
//!
//! Block time is [`MILLI_SECS_PER_BLOCK`] (2 s) on every chain built from this runtime,
//! because chat latency is the product: see `docs/CHAIN.md`.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` and `impl_runtime_apis` expand to large recursive types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types: what the node needs to know about the runtime's types without
/// depending on their details (extrinsics are opaque byte strings to the node).
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The session keys of a validator: Aura for authoring, GRANDPA for finality.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// The runtime version. Bump `spec_version` with every change to runtime logic and
/// `transaction_version` with every change to call indices or transaction encoding.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("sealchat"),
	impl_name: alloc::borrow::Cow::Borrowed("sealchat"),
	authoring_version: 1,
	spec_version: 112,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

/// Target time between two blocks. Chat latency is the product, so this is the
/// shortest slot that still leaves a validator time to author, gossip and import a
/// full block on modest hardware: authoring gets 2/3 of the slot, import the rest.
///
/// NOTE: changing this on a live chain breaks Aura's slot arithmetic; it is fixed
/// at genesis.
pub const MILLI_SECS_PER_BLOCK: u64 = 2000;

/// Aura slot duration: one block per slot.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Blocks per minute, hour and day at the target block time.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// How many recent block hashes the runtime keeps (mortal transactions refer to one).
pub const BLOCK_HASH_COUNT: BlockNumber = 4096;

/// One SEAL, the native token, has 12 decimals.
pub const UNIT: Balance = 1_000_000_000_000;
pub const MILLI_UNIT: Balance = 1_000_000_000;
pub const MICRO_UNIT: Balance = 1_000_000;

/// The smallest balance an account may hold; below it the account is reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Token symbol shown by wallets.
pub const TOKEN_SYMBOL: &str = "SEAL";
/// Decimals of [`TOKEN_SYMBOL`].
pub const TOKEN_DECIMALS: u8 = 12;
/// SS58 address prefix: 42, the generic Substrate prefix, so addresses read the same
/// in every Substrate wallet and tool.
pub const SS58_PREFIX: u16 = 42;

/// Signature type of transactions (sr25519, ed25519 or ecdsa).
pub type Signature = MultiSignature;
/// An account: the public key behind a [`Signature`].
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account.
pub type Balance = u128;
/// Transaction index of an account.
pub type Nonce = u32;
/// Block and state hash.
pub type Hash = sp_core::H256;
/// Block number.
pub type BlockNumber = u32;
/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;

/// The transaction extensions every signed transaction carries.
pub type TxExtension = (
	// First: a general transaction (no signer) whose call has `#[pallet::authorize]` is
	// authorized here, with the `Authorized` origin; signed transactions pass through.
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// An extrinsic as it appears in a block.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload a transaction's signature covers.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations run on the next runtime upgrade.
type Migrations = (
	pallet_connector::migrations::MigrateV0ToV1<Runtime>,
	pallet_chat::migrations::MigrateV1ToV2<Runtime>,
	pallet_chat::migrations::MigrateV2ToV3<Runtime>,
);

/// Dispatches blocks and transactions to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Connector = pallet_connector;

	#[runtime::pallet_index(8)]
	pub type Chat = pallet_chat;

	#[runtime::pallet_index(9)]
	pub type UserRing = pallet_ring<Instance1>;

	#[runtime::pallet_index(10)]
	pub type Council = pallet_collective<Instance1>;

	#[runtime::pallet_index(11)]
	pub type Governance = pallet_governance;
}
