//! Catalogue search: what the clerk types, with filters, asked of the
//! tantivy index ([`crate::search_index`], BM25 with part numbers and
//! descriptions weighing most), then one page of items read back from SQLite
//! with the prices a clerk compares. Eligibility and distance are judged here
//! in Rust and handed to the index as a set of contract ids.
//!
//! Typed text is never query syntax: it is split into words the index looks
//! up, so quotes, `AND`, `*` or a stray parenthesis in the box cannot break
//! a query.

use crate::eligibility::{evaluate, Verdict};
use crate::error::{Error, Result};
use crate::geo::{miles_between, Point};
use crate::model::Cooperative;
use crate::money::Cents;
use crate::store::{contract_from_row, cooperative_from_row, Store, CONTRACT_COLUMNS};
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
use crate::search_index::MAX_TERMS;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Near {
    /// Empty: the agency's own ZIP code, from its profile.
    #[serde(default)]
    pub zip: String,
    pub miles: f64,
}

/// When a dealer filter leaves nothing: the nearest dealer of a supplier
/// that has a match, so the clerk knows how far to widen it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NearestDealer {
    pub name: String,
    /// Whole miles, as the clerk widens the filter by.
    pub miles: u32,
    /// The ZIP code the distance is from.
    pub from_zip: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// ISO 4217 code of the prices (USD unless imported from abroad).
    pub currency: crate::money::Currency,
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// When only the dealer filter left nothing: the nearest dealer of a
    /// supplier with a match.
    pub nearest_dealer: Option<NearestDealer>,
    /// When nothing matched what was typed but the first suggestion does:
    /// the results shown are that suggestion's ("Showing results for
    /// generator").
    pub showing_for: Option<String>,
}

const HIT_COLUMNS: &str = "i.id, i.description, i.supplier_sku, i.manufacturer_part,
    ifnull(s.legal_name, ''), ifnull(co.name, ''), i.contract_id, ifnull(c.number, ''), i.unit,
    i.list_cents, i.contract_cents, ifnull(c.term_end, ''), i.currency";
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
        currency: r.get(12)?,
        saving_bps: Cents::saving_bps(list_price, contract_price),
        term_end,
        days_left,
        eligibility: Verdict::Unknown,
        eligibility_note: None,
    })
}

use crate::search_index::{IndexQuery, IndexSort};

