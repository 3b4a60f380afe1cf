//! The FEMA Public Assistance reimbursement packet for one incident: a
//! summary of every emergency purchase (date, authorisation, requisition,
//! supplier, contract or quote basis, amount, project, documentation complete
//! or missing), then each purchase's own packet (justification, emergency
//! documentation, contract citation or quotes, receipts and invoices), in one
//! file; and the same summary as a CSV ledger.

use super::tally::missing_for;
use super::Incident;
use crate::error::{Error, Result};
use crate::money::Cents;
use crate::orders::{AttachmentKind, Requisition};
use crate::packet::{merge, Packet, Paper};
use crate::store::Store;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerRow {
    pub date: String,
    pub authorization: String,
    pub requisition: String,
    pub status: String,
    pub supplier: String,
    /// "Cooperative contract NUMBER" or "N quotes" or "no quotes".
    pub basis: String,
    pub amount: Cents,
    pub project: String,
    /// Empty when complete.
    pub missing: Vec<String>,
}

fn basis(req: &Requisition) -> String {
    let mut parts: Vec<String> = Vec::new();
    for l in &req.lines {
        if let Some(e) = l.evidence() {
            let c = format!("{} contract {}", e.cooperative.name, e.contract.number);
            if !parts.contains(&c) {
                parts.push(c);
            }
        }
    }
    if req.lines.iter().any(|l| !l.on_contract()) {
        let n = req.quotes().count();
        parts.push(match n {
            0 => "off contract, no quotes".into(),
            1 => "off contract, 1 quote".into(),
            n => format!("off contract, {n} quotes"),
        });
    }
    parts.join("; ")
}

fn row(req: &Requisition) -> LedgerRow {
    let e = req.emergency.as_ref();
    LedgerRow {
        date: req.created_at.date().to_string(),
        authorization: e.map(|e| e.authorization.clone()).unwrap_or_default(),
        requisition: req.number.clone(),
        status: req.status.label().to_owned(),
        supplier: req.vendor.as_ref().map(|v| v.name.clone()).unwrap_or_default(),
        basis: basis(req),
        amount: req.total(),
        project: e.and_then(|e| e.project.clone()).unwrap_or_default(),
        missing: missing_for(req),
    }
}

impl Store {
    pub fn fema_ledger(&self, incident_id: i64) -> Result<Vec<LedgerRow>> {
        Ok(self.incident_requisitions(incident_id)?.iter().map(row).collect())
    }

    /// The reimbursement packet for `incident_id`.
    pub fn fema_packet(&self, incident_id: i64, paper: Paper, generated_at: DateTime<Utc>) -> Result<Packet> {
        let incident = self.incident(incident_id)?;
        let reqs = self.incident_requisitions(incident_id)?;
        let ledger: Vec<LedgerRow> = reqs.iter().map(row).collect();
        let mut packets = Vec::new();
        let mut notes = Vec::new();
        for req in &reqs {
            let p = self.build_packet(&req.number, paper, generated_at)?;
            notes.extend(p.notes.iter().map(|n| format!("{}: {n}", req.number)));
            packets.push(p);
        }
        let agency = self.agency_profile()?.map(|a| a.name).unwrap_or_else(|| "(agency profile not set up)".into());
        let mut data = Summary {
            paper: match paper {
                Paper::Letter => "us-letter",
                Paper::A4 => "a4",
            },
            agency,
            incident: &incident,
            rows: ledger
                .iter()
                .map(|r| SummaryRow {
                    row: r,
                    amount: r.amount.to_string(),
                    documentation: if r.missing.is_empty() {
                        "complete".into()
                    } else {
                        format!("MISSING: {}", r.missing.join("; "))
                    },
                })
                .collect(),
            total: Cents(ledger.iter().map(|r| r.amount.0).sum()).to_string(),
            complete: ledger.iter().filter(|r| r.missing.is_empty()).count(),
            receipts: reqs
                .iter()
                .map(|r| {
                    r.attachments
                        .iter()
                        .filter(|a| matches!(a.kind, AttachmentKind::Receipt | AttachmentKind::Invoice))
                        .count()
                })
                .sum(),
            packet_pages: packets.iter().map(|p| p.pages).sum(),
            packet_hash: String::new(),
            generated: String::new(),
        };
        let mut hasher = Sha256::new();
        hasher.update(serde_json::to_vec(&data).expect("serialises"));
        for p in &packets {
            hasher.update(p.content_hash.as_bytes());
        }
        let content_hash = crate::digest::hex(&hasher.finalize());
        data.packet_hash = content_hash[..12].to_owned();
        data.generated = generated_at.format("%Y-%m-%d %H:%M UTC").to_string();
        let files = vec![("data.json".to_owned(), serde_json::to_vec(&data).expect("serialises"))];
        let (summary, summary_pages) = crate::packet::typeset(
            crate::packet::world::FEMA_SUMMARY,
            files,
            &format!("fema-{}", incident.id),
            generated_at,
        )?;
        let total = summary_pages + data.packet_pages;
        let docs = packets
            .iter()
            .map(|p| merge::load(&p.pdf).map(|(d, _)| d))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::database(format!("a purchase packet could not be read back ({e})")))?;
        let name = incident.name.clone();
        let pdf = if docs.is_empty() {
            summary
        } else {
            merge::append(&summary, docs, merge::Corner::Top, |n| {
                format!("FEMA reimbursement packet - {name} - page {n} of {total}")
            })
            .map_err(|e| Error::database(format!("the purchase packets could not be bound together ({e})")))?
        };
        Ok(Packet { pdf, short_hash: content_hash[..12].to_owned(), content_hash, pages: total, notes })
    }

    /// Records in the incident's history that its reimbursement packet was
    /// saved or printed, with the packet's hash.
    pub fn record_fema_packet(
        &mut self,
        incident_id: i64,
        packet: &Packet,
        how: &str,
        actor: &str,
    ) -> Result<Incident> {
        let detail = serde_json::json!({ "how": how, "content_hash": packet.content_hash, "pages": packet.pages });
        self.record_incident_event(incident_id, "fema_packet_printed", detail, actor)
    }
}

/// The ledger as CSV, spreadsheet-friendly.
pub fn ledger_csv(rows: &[LedgerRow]) -> Result<String> {
    let err = |e: csv::Error| Error::io("the FEMA ledger", std::io::Error::other(e.to_string()));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "date",
        "authorization",
        "requisition",
        "status",
        "supplier",
        "basis",
        "amount",
        "project",
        "documentation",
    ])
    .map_err(err)?;
    for r in rows {
        w.write_record([
            r.date.clone(),
            r.authorization.clone(),
            r.requisition.clone(),
            r.status.clone(),
            r.supplier.clone(),
            r.basis.clone(),
            r.amount.decimal(),
            r.project.clone(),
            if r.missing.is_empty() { "complete".into() } else { format!("missing: {}", r.missing.join("; ")) },
        ])
        .map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::io("the FEMA ledger", std::io::Error::other(e.to_string())))?;
    Ok(format!("\u{feff}{}", String::from_utf8(bytes).expect("UTF-8")))
}

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct Summary<'a> {
    paper: &'static str,
    agency: String,
    incident: &'a Incident,
    rows: Vec<SummaryRow<'a>>,
    total: String,
    complete: usize,
    receipts: usize,
    packet_pages: u32,
    packet_hash: String,
    generated: String,
}

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct SummaryRow<'a> {
    row: &'a LedgerRow,
    amount: String,
    documentation: String,
}
