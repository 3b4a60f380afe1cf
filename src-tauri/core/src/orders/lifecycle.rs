//! The policy review of a requisition and its journey: draft, submitted,
//! approved, ordered, received (in part or in full), closed; or cancelled.
//! Each step checks what it must and is recorded in the history.

use super::editing::record_acknowledgement;
use super::history::{self, HistoryEntry};
use super::model::*;
use super::settings::{Approver, PurchasingSettings};
use crate::error::{Error, Result};
use crate::money::Cents;
use crate::policy::{self, Finding, FindingKey, LineFacts, PolicyInput, RelatedPurchase, Severity};
use crate::store::Store;
use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;
use serde_json::json;

/// A step in a requisition's journey, as the app asks for it.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Transition {
    Submit,
    ReturnToDraft {
        reason: String,
    },
    Approve {
        approver: String,
    },
    /// The governing board approved it at a meeting: for a purchase above
    /// every approver's limit (or the board-approval threshold).
    BoardApprove {
        meeting: NaiveDate,
        agenda_item: String,
    },
    Order {
        po_number: String,
    },
    /// `(line, quantity)` pairs; none means everything outstanding.
    Receive {
        receipts: Vec<(u32, u32)>,
    },
    Close {
        reason: String,
    },
    Cancel {
        reason: String,
    },
}

/// A requisition with everything the requisition screen shows beside it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequisitionView {
    pub requisition: Requisition,
    pub lines: Vec<LineState>,
    pub total: Cents,
    pub off_contract_total: Cents,
    /// What the on-contract lines would cost at list price, and the saving.
    pub list_total: Cents,
    pub saving: Cents,
    pub findings: Vec<Finding>,
    /// No errors and every warning acknowledged.
    pub ready: bool,
    /// How many findings stand in the way: errors, and warnings not yet
    /// acknowledged (missing emergency documentation never does).
    pub blocking: u32,
    /// Who may approve it under the rules in force (an incident's approvers
    /// for an emergency purchase when it names any), with a limit that
    /// covers the total. The screens offer these and decide nothing.
    pub approvers: Vec<Approver>,
    pub history: Vec<HistoryEntry>,
    /// The approval in force, in words: "Approval of Pat Lee, Director,
    /// recorded by Dana Reyes on 2026-11-27", or the board's.
    pub approval: Option<String>,
    /// This computer is part of an office: approvals and orders are signed
    /// on the approver's and purchasing's own computers.
    pub in_office: bool,
    /// In an office, whether this person's key is in the OS keyring (no
    /// passphrase to type when signing).
    pub key_in_keyring: bool,
    /// The vendor's invoices recorded on it, each with its check.
    pub invoices: Vec<super::invoices::RecordedInvoice>,
    /// Whether an invoice may be recorded now (once it is ordered).
    pub accepts_invoices: bool,
}

/// Everything the policy needs besides the requisition, read once per request.
struct PolicyFacts {
    lines: Vec<LineFacts>,
    settings: PurchasingSettings,
    agency: Option<crate::agency::AgencyProfile>,
    related: Vec<RelatedPurchase>,
    emergency: Option<policy::EmergencyTerms>,
}

impl PolicyFacts {
    fn check(&self, req: &Requisition, today: NaiveDate) -> Vec<Finding> {
        policy::check(&PolicyInput {
            requisition: req,
            lines: &self.lines,
            settings: &self.settings,
            agency: self.agency.as_ref(),
            related: &self.related,
            created_on: created_on(req),
            today,
            emergency: self.emergency.as_ref(),
        })
    }

    /// The approvers in force whose limit covers `total`.
    fn able_approvers(&self, req: &Requisition) -> Vec<Approver> {
        let terms = self.emergency.as_ref().filter(|_| req.emergency.is_some());
        let total = req.total();
        policy::approvers_for(&self.settings, terms)
            .iter()
            .filter(|a| a.limit.is_none_or(|l| l >= total))
            .cloned()
            .collect()
    }
}

fn created_on(req: &Requisition) -> NaiveDate {
    req.created_at.date()
}

