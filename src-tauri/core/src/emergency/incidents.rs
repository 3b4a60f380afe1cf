//! Incidents: an emergency declared by an authority, the window of its
//! procurement waiver, FEMA's disaster and project numbers as they become
//! known, and the thresholds and approvers that apply while it lasts. One
//! incident at most is active; every change is in the tamper-evident history.

use crate::audit::{self, Audited, NewEntry, Subject};
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::money::Cents;
use crate::orders::Approver;
use crate::store::columns::{date_col, json_col};
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Project {
    pub number: String,
    #[serde(default)]
    pub title: String,
}

/// The rules while an incident lasts: relaxed thresholds, who may approve,
/// and any limit on total spend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmergencyRules {
    pub micro_purchase: Cents,
    pub quotes_above: Cents,
    pub quotes_required: u32,
    pub formal_bid: Cents,
    /// Empty: the everyday approvers apply.
    #[serde(default)]
    pub approvers: Vec<Approver>,
    #[serde(default)]
    pub spend_limit: Option<Cents>,
}

impl Default for EmergencyRules {
    fn default() -> Self {
        EmergencyRules {
            micro_purchase: Cents::dollars(50_000),
            quotes_above: Cents::dollars(50_000),
            quotes_required: 2,
            formal_bid: crate::orders::thresholds::FEDERAL_SIMPLIFIED_ACQUISITION,
            approvers: vec![],
            spend_limit: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Incident {
    pub id: i64,
    pub name: String,
    /// Hurricane, flood, tornado, wildfire, ...
    pub kind: String,
    pub declaration_number: String,
    pub declared_on: NaiveDate,
    pub authority: String,
    pub waiver_start: NaiveDate,
    pub waiver_end: NaiveDate,
    pub fema_disaster: Option<String>,
    pub projects: Vec<Project>,
    pub rules: EmergencyRules,
    pub active: bool,
    pub closed_on: Option<NaiveDate>,
    pub created_at: crate::clock::Timestamp,
    pub updated_at: crate::clock::Timestamp,
}

impl Incident {
    /// Days left in the procurement waiver on `today` (negative once past).
    pub fn waiver_days_left(&self, today: NaiveDate) -> i64 {
        (self.waiver_end - today).num_days()
    }

    pub fn waiver_covers(&self, day: NaiveDate) -> bool {
        self.waiver_start <= day && day <= self.waiver_end
    }

    /// What the purchasing policy applies to a purchase made under it.
    pub fn terms(&self) -> crate::policy::EmergencyTerms {
        let r = &self.rules;
        crate::policy::EmergencyTerms {
            incident: self.name.clone(),
            waiver_start: self.waiver_start,
            waiver_end: self.waiver_end,
            micro_purchase: r.micro_purchase,
            quotes_above: r.quotes_above,
            quotes_required: r.quotes_required,
            formal_bid: r.formal_bid,
            approvers: r.approvers.clone(),
            spend_limit: r.spend_limit,
            spent_before: Cents(0),
        }
    }
}

/// What a clerk fills in to declare an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewIncident {
    pub name: String,
    pub kind: String,
    pub declaration_number: String,
    pub declared_on: NaiveDate,
    pub authority: String,
    pub waiver_start: NaiveDate,
    pub waiver_end: NaiveDate,
    #[serde(default)]
    pub fema_disaster: Option<String>,
    #[serde(default)]
    pub rules: Option<EmergencyRules>,
    /// Make it the active incident (the usual case).
    #[serde(default = "yes")]
    pub activate: bool,
}

fn yes() -> bool {
    true
}

const COLUMNS: &str = "id, name, kind, declaration_number, declared_on, authority, waiver_start, waiver_end,
    fema_disaster, projects, rules, active, closed_on, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Incident> {
    let closed: Option<String> = r.get(12)?;
    Ok(Incident {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        declaration_number: r.get(3)?,
        declared_on: date_col(r, 4)?,
        authority: r.get(5)?,
        waiver_start: date_col(r, 6)?,
        waiver_end: date_col(r, 7)?,
        fema_disaster: r.get(8)?,
        projects: json_col(r, 9)?,
        rules: json_col(r, 10)?,
        active: r.get(11)?,
        closed_on: closed.and_then(|d| d.parse().ok()),
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
    })
}

pub fn incident_by_id(conn: &Connection, id: i64) -> Result<Incident> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM incidents WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("incident", id))
}

