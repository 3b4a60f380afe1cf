//! The arguments of `coopdesk req ...`.

use clap::{Args, Subcommand};
use coopdesk_core::orders::*;
use coopdesk_core::Result;
use std::path::PathBuf;

#[derive(Args, Debug, Clone, Default)]
pub struct HeaderArgs {
    #[arg(long)]
    pub department: Option<String>,
    #[arg(long)]
    pub requester: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub deliver_to: Option<String>,
    /// The date the goods are needed, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
    pub needed: Option<chrono::NaiveDate>,
    #[arg(long)]
    pub purpose: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    /// Why it is bought this way (printed on its own packet page); "" removes it.
    #[arg(long)]
    pub justification: Option<String>,
    /// sole_source, emergency or other.
    #[arg(long, default_value = "other", value_parser = ["sole_source", "emergency", "other"])]
    pub justification_kind: String,
}

#[derive(Subcommand, Debug)]
pub enum ReqAction {
    /// Start a draft requisition; prints its number.
    New {
        #[command(flatten)]
        header: HeaderArgs,
        /// An emergency purchase under the active incident (or --incident ID).
        #[arg(long)]
        emergency: bool,
        #[arg(long, value_name = "ID")]
        incident: Option<i64>,
    },
    /// Fill in an emergency purchase's documentation and FEMA project.
    Docs {
        number: String,
        /// What is bought and why it cannot wait for competition.
        #[arg(long)]
        need: Option<String>,
        /// How long the need lasts.
        #[arg(long)]
        duration: Option<String>,
        /// What was done to get competition (quotes tried, vendors called).
        #[arg(long)]
        competition: Option<String>,
        /// Why the price is reasonable.
        #[arg(long)]
        price: Option<String>,
        /// Any conflict of interest, or that there is none.
        #[arg(long)]
        conflict: Option<String>,
        #[arg(long)]
        project: Option<String>,
    },
    /// Change header fields of a draft.
    Set {
        number: String,
        #[command(flatten)]
        header: HeaderArgs,
    },
    /// Add a catalog item (again: adds to its quantity).
    Add {
        number: String,
        item_id: String,
        #[arg(long, default_value_t = 1)]
        qty: u32,
        /// Account string, e.g. 100-210-01-5230 (default: the line before's).
        #[arg(long)]
        account: Option<String>,
    },
    /// Add an off-contract line, bought on a vendor's quote.
    AddManual {
        number: String,
        #[arg(long)]
        description: String,
        #[arg(long)]
        vendor: String,
        /// Unit price, e.g. 12.50.
        #[arg(long, value_parser = crate::values::money)]
        price: coopdesk_core::Cents,
        #[arg(long, default_value_t = 1)]
        qty: u32,
        #[arg(long, default_value = "EA")]
        unit: String,
        #[arg(long, default_value = "")]
        part: String,
        #[arg(long, default_value = "")]
        account: String,
        #[arg(long)]
        taxable: bool,
    },
    /// Change a line's quantity, account string or tax flag.
    Line {
        number: String,
        line: u32,
        #[arg(long)]
        qty: Option<u32>,
        #[arg(long)]
        account: Option<String>,
        #[arg(long, conflicts_with = "tax_exempt")]
        taxable: bool,
        #[arg(long)]
        tax_exempt: bool,
        /// Off-contract lines only.
        #[arg(long, value_parser = crate::values::money)]
        price: Option<coopdesk_core::Cents>,
    },
    /// Remove a line from a draft.
    RemoveLine { number: String, line: u32 },
    /// Take today's catalog price for a line whose price changed.
    AcceptPrice { number: String, line: u32 },
    /// Attach a file (a quote, a price-list page, a memo, a receipt).
    Attach {
        number: String,
        file: PathBuf,
        /// quote, price_list, memo, receipt, invoice or other.
        #[arg(long, default_value = "other")]
        kind: AttachmentKind,
        /// For a quote: who quoted.
        #[arg(long)]
        vendor: Option<String>,
        /// For a quote: the amount quoted, e.g. 2500.00.
        #[arg(long, value_parser = crate::values::money)]
        amount: Option<coopdesk_core::Cents>,
        /// For a quote: its date, YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
        date: Option<chrono::NaiveDate>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Acknowledge a policy warning (its key is shown by `req show`).
    Ack {
        number: String,
        key: String,
        /// Why it is accepted; printed in the packet.
        #[arg(long)]
        note: String,
    },
    /// Show a requisition with its lines, totals, policy findings and history.
    Show { number: String },
    /// Send a draft for approval (refused while the policy says no).
    Submit { number: String },
    /// Approve a submitted requisition: as an approver from the settings,
    /// or, on a computer in an office, as yourself (a signed approval of a
    /// requisition shared with the office; --approver is not used).
    Approve {
        number: String,
        /// Outside an office: the approver from the settings (required).
        #[arg(long)]
        approver: Option<String>,
        /// In an office: whose shared requisition, when several share the number.
        #[arg(long)]
        from: Option<String>,
    },
    /// Record the governing board's approval of a submitted requisition
    /// that no approver may approve (or above the board-approval
    /// threshold): the meeting and its agenda item.
    BoardApprove {
        number: String,
        #[command(flatten)]
        board: crate::values::BoardMeeting,
    },
    /// Send a submitted or approved requisition back to draft.
    Return {
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// Record the purchase order number.
    Order {
        number: String,
        #[arg(long)]
        po: String,
    },
    /// Record goods received: LINE:QTY pairs, or everything outstanding.
    Receive {
        number: String,
        #[arg(value_name = "LINE:QTY", value_parser = crate::values::receipt)]
        receipts: Vec<(u32, u32)>,
    },
    /// Record a vendor's invoice and check it against the order: prices
    /// above the contract's, quantities above those ordered or received,
    /// lines not on the order, a date after the contract expired, a number
    /// already recorded for this vendor, a total that does not add up.
    Invoice {
        number: String,
        /// The invoice number, as the vendor printed it (read from the file
        /// when it states one).
        #[arg(long = "number", id = "invoice_number", required_unless_present = "file")]
        invoice_number: Option<String>,
        /// The invoice's date (YYYY-MM-DD or MM/DD/YYYY; read from the file
        /// when it states one).
        #[arg(long, value_parser = crate::values::date, required_unless_present = "file")]
        date: Option<chrono::NaiveDate>,
        /// A line billed: LINE:QTY:UNIT_PRICE, or PART:QTY:UNIT_PRICE.
        #[arg(long = "line", value_name = "LINE:QTY:UNIT_PRICE", value_parser = crate::values::invoice_line, required_unless_present = "file")]
        lines: Vec<coopdesk_core::orders::invoice::InvoiceLine>,
        /// The total the invoice states, to check that its lines add up.
        #[arg(long, value_parser = crate::values::money)]
        total: Option<coopdesk_core::Cents>,
        /// The invoice as the vendor sent it: a CSV, tab-delimited or XLSX
        /// file (or an https address); --line adds lines to it.
        #[arg(long)]
        file: Option<String>,
        /// With --file, choose a column as FIELD=COLUMN (header text, letter
        /// or number), e.g. quantity="Qty Shipped"; fields: order_line, part,
        /// description, quantity, unit_price, amount, invoice_number,
        /// invoice_date.
        #[arg(long = "column", value_name = "FIELD=COLUMN", value_parser = crate::values::column::<coopdesk_core::orders::invoice_file::InvoiceColumn>, requires = "file")]
        columns: Vec<(coopdesk_core::orders::invoice_file::InvoiceColumn, String)>,
    },
    /// The invoices recorded on a requisition, with their findings.
    Invoices { number: String },
    /// Acknowledge an invoice's finding: say why it may be paid anyway.
    InvoiceAck {
        number: String,
        /// The invoice, by its number.
        #[arg(long)]
        invoice: String,
        /// The finding, as `req invoices` numbers it.
        #[arg(long)]
        finding: u32,
        #[arg(long)]
        reason: String,
    },
    /// Approve an invoice for payment (refused while a finding is open).
    InvoiceApprove {
        number: String,
        /// The invoice, by its number.
        #[arg(long)]
        invoice: String,
    },
    /// Close a received requisition.
    Close {
        number: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Cancel a requisition (it stays on file).
    Cancel {
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// List requisitions, newest first, with totals.
    List {
        #[command(flatten)]
        filter: ListArgs,
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// Export requisitions (those named, or those the filters select) as CSV
    /// lines or JSON.
    Export {
        numbers: Vec<String>,
        #[command(flatten)]
        filter: ListArgs,
        #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check the tamper-evident history of every requisition.
    VerifyHistory {},
}

#[derive(Args, Debug, Clone, Default)]
pub struct ListArgs {
    #[arg(long)]
    pub status: Option<Status>,
    #[arg(long)]
    pub department: Option<String>,
    /// Supplier id or part of the vendor's name.
    #[arg(long)]
    pub supplier: Option<String>,
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
    pub from: Option<chrono::NaiveDate>,
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
    pub to: Option<chrono::NaiveDate>,
}

impl ListArgs {
    pub(super) fn filter(&self) -> Result<ListFilter> {
        Ok(ListFilter {
            status: self.status,
            department: self.department.clone(),
            supplier: self.supplier.clone(),
            from: self.from,
            to: self.to,
        })
    }
}

impl HeaderArgs {
    pub(super) fn apply(&self, h: &mut Header) -> Result<()> {
        let set = |field: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                *field = v.clone();
            }
        };
        set(&mut h.department, &self.department);
        set(&mut h.requester, &self.requester);
        set(&mut h.requester_phone, &self.phone);
        set(&mut h.deliver_to, &self.deliver_to);
        set(&mut h.purpose, &self.purpose);
        set(&mut h.notes, &self.notes);
        if let Some(d) = &self.needed {
            h.date_needed = Some(*d);
        }
        if let Some(text) = &self.justification {
            let kind = match self.justification_kind.as_str() {
                "sole_source" => JustificationKind::SoleSource,
                "emergency" => JustificationKind::Emergency,
                _ => JustificationKind::Other,
            };
            h.justification = (!text.trim().is_empty()).then(|| Justification { kind, text: text.clone() });
        }
        Ok(())
    }
}
