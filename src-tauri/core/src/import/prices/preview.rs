//! What an import would add and change, per contract: what the clerk sees
//! before importing, and what the import reports after.

use super::columns::{Field, Mapping, MappingSource};
use super::parse::{PriceRow, Refused, SkippedRows};
use crate::money::Cents;
use serde::Serialize;

/// What an import would do to one contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContractChanges {
    pub contract_number: String,
    pub vendor: String,
    /// The local contract's id (existing or to be created).
    pub contract_id: String,
    /// The rows go on a contract already in the catalogue (imported from an
    /// OCDS publication, or an earlier price file).
    pub existing: bool,
    /// What the clerk should know about where the rows go.
    pub note: Option<String>,
    pub added: Vec<PriceRow>,
    /// Rows whose item exists with another price: (row, price now).
    pub changed: Vec<(PriceRow, Cents)>,
    pub unchanged: usize,
}

/// What an import would do, before it does it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Preview {
    pub file: String,
    pub mapping: Mapping,
    /// The header row's cells, for choosing columns.
    pub headers: Vec<String>,
    pub mapping_source: MappingSource,
    /// The supplier whose saved mapping applies (or would be saved).
    pub supplier: Option<String>,
    /// True until the import is done: a preview changes nothing.
    pub dry_run: bool,
    /// Fields no column gives yet, without which nothing can be imported
    /// (a description and a price): the clerk chooses their columns.
    pub missing: Vec<Field>,
    /// One entry per contract the file prices, in the order they appear.
    pub contracts: Vec<ContractChanges>,
    pub refused: Vec<Refused>,
    pub instructions: Vec<usize>,
    /// Rows with something in them but no item (notes, placeholders, items
    /// without a price), one line per kind.
    pub skipped: Vec<SkippedRows>,
    /// Lines whose computed price was rounded to the cent, and what the
    /// clerk is told about them.
    pub rounded: Vec<usize>,
    pub rounded_note: Option<String>,
    /// Said when the file has a header but no price rows under it.
    pub empty_note: Option<String>,
    /// Lines superseded by a later row for the same item (the last counts).
    pub duplicates: Vec<usize>,
}

impl Preview {
    pub fn added(&self) -> usize {
        self.contracts.iter().map(|c| c.added.len()).sum()
    }
    pub fn changed(&self) -> usize {
        self.contracts.iter().map(|c| c.changed.len()).sum()
    }
    pub fn unchanged(&self) -> usize {
        self.contracts.iter().map(|c| c.unchanged).sum()
    }

    pub(super) fn describe_rounding(&self) -> Option<String> {
        let lines = super::parse::line_ranges(&self.rounded);
        match self.rounded.len() {
            0 => None,
            1 => Some(format!(
                "1 price was a computed number with more than two decimals, rounded to the cent (row {lines})"
            )),
            n => Some(format!(
                "{n} prices were computed numbers with more than two decimals, rounded to the cent (rows {lines})"
            )),
        }
    }

    pub(super) fn describe_emptiness(&self) -> Option<String> {
        let rows = self.added() + self.changed() + self.unchanged();
        (self.missing.is_empty() && rows == 0 && self.refused.is_empty())
            .then(|| "There are no price rows under the header: nothing to import.".to_owned())
    }
}
