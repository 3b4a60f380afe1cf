//! Requisitions shared in the office. A requester shares a submitted
//! requisition whole; approvers, purchasing and the requester's colleagues
//! see it on their own laptops; each decision (approve, return, order) is an
//! event its maker signs on their own machine, naming the exact version it
//! decides on. Every laptop holds each decision to the office's rules (see
//! `roster`), and the requester's laptop writes the ones on its own
//! requisitions into them, with the signer's name, title and fingerprint in
//! the history.

use super::event::{Change, Decision};
use super::local::{self, SharedRequisition};
use super::roster::SharedStatus;
use super::{sync_if_reachable, Identity, OfficeStatus, Role};
use crate::error::{Error, Result};
use crate::orders::Status;
use crate::store::Store;
use rusqlite::params;
use serde_json::json;

/// The shared requisitions as one person sees them.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Inbox {
    /// Submitted, not this person's own, within their limit and
    /// departments, and not yet approved by them in this version.
    pub waiting_for_me: Vec<SharedRequisition>,
    /// Approved, needing finance's second approval, which this person (in
    /// finance, neither its requester nor its approver) may give.
    pub waiting_for_finance: Vec<SharedRequisition>,
    /// Approved (by finance too where the rules ask), for this person in
    /// purchasing to order.
    pub ready_to_order: Vec<SharedRequisition>,
    /// The latest requisitions shared in the office (up to
    /// [`INBOX_LATEST`]), newest first.
    pub shared: Vec<SharedRequisition>,
}

/// A colleague's change to a shared requisition: line quantities and
/// account codes by line, and the purpose or notes.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SharedEdit {
    pub quantities: Vec<(u32, u32)>,
    pub accounts: Vec<(u32, String)>,
    pub purpose: Option<String>,
    pub notes: Option<String>,
}

/// How many of the latest shared requisitions the inbox lists beside those
/// waiting: an office's history holds far more than a screen shows.
pub const INBOX_LATEST: usize = 200;

impl Store {
    /// Shares requisition `number`, written on this laptop, with the office:
    /// the whole requisition, as it stands, signed. A submitted one goes
    /// for approval; a draft is shared for colleagues to work on with its
    /// requester (their changes come back as edits, or as a conflict when
    /// made apart), and is shared again once submitted.
    pub fn office_share(&mut self, number: &str, passphrase: &str) -> Result<OfficeStatus> {
        let m = local::require(self.conn())?;
        let req = self.requisition(number)?;
        if !matches!(req.status, Status::Draft | Status::Submitted) {
            return Err(Error::InvalidState(format!(
                "Requisition {} is {}; a draft or a submitted requisition is shared.",
                req.number,
                req.status.label().to_lowercase()
            )));
        }
        let identity = Identity::unlock(self.path(), passphrase)?;
        let base = local::base(self.conn(), &req.number)?.map(|(version, _)| version);
        let (number, version, content) =
            (req.number.clone(), crate::orders::history::state_hash(&req), local::content_hash(&req));
        let change = Change::RequisitionSubmitted { requisition: Box::new(req), base };
        self.sign_checked(&identity, &m, change)?;
        local::set_base(self.conn(), &number, &version, &content)?;
        sync_if_reachable(self.office_sync())?;
        self.office_status()
    }

