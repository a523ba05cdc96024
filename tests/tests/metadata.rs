//! The client's typed chain access is generated from `client/metadata/sealchat.scale`.
//! This test fails when that file no longer matches the runtime; rerun
//! `scripts/update-metadata.sh` after changing the runtime.

use std::path::PathBuf;

fn metadata_file() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../client/metadata/sealchat.scale")
}

#[test]
fn client_metadata_matches_the_runtime() {
	let fresh = sealchat_runtime::Runtime::metadata_at_version(sealchat_tests::CLIENT_METADATA_VERSION)
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
