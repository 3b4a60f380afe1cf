//! An emergency purchase: the documentation federal rules ask for (gaps, never
//! blocking), the procurement waiver's window, and what FEMA checks of each
//! contract's coverage.

use crate::policy::{EmergencyTerms, FindingKey, Findings, PolicyInput, Severity};

/// The emergency rules: the documentation federal rules ask for, the
/// waiver's window, and whether each contract covers the order.
pub(in crate::policy) fn emergency_findings(
    input: &PolicyInput,
    info: &crate::orders::EmergencyInfo,
    incident: &EmergencyTerms,
    f: &mut Findings,
) {
    let req = input.requisition;
    for (field, asks) in info.docs.missing() {
        f.push(
            Severity::Gap,
            FindingKey::EmergencyDoc(field.into()),
            None,
            format!("Emergency documentation missing: {asks}. Fill it in before the reimbursement packet."),
        );
    }
    if let Some(limit) = incident.spend_limit {
        let together = crate::money::Cents(incident.spent_before.0 + req.total().0);
        if together > limit {
            f.push(
                Severity::Warning,
                FindingKey::SpendLimit(limit),
                None,
                format!(
                    "With this purchase, spending under {} comes to {together} ({} before it), over its limit of {limit}. Acknowledge with the authority's approval to go over it, or buy less.",
                    incident.incident, incident.spent_before
                ),
            );
        }
    }
    if info.project.is_none() {
        f.push(
            Severity::Gap,
            FindingKey::EmergencyDoc("project".into()),
            None,
            "No FEMA project number yet: charge the purchase to a project once FEMA assigns one.".into(),
        );
    }
    if !incident.waiver_covers(input.created_on) {
        f.push(
            Severity::Warning,
            FindingKey::OutsideWaiver(incident.waiver_end),
            None,
            format!(
                "Bought on {} outside the procurement waiver of {} ({} to {}): the everyday rules apply to it.",
                input.created_on, incident.incident, incident.waiver_start, incident.waiver_end
            ),
        );
    }
    let state = input.agency.map(|a| a.address.state.as_str());
    let mut seen = Vec::new();
    for (line, facts) in req.lines.iter().zip(input.lines) {
        let Some(ev) = line.evidence() else { continue };
        let contract = facts.current_contract.as_ref().map(|(c, _)| c).unwrap_or(&ev.contract);
        if seen.contains(&contract.id) {
            continue;
        }
        seen.push(contract.id.clone());
        let amount: i64 = req
            .lines
            .iter()
            .filter(|l| l.evidence().is_some_and(|e| e.contract.id == contract.id))
            .map(|l| l.extended().0)
            .sum();
        let geography = match (contract.eligibility.states.is_empty(), state) {
            (true, _) => "agencies in every state".to_owned(),
            (false, Some(s)) if contract.eligibility.states.iter().any(|x| x == s) => format!("agencies in {s}"),
            (false, Some(s)) => format!("only {}, not {s}", contract.eligibility.states.join(", ")),
            (false, None) => format!("only {}", contract.eligibility.states.join(", ")),
        };
        let expires_in_waiver = contract.term_end < incident.waiver_end;
        f.push(
            Severity::Info,
            FindingKey::FemaCoverage(contract.id.clone()),
            Some(line.position),
            format!(
                "FEMA coverage of contract {}: type — the items are on its price list; geography — {geography}; amount — {} on this order (the catalog holds no contract ceiling: confirm it fits the contract's maximum){}.",
                contract.number,
                crate::money::Cents(amount),
                if expires_in_waiver { format!("; it expires on {}, during the waiver", contract.term_end) } else { String::new() }
            ),
        );
    }
}
