//! Invoices recorded on real requisitions in a real database: checked when
//! recorded, held until every finding is acknowledged, approved once, and
//! all of it in the requisition's history.

use crate::requisitions::{header_for, ready_store, today, CLERK};
use coopdesk_core::orders::invoice::{Invoice, InvoiceFindingKind, InvoiceLine};
use coopdesk_core::Cents;
use coopdesk_core::Store;

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
    InvoiceLine { order_line: None, part: part.into(), description: String::new(), quantity, unit_price: Cents(price) }
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
