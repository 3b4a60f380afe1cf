//! Bringing contract data in from outside the feeds. Imported records are
//! local: they belong to the `local` feed, which no sync ever replaces.
//!
//! - [`table`]: reading CSV and XLSX files into rows of text.
//! - [`prices`]: vendor price files: header detection, column mapping,
//!   parsing with reasons for every row refused, preview and import.
//! - [`ocds`]: OCDS publications: reading, merging and mapping.
//! - [`source`]: fetching a file or an https address, and telling the two
//!   kinds apart.

pub mod ocds;
pub mod prices;
pub mod source;
pub mod table;

use crate::error::Result;
use chrono::Utc;
use rusqlite::{params, Transaction};
use serde::Serialize;

/// The feed that owns what a clerk imports.
pub const LOCAL_FEED: &str = "local";

/// Lower-case letters and digits joined by single dashes, at most 48 long.
pub(crate) fn slug(text: &str) -> String {
    let s: String = text.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-").chars().take(48).collect()
}

/// The `local` feed row every imported record points at.
pub(crate) fn ensure_local_feed(tx: &Transaction) -> Result<()> {
    tx.execute(
        "INSERT INTO feeds (id, name, sequence, generated_at, applied_at) VALUES (?1, 'Imported locally', 0, ?2, ?2)
         ON CONFLICT(id) DO UPDATE SET applied_at = excluded.applied_at",
        params![LOCAL_FEED, Utc::now().to_rfc3339()],
    )?;
    Ok(())
}

/// Records an import and its summary in the import log.
pub(crate) fn log_import(tx: &Transaction, kind: &str, source: &str, sha256: &str, summary: &impl Serialize) -> Result<()> {
    tx.execute(
        "INSERT INTO imports (kind, source, sha256, imported_at, summary) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind, source, sha256, Utc::now().to_rfc3339(), serde_json::to_string(summary)?],
    )?;
    Ok(())
}
