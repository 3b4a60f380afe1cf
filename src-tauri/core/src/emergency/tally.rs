//! The running tally of an incident: what has been spent under it, by
//! category and supplier, against any limit; the documentation still
//! missing; and what the clerk must know about the offline data (its age,
//! and the contracts that expire while the waiver lasts).

use super::Incident;
use crate::error::Result;
use crate::money::Cents;
use crate::orders::{Requisition, Status};
use crate::store::Store;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Amount {
    pub name: String,
    pub amount: Cents,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MissingDocs {
    pub number: String,
    pub authorization: String,
    /// What is still to be documented, in words.
    pub missing: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExpiringContract {
    pub id: String,
    pub number: String,
    pub cooperative: String,
    pub supplier: String,
    pub term_end: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dashboard {
    pub incident: Incident,
    pub waiver_days_left: i64,
    pub purchases: u32,
    pub spend: Cents,
    pub limit: Option<Cents>,
    pub by_category: Vec<Amount>,
    pub by_supplier: Vec<Amount>,
    pub missing: Vec<MissingDocs>,
    /// When the oldest feed in the catalogue was last applied: offline data
    /// is only as good as that.
    pub catalogue_applied_at: Option<String>,
    /// Active contracts whose term ends before the waiver does.
    pub expiring: Vec<ExpiringContract>,
}

fn sorted(map: BTreeMap<String, i64>) -> Vec<Amount> {
    let mut v: Vec<Amount> = map.into_iter().map(|(name, a)| Amount { name, amount: Cents(a) }).collect();
    v.sort_by(|a, b| b.amount.cmp(&a.amount).then(a.name.cmp(&b.name)));
    v
}

/// What an emergency requisition still lacks for the reimbursement packet.
pub fn missing_for(req: &Requisition) -> Vec<String> {
    let Some(e) = &req.emergency else { return vec![] };
    let mut out: Vec<String> = e.docs.missing().into_iter().map(|(_, asks)| asks.to_owned()).collect();
    if e.project.is_none() {
        out.push("the FEMA project number".into());
    }
    let off_contract = req.lines.iter().any(|l| !l.on_contract());
    if off_contract && req.quotes().count() == 0 {
        out.push("a quote for the off-contract lines".into());
    }
    if matches!(req.status, Status::Received | Status::Closed | Status::PartiallyReceived)
        && !req
            .attachments
            .iter()
            .any(|a| matches!(a.kind, crate::orders::AttachmentKind::Receipt | crate::orders::AttachmentKind::Invoice))
    {
        out.push("the receipt or invoice".into());
    }
    out
}

impl Store {
    /// The emergency requisitions bought under incident `id`, cancelled ones
    /// left out, oldest first.
    pub fn incident_requisitions(&self, id: i64) -> Result<Vec<Requisition>> {
        let numbers: Vec<String> = self
            .conn()
            .prepare(
                "SELECT number FROM requisitions
                 WHERE json_extract(emergency, '$.incident_id') = ?1 AND status != 'cancelled'
                 ORDER BY created_at, id",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        numbers.iter().map(|n| self.requisition(n)).collect()
    }

    pub fn incident_dashboard(&self, id: i64, today: NaiveDate) -> Result<Dashboard> {
        let incident = self.incident(id)?;
        let reqs = self.incident_requisitions(id)?;
        let mut by_category: BTreeMap<String, i64> = BTreeMap::new();
        let mut by_supplier: BTreeMap<String, i64> = BTreeMap::new();
        let mut missing = Vec::new();
        for req in &reqs {
            let vendor = req.vendor.as_ref().map(|v| v.name.clone()).unwrap_or_else(|| "(no vendor yet)".into());
            *by_supplier.entry(vendor).or_default() += req.total().0;
            for l in &req.lines {
                let category = l
                    .evidence()
                    .and_then(|e| e.item.classifications.first())
                    .map(|c| c.name.clone().unwrap_or_else(|| format!("{} {}", c.scheme, c.code)))
                    .unwrap_or_else(|| "Off-contract purchases".into());
                *by_category.entry(category).or_default() += l.extended().0;
            }
            let gaps = missing_for(req);
            if !gaps.is_empty() {
                let authorization = req.emergency.as_ref().map(|e| e.authorization.clone()).unwrap_or_default();
                missing.push(MissingDocs { number: req.number.clone(), authorization, missing: gaps });
            }
        }
        let catalogue_applied_at = self.catalogue_status()?.feeds.iter().map(|f| f.applied_at.clone()).min();
        let mut stmt = self.conn().prepare(
            "SELECT c.id, c.number, co.name, s.legal_name, c.term_end
             FROM contracts c JOIN cooperatives co ON co.id = c.cooperative_id JOIN suppliers s ON s.id = c.supplier_id
             WHERE c.term_start <= ?1 AND c.term_end >= ?1 AND c.term_end < ?2
             ORDER BY c.term_end, c.number",
        )?;
        let expiring = stmt
            .query_map([today.to_string(), incident.waiver_end.to_string()], |r| {
                let end: String = r.get(4)?;
                Ok(ExpiringContract {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    cooperative: r.get(2)?,
                    supplier: r.get(3)?,
                    term_end: end.parse().unwrap_or(today),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Dashboard {
            waiver_days_left: incident.waiver_days_left(today),
            purchases: reqs.len() as u32,
            spend: Cents(reqs.iter().map(|r| r.total().0).sum()),
            limit: incident.rules.spend_limit,
            by_category: sorted(by_category),
            by_supplier: sorted(by_supplier),
            missing,
            catalogue_applied_at,
            expiring,
            incident,
        })
    }
}
