//! The office: laptops of one purchasing office sharing a signed history on
//! a PostgreSQL server. Each person has their own key on their own machine
//! (`identity`); every shared change is an event its author signs
//! (`event`); every laptop verifies every event in the server's order
//! against the roster in force when it was written (`roster`, pure); the
//! server only stores and orders (`server`); the laptop's SQLite file keeps
//! what it verified and what waits to be sent (`local`), and `sync`
//! exchanges the two; `handover` carries waiting events between laptops on
//! a file when the network is down. The server is never trusted: a row changed, removed
//! or forged there is named by every laptop, never applied.
//!
//! Without an office none of this runs: one person on one laptop works as
//! before.

pub mod event;
mod files;
mod handover;
pub mod identity;
mod incidents;
mod local;
mod requisitions;
pub mod roster;
pub mod server;
mod sync;
mod watch;

pub use event::Decision;
pub use event::{Change, Person, Role};
pub use handover::HandoverReport;
pub use identity::{
    fingerprint, keyring_available, normalise_fingerprint, passphrase_from_env, Identity, KeyProtection,
    KEYRING_VARIABLE, PASSPHRASE_VARIABLE,
};
pub use local::{RosterEntry, SharedConflict, SharedRequisition};
pub use requisitions::{Inbox, SharedEdit, INBOX_LATEST};
pub use roster::SharedStatus;
pub use sync::OfficeSyncReport;
pub use watch::POLL;

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::money::Cents;
use crate::store::Store;
use event::{Envelope, SignedEvent};
use local::Membership;
use server::Server;

/// Runs one piece of the office's network work to its end from code that
/// is not async, on a runtime of its own.
fn block_on<T>(work: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("the network runtime: {e}")))?
        .block_on(work)
}

/// A change is kept and signed whether or not the server answers: it is
/// sent now when it can be, and waits for a later sync when not.
fn sync_if_reachable(result: Result<OfficeSyncReport>) -> Result<()> {
    match result {
        Ok(_) | Err(Error::OfficeUnreachable(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// A random id: 128 bits as hex.
fn new_id() -> String {
    let bytes: [u8; 16] = rand::random();
    crate::digest::hex(&bytes)
}

/// Where this laptop stands with its office.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfficeStatus {
    pub office_id: String,
    pub name: String,
    pub url: String,
    /// This person's key, as they read it out to the administrator.
    pub fingerprint: String,
    /// Whether the key is kept in this computer's keyring (no passphrase
    /// to type when signing).
    pub key_in_keyring: bool,
    /// This person on the verified roster; None until admitted.
    pub me: Option<RosterEntry>,
    /// The founder's fingerprint, to compare with the administrator's own.
    pub founder: Option<String>,
    /// This laptop's changes that wait to be sent.
    pub waiting: u64,
    pub last_contact: Option<Timestamp>,
    /// Events received and verified.
    pub events: u64,
    /// The history head: laptops with the same head hold the same history.
    pub head: String,
    /// What the last sync refused to accept from the server, if anything.
    pub problem: Option<String>,
    /// Events refused and rows rejected, each with its reason.
    pub refused: Vec<String>,
}

/// The office as the window shows it: nothing when this database is in no
/// office.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfficeOverview {
    pub status: Option<OfficeStatus>,
    pub people: Vec<RosterEntry>,
}

/// The roster change an administrator makes for one person.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Admission {
    /// The name to give; without it, the one they asked to join under (or
    /// the one they have).
    pub name: Option<String>,
    pub title: Option<String>,
    pub roles: Vec<Role>,
    pub approval_limit: Option<Cents>,
    pub departments: Vec<String>,
}

/// Someone who asked to join and is not on the roster yet, as the server
/// lists them: an administrator compares the fingerprint with the one the
/// person reads out before admitting it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JoinRequest {
    pub fingerprint: String,
    /// The name they asked to join under (their own words, unchecked).
    pub name: String,
}

/// What a full check of the server's history found.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfficeVerifyReport {
    /// Events on the server, all checked.
    pub events: u64,
    pub head: String,
    /// Everything wrong, each named; empty when all is well.
    pub problems: Vec<String>,
}