impl Store {
    fn line_facts(&self, req: &Requisition) -> Result<Vec<LineFacts>> {
        let mut out = Vec::with_capacity(req.lines.len());
        for line in &req.lines {
            let Some(ev) = line.evidence() else {
                out.push(LineFacts::default());
                continue;
            };
            let current_unit_price = match self.item_detail(&ev.item.id) {
                Ok(d) => Some(d.item.unit_price_at(line.quantity)),
                Err(Error::NotFound { what: "item", .. }) => None,
                Err(e) => return Err(e),
            };
            let contract = self.contract(&ev.contract.id)?;
            let coop = match &contract {
                Some(c) => self.cooperative(&c.cooperative_id)?,
                None => None,
            };
            out.push(LineFacts { current_unit_price, current_contract: contract.zip(coop) });
        }
        Ok(out)
    }

    fn related_purchases(&self, req: &Requisition) -> Result<Vec<RelatedPurchase>> {
        let vendor = req.vendor.as_ref().map(|v| v.name.clone());
        if req.supplier_id.is_none() && vendor.is_none() {
            return Ok(vec![]);
        }
        let mut stmt = self.conn().prepare(
            "SELECT r.number, r.created_at, ifnull(sum(l.quantity * l.unit_cents), 0)
             FROM requisitions r LEFT JOIN requisition_lines l ON l.requisition_id = r.id
             WHERE r.id != ?1 AND r.status != 'cancelled' AND lower(r.department) = lower(?2)
               AND ((?3 IS NOT NULL AND r.supplier_id = ?3)
                    OR (?4 IS NOT NULL AND lower(json_extract(r.vendor, '$.name')) = lower(?4)))
             GROUP BY r.id",
        )?;
        let rows = stmt
            .query_map(params![req.id, req.header.department, req.supplier_id, vendor], |r| {
                let created: crate::clock::Timestamp = r.get(1)?;
                Ok(RelatedPurchase { number: r.get(0)?, created_on: created.date(), total: Cents(r.get(2)?) })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn policy_facts(&self, req: &Requisition) -> Result<PolicyFacts> {
        let mut settings = self.purchasing_settings()?;
        // In an office, who may approve is the office's roster, not a list
        // kept on this computer.
        if let Some(approvers) = self.office_approvers(&req.header.department)? {
            settings.approvers = approvers;
        }
        Ok(PolicyFacts {
            lines: self.line_facts(req)?,
            settings,
            agency: self.agency_profile()?,
            related: self.related_purchases(req)?,
            emergency: self.emergency_terms(req.emergency.as_ref().map(|e| e.incident_id), req.id)?,
        })
    }

    /// The policy findings for a requisition as it stands on `today`.
    pub fn check_requisition(&self, req: &Requisition, today: NaiveDate) -> Result<Vec<Finding>> {
        Ok(self.policy_facts(req)?.check(req, today))
    }

    /// The requisition with its line states, totals, findings, who may
    /// approve it, and history: one read of everything the screen shows.
    pub fn review_requisition(&self, number: &str, today: NaiveDate) -> Result<RequisitionView> {
        let req = self.requisition(number)?;
        let facts = self.policy_facts(&req)?;
        let findings = facts.check(&req, today);
        let approvers = facts.able_approvers(&req);
        let lines = req
            .lines
            .iter()
            .zip(&facts.lines)
            .map(|(l, f)| LineState {
                position: l.position,
                extended: l.extended(),
                current_unit_price: f.current_unit_price,
                item_gone: l.on_contract() && f.current_unit_price.is_none(),
                price_changed: f.current_unit_price.is_some_and(|p| p != l.unit_price),
                list_extended: l.evidence().map(|e| Cents(e.item.list_price.0 * l.quantity as i64)),
                sample: l.from_sample(),
            })
            .collect::<Vec<_>>();
        let list_total = Cents(lines.iter().filter_map(|l| l.list_extended).map(|c| c.0).sum());
        let on_contract = Cents(req.total().0 - req.off_contract_total().0);
        let blocking = policy::blocking(&findings).len() as u32;
        let history = history::of(self.conn(), req.id)?;
        let invoices = self.invoices_of(&req)?;
        let accepts_invoices = super::invoices::INVOICEABLE.contains(&req.status);
        Ok(RequisitionView {
            total: req.total(),
            off_contract_total: req.off_contract_total(),
            saving: Cents(list_total.0 - on_contract.0),
            list_total,
            lines,
            findings,
            ready: blocking == 0,
            blocking,
            approvers,
            approval: approval_words(&history),
            history,
            requisition: req,
            in_office: self.in_office()?,
            key_in_keyring: self.office_key_in_keyring(),
            invoices,
            accepts_invoices,
        })
    }

    /// Records that `actor` read and accepted a current policy warning.
    pub fn acknowledge(
        &mut self,
        number: &str,
        finding_key: &str,
        note: &str,
        actor: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let req = self.requisition(number)?;
        let findings = self.check_requisition(&req, today)?;
        let wanted: FindingKey = finding_key.trim().parse().unwrap_or_else(|never| match never {});
        let finding = findings
            .into_iter()
            .find(|f| f.key == wanted)
            .ok_or_else(|| Error::not_found_on("current finding", finding_key, format!("requisition {number}")))?;
        if finding.severity != Severity::Warning {
            return Err(Error::NotAllowed(match finding.severity {
                Severity::Error => format!("'{}' is an error: it must be fixed, not acknowledged.", finding.message),
                _ => "Only warnings are acknowledged.".into(),
            }));
        }
        if note.trim().is_empty() {
            return Err(Error::Invalid("Say why the warning is accepted: the note goes into the packet.".into()));
        }
        self.change_requisition(number, actor, "warning_acknowledged", &[Status::Draft], |tx, req| {
            record_acknowledgement(tx, req, &finding.key, &finding.message, actor, note)?;
            Ok((json!({ "finding": finding.key, "message": finding.message, "note": note.trim() }), ()))
        })?;
        Ok(())
    }

    /// Takes one step of the journey.
    pub fn transition(&mut self, number: &str, step: &Transition, actor: &str, today: NaiveDate) -> Result<()> {
        match step {
            Transition::Submit => self.submit(number, actor, today),
            Transition::ReturnToDraft { reason } => self.return_to_draft(number, reason, actor),
            Transition::Approve { approver } => self.approve(number, approver, actor, today),
            Transition::BoardApprove { meeting, agenda_item } => {
                self.board_approve(number, *meeting, agenda_item, actor, today)
            }
            Transition::Order { po_number } => self.mark_ordered(number, po_number, actor),
            Transition::Receive { receipts } => self.receive(number, receipts, actor),
            Transition::Close { reason } => self.close(number, reason, actor),
            Transition::Cancel { reason } => self.cancel(number, reason, actor),
        }
    }

    /// Sends a draft for approval: refused while policy errors remain or
    /// warnings are unacknowledged.
    pub fn submit(&mut self, number: &str, actor: &str, today: NaiveDate) -> Result<()> {
        let req = self.requisition(number)?;
        let reasons = blocking_reasons(&self.check_requisition(&req, today)?, false);
        if req.status == Status::Draft && !reasons.is_empty() {
            return Err(Error::PolicyBlocked { number: req.number, reasons });
        }
        self.change_requisition(number, actor, "submitted", &[Status::Draft], |tx, req| {
            tx.execute(
                "UPDATE requisitions SET status = 'submitted', submitted_at = ?1 WHERE id = ?2",
                params![tx.at, req.id],
            )?;
            let acks: Vec<&FindingKey> = req.acknowledgements.iter().map(|a| &a.finding_key).collect();
            Ok((json!({ "total": req.total(), "acknowledged": acks }), ()))
        })?;
        Ok(())
    }

    /// Sends a submitted or approved requisition back to draft for changes.
    pub fn return_to_draft(&mut self, number: &str, reason: &str, actor: &str) -> Result<()> {
        let reason = required(reason, "Say why the requisition goes back to draft.")?;
        self.change_requisition(number, actor, "returned_to_draft", &[Status::Submitted, Status::Approved], |tx, req| {
            tx.execute(
                "UPDATE requisitions SET status = 'draft', submitted_at = NULL, approved_at = NULL, approved_by = NULL WHERE id = ?1",
                [req.id],
            )?;
            Ok((json!({ "reason": reason }), ()))
        })?;
        Ok(())
    }

    /// Approval by `approver`, who must be in Settings with a limit that
    /// covers the total. Policy errors that arose since submission block it.
    pub fn approve(&mut self, number: &str, approver: &str, actor: &str, today: NaiveDate) -> Result<()> {
        if self.in_office()? {
            return Err(Error::NotAllowed(
                "This computer is part of an office, where an approval is signed by the approver on their own \
                 computer: share the requisition with the office for approval."
                    .into(),
            ));
        }
        let req = self.requisition(number)?;
        // One read of what the policy needs serves both checks below.
        let facts = self.policy_facts(&req)?;
        let approvers = policy::approvers_for(&facts.settings, facts.emergency.as_ref());
        let who = approvers.iter().find(|a| a.name.trim().eq_ignore_ascii_case(approver.trim())).ok_or_else(|| {
            let names: Vec<&str> = approvers.iter().map(|a| a.name.as_str()).collect();
            Error::NotAllowed(if names.is_empty() {
                "No approvers are set up: add them to the purchasing settings.".into()
            } else {
                format!("'{approver}' is not an approver. Approvers: {}.", names.join(", "))
            })
        })?;
        let total = req.total();
        if let Some(limit) = who.limit.filter(|l| *l < total) {
            return Err(Error::NotAllowed(format!(
                "{} may approve up to {limit}; requisition {} totals {total}. Ask an approver with a higher limit.",
                who.name, req.number
            )));
        }
        refuse_if_blocked(&req, &facts, today)?;
        let (name, title) = (who.name.clone(), who.title.clone());
        let detail = |total| json!({ "approver": name, "title": title, "total": total });
        self.record_approval(number, actor, "approved", &name, detail)
    }

    /// Approves a submitted requisition: its status, who approved it (in
    /// words), and the history entry, in one transaction.
    fn record_approval(
        &mut self,
        number: &str,
        actor: &str,
        action: &str,
        approved_by: &str,
        detail: impl FnOnce(Cents) -> serde_json::Value,
    ) -> Result<()> {
        self.change_requisition(number, actor, action, &[Status::Submitted], |tx, req| {
            tx.execute(
                "UPDATE requisitions SET status = 'approved', approved_by = ?1, approved_at = ?2 WHERE id = ?3",
                params![approved_by, tx.at, req.id],
            )?;
            // The total as approved, read in the transaction that approves it.
            Ok((detail(req.total()), ()))
        })
    }

    /// Records the governing board's approval (the meeting and the agenda
    /// item) as the approval of a submitted requisition that no approver
    /// may approve, or that is above the board-approval threshold.
    pub fn board_approve(
        &mut self,
        number: &str,
        meeting: NaiveDate,
        agenda_item: &str,
        actor: &str,
        today: NaiveDate,
    ) -> Result<()> {
        if self.in_office()? {
            return Err(Error::NotAllowed(
                "This computer is part of an office: purchasing records the board's approval there, signed \
                 (coopdesk office board-approve)."
                    .into(),
            ));
        }
        let item = agenda_item.trim();
        if item.is_empty() || item.chars().count() > crate::model::limits::SHORT_TEXT {
            return Err(Error::Invalid("Give the board meeting's agenda item (for example 7.B).".into()));
        }
        if meeting > today {
            return Err(Error::Invalid(format!(
                "The board meeting of {meeting} has not happened yet: record its approval after the meeting."
            )));
        }
        let req = self.requisition(number)?;
        let facts = self.policy_facts(&req)?;
        let total = req.total();
        let approvers = policy::approvers_for(&facts.settings, facts.emergency.as_ref());
        let able: Vec<&str> =
            approvers.iter().filter(|a| a.limit.is_none_or(|l| l >= total)).map(|a| a.name.as_str()).collect();
        if !able.is_empty() && total <= facts.settings.thresholds.board_approval {
            return Err(Error::NotAllowed(format!(
                "{} may approve {total}: the board's approval is for purchases above every approver's limit or \
                 above the board-approval threshold ({}).",
                able.join(" or "),
                facts.settings.thresholds.board_approval
            )));
        }
        refuse_if_blocked(&req, &facts, today)?;
        let by = format!("the governing board (meeting {meeting}, item {item})");
        let detail = |total| json!({ "meeting": meeting, "agenda_item": item, "total": total });
        self.record_approval(number, actor, "board_approved", &by, detail)
    }

    /// Purchasing has issued the purchase order.
    pub fn mark_ordered(&mut self, number: &str, po_number: &str, actor: &str) -> Result<()> {
        if self.in_office()? {
            return Err(Error::NotAllowed(
                "This computer is part of an office, where purchasing records the order from their own computer, \
                 so that PO numbers stay unique in the office."
                    .into(),
            ));
        }
        let po = required(po_number, "Enter the purchase order number.")?;
        self.change_requisition(number, actor, "ordered", &[Status::Approved], |tx, req| {
            tx.execute(
                "UPDATE requisitions SET status = 'ordered', po_number = ?1, ordered_at = ?2 WHERE id = ?3",
                params![po, tx.at, req.id],
            )?;
            Ok((json!({ "po_number": po }), ()))
        })?;
        Ok(())
    }

    /// Records goods received: `(line, quantity)` pairs, or every line in
    /// full when `receipts` is empty.
    pub fn receive(&mut self, number: &str, receipts: &[(u32, u32)], actor: &str) -> Result<()> {
        self.refuse_if_shared(number, "record the goods received", "receive")?;
        self.change_requisition(
            number,
            actor,
            "received",
            &[Status::Ordered, Status::PartiallyReceived],
            |tx, req| Ok((record_receipts(tx, req, receipts)?, ())),
        )?;
        Ok(())
    }

    /// Closes a received requisition; a partly received one needs a reason.
    pub fn close(&mut self, number: &str, reason: &str, actor: &str) -> Result<()> {
        let req = self.requisition(number)?;
        if req.status == Status::PartiallyReceived && reason.trim().is_empty() {
            return Err(Error::Invalid(
                "Some lines were not received in full: say why the requisition is closed anyway.".into(),
            ));
        }
        self.change_requisition(number, actor, "closed", &[Status::Received, Status::PartiallyReceived], |tx, req| {
            tx.execute(
                "UPDATE requisitions SET status = 'closed', closed_at = ?1 WHERE id = ?2",
                params![tx.at, req.id],
            )?;
            Ok((json!({ "reason": reason.trim() }), ()))
        })?;
        Ok(())
    }

    /// Cancels a requisition that has not been closed. It stays on file.
    pub fn cancel(&mut self, number: &str, reason: &str, actor: &str) -> Result<()> {
        let reason = required(reason, "Say why the requisition is canceled.")?;
        self.refuse_if_shared(number, "cancel it", "cancel")?;
        self.change_requisition(number, actor, "cancelled", &CANCELABLE, |tx, req| {
            record_cancellation(tx, req)?;
            Ok((json!({ "reason": reason, "was": req.status }), ()))
        })?;
        Ok(())
    }
}

/// The statuses a requisition may be canceled from: any not yet received
/// in full, closed or canceled.
pub(crate) const CANCELABLE: [Status; 5] =
    [Status::Draft, Status::Submitted, Status::Approved, Status::Ordered, Status::PartiallyReceived];

/// Marks the requisition canceled (it stays on file).
pub(crate) fn record_cancellation(tx: &super::Change, req: &Requisition) -> Result<()> {
    tx.execute("UPDATE requisitions SET status = 'cancelled', closed_at = ?1 WHERE id = ?2", params![tx.at, req.id])?;
    Ok(())
}

/// Writes goods received into the requisition's lines (every outstanding
/// line in full when `receipts` is empty) and its status, and says what
/// was received, for the history.
pub(crate) fn record_receipts(
    tx: &super::Change,
    req: &Requisition,
    receipts: &[(u32, u32)],
) -> Result<serde_json::Value> {
    let mut got: Vec<(u32, u32)> = receipts.to_vec();
    if got.is_empty() {
        got = req
            .lines
            .iter()
            .filter(|l| l.received < l.quantity)
            .map(|l| (l.position, l.quantity - l.received))
            .collect();
    }
    let mut detail = Vec::new();
    for (position, qty) in got {
        let line = req
            .line(position)
            .ok_or_else(|| Error::not_found_on("line", position, format!("requisition {}", req.number)))?;
        let received: u32 = tx.query_row(
            "SELECT received FROM requisition_lines WHERE requisition_id = ?1 AND position = ?2",
            params![req.id, position],
            |r| r.get(0),
        )?;
        if qty == 0 || received + qty > line.quantity {
            return Err(Error::Invalid(format!(
                "Line {position}: {} of {} already received; {qty} more would be too many.",
                received, line.quantity
            )));
        }
        tx.execute(
            "UPDATE requisition_lines SET received = received + ?1 WHERE requisition_id = ?2 AND position = ?3",
            params![qty, req.id, position],
        )?;
        detail.push(json!({ "line": position, "quantity": qty }));
    }
    let outstanding: i64 = tx.query_row(
        "SELECT count(*) FROM requisition_lines WHERE requisition_id = ?1 AND received < quantity",
        [req.id],
        |r| r.get(0),
    )?;
    let status = if outstanding == 0 { Status::Received } else { Status::PartiallyReceived };
    tx.execute("UPDATE requisitions SET status = ?1 WHERE id = ?2", params![status.as_str(), req.id])?;
    Ok(json!({ "lines": detail, "status": status }))
}

fn required<'a>(text: &'a str, message: &str) -> Result<&'a str> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::Invalid(message.into()));
    }
    Ok(t)
}

