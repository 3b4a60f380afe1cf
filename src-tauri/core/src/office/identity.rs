//! A person's signing key on their own machine: an Ed25519 key pair in the
//! minisign format (the kind of key the feeds are signed with), the secret
//! half encrypted with the person's passphrase (scrypt) in a file beside
//! the database that is readable by its owner only. The secret key never
//! leaves the machine; only the public key and its fingerprint are shared.
//! The front end supplies the passphrase: headless use and tests from
//! `COOPDESK_KEY_PASSPHRASE` ([`passphrase_from_env`]).
//!
//! Where the machine has an OS keyring (the Secret Service of GNOME or KDE,
//! the macOS keychain, the Windows credential store) a person may keep the
//! key there instead: the key file is then encrypted with a random secret
//! that only the keyring holds, unlocked by their login rather than a
//! passphrase typed for each signature. A marker file beside the key says
//! which entry; `COOPDESK_KEYRING=off` keeps the keyring out of it.

use crate::error::{Error, Result};
use minisign::{KeyPair, PublicKey, SecretKey, SecretKeyBox};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Holds the passphrase of the person's key for headless use.
pub const PASSPHRASE_VARIABLE: &str = "COOPDESK_KEY_PASSPHRASE";

/// The fewest characters a passphrase may have.
const MIN_PASSPHRASE: usize = 8;

/// The keyring service name the key's secret is kept under.
const KEYRING_SERVICE: &str = "coopdesk office key";

/// Set to `off` to keep the keyring out of it (a shared machine, say).
pub const KEYRING_VARIABLE: &str = "COOPDESK_KEYRING";

/// How a new key is protected.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", content = "passphrase", rename_all = "snake_case")]
pub enum KeyProtection {
    /// Encrypted with this passphrase, typed for each signature.
    Passphrase(String),
    /// Encrypted with a secret the OS keyring holds.
    Keyring,
}

/// The marker beside the key file that says its secret is in the keyring
/// (and under which entry).
fn keyring_marker(db: &Path) -> PathBuf {
    let mut p = key_path(db).into_os_string();
    p.push(".keyring");
    PathBuf::from(p)
}

/// Whether the key of the database at `db` is kept in the OS keyring.
pub fn in_keyring(db: &Path) -> bool {
    keyring_marker(db).exists()
}

fn keyring_error(e: keyring::Error) -> Error {
    Error::KeyLocked(format!("This computer's keyring did not answer ({e}); unlock it, or sign in again"))
}

/// Whether this machine has an OS keyring coopdesk may use: it stores and
/// removes a probe entry.
pub fn keyring_available() -> bool {
    if std::env::var(KEYRING_VARIABLE).is_ok_and(|v| v.trim().eq_ignore_ascii_case("off")) {
        return false;
    }
    let probe = format!("probe-{}", crate::digest::hex(&rand::random::<[u8; 8]>()));
    let Ok(entry) = keyring::Entry::new(KEYRING_SERVICE, &probe) else { return false };
    let stored = entry.set_password("probe").is_ok() && entry.get_password().is_ok_and(|p| p == "probe");
    let _ = entry.delete_credential();
    stored
}

/// The key file that goes with a database: beside it, named after it.
pub fn key_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".office-key");
    db.with_file_name(name)
}

/// A short, readable digest of a public key that two people can compare
/// aloud: the first 80 bits of its SHA-256, as five groups of four.
pub fn fingerprint(public_key: &str) -> String {
    let digest = Sha256::digest(public_key.trim().as_bytes());
    let hex: String = digest[..10].iter().map(|b| format!("{b:02X}")).collect();
    hex.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).expect("hex is ASCII")).collect::<Vec<_>>().join("-")
}

/// A fingerprint as typed (any case, with or without dashes or spaces), in
/// the form `fingerprint` writes.
pub fn normalise_fingerprint(typed: &str) -> String {
    let hex: String = typed.chars().filter(|c| c.is_ascii_hexdigit()).map(|c| c.to_ascii_uppercase()).collect();
    hex.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).expect("hex is ASCII")).collect::<Vec<_>>().join("-")
}

/// The passphrase headless use gives in `COOPDESK_KEY_PASSPHRASE`.
pub fn passphrase_from_env() -> Result<String> {
    let pass = std::env::var(PASSPHRASE_VARIABLE).unwrap_or_default();
    if pass.is_empty() {
        return Err(Error::KeyLocked(format!(
            "Your office key is protected by a passphrase; give it in {PASSPHRASE_VARIABLE}"
        )));
    }
    Ok(pass)
}

fn check_new_passphrase(pass: &str) -> Result<()> {
    if pass.chars().count() < MIN_PASSPHRASE {
        return Err(Error::Invalid(format!(
            "A passphrase for the office key needs at least {MIN_PASSPHRASE} characters."
        )));
    }
    Ok(())
}

/// This person's key, unlocked for signing.
pub struct Identity {
    pub public_key: String,
    secret: SecretKey,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("public_key", &self.public_key).finish_non_exhaustive()
    }
}

