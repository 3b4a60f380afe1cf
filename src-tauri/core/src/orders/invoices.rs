//! Recording vendors' invoices on requisitions: each is checked against the
//! order when it is recorded ([`super::invoice::check`]), kept with its
//! findings, and approved for payment only once every finding has been
//! acknowledged with a reason. Each step is one transaction with its entry
//! in the requisition's history, which carries a digest of the invoice as
//! recorded.

use super::invoice::{check, EarlierInvoices, Invoice, InvoiceFinding};
use super::invoice_file::{self, InvoiceColumn, InvoiceFile};
use super::model::{Requisition, Status};
use super::read;
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::money::Cents;
use crate::store::columns::{date_col, json_col};
use crate::store::Store;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

/// Lines an invoice may have; a longer one is refused, not cut short.
pub const MAX_INVOICE_LINES: usize = 2_000;
const MAX_NUMBER_CHARS: usize = 64;

/// The statuses an invoice may be recorded in: once the order is placed.
pub(crate) const INVOICEABLE: [Status; 4] =
    [Status::Ordered, Status::PartiallyReceived, Status::Received, Status::Closed];

/// A finding the clerk has looked into, and why it may be paid anyway.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvoiceAcknowledgement {
    /// The finding's place in the invoice's findings, from 0.
    pub finding: u32,
    pub reason: String,
    pub by: String,
    pub at: crate::clock::Timestamp,
}

/// An invoice as recorded, with what its check found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecordedInvoice {
    pub id: i64,
    pub requisition: String,
    pub invoice: Invoice,
    pub findings: Vec<InvoiceFinding>,
    pub acknowledgements: Vec<InvoiceAcknowledgement>,
    pub recorded_by: String,
    pub recorded_at: crate::clock::Timestamp,
    pub approved_by: Option<String>,
    pub approved_at: Option<crate::clock::Timestamp>,
}

impl RecordedInvoice {
    /// The findings not yet acknowledged, by their place.
    pub fn open_findings(&self) -> Vec<u32> {
        (0..self.findings.len() as u32).filter(|i| !self.acknowledgements.iter().any(|a| a.finding == *i)).collect()
    }

    /// The money at stake in every finding.
    pub fn at_stake(&self) -> Cents {
        Cents(self.findings.iter().map(|f| f.amount.0).sum())
    }
}

/// Whose invoice numbers an invoice's number must differ from.
fn vendor_key(req: &Requisition) -> String {
    match (&req.supplier_id, &req.vendor) {
        (Some(id), _) => format!("supplier:{id}"),
        (None, Some(v)) => format!("vendor:{}", v.name.trim().to_lowercase()),
        (None, None) => {
            let vendor = req.lines.iter().find_map(|l| l.vendor()).unwrap_or_default();
            format!("vendor:{}", vendor.trim().to_lowercase())
        }
    }
}

fn validate(invoice: &Invoice) -> Result<Invoice> {
    let mut invoice = invoice.clone();
    invoice.number = invoice.number.trim().to_owned();
    if invoice.number.is_empty() {
        return Err(Error::Invalid("Give the invoice number, as the vendor printed it.".into()));
    }
    if invoice.number.chars().count() > MAX_NUMBER_CHARS || invoice.number.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "The invoice number must be one line of at most {MAX_NUMBER_CHARS} characters."
        )));
    }
    if invoice.lines.is_empty() {
        return Err(Error::Invalid("The invoice has no lines: give at least one, with its quantity and price.".into()));
    }
    if invoice.lines.len() > MAX_INVOICE_LINES {
        return Err(Error::Invalid(format!(
            "The invoice has {} lines; at most {MAX_INVOICE_LINES} can be checked at once.",
            invoice.lines.len()
        )));
    }
    for (i, line) in invoice.lines.iter().enumerate() {
        if line.quantity == 0 {
            return Err(Error::Invalid(format!("Invoice line {}: the quantity must be at least 1.", i + 1)));
        }
        if line.unit_price.0 < 0 {
            return Err(Error::Invalid(format!(
                "Invoice line {}: a negative price is a credit; record credits as their own invoice line of the vendor's credit memo.",
                i + 1
            )));
        }
    }
    if invoice.stated_total.is_some_and(|t| t.0 < 0) {
        return Err(Error::Invalid("The invoice's total cannot be negative.".into()));
    }
    Ok(invoice)
}

