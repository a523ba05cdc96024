//! Where a profile lives on disk, and its key file.
//!
//! A profile is a directory (by default `$XDG_DATA_HOME/sealchat/<profile>`) holding
//! `identity.json`, the recovery phrase encrypted under the user's passphrase (Argon2id
//! at libsodium's MODERATE limits, the parameters stored in the file; unencrypted only
//! when the user chose no passphrase), and `state.sqlite`, the local database,
//! encrypted as a whole with a key derived from the identity (SQLCipher). Both are
//! created readable only by the user.

use std::{
	fs,
	io::Write,
	path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::crypto::{self, CryptoError, Identity, PassphraseKdf};

/// Errors about the profile's files.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
	#[error("no identity in {0}: run `sealchat register` (new account) or `sealchat login` (recovery phrase)")]
	NoIdentity(PathBuf),
	#[error("an identity already exists in {0}; use another --profile, or delete the profile to log in again")]
	IdentityExists(PathBuf),
	#[error("the key file is encrypted: give the passphrase (a terminal prompt, SEALCHAT_PASSPHRASE or --passphrase-fd)")]
	PassphraseNeeded,
	#[error("wrong passphrase")]
	WrongPassphrase,
	#[error("key file {0} is damaged: {1}")]
	Damaged(PathBuf, String),
	#[error(transparent)]
	Crypto(#[from] CryptoError),
	#[error("{0}: {1}")]
	Io(PathBuf, std::io::Error),
	#[error("no home directory to keep the profile in; use --data-dir")]
	NoHome,
}

impl ProfileError {
	/// A stable, machine-readable name of the error's kind.
	pub fn kind(&self) -> &'static str {
		match self {
			ProfileError::NoIdentity(_) => "no_identity",
			ProfileError::IdentityExists(_) => "identity_exists",
			ProfileError::PassphraseNeeded => "passphrase_needed",
			ProfileError::WrongPassphrase => "wrong_passphrase",
			ProfileError::Damaged(..) => "damaged_key_file",
			ProfileError::Crypto(_) => "crypto",
			ProfileError::Io(..) => "io",
			ProfileError::NoHome => "no_home",
		}
	}
}

/// The directories of one profile.
#[derive(Clone, Debug)]
pub struct Profile {
	dir: PathBuf,
}

const IDENTITY_FILE: &str = "identity.json";
const STATE_FILE: &str = "state.sqlite";
const SUBMIT_LOCK_FILE: &str = "submit.lock";

/// How the recovery phrase is kept in the key file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Protection {
	/// Encrypted under a passphrase stretched by this KDF.
	Passphrase(PassphraseKdf),
	/// Not encrypted: the user chose no passphrase.
	None,
}

/// The key file, `identity.json`.
#[derive(Serialize, Deserialize)]
struct KeyFile {
	/// 2; version 1 files (INTERACTIVE limits, optional encryption) are still read.
	version: u8,
	/// The account's SS58 address (public; lets `whoami` work without the passphrase).
	account: String,
	/// Version 2: the account's ring key, hex (public, likewise).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	ring_key: Option<String>,
	/// Version 1: whether `secret` is encrypted.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	encrypted: Option<bool>,
	/// Version 2: the KDF of the passphrase, absent when there is none.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	kdf: Option<PassphraseKdf>,
	/// Hex of the secret URI / phrase, or of its encryption (version 2: nonce ‖
	/// ciphertext ‖ tag; version 1: salt ‖ nonce ‖ ciphertext ‖ tag).
	secret: String,
}

impl KeyFile {
	fn protection(&self) -> Protection {
		match (&self.kdf, self.encrypted) {
			(Some(kdf), _) => Protection::Passphrase(kdf.clone()),
			// Version 1: the salt leads the secret.
			(None, Some(true)) => {
				let mut salt = [0u8; 16];
				if let Ok(raw) = hex::decode(&self.secret) {
					if raw.len() >= 16 {
						salt.copy_from_slice(&raw[..16]);
					}
				}
				Protection::Passphrase(PassphraseKdf::interactive(salt))
			},
			(None, _) => Protection::None,
		}
	}

