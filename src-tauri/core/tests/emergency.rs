//! Emergency purchasing on the bundled sample catalogue: an incident
//! declared, an emergency requisition authorised at once, documentation gaps
//! that never block, the tally, the vendor sheet and the FEMA packet read
//! back with pdftotext, and incident events in the verified history.

use crate::fixture::store;
use chrono::{Duration, NaiveDate};
use coopdesk_core::agency::{AgencyProfile, Membership};
use coopdesk_core::emergency::{fema, vendor_sheet, EmergencyRules, NewIncident, Project};
use coopdesk_core::model::{Address, EntityType};
use coopdesk_core::orders::*;
use coopdesk_core::packet::Paper;
use coopdesk_core::policy::Severity;
use coopdesk_core::search::SearchQuery;
use coopdesk_core::{Cents, Store};

const CLERK: &str = "Dana Reyes";

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sample_store() -> crate::fixture::TestStore {
    let mut t = store();
    t.store.ensure_catalogue().unwrap();
    let coops: Vec<String> = t.store.facets().unwrap().cooperatives.into_iter().map(|c| c.id).collect();
    t.store
        .set_agency_profile(&AgencyProfile {
            name: "Escambia Harbor County".into(),
            entity_type: EntityType::County,
            address: Address {
                street: "221 Palafox Pl".into(),
                city: "Pensacola".into(),
                state: "FL".into(),
                zip: "32502".into(),
            },
            memberships: coops
                .into_iter()
                .map(|c| Membership { cooperative_id: c, signed_on: "2024-01-01".parse().unwrap(), expires_on: None })
                .collect(),
            addenda: vec![],
            single_award_prohibited: false,
        })
        .unwrap();
    t
}

fn declare(s: &mut Store) -> i64 {
    let new = NewIncident {
        name: "Hurricane Delia".into(),
        kind: "hurricane".into(),
        declaration_number: "EO 26-114".into(),
        declared_on: today() - Duration::days(1),
        authority: "Escambia County Board of Commissioners".into(),
        waiver_start: today() - Duration::days(1),
        waiver_end: today() + Duration::days(30),
        fema_disaster: None,
        rules: Some(EmergencyRules {
            approvers: vec![Approver { name: "Emergency Manager".into(), title: "EOC".into(), limit: None }],
            spend_limit: Some(Cents::dollars(500_000)),
            ..EmergencyRules::default()
        }),
        activate: true,
    };
    s.declare_incident(&new, CLERK).unwrap().id
}

fn generator(s: &Store) -> String {
    let page = s
        .search(&SearchQuery {
            filters: coopdesk_core::search::Filters { eligible_only: true, ..Default::default() },
            ..SearchQuery::text("portable generator")
        })
        .unwrap();
    page.hits.iter().find(|h| h.days_left > 60).expect("an active generator contract").item_id.clone()
}