impl Identity {
    /// Makes a new key pair for the database at `db` and writes its secret
    /// half, encrypted with the passphrase, beside it. An existing key file
    /// is never overwritten.
    pub fn create(db: &Path, passphrase: &str) -> Result<Identity> {
        let path = key_path(db);
        if path.exists() {
            return Err(Error::Conflict(format!(
                "{} already holds an office key for this database; it is kept, never replaced. \
                 To start again with a new key, move that file away first.",
                path.display()
            )));
        }
        check_new_passphrase(passphrase)?;
        let pass = passphrase.to_owned();
        let KeyPair { pk, sk } =
            KeyPair::generate_encrypted_keypair(Some(pass.clone())).map_err(|e| Error::internal(e.to_string()))?;
        let text = sk
            .to_box(Some("coopdesk office key (encrypted)"))
            .map_err(|e| Error::internal(e.to_string()))?
            .into_string();
        write_private(&path, text.as_bytes())?;
        let secret = SecretKey::from_box(SecretKeyBox::from_string(&text).map_err(Error::internal)?, Some(pass))
            .map_err(|e| Error::internal(e.to_string()))?;
        Ok(Identity { public_key: pk.to_base64(), secret })
    }

    /// Makes a new key pair for the database at `db`, protected as asked.
    pub fn create_protected(db: &Path, protection: &KeyProtection) -> Result<Identity> {
        match protection {
            KeyProtection::Passphrase(pass) => Identity::create(db, pass),
            KeyProtection::Keyring => {
                if !keyring_available() {
                    return Err(Error::KeyLocked(
                        "This computer has no keyring coopdesk can use; protect the key with a passphrase instead"
                            .into(),
                    ));
                }
                let marker = keyring_marker(db);
                let user = format!("key-{}", crate::digest::hex(&rand::random::<[u8; 16]>()));
                let secret = crate::digest::hex(&rand::random::<[u8; 32]>());
                keyring::Entry::new(KEYRING_SERVICE, &user)
                    .and_then(|e| e.set_password(&secret))
                    .map_err(keyring_error)?;
                let identity = Identity::create(db, &secret)?;
                write_private(&marker, user.as_bytes())?;
                Ok(identity)
            }
        }
    }

    /// Unlocks the key of the database at `db`: from the keyring when it is
    /// kept there (the passphrase is then not used), else with the
    /// passphrase.
    pub fn unlock(db: &Path, passphrase: &str) -> Result<Identity> {
        let marker = keyring_marker(db);
        if marker.exists() {
            let user = std::fs::read_to_string(&marker).map_err(|e| Error::io(marker.display().to_string(), e))?;
            let secret = keyring::Entry::new(KEYRING_SERVICE, user.trim())
                .and_then(|e| e.get_password())
                .map_err(keyring_error)?;
            return Identity::unlock_file(db, &secret);
        }
        Identity::unlock_file(db, passphrase)
    }

    fn unlock_file(db: &Path, passphrase: &str) -> Result<Identity> {
        let path = key_path(db);
        let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::KeyLocked(format!(
                "There is no office key at {}: this database has not joined an office from this machine",
                path.display()
            )),
            _ => Error::io(path.display().to_string(), e),
        })?;
        let sk_box = SecretKeyBox::from_string(&text)
            .map_err(|_| Error::KeyLocked(format!("{} is not an office key file", path.display())))?;
        let secret = SecretKey::from_box(sk_box, Some(passphrase.to_owned())).map_err(|_| {
            Error::KeyLocked(format!("That passphrase does not open the office key at {}", path.display()))
        })?;
        let public = PublicKey::from_secret_key(&secret).map_err(|e| Error::internal(e.to_string()))?;
        Ok(Identity { public_key: public.to_base64(), secret })
    }

    /// A key that lives only in memory, for tests of what signs.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Identity {
        let KeyPair { pk, sk } = KeyPair::generate_unencrypted_keypair().expect("a key pair");
        Identity { public_key: pk.to_base64(), secret: sk }
    }

    pub fn fingerprint(&self) -> String {
        fingerprint(&self.public_key)
    }

    /// A minisign signature of `bytes`, its trusted comment naming `label`.
    pub fn sign(&self, bytes: &[u8], label: &str) -> Result<String> {
        let sig = minisign::sign(None, &self.secret, std::io::Cursor::new(bytes), Some(label), None)
            .map_err(|e| Error::internal(e.to_string()))?;
        Ok(sig.into_string())
    }
}

/// Whether `signature` is `public_key`'s signature of `bytes`.
pub fn verify(public_key: &str, bytes: &[u8], signature: &str) -> bool {
    let Ok(pk) = minisign_verify::PublicKey::from_base64(public_key) else { return false };
    let Ok(sig) = minisign_verify::Signature::decode(signature) else { return false };
    pk.verify(bytes, &sig, false).is_ok()
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| Error::io(path.display().to_string(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_short_stable_and_typed_any_way() {
        let f = fingerprint("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3");
        assert_eq!(f.len(), 24);
        assert_eq!(f, fingerprint(" RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3\n"));
        assert_eq!(normalise_fingerprint(&f.to_lowercase().replace('-', " ")), f);
    }

    #[test]
    fn signatures_verify_only_for_their_key_and_bytes() {
        let KeyPair { pk, sk } = KeyPair::generate_unencrypted_keypair().unwrap();
        let id = Identity { public_key: pk.to_base64(), secret: sk };
        let sig = id.sign(b"approve req 12", "event").unwrap();
        assert!(verify(&id.public_key, b"approve req 12", &sig));
        assert!(!verify(&id.public_key, b"approve req 13", &sig));
        let other = KeyPair::generate_unencrypted_keypair().unwrap().pk.to_base64();
        assert!(!verify(&other, b"approve req 12", &sig));
        assert!(!verify(&id.public_key, b"approve req 12", "not a signature"));
    }
}
