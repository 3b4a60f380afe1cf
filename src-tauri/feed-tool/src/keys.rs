//! Signing keys for a feed: minisign key pairs, so a publisher can also sign
//! with the standard `minisign` command and agencies pin an ordinary
//! minisign public key.

use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SecretKeyBox};
use std::io::Cursor;
use std::path::Path;

/// Environment variable holding the password of an encrypted secret key.
pub const PASSWORD_ENV: &str = "COOPDESK_FEED_KEY_PASSWORD";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    #[error("signing failed: {0}")]
    Sign(String),
}

fn file_err(path: &Path, reason: impl ToString) -> KeyError {
    KeyError::File { path: path.display().to_string(), reason: reason.to_string() }
}

/// Writes a new key pair. The secret key is unencrypted and readable by its
/// owner only: keep it off shared machines.
pub fn keygen(secret_path: &Path, public_path: &Path) -> Result<String, KeyError> {
    for p in [secret_path, public_path] {
        if p.exists() {
            return Err(file_err(p, "already exists; refusing to overwrite a key"));
        }
    }
    let KeyPair { pk, sk } = KeyPair::generate_unencrypted_keypair().map_err(|e| KeyError::Sign(e.to_string()))?;
    let sk_text = sk.to_box(Some("coopdesk feed secret key")).map_err(|e| KeyError::Sign(e.to_string()))?.into_string();
    let pk_text = pk.to_box().map_err(|e| KeyError::Sign(e.to_string()))?.into_string();
    write_private(secret_path, sk_text.as_bytes())?;
    std::fs::write(public_path, &pk_text).map_err(|e| file_err(public_path, e))?;
    Ok(pk.to_base64())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(|e| file_err(path, e))?;
    f.write_all(bytes).map_err(|e| file_err(path, e))
}

pub fn load_secret(path: &Path) -> Result<SecretKey, KeyError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_err(path, e))?;
    let sk_box = SecretKeyBox::from_string(&text).map_err(|_| file_err(path, "is not a minisign secret key"))?;
    let password = std::env::var(PASSWORD_ENV).ok();
    let sk = match password {
        Some(pw) => sk_box.into_secret_key(Some(pw)),
        None => sk_box.into_unencrypted_secret_key(),
    };
    sk.map_err(|_| file_err(path, format!("could not be opened (if it is encrypted, set {PASSWORD_ENV})")))
}

pub fn load_public(path: &Path) -> Result<PublicKey, KeyError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_err(path, e))?;
    PublicKeyBox::from_string(&text)
        .and_then(|b| b.into_public_key())
        .or_else(|_| PublicKey::from_base64(text.trim()))
        .map_err(|_| file_err(path, "is not a minisign public key"))
}

/// A detached minisign signature of `data`, as the text of a `.minisig` file.
pub fn sign(sk: &SecretKey, data: &[u8], trusted_comment: &str) -> Result<String, KeyError> {
    let pk = PublicKey::from_secret_key(sk).ok();
    minisign::sign(pk.as_ref(), sk, Cursor::new(data), Some(trusted_comment), Some("signature from coopdesk-feed"))
        .map(|b| b.into_string())
        .map_err(|e| KeyError::Sign(e.to_string()))
}

pub fn public_of(sk: &SecretKey) -> Result<PublicKey, KeyError> {
    PublicKey::from_secret_key(sk).map_err(|e| KeyError::Sign(e.to_string()))
}
