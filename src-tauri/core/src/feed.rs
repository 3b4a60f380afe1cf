//! The signed feed manifest: what a marketplace publishes beside its record
//! files (see `docs/feed-format.md`). This module parses a manifest, checks
//! its Ed25519 (minisign) signature against the keys the agency pinned, and
//! follows a key rotation that the old key endorsed. Nothing in a manifest is
//! trusted before its signature is.

use chrono::{DateTime, Utc};
use minisign_verify::{PublicKey, Signature};
use serde::{Deserialize, Serialize};

pub const MANIFEST_FORMAT: &str = "coopdesk-feed";
pub const MANIFEST_VERSION: u32 = 1;
pub const MANIFEST_FILE: &str = "manifest.json";
pub const SIGNATURE_FILE: &str = "manifest.json.minisig";
/// A manifest is small; anything bigger is refused unread.
pub const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;
pub const MAX_SIGNATURE_BYTES: u64 = 4 * 1024;
/// The largest record file a feed may list (a national catalogue is a few
/// hundred megabytes compressed).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024 * 1024;
const MAX_DELTAS: usize = 64;

/// One record file listed in the manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative to the manifest's URL; no `..`, no absolute paths.
    pub path: String,
    pub size: u64,
    /// Lower-case hex SHA-256 of the file's bytes as served.
    pub sha256: String,
    /// Number of records (lines after the header).
    pub records: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaEntry {
    pub from_sequence: u64,
    pub to_sequence: u64,
    #[serde(flatten)]
    pub file: FileEntry,
}

/// The old key's endorsement of a new one: a minisign signature, by a key the
/// agency already trusts, over the exact text of `public_key`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEndorsement {
    pub public_key: String,
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub feed_id: String,
    pub feed_name: String,
    pub sequence: u64,
    pub generated_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub snapshot: FileEntry,
    #[serde(default)]
    pub deltas: Vec<DeltaEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_endorsement: Option<KeyEndorsement>,
}

/// Why a manifest was not accepted, in words for the clerk's sync report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("the manifest's signature is not valid: it was altered, or not signed by this feed's publisher")]
    BadSignature,
    #[error("the manifest is signed with a key this agency has not pinned for the feed (check the public key the feed was followed with)")]
    UnknownKey,
    #[error("the manifest's signature file is not a minisign signature")]
    MalformedSignature,
    #[error("the manifest is not valid: {0}")]
    Malformed(String),
    #[error("the pinned public key is not a minisign public key")]
    BadPinnedKey,
}

/// A manifest whose signature checked out, and the key that signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedManifest {
    pub manifest: Manifest,
    /// The base64 key that verified it. When this is not one of the pinned
    /// keys, the feed rotated to it with an endorsement from a pinned key.
    pub signing_key: String,
    pub rotated: bool,
}

/// Parses a public key given as the base64 line or as a whole `.pub` file.
pub fn parse_public_key(text: &str) -> Result<(PublicKey, String), ManifestError> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .ok_or(ManifestError::BadPinnedKey)?;
    let key = PublicKey::from_base64(line).map_err(|_| ManifestError::BadPinnedKey)?;
    Ok((key, line.to_owned()))
}

fn parse_signature(text: &str) -> Result<Signature, ManifestError> {
    Signature::decode(text).map_err(|_| ManifestError::MalformedSignature)
}

fn verifies(key: &PublicKey, data: &[u8], sig: &Signature) -> bool {
    key.verify(data, sig, false).is_ok()
}

