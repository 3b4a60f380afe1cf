//! A shared change as its author signed it. The envelope says which office,
//! who (the author's public key), from which device and where in that
//! device's chain (its number and the id of the device's previous event),
//! when, and what changed. The envelope's exact bytes are what is signed
//! and stored; its id is their SHA-256, so a changed byte is a different
//! event whose signature no longer verifies.

use super::identity::{self, Identity};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::model::limits;
use crate::money::Cents;
use serde::{Deserialize, Serialize};

/// The largest envelope accepted from anywhere: a roster change is a few
/// hundred bytes and a shared requisition of a few hundred lines, with the
/// catalog evidence each line keeps, well under this; the bound keeps a
/// hostile server from handing out more.
pub const MAX_ENVELOPE: usize = 2 * 1024 * 1024;

/// What a person may do in the office.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Requester,
    /// Approves requisitions up to their limit (and in their departments).
    Approver,
    /// Issues purchase orders.
    Purchasing,
    /// The second approval when the settings ask for one; pays.
    Finance,
    /// Admits people and changes their roles.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Requester, Role::Approver, Role::Purchasing, Role::Finance, Role::Administrator];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Requester => "requester",
            Role::Approver => "approver",
            Role::Purchasing => "purchasing",
            Role::Finance => "finance",
            Role::Administrator => "administrator",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let want = s.trim().to_lowercase();
        Role::ALL.into_iter().find(|r| r.as_str() == want).ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            format!("'{s}' is not a role; the roles are {}", names.join(", "))
        })
    }
}

/// A person on the office's roster, as an administrator last set them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Person {
    /// Their public key (minisign, base64): who they are to every laptop.
    pub key: String,
    pub name: String,
    pub title: String,
    pub roles: Vec<Role>,
    /// The most they may approve; required for approvers.
    pub approval_limit: Option<Cents>,
    /// The departments they approve for; empty means all.
    pub departments: Vec<String>,
    /// False once removed: their later events are refused.
    pub active: bool,
}

impl Person {
    pub fn has(&self, role: Role) -> bool {
        self.active && self.roles.contains(&role)
    }

    /// Checks the record against the bounds every laptop holds it to.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let text = |what: &str, v: &str, max: usize, required: bool| -> std::result::Result<(), String> {
            if required && v.trim().is_empty() {
                return Err(format!("the {what} is empty"));
            }
            if v.chars().count() > max || v.chars().any(char::is_control) {
                return Err(format!("the {what} is longer than {max} characters or holds control characters"));
            }
            Ok(())
        };
        text("name", &self.name, limits::SHORT_TEXT, true)?;
        text("title", &self.title, limits::SHORT_TEXT, false)?;
        text("key", &self.key, 100, true)?;
        if minisign_verify::PublicKey::from_base64(&self.key).is_err() {
            return Err("the key is not a public key".into());
        }
        if self.roles.is_empty() {
            return Err(format!("{} has no role", self.name));
        }
        if self.roles.contains(&Role::Approver) && self.approval_limit.is_none_or(|l| l.0 <= 0) {
            return Err(format!("{} is an approver, so needs a dollar limit above zero", self.name));
        }
        if self.approval_limit.is_some_and(|l| l.0 > limits::MAX_CENTS) {
            return Err("the approval limit is beyond any price coopdesk holds".into());
        }
        if self.departments.len() > limits::LIST {
            return Err("too many departments".into());
        }
        for d in &self.departments {
            text("department", d, limits::SHORT_TEXT, true)?;
        }
        Ok(())
    }
}

/// What an event changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The office's first event: its name, and its founder, the first
    /// administrator, who signs it.
    OfficeCreated { name: String, founder: Person },
    /// A person admitted, changed, or removed (`active: false`), signed by
    /// an administrator.
    RosterChanged { person: Person },
    /// A requisition its requester shares for approval, whole: its version
    /// is the hash of exactly this state. Shared again after a change, it
    /// is a new version, and approvals of the old one no longer count.
    RequisitionSubmitted {
        requisition: Box<crate::orders::Requisition>,
        /// The office version the requester's copy was made from (None the
        /// first time): shared from an older one than the office holds, it
        /// is a conflict for a person to resolve, not an overwrite.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base: Option<String>,
    },
    /// A colleague's change to a shared requisition (its lines or header),
    /// made from version `base`; or, with `resolves`, a person's resolution
    /// of two versions in conflict, naming the other one.
    RequisitionEdited {
        origin: String,
        number: String,
        base: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resolves: Option<String>,
        requisition: Box<crate::orders::Requisition>,
    },
    /// A decision on one version of a shared requisition, which the event
    /// names by the device it came from, its number and its version.
    RequisitionDecided { origin: String, number: String, version: String, decision: Decision },
    /// An incident as the laptop that declared it holds it now (declared,
    /// its waiver extended, FEMA's number, projects, closed), shared by
    /// purchasing or an administrator so that everyone can buy under it.
    /// `key` is that laptop's device id and the incident's number there.
    IncidentShared { key: String, incident: Box<crate::emergency::Incident> },
    /// The office's rules, set by an administrator: from what total a
    /// requisition needs finance's second approval before it is ordered
    /// (None: never).
    RulesChanged { finance_approval_from: Option<Cents> },
}

