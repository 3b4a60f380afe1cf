//! Checking a vendor's invoice against the order: the three-way match of
//! what was ordered (and at what price the contract allowed then), what was
//! received, and what is billed. Pure: the caller reads the requisition and
//! the invoices recorded before, and stores what this returns.
//!
//! The price allowed on a catalog line is the lower of the line's price and
//! the contract's price for the quantity ordered, both as captured in the
//! line's evidence when it was added; an off-contract line allows the price
//! the vendor quoted. Every finding carries the money at stake, so the clerk
//! (and later the auditor) sees what each one is worth.

use super::model::{Line, Requisition};
use crate::money::Cents;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One line of a vendor's invoice, as typed or read from the vendor's file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvoiceLine {
    /// The order line it bills, when the invoice says (or the clerk does).
    pub order_line: Option<u32>,
    /// The part number or SKU on the invoice.
    #[serde(default)]
    pub part: String,
    #[serde(default)]
    pub description: String,
    pub quantity: u32,
    pub unit_price: Cents,
    /// The line's extended amount as the invoice states it, when it does:
    /// the vendor's arithmetic is checked too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub amount: Option<Cents>,
}

impl InvoiceLine {
    pub fn extended(&self) -> Cents {
        Cents(self.unit_price.0 * self.quantity as i64)
    }
}

/// A vendor's invoice for (part of) one requisition.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Invoice {
    pub number: String,
    pub date: NaiveDate,
    pub lines: Vec<InvoiceLine>,
    /// The total the invoice states, when it states one.
    pub stated_total: Option<Cents>,
}

impl Invoice {
    /// The lines' quantities times their prices.
    pub fn lines_total(&self) -> Cents {
        Cents(self.lines.iter().map(|l| l.extended().0).sum())
    }
}

/// What an invoice check can find.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceFindingKind {
    /// A unit price above what the contract (or the quote) allowed.
    OverContractPrice,
    /// More billed than was ordered, or than has been received.
    OverQuantity,
    /// A line that matches nothing on the order.
    NotOnOrder,
    /// Dated after the contract's term ended.
    AfterExpiry,
    /// The vendor already sent an invoice with this number.
    DuplicateInvoice,
    /// The stated total is not the sum of the lines, or a line's stated
    /// amount is not its quantity times its price.
    TotalMismatch,
}

impl InvoiceFindingKind {
    pub fn label(self) -> &'static str {
        match self {
            InvoiceFindingKind::OverContractPrice => "Over the contract price",
            InvoiceFindingKind::OverQuantity => "More than ordered or received",
            InvoiceFindingKind::NotOnOrder => "Not on the order",
            InvoiceFindingKind::AfterExpiry => "After the contract expired",
            InvoiceFindingKind::DuplicateInvoice => "Invoice number already recorded",
            InvoiceFindingKind::TotalMismatch => "Total does not add up",
        }
    }
}

/// One thing wrong with an invoice, and the money at stake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvoiceFinding {
    pub kind: InvoiceFindingKind,
    /// The invoice line (from 1), for a finding about one line.
    pub invoice_line: Option<u32>,
    /// The order line it was matched to.
    pub order_line: Option<u32>,
    /// What the finding is worth: the overcharge, the amount billed for
    /// what was not ordered, or the difference in the total.
    pub amount: Cents,
    pub message: String,
}

/// What the invoices recorded before this one say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EarlierInvoices {
    /// Quantity already billed, by order line.
    pub billed: HashMap<u32, u32>,
    /// The requisition an invoice with the same number from the same vendor
    /// was recorded on, if one was.
    pub same_number_on: Option<String>,
}

/// Letters and digits only, lowercased: "APC-BR1500" and "apcbr1500" match.
fn compact(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The order line an invoice line bills: the one it names, or the one
/// whose SKU, part number or description it carries.
fn matched<'a>(req: &'a Requisition, line: &InvoiceLine) -> Option<&'a Line> {
    if let Some(position) = line.order_line {
        return req.line(position);
    }
    let part = compact(&line.part);
    if !part.is_empty() {
        let by_part = req
            .lines
            .iter()
            .find(|l| [&l.supplier_sku, &l.manufacturer_part].iter().any(|p| !p.is_empty() && compact(p) == part));
        if by_part.is_some() {
            return by_part;
        }
    }
    let description = line.description.trim().to_lowercase();
    (!description.is_empty()).then(|| req.lines.iter().find(|l| l.description.trim().to_lowercase() == description))?
}