	/// The stored bytes the passphrase opens (version 1 files lead with the salt).
	fn locked(&self, raw: &[u8]) -> Vec<u8> {
		if self.version == 1 && self.encrypted == Some(true) {
			raw.get(16..).unwrap_or_default().to_vec()
		} else {
			raw.to_vec()
		}
	}
}

impl Profile {
	/// `data_dir` when given, else `$XDG_DATA_HOME/sealchat/<name>`.
	pub fn locate(data_dir: Option<PathBuf>, name: &str) -> Result<Self, ProfileError> {
		let dir = match data_dir {
			Some(dir) => dir,
			None => directories::BaseDirs::new()
				.ok_or(ProfileError::NoHome)?
				.data_dir()
				.join("sealchat")
				.join(name),
		};
		Ok(Self { dir })
	}

	/// The profile directory.
	pub fn dir(&self) -> &Path {
		&self.dir
	}

	/// The local database file.
	pub fn state_path(&self) -> PathBuf {
		self.dir.join(STATE_FILE)
	}

	fn identity_path(&self) -> PathBuf {
		self.dir.join(IDENTITY_FILE)
	}

	/// The lock that serializes this profile's submissions across processes.
	pub fn submit_lock(&self) -> SubmitLock {
		SubmitLock { path: self.dir.join(SUBMIT_LOCK_FILE), notice: std::sync::Arc::new(|| {}) }
	}

	/// Which of the profile's files exist now (to remove what a failed command created).
	pub fn existing_files(&self) -> Vec<PathBuf> {
		[IDENTITY_FILE, STATE_FILE, "state.sqlite-wal", "state.sqlite-shm", SUBMIT_LOCK_FILE]
			.iter()
			.map(|f| self.dir.join(f))
			.filter(|p| p.exists())
			.collect()
	}

	/// Whether the profile has an identity.
	pub fn has_identity(&self) -> bool {
		self.identity_path().exists()
	}

	/// The account address, read without unlocking the key file.
	pub fn address(&self) -> Result<String, ProfileError> {
		Ok(self.read_key_file()?.account)
	}

	/// The account's ring key, read without unlocking the key file (`None` for files
	/// written before ring keys existed).
	pub fn ring_key(&self) -> Result<Option<[u8; 32]>, ProfileError> {
		let file = self.read_key_file()?;
		let Some(text) = file.ring_key else { return Ok(None) };
		let key = hex::decode(&text)
			.ok()
			.and_then(|b| <[u8; 32]>::try_from(b).ok())
			.ok_or_else(|| ProfileError::Damaged(self.identity_path(), "ring key is not 32 bytes of hex".into()))?;
		Ok(Some(key))
	}

	/// How the key file keeps the phrase (read without unlocking it).
	pub fn protection(&self) -> Result<Protection, ProfileError> {
		Ok(self.read_key_file()?.protection())
	}

	fn read_key_file(&self) -> Result<KeyFile, ProfileError> {
		let path = self.identity_path();
		let text = match fs::read_to_string(&path) {
			Ok(text) => text,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound =>
				return Err(ProfileError::NoIdentity(self.dir.clone())),
			Err(e) => return Err(ProfileError::Io(path, e)),
		};
		serde_json::from_str(&text).map_err(|e| ProfileError::Damaged(path, e.to_string()))
	}

	/// Saves `suri` as this profile's identity, encrypted under `passphrase` (with
	/// [`PassphraseKdf::new`]) or, when it is `None` because the user chose so, not.
	/// Refuses to overwrite an existing identity.
	pub fn save_identity(&self, suri: &str, passphrase: Option<&str>) -> Result<Identity, ProfileError> {
		let identity = self.prepare_identity(suri)?;
		self.write_key_file(&identity, suri, passphrase)?;
		Ok(identity)
	}

	/// The identity `suri` stands for, with the profile's directory made ready for its
	/// database; refuses a profile that has an identity already. Nothing is written but
	/// the directory: [`Profile::save_identity`] writes the key file.
	pub fn prepare_identity(&self, suri: &str) -> Result<Identity, ProfileError> {
		let identity = Identity::from_suri(suri)?;
		if self.has_identity() {
			return Err(ProfileError::IdentityExists(self.dir.clone()));
		}
		create_private_dir(&self.dir).map_err(|e| ProfileError::Io(self.dir.clone(), e))?;
		Ok(identity)
	}

