//! Building, signing and submitting extrinsics with the runtime's own types, and reading
//! what they did from the block's events.

use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
};
use sealchat_runtime::{
	Runtime, RuntimeCall, RuntimeEvent, SignedPayload, TxExtension, UncheckedExtrinsic,
};
use serde_json::Value;
use sp_core::{crypto::Pair as _, sr25519, H256};
use sp_runtime::{generic::Era, DispatchError};
use std::time::Duration;

use crate::{hex, unhex, Rpc};

/// An event of a block, with the phase it was emitted in.
pub type EventRecord = frame_system::EventRecord<RuntimeEvent, H256>;

fn h256(v: &Value) -> H256 {
	H256::from_slice(&unhex(v.as_str().expect("a hash")))
}

/// What happened to an extrinsic in the block that included it.
#[derive(Debug)]
pub struct Outcome {
	/// The block that included it.
	pub block: H256,
	/// `Ok` if it dispatched successfully, else its dispatch error.
	pub result: Result<(), DispatchError>,
	/// The events it emitted (those with `ApplyExtrinsic(index)` phase).
	pub events: Vec<RuntimeEvent>,
}

impl Outcome {
	/// The name of the pallet error it failed with, e.g. `"NotOwner"`.
	pub fn error_name(&self) -> Option<String> {
		match self.result {
			Err(error @ DispatchError::Module(_)) => {
				let runtime_error = sealchat_runtime::RuntimeError::from_dispatch_error(error)?;
				let debug = format!("{runtime_error:?}");
				// `Connector(UnknownChat)` -> `UnknownChat`
				let inner = debug.split_once('(').map(|(_, rest)| rest.trim_end_matches(')'))?;
				Some(inner.to_string())
			},
			Err(DispatchError::BadOrigin) => Some("BadOrigin".into()),
			_ => None,
		}
	}
}

/// The chain-wide inputs of a signature (see [`Rpc::signing_context`]).
#[derive(Clone, Copy, Debug)]
pub struct SigningContext {
	pub genesis: H256,
	pub spec_version: u32,
	pub tx_version: u32,
}

impl SigningContext {
	/// Signs `call` as `signer` with `nonce` (immortal era) and returns the encoded
	/// extrinsic.
	pub fn sign(&self, signer: &sr25519::Pair, call: RuntimeCall, nonce: u32) -> Vec<u8> {
		let account = sp_runtime::AccountId32::from(signer.public());
		let extension = extension(nonce);
		let implicit = ((), (), self.spec_version, self.tx_version, self.genesis, self.genesis, (), (), (), ());
		let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
		let signature = payload.using_encoded(|bytes| signer.sign(bytes));
		UncheckedExtrinsic::new_signed(call, account.into(), signature.into(), extension).encode()
	}
}

/// The node's refusal of `call` as a general transaction (the test fails if it is
/// accepted).
pub async fn general_refusal(rpc: &Rpc, call: RuntimeCall) -> String {
	match rpc.submit_general(call).await {
		Err(refusal) => refusal,
		Ok(outcome) => panic!("the node accepted the transaction: {:?}", outcome.result),
	}
}