/// What someone decided about a shared requisition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Approved by an approver whose limit covers it (and whose departments
    /// include it), who is not its requester.
    Approved,
    /// Sent back to the requester with a note.
    Returned { note: String },
    /// Purchasing issued the purchase order: its number is unique in the
    /// office.
    Ordered { po_number: String },
    /// Approved by the governing board, for a purchase above what any
    /// approver may approve: the meeting and agenda item, recorded (and
    /// signed) by purchasing or an administrator.
    BoardApproved { meeting: chrono::NaiveDate, agenda_item: String },
    /// Finance's second approval, by someone other than the requester and
    /// the approver, when the office's rules ask for one.
    FinanceApproved,
    /// Goods received, by the requester or purchasing: `(line, quantity)`
    /// pairs, or every outstanding line in full when empty.
    Received { receipts: Vec<(u32, u32)> },
    /// Canceled, with the reason, by the requester, purchasing or an
    /// administrator. It stays on file.
    Canceled { reason: String },
}

/// The signed part of an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub office: String,
    /// The author's public key.
    pub author: String,
    /// The device the author wrote it on, and its place in that device's
    /// chain: 1 for the device's first event.
    pub device: String,
    pub device_seq: u64,
    /// The id of the device's previous event (None for its first).
    pub prev: Option<String>,
    pub at: Timestamp,
    pub change: Change,
}

/// An event as it is stored and sent: the envelope's exact text, its id,
/// its signature, and the columns a server indexes it by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedEvent {
    pub id: String,
    pub device: String,
    pub device_seq: u64,
    pub author: String,
    pub envelope: String,
    pub signature: String,
}

impl SignedEvent {
    /// Signs `envelope` as `identity`, who must be its author.
    pub fn sign(envelope: &Envelope, identity: &Identity) -> Result<SignedEvent> {
        if envelope.author != identity.public_key {
            return Err(Error::internal("an event signed by someone other than its author"));
        }
        let text = serde_json::to_string(envelope).map_err(Error::internal)?;
        let id = crate::digest::sha256_hex(text.as_bytes());
        let signature = identity.sign_event(&id);
        Ok(SignedEvent {
            id,
            device: envelope.device.clone(),
            device_seq: envelope.device_seq,
            author: envelope.author.clone(),
            envelope: text,
            signature,
        })
    }

    /// Opens many events at once, on every core: verifying signatures is
    /// most of what taking in an office's history costs.
    pub fn open_all(events: &[&SignedEvent]) -> Vec<std::result::Result<Envelope, String>> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        let open = |part: &[&SignedEvent]| {
            let mut verifier = identity::EventVerifier::default();
            part.iter().map(|e| e.open_with(&mut verifier)).collect::<Vec<_>>()
        };
        if threads < 2 || events.len() < 64 {
            return open(events);
        }
        let chunk = events.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = events.chunks(chunk).map(|part| s.spawn(move || open(part))).collect();
            handles.into_iter().flat_map(|h| h.join().expect("an event verification thread panicked")).collect()
        })
    }

    /// The envelope, if the event is what it claims: its id is the hash of
    /// its text, its columns agree with the text, and the author signed it.
    /// Otherwise what is wrong, in words for the office's administrator.
    pub fn open(&self) -> std::result::Result<Envelope, String> {
        self.open_with(&mut identity::EventVerifier::default())
    }

    fn open_with(&self, verifier: &mut identity::EventVerifier) -> std::result::Result<Envelope, String> {
        let short = self.id.get(..12).unwrap_or(&self.id);
        if self.envelope.len() > MAX_ENVELOPE {
            return Err(format!("event {short} is larger than any event coopdesk writes"));
        }
        if crate::digest::sha256_hex(self.envelope.as_bytes()) != self.id {
            return Err(format!("event {short} was altered: its content no longer matches its id"));
        }
        let envelope: Envelope = serde_json::from_str(&self.envelope)
            .map_err(|e| format!("event {short} is not an event coopdesk can read ({e})"))?;
        if envelope.author != self.author || envelope.device != self.device || envelope.device_seq != self.device_seq {
            return Err(format!("event {short} was altered: its author or device columns disagree with its content"));
        }
        if !verifier.verify(&envelope.author, self.envelope.as_bytes(), &self.id, &self.signature) {
            return Err(format!(
                "event {short} has a forged signature: it is not signed by the key {} it names",
                identity::fingerprint(&envelope.author)
            ));
        }
        Ok(envelope)
    }
}