    /// Changes a shared requisition as this laptop's person (a colleague
    /// correcting a quantity or an account code, say), from the version
    /// this laptop holds. Made while apart from another change, it becomes
    /// a conflict for a person to resolve, never an overwrite.
    pub fn office_edit(
        &mut self,
        number: &str,
        from: Option<&str>,
        edit: &SharedEdit,
        passphrase: &str,
    ) -> Result<OfficeStatus> {
        let m = local::require(self.conn())?;
        let target = self.shared_by_number(number, from)?;
        let mut req = target.requisition.clone();
        for (position, quantity) in &edit.quantities {
            let line = req.lines.iter_mut().find(|l| l.position == *position).ok_or_else(|| {
                Error::not_found_on("line", position, format!("shared requisition {}", target.number))
            })?;
            if *quantity == 0 || *quantity < line.received {
                return Err(Error::Invalid(format!(
                    "Line {position} needs a quantity of at least {} (received already, and above zero).",
                    line.received.max(1)
                )));
            }
            line.quantity = *quantity;
        }
        for (position, account) in &edit.accounts {
            let line = req.lines.iter_mut().find(|l| l.position == *position).ok_or_else(|| {
                Error::not_found_on("line", position, format!("shared requisition {}", target.number))
            })?;
            line.account = account.trim().to_owned();
        }
        if let Some(purpose) = &edit.purpose {
            req.header.purpose = purpose.trim().to_owned();
        }
        if let Some(notes) = &edit.notes {
            req.header.notes = notes.trim().to_owned();
        }
        if local::content_hash(&req) == local::content_hash(&target.requisition) {
            return Err(Error::Invalid("That changes nothing in the requisition.".into()));
        }
        let identity = Identity::unlock(self.path(), passphrase)?;
        let change = Change::RequisitionEdited {
            origin: target.origin,
            number: target.number,
            base: target.version,
            resolves: None,
            requisition: Box::new(req),
        };
        self.sign_checked(&identity, &m, change)?;
        sync_if_reachable(self.office_sync())?;
        self.office_status()
    }

    /// Resolves the two versions of a shared requisition in conflict by
    /// keeping one (the current one, or with `keep_other` the other), as
    /// its requester or purchasing.
    pub fn office_resolve(
        &mut self,
        number: &str,
        from: Option<&str>,
        keep_other: bool,
        passphrase: &str,
    ) -> Result<OfficeStatus> {
        let m = local::require(self.conn())?;
        let target = self.shared_by_number(number, from)?;
        let conflict = target.conflict.clone().ok_or_else(|| {
            Error::InvalidState(format!("Shared requisition {} has no versions in conflict.", target.number))
        })?;
        let chosen = if keep_other { conflict.requisition } else { target.requisition };
        let identity = Identity::unlock(self.path(), passphrase)?;
        let change = Change::RequisitionEdited {
            origin: target.origin,
            number: target.number,
            base: target.version,
            resolves: Some(conflict.version),
            requisition: Box::new(chosen),
        };
        self.sign_checked(&identity, &m, change)?;
        sync_if_reachable(self.office_sync())?;
        self.office_status()
    }

    /// Decides on the shared requisition `number` (from the requester named
    /// `from`, when several share that number) as this laptop's person.
    pub fn office_decide(
        &mut self,
        number: &str,
        from: Option<&str>,
        decision: Decision,
        passphrase: &str,
    ) -> Result<OfficeStatus> {
        let m = local::require(self.conn())?;
        let target = self.shared_by_number(number, from)?;
        let identity = Identity::unlock(self.path(), passphrase)?;
        let change = Change::RequisitionDecided {
            origin: target.origin.clone(),
            number: target.number.clone(),
            version: target.version.clone(),
            decision,
        };
        self.sign_checked(&identity, &m, change)?;
        sync_if_reachable(self.office_sync())?;
        self.office_status()
    }

    pub(super) fn shared_by_number(&self, number: &str, from: Option<&str>) -> Result<SharedRequisition> {
        let mut found: Vec<SharedRequisition> = local::shared(self.conn(), local::Which::Numbered(number.trim()))?
            .into_iter()
            .filter(|s| from.is_none_or(|f| s.requester.eq_ignore_ascii_case(f.trim())))
            .collect();
        match found.len() {
            0 => Err(Error::not_found_on(
                "shared requisition",
                number,
                "this computer yet (sync with the office to take in new ones)",
            )),
            1 => Ok(found.remove(0)),
            _ => {
                let who: Vec<String> = found.iter().map(|s| s.requester.clone()).collect();
                Err(Error::Invalid(format!(
                    "Several people shared a requisition numbered {number} ({}); name whose.",
                    who.join(", ")
                )))
            }
        }
    }

