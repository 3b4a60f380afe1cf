//! Catalogue search: turns what the clerk types into an FTS5 query, ranks
//! matches with bm25 (part numbers and descriptions weigh most), and returns
//! one page of items with the prices a clerk compares.
//!
//! Typed text is never passed to FTS5 as syntax: every word is quoted, so
//! quotes, `AND`, `*` or a stray parenthesis in the box cannot break a query.

use crate::eligibility::{evaluate, Verdict};
use crate::error::{Error, Result};
use crate::geo::{miles_between, Point};
use crate::model::Cooperative;
use crate::money::Cents;
use crate::store::{contract_from_row, cooperative_from_row, zip_point, Store, CONTRACT_COLUMNS};
use chrono::NaiveDate;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

pub const MAX_PAGE: u32 = 200;
/// Counting every match costs as much as ranking them; past this the clerk
/// sees "10,000+", which is all a number that large tells anyone.
pub const COUNT_CAP: u64 = 10_000;
/// Longer input is cut here: nobody types more, and it bounds the query.
const MAX_QUERY_CHARS: usize = 200;
const MAX_TERMS: usize = 12;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub text: String,
    #[serde(default = "default_limit")]
    pub limit: u32,
    #[serde(default)]
    pub offset: u32,
    #[serde(default)]
    pub filters: Filters,
    #[serde(default)]
    pub sort: Sort,
}

/// Filters that combine with the text (and with each other).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub cooperative_id: Option<String>,
    #[serde(default)]
    pub supplier_id: Option<String>,
    /// A classification code prefix ("3912") or words of its name ("generators").
    #[serde(default)]
    pub classification: Option<String>,
    /// Contract price bounds, inclusive.
    #[serde(default)]
    pub min_price: Option<Cents>,
    #[serde(default)]
    pub max_price: Option<Cents>,
    /// Every one of these attributes (e.g. `energy-efficient`).
    #[serde(default)]
    pub attributes: Vec<String>,
    #[serde(default)]
    pub status: Option<StatusFilter>,
    /// Only contracts the agency's profile makes it eligible for.
    #[serde(default)]
    pub eligible_only: bool,
    /// Only suppliers with a local dealer within `miles` of `zip`.
    #[serde(default)]
    pub near: Option<Near>,
}

