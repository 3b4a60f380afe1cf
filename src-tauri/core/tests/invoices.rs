//! Invoices recorded on real requisitions in a real database: checked when
//! recorded, held until every finding is acknowledged, approved once, and
//! all of it in the requisition's history; invoices read from the vendor's
//! CSV or Excel file.

use crate::requisitions::{header_for, ready_store, today, CLERK};
use coopdesk_core::orders::invoice::{Invoice, InvoiceFindingKind, InvoiceLine};
use coopdesk_core::orders::invoice_file::InvoiceColumn;
use coopdesk_core::Cents;
use coopdesk_core::Store;
use std::collections::BTreeMap;

/// An ordered requisition: 10 batteries (i1, APC-BR1500) at $70.00 and one
/// UPS (i2) at $360.00 on contract GSP-2501-001 (to 2028-12-31); the
/// batteries are received, the UPS not yet.
pub fn ordered(s: &mut Store) -> String {
    let n = s.create_requisition(&header_for("PW"), CLERK).unwrap();
    s.add_item(&n, "i1", 10, Some("100-210-01-5230"), CLERK).unwrap();
    s.add_item(&n, "i2", 1, None, CLERK).unwrap();
    s.submit(&n, CLERK, today()).unwrap();
    s.approve(&n, "Pat Lee", CLERK, today()).unwrap();
    s.mark_ordered(&n, "PO-27-0001", CLERK).unwrap();
    s.receive(&n, &[(1, 10)], CLERK).unwrap();
    n
}

pub fn line(part: &str, quantity: u32, price: i64) -> InvoiceLine {
    InvoiceLine {
        order_line: None,
        part: part.into(),
        description: String::new(),
        quantity,
        unit_price: Cents(price),
        amount: None,
    }
}

pub fn invoice(number: &str, lines: Vec<InvoiceLine>) -> Invoice {
    Invoice { number: number.into(), date: today(), lines, stated_total: None }
}