#[test]
fn an_emergency_runs_from_declaration_to_the_reimbursement_packet() {
    let mut t = sample_store();
    let s = &mut t.store;
    let id = declare(s);
    assert_eq!(s.active_incident().unwrap().unwrap().name, "Hurricane Delia");

    // An emergency requisition is authorised the moment it exists.
    let header = Header {
        department: "EOC".into(),
        requester: CLERK.into(),
        requester_phone: "(850) 555-0142".into(),
        deliver_to: "Emergency Operations Center".into(),
        date_needed: Some(today()),
        purpose: "Generators for the shelters".into(),
        ..Default::default()
    };
    let number = s.create_requisition_for(&header, Some(id), CLERK).unwrap();
    let req = s.requisition(&number).unwrap();
    let info = req.emergency.clone().unwrap();
    let fy = numbering::fiscal_year(today(), 10);
    assert_eq!(info.authorization, format!("EM-EOC-{fy}-001"));
    let n = req.number.clone();
    s.add_item(&n, &generator(s), 4, Some("100-525-01-5230"), CLERK).unwrap();
    s.add_manual_line(
        &n,
        &ManualLine {
            description: "Tree removal crew, 3 days".into(),
            unit: "DAY".into(),
            quantity: 3,
            unit_price: Cents::dollars(6_500),
            vendor: "Panhandle Tree Service".into(),
            account: "100-525-01-5410".into(),
            tax_exempt: true,
            ..Default::default()
        },
        CLERK,
    )
    .unwrap();

    // Relaxed thresholds and documentation gaps: listed, never blocking.
    let view = s.review_requisition(&n, today()).unwrap();
    let gaps: Vec<String> =
        view.findings.iter().filter(|f| f.severity == Severity::Gap).map(|f| f.key.to_string()).collect();
    let has = |k: &str| gaps.iter().any(|g| g == k);
    assert!(has("emergency_doc:need") && has("emergency_doc:project"), "{gaps:?}");
    assert!(has("off_contract_quote:2"), "{gaps:?}");
    assert!(!view.findings.iter().any(|f| f.key == "quotes_required" && f.severity == Severity::Error));
    let coverage = view.findings.iter().find(|f| f.key.to_string().starts_with("fema_coverage:")).unwrap();
    assert!(coverage.message.contains("geography") && coverage.message.contains("agencies in"), "{}", coverage.message);
    assert!(view.ready, "gaps do not block: {:?}", view.findings);
    s.submit(&n, CLERK, today()).unwrap();
    assert!(s.approve(&n, "Pat Lee", CLERK, today()).unwrap_err().to_string().contains("Emergency Manager"));
    s.approve(&n, "Emergency Manager", CLERK, today()).unwrap();

    // The tally before the documentation is filled in.
    let dash = s.incident_dashboard(id, today()).unwrap();
    assert_eq!(dash.purchases, 1);
    assert_eq!(dash.spend, s.requisition(&n).unwrap().total());
    assert!(dash.by_category.iter().any(|c| c.name == "Generators"), "{:?}", dash.by_category);
    assert!(dash.by_category.iter().any(|c| c.name == "Off-contract purchases"));
    assert_eq!(dash.missing.len(), 1);
    assert!(dash.catalogue_applied_at.is_some());

    // FEMA assigns numbers; the clerk fills in the documentation.
    s.set_fema_disaster(id, "DR-4999-FL", CLERK).unwrap();
    s.add_project(id, &Project { number: "PW-00123".into(), title: "Emergency protective measures".into() }, CLERK)
        .unwrap();
    let templates = s.purchasing_settings().unwrap().emergency_templates;
    let docs = EmergencyDocs {
        need: templates.iter().find(|t| t.field == "need").unwrap().text.clone(),
        duration: "Until power is restored to the shelters, about 10 days.".into(),
        competition: "Called three tree services; Panhandle could start the same day.".into(),
        price_reasonableness: "Generators at the cooperative contract price; tree crew at the lowest of three quotes."
            .into(),
        conflict_of_interest: "None.".into(),
    };
    assert!(s
        .set_emergency_docs(&n, &docs, Some("PW-99999"), CLERK)
        .unwrap_err()
        .to_string()
        .contains("no project PW-99999"));
    s.set_emergency_docs(&n, &docs, Some("PW-00123"), CLERK).unwrap();
    let quote = NewAttachment {
        file_name: "panhandle-quote.txt".into(),
        kind: AttachmentKind::Quote,
        quote: QuoteInfo {
            vendor: Some("Panhandle Tree Service".into()),
            amount: Some(Cents::dollars(19_500)),
            quoted_on: Some(today()),
        },
        note: String::new(),
    };
    s.attach(&n, &quote, b"Panhandle Tree Service: 3 days, $19,500", CLERK).unwrap();
    let view = s.review_requisition(&n, today()).unwrap();
    assert!(!view.findings.iter().any(|f| f.severity == Severity::Gap), "{:?}", view.findings);
    assert!(s.incident_dashboard(id, today()).unwrap().missing.is_empty());

    // The everyday department head prints on everyday packets; this one
    // was approved by the incident's Emergency Manager, who prints instead.
    let mut settings = s.purchasing_settings().unwrap();
    settings.signatories.department_head =
        coopdesk_core::orders::Signer { name: "Pat Lee".into(), title: "Public Works Director".into() };
    s.set_purchasing_settings(&settings).unwrap();

    // The reimbursement packet: summary, then the purchase's own packet.
    let packet = s.fema_packet(id, Paper::Letter, "2026-12-01T10:00:00Z".parse().unwrap()).unwrap();
    // A public record: tagged for screen readers, the summary and the
    // purchase's own packet alike.
    let structure = crate::fixture::assert_tagged(
        &packet.pdf,
        "Reimbursement packet: Hurricane Delia",
        &["H1", "H2", "Table", "TH"],
    );
    assert!(structure.contains("FEMA Public Assistance: emergency purchases"), "{structure}");
    assert!(structure.contains("Purchase requisition"), "{structure}");
    let text = pdf_text(&packet.pdf);
    assert!(text.contains("Emergency Manager, EOC"), "{text}");
    assert!(text.contains(&format!("Approval of Emergency Manager, recorded by {CLERK} on {}", today())), "{text}");
    assert!(!text.contains("Public Works Director"), "the everyday signer is not this packet's: {text}");
    for want in [
        "FEMA Public Assistance: emergency purchases",
        "Hurricane Delia",
        "DR-4999-FL",
        "PW-00123",
        info.authorization.as_str(),
        n.as_str(),
        "complete",
        "EMERGENCY PURCHASE",
        "Emergency procurement: Hurricane Delia",
        "Called three tree services",
        "Panhandle Tree Service",
        &format!("FEMA reimbursement packet - Hurricane Delia - page {} of {}", packet.pages, packet.pages),
    ] {
        assert!(text.contains(want), "the FEMA packet should say {want:?}:\n{text}");
    }
    s.record_fema_packet(id, &packet, "saved", CLERK).unwrap();
    let ledger = fema::ledger_csv(&s.fema_ledger(id).unwrap()).unwrap();
    assert!(ledger.contains(&format!("{},{n},Approved", info.authorization)), "{ledger}");
    assert!(ledger.contains("PW-00123,complete"), "{ledger}");

    // Extending and closing are recorded; the history verifies throughout.
    let until = today() + Duration::days(60);
    assert!(s.extend_waiver(id, today(), "too early", CLERK).is_err());
    s.extend_waiver(id, until, "Governor extended the state of emergency", CLERK).unwrap();
    s.close_incident(id, today(), CLERK).unwrap();
    assert!(s.active_incident().unwrap().is_none());
    assert!(s.create_requisition_for(&header, Some(id), CLERK).is_err(), "no new purchases under a closed incident");
    let actions: Vec<String> = s.incident_history(id).unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            "incident_declared",
            "fema_disaster_set",
            "project_added",
            "fema_packet_printed",
            "waiver_extended",
            "incident_closed"
        ]
    );
    let report = s.verify_history().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.incidents, 1);

    // An incident edited behind the app's back is found.
    rusqlite::Connection::open(&t.path).unwrap().execute("UPDATE incidents SET waiver_end = '2099-01-01'", []).unwrap();
    let report = t.store.verify_history().unwrap();
    assert!(
        report.problems.iter().any(|p| p.contains("incident Hurricane Delia was changed outside coopdesk")),
        "{:?}",
        report.problems
    );
}