	/// Re-encrypts the key file under a new passphrase (`None`: no passphrase), after
	/// checking the current one.
	pub fn change_passphrase(
		&self,
		current: impl FnOnce() -> Option<Zeroizing<String>>,
		new: Option<&str>,
	) -> Result<(), ProfileError> {
		let suri = self.reveal_secret(current)?;
		let identity = Identity::from_suri(&suri)?;
		self.write_key_file(&identity, &suri, new)
	}

	fn write_key_file(&self, identity: &Identity, suri: &str, passphrase: Option<&str>) -> Result<(), ProfileError> {
		let (kdf, secret) = match passphrase {
			Some(p) => {
				let kdf = PassphraseKdf::new();
				let locked = crypto::lock_with_passphrase(suri.trim().as_bytes(), p, &kdf)?;
				(Some(kdf), hex::encode(locked))
			},
			None => (None, hex::encode(suri.trim().as_bytes())),
		};
		let file = KeyFile {
			version: 2,
			account: crate::address(&identity.account()),
			ring_key: Some(hex::encode(identity.ring_key())),
			encrypted: None,
			kdf,
			secret,
		};
		let text = Zeroizing::new(serde_json::to_string_pretty(&file).expect("plain struct; qed"));
		let path = self.identity_path();
		write_private(&path, text.as_bytes()).map_err(|e| ProfileError::Io(path, e))
	}

	/// Loads the identity; `passphrase` is asked for only when the file is encrypted.
	pub fn load_identity(
		&self,
		passphrase: impl FnOnce() -> Option<Zeroizing<String>>,
	) -> Result<Identity, ProfileError> {
		let suri = self.reveal_secret(passphrase)?;
		Ok(Identity::from_suri(&suri)?)
	}

	/// The stored recovery phrase or URI (for `export-phrase`); `passphrase` is asked
	/// for only when the file is encrypted.
	pub fn reveal_secret(
		&self,
		passphrase: impl FnOnce() -> Option<Zeroizing<String>>,
	) -> Result<Zeroizing<String>, ProfileError> {
		let file = self.read_key_file()?;
		let damaged = |what: &str| ProfileError::Damaged(self.identity_path(), what.into());
		let raw = Zeroizing::new(hex::decode(&file.secret).map_err(|_| damaged("secret is not hex"))?);
		let plain = match file.protection() {
			Protection::Passphrase(kdf) => {
				let passphrase = passphrase().ok_or(ProfileError::PassphraseNeeded)?;
				crypto::unlock_with_passphrase(&file.locked(&raw), &passphrase, &kdf).map_err(|e| match e {
					CryptoError::WrongPassphrase => ProfileError::WrongPassphrase,
					e => e.into(),
				})?
			},
			Protection::None => raw,
		};
		let text = String::from_utf8(plain.to_vec()).map_err(|_| damaged("secret is not text"))?;
		Ok(Zeroizing::new(text))
	}
}

/// Serializes the submissions of one profile: two commands sending from the same profile
/// at once would otherwise read the same sequence number and one would be refused. The
/// second one waits until the first has finished (an advisory lock on a file in the
/// profile, released when the guard is dropped or the process exits).
#[derive(Clone)]
pub struct SubmitLock {
	path: PathBuf,
	notice: std::sync::Arc<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for SubmitLock {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("SubmitLock").field("path", &self.path).finish_non_exhaustive()
	}
}

/// Holds a profile's [`SubmitLock`] until dropped. The lock file's modification time
/// marks the last write: taken with [`SubmitLock::acquire`] (a write begins) and let go
/// (it ends), unless [`SubmitGuard::release_unused`] lets go.
#[derive(Debug)]
pub struct SubmitGuard {
	file: fs::File,
	/// When the lock was let go after the last write of this profile.
	last_write: Option<std::time::SystemTime>,
	used: bool,
}

impl SubmitGuard {
	/// When the last write of this profile, from any of its processes, ended.
	pub fn last_write_end(&self) -> Option<std::time::SystemTime> {
		self.last_write
	}

	/// Lets go of the lock without counting this hold as a write.
	pub fn release_unused(mut self) {
		self.used = false;
	}
}

