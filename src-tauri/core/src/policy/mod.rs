//! The agency's purchasing policy applied to a requisition: a pure function
//! of the requisition, what the catalogue says now, the settings, the agency
//! profile and the department's recent purchases. It returns findings, each
//! with a severity and a reason a clerk can act on. Errors block submission;
//! warnings must be acknowledged, and the acknowledgement is recorded.

use crate::agency::AgencyProfile;
use crate::model::{Contract, Cooperative};
use crate::money::Cents;
use crate::orders::{Acknowledgement, Approver, EmergencyInfo, PurchasingSettings, Requisition, Thresholds};
use chrono::NaiveDate;
use serde::Serialize;

mod key;
mod rules;
#[cfg(test)]
mod tests;

pub use key::FindingKey;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    /// Emergency documentation still missing: never blocks an emergency
    /// purchase, and is listed until it is filled in.
    Gap,
    Info,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    /// Stable while the situation is the same, so an acknowledgement sticks
    /// to it, and a changed situation (a new price) needs a new one.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub key: FindingKey,
    pub severity: Severity,
    pub message: String,
    /// The line it is about, if any.
    pub line: Option<u32>,
    pub acknowledged: Option<Acknowledgement>,
}

/// What the catalogue says today about one line, in the requisition's line order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineFacts {
    /// Today's unit price at the line's quantity; `None` when the item is gone.
    pub current_unit_price: Option<Cents>,
    /// The line's contract and cooperative as the catalogue holds them now.
    pub current_contract: Option<(Contract, Cooperative)>,
}

/// Another requisition of the same department from the same supplier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedPurchase {
    pub number: String,
    pub total: Cents,
    pub created_on: NaiveDate,
}

pub struct PolicyInput<'a> {
    pub requisition: &'a Requisition,
    pub lines: &'a [LineFacts],
    pub settings: &'a PurchasingSettings,
    pub agency: Option<&'a AgencyProfile>,
    /// Not cancelled, excluding this one.
    pub related: &'a [RelatedPurchase],
    pub created_on: NaiveDate,
    pub today: NaiveDate,
    /// The incident's terms when the requisition is an emergency purchase.
    pub emergency: Option<&'a EmergencyTerms>,
}

/// An incident's terms as the policy applies them to an emergency purchase:
/// the waiver's window and the relaxed rules. The policy sees no incident,
/// only these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmergencyTerms {
    /// The incident's name, as findings mention it.
    pub incident: String,
    pub waiver_start: NaiveDate,
    pub waiver_end: NaiveDate,
    pub micro_purchase: Cents,
    pub quotes_above: Cents,
    pub quotes_required: u32,
    pub formal_bid: Cents,
    /// Empty: the everyday approvers apply.
    pub approvers: Vec<Approver>,
    /// A cap on everything bought under the incident, if the authority set one.
    pub spend_limit: Option<Cents>,
    /// What the incident's other purchases (not cancelled) already total.
    pub spent_before: Cents,
}

impl EmergencyTerms {
    pub fn waiver_covers(&self, day: NaiveDate) -> bool {
        self.waiver_start <= day && day <= self.waiver_end
    }
}

/// Whether findings allow the requisition to go forward: no errors, and
/// every warning acknowledged.
pub fn blocking(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error || (f.severity == Severity::Warning && f.acknowledged.is_none()))
        .collect()
}

pub(crate) struct Findings<'a> {
    out: Vec<Finding>,
    acks: &'a [Acknowledgement],
}

impl Findings<'_> {
    pub(crate) fn push(&mut self, severity: Severity, key: FindingKey, line: Option<u32>, message: String) {
        let acknowledged = match severity {
            Severity::Warning => self.acks.iter().find(|a| a.finding_key == key).cloned(),
            _ => None,
        };
        self.out.push(Finding { key, severity, message, line, acknowledged });
    }
}

/// What every rule sees: the input, and what it implies.
pub(crate) struct Ctx<'a> {
    pub input: &'a PolicyInput<'a>,
    pub req: &'a Requisition,
    /// The thresholds in force: an incident's relaxed ones for an emergency purchase.
    pub t: Thresholds,
    /// The dollar thresholds that apply, each with the rule it comes from.
    pub in_force: crate::orders::InForce,
    /// The requisition's emergency information with the incident's terms,
    /// when it is an emergency purchase.
    pub emergency: Option<(&'a EmergencyInfo, &'a EmergencyTerms)>,
}

/// Applies the policy. Findings come errors first, then warnings, then
/// information, each in the order of the requisition.
pub fn check(input: &PolicyInput) -> Vec<Finding> {
    let req = input.requisition;
    let emergency = req.emergency.as_ref().zip(input.emergency);
    // Under an incident its relaxed thresholds apply.
    let mut t = input.settings.thresholds.clone();
    if let Some((_, r)) = emergency {
        t.micro_purchase = r.micro_purchase;
        t.quotes_above = r.quotes_above;
        t.quotes_required = r.quotes_required;
        t.formal_bid = r.formal_bid;
    }
    let in_force = match emergency {
        Some((_, r)) => Thresholds::under_incident(&r.incident, r.micro_purchase, r.quotes_above, r.formal_bid),
        None => t.in_force(),
    };
    let cx = Ctx { input, req, t, in_force, emergency };
    let mut f = Findings { out: Vec::new(), acks: &req.acknowledgements };
    rules::header::header(&cx, &mut f);
    rules::contracts::contracts(&cx, &mut f);
    // The eligibility-unknown warning is one finding, however many contracts.
    dedup_by_key(&mut f.out);
    rules::lines::lines(&cx, &mut f);
    rules::thresholds::thresholds(&cx, &mut f);
    match emergency {
        None => rules::split::split(&cx, &mut f),
        Some((info, terms)) => rules::emergency::emergency_findings(input, info, terms, &mut f),
    }
    rules::approval::approval(&cx, &mut f);
    f.out.sort_by_key(|x| x.severity);
    f.out
}

/// Who may approve: the incident's approvers for an emergency purchase when
/// it names any, else the everyday ones.
pub fn approvers_for<'a>(settings: &'a PurchasingSettings, emergency: Option<&'a EmergencyTerms>) -> &'a [Approver] {
    match emergency {
        Some(e) if !e.approvers.is_empty() => &e.approvers,
        _ => &settings.approvers,
    }
}

fn dedup_by_key(findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|x| seen.insert(x.key.clone()));
}
