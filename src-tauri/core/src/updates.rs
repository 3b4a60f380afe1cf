//! How this computer gets new versions of coopdesk, as its IT staff decide:
//! a system-wide settings file, read at start, turns the update check off or
//! points it at another endpoint (an internal mirror of the release folder)
//! without rebuilding anything. The package installs the file with the
//! endpoint the release was built for; IT's edits to it are kept across
//! upgrades. Only the endpoint comes from here: the key that signs releases
//! is built into the program, so a changed file can point at another copy of
//! the releases but never make a forgery install.
//!
//! Pure apart from reading the one file; the shell hands the outcome to the
//! updater.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Environment variable naming another settings file (for tests, and for
/// IT staff trying a setting before rolling it out).
pub const SETTINGS_ENV: &str = "COOPDESK_UPDATES_FILE";

/// The settings file's largest size: it holds two settings.
const MAX_BYTES: u64 = 64 * 1024;

/// Where the system-wide settings file is on this system.
pub fn settings_path() -> PathBuf {
    if let Some(p) = std::env::var_os(SETTINGS_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if cfg!(windows) {
        let data = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
        PathBuf::from(data).join("coopdesk").join("updates.toml")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/coopdesk/updates.toml")
    } else {
        PathBuf::from("/etc/coopdesk/updates.toml")
    }
}

/// The settings file as IT wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    enabled: Option<bool>,
    endpoint: Option<String>,
}

/// What the update check does on this computer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UpdatePolicy {
    /// Check this address for a newer release.
    Check { endpoint: String, settings: String },
    /// No checking, and why (said to the clerk who asks).
    Off { reason: String },
}

/// This version and what the update check does here, for Help > About and
/// the updates panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpdateStatus {
    pub current: String,
    pub policy: UpdatePolicy,
    /// The version installed since this program started, to restart into.
    pub installed: Option<String>,
}

/// What a check for updates found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UpdateCheck {
    /// A newer release, with its notes.
    Available { current: String, version: String, notes: String, date: Option<String> },
    /// Nothing newer; `offered` is what the endpoint offers (an older
    /// version is never installed).
    UpToDate { current: String, offered: String },
}

/// How much of an update has been downloaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DownloadProgress {
    pub received: u64,
    pub total: Option<u64>,
}

/// Only https, so the list of releases cannot be altered on the way; plain
/// http only from this computer itself (a test server, a local mirror).
fn checked_endpoint(text: &str, source: &str) -> Result<String> {
    let text = text.trim();
    let bad = |why: &str| Error::Invalid(format!("The update endpoint in {source} ({text}) {why}."));
    let url = reqwest::Url::parse(text).map_err(|_| bad("is not a web address"))?;
    let local = matches!(url.host_str(), Some("127.0.0.1") | Some("localhost") | Some("[::1]"));
    match url.scheme() {
        "https" => Ok(url.to_string()),
        "http" if local => Ok(url.to_string()),
        _ => Err(bad("must be an https address")),
    }
}

/// Decides the policy from the settings file's text (`None`: there is no
/// file) and whether this build can verify releases at all.
pub fn policy(text: Option<&str>, source: &str, has_release_key: bool) -> Result<UpdatePolicy> {
    let file: SettingsFile = match text {
        Some(t) => toml::from_str(t).map_err(|e| {
            Error::Invalid(format!(
                "{source} is not a valid updates settings file ({}). Updates are off until it is corrected.",
                e.message()
            ))
        })?,
        None => SettingsFile::default(),
    };
    if !has_release_key {
        return Ok(UpdatePolicy::Off {
            reason: "This build of coopdesk has no release key to check updates with; \
                     new versions come from your IT staff's packages."
                .into(),
        });
    }
    if file.enabled == Some(false) {
        return Ok(UpdatePolicy::Off {
            reason: format!("Your IT staff turned off the update check ({source}); they install new versions."),
        });
    }
    match file.endpoint.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Ok(UpdatePolicy::Check { endpoint: checked_endpoint(e, source)?, settings: source.to_owned() }),
        None => Ok(UpdatePolicy::Off {
            reason: format!(
                "No update endpoint is set for this computer ({source}); new versions come from your IT staff."
            ),
        }),
    }
}

/// Reads the settings file at `path` (absent is fine) and decides.
pub fn read_policy(path: &Path, has_release_key: bool) -> Result<UpdatePolicy> {
    let source = path.display().to_string();
    let text = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&source, e)),
        Ok(m) if m.len() > MAX_BYTES => {
            return Err(Error::Invalid(format!("{source} is larger than an updates settings file can be.")))
        }
        Ok(_) => Some(std::fs::read_to_string(path).map_err(|e| Error::io(&source, e))?),
    };
    policy(text.as_deref(), &source, has_release_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "/etc/coopdesk/updates.toml";

    fn check(endpoint: &str) -> UpdatePolicy {
        UpdatePolicy::Check { endpoint: endpoint.into(), settings: FILE.into() }
    }

    #[test]
    fn it_staff_turn_updates_off_or_point_them_at_a_mirror() {
        let mirror = "endpoint = \"https://it.harbor.gov/coopdesk/latest.json\"\n";
        assert_eq!(policy(Some(mirror), FILE, true).unwrap(), check("https://it.harbor.gov/coopdesk/latest.json"));
        let local = "enabled = true\nendpoint = \"http://127.0.0.1:8080/latest.json\"";
        assert_eq!(policy(Some(local), FILE, true).unwrap(), check("http://127.0.0.1:8080/latest.json"));

        let off = policy(Some("enabled = false\nendpoint = \"https://x.gov/latest.json\""), FILE, true).unwrap();
        assert!(matches!(off, UpdatePolicy::Off { ref reason } if reason.contains("turned off")), "{off:?}");
        for (text, says) in [
            (None, "No update endpoint"),
            (Some("# nothing set\n"), "No update endpoint"),
            (Some("endpoint = \"  \""), "No update endpoint"),
        ] {
            let p = policy(text, FILE, true).unwrap();
            assert!(matches!(p, UpdatePolicy::Off { ref reason } if reason.contains(says)), "{text:?}: {p:?}");
        }
        // Without a key to verify with, nothing is ever checked.
        let p = policy(Some(mirror), FILE, false).unwrap();
        assert!(matches!(p, UpdatePolicy::Off { ref reason } if reason.contains("no release key")), "{p:?}");
    }

    #[test]
    fn a_settings_file_that_is_wrong_says_so_and_checks_nothing() {
        for (text, says) in [
            ("endpoint = \"http://mirror.example.gov/latest.json\"", "must be an https address"),
            ("endpoint = \"ftp://mirror/latest.json\"", "must be an https address"),
            ("endpoint = \"not a url\"", "is not a web address"),
            ("enabled = \"no\"", "not a valid updates settings file"),
            ("endpont = \"https://x.gov\"", "not a valid updates settings file"),
        ] {
            let err = policy(Some(text), FILE, true).unwrap_err();
            assert_eq!(err.code(), "invalid_input");
            assert!(err.to_string().contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn the_file_is_read_when_present_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("updates.toml");
        let absent = read_policy(&path, true).unwrap();
        assert!(matches!(absent, UpdatePolicy::Off { .. }));
        std::fs::write(&path, "endpoint = \"https://it.harbor.gov/latest.json\"\n").unwrap();
        assert!(matches!(read_policy(&path, true).unwrap(), UpdatePolicy::Check { .. }));
        std::fs::write(&path, "#".repeat(70_000)).unwrap();
        assert!(read_policy(&path, true).unwrap_err().to_string().contains("larger than"));
    }
}