/// Verifies `manifest_bytes` against `signature_text` with the pinned keys,
/// then parses and checks the manifest's shape.
pub fn verify_manifest(
    manifest_bytes: &[u8],
    signature_text: &str,
    pinned: &[String],
) -> Result<VerifiedManifest, ManifestError> {
    let sig = parse_signature(signature_text)?;
    let mut saw_key_id = false;
    for text in pinned {
        let (key, b64) = parse_public_key(text)?;
        match key.verify(manifest_bytes, &sig, false) {
            Ok(()) => {
                let manifest = parse_manifest(manifest_bytes)?;
                return Ok(VerifiedManifest { manifest, signing_key: b64, rotated: false });
            }
            Err(minisign_verify::Error::UnexpectedKeyId) => {}
            Err(_) => saw_key_id = true,
        }
    }
    if saw_key_id {
        return Err(ManifestError::BadSignature);
    }
    // Not signed by a pinned key: acceptable only if a pinned key endorsed
    // the key that did sign it.
    let manifest = parse_manifest(manifest_bytes).map_err(|_| ManifestError::UnknownKey)?;
    let Some(endorsement) = &manifest.key_endorsement else { return Err(ManifestError::UnknownKey) };
    let endorsement_sig = parse_signature(&endorsement.signature).map_err(|_| ManifestError::UnknownKey)?;
    let endorsed_by_pinned = pinned.iter().any(|text| {
        parse_public_key(text).is_ok_and(|(k, _)| verifies(&k, endorsement.public_key.as_bytes(), &endorsement_sig))
    });
    if !endorsed_by_pinned {
        return Err(ManifestError::UnknownKey);
    }
    let (new_key, b64) = parse_public_key(&endorsement.public_key).map_err(|_| ManifestError::UnknownKey)?;
    if !verifies(&new_key, manifest_bytes, &sig) {
        return Err(ManifestError::BadSignature);
    }
    Ok(VerifiedManifest { manifest, signing_key: b64, rotated: true })
}

fn check_path(path: &str) -> Result<(), ManifestError> {
    let ok = !path.is_empty()
        && path.len() <= 200
        && !path.starts_with('/')
        && path.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..")
        && path.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Ok(())
    } else {
        Err(ManifestError::Malformed(format!("file path '{path}' is not a plain relative path")))
    }
}

fn check_file(f: &FileEntry) -> Result<(), ManifestError> {
    check_path(&f.path)?;
    if f.sha256.len() != 64 || !f.sha256.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)) {
        return Err(ManifestError::Malformed(format!("'{}' has no valid SHA-256", f.path)));
    }
    if f.size > MAX_FILE_BYTES {
        return Err(ManifestError::Malformed(format!(
            "'{}' is {} bytes, over the {MAX_FILE_BYTES}-byte limit",
            f.path, f.size
        )));
    }
    Ok(())
}

/// Parses a manifest's JSON and checks its shape (not its signature).
pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, ManifestError> {
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(ManifestError::Malformed("it is larger than 1 MiB".into()));
    }
    let m: Manifest = serde_json::from_slice(bytes).map_err(|e| ManifestError::Malformed(e.to_string()))?;
    if m.format != MANIFEST_FORMAT {
        return Err(ManifestError::Malformed(format!("unknown format '{}'", m.format)));
    }
    if m.format_version > MANIFEST_VERSION {
        return Err(ManifestError::Malformed(format!(
            "format version {} is newer than this coopdesk understands; update coopdesk",
            m.format_version
        )));
    }
    crate::model::check_id("feed_id", &m.feed_id)
        .map_err(|i| ManifestError::Malformed(format!("feed_id {}", i.reason)))?;
    check_file(&m.snapshot)?;
    if m.deltas.len() > MAX_DELTAS {
        return Err(ManifestError::Malformed(format!("it lists more than {MAX_DELTAS} deltas")));
    }
    for d in &m.deltas {
        check_file(&d.file)?;
        if d.from_sequence >= d.to_sequence || d.to_sequence > m.sequence {
            return Err(ManifestError::Malformed(format!("delta '{}' has impossible sequences", d.file.path)));
        }
    }
    if m.expires_at <= m.generated_at {
        return Err(ManifestError::Malformed("it expires before it was generated".into()));
    }
    Ok(m)
}