/// Hash of an incident's state as stored, for the history.
pub fn incident_state_hash(incident: &Incident) -> String {
    sha256_hex(&serde_json::to_vec(incident).expect("an incident serialises"))
}

/// The audit trail's name for incidents.
pub const KIND: &str = "incident";

/// Records a change to incident `id`, after it was made, in the same transaction.
fn record(
    conn: &Connection,
    id: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let state_hash = incident_state_hash(&incident_by_id(conn, id)?);
    audit::append(conn, NewEntry { subject: Subject::new(KIND, id), at, actor, action, detail, state_hash })
}

/// Incidents as the audit trail's verification walks them.
pub struct Incidents;

impl Audited for Incidents {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn subjects(&self, conn: &Connection) -> Result<Vec<(i64, String)>> {
        audit::subjects_from(conn, "SELECT id, name FROM incidents")
    }

    fn state_hash(&self, conn: &Connection, id: i64) -> Result<String> {
        Ok(incident_state_hash(&incident_by_id(conn, id)?))
    }
}

fn require(text: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::Invalid(format!("An incident needs {what}.")));
    }
    Ok(t.to_owned())
}

impl Store {
    pub fn incidents(&self) -> Result<Vec<Incident>> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {COLUMNS} FROM incidents ORDER BY active DESC, declared_on DESC, id DESC"))?;
        let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn incident(&self, id: i64) -> Result<Incident> {
        incident_by_id(self.conn(), id)
    }

    /// The terms the policy applies to requisition `req_id` bought under
    /// incident `id`, if any, with what the incident's other purchases (not
    /// cancelled) already total.
    pub(crate) fn emergency_terms(
        &self,
        id: Option<i64>,
        req_id: i64,
    ) -> Result<Option<crate::policy::EmergencyTerms>> {
        let Some(id) = id else { return Ok(None) };
        let mut terms = self.incident(id)?.terms();
        let spent: i64 = self.conn().query_row(
            "SELECT ifnull(sum(l.quantity * l.unit_cents), 0)
             FROM requisitions r JOIN requisition_lines l ON l.requisition_id = r.id
             WHERE r.status != 'cancelled' AND r.id != ?2 AND json_extract(r.emergency, '$.incident_id') = ?1",
            params![id, req_id],
            |r| r.get(0),
        )?;
        terms.spent_before = Cents(spent);
        Ok(Some(terms))
    }

    pub fn active_incident(&self) -> Result<Option<Incident>> {
        Ok(self
            .conn()
            .query_row(&format!("SELECT {COLUMNS} FROM incidents WHERE active = 1"), [], from_row)
            .optional()?)
    }

