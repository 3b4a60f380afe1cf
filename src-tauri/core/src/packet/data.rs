//! What a packet prints, as the data the template reads: everything already
//! formatted as text in Rust (money, dates, reasons), so the template only
//! lays it out. Pure: a function of the requisition view, the settings, the
//! agency profile and the attachments' descriptions.

use super::{PacketInput, Paper};
use crate::eligibility::{evaluate, Verdict};
use crate::money::{format_bps, Cents};
use crate::orders::{AttachmentKind, Line};
use crate::policy::Severity;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub(super) struct Data {
    pub paper: &'static str,
    pub generated: String,
    /// A line was ordered from the bundled sample: every page says SAMPLE DATA.
    pub sample: bool,
    pub packet_hash: String,
    pub extra_pages: u32,
    pub logo: Option<String>,
    pub agency: AgencyData,
    pub req: ReqData,
    pub vendor: Option<VendorData>,
    pub lines: Vec<LineData>,
    pub subtotals: Vec<Subtotal>,
    pub total: String,
    pub on_contract_total: String,
    pub off_contract_total: String,
    pub contracts: Vec<ContractData>,
    pub quotes: Vec<QuoteData>,
    pub quotes_required: Option<String>,
    pub justification: Option<JustificationData>,
    pub emergency: Option<EmergencyData>,
    pub findings: Vec<FindingData>,
    pub approvals: Vec<ApprovalData>,
    pub invoices: Vec<InvoiceData>,
    pub attachments: Vec<AttachmentData>,
    pub images: Vec<ImageData>,
}

#[derive(Serialize)]
pub(super) struct AgencyData {
    pub name: String,
    pub address: String,
}

#[derive(Serialize)]
pub(super) struct ReqData {
    pub number: String,
    pub status: &'static str,
    /// Printed across every page of a packet nobody should sign: a draft's,
    /// or a canceled requisition's.
    pub watermark: Option<&'static str>,
    pub issued: String,
    pub date_needed: Option<String>,
    pub fiscal_year: i32,
    pub department: String,
    pub requester: String,
    pub phone: String,
    pub deliver_to: String,
    pub purpose: String,
    pub notes: String,
    pub po_number: Option<String>,
}