/// The runtime's transaction extensions with their explicit values: immortal, `nonce`, no
/// tip.
fn extension(nonce: u32) -> TxExtension {
	(
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// `call` as a general transaction: no signer, the extensions with nonce 0 (the nonce and
/// fee extensions skip it), and the call, which authorizes itself (`#[pallet::authorize]`).
pub fn general(call: RuntimeCall) -> Vec<u8> {
	general_extrinsic(call).encode()
}

/// [`general`], before it is encoded.
pub fn general_extrinsic(call: RuntimeCall) -> UncheckedExtrinsic {
	UncheckedExtrinsic::new_transaction(call, extension(0))
}

type Record = pallet_connector::Record<Runtime>;
type Connector = pallet_connector::Pallet<Runtime>;

/// Writes records straight into the connector's log with `system.set_storage` (see
/// [`Rpc::fill_records`]): it knows the log's end and its last page, which an append
/// rewrites whole, so it can build many batches ahead of the chain.
pub struct LogWriter {
	next: u64,
	oldest: u64,
	/// The records of the page `next` lands in, from its first id to `next`.
	last_page: Vec<Record>,
}

impl LogWriter {
	/// The writer of the log as it is in the node's best state.
	pub async fn at_best(rpc: &Rpc) -> Self {
		let next: u64 = rpc.storage(&pallet_connector::NextRecordId::<Runtime>::hashed_key()).await.unwrap_or(0);
		let oldest: u64 = rpc.storage(&pallet_connector::OldestRecordId::<Runtime>::hashed_key()).await.unwrap_or(0);
		let page = Connector::page_of(next);
		let last_page: Vec<Record> = rpc
			.storage(&pallet_connector::RecordPages::<Runtime>::hashed_key_for(page))
			.await
			.unwrap_or_default();
		assert_eq!(
			Connector::first_id(page, oldest) + last_page.len() as u64,
			next,
			"the log's last page ends at its next id"
		);
		Self { next, oldest, last_page }
	}

	/// The id the next record gets.
	pub fn next_id(&self) -> u64 {
		self.next
	}

	/// The storage items that append `payloads` (each padded to the record length, with
	/// a random tag, as invitations are), posted in block `block`: the pages they land
	/// in, their tag index entries and the next id.
	pub fn append(&mut self, block: u32, payloads: Vec<Vec<u8>>) -> Vec<(Vec<u8>, Vec<u8>)> {
		let mut items = Vec::new();
		let mut page = Connector::page_of(self.next);
		for mut payload in payloads {
			if Connector::page_of(self.next) != page {
				items.push(self.page_item(page));
				self.last_page.clear();
				page = Connector::page_of(self.next);
			}
			payload.resize(sealchat_runtime::configs::RECORD_LEN as usize, 0);
			let tag = sealchat::crypto::random_32();
			self.last_page.push(Record {
				payload: payload.try_into().expect("a payload within the record length"),
				block,
				tag,
			});
			items.push((pallet_connector::TaggedRecords::<Runtime>::hashed_key_for(tag, self.next), ().encode()));
			self.next += 1;
		}
		if !self.last_page.is_empty() {
			items.push(self.page_item(page));
		}
		if Connector::page_of(self.next) != page {
			// The last page is full: the next record starts a new one.
			self.last_page.clear();
		}
		items.push((pallet_connector::NextRecordId::<Runtime>::hashed_key().to_vec(), self.next.encode()));
		items
	}

	fn page_item(&self, page: u64) -> (Vec<u8>, Vec<u8>) {
		debug_assert_eq!(Connector::first_id(page, self.oldest) + self.last_page.len() as u64, self.next);
		(pallet_connector::RecordPages::<Runtime>::hashed_key_for(page), self.last_page.encode())
	}
}

impl Rpc {
	/// Appends `payloads` to the connector's record log directly, through the development
	/// chain's sudo key (Alice) and `system.set_storage`: a fast way to put many records
	/// before a reader, for tests and benchmarks that measure reading. Nothing else may
	/// append records meanwhile (their ids would be written over).
	pub async fn fill_records(&self, payloads: Vec<Vec<u8>>) -> Outcome {
		let block = self.best_number().await as u32;
		let items = LogWriter::at_best(self).await.append(block, payloads);
		let call = RuntimeCall::Sudo(pallet_sudo::Call::sudo {
			call: Box::new(RuntimeCall::System(frame_system::Call::set_storage { items })),
		});
		let outcome = self.submit(&sp_keyring::Sr25519Keyring::Alice.pair(), call).await;
		assert!(outcome.result.is_ok(), "filling the record log: {:?}", outcome.result);
		outcome
	}

	/// The events of `block`.
	pub async fn events(&self, block: H256) -> Vec<EventRecord> {
		let key = frame_support::storage::storage_prefix(b"System", b"Events");
		let raw = self.call("state_getStorage", rpc_params![hex(&key), format!("{block:?}")]).await;
		Decode::decode(&mut &unhex(raw.as_str().expect("events"))[..]).expect("events decode")
	}

	/// The value stored at `key` in the best state, if any.
	pub async fn storage<V: Decode>(&self, key: &[u8]) -> Option<V> {
		let raw = self.call("state_getStorage", rpc_params![hex(key)]).await;
		raw.as_str().map(|v| V::decode(&mut &unhex(v)[..]).expect("a stored value of its type"))
	}

	/// Signs `call` as `signer` (next nonce, immortal era) and returns the encoded
	/// extrinsic.
	pub async fn sign(&self, signer: &sr25519::Pair, call: RuntimeCall) -> Vec<u8> {
		let nonce = self.next_nonce(signer).await;
		self.sign_with_nonce(signer, call, nonce).await
	}

	/// The next nonce of `signer`, counting its transactions in the pool.
	pub async fn next_nonce(&self, signer: &sr25519::Pair) -> u32 {
		let account = sp_runtime::AccountId32::from(signer.public());
		let nonce = self.call("system_accountNextIndex", rpc_params![account.to_string()]).await;
		nonce.as_u64().expect("a nonce") as u32
	}

	/// Signs `call` as `signer` with `nonce` (immortal era).
	pub async fn sign_with_nonce(&self, signer: &sr25519::Pair, call: RuntimeCall, nonce: u32) -> Vec<u8> {
		self.signing_context().await.sign(signer, call, nonce)
	}

	/// What every signature commits to besides the call and the nonce: the genesis hash
	/// and the runtime's versions. Fetch it once to sign many extrinsics.
	pub async fn signing_context(&self) -> SigningContext {
		let genesis = h256(&self.call("chain_getBlockHash", rpc_params![0]).await);
		let version = self.call("state_getRuntimeVersion", rpc_params![]).await;
		SigningContext {
			genesis,
			spec_version: version["specVersion"].as_u64().expect("specVersion") as u32,
			tx_version: version["transactionVersion"].as_u64().expect("transactionVersion") as u32,
		}
	}

	/// Submits `call` signed by `signer`, waits until its block is finalized and returns
	/// what it did. Fails the test if the node rejects the transaction outright.
	pub async fn submit(&self, signer: &sr25519::Pair, call: RuntimeCall) -> Outcome {
		let extrinsic = self.sign(signer, call).await;
		self.submit_encoded(&extrinsic).await
	}

	/// Submits `call` as a general transaction, with no signer (the call authorizes
	/// itself), waits until its block is finalized and returns what it did; or the
	/// node's refusal (its validity error, as the JSON-RPC error reports it).
	pub async fn submit_general(&self, call: RuntimeCall) -> Result<Outcome, String> {
		let extrinsic = general(call);
		let refused: Result<Value, _> =
			self.client().request("author_submitExtrinsic", rpc_params![hex(&extrinsic)]).await;
		// The pool's verdict first, then watch it by hash until finalized.
		match refused {
			Err(e) => Err(e.to_string()),
			Ok(_) => Ok(self.wait_included(&extrinsic).await),
		}
	}

	/// Waits until `extrinsic` (already submitted) is in a finalized block.
	async fn wait_included(&self, extrinsic: &[u8]) -> Outcome {
		let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
		loop {
			assert!(tokio::time::Instant::now() < deadline, "transaction finalized within 60 s");
			let head = h256(&self.call("chain_getFinalizedHead", rpc_params![]).await);
			if let Some(outcome) = self.find_back(head, extrinsic, 8).await {
				return outcome;
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}

	/// Looks for `extrinsic` in `head` and up to `depth` of its ancestors.
	async fn find_back(&self, mut block: H256, extrinsic: &[u8], depth: u32) -> Option<Outcome> {
		for _ in 0..depth {
			let body = self.call("chain_getBlock", rpc_params![format!("{block:?}")]).await;
			let found = body["block"]["extrinsics"]
				.as_array()
				.expect("extrinsics")
				.iter()
				.any(|x| unhex(x.as_str().expect("hex")) == extrinsic);
			if found {
				return Some(self.outcome(block, extrinsic).await);
			}
			let parent = &body["block"]["header"]["parentHash"];
			if body["block"]["header"]["number"] == "0x0" {
				return None;
			}
			block = h256(parent);
		}
		None
	}

	/// Submits an encoded extrinsic and waits for its block to be finalized.
	pub async fn submit_encoded(&self, extrinsic: &[u8]) -> Outcome {
		let mut status: Subscription<Value> = self
			.client()
			.subscribe(
				"author_submitAndWatchExtrinsic",
				rpc_params![hex(extrinsic)],
				"author_unwatchExtrinsic",
			)
			.await
			.unwrap_or_else(|e| panic!("the node refused the transaction: {e}"));
		let wait = async {
			while let Some(update) = status.next().await {
				let update = update.expect("a transaction status");
				if let Some(block) = update.get("finalized") {
					return h256(block);
				}
				for fatal in ["invalid", "dropped", "usurped"] {
					assert!(update.get(fatal).is_none() && update != fatal, "transaction {fatal}: {update}");
				}
			}
			panic!("transaction status subscription closed")
		};
		let block = tokio::time::timeout(Duration::from_secs(60), wait)
			.await
			.expect("transaction finalized within 60 s");
		self.outcome(block, extrinsic).await
	}

	/// Finds `extrinsic` in `block` and collects its events.
	async fn outcome(&self, block: H256, extrinsic: &[u8]) -> Outcome {
		let body = self.call("chain_getBlock", rpc_params![format!("{block:?}")]).await;
		let index = body["block"]["extrinsics"]
			.as_array()
			.expect("extrinsics")
			.iter()
			.position(|x| unhex(x.as_str().expect("hex")) == extrinsic)
			.expect("the finalized block contains the extrinsic") as u32;

		let records = self.events(block).await;
		let mut result = None;
		let mut events = Vec::new();
		for record in records {
			if record.phase != frame_system::Phase::ApplyExtrinsic(index) {
				continue;
			}
			match &record.event {
				RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess { .. }) => result = Some(Ok(())),
				RuntimeEvent::System(frame_system::Event::ExtrinsicFailed { dispatch_error, .. }) =>
					result = Some(Err(*dispatch_error)),
				_ => {},
			}
			events.push(record.event);
		}
		Outcome { block, result: result.expect("every extrinsic ends in success or failure"), events }
	}
}
