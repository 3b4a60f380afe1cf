//! Getting requisitions out: CSV that a spreadsheet opens as it is, and JSON.
//! Text from feeds is untrusted, so a cell that a spreadsheet would run as a
//! formula is written as text.

use super::model::Requisition;
use super::read::RequisitionList;
use crate::error::{Error, Result};

/// UTF-8 byte-order mark: without it, Excel reads UTF-8 CSV as ANSI.
const BOM: &str = "\u{feff}";

fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<String> {
    let bytes = writer.into_inner().map_err(|e| Error::io("the CSV export", std::io::Error::other(e.to_string())))?;
    Ok(format!("{BOM}{}", String::from_utf8(bytes).expect("CSV of UTF-8 text is UTF-8")))
}

fn csv_error(e: csv::Error) -> Error {
    Error::io("the CSV export", std::io::Error::other(e.to_string()))
}

/// One row per line, with the requisition's header repeated so that rows of
/// several requisitions can be pasted together.
pub fn requisition_csv(reqs: &[Requisition]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "requisition",
        "status",
        "department",
        "requester",
        "date_needed",
        "vendor",
        "line",
        "quantity",
        "received",
        "unit",
        "description",
        "supplier_part",
        "manufacturer_part",
        "unit_price",
        "extended_price",
        "account",
        "tax_exempt",
        "on_contract",
        "contract_number",
        "cooperative",
        "feed_sequence",
    ])
    .map_err(csv_error)?;
    for req in reqs {
        let vendor = req.vendor.as_ref().map(|v| v.name.as_str()).unwrap_or("");
        for l in &req.lines {
            let ev = l.evidence();
            w.write_record([
                cell(&req.number),
                req.status.as_str().to_owned(),
                cell(&req.header.department),
                cell(&req.header.requester),
                req.header.date_needed.map(|d| d.to_string()).unwrap_or_default(),
                cell(l.vendor().unwrap_or(vendor)),
                l.position.to_string(),
                l.quantity.to_string(),
                l.received.to_string(),
                cell(&l.unit),
                cell(&l.description),
                cell(&l.supplier_sku),
                cell(&l.manufacturer_part),
                l.unit_price.decimal(),
                l.extended().decimal(),
                cell(&l.account),
                if l.tax_exempt { "yes" } else { "no" }.to_owned(),
                if ev.is_some() { "yes" } else { "no" }.to_owned(),
                cell(ev.map(|e| e.contract.number.as_str()).unwrap_or("")),
                cell(ev.map(|e| e.cooperative.name.as_str()).unwrap_or("")),
                ev.map(|e| e.feed_sequence.to_string()).unwrap_or_default(),
            ])
            .map_err(csv_error)?;
        }
    }
    finish(w)
}

/// One row per requisition, as the requisitions list shows them.
pub fn list_csv(list: &RequisitionList) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "requisition",
        "status",
        "department",
        "requester",
        "vendor",
        "date_needed",
        "created",
        "lines",
        "total",
    ])
    .map_err(csv_error)?;
    for r in &list.requisitions {
        w.write_record([
            cell(&r.number),
            r.status.as_str().to_owned(),
            cell(&r.department),
            cell(&r.requester),
            cell(r.vendor.as_deref().unwrap_or("")),
            r.date_needed.map(|d| d.to_string()).unwrap_or_default(),
            r.created_at.date().to_string(),
            r.lines.to_string(),
            r.total.decimal(),
        ])
        .map_err(csv_error)?;
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("Battery"), "Battery");
    }
}