#[derive(Serialize)]
pub(super) struct VendorData {
    pub name: String,
    pub lines: Vec<String>,
    pub identifiers: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct LineData {
    pub position: u32,
    pub quantity: u32,
    pub unit: String,
    pub description: String,
    pub parts: String,
    pub unit_price: String,
    pub extended: String,
    pub account: String,
    pub tax_exempt: bool,
}

#[derive(Serialize)]
pub(super) struct Subtotal {
    pub account: String,
    pub amount: String,
}

#[derive(Serialize)]
pub(super) struct ContractData {
    pub number: String,
    pub title: String,
    pub cooperative: String,
    pub lead_agency: Option<String>,
    pub supplier: String,
    pub term_start: String,
    pub term_end: String,
    pub expiry: String,
    pub max_extension: Option<String>,
    pub eligibility: Vec<String>,
    pub feed_id: String,
    pub feed_sequence: i64,
    pub synced_at: String,
    pub contract_version: String,
    pub document_title: String,
    pub document_sha256: Option<String>,
    pub captured_at: String,
    pub savings: Vec<SavingData>,
    pub list_total: String,
    pub contract_total: String,
    pub saving_total: String,
}

#[derive(Serialize)]
pub(super) struct SavingData {
    pub position: u32,
    pub description: String,
    pub quantity: u32,
    pub list: String,
    pub contract: String,
    pub saving: String,
}

#[derive(Serialize)]
pub(super) struct QuoteData {
    pub vendor: String,
    pub amount: String,
    pub date: Option<String>,
    pub lowest: bool,
    pub note: String,
}

#[derive(Serialize)]
pub(super) struct JustificationData {
    pub kind: &'static str,
    pub text: String,
}

#[derive(Serialize)]
pub(super) struct EmergencyData {
    pub incident: String,
    pub authorization: String,
    pub project: String,
    pub docs: Vec<DocData>,
}

#[derive(Serialize)]
pub(super) struct DocData {
    pub label: &'static str,
    pub text: Option<String>,
}

#[derive(Serialize)]
pub(super) struct FindingData {
    pub severity: &'static str,
    pub message: String,
    pub ack: Option<AckData>,
}

#[derive(Serialize)]
pub(super) struct AckData {
    pub by: String,
    pub at: String,
    pub note: String,
}

/// A vendor's invoice and what its check against the order found.
#[derive(Serialize)]
pub(super) struct InvoiceData {
    pub number: String,
    pub date: String,
    pub billed: String,
    pub at_stake: String,
    /// "Approved for payment by …", "Ready to approve", or "Held: …".
    pub status: String,
    pub findings: Vec<InvoiceFindingData>,
}

#[derive(Serialize)]
pub(super) struct InvoiceFindingData {
    pub kind: &'static str,
    pub amount: String,
    pub message: String,
    pub ack: Option<AckData>,
}

fn invoice_data(recorded: &crate::orders::invoices::RecordedInvoice) -> InvoiceData {
    let open = recorded.open_findings().len();
    InvoiceData {
        number: recorded.invoice.number.clone(),
        date: recorded.invoice.date.to_string(),
        billed: recorded.invoice.lines_total().to_string(),
        at_stake: recorded.at_stake().to_string(),
        status: match (&recorded.approved_by, &recorded.approved_at) {
            (Some(by), Some(at)) => format!("Approved for payment by {by} on {}", at.date()),
            _ if open == 0 => "Every finding resolved: ready to approve for payment".to_owned(),
            _ => format!("Held: {open} finding{} not yet resolved", if open == 1 { "" } else { "s" }),
        },
        findings: recorded
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| InvoiceFindingData {
                kind: f.kind.label(),
                amount: f.amount.to_string(),
                message: f.message.clone(),
                ack: recorded.acknowledgements.iter().find(|a| a.finding == i as u32).map(|a| AckData {
                    by: a.by.clone(),
                    at: a.at.date().to_string(),
                    note: a.reason.clone(),
                }),
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub(super) struct ApprovalData {
    pub role: &'static str,
    pub name: String,
    pub title: String,
    /// For an approval signed in coopdesk (an office's): the day, and the
    /// fingerprint of the key that signed.
    pub signed: Option<SignedData>,
    /// For an approval recorded on this computer by someone for the
    /// approver, or the board's: who recorded it and when, in words.
    pub recorded: Option<String>,
}

#[derive(Serialize)]
pub(super) struct SignedData {
    pub on: String,
    pub key: String,
}

#[derive(Serialize)]
pub(super) struct AttachmentData {
    pub file_name: String,
    pub kind: &'static str,
    pub size: String,
    pub sha256: String,
    pub included: String,
}

#[derive(Serialize)]
pub(super) struct ImageData {
    pub file: String,
    pub caption: String,
}

/// How an attachment ends up in the packet.
pub(super) enum Placement {
    Appended { pages: u32 },
    Image { file: String },
    Listed,
    Refused(String),
}

fn day(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or(rfc3339).to_owned()
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

fn kind_label(kind: AttachmentKind) -> &'static str {
    match kind {
        AttachmentKind::Quote => "quote",
        AttachmentKind::PriceList => "price list",
        AttachmentKind::Memo => "memo",
        AttachmentKind::Receipt => "receipt",
        AttachmentKind::Invoice => "invoice",
        AttachmentKind::Other => "other",
    }
}

fn parts(line: &Line) -> String {
    let mut p = Vec::new();
    if !line.supplier_sku.is_empty() {
        p.push(format!("SKU {}", line.supplier_sku));
    }
    if !line.manufacturer_part.is_empty() {
        let maker = line.evidence().and_then(|e| e.item.manufacturer.clone()).unwrap_or_default();
        p.push(format!("{maker} part {}", line.manufacturer_part).trim().to_owned());
    }
    match line.evidence() {
        Some(e) => p.push(format!("{} contract {}", e.cooperative.name, e.contract.number)),
        None => p.push(format!("off contract, quoted by {}", line.vendor().unwrap_or("—"))),
    }
    p.join(" · ")
}

pub(super) fn build(input: &PacketInput, placements: &[Placement], paper: Paper) -> Data {
    let view = input.view;
    let req = &view.requisition;
    let h = &req.header;
    let agency = match input.agency {
        Some(a) => AgencyData {
            name: a.name.clone(),
            address: [
                a.address.street.as_str(),
                a.address.city.as_str(),
                &format!("{} {}", a.address.state, a.address.zip),
            ]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        },
        None => AgencyData { name: "(agency profile not set up)".into(), address: String::new() },
    };

    let mut subtotals: BTreeMap<&str, i64> = BTreeMap::new();
    for l in &req.lines {
        *subtotals.entry(l.account.as_str()).or_default() += l.extended().0;
    }

    // One citation per contract, in the order of the lines.
    let mut contracts: Vec<ContractData> = Vec::new();
    for line in &req.lines {
        let Some(ev) = line.evidence() else { continue };
        let list = Cents(ev.item.list_price.0 * line.quantity as i64);
        let saving = SavingData {
            position: line.position,
            description: line.description.clone(),
            quantity: line.quantity,
            list: list.to_string(),
            contract: line.extended().to_string(),
            saving: match Cents::saving_bps(list, line.extended()) {
                Some(bps) => format!("{} ({})", Cents(list.0 - line.extended().0), format_bps(bps)),
                None => "—".into(),
            },
        };
        if let Some(c) =
            contracts.iter_mut().find(|c| c.number == ev.contract.number && c.cooperative == ev.cooperative.name)
        {
            c.savings.push(saving);
            continue;
        }
        let check = evaluate(&ev.contract.id, &ev.contract.eligibility, &ev.cooperative, input.agency, input.today);
        let mut eligibility = Vec::new();
        if let Some(a) = input.agency {
            eligibility.push(format!("{}: a {} in {}", a.name, a.entity_type.label().to_lowercase(), a.address.state));
        }
        let cited_membership = check.basis.iter().any(|b| b.starts_with("membership agreement"));
        match check.verdict {
            Verdict::Eligible => eligibility.extend(check.basis),
            Verdict::NotEligible => {
                eligibility.extend(check.reasons.into_iter().map(|r| format!("NOT ELIGIBLE: {r}")));
            }
            Verdict::EligibleOnceFiled => {
                eligibility.push(format!("NOT YET ELIGIBLE: eligible {}", check.summary()));
                eligibility.extend(check.basis);
            }
            Verdict::Unknown => eligibility.extend(check.reasons),
        }
        // A membership on file is evidence even where the contract does not require one.
        if let Some(m) = input
            .agency
            .and_then(|a| a.memberships.iter().find(|m| m.cooperative_id == ev.cooperative.id))
            .filter(|_| !cited_membership)
        {
            eligibility
                .push(format!("membership agreement with {} signed {} on file", ev.cooperative.name, m.signed_on));
        }
        if let Some(a) = input.agency {
            for ad in a.addenda.iter().filter(|ad| ad.contract_id == ev.contract.id) {
                let text = format!("participating addendum for {} signed {}", ad.state, ad.signed_on);
                if !eligibility.contains(&text) {
                    eligibility.push(format!("{text} on file"));
                }
            }
        }
        let days = (ev.contract.term_end - input.today).num_days();
        let document = ev
            .contract
            .documents
            .iter()
            .find(|d| Some(&d.sha256) == ev.document_sha256.as_ref())
            .map(|d| d.title.clone())
            .unwrap_or_else(|| "none recorded by the feed".into());
        contracts.push(ContractData {
            number: ev.contract.number.clone(),
            title: ev.contract.title.clone(),
            cooperative: ev.cooperative.name.clone(),
            lead_agency: ev.contract.lead_agency.clone().or(ev.cooperative.lead_agency.clone()),
            supplier: ev.supplier_name.clone(),
            term_start: ev.contract.term_start.to_string(),
            term_end: ev.contract.term_end.to_string(),
            expiry: if days < 0 {
                format!("{} (expired {} days before this packet)", ev.contract.term_end, -days)
            } else {
                format!("{} ({days} days after this packet)", ev.contract.term_end)
            },
            max_extension: ev.contract.max_extension_end.map(|d| d.to_string()),
            eligibility,
            feed_id: ev.feed_id.clone(),
            feed_sequence: ev.feed_sequence,
            synced_at: day(&ev.feed_applied_at),
            contract_version: ev.contract_version.clone(),
            document_title: document,
            document_sha256: ev.document_sha256.clone(),
            captured_at: ev.captured_at.to_string(),
            savings: vec![saving],
            list_total: String::new(),
            contract_total: String::new(),
            saving_total: String::new(),
        });
    }
    for c in &mut contracts {
        let lines: Vec<&Line> =
            req.lines.iter().filter(|l| l.evidence().is_some_and(|e| e.contract.number == c.number)).collect();
        let list: i64 = lines.iter().map(|l| l.evidence().map_or(0, |e| e.item.list_price.0) * l.quantity as i64).sum();
        let paid: i64 = lines.iter().map(|l| l.extended().0).sum();
        c.list_total = Cents(list).to_string();
        c.contract_total = Cents(paid).to_string();
        c.saving_total = match Cents::saving_bps(Cents(list), Cents(paid)) {
            Some(bps) => format!("{} ({})", Cents(list - paid), format_bps(bps)),
            None => "—".into(),
        };
    }

    let vendor_names: Vec<String> = req
        .vendor
        .iter()
        .map(|v| v.name.to_lowercase())
        .chain(req.lines.iter().filter_map(|l| l.vendor().map(|v| v.to_lowercase())))
        .collect();
    let lowest = req.quotes().filter_map(|q| q.quote.amount).min();
    let quotes = req
        .quotes()
        .map(|q| {
            let vendor = q.quote.vendor.clone().unwrap_or_else(|| q.file_name.clone());
            let is_lowest = q.quote.amount.is_some() && q.quote.amount == lowest;
            let chosen = vendor_names.contains(&vendor.to_lowercase());
            let note = match (chosen, is_lowest, q.note.trim()) {
                (true, true, n) => format!("chosen {n}").trim().to_owned(),
                (true, false, "") => "chosen, not the lowest: no reason recorded".into(),
                (true, false, n) => format!("chosen, not the lowest: {n}"),
                (false, _, n) => n.to_owned(),
            };
            QuoteData {
                vendor,
                amount: q.quote.amount.map(|a| a.to_string()).unwrap_or_else(|| "—".into()),
                date: q.quote.quoted_on.map(|d| d.to_string()),
                lowest: is_lowest,
                note,
            }
        })
        .collect();
    let t = &input.settings.thresholds;
    let quotes_above = t.in_force().quotes_above;
    let quotes_required = (view.off_contract_total > quotes_above.amount).then(|| {
        format!(
            "Off-contract lines total {}, over the written-quotes threshold of {} ({}): the policy asks for {} written quotes; {} attached.",
            view.off_contract_total,
            quotes_above.amount,
            quotes_above.basis,
            t.quotes_required,
            req.quotes().count()
        )
    });

    let findings = view
        .findings
        .iter()
        .map(|f| FindingData {
            severity: match f.severity {
                Severity::Error => "Error",
                Severity::Warning => "Warning",
                Severity::Gap => "Missing",
                Severity::Info => "Note",
            },
            message: f.message.clone(),
            ack: f.acknowledged.as_ref().map(|a| AckData {
                by: a.by.clone(),
                at: a.at.date().to_string(),
                note: a.note.clone(),
            }),
        })
        .collect();

    let s = &input.settings.signatories;
    // An approval signed in coopdesk since the requisition was last
    // submitted fills its block (the department head's, or finance's second
    // approval) with who signed, when and with which key, beside the line
    // for a wet signature.
    let since_submitted =
        view.history.iter().rposition(|e| e.action == "submitted").map_or(&view.history[..], |i| &view.history[i..]);
    let text = |e: &crate::orders::HistoryEntry, key: &str| {
        e.detail.get(key).and_then(|t| t.as_str()).unwrap_or_default().to_owned()
    };
    let block = |role: &'static str, action: &str, unsigned: &crate::orders::settings::Signer| {
        let entry = since_submitted
            .iter()
            .rev()
            .find(|e| e.action == action || (action == "approved" && e.action == "board_approved"));
        let Some(e) = entry else {
            return ApprovalData {
                role,
                name: unsigned.name.clone(),
                title: unsigned.title.clone(),
                signed: None,
                recorded: None,
            };
        };
        let on = e.at.date().to_string();
        if let Some(key) = e.detail.get("signed_in_coopdesk").and_then(|k| k.as_str()) {
            return ApprovalData {
                role,
                name: e.actor.clone(),
                title: text(e, "title"),
                signed: Some(SignedData { on, key: key.to_owned() }),
                recorded: None,
            };
        }
        if e.action == "board_approved" {
            return ApprovalData {
                role: "Governing board",
                name: "Governing board".into(),
                title: format!("meeting of {}, agenda item {}", text(e, "meeting"), text(e, "agenda_item")),
                signed: None,
                recorded: Some(format!("Board approval recorded by {} on {on}", e.actor)),
            };
        }
        let approver = text(e, "approver");
        let name = if approver.is_empty() { e.actor.clone() } else { approver };
        ApprovalData {
            role,
            recorded: Some(format!("Approval of {name}, recorded by {} on {on}", e.actor)),
            name,
            title: text(e, "title"),
            signed: None,
        }
    };
    // Not yet approved: the department head's line is for whoever may
    // approve this requisition (an incident's approver for an emergency
    // purchase), the settings' department head when they are among them.
    let head = match view.approvers.iter().find(|a| a.name.eq_ignore_ascii_case(&s.department_head.name)) {
        Some(_) => s.department_head.clone(),
        None => view.approvers.first().map_or_else(
            || s.department_head.clone(),
            |a| crate::orders::settings::Signer { name: a.name.clone(), title: a.title.clone() },
        ),
    };
    let approvals = vec![
        ApprovalData {
            role: "Requisitioner",
            name: h.requester.clone(),
            title: h.department.clone(),
            signed: None,
            recorded: None,
        },
        block("Department head", "approved", &head),
        block("Budget / finance", "finance_approved", &s.finance),
        ApprovalData {
            role: "Purchasing",
            name: s.purchasing.name.clone(),
            title: s.purchasing.title.clone(),
            signed: None,
            recorded: None,
        },
    ];

    let mut images = Vec::new();
    let attachments = req
        .attachments
        .iter()
        .zip(placements)
        .map(|(a, p)| AttachmentData {
            file_name: a.file_name.clone(),
            kind: kind_label(a.kind),
            size: size(a.size),
            sha256: a.sha256.clone(),
            included: match p {
                Placement::Appended { pages } => {
                    format!("appended at the end ({pages} page{})", if *pages == 1 { "" } else { "s" })
                }
                Placement::Image { file } => {
                    images.push(ImageData { file: file.clone(), caption: a.file_name.clone() });
                    "placed on its own page".into()
                }
                Placement::Listed => "listed only: not a PDF or an image".into(),
                Placement::Refused(why) => format!("NOT INCLUDED: {why}"),
            },
        })
        .collect();

    let vendor = req.vendor.as_ref().map(|v| {
        let a = &v.address;
        let mut lines = Vec::new();
        if !a.street.is_empty() {
            lines.push(a.street.clone());
        }
        let city = format!("{} {} {}", a.city, a.state, a.zip).trim().to_owned();
        if !city.is_empty() {
            lines.push(city);
        }
        lines.extend(v.phone.iter().map(|p| format!("Phone {p}")));
        lines.extend(v.email.clone());
        VendorData {
            name: v.name.clone(),
            lines,
            identifiers: v.identifiers.iter().map(|i| format!("{}: {}", i.scheme, i.value)).collect(),
        }
    });

    Data {
        paper: match paper {
            Paper::Letter => "us-letter",
            Paper::A4 => "a4",
        },
        generated: String::new(),
        sample: req.lines.iter().any(Line::from_sample),
        packet_hash: String::new(),
        extra_pages: placements.iter().map(|p| if let Placement::Appended { pages } = p { *pages } else { 0 }).sum(),
        logo: None,
        agency,
        req: ReqData {
            number: req.number.clone(),
            status: req.status.label(),
            watermark: match req.status {
                crate::orders::Status::Draft => Some("DRAFT"),
                crate::orders::Status::Cancelled => Some("CANCELED"),
                _ => None,
            },
            issued: req.created_at.date().to_string(),
            date_needed: h.date_needed.map(|d| d.to_string()),
            fiscal_year: req.fiscal_year,
            department: h.department.clone(),
            requester: h.requester.clone(),
            phone: h.requester_phone.clone(),
            deliver_to: h.deliver_to.clone(),
            purpose: h.purpose.clone(),
            notes: h.notes.clone(),
            po_number: req.po_number.clone(),
        },
        vendor,
        lines: req
            .lines
            .iter()
            .map(|l| LineData {
                position: l.position,
                quantity: l.quantity,
                unit: l.unit.clone(),
                description: l.description.clone(),
                parts: parts(l),
                unit_price: l.unit_price.to_string(),
                extended: l.extended().to_string(),
                account: l.account.clone(),
                tax_exempt: l.tax_exempt,
            })
            .collect(),
        subtotals: subtotals
            .into_iter()
            .map(|(account, amount)| Subtotal {
                account: if account.is_empty() { "(no account)".into() } else { account.to_owned() },
                amount: Cents(amount).to_string(),
            })
            .collect(),
        total: view.total.to_string(),
        on_contract_total: Cents(view.total.0 - view.off_contract_total.0).to_string(),
        off_contract_total: view.off_contract_total.to_string(),
        contracts,
        quotes,
        quotes_required,
        justification: h
            .justification
            .as_ref()
            .map(|j| JustificationData { kind: j.kind.label(), text: j.text.clone() }),
        emergency: req.emergency.as_ref().map(|e| EmergencyData {
            incident: e.incident_name.clone(),
            authorization: e.authorization.clone(),
            project: e.project.clone().unwrap_or_else(|| "not yet assigned".into()),
            docs: crate::orders::EmergencyDocs::FIELDS
                .iter()
                .map(|(field, asks)| DocData {
                    label: asks,
                    text: Some(e.docs.get(field).to_owned()).filter(|t| !t.trim().is_empty()),
                })
                .collect(),
        }),
        findings,
        approvals,
        invoices: view.invoices.iter().map(invoice_data).collect(),
        attachments,
        images,
    }
}
