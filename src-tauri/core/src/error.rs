//! The one error type of the core. Every message says what went wrong in the
//! clerk's terms and what to do next; `code()` gives a stable identifier the
//! UI and scripts can branch on, and code can branch on the variant itself
//! (a missing record is `NotFound`, never a message to parse).
//!
//! Messages speak of the product, not of a front end: no command-line flags
//! and no menu paths that only the window has. Each front end adds its own
//! hint for a code (the command line's `hint`, the window's `errorHint`).

use crate::record::RecordError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The catalog database at {path} could not be opened ({reason}). Check that the folder exists and is writable, or open another database file.")]
    Open { path: PathBuf, reason: String },

    #[error("The database at {path} was written by a newer version of coopdesk (schema version {found}; this version understands up to {supported}). Install the newer coopdesk, or open another database file.")]
    DatabaseTooNew { path: PathBuf, found: i64, supported: i64 },

    #[error("The database is in use by another coopdesk window or program. Close the other one and try again.")]
    Busy,

    #[error("The database reported a problem: {detail}. If it persists, restore from a backup or start with a new database file.")]
    Database {
        detail: String,
        #[source]
        source: Option<rusqlite::Error>,
    },

    #[error("The feed '{source_name}' was refused and nothing was changed: {error}. Ask the feed's publisher for a corrected file.")]
    FeedInvalid { source_name: String, error: RecordError },

    #[error("The feed '{source_name}' was refused and nothing was changed: {reason}.")]
    FeedRejected { source_name: String, reason: String },

    #[error("No folder for coopdesk's data could be found on this machine. Choose a database file, or set COOPDESK_DB to one.")]
    NoDataDir,

    #[error("{what} could not be read or written ({source}). Check the path and its permissions.")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },

    /// A record that is not there: branch on this, not on a message.
    #[error("There is no {what} '{id}'{}.", .within.as_ref().map(|w| format!(" on {w}")).unwrap_or_default())]
    NotFound { what: &'static str, id: String, within: Option<String> },

    /// Input that is malformed or out of bounds; the message says which and how to fix it.
    #[error("{0}")]
    Invalid(String),

    /// Well-formed, but not something this person may do (an approver's
    /// limit, an error acknowledged as if it were a warning).
    #[error("{0}")]
    NotAllowed(String),

    /// Clashes with what is already there (a feed followed twice, a file
    /// attached twice, a project added twice).
    #[error("{0}")]
    Conflict(String),

    #[error("The sync was canceled. The catalog is exactly as it was before.")]
    Cancelled,

    #[error("Feed '{feed_id}' could not be synced: {reason}. The catalog is unchanged and still usable.")]
    Sync { feed_id: String, reason: String, retryable: bool },

    /// A fault in coopdesk itself, not in what the user gave it.
    #[error("coopdesk met an internal fault ({0}). Nothing was changed; please report it to the coopdesk team.")]
    Internal(String),

    /// No name to record a change under.
    #[error("Say who is making the change: every change is recorded under a person's name.")]
    NoActor,

    #[error("The agency profile is not set up yet, so eligibility cannot be judged: enter the agency's name, type and state first.")]
    NoAgencyProfile,

    /// An action the requisition's status does not allow; the message says
    /// which status it needs.
    #[error("{0}")]
    InvalidState(String),

    #[error("Requisition {number} cannot go forward yet: {}. Fix the errors and acknowledge the warnings, then try again.", .reasons.join("; "))]
    PolicyBlocked { number: String, reasons: Vec<String> },

    #[error("The requisition history does not verify: {}. Someone changed the database outside coopdesk; restore it from a backup and compare.", .problems.join("; "))]
    Tampered { problems: Vec<String> },

    /// The person's office key is missing or the passphrase does not open it.
    #[error("{0}.")]
    KeyLocked(String),

    /// The office's server did not answer; work goes on here and waits.
    #[error("The office server could not be reached ({0}). Work goes on on this computer; its changes wait and are sent at the next sync.")]
    OfficeUnreachable(String),

    /// The shared history on the office's server was changed behind coopdesk.
    #[error("The office's shared history on its server does not verify: {}. Nothing from the server was applied. Tell the office's administrator, who can compare the server with a backup.", .problems.join("; "))]
    OfficeTampered { problems: Vec<String> },
}

impl Error {
    /// Stable, machine-readable identifier of the error's kind.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Open { .. } => "db_open",
            Error::DatabaseTooNew { .. } => "db_too_new",
            Error::Busy => "db_busy",
            Error::Database { .. } => "db_error",
            Error::FeedInvalid { .. } => "feed_invalid",
            Error::FeedRejected { .. } => "feed_rejected",
            Error::NoDataDir => "no_data_dir",
            Error::Io { .. } => "io",
            Error::NotFound { .. } => "not_found",
            Error::Invalid(_) => "invalid_input",
            Error::NotAllowed(_) => "not_allowed",
            Error::Conflict(_) => "conflict",
            Error::Cancelled => "cancelled",
            Error::Sync { .. } => "sync_failed",
            Error::InvalidState(_) => "invalid_state",
            Error::NoActor => "no_actor",
            Error::Internal(_) => "internal",
            Error::NoAgencyProfile => "no_agency_profile",
            Error::PolicyBlocked { .. } => "policy_blocked",
            Error::Tampered { .. } => "history_tampered",
            Error::KeyLocked(_) => "key_locked",
            Error::OfficeUnreachable(_) => "office_unreachable",
            Error::OfficeTampered { .. } => "office_tampered",
        }
    }

    pub fn io(what: impl Into<String>, err: std::io::Error) -> Error {
        Error::Io { what: what.into(), source: err }
    }

    pub fn not_found(what: &'static str, id: impl ToString) -> Error {
        Error::NotFound { what, id: id.to_string(), within: None }
    }

    /// Something missing from a larger record: a line on a requisition.
    pub fn not_found_on(what: &'static str, id: impl ToString, within: impl Into<String>) -> Error {
        Error::NotFound { what, id: id.to_string(), within: Some(within.into()) }
    }

    /// A fault of coopdesk's own (a value of ours that would not serialise).
    pub fn internal(e: impl std::fmt::Display) -> Error {
        Error::Internal(e.to_string())
    }

    /// A database problem found by a check rather than raised by SQLite.
    pub fn database(detail: impl Into<String>) -> Error {
        Error::Database { detail: detail.into(), source: None }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => Error::Busy,
            _ => Error::Database { detail: e.to_string(), source: Some(e) },
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error as it leaves the core for a person or a script: the stable
/// `code` to branch on and the `message` written for the clerk. This is the
/// one error shape the window receives; never a debug string.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorReply {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub code: &'static str,
    pub message: String,
}

impl From<Error> for ErrorReply {
    fn from(e: Error) -> Self {
        ErrorReply { code: e.code(), message: e.to_string() }
    }
}

impl ErrorReply {
    /// A failure outside the core (a worker thread that stopped): said plainly.
    pub fn internal(what: &str) -> ErrorReply {
        ErrorReply {
            code: "internal",
            message: format!("coopdesk could not finish {what}. Try again; if it keeps failing, restart coopdesk."),
        }
    }
}
