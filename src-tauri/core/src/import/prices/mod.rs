//! Vendor price files: a CSV or XLSX price list, its header row found and
//! its columns mapped from the names vendors use (SKU, manufacturer part
//! number, description, unit of issue, list price, contract price, discount,
//! commodity code, contract number, dates), every row parsed or refused with
//! a reason, a preview of what an import would add and change, and the
//! import itself into a local contract, in one transaction.
//!
//! - `columns`: which column holds what (detection, saved and chosen columns).
//! - `parse`: every row parsed or refused.
//! - `preview`: what an import would do, per contract.
//! - `write`: the import in one transaction, the saved mapping, the log.

mod columns;
mod parse;
mod preview;
mod records;
mod write;

pub use columns::{detect, Field, Mapping, MappingSource};
pub use parse::{parse, Parsed, PriceRow, Refused, SkippedRows};
pub use preview::{ContractChanges, Preview};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the clerk decided about a price file before importing it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct PriceOptions {
    /// Put every row on this contract number, whatever the file says.
    pub contract: Option<String>,
    /// The cooperative or schedule the contracts belong to.
    pub cooperative: Option<String>,
    /// The supplier the file comes from: its saved column mapping applies,
    /// and `save_mapping` saves under it. Without it, the vendor named in
    /// the file is used.
    pub supplier: Option<String>,
    /// Columns chosen by the clerk, by header text, column letter (C) or
    /// number (3); an empty text leaves the field unmapped.
    pub columns: BTreeMap<Field, String>,
    /// Remember the resulting mapping for this supplier's next file.
    pub save_mapping: bool,
}
