//! Vendors' invoices from the command line: record one and see what its
//! check found, list them, acknowledge a finding, approve one for payment.

use super::args::ReqAction;
use crate::{print_json, stdout_error};
use coopdesk_core::orders::invoice::Invoice;
use coopdesk_core::orders::invoices::RecordedInvoice;
use coopdesk_core::{Error, Result, Store};
use std::io::Write;

/// Runs one of this file's actions; `req::run` routes only those here.
pub(super) fn run(store: &mut Store, action: &ReqAction, by: &str, json: bool, out: &mut dyn Write) -> Result<()> {
    match action {
        ReqAction::Invoice { number, invoice_number, date, lines, total, file, columns } => {
            let invoice = match file {
                Some(file) => {
                    let columns = columns.iter().cloned().collect();
                    let mut invoice =
                        store.read_invoice_file(number, file, &columns)?.invoice(invoice_number.as_deref(), *date)?;
                    invoice.lines.extend(lines.iter().cloned());
                    invoice.stated_total = total.or(invoice.stated_total);
                    invoice
                }
                None => Invoice {
                    number: invoice_number.clone().unwrap_or_default(),
                    date: date.ok_or_else(|| Error::Invalid("Give the invoice's date (--date).".into()))?,
                    lines: lines.clone(),
                    stated_total: *total,
                },
            };
            let recorded = store.record_invoice(number, &invoice, by)?;
            if json {
                return print_json(out, &recorded);
            }
            write_invoice(out, &recorded)
        }
        ReqAction::Invoices { number } => {
            let invoices = store.invoices(number)?;
            if json {
                return print_json(out, &invoices);
            }
            if invoices.is_empty() {
                return writeln!(out, "No invoices recorded on {number}.").map_err(stdout_error);
            }
            invoices.iter().try_for_each(|i| write_invoice(out, i))
        }
        ReqAction::InvoiceAck { number, invoice, finding, reason } => {
            let recorded = find(store, number, invoice)?;
            let index = finding.checked_sub(1).ok_or_else(|| Error::Invalid("Findings are numbered from 1.".into()))?;
            store.acknowledge_invoice_finding(number, recorded.id, index, reason, by)?;
            let left = find(store, number, invoice)?.open_findings().len();
            writeln!(out, "Finding {finding} of invoice {invoice} acknowledged; {left} still open.")
                .map_err(stdout_error)
        }
        ReqAction::InvoiceApprove { number, invoice } => {
            let recorded = find(store, number, invoice)?;
            store.approve_invoice(number, recorded.id, by)?;
            writeln!(out, "Invoice {invoice} on {number} approved for payment ({}).", recorded.invoice.lines_total())
                .map_err(stdout_error)
        }
        _ => unreachable!("req::run routes only invoice actions here"),
    }
}

/// The invoice numbered `invoice` on requisition `number`.
fn find(store: &Store, number: &str, invoice: &str) -> Result<RecordedInvoice> {
    store
        .invoices(number)?
        .into_iter()
        .rev()
        .find(|i| i.invoice.number.eq_ignore_ascii_case(invoice.trim()))
        .ok_or_else(|| Error::not_found_on("invoice", invoice.trim(), format!("requisition {number}")))
}

fn write_invoice(out: &mut dyn Write, recorded: &RecordedInvoice) -> Result<()> {
    let inv = &recorded.invoice;
    let mut text = format!(
        "Invoice {} of {} on {}: {} billed, {}.\n",
        inv.number,
        inv.date,
        recorded.requisition,
        inv.lines_total(),
        match (&recorded.approved_by, recorded.findings.len(), recorded.open_findings().len()) {
            (Some(by), _, _) => format!("approved for payment by {by}"),
            (None, 0, _) => "nothing found; ready to approve for payment".to_owned(),
            (None, n, 0) => format!("{n} finding(s), all acknowledged; ready to approve for payment"),
            (None, n, open) => format!("{n} finding(s), {open} open, {} at stake; held", recorded.at_stake()),
        }
    );
    for (i, f) in recorded.findings.iter().enumerate() {
        let ack = recorded.acknowledgements.iter().find(|a| a.finding == i as u32);
        text += &format!("  {}. {} ({}): {}\n", i + 1, f.kind.label(), f.amount, f.message);
        if let Some(a) = ack {
            text += &format!("     acknowledged by {}: {}\n", a.by, a.reason);
        }
    }
    write!(out, "{text}").map_err(stdout_error)
}
