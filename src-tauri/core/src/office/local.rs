//! The office as this laptop's SQLite file keeps it: its membership row,
//! every event it verified or wrote, the rows it rejected, and the roster
//! the verified events left. The roster and shared-requisition tables are
//! derived: written from each verified event in the same transaction that
//! records it; `roster()` resumes the pure `Roster` from them.

use super::event::{Person, Role, SignedEvent};
use super::identity::fingerprint;
use super::roster::{Roster, SharedReq, SharedStatus};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::money::Cents;
use rusqlite::{params, Connection, OptionalExtension};

/// This laptop's membership of its office.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub office_id: String,
    pub name: String,
    pub url: String,
    pub person_key: String,
    pub device: String,
    pub joined_at: Timestamp,
    pub pulled_seq: i64,
    pub pulled_id: Option<String>,
    pub head: String,
    pub last_contact: Option<Timestamp>,
    pub problem: Option<String>,
}

impl Membership {
    /// A new membership of `office_id` for this person, on a new device that
    /// has received nothing yet.
    pub fn new(office_id: String, name: &str, url: &str, person_key: &str, joined_at: Timestamp) -> Membership {
        Membership {
            office_id,
            name: name.to_owned(),
            url: url.trim().to_owned(),
            person_key: person_key.to_owned(),
            device: super::new_id(),
            joined_at,
            pulled_seq: 0,
            pulled_id: None,
            head: String::new(),
            last_contact: None,
            problem: None,
        }
    }
}

pub fn membership(conn: &Connection) -> Result<Option<Membership>> {
    Ok(conn
        .query_row(
            "SELECT office_id, name, url, person_key, device, joined_at, pulled_seq, pulled_id, head, last_contact, problem
             FROM office WHERE id = 1",
            [],
            |r| {
                Ok(Membership {
                    office_id: r.get(0)?,
                    name: r.get(1)?,
                    url: r.get(2)?,
                    person_key: r.get(3)?,
                    device: r.get(4)?,
                    joined_at: r.get(5)?,
                    pulled_seq: r.get(6)?,
                    pulled_id: r.get(7)?,
                    head: r.get(8)?,
                    last_contact: r.get(9)?,
                    problem: r.get(10)?,
                })
            },
        )
        .optional()?)
}

/// The membership, or the error that says this database has none.
pub fn require(conn: &Connection) -> Result<Membership> {
    membership(conn)?.ok_or_else(|| {
        Error::InvalidState(
            "This database is not part of an office yet: create one (office init) or join one (office join).".into(),
        )
    })
}

pub fn insert_membership(conn: &Connection, m: &Membership) -> Result<()> {
    conn.execute(
        "INSERT INTO office (id, office_id, name, url, person_key, device, joined_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![m.office_id, m.name, m.url, m.person_key, m.device, m.joined_at],
    )?;
    Ok(())
}

/// Keeps an event to be sent: this laptop's own, or one it carries.
pub fn insert_waiting(conn: &Connection, e: &SignedEvent) -> Result<()> {
    conn.execute(
        "INSERT INTO office_events (id, server_seq, device, device_seq, author, envelope, signature)
         VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6)",
        params![e.id, e.device, e.device_seq as i64, e.author, e.envelope, e.signature],
    )?;
    Ok(())
}

fn event_from_row(r: &rusqlite::Row) -> rusqlite::Result<SignedEvent> {
    Ok(SignedEvent {
        id: r.get(0)?,
        device: r.get(1)?,
        device_seq: r.get::<_, i64>(2)? as u64,
        author: r.get(3)?,
        envelope: r.get(4)?,
        signature: r.get(5)?,
    })
}

/// Events the server does not have yet (this laptop's, and any it carries
/// for others), each device's in its order.
pub fn waiting(conn: &Connection) -> Result<Vec<SignedEvent>> {
    let mut stmt = conn.prepare(
        "SELECT id, device, device_seq, author, envelope, signature FROM office_events
         WHERE server_seq IS NULL ORDER BY device, device_seq",
    )?;
    let rows = stmt.query_map([], event_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn known(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT count(*) FROM office_events WHERE id = ?1", [id], |r| r.get::<_, i64>(0))? > 0)
}

pub fn waiting_count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM office_events WHERE server_seq IS NULL", [], |r| r.get::<_, i64>(0))?
        as u64)
}

