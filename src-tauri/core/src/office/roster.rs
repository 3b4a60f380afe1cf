//! The rules every laptop holds each shared event to, in the server's
//! order, with no input or output: a pure fold over the history. An event is
//! taken only if it is genuine (see `SignedEvent::open`), belongs to this
//! office, continues its device's chain, and its author was admitted, still
//! active, and held the role its change needs when it was written. Anything
//! else is refused with the reason, and the state is left as it was.

use super::event::{Change, Decision, Envelope, Person, Role, SignedEvent};
use super::identity::fingerprint;
use crate::money::Cents;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Where a shared requisition stands in the office.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SharedStatus {
    /// Shared while still a draft, for colleagues to work on with its
    /// requester; nobody decides on it until it is submitted.
    Draft,
    Submitted,
    Approved,
    Returned,
    Ordered,
    PartiallyReceived,
    Received,
    Canceled,
}

impl SharedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SharedStatus::Draft => "draft",
            SharedStatus::Submitted => "submitted",
            SharedStatus::Approved => "approved",
            SharedStatus::Returned => "returned",
            SharedStatus::Ordered => "ordered",
            SharedStatus::PartiallyReceived => "partially_received",
            SharedStatus::Received => "received",
            SharedStatus::Canceled => "canceled",
        }
    }

    pub fn from_stored(text: &str) -> SharedStatus {
        [
            SharedStatus::Draft,
            SharedStatus::Approved,
            SharedStatus::Returned,
            SharedStatus::Ordered,
            SharedStatus::PartiallyReceived,
            SharedStatus::Received,
            SharedStatus::Canceled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .unwrap_or(SharedStatus::Submitted)
    }
}

/// A shared requisition as the office's rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedReq {
    /// The device it was written on, and its number there.
    pub origin: String,
    pub number: String,
    /// Its requester's key.
    pub owner: String,
    /// The hash of the version shared last.
    pub version: String,
    pub status: SharedStatus,
    pub total: Cents,
    pub department: String,
    /// Who approved the current version.
    pub approvals: Vec<String>,
    /// The key of the finance officer who gave the current version its
    /// second approval.
    pub finance_approval: Option<String>,
    pub po_number: Option<String>,
    /// What is still to be received: `(line, quantity)` for each line not
    /// received in full.
    pub outstanding: Vec<(u32, u32)>,
    /// Another version, made from an older one while apart, kept beside
    /// this one until a person resolves them: its hash and its author's key.
    pub conflict: Option<(String, String)>,
}

/// What each line still has to be received.
fn outstanding_of(requisition: &crate::orders::Requisition) -> Vec<(u32, u32)> {
    requisition
        .lines
        .iter()
        .filter(|l| l.received < l.quantity)
        .map(|l| (l.position, l.quantity - l.received))
        .collect()
}

impl SharedReq {
    /// Whether finance must approve it before it is ordered, under
    /// `finance_from`.
    pub fn needs_finance(&self, finance_from: Option<Cents>) -> bool {
        finance_from.is_some_and(|from| self.total >= from)
    }
}

/// The office as its verified history so far has left it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Roster {
    pub office: String,
    pub name: Option<String>,
    /// By public key.
    pub people: BTreeMap<String, Person>,
    /// Each device's last event: its number and id.
    devices: HashMap<String, (u64, String)>,
    /// A hash over every event taken, in order: equal heads, equal histories.
    pub head: String,
    pub events: u64,
    /// Shared requisitions by origin device and number.
    pub requisitions: BTreeMap<(String, String), SharedReq>,
    /// Purchase-order numbers issued in the office.
    po_numbers: HashSet<String>,
    /// From what total finance gives a second approval (the office's rule).
    pub finance_from: Option<Cents>,
}

/// The head after `id`, given the head before it.
pub fn next_head(head: &str, id: &str) -> String {
    crate::digest::sha256_hex(format!("{head}\n{id}").as_bytes())
}

impl Roster {
    pub fn new(office: &str) -> Roster {
        Roster { office: office.to_owned(), ..Default::default() }
    }

    /// The device's next number and the id it must name as its previous.
    pub fn device_next(&self, device: &str) -> (u64, Option<String>) {
        match self.devices.get(device) {
            Some((seq, id)) => (seq + 1, Some(id.clone())),
            None => (1, None),
        }
    }

    pub fn person(&self, key: &str) -> Option<&Person> {
        self.people.get(key)
    }

    /// Rebuilds the state from what a laptop already verified: its people,
    /// each device's last event, its head and count, and the PO numbers
    /// issued. Shared requisitions are added as events need them
    /// ([`Roster::insert_requisition`]): an office holds tens of thousands.
    #[allow(clippy::too_many_arguments)]
    pub fn resume(
        office: &str,
        name: Option<String>,
        finance_from: Option<Cents>,
        people: impl IntoIterator<Item = Person>,
        devices: impl IntoIterator<Item = (String, u64, String)>,
        head: String,
        events: u64,
        po_numbers: impl IntoIterator<Item = String>,
    ) -> Roster {
        Roster {
            office: office.to_owned(),
            name,
            people: people.into_iter().map(|p| (p.key.clone(), p)).collect(),
            devices: devices.into_iter().map(|(d, seq, id)| (d, (seq, id))).collect(),
            head,
            events,
            requisitions: BTreeMap::new(),
            po_numbers: po_numbers.into_iter().map(|p| po_key(&p)).collect(),
            finance_from,
        }
    }

