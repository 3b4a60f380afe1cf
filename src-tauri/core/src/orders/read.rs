//! Reading requisitions back out of the database, whole, and listing them.
//! Functions take a connection so that a change and the history entry that
//! records it can read the state inside the same transaction.

use super::model::*;
use crate::error::{Error, Result};
use crate::money::Cents;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

fn parse_col<T: std::str::FromStr>(r: &Row, i: usize) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    let text: String = r.get(i)?;
    text.parse::<T>()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.to_string().into()))
}

fn json_opt<T: serde::de::DeserializeOwned>(r: &Row, i: usize) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = r.get(i)?;
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}

fn date_opt(r: &Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let text: Option<String> = r.get(i)?;
    text.map(|t| t.parse::<NaiveDate>())
        .transpose()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}

const COLUMNS: &str =
    "id, number, status, fiscal_year, department, requester, requester_phone, deliver_to, date_needed,
    supplier_id, vendor, purpose, notes, po_number, approved_by, created_at, updated_at, submitted_at, approved_at,
    ordered_at, closed_at, justification, emergency";

fn header_row(r: &Row) -> rusqlite::Result<Requisition> {
    Ok(Requisition {
        id: r.get(0)?,
        number: r.get(1)?,
        status: parse_col(r, 2)?,
        fiscal_year: r.get(3)?,
        header: Header {
            department: r.get(4)?,
            requester: r.get(5)?,
            requester_phone: r.get(6)?,
            deliver_to: r.get(7)?,
            date_needed: date_opt(r, 8)?,
            purpose: r.get(11)?,
            notes: r.get(12)?,
            justification: json_opt(r, 21)?,
        },
        supplier_id: r.get(9)?,
        vendor: json_opt(r, 10)?,
        po_number: r.get(13)?,
        approved_by: r.get(14)?,
        created_at: r.get(15)?,
        updated_at: r.get(16)?,
        submitted_at: r.get(17)?,
        approved_at: r.get(18)?,
        ordered_at: r.get(19)?,
        closed_at: r.get(20)?,
        lines: vec![],
        attachments: vec![],
        acknowledgements: vec![],
        emergency: json_opt(r, 22)?,
    })
}

/// The requisition numbered `number`, whole.
pub(crate) fn by_number(conn: &Connection, number: &str) -> Result<Requisition> {
    let id: Option<i64> =
        conn.query_row("SELECT id FROM requisitions WHERE number = ?1", [number.trim()], |r| r.get(0)).optional()?;
    let id = id.ok_or_else(|| Error::not_found("requisition", number))?;
    by_id(conn, id)
}