impl Store {
    /// Creates an office on the PostgreSQL server at `url` (setting up its
    /// schema there) with this person as its first administrator, and makes
    /// this database its first laptop.
    pub fn office_init(
        &mut self,
        url: &str,
        office_name: &str,
        my_name: &str,
        protection: &KeyProtection,
    ) -> Result<OfficeStatus> {
        self.refuse_second_office()?;
        server::check_address(url)?;
        let name = office_name.trim();
        if name.is_empty() || name.chars().count() > crate::model::limits::SHORT_TEXT {
            return Err(Error::Invalid("Give the office a name of 1 to 200 characters.".into()));
        }
        let identity = self.office_identity_new(protection)?;
        let founder = Person {
            key: identity.public_key.clone(),
            name: my_name.trim().to_owned(),
            title: String::new(),
            roles: vec![Role::Administrator],
            approval_limit: None,
            departments: vec![],
            active: true,
        };
        founder.validate().map_err(|why| Error::Invalid(format!("Your entry on the roster is not usable: {why}.")))?;
        let m = Membership::new(new_id(), name, url, &identity.public_key, self.clock().now().into());
        block_on(async {
            let mut server = Server::connect(&m.url).await?;
            server.migrate().await?;
            server.create_office(&m.office_id, &m.name).await?;
            let tx = self.conn_mut().transaction()?;
            local::insert_membership(&tx, &m)?;
            tx.commit()?;
            self.sign_and_keep(&identity, &m, Change::OfficeCreated { name: m.name.clone(), founder })?;
            self.exchange(&mut server).await
        })?;
        self.office_status()
    }

    /// Joins the office on the server at `url` (the only one there, or the
    /// one named `office`): makes this person's key, asks to be admitted,
    /// and takes in the office's history.
    pub fn office_join(
        &mut self,
        url: &str,
        office: Option<&str>,
        my_name: &str,
        protection: &KeyProtection,
    ) -> Result<OfficeStatus> {
        self.refuse_second_office()?;
        server::check_address(url)?;
        let my_name = my_name.trim();
        if my_name.is_empty() || my_name.chars().count() > crate::model::limits::SHORT_TEXT {
            return Err(Error::Invalid("Give your name as the office should know you (1 to 200 characters).".into()));
        }
        block_on(async {
            let mut server = Server::connect(url).await?;
            server.check_schema().await?;
            let offices = server.offices().await?;
            let (office_id, office_name) = match office {
                Some(wanted) => offices
                    .iter()
                    .find(|(id, name)| id == wanted.trim() || name.eq_ignore_ascii_case(wanted.trim()))
                    .cloned()
                    .ok_or_else(|| Error::not_found_on("office", wanted, "that server"))?,
                None if offices.len() == 1 => offices[0].clone(),
                None if offices.is_empty() => {
                    return Err(Error::Invalid("That server holds no office yet: create one with office init.".into()))
                }
                None => {
                    let names: Vec<&str> = offices.iter().map(|(_, n)| n.as_str()).collect();
                    return Err(Error::Invalid(format!(
                        "That server holds several offices ({}); name the one to join.",
                        names.join(", ")
                    )));
                }
            };
            let identity = self.office_identity_new(protection)?;
            let m = Membership::new(office_id, &office_name, url, &identity.public_key, self.clock().now().into());
            server.request_to_join(&m.office_id, &m.person_key, my_name).await?;
            local::insert_membership(self.conn(), &m)?;
            self.exchange(&mut server).await
        })?;
        self.office_status()
    }

    /// Admits the person whose key has `fingerprint` (they asked to join,
    /// or are on the roster already) with the roles and limits given, as a
    /// roster change this administrator signs. Sent at once when the server
    /// answers; otherwise it waits.
    pub fn office_admit(&mut self, fingerprint: &str, admission: &Admission, passphrase: &str) -> Result<OfficeStatus> {
        let m = local::require(self.conn())?;
        let wanted = normalise_fingerprint(fingerprint);
        let roster = local::people(self.conn())?;
        let existing = roster.iter().find(|e| e.fingerprint == wanted).map(|e| e.person.clone());
        let (key, asked_name) = match &existing {
            Some(p) => (p.key.clone(), p.name.clone()),
            None => block_on(async {
                let server = Server::connect(&m.url).await?;
                let requests = server.join_requests(&m.office_id).await?;
                requests.into_iter().find(|(key, _)| identity::fingerprint(key) == wanted).ok_or_else(|| {
                    Error::not_found_on("request to join with the fingerprint", &wanted, "the office server")
                })
            })?,
        };
        let person = Person {
            key,
            name: admission.name.clone().map(|n| n.trim().to_owned()).unwrap_or(asked_name),
            title: admission.title.clone().or_else(|| existing.as_ref().map(|p| p.title.clone())).unwrap_or_default(),
            roles: {
                let mut roles = admission.roles.clone();
                roles.sort();
                roles.dedup();
                roles
            },
            approval_limit: admission.approval_limit,
            departments: admission.departments.iter().map(|d| d.trim().to_owned()).collect(),
            active: true,
        };
        person.validate().map_err(|why| Error::Invalid(format!("That roster entry is not usable: {why}.")))?;
        self.roster_change(&m, person, passphrase)
    }

