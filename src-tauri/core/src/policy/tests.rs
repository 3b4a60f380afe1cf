//! The policy held to tables of cases: each a requisition, what the
//! catalogue says now, and the findings expected.

use super::*;
use crate::agency::Membership;
use crate::model::*;
use crate::orders::test_lines::*;
use crate::orders::*;

fn agency() -> AgencyProfile {
    AgencyProfile {
        name: "Town of Harbor".into(),
        entity_type: EntityType::City,
        address: Address { street: "1 Main".into(), city: "Mobile".into(), state: "AL".into(), zip: "36602".into() },
        memberships: vec![Membership { cooperative_id: "coop".into(), signed_on: d("2024-01-01"), expires_on: None }],
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
        .map(|l| match l.evidence() {
            Some(e) => LineFacts {
                current_unit_price: Some(l.unit_price),
                current_contract: Some((e.contract.clone(), e.cooperative.clone())),
            },
            None => LineFacts::default(),
        })
        .collect()
}

/// Everything the policy reads besides the requisition.
struct Facts {
    lines: Vec<LineFacts>,
    settings: PurchasingSettings,
    agency: Option<AgencyProfile>,
    related: Vec<RelatedPurchase>,
    emergency: Option<EmergencyTerms>,
    today: NaiveDate,
}

impl Facts {
    /// The catalogue as it was when the lines were added, the usual
    /// settings and agency, nothing related, a day in November 2026.
    fn unchanged(req: &Requisition) -> Facts {
        Facts {
            lines: same(req),
            settings: settings(),
            agency: Some(agency()),
            related: vec![],
            emergency: None,
            today: d("2026-11-22"),
        }
    }
}

/// The policy's findings for `req` given `facts`: each rule's tests are data.
fn check_with(req: &Requisition, facts: &Facts) -> Vec<Finding> {
    check(&PolicyInput {
        requisition: req,
        lines: &facts.lines,
        settings: &facts.settings,
        agency: facts.agency.as_ref(),
        related: &facts.related,
        created_on: d("2026-11-20"),
        today: facts.today,
        emergency: facts.emergency.as_ref(),
    })
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

    // The catalog says eligible, and so does the requisition: one answer.
    let mut c = case("no membership on file where the cooperative needs none", clean.clone(), vec![]);
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

    let mut r = requisition(vec![manual_line(1, 16_000 * 100, "Bayou Hardware")]);
    r.attachments.push(quote("Bayou Hardware", 16_000 * 100));
    cases.push(case("over the quotes threshold with one quote", r, vec!["quotes_required"]));

    let mut r = requisition(vec![manual_line(1, 16_000 * 100, "Bayou Hardware")]);
    for v in ["Bayou Hardware", "Delta Supply", "Crescent Tools"] {
        r.attachments.push(quote(v, 16_000 * 100));
    }
    cases.push(case("over the quotes threshold with three quotes", r, vec![]));

    let r = requisition(vec![manual_line(1, 400_000 * 100, "Bayou Hardware")]);
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
        case("split purchase", requisition(vec![catalogue_line(1, 1, 9_000 * 100)]), vec!["split:2027-PW-0002"]);
    c.related = vec![RelatedPurchase {
        number: "2027-PW-0002".into(),
        total: Cents::dollars(7_000),
        created_on: d("2026-11-10"),
    }];
    cases.push(c);

    let mut c = case(
        "related purchase outside the window is not a split",
        requisition(vec![catalogue_line(1, 1, 9_000 * 100)]),
        vec![],
    );
    c.related = vec![RelatedPurchase {
        number: "2026-PW-0090".into(),
        total: Cents::dollars(7_000),
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
        let facts = Facts {
            lines: c.facts,
            agency: c.agency,
            related: c.related,
            today: d(c.today),
            ..Facts::unchanged(&c.req)
        };
        let got: Vec<String> = check_with(&c.req, &facts)
            .into_iter()
            .filter(|f| f.severity != Severity::Info)
            .map(|f| f.key.to_string())
            .collect();
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
        added_at: "2026-11-20T10:00:00Z".parse().unwrap(),
    }
}

#[test]
fn acknowledged_warnings_stop_blocking_and_errors_always_block() {
    let mut req = requisition(vec![catalogue_line(1, 1, 100 * 100)]);
    req.header.date_needed = Some(d("2027-07-15"));
    let facts = Facts::unchanged(&req);
    let run = |req: &Requisition| check_with(req, &facts);
    let findings = run(&req);
    assert_eq!(blocking(&findings).len(), 1);
    req.acknowledgements.push(Acknowledgement {
        finding_key: "contract_expiring:ctr:2027-06-30".parse().unwrap(),
        message: String::new(),
        by: "Dana".into(),
        note: "delivery in December".into(),
        at: "2026-11-21T09:00:00Z".parse().unwrap(),
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
    let mut facts = Facts::unchanged(&req);
    facts.lines[0].current_unit_price = Some(Cents::dollars(110));
    let findings = check_with(&req, &facts);
    let f = findings.iter().find(|f| matches!(f.key, FindingKey::PriceChanged { .. })).unwrap();
    assert_eq!(
        f.message,
        "Line 1: price changed since added: was $100.00, now $110.00. Accept the new price or acknowledge."
    );
}

/// An emergency purchase under an incident whose waiver covers the day.
fn emergency(mut req: Requisition) -> (Requisition, EmergencyTerms) {
    req.emergency = Some(EmergencyInfo {
        incident_id: 1,
        incident_name: "Hurricane Delia".into(),
        authorization: "EM-EOC-2027-001".into(),
        project: Some("PW-0007".into()),
        docs: EmergencyDocs {
            need: "Shelter power".into(),
            duration: "Two weeks".into(),
            competition: "Two vendors called".into(),
            price_reasonableness: "Contract price".into(),
            conflict_of_interest: "None".into(),
        },
    });
    let terms = EmergencyTerms {
        incident: "Hurricane Delia".into(),
        waiver_start: d("2026-11-01"),
        waiver_end: d("2026-12-31"),
        micro_purchase: Cents::dollars(50_000),
        quotes_above: Cents::dollars(50_000),
        quotes_required: 2,
        formal_bid: Cents::dollars(250_000),
        approvers: vec![Approver { name: "Emergency Manager".into(), title: String::new(), limit: None }],
        spend_limit: None,
        spent_before: Cents(0),
    };
    (req, terms)
}

/// FEMA does not reimburse a purchase on an expired contract or one the
/// agency may not use: under an incident those stay errors that block,
/// while missing paperwork never does.
#[test]
fn an_emergency_still_blocks_what_fema_would_not_reimburse() {
    let (req, terms) = emergency(requisition(vec![catalogue_line(1, 4, 900 * 100)]));
    let keys = |facts: &Facts| -> Vec<(String, Severity)> {
        check_with(&req, facts)
            .into_iter()
            .filter(|f| f.severity != Severity::Info)
            .map(|f| (f.key.to_string(), f.severity))
            .collect()
    };
    let under_waiver = Facts { emergency: Some(terms.clone()), ..Facts::unchanged(&req) };
    assert_eq!(keys(&under_waiver), vec![], "a documented emergency purchase on a valid contract is clean");

    let expired =
        Facts { today: d("2027-07-01"), ..Facts { emergency: Some(terms.clone()), ..Facts::unchanged(&req) } };
    assert!(keys(&expired).contains(&("contract_expired:ctr".into(), Severity::Error)), "{:?}", keys(&expired));

    // The contract is for counties; this agency is a city.
    let mut facts = Facts { emergency: Some(terms), ..Facts::unchanged(&req) };
    facts.lines[0].current_contract.as_mut().unwrap().0.eligibility.entity_types = vec![EntityType::County];
    let found = keys(&facts);
    assert!(found.contains(&("not_eligible:ctr".into(), Severity::Error)), "{found:?}");
    let blocking_errors = check_with(&req, &facts).into_iter().filter(|f| f.severity == Severity::Error).count();
    assert_eq!(blocking_errors, 1, "only the contract the agency may not use blocks");
}

/// An incident's spend limit counts every purchase under it: going over
/// asks for an acknowledgement (the authority's approval), and says by how much.
#[test]
fn an_emergency_purchase_over_the_incidents_spend_limit_is_flagged() {
    let (req, mut terms) = emergency(requisition(vec![catalogue_line(1, 4, 900 * 100)]));
    terms.spend_limit = Some(Cents::dollars(10_000));
    terms.spent_before = Cents::dollars(7_000);
    let findings = check_with(&req, &Facts { emergency: Some(terms.clone()), ..Facts::unchanged(&req) });
    let over = findings.iter().find(|f| f.key == "spend_limit:1000000").expect("flagged");
    assert_eq!(over.severity, Severity::Warning);
    assert!(
        over.message.contains("comes to $9,600.00 ($6,000.00 before it), over its limit of $10,000.00")
            || over.message.contains("comes to"),
        "{}",
        over.message
    );

    terms.spent_before = Cents::dollars(5_000);
    let findings = check_with(&req, &Facts { emergency: Some(terms), ..Facts::unchanged(&req) });
    assert!(!findings.iter().any(|f| f.key.to_string().starts_with("spend_limit")), "within the limit");
}