    /// Signs `change` as this laptop's person after holding it to the same
    /// rules every laptop will, and keeps it to send.
    pub(super) fn sign_checked(&mut self, identity: &Identity, m: &local::Membership, change: Change) -> Result<()> {
        let event = self.signed(identity, m, change)?;
        let envelope = event.open().map_err(Error::internal)?;
        let mut roster = local::roster(self.conn(), m)?;
        if let Some(key) = super::roster::requisition_key(&envelope) {
            local::load_requisition(self.conn(), &mut roster, &key)?;
        }
        roster.allows(&envelope).map_err(|why| {
            let why = why.trim_start_matches("event (new)").trim_start_matches(':').trim();
            let it = if why.starts_with(|c: char| c.is_lowercase()) { "it " } else { "" };
            Error::NotAllowed(format!("The office would refuse that: {it}{why}."))
        })?;
        local::insert_waiting(self.conn(), &event)
    }

    /// What is shared in the office, and what waits for this person.
    pub fn office_inbox(&self) -> Result<Inbox> {
        let m = local::require(self.conn())?;
        let me = local::people(self.conn())?.into_iter().find(|e| e.person.key == m.person_key).map(|e| e.person);
        let waiting_for_me = local::shared(self.conn(), local::Which::Submitted)?
            .into_iter()
            .filter(|s| {
                let Some(me) = &me else { return false };
                s.status == SharedStatus::Submitted
                    && s.requester_key != me.key
                    && me.has(Role::Approver)
                    && me.approval_limit.is_some_and(|l| l >= s.total)
                    && (me.departments.is_empty()
                        || me.departments.iter().any(|d| d.trim().eq_ignore_ascii_case(s.department.trim())))
                    && !s.approved_by.contains(&me.name)
            })
            .collect();
        let has = |role| me.as_ref().is_some_and(|p| p.has(role));
        // Only finance and purchasing act on approved requisitions; an
        // office's history holds thousands of them.
        let approved = if has(Role::Finance) || has(Role::Purchasing) {
            local::shared(self.conn(), local::Which::Approved)?
        } else {
            vec![]
        };
        let my_key = me.as_ref().map(|p| p.key.as_str()).unwrap_or_default();
        let my_name = me.as_ref().map(|p| p.name.as_str()).unwrap_or_default();
        let waiting_for_finance = approved
            .iter()
            .filter(|s| {
                has(Role::Finance)
                    && s.needs_finance
                    && s.finance_approved_by.is_none()
                    && s.requester_key != my_key
                    && !s.approved_by.iter().any(|n| n == my_name)
            })
            .cloned()
            .collect();
        let ready_to_order = approved
            .into_iter()
            .filter(|s| has(Role::Purchasing) && (!s.needs_finance || s.finance_approved_by.is_some()))
            .collect();
        Ok(Inbox {
            waiting_for_me,
            waiting_for_finance,
            ready_to_order,
            shared: local::shared(self.conn(), local::Which::Latest(INBOX_LATEST))?,
        })
    }

    /// Sets the office's rule for finance's second approval: requisitions
    /// of `from` or more need it before they are ordered (None: never). An
    /// administrator's signed change.
    pub fn office_set_finance_rule(
        &mut self,
        from: Option<crate::money::Cents>,
        passphrase: &str,
    ) -> Result<OfficeStatus> {
        let m = local::require(self.conn())?;
        let identity = Identity::unlock(self.path(), passphrase)?;
        self.sign_checked(&identity, &m, Change::RulesChanged { finance_approval_from: from })?;
        sync_if_reachable(self.office_sync())?;
        self.office_status()
    }