/// What stands in the way, in words for an error: errors, and (unless
/// `errors_only`) warnings not yet acknowledged.
fn blocking_reasons(findings: &[Finding], errors_only: bool) -> Vec<String> {
    policy::blocking(findings)
        .into_iter()
        .filter(|f| !errors_only || f.severity == Severity::Error)
        .map(|f| match f.severity {
            Severity::Warning => format!("{} (not yet acknowledged)", f.message.trim_end_matches('.')),
            _ => f.message.trim_end_matches('.').to_owned(),
        })
        .collect()
}

/// The approval in force, in words, from the history: the last approval
/// since the requisition was last submitted.
fn approval_words(history: &[HistoryEntry]) -> Option<String> {
    let since = history.iter().rposition(|e| e.action == "submitted").map_or(history, |i| &history[i..]);
    let e = since.iter().rev().find(|e| e.action == "approved" || e.action == "board_approved")?;
    let text = |key: &str| e.detail.get(key).and_then(|v| v.as_str()).unwrap_or_default().trim().to_owned();
    let on = e.at.date();
    if e.action == "board_approved" {
        return Some(format!(
            "Approved by the governing board at its meeting of {}, agenda item {}; recorded by {} on {on}",
            text("meeting"),
            text("agenda_item"),
            e.actor
        ));
    }
    let approver = text("approver");
    let approver = if approver.is_empty() { e.actor.clone() } else { approver };
    let title = text("title");
    let who = if title.is_empty() { approver.clone() } else { format!("{approver}, {title}") };
    if e.detail.get("signed_in_coopdesk").is_some() {
        Some(format!("Approved by {who}, signed in coopdesk on {on}"))
    } else if approver.eq_ignore_ascii_case(&e.actor) {
        Some(format!("Approved by {who} on {on}"))
    } else {
        Some(format!("Approval of {who}, recorded by {} on {on}", e.actor))
    }
}

/// A submitted requisition whose policy findings block it (an error, or a
/// warning nobody acknowledged) is not approved.
fn refuse_if_blocked(req: &Requisition, facts: &PolicyFacts, today: NaiveDate) -> Result<()> {
    if req.status == Status::Submitted {
        let reasons = blocking_reasons(&facts.check(req, today), true);
        if !reasons.is_empty() {
            return Err(Error::PolicyBlocked { number: req.number.clone(), reasons });
        }
    }
    Ok(())
}
