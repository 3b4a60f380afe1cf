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

use crate::error::{Error, Result};
use crate::store::Store;
use chrono::Utc;
use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};

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
pub(crate) fn log_import(
    tx: &Transaction,
    kind: &str,
    source: &str,
    sha256: &str,
    summary: &impl Serialize,
) -> Result<()> {
    tx.execute(
        "INSERT INTO imports (kind, source, sha256, imported_at, summary) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            kind,
            source,
            sha256,
            Utc::now().to_rfc3339(),
            serde_json::to_string(summary).map_err(Error::internal)?
        ],
    )?;
    Ok(())
}

/// An import as the clerk asks for it, from the app or the command line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct ImportRequest {
    /// A file path or an https address.
    pub location: String,
    /// What it holds; without it, told from the name or the first bytes.
    pub kind: Option<source::Kind>,
    /// For price files: contract, cooperative, supplier and columns.
    pub prices: prices::PriceOptions,
    /// Say what would happen, and change nothing.
    pub dry_run: bool,
    /// How reports and imported records name the source (default: the
    /// location as given).
    pub name: Option<String>,
}

/// What an import did (or, with `dry_run`, would do).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportOutcome {
    Ocds(ocds::OcdsSummary),
    Prices(prices::Preview),
}

/// The last part of a path or address, for a price file's reports.
fn file_name(location: &str) -> String {
    let trimmed = location.trim().trim_end_matches('/');
    let path = trimmed.split(['?', '#']).next().unwrap_or(trimmed);
    path.rsplit(['/', '\\']).next().filter(|n| !n.is_empty()).unwrap_or(trimmed).to_owned()
}

impl Store {
    /// Imports a file or address of either kind, all or nothing.
    pub fn import(&mut self, request: &ImportRequest, progress: impl FnMut(ocds::Progress)) -> Result<ImportOutcome> {
        let mut opened = source::open(&request.location)?;
        if let Some(name) = request.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            opened.name = name.to_owned();
        }
        let kind = match request.kind {
            Some(k) => k,
            None => opened.kind()?,
        };
        match kind {
            source::Kind::Ocds => {
                // Price-file settings left filled in from an earlier file do
                // not matter when the file turns out to be OCDS; asked for
                // OCDS by name, they are a mistake worth saying.
                let price_settings = request.prices.contract.is_some() || !request.prices.columns.is_empty();
                if request.kind == Some(source::Kind::Ocds) && price_settings {
                    return Err(crate::error::Error::Invalid(
                        "A contract number and chosen columns are for price files; an OCDS publication names its own contracts.".into(),
                    ));
                }
                let name = opened.name.clone();
                let file = std::io::BufReader::new(opened.file);
                Ok(ImportOutcome::Ocds(self.import_ocds(&name, file, request.dry_run, progress)?))
            }
            source::Kind::Prices => {
                let bytes = opened.bytes()?;
                let name = file_name(&opened.name);
                let preview = if request.dry_run {
                    self.preview_price_file(&name, &bytes, &request.prices)?
                } else {
                    self.import_price_file(&name, &bytes, &request.prices)?
                };
                Ok(ImportOutcome::Prices(preview))
            }
        }
    }
}

/// One import in the log.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportRecord {
    pub id: i64,
    pub kind: String,
    pub source: String,
    pub sha256: String,
    pub imported_at: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub summary: serde_json::Value,
}

impl Store {
    /// Every import, newest first.
    pub fn imports(&self) -> Result<Vec<ImportRecord>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, kind, source, sha256, imported_at, summary FROM imports ORDER BY id DESC")?;
        let rows = stmt.query_map([], |r| {
            let summary: String = r.get(5)?;
            Ok(ImportRecord {
                id: r.get(0)?,
                kind: r.get(1)?,
                source: r.get(2)?,
                sha256: r.get(3)?,
                imported_at: r.get(4)?,
                summary: serde_json::from_str(&summary).unwrap_or(serde_json::Value::Null),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The contracts imported from one OCDS contracting process.
    pub fn contracts_with_ocid(&self, ocid: &str) -> Result<Vec<crate::model::Contract>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {} FROM contracts WHERE json_extract(origin, '$.ocid') = ?1 ORDER BY id",
            crate::store::CONTRACT_COLUMNS
        ))?;
        let rows = stmt.query_map([ocid], crate::store::contract_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