/// Every event the server has given back, in its order, with its place.
pub fn received(conn: &Connection) -> Result<Vec<(i64, SignedEvent)>> {
    let mut stmt = conn.prepare(
        "SELECT id, device, device_seq, author, envelope, signature, server_seq FROM office_events
         WHERE server_seq IS NOT NULL ORDER BY server_seq",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(6)?, event_from_row(r)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// This device's next place in its chain, counting events still waiting.
pub fn device_next(conn: &Connection, device: &str) -> Result<(u64, Option<String>)> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT device_seq, id FROM office_events WHERE device = ?1 ORDER BY device_seq DESC LIMIT 1",
            [device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match last {
        Some((seq, id)) => (seq as u64 + 1, Some(id)),
        None => (1, None),
    })
}

/// The verified roster, resumed from what this laptop received; shared
/// requisitions are added with [`load_requisition`] as events name them.
pub fn roster(conn: &Connection, m: &Membership) -> Result<Roster> {
    let people = people(conn)?.into_iter().map(|p| p.person).collect::<Vec<_>>();
    let mut stmt = conn.prepare("SELECT device, seq, id FROM office_devices")?;
    let devices = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64, r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (count, finance_from): (i64, Option<i64>) =
        conn.query_row("SELECT events_received, finance_from FROM office WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mut stmt = conn.prepare("SELECT po_number FROM office_requisitions WHERE po_number IS NOT NULL")?;
    let po_numbers = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Roster::resume(
        &m.office_id,
        (count > 0).then(|| m.name.clone()),
        finance_from.map(Cents),
        people,
        devices,
        m.head.clone(),
        count as u64,
        po_numbers,
    ))
}

/// Adds the shared requisition `key` (origin device and number) to
/// `roster` as this laptop verified it, unless it is there already or was
/// never shared.
pub fn load_requisition(conn: &Connection, roster: &mut Roster, key: &(String, String)) -> Result<()> {
    if roster.requisitions.contains_key(key) {
        return Ok(());
    }
    if let Some(state) = shared_state(conn, &key.0, &key.1)? {
        roster.insert_requisition(state);
    }
    Ok(())
}

/// A person on the roster, as the window and the command line show them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterEntry {
    pub fingerprint: String,
    pub person: Person,
    pub changed_at: Timestamp,
    /// The administrator who last changed the entry.
    pub changed_by: String,
}

