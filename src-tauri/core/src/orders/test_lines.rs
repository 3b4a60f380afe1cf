//! Requisitions and lines to test with: a catalog line with the evidence
//! of contract GC-1 (term to 2027-06-30), an off-contract line, and a draft
//! requisition holding them. Shared by the policy's and the invoice check's
//! tables of cases.

use crate::model::*;
use crate::money::Cents;
use crate::orders::*;
use chrono::NaiveDate;

pub(crate) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub(crate) fn contract() -> (Contract, Cooperative) {
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

pub(crate) fn catalogue_line(position: u32, quantity: u32, price: i64) -> Line {
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
        currency: crate::model::USD,
    };
    Line {
        position,
        source: LineSource::Catalogue {
            item_id: item.id.clone(),
            evidence: Box::new(Evidence {
                item,
                contract,
                cooperative,
                supplier_name: "Pelican".into(),
                contract_version: "v".into(),
                document_sha256: None,
                feed_id: "f".into(),
                feed_sequence: 1,
                feed_applied_at: "2026-11-01T00:00:00Z".into(),
                captured_at: "2026-11-20T00:00:00Z".parse().unwrap(),
            }),
        },
        quantity,
        received: 0,
        unit: "EA".into(),
        description: "UPS battery".into(),
        supplier_sku: "SKU".into(),
        manufacturer_part: String::new(),
        unit_price: Cents(price),
        account: "100-210-01-5230".into(),
        tax_exempt: true,
    }
}

pub(crate) fn manual_line(position: u32, price: i64, vendor: &str) -> Line {
    Line { source: LineSource::OffContract { vendor: vendor.into() }, ..catalogue_line(position, 1, price) }
}

pub(crate) fn requisition(lines: Vec<Line>) -> Requisition {
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
        created_at: "2026-11-20T10:00:00Z".parse().unwrap(),
        updated_at: "2026-11-20T10:00:00Z".parse().unwrap(),
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
