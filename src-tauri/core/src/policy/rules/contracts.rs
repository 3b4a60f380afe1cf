//! Each contract the lines are bought on, once, in line order: still in the
//! catalogue, in force on the day and until the date needed, usable by this
//! agency (with its membership or addendum on file where one is needed).

use crate::eligibility::{evaluate, Verdict};
use crate::model::{Contract, Cooperative};
use crate::policy::{Ctx, FindingKey, Findings, Severity};
use std::collections::BTreeMap;

pub(in crate::policy) fn contracts(cx: &Ctx, f: &mut Findings) {
    let (input, req) = (cx.input, cx.req);
    use Severity::*;
    let h = &req.header;
    // Contract-level findings, once per contract, in line order.
    let mut contracts: BTreeMap<&str, (u32, &Contract, &Cooperative, bool)> = BTreeMap::new();
    let mut order = Vec::new();
    for (line, facts) in req.lines.iter().zip(input.lines) {
        let Some(ev) = line.evidence() else { continue };
        let (contract, coop, gone) = match &facts.current_contract {
            Some((c, co)) => (c, co, false),
            None => (&ev.contract, &ev.cooperative, true),
        };
        if !contracts.contains_key(contract.id.as_str()) {
            order.push(contract.id.as_str());
            contracts.insert(contract.id.as_str(), (line.position, contract, coop, gone));
        }
    }
    for id in order {
        let (position, contract, coop, gone) = contracts[id];
        let name = format!("Contract {} ({})", contract.number, coop.name);
        if gone {
            f.push(
                Warning,
                FindingKey::ContractGone(id.to_string()),
                Some(position),
                format!("{name} is no longer in the catalog: confirm with the cooperative that it is still in force."),
            );
        }
        if input.today > contract.term_end {
            f.push(
                Error,
                FindingKey::ContractExpired(id.to_string()),
                Some(position),
                format!(
                    "{name} expired on {}: it cannot be used. Remove its lines or buy on another contract.",
                    contract.term_end
                ),
            );
        } else if input.today < contract.term_start {
            f.push(
                Error,
                FindingKey::ContractNotStarted(id.to_string()),
                Some(position),
                format!("{name} starts on {}: it cannot be used yet.", contract.term_start),
            );
        } else if let Some(needed) = h.date_needed.filter(|d| *d > contract.term_end) {
            f.push(
                Warning,
                FindingKey::ContractExpiring { contract: id.to_string(), ends: contract.term_end },
                Some(position),
                format!(
                    "{name} ends on {}, before the date needed ({needed}): order and take delivery before it ends, or check its extension.",
                    contract.term_end
                ),
            );
        }
        let check = evaluate(&contract.id, &contract.eligibility, coop, input.agency, input.today);
        match check.verdict {
            Verdict::NotEligible => f.push(
                Error,
                FindingKey::NotEligible(id.to_string()),
                Some(position),
                format!("This agency may not use {name}: {}.", check.reasons.join("; ")),
            ),
            Verdict::Unknown => f.push(
                Warning,
                FindingKey::EligibilityUnknown,
                Some(position),
                "Eligibility cannot be checked: set up the agency profile first.".into(),
            ),
            // The same answer the catalog gives: usable once the paperwork
            // is filed, and not before.
            Verdict::EligibleOnceFiled => f.push(
                Error,
                FindingKey::NotEligible(id.to_string()),
                Some(position),
                format!(
                    "This agency may use {name} {}: record it in Settings > Agency ({}).",
                    check.summary(),
                    check.reasons.join("; ")
                ),
            ),
            Verdict::Eligible => {}
        }
    }
}
