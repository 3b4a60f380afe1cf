//! Incidents shared in the office. The laptop where an incident was
//! declared shares it, signed by purchasing or an administrator, each time
//! it changes (declared, the waiver extended, FEMA's number, a project,
//! closed); every other laptop takes it in as an incident of its own, so
//! that anyone in the office can buy under it and document it for FEMA
//! while the network is up, or from a hand-over file while it is down.

use super::event::Change;
use super::{local, sync_if_reachable, Identity, OfficeStatus};
use crate::error::{Error, Result};
use crate::store::Store;
use rusqlite::{params, Connection, OptionalExtension};

/// This laptop's incident for the office's `key`, if it has one.
fn local_id(conn: &Connection, key: &str) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT incident_id FROM office_incidents WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// Takes in an incident another laptop shared (see
/// [`crate::emergency::incidents::take_in_shared`]), keeping its key.
pub(super) fn take_in(
    conn: &Connection,
    key: &str,
    incident: &crate::emergency::Incident,
    at: chrono::DateTime<chrono::Utc>,
    by: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let existing = local_id(conn, key)?;
    let id = crate::emergency::incidents::take_in_shared(conn, existing, incident, at, by, detail)?;
    conn.execute(
        "INSERT INTO office_incidents (key, incident_id) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
        params![key, id],
    )?;
    Ok(())
}

impl Store {
    /// Shares incident `id`, declared on this laptop, with the office as it
    /// stands now; share it again after each change.
    pub fn office_share_incident(&mut self, id: i64, passphrase: &str) -> Result<OfficeStatus> {
        let m = local::require(self.conn())?;
        let incident = self.incident(id)?;
        let from_elsewhere: Option<String> = self
            .conn()
            .query_row("SELECT key FROM office_incidents WHERE incident_id = ?1", [id], |r| r.get(0))
            .optional()?;
        let key = format!("{}/{id}", m.device);
        if from_elsewhere.as_ref().is_some_and(|k| *k != key) {
            return Err(Error::NotAllowed(format!(
                "{} came from another computer of the office; it is shared from the computer where it was declared.",
                incident.name
            )));
        }
        let identity = Identity::unlock(self.path(), passphrase)?;
        self.sign_checked(&identity, &m, Change::IncidentShared { key: key.clone(), incident: Box::new(incident) })?;
        self.conn().execute(
            "INSERT INTO office_incidents (key, incident_id) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
            params![key, id],
        )?;
        sync_if_reachable(self.office_sync())?;
        self.office_status()
    }
}