impl Drop for SubmitGuard {
	fn drop(&mut self) {
		// Best effort: a time not kept only lets the next scheduled write come sooner.
		if self.used {
			let _ = self.file.set_modified(std::time::SystemTime::now());
		}
	}
}

impl SubmitLock {
	/// Calls `notice` whenever [`Self::acquire`] has to wait for another process.
	pub fn with_notice(mut self, notice: impl Fn() + Send + Sync + 'static) -> Self {
		self.notice = std::sync::Arc::new(notice);
		self
	}

	/// Takes the lock; when another process holds it, gives the notice and blocks until
	/// it is free.
	pub fn acquire(&self) -> Result<SubmitGuard, ProfileError> {
		Ok(self.take(true)?.expect("a waiting take returns the lock; qed"))
	}

	/// Takes the lock if no other process holds it; `None` when one does.
	pub fn try_acquire(&self) -> Result<Option<SubmitGuard>, ProfileError> {
		self.take(false)
	}

	fn take(&self, wait: bool) -> Result<Option<SubmitGuard>, ProfileError> {
		let io = |e| ProfileError::Io(self.path.clone(), e);
		if let Some(dir) = self.path.parent() {
			create_private_dir(dir).map_err(io)?;
		}
		let mut options = fs::OpenOptions::new();
		options.read(true).write(true).create(true).truncate(false);
		#[cfg(unix)]
		{
			use std::os::unix::fs::OpenOptionsExt;
			options.mode(0o600);
		}
		let file = options.open(&self.path).map_err(io)?;
		match file.try_lock() {
			Ok(()) => {},
			Err(fs::TryLockError::WouldBlock) if !wait => return Ok(None),
			Err(fs::TryLockError::WouldBlock) => {
				(self.notice)();
				file.lock().map_err(io)?;
			},
			Err(fs::TryLockError::Error(e)) => return Err(io(e)),
		}
		let last_write = file.metadata().and_then(|m| m.modified()).ok();
		if wait {
			// A write begins: it counts from now, even if its process is killed before it
			// lets go (best effort, as on letting go).
			let _ = file.set_modified(std::time::SystemTime::now());
		}
		Ok(Some(SubmitGuard { file, last_write, used: true }))
	}
}

/// Creates `dir` (and parents), readable only by the user.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
	fs::create_dir_all(dir)?;
	restrict_dir(dir)
}

