//! The agency's purchasing policy applied to a requisition: a pure function
//! of the requisition, what the catalogue says now, the settings, the agency
//! profile and the department's recent purchases. It returns findings, each
//! with a severity and a reason a clerk can act on. Errors block submission;
//! warnings must be acknowledged, and the acknowledgement is recorded.

use crate::agency::{in_force, AgencyProfile};
use crate::eligibility::{evaluate, Verdict};
use crate::model::{Contract, Cooperative};
use crate::money::Cents;
use crate::orders::{Acknowledgement, Approver, PurchasingSettings, Requisition};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

mod key;
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

struct Findings<'a> {
    out: Vec<Finding>,
    acks: &'a [Acknowledgement],
}

impl Findings<'_> {
    fn push(&mut self, severity: Severity, key: FindingKey, line: Option<u32>, message: String) {
        let acknowledged = match severity {
            Severity::Warning => self.acks.iter().find(|a| a.finding_key == key).cloned(),
            _ => None,
        };
        self.out.push(Finding { key, severity, message, line, acknowledged });
    }
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
    let t = &t;
    let mut f = Findings { out: Vec::new(), acks: &req.acknowledgements };
    use Severity::*;

    if req.lines.is_empty() {
        f.push(
            Error,
            FindingKey::NoLines,
            None,
            "The requisition has no lines: add items from the catalogue or an off-contract line.".into(),
        );
    }
    let h = &req.header;
    for (field, value, label) in [
        ("department", &h.department, "a department"),
        ("requester", &h.requester, "a requester"),
        ("deliver_to", &h.deliver_to, "a deliver-to address"),
    ] {
        if value.trim().is_empty() {
            f.push(Error, FindingKey::Missing(field.into()), None, format!("The header needs {label}."));
        }
    }
    match h.date_needed {
        None => f.push(
            Error,
            FindingKey::Missing("date_needed".into()),
            None,
            "The header needs the date the goods are needed.".into(),
        ),
        Some(d) if d < input.today => f.push(
            Error,
            FindingKey::DateNeededPast,
            None,
            format!("The date needed ({d}) is already past: set a real date."),
        ),
        Some(_) => {}
    }

    // Contract-level findings, once per contract, in line order.
    let mut contracts: BTreeMap<&str, (u32, &Contract, &Cooperative, bool)> = BTreeMap::new();
    let mut order = Vec::new();
    for (line, facts) in req.lines.iter().zip(input.lines) {
        let Some(ev) = &line.evidence else { continue };
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
                format!(
                    "{name} is no longer in the catalogue: confirm with the cooperative that it is still in force."
                ),
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
                "Eligibility cannot be checked: set up the agency profile in Settings.".into(),
            ),
            Verdict::Eligible => {}
        }
        if let Some(agency) = input.agency {
            let on_file = agency
                .memberships
                .iter()
                .any(|m| m.cooperative_id == coop.id && in_force(m.signed_on, m.expires_on, input.today));
            if !on_file && check.verdict == Verdict::Eligible {
                f.push(
                    Warning,
                    FindingKey::Membership(coop.id.clone()),
                    Some(position),
                    format!("No membership with {} is on file: file the cooperative's membership or registration form before ordering.", coop.name),
                );
            }
        }
    }
    // The eligibility-unknown warning is one finding, however many contracts.
    dedup_by_key(&mut f.out);

    for (line, facts) in req.lines.iter().zip(input.lines) {
        let p = line.position;
        if let Some(problem) = input.settings.account_problem(&line.account) {
            let shown =
                if line.account.trim().is_empty() { "(blank)".to_owned() } else { format!("'{}'", line.account) };
            f.push(Error, FindingKey::Account(p), Some(p), format!("Line {p}: the account string {shown} {problem}."));
        }
        if line.on_contract() {
            match facts.current_unit_price {
                None => f.push(
                    Warning,
                    FindingKey::ItemGone(p),
                    Some(p),
                    format!(
                        "Line {p}: the item is no longer in the catalogue; the price is as captured when it was added."
                    ),
                ),
                Some(now) if now != line.unit_price => f.push(
                    Warning,
                    FindingKey::PriceChanged { line: p, now },
                    Some(p),
                    format!(
                        "Line {p}: price changed since added: was {}, now {}. Accept the new price or acknowledge.",
                        line.unit_price, now
                    ),
                ),
                Some(_) => {}
            }
        } else {
            let vendor = line.vendor.as_deref().unwrap_or("").trim();
            let quoted =
                req.quotes().any(|q| q.quote.vendor.as_deref().is_some_and(|v| v.trim().eq_ignore_ascii_case(vendor)));
            if !quoted {
                f.push(
                    if emergency.is_some() { Gap } else { Warning },
                    FindingKey::OffContractQuote(p),
                    Some(p),
                    format!(
                        "Line {p} is off contract: attach the quote from {}.",
                        if vendor.is_empty() { "its vendor" } else { vendor }
                    ),
                );
            }
        }
    }

    let off = req.off_contract_total();
    if off > t.formal_bid {
        f.push(
            if emergency.is_some() { Warning } else { Error },
            FindingKey::FormalBid,
            None,
            format!(
                "Off-contract lines total {off}, over the formal-bid threshold ({}): they need a formal solicitation. Buy on a cooperative contract instead, or run a bid.",
                t.formal_bid
            ),
        );
    } else if off > t.quotes_above {
        let have = req.quotes().count() as u32;
        if have < t.quotes_required {
            f.push(
                if emergency.is_some() { Gap } else { Error },
                FindingKey::QuotesRequired,
                None,
                format!(
                    "Off-contract lines total {off}, over {}: attach {} written quotes ({have} attached).",
                    t.quotes_above, t.quotes_required
                ),
            );
        }
    }
    let total = req.total();
    if total > t.board_approval {
        f.push(
            Warning,
            FindingKey::BoardApproval,
            None,
            format!("The total {total} is over {}: it needs the board's approval. Acknowledge with the meeting date or agenda item.", t.board_approval),
        );
    }

    if emergency.is_none() {
        split_purchase(input, &mut f);
    }
    if let Some((info, incident)) = emergency {
        emergency_findings(input, info, incident, &mut f);
    }

    if !req.lines.is_empty() {
        let approvers = approvers_for(input.settings, input.emergency.filter(|_| emergency.is_some()));
        let able: Vec<&str> =
            approvers.iter().filter(|a| a.limit.is_none_or(|l| l >= total)).map(|a| a.name.as_str()).collect();
        if able.is_empty() {
            f.push(
                Warning,
                FindingKey::NoApprover(total),
                None,
                format!("No approver in Settings may approve {total}: add one in Settings > Purchasing policy, or the requisition cannot be approved."),
            );
        } else {
            f.push(
                Info,
                FindingKey::ApprovalRoute,
                None,
                format!("To be approved by {} (limit covers {total}).", able.join(" or ")),
            );
        }
    }

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

