//! Requisitions: what a clerk builds from the catalogue (or types in for an
//! off-contract purchase), checks against the agency's policy, and takes from
//! draft to closed. Every change runs in one transaction together with the
//! history entry that records it.
//!
//! - [`model`]: the requisition, its lines, evidence, attachments.
//! - [`settings`]: numbering, account string, thresholds, approvers.
//! - [`thresholds`]: the dollar thresholds, where each comes from, the stricter in force.
//! - [`numbering`]: requisition numbers from a pattern (pure).
//! - [`editing`]: creating requisitions, header, lines, prices, attachments.
//! - [`lifecycle`]: the policy review and the status transitions.
//! - [`history`]: the tamper-evident hash chain.
//! - [`invoice`]: an invoice checked against the order and the contract (pure).
//! - [`invoices`]: invoices recorded, acknowledged and approved for payment.
//! - [`export`]: CSV and JSON.

pub mod editing;
pub mod export;
pub mod history;
pub mod invoice;
pub mod invoice_file;
pub mod invoices;
pub mod lifecycle;
pub mod model;
pub mod numbering;
mod read;
pub mod settings;
#[cfg(test)]
pub(crate) mod test_lines;
pub mod thresholds;

pub use editing::{AttachOutcome, LineEdit, ManualLine, NewAttachment};
pub use history::HistoryEntry;
pub use lifecycle::{RequisitionView, Transition};
pub use model::*;
pub use read::{ListFilter, RequisitionList, RequisitionSummary};
pub use settings::{AccountSegment, Approver, PurchasingSettings, Signatories, Signer, WordingTemplate};
pub use thresholds::{InForce, LocalThresholds, SelfCertification, Threshold, Thresholds};

use crate::error::{Error, Result};
use crate::store::Store;
use rusqlite::Transaction;
use std::ops::Deref;

/// A change in progress: its transaction, and the time it is recorded at
/// (one reading of the store's clock for every row it writes).
pub(crate) struct Change<'a> {
    tx: &'a Transaction<'a>,
    pub at: &'a str,
}

impl<'a> Deref for Change<'a> {
    type Target = Transaction<'a>;
    fn deref(&self) -> &Transaction<'a> {
        self.tx
    }
}

fn require_actor(actor: &str) -> Result<&str> {
    let actor = actor.trim();
    if actor.is_empty() {
        return Err(Error::NoActor);
    }
    Ok(actor)
}

impl Store {
    /// Runs `change` on requisition `number` if its status is one of
    /// `allowed`, then records it in the history, all in one transaction.
    /// `change` returns the history entry's detail.
    pub(crate) fn change_requisition<T>(
        &mut self,
        number: &str,
        actor: &str,
        action: &str,
        allowed: &[Status],
        change: impl FnOnce(&Change, &Requisition) -> Result<(serde_json::Value, T)>,
    ) -> Result<T> {
        let actor = require_actor(actor)?.to_owned();
        let at = self.clock().now();
        let stamp = crate::audit::stamp(at);
        let tx = self.conn_mut().transaction()?;
        let req = read::by_number(&tx, number)?;
        if !allowed.contains(&req.status) {
            let need: Vec<&str> = allowed.iter().map(|s| s.label()).collect();
            return Err(Error::InvalidState(format!(
                "Requisition {} is {}; this needs it to be {}.{}",
                req.number,
                req.status.label().to_lowercase(),
                need.join(" or ").to_lowercase(),
                if req.status == Status::Submitted && allowed == [Status::Draft] {
                    " Return it to draft to change it."
                } else {
                    ""
                }
            )));
        }
        let (detail, out) = change(&Change { tx: &tx, at: &stamp }, &req)?;
        tx.execute("UPDATE requisitions SET updated_at = ?1 WHERE id = ?2", rusqlite::params![stamp, req.id])?;
        history::append(&tx, req.id, at, &actor, action, detail)?;
        tx.commit()?;
        Ok(out)
    }

    /// The requisition numbered `number`, as stored.
    pub fn requisition(&self, number: &str) -> Result<Requisition> {
        read::by_number(self.conn(), number)
    }

    pub fn requisitions(&self, filter: &ListFilter) -> Result<RequisitionList> {
        read::list(self.conn(), filter)
    }

    pub fn requisition_history(&self, number: &str) -> Result<Vec<HistoryEntry>> {
        let req = read::by_number(self.conn(), number)?;
        history::of(self.conn(), req.id)
    }
}
