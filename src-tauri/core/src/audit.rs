//! The audit trail: one append-only hash chain over every change to every
//! audited subject (requisitions, incidents, and whatever comes next).
//!
//! This module is a leaf. It knows a subject only as a kind and an id, and
//! takes the hash of the subject's state after the change from the caller;
//! it never reads a requisition or an incident itself. Each entry carries the
//! hash of the entry before it and that state hash, so [`verify`] finds an
//! entry edited, removed or inserted behind the app's back, and (asking each
//! [`Audited`] kind for its subjects' current state) a subject edited without
//! an entry.
//!
//! The table keeps the name it had when requisitions were the only subject
//! (`requisition_history`, subject id in `requisition_id`): migrations are
//! append-only, and the entry hashes must stay byte-identical.

use crate::digest::sha256_hex;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry is about: a kind of subject (`"requisition"`, `"incident"`)
/// and its id in that kind's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    pub kind: &'static str,
    pub id: i64,
}

impl Subject {
    pub const fn new(kind: &'static str, id: i64) -> Subject {
        Subject { kind, id }
    }
}

/// One entry of the trail as the screens show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    pub seq: i64,
    /// When the change was recorded.
    pub at: crate::clock::Timestamp,
    pub actor: String,
    pub action: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub detail: serde_json::Value,
    /// The detail in words: money as money, names not ids.
    pub summary: String,
    /// The internals the words leave out (ids, hashes, the signing key),
    /// for a "details" view.
    pub technical: Vec<(String, String)>,
    pub state_hash: String,
    pub hash: String,
}

/// A change about to be recorded.
pub struct NewEntry<'a> {
    pub subject: Subject,
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub action: &'a str,
    pub detail: serde_json::Value,
    /// Hash of the subject's whole state after the change.
    pub state_hash: String,
}

/// The newest entry: written down elsewhere, it anchors the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

/// A kind of subject the trail covers, as [`verify`] needs to know it.
pub trait Audited {
    /// The kind as stored with each entry.
    fn kind(&self) -> &'static str;
    /// Every subject of this kind now in the database: id and the name a
    /// person knows it by (a requisition's number, an incident's name).
    fn subjects(&self, conn: &Connection) -> Result<Vec<(i64, String)>>;
    /// Hash of one subject's whole state as stored now.
    fn state_hash(&self, conn: &Connection, id: i64) -> Result<String>;
}

/// `(id, name)` pairs for [`Audited::subjects`], from a query that selects
/// exactly those two columns.
pub fn subjects_from(conn: &Connection, sql: &str) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// What [`verify`] found.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Report {
    pub entries: u64,
    /// How many subjects of each kind the database holds.
    pub subjects: BTreeMap<&'static str, u64>,
    pub head: String,
    pub problems: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    seq: i64,
    kind: &str,
    id: i64,
    at: &str,
    actor: &str,
    action: &str,
    detail: &str,
    state: &str,
    prev: &str,
) -> String {
    let canonical = match kind {
        // Requisition entries keep the form they had before other subjects existed.
        "requisition" => serde_json::to_vec(&(seq, id, at, actor, action, detail, state, prev)),
        _ => serde_json::to_vec(&(kind, seq, id, at, actor, action, detail, state, prev)),
    };
    sha256_hex(&canonical.expect("a tuple of strings and integers serialises"))
}

/// The time as the trail stores it.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The newest entry, if any.
pub fn head(conn: &Connection) -> Result<Option<Head>> {
    Ok(conn
        .query_row("SELECT seq, hash FROM requisition_history ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok(Head { seq: r.get(0)?, hash: r.get(1)? })
        })
        .optional()?)
}

/// Records a change after it was made, in the caller's transaction.
pub fn append(conn: &Connection, entry: NewEntry) -> Result<()> {
    let prev = head(conn)?.unwrap_or(Head { seq: 0, hash: GENESIS.to_owned() });
    let seq = prev.seq + 1;
    let at = stamp(entry.at);
    let detail = entry.detail.to_string();
    let actor = entry.actor.trim();
    let Subject { kind, id } = entry.subject;
    let hash = entry_hash(seq, kind, id, &at, actor, entry.action, &detail, &entry.state_hash, &prev.hash);
    conn.execute(
        "INSERT INTO requisition_history
             (seq, requisition_id, subject, at, actor, action, detail, state_hash, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![seq, id, kind, at, actor, entry.action, detail, entry.state_hash, prev.hash, hash],
    )?;
    Ok(())
}

/// The subject's entries, oldest first.
pub fn of(conn: &Connection, subject: Subject) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, actor, action, detail, state_hash, hash FROM requisition_history
         WHERE requisition_id = ?1 AND subject = ?2 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map(params![subject.id, subject.kind], |r| {
            let detail: String = r.get(4)?;
            // An entry written by hand may hold anything; it is still shown.
            let detail = serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail));
            let (summary, technical) = crate::history_words::describe(&detail);
            Ok(HistoryEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                detail,
                summary,
                technical,
                state_hash: r.get(5)?,
                hash: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Walks the whole chain, then compares every subject of every kind with its
/// last entry.
pub fn verify(conn: &Connection, kinds: &[&dyn Audited]) -> Result<Report> {
    let mut names: HashMap<&'static str, HashMap<i64, String>> = HashMap::new();
    for k in kinds {
        names.insert(k.kind(), k.subjects(conn)?.into_iter().collect());
    }
    let name = |kind: &str, id: i64| {
        let known = names.get(kind).and_then(|n| n.get(&id)).cloned();
        format!("{kind} {}", known.unwrap_or_else(|| format!("#{id} (no longer in the database)")))
    };
    let mut problems = Vec::new();
    let mut last_state: HashMap<(String, i64), (i64, String, String)> = HashMap::new();
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
        let (at, actor, action, detail): (String, String, String, String) =
            (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
        let (state, prev, hash): (String, String, String) = (r.get(7)?, r.get(8)?, r.get(9)?);
        if seq != expected_seq {
            problems.push(format!("history entries {expected_seq} to {} are missing", seq - 1));
        }
        if prev != expected_prev {
            problems.push(format!("entry {seq} does not follow the entry before it"));
        }
        if !names.contains_key(kind.as_str()) {
            problems.push(format!("entry {seq} is about '{kind}', which this version of coopdesk does not know"));
        } else if entry_hash(seq, &kind, id, &at, &actor, &action, &detail, &state, &prev) != hash {
            problems.push(format!("entry {seq} ({action} on {}) was altered", name(&kind, id)));
        }
        last_state.insert((kind, id), (seq, action, state));
        expected_prev = hash;
        expected_seq = seq + 1;
    }
    let mut subjects = BTreeMap::new();
    for k in kinds {
        let kind = k.kind();
        let ids = &names[kind];
        subjects.insert(kind, ids.len() as u64);
        for &id in ids.keys() {
            let current = k.state_hash(conn, id)?;
            match last_state.get(&(kind.to_owned(), id)) {
                None => problems.push(format!("{} has no history", name(kind, id))),
                Some((seq, action, state)) if *state != current => problems.push(format!(
                    "{} was changed outside coopdesk after history entry {seq} ({action})",
                    name(kind, id)
                )),
                Some(_) => {}
            }
        }
    }
    for (kind, id) in last_state.keys() {
        if names.get(kind.as_str()).is_some_and(|n| !n.contains_key(id)) {
            problems.push(format!("{} was deleted", name(kind, *id)));
        }
    }
    problems.sort();
    problems.dedup();
    Ok(Report { entries, subjects, head: expected_prev, problems })
}