/// The emergency rules: the documentation federal rules ask for, the
/// waiver's window, and whether each contract covers the order.
fn emergency_findings(
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
        let Some(ev) = &line.evidence else { continue };
        let contract = facts.current_contract.as_ref().map(|(c, _)| c).unwrap_or(&ev.contract);
        if seen.contains(&contract.id) {
            continue;
        }
        seen.push(contract.id.clone());
        let amount: i64 = req
            .lines
            .iter()
            .filter(|l| l.evidence.as_ref().is_some_and(|e| e.contract.id == contract.id))
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
                "FEMA coverage of contract {}: type — the items are on its price list; geography — {geography}; amount — {} on this order (the catalogue holds no contract ceiling: confirm it fits the contract's maximum){}.",
                contract.number,
                crate::money::Cents(amount),
                if expires_in_waiver { format!("; it expires on {}, during the waiver", contract.term_end) } else { String::new() }
            ),
        );
    }
}

fn split_purchase(input: &PolicyInput, f: &mut Findings) {
    let t = &input.settings.thresholds;
    let req = input.requisition;
    let total = req.total();
    if total.0 == 0 || total > t.micro_purchase {
        return;
    }
    let window = i64::from(t.split_window_days);
    let mut near: Vec<&RelatedPurchase> = input
        .related
        .iter()
        .filter(|r| r.total <= t.micro_purchase && (r.created_on - input.created_on).num_days().abs() <= window)
        .collect();
    if near.is_empty() {
        return;
    }
    near.sort_by(|a, b| a.number.cmp(&b.number));
    let together = Cents(total.0 + near.iter().map(|r| r.total.0).sum::<i64>());
    if together <= t.micro_purchase {
        return;
    }
    let others: Vec<String> = near.iter().map(|r| format!("{} ({})", r.number, r.total)).collect();
    let vendor = req.vendor.as_ref().map(|v| v.name.as_str()).unwrap_or("this supplier");
    f.push(
        Severity::Warning,
        FindingKey::Split(near.iter().map(|r| r.number.clone()).collect()),
        None,
        format!(
            "Possible split purchase: with {} the {} department buys {together} from {vendor} within {window} days, over the micro-purchase threshold ({}). Combine them, or acknowledge why they are separate needs.",
            others.join(", "),
            req.header.department,
            t.micro_purchase
        ),
    );
}

