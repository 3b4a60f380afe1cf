//! A requisition as text for people: header, lines, findings, history.

use crate::table;
use coopdesk_core::orders::*;
use coopdesk_core::policy::Severity;
use std::io::Write;

pub(super) fn print_view(out: &mut dyn Write, v: &RequisitionView) -> std::io::Result<()> {
    let r = &v.requisition;
    let h = &r.header;
    writeln!(out, "Requisition {} ({}), fiscal year {}", r.number, r.status.label(), r.fiscal_year)?;
    if let Some(e) = &r.emergency {
        writeln!(
            out,
            "EMERGENCY purchase under {}: authorization {}; FEMA project {}",
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
    if let Some(a) = &v.approval {
        writeln!(out, "{a}")?;
    } else if let Some(a) = &r.approved_by {
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
                l.evidence().map(|e| e.contract.number.clone()).unwrap_or_else(|| "off contract".into()),
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
        writeln!(out, "  {}  {:<22} {}", e.at, e.action.replace('_', " "), e.actor)?;
        if !e.summary.is_empty() {
            writeln!(out, "      {}", e.summary)?;
        }
    }
    Ok(())
}