/// The unit price the order allows on `line`, and where it comes from.
fn allowed_price(line: &Line) -> (Cents, String) {
    match line.evidence() {
        Some(e) => {
            let contract = e.item.unit_price_at(line.quantity);
            if line.unit_price < contract {
                (line.unit_price, "the order's price".to_owned())
            } else {
                (contract, format!("the price on contract {} when ordered", e.contract.number))
            }
        }
        None => (line.unit_price, "the quoted price on the order".to_owned()),
    }
}

/// The order line each of `invoice`'s lines bills, if any.
pub(crate) fn matched_lines(req: &Requisition, invoice: &Invoice) -> Vec<Option<u32>> {
    invoice.lines.iter().map(|l| matched(req, l).map(|m| m.position)).collect()
}

/// Checks `invoice` against requisition `req`, line by line.
pub fn check(req: &Requisition, invoice: &Invoice, earlier: &EarlierInvoices) -> Vec<InvoiceFinding> {
    let mut findings = Vec::new();
    let mut billed = earlier.billed.clone();
    for (index, inv) in invoice.lines.iter().enumerate() {
        let at = Some(index as u32 + 1);
        let line = matched(req, inv);
        if let Some(stated) = inv.amount.filter(|&a| a != inv.extended()) {
            findings.push(InvoiceFinding {
                kind: InvoiceFindingKind::TotalMismatch,
                invoice_line: at,
                order_line: line.map(|l| l.position),
                amount: Cents((stated.0 - inv.extended().0).abs()),
                message: format!(
                    "Invoice line {}: states {stated} for {} at {} each, which is {}.",
                    index + 1,
                    inv.quantity,
                    inv.unit_price,
                    inv.extended()
                ),
            });
        }
        let Some(line) = line else {
            let what =
                [inv.part.trim(), inv.description.trim()].into_iter().find(|t| !t.is_empty()).unwrap_or("a line");
            findings.push(InvoiceFinding {
                kind: InvoiceFindingKind::NotOnOrder,
                invoice_line: at,
                order_line: None,
                amount: inv.extended(),
                message: format!("Invoice line {}: {what} is not on requisition {}.", index + 1, req.number),
            });
            continue;
        };
        let order_line = Some(line.position);

        let (allowed, source) = allowed_price(line);
        if inv.unit_price > allowed {
            findings.push(InvoiceFinding {
                kind: InvoiceFindingKind::OverContractPrice,
                invoice_line: at,
                order_line,
                amount: Cents((inv.unit_price.0 - allowed.0) * inv.quantity as i64),
                message: format!(
                    "Invoice line {}: {} at {} each; {source} is {}.",
                    index + 1,
                    line.description,
                    inv.unit_price,
                    allowed
                ),
            });
        }

        let before = billed.get(&line.position).copied().unwrap_or(0);
        let total = before + inv.quantity;
        billed.insert(line.position, total);
        let (limit, what) = if total > line.quantity {
            (line.quantity, format!("{} ordered", line.quantity))
        } else {
            (line.received, format!("{} received", line.received))
        };
        if total > limit {
            let excess = (total - limit.max(before)).min(inv.quantity);
            let earlier_note = if before > 0 { format!(" ({before} billed before)") } else { String::new() };
            findings.push(InvoiceFinding {
                kind: InvoiceFindingKind::OverQuantity,
                invoice_line: at,
                order_line,
                amount: Cents(inv.unit_price.0 * excess as i64),
                message: format!(
                    "Invoice line {}: bills {} of {}{earlier_note}; {what}.",
                    index + 1,
                    inv.quantity,
                    line.description
                ),
            });
        }

        if let Some(e) = line.evidence() {
            if invoice.date > e.contract.term_end {
                findings.push(InvoiceFinding {
                    kind: InvoiceFindingKind::AfterExpiry,
                    invoice_line: at,
                    order_line,
                    amount: inv.extended(),
                    message: format!(
                        "Invoice line {}: dated {}, after contract {} ended on {}.",
                        index + 1,
                        invoice.date,
                        e.contract.number,
                        e.contract.term_end
                    ),
                });
            }
        }
    }

    if let Some(other) = &earlier.same_number_on {
        findings.push(InvoiceFinding {
            kind: InvoiceFindingKind::DuplicateInvoice,
            invoice_line: None,
            order_line: None,
            amount: invoice.stated_total.unwrap_or_else(|| invoice.lines_total()),
            message: format!("Invoice {} from this vendor is already recorded on requisition {other}.", invoice.number),
        });
    }

    let sum = invoice.lines_total();
    if let Some(stated) = invoice.stated_total.filter(|&s| s != sum) {
        findings.push(InvoiceFinding {
            kind: InvoiceFindingKind::TotalMismatch,
            invoice_line: None,
            order_line: None,
            amount: Cents((stated.0 - sum.0).abs()),
            message: format!("The invoice states a total of {stated}; its lines add up to {sum}."),
        });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PriceTier;
    use crate::orders::test_lines::*;
    use crate::orders::LineSource;
    use InvoiceFindingKind::*;

    /// Requisition 2027-PW-0001: line 1, 10 UPS batteries (SKU "SKU") at
    /// $100.00 on contract GC-1 (to 2027-06-30), 6 received, with a $90.00
    /// tier from 10; line 2, one off-contract pump quoted at $500.00, received.
    fn ordered() -> Requisition {
        let mut battery = catalogue_line(1, 10, 10_000);
        if let LineSource::Catalogue { evidence, .. } = &mut battery.source {
            evidence.item.price_tiers = vec![PriceTier { min_quantity: 10, unit_price: Cents(9_000) }];
        }
        battery.received = 6;
        let mut pump = manual_line(2, 50_000, "Delta Pumps");
        pump.description = "Sump pump 1/2 HP".into();
        pump.supplier_sku = "DP-50".into();
        pump.received = 1;
        requisition(vec![battery, pump])
    }

    fn line(order_line: Option<u32>, part: &str, quantity: u32, price: i64) -> InvoiceLine {
        InvoiceLine {
            order_line,
            part: part.into(),
            description: String::new(),
            quantity,
            unit_price: Cents(price),
            amount: None,
        }
    }

    fn invoice(date: &str, lines: Vec<InvoiceLine>, stated: Option<i64>) -> Invoice {
        Invoice { number: "INV-100".into(), date: d(date), lines, stated_total: stated.map(Cents) }
    }

    /// Each case: the invoice, what was billed before, and the findings
    /// expected as (kind, invoice line, order line, amount in cents).
    #[test]
    fn each_finding_with_the_money_at_stake() {
        type Expected = Vec<(InvoiceFindingKind, Option<u32>, Option<u32>, i64)>;
        let none = EarlierInvoices::default();
        let billed_4 = EarlierInvoices { billed: [(1, 4)].into(), same_number_on: None };
        let dup = EarlierInvoices { billed: HashMap::new(), same_number_on: Some("2027-PW-0009".into()) };
        let cases: Vec<(&str, Invoice, &EarlierInvoices, Expected)> = vec![
            (
                "clean: the tier price, what was received",
                invoice("2026-12-01", vec![line(Some(1), "", 6, 9_000)], Some(54_000)),
                &none,
                vec![],
            ),
            (
                "matched by SKU without punctuation",
                invoice("2026-12-01", vec![line(None, "sku", 6, 9_000)], None),
                &none,
                vec![],
            ),
            (
                "matched by the quoted vendor's SKU",
                invoice("2026-12-01", vec![line(None, "DP 50", 1, 50_000)], None),
                &none,
                vec![],
            ),
            (
                "the list price instead of the tier price",
                invoice("2026-12-01", vec![line(Some(1), "", 6, 10_000)], None),
                &none,
                vec![(OverContractPrice, Some(1), Some(1), 6_000)],
            ),
            (
                "above the quoted price off contract",
                invoice("2026-12-01", vec![line(Some(2), "", 1, 52_500)], None),
                &none,
                vec![(OverContractPrice, Some(1), Some(2), 2_500)],
            ),
            (
                "more than received (6 of 10)",
                invoice("2026-12-01", vec![line(Some(1), "", 8, 9_000)], None),
                &none,
                vec![(OverQuantity, Some(1), Some(1), 18_000)],
            ),
            (
                "more than ordered, counting an earlier invoice",
                invoice("2026-12-01", vec![line(Some(1), "", 8, 9_000)], None),
                &billed_4,
                vec![(OverQuantity, Some(1), Some(1), 18_000)],
            ),
            (
                "not on the order",
                invoice("2026-12-01", vec![line(None, "FREIGHT-EXP", 1, 7_500)], None),
                &none,
                vec![(NotOnOrder, Some(1), None, 7_500)],
            ),
            (
                "dated after the contract ended",
                invoice("2027-07-01", vec![line(Some(1), "", 6, 9_000)], None),
                &none,
                vec![(AfterExpiry, Some(1), Some(1), 54_000)],
            ),
            (
                "an off-contract line has no contract to expire",
                invoice("2027-07-01", vec![line(Some(2), "", 1, 50_000)], None),
                &none,
                vec![],
            ),
            (
                "the same invoice number again",
                invoice("2026-12-01", vec![line(Some(1), "", 6, 9_000)], Some(54_000)),
                &dup,
                vec![(DuplicateInvoice, None, None, 54_000)],
            ),
            (
                "a total that does not add up",
                invoice("2026-12-01", vec![line(Some(1), "", 6, 9_000), line(Some(2), "", 1, 50_000)], Some(105_000)),
                &none,
                vec![(TotalMismatch, None, None, 1_000)],
            ),
            (
                "a line whose stated amount is not its quantity times its price",
                invoice(
                    "2026-12-01",
                    vec![InvoiceLine { amount: Some(Cents(55_000)), ..line(Some(1), "", 6, 9_000) }],
                    Some(55_000),
                ),
                &none,
                vec![(TotalMismatch, Some(1), Some(1), 1_000), (TotalMismatch, None, None, 1_000)],
            ),
            (
                "several at once",
                invoice("2027-07-01", vec![line(Some(1), "", 7, 9_500), line(None, "", 1, 1_000)], Some(1)),
                &none,
                vec![
                    (OverContractPrice, Some(1), Some(1), 3_500),
                    (OverQuantity, Some(1), Some(1), 9_500),
                    (AfterExpiry, Some(1), Some(1), 66_500),
                    (NotOnOrder, Some(2), None, 1_000),
                    (TotalMismatch, None, None, 67_499),
                ],
            ),
        ];
        let req = ordered();
        for (case, inv, earlier, expected) in cases {
            let found: Expected =
                check(&req, &inv, earlier).iter().map(|f| (f.kind, f.invoice_line, f.order_line, f.amount.0)).collect();
            let mut want = expected.clone();
            let mut got = found.clone();
            want.sort_by_key(|f| format!("{f:?}"));
            got.sort_by_key(|f| format!("{f:?}"));
            assert_eq!(got, want, "{case}");
        }
    }

    #[test]
    fn each_finding_says_what_and_where_in_words() {
        let inv = invoice("2027-07-01", vec![line(Some(1), "", 8, 10_000)], Some(1));
        let messages: Vec<String> =
            check(&ordered(), &inv, &EarlierInvoices::default()).into_iter().map(|f| f.message).collect();
        assert!(
            messages.iter().any(|m| m.contains("$100.00 each") && m.contains("contract GC-1") && m.contains("$90.00")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("bills 8") && m.contains("6 received")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("ended on 2027-06-30")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("$0.01") && m.contains("$800.00")), "{messages:?}");
    }
}
