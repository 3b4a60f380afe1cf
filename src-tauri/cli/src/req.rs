//! `coopdesk req ...`: requisitions from the command line, enough to script
//! the whole flow from a new draft to a closed order; and `coopdesk
//! purchasing ...` for the settings it is checked against.

use crate::{print_json, stdout_error, table};
use clap::{Args, Subcommand};
use coopdesk_core::orders::*;
use coopdesk_core::policy::Severity;
use coopdesk_core::{Error, Result, Store};
use std::io::Write;
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
    /// Add a catalogue item (again: adds to its quantity).
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
    /// Take today's catalogue price for a line whose price changed.
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
    /// Approve a submitted requisition as an approver from the settings.
    Approve {
        number: String,
        #[arg(long)]
        approver: String,
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
        #[arg(value_name = "LINE:QTY")]
        receipts: Vec<String>,
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

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

impl ListArgs {
    fn filter(&self) -> Result<ListFilter> {
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
    fn apply(&self, h: &mut Header) -> Result<()> {
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

fn print_view(out: &mut dyn Write, v: &RequisitionView) -> std::io::Result<()> {
    let r = &v.requisition;
    let h = &r.header;
    writeln!(out, "Requisition {} ({}), fiscal year {}", r.number, r.status.label(), r.fiscal_year)?;
    if let Some(e) = &r.emergency {
        writeln!(
            out,
            "EMERGENCY purchase under {}: authorisation {}; FEMA project {}",
            e.incident_name,
            e.authorization,
            e.project.as_deref().unwrap_or("not yet assigned")
        )?;
    }
    writeln!(out, "Department {}; requester {} {}", h.department, h.requester, h.requester_phone)?;
    writeln!(
        out,
        "Needed by {}; deliver to {}",
        h.date_needed.map(|d| d.to_string()).unwrap_or_else(|| "(not set)".into()),
        h.deliver_to
    )?;
    if let Some(vendor) = &r.vendor {
        writeln!(out, "Vendor: {}", vendor.name)?;
    }
    if !h.purpose.is_empty() {
        writeln!(out, "Purpose: {}", h.purpose)?;
    }
    if let Some(po) = &r.po_number {
        writeln!(out, "PO: {po}")?;
    }
    if let Some(a) = &r.approved_by {
        writeln!(out, "Approved by {a}")?;
    }
    let rows: Vec<Vec<String>> = r
        .lines
        .iter()
        .zip(&v.lines)
        .map(|(l, s)| {
            let mut price = l.unit_price.to_string();
            if let (true, Some(now)) = (s.price_changed, s.current_unit_price) {
                price += &format!(" (now {now})");
            }
            vec![
                l.position.to_string(),
                l.quantity.to_string(),
                l.unit.clone(),
                l.description.clone(),
                l.evidence.as_ref().map(|e| e.contract.number.clone()).unwrap_or_else(|| "off contract".into()),
                price,
                s.extended.to_string(),
                l.account.clone(),
            ]
        })
        .collect();
    writeln!(out)?;
    table::write(
        out,
        &["#", "Qty", "Unit", "Description", "Contract", "Unit price", "Extended", "Account"],
        &rows,
        &[0, 1, 5, 6],
    )?;
    writeln!(out, "Total {}; list price {} (saving {})", v.total, v.list_total, v.saving)?;
    writeln!(out)?;
    if v.findings.is_empty() {
        writeln!(out, "Policy: nothing to report.")?;
    }
    for f in &v.findings {
        let label = match (f.severity, &f.acknowledged) {
            (Severity::Error, _) => "ERROR".to_owned(),
            (Severity::Warning, Some(a)) => format!("acknowledged by {} ({})", a.by, a.note),
            (Severity::Warning, None) => "WARNING".to_owned(),
            (Severity::Gap, _) => "MISSING".to_owned(),
            (Severity::Info, _) => "note".to_owned(),
        };
        writeln!(out, "[{label}] {}  (key: {})", f.message, f.key)?;
    }
    for a in &r.attachments {
        writeln!(
            out,
            "Attachment {}: {} ({}, {} bytes, sha256 {})",
            a.id,
            a.file_name,
            a.kind.as_str(),
            a.size,
            &a.sha256[..16]
        )?;
    }
    writeln!(out, "\nHistory:")?;
    for e in &v.history {
        writeln!(out, "  {}  {:<22} {}", e.at, e.action, e.actor)?;
    }
    Ok(())
}

pub fn run(store: &mut Store, action: &ReqAction, by: &str, json: bool, out: &mut dyn Write) -> Result<()> {
    let say = |out: &mut dyn Write, text: String| writeln!(out, "{text}").map_err(stdout_error);
    match action {
        ReqAction::New { header, emergency, incident } => {
            let mut h = Header::default();
            header.apply(&mut h)?;
            let incident = match (incident, emergency) {
                (Some(id), _) => Some(*id),
                (None, true) => Some(
                    store
                        .active_incident()?
                        .ok_or_else(|| Error::Invalid("No incident is active: declare one with `coopdesk emergency declare`, or pass --incident ID.".into()))?
                        .id,
                ),
                (None, false) => None,
            };
            let number = store.create_requisition_for(&h, incident, by)?;
            let req = store.requisition(&number)?;
            if json {
                return print_json(out, &req);
            }
            match &req.emergency {
                Some(e) => say(out, format!("{} (emergency authorisation {})", req.number, e.authorization)),
                None => say(out, req.number),
            }
        }
        ReqAction::Docs { number, need, duration, competition, price, conflict, project } => {
            let current = store.requisition(number)?;
            let mut docs = current.emergency.as_ref().map(|e| e.docs.clone()).unwrap_or_default();
            let set = |f: &mut String, v: &Option<String>| {
                if let Some(v) = v {
                    *f = v.clone();
                }
            };
            set(&mut docs.need, need);
            set(&mut docs.duration, duration);
            set(&mut docs.competition, competition);
            set(&mut docs.price_reasonableness, price);
            set(&mut docs.conflict_of_interest, conflict);
            let project = project.clone().or(current.emergency.and_then(|e| e.project));
            store.set_emergency_docs(number, &docs, project.as_deref(), by)?;
            let req = store.requisition(number)?;
            let missing = req.emergency.map(|e| e.docs.missing().len()).unwrap_or(0);
            say(out, format!("Saved the emergency documentation of {number} ({missing} items still missing)."))
        }
        ReqAction::Set { number, header } => {
            let mut h = store.requisition(number)?.header;
            header.apply(&mut h)?;
            store.update_header(number, &h, by)?;
            say(out, format!("Updated the header of {number}."))
        }
        ReqAction::Add { number, item_id, qty, account } => {
            store.add_item(number, item_id, *qty, account.as_deref(), by)?;
            let req = store.requisition(number)?;
            let line = req.lines.iter().find(|l| l.item_id.as_deref() == Some(item_id)).expect("just added");
            say(
                out,
                format!(
                    "Line {}: {} x {} at {} = {}",
                    line.position,
                    line.quantity,
                    line.description,
                    line.unit_price,
                    line.extended()
                ),
            )
        }
        ReqAction::AddManual { number, description, vendor, price, qty, unit, part, account, taxable } => {
            let line = ManualLine {
                description: description.clone(),
                unit: unit.clone(),
                quantity: *qty,
                unit_price: *price,
                vendor: vendor.clone(),
                supplier_sku: part.clone(),
                manufacturer_part: String::new(),
                account: account.clone(),
                tax_exempt: !taxable,
            };
            store.add_manual_line(number, &line, by)?;
            let req = store.requisition(number)?;
            say(out, format!("Line {}: {} (off contract, from {vendor})", req.lines.len(), description))
        }
        ReqAction::Line { number, line, qty, account, taxable, tax_exempt, price } => {
            let edit = LineEdit {
                quantity: *qty,
                account: account.clone(),
                tax_exempt: if *taxable {
                    Some(false)
                } else if *tax_exempt {
                    Some(true)
                } else {
                    None
                },
                description: None,
                unit_price: *price,
            };
            store.update_line(number, *line, &edit, by)?;
            let req = store.requisition(number)?;
            let l = req.line(*line).expect("edited");
            say(
                out,
                format!(
                    "Line {}: {} x {} at {} = {}",
                    l.position,
                    l.quantity,
                    l.description,
                    l.unit_price,
                    l.extended()
                ),
            )
        }
        ReqAction::RemoveLine { number, line } => {
            store.remove_line(number, *line, by)?;
            say(out, format!("Removed line {line} from {number}."))
        }
        ReqAction::AcceptPrice { number, line } => {
            store.accept_current_price(number, *line, by)?;
            let req = store.requisition(number)?;
            say(out, format!("Line {line} now at {}.", req.line(*line).expect("kept").unit_price))
        }
        ReqAction::Attach { number, file, kind, vendor, amount, date: quoted, note } => {
            let bytes = std::fs::read(file)
                .map_err(|e| Error::io(file.display().to_string(), std::io::Error::other(e.to_string())))?;
            let new = NewAttachment {
                file_name: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                kind: *kind,
                quote: QuoteInfo { vendor: vendor.clone(), amount: *amount, quoted_on: *quoted },
                note: note.clone(),
            };
            let outcome = store.attach(number, &new, &bytes, by)?;
            let a = &outcome.attachment;
            say(out, format!("Attached {} ({} bytes, sha256 {}).", a.file_name, a.size, a.sha256))?;
            if !outcome.also_on.is_empty() {
                say(out, format!("The same file is also attached to {}.", outcome.also_on.join(", ")))?;
            }
            Ok(())
        }
        ReqAction::Ack { number, key, note } => {
            store.acknowledge(number, key, note, by, today())?;
            say(out, format!("Acknowledged '{key}' on {number}."))
        }
        ReqAction::Show { number } => {
            let view = store.review_requisition(number, today())?;
            if json {
                return print_json(out, &view);
            }
            print_view(out, &view).map_err(stdout_error)
        }
        ReqAction::Submit { number } => {
            store.submit(number, by, today())?;
            say(out, format!("Submitted {number} for approval."))
        }
        ReqAction::Approve { number, approver } => {
            store.approve(number, approver, by, today())?;
            let req = store.requisition(number)?;
            say(out, format!("{number} approved by {}.", req.approved_by.unwrap_or_default()))
        }
        ReqAction::Return { number, reason } => {
            store.return_to_draft(number, reason, by)?;
            say(out, format!("{number} is a draft again."))
        }
        ReqAction::Order { number, po } => {
            store.mark_ordered(number, po, by)?;
            say(out, format!("{number} ordered on PO {po}."))
        }
        ReqAction::Receive { number, receipts } => {
            let mut pairs = Vec::new();
            for r in receipts {
                let parsed =
                    r.split_once(':').and_then(|(l, q)| Some((l.trim().parse().ok()?, q.trim().parse().ok()?)));
                pairs.push(parsed.ok_or_else(|| Error::Invalid(format!("'{r}' is not LINE:QTY, such as 2:10.")))?);
            }
            store.receive(number, &pairs, by)?;
            let req = store.requisition(number)?;
            say(out, format!("{number} is now {}.", req.status.label().to_lowercase()))
        }
        ReqAction::Close { number, reason } => {
            store.close(number, reason, by)?;
            say(out, format!("Closed {number}."))
        }
        ReqAction::Cancel { number, reason } => {
            store.cancel(number, reason, by)?;
            say(out, format!("Cancelled {number}."))
        }
        ReqAction::List { filter, csv } => {
            let list = store.requisitions(&filter.filter()?)?;
            if json {
                return print_json(out, &list);
            }
            if *csv {
                return out.write_all(export::list_csv(&list)?.as_bytes()).map_err(stdout_error);
            }
            let rows: Vec<Vec<String>> = list
                .requisitions
                .iter()
                .map(|r| {
                    vec![
                        r.number.clone(),
                        r.status.label().to_owned(),
                        r.department.clone(),
                        r.vendor.clone().unwrap_or_default(),
                        r.date_needed.map(|d| d.to_string()).unwrap_or_default(),
                        r.lines.to_string(),
                        r.total.to_string(),
                    ]
                })
                .collect();
            table::write(
                out,
                &["Requisition", "Status", "Department", "Vendor", "Needed", "Lines", "Total"],
                &rows,
                &[5, 6],
            )
            .map_err(stdout_error)?;
            say(out, format!("{} requisitions, {} (cancelled ones not counted)", list.requisitions.len(), list.total))
        }
        ReqAction::Export { numbers, filter, format, out: file } => {
            let reqs: Vec<Requisition> = if numbers.is_empty() {
                let list = store.requisitions(&filter.filter()?)?;
                list.requisitions.iter().map(|r| store.requisition(&r.number)).collect::<Result<_>>()?
            } else {
                numbers.iter().map(|n| store.requisition(n)).collect::<Result<_>>()?
            };
            let text = if format == "json" {
                serde_json::to_string_pretty(&reqs).expect("requisitions serialise") + "\n"
            } else {
                export::requisition_csv(&reqs)?
            };
            match file {
                Some(path) => {
                    coopdesk_core::paths::write_atomically(path, text.as_bytes())?;
                    say(out, format!("Exported {} requisitions to {}.", reqs.len(), path.display()))
                }
                None => out.write_all(text.as_bytes()).map_err(stdout_error),
            }
        }
        ReqAction::VerifyHistory {} => {
            let report = store.verify_history()?;
            if json {
                print_json(out, &report)?;
            } else if report.problems.is_empty() {
                say(
                    out,
                    format!(
                        "History verified: {} entries over {} requisitions. Head {}.",
                        report.entries, report.requisitions, report.head
                    ),
                )?;
            }
            if report.problems.is_empty() {
                Ok(())
            } else {
                Err(Error::Tampered { problems: report.problems })
            }
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum PurchasingAction {
    /// Show the numbering, account string, thresholds and approvers.
    Show {},
    /// Replace the settings with those in a JSON file (as `show --json` prints).
    Set { file: PathBuf },
    /// Add (or update) an approver and the largest total they may approve.
    AddApprover {
        name: String,
        #[arg(long, default_value = "")]
        title: String,
        /// e.g. 25000.00; no limit when left out.
        #[arg(long, value_parser = crate::values::money)]
        limit: Option<coopdesk_core::Cents>,
    },
    /// Set the name changes are recorded under when no --by is given.
    Operator { name: String },
    /// Set who signs packets: department-head, finance or purchasing.
    Signer {
        #[arg(value_parser = ["department-head", "finance", "purchasing"])]
        role: String,
        name: String,
        #[arg(long, default_value = "")]
        title: String,
    },
}

pub fn purchasing(store: &mut Store, action: &PurchasingAction, json: bool, out: &mut dyn Write) -> Result<()> {
    match action {
        PurchasingAction::Show {} => {
            let s = store.purchasing_settings()?;
            if json {
                return print_json(out, &s);
            }
            let t = &s.thresholds;
            let segments: Vec<String> = s
                .account_segments
                .iter()
                .map(|g| format!("{}{}", g.name, if g.required { "" } else { " (optional)" }))
                .collect();
            let mut text = format!(
                "Numbering: {} (fiscal year starts in month {})\nAccount string: {}\nMicro-purchase: {}; {} quotes above {}; formal bid above {}; board approval above {}; split window {} days\n",
                s.number_pattern,
                s.fiscal_year_start_month,
                segments.join(&s.account_separator),
                t.micro_purchase,
                t.quotes_required,
                t.quotes_above,
                t.formal_bid,
                t.board_approval,
                t.split_window_days
            );
            for a in &s.approvers {
                let limit = a.limit.map(|l| l.to_string()).unwrap_or_else(|| "no limit".into());
                text += &format!("Approver: {} ({}), up to {limit}\n", a.name, a.title);
            }
            out.write_all(text.as_bytes()).map_err(stdout_error)
        }
        PurchasingAction::Set { file } => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| Error::io(file.display().to_string(), std::io::Error::other(e.to_string())))?;
            let settings: PurchasingSettings = serde_json::from_str(&text)
                .map_err(|e| Error::Invalid(format!("{} is not valid purchasing settings: {e}.", file.display())))?;
            store.set_purchasing_settings(&settings)?;
            writeln!(out, "Saved the purchasing settings.").map_err(stdout_error)
        }
        PurchasingAction::AddApprover { name, title, limit } => {
            let mut s = store.purchasing_settings()?;
            s.approvers.retain(|a| !a.name.eq_ignore_ascii_case(name.trim()));
            s.approvers.push(Approver { name: name.trim().to_owned(), title: title.clone(), limit: *limit });
            store.set_purchasing_settings(&s)?;
            writeln!(out, "Saved approver {name}.").map_err(stdout_error)
        }
        PurchasingAction::Signer { role, name, title } => {
            let mut s = store.purchasing_settings()?;
            let signer = Signer { name: name.trim().to_owned(), title: title.trim().to_owned() };
            match role.as_str() {
                "department-head" => s.signatories.department_head = signer,
                "finance" => s.signatories.finance = signer,
                _ => s.signatories.purchasing = signer,
            }
            store.set_purchasing_settings(&s)?;
            writeln!(out, "Saved the {role} signer.").map_err(stdout_error)
        }
        PurchasingAction::Operator { name } => {
            let mut s = store.purchasing_settings()?;
            s.operator = name.trim().to_owned();
            store.set_purchasing_settings(&s)?;
            writeln!(out, "Changes will be recorded as made by {}.", s.operator).map_err(stdout_error)
        }
    }
}