    /// Declares an incident; with `activate`, it becomes the active one.
    pub fn declare_incident(&mut self, new: &NewIncident, actor: &str) -> Result<Incident> {
        if actor.trim().is_empty() {
            return Err(Error::NoActor);
        }
        let actor = actor.trim().to_owned();
        let name = require(&new.name, "a name, such as Hurricane Delia")?;
        let kind = require(&new.kind, "a type, such as hurricane or flood")?;
        let declaration = require(&new.declaration_number, "the declaration's number")?;
        let authority = require(&new.authority, "the declaring authority")?;
        if new.waiver_end < new.waiver_start {
            return Err(Error::Invalid("The procurement waiver cannot end before it starts.".into()));
        }
        let rules = new.rules.clone().unwrap_or_default();
        let at = self.clock().now();
        let stamp = audit::stamp(at);
        let tx = self.conn_mut().transaction()?;
        if new.activate {
            deactivate_all(&tx, at, &actor)?;
        }
        tx.execute(
            "INSERT INTO incidents (name, kind, declaration_number, declared_on, authority, waiver_start, waiver_end,
                 fema_disaster, projects, rules, active, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '[]', ?9, ?10, ?11, ?11)",
            params![
                name,
                kind,
                declaration,
                new.declared_on.to_string(),
                authority,
                new.waiver_start.to_string(),
                new.waiver_end.to_string(),
                new.fema_disaster.as_deref().map(str::trim).filter(|f| !f.is_empty()),
                serde_json::to_string(&rules).expect("serialises"),
                new.activate,
                stamp,
            ],
        )?;
        let id = tx.last_insert_rowid();
        record(&tx, id, at, &actor, "incident_declared", json!(new))?;
        let incident = incident_by_id(&tx, id)?;
        tx.commit()?;
        Ok(incident)
    }

    /// Changes an incident in one transaction with its history entry.
    fn change_incident(
        &mut self,
        id: i64,
        actor: &str,
        action: &str,
        change: impl FnOnce(&rusqlite::Transaction, &Incident, DateTime<Utc>) -> Result<serde_json::Value>,
    ) -> Result<Incident> {
        if actor.trim().is_empty() {
            return Err(Error::NoActor);
        }
        let actor = actor.trim().to_owned();
        let at = self.clock().now();
        let tx = self.conn_mut().transaction()?;
        let incident = incident_by_id(&tx, id)?;
        let detail = change(&tx, &incident, at)?;
        tx.execute("UPDATE incidents SET updated_at = ?1 WHERE id = ?2", params![audit::stamp(at), id])?;
        record(&tx, id, at, &actor, action, detail)?;
        let incident = incident_by_id(&tx, id)?;
        tx.commit()?;
        Ok(incident)
    }

    /// Records an event (a packet printed) in the incident's history.
    pub(crate) fn record_incident_event(
        &mut self,
        id: i64,
        action: &str,
        detail: serde_json::Value,
        actor: &str,
    ) -> Result<Incident> {
        self.change_incident(id, actor, action, |_, _, _| Ok(detail))
    }

    /// The incident's history, oldest first.
    pub fn incident_history(&self, id: i64) -> Result<Vec<audit::HistoryEntry>> {
        audit::of(self.conn(), Subject::new(KIND, id))
    }

    /// Makes `id` the active incident (and no other).
    pub fn activate_incident(&mut self, id: i64, actor: &str) -> Result<Incident> {
        let by = actor.to_owned();
        self.change_incident(id, actor, "incident_activated", |tx, i, at| {
            if i.closed_on.is_some() {
                return Err(Error::InvalidState(format!("{} is closed; declare a new incident instead.", i.name)));
            }
            deactivate_all(tx, at, &by)?;
            tx.execute("UPDATE incidents SET active = 1 WHERE id = ?1", [i.id])?;
            Ok(json!({}))
        })
    }

    /// Extends (renews) the procurement waiver to `until`.
    pub fn extend_waiver(&mut self, id: i64, until: NaiveDate, reason: &str, actor: &str) -> Result<Incident> {
        self.change_incident(id, actor, "waiver_extended", |tx, i, _| {
            if until <= i.waiver_end {
                return Err(Error::Invalid(format!(
                    "The waiver already runs to {}; an extension must go past it.",
                    i.waiver_end
                )));
            }
            tx.execute("UPDATE incidents SET waiver_end = ?1 WHERE id = ?2", params![until.to_string(), i.id])?;
            Ok(json!({ "waiver_end": { "was": i.waiver_end, "now": until }, "reason": reason.trim() }))
        })
    }

    /// Records FEMA's disaster number once known.
    pub fn set_fema_disaster(&mut self, id: i64, number: &str, actor: &str) -> Result<Incident> {
        let number = require(number, "a FEMA disaster number such as DR-4999-FL")?;
        self.change_incident(id, actor, "fema_disaster_set", |tx, i, _| {
            tx.execute("UPDATE incidents SET fema_disaster = ?1 WHERE id = ?2", params![number, i.id])?;
            Ok(json!({ "was": i.fema_disaster, "now": number }))
        })
    }

    /// Adds a FEMA project (worksheet) number purchases can be charged to.
    pub fn add_project(&mut self, id: i64, project: &Project, actor: &str) -> Result<Incident> {
        let number = require(&project.number, "a project number")?;
        self.change_incident(id, actor, "project_added", |tx, i, _| {
            if i.projects.iter().any(|p| p.number == number) {
                return Err(Error::Conflict(format!("Project {number} is already on {}.", i.name)));
            }
            let mut projects = i.projects.clone();
            projects.push(Project { number: number.clone(), title: project.title.trim().to_owned() });
            tx.execute(
                "UPDATE incidents SET projects = ?1 WHERE id = ?2",
                params![serde_json::to_string(&projects).expect("serialises"), i.id],
            )?;
            Ok(json!({ "project": number, "title": project.title.trim() }))
        })
    }

    /// Closes an incident: it is no longer active; its records stay.
    pub fn close_incident(&mut self, id: i64, on: NaiveDate, actor: &str) -> Result<Incident> {
        self.change_incident(id, actor, "incident_closed", |tx, i, _| {
            if i.closed_on.is_some() {
                return Err(Error::InvalidState(format!("{} is already closed.", i.name)));
            }
            tx.execute("UPDATE incidents SET active = 0, closed_on = ?1 WHERE id = ?2", params![on.to_string(), i.id])?;
            Ok(json!({ "closed_on": on }))
        })
    }
}

