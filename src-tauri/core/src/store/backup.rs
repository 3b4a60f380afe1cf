//! A whole-database backup to one file, and restoring from it. A backup is
//! written beside its destination and renamed into place, so a failed backup
//! never leaves a half file under the chosen name; a restore checks that the
//! file is a sound coopdesk database this version understands, then copies
//! it in one step, so a failed restore leaves the current data as it was.

use super::migrations::{latest_version, migrate};
use super::Store;
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Marks a SQLite file as coopdesk's ("coop"), in the database header.
pub const APPLICATION_ID: i32 = 0x636f_6f70;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub schema_version: i64,
    pub requisitions: u64,
    pub items: u64,
}

fn summary(conn: &Connection, path: &Path) -> Result<BackupSummary> {
    let count = |table: &str| -> Result<u64> {
        Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0))? as u64)
    };
    Ok(BackupSummary {
        path: path.to_owned(),
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        schema_version: conn.pragma_query_value(None, "user_version", |r| r.get(0))?,
        requisitions: count("requisitions")?,
        items: count("items")?,
    })
}

impl Store {
    /// Writes a consistent copy of the whole database to `dest`.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupSummary> {
        let io = |e: std::io::Error| Error::io(format!("the backup {}", dest.display()), e);
        let dir = dest.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(io)?;
        let name = dest.file_name().ok_or_else(|| Error::Invalid("Give the backup a file name.".into()))?;
        let partial = dir.join(format!(".{}.partial", name.to_string_lossy()));
        let _ = std::fs::remove_file(&partial);
        let written = self.conn().execute("VACUUM INTO ?1", [partial.to_string_lossy()]);
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(Error::io(format!("the backup {}", dest.display()), std::io::Error::other(e.to_string())));
        }
        std::fs::rename(&partial, dest).map_err(io)?;
        let copy = Connection::open_with_flags(dest, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        summary(&copy, dest)
    }

    /// Replaces the whole database with the backup at `src`, after checking it.
    pub fn restore_from(&mut self, src: &Path) -> Result<BackupSummary> {
        let not_backup = |why: String| {
            Error::Invalid(format!(
                "{} is not a coopdesk backup this version can restore: {why}. Nothing was changed.",
                src.display()
            ))
        };
        if !src.is_file() {
            return Err(not_backup("there is no such file".into()));
        }
        // SQLite's own words ("database disk image is malformed") tell a
        // clerk nothing; say what kind of file it is instead.
        let unreadable = |e: rusqlite::Error| {
            not_backup(match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => "it is not a database".into(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt) => "the file is damaged or cut short".into(),
                _ => format!("it cannot be read ({e})"),
            })
        };
        let source =
            Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(unreadable)?;
        let app_id: i32 = source.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(unreadable)?;
        if app_id != APPLICATION_ID {
            return Err(not_backup("it was not written by coopdesk".into()));
        }
        let version: i64 = source.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(unreadable)?;
        if version > latest_version() {
            return Err(not_backup(format!(
                "it comes from a newer coopdesk (schema {version}; this one reads up to {})",
                latest_version()
            )));
        }
        let verdict: String = source.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(unreadable)?;
        if verdict != "ok" {
            return Err(not_backup(format!("the file is damaged or cut short ({verdict})")));
        }
        {
            let backup = rusqlite::backup::Backup::new(&source, &mut self.conn)?;
            // -1: every page in one step, so the copy is one transaction.
            backup.step(-1)?;
        }
        migrate(&mut self.conn, &self.path)?;
        self.conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        // The index described the database that was replaced.
        self.request_search_rebuild()?;
        self.refresh_search()?;
        summary(&self.conn, &self.path)
    }
}
