//! The whole history: which kinds of subject the audit trail covers, and
//! verifying them all at once. This is the one place that knows every
//! audited kind; the trail itself ([`crate::audit`]) knows none of them, and
//! each kind (requisitions, incidents) records its own changes.

use crate::audit::{self, Audited};
use crate::error::Result;
use crate::store::Store;
use serde::Serialize;

/// What verifying the history found.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryReport {
    pub entries: u64,
    pub requisitions: u64,
    pub incidents: u64,
    /// Hash of the last entry: written down or printed, it anchors the chain.
    pub head: String,
    pub problems: Vec<String>,
}

/// Every kind of subject the trail covers.
fn audited() -> [&'static dyn Audited; 2] {
    [&crate::orders::history::Requisitions, &crate::emergency::incidents::Incidents]
}

impl Store {
    /// Walks the whole chain and compares every requisition and incident with
    /// its last entry.
    pub fn verify_history(&self) -> Result<HistoryReport> {
        let report = audit::verify(self.conn(), &audited())?;
        let count = |kind| report.subjects.get(kind).copied().unwrap_or(0);
        Ok(HistoryReport {
            entries: report.entries,
            requisitions: count(crate::orders::history::KIND),
            incidents: count(crate::emergency::incidents::KIND),
            head: report.head,
            problems: report.problems,
        })
    }
}