/// What the invoices recorded before say about `invoice` on `req`.
fn earlier(conn: &Connection, req: &Requisition, invoice: &Invoice) -> Result<EarlierInvoices> {
    let mut out = EarlierInvoices::default();
    let mut stmt = conn.prepare("SELECT lines FROM invoices WHERE requisition_id = ?1")?;
    for lines in stmt.query_map([req.id], |r| r.get::<_, String>(0))? {
        let lines: Vec<super::invoice::InvoiceLine> = serde_json::from_str(&lines?).map_err(Error::internal)?;
        let before = Invoice { lines, ..Invoice::default() };
        // Matched as they were when recorded: by the order lines they billed.
        for (line, matched) in before.lines.iter().zip(super::invoice::matched_lines(req, &before)) {
            if let Some(position) = matched {
                *out.billed.entry(position).or_default() += line.quantity;
            }
        }
    }
    out.same_number_on = conn
        .query_row(
            "SELECT r.number FROM invoices i JOIN requisitions r ON r.id = i.requisition_id
             WHERE i.vendor_key = ?1 AND i.number = ?2 COLLATE NOCASE ORDER BY i.id LIMIT 1",
            params![vendor_key(req), invoice.number],
            |r| r.get(0),
        )
        .optional()?;
    Ok(out)
}

fn read_invoice(r: &rusqlite::Row) -> rusqlite::Result<RecordedInvoice> {
    Ok(RecordedInvoice {
        id: r.get(0)?,
        requisition: r.get(1)?,
        invoice: Invoice {
            number: r.get(2)?,
            date: date_col(r, 4)?,
            lines: json_col(r, 6)?,
            stated_total: r.get::<_, Option<i64>>(5)?.map(Cents),
        },
        findings: json_col(r, 7)?,
        acknowledgements: json_col(r, 8)?,
        recorded_by: r.get(9)?,
        recorded_at: r.get(10)?,
        approved_by: r.get(11)?,
        approved_at: r.get(12)?,
    })
}

const SELECT: &str = "SELECT i.id, r.number, i.number, i.vendor_key, i.invoice_date, i.stated_total, i.lines,
        i.findings, i.acknowledgements, i.recorded_by, i.recorded_at, i.approved_by, i.approved_at
     FROM invoices i JOIN requisitions r ON r.id = i.requisition_id";

fn by_id(conn: &Connection, req: &Requisition, id: i64) -> Result<RecordedInvoice> {
    conn.query_row(&format!("{SELECT} WHERE i.id = ?1 AND i.requisition_id = ?2"), params![id, req.id], read_invoice)
        .optional()?
        .ok_or_else(|| Error::not_found_on("invoice", id, format!("requisition {}", req.number)))
}

/// One step with an invoice, as the requisition screen asks for it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum InvoiceStep {
    Record { invoice: Invoice },
    Acknowledge { invoice_id: i64, finding: u32, reason: String },
    Approve { invoice_id: i64 },
}

impl Store {
    /// Takes one [`InvoiceStep`] on requisition `number`.
    pub fn invoice_step(&mut self, number: &str, step: &InvoiceStep, actor: &str) -> Result<()> {
        match step {
            InvoiceStep::Record { invoice } => self.record_invoice(number, invoice, actor).map(|_| ()),
            InvoiceStep::Acknowledge { invoice_id, finding, reason } => {
                self.acknowledge_invoice_finding(number, *invoice_id, *finding, reason, actor)
            }
            InvoiceStep::Approve { invoice_id } => self.approve_invoice(number, *invoice_id, actor),
        }
    }

