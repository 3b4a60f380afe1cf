//! The requisition history: one append-only hash chain over every change to
//! every requisition. Each entry carries the hash of the entry before it and
//! a hash of the requisition's whole state after the change, so verifying
//! finds an entry edited, removed or inserted behind the app's back, and a
//! requisition whose rows were edited without a history entry.

use super::model::Requisition;
use super::read;
use crate::error::Result;
use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub detail: serde_json::Value,
    pub state_hash: String,
    pub hash: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryReport {
    pub entries: u64,
    pub requisitions: u64,
    /// Hash of the last entry: written down or printed, it anchors the chain.
    pub head: String,
    pub problems: Vec<String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hash of a requisition's state as stored.
pub fn state_hash(req: &Requisition) -> String {
    hex(&Sha256::digest(serde_json::to_vec(req).expect("a requisition serialises")))
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    seq: i64,
    req_id: i64,
    at: &str,
    actor: &str,
    action: &str,
    detail: &str,
    state: &str,
    prev: &str,
) -> String {
    let canonical = serde_json::to_vec(&(seq, req_id, at, actor, action, detail, state, prev)).expect("serialises");
    hex(&Sha256::digest(canonical))
}

/// Records a change to requisition `req_id`, after it was made, in the same
/// transaction.
pub(crate) fn append(
    conn: &Connection,
    req_id: i64,
    actor: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let state = state_hash(&read::by_id(conn, req_id)?);
    let (prev_seq, prev_hash): (i64, String) = conn
        .query_row("SELECT seq, hash FROM requisition_history ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or((0, GENESIS.to_owned()));
    let seq = prev_seq + 1;
    let at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let detail = detail.to_string();
    let actor = actor.trim();
    let hash = entry_hash(seq, req_id, &at, actor, action, &detail, &state, &prev_hash);
    conn.execute(
        "INSERT INTO requisition_history (seq, requisition_id, at, actor, action, detail, state_hash, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, req_id, at, actor, action, detail, state, prev_hash, hash],
    )?;
    Ok(())
}

pub(crate) fn of(conn: &Connection, req_id: i64) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, detail, state_hash, hash FROM requisition_history
         WHERE requisition_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([req_id], |r| {
            let detail: String = r.get(4)?;
            Ok(HistoryEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
                state_hash: r.get(5)?,
                hash: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Walks the whole chain and compares every requisition with its last entry.
pub(crate) fn verify(conn: &Connection) -> Result<HistoryReport> {
    let numbers: HashMap<i64, String> = conn
        .prepare("SELECT id, number FROM requisitions")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let name = |id: i64| numbers.get(&id).cloned().unwrap_or_else(|| format!("#{id} (no longer in the database)"));
    let mut problems = Vec::new();
    let mut last_state: HashMap<i64, (i64, String, String)> = HashMap::new();
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut entries = 0;
    let mut stmt = conn.prepare(
        "SELECT seq, requisition_id, at, actor, action, detail, state_hash, prev_hash, hash
         FROM requisition_history ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        entries += 1;
        let (seq, req_id): (i64, i64) = (r.get(0)?, r.get(1)?);
        let (at, actor, action, detail): (String, String, String, String) =
            (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        let (state, prev, hash): (String, String, String) = (r.get(6)?, r.get(7)?, r.get(8)?);
        if seq != expected_seq {
            problems.push(format!("history entries {expected_seq} to {} are missing", seq - 1));
        }
        if prev != expected_prev {
            problems.push(format!("entry {seq} does not follow the entry before it"));
        }
        if entry_hash(seq, req_id, &at, &actor, &action, &detail, &state, &prev) != hash {
            problems.push(format!("entry {seq} ({action} on requisition {}) was altered", name(req_id)));
        }
        last_state.insert(req_id, (seq, action, state));
        expected_prev = hash;
        expected_seq = seq + 1;
    }
    for (&id, number) in &numbers {
        let current = state_hash(&read::by_id(conn, id)?);
        match last_state.get(&id) {
            None => problems.push(format!("requisition {number} has no history")),
            Some((seq, action, state)) if *state != current => problems.push(format!(
                "requisition {number} was changed outside coopdesk after history entry {seq} ({action})"
            )),
            Some(_) => {}
        }
    }
    for id in last_state.keys().filter(|id| !numbers.contains_key(id)) {
        problems.push(format!("requisition {} was deleted", name(*id)));
    }
    problems.sort();
    problems.dedup();
    Ok(HistoryReport { entries, requisitions: numbers.len() as u64, head: expected_prev, problems })
}