    /// Adds a shared requisition's state as a laptop verified it, for the
    /// events that name it.
    pub fn insert_requisition(&mut self, r: SharedReq) {
        self.requisitions.insert((r.origin.clone(), r.number.clone()), r);
    }

    /// Checks `event` against everything before it and takes it in, or says
    /// why not. A refusal that is `genuine` (the author's own event, in its
    /// place, that the author was not allowed to make) still takes its place
    /// in the history and its device's chain, unapplied; any other refusal
    /// leaves the state exactly as it was.
    pub fn take(&mut self, event: &SignedEvent) -> Result<Envelope, Refusal> {
        self.take_opened(event, event.open())
    }

    /// [`Roster::take`] for an event already opened (see
    /// [`SignedEvent::open_all`], which opens many on every core).
    pub fn take_opened(&mut self, event: &SignedEvent, opened: Result<Envelope, String>) -> Result<Envelope, Refusal> {
        let not_genuine = |reason: String| Refusal { reason, genuine: false };
        let envelope = opened.map_err(not_genuine)?;
        let short = event.id.get(..12).unwrap_or(&event.id);
        if envelope.office != self.office {
            return Err(not_genuine(format!("event {short} belongs to another office")));
        }
        let (seq, prev) = self.device_next(&envelope.device);
        if envelope.device_seq != seq || envelope.prev != prev {
            return Err(not_genuine(format!(
                "event {short} breaks the chain of device {}: it is number {} where {seq} was due, so an event \
                 of that device is missing, repeated or out of order",
                envelope.device.get(..8).unwrap_or(&envelope.device),
                envelope.device_seq
            )));
        }
        let allowed = self.check(short, &envelope);
        self.devices.insert(envelope.device.clone(), (envelope.device_seq, event.id.clone()));
        self.head = next_head(&self.head, &event.id);
        self.events += 1;
        allowed.map_err(|reason| Refusal { reason, genuine: true })?;
        match &envelope.change {
            Change::OfficeCreated { name, founder } => {
                self.name = Some(name.clone());
                self.people.insert(founder.key.clone(), founder.clone());
            }
            Change::RosterChanged { person } => {
                self.people.insert(person.key.clone(), person.clone());
            }
            Change::RulesChanged { finance_approval_from } => {
                self.finance_from = *finance_approval_from;
            }
            Change::IncidentShared { .. } => {}
            Change::RequisitionSubmitted { requisition, base } => {
                let key = (envelope.device.clone(), requisition.number.clone());
                let version = crate::orders::history::state_hash(requisition);
                match (self.requisitions.get_mut(&key), base) {
                    (Some(prev), Some(base)) if *base != prev.version => {
                        prev.conflict = Some((version, envelope.author.clone()));
                    }
                    _ => {
                        self.requisitions.insert(
                            key,
                            SharedReq {
                                origin: envelope.device.clone(),
                                number: requisition.number.clone(),
                                owner: envelope.author.clone(),
                                version,
                                status: if requisition.status == crate::orders::Status::Draft {
                                    SharedStatus::Draft
                                } else {
                                    SharedStatus::Submitted
                                },
                                total: requisition.total(),
                                department: requisition.header.department.clone(),
                                approvals: vec![],
                                finance_approval: None,
                                po_number: None,
                                outstanding: outstanding_of(requisition),
                                conflict: None,
                            },
                        );
                    }
                }
            }
            Change::RequisitionEdited { origin, number, base, resolves, requisition } => {
                let req = self
                    .requisitions
                    .get_mut(&(origin.clone(), number.clone()))
                    .expect("checked: the requisition is shared");
                let version = crate::orders::history::state_hash(requisition);
                if resolves.is_some() || *base == req.version {
                    req.version = version;
                    req.total = requisition.total();
                    req.department = requisition.header.department.clone();
                    req.approvals.clear();
                    req.finance_approval = None;
                    if req.status == SharedStatus::Approved {
                        req.status = SharedStatus::Submitted;
                    }
                    req.outstanding = outstanding_of(requisition);
                    req.conflict = None;
                } else {
                    req.conflict = Some((version, envelope.author.clone()));
                }
            }
            Change::RequisitionDecided { origin, number, decision, .. } => {
                let req = self
                    .requisitions
                    .get_mut(&(origin.clone(), number.clone()))
                    .expect("checked: the requisition is shared");
                match decision {
                    Decision::Approved => {
                        req.status = SharedStatus::Approved;
                        req.approvals.push(envelope.author.clone());
                    }
                    Decision::Returned { .. } => {
                        req.status = SharedStatus::Returned;
                        req.approvals.clear();
                        req.finance_approval = None;
                    }
                    Decision::BoardApproved { .. } => {
                        req.status = SharedStatus::Approved;
                    }
                    Decision::FinanceApproved => {
                        req.finance_approval = Some(envelope.author.clone());
                    }
                    Decision::Received { receipts } => {
                        req.outstanding = after_receipts(&req.outstanding, receipts)
                            .expect("checked: every receipt is within what is outstanding");
                        req.status = if req.outstanding.is_empty() {
                            SharedStatus::Received
                        } else {
                            SharedStatus::PartiallyReceived
                        };
                    }
                    Decision::Canceled { .. } => {
                        req.status = SharedStatus::Canceled;
                    }
                    Decision::Ordered { po_number } => {
                        req.status = SharedStatus::Ordered;
                        req.po_number = Some(po_number.trim().to_owned());
                        self.po_numbers.insert(po_key(po_number));
                    }
                }
            }
        }
        Ok(envelope)
    }