#[cfg(unix)]
fn restrict_dir(dir: &Path) -> std::io::Result<()> {
	use std::os::unix::fs::PermissionsExt;
	fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn restrict_dir(_: &Path) -> std::io::Result<()> {
	Ok(())
}

/// Makes `file` readable only by the user.
#[cfg(unix)]
pub fn restrict(file: &Path) -> std::io::Result<()> {
	use std::os::unix::fs::PermissionsExt;
	fs::set_permissions(file, fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
pub fn restrict(_: &Path) -> std::io::Result<()> {
	Ok(())
}

/// Writes `bytes` to `path` atomically (temporary file, then rename), mode 0600.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
	let tmp = path.with_extension("tmp");
	let mut options = fs::OpenOptions::new();
	options.write(true).create(true).truncate(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	let mut file = options.open(&tmp)?;
	file.write_all(bytes)?;
	file.sync_all()?;
	fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn identity_saved_encrypted_or_by_choice_plain() {
		let dir = tempfile::tempdir().unwrap();
		let plain = Profile::locate(Some(dir.path().join("a")), "x").unwrap();
		let id = plain.save_identity("//Alice", None).unwrap();
		assert_eq!(plain.protection().unwrap(), Protection::None);
		assert_eq!(plain.ring_key().unwrap(), Some(id.ring_key()));
		assert_eq!(plain.load_identity(|| None).unwrap().account(), id.account());
		assert!(matches!(plain.save_identity("//Bob", None), Err(ProfileError::IdentityExists(_))));

		let locked = Profile::locate(Some(dir.path().join("b")), "x").unwrap();
		locked.save_identity("//Bob", Some("pw")).unwrap();
		let text = fs::read_to_string(locked.identity_path()).unwrap();
		assert!(!text.contains(&hex::encode("//Bob")) && !text.contains("//Bob"));
		let Protection::Passphrase(kdf) = locked.protection().unwrap() else { panic!("not encrypted") };
		assert_eq!((kdf.opslimit, kdf.memlimit), (PassphraseKdf::OPSLIMIT, PassphraseKdf::MEMLIMIT));
		assert!(matches!(locked.load_identity(|| None), Err(ProfileError::PassphraseNeeded)));
		assert!(matches!(
			locked.load_identity(|| Some(Zeroizing::new("no".into()))),
			Err(ProfileError::WrongPassphrase)
		));
		let bob = locked.load_identity(|| Some(Zeroizing::new("pw".into()))).unwrap();
		assert_eq!(bob.account(), Identity::from_suri("//Bob").unwrap().account());
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			let mode = fs::metadata(locked.identity_path()).unwrap().permissions().mode();
			assert_eq!(mode & 0o777, 0o600);
		}

		// A new passphrase replaces the old one, once the old one is given.
		assert!(matches!(
			locked.change_passphrase(|| Some(Zeroizing::new("wrong".into())), Some("new")),
			Err(ProfileError::WrongPassphrase)
		));
		locked.change_passphrase(|| Some(Zeroizing::new("pw".into())), Some("new")).unwrap();
		assert!(matches!(
			locked.load_identity(|| Some(Zeroizing::new("pw".into()))),
			Err(ProfileError::WrongPassphrase)
		));
		assert_eq!(locked.load_identity(|| Some(Zeroizing::new("new".into()))).unwrap().account(), bob.account());
	}

	#[test]
	fn version_one_key_files_are_still_read() {
		let dir = tempfile::tempdir().unwrap();
		let p = Profile::locate(Some(dir.path().to_path_buf()), "x").unwrap();
		create_private_dir(p.dir()).unwrap();
		// As version 1 wrote them: salt ‖ nonce ‖ ciphertext, INTERACTIVE limits.
		let salt = [5u8; 16];
		let locked = crypto::lock_with_passphrase(b"//Charlie", "pw", &PassphraseKdf::interactive(salt)).unwrap();
		let secret = hex::encode([&salt[..], &locked].concat());
		let address = crate::address(&Identity::from_suri("//Charlie").unwrap().account());
		let v1 = format!(r#"{{"version":1,"account":"{address}","encrypted":true,"secret":"{secret}"}}"#);
		fs::write(p.identity_path(), v1).unwrap();
		assert_eq!(p.protection().unwrap(), Protection::Passphrase(PassphraseKdf::interactive(salt)));
		let charlie = p.load_identity(|| Some(Zeroizing::new("pw".into()))).unwrap();
		assert_eq!(crate::address(&charlie.account()), address);
		let plain = format!(
			r#"{{"version":1,"account":"{address}","encrypted":false,"secret":"{}"}}"#,
			hex::encode("//Charlie")
		);
		fs::write(p.identity_path(), plain).unwrap();
		assert_eq!(p.protection().unwrap(), Protection::None);
		assert_eq!(p.load_identity(|| None).unwrap().account(), charlie.account());
	}

	#[test]
	fn submit_lock_is_exclusive_and_released_on_drop() {
		let dir = tempfile::tempdir().unwrap();
		let p = Profile::locate(Some(dir.path().join("p")), "x").unwrap();
		let lock = p.submit_lock().with_notice(|| panic!("the lock is free"));
		let guard = lock.acquire().unwrap();
		let (tx, rx) = std::sync::mpsc::channel();
		let tx = std::sync::Mutex::new(tx);
		let other = p.submit_lock().with_notice(move || tx.lock().unwrap().send("waiting").unwrap());
		let waiter = std::thread::spawn(move || {
			let _second = other.acquire().unwrap();
			"acquired"
		});
		assert_eq!(rx.recv().unwrap(), "waiting");
		drop(guard);
		assert_eq!(waiter.join().unwrap(), "acquired");
		let _again = lock.acquire().unwrap();
	}

	#[test]
	fn missing_identity_says_what_to_do() {
		let dir = tempfile::tempdir().unwrap();
		let p = Profile::locate(Some(dir.path().to_path_buf()), "x").unwrap();
		assert!(matches!(p.load_identity(|| None), Err(ProfileError::NoIdentity(_))));
		assert!(matches!(p.save_identity("garbage words", None), Err(ProfileError::Crypto(_))));
	}
}
