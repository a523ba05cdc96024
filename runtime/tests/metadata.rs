//! What the runtime's metadata promises: the client's generated code matches it, and no
//! storage item or event of the chat pallets can hold an account outside the key
//! registry, whatever is stored in them.

use std::collections::HashSet;

use frame_support::__private::metadata::{
	v14::{PalletMetadata, StorageEntryType},
	RuntimeMetadata,
};
use scale_info::{form::PortableForm, PortableRegistry, TypeDef};

/// The metadata version the client's generated code is built from.
const CLIENT_METADATA_VERSION: u32 = 16;

fn metadata_file() -> std::path::PathBuf {
	std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../client/metadata/sealchat.scale")
}

/// The client's typed chain access is generated from `client/metadata/sealchat.scale`:
/// this fails when that file no longer matches the runtime (rerun
/// `scripts/update-metadata.sh`, which runs this with `SEALCHAT_UPDATE_METADATA=1`).
#[test]
fn client_metadata_matches_the_runtime() {
	let fresh = sealchat_runtime::Runtime::metadata_at_version(CLIENT_METADATA_VERSION)
		.expect("the runtime serves this metadata version")
		.to_vec();
	let path = metadata_file();
	if std::env::var_os("SEALCHAT_UPDATE_METADATA").is_some() {
		std::fs::write(&path, &fresh).expect("write metadata file");
		return;
	}
	let stored = std::fs::read(&path).unwrap_or_default();
	assert!(
		stored == fresh,
		"{} is stale ({} bytes, the runtime's is {}): run scripts/update-metadata.sh",
		path.display(),
		stored.len(),
		fresh.len()
	);
}

/// Whether type `id` is, or contains anywhere inside it, an account id.
fn holds_account(types: &PortableRegistry, id: u32, seen: &mut HashSet<u32>) -> bool {
	if !seen.insert(id) {
		return false;
	}
	let ty = types.resolve(id).expect("the registry resolves its own ids");
	if ty.path.segments.last().map(String::as_str) == Some("AccountId32") {
		return true;
	}
	let mut inner: Vec<u32> = ty.type_params.iter().filter_map(|p| p.ty.map(|t| t.id)).collect();
	match &ty.type_def {
		TypeDef::Composite(c) => inner.extend(c.fields.iter().map(|f| f.ty.id)),
		TypeDef::Variant(v) => inner.extend(v.variants.iter().flat_map(|v| v.fields.iter().map(|f| f.ty.id))),
		TypeDef::Sequence(s) => inner.push(s.type_param.id),
		TypeDef::Array(a) => inner.push(a.type_param.id),
		TypeDef::Tuple(t) => inner.extend(t.fields.iter().map(|f| f.id)),
		TypeDef::Compact(c) => inner.push(c.type_param.id),
		TypeDef::BitSequence(_) | TypeDef::Primitive(_) => {},
	}
	inner.into_iter().any(|t| holds_account(types, t, seen))
}

fn pallet<'a>(pallets: &'a [PalletMetadata<PortableForm>], name: &str) -> &'a PalletMetadata<PortableForm> {
	pallets.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no pallet {name}"))
}

/// No storage item of the connector and the chat pallets, and none of their events, can
/// hold an account, but the key registry's: the registrations, the key histories and
/// the events of registering. Checked on the types, so it holds for every value they
/// will ever store.
#[test]
fn no_chat_state_or_event_names_an_account() {
	let RuntimeMetadata::V14(metadata) = sealchat_runtime::Runtime::metadata().1 else {
		panic!("the runtime serves metadata V14 by default")
	};
	let types = &metadata.types;
	let allowed_storage = [("Connector", "Keys"), ("Connector", "Registrations")];
	let allowed_events = [("Connector", "Registered"), ("Connector", "KeyRegistered"), ("Connector", "KeysCleared")];
	let mut checked = 0;
	for name in ["Connector", "Chat"] {
		let pallet = pallet(&metadata.pallets, name);
		for entry in &pallet.storage.as_ref().expect("both pallets have storage").entries {
			let ids = match &entry.ty {
				StorageEntryType::Plain(ty) => vec![ty.id],
				StorageEntryType::Map { key, value, .. } => vec![key.id, value.id],
			};
			let holds = ids.iter().any(|id| holds_account(types, *id, &mut HashSet::new()));
			let allowed = allowed_storage.contains(&(name, entry.name.as_str()));
			assert_eq!(holds, allowed, "{name}::{} {} an account", entry.name, if holds { "holds" } else { "does not hold" });
			checked += 1;
		}
		let event = pallet.event.as_ref().expect("both pallets have events").ty.id;
		let TypeDef::Variant(variants) = &types.resolve(event).expect("the event type").type_def else {
			panic!("an event is an enum")
		};
		for variant in &variants.variants {
			let holds = variant.fields.iter().any(|f| holds_account(types, f.ty.id, &mut HashSet::new()));
			let allowed = allowed_events.contains(&(name, variant.name.as_str()));
			assert_eq!(holds, allowed, "event {name}::{} {} an account", variant.name, if holds { "holds" } else { "does not hold" });
			checked += 1;
		}
	}
	assert!(checked > 25, "checked {checked} items and events");
	// The check finds accounts where they are.
	let system = pallet(&metadata.pallets, "System");
	let account = system.storage.as_ref().unwrap().entries.iter().find(|e| e.name == "Account").unwrap();
	let StorageEntryType::Map { key, .. } = &account.ty else { panic!("System::Account is a map") };
	assert!(holds_account(types, key.id, &mut HashSet::new()));
}

/// docs/PROTOCOL.md gives the query id of every view function a client calls, so that
/// a client can be written from the document alone; they must be the runtime's.
#[test]
fn the_protocol_document_lists_every_view_function_id() {
	use codec::Decode;
	use frame_support::__private::metadata::RuntimeMetadataPrefixed;
	let bytes = sealchat_runtime::Runtime::metadata_at_version(16).expect("metadata V16");
	let RuntimeMetadata::V16(metadata) = RuntimeMetadataPrefixed::decode(&mut &bytes[..]).expect("decodes").1 else {
		panic!("V16 was asked for")
	};
	let doc = include_str!("../../docs/PROTOCOL.md");
	let mut table = String::from("| view function | query id |\n|---|---|\n");
	let mut listed = 0;
	for name in ["Connector", "Chat", "UserRing"] {
		let pallet = metadata.pallets.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no pallet {name}"));
		for view in &pallet.view_functions {
			let id: String = view.id.iter().map(|b| format!("{b:02x}")).collect();
			table.push_str(&format!("| `{name}::{}` | `0x{id}` |\n", view.name));
			listed += 1;
		}
	}
	assert!(listed >= 12, "{listed} view functions");
	assert!(doc.contains(&table), "docs/PROTOCOL.md must list the view functions' ids as:\n{table}");
}