    /// Whether the author of `envelope` may make its change now: the check
    /// every laptop makes when the event arrives, for a laptop to make
    /// before it signs.
    pub fn allows(&self, envelope: &Envelope) -> Result<(), String> {
        self.check("(new)", envelope)
    }

    /// Whether the author could make this change when they wrote it.
    fn check(&self, short: &str, e: &Envelope) -> Result<(), String> {
        let author = fingerprint(&e.author);
        if let Change::OfficeCreated { name, founder } = &e.change {
            if self.name.is_some() {
                return Err(format!("event {short} founds the office again"));
            }
            if founder.key != e.author || !founder.has(Role::Administrator) {
                return Err(format!("event {short} founds the office for someone other than its author"));
            }
            if name.trim().is_empty() || name.chars().count() > crate::model::limits::SHORT_TEXT {
                return Err(format!("event {short} gives the office no usable name"));
            }
            return founder.validate().map_err(|why| format!("event {short}: {why}"));
        }
        if self.name.is_none() {
            return Err(format!("event {short} comes before the office was founded"));
        }
        let Some(who) = self.people.get(&e.author) else {
            return Err(format!("event {short} is signed by key {author}, which the office has not admitted"));
        };
        if !who.active {
            return Err(format!("event {short} is signed by {}, who was removed from the office", who.name));
        }
        match &e.change {
            Change::OfficeCreated { .. } => unreachable!("handled above"),
            Change::RequisitionSubmitted { requisition, .. } => {
                if !who.has(Role::Requester) {
                    return Err(format!("event {short} shares a requisition, but {} is not a requester", who.name));
                }
                let number = &requisition.number;
                if number.trim().is_empty() || number.chars().count() > 60 || requisition.lines.len() > 1_000 {
                    return Err(format!("event {short} shares a requisition with no usable number or too many lines"));
                }
                if !matches!(requisition.status, crate::orders::Status::Draft | crate::orders::Status::Submitted) {
                    return Err(format!(
                        "event {short} shares requisition {number}, which is neither a draft nor submitted"
                    ));
                }
                if let Some(prev) = self.requisitions.get(&(e.device.clone(), number.clone())) {
                    if prev.owner != e.author {
                        return Err(format!("event {short} shares requisition {number} of another person"));
                    }
                    if !matches!(
                        prev.status,
                        SharedStatus::Draft | SharedStatus::Submitted | SharedStatus::Approved | SharedStatus::Returned
                    ) {
                        return Err(format!(
                            "event {short} changes requisition {number}, which was already {}",
                            prev.status.as_str().replace('_', " ")
                        ));
                    }
                }
            }
            Change::RequisitionEdited { origin, number, base, resolves, requisition } => {
                let Some(req) = self.requisitions.get(&(origin.clone(), number.clone())) else {
                    return Err(format!("event {short} changes requisition {number}, which was never shared"));
                };
                let owner = req.owner == e.author;
                if !(owner || who.has(Role::Requester) || who.has(Role::Purchasing)) {
                    return Err(format!("event {short}: {} changed {number} but may not", who.name));
                }
                if requisition.number != *number || requisition.lines.len() > 1_000 {
                    return Err(format!("event {short} changes {number} into another requisition"));
                }
                if !matches!(
                    req.status,
                    SharedStatus::Draft | SharedStatus::Submitted | SharedStatus::Approved | SharedStatus::Returned
                ) {
                    return Err(format!(
                        "event {short} changes {number}, which is {}",
                        req.status.as_str().replace('_', " ")
                    ));
                }
                match (resolves, &req.conflict) {
                    (Some(other), Some((theirs, _))) => {
                        if other != theirs || *base != req.version {
                            return Err(format!(
                                "event {short} resolves versions of {number} other than those in conflict"
                            ));
                        }
                        if !(owner || who.has(Role::Purchasing)) {
                            return Err(format!(
                                "event {short}: {} resolved the conflict on {number} but may not (its requester or \
                                 purchasing does)",
                                who.name
                            ));
                        }
                    }
                    (Some(_), None) => {
                        return Err(format!("event {short} resolves a conflict on {number} that is not open"));
                    }
                    (None, Some(_)) => {
                        return Err(format!(
                            "event {short} changes requisition {number}, which has two versions in conflict: a \
                             person resolves them first"
                        ));
                    }
                    (None, None) => {}
                }
            }
            Change::RequisitionDecided { origin, number, version, decision } => {
                let Some(req) = self.requisitions.get(&(origin.clone(), number.clone())) else {
                    return Err(format!("event {short} decides on requisition {number}, which was never shared"));
                };
                if req.conflict.is_some() && !matches!(decision, Decision::Canceled { .. }) {
                    return Err(format!(
                        "event {short} decides on requisition {number}, which has two versions in conflict: a \
                         person resolves them first"
                    ));
                }
                if *version != req.version {
                    return Err(format!(
                        "event {short} is {}'s decision on an earlier version of requisition {number}: it was \
                         changed afterwards, so the decision is superseded and the requisition needs one again",
                        who.name
                    ));
                }
                match decision {
                    Decision::Approved => {
                        if !who.has(Role::Approver) {
                            return Err(format!(
                                "event {short}: {} approved {number} but is not an approver",
                                who.name
                            ));
                        }
                        if req.owner == e.author {
                            return Err(format!(
                                "event {short}: {} approved their own requisition {number}; nobody approves their own",
                                who.name
                            ));
                        }
                        if !matches!(req.status, SharedStatus::Submitted | SharedStatus::Approved) {
                            return Err(format!("event {short} approves {number}, which is {}", req.status.as_str()));
                        }
                        let limit = who.approval_limit.unwrap_or(Cents(0));
                        if req.total > limit {
                            return Err(format!(
                                "event {short}: {} approved {number} for {}, above their limit of {limit}",
                                who.name, req.total
                            ));
                        }
                        if !who.departments.is_empty()
                            && !who.departments.iter().any(|d| d.trim().eq_ignore_ascii_case(req.department.trim()))
                        {
                            return Err(format!(
                                "event {short}: {} approved {number} of {}, a department they do not approve for",
                                who.name, req.department
                            ));
                        }
                    }
                    Decision::Returned { note } => {
                        if !(who.has(Role::Approver) || who.has(Role::Purchasing)) {
                            return Err(format!("event {short}: {} returned {number} but may not", who.name));
                        }
                        if !matches!(req.status, SharedStatus::Submitted | SharedStatus::Approved) {
                            return Err(format!("event {short} returns {number}, which is {}", req.status.as_str()));
                        }
                        if note.trim().is_empty() || note.chars().count() > crate::model::limits::LONG_TEXT {
                            return Err(format!("event {short} returns {number} with no usable note"));
                        }
                    }
                    Decision::BoardApproved { meeting, agenda_item } => {
                        if !(who.has(Role::Purchasing) || who.has(Role::Administrator)) {
                            return Err(format!(
                                "event {short}: {} recorded a board approval of {number} but may not (purchasing \
                                 or an administrator records them)",
                                who.name
                            ));
                        }
                        if req.owner == e.author {
                            return Err(format!(
                                "event {short}: {} recorded a board approval of their own requisition {number}",
                                who.name
                            ));
                        }
                        if req.status != SharedStatus::Submitted {
                            return Err(format!(
                                "event {short} records a board approval of {number}, which is {}",
                                req.status.as_str()
                            ));
                        }
                        if *meeting > e.at.date() {
                            return Err(format!(
                                "event {short} records a board meeting on {meeting}, which has not happened"
                            ));
                        }
                        let item = agenda_item.trim();
                        if item.is_empty() || item.chars().count() > crate::model::limits::SHORT_TEXT {
                            return Err(format!(
                                "event {short} records a board approval of {number} with no agenda item"
                            ));
                        }
                    }
                    Decision::Ordered { po_number } => {
                        if !who.has(Role::Purchasing) {
                            return Err(format!("event {short}: {} ordered {number} but is not purchasing", who.name));
                        }
                        if req.status != SharedStatus::Approved {
                            return Err(format!("event {short} orders {number}, which is {}", req.status.as_str()));
                        }
                        let po = po_number.trim();
                        if po.is_empty() || po.chars().count() > 60 {
                            return Err(format!("event {short} orders {number} with no usable PO number"));
                        }
                        if self.po_numbers.contains(&po_key(po)) {
                            return Err(format!(
                                "event {short} orders {number} as PO {po}, a number the office has already issued"
                            ));
                        }
                        if req.needs_finance(self.finance_from) && req.finance_approval.is_none() {
                            return Err(format!(
                                "event {short} orders {number} before finance approved it (the office's rules ask \
                                 finance to approve requisitions from {})",
                                self.finance_from.unwrap_or_default()
                            ));
                        }
                    }
                    Decision::FinanceApproved => {
                        if !who.has(Role::Finance) {
                            return Err(format!(
                                "event {short}: {} gave finance's approval of {number} but is not finance",
                                who.name
                            ));
                        }
                        if req.owner == e.author || req.approvals.contains(&e.author) {
                            return Err(format!(
                                "event {short}: {} gave finance's approval of {number}, which they requested or \
                                 approved themselves; the second approval is another person's",
                                who.name
                            ));
                        }
                        if req.status != SharedStatus::Approved || req.finance_approval.is_some() {
                            return Err(format!(
                                "event {short} gives finance's approval of {number}, which is {}{}",
                                req.status.as_str().replace('_', " "),
                                if req.finance_approval.is_some() { " and approved by finance already" } else { "" }
                            ));
                        }
                    }
                    Decision::Received { receipts } => {
                        if !(req.owner == e.author || who.has(Role::Purchasing)) {
                            return Err(format!(
                                "event {short}: {} recorded goods received on {number} but may not (its requester \
                                 or purchasing does)",
                                who.name
                            ));
                        }
                        if !matches!(req.status, SharedStatus::Ordered | SharedStatus::PartiallyReceived) {
                            return Err(format!(
                                "event {short} records goods received on {number}, which is {}",
                                req.status.as_str().replace('_', " ")
                            ));
                        }
                        if receipts.len() > 1_000 {
                            return Err(format!("event {short} records more receipts than {number} has lines"));
                        }
                        after_receipts(&req.outstanding, receipts)
                            .map_err(|why| format!("event {short} records goods received on {number}: {why}"))?;
                    }
                    Decision::Canceled { reason } => {
                        if !(req.owner == e.author || who.has(Role::Purchasing) || who.has(Role::Administrator)) {
                            return Err(format!(
                                "event {short}: {} canceled {number} but may not (its requester, purchasing or an \
                                 administrator does)",
                                who.name
                            ));
                        }
                        if matches!(req.status, SharedStatus::Received | SharedStatus::Canceled) {
                            return Err(format!(
                                "event {short} cancels {number}, which is {}",
                                req.status.as_str().replace('_', " ")
                            ));
                        }
                        if reason.trim().is_empty() || reason.chars().count() > crate::model::limits::LONG_TEXT {
                            return Err(format!("event {short} cancels {number} with no usable reason"));
                        }
                    }
                }
            }
            Change::IncidentShared { key, incident } => {
                if !(who.has(Role::Purchasing) || who.has(Role::Administrator)) {
                    return Err(format!(
                        "event {short}: {} shared an incident but may not (purchasing or an administrator does)",
                        who.name
                    ));
                }
                if !key.strip_prefix(e.device.as_str()).is_some_and(|rest| rest.starts_with('/')) {
                    return Err(format!("event {short} shares an incident declared on another computer"));
                }
                let short_text =
                    |t: &str| t.chars().count() <= crate::model::limits::SHORT_TEXT && !t.chars().any(char::is_control);
                if incident.name.trim().is_empty()
                    || ![&incident.name, &incident.kind, &incident.declaration_number, &incident.authority]
                        .iter()
                        .all(|t| short_text(t))
                    || incident.waiver_end < incident.waiver_start
                    || incident.projects.len() > crate::model::limits::LIST
                {
                    return Err(format!("event {short} shares an incident that is not usable"));
                }
            }
            Change::RulesChanged { finance_approval_from } => {
                if !who.has(Role::Administrator) {
                    return Err(format!(
                        "event {short} changes the office's rules, but {} is not an administrator",
                        who.name
                    ));
                }
                if finance_approval_from.is_some_and(|c| c.0 <= 0 || c.0 > crate::model::limits::MAX_CENTS) {
                    return Err(format!("event {short} sets a finance approval amount outside $0.01 to any price"));
                }
            }
            Change::RosterChanged { person } => {
                if !who.has(Role::Administrator) {
                    return Err(format!("event {short} changes the roster, but {} is not an administrator", who.name));
                }
                person.validate().map_err(|why| format!("event {short}: {why}"))?;
                let admins_after =
                    self.people.values().filter(|p| p.key != person.key && p.has(Role::Administrator)).count()
                        + usize::from(person.has(Role::Administrator));
                if admins_after == 0 {
                    return Err(format!("event {short} would leave the office with no administrator"));
                }
            }
        }
        Ok(())
    }
}