pub fn people(conn: &Connection) -> Result<Vec<RosterEntry>> {
    let mut stmt = conn.prepare(
        "SELECT person_key, fingerprint, name, title, roles, approval_limit, departments, active, changed_at, changed_by
         FROM office_people ORDER BY active DESC, name, fingerprint",
    )?;
    let rows = stmt.query_map([], |r| {
        let roles: String = r.get(4)?;
        let departments: String = r.get(6)?;
        Ok(RosterEntry {
            fingerprint: r.get(1)?,
            person: Person {
                key: r.get(0)?,
                name: r.get(2)?,
                title: r.get(3)?,
                roles: serde_json::from_str::<Vec<Role>>(&roles).unwrap_or_default(),
                approval_limit: r.get::<_, Option<i64>>(5)?.map(Cents),
                departments: serde_json::from_str(&departments).unwrap_or_default(),
                active: r.get(7)?,
            },
            changed_at: r.get(8)?,
            changed_by: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes a person as a verified event left them.
pub fn save_person(conn: &Connection, p: &Person, at: Timestamp, by: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO office_people (person_key, fingerprint, name, title, roles, approval_limit, departments, active, changed_at, changed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(person_key) DO UPDATE SET name = excluded.name, title = excluded.title, roles = excluded.roles,
             approval_limit = excluded.approval_limit, departments = excluded.departments, active = excluded.active,
             changed_at = excluded.changed_at, changed_by = excluded.changed_by",
        params![
            p.key,
            fingerprint(&p.key),
            p.name,
            p.title,
            serde_json::to_string(&p.roles).map_err(Error::internal)?,
            p.approval_limit.map(|c| c.0),
            serde_json::to_string(&p.departments).map_err(Error::internal)?,
            p.active,
            at,
            by
        ],
    )?;
    Ok(())
}

/// Records an event the server returned, in its place: one this laptop
/// wrote gets its number, another is added.
pub fn record_received(conn: &Connection, seq: i64, e: &SignedEvent, refused: Option<&str>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO office_events (id, server_seq, device, device_seq, author, envelope, signature, refused)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(id) DO UPDATE SET server_seq = excluded.server_seq, refused = excluded.refused",
    )?
    .execute(params![e.id, seq, e.device, e.device_seq as i64, e.author, e.envelope, e.signature, refused])?;
    conn.prepare_cached(
        "INSERT INTO office_devices (device, seq, id) VALUES (?1, ?2, ?3)
         ON CONFLICT(device) DO UPDATE SET seq = excluded.seq, id = excluded.id WHERE excluded.seq > office_devices.seq",
    )?
    .execute(params![e.device, e.device_seq as i64, e.id])?;
    conn.prepare_cached("UPDATE office SET events_received = events_received + 1 WHERE id = 1")?.execute([])?;
    Ok(())
}

pub fn record_reject(conn: &Connection, seq: i64, id: &str, reason: &str, at: Timestamp) -> Result<()> {
    conn.execute(
        "INSERT INTO office_rejects (server_seq, id, reason, seen_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(server_seq) DO NOTHING",
        params![seq, id, reason, at],
    )?;
    Ok(())
}

/// Rows refused for not being genuine, and genuine events refused as not
/// allowed, by server number.
pub fn refusals(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT server_seq, reason FROM office_rejects
         UNION ALL SELECT server_seq, refused FROM office_events WHERE refused IS NOT NULL
         ORDER BY 1",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many server rows this laptop has accounted for: received events
/// and rejected rows.
pub fn accounted(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT (SELECT events_received FROM office WHERE id = 1) + (SELECT count(*) FROM office_rejects)",
        [],
        |r| r.get(0),
    )?)
}

pub fn set_progress(conn: &Connection, seq: i64, id: Option<&str>, head: &str, at: Timestamp) -> Result<()> {
    conn.execute(
        "UPDATE office SET pulled_seq = ?1, pulled_id = ?2, head = ?3, last_contact = ?4, problem = NULL WHERE id = 1",
        params![seq, id, head, at],
    )?;
    Ok(())
}

/// The server answered and had nothing new.
pub fn set_contact(conn: &Connection, at: Timestamp) -> Result<()> {
    conn.execute("UPDATE office SET last_contact = ?1, problem = NULL WHERE id = 1", params![at])?;
    Ok(())
}

pub fn set_problem(conn: &Connection, problem: Option<&str>) -> Result<()> {
    conn.execute("UPDATE office SET problem = ?1 WHERE id = 1", [problem])?;
    Ok(())
}

/// Writes the office's rules as a verified event left them.
pub fn save_rules(conn: &Connection, finance_from: Option<Cents>) -> Result<()> {
    conn.execute("UPDATE office SET finance_from = ?1 WHERE id = 1", [finance_from.map(|c| c.0)])?;
    Ok(())
}

/// The office's rule for finance's second approval: from what total.
pub fn finance_from(conn: &Connection) -> Result<Option<Cents>> {
    Ok(conn.query_row("SELECT finance_from FROM office WHERE id = 1", [], |r| r.get::<_, Option<i64>>(0))?.map(Cents))
}

fn status_from(text: &str) -> SharedStatus {
    SharedStatus::from_stored(text)
}

fn shared_state(conn: &Connection, origin: &str, number: &str) -> Result<Option<SharedReq>> {
    let mut stmt = conn.prepare_cached(
        "SELECT origin, number, owner_key, version, status, total_cents, department, approvals, po_number,
                finance_key, outstanding, json_extract(conflict, '$.version'), json_extract(conflict, '$.author')
         FROM office_requisitions WHERE origin = ?1 AND number = ?2",
    )?;
    let row = stmt.query_row(params![origin, number], |r| {
        let approvals: String = r.get(7)?;
        let outstanding: String = r.get(10)?;
        let conflict: (Option<String>, Option<String>) = (r.get(11)?, r.get(12)?);
        Ok(SharedReq {
            origin: r.get(0)?,
            number: r.get(1)?,
            owner: r.get(2)?,
            version: r.get(3)?,
            status: status_from(&r.get::<_, String>(4)?),
            total: Cents(r.get(5)?),
            department: r.get(6)?,
            approvals: serde_json::from_str(&approvals).unwrap_or_default(),
            po_number: r.get(8)?,
            finance_approval: r.get(9)?,
            outstanding: serde_json::from_str(&outstanding).unwrap_or_default(),
            conflict: match conflict {
                (Some(version), Some(author)) => Some((version, author)),
                _ => None,
            },
        })
    });
    Ok(row.optional()?)
}

/// Writes a shared requisition's state; with `snapshot_event`, the id of
/// the received event that holds the version shared (its snapshot is read
/// from there, not stored again).
pub fn save_shared(
    conn: &Connection,
    r: &SharedReq,
    snapshot_event: Option<&str>,
    at: Timestamp,
    by: &str,
    note: Option<&str>,
) -> Result<()> {
    let approvals = serde_json::to_string(&r.approvals).map_err(Error::internal)?;
    let outstanding = serde_json::to_string(&r.outstanding).map_err(Error::internal)?;
    match snapshot_event {
        Some(event) => {
            conn.prepare_cached(
                "INSERT INTO office_requisitions (origin, number, owner_key, version, status, total_cents, department,
                     approvals, po_number, requisition, shared_at, decided_at, decided_by, note, finance_key, outstanding,
                     snapshot_event)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '', ?11, NULL, NULL, NULL, NULL, ?12, ?10)
                 ON CONFLICT(origin, number) DO UPDATE SET version = excluded.version, status = excluded.status,
                     total_cents = excluded.total_cents, department = excluded.department, approvals = excluded.approvals,
                     requisition = '', snapshot_event = excluded.snapshot_event, shared_at = excluded.shared_at,
                     decided_at = NULL, decided_by = NULL, note = NULL, finance_key = NULL,
                     outstanding = excluded.outstanding, conflict = NULL",
            )?
            .execute(params![
                    r.origin,
                    r.number,
                    r.owner,
                    r.version,
                    r.status.as_str(),
                    r.total.0,
                    r.department,
                    approvals,
                    r.po_number,
                    event,
                    at,
                    outstanding
            ])?;
        }
        None => {
            conn.prepare_cached(
                "UPDATE office_requisitions SET status = ?3, approvals = ?4, po_number = ?5, decided_at = ?6,
                     decided_by = ?7, note = ?8, finance_key = ?9, outstanding = ?10 WHERE origin = ?1 AND number = ?2",
            )?
            .execute(params![
                r.origin,
                r.number,
                r.status.as_str(),
                approvals,
                r.po_number,
                at,
                by,
                note,
                r.finance_approval,
                outstanding
            ])?;
        }
    }
    Ok(())
}

/// The requisition an event that shared or changed it holds.
fn snapshot_of(envelope: &super::event::Envelope) -> rusqlite::Result<crate::orders::Requisition> {
    match &envelope.change {
        super::event::Change::RequisitionSubmitted { requisition, .. }
        | super::event::Change::RequisitionEdited { requisition, .. } => Ok((**requisition).clone()),
        _ => Err(rusqlite::Error::InvalidColumnType(9, "snapshot".into(), rusqlite::types::Type::Text)),
    }
}

/// Keeps the version the office did not take first beside the current one.
pub fn save_conflict(conn: &Connection, r: &SharedReq, theirs: &crate::orders::Requisition) -> Result<()> {
    let Some((version, author)) = &r.conflict else { return Ok(()) };
    let conflict = serde_json::json!({ "version": version, "author": author, "requisition": theirs });
    conn.execute(
        "UPDATE office_requisitions SET conflict = ?3 WHERE origin = ?1 AND number = ?2",
        params![r.origin, r.number, conflict.to_string()],
    )?;
    Ok(())
}

/// The office version this laptop's copy of its own requisition `number`
/// is made from, and the hash of its content then (see [`content_hash`]).
pub fn base(conn: &Connection, number: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row("SELECT version, content FROM office_bases WHERE number = ?1", [number], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

pub fn set_base(conn: &Connection, number: &str, version: &str, content: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO office_bases (number, version, content) VALUES (?1, ?2, ?3)
         ON CONFLICT(number) DO UPDATE SET version = excluded.version, content = excluded.content",
        params![number, version, content],
    )?;
    Ok(())
}

/// A hash of what people edit in a requisition (its header and lines),
/// which its status, dates and approvals leave alone.
pub fn content_hash(req: &crate::orders::Requisition) -> String {
    crate::digest::sha256_hex(serde_json::json!([req.header, req.lines]).to_string().as_bytes())
}

/// The other version of a shared requisition in conflict, as the screens
/// show it beside the current one.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SharedConflict {
    pub version: String,
    /// Its author, by name (their key when the roster does not know it).
    pub author: String,
    pub requisition: crate::orders::Requisition,
}

/// A requisition shared in the office, as the inbox lists it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SharedRequisition {
    pub origin: String,
    pub number: String,
    pub requester: String,
    pub requester_key: String,
    pub version: String,
    pub status: SharedStatus,
    pub total: Cents,
    pub department: String,
    /// Names of those who approved the current version.
    pub approved_by: Vec<String>,
    /// Finance's second approval of the current version, by name.
    pub finance_approved_by: Option<String>,
    /// Whether the office's rules ask finance to approve it before it is
    /// ordered.
    pub needs_finance: bool,
    pub po_number: Option<String>,
    /// What is still to be received: `(line, quantity)`.
    pub outstanding: Vec<(u32, u32)>,
    pub shared_at: Timestamp,
    pub decided_by: Option<String>,
    pub note: Option<String>,
    pub requisition: crate::orders::Requisition,
    /// For each of its attachments, whether its file has arrived here
    /// (checked against the hash its requester signed).
    pub attachments_received: Vec<bool>,
    /// Another version made while apart, waiting for a person to choose.
    pub conflict: Option<SharedConflict>,
}