impl Store {
    /// The contracts that pass the filters computed outside SQL (eligibility,
    /// a dealer nearby); `None` when neither filter is set.
    fn allowed_contracts(&self, filters: &Filters, today: NaiveDate) -> Result<Option<Vec<Value>>> {
        if !filters.eligible_only && filters.near.is_none() {
            return Ok(None);
        }
        let agency = self.agency_profile()?;
        if filters.eligible_only && agency.is_none() {
            return Err(Error::NoAgencyProfile);
        }
        let near_suppliers: Option<HashSet<String>> = match &filters.near {
            None => None,
            Some(near) => {
                let from = self.near_origin(near)?.1;
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

    /// One page of matching items. Empty text browses the catalogue.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchPage> {
        self.search_on(query, self.clock().today())
    }

    /// `search` as of `today` (for contract status and eligibility).
    pub fn search_on(&self, query: &SearchQuery, today: NaiveDate) -> Result<SearchPage> {
        let limit = query.limit.clamp(1, MAX_PAGE);
        let text: String = query.text.chars().take(MAX_QUERY_CHARS).collect();
        let empty = |text: String| SearchPage {
            text,
            total: 0,
            total_capped: false,
            offset: query.offset,
            hits: Vec::new(),
            suggestions: Vec::new(),
            nearest_dealer: None,
            showing_for: None,
        };
        // Catches up with changes another connection made (a sync) and with
        // anything a crash left unindexed.
        self.catch_up_search()?;
        let f = &query.filters;
        let allowed: Option<Vec<String>> = self
            .allowed_contracts(f, today)?
            .map(|ids| ids.into_iter().filter_map(|v| if let Value::Text(t) = v { Some(t) } else { None }).collect());
        let (mut start_max, mut end_min, mut end_max) = (None, None, None);
        match f.status {
            None => {}
            Some(StatusFilter::Active) => (start_max, end_min) = (Some(today), Some(today)),
            Some(StatusFilter::ExpiringWithin { days }) => {
                (start_max, end_min, end_max) = (Some(today), Some(today), Some(today + chrono::Days::new(days.into())))
            }
            Some(StatusFilter::Expired) => end_max = today.pred_opt(),
        }
        let index_query = IndexQuery {
            text: &text,
            cooperative_id: f.cooperative_id.as_deref(),
            supplier_id: f.supplier_id.as_deref(),
            classification: f.classification.as_deref(),
            min_price: f.min_price.map(|c| c.0),
            max_price: f.max_price.map(|c| c.0),
            attributes: &f.attributes,
            term_start_max: start_max,
            term_end_min: end_min,
            term_end_max: end_max,
            contracts: allowed.as_deref(),
        };
        let sort = match query.sort {
            Sort::Relevance => IndexSort::Relevance,
            Sort::ContractPrice => IndexSort::Price,
            Sort::Saving => IndexSort::Saving,
            Sort::Expiry => IndexSort::Expiry,
        };
        let Some((rowids, matched)) =
            self.search_index().search(&index_query, sort, limit as usize, query.offset as usize)?
        else {
            return Ok(empty(query.text.clone()));
        };
        let total_capped = matched as u64 > COUNT_CAP;
        let total = (matched as u64).min(COUNT_CAP);
        let ids = Rc::new(rowids.iter().map(|&r| Value::Integer(r)).collect::<Vec<_>>());
        let mut by_rowid: HashMap<i64, SearchHit> = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {HIT_COLUMNS}, i.rowid FROM items i {HIT_JOINS} WHERE i.rowid IN rarray(?1)"
            ))?
            .query_map([ids], |r| Ok((r.get::<_, i64>(13)?, hit_from_row(r, today)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut hits: Vec<SearchHit> = rowids.iter().filter_map(|r| by_rowid.remove(r)).collect();
        self.judge_hits(&mut hits, today)?;
        let suggestions = if total == 0 && !text.trim().is_empty() { self.suggest(&text)? } else { Vec::new() };
        // A typo: the first correction's results at once, saying so.
        if let Some(first) = suggestions.first().filter(|_| total == 0) {
            let corrected = SearchQuery { text: first.clone(), ..query.clone() };
            let mut page = self.search_on(&corrected, today)?;
            if page.total > 0 {
                page.text = query.text.clone();
                page.showing_for = Some(first.clone());
                page.suggestions = suggestions;
                return Ok(page);
            }
        }
        let nearest_dealer = match &f.near {
            Some(near) if total == 0 => self.nearest_dealer(query, near, today)?,
            _ => None,
        };
        Ok(SearchPage {
            text: query.text.clone(),
            total,
            total_capped,
            offset: query.offset,
            hits,
            suggestions,
            nearest_dealer,
            showing_for: None,
        })
    }

    /// Where a dealer filter measures from: the ZIP typed, else the
    /// agency's own.
    fn near_origin(&self, near: &Near) -> Result<(String, crate::geo::Point)> {
        let typed = Some(near.zip.trim()).filter(|z| !z.is_empty());
        crate::store::origin(self, typed)?.ok_or_else(|| {
            Error::Invalid("Type a ZIP code for the dealer filter, or save the agency's in Settings > Agency.".into())
        })
    }

    /// The nearest dealer of any supplier with a match once the dealer
    /// filter is left out.
    fn nearest_dealer(&self, query: &SearchQuery, near: &Near, today: NaiveDate) -> Result<Option<NearestDealer>> {
        let (from_zip, from) = self.near_origin(near)?;
        let mut wider = query.clone();
        wider.filters.near = None;
        wider.limit = MAX_PAGE;
        wider.offset = 0;
        let page = self.search_on(&wider, today)?;
        let contracts: HashSet<&str> = page.hits.iter().map(|h| h.contract_id.as_str()).collect();
        let mut suppliers = HashSet::new();
        for id in contracts {
            if let Some(c) = self.contract(id)? {
                suppliers.insert(c.supplier_id);
            }
        }
        let mut stmt = self.conn().prepare_cached("SELECT supplier_id, name, latitude, longitude FROM dealers")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, f64>(2)?, r.get::<_, f64>(3)?))
        })?;
        let mut best: Option<NearestDealer> = None;
        for row in rows {
            let (supplier, name, latitude, longitude) = row?;
            if !suppliers.contains(&supplier) {
                continue;
            }
            let miles = miles_between(from, Point { latitude, longitude }).ceil() as u32;
            if best.as_ref().is_none_or(|b| miles < b.miles) {
                best = Some(NearestDealer { name, miles, from_zip: from_zip.clone() });
            }
        }
        Ok(best)
    }

    /// Spelling suggestions: for each typed word no item description holds,
    /// the nearest words that some do (same first letter, within two edits),
    /// the most common first.
    pub fn suggest(&self, text: &str) -> Result<Vec<String>> {
        let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).take(MAX_TERMS).collect();
        let index = self.search_index();
        let mut suggestions = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let Some(first) = word.chars().next().filter(|c| c.is_alphanumeric()) else { continue };
            let len = word.chars().count();
            if len < 3 || index.knows(word)? {
                continue;
            }
            let next = char::from_u32(first as u32 + 1).unwrap_or(first);
            let mut candidates: Vec<(usize, i64, String)> = index
                .vocabulary(&first.to_string(), &next.to_string())?
                .into_iter()
                .filter(|(term, _)| term.chars().count().abs_diff(len) <= 2)
                .filter_map(|(term, docs)| {
                    let d = strsim::damerau_levenshtein(word, &term);
                    (d <= 2).then_some((d, -(docs as i64), term))
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
                            let note = match check.verdict {
                                Verdict::EligibleOnceFiled => Some(check.summary()),
                                _ => check.reasons.into_iter().next(),
                            };
                            (check.verdict, note)
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
