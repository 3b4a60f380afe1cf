//! The one error type of the core. Every message says what went wrong in the
//! clerk's terms and what to do next; `code()` gives a stable identifier the
//! UI and scripts can branch on.

use crate::record::RecordError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The catalogue database at {path} could not be opened ({reason}). Check that the folder exists and is writable, or start coopdesk with --db pointing to another file.")]
    Open { path: PathBuf, reason: String },

    #[error("The database at {path} was written by a newer version of coopdesk (schema version {found}; this version understands up to {supported}). Install the newer coopdesk, or open another database with --db.")]
    DatabaseTooNew { path: PathBuf, found: i64, supported: i64 },

    #[error("The database is in use by another coopdesk window or program. Close the other one and try again.")]
    Busy,

    #[error("The database reported a problem: {0}. If it persists, restore from a backup or start with a new database file.")]
    Database(String),

    #[error("The feed '{source_name}' was refused and nothing was changed: {error}. Ask the feed's publisher for a corrected file.")]
    FeedInvalid { source_name: String, error: RecordError },

    #[error("The feed '{source_name}' was refused and nothing was changed: {reason}.")]
    FeedRejected { source_name: String, reason: String },

    #[error("No folder for coopdesk's data could be found on this machine. Start coopdesk with --db PATH or set COOPDESK_DB.")]
    NoDataDir,

    #[error("{what} could not be read or written ({reason}). Check the path and its permissions.")]
    Io { what: String, reason: String },

    #[error("{0}")]
    InvalidInput(String),

    #[error("The sync was cancelled. The catalogue is exactly as it was before.")]
    Cancelled,

    #[error("Feed '{feed_id}' could not be synced: {reason}. The catalogue is unchanged and still usable.")]
    Sync { feed_id: String, reason: String, retryable: bool },

    #[error("There is no feed '{0}'. `coopdesk feeds list` shows the feeds this catalogue follows.")]
    UnknownFeed(String),

    /// An action the requisition's status does not allow; the message says
    /// which status it needs.
    #[error("{0}")]
    InvalidState(String),

    #[error("Requisition {number} cannot go forward yet: {}. Fix the errors and acknowledge the warnings, then try again.", .reasons.join("; "))]
    PolicyBlocked { number: String, reasons: Vec<String> },

    #[error("The requisition history does not verify: {}. Someone changed the database outside coopdesk; restore it from a backup and compare.", .problems.join("; "))]
    Tampered { problems: Vec<String> },
}

impl Error {
    /// Stable, machine-readable identifier of the error's kind.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Open { .. } => "db_open",
            Error::DatabaseTooNew { .. } => "db_too_new",
            Error::Busy => "db_busy",
            Error::Database(_) => "db_error",
            Error::FeedInvalid { .. } => "feed_invalid",
            Error::FeedRejected { .. } => "feed_rejected",
            Error::NoDataDir => "no_data_dir",
            Error::Io { .. } => "io",
            Error::InvalidInput(_) => "invalid_input",
            Error::Cancelled => "cancelled",
            Error::Sync { .. } => "sync_failed",
            Error::UnknownFeed(_) => "unknown_feed",
            Error::InvalidState(_) => "invalid_state",
            Error::PolicyBlocked { .. } => "policy_blocked",
            Error::Tampered { .. } => "history_tampered",
        }
    }

    pub(crate) fn io(what: impl Into<String>, err: std::io::Error) -> Error {
        Error::Io { what: what.into(), reason: err.to_string() }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => Error::Busy,
            _ => Error::Database(e.to_string()),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::InvalidInput(format!("The data is not valid JSON ({e})."))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