    /// Checks `invoice` against requisition `number` and records it with
    /// its findings. Recorded even when something is found: the findings
    /// hold it until each is acknowledged.
    pub fn record_invoice(&mut self, number: &str, invoice: &Invoice, actor: &str) -> Result<RecordedInvoice> {
        let invoice = validate(invoice)?;
        self.refuse_if_shared(number, "invoices on it are not recorded on one laptop", "status")?;
        let id = self.change_requisition(number, actor, "invoice_recorded", &INVOICEABLE, |tx, req| {
            let findings = check(req, &invoice, &earlier(tx, req, &invoice)?);
            let lines = serde_json::to_string(&invoice.lines).map_err(Error::internal)?;
            let found = serde_json::to_string(&findings).map_err(Error::internal)?;
            tx.execute(
                "INSERT INTO invoices (requisition_id, number, vendor_key, invoice_date, stated_total, lines, findings,
                     recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    req.id,
                    invoice.number,
                    vendor_key(req),
                    invoice.date.to_string(),
                    invoice.stated_total.map(|c| c.0),
                    lines,
                    found,
                    actor.trim(),
                    tx.at
                ],
            )?;
            let id = tx.last_insert_rowid();
            let detail = json!({
                "invoice": invoice.number,
                "date": invoice.date,
                "billed": invoice.lines_total(),
                "findings": findings.iter().map(|f| json!({ "what": f.kind.label(), "amount": f.amount })).collect::<Vec<_>>(),
                "sha256": sha256_hex(&serde_json::to_vec(&invoice).map_err(Error::internal)?),
            });
            Ok((detail, id))
        })?;
        let req = self.requisition(number)?;
        by_id(self.conn(), &req, id)
    }

    /// Reads the vendor's invoice file at `location` (a path, or an https
    /// address) for requisition `number`, with the columns the clerk chose.
    /// Each line names the order line the check will match it to, so the
    /// clerk sees what it bills before recording it. Nothing is stored.
    pub fn read_invoice_file(
        &self,
        number: &str,
        location: &str,
        columns: &BTreeMap<InvoiceColumn, String>,
    ) -> Result<InvoiceFile> {
        let req = read::by_number(self.conn(), number)?;
        let mut source = crate::import::source::open(location)?;
        if source.size > invoice_file::MAX_FILE_BYTES {
            return Err(Error::Invalid(format!(
                "{} is {} MB; an invoice file coopdesk reads is at most {} MB. Nothing was recorded.",
                source.name,
                source.size >> 20,
                invoice_file::MAX_FILE_BYTES >> 20
            )));
        }
        let bytes = source.bytes()?;
        let mut file = invoice_file::read(&source.name, &bytes, columns)?;
        let as_read = Invoice { lines: file.lines.clone(), ..Invoice::default() };
        for (line, matched) in file.lines.iter_mut().zip(super::invoice::matched_lines(&req, &as_read)) {
            line.order_line = line.order_line.or(matched);
        }
        Ok(file)
    }

    /// The invoices recorded on requisition `number`, oldest first.
    pub fn invoices(&self, number: &str) -> Result<Vec<RecordedInvoice>> {
        let req = read::by_number(self.conn(), number)?;
        self.invoices_of(&req)
    }

    /// The invoices recorded on `req`, already read, oldest first.
    pub(crate) fn invoices_of(&self, req: &Requisition) -> Result<Vec<RecordedInvoice>> {
        let mut stmt = self.conn().prepare(&format!("{SELECT} WHERE i.requisition_id = ?1 ORDER BY i.id"))?;
        let rows = stmt.query_map([req.id], read_invoice)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Acknowledges finding `finding` (from 0) of invoice `invoice_id`: the
    /// clerk looked into it and says why it may be paid anyway.
    pub fn acknowledge_invoice_finding(
        &mut self,
        number: &str,
        invoice_id: i64,
        finding: u32,
        reason: &str,
        actor: &str,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::Invalid(
                "Say why this finding may be paid anyway (a credit memo is coming, the price was amended…).".into(),
            ));
        }
        let at = self.clock().now();
        self.change_requisition(number, actor, "invoice_finding_acknowledged", &INVOICEABLE, |tx, req| {
            let recorded = by_id(tx, req, invoice_id)?;
            if recorded.approved_at.is_some() {
                return Err(Error::InvalidState(format!(
                    "Invoice {} is already approved for payment.",
                    recorded.invoice.number
                )));
            }
            let Some(found) = recorded.findings.get(finding as usize) else {
                return Err(Error::not_found_on(
                    "finding",
                    finding + 1,
                    format!("invoice {}", recorded.invoice.number),
                ));
            };
            let mut acks = recorded.acknowledgements.clone();
            acks.retain(|a| a.finding != finding);
            acks.push(InvoiceAcknowledgement {
                finding,
                reason: reason.to_owned(),
                by: actor.trim().to_owned(),
                at: at.into(),
            });
            let text = serde_json::to_string(&acks).map_err(Error::internal)?;
            tx.execute("UPDATE invoices SET acknowledgements = ?1 WHERE id = ?2", params![text, invoice_id])?;
            let detail = json!({
                "invoice": recorded.invoice.number,
                "what": found.kind.label(),
                "amount": found.amount,
                "reason": reason,
            });
            Ok((detail, ()))
        })
    }

    /// Approves invoice `invoice_id` for payment: refused while any finding
    /// is unacknowledged, and once approved it stays approved.
    pub fn approve_invoice(&mut self, number: &str, invoice_id: i64, actor: &str) -> Result<()> {
        self.change_requisition(number, actor, "invoice_approved", &INVOICEABLE, |tx, req| {
            let recorded = by_id(tx, req, invoice_id)?;
            if recorded.approved_at.is_some() {
                return Err(Error::InvalidState(format!(
                    "Invoice {} is already approved for payment.",
                    recorded.invoice.number
                )));
            }
            let open = recorded.open_findings();
            if !open.is_empty() {
                let list: Vec<String> = open.iter().map(|i| (i + 1).to_string()).collect();
                return Err(Error::NotAllowed(format!(
                    "Invoice {} has {} finding{} not yet resolved (number {}): acknowledge each with a reason, \
                     or ask the vendor for a corrected invoice, before approving it for payment.",
                    recorded.invoice.number,
                    open.len(),
                    if open.len() == 1 { "" } else { "s" },
                    list.join(", ")
                )));
            }
            tx.execute(
                "UPDATE invoices SET approved_by = ?1, approved_at = ?2 WHERE id = ?3",
                params![actor.trim(), tx.at, invoice_id],
            )?;
            let detail = json!({
                "invoice": recorded.invoice.number,
                "amount": recorded.invoice.lines_total(),
                "acknowledged": recorded.acknowledgements.len(),
            });
            Ok((detail, ()))
        })
    }
}