fn dedup_by_key(findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|x| seen.insert(x.key.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agency::Membership;
    use crate::model::*;
    use crate::orders::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn contract() -> (Contract, Cooperative) {
        let coop = Cooperative {
            id: "coop".into(),
            name: "Gulf Cooperative".into(),
            lead_agency: None,
            membership_required: false,
            website: None,
        };
        let contract = Contract {
            id: "ctr".into(),
            cooperative_id: "coop".into(),
            supplier_id: "sup".into(),
            number: "GC-1".into(),
            title: "Power".into(),
            lead_agency: None,
            term_start: d("2025-01-01"),
            term_end: d("2027-06-30"),
            max_extension_end: None,
            eligibility: Eligibility::default(),
            documents: vec![],
            origin: None,
            amendments: vec![],
        };
        (contract, coop)
    }

    fn catalogue_line(position: u32, quantity: u32, price: i64) -> Line {
        let (contract, cooperative) = contract();
        let item = CatalogueItem {
            id: format!("i{position}"),
            contract_id: "ctr".into(),
            supplier_sku: "SKU".into(),
            manufacturer: None,
            manufacturer_part: None,
            description: "UPS battery".into(),
            classifications: vec![],
            unit: "EA".into(),
            list_price: Cents(price * 2),
            contract_price: Cents(price),
            price_tiers: vec![],
            attributes: vec![],
            currency: crate::model::USD.into(),
        };
        Line {
            position,
            item_id: Some(item.id.clone()),
            quantity,
            received: 0,
            unit: "EA".into(),
            description: "UPS battery".into(),
            supplier_sku: "SKU".into(),
            manufacturer_part: String::new(),
            unit_price: Cents(price),
            account: "100-210-01-5230".into(),
            tax_exempt: true,
            vendor: None,
            evidence: Some(Evidence {
                item,
                contract,
                cooperative,
                supplier_name: "Pelican".into(),
                contract_version: "v".into(),
                document_sha256: None,
                feed_id: "f".into(),
                feed_sequence: 1,
                feed_applied_at: "2026-11-01T00:00:00Z".into(),
                captured_at: "2026-11-20T00:00:00Z".into(),
            }),
        }
    }

    fn manual_line(position: u32, price: i64, vendor: &str) -> Line {
        Line { item_id: None, vendor: Some(vendor.into()), evidence: None, ..catalogue_line(position, 1, price) }
    }

    fn requisition(lines: Vec<Line>) -> Requisition {
        Requisition {
            id: 1,
            number: "2027-PW-0001".into(),
            status: Status::Draft,
            fiscal_year: 2027,
            header: Header {
                department: "PW".into(),
                requester: "Dana Reyes".into(),
                requester_phone: "555-0100".into(),
                deliver_to: "1 City Hall Plaza".into(),
                date_needed: Some(d("2026-12-15")),
                purpose: "911 centre UPS".into(),
                notes: String::new(),
                justification: None,
            },
            supplier_id: Some("sup".into()),
            vendor: Some(Vendor { name: "Pelican".into(), ..Vendor::default() }),
            po_number: None,
            approved_by: None,
            created_at: "2026-11-20T10:00:00Z".into(),
            updated_at: "2026-11-20T10:00:00Z".into(),
            submitted_at: None,
            approved_at: None,
            ordered_at: None,
            closed_at: None,
            lines,
            attachments: vec![],
            acknowledgements: vec![],
            emergency: None,
        }
    }

    fn agency() -> AgencyProfile {
        AgencyProfile {
            name: "Town of Harbor".into(),
            entity_type: EntityType::City,
            address: Address {
                street: "1 Main".into(),
                city: "Mobile".into(),
                state: "AL".into(),
                zip: "36602".into(),
            },
            memberships: vec![Membership {
                cooperative_id: "coop".into(),
                signed_on: d("2024-01-01"),
                expires_on: None,
            }],
            addenda: vec![],
            single_award_prohibited: false,
        }
    }

    fn settings() -> PurchasingSettings {
        PurchasingSettings {
            approvers: vec![
                Approver { name: "Pat Lee".into(), title: "Director".into(), limit: Some(Cents::dollars(25_000)) },
                Approver { name: "Sam Ortiz".into(), title: "Manager".into(), limit: None },
            ],
            ..Default::default()
        }
    }

    struct Case {
        name: &'static str,
        req: Requisition,
        facts: Vec<LineFacts>,
        agency: Option<AgencyProfile>,
        related: Vec<RelatedPurchase>,
        today: &'static str,
        /// Keys expected (errors and warnings; info left out), in order.
        want: Vec<&'static str>,
    }

    fn same(req: &Requisition) -> Vec<LineFacts> {
        req.lines
            .iter()
            .map(|l| match &l.evidence {
                Some(e) => LineFacts {
                    current_unit_price: Some(l.unit_price),
                    current_contract: Some((e.contract.clone(), e.cooperative.clone())),
                },
                None => LineFacts::default(),
            })
            .collect()
    }

    fn case(name: &'static str, req: Requisition, want: Vec<&'static str>) -> Case {
        Case { name, facts: same(&req), req, agency: Some(agency()), related: vec![], today: "2026-11-22", want }
    }

    #[test]
    fn policy_table() {
        let clean = requisition(vec![catalogue_line(1, 40, 89 * 100)]);
        let mut cases = vec![case("a clean on-contract requisition", clean.clone(), vec![])];

        cases.push(case("no lines", requisition(vec![]), vec!["no_lines"]));

        let mut r = clean.clone();
        r.header.department.clear();
        r.header.date_needed = None;
        cases.push(case("header incomplete", r, vec!["missing:department", "missing:date_needed"]));

        let mut r = clean.clone();
        r.header.date_needed = Some(d("2026-11-01"));
        cases.push(case("date needed in the past", r, vec!["date_needed_past"]));

        let mut c = case("contract expired", clean.clone(), vec!["contract_expired:ctr"]);
        c.today = "2027-07-01";
        c.req.header.date_needed = Some(d("2027-08-01"));
        cases.push(c);

        let mut r = clean.clone();
        r.header.date_needed = Some(d("2027-07-15"));
        cases.push(case("contract ends before the date needed", r, vec!["contract_expiring:ctr:2027-06-30"]));

        let mut c = case("item gone and contract gone", clean.clone(), vec!["contract_gone:ctr", "item_gone:1"]);
        c.facts = vec![LineFacts::default()];
        cases.push(c);

        let mut c = case("price changed since added", clean.clone(), vec!["price_changed:1:9500"]);
        c.facts[0].current_unit_price = Some(Cents::dollars(95));
        cases.push(c);

        let mut c = case("not eligible: out of state", clean.clone(), vec!["not_eligible:ctr"]);
        c.facts[0].current_contract.as_mut().unwrap().0.eligibility.states = vec!["TX".into()];
        cases.push(c);

        let mut c = case("no agency profile", clean.clone(), vec!["eligibility_unknown"]);
        c.agency = None;
        cases.push(c);

        let mut c = case("membership not on file", clean.clone(), vec!["membership:coop"]);
        c.agency.as_mut().unwrap().memberships.clear();
        cases.push(c);

        let mut c =
            case("membership required and missing is an eligibility error", clean.clone(), vec!["not_eligible:ctr"]);
        c.agency.as_mut().unwrap().memberships.clear();
        c.facts[0].current_contract.as_mut().unwrap().1.membership_required = true;
        cases.push(c);

        let mut r = clean.clone();
        r.lines[0].account = "100-210".into();
        cases.push(case("account string incomplete", r, vec!["account:1"]));

        let r = requisition(vec![catalogue_line(1, 1, 100 * 100), manual_line(2, 500 * 100, "Bayou Hardware")]);
        cases.push(case("off-contract line without its quote", r, vec!["off_contract_quote:2"]));

        let mut r = requisition(vec![manual_line(1, 12_000 * 100, "Bayou Hardware")]);
        r.attachments.push(quote("Bayou Hardware", 12_000 * 100));
        cases.push(case("over the quotes threshold with one quote", r, vec!["quotes_required"]));

        let mut r = requisition(vec![manual_line(1, 12_000 * 100, "Bayou Hardware")]);
        for v in ["Bayou Hardware", "Delta Supply", "Crescent Tools"] {
            r.attachments.push(quote(v, 12_000 * 100));
        }
        cases.push(case("over the quotes threshold with three quotes", r, vec![]));

        let r = requisition(vec![manual_line(1, 300_000 * 100, "Bayou Hardware")]);
        cases.push(case(
            "over the formal-bid threshold off contract",
            r,
            vec!["formal_bid", "off_contract_quote:1", "board_approval"],
        ));

        cases.push(case(
            "board approval over its threshold",
            requisition(vec![catalogue_line(1, 600, 100 * 100)]),
            vec!["board_approval"],
        ));

        let mut c =
            case("split purchase", requisition(vec![catalogue_line(1, 1, 6_000 * 100)]), vec!["split:2027-PW-0002"]);
        c.related = vec![RelatedPurchase {
            number: "2027-PW-0002".into(),
            total: Cents::dollars(5_000),
            created_on: d("2026-11-10"),
        }];
        cases.push(c);

        let mut c = case(
            "related purchase outside the window is not a split",
            requisition(vec![catalogue_line(1, 1, 6_000 * 100)]),
            vec![],
        );
        c.related = vec![RelatedPurchase {
            number: "2026-PW-0090".into(),
            total: Cents::dollars(5_000),
            created_on: d("2026-09-01"),
        }];
        cases.push(c);

        let mut c =
            case("together still under the threshold", requisition(vec![catalogue_line(1, 1, 3_000 * 100)]), vec![]);
        c.related = vec![RelatedPurchase {
            number: "2027-PW-0002".into(),
            total: Cents::dollars(2_000),
            created_on: d("2026-11-10"),
        }];
        cases.push(c);

        for c in cases {
            let s = settings();
            let input = PolicyInput {
                requisition: &c.req,
                lines: &c.facts,
                settings: &s,
                agency: c.agency.as_ref(),
                related: &c.related,
                created_on: d("2026-11-20"),
                emergency: None,
                today: d(c.today),
            };
            let got: Vec<String> =
                check(&input).into_iter().filter(|f| f.severity != Severity::Info).map(|f| f.key.to_string()).collect();
            assert_eq!(got, c.want, "{}", c.name);
        }
    }

    fn quote(vendor: &str, amount: i64) -> Attachment {
        Attachment {
            id: 1,
            sha256: vendor.into(),
            size: 1,
            file_name: "q.pdf".into(),
            media_type: "application/pdf".into(),
            kind: AttachmentKind::Quote,
            quote: QuoteInfo { vendor: Some(vendor.into()), amount: Some(Cents(amount)), quoted_on: None },
            note: String::new(),
            added_at: String::new(),
        }
    }

    #[test]
    fn acknowledged_warnings_stop_blocking_and_errors_always_block() {
        let mut req = requisition(vec![catalogue_line(1, 1, 100 * 100)]);
        req.header.date_needed = Some(d("2027-07-15"));
        let facts = same(&req);
        let s = settings();
        let a = agency();
        let run = |req: &Requisition| {
            check(&PolicyInput {
                requisition: req,
                lines: &facts,
                settings: &s,
                agency: Some(&a),
                related: &[],
                created_on: d("2026-11-20"),
                emergency: None,
                today: d("2026-11-22"),
            })
        };
        let findings = run(&req);
        assert_eq!(blocking(&findings).len(), 1);
        req.acknowledgements.push(Acknowledgement {
            finding_key: "contract_expiring:ctr:2027-06-30".parse().unwrap(),
            message: String::new(),
            by: "Dana".into(),
            note: "delivery in December".into(),
            at: String::new(),
        });
        let findings = run(&req);
        assert!(blocking(&findings).is_empty(), "{findings:?}");
        let route = findings.iter().find(|f| f.key == "approval_route").unwrap();
        assert!(route.message.contains("Pat Lee or Sam Ortiz"), "{}", route.message);
        req.lines[0].account.clear();
        assert_eq!(blocking(&run(&req)).len(), 1);
    }

    #[test]
    fn messages_say_what_to_do() {
        let req = requisition(vec![catalogue_line(1, 1, 100 * 100)]);
        let mut facts = same(&req);
        facts[0].current_unit_price = Some(Cents::dollars(110));
        let s = settings();
        let a = agency();
        let findings = check(&PolicyInput {
            requisition: &req,
            lines: &facts,
            settings: &s,
            agency: Some(&a),
            related: &[],
            created_on: d("2026-11-20"),
            emergency: None,
            today: d("2026-11-22"),
        });
        let f = findings.iter().find(|f| matches!(f.key, FindingKey::PriceChanged { .. })).unwrap();
        assert_eq!(
            f.message,
            "Line 1: price changed since added: was $100.00, now $110.00. Accept the new price or acknowledge."
        );
    }
}