    /// Refuses a change made on this laptop alone to a requisition it
    /// shared with the office, where colleagues would never see it: `what`
    /// it would do, and the office command that does it.
    pub(crate) fn refuse_if_shared(&self, number: &str, what: &str, command: &str) -> Result<()> {
        let Some(m) = local::membership(self.conn())? else { return Ok(()) };
        let shared: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM office_requisitions WHERE origin = ?1 AND number = ?2 COLLATE NOCASE)",
            params![m.device, number.trim()],
            |r| r.get(0),
        )?;
        if shared {
            return Err(Error::NotAllowed(format!(
                "Requisition {} is shared with the office: {what} there, signed, so that colleagues see it \
                 (Settings > Office, or coopdesk office {command} {}).",
                number.trim(),
                number.trim()
            )));
        }
        Ok(())
    }

    /// Writes decisions on this laptop's own requisitions that arrived from
    /// the office into the requisitions, each with its removal from the
    /// queue in one transaction.
    pub(super) fn apply_office_effects(&mut self) -> Result<()> {
        for (event_id, number, effect) in local::effects(self.conn())? {
            let by = effect["by"].as_str().unwrap_or_default().to_owned();
            let signed = json!({
                "signed_in_coopdesk": effect["fingerprint"],
                "title": effect["title"],
                "event": event_id,
                "version": effect["version"],
            });
            let status = match self.requisition(&number) {
                Ok(req) => req.status,
                Err(Error::NotFound { .. }) => {
                    self.conn().execute("DELETE FROM office_effects WHERE event_id = ?1", [&event_id])?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            if effect.get("edited").is_some() || effect.get("conflict").is_some() {
                self.apply_office_change(&event_id, &number, &effect, signed)?;
                continue;
            }
            let decision: Decision = serde_json::from_value(effect["decision"].clone())
                .map_err(|e| Error::database(format!("an office decision could not be read ({e})")))?;
            let (action, applies) = match &decision {
                Decision::Approved => ("approved", status == Status::Submitted),
                Decision::Returned { .. } => {
                    ("returned_to_draft", matches!(status, Status::Submitted | Status::Approved))
                }
                Decision::Ordered { .. } => ("ordered", status == Status::Approved),
                Decision::BoardApproved { .. } => ("approved", status == Status::Submitted),
                Decision::FinanceApproved => ("finance_approved", status == Status::Approved),
                Decision::Received { .. } => {
                    ("received", matches!(status, Status::Ordered | Status::PartiallyReceived))
                }
                Decision::Canceled { .. } => ("cancelled", crate::orders::lifecycle::CANCELABLE.contains(&status)),
            };
            // A decision on a version this laptop has since changed is
            // recorded, and changes nothing.
            let action = if applies { action } else { "decision_superseded" };
            let actor = if by.trim().is_empty() { "office".to_owned() } else { by.clone() };
            let written = self.change_requisition(&number, &actor, action, &Status::ALL, |tx, req| {
                let mut detail = signed.clone();
                if applies {
                    match &decision {
                        Decision::Approved => {
                            tx.execute(
                                "UPDATE requisitions SET status = 'approved', approved_by = ?1, approved_at = ?2 WHERE id = ?3",
                                params![by, tx.at, req.id],
                            )?;
                            detail["approver"] = json!(by);
                            detail["total"] = json!(req.total());
                        }
                        Decision::Returned { note } => {
                            tx.execute(
                                "UPDATE requisitions SET status = 'draft', submitted_at = NULL, approved_at = NULL,
                                     approved_by = NULL WHERE id = ?1",
                                [req.id],
                            )?;
                            detail["reason"] = json!(format!("Returned by {by}: {note}"));
                        }
                        Decision::BoardApproved { meeting, agenda_item } => {
                            let board = format!("The board (meeting of {meeting}, item {})", agenda_item.trim());
                            tx.execute(
                                "UPDATE requisitions SET status = 'approved', approved_by = ?1, approved_at = ?2 WHERE id = ?3",
                                params![board, tx.at, req.id],
                            )?;
                            detail["approver"] = json!(board);
                            detail["board_meeting"] = json!(meeting);
                            detail["agenda_item"] = json!(agenda_item.trim());
                            detail["recorded_by"] = json!(by);
                            detail["total"] = json!(req.total());
                        }
                        Decision::Ordered { po_number } => {
                            tx.execute(
                                "UPDATE requisitions SET status = 'ordered', po_number = ?1, ordered_at = ?2 WHERE id = ?3",
                                params![po_number.trim(), tx.at, req.id],
                            )?;
                            detail["po_number"] = json!(po_number.trim());
                        }
                        Decision::FinanceApproved => {
                            detail["approver"] = json!(by);
                            detail["total"] = json!(req.total());
                        }
                        Decision::Received { receipts } => {
                            let received = crate::orders::lifecycle::record_receipts(tx, req, receipts)?;
                            detail["lines"] = received["lines"].clone();
                            detail["status"] = received["status"].clone();
                        }
                        Decision::Canceled { reason } => {
                            crate::orders::lifecycle::record_cancellation(tx, req)?;
                            detail["reason"] = json!(format!("Canceled by {by}: {}", reason.trim()));
                            detail["was"] = json!(req.status);
                        }
                    }
                } else {
                    detail["decision"] = json!(decision);
                }
                take_effect(tx, &event_id)?;
                Ok((detail, ()))
            });
            skip_if_taken(written)?;
        }
        Ok(())
    }
}

/// Why an office change was not written here: another connection to this
/// database (the window's listener beside a sync the clerk asked for)
/// wrote it first.
const EFFECT_TAKEN: &str = "an office change was already written into the requisition";

/// Removes an office change from the queue as it is written, in the same
/// transaction; one already gone was written by another connection, and
/// this transaction is abandoned.
fn take_effect(conn: &rusqlite::Connection, event_id: &str) -> Result<()> {
    if conn.execute("DELETE FROM office_effects WHERE event_id = ?1", [event_id])? == 0 {
        return Err(Error::Conflict(EFFECT_TAKEN.into()));
    }
    Ok(())
}

/// Whether a change was written here (false: another connection did it).
fn skip_if_taken(written: Result<()>) -> Result<bool> {
    match written {
        Ok(()) => Ok(true),
        Err(Error::Conflict(why)) if why == EFFECT_TAKEN => Ok(false),
        Err(e) => Err(e),
    }
}

impl Store {
    /// Writes a change to one of this laptop's shared requisitions that
    /// came from the office: a colleague's edit (or a resolution) is taken
    /// into the requisition when its copy here is the one the edit was made
    /// from and has not been changed here since; otherwise, and for a
    /// conflict, the history says so and the copy here is left alone.
    fn apply_office_change(
        &mut self,
        event_id: &str,
        number: &str,
        effect: &serde_json::Value,
        signed: serde_json::Value,
    ) -> Result<()> {
        let by = effect["by"].as_str().filter(|b| !b.trim().is_empty()).unwrap_or("office").to_owned();
        let here = self.requisition(number)?;
        let base = local::base(self.conn(), number)?;
        let edited: Option<crate::orders::Requisition> = match effect.get("edited") {
            Some(v) => Some(
                serde_json::from_value(v.clone())
                    .map_err(|e| Error::database(format!("an office change could not be read ({e})")))?,
            ),
            None => None,
        };
        let made_from = |v: &serde_json::Value| base.as_ref().is_some_and(|(b, _)| v.as_str() == Some(b.as_str()));
        let unchanged_here = base.as_ref().is_some_and(|(_, content)| *content == local::content_hash(&here));
        let applies = edited.is_some()
            && unchanged_here
            && (made_from(&effect["base"]) || made_from(&effect["resolves"]))
            && matches!(here.status, Status::Draft | Status::Submitted | Status::Approved);
        let action = match (&edited, applies) {
            (Some(_), true) => "edited_in_office",
            (Some(_), false) => "office_edit_not_taken",
            (None, _) => "office_conflict",
        };
        let written = self.change_requisition(number, &by, action, &Status::ALL, |tx, req| {
            let mut detail = signed;
            match (&edited, applies) {
                (Some(new), true) => {
                    detail["changed"] = crate::orders::editing::replace_content(tx, req, new)?;
                    if req.status == Status::Approved {
                        tx.execute(
                            "UPDATE requisitions SET status = 'submitted', approved_at = NULL, approved_by = NULL
                             WHERE id = ?1",
                            [req.id],
                        )?;
                    }
                }
                (Some(_), false) => {
                    detail["reason"] = json!(
                        "This copy was changed here since it was shared, or was not shared from the version \
                         changed: share it again and the office keeps both versions for a person to choose."
                    );
                }
                (None, _) => {
                    detail["reason"] = json!(
                        "Changed in two places while apart: the office keeps both versions until the requester \
                         or purchasing chooses one (Settings > Office, or coopdesk office resolve)."
                    );
                }
            }
            take_effect(tx, event_id)?;
            Ok((detail, ()))
        });
        if !skip_if_taken(written)? {
            return Ok(());
        }
        if let (Some(new), true) = (&edited, applies) {
            let now = self.requisition(number)?;
            local::set_base(self.conn(), number, &crate::orders::history::state_hash(new), &local::content_hash(&now))?;
        }
        Ok(())
    }
}