#[test]
fn a_clean_invoice_is_approved_and_an_overpriced_one_is_held_until_acknowledged() {
    let mut t = ready_store();
    let s = &mut t.store;
    let n = ordered(s);

    let clean = s.record_invoice(&n, &invoice("INV-1001", vec![line("APC-BR1500", 10, 7_000)]), CLERK).unwrap();
    assert!(clean.findings.is_empty(), "{:?}", clean.findings);
    s.approve_invoice(&n, clean.id, "Lee Chen").unwrap();
    let err = s.approve_invoice(&n, clean.id, "Lee Chen").unwrap_err();
    assert_eq!(err.code(), "invalid_state");

    // The UPS billed at list price before it arrived.
    let over = s.record_invoice(&n, &invoice("INV-1002", vec![line("vx1500", 1, 50_000)]), CLERK).unwrap();
    let kinds: Vec<_> = over.findings.iter().map(|f| (f.kind, f.amount)).collect();
    assert_eq!(
        kinds,
        vec![(InvoiceFindingKind::OverContractPrice, Cents(14_000)), (InvoiceFindingKind::OverQuantity, Cents(50_000))]
    );
    let err = s.approve_invoice(&n, over.id, "Lee Chen").unwrap_err();
    assert_eq!(err.code(), "not_allowed");
    assert!(err.to_string().contains("2 findings not yet resolved"), "{err}");
    assert!(s.acknowledge_invoice_finding(&n, over.id, 0, "  ", CLERK).is_err(), "a reason is required");
    s.acknowledge_invoice_finding(&n, over.id, 0, "Credit memo CM-77 for $140.00 is on its way", CLERK).unwrap();
    assert!(s.approve_invoice(&n, over.id, "Lee Chen").is_err(), "one finding is still open");
    s.acknowledge_invoice_finding(&n, over.id, 1, "UPS delivered today; receipt to follow", CLERK).unwrap();
    s.approve_invoice(&n, over.id, "Lee Chen").unwrap();

    let recorded = s.invoices(&n).unwrap();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[1].approved_by.as_deref(), Some("Lee Chen"));
    assert_eq!(recorded[1].acknowledgements.len(), 2);
    let actions: Vec<String> = s.requisition_history(&n).unwrap().into_iter().map(|h| h.action).collect();
    for action in ["invoice_recorded", "invoice_finding_acknowledged", "invoice_approved"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
    let report = s.verify_history().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn billing_twice_and_reusing_a_number_are_caught_across_invoices() {
    let mut t = ready_store();
    let s = &mut t.store;
    let n = ordered(s);
    s.record_invoice(&n, &invoice("INV-2001", vec![line("APC-BR1500", 6, 7_000)]), CLERK).unwrap();
    // Six already billed: six more is two past the ten ordered.
    let again = s.record_invoice(&n, &invoice("INV-2002", vec![line("APC-BR1500", 6, 7_000)]), CLERK).unwrap();
    assert_eq!(
        again.findings.iter().map(|f| (f.kind, f.amount)).collect::<Vec<_>>(),
        vec![(InvoiceFindingKind::OverQuantity, Cents(14_000))]
    );
    // The same number from the same vendor, on another requisition.
    let other = ordered(s);
    let dup = s.record_invoice(&other, &invoice("inv-2001", vec![line("APC-BR1500", 1, 7_000)]), CLERK).unwrap();
    assert!(dup.findings.iter().any(|f| f.kind == InvoiceFindingKind::DuplicateInvoice && f.message.contains(&n)));
}

#[test]
fn a_bad_invoice_is_refused_and_nothing_is_recorded() {
    let mut t = ready_store();
    let s = &mut t.store;
    let n = ordered(s);
    let draft = s.create_requisition(&header_for("PW"), CLERK).unwrap();
    let before = s.requisition_history(&n).unwrap().len();
    let cases: Vec<(&str, &str, Invoice, &str)> = vec![
        ("no number", &n, invoice(" ", vec![line("APC-BR1500", 1, 7_000)]), "invoice number"),
        ("no lines", &n, invoice("INV-1", vec![]), "no lines"),
        ("a zero quantity", &n, invoice("INV-1", vec![line("APC-BR1500", 0, 7_000)]), "at least 1"),
        ("a negative price", &n, invoice("INV-1", vec![line("APC-BR1500", 1, -5)]), "credit"),
        ("a draft, not yet ordered", &draft, invoice("INV-1", vec![line("APC-BR1500", 1, 7_000)]), "draft"),
    ];
    for (case, number, inv, says) in cases {
        let err = s.record_invoice(number, &inv, CLERK).unwrap_err();
        assert!(err.to_string().contains(says), "{case}: {err}");
    }
    assert!(s.invoices(&n).unwrap().is_empty());
    assert_eq!(s.requisition_history(&n).unwrap().len(), before);
}

#[test]
fn the_packet_prints_each_invoice_and_what_its_check_found() {
    let mut t = ready_store();
    let s = &mut t.store;
    let n = ordered(s);
    let clean = s.record_invoice(&n, &invoice("INV-1001", vec![line("APC-BR1500", 10, 7_000)]), CLERK).unwrap();
    s.approve_invoice(&n, clean.id, "Lee Chen").unwrap();
    let over = s.record_invoice(&n, &invoice("INV-1002", vec![line("VX-1500", 1, 50_000)]), CLERK).unwrap();
    s.acknowledge_invoice_finding(&n, over.id, 0, "Credit memo CM-77 is on its way", CLERK).unwrap();

    let packet = s.build_packet(&n, coopdesk_core::packet::Paper::Letter, chrono::Utc::now()).unwrap();
    let all = crate::packets::text(&packet.pdf, None);
    for expected in [
        "Invoice check",
        "Invoice INV-1001",
        "$700.00 billed. Approved for payment by Lee Chen",
        "Matches the order, the goods received and the contract price at order time.",
        "Invoice INV-1002",
        "Held: 1 finding not yet resolved",
        "1. Over the contract price ($140.00)",
        "Acknowledged by Dana Reyes",
        "Credit memo CM-77 is on its way",
        "2. More than ordered or received ($500.00)",
    ] {
        assert!(all.contains(expected), "{expected:?} in the packet:\n{all}");
    }
}

/// The vendor's invoice as a CSV file: a letterhead, the number and date
/// above the lines, a freight charge, a subtotal and the total.
const VENDOR_CSV: &str = "Harbor Power Supply,,,,\n\
    Invoice #: HPS-5531,,,,\n\
    Invoice Date,11/20/2026,,,\n\
    Item No.,Description,Qty Ordered,Qty Shipped,Unit Price,Extended Price\n\
    APC-BR1500,UPS replacement battery cartridge,10,10,$75.00,$750.00\n\
    VX-1500,UPS 1500 VA,1,0,$360.00,$0.00\n\
    ,Freight,,,,$25.00\n\
    ,,,,Subtotal,$775.00\n\
    ,,,,Total,$775.00\n\
    Remit to: PO Box 12,,,,\n";

#[test]
fn an_invoice_read_from_the_vendors_csv_is_matched_to_the_order_and_checked() {
    let mut t = ready_store();
    let s = &mut t.store;
    let n = ordered(s);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("HPS-5531.csv");
    std::fs::write(&path, VENDOR_CSV).unwrap();

    let file = s.read_invoice_file(&n, path.to_str().unwrap(), &BTreeMap::new()).unwrap();
    assert_eq!(
        (file.number.as_deref(), file.date.map(|d| d.to_string())),
        (Some("HPS-5531"), Some("2026-11-20".into()))
    );
    assert_eq!(file.stated_total, Some(Cents(77_500)));
    // The battery is order line 1; the UPS was back-ordered (none shipped);
    // the freight is on no line.
    assert_eq!(
        file.lines.iter().map(|l| (l.order_line, l.quantity, l.unit_price.0)).collect::<Vec<_>>(),
        [(Some(1), 10, 7_500), (None, 1, 2_500)]
    );

    let recorded = s.record_invoice(&n, &file.invoice(None, None).unwrap(), CLERK).unwrap();
    let found: Vec<_> = recorded.findings.iter().map(|f| (f.kind, f.invoice_line, f.amount)).collect();
    assert_eq!(
        found,
        [
            (InvoiceFindingKind::OverContractPrice, Some(1), Cents(5_000)),
            (InvoiceFindingKind::NotOnOrder, Some(2), Cents(2_500)),
        ]
    );
    assert_eq!(recorded.invoice.lines[0].amount, Some(Cents(75_000)), "the stated amount is kept with the line");
}

#[test]
fn an_invoice_file_that_cannot_be_read_whole_records_nothing() {
    let mut t = ready_store();
    let s = &mut t.store;
    let n = ordered(s);
    let dir = tempfile::tempdir().unwrap();
    let before = s.requisition_history(&n).unwrap().len();
    let none = BTreeMap::new();
    for (name, content, says) in [
        ("bad-qty.csv", "Item,Qty,Price\nAPC-BR1500,ten,70.00\n", "row 2: the quantity 'ten' is not a whole number"),
        ("no-header.csv", "Acme,,\n1,2,3\n", "No row of the file names the invoice's columns"),
        ("fake.xlsx", "Item,Qty,Price\n", "not one (a workbook is a ZIP file)"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let err = s.read_invoice_file(&n, path.to_str().unwrap(), &none).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{name}");
        assert!(err.to_string().contains(says), "{name}: {err}");
    }
    let err = s.read_invoice_file(&n, dir.path().join("missing.csv").to_str().unwrap(), &none).unwrap_err();
    assert!(err.to_string().contains("missing.csv"), "{err}");
    let err = s.read_invoice_file("2027-PW-9999", dir.path().join("bad-qty.csv").to_str().unwrap(), &none).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(s.invoices(&n).unwrap().is_empty());
    assert_eq!(s.requisition_history(&n).unwrap().len(), before);
}

#[test]
fn an_invoice_is_read_from_an_excel_workbook_with_the_columns_the_clerk_names() {
    use rust_xlsxwriter::Workbook;
    let mut t = ready_store();
    let s = &mut t.store;
    let n = ordered(s);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Invoice 88213").unwrap();
    sheet.write(0, 0, "Invoice Number").unwrap();
    sheet.write(0, 1, "88213").unwrap();
    // A vendor's own headers, none of which says what it is.
    for (col, header) in ["Ln", "Our code", "Goods", "Count", "Each", "Line $"].iter().enumerate() {
        sheet.write(2, col as u16, *header).unwrap();
    }
    sheet.write(3, 0, 1).unwrap();
    sheet.write(3, 1, "APC-BR1500").unwrap();
    sheet.write(3, 2, "UPS battery").unwrap();
    sheet.write(3, 3, 4).unwrap();
    // A price a formula left with more decimals than a cent.
    sheet.write(3, 4, 69.999_999_9).unwrap();
    sheet.write(3, 5, 280).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("88213.xlsx");
    book.save(&path).unwrap();
    let path = path.to_str().unwrap();

    let err = s.read_invoice_file(&n, path, &BTreeMap::new()).unwrap_err();
    assert!(err.to_string().contains("--column quantity="), "{err}");
    let chosen = BTreeMap::from([
        (InvoiceColumn::Part, "Our code".to_owned()),
        (InvoiceColumn::Quantity, "Count".to_owned()),
        (InvoiceColumn::UnitPrice, "E".to_owned()),
        (InvoiceColumn::Amount, "6".to_owned()),
    ]);
    let file = s.read_invoice_file(&n, path, &chosen).unwrap();
    assert_eq!((file.sheet.as_str(), file.header_row, file.number.as_deref()), ("Invoice 88213", 3, Some("88213")));
    assert_eq!(file.lines.len(), 1);
    let l = &file.lines[0];
    assert_eq!((l.order_line, l.quantity, l.unit_price, l.amount), (Some(1), 4, Cents(7_000), Some(Cents(28_000))));
    assert_eq!(file.date, None);
    let err = file.invoice(None, None).unwrap_err();
    assert!(err.to_string().contains("--date"), "{err}");
    let recorded = s.record_invoice(&n, &file.invoice(None, Some(today())).unwrap(), CLERK).unwrap();
    assert!(recorded.findings.is_empty(), "{:?}", recorded.findings);
}