#[test]
fn declaring_another_incident_makes_it_the_active_one() {
    let mut t = sample_store();
    let first = declare(&mut t.store);
    let second = declare(&mut t.store);
    assert_eq!(t.store.active_incident().unwrap().unwrap().id, second);
    t.store.activate_incident(first, CLERK).unwrap();
    assert_eq!(t.store.active_incident().unwrap().unwrap().id, first);
    assert_eq!(t.store.incidents().unwrap().iter().filter(|i| i.active).count(), 1);
    assert!(t.store.verify_history().unwrap().problems.is_empty());
}

#[test]
fn the_vendor_sheet_lists_suppliers_by_distance_with_phones() {
    let t = sample_store();
    let sheet = t.store.vendor_sheet(&["26111604".into(), "water".into()], None, today()).unwrap();
    assert!(!sheet.rows.is_empty());
    assert_eq!(sheet.distance_from.as_deref(), Some("32502"));
    let miles: Vec<f64> = sheet.rows.iter().filter_map(|r| r.nearest_miles).collect();
    assert!(miles.windows(2).all(|w| w[0] <= w[1]), "nearest first: {miles:?}");
    assert!(sheet
        .rows
        .iter()
        .all(|r| r.categories.iter().any(|c| c == "Generators" || c.to_lowercase().contains("water"))));
    assert!(sheet.rows.iter().any(|r| r.emergency_contact.is_some()));
    let pdf = vendor_sheet::vendor_sheet_pdf(&sheet, "Escambia Harbor County", "2026-12-01T10:00:00Z".parse().unwrap())
        .unwrap();
    crate::fixture::assert_tagged(&pdf, "Emergency vendor sheet", &["H1", "Table", "TH", "TD"]);
    let text = pdf_text(&pdf);
    assert!(sheet.sample && text.contains("SAMPLE DATA · FICTIONAL SUPPLIERS"), "the sample's suppliers are made up");
    let first = &sheet.rows[0];
    assert!(text.contains("Emergency vendor sheet") && text.contains(&first.supplier), "{text}");
    assert!(text.contains(first.phone.as_deref().unwrap()), "phones are printed");
    assert!(text.contains("24h:"), "emergency contacts are printed");
    assert!(text.contains(" mi)"), "dealer distances are printed");
    let csv = vendor_sheet::vendor_sheet_csv(&sheet).unwrap();
    assert!(csv.lines().nth(1).unwrap().contains(&first.supplier));
}