/// Which shared requisitions to read: an office holds tens of thousands,
/// and a screen needs those waiting, or the latest few.
#[derive(Clone, Copy, Debug)]
pub enum Which<'a> {
    /// Those still submitted (waiting for a decision).
    Submitted,
    /// Those approved (waiting for finance or for the order).
    Approved,
    /// The latest `n`, by when they were shared.
    Latest(usize),
    /// Those with this number (from any laptop).
    Numbered(&'a str),
}

pub fn shared(conn: &Connection, which: Which) -> Result<Vec<SharedRequisition>> {
    let names: std::collections::HashMap<String, String> =
        people(conn)?.into_iter().map(|e| (e.person.key, e.person.name)).collect();
    let finance_from = finance_from(conn)?;
    let (filter, limit, number) = match which {
        Which::Submitted => ("WHERE status = 'submitted'", -1i64, ""),
        Which::Approved => ("WHERE status = 'approved'", -1i64, ""),
        Which::Latest(n) => ("", n as i64, ""),
        Which::Numbered(n) => ("WHERE number = ?2 COLLATE NOCASE", -1, n),
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT origin, number, owner_key, version, status, total_cents, department, approvals, po_number,
                CASE WHEN r.snapshot_event IS NULL THEN r.requisition ELSE e.envelope END,
                shared_at, decided_by, note, finance_key, outstanding, conflict, r.snapshot_event IS NOT NULL
         FROM office_requisitions r LEFT JOIN office_events e ON e.id = r.snapshot_event
         {filter} ORDER BY shared_at DESC, number LIMIT ?1"
    ))?;
    let params: Vec<&dyn rusqlite::ToSql> = if number.is_empty() { vec![&limit] } else { vec![&limit, &number] };
    let name_of = |k: &String| names.get(k).cloned().unwrap_or_else(|| fingerprint(k));
    fn json<T: serde::de::DeserializeOwned>(r: &rusqlite::Row, i: usize) -> rusqlite::Result<T> {
        serde_json::from_str(&r.get::<_, String>(i)?)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
    }
    let rows = stmt.query_map(params.as_slice(), |r| {
        let owner: String = r.get(2)?;
        let total = Cents(r.get(5)?);
        let approvals: Vec<String> = json(r, 7)?;
        Ok(SharedRequisition {
            requester: name_of(&owner),
            requester_key: owner,
            origin: r.get(0)?,
            number: r.get(1)?,
            version: r.get(3)?,
            status: status_from(&r.get::<_, String>(4)?),
            total,
            department: r.get(6)?,
            approved_by: approvals.iter().map(name_of).collect(),
            finance_approved_by: r.get::<_, Option<String>>(13)?.as_ref().map(name_of),
            needs_finance: finance_from.is_some_and(|from| total >= from),
            po_number: r.get(8)?,
            outstanding: json(r, 14)?,
            shared_at: r.get(10)?,
            decided_by: r.get(11)?,
            note: r.get(12)?,
            requisition: if r.get::<_, bool>(16)? { snapshot_of(&json(r, 9)?)? } else { json(r, 9)? },
            attachments_received: vec![],
            conflict: match r.get::<_, Option<String>>(15)? {
                None => None,
                Some(_) => {
                    let mut c: SharedConflict = json(r, 15)?;
                    c.author = name_of(&c.author);
                    Some(c)
                }
            },
        })
    })?;
    let mut out: Vec<SharedRequisition> = rows
        .collect::<rusqlite::Result<_>>()
        .map_err(|e| Error::database(format!("a shared requisition could not be read ({e})")))?;
    for s in &mut out {
        s.attachments_received = super::files::held(conn, &s.requisition)?;
    }
    Ok(out)
}

pub fn enqueue_effect(conn: &Connection, event_id: &str, number: &str, effect: &serde_json::Value) -> Result<()> {
    conn.execute(
        "INSERT INTO office_effects (event_id, number, effect) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![event_id, number, effect.to_string()],
    )?;
    Ok(())
}

pub fn effects(conn: &Connection) -> Result<Vec<(String, String, serde_json::Value)>> {
    let mut stmt = conn.prepare("SELECT event_id, number, effect FROM office_effects ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| {
        let text: String = r.get(2)?;
        Ok((r.get(0)?, r.get(1)?, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
