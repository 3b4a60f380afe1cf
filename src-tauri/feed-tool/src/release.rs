//! A release of coopdesk itself, published for the app's updater: each
//! package copied into a release folder with a minisign signature (the kind
//! feeds are signed with, its trusted comment naming the file and the
//! version, so a signature cannot be moved to another release), and the
//! `latest.json` the updater reads. The folder is static: any web host,
//! object store or internal mirror can serve it.

use crate::keys::{self, KeyError};
use base64::Engine;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("{0}: {1}")]
    File(String, std::io::Error),
    #[error("{0}")]
    Invalid(String),
}

/// One package and the updater platform it is for, e.g.
/// `linux-x86_64-deb=target/release/bundle/deb/coopdesk_0.1.1_amd64.deb`.
#[derive(Clone, Debug)]
pub struct Artifact {
    pub platform: String,
    pub path: PathBuf,
}

impl std::str::FromStr for Artifact {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (platform, path) = s
            .split_once('=')
            .ok_or_else(|| format!("write it as PLATFORM=FILE, e.g. linux-x86_64-deb=coopdesk.deb (not '{s}')"))?;
        let ok = !platform.is_empty() && platform.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(format!(
                "'{platform}' is not an updater platform such as linux-x86_64-deb or windows-x86_64-nsis"
            ));
        }
        Ok(Artifact { platform: platform.to_owned(), path: PathBuf::from(path) })
    }
}

/// What `publish` needs to know.
pub struct Release<'a> {
    pub version: &'a str,
    pub notes: &'a str,
    /// The address the release folder is served from, ending in `/`.
    pub base_url: &'a str,
    pub artifacts: &'a [Artifact],
}

fn is_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Signs each package with `key`, copies it and its signature into `out`,
/// and writes `out/latest.json`. Returns the path of `latest.json`.
pub fn publish(key: &Path, release: &Release, out: &Path) -> Result<PathBuf, ReleaseError> {
    if !is_version(release.version) {
        return Err(ReleaseError::Invalid(format!(
            "'{}' is not a version like 1.4.2 (major.minor.patch)",
            release.version
        )));
    }
    let base = checked_base(release.base_url)?;
    if release.artifacts.is_empty() {
        return Err(ReleaseError::Invalid("give at least one package (--artifact PLATFORM=FILE)".into()));
    }
    let sk = keys::load_secret(key)?;
    std::fs::create_dir_all(out).map_err(|e| ReleaseError::File(out.display().to_string(), e))?;
    let mut platforms = Map::new();
    for artifact in release.artifacts {
        let name = artifact
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| ReleaseError::Invalid(format!("{} has no file name", artifact.path.display())))?;
        let bytes =
            std::fs::read(&artifact.path).map_err(|e| ReleaseError::File(artifact.path.display().to_string(), e))?;
        let timestamp = chrono::Utc::now().timestamp();
        let comment = format!("timestamp:{timestamp}\tfile:{name}\tversion:{}", release.version);
        let signature = keys::sign(&sk, &bytes, &comment)?;
        let copy = out.join(name);
        if copy != artifact.path {
            std::fs::write(&copy, &bytes).map_err(|e| ReleaseError::File(copy.display().to_string(), e))?;
        }
        let sig_path = out.join(format!("{name}.sig"));
        std::fs::write(&sig_path, &signature).map_err(|e| ReleaseError::File(sig_path.display().to_string(), e))?;
        if platforms.contains_key(&artifact.platform) {
            return Err(ReleaseError::Invalid(format!("two packages for {}", artifact.platform)));
        }
        platforms.insert(
            artifact.platform.clone(),
            json!({
                "url": format!("{base}{name}"),
                // The updater takes the signature file's text, base64-encoded.
                "signature": base64::engine::general_purpose::STANDARD.encode(signature.as_bytes()),
            }),
        );
    }
    let latest: Value = json!({
        "version": release.version,
        "notes": release.notes,
        "pub_date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "platforms": platforms,
    });
    let path = out.join("latest.json");
    let text = serde_json::to_string_pretty(&latest).expect("JSON values serialize");
    std::fs::write(&path, text + "\n").map_err(|e| ReleaseError::File(path.display().to_string(), e))?;
    Ok(path)
}