#[test]
fn the_spend_limit_counts_every_purchase_under_the_incident() {
    let mut t = sample_store();
    let s = &mut t.store;
    let id = declare(s);
    let mut rules = s.incident(id).unwrap().rules;
    let item = generator(s);
    let unit = s.item_detail(&item).unwrap().item.contract_price;
    // A limit that two generators fit under, but not three.
    rules.spend_limit = Some(coopdesk_core::Cents(unit.0 * 2 + unit.0 / 2));
    s.declare_incident(
        &NewIncident {
            name: "Tropical Storm Eli".into(),
            kind: "tropical storm".into(),
            declaration_number: "EO 26-120".into(),
            declared_on: today(),
            authority: "Escambia County Board of Commissioners".into(),
            waiver_start: today(),
            waiver_end: today() + Duration::days(14),
            fema_disaster: None,
            rules: Some(rules),
            activate: true,
        },
        CLERK,
    )
    .unwrap();
    let storm = s.active_incident().unwrap().unwrap().id;
    let header = Header {
        department: "EOC".into(),
        requester: CLERK.into(),
        deliver_to: "Shelter 4".into(),
        date_needed: Some(today()),
        ..Default::default()
    };
    let first = s.create_requisition_for(&header, Some(storm), CLERK).unwrap();
    s.add_item(&first, &item, 2, Some("100-525-01-5230"), CLERK).unwrap();
    let limit_key = |n: &str, s: &Store| {
        s.review_requisition(n, today())
            .unwrap()
            .findings
            .into_iter()
            .find(|f| f.key.to_string().starts_with("spend_limit:"))
    };
    assert!(limit_key(&first, s).is_none(), "two generators fit under the limit");

    let second = s.create_requisition_for(&header, Some(storm), CLERK).unwrap();
    s.add_item(&second, &item, 1, Some("100-525-01-5230"), CLERK).unwrap();
    let over = limit_key(&second, s).expect("the third generator passes the limit");
    assert!(over.message.contains("Tropical Storm Eli") && over.message.contains("before it"), "{}", over.message);

    // A cancelled purchase no longer counts against the limit.
    s.cancel(&first, "bought from county stock", CLERK).unwrap();
    assert!(limit_key(&second, s).is_none());
}

/// Words of a PDF as pdftotext places them: (page, xMin, yMin, xMax, yMax, text).
fn word_boxes(pdf: &[u8]) -> Vec<(usize, f64, f64, f64, f64, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg("-bbox").arg(&path).arg("-").output().unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let mut page = 0;
    let mut words = Vec::new();
    for line in html.lines() {
        if line.trim_start().starts_with("<page") {
            page += 1;
        }
        let Some(rest) = line.trim_start().strip_prefix("<word ") else { continue };
        let attr = |name: &str| -> f64 {
            let start = rest.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            rest[start..].split('"').next().unwrap().parse().unwrap()
        };
        let text = rest.split('>').nth(1).unwrap_or_default().split('<').next().unwrap_or_default().to_owned();
        words.push((page, attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax"), text));
    }
    words
}

/// The sheet printed before the power goes must be readable: long e-mail
/// addresses and dealer addresses wrap in their columns instead of running
/// over the next one.
#[test]
fn long_contacts_on_the_vendor_sheet_wrap_instead_of_overprinting() {
    let t = sample_store();
    let mut sheet = t.store.vendor_sheet(&["26111604".into()], None, today()).unwrap();
    let long = "Emergency Operations Desk (850) 555-0199 after-hours.emergency.dispatch.coordinator@gulfcoast-power-equipment-rentals.example.com";
    for r in sheet.rows.iter_mut().take(3) {
        r.emergency_contact = Some(long.into());
        for d in &mut r.dealers {
            d.address =
                "Building 14-B, 12345 Industrial Park Boulevard Extension, Unit 2200-2299, Pensacola FL 32502-1234"
                    .into();
        }
    }
    let pdf = vendor_sheet::vendor_sheet_pdf(&sheet, "Escambia Harbor County", "2026-12-01T10:00:00Z".parse().unwrap())
        .unwrap();
    let words = word_boxes(&pdf);
    assert!(words.len() > 50, "{words:?}");
    for (i, a) in words.iter().enumerate() {
        for b in &words[i + 1..] {
            let overlap_x = a.3.min(b.3) - a.1.max(b.1);
            let overlap_y = a.4.min(b.4) - a.2.max(b.2);
            assert!(
                a.0 != b.0 || overlap_x <= 0.5 || overlap_y <= 0.5,
                "{:?} is printed over {:?} on page {}",
                a.5,
                b.5,
                a.0
            );
        }
    }
    // Read back without the invisible break opportunities and line ends.
    let text: String = pdf_text(&pdf).chars().filter(|c| *c != '\u{200b}' && !c.is_whitespace()).collect();
    assert!(
        text.contains("coordinator@gulfcoast-power-equipment-rentals.example.com"),
        "the address reads back whole: {text}"
    );
}
