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
//!
//! An event is signed with the key's Ed25519 half directly, over its id
//! (the SHA-256 of its text): one signature to check per event, where a
//! minisign signature holds two. Taking in an office's history is mostly
//! checking signatures, so this halves a new laptop's catch-up. Events an
//! earlier coopdesk signed in the minisign format still verify.

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
    signing: ed25519_dalek::SigningKey,
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
        Identity::from_pair(pk.to_base64(), &secret)
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
        Identity::from_pair(public.to_base64(), &secret)
    }

    /// The Ed25519 signing key inside an unlocked minisign secret key,
    /// checked against the public key it must belong to.
    fn from_pair(public_key: String, secret: &SecretKey) -> Result<Identity> {
        // An unlocked minisign secret key serialises as algorithm, KDF and
        // checksum ids (2 + 2 + 2), salt (32), limits (8 + 8), key id (8),
        // then libsodium's secret key: the 32-byte seed and the public key.
        const SEED: std::ops::Range<usize> = 62..94;
        const PUBLIC: std::ops::Range<usize> = 94..126;
        let bytes = zeroize::Zeroizing::new(secret.to_bytes());
        let seed: [u8; 32] =
            bytes.get(SEED).and_then(|b| b.try_into().ok()).ok_or_else(|| Error::internal("a short secret key"))?;
        let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
        let expected = public_key_bytes(&public_key);
        if Some(signing.verifying_key().to_bytes()) != expected
            || bytes.get(PUBLIC) != expected.as_ref().map(|k| &k[..])
        {
            return Err(Error::internal("the office key's secret half does not match its public key"));
        }
        Ok(Identity { public_key, signing })
    }

    /// A key that lives only in memory, for tests of what signs.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Identity {
        let KeyPair { pk, sk } = KeyPair::generate_unencrypted_keypair().expect("a key pair");
        Identity::from_pair(pk.to_base64(), &sk).expect("a fresh key pair matches")
    }

    pub fn fingerprint(&self) -> String {
        fingerprint(&self.public_key)
    }

    /// The signature of the event whose id (the SHA-256 of its text) is
    /// `id`: `ed25519:` and the signature in base64.
    pub fn sign_event(&self, id: &str) -> String {
        use base64::Engine;
        use ed25519_dalek::Signer;
        let signature = self.signing.sign(&event_message(id));
        format!("{EVENT_SIGNATURE}{}", base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()))
    }
}

/// How an event's signature written by this coopdesk begins.
const EVENT_SIGNATURE: &str = "ed25519:";

/// What an event's author signs: its id, with a prefix no other signed
/// text of coopdesk's begins with.
fn event_message(id: &str) -> Vec<u8> {
    [b"coopdesk office event ".as_slice(), id.as_bytes()].concat()
}

/// The Ed25519 key inside a minisign public key (base64 of the algorithm,
/// the key id and the key).
fn public_key_bytes(public_key: &str) -> Option<[u8; 32]> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(public_key.trim()).ok()?;
    if bytes.len() != 42 || &bytes[..2] != b"Ed" {
        return None;
    }
    bytes[10..].try_into().ok()
}

/// Checks events' signatures, keeping each author's key decoded: an
/// office has a few dozen people and a history of hundreds of thousands of
/// events, and decoding a key costs a tenth of checking a signature. One
/// lives for one batch of events, so what it keeps is bounded by the batch.
#[derive(Default)]
pub struct EventVerifier {
    keys: std::collections::HashMap<String, Option<ed25519_dalek::VerifyingKey>>,
}

impl EventVerifier {
    /// Whether `signature` is `public_key`'s signature of the event with
    /// text `text` and id `id` (the caller has checked that `id` is its
    /// hash). Strict Ed25519: a signature another implementation might read
    /// two ways is refused, so that every laptop takes in the same events.
    /// Events an earlier coopdesk signed carry a minisign signature of
    /// their text.
    pub fn verify(&mut self, public_key: &str, text: &[u8], id: &str, signature: &str) -> bool {
        use base64::Engine;
        let Some(encoded) = signature.strip_prefix(EVENT_SIGNATURE) else {
            let Ok(pk) = minisign_verify::PublicKey::from_base64(public_key) else { return false };
            let Ok(sig) = minisign_verify::Signature::decode(signature) else { return false };
            return pk.verify(text, &sig, false).is_ok();
        };
        let key = match self.keys.get(public_key) {
            Some(key) => *key,
            None => {
                let key = public_key_bytes(public_key).and_then(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).ok());
                self.keys.insert(public_key.to_owned(), key);
                key
            }
        };
        let Some(key) = key else { return false };
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(encoded) else { return false };
        let Ok(bytes) = <[u8; 64]>::try_from(bytes.as_slice()) else { return false };
        key.verify_strict(&event_message(id), &ed25519_dalek::Signature::from_bytes(&bytes)).is_ok()
    }
}

/// [`EventVerifier::verify`] for one event.
pub fn verify_event(public_key: &str, text: &[u8], id: &str, signature: &str) -> bool {
    EventVerifier::default().verify(public_key, text, id, signature)
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
    fn event_signatures_verify_only_for_their_key_and_id() {
        let id = Identity::for_tests();
        let sig = id.sign_event("a1b2");
        assert!(sig.starts_with(EVENT_SIGNATURE));
        assert!(verify_event(&id.public_key, b"", "a1b2", &sig));
        assert!(!verify_event(&id.public_key, b"", "a1b3", &sig));
        let other = Identity::for_tests();
        assert!(!verify_event(&other.public_key, b"", "a1b2", &sig));
        assert!(!verify_event(&id.public_key, b"", "a1b2", "not a signature"));
        assert!(!verify_event(&id.public_key, b"", "a1b2", "ed25519:AAAA"));
        assert!(!verify_event("not a key", b"", "a1b2", &sig));
    }

    #[test]
    fn events_an_earlier_coopdesk_signed_in_the_minisign_format_still_verify() {
        let KeyPair { pk, sk } = KeyPair::generate_unencrypted_keypair().unwrap();
        let text = b"{\"office\":\"o\"}";
        let legacy = minisign::sign(None, &sk, std::io::Cursor::new(text), Some("coopdesk office event x"), None)
            .unwrap()
            .into_string();
        assert!(verify_event(&pk.to_base64(), text, "x", &legacy));
        assert!(!verify_event(&pk.to_base64(), b"{}", "x", &legacy));
    }

    #[test]
    fn a_key_unlocked_from_its_file_signs_for_its_public_key() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("office.sqlite3");
        let created = Identity::create(&db, "correct horse battery").unwrap();
        let unlocked = Identity::unlock(&db, "correct horse battery").unwrap();
        assert_eq!(created.public_key, unlocked.public_key);
        assert!(verify_event(&created.public_key, b"", "e1", &unlocked.sign_event("e1")));
    }
}