/// The shared requisition an event's change is about, by origin device
/// and number, if any.
pub fn requisition_key(envelope: &Envelope) -> Option<(String, String)> {
    match &envelope.change {
        Change::RequisitionSubmitted { requisition, .. } => Some((envelope.device.clone(), requisition.number.clone())),
        Change::RequisitionEdited { origin, number, .. } | Change::RequisitionDecided { origin, number, .. } => {
            Some((origin.clone(), number.clone()))
        }
        _ => None,
    }
}

/// What is outstanding after `receipts` (every line in full when empty),
/// or why they do not fit what is outstanding.
pub fn after_receipts(outstanding: &[(u32, u32)], receipts: &[(u32, u32)]) -> Result<Vec<(u32, u32)>, String> {
    if receipts.is_empty() {
        return Ok(vec![]);
    }
    let mut left: BTreeMap<u32, u32> = outstanding.iter().copied().collect();
    for &(line, qty) in receipts {
        let due = left.get(&line).copied().unwrap_or(0);
        if qty == 0 || qty > due {
            return Err(format!("line {line} has {due} to receive, not {qty}"));
        }
        left.insert(line, due - qty);
    }
    Ok(left.into_iter().filter(|(_, q)| *q > 0).collect())
}

/// A PO number as compared for uniqueness: case and spaces aside.
fn po_key(po: &str) -> String {
    po.split_whitespace().collect::<String>().to_uppercase()
}