    /// Those who asked the office's server to join and are not on the roster
    /// yet; needs the server.
    pub fn office_join_requests(&self) -> Result<Vec<JoinRequest>> {
        let m = local::require(self.conn())?;
        let known: std::collections::HashSet<String> =
            local::people(self.conn())?.into_iter().map(|e| e.person.key).collect();
        let requests = block_on(async { Server::connect(&m.url).await?.join_requests(&m.office_id).await })?;
        Ok(requests
            .into_iter()
            .filter(|(key, _)| !known.contains(key))
            .map(|(key, name)| JoinRequest {
                fingerprint: identity::fingerprint(&key),
                name: name.chars().filter(|c| !c.is_control()).take(crate::model::limits::SHORT_TEXT).collect(),
            })
            .collect())
    }

    /// Removes the person whose key has `fingerprint` from the office: their
    /// later events are refused by every laptop.
    pub fn office_remove(&mut self, fingerprint: &str, passphrase: &str) -> Result<OfficeStatus> {
        let m = local::require(self.conn())?;
        let wanted = normalise_fingerprint(fingerprint);
        let entry = local::people(self.conn())?
            .into_iter()
            .find(|e| e.fingerprint == wanted)
            .ok_or_else(|| Error::not_found_on("person with the fingerprint", &wanted, "the roster"))?;
        let person = Person { active: false, ..entry.person };
        self.roster_change(&m, person, passphrase)
    }

    fn roster_change(&mut self, m: &Membership, person: Person, passphrase: &str) -> Result<OfficeStatus> {
        let identity = Identity::unlock(self.path(), passphrase)?;
        self.sign_checked(&identity, m, Change::RosterChanged { person })?;
        sync_if_reachable(self.office_sync())?;
        self.office_status()
    }

    /// The roster as this laptop verified it.
    pub fn office_people(&self) -> Result<Vec<RosterEntry>> {
        local::require(self.conn())?;
        local::people(self.conn())
    }

    /// In an office, the approvers on its roster for `department`; outside
    /// one, nothing (the purchasing settings' list applies).
    pub(crate) fn office_approvers(&self, department: &str) -> Result<Option<Vec<crate::orders::Approver>>> {
        if !self.in_office()? {
            return Ok(None);
        }
        Ok(Some(
            local::people(self.conn())?
                .into_iter()
                .map(|e| e.person)
                .filter(|p| p.has(Role::Approver))
                .filter(|p| {
                    p.departments.is_empty()
                        || p.departments.iter().any(|d| d.trim().eq_ignore_ascii_case(department.trim()))
                })
                .map(|p| crate::orders::Approver { name: p.name, title: p.title, limit: p.approval_limit })
                .collect(),
        ))
    }

    /// Whether this database belongs to an office.
    pub fn in_office(&self) -> Result<bool> {
        Ok(local::membership(self.conn())?.is_some())
    }

    /// The office's status and roster, or nothing outside an office; works
    /// offline.
    pub fn office_overview(&self) -> Result<OfficeOverview> {
        if local::membership(self.conn())?.is_none() {
            return Ok(OfficeOverview { status: None, people: vec![] });
        }
        Ok(OfficeOverview { status: Some(self.office_status()?), people: local::people(self.conn())? })
    }

    /// Where this laptop stands with its office; works offline.
    pub fn office_status(&self) -> Result<OfficeStatus> {
        let m = local::require(self.conn())?;
        let people = local::people(self.conn())?;
        let founder: Option<String> = self
            .conn()
            .query_row(
                "SELECT author FROM office_events WHERE server_seq IS NOT NULL AND refused IS NULL ORDER BY server_seq LIMIT 1",
                [],
                |r| r.get::<_, String>(0),
            )
            .ok()
            .map(|k| identity::fingerprint(&k));
        let events: i64 = self.conn().query_row("SELECT events_received FROM office WHERE id = 1", [], |r| r.get(0))?;
        Ok(OfficeStatus {
            fingerprint: identity::fingerprint(&m.person_key),
            key_in_keyring: identity::in_keyring(self.path()),
            me: people.into_iter().find(|e| e.person.key == m.person_key),
            founder,
            waiting: local::waiting_count(self.conn())?,
            last_contact: m.last_contact,
            events: events as u64,
            head: m.head,
            problem: m.problem,
            refused: local::refusals(self.conn())?
                .into_iter()
                .map(|(seq, why)| format!("#{seq}: {why}"))
                .chain(files::problems(self.conn())?)
                .collect(),
            office_id: m.office_id,
            name: m.name,
            url: m.url,
        })
    }

