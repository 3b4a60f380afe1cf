//! Requisitions as a subject of the audit trail: the hash of a requisition's
//! state, and recording a change to one. The chain itself is [`crate::audit`].

use super::model::Requisition;
use super::read;
use crate::audit::{self, Audited, NewEntry, Subject};
use crate::digest::sha256_hex;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use crate::audit::HistoryEntry;

/// The trail's name for requisitions.
pub const KIND: &str = "requisition";

pub fn subject(id: i64) -> Subject {
    Subject::new(KIND, id)
}

/// Hash of a requisition's state as stored.
pub fn state_hash(req: &Requisition) -> String {
    sha256_hex(&serde_json::to_vec(req).expect("a requisition serialises"))
}

/// Records a change to requisition `id`, after it was made, in the same
/// transaction.
pub(crate) fn append(
    conn: &Connection,
    id: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let state_hash = state_hash(&read::by_id(conn, id)?);
    audit::append(conn, NewEntry { subject: subject(id), at, actor, action, detail, state_hash })
}

pub(crate) fn of(conn: &Connection, id: i64) -> Result<Vec<HistoryEntry>> {
    audit::of(conn, subject(id))
}

/// Requisitions as [`audit::verify`] walks them.
pub struct Requisitions;

impl Audited for Requisitions {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn subjects(&self, conn: &Connection) -> Result<Vec<(i64, String)>> {
        audit::subjects_from(conn, "SELECT id, number FROM requisitions")
    }

    fn state_hash(&self, conn: &Connection, id: i64) -> Result<String> {
        Ok(state_hash(&read::by_id(conn, id)?))
    }
}
