//! The savings report on real requisitions in a real database: what counts,
//! the savings actual and estimated, the overcharges the invoice checks
//! caught, and the board report read back from its PDF.

use crate::fixture::assert_tagged;
use crate::invoices::{invoice, line, ordered};
use crate::requisitions::{header_for, ready_store, today, CLERK};
use coopdesk_core::packet::Paper;
use coopdesk_core::reports::savings::{Period, DEFAULT_ESTIMATE_BPS};
use coopdesk_core::Cents;

#[test]
fn the_report_counts_orders_not_drafts_or_cancellations_and_the_board_report_prints_it() {
    let mut t = ready_store();
    let s = &mut t.store;
    // Two orders: 10 batteries at $70.00 (list $100.00) and a UPS at $360.00
    // (list $500.00) each. A draft and a canceled one do not count.
    let first = ordered(s);
    let _second = ordered(s);
    let draft = s.create_requisition(&header_for("PW"), CLERK).unwrap();
    s.add_item(&draft, "i1", 99, Some("100-210-01-5230"), CLERK).unwrap();
    let canceled = s.create_requisition(&header_for("PW"), CLERK).unwrap();
    s.add_item(&canceled, "i1", 99, Some("100-210-01-5230"), CLERK).unwrap();
    s.cancel(&canceled, "Bought elsewhere", CLERK).unwrap();
    s.record_invoice(&first, &invoice("INV-9001", vec![line("VX-1500", 1, 37_000)]), CLERK).unwrap();

    let fy = coopdesk_core::orders::numbering::fiscal_year(today(), 10);
    let report = s.savings_report(&Period::fiscal_year(fy, 10), None, DEFAULT_ESTIMATE_BPS).unwrap();
    assert_eq!(report.requisitions, 2);
    assert_eq!(report.spend, Cents(2 * (10 * 7_000 + 36_000)));
    assert_eq!(report.cooperative_spend, report.spend);
    assert_eq!(report.saving_actual, Cents(2 * (10 * 3_000 + 14_000)));
    assert_eq!(report.saving_estimated, Cents::ZERO, "every line had a list price");
    assert_eq!(report.overcharges_caught, Cents(1_000));
    assert_eq!(report.by_cooperative[0].name, "Gulf States Purchasing Cooperative");
    assert_eq!(report.top_contracts[0].number, "GSP-2501-001");
    assert_eq!(report.top_contracts[0].requisitions, 2);
    let other = s.savings_report(&Period::fiscal_year(fy, 10), Some("FIRE"), DEFAULT_ESTIMATE_BPS).unwrap();
    assert_eq!((other.requisitions, other.spend), (0, Cents::ZERO));

    let pdf = s.board_report_pdf(&report, Paper::Letter, chrono::Utc::now()).unwrap();
    let text = crate::packets::text(&pdf, None);
    // The summary's tiles are set in columns, which pdftotext reads across;
    // the tables read in order.
    for expected in [
        "Town of Harbor",
        &format!("Cooperative purchasing, FY {fy}"),
        "$2,120.00 on 2 requisitions",
        "(100.0% of spend)",
        "OVERCHARGES CAUGHT BY INVOICE",
        "$10.00",
        "Spend and savings by cooperative: 1 bar; the largest is Gulf States Purchasing Cooperative with $2,120.00 spent and $880.00 saved.",
        "By cooperative Name Spend Saved Gulf States Purchasing Cooperative $2,120.00 $880.00",
        "Top contracts by use",
        "GSP-2501-001 Gulf States Purchasing Cooperative Pelican Power Supply 2 $2,120.00",
        "Purchasing agent",
    ] {
        assert!(text.contains(expected), "{expected:?} in the board report:\n{text}");
    }
    assert_tagged(&pdf, &format!("Cooperative purchasing, FY {fy}"), &["H1", "H2", "Table"]);
}