/// Deactivates whichever incident is active, recording it.
fn deactivate_all(tx: &rusqlite::Transaction, at: DateTime<Utc>, actor: &str) -> Result<()> {
    let active: Option<i64> = tx.query_row("SELECT id FROM incidents WHERE active = 1", [], |r| r.get(0)).optional()?;
    if let Some(id) = active {
        tx.execute("UPDATE incidents SET active = 0, updated_at = ?1 WHERE id = ?2", params![audit::stamp(at), id])?;
        record(tx, id, at, actor, "incident_deactivated", json!({}))?;
    }
    Ok(())
}

/// Takes in an incident shared from another laptop of the office: a new one
/// is added (active when it is and nothing else is active here), a known
/// one (`existing`) gets the declaring laptop's waiver, FEMA number,
/// projects and closing. Recorded in its history as `actor`'s, with
/// `detail`. Returns its id here.
pub(crate) fn take_in_shared(
    tx: &Connection,
    existing: Option<i64>,
    incident: &Incident,
    at: DateTime<Utc>,
    actor: &str,
    detail: serde_json::Value,
) -> Result<i64> {
    let (declared, start, end) =
        (incident.declared_on.to_string(), incident.waiver_start.to_string(), incident.waiver_end.to_string());
    let projects = serde_json::to_string(&incident.projects).expect("serialises");
    let rules = serde_json::to_string(&incident.rules).expect("serialises");
    let closed = incident.closed_on.map(|d| d.to_string());
    let stamp = audit::stamp(at);
    // ?1 to ?12 are the declaring laptop's fields, the same in both
    // statements; ?13 is the incident here, or whether a new one is active.
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![
        &incident.name,
        &incident.kind,
        &incident.declaration_number,
        &declared,
        &incident.authority,
        &start,
        &end,
        &incident.fema_disaster,
        &projects,
        &rules,
        &closed,
        &stamp,
    ];
    let id = match existing {
        Some(id) => {
            values.push(&id);
            tx.execute(
                "UPDATE incidents SET name = ?1, kind = ?2, declaration_number = ?3, declared_on = ?4, authority = ?5,
                     waiver_start = ?6, waiver_end = ?7, fema_disaster = ?8, projects = ?9, rules = ?10,
                     closed_on = ?11, active = CASE WHEN ?11 IS NULL THEN active ELSE 0 END, updated_at = ?12
                 WHERE id = ?13",
                values.as_slice(),
            )?;
            id
        }
        None => {
            let none_active: bool =
                tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM incidents WHERE active = 1)", [], |r| r.get(0))?;
            let active = incident.active && incident.closed_on.is_none() && none_active;
            values.push(&active);
            tx.execute(
                "INSERT INTO incidents (name, kind, declaration_number, declared_on, authority, waiver_start, waiver_end,
                     fema_disaster, projects, rules, closed_on, created_at, updated_at, active)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)",
                values.as_slice(),
            )?;
            tx.last_insert_rowid()
        }
    };
    record(tx, id, at, actor, "incident_shared_in", detail)?;
    Ok(id)
}
