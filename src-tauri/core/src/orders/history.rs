//! The history: one append-only hash chain over every change to every
//! requisition and every emergency incident. Each entry carries the hash of
//! the entry before it and a hash of its subject's whole state after the
//! change, so verifying finds an entry edited, removed or inserted behind the
//! app's back, and a requisition or incident edited without an entry.

use super::model::Requisition;
use super::read;
use crate::digest::sha256_hex;
use crate::error::Result;
use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a history entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    Requisition(i64),
    Incident(i64),
}

impl Subject {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Subject::Requisition(id) => ("requisition", id),
            Subject::Incident(id) => ("incident", id),
        }
    }
}

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
    pub incidents: u64,
    /// Hash of the last entry: written down or printed, it anchors the chain.
    pub head: String,
    pub problems: Vec<String>,
}

/// Hash of a requisition's state as stored.
pub fn state_hash(req: &Requisition) -> String {
    sha256_hex(&serde_json::to_vec(req).expect("a requisition serialises"))
}

fn subject_state(conn: &Connection, subject: Subject) -> Result<String> {
    Ok(match subject {
        Subject::Requisition(id) => state_hash(&read::by_id(conn, id)?),
        Subject::Incident(id) => crate::emergency::incident_state_hash(&crate::emergency::incident_by_id(conn, id)?),
    })
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    seq: i64,
    subject: Subject,
    at: &str,
    actor: &str,
    action: &str,
    detail: &str,
    state: &str,
    prev: &str,
) -> String {
    let canonical = match subject {
        // Requisition entries keep the form they had before incidents existed.
        Subject::Requisition(id) => serde_json::to_vec(&(seq, id, at, actor, action, detail, state, prev)),
        Subject::Incident(id) => serde_json::to_vec(&("incident", seq, id, at, actor, action, detail, state, prev)),
    };
    sha256_hex(&canonical.expect("serialises"))
}

/// Records a change to `subject`, after it was made, in the same transaction.
pub(crate) fn append(
    conn: &Connection,
    subject: Subject,
    actor: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let state = subject_state(conn, subject)?;
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
    let hash = entry_hash(seq, subject, &at, actor, action, &detail, &state, &prev_hash);
    let (kind, id) = subject.parts();
    conn.execute(
        "INSERT INTO requisition_history
             (seq, requisition_id, subject, at, actor, action, detail, state_hash, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![seq, id, kind, at, actor, action, detail, state, prev_hash, hash],
    )?;
    Ok(())
}

pub(crate) fn of(conn: &Connection, subject: Subject) -> Result<Vec<HistoryEntry>> {
    let (kind, id) = subject.parts();
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, detail, state_hash, hash FROM requisition_history
         WHERE requisition_id = ?1 AND subject = ?2 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map(params![id, kind], |r| {
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

fn names(conn: &Connection, sql: &str) -> Result<HashMap<i64, String>> {
    let rows = conn.prepare(sql)?.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Walks the whole chain and compares every requisition and incident with
/// its last entry.
pub(crate) fn verify(conn: &Connection) -> Result<HistoryReport> {
    let reqs = names(conn, "SELECT id, number FROM requisitions")?;
    let incidents = names(conn, "SELECT id, name FROM incidents")?;
    let name = |s: Subject| match s {
        Subject::Requisition(id) => {
            format!(
                "requisition {}",
                reqs.get(&id).cloned().unwrap_or_else(|| format!("#{id} (no longer in the database)"))
            )
        }
        Subject::Incident(id) => format!(
            "incident {}",
            incidents.get(&id).cloned().unwrap_or_else(|| format!("#{id} (no longer in the database)"))
        ),
    };
    let mut problems = Vec::new();
    let mut last_state: HashMap<Subject, (i64, String, String)> = HashMap::new();
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut entries = 0;
    let mut stmt = conn.prepare(
        "SELECT seq, requisition_id, subject, at, actor, action, detail, state_hash, prev_hash, hash
         FROM requisition_history ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        entries += 1;
        let (seq, id, kind): (i64, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let subject = if kind == "incident" { Subject::Incident(id) } else { Subject::Requisition(id) };
        let (at, actor, action, detail): (String, String, String, String) =
            (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
        let (state, prev, hash): (String, String, String) = (r.get(7)?, r.get(8)?, r.get(9)?);
        if seq != expected_seq {
            problems.push(format!("history entries {expected_seq} to {} are missing", seq - 1));
        }
        if prev != expected_prev {
            problems.push(format!("entry {seq} does not follow the entry before it"));
        }
        if entry_hash(seq, subject, &at, &actor, &action, &detail, &state, &prev) != hash {
            problems.push(format!("entry {seq} ({action} on {}) was altered", name(subject)));
        }
        last_state.insert(subject, (seq, action, state));
        expected_prev = hash;
        expected_seq = seq + 1;
    }
    let subjects =
        reqs.keys().map(|&id| Subject::Requisition(id)).chain(incidents.keys().map(|&id| Subject::Incident(id)));
    for subject in subjects {
        let current = subject_state(conn, subject)?;
        match last_state.get(&subject) {
            None => problems.push(format!("{} has no history", name(subject))),
            Some((seq, action, state)) if *state != current => problems
                .push(format!("{} was changed outside coopdesk after history entry {seq} ({action})", name(subject))),
            Some(_) => {}
        }
    }
    for subject in last_state.keys() {
        let gone = match subject {
            Subject::Requisition(id) => !reqs.contains_key(id),
            Subject::Incident(id) => !incidents.contains_key(id),
        };
        if gone {
            problems.push(format!("{} was deleted", name(*subject)));
        }
    }
    problems.sort();
    problems.dedup();
    Ok(HistoryReport {
        entries,
        requisitions: reqs.len() as u64,
        incidents: incidents.len() as u64,
        head: expected_prev,
        problems,
    })
}