impl Filters {
    /// Whether any filter is set (for "remove a filter" advice).
    pub fn any(&self) -> bool {
        *self != Filters::default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum StatusFilter {
    Active,
    /// Active, and ending within `days`.
    ExpiringWithin {
        days: u32,
    },
    Expired,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Near {
    pub zip: String,
    pub miles: f64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first (catalogue order when there is no text).
    #[default]
    Relevance,
    /// Lowest contract price first.
    ContractPrice,
    /// Largest saving first.
    Saving,
    /// Soonest-expiring contract first.
    Expiry,
}

fn default_limit() -> u32 {
    50
}

impl SearchQuery {
    pub fn text(text: impl Into<String>) -> SearchQuery {
        SearchQuery { text: text.into(), limit: default_limit(), ..Default::default() }
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
    pub term_end: String,
    /// Days from today to the contract's end (negative once expired).
    pub days_left: i64,
    pub eligibility: Verdict,
    /// Why not eligible (the first reason), for the result list.
    pub eligibility_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchPage {
    pub text: String,
    /// Matches, counted up to `COUNT_CAP`.
    pub total: u64,
    /// There are more than `total` matches.
    pub total_capped: bool,
    pub offset: u32,
    pub hits: Vec<SearchHit>,
    /// When nothing matched: the text with a misspelt word replaced by the
    /// nearest word the catalogue holds, best first.
    pub suggestions: Vec<String>,
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
    i.list_cents, i.contract_cents, ifnull(c.term_end, '')";
const HIT_JOINS: &str = "LEFT JOIN contracts c ON c.id = i.contract_id
    LEFT JOIN suppliers s ON s.id = c.supplier_id
    LEFT JOIN cooperatives co ON co.id = c.cooperative_id";

fn hit_from_row(r: &rusqlite::Row, today: NaiveDate) -> rusqlite::Result<SearchHit> {
    let list_price = Cents(r.get(9)?);
    let contract_price = Cents(r.get(10)?);
    let term_end: String = r.get(11)?;
    let days_left = term_end.parse::<NaiveDate>().map_or(0, |d| (d - today).num_days());
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
        term_end,
        days_left,
        eligibility: Verdict::Unknown,
        eligibility_note: None,
    })
}

/// SQL conditions and their parameters, built up filter by filter.
#[derive(Default)]
struct Where {
    conds: Vec<String>,
    params: Vec<Value>,
}

impl Where {
    fn add(&mut self, cond: &str, params: impl IntoIterator<Item = Value>) {
        self.conds.push(cond.to_owned());
        self.params.extend(params);
    }

    fn sql(&self) -> String {
        if self.conds.is_empty() {
            "1".to_owned()
        } else {
            self.conds.join(" AND ")
        }
    }
}

fn text_value(v: &str) -> Value {
    Value::Text(v.to_owned())
}

impl Store {
    /// The contracts that pass the filters computed outside SQL (eligibility,
    /// a dealer nearby); `None` when neither filter is set.
    fn allowed_contracts(&self, filters: &Filters, today: NaiveDate) -> Result<Option<Vec<Value>>> {
        if !filters.eligible_only && filters.near.is_none() {
            return Ok(None);
        }
        let agency = self.agency_profile()?;
        if filters.eligible_only && agency.is_none() {
            return Err(Error::InvalidInput(
                "Set up the agency profile (Settings, or `coopdesk agency set`) to filter by eligibility.".into(),
            ));
        }
        let near_suppliers: Option<HashSet<String>> = match &filters.near {
            None => None,
            Some(near) => {
                let from = zip_point(&near.zip)?;
                let mut stmt = self.conn().prepare_cached("SELECT supplier_id, latitude, longitude FROM dealers")?;
                let rows =
                    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?, r.get::<_, f64>(2)?)))?;
                let mut set = HashSet::new();
                for row in rows {
                    let (supplier, latitude, longitude) = row?;
                    if miles_between(from, Point { latitude, longitude }) <= near.miles {
                        set.insert(supplier);
                    }
                }
                Some(set)
            }
        };
        let cooperatives: HashMap<String, Cooperative> = self
            .conn()
            .prepare_cached("SELECT id, name, lead_agency, membership_required, website FROM cooperatives")?
            .query_map([], cooperative_from_row)?
            .map(|c| c.map(|c| (c.id.clone(), c)))
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn().prepare_cached(&format!("SELECT {CONTRACT_COLUMNS} FROM contracts"))?;
        let mut allowed = Vec::new();
        for contract in stmt.query_map([], contract_from_row)? {
            let contract = contract?;
            if near_suppliers.as_ref().is_some_and(|s| !s.contains(&contract.supplier_id)) {
                continue;
            }
            if filters.eligible_only {
                let Some(coop) = cooperatives.get(&contract.cooperative_id) else { continue };
                let check = evaluate(&contract.id, &contract.eligibility, coop, agency.as_ref(), today);
                if check.verdict != Verdict::Eligible {
                    continue;
                }
            }
            allowed.push(Value::Text(contract.id));
        }
        Ok(Some(allowed))
    }

    fn base_filters(&self, filters: &Filters, today: NaiveDate) -> Result<Where> {
        let mut w = Where::default();
        if let Some(id) = &filters.cooperative_id {
            w.add("c.cooperative_id = ?", [text_value(id)]);
        }
        if let Some(id) = &filters.supplier_id {
            w.add("c.supplier_id = ?", [text_value(id)]);
        }
        if let Some(class) = filters.classification.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            w.add(
                "EXISTS (SELECT 1 FROM json_each(i.classifications) j
                         WHERE json_extract(j.value, '$.code') LIKE ? || '%'
                            OR json_extract(j.value, '$.name') LIKE '%' || ? || '%')",
                [text_value(class), text_value(class)],
            );
        }
        if let Some(min) = filters.min_price {
            w.add("i.contract_cents >= ?", [Value::Integer(min.0)]);
        }
        if let Some(max) = filters.max_price {
            w.add("i.contract_cents <= ?", [Value::Integer(max.0)]);
        }
        for a in &filters.attributes {
            w.add("EXISTS (SELECT 1 FROM json_each(i.attributes) j WHERE j.value = ?)", [text_value(a)]);
        }
        let day = |d: NaiveDate| Value::Text(d.to_string());
        match filters.status {
            None => {}
            Some(StatusFilter::Active) => w.add("c.term_start <= ? AND c.term_end >= ?", [day(today), day(today)]),
            Some(StatusFilter::ExpiringWithin { days }) => w.add(
                "c.term_start <= ? AND c.term_end >= ? AND c.term_end <= ?",
                [day(today), day(today), day(today + chrono::Days::new(days.into()))],
            ),
            Some(StatusFilter::Expired) => w.add("c.term_end < ?", [day(today)]),
        }
        Ok(w)
    }

    /// One page of matching items. Empty text browses the catalogue.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchPage> {
        self.search_on(query, chrono::Local::now().date_naive())
    }

    /// `search` as of `today` (for contract status and eligibility).
    pub fn search_on(&self, query: &SearchQuery, today: NaiveDate) -> Result<SearchPage> {
        let limit = query.limit.clamp(1, MAX_PAGE);
        let expr = fts_expression(&query.text);
        if expr.is_none() && !query.text.trim().is_empty() {
            return Ok(SearchPage {
                text: query.text.clone(),
                total: 0,
                total_capped: false,
                offset: query.offset,
                hits: Vec::new(),
                suggestions: Vec::new(),
            });
        }
        let (w, array) = self.filter_parts(&query.filters, today)?;
        let mut params: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        let from = match &expr {
            Some(e) => {
                params.push(Box::new(e.clone()));
                "item_fts f JOIN items i ON i.rowid = f.rowid"
            }
            None => "items i",
        };
        let matching = if expr.is_some() { "item_fts MATCH ? AND " } else { "" };
        for p in &w.params {
            params.push(Box::new(p.clone()));
        }
        if let Some(a) = &array {
            params.push(Box::new(a.clone()));
        }
        let conds = w.sql();
        let counted: i64 = self.conn().query_row(
            &format!(
                "SELECT count(*) FROM (SELECT 1 FROM {from} {HIT_JOINS} WHERE {matching}{conds} LIMIT {})",
                COUNT_CAP + 1
            ),
            rusqlite::params_from_iter(params.iter()),
            |r| r.get(0),
        )?;
        let total_capped = counted as u64 > COUNT_CAP;
        let total = (counted as u64).min(COUNT_CAP);
        // Column weights: description, parts, parts_compact, supplier,
        // contract, cooperative, classification.
        let rank = "bm25(item_fts, 4.0, 6.0, 6.0, 2.0, 2.0, 1.0, 1.0)";
        let order = match (query.sort, expr.is_some()) {
            (Sort::Relevance, true) => format!("{rank}, i.description"),
            (Sort::Relevance, false) => "i.description, i.id".to_owned(),
            (Sort::ContractPrice, _) => "i.contract_cents, i.description".to_owned(),
            (Sort::Saving, _) => {
                "CASE WHEN i.list_cents > 0 THEN (i.list_cents - i.contract_cents) * 1.0 / i.list_cents END DESC, i.description".to_owned()
            }
            (Sort::Expiry, _) => "c.term_end, i.description".to_owned(),
        };
        params.push(Box::new(limit));
        params.push(Box::new(query.offset));
        // With no filter on the joined tables, rank inside the index and join
        // only the page: the joins then cost 50 rows, not every match.
        let ranked_in_index = expr.is_some() && query.sort == Sort::Relevance && w.conds.is_empty() && array.is_none();
        let sql = if ranked_in_index {
            format!(
                "SELECT {HIT_COLUMNS} FROM (
                     SELECT rowid, {rank} AS score FROM item_fts WHERE item_fts MATCH ? ORDER BY score LIMIT ? OFFSET ?
                 ) AS m JOIN items i ON i.rowid = m.rowid {HIT_JOINS} ORDER BY m.score, i.description"
            )
        } else {
            format!("SELECT {HIT_COLUMNS} FROM {from} {HIT_JOINS} WHERE {matching}{conds} ORDER BY {order} LIMIT ? OFFSET ?")
        };
        let mut hits = self
            .conn()
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(params.iter()), |r| hit_from_row(r, today))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.judge_hits(&mut hits, today)?;
        let suggestions = if total == 0 && expr.is_some() { self.suggest(&query.text)? } else { Vec::new() };
        Ok(SearchPage { text: query.text.clone(), total, total_capped, offset: query.offset, hits, suggestions })
    }

    fn filter_parts(&self, filters: &Filters, today: NaiveDate) -> Result<(Where, Option<Rc<Vec<Value>>>)> {
        let mut w = self.base_filters(filters, today)?;
        let array = self.allowed_contracts(filters, today)?.map(Rc::new);
        if array.is_some() {
            w.conds.push("c.id IN rarray(?)".to_owned());
        }
        Ok((w, array))
    }

    /// Spelling suggestions: for each typed word the catalogue does not hold,
    /// the nearest words it does (same first letter, within two edits), the
    /// most common first.
    pub fn suggest(&self, text: &str) -> Result<Vec<String>> {
        let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).take(MAX_TERMS).collect();
        let mut stmt = self.conn().prepare_cached(
            "SELECT term, doc FROM item_fts_vocab WHERE term >= ?1 AND term < ?2 AND length(term) BETWEEN ?3 AND ?4",
        )?;
        let mut suggestions = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let Some(first) = word.chars().next().filter(|c| c.is_alphanumeric()) else { continue };
            if word.chars().count() < 3 {
                continue;
            }
            let known: bool = self
                .conn()
                .query_row("SELECT 1 FROM item_fts_vocab WHERE term = ?1", [word], |_| Ok(true))
                .unwrap_or(false);
            if known {
                continue;
            }
            let next = char::from_u32(first as u32 + 1).unwrap_or(first);
            let len = word.chars().count() as i64;
            let mut candidates: Vec<(usize, i64, String)> = stmt
                .query_map(rusqlite::params![first.to_string(), next.to_string(), len - 2, len + 2], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })?
                .filter_map(|r| r.ok())
                .filter_map(|(term, docs)| {
                    let d = strsim::damerau_levenshtein(word, &term);
                    (d <= 2).then_some((d, -docs, term))
                })
                .collect();
            candidates.sort();
            for (_, _, term) in candidates.into_iter().take(2) {
                let mut fixed = words.clone();
                fixed[i] = term;
                suggestions.push(fixed.join(" "));
            }
        }
        suggestions.truncate(3);
        Ok(suggestions)
    }

    /// Marks each hit with the agency's eligibility for its contract.
    fn judge_hits(&self, hits: &mut [SearchHit], today: NaiveDate) -> Result<()> {
        let agency = self.agency_profile()?;
        let mut verdicts: HashMap<String, (Verdict, Option<String>)> = HashMap::new();
        for hit in hits.iter_mut() {
            if !verdicts.contains_key(&hit.contract_id) {
                let judged = match self.contract(&hit.contract_id)? {
                    Some(contract) => match self.cooperative(&contract.cooperative_id)? {
                        Some(coop) => {
                            let check = evaluate(&contract.id, &contract.eligibility, &coop, agency.as_ref(), today);
                            (check.verdict, check.reasons.into_iter().next())
                        }
                        None => (Verdict::Unknown, None),
                    },
                    None => (Verdict::Unknown, None),
                };
                verdicts.insert(hit.contract_id.clone(), judged);
            }
            let (verdict, note) = verdicts[&hit.contract_id].clone();
            hit.eligibility = verdict;
            hit.eligibility_note = note;
        }
        Ok(())
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