/// Why an event was not applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub reason: String,
    /// The author's genuine event, in its place: it stays in the history,
    /// unapplied. Otherwise the row is not an event of this office at all.
    pub genuine: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::money::Cents;
    use crate::office::identity::Identity;

    fn key() -> Identity {
        Identity::for_tests()
    }

    fn person(id: &Identity, name: &str, roles: &[Role]) -> Person {
        Person {
            key: id.public_key.clone(),
            name: name.into(),
            title: String::new(),
            roles: roles.to_vec(),
            approval_limit: roles.contains(&Role::Approver).then_some(Cents(500_000)),
            departments: vec![],
            active: true,
        }
    }

    /// Signs `change` as `by` from `device`, continuing that device's chain
    /// as `roster` knows it.
    fn event(roster: &Roster, by: &Identity, device: &str, change: Change) -> SignedEvent {
        let (device_seq, prev) = roster.device_next(device);
        let envelope = Envelope {
            office: "office-1".into(),
            author: by.public_key.clone(),
            device: device.into(),
            device_seq,
            prev,
            at: "2026-11-27T12:00:00Z".parse::<Timestamp>().unwrap(),
            change,
        };
        SignedEvent::sign(&envelope, by).unwrap()
    }

    fn founded() -> (Roster, Identity) {
        let admin = key();
        let mut r = Roster::new("office-1");
        let founding = Change::OfficeCreated {
            name: "Harbor County Purchasing".into(),
            founder: person(&admin, "Alex Admin", &[Role::Administrator]),
        };
        r.take(&event(&r, &admin, "dev-a", founding)).unwrap();
        (r, admin)
    }

    #[test]
    fn an_administrator_admits_and_removes_and_the_head_follows_the_history() {
        let (mut r, admin) = founded();
        let clerk = key();
        let head = r.head.clone();
        let admit = Change::RosterChanged { person: person(&clerk, "Casey Clerk", &[Role::Requester]) };
        r.take(&event(&r, &admin, "dev-a", admit)).unwrap();
        assert!(r.person(&clerk.public_key).unwrap().has(Role::Requester));
        assert_ne!(r.head, head);

        // The clerk may not change the roster, even their own entry.
        let promote = Change::RosterChanged { person: person(&clerk, "Casey Clerk", &[Role::Administrator]) };
        let err = r.take(&event(&r, &clerk, "dev-c", promote)).unwrap_err();
        assert!(err.genuine && err.reason.contains("Casey Clerk is not an administrator"), "{err:?}");
        assert!(!r.person(&clerk.public_key).unwrap().has(Role::Administrator), "refused, so not applied");

        let removed = Person { active: false, ..person(&clerk, "Casey Clerk", &[Role::Requester]) };
        r.take(&event(&r, &admin, "dev-a", Change::RosterChanged { person: removed })).unwrap();
        let again = Change::RosterChanged { person: person(&admin, "Alex Admin", &[Role::Administrator]) };
        let err = r.take(&event(&r, &clerk, "dev-c", again)).unwrap_err();
        assert!(err.reason.contains("Casey Clerk, who was removed"), "{err:?}");
    }

    #[test]
    fn strangers_forgeries_and_broken_chains_are_refused_and_change_nothing() {
        let (mut r, admin) = founded();
        let stranger = key();
        let change = Change::RosterChanged { person: person(&stranger, "Sam Stranger", &[Role::Administrator]) };
        // A stranger's own event is genuine: it keeps its place, unapplied.
        let mut after_stranger = r.clone();
        let err = after_stranger.take(&event(&r, &stranger, "dev-s", change.clone())).unwrap_err();
        assert!(err.genuine && err.reason.contains("which the office has not admitted"), "{err:?}");
        assert!(after_stranger.person(&stranger.public_key).is_none());

        let before = r.clone();
        // Signed by the stranger, claiming to be the administrator's.
        let mut forged = event(&r, &admin, "dev-a", change.clone());
        let by_stranger = event(&r, &stranger, "dev-a", change.clone());
        forged.signature = by_stranger.signature;
        let err = r.take(&forged).unwrap_err();
        assert!(!err.genuine && err.reason.contains("forged signature"), "{err:?}");

        // A byte changed after signing.
        let mut altered = event(&r, &admin, "dev-a", change.clone());
        altered.envelope = altered.envelope.replace("Sam Stranger", "Sam Strangr");
        assert!(r.take(&altered).unwrap_err().reason.contains("was altered"));

        // The device's second event with its first missing.
        let first = event(&r, &admin, "dev-a", change.clone());
        let mut ahead = r.clone();
        ahead.take(&first).unwrap();
        let rename = Change::RosterChanged { person: person(&admin, "Alex A.", &[Role::Administrator]) };
        let second = event(&ahead, &admin, "dev-a", rename);
        assert!(r.take(&second).unwrap_err().reason.contains("breaks the chain of device"));
        assert_eq!(r, before, "nothing that is not genuine changes anything");
    }

    /// A submitted requisition of `total` cents for `department`.
    fn requisition(number: &str, department: &str, total: i64) -> crate::orders::Requisition {
        let json = serde_json::json!({
            "id": 1, "number": number, "status": "submitted", "fiscal_year": 2027,
            "header": { "department": department, "requester": "Casey Clerk", "requester_phone": "", "deliver_to": "",
                        "date_needed": null, "purpose": "UPS batteries", "notes": "" },
            "supplier_id": null, "vendor": null, "po_number": null, "approved_by": null,
            "created_at": "2026-11-27T12:00:00.000Z", "updated_at": "2026-11-27T12:00:00.000Z",
            "submitted_at": "2026-11-27T12:00:00.000Z", "approved_at": null, "ordered_at": null, "closed_at": null,
            "lines": [], "attachments": [], "acknowledgements": []
        });
        let mut req: crate::orders::Requisition = serde_json::from_value(json).unwrap();
        req.lines = vec![crate::orders::Line {
            position: 1,
            source: crate::orders::LineSource::OffContract { vendor: "Pelican Power Supply".into() },
            quantity: 1,
            received: 0,
            unit: "EA".into(),
            description: "UPS battery".into(),
            supplier_sku: "B-1".into(),
            manufacturer_part: String::new(),
            unit_price: Cents(total),
            account: "100-210-01-5230".into(),
            tax_exempt: false,
        }];
        req
    }

    fn decide(r: &Roster, by: &Identity, device: &str, number: &str, version: &str, decision: Decision) -> SignedEvent {
        event(
            r,
            by,
            device,
            Change::RequisitionDecided {
                origin: "dev-c".into(),
                number: number.into(),
                version: version.into(),
                decision,
            },
        )
    }

    #[test]
    fn approvals_follow_separation_of_duties_limits_departments_and_versions() {
        let (mut r, admin) = founded();
        let (clerk, head) = (key(), key());
        let mut pat = person(&head, "Pat Lee", &[Role::Approver, Role::Requester]);
        pat.departments = vec!["PW".into()];
        for p in [
            person(&clerk, "Casey Clerk", &[Role::Requester]),
            pat,
            person(&admin, "Alex Admin", &[Role::Administrator, Role::Purchasing]),
        ] {
            r.take(&event(&r, &admin, "dev-a", Change::RosterChanged { person: p })).unwrap();
        }
        let share = |r: &Roster, number: &str, department: &str, total: i64| {
            event(
                r,
                &clerk,
                "dev-c",
                Change::RequisitionSubmitted {
                    requisition: Box::new(requisition(number, department, total)),
                    base: None,
                },
            )
        };
        r.take(&share(&r, "27-PW-1", "PW", 100_000)).unwrap();
        let v1 = r.requisitions[&("dev-c".to_owned(), "27-PW-1".to_owned())].version.clone();

        // The requester may not approve, even as an approver; an approver
        // above their limit or outside their departments may not either.
        let err = r.take(&decide(&r, &clerk, "dev-c", "27-PW-1", &v1, Decision::Approved)).unwrap_err();
        assert!(err.genuine && err.reason.contains("is not an approver"), "{err:?}");
        r.take(&share(&r, "27-PW-2", "PW", 900_000)).unwrap();
        let v2 = r.requisitions[&("dev-c".to_owned(), "27-PW-2".to_owned())].version.clone();
        let err = r.take(&decide(&r, &head, "dev-h", "27-PW-2", &v2, Decision::Approved)).unwrap_err();
        assert!(err.reason.contains("above their limit of $5,000.00"), "{err:?}");
        r.take(&share(&r, "27-FIN-1", "FIN", 10_000)).unwrap();
        let v3 = r.requisitions[&("dev-c".to_owned(), "27-FIN-1".to_owned())].version.clone();
        let err = r.take(&decide(&r, &head, "dev-h", "27-FIN-1", &v3, Decision::Approved)).unwrap_err();
        assert!(err.reason.contains("a department they do not approve for"), "{err:?}");

        // A version changed after approval needs approval again.
        r.take(&decide(&r, &head, "dev-h", "27-PW-1", &v1, Decision::Approved)).unwrap();
        r.take(&share(&r, "27-PW-1", "PW", 120_000)).unwrap();
        let shared = &r.requisitions[&("dev-c".to_owned(), "27-PW-1".to_owned())];
        assert_eq!((shared.status, shared.approvals.len()), (SharedStatus::Submitted, 0));
        let err = r.take(&decide(&r, &head, "dev-h", "27-PW-1", &v1, Decision::Approved)).unwrap_err();
        assert!(err.genuine && err.reason.contains("superseded"), "{err:?}");

        // Nobody approves their own: Pat shares one and approves it.
        let own = event(
            &r,
            &head,
            "dev-h",
            Change::RequisitionSubmitted { requisition: Box::new(requisition("27-PW-9", "PW", 1_000)), base: None },
        );
        r.take(&own).unwrap();
        let v9 = r.requisitions[&("dev-h".to_owned(), "27-PW-9".to_owned())].version.clone();
        let mut mine = decide(&r, &head, "dev-h", "27-PW-9", &v9, Decision::Approved);
        mine = {
            let mut e = mine.open().unwrap();
            if let Change::RequisitionDecided { origin, .. } = &mut e.change {
                *origin = "dev-h".into();
            }
            SignedEvent::sign(&e, &head).unwrap()
        };
        let err = r.take(&mine).unwrap_err();
        assert!(err.reason.contains("approved their own requisition 27-PW-9"), "{err:?}");

        // PO numbers are the office's: one number, one order.
        let v1b = r.requisitions[&("dev-c".to_owned(), "27-PW-1".to_owned())].version.clone();
        r.take(&decide(&r, &head, "dev-h", "27-PW-1", &v1b, Decision::Approved)).unwrap();
        r.take(&decide(&r, &admin, "dev-a", "27-PW-1", &v1b, Decision::Ordered { po_number: "PO-1".into() })).unwrap();
        r.take(&share(&r, "27-PW-3", "PW", 2_000)).unwrap();
        let v4 = r.requisitions[&("dev-c".to_owned(), "27-PW-3".to_owned())].version.clone();
        r.take(&decide(&r, &head, "dev-h", "27-PW-3", &v4, Decision::Approved)).unwrap();
        let err = r
            .take(&decide(&r, &admin, "dev-a", "27-PW-3", &v4, Decision::Ordered { po_number: "po-1 ".into() }))
            .unwrap_err();
        assert!(err.reason.contains("already issued"), "{err:?}");
        let err = r.take(&share(&r, "27-PW-1", "PW", 1)).unwrap_err();
        assert!(err.reason.contains("already ordered"), "{err:?}");
    }

    #[test]
    fn the_last_administrator_cannot_be_removed_and_approvers_need_a_limit() {
        let (mut r, admin) = founded();
        let gone = Person { active: false, ..person(&admin, "Alex Admin", &[Role::Administrator]) };
        let err = r.take(&event(&r, &admin, "dev-a", Change::RosterChanged { person: gone })).unwrap_err();
        assert!(err.reason.contains("no administrator"), "{err:?}");
        let head = key();
        let limitless = Person { approval_limit: None, ..person(&head, "Pat Lee", &[Role::Approver]) };
        let err = r.take(&event(&r, &admin, "dev-a", Change::RosterChanged { person: limitless })).unwrap_err();
        assert!(err.reason.contains("needs a dollar limit"), "{err:?}");
    }

    #[test]
    fn receipts_are_held_to_what_is_outstanding() {
        let due = [(1, 10), (2, 3)];
        assert_eq!(after_receipts(&due, &[(1, 4)]).unwrap(), vec![(1, 6), (2, 3)]);
        assert_eq!(after_receipts(&due, &[(1, 10), (2, 3)]).unwrap(), vec![]);
        assert_eq!(after_receipts(&due, &[]).unwrap(), vec![], "nothing named: everything in full");
        for (bad, why) in [
            (vec![(1, 11)], "line 1 has 10 to receive, not 11"),
            (vec![(1, 6), (1, 6)], "line 1 has 4 to receive, not 6"),
            (vec![(3, 1)], "line 3 has 0 to receive, not 1"),
            (vec![(2, 0)], "line 2 has 3 to receive, not 0"),
        ] {
            assert_eq!(after_receipts(&due, &bad).unwrap_err(), why);
        }
    }

    #[test]
    fn finance_needs_its_own_role_and_another_person() {
        let (mut r, admin) = founded();
        let (clerk, head, both) = (key(), key(), key());
        for p in [
            person(&clerk, "Casey Clerk", &[Role::Requester]),
            person(&head, "Pat Lee", &[Role::Approver]),
            person(&both, "Sam Both", &[Role::Approver, Role::Finance]),
            person(&admin, "Alex Admin", &[Role::Administrator, Role::Purchasing]),
        ] {
            r.take(&event(&r, &admin, "dev-a", Change::RosterChanged { person: p })).unwrap();
        }
        r.take(&event(&r, &admin, "dev-a", Change::RulesChanged { finance_approval_from: Some(Cents(1_000)) }))
            .unwrap();
        let submitted =
            Change::RequisitionSubmitted { requisition: Box::new(requisition("27-PW-1", "PW", 2_000)), base: None };
        r.take(&event(&r, &clerk, "dev-c", submitted)).unwrap();
        let v = r.requisitions[&("dev-c".to_owned(), "27-PW-1".to_owned())].version.clone();
        r.take(&decide(&r, &both, "dev-b", "27-PW-1", &v, Decision::Approved)).unwrap();
        let err = r.take(&decide(&r, &both, "dev-b", "27-PW-1", &v, Decision::FinanceApproved)).unwrap_err();
        assert!(err.reason.contains("the second approval is another person's"), "{err:?}");
        let err = r.take(&decide(&r, &head, "dev-h", "27-PW-1", &v, Decision::FinanceApproved)).unwrap_err();
        assert!(err.reason.contains("is not finance"), "{err:?}");
        let err = r
            .take(&decide(&r, &admin, "dev-a", "27-PW-1", &v, Decision::Ordered { po_number: "PO-9".into() }))
            .unwrap_err();
        assert!(err.reason.contains("before finance approved it"), "{err:?}");
    }
}
