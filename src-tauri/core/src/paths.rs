//! Where coopdesk keeps its database: `--db PATH` first, then the
//! `COOPDESK_DB` environment variable, then the operating system's per-user
//! application-data folder.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

pub const DB_ENV: &str = "COOPDESK_DB";
pub const DB_FILE: &str = "coopdesk.sqlite3";

/// The database path to use, given an explicit `--db` if there was one.
pub fn resolve_db_path(explicit: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p);
    }
    if let Some(p) = std::env::var_os(DB_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    default_db_path()
}

/// `~/.local/share/coopdesk/` on Linux, `~/Library/Application Support/org.coopdesk.coopdesk/`
/// on macOS, `%APPDATA%\coopdesk\coopdesk\data\` on Windows.
pub fn default_db_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("org", "coopdesk", "coopdesk").ok_or(Error::NoDataDir)?;
    Ok(dirs.data_dir().join(DB_FILE))
}

/// Where this window's data is, as About shows it: the database file and
/// the folder it is in, beside which the search index is kept.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DataLocation {
    pub database: String,
    pub folder: String,
}

impl DataLocation {
    pub fn of(db: &Path) -> DataLocation {
        let folder = db.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        DataLocation { database: db.display().to_string(), folder: folder.display().to_string() }
    }
}

/// Writes `bytes` beside `path` and renames the file into place, so a
/// failed export or save never leaves half a file under the chosen name.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e: std::io::Error| Error::io(path.display().to_string(), e);
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes).map_err(io)?;
    std::fs::rename(&partial, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_path_wins() {
        let p = resolve_db_path(Some(PathBuf::from("/tmp/x.sqlite3"))).unwrap();
        assert_eq!(p, PathBuf::from("/tmp/x.sqlite3"));
    }

    #[test]
    fn default_path_ends_in_the_database_file() {
        if let Ok(p) = default_db_path() {
            assert!(p.ends_with(DB_FILE));
            assert!(p.to_string_lossy().contains("coopdesk"));
        }
    }
}