    /// Reads the whole history on the server and checks every event again
    /// from the first, against what this laptop received: anything changed,
    /// removed, slipped in or forged is named.
    pub fn office_verify(&self) -> Result<OfficeVerifyReport> {
        let m = local::require(self.conn())?;
        let ours = local::received(self.conn())?;
        block_on(async {
            let server = Server::connect(&m.url).await?;
            server.check_schema().await?;
            let mut rows = Vec::new();
            let mut after = 0;
            loop {
                let page = server.pull(&m.office_id, after, 5_000).await?;
                let done = page.len() < 5_000;
                if let Some(last) = page.last() {
                    after = last.seq;
                }
                rows.extend(page);
                if done {
                    break;
                }
            }
            let mut report = OfficeVerifyReport::default();
            let mut roster = roster::Roster::new(&m.office_id);
            for row in &rows {
                if let Err(refusal) = roster.take(&row.event) {
                    report.problems.push(format!("#{}: {}", row.seq, refusal.reason));
                }
            }
            let on_server: std::collections::HashMap<i64, &str> =
                rows.iter().map(|r| (r.seq, r.event.id.as_str())).collect();
            for (seq, event) in &ours {
                match on_server.get(seq) {
                    None => report.problems.push(format!(
                        "#{seq}: an event this laptop received is gone from the server (deleted, or the server \
                         was restored from an older copy)"
                    )),
                    Some(id) if *id != event.id => report.problems.push(format!(
                        "#{seq}: the server's event is not the one this laptop received: it was changed"
                    )),
                    Some(_) => {}
                }
            }
            let known: std::collections::HashSet<i64> = ours.iter().map(|(s, _)| *s).collect();
            let rejected: std::collections::HashSet<i64> =
                local::refusals(self.conn())?.into_iter().map(|(s, _)| s).collect();
            for row in rows.iter().filter(|r| r.seq <= m.pulled_seq) {
                if !known.contains(&row.seq) && !rejected.contains(&row.seq) {
                    report.problems.push(format!(
                        "#{}: an event was slipped in among those this laptop already received",
                        row.seq
                    ));
                }
            }
            report.events = rows.len() as u64;
            report.head = roster.head;
            report.problems.sort();
            report.problems.dedup();
            Ok(report)
        })
    }

    /// Brings the office server's schema up to this coopdesk's (as the
    /// database's owner, whose password is in `PGPASSWORD`): the address
    /// given, or this laptop's office.
    pub fn office_upgrade_server(&self, url: Option<&str>) -> Result<i32> {
        let url = match url {
            Some(u) => u.to_owned(),
            None => local::require(self.conn())?.url,
        };
        block_on(async {
            let mut server = Server::connect(&url).await?;
            let before = server.schema_version().await?;
            if before == 0 {
                return Err(Error::Invalid(
                    "That PostgreSQL database holds no coopdesk office: create one there with office init.".into(),
                ));
            }
            server.migrate().await?;
            Ok(server::SCHEMA_VERSION)
        })
    }

    fn refuse_second_office(&self) -> Result<()> {
        if let Some(m) = local::membership(self.conn())? {
            return Err(Error::Conflict(format!(
                "This database already belongs to the office '{}'; one database belongs to one office.",
                m.name
            )));
        }
        Ok(())
    }

    /// A new key for this database, or the one made by an earlier attempt
    /// that did not finish.
    fn office_identity_new(&self, protection: &KeyProtection) -> Result<Identity> {
        if identity::key_path(self.path()).exists() {
            let pass = match protection {
                KeyProtection::Passphrase(p) => p.as_str(),
                KeyProtection::Keyring => "",
            };
            Identity::unlock(self.path(), pass)
        } else {
            Identity::create_protected(self.path(), protection)
        }
    }

    /// Whether this database's office key is kept in the OS keyring, so
    /// that signing needs no passphrase.
    pub fn office_key_in_keyring(&self) -> bool {
        identity::in_keyring(self.path())
    }

    fn signed(&self, identity: &Identity, m: &Membership, change: Change) -> Result<SignedEvent> {
        let (device_seq, prev) = local::device_next(self.conn(), &m.device)?;
        let envelope = Envelope {
            office: m.office_id.clone(),
            author: identity.public_key.clone(),
            device: m.device.clone(),
            device_seq,
            prev,
            at: self.clock().now().into(),
            change,
        };
        SignedEvent::sign(&envelope, identity)
    }

    fn sign_and_keep(&mut self, identity: &Identity, m: &Membership, change: Change) -> Result<()> {
        let event = self.signed(identity, m, change)?;
        local::insert_waiting(self.conn(), &event)
    }
}
