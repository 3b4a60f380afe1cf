//! Catalogue search: turns what the clerk types into an FTS5 query, ranks
//! matches with bm25 (part numbers and descriptions weigh most), and returns
//! one page of items with the prices a clerk compares.
//!
//! Typed text is never passed to FTS5 as syntax: every word is quoted, so
//! quotes, `AND`, `*` or a stray parenthesis in the box cannot break a query.

use crate::error::Result;
use crate::money::Cents;
use crate::store::Store;
use serde::{Deserialize, Serialize};

pub const MAX_PAGE: u32 = 200;
/// Longer input is cut here: nobody types more, and it bounds the query.
const MAX_QUERY_CHARS: usize = 200;
const MAX_TERMS: usize = 12;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub text: String,
    #[serde(default = "default_limit")]
    pub limit: u32,
    #[serde(default)]
    pub offset: u32,
}

fn default_limit() -> u32 {
    50
}

impl SearchQuery {
    pub fn text(text: impl Into<String>) -> SearchQuery {
        SearchQuery { text: text.into(), limit: default_limit(), offset: 0 }
    }
}

/// One catalogue item as the result list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    pub item_id: String,
    pub description: String,
    pub supplier_sku: String,
    pub manufacturer_part: Option<String>,
    pub supplier: String,
    pub cooperative: String,
    pub contract_id: String,
    pub contract_number: String,
    pub unit: String,
    pub list_price: Cents,
    pub contract_price: Cents,
    /// Saving of contract against list price in basis points (3125 = 31.25%).
    pub saving_bps: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchPage {
    pub text: String,
    pub total: u64,
    pub offset: u32,
    pub hits: Vec<SearchHit>,
}

/// Builds the FTS5 MATCH expression for typed text, or `None` when the text
/// has nothing searchable in it. Every term is a prefix, since the clerk is
/// usually still typing. A term with punctuation ("APC-BR1500") matches
/// either as the phrase of its parts or as one run in the compact part-number
/// column ("apcbr1500"), so part numbers are found with or without dashes.
pub fn fts_expression(text: &str) -> Option<String> {
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let terms: Vec<String> = text
        .split_whitespace()
        .filter_map(|raw| {
            let parts: Vec<String> =
                raw.split(|c: char| !c.is_alphanumeric()).filter(|p| !p.is_empty()).map(|p| p.to_lowercase()).collect();
            match parts.len() {
                0 => None,
                1 => Some(format!("\"{}\"*", parts[0])),
                _ => Some(format!("(\"{}\"* OR parts_compact : \"{}\"*)", parts.join(" "), parts.concat())),
            }
        })
        .take(MAX_TERMS)
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" AND "))
    }
}

const HIT_COLUMNS: &str = "i.id, i.description, i.supplier_sku, i.manufacturer_part,
    ifnull(s.legal_name, ''), ifnull(co.name, ''), i.contract_id, ifnull(c.number, ''), i.unit,
    i.list_cents, i.contract_cents";
const HIT_JOINS: &str = "LEFT JOIN contracts c ON c.id = i.contract_id
    LEFT JOIN suppliers s ON s.id = c.supplier_id
    LEFT JOIN cooperatives co ON co.id = c.cooperative_id";

fn hit_from_row(r: &rusqlite::Row) -> rusqlite::Result<SearchHit> {
    let list_price = Cents(r.get(9)?);
    let contract_price = Cents(r.get(10)?);
    Ok(SearchHit {
        item_id: r.get(0)?,
        description: r.get(1)?,
        supplier_sku: r.get(2)?,
        manufacturer_part: r.get(3)?,
        supplier: r.get(4)?,
        cooperative: r.get(5)?,
        contract_id: r.get(6)?,
        contract_number: r.get(7)?,
        unit: r.get(8)?,
        list_price,
        contract_price,
        saving_bps: Cents::saving_bps(list_price, contract_price),
    })
}

impl Store {
    /// One page of matching items, best first. Empty text browses the whole
    /// catalogue in description order.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchPage> {
        let limit = query.limit.clamp(1, MAX_PAGE);
        let conn = self.conn();
        let (total, hits) = match fts_expression(&query.text) {
            None if !query.text.trim().is_empty() => (0, Vec::new()),
            None => {
                let total: i64 = conn.query_row("SELECT count(*) FROM items", [], |r| r.get(0))?;
                let sql = format!(
                    "SELECT {HIT_COLUMNS} FROM items i {HIT_JOINS} ORDER BY i.description, i.id LIMIT ?1 OFFSET ?2"
                );
                let hits = conn
                    .prepare_cached(&sql)?
                    .query_map([limit, query.offset], hit_from_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                (total, hits)
            }
            Some(expr) => {
                let total: i64 =
                    conn.query_row("SELECT count(*) FROM item_fts WHERE item_fts MATCH ?1", [&expr], |r| r.get(0))?;
                // Column weights: description, parts, parts_compact, supplier,
                // contract, cooperative, classification.
                let sql = format!(
                    "SELECT {HIT_COLUMNS} FROM (
                         SELECT rowid, bm25(item_fts, 4.0, 6.0, 6.0, 2.0, 2.0, 1.0, 1.0) AS rank
                         FROM item_fts WHERE item_fts MATCH ?1 ORDER BY rank LIMIT ?2 OFFSET ?3
                     ) AS m
                     JOIN items i ON i.rowid = m.rowid {HIT_JOINS}
                     ORDER BY m.rank, i.description"
                );
                let hits = conn
                    .prepare_cached(&sql)?
                    .query_map(rusqlite::params![expr, limit, query.offset], hit_from_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                (total, hits)
            }
        };
        Ok(SearchPage { text: query.text.clone(), total: total as u64, offset: query.offset, hits })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_quoted_prefix_terms() {
        let cases = [
            ("", None),
            ("   ", None),
            ("--- ***", None),
            ("ups", Some(r#""ups"*"#)),
            ("UPS batt", Some(r#""ups"* AND "batt"*"#)),
            ("APC-BR1500", Some(r#"("apc br1500"* OR parts_compact : "apcbr1500"*)"#)),
            (r#"a"b OR (c"#, Some(r#"("a b"* OR parts_compact : "ab"*) AND "or"* AND "c"*"#)),
            ("Café", Some(r#""café"*"#)),
        ];
        for (text, want) in cases {
            assert_eq!(fts_expression(text).as_deref(), want, "{text:?}");
        }
    }

    #[test]
    fn input_is_bounded() {
        let long = "word ".repeat(500);
        let expr = fts_expression(&long).unwrap();
        assert_eq!(expr.matches("AND").count(), MAX_TERMS - 1);
    }
}