pub(crate) fn by_id(conn: &Connection, id: i64) -> Result<Requisition> {
    let mut req = conn.query_row(&format!("SELECT {COLUMNS} FROM requisitions WHERE id = ?1"), [id], header_row)?;
    let mut stmt = conn.prepare_cached(
        "SELECT position, item_id, quantity, received, unit, description, supplier_sku, manufacturer_part, unit_cents,
                account, tax_exempt, vendor, evidence
         FROM requisition_lines WHERE requisition_id = ?1 ORDER BY position",
    )?;
    req.lines = stmt
        .query_map([id], |r| {
            let wire = LineWire {
                position: r.get(0)?,
                item_id: r.get(1)?,
                quantity: r.get(2)?,
                received: r.get(3)?,
                unit: r.get(4)?,
                description: r.get(5)?,
                supplier_sku: r.get(6)?,
                manufacturer_part: r.get(7)?,
                unit_price: Cents(r.get(8)?),
                account: r.get(9)?,
                tax_exempt: r.get(10)?,
                vendor: r.get(11)?,
                evidence: json_opt(r, 12)?,
            };
            Line::try_from(wire)
                .map_err(|why| rusqlite::Error::FromSqlConversionFailure(12, rusqlite::types::Type::Text, why.into()))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.sha256, b.size, a.file_name, a.media_type, a.kind, a.vendor, a.amount_cents, a.quoted_on,
                a.note, a.added_at
         FROM requisition_attachments a JOIN attachment_blobs b ON b.sha256 = a.sha256
         WHERE a.requisition_id = ?1 ORDER BY a.id",
    )?;
    req.attachments = stmt
        .query_map([id], |r| {
            let amount: Option<i64> = r.get(7)?;
            Ok(Attachment {
                id: r.get(0)?,
                sha256: r.get(1)?,
                size: r.get::<_, i64>(2)? as u64,
                file_name: r.get(3)?,
                media_type: r.get(4)?,
                kind: parse_col(r, 5)?,
                quote: QuoteInfo { vendor: r.get(6)?, amount: amount.map(Cents), quoted_on: date_opt(r, 8)? },
                note: r.get(9)?,
                added_at: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT finding_key, message, by, note, at FROM requisition_acks WHERE requisition_id = ?1 ORDER BY at, finding_key",
    )?;
    req.acknowledgements = stmt
        .query_map([id], |r| {
            Ok(Acknowledgement {
                finding_key: r.get(0)?,
                message: r.get(1)?,
                by: r.get(2)?,
                note: r.get(3)?,
                at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(req)
}

/// What the requisitions list can be narrowed by.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct ListFilter {
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub department: Option<String>,
    /// Matches the supplier's id or a part of the vendor's name.
    #[serde(default)]
    pub supplier: Option<String>,
    /// Created on or after.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Created on or before.
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequisitionSummary {
    pub number: String,
    pub status: Status,
    pub department: String,
    pub requester: String,
    pub vendor: Option<String>,
    pub supplier_id: Option<String>,
    pub date_needed: Option<NaiveDate>,
    pub created_at: crate::clock::Timestamp,
    /// When it last changed: after a restart the window goes back to the
    /// draft changed last.
    pub updated_at: crate::clock::Timestamp,
    pub lines: u32,
    pub total: Cents,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequisitionList {
    pub requisitions: Vec<RequisitionSummary>,
    /// Sum over the listed requisitions, cancelled ones left out.
    pub total: Cents,
}

pub(crate) fn list(conn: &Connection, filter: &ListFilter) -> Result<RequisitionList> {
    let mut stmt = conn.prepare(
        "SELECT r.number, r.status, r.department, r.requester, json_extract(r.vendor, '$.name'), r.supplier_id,
                r.date_needed, r.created_at, count(l.id), ifnull(sum(l.quantity * l.unit_cents), 0), r.updated_at
         FROM requisitions r LEFT JOIN requisition_lines l ON l.requisition_id = r.id
         WHERE (?1 IS NULL OR r.status = ?1)
           AND (?2 IS NULL OR lower(r.department) = lower(?2))
           AND (?3 IS NULL OR r.supplier_id = ?3 OR instr(lower(json_extract(r.vendor, '$.name')), lower(?3)) > 0)
           AND (?4 IS NULL OR substr(r.created_at, 1, 10) >= ?4)
           AND (?5 IS NULL OR substr(r.created_at, 1, 10) <= ?5)
         GROUP BY r.id ORDER BY r.created_at DESC, r.id DESC",
    )?;
    let rows = stmt
        .query_map(
            params![
                filter.status.map(|s| s.as_str()),
                filter.department.as_deref().map(str::trim).filter(|d| !d.is_empty()),
                filter.supplier.as_deref().map(str::trim).filter(|d| !d.is_empty()),
                filter.from.map(|d| d.to_string()),
                filter.to.map(|d| d.to_string()),
            ],
            |r| {
                Ok(RequisitionSummary {
                    number: r.get(0)?,
                    status: parse_col(r, 1)?,
                    department: r.get(2)?,
                    requester: r.get(3)?,
                    vendor: r.get(4)?,
                    supplier_id: r.get(5)?,
                    date_needed: date_opt(r, 6)?,
                    created_at: r.get(7)?,
                    updated_at: r.get(10)?,
                    lines: r.get(8)?,
                    total: Cents(r.get(9)?),
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = Cents(rows.iter().filter(|r| r.status != Status::Cancelled).map(|r| r.total.0).sum());
    Ok(RequisitionList { requisitions: rows, total })
}