/// The base address, checked to be http(s) and ending in a slash.
fn checked_base(base: &str) -> Result<String, ReleaseError> {
    let base = base.trim();
    if !(base.starts_with("https://") || base.starts_with("http://")) || base.contains(char::is_whitespace) {
        return Err(ReleaseError::Invalid(format!(
            "'{base}' is not the http(s) address the release folder is served from"
        )));
    }
    Ok(if base.ends_with('/') { base.to_owned() } else { format!("{base}/") })
}

/// The public key, as the app's updater configuration takes it: the
/// public key file's text, base64-encoded.
pub fn updater_pubkey(public: &Path) -> Result<String, ReleaseError> {
    let text = std::fs::read_to_string(public).map_err(|e| ReleaseError::File(public.display().to_string(), e))?;
    keys::load_public(public)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minisign_verify::{PublicKey, Signature};

    #[test]
    fn a_release_is_signed_so_the_updater_verifies_it_and_names_its_version() {
        let dir = tempfile::tempdir().unwrap();
        let (key, public) = (dir.path().join("release.key"), dir.path().join("release.pub"));
        keys::keygen(&key, &public).unwrap();
        let deb = dir.path().join("coopdesk_1.2.0_amd64.deb");
        std::fs::write(&deb, b"!<arch>\ndebian-binary").unwrap();
        let artifacts = [format!("linux-x86_64-deb={}", deb.display()).parse::<Artifact>().unwrap()];
        let out = dir.path().join("release");
        let release = Release {
            version: "1.2.0",
            notes: "Invoice files.",
            base_url: "https://it.harbor.gov/coopdesk",
            artifacts: &artifacts,
        };
        let latest: Value =
            serde_json::from_str(&std::fs::read_to_string(publish(&key, &release, &out).unwrap()).unwrap()).unwrap();
        assert_eq!(latest["version"], "1.2.0");
        let entry = &latest["platforms"]["linux-x86_64-deb"];
        assert_eq!(entry["url"], "https://it.harbor.gov/coopdesk/coopdesk_1.2.0_amd64.deb");

        // Verified the way the app's updater verifies it: the configured key
        // and the signature are both base64 of the minisign files' text.
        let decode = |b: &str| String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b).unwrap()).unwrap();
        let pk = PublicKey::decode(&decode(&updater_pubkey(&public).unwrap())).unwrap();
        let sig = Signature::decode(&decode(entry["signature"].as_str().unwrap())).unwrap();
        let bytes = std::fs::read(out.join("coopdesk_1.2.0_amd64.deb")).unwrap();
        pk.verify(&bytes, &sig, true).unwrap();
        assert!(sig.trusted_comment().split('\t').any(|f| f == "version:1.2.0"), "{}", sig.trusted_comment());
        assert!(pk.verify(b"tampered", &sig, true).is_err());
    }

    #[test]
    fn a_release_that_is_not_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (key, public) = (dir.path().join("k"), dir.path().join("p"));
        keys::keygen(&key, &public).unwrap();
        let out = dir.path().join("out");
        let none: [Artifact; 0] = [];
        for (version, base, artifacts, says) in [
            ("1.2", "https://x.gov/", &none[..], "not a version"),
            ("1.2.0", "ftp://x.gov/", &none[..], "not the http(s) address"),
            ("1.2.0", "https://x.gov/", &none[..], "at least one package"),
        ] {
            let release = Release { version, notes: "", base_url: base, artifacts };
            let err = publish(&key, &release, &out).unwrap_err().to_string();
            assert!(err.contains(says), "{err}");
        }
        assert!("linux deb=x".parse::<Artifact>().is_err());
        assert!("nothing".parse::<Artifact>().is_err());
    }
}
