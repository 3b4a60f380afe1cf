//! Requisitions: what a clerk builds from the catalogue (or types in for an
//! off-contract purchase), checks against the agency's policy, and takes from
//! draft to closed. Every change runs in one transaction together with the
//! history entry that records it.
//!
//! - [`model`]: the requisition, its lines, evidence, attachments.
//! - [`settings`]: numbering, account string, thresholds, approvers.
//! - [`numbering`]: requisition numbers from a pattern (pure).
//! - [`editing`]: creating requisitions, header, lines, prices, attachments.
//! - [`lifecycle`]: the policy review and the status transitions.
//! - [`history`]: the tamper-evident hash chain.
//! - [`export`]: CSV and JSON.

pub mod editing;
pub mod export;
pub mod history;
pub mod lifecycle;
pub mod model;
pub mod numbering;
mod read;
pub mod settings;

pub use editing::{AttachOutcome, LineEdit, ManualLine, NewAttachment};
pub use history::{HistoryEntry, HistoryReport};
pub use lifecycle::{RequisitionView, Transition};
pub use model::*;
pub use read::{ListFilter, RequisitionList, RequisitionSummary};
pub use settings::{AccountSegment, Approver, PurchasingSettings, Signatories, Signer, Thresholds, WordingTemplate};

use crate::error::{Error, Result};
use crate::store::Store;
use chrono::Utc;
use rusqlite::Transaction;

/// Now, as stored in the database: RFC 3339 UTC with milliseconds.
pub fn now() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn require_actor(actor: &str) -> Result<&str> {
    let actor = actor.trim();
    if actor.is_empty() {
        return Err(Error::InvalidInput(
            "Say who is making the change: set your name in Settings (or pass --by NAME).".into(),
        ));
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
        change: impl FnOnce(&Transaction, &Requisition) -> Result<(serde_json::Value, T)>,
    ) -> Result<T> {
        let actor = require_actor(actor)?.to_owned();
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
        let (detail, out) = change(&tx, &req)?;
        tx.execute("UPDATE requisitions SET updated_at = ?1 WHERE id = ?2", rusqlite::params![now(), req.id])?;
        history::append(&tx, history::Subject::Requisition(req.id), &actor, action, detail)?;
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
        history::of(self.conn(), history::Subject::Requisition(req.id))
    }

    /// Verifies the whole history chain against every requisition.
    pub fn verify_history(&self) -> Result<HistoryReport> {
        history::verify(self.conn())
    }
}
